"""The PostgreSQL side of workflow 0003 and 0004 (SQLite's is in test_release_upgrade):
the database hashes the documents itself, one UPDATE per range of ids, and the index is
built CONCURRENTLY, an invalid one left by a build that broke off built again.

They run on the test database itself, migrated back to 0002 and forward again (outside a
transaction: 0003 and 0004 are not atomic, and CREATE INDEX CONCURRENTLY refuses to run in
one). Planting an invalid index writes pg_index, which needs a superuser (CI connects as
postgres).
"""

from __future__ import annotations

import hashlib
import importlib
import uuid

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.test.utils import CaptureQueriesContext

from tests import factories
from workflow.models import ApprovalMessage

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="sha256() in the database, CREATE INDEX CONCURRENTLY and pg_index are "
        "PostgreSQL's; SQLite's way is in test_release_upgrade",
    ),
]

FILL = importlib.import_module("workflow.migrations.0003_fill_received_sha256")
INDEX = importlib.import_module("workflow.migrations.0004_received_sha256_index").INDEX.name
TABLE = ApprovalMessage._meta.db_table


def _migrate(*target, **options):
    call_command("migrate", *target, interactive=False, verbosity=0, **options)


@pytest.fixture
def at_0002():
    """The messages as 0002 leaves them: the column, no hashes yet, no index; back to the
    latest migrations afterwards, whatever the test left."""
    _migrate("workflow", "0002_received_sha256")
    try:
        yield
    finally:
        _migrate()


def _index_valid():
    """None when the index is missing, else whether PostgreSQL counts it valid."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
            "WHERE c.relname = %s",
            [INDEX],
        )
        row = cursor.fetchone()
    return None if row is None else row[0]


def _at_0002():
    """The message model as workflow 0002 leaves the table: later migrations add columns
    (0005: signed_on) that today's model would write."""
    state = MigrationLoader(connection).project_state(("workflow", "0002_received_sha256"))
    return state.apps.get_model("workflow", "ApprovalMessage")


def _messages(count):
    ApprovalMessage = _at_0002()  # noqa: N806 (a model class)
    organisation = factories.OrganisationFactory(environment=factories.EnvironmentFactory())
    documents = [b""] + [f"<xbrl>{n}</xbrl>".encode() * (n + 1) for n in range(1, count)]
    for number, document in enumerate(documents):
        ApprovalMessage.objects.create(
            organisation_id=organisation.pk,
            message_id=uuid.uuid4(),
            message_type="kvk-micro-klein",
            filename=f"jaarrekening-{number}.xbrl",
            received_document=document,
            document=document,
            document_sha256=hashlib.sha256(document).hexdigest(),
            received_sha256="",
        )
    # One approved: the guard on approved documents (0001_squashed) fires on every UPDATE
    # and must let the fill through.
    ApprovalMessage.objects.filter(filename="jaarrekening-1.xbrl").update(
        approved_sha256=hashlib.sha256(documents[1]).hexdigest()
    )
    return sorted(ApprovalMessage.objects.values_list("pk", flat=True))


def test_after_0002_an_insert_without_the_hash_still_succeeds(at_0002):
    """The release before serves until 0004 is done, and its INSERT does not name
    received_sha256: the column keeps its database default ''."""
    _messages(2)
    columns = ", ".join(
        f'"{field.column}"'
        for field in _at_0002()._meta.local_concrete_fields
        if field.name not in ("id", "message_id", "received_sha256")
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f'INSERT INTO "{TABLE}" (message_id, {columns}) '  # noqa: S608
            f'SELECT %s, {columns} FROM "{TABLE}" LIMIT 1 RETURNING received_sha256',
            [uuid.uuid4()],
        )
        assert cursor.fetchall() == [("",)]


def test_the_database_hashes_the_documents_range_by_range(at_0002, monkeypatch):
    ids = _messages(5)
    assert _index_valid() is None
    monkeypatch.setattr(FILL, "ID_RANGE", 2)

    with CaptureQueriesContext(connection) as queries:
        _migrate("workflow", "0003_fill_received_sha256")

    updates = [q["sql"] for q in queries if q["sql"].startswith("UPDATE")]
    assert len(updates) == len({(pk - ids[0]) // 2 for pk in ids}) >= 3
    assert all("sha256(received_document)" in sql for sql in updates)
    for document, digest in ApprovalMessage.objects.values_list(
        "received_document", "received_sha256"
    ):
        assert digest == hashlib.sha256(bytes(document)).hexdigest()
    # The SHA-256 of nothing (FIPS 180-4's example; hashlib agrees): e3b0c442...b855.
    assert ApprovalMessage.objects.filter(
        received_sha256="e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    ).exists()


def test_the_index_is_built_concurrently_and_an_invalid_one_again(at_0002):
    _migrate("workflow", "0003_fill_received_sha256")
    with CaptureQueriesContext(connection) as queries:
        _migrate("workflow", "0004_received_sha256_index")
    assert any("CREATE INDEX CONCURRENTLY" in q["sql"] for q in queries)
    assert _index_valid() is True

    # A CONCURRENTLY build that broke off leaves its index, invalid, and 0004 unrecorded.
    _migrate("workflow", "0003_fill_received_sha256", fake=True)
    with connection.cursor() as cursor:
        cursor.execute(f'DROP INDEX "{INDEX}"')
        cursor.execute(f'CREATE INDEX "{INDEX}" ON "{TABLE}" (organisation_id, received_sha256)')
        cursor.execute(
            "UPDATE pg_index SET indisvalid = false WHERE indexrelid = %s::regclass", [INDEX]
        )
    assert _index_valid() is False

    _migrate("workflow", "0004_received_sha256_index")

    assert _index_valid() is True
    with connection.cursor() as cursor:
        indexes = connection.introspection.get_constraints(cursor, TABLE)
    assert indexes[INDEX]["columns"] == ["organisation_id", "received_sha256"]
