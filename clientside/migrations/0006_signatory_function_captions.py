"""A signatory's function is shown with its caption (kvk.taxonomy.CAPTIONS, gettext): the
choices are a function, as the legal form's are; the stored value stays the taxonomy's."""

import kvk.taxonomy
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("clientside", "0005_communicationprofile_last_test_url"),
    ]

    operations = [
        migrations.AlterField(
            model_name="signatory",
            name="function",
            field=models.CharField(
                choices=kvk.taxonomy.director_type_choices,
                default="Bestuurder (huidig)",
                max_length=40,
                verbose_name="functie",
            ),
        ),
    ]
