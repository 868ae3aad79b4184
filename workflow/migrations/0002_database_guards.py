"""Database-level guards on PostgreSQL (production and CI).

- The audit trail is append-only: an UPDATE or DELETE of a status event is refused by a
  trigger, whoever asks (raw SQL, another application, a slip in a data migration).
  TRUNCATE is left alone: the test runner empties tables with it.
- What is approved is what is filed: once a message has an approved hash, its document
  and that hash can no longer change.

Both raise SQLSTATE 23001 (restrict_violation), which Django reports as IntegrityError.
SQLite (the embedded default) relies on the ORM guards in workflow.models.
"""

from django.db import migrations

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
    dependencies = [("workflow", "0001_initial")]

    operations = [
        migrations.RunPython(_on_postgresql(FORWARD), _on_postgresql(BACKWARD), elidable=False),
    ]
