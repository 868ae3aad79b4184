"""The key a search compares an administration's name by (kvk.search: "cafe" finds
"Café De Hoek B.V.", "jansen bv" finds "Jansen B.V."). Empty at first; 0008 fills it. The
database default keeps the release before inserting administrations while the migrations
run; on PostgreSQL a constant default rewrites no row.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("clientside", "0006_signatory_function_captions"),
    ]

    operations = [
        migrations.AddField(
            model_name="administration",
            name="search_name",
            field=models.TextField(db_default="", default="", editable=False),
        ),
    ]
