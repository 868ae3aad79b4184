"""Every migration crm had in release 3e25ac6, squashed into one: applied on a database of
that release, run on a new one (portal/management/commands/migrate.py refuses older ones).

Left out: the data step that filled the names' search keys (kvk.search) of existing rows.
"""

import django.core.validators
import django.db.models.deletion
import kvk.taxonomy
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    replaces = [
        ('crm', '0001_squashed'),
        ('crm', '0002_squashed'),
        ('crm', '0003_organisation_responsible'),
        ('crm', '0004_search_name'),
        ('crm', '0005_fill_search_name'),
    ]

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='AccountancyEnvironment',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=200, verbose_name='naam')),
                ('participant_number', models.CharField(max_length=5, unique=True, validators=[django.core.validators.RegexValidator('^\\d{5}$', 'Een deelnemernummer bestaat uit precies vijf cijfers.')], verbose_name='deelnemernummer')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='aangemaakt op')),
            ],
            options={
                'verbose_name': 'accountantsomgeving',
                'verbose_name_plural': 'accountantsomgevingen',
                'db_table': 'portal_accountancyenvironment',
            },
        ),
        migrations.CreateModel(
            name='Contact',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('search_name', models.TextField(db_default='', default='', editable=False)),
                ('name', models.CharField(max_length=200, verbose_name='naam')),
                ('email', models.EmailField(blank=True, max_length=254, verbose_name='e-mailadres')),
                ('language', models.CharField(choices=[('nl', 'Nederlands'), ('en', 'English')], default='nl', max_length=2, verbose_name='taal')),
                ('portal_access', models.BooleanField(default=False, verbose_name='toegang tot klantportal')),
                ('is_director', models.BooleanField(default=False, verbose_name='bestuurder')),
                ('user', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='client_contacts', to=settings.AUTH_USER_MODEL, verbose_name='gebruiker')),
            ],
            options={
                'verbose_name': 'contactpersoon',
                'verbose_name_plural': 'contactpersonen',
                'db_table': 'portal_contact',
            },
        ),
        migrations.CreateModel(
            name='EnvironmentActivation',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('active', models.BooleanField(default=False, verbose_name='ingeschakeld')),
                ('changed_at', models.DateTimeField(blank=True, null=True, verbose_name='gewijzigd op')),
                ('last_processing_run_at', models.DateTimeField(blank=True, null=True, verbose_name="laatste run 'Externe berichten verwerken'")),
                ('changed_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='gewijzigd door')),
                ('environment', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='activation', to='crm.accountancyenvironment', verbose_name='accountantsomgeving')),
            ],
            options={
                'verbose_name': 'activering Communicatieconnector accordering OutSite',
                'verbose_name_plural': 'activeringen Communicatieconnector accordering OutSite',
                'db_table': 'portal_environmentactivation',
            },
        ),
        migrations.CreateModel(
            name='EnvironmentActivationChange',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('active', models.BooleanField(verbose_name='ingeschakeld')),
                ('changed_at', models.DateTimeField(verbose_name='gewijzigd op')),
                ('changed_by_name', models.CharField(blank=True, max_length=150, verbose_name='naam')),
                ('source', models.CharField(choices=[('setup', 'Inrichtingsscherm InSite'), ('admin', 'Beheer (admin)'), ('demo', 'Demo-lader'), ('migration', 'Update (bestaande installatie)'), ('command', 'Opdrachtregel')], max_length=20, verbose_name='via')),
                ('changed_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='gewijzigd door')),
                ('environment', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='activation_changes', to='crm.accountancyenvironment')),
            ],
            options={
                'verbose_name': 'wijziging activering',
                'verbose_name_plural': 'wijzigingen activering',
                'db_table': 'portal_environmentactivationchange',
                'ordering': ['-changed_at', '-pk'],
                'abstract': False,
            },
        ),
        migrations.CreateModel(
            name='Organisation',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('search_name', models.TextField(db_default='', default='', editable=False)),
                ('name', models.CharField(max_length=200, verbose_name='naam')),
                ('legal_form', models.CharField(choices=kvk.taxonomy.legal_form_choices, default='Besloten vennootschap met beperkte aansprakelijkheid', max_length=100, verbose_name='rechtsvorm')),
                ('status_sequence', models.BigIntegerField(default=0, editable=False, verbose_name='volgnummer statuswijzigingen')),
                ('approver_rule', models.CharField(blank=True, choices=[('one', 'Eén contactpersoon'), ('directors', 'Alle bestuurders met toegang tot de klantportal'), ('named', 'Een vaste groep contactpersonen')], help_text='Leeg: zoals de workflow het zegt.', max_length=10, verbose_name='goedkeuring door')),
                ('adopter_rule', models.CharField(blank=True, choices=[('approver', 'Wie moet goedkeuren (de eerste die vaststelt)'), ('named', 'Eén aangewezen contactpersoon')], help_text='Leeg: zoals de workflow het zegt.', max_length=10, verbose_name='vaststelling door')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='aangemaakt op')),
                ('adopter', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='adopter_of', to='crm.contact', verbose_name='vaststeller')),
                ('approvers', models.ManyToManyField(blank=True, related_name='approver_of', to='crm.contact', verbose_name='goedkeurders')),
                ('environment', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='organisations', to='crm.accountancyenvironment', verbose_name='accountantsomgeving')),
            ],
            options={
                'verbose_name': 'organisatie',
                'verbose_name_plural': 'organisaties',
                'db_table': 'portal_organisation',
                'ordering': ['name'],
            },
        ),
        migrations.AddField(
            model_name='contact',
            name='organisation',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='contacts', to='crm.organisation', verbose_name='organisatie'),
        ),
        migrations.CreateModel(
            name='StaffMember',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('role', models.CharField(choices=[('admin', 'Beheerder inrichting'), ('worker', 'Medewerker accorderingsberichten')], default='worker', max_length=10, verbose_name='rol')),
                ('language', models.CharField(choices=[('nl', 'Nederlands'), ('en', 'English')], default='nl', max_length=2, verbose_name='taal')),
                ('environment', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='staff', to='crm.accountancyenvironment', verbose_name='accountantsomgeving')),
                ('user', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='staff_member', to=settings.AUTH_USER_MODEL, verbose_name='gebruiker')),
            ],
            options={
                'verbose_name': 'medewerker',
                'verbose_name_plural': 'medewerkers',
                'db_table': 'portal_staffmember',
            },
        ),
        migrations.AddField(
            model_name='organisation',
            name='responsible',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='responsible_for', to='crm.staffmember', verbose_name='verantwoordelijk medewerker'),
        ),
        migrations.CreateModel(
            name='Identification',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('kvk', 'KvK-nummer'), ('rsin', 'RSIN')], default='kvk', max_length=10, verbose_name='soort')),
                ('value', models.CharField(max_length=20, verbose_name='nummer')),
                ('environment', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to='crm.accountancyenvironment', verbose_name='accountantsomgeving')),
                ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='identifications', to='crm.organisation', verbose_name='organisatie')),
            ],
            options={
                'verbose_name': 'identificatienummer',
                'verbose_name_plural': 'identificatienummers',
                'db_table': 'portal_identification',
                'constraints': [models.UniqueConstraint(fields=('environment', 'kind', 'value'), name='identification_unique_in_env'), models.UniqueConstraint(fields=('organisation', 'kind'), name='identification_one_per_kind'), models.CheckConstraint(condition=models.Q(models.Q(('kind', 'kvk'), _negated=True), ('value__regex', '^[0-9]{8}$'), _connector='OR'), name='identification_kvk_eight_digits')],
            },
        ),
        migrations.AddConstraint(
            model_name='contact',
            constraint=models.UniqueConstraint(fields=('user', 'organisation'), name='contact_user_once_per_organisation'),
        ),
    ]
