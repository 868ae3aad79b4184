"""The administrations made before 0005 get their names' search keys
(kvk.search.search_key, as every save computes it since), batch by batch, each batch
committed on its own. Elidable: a database made after it has nothing to fill.
"""

from django.db import migrations

from kvk.search import fill_search_names

BATCH_ROWS = 500


def fill(apps, schema_editor):
    fill_search_names(
        apps.get_model("clientside", "Administration"),
        schema_editor.connection.alias,
        batch_rows=BATCH_ROWS,
    )


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("clientside", "0005_test_url_captions_search_name")]

    operations = [
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
    ]
