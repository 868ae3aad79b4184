"""The upgrade from a database made before the migrations were squashed: every old
migration applied, the squashed ones (``0001_squashed``, with ``replaces``) count as
applied, and the rows, their foreign keys and the grants made through the content types
are read through today's models, tables still called portal_* included.

The database is ``data/pre_squash.dump``: made by main at commit 0c6aa92 (the last version
before the squash) with ``manage.py migrate`` on an empty SQLite file, a few rows added with
the ORM in ``manage.py shell`` (an environment, an organisation with a KvK number, a staff
member granted ``crm.change_staffmember``, a contact, deadline facts, a workflow, an approval
message with one audit event), then dumped with Python's ``sqlite3`` ``iterdump()``. It
replaces the test that migrated back to the states before the move to crm and deadlines
(issue 21): those states are gone with the squash."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder

from crm.models import AccountancyEnvironment, Contact, Organisation, StaffMember
from deadlines.models import DeadlineFacts
from workflow.models import ApprovalMessage, WorkflowDefinition

DUMP = Path(__file__).parent / "data" / "pre_squash.dump"
ALIAS = "pre_squash"
SQUASHED = [
    (app, "0001_squashed") for app in ("clientside", "connectors", "crm", "deadlines", "workflow")
]


@pytest.fixture
def pre_squash(tmp_path, django_db_blocker):
    """The dumped database in a SQLite file of its own, under the alias ``pre_squash``."""
    sqlite = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(tmp_path / "db.sqlite3")}
    connections.settings[ALIAS] = connections.configure_settings(
        {DEFAULT_DB_ALIAS: {**connections.settings[DEFAULT_DB_ALIAS]}, ALIAS: sqlite}
    )[ALIAS]
    try:
        with django_db_blocker.unblock():
            # Django's connection: it has the REGEXP function the CHECK constraints call.
            # The dump creates its tables in alphabetical order, so the foreign keys are
            # checked once it is all in.
            connections[ALIAS].ensure_connection()
            db = connections[ALIAS].connection
            db.execute("PRAGMA foreign_keys = OFF")
            db.executescript(DUMP.read_text(encoding="utf-8"))
            db.execute("PRAGMA foreign_keys = ON")
            assert db.execute("PRAGMA foreign_key_check").fetchall() == []
            yield connections[ALIAS]
            connections[ALIAS].close()
    finally:
        del connections[ALIAS]
        del connections.settings[ALIAS]


def test_a_database_from_before_the_squash_upgrades(pre_squash):
    recorded = MigrationRecorder(pre_squash).applied_migrations()
    assert ("crm", "0003_adopter") in recorded and not set(SQUASHED) & set(recorded)

    call_command("migrate", database=ALIAS, interactive=False, verbosity=0)

    executor = MigrationExecutor(pre_squash)
    assert executor.migration_plan(executor.loader.graph.leaf_nodes()) == []
    assert set(executor.loader.graph.nodes) <= set(executor.loader.applied_migrations)
    assert set(SQUASHED) <= set(MigrationRecorder(pre_squash).applied_migrations())

    db = Organisation.objects.using(ALIAS)
    organisation = db.get(name="Oud B.V.")
    assert organisation.environment == AccountancyEnvironment.objects.using(ALIAS).get()
    assert (organisation.kvk_number, organisation.legal_form) == ("12345678", "Stichting")
    member = StaffMember.objects.using(ALIAS).get(user__username="medewerker")
    assert (member.environment_id, member.role) == (organisation.environment_id, "admin")
    contact = Contact.objects.using(ALIAS).get(user__username="klant")
    assert contact.organisation == organisation and contact.is_director
    facts = DeadlineFacts.objects.using(ALIAS).get(organisation=organisation)
    assert (facts.year_end_month, facts.year_end_day) == (6, 30)
    message = ApprovalMessage.objects.using(ALIAS).get(financial_year=2024)
    assert message.organisation == organisation
    assert message.message_id == uuid.UUID("6f1c2a9e-0000-4000-8000-000000000001")
    assert message.workflow == WorkflowDefinition.objects.using(ALIAS).get(name="Standaard")
    assert [(e.sequence, e.to_status) for e in message.events.all()] == [(1, 10)]
    # The grant made through the (renamed) crm content type holds.
    assert (
        Permission.objects.using(ALIAS)
        .filter(user=member.user, content_type__app_label="crm", codename="change_staffmember")
        .exists()
    )
    # Today's models write to the old tables too.
    Contact.objects.using(ALIAS).create(organisation=organisation, name="Nieuw")
    assert organisation.contacts.count() == 2
