"""The SHA-256 of the received document on every message, so an upload of a document the
organisation already sent is found with one indexed look-up (workflow.services.duplicates).

Only the column here, in a quick transaction of its own: the messages already there get
their hash in 0003 (batch by batch, outside one long transaction) and the index in 0004.
Until then their hash is '', which the application treats as "no hash".

The column keeps its database default '' (db_default; a plain default is dropped once the
column is added): the release before still serves while 0003 and 0004 run, and its INSERT
does not name the column.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("workflow", "0001_squashed")]  # which depends on crm's

    operations = [
        migrations.AddField(
            model_name="approvalmessage",
            name="received_sha256",
            field=models.CharField(blank=True, default="", db_default="", max_length=64),
        ),
    ]
