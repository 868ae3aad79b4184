"""The index for the look-up of a document by its SHA-256 (workflow.services.duplicates).

On PostgreSQL built CONCURRENTLY, outside a transaction, so messages can be received and
changed while it is built; an invalid index left by a build that broke off is built again.
Elsewhere (SQLite) a plain CREATE INDEX. Django's state gets the index as AddIndex.
"""

from django.db import migrations, models

INDEX = models.Index(fields=["organisation", "received_sha256"], name="message_received_sha256")


def _existing(schema_editor, table):
    """None when the index is missing, else whether it is valid."""
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                "WHERE c.relname = %s AND pg_table_is_visible(c.oid)",
                [INDEX.name],
            )
            row = cursor.fetchone()
            return None if row is None else row[0]
        constraints = connection.introspection.get_constraints(cursor, table)
        return True if INDEX.name in constraints else None


def add_index(apps, schema_editor):
    model = apps.get_model("workflow", "ApprovalMessage")
    valid = _existing(schema_editor, model._meta.db_table)
    if valid:
        return  # e.g. made by an earlier form of 0002
    if schema_editor.connection.vendor == "postgresql":
        if valid is False:
            schema_editor.remove_index(model, INDEX, concurrently=True)
        schema_editor.add_index(model, INDEX, concurrently=True)
    else:
        schema_editor.add_index(model, INDEX)


def remove_index(apps, schema_editor):
    model = apps.get_model("workflow", "ApprovalMessage")
    if _existing(schema_editor, model._meta.db_table) is None:
        return
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.remove_index(model, INDEX, concurrently=True)
    else:
        schema_editor.remove_index(model, INDEX)


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY cannot run in a transaction

    dependencies = [("workflow", "0003_fill_received_sha256")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.AddIndex(model_name="approvalmessage", index=INDEX)],
            database_operations=[migrations.RunPython(add_index, remove_index)],
        ),
    ]
