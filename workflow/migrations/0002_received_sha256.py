"""The SHA-256 of the received document on every message, so an upload of a document the
organisation already sent is found with one indexed look-up (workflow.services.duplicates).

The messages already there get theirs from the document they brought; only the changed
column is written, so the guard on approved documents (0001_squashed) is not touched.
"""

import hashlib

from django.db import migrations, models

BATCH = 200


def fill_received_sha256(apps, schema_editor):
    ApprovalMessage = apps.get_model("workflow", "ApprovalMessage")
    manager = ApprovalMessage.objects.using(schema_editor.connection.alias)
    last = 0
    while True:
        rows = list(
            manager.filter(pk__gt=last, received_sha256="")
            .order_by("pk")
            .values_list("pk", "received_document")[:BATCH]
        )
        if not rows:
            return
        for pk, document in rows:
            digest = hashlib.sha256(bytes(document)).hexdigest()
            manager.filter(pk=pk).update(received_sha256=digest)
        last = rows[-1][0]


class Migration(migrations.Migration):
    dependencies = [("workflow", "0001_squashed")]  # which depends on crm's

    operations = [
        migrations.AddField(
            model_name="approvalmessage",
            name="received_sha256",
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.RunPython(fill_received_sha256, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name="approvalmessage",
            index=models.Index(
                fields=["organisation", "received_sha256"], name="message_received_sha256"
            ),
        ),
    ]
