"""The messages processed before 0006 get the period their accounts state, read from the
documents they brought the way processing reads them (workflow.repairs.
fill_document_periods; manage.py repair_document_period does the same later, for a
database restored from before this migration).

Not one transaction: each batch of ids (capped by the size of its documents) commits on its
own, so no lock is held on the messages for the whole fill, no more than a batch of
documents is in memory, and a run that stops half-way goes on where it stopped (only
messages still without a period are read). Only the two new columns are written, so the
guard on approved documents (0001_squashed) is not touched. Elidable: a database made after
it has nothing to fill.
"""

from django.db import migrations

from workflow import repairs


def fill_document_periods(apps, schema_editor):
    ApprovalMessage = apps.get_model("workflow", "ApprovalMessage")
    repairs.fill_document_periods(ApprovalMessage.objects.using(schema_editor.connection.alias))


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("workflow", "0006_document_period")]

    operations = [
        migrations.RunPython(fill_document_periods, migrations.RunPython.noop, elidable=True),
    ]
