"""A client's reply to the portal's e-mail reaches a person: the mail comes from a
no-reply address but is signed by the office, so it carries a Reply-To of the
organisation's responsible staff member (crm.services.reply_to)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core import mail

from crm.models import Organisation
from deadlines import reminders
from tests import factories
from tests.deadlines.conftest import at_noon
from tests.deadlines.conftest import make_message as waiting_since
from tests.portal.conftest import make_message
from workflow import services
from workflow.models import Actor

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("mail_tasks_run_here")]

EVA = "eva@kantoor.nl"


@pytest.fixture
def eva(environment):
    """The organisation's responsible staff member."""
    return factories.StaffFactory(environment=environment, user__email=EVA)


def _responsible(organisation, member) -> None:
    Organisation.objects.filter(pk=organisation.pk).update(responsible=member)
    organisation.refresh_from_db()


def _to(address: str) -> list:
    return [sent for sent in mail.outbox if sent.to == [address]]


def test_a_client_reply_goes_to_the_responsible_staff_member(
    client_a, eva, django_capture_on_commit_callbacks
):
    """The mail comes from a no-reply address but is signed by the firm: without a
    Reply-To a client's reply was lost."""
    _responsible(client_a.organisation, eva)
    with django_capture_on_commit_callbacks(execute=True):
        message = make_message(client_a)
    (asked,) = _to(client_a.user.email)
    assert asked.reply_to == [EVA]
    assert asked.message()["Reply-To"] == EVA
    with django_capture_on_commit_callbacks(execute=True):
        services.reject(
            message_id=message.pk, actor=Actor.for_user(client_a.user), reason="Naam fout"
        )
    (told,) = _to(EVA)
    assert told.reply_to == []  # staff mail: the staff need none


@pytest.mark.parametrize("responsible", ["none", "no address", "deactivated"])
def test_without_a_responsible_staff_member_who_has_an_address_there_is_none(
    client_a, eva, responsible, django_capture_on_commit_callbacks
):
    if responsible != "none":
        _responsible(client_a.organisation, eva)
    if responsible == "no address":
        eva.user.email = ""
    if responsible == "deactivated":
        eva.user.is_active = False
    eva.user.save()
    with django_capture_on_commit_callbacks(execute=True):
        make_message(client_a)
    (asked,) = _to(client_a.user.email)
    assert asked.reply_to == []
    assert "Reply-To" not in asked.message()


def test_the_invitation_is_answered_to_the_responsible_staff_member(client_a, eva):
    _responsible(client_a.organisation, eva)
    contact = client_a.user.client_contacts.get()
    from portal import notifications

    notifications.send_invitation(contact, "https://portaal.example/wachtwoord/")
    (invitation,) = mail.outbox
    assert invitation.reply_to == [EVA]


def test_a_reminder_is_answered_to_the_responsible_staff_of_its_organisations(
    environment, eva, settings, django_capture_on_commit_callbacks
):
    """One reminder lists two organisations of one person: a reply goes to each one's
    responsible staff member, once each; an organisation without one adds nobody."""
    settings.REMINDER_DAYS = [3]
    tom = factories.StaffFactory(environment=environment, user__email="Tom@kantoor.nl")
    jan = factories.UserFactory(username="jan", email="jan@example.nl")
    today = date(2026, 3, 20)
    for name, member in (("Alfa", eva), ("Beta", tom), ("Gamma", None), ("Delta", eva)):
        organisation = factories.OrganisationFactory(environment=environment, name=name)
        factories.ContactFactory(organisation=organisation, user=jan)
        _responsible(organisation, member)
        waiting_since(organisation, year=2025, changed_at=at_noon(today - timedelta(days=4)))
    with django_capture_on_commit_callbacks(execute=True):
        reminders.send_client_reminders(now=at_noon(today))
    (reminder,) = mail.outbox
    assert reminder.reply_to == [EVA, "Tom@kantoor.nl"]
