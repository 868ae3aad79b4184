"""The portal address the last connection test called: a portal out of reach after a test
with the same settings succeeded is out of reach for now, not at a wrong address."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("clientside", "0004_second_filing"),
    ]

    operations = [
        migrations.AddField(
            model_name="communicationprofile",
            name="last_test_url",
            field=models.CharField(blank=True, editable=False, max_length=300),
        ),
    ]
