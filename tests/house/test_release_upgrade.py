"""The upgrade from databases made by released versions, with their data.

Each database was made by main at a released commit, the same way:
- ``manage.py migrate`` on an empty SQLite file;
- ``manage.py load_demo``: the demo environment, three clients, staff, tokens and reports;
- one message registered through ``workflow.services.register_message`` (status 10, one
  audit event; the same XBRL content in both);
- one permission (``change_staffmember``) granted to ``medewerker`` through its model's
  content type (portal's in 466f4de, crm's in e5ba993);
- dumped with Python's ``sqlite3`` ``iterdump()``.

``data/release-e5ba993.dump`` is a release with every migration that the squashed
``0001_squashed`` of each app replaces: today's ``migrate`` must take it to today's models
without losing a row. ``data/release-466f4de.dump`` is the release before, part of the way
there: ``migrate`` must refuse it, name the release to upgrade with first, and change
nothing.

``data/release-4fd7f75.dump`` is the last release, with every migration that the squashes
after it (crm and clientside ``0002_squashed``, workflow ``0005_squashed``) replace; it must
upgrade too. ``data/release-c16ac74.dump`` was made by a main in between (crm 0002 but not
0003): refused like 466f4de, naming 4fd7f75.
"""

from __future__ import annotations

import datetime
import importlib
import uuid
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from django.core.management import CommandError, call_command
from django.db import DEFAULT_DB_ALIAS, IntegrityError, connections, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder

from clientside.models import AnnualReport
from crm.models import AccountancyEnvironment, Contact, Organisation, StaffMember
from portal.management.commands.migrate import PROJECT_APPS, RELEASES, WAY_THROUGH
from workflow.models import ApprovalMessage, WorkflowDefinition, sha256_hex

DATA = Path(__file__).parent / "data"
ALIAS = "release"
SQUASHED = [
    (app, "0001_squashed") for app in ("clientside", "connectors", "crm", "deadlines", "workflow")
]
SQUASHED_AFTER_4FD7F75 = [
    ("clientside", "0002_squashed"),
    ("crm", "0002_squashed"),
    ("workflow", "0005_squashed"),
]
#: The tables that migrations written since the last release add (deadlines 0003: the
#: reminder job's e-mails, one per address).
NEW_SINCE_4FD7F75 = {"deadlines_remindermail", "deadlines_remindermail_entries"}


def load_release(commit, tmp_path, django_db_blocker):
    """The database dumped by ``commit`` (None: a new, empty one) in a SQLite file of its
    own, as ``release``."""
    sqlite = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(tmp_path / "db.sqlite3")}
    connections.settings[ALIAS] = connections.configure_settings(
        {DEFAULT_DB_ALIAS: {**connections.settings[DEFAULT_DB_ALIAS]}, ALIAS: sqlite}
    )[ALIAS]
    try:
        with django_db_blocker.unblock():
            # Django's own connection: it has the REGEXP function the CHECK constraints
            # call. The dump creates its tables in alphabetical order, so foreign keys are
            # checked once everything is in.
            connections[ALIAS].ensure_connection()
            db = connections[ALIAS].connection
            db.execute("PRAGMA foreign_keys = OFF")
            if commit is not None:
                db.executescript((DATA / f"release-{commit}.dump").read_text(encoding="utf-8"))
            db.execute("PRAGMA foreign_keys = ON")
            assert db.execute("PRAGMA foreign_key_check").fetchall() == []
            yield connections[ALIAS]
            connections[ALIAS].close()
    finally:
        del connections[ALIAS]
        del connections.settings[ALIAS]


@pytest.fixture
def release_database(tmp_path, django_db_blocker):
    yield from load_release("e5ba993", tmp_path, django_db_blocker)


@pytest.fixture
def last_release_database(tmp_path, django_db_blocker):
    yield from load_release("4fd7f75", tmp_path, django_db_blocker)


@pytest.fixture
def in_between_database(tmp_path, django_db_blocker):
    yield from load_release("c16ac74", tmp_path, django_db_blocker)


@pytest.fixture
def new_database(tmp_path, django_db_blocker):
    yield from load_release(None, tmp_path, django_db_blocker)


@pytest.fixture
def earlier_release_database(tmp_path, django_db_blocker):
    yield from load_release("466f4de", tmp_path, django_db_blocker)


def test_the_last_released_database_upgrades_with_its_data(release_database):
    recorded = MigrationRecorder(release_database).applied_migrations()
    assert ("crm", "0003_adopter") in recorded and not set(SQUASHED) & set(recorded)

    call_command("migrate", database=ALIAS, interactive=False, verbosity=0)

    executor = MigrationExecutor(release_database)
    assert executor.migration_plan(executor.loader.graph.leaf_nodes()) == []
    # The squashed migrations count as applied (and are recorded so), none of them ran.
    assert set(SQUASHED) <= set(MigrationRecorder(release_database).applied_migrations())

    organisations = Organisation.objects.using(ALIAS).order_by("pk")
    assert [o.name for o in organisations] == [
        "Bakkerij De Korenschoof B.V.",
        "Fietsenmakerij Van Dijk B.V.",
        "Hoveniersbedrijf Groen B.V.",
    ]
    bakery = organisations[0]
    assert bakery.kvk_number == "12345678"
    assert bakery.environment == AccountancyEnvironment.objects.using(ALIAS).get()
    # Fields the demo leaves alone keep their defaults.
    assert (bakery.approver_rule, bakery.adopter_rule, bakery.adopter) == ("", "", None)
    contact = Contact.objects.using(ALIAS).get(email="klant-a@example.nl")
    assert contact.organisation == bakery and contact.portal_access and not contact.is_director

    message = ApprovalMessage.objects.using(ALIAS).get()
    assert message.message_id == uuid.UUID("6f1c2a9e-0000-4000-8000-000000000001")
    assert (message.organisation, message.status) == (bakery, 10)
    # workflow 0003 gave the message the SHA-256 of the document it brought, so a copy of
    # it is found (workflow.services.duplicates).
    assert message.received_sha256 == sha256_hex(bytes(message.received_document)) != ""
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
    # Today's models write to the old tables too.
    Contact.objects.using(ALIAS).create(organisation=bakery, name="Nieuw")
    assert bakery.contacts.count() == 2
    # crm 0002: the contact keeps its login, which may now be the contact of another
    # organisation too (a DGA with two companies), but of each one once.
    Contact.objects.using(ALIAS).create(organisation=organisations[1], user=contact.user, name="J")
    assert Contact.objects.using(ALIAS).filter(user=contact.user).count() == 2
    with pytest.raises(IntegrityError), transaction.atomic(using=ALIAS):
        Contact.objects.using(ALIAS).create(organisation=bakery, user=contact.user, name="Twee")


def test_a_database_of_the_release_before_is_refused_with_the_way_through(
    earlier_release_database,
):
    """466f4de has clientside 0001-0009 but not 0010, no crm: half of what is squashed."""
    recorder = MigrationRecorder(earlier_release_database)
    before = set(recorder.applied_migrations())
    assert ("clientside", "0009_size_class_figures") in before
    assert ("clientside", "0010_adoption_date") not in before
    tables = set(earlier_release_database.introspection.table_names())

    with pytest.raises(CommandError) as refused:
        call_command("migrate", database=ALIAS, interactive=False, verbosity=0)

    text = str(refused.value)
    assert "van vóór e5ba993" in text and "Werk haar eerst bij met versie e5ba993" in text
    assert "Er is niets gewijzigd." in text
    assert set(recorder.applied_migrations()) == before
    assert set(earlier_release_database.introspection.table_names()) == tables


def test_the_database_of_the_last_release_upgrades_with_its_data(last_release_database):
    recorder = MigrationRecorder(last_release_database)
    recorded = set(recorder.applied_migrations())
    assert ("crm", "0003_captions_and_field_names") in recorded
    assert ("workflow", "0008_attention_acknowledged") in recorded
    assert not set(SQUASHED_AFTER_4FD7F75) & recorded
    with last_release_database.cursor() as cursor:
        tables = set(last_release_database.introspection.table_names(cursor))

    call_command("migrate", database=ALIAS, interactive=False, verbosity=0)

    executor = MigrationExecutor(last_release_database)
    assert executor.migration_plan(executor.loader.graph.leaf_nodes()) == []
    # The squashes count as applied and are recorded so; none of them ran (no table came
    # but those of the migrations written since).
    assert set(SQUASHED_AFTER_4FD7F75) <= set(recorder.applied_migrations())
    assert set(last_release_database.introspection.table_names()) == tables | NEW_SINCE_4FD7F75
    assert not tables & NEW_SINCE_4FD7F75
    message = ApprovalMessage.objects.using(ALIAS).get()
    assert message.message_id == uuid.UUID("6f1c2a9e-0000-4000-8000-000000000001")
    assert (message.status, message.signed_on, message.attention_acknowledged_at) == (
        10,
        None,
        None,
    )
    assert message.received_sha256 == sha256_hex(bytes(message.received_document))
    assert Organisation.objects.using(ALIAS).count() == 3
    assert AnnualReport.objects.using(ALIAS).count() == 3
    bakery = Organisation.objects.using(ALIAS).get(name="Bakkerij De Korenschoof B.V.")
    contact = Contact.objects.using(ALIAS).get(email="klant-a@example.nl")
    assert contact.organisation == bakery
    with pytest.raises(IntegrityError), transaction.atomic(using=ALIAS):
        Contact.objects.using(ALIAS).create(organisation=bakery, user=contact.user, name="Twee")


def test_a_database_made_between_two_releases_is_refused_with_the_way_through(
    in_between_database,
):
    """c16ac74 has crm 0002 but not 0003, workflow 0005 but not 0006: part of what the
    squashes after 4fd7f75 replace, all of what e5ba993's replace."""
    recorder = MigrationRecorder(in_between_database)
    before = set(recorder.applied_migrations())
    assert ("crm", "0002_contact_user_of_several_organisations") in before
    assert ("crm", "0003_captions_and_field_names") not in before
    assert ("workflow", "0005_signed_on") in before
    tables = set(in_between_database.introspection.table_names())

    with pytest.raises(CommandError) as refused:
        call_command("migrate", database=ALIAS, interactive=False, verbosity=0)

    text = str(refused.value)
    assert "van vóór 4fd7f75" in text and "Werk haar eerst bij met versie 4fd7f75" in text
    assert "e5ba993" not in text
    # clientside 0003, crm 0003, workflow 0006, 0007 and 0008, in that order.
    assert "nog 5 migraties (zoals clientside.0003_captions_and_field_names)" in text
    assert "Er is niets gewijzigd." in text
    assert set(recorder.applied_migrations()) == before
    assert set(in_between_database.introspection.table_names()) == tables


def test_every_squash_names_the_release_to_upgrade_with_first():
    """A squash without a release would stop ``migrate`` with a KeyError on every
    database."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    squashes = {
        key
        for key, migration in loader.disk_migrations.items()
        if migration.replaces and key[0] in PROJECT_APPS
    }
    assert squashes == set(WAY_THROUGH)
    assert set(SQUASHED) | set(SQUASHED_AFTER_4FD7F75) == squashes
    assert set(WAY_THROUGH.values()) <= set(RELEASES)


def test_a_database_this_version_made_migrates_again(new_database):
    """Django records the replaced migrations with each squashed one, portal's never: the
    refusal must not mistake that for a database half-way (it did, on the second run)."""
    call_command("migrate", database=ALIAS, interactive=False, verbosity=0)
    recorded = set(MigrationRecorder(new_database).applied_migrations())
    assert set(SQUASHED) <= recorded and ("clientside", "0010_adoption_date") in recorded
    assert not any(app == "portal" for app, _name in recorded)

    call_command("migrate", database=ALIAS, interactive=False, verbosity=0)

    assert set(MigrationRecorder(new_database).applied_migrations()) == recorded


FILL = importlib.import_module("workflow.migrations.0003_fill_received_sha256")


def _migrate(database, *target):
    call_command("migrate", *target, database=database.alias, interactive=False, verbosity=0)


def test_the_hashes_of_earlier_messages_are_filled_batch_by_batch(release_database, monkeypatch):
    """workflow 0003 commits batch by batch (a lock on the messages for the whole fill, and
    every document in memory at once, would stop a large database); 0002 adds only the
    column."""
    _migrate(release_database, "workflow", "0002_received_sha256")
    state = MigrationExecutor(release_database).loader.project_state(
        ("workflow", "0002_received_sha256")
    )
    Message = state.apps.get_model("workflow", "ApprovalMessage")
    message = Message.objects.using(ALIAS).get()
    for number in range(4):
        message.pk, message.message_id = None, uuid.uuid4()
        message.received_document = f"<xbrl>{number}</xbrl>".encode() * (number + 1)
        message.save(using=ALIAS)
    assert set(Message.objects.using(ALIAS).values_list("received_sha256", flat=True)) == {""}
    batches = []
    real_batches = FILL._batches

    def recorded(sizes):
        for batch in real_batches(sizes):
            batches.append(batch)
            yield batch

    monkeypatch.setattr(FILL, "BATCH_ROWS", 2)
    monkeypatch.setattr(FILL, "_batches", recorded)

    _migrate(release_database)

    ids = sorted(Message.objects.using(ALIAS).values_list("pk", flat=True))
    assert batches == [ids[0:2], ids[2:4], ids[4:5]]
    for message in ApprovalMessage.objects.using(ALIAS):
        assert message.received_sha256 == sha256_hex(bytes(message.received_document))
    with release_database.cursor() as cursor:
        table = ApprovalMessage._meta.db_table
        indexes = release_database.introspection.get_constraints(cursor, table)
    assert indexes["message_received_sha256"]["columns"] == ["organisation_id", "received_sha256"]


def test_a_batch_holds_documents_up_to_its_size_and_a_larger_one_alone(monkeypatch):
    monkeypatch.setattr(FILL, "BATCH_BYTES", 20)
    sizes = [(1, 10), (2, 10), (3, 25), (4, 5), (5, None), (6, 16)]
    assert list(FILL._batches(sizes)) == [[1, 2], [3], [4, 5], [6]]


def test_an_index_built_by_an_earlier_form_of_0002_is_kept(new_database):
    """0002 once added the column, the hashes and the index at once: 0004 then finds the
    index there and leaves it."""
    _migrate(new_database, "workflow", "0003_fill_received_sha256")
    with new_database.cursor() as cursor:
        cursor.execute(
            "CREATE INDEX message_received_sha256 ON workflow_approvalmessage "
            "(organisation_id, received_sha256)"
        )
    _migrate(new_database)
    _migrate(new_database, "workflow", "0003_fill_received_sha256")
    with new_database.cursor() as cursor:
        indexes = new_database.introspection.get_constraints(cursor, "workflow_approvalmessage")
    assert "message_received_sha256" not in indexes


def test_the_release_before_still_receives_messages_between_0002_and_the_new_code(
    release_database,
):
    """0003 (batch by batch) and 0004 (CONCURRENTLY on PostgreSQL) keep the messages open
    while they run, so e5ba993 still receives uploads then: its INSERT (workflow.inserts,
    the fields of its model) does not name received_sha256, which must have a database
    default, not only Django's (AddField drops that once the column is added)."""
    table = ApprovalMessage._meta.db_table
    with release_database.cursor() as cursor:
        released = [
            column.name
            for column in release_database.introspection.get_table_description(cursor, table)
        ]
    assert "received_sha256" not in released
    _migrate(release_database, "workflow", "0002_received_sha256")

    quote = release_database.ops.quote_name
    copied = ", ".join(quote(name) for name in released if name not in ("id", "message_id"))
    new_id = uuid.uuid4()
    with release_database.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(table)} ({quote('message_id')}, {copied}) "  # noqa: S608
            f"SELECT %s, {copied} FROM {quote(table)}",
            [new_id.hex],
        )
        cursor.execute(
            f"SELECT received_sha256 FROM {quote(table)} WHERE message_id = %s",  # noqa: S608
            [new_id.hex],
        )
        assert cursor.fetchall() == [("",)]


def test_the_organisations_of_the_last_release_get_no_responsible_staff_member(
    last_release_database,
):
    """crm 0003 adds Organisation.responsible to the old table: nobody is responsible for
    the organisations already there (every staff member keeps hearing everything), and one
    can be chosen after; a staff member who leaves leaves the organisation (SET_NULL)."""
    with last_release_database.cursor() as cursor:
        columns = [
            column.name
            for column in last_release_database.introspection.get_table_description(
                cursor, Organisation._meta.db_table
            )
        ]
    assert "responsible_id" not in columns

    call_command("migrate", database=ALIAS, interactive=False, verbosity=0)

    assert ("crm", "0003_organisation_responsible") in set(
        MigrationRecorder(last_release_database).applied_migrations()
    )
    organisations = Organisation.objects.using(ALIAS).order_by("pk")
    assert [o.responsible for o in organisations] == [None, None, None]
    member = StaffMember.objects.using(ALIAS).get(user__username="medewerker")
    bakery = organisations.get(name="Bakkerij De Korenschoof B.V.")
    bakery.responsible = member
    bakery.full_clean()
    bakery.save(using=ALIAS)
    assert [o.name for o in member.responsible_for.all()] == ["Bakkerij De Korenschoof B.V."]
    member.delete()
    bakery.refresh_from_db(using=ALIAS)
    assert bakery.responsible is None and organisations.count() == 3


PERIODS = importlib.import_module("workflow.migrations.0007_fill_document_period")


def test_the_periods_of_earlier_messages_are_filled_on_upgrade(last_release_database):
    """workflow 0007 reads the period the accounts state of every message processed before
    processing kept it (the deadlines count from it, deadlines.periods): here the demo
    accounts over calendar year 2024 (jaarrekening-2024.xbrl), as processing kept them."""
    _migrate(last_release_database, "workflow", "0006_document_period")
    state = MigrationExecutor(last_release_database).loader.project_state(
        ("workflow", "0006_document_period")
    )
    Message = state.apps.get_model("workflow", "ApprovalMessage")
    unprocessed = Message.objects.using(ALIAS).get()  # at 10, no year
    original = unprocessed.pk
    unprocessed.pk, unprocessed.message_id = None, uuid.uuid4()
    unprocessed.save(using=ALIAS)
    Message.objects.using(ALIAS).filter(pk=original).update(status=30, financial_year=2024)

    _migrate(last_release_database)

    processed = ApprovalMessage.objects.using(ALIAS).get(financial_year=2024)
    assert (processed.period_start, processed.period_end) == (
        datetime.date(2024, 1, 1),
        datetime.date(2024, 12, 31),
    )
    waiting = ApprovalMessage.objects.using(ALIAS).get(pk=unprocessed.pk)
    assert (waiting.period_start, waiting.period_end) == (None, None)  # processing sets it
    (fill,) = (
        MigrationLoader(last_release_database)
        .get_migration("workflow", "0007_fill_document_period")
        .operations
    )
    assert fill.code is PERIODS.fill_document_periods and fill.elidable
