"""Every migration deadlines had in release 3e25ac6, squashed into one: applied on a database of
that release, run on a new one (portal/management/commands/migrate.py refuses older ones).
"""

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    replaces = [
        ('deadlines', '0001_squashed'),
        ('deadlines', '0002_reminder_overdue_kind'),
        ('deadlines', '0003_reminder_mail_per_address'),
    ]

    dependencies = [
        ('crm', '0001_squashed_3e25ac6'),
        ('workflow', '0001_squashed_3e25ac6'),
    ]

    operations = [
        migrations.CreateModel(
            name='ReminderLog',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('financial_year', models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='boekjaar')),
                ('kind', models.CharField(choices=[('client_review', 'Herinnering cliënt: bericht wacht op beoordeling'), ('staff_escalation', 'Escalatie medewerkers: deponeertermijn nadert'), ('staff_overdue', 'Escalatie medewerkers: deponeertermijn verstreken')], max_length=20, verbose_name='soort')),
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
            },
        ),
        migrations.CreateModel(
            name='ReminderMail',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('client_review', 'Herinnering cliënt: bericht wacht op beoordeling'), ('staff_escalation', 'Escalatie medewerkers: deponeertermijn nadert'), ('staff_overdue', 'Escalatie medewerkers: deponeertermijn verstreken')], max_length=20, verbose_name='soort')),
                ('address', models.EmailField(max_length=254, verbose_name='e-mailadres')),
                ('language', models.CharField(blank=True, max_length=10)),
                ('state', models.CharField(choices=[('pending', 'klaar om te verzenden'), ('sending', 'wordt verzonden'), ('sent', 'verzonden'), ('retry', 'mislukt, wordt opnieuw geprobeerd'), ('failed', 'mislukt, niet opnieuw geprobeerd'), ('unknown', 'onderbroken tijdens verzenden, niet opnieuw verzonden')], default='pending', max_length=10, verbose_name='stand')),
                ('attempts', models.PositiveSmallIntegerField(default=0, verbose_name='pogingen')),
                ('error', models.TextField(blank=True, verbose_name='fout')),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('claimed_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('sent_at', models.DateTimeField(blank=True, null=True, verbose_name='verzonden op')),
                ('entries', models.ManyToManyField(related_name='mails', to='deadlines.reminderlog')),
                ('environment', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='reminder_mails', to='crm.accountancyenvironment')),
            ],
            options={
                'verbose_name': 'herinneringsmail',
                'verbose_name_plural': 'herinneringsmails',
                'ordering': ['created_at', 'pk'],
            },
        ),
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
        migrations.AddConstraint(
            model_name='reminderlog',
            constraint=models.UniqueConstraint(condition=models.Q(('message__isnull', False)), fields=('message', 'kind', 'step'), name='reminder_once_per_message_step'),
        ),
        migrations.AddConstraint(
            model_name='reminderlog',
            constraint=models.UniqueConstraint(condition=models.Q(('message__isnull', True)), fields=('organisation', 'financial_year', 'kind', 'step'), name='reminder_once_per_year_step'),
        ),
        migrations.AddConstraint(
            model_name='reminderlog',
            constraint=models.CheckConstraint(condition=models.Q(('message__isnull', False), ('financial_year__isnull', False), _connector='OR'), name='reminder_about_message_or_year'),
        ),
        migrations.AddIndex(
            model_name='remindermail',
            index=models.Index(fields=['state', 'kind'], name='reminder_mail_state'),
        ),
    ]
