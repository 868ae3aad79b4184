# NT19 (issue 16), step 3 of 3: the signatory's function (0005) replaced its role.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("clientside", "0006_nt19_data"),
    ]

    operations = [
        migrations.RemoveField(
            model_name="signatory",
            name="role",
        ),
    ]
