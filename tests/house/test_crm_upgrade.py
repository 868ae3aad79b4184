"""The upgrade from a database made before the CRM and the deadlines left portal (issue 21):
the tables stay, the rows, their foreign keys and the permissions granted through the
content types survive the move to crm and deadlines."""

from __future__ import annotations

import uuid

import pytest
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from crm.models import AccountancyEnvironment, Contact, Organisation, StaffMember
from deadlines.models import DeadlineFacts
from workflow.models import ApprovalMessage

#: The leaf migrations of main before the move.
BEFORE = [
    ("portal", "0005_legal_form"),
    ("workflow", "0004_replaces"),
    ("connectors", "0002_alter_appconnector_options"),
    ("clientside", "0010_adoption_date"),
]
#: The apps that did not exist then: all their migrations go back.
NEW_APPS = [("crm", None), ("deadlines", None)]


def migrate(targets):
    """Migrate the test database to ``targets`` and return the historical apps there."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    ContentType.objects.clear_cache()
    return (
        MigrationExecutor(connection)
        .loader.project_state([t for t in targets if t[1] is not None])
        .apps
    )


def newest() -> list[tuple[str, str]]:
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


@pytest.fixture
def before_the_move():
    """The database as main left it before the move, and the newest state after the test."""
    yield migrate(NEW_APPS + BEFORE)
    migrate(newest())


def make_old_rows(old) -> dict[str, int]:
    """One of everything through the historical (portal) models; returns their keys."""
    environment = old.get_model("portal", "AccountancyEnvironment").objects.create(
        name="Oud & Partners", participant_number="12345"
    )
    organisation = old.get_model("portal", "Organisation").objects.create(
        environment=environment, name="Oud B.V.", legal_form="Besloten vennootschap"
    )
    old.get_model("portal", "Identification").objects.create(
        organisation=organisation, environment=environment, kind="kvk", value="12345678"
    )
    user_model = old.get_model("auth", "User")
    staff_user = user_model.objects.create(username="medewerker")
    old.get_model("portal", "StaffMember").objects.create(
        user=staff_user, environment=environment, role="admin"
    )
    content_type = old.get_model("contenttypes", "ContentType")
    staff_type, _ = content_type.objects.get_or_create(app_label="portal", model="staffmember")
    permission, _ = old.get_model("auth", "Permission").objects.get_or_create(
        content_type=staff_type,
        codename="change_staffmember",
        defaults={"name": "Can change medewerker"},
    )
    staff_user.user_permissions.add(permission)
    client_user = user_model.objects.create(username="klant")
    contact = old.get_model("portal", "Contact").objects.create(
        organisation=organisation, user=client_user, name="K. Lant", portal_access=True
    )
    old.get_model("portal", "DeadlineFacts").objects.create(
        organisation=organisation, year_end_month=6, year_end_day=30
    )
    message = old.get_model("workflow", "ApprovalMessage").objects.create(
        organisation=organisation,
        message_id=uuid.uuid4(),
        message_type="KvK-stukken (micro en klein)",
        filename="jaarrekening.xbrl",
        received_document=b"<xbrl/>",
        document=b"<xbrl/>",
        document_sha256="0" * 64,
        financial_year=2024,
    )
    return {
        "environment": environment.pk,
        "organisation": organisation.pk,
        "staff_user": staff_user.pk,
        "contact": contact.pk,
        "message": message.pk,
        "staff_type": staff_type.pk,
    }


@pytest.mark.django_db(transaction=True)
def test_rows_foreign_keys_and_grants_survive_the_move(before_the_move):
    keys = make_old_rows(before_the_move)

    migrate(newest())

    organisation = Organisation.objects.get(pk=keys["organisation"])
    assert organisation.environment == AccountancyEnvironment.objects.get(pk=keys["environment"])
    assert organisation.kvk_number == "12345678"
    member = StaffMember.objects.get(user_id=keys["staff_user"])
    assert (member.environment_id, member.role) == (keys["environment"], "admin")
    contact = Contact.objects.get(pk=keys["contact"])
    assert contact.organisation == organisation and contact.user.username == "klant"
    assert DeadlineFacts.objects.get(organisation=organisation).year_end_month == 6
    message = ApprovalMessage.objects.get(pk=keys["message"])
    assert message.organisation == organisation
    # The content type is the same row, renamed: the grant made through it holds.
    staff_type = ContentType.objects.get_for_model(StaffMember)
    assert (staff_type.pk, staff_type.app_label) == (keys["staff_type"], "crm")
    assert not ContentType.objects.filter(app_label="portal", model="staffmember").exists()
    user = get_user_model().objects.get(pk=keys["staff_user"])
    assert user.has_perm("crm.change_staffmember")
