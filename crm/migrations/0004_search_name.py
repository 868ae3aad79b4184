"""The key a search compares an organisation's and a contact's name by (kvk.search:
"cafe" finds "Café De Hoek B.V.", "jansen bv" finds "Jansen B.V.").

Two columns on the old tables, empty at first; 0005 fills them. The database default keeps
the release before inserting organisations and contacts while the migrations run (its
INSERT does not name the column); on PostgreSQL a constant default rewrites no row.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("crm", "0003_organisation_responsible"),
    ]

    operations = [
        migrations.AddField(
            model_name="contact",
            name="search_name",
            field=models.TextField(db_default="", default="", editable=False),
        ),
        migrations.AddField(
            model_name="organisation",
            name="search_name",
            field=models.TextField(db_default="", default="", editable=False),
        ),
    ]
