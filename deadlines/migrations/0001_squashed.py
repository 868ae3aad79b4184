"""deadlines: all of its migrations up to the squash, in one (see README, "Upgrading").

A database on which all the replaced migrations ran sees this one as applied; a database
part of the way there must first be migrated with the last version before the squash.

The tables keep the names they had in portal (db_table portal_*).

Left out: the renaming of the portal content types (0001, issue 21), which only changed
rows of an existing database; a fresh one gets the deadlines content types from post_migrate.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    replaces = [
        ('deadlines', '0001_initial'),
    ]

    dependencies = [
        ('crm', '0001_squashed'),
        ('workflow', '0001_squashed'),
    ]

    operations = [
        migrations.CreateModel(
            name='DeadlineExtension',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('financial_year', models.PositiveSmallIntegerField(verbose_name='boekjaar')),
                ('months', models.PositiveSmallIntegerField(verbose_name='verlenging (maanden)')),
                ('granted_on', models.DateField(blank=True, null=True, verbose_name='verleend op')),
                ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='deadline_extensions', to='crm.organisation')),
            ],
            options={
                'verbose_name': 'verlenging opmaaktermijn',
                'verbose_name_plural': 'verlengingen opmaaktermijn',
                'db_table': 'portal_deadlineextension',
                'constraints': [models.UniqueConstraint(fields=('organisation', 'financial_year'), name='deadline_extension_once_per_year'), models.CheckConstraint(condition=models.Q(('months__gte', 1), ('months__lte', 5)), name='deadline_extension_at_most_five_months')],
            },
        ),
        migrations.CreateModel(
            name='DeadlineFacts',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('year_end_month', models.PositiveSmallIntegerField(default=12, verbose_name='einde boekjaar: maand')),
                ('year_end_day', models.PositiveSmallIntegerField(default=31, verbose_name='einde boekjaar: dag')),
                ('all_shareholders_are_directors', models.BooleanField(default=False, help_text='Dan geldt de ondertekening van de jaarrekening als vaststelling.', verbose_name='alle aandeelhouders zijn bestuurder')),
                ('title_9_applies', models.BooleanField(default=False, help_text='Alleen voor een stichting of vereniging: zij houdt een onderneming in stand waarvan de netto-omzet de grens van art. 2:360 lid 3 BW haalt.', verbose_name='titel 9 Boek 2 BW is van toepassing')),
                ('organisation', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='deadline_facts', to='crm.organisation')),
            ],
            options={
                'verbose_name': 'termijngegevens',
                'verbose_name_plural': 'termijngegevens',
                'db_table': 'portal_deadlinefacts',
                'constraints': [models.CheckConstraint(condition=models.Q(('year_end_month__gte', 1), ('year_end_month__lte', 12), ('year_end_day__gte', 1), ('year_end_day__lte', 31)), name='deadline_facts_valid_year_end')],
            },
        ),
        migrations.CreateModel(
            name='ReminderLog',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('financial_year', models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='boekjaar')),
                ('kind', models.CharField(choices=[('client_review', 'Herinnering cliënt: bericht wacht op beoordeling'), ('staff_escalation', 'Escalatie medewerkers: deponeertermijn nadert')], max_length=20, verbose_name='soort')),
                ('step', models.PositiveSmallIntegerField(verbose_name='stap (dagen)')),
                ('recipients', models.JSONField(blank=True, default=list, verbose_name='ontvangers')),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('sent_at', models.DateTimeField(blank=True, null=True, verbose_name='verzonden op')),
                ('error', models.TextField(blank=True, verbose_name='fout')),
                ('message', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='reminder_logs', to='workflow.approvalmessage')),
                ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='reminder_logs', to='crm.organisation')),
            ],
            options={
                'verbose_name': 'verstuurde herinnering',
                'verbose_name_plural': 'verstuurde herinneringen',
                'db_table': 'portal_reminderlog',
                'ordering': ['-created_at'],
                'constraints': [models.UniqueConstraint(condition=models.Q(('message__isnull', False)), fields=('message', 'kind', 'step'), name='reminder_once_per_message_step'), models.UniqueConstraint(condition=models.Q(('message__isnull', True)), fields=('organisation', 'financial_year', 'kind', 'step'), name='reminder_once_per_year_step'), models.CheckConstraint(condition=models.Q(('message__isnull', False), ('financial_year__isnull', False), _connector='OR'), name='reminder_about_message_or_year')],
            },
        ),
    ]
