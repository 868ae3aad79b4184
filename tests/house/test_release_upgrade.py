"""The upgrade from a database made by the last released main, with its data.

The database is ``data/release-466f4de.dump``, made by main at commit 466f4de (the last
version CI landed before the move to crm and deadlines):
- ``manage.py migrate`` on an empty SQLite file;
- ``manage.py load_demo``: the demo environment, three clients, staff, tokens and reports;
- one message registered through ``workflow.services.register_message`` (status 10, one
  audit event);
- one permission granted through the portal content type;
- dumped with Python's ``sqlite3`` ``iterdump()``.

Today's migrations must take it to today's models without losing a row. The test in
``test_crm_upgrade.py`` walks the migrations back and forth on an empty schema; this one
starts from the release's own file, as an installation would.
"""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder

from clientside.models import AnnualReport
from crm.models import AccountancyEnvironment, Contact, Organisation, StaffMember
from workflow.models import ApprovalMessage, WorkflowDefinition

DUMP = Path(__file__).parent / "data" / "release-466f4de.dump"
ALIAS = "release"


@pytest.fixture
def release_database(tmp_path, django_db_blocker):
    """The dumped database in a SQLite file of its own, under the alias ``release``."""
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
            db.executescript(DUMP.read_text(encoding="utf-8"))
            db.execute("PRAGMA foreign_keys = ON")
            assert db.execute("PRAGMA foreign_key_check").fetchall() == []
            yield connections[ALIAS]
            connections[ALIAS].close()
    finally:
        del connections[ALIAS]
        del connections.settings[ALIAS]


def test_the_last_released_database_upgrades_with_its_data(release_database):
    recorded = MigrationRecorder(release_database).applied_migrations()
    assert ("portal", "0005_legal_form") in recorded and ("crm", "0001_initial") not in recorded

    call_command("migrate", database=ALIAS, interactive=False, verbosity=0)

    executor = MigrationExecutor(release_database)
    assert executor.migration_plan(executor.loader.graph.leaf_nodes()) == []

    organisations = Organisation.objects.using(ALIAS).order_by("pk")
    assert [o.name for o in organisations] == [
        "Bakkerij De Korenschoof B.V.",
        "Fietsenmakerij Van Dijk B.V.",
        "Hoveniersbedrijf Groen B.V.",
    ]
    bakery = organisations[0]
    assert bakery.kvk_number == "12345678"
    assert bakery.environment == AccountancyEnvironment.objects.using(ALIAS).get()
    # Fields added since the release have their defaults.
    assert (bakery.approver_rule, bakery.adopter_rule, bakery.adopter) == ("", "", None)
    contact = Contact.objects.using(ALIAS).get(email="klant-a@example.nl")
    assert contact.organisation == bakery and contact.portal_access and not contact.is_director

    message = ApprovalMessage.objects.using(ALIAS).get()
    assert message.message_id == uuid.UUID("6f1c2a9e-0000-4000-8000-000000000001")
    assert (message.organisation, message.status) == (bakery, 10)
    assert message.workflow is None or isinstance(message.workflow, WorkflowDefinition)
    assert [(e.sequence, e.action, e.to_status) for e in message.events.all()] == [
        (1, "received", 10)
    ]
    assert WorkflowDefinition.objects.using(ALIAS).get().adopter_rule == "approver"
    assert AnnualReport.objects.using(ALIAS).count() == 3

    # The grant made through the portal content type holds through crm's.
    member = StaffMember.objects.using(ALIAS).get(user__username="medewerker")
    assert (
        Permission.objects.using(ALIAS)
        .filter(user=member.user, content_type__app_label="crm", codename="change_staffmember")
        .exists()
    )
    # Today's models write to the old tables too.
    Contact.objects.using(ALIAS).create(organisation=bakery, name="Nieuw")
    assert bakery.contacts.count() == 2
