"""Every migration workflow had in release 3e25ac6, squashed into one: applied on a database of
that release, run on a new one (portal/management/commands/migrate.py refuses older ones).

Left out, as they only changed rows of an existing database or built an index without
locking one: the data steps (hashes of received documents, document periods) and the
CONCURRENTLY build of ``message_received_sha256``; a new table gets the index as AddIndex.
Kept: the database-level guards on PostgreSQL (from 0002_database_guards, through
0001_squashed):

- The audit trail is append-only: an UPDATE or DELETE of a status event is refused by a
  trigger, whoever asks (raw SQL, another application, a slip in a data migration).
  TRUNCATE is left alone: the test runner empties tables with it.
- What is approved is what is filed: once a message has an approved hash, its document
  and that hash can no longer change.

Both raise SQLSTATE 23001 (restrict_violation), which Django reports as IntegrityError.
SQLite (the embedded default) has no such triggers. There the ORM guards the audit trail
(workflow.models.StatusEvent and its AppendOnlyQuerySet); the approved document has no
guard of its own, and delivery refuses a document that no longer matches its approved hash
(workflow.services.delivery.verify_document). A production database is PostgreSQL
(portal.checks warns otherwise).
"""

import django.db.models.deletion
import django.utils.timezone
import django_fsm
from django.conf import settings
from django.db import migrations, models


FORWARD = """
CREATE OR REPLACE FUNCTION workflow_statusevent_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'workflow_statusevent is append-only (% refused)', TG_OP
        USING ERRCODE = 'restrict_violation';
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS workflow_statusevent_append_only ON workflow_statusevent;
CREATE TRIGGER workflow_statusevent_append_only
    BEFORE UPDATE OR DELETE ON workflow_statusevent
    FOR EACH ROW EXECUTE FUNCTION workflow_statusevent_append_only();

CREATE OR REPLACE FUNCTION workflow_approved_document_frozen() RETURNS trigger AS $$
BEGIN
    IF OLD.approved_sha256 <> '' AND (
        NEW.document IS DISTINCT FROM OLD.document
        OR NEW.document_sha256 IS DISTINCT FROM OLD.document_sha256
        OR NEW.approved_sha256 IS DISTINCT FROM OLD.approved_sha256
    ) THEN
        RAISE EXCEPTION 'the approved document of message % cannot change', OLD.id
            USING ERRCODE = 'restrict_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS workflow_approved_document_frozen ON workflow_approvalmessage;
CREATE TRIGGER workflow_approved_document_frozen
    BEFORE UPDATE ON workflow_approvalmessage
    FOR EACH ROW EXECUTE FUNCTION workflow_approved_document_frozen();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS workflow_approved_document_frozen ON workflow_approvalmessage;
DROP FUNCTION IF EXISTS workflow_approved_document_frozen();
DROP TRIGGER IF EXISTS workflow_statusevent_append_only ON workflow_statusevent;
DROP FUNCTION IF EXISTS workflow_statusevent_append_only();
"""


def _on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):

    initial = True

    replaces = [
        ('workflow', '0001_squashed'),
        ('workflow', '0002_received_sha256'),
        ('workflow', '0003_fill_received_sha256'),
        ('workflow', '0004_received_sha256_index'),
        ('workflow', '0005_squashed'),
        ('workflow', '0006_document_period'),
        ('workflow', '0007_fill_document_period'),
    ]

    dependencies = [
        ('crm', '0001_squashed_3e25ac6'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='ApprovalMessage',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('message_id', models.UUIDField(verbose_name='berichtkenmerk cliënt')),
                ('message_type', models.CharField(max_length=50, verbose_name='berichtsoort')),
                ('financial_year', models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='boekjaar')),
                ('entry_point', models.CharField(blank=True, max_length=300, verbose_name='entrypoint')),
                ('filename', models.CharField(max_length=255, verbose_name='bestandsnaam')),
                ('received_document', models.BinaryField(verbose_name='ontvangen document')),
                ('document', models.BinaryField(verbose_name='document')),
                ('document_sha256', models.CharField(max_length=64, verbose_name='SHA-256 van het document')),
                ('received_sha256', models.CharField(blank=True, db_default='', default='', max_length=64, verbose_name='SHA-256 van het ontvangen document')),
                ('status', django_fsm.FSMIntegerField(choices=[(0, 'Klaargezet voor verzending naar portal'), (5, 'Fout bij verzenden naar portal'), (10, 'Verzonden naar portal'), (20, 'Bezig met verwerken in portal'), (25, 'Fout bij verwerken in portal'), (30, 'Aangeboden ter beoordeling door cliënt'), (40, 'Afgekeurd door cliënt'), (50, 'Goedgekeurd door cliënt en klaargezet voor verzending naar KvK'), (60, 'Goedgekeurd door cliënt en verzonden naar KvK'), (70, 'Fout bij verzenden naar KvK'), (80, 'Gedeponeerd bij KvK'), (90, 'Afgekeurd door KvK')], default=10, protected=True, verbose_name='status')),
                ('reasons', models.JSONField(blank=True, default=list, verbose_name='redenen')),
                ('findings', models.JSONField(blank=True, default=list, verbose_name='bevindingen')),
                ('awaiting_accountant_review', models.BooleanField(default=False, verbose_name='wacht op beoordeling door de accountant')),
                ('adopted', models.BooleanField(default=False, verbose_name='jaarrekening vastgesteld')),
                ('adoption_date', models.DateField(blank=True, null=True, verbose_name='datum vaststelling')),
                ('signed_on', models.DateField(blank=True, null=True, verbose_name='datum ondertekening')),
                ('period_start', models.DateField(blank=True, null=True, verbose_name='begin periode document')),
                ('period_end', models.DateField(blank=True, null=True, verbose_name='einde periode document')),
                ('resubmission', models.BooleanField(default=False, verbose_name='heraanlevering')),
                ('approved_sha256', models.CharField(blank=True, max_length=64, verbose_name='SHA-256 van het goedgekeurde document')),
                ('approved_at', models.DateTimeField(blank=True, null=True, verbose_name='goedgekeurd op')),
                ('delivery_reference', models.CharField(blank=True, max_length=64, verbose_name='afleverkenmerk')),
                ('digipoort_kenmerk', models.CharField(blank=True, max_length=100, verbose_name='kenmerk Digipoort')),
                ('delivery_started_at', models.DateTimeField(blank=True, null=True, verbose_name='aflevering gestart op')),
                ('submit_attempts', models.PositiveSmallIntegerField(default=0, verbose_name='verzendpogingen')),
                ('next_attempt_at', models.DateTimeField(blank=True, null=True, verbose_name='volgende verzendpoging op')),
                ('digipoort_statuses', models.JSONField(blank=True, default=list, verbose_name='statussen Digipoort')),
                ('next_poll_at', models.DateTimeField(blank=True, null=True, verbose_name='volgende statusopvraging op')),
                ('poll_attempts', models.PositiveIntegerField(default=0, verbose_name='statusopvragingen')),
                ('poll_failures', models.PositiveSmallIntegerField(default=0, verbose_name='mislukte statusopvragingen op rij')),
                ('attempts_base', models.PositiveSmallIntegerField(default=0, verbose_name="verzendpogingen vóór 'Opnieuw verzenden'")),
                ('resend_checked', models.BooleanField(default=False, verbose_name='niet-aankomst gecontroleerd bij Digipoort')),
                ('attention_code', models.CharField(blank=True, max_length=40, verbose_name='code aandachtspunt')),
                ('attention_detail', models.CharField(blank=True, max_length=500, verbose_name='details aandachtspunt')),
                ('attention_acknowledged_at', models.DateTimeField(blank=True, null=True, verbose_name='aandachtspunt afgehandeld op')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='aangemaakt op')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='gewijzigd op')),
                ('status_changed_at', models.DateTimeField(auto_now_add=True, verbose_name='status gewijzigd op')),
                ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='approval_messages', to='crm.organisation', verbose_name='organisatie')),
                ('replaces', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='replaced_by', to='workflow.approvalmessage', verbose_name='vervangt')),
            ],
            options={
                'verbose_name': 'accorderingsbericht',
                'verbose_name_plural': 'accorderingsberichten',
                'ordering': ['-created_at'],
            },
            bases=(django_fsm.FSMModelMixin, models.Model),
        ),
        migrations.CreateModel(
            name='Comment',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('author_kind', models.CharField(max_length=20, verbose_name='soort auteur')),
                ('text', models.TextField(max_length=4000, verbose_name='opmerking')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='aangemaakt op')),
                ('author', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, to=settings.AUTH_USER_MODEL, verbose_name='auteur')),
                ('message', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='comments', to='workflow.approvalmessage', verbose_name='bericht')),
            ],
            options={
                'verbose_name': 'opmerking',
                'verbose_name_plural': 'opmerkingen',
                'ordering': ['created_at'],
            },
        ),
        migrations.CreateModel(
            name='WorkflowDefinition',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=200, verbose_name='naam')),
                ('accountant_review', models.BooleanField(default=False, help_text='Een medewerker beoordeelt het bericht voordat de cliënt het ziet.', verbose_name='beoordeling door accountant vóór de cliënt')),
                ('approver_rule', models.CharField(choices=[('one', 'Eén contactpersoon'), ('directors', 'Alle bestuurders met toegang tot de klantportal'), ('named', 'Een vaste groep contactpersonen')], default='one', max_length=10, verbose_name='goedkeuring door')),
                ('adopter_rule', models.CharField(choices=[('approver', 'Wie moet goedkeuren (de eerste die vaststelt)'), ('named', 'Eén aangewezen contactpersoon')], default='approver', max_length=10, verbose_name='vaststelling door')),
                ('environment', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='workflows', to='crm.accountancyenvironment', verbose_name='accountantsomgeving')),
            ],
            options={
                'verbose_name': 'workflow',
                'verbose_name_plural': 'workflows',
            },
        ),
        migrations.AddField(
            model_name='approvalmessage',
            name='workflow',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, to='workflow.workflowdefinition', verbose_name='workflow'),
        ),
        migrations.CreateModel(
            name='WorkflowTask',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=200, verbose_name='naam')),
                ('role', models.CharField(choices=[('client', 'Cliënt'), ('accountant', 'Accountant')], max_length=12, verbose_name='rol')),
                ('action', models.CharField(choices=[('review', 'Beoordelen door accountant'), ('adopt', 'Jaarrekening vastgesteld'), ('approve', 'Goedkeuren bericht'), ('reject', 'Afkeuren bericht')], max_length=12, verbose_name='actie')),
                ('position', models.PositiveSmallIntegerField(default=0, verbose_name='volgorde')),
                ('definition', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='tasks', to='workflow.workflowdefinition', verbose_name='workflow')),
            ],
            options={
                'verbose_name': 'workflowtaak',
                'verbose_name_plural': 'workflowtaken',
                'ordering': ['position', 'pk'],
            },
        ),
        migrations.CreateModel(
            name='NotificationLog',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('event', models.CharField(max_length=64)),
                ('kind', models.CharField(max_length=40)),
                ('recipient', models.EmailField(max_length=254)),
                ('state', models.CharField(choices=[('sending', 'wordt verzonden'), ('sent', 'verzonden'), ('refused', 'geweigerd, niet opnieuw geprobeerd'), ('retry', 'mislukt, wordt opnieuw geprobeerd')], default='sending', max_length=10)),
                ('error', models.TextField(blank=True)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('claimed_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('sent_at', models.DateTimeField(blank=True, null=True)),
                ('message', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='notification_logs', to='workflow.approvalmessage')),
            ],
            options={
                'verbose_name': 'verstuurde melding',
                'verbose_name_plural': 'verstuurde meldingen',
                'ordering': ['-created_at'],
                'constraints': [models.UniqueConstraint(fields=('event', 'message', 'recipient'), name='notification_once_per_recipient')],
            },
        ),
        migrations.CreateModel(
            name='StatusEvent',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('sequence', models.BigIntegerField(verbose_name='volgnummer')),
                ('action', models.CharField(max_length=40, verbose_name='actie')),
                ('from_status', models.PositiveSmallIntegerField(blank=True, choices=[(0, 'Klaargezet voor verzending naar portal'), (5, 'Fout bij verzenden naar portal'), (10, 'Verzonden naar portal'), (20, 'Bezig met verwerken in portal'), (25, 'Fout bij verwerken in portal'), (30, 'Aangeboden ter beoordeling door cliënt'), (40, 'Afgekeurd door cliënt'), (50, 'Goedgekeurd door cliënt en klaargezet voor verzending naar KvK'), (60, 'Goedgekeurd door cliënt en verzonden naar KvK'), (70, 'Fout bij verzenden naar KvK'), (80, 'Gedeponeerd bij KvK'), (90, 'Afgekeurd door KvK')], null=True, verbose_name='van status')),
                ('to_status', models.PositiveSmallIntegerField(choices=[(0, 'Klaargezet voor verzending naar portal'), (5, 'Fout bij verzenden naar portal'), (10, 'Verzonden naar portal'), (20, 'Bezig met verwerken in portal'), (25, 'Fout bij verwerken in portal'), (30, 'Aangeboden ter beoordeling door cliënt'), (40, 'Afgekeurd door cliënt'), (50, 'Goedgekeurd door cliënt en klaargezet voor verzending naar KvK'), (60, 'Goedgekeurd door cliënt en verzonden naar KvK'), (70, 'Fout bij verzenden naar KvK'), (80, 'Gedeponeerd bij KvK'), (90, 'Afgekeurd door KvK')], verbose_name='naar status')),
                ('actor_kind', models.CharField(max_length=20, verbose_name='soort uitvoerder')),
                ('actor_label', models.CharField(blank=True, max_length=200, verbose_name='uitvoerder')),
                ('ip_address', models.GenericIPAddressField(blank=True, null=True, verbose_name='IP-adres')),
                ('reasons', models.JSONField(blank=True, default=list, verbose_name='redenen')),
                ('document_sha256', models.CharField(blank=True, max_length=64, verbose_name='SHA-256 van het document')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='aangemaakt op')),
                ('actor_user', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, to=settings.AUTH_USER_MODEL, verbose_name='gebruiker')),
                ('message', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='events', to='workflow.approvalmessage', verbose_name='bericht')),
                ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='crm.organisation', verbose_name='organisatie')),
            ],
            options={
                'verbose_name': 'gebeurtenis',
                'verbose_name_plural': 'gebeurtenissen',
                'ordering': ['sequence'],
                'indexes': [models.Index(fields=['message', 'sequence'], name='workflow_st_message_18a349_idx')],
                'constraints': [models.UniqueConstraint(fields=('organisation', 'sequence'), name='event_sequence')],
            },
        ),
        migrations.AddIndex(
            model_name='approvalmessage',
            index=models.Index(fields=['status', 'created_at'], name='workflow_ap_status_3a58fd_idx'),
        ),
        migrations.AddIndex(
            model_name='approvalmessage',
            index=models.Index(fields=['status', 'next_poll_at'], name='poll_due'),
        ),
        migrations.AddIndex(
            model_name='approvalmessage',
            index=models.Index(fields=['organisation', 'received_sha256'], name='message_received_sha256'),
        ),
        migrations.AddConstraint(
            model_name='approvalmessage',
            constraint=models.UniqueConstraint(fields=('organisation', 'message_id'), name='message_id_unique_per_org'),
        ),
        migrations.AddConstraint(
            model_name='approvalmessage',
            constraint=models.CheckConstraint(condition=models.Q(('status__lt', 50), models.Q(('approved_sha256', ''), _negated=True), _connector='OR'), name='approved_requires_hash'),
        ),
        migrations.RunPython(_on_postgresql(FORWARD), _on_postgresql(BACKWARD), elidable=False),
    ]
