"""crm 0004/0005 and clientside 0007/0008 on the database of the last release: the names'
search keys (kvk.search) come as empty columns, are filled batch by batch, and the release
before still inserts organisations in between (its INSERT does not name the column)."""

from __future__ import annotations

import importlib

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext

from clientside.models import Administration
from crm.models import Contact, Organisation
from crm.selectors import organisation_match
from kvk.search import search_key
from tests.house.test_release_upgrade import ALIAS, _migrate, load_release

FILL_CRM = importlib.import_module("crm.migrations.0005_fill_search_name")
FILL_CLIENTSIDE = importlib.import_module(
    "clientside.migrations.0006_fill_administration_search_name"
)
TABLE = Organisation._meta.db_table


@pytest.fixture
def last_release_database(tmp_path, django_db_blocker):
    yield from load_release("4fd7f75", tmp_path, django_db_blocker)


def _insert_as_the_release_before(database, name: str) -> None:
    """An organisation as 4fd7f75's model writes it: every column it knows, not the key."""
    quote = database.ops.quote_name
    with database.cursor() as cursor:
        columns = [
            column.name
            for column in database.introspection.get_table_description(cursor, TABLE)
            if column.name not in ("id", "search_name", "name")
        ]
        names = ", ".join(quote(column) for column in columns)
        cursor.execute(
            f"INSERT INTO {quote(TABLE)} ({quote('name')}, {names}) "  # noqa: S608
            f"SELECT %s, {names} FROM {quote(TABLE)} ORDER BY id LIMIT 1",
            [name],
        )


def test_the_keys_of_the_last_releases_names_are_filled_batch_by_batch(
    last_release_database, monkeypatch
):
    _migrate(last_release_database, "crm", "0004_search_name")
    _migrate(last_release_database, "clientside", "0005_test_url_captions_search_name")
    _insert_as_the_release_before(last_release_database, "Café Één B.V.")
    organisations = Organisation.objects.using(ALIAS)
    assert organisations.count() == 4
    assert set(organisations.values_list("search_name", flat=True)) == {""}
    monkeypatch.setattr(FILL_CRM, "BATCH_ROWS", 3)
    monkeypatch.setattr(FILL_CLIENTSIDE, "BATCH_ROWS", 2)

    with CaptureQueriesContext(connections[ALIAS]) as queries:
        _migrate(last_release_database)

    updates = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("UPDATE")]
    assert sum(f'"{TABLE}"' in sql for sql in updates) == 2  # 4 organisations, 3 a batch
    administrations = Administration.objects.using(ALIAS)
    assert sum('"clientside_administration"' in sql for sql in updates) == 2  # 3, 2 a batch
    for model in (organisations, Contact.objects.using(ALIAS), administrations):
        rows = list(model.values_list("name", "search_name"))
        assert rows and all(key == search_key(name) != "" for name, key in rows)
    assert [o.name for o in organisations.filter(organisation_match("korenschoof bv"))] == [
        "Bakkerij De Korenschoof B.V."
    ]
    assert [o.name for o in organisations.filter(organisation_match("cafe een"))] == [
        "Café Één B.V."
    ]
