# NT19 (issue 16), step 3 of 3: the signatory's function (0005) replaced its role.
#
# Reversed, the role is added back with its default ("bestuurder") and then told from the
# function again, so a supervisory director stays "commissaris".

from django.db import migrations


def restore_role(apps, schema_editor):
    Signatory = apps.get_model("clientside", "Signatory")
    Signatory.objects.filter(function__startswith="Commissaris").update(role="commissaris")
    Signatory.objects.exclude(function__startswith="Commissaris").update(role="bestuurder")


class Migration(migrations.Migration):
    dependencies = [
        ("clientside", "0006_nt19_data"),
    ]

    # Operations are reversed last to first: the field is back before restore_role runs.
    operations = [
        migrations.RunPython(migrations.RunPython.noop, restore_role),
        migrations.RemoveField(
            model_name="signatory",
            name="role",
        ),
    ]
