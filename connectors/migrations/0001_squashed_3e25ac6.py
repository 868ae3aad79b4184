"""Every migration connectors had in release 3e25ac6, squashed into one: applied on a database of
that release, run on a new one (portal/management/commands/migrate.py refuses older ones).
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    replaces = [
        ('connectors', '0001_squashed'),
        ('connectors', '0002_dutch_field_names'),
    ]

    dependencies = [
        ('auth', '0012_alter_user_first_name_max_length'),
        ('crm', '0001_squashed_3e25ac6'),
        ('workflow', '0001_squashed_3e25ac6'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='AppConnector',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=200, verbose_name='naam')),
                ('blocked', models.BooleanField(default=False, verbose_name='geblokkeerd')),
                ('commsvc', models.BooleanField(default=True, help_text='Geeft cliëntomgevingen toegang tot het uploaden en volgen van berichten.', verbose_name='toegang tot CommSvcConnector')),
                ('environment', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='app_connectors', to='crm.accountancyenvironment', verbose_name='accountantsomgeving')),
                ('user_group', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, to='auth.group', verbose_name='gebruikersgroep')),
            ],
            options={
                'verbose_name': 'app connector',
                'verbose_name_plural': 'app connectoren',
            },
        ),
        migrations.CreateModel(
            name='ClientToken',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('description', models.CharField(blank=True, max_length=200, verbose_name='omschrijving')),
                ('prefix', models.CharField(max_length=8, verbose_name='begin van het token')),
                ('token_hash', models.CharField(editable=False, max_length=64, unique=True, verbose_name='hash van het token')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='aangemaakt')),
                ('last_used_at', models.DateTimeField(blank=True, null=True, verbose_name='laatst gebruikt')),
                ('expires_at', models.DateTimeField(blank=True, null=True, verbose_name='verloopt')),
                ('revoked_at', models.DateTimeField(blank=True, null=True, verbose_name='ingetrokken')),
                ('connector', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='tokens', to='connectors.appconnector', verbose_name='connector')),
                ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, to=settings.AUTH_USER_MODEL, verbose_name='aangemaakt door')),
                ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='tokens', to='crm.organisation', verbose_name='organisatie')),
            ],
            options={
                'verbose_name': 'token',
                'verbose_name_plural': 'tokens',
            },
        ),
        migrations.CreateModel(
            name='MessageType',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('code', models.SlugField(verbose_name='code')),
                ('name', models.CharField(max_length=200, verbose_name='naam')),
                ('blocked', models.BooleanField(default=False, verbose_name='geblokkeerd')),
                ('environment', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='message_types', to='crm.accountancyenvironment', verbose_name='accountantsomgeving')),
                ('workflow', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, to='workflow.workflowdefinition', verbose_name='workflow')),
            ],
            options={
                'verbose_name': 'berichtsoort',
                'verbose_name_plural': 'berichtsoorten',
                'constraints': [models.UniqueConstraint(fields=('environment', 'code'), name='message_type_code')],
            },
        ),
    ]
