"""The organisations and contacts made before 0004 get their names' search keys
(kvk.search.search_key, as every save computes it since).

Not one transaction: each batch of ids commits on its own, so no lock is held on the
organisations or contacts for the whole fill, and a run that stops half-way is simply run
again. Elidable: a database made after it has nothing to fill.
"""

from django.db import migrations

from kvk.search import fill_search_names

BATCH_ROWS = 500


def fill(apps, schema_editor):
    for model in ("Organisation", "Contact"):
        fill_search_names(
            apps.get_model("crm", model), schema_editor.connection.alias, batch_rows=BATCH_ROWS
        )


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("crm", "0004_search_name")]

    operations = [
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
    ]
