"""The columns this release adds to the client environment:

- the portal address the last connection test called: a portal out of reach after a test
  with the same settings succeeded is out of reach for now, not at a wrong address;
- a signatory's function shown with its caption (kvk.taxonomy.CAPTIONS, gettext): the
  choices are a function, as the legal form's are; the stored value stays the taxonomy's;
- the key a search compares an administration's name by (kvk.search: "cafe" finds
  "Café De Hoek B.V.", "jansen bv" finds "Jansen B.V."). Empty at first; 0006 fills it. The
  database default keeps the release before inserting administrations while the
  migrations run; on PostgreSQL a constant default rewrites no row.
"""

import kvk.taxonomy
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
        migrations.AddField(
            model_name="administration",
            name="search_name",
            field=models.TextField(db_default="", default="", editable=False),
        ),
    ]
