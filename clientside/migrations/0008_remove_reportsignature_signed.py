# A ReportSignature row now always means "did not sign" (signing is the default, without
# a row), so its "signed" flag (always False) goes.
#
# Reversed, the flag is added back with its default (True) and then set to False on every
# row, so no one who did not sign becomes a signatory.

from django.db import migrations


def mark_not_signed(apps, schema_editor):
    ReportSignature = apps.get_model("clientside", "ReportSignature")
    ReportSignature.objects.update(signed=False)


class Migration(migrations.Migration):
    dependencies = [
        ("clientside", "0007_remove_signatory_role"),
    ]

    # Operations are reversed last to first: the field is back before mark_not_signed runs.
    operations = [
        migrations.RunPython(migrations.RunPython.noop, mark_not_signed),
        migrations.RemoveField(
            model_name="reportsignature",
            name="signed",
        ),
    ]
