"""Every migration clientside had in release 3e25ac6, squashed into one: applied on a database of
that release, run on a new one (portal/management/commands/migrate.py refuses older ones).

Left out: the data step that filled the administrations' search keys of existing rows.
"""

import django.core.validators
import django.db.models.deletion
import kvk.taxonomy
import uuid
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    replaces = [
        ('clientside', '0001_squashed'),
        ('clientside', '0002_squashed'),
        ('clientside', '0003_administration_year_end'),
        ('clientside', '0004_second_filing'),
        ('clientside', '0005_test_url_captions_search_name'),
        ('clientside', '0006_fill_administration_search_name'),
    ]

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='Administration',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('search_name', models.TextField(db_default='', default='', editable=False)),
                ('name', models.CharField(max_length=200, verbose_name='naam')),
                ('legal_form', models.CharField(choices=kvk.taxonomy.legal_form_choices, default='Besloten vennootschap met beperkte aansprakelijkheid', max_length=100, verbose_name='rechtsvorm')),
                ('seat', models.CharField(max_length=100, verbose_name='statutaire zetel')),
                ('kvk_number', models.CharField(max_length=8, validators=[django.core.validators.RegexValidator('^\\d{8}$', 'Een KvK-nummer bestaat uit precies acht cijfers.')], verbose_name='KvK-nummer')),
                ('sbi_code', models.CharField(blank=True, max_length=10, verbose_name='SBI-code')),
                ('street', models.CharField(blank=True, max_length=24, verbose_name='straat')),
                ('house_number', models.CharField(blank=True, max_length=5, verbose_name='huisnummer')),
                ('house_number_addition', models.CharField(blank=True, max_length=4, verbose_name='toevoeging')),
                ('postal_code', models.CharField(blank=True, max_length=6, verbose_name='postcode')),
                ('place', models.CharField(blank=True, max_length=80, verbose_name='plaats')),
                ('address', models.CharField(blank=True, max_length=300, verbose_name='adres (oude invoer)')),
                ('filing_email', models.EmailField(blank=True, max_length=254, verbose_name='e-mailadres voor de deponering')),
                ('contact_type', models.CharField(choices=[('ondernemer', 'Ondernemer'), ('intermediair', 'Intermediair')], default='ondernemer', max_length=20, verbose_name='soort contact')),
                ('contact_person', models.CharField(blank=True, max_length=200, verbose_name='contactpersoon')),
                ('contact_email', models.EmailField(blank=True, max_length=254, verbose_name='e-mail contactpersoon')),
                ('contact_phone', models.CharField(blank=True, max_length=30, verbose_name='telefoon contactpersoon')),
                ('kvk_report', models.CharField(choices=[('micro', 'Micro'), ('micro-publicatiestukken', 'Micro publicatiestukken'), ('klein', 'Klein'), ('klein-publicatiestukken', 'Klein publicatiestukken'), ('klein-verticaal', 'Klein verticaal'), ('klein-verticaal-publicatiestukken', 'Klein verticaal publicatiestukken')], default='micro', max_length=40, verbose_name='KvK-rapport')),
                ('year_end_month', models.PositiveSmallIntegerField(default=12, verbose_name='einde boekjaar: maand')),
                ('year_end_day', models.PositiveSmallIntegerField(default=31, verbose_name='einde boekjaar: dag')),
            ],
            options={
                'verbose_name': 'administratie',
                'verbose_name_plural': 'administraties',
                'ordering': ['name'],
                'permissions': [('prepare_report', 'Klaarzetten accountancyportal'), ('send_receive', 'Verzenden/ontvangen accountancyportal')],
            },
        ),
        migrations.CreateModel(
            name='AnnualReport',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('financial_year', models.PositiveSmallIntegerField(verbose_name='boekjaar')),
                ('statements', models.JSONField(default=dict, verbose_name='cijfers')),
                ('adoption_date', models.DateField(blank=True, null=True, verbose_name='datum vaststelling')),
                ('signed_by', models.CharField(choices=[('bestuurder', 'Bestuurder(s)'), ('bestuurder_en_commissaris', 'Bestuurder(s) en commissaris(sen)')], default='bestuurder', max_length=30, verbose_name='ondertekend door')),
                ('signed_date', models.DateField(blank=True, null=True, verbose_name='datum ondertekening')),
                ('signing_place', models.CharField(blank=True, max_length=200, verbose_name='plaats ondertekening')),
                ('resubmission', models.BooleanField(default=False, verbose_name='heraanlevering')),
                ('resubmission_explanation', models.TextField(blank=True, max_length=1000, verbose_name='toelichting heraanlevering')),
                ('second_filing', models.BooleanField(default=False, verbose_name='tweede aanlevering')),
                ('locked', models.BooleanField(default=False, verbose_name='vergrendeld (gedeponeerd)')),
                ('employees_current', models.DecimalField(blank=True, decimal_places=2, max_digits=9, null=True, verbose_name='gemiddeld aantal werknemers (huidig boekjaar)')),
                ('employees_previous', models.DecimalField(blank=True, decimal_places=2, max_digits=9, null=True, verbose_name='gemiddeld aantal werknemers (vorig boekjaar)')),
                ('net_turnover_current', models.DecimalField(blank=True, decimal_places=0, max_digits=20, null=True, verbose_name='netto-omzet (huidig boekjaar)')),
                ('net_turnover_previous', models.DecimalField(blank=True, decimal_places=0, max_digits=20, null=True, verbose_name='netto-omzet (vorig boekjaar)')),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('administration', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='annual_reports', to='clientside.administration')),
            ],
            options={
                'verbose_name': 'jaarrapport',
                'verbose_name_plural': 'jaarrapporten',
            },
        ),
        migrations.CreateModel(
            name='CommunicationProfile',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('blocked', models.BooleanField(default=False, verbose_name='geblokkeerd')),
                ('participant_number', models.CharField(max_length=5, validators=[django.core.validators.RegexValidator('^\\d{5}$', 'Vul precies vijf cijfers in.')], verbose_name='deelnemernummer')),
                ('portal_url_override', models.URLField(blank=True, verbose_name='eigen portaladres')),
                ('token', models.CharField(blank=True, max_length=200, verbose_name='token')),
                ('token_set_at', models.DateTimeField(blank=True, null=True, verbose_name='token ingevoerd op')),
                ('updates_cursor', models.BigIntegerField(default=0, editable=False)),
                ('last_test_at', models.DateTimeField(blank=True, null=True, verbose_name='laatste verbindingstest')),
                ('last_test_ok', models.BooleanField(blank=True, null=True)),
                ('last_test_message', models.CharField(blank=True, max_length=500)),
                ('last_test_url', models.CharField(blank=True, editable=False, max_length=300)),
                ('administration', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='communication_profile', to='clientside.administration')),
            ],
            options={
                'verbose_name': 'communicatieprofiel',
                'verbose_name_plural': 'communicatieprofielen',
            },
        ),
        migrations.CreateModel(
            name='FilingActivation',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('active', models.BooleanField(default=False, verbose_name='ingeschakeld')),
                ('changed_at', models.DateTimeField(blank=True, null=True, verbose_name='gewijzigd op')),
                ('administration', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='filing_activation', to='clientside.administration', verbose_name='administratie')),
                ('changed_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='gewijzigd door')),
            ],
            options={
                'verbose_name': 'activering Jaarrapportage deponeren via accountancyportal',
                'verbose_name_plural': 'activeringen Jaarrapportage deponeren via accountancyportal',
            },
        ),
        migrations.CreateModel(
            name='FilingActivationChange',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('active', models.BooleanField(verbose_name='ingeschakeld')),
                ('changed_at', models.DateTimeField(verbose_name='gewijzigd op')),
                ('changed_by_name', models.CharField(blank=True, max_length=150, verbose_name='naam')),
                ('source', models.CharField(choices=[('setup', 'Inrichtingsscherm'), ('admin', 'Beheer (admin)'), ('demo', 'Demo-lader'), ('migration', 'Update (bestaande installatie)'), ('command', 'Opdrachtregel')], max_length=20, verbose_name='via')),
                ('administration', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='filing_activation_changes', to='clientside.administration')),
                ('changed_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='gewijzigd door')),
            ],
            options={
                'verbose_name': 'wijziging activering',
                'verbose_name_plural': 'wijzigingen activering',
                'ordering': ['-changed_at', '-pk'],
                'abstract': False,
            },
        ),
        migrations.CreateModel(
            name='OutboundMessage',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('message_id', models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                ('message_type', models.CharField(default='kvk-micro-klein', max_length=50)),
                ('filename', models.CharField(max_length=255)),
                ('document', models.BinaryField()),
                ('document_sha256', models.CharField(max_length=64)),
                ('status', models.PositiveSmallIntegerField(choices=[(0, 'Klaargezet voor verzending naar portal'), (5, 'Fout bij verzenden naar portal'), (10, 'Verzonden naar portal'), (20, 'Bezig met verwerken in portal'), (25, 'Fout bij verwerken in portal'), (30, 'Aangeboden ter beoordeling door cliënt'), (40, 'Afgekeurd door cliënt'), (50, 'Goedgekeurd door cliënt en klaargezet voor verzending naar KvK'), (60, 'Goedgekeurd door cliënt en verzonden naar KvK'), (70, 'Fout bij verzenden naar KvK'), (80, 'Gedeponeerd bij KvK'), (90, 'Afgekeurd door KvK')], default=0, verbose_name='status')),
                ('reasons', models.JSONField(blank=True, default=list, verbose_name='redenen')),
                ('history', models.JSONField(blank=True, default=list)),
                ('adoption_date', models.DateField(blank=True, null=True, verbose_name='datum vaststelling')),
                ('adopted', models.BooleanField(blank=True, null=True, verbose_name='vastgesteld')),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('sent_at', models.DateTimeField(blank=True, null=True)),
                ('status_changed_at', models.DateTimeField(auto_now_add=True)),
                ('superseded_at', models.DateTimeField(blank=True, null=True, verbose_name='vervallen op')),
                ('administration', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='outbound_messages', to='clientside.administration')),
                ('report', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='messages', to='clientside.annualreport')),
            ],
            options={
                'verbose_name': 'uitgaand bericht',
                'verbose_name_plural': 'uitgaande berichten',
                'ordering': ['-created_at'],
            },
        ),
        migrations.CreateModel(
            name='Signatory',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=200, verbose_name='naam')),
                ('function', models.CharField(choices=kvk.taxonomy.director_type_choices, default='Bestuurder (huidig)', max_length=40, verbose_name='functie')),
                ('order', models.PositiveSmallIntegerField(default=1, verbose_name='volgorde')),
                ('administration', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='signatories', to='clientside.administration')),
            ],
            options={
                'verbose_name': 'ondertekenaar',
                'verbose_name_plural': 'ondertekenaars',
                'ordering': ['order', 'name'],
            },
        ),
        migrations.CreateModel(
            name='ReportSignature',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('reason_not_signed', models.CharField(blank=True, max_length=1000, verbose_name='reden niet ondertekend')),
                ('report', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='signatures', to='clientside.annualreport')),
                ('signatory', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='signatures', to='clientside.signatory')),
            ],
            options={
                'verbose_name': 'ondertekening',
                'verbose_name_plural': 'ondertekeningen',
            },
        ),
        migrations.AddConstraint(
            model_name='annualreport',
            constraint=models.UniqueConstraint(fields=('administration', 'financial_year', 'resubmission', 'second_filing'), name='one_report_per_year'),
        ),
        migrations.AddConstraint(
            model_name='annualreport',
            constraint=models.CheckConstraint(condition=models.Q(('resubmission', True), ('second_filing', True), _negated=True), name='report_resubmission_or_second_filing'),
        ),
        migrations.AddConstraint(
            model_name='outboundmessage',
            constraint=models.CheckConstraint(condition=models.Q(('status__in', [0, 5, 10, 20, 25, 30, 40, 50, 60, 70, 80, 90])), name='outbound_status_known'),
        ),
        migrations.AddConstraint(
            model_name='reportsignature',
            constraint=models.UniqueConstraint(fields=('report', 'signatory'), name='one_signature_per_report'),
        ),
    ]
