"""The messages received before 0002 get the SHA-256 of the document they brought.

Not one transaction: each batch commits on its own, so no lock is held on the messages for
the whole fill and a run that stops half-way goes on where it stopped (only rows still
without a hash are filled). On PostgreSQL (11 or later: ``sha256()``) the database hashes,
one UPDATE per range of ids, and no document travels; elsewhere the documents are read and
hashed here, in batches capped by their total size. Only the changed column is written, so
the guard on approved documents (0001_squashed) is not touched.
"""

import hashlib

from django.db import migrations, transaction
from django.db.models.functions import Length

#: Ids per UPDATE on PostgreSQL.
ID_RANGE = 1000
#: At most this many documents, and this many bytes of them, are read per batch elsewhere
#: (one larger document is a batch on its own).
BATCH_ROWS = 200
BATCH_BYTES = 32 * 1024 * 1024


def fill_received_sha256(apps, schema_editor):
    connection = schema_editor.connection
    ApprovalMessage = apps.get_model("workflow", "ApprovalMessage")
    manager = ApprovalMessage.objects.using(connection.alias)
    if connection.vendor == "postgresql":
        _fill_in_the_database(manager, connection, ApprovalMessage._meta.db_table)
    else:
        _fill_here(manager, connection.alias)


def _fill_in_the_database(manager, connection, table):
    todo = manager.filter(received_sha256="")
    first = todo.order_by("pk").values_list("pk", flat=True).first()
    last = todo.order_by("-pk").values_list("pk", flat=True).first()
    if first is None:
        return
    sql = (
        f"UPDATE {connection.ops.quote_name(table)} "
        "SET received_sha256 = encode(sha256(received_document), 'hex') "
        "WHERE id >= %s AND id < %s AND received_sha256 = ''"
    )
    for start in range(first, last + 1, ID_RANGE):
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            cursor.execute(sql, [start, start + ID_RANGE])


def _fill_here(manager, alias):
    sizes = (
        manager.filter(received_sha256="")
        .annotate(size=Length("received_document"))
        .order_by("pk")
        .values_list("pk", "size")
    )
    for batch in _batches(list(sizes)):
        with transaction.atomic(using=alias):
            # The whole batch at once (it is capped): SQLite gives no isolation between
            # a cursor still reading and the updates on the same connection.
            documents = list(
                manager.filter(pk__in=batch).values_list("pk", "received_document")
            )
            for pk, document in documents:
                digest = hashlib.sha256(bytes(document)).hexdigest()
                manager.filter(pk=pk, received_sha256="").update(received_sha256=digest)


def _batches(sizes):
    """The ids in batches of at most BATCH_ROWS ids and BATCH_BYTES bytes of documents."""
    batch, total = [], 0
    for pk, size in sizes:
        if batch and (len(batch) >= BATCH_ROWS or total + (size or 0) > BATCH_BYTES):
            yield batch
            batch, total = [], 0
        batch.append(pk)
        total += size or 0
    if batch:
        yield batch


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("workflow", "0002_received_sha256")]

    operations = [
        migrations.RunPython(fill_received_sha256, migrations.RunPython.noop, elidable=True),
    ]
