"""clientside's migrations written after release e5ba993, squashed before the next release:
when a refused copy was put aside (superseded_at) and the legal form's choices as a function.
"""

import kvk.taxonomy
from django.db import migrations, models


class Migration(migrations.Migration):
    replaces = [
        ("clientside", "0002_outbound_superseded_at"),
        ("clientside", "0003_captions_and_field_names"),
    ]

    dependencies = [
        ("clientside", "0001_squashed"),
    ]

    operations = [
        migrations.AddField(
            model_name="outboundmessage",
            name="superseded_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="vervallen op"),
        ),
        migrations.AlterField(
            model_name="administration",
            name="legal_form",
            field=models.CharField(
                choices=kvk.taxonomy.legal_form_choices,
                default="Besloten vennootschap met beperkte aansprakelijkheid",
                max_length=100,
                verbose_name="rechtsvorm",
            ),
        ),
    ]
