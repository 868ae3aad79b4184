"""The upgrade from databases made by released versions, with their data.

Each database was made by main at a released commit, the same way:
- ``manage.py migrate`` on an empty SQLite file;
- ``manage.py load_demo``: the demo environment, three clients, staff, tokens and reports;
- one message registered through ``workflow.services.register_message`` (status 10, one
  audit event; the same XBRL content in each);
- one permission (``change_staffmember``) granted to ``medewerker`` through its model's
  content type (portal's in 466f4de, crm's from e5ba993 on);
- dumped with Python's ``sqlite3`` ``iterdump()``.

``data/release-3e25ac6.dump`` is the last release, with every migration that the squashes
``0001_squashed_3e25ac6`` of each app replace: today's ``migrate`` must take it to today's
models without losing a row, and the squashes must make the schema that release's own
migrations made (on SQLite against that dump; on PostgreSQL against
``data/schema-3e25ac6-postgresql.json``, read by ``tests/house/schema.py`` from a database
release 3e25ac6 migrated).

The older databases are refused, each naming the release to upgrade with first: e5ba993
and 4fd7f75 (releases whose migrations the squashes of 3e25ac6 took in) name 3e25ac6;
466f4de (part of the way to e5ba993) names e5ba993, and c16ac74 (a main between e5ba993 and
4fd7f75) names 4fd7f75. The tests of the data steps those releases' migrations took (the
hashes and periods of earlier messages, the names' search keys, the index built
CONCURRENTLY) went with those migrations: every database of release 3e25ac6 has run them.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from django.core.management import CommandError, call_command
from django.db import DEFAULT_DB_ALIAS, IntegrityError, connection, connections, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder

from clientside.models import AnnualReport
from crm.models import AccountancyEnvironment, Contact, Organisation, StaffMember
from kvk.search import search_key
from portal.management.commands.migrate import (
    PROJECT_APPS,
    RELEASED,
    RELEASES,
    WAY_THROUGH,
    release_groups,
)
from tests.house.schema import schema
from workflow.models import ApprovalMessage, WorkflowDefinition, sha256_hex

DATA = Path(__file__).parent / "data"
ALIAS = "release"
SQUASHED = [
    (app, "0001_squashed_3e25ac6")
    for app in ("clientside", "connectors", "crm", "deadlines", "workflow")
]


def load_release(commit, tmp_path, django_db_blocker, alias=ALIAS):
    """The database dumped by ``commit`` (None: a new, empty one) in a SQLite file of its
    own, as ``alias``."""
    sqlite = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(tmp_path / f"{alias}.sqlite3")}
    connections.settings[alias] = connections.configure_settings(
        {DEFAULT_DB_ALIAS: {**connections.settings[DEFAULT_DB_ALIAS]}, alias: sqlite}
    )[alias]
    try:
        with django_db_blocker.unblock():
            # Django's own connection: it has the REGEXP function the CHECK constraints
            # call. The dump creates its tables in alphabetical order, so foreign keys are
            # checked once everything is in.
            connections[alias].ensure_connection()
            db = connections[alias].connection
            db.execute("PRAGMA foreign_keys = OFF")
            if commit is not None:
                db.executescript((DATA / f"release-{commit}.dump").read_text(encoding="utf-8"))
            db.execute("PRAGMA foreign_keys = ON")
            assert db.execute("PRAGMA foreign_key_check").fetchall() == []
            yield connections[alias]
            connections[alias].close()
    finally:
        del connections[alias]
        del connections.settings[alias]


@pytest.fixture
def last_release_database(tmp_path, django_db_blocker):
    yield from load_release("3e25ac6", tmp_path, django_db_blocker)


@pytest.fixture
def new_database(tmp_path, django_db_blocker):
    yield from load_release(None, tmp_path, django_db_blocker)


@pytest.fixture(params=["e5ba993", "4fd7f75"])
def squashed_release_database(request, tmp_path, django_db_blocker):
    yield from load_release(request.param, tmp_path, django_db_blocker)


@pytest.fixture
def earlier_release_database(tmp_path, django_db_blocker):
    yield from load_release("466f4de", tmp_path, django_db_blocker)


@pytest.fixture
def in_between_database(tmp_path, django_db_blocker):
    yield from load_release("c16ac74", tmp_path, django_db_blocker)


def _recorded(database):
    return set(MigrationRecorder(database).applied_migrations())


def _tables(database):
    with database.cursor() as cursor:
        return set(database.introspection.table_names(cursor))


def test_the_database_of_the_last_release_upgrades_with_its_data(
    last_release_database, tmp_path, django_db_blocker
):
    recorded = _recorded(last_release_database)
    assert ("crm", "0005_fill_search_name") in recorded
    assert ("workflow", "0007_fill_document_period") in recorded
    assert not set(SQUASHED) & recorded
    tables = _tables(last_release_database)
    before = schema(last_release_database)

    call_command("migrate", database=ALIAS, interactive=False, verbosity=0)

    executor = MigrationExecutor(last_release_database)
    assert executor.migration_plan(executor.loader.graph.leaf_nodes()) == []
    # The squashes count as applied (and are recorded so); none of them ran.
    assert set(SQUASHED) <= _recorded(last_release_database)
    assert _tables(last_release_database) == tables
    # Every column of the release is still there, and the schema is today's, as a new
    # database gets it: the release's with what later migrations add (the client side's last
    # send/receive and proposed adoption date, workflow's proposed adoption date).
    after = schema(last_release_database)
    assert all(set(before[t]["columns"]) <= set(after[t]["columns"]) for t in before)
    for new_database in load_release(None, tmp_path, django_db_blocker, alias="new"):
        call_command("migrate", database="new", interactive=False, verbosity=0)
        assert after == schema(new_database)

    organisations = Organisation.objects.using(ALIAS).order_by("pk")
    assert [o.name for o in organisations] == [
        "Bakkerij De Korenschoof B.V.",
        "Fietsenmakerij Van Dijk B.V.",
        "Hoveniersbedrijf Groen B.V.",
    ]
    bakery = organisations[0]
    assert bakery.kvk_number == "12345678"
    assert bakery.search_name == search_key("Bakkerij De Korenschoof B.V.")
    assert bakery.environment == AccountancyEnvironment.objects.using(ALIAS).get()
    # Fields the demo leaves alone keep their defaults.
    assert (bakery.approver_rule, bakery.adopter_rule, bakery.adopter) == ("", "", None)
    assert [o.responsible for o in organisations] == [None, None, None]
    contact = Contact.objects.using(ALIAS).get(email="klant-a@example.nl")
    assert contact.organisation == bakery and contact.portal_access and not contact.is_director

    message = ApprovalMessage.objects.using(ALIAS).get()
    assert message.message_id == uuid.UUID("6f1c2a9e-0000-4000-8000-000000000001")
    assert (message.organisation, message.status) == (bakery, 10)
    assert (message.signed_on, message.attention_acknowledged_at) == (None, None)
    assert message.received_sha256 == sha256_hex(bytes(message.received_document)) != ""
    assert (message.period_start, message.period_end) == (None, None)  # processing sets it
    assert message.workflow is None or isinstance(message.workflow, WorkflowDefinition)
    assert [(e.sequence, e.action, e.to_status) for e in message.events.all()] == [
        (1, "received", 10)
    ]
    assert WorkflowDefinition.objects.using(ALIAS).get().adopter_rule == "approver"
    assert AnnualReport.objects.using(ALIAS).count() == 3

    # The grant made through crm's content type holds.
    member = StaffMember.objects.using(ALIAS).get(user__username="medewerker")
    assert (
        Permission.objects.using(ALIAS)
        .filter(user=member.user, content_type__app_label="crm", codename="change_staffmember")
        .exists()
    )
    # Today's models write to the tables: a contact's login may be the contact of another
    # organisation too (a DGA with two companies), but of each one once.
    Contact.objects.using(ALIAS).create(organisation=bakery, name="Nieuw")
    assert bakery.contacts.count() == 2
    Contact.objects.using(ALIAS).create(organisation=organisations[1], user=contact.user, name="J")
    assert Contact.objects.using(ALIAS).filter(user=contact.user).count() == 2
    with pytest.raises(IntegrityError), transaction.atomic(using=ALIAS):
        Contact.objects.using(ALIAS).create(organisation=bakery, user=contact.user, name="Twee")


def test_the_squashes_make_the_schema_of_the_last_release_on_sqlite(
    last_release_database, tmp_path, django_db_blocker
):
    """A new database gets from the squashes exactly the tables, columns, indexes, keys and
    checks that release 3e25ac6's own migrations made (its dump); only the order of the
    columns may differ."""
    released = schema(last_release_database)
    for new_database in load_release(None, tmp_path, django_db_blocker, alias="new"):
        # What later migrations add is not the squashes'.
        for app, name in SQUASHED:
            call_command("migrate", app, name, database="new", interactive=False, verbosity=0)

        assert schema(new_database) == released


@pytest.fixture
def new_postgresql_database(django_db_blocker):
    """A PostgreSQL database of its own beside the test database, as ``squashes``: migrating
    the test database back to the squashes would undo what later migrations did to it."""
    settings = {**connection.settings_dict, "NAME": f"{connection.settings_dict['NAME']}_sq"}
    quoted = connection.ops.quote_name(settings["NAME"])
    with django_db_blocker.unblock():
        with connection.cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {quoted}")
            cursor.execute(f"CREATE DATABASE {quoted}")
        connections.settings["squashes"] = connections.configure_settings(
            {DEFAULT_DB_ALIAS: {**connections.settings[DEFAULT_DB_ALIAS]}, "squashes": settings}
        )["squashes"]
        try:
            yield connections["squashes"]
        finally:
            connections["squashes"].close()
            del connections["squashes"]
            del connections.settings["squashes"]
            with connection.cursor() as cursor:
                cursor.execute(f"DROP DATABASE IF EXISTS {quoted}")


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's schema")
def test_the_squashes_make_the_schema_of_the_last_release_on_postgresql(new_postgresql_database):
    """A new PostgreSQL database made by the squashes against the schema release 3e25ac6 made
    on PostgreSQL (with the append-only audit trail's and the frozen approval's triggers)."""
    released = json.loads((DATA / "schema-3e25ac6-postgresql.json").read_text(encoding="utf-8"))
    # Django's own tables first, whole (the squashes need only auth's first migration,
    # whose permission names are too short for ours); what later migrations of the project
    # add is not the squashes'.
    call_command("migrate", "auth", database="squashes", interactive=False, verbosity=0)
    for app, name in SQUASHED:
        call_command("migrate", app, name, database="squashes", interactive=False, verbosity=0)

    assert json.loads(json.dumps(schema(new_postgresql_database))) == released


def _refused(database) -> str:
    """What ``migrate`` says refusing ``database``, having changed nothing: no migration
    recorded, no table made."""
    recorded, tables = _recorded(database), _tables(database)

    with pytest.raises(CommandError) as refused:
        call_command("migrate", database=ALIAS, interactive=False, verbosity=0)

    text = str(refused.value)
    assert "Er is niets gewijzigd." in text
    assert _recorded(database) == recorded
    assert _tables(database) == tables
    return text


def test_a_database_of_a_release_the_squashes_took_in_is_refused_with_the_way_through(
    squashed_release_database,
):
    """e5ba993 and 4fd7f75 have part of what the squashes of 3e25ac6 replace: 3e25ac6
    upgrades them (it did, in its own tests), this version does not."""
    recorded = _recorded(squashed_release_database)
    assert ("crm", "0001_squashed") not in recorded or ("crm", "0002_squashed") not in recorded

    text = _refused(squashed_release_database)

    assert "van vóór 3e25ac6" in text and "Werk haar eerst bij met versie 3e25ac6" in text
    assert "(manage.py migrate) en daarna met deze versie" in text


def test_a_database_of_the_release_before_is_refused_with_the_way_through(
    earlier_release_database,
):
    """466f4de has clientside 0001-0009 but not 0010, no crm: half of what is squashed."""
    before = _recorded(earlier_release_database)
    assert ("clientside", "0009_size_class_figures") in before
    assert ("clientside", "0010_adoption_date") not in before

    text = _refused(earlier_release_database)

    assert "van vóór e5ba993" in text and "Werk haar eerst bij met versie e5ba993" in text
    # Upgraded with e5ba993 this version still refuses it; 3e25ac6 takes it on.
    assert "daarna met versie 3e25ac6 en dan met deze versie" in text


def test_a_database_made_between_two_releases_is_refused_with_the_way_through(
    in_between_database,
):
    """c16ac74 has crm 0002 but not 0003, workflow 0005 but not 0006: part of what the
    squashes after 4fd7f75 replace, all of what e5ba993's replace."""
    before = _recorded(in_between_database)
    assert ("crm", "0002_contact_user_of_several_organisations") in before
    assert ("crm", "0003_captions_and_field_names") not in before
    assert ("workflow", "0005_signed_on") in before

    text = _refused(in_between_database)

    assert "van vóór 4fd7f75" in text and "Werk haar eerst bij met versie 4fd7f75" in text
    assert "daarna met versie 3e25ac6 en dan met deze versie" in text
    assert "e5ba993" not in text
    # clientside 0003, crm 0003, workflow 0006, 0007 and 0008, in that order.
    assert "nog 5 migraties (zoals clientside.0003_captions_and_field_names)" in text


def test_every_squash_names_the_release_to_upgrade_with_first():
    """A squash without a release would stop ``migrate`` with a KeyError on every
    database."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    squashes = {
        key
        for key, migration in loader.disk_migrations.items()
        if migration.replaces and key[0] in PROJECT_APPS
    }
    assert squashes == set(WAY_THROUGH) == set(SQUASHED)
    assert set(WAY_THROUGH.values()) <= set(RELEASES)


def test_the_squashes_replace_what_the_last_release_recorded(last_release_database):
    """Each squash replaces exactly the migrations its app had as files in 3e25ac6: what that
    release's database recorded of the app, but for what the squashes before it replaced
    (``released_migrations.json``). One more and a database of that release would not count
    the squash as applied; one less and a database without it would (and never run it)."""
    recorded = _recorded(last_release_database)
    earlier = {m for _release, group, app in release_groups() if app is None for m in group}
    loader = MigrationLoader(None, ignore_no_migrations=True)
    for key in SQUASHED:
        assert (
            set(loader.disk_migrations[key].replaces)
            == {m for m in recorded if m[0] == key[0]} - earlier
        ), key


def test_the_groups_of_earlier_releases_are_those_their_databases_recorded(
    tmp_path, django_db_blocker
):
    """``released_migrations.json`` (the squashes whose files are gone) against the
    databases of those releases: e5ba993 has all of its groups, 4fd7f75 all of its own and
    e5ba993's but portal's (migrated after portal's models moved, it never ran them)."""
    groups = json.loads(RELEASED.read_text(encoding="utf-8"))
    assert set(groups) == {"e5ba993", "4fd7f75"} and set(RELEASES) == {*groups, "3e25ac6"}
    recorded = {}
    for commit in ("e5ba993", "4fd7f75"):
        for database in load_release(commit, tmp_path, django_db_blocker, alias=commit):
            recorded[commit] = {f"{app}.{name}" for app, name in _recorded(database)}
    # e5ba993 had no squash yet: its groups are all the project's migrations it recorded.
    assert {m for m in recorded["e5ba993"] if m.split(".")[0] in PROJECT_APPS} == {
        name for names in groups["e5ba993"].values() for name in names
    }
    for release, commits in (("e5ba993", ["e5ba993", "4fd7f75"]), ("4fd7f75", ["4fd7f75"])):
        for commit in commits:
            for group, names in groups[release].items():
                if group.startswith("portal") and commit != release:
                    assert not set(names) & recorded[commit]
                else:
                    assert set(names) <= recorded[commit], (commit, group)
    assert sum(1 for _r, _g, app in release_groups() if app) == len(SQUASHED)


def test_a_database_this_version_made_migrates_again(new_database):
    """Django records the replaced migrations with each squashed one, portal's never: the
    refusal must not mistake that for a database half-way (it did, on the second run)."""
    call_command("migrate", database=ALIAS, interactive=False, verbosity=0)
    recorded = _recorded(new_database)
    assert set(SQUASHED) <= recorded
    assert ("clientside", "0006_fill_administration_search_name") in recorded
    assert not any(app == "portal" for app, _name in recorded)

    call_command("migrate", database=ALIAS, interactive=False, verbosity=0)

    assert _recorded(new_database) == recorded
