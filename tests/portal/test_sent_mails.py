"""InSite's message page lists the e-mails about the message: which notification or
reminder went to whom, and which address the mail server refused, so staff can answer a
client's "I never got a mail" without the server's logs. The client's page does not show
them. The mails are sent by the real tasks (``.apply()``) through a mail server that
refuses one address (tests.mailserver)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from deadlines.models import ReminderLog
from kvk.status import Status
from portal import notifications
from tests import factories
from tests.mailserver import REFUSED, failing_mail  # noqa: F401 (the fixture)
from tests.portal.conftest import make_message
from workflow import services


@pytest.fixture
def filed(client_a, staff):
    """A message filed at the KvK, whose news went to its two contacts and the staff; the
    second contact's address is refused."""
    second = factories.ContactFactory(organisation=client_a.organisation, email="oud@example.nl")
    message = make_message(client_a, Status.APPROVED)
    assert services.claim_for_submission(message.pk)
    assert services.record_delivered(message_id=message.pk, kenmerk="K-1")
    services.record_kvk_statuses(
        message_id=message.pk, statuses=[], outcome_status=Status.FILED, reasons=[]
    )
    REFUSED.add(second.email)
    notifications.send_notification.apply(args=(notifications.FILED, message.pk))
    return message, second


def _section(response) -> str:
    html = response.content.decode()
    start = html.index('id="sent-mails"')
    return html[start : html.index("</section>", start)]


def test_staff_see_who_got_the_mail_and_which_address_was_refused(filed, client_a, staff, client):
    message, second = filed
    client.force_login(staff)

    section = _section(client.get(reverse("insite-message", args=[message.pk])))

    assert section.count("Gedeponeerd bij de KvK") == 3
    assert client_a.user.email in section
    assert staff.email in section
    refused_row = next(row for row in section.split("<tr") if second.email in row)
    assert "geweigerd, niet opnieuw geprobeerd" in refused_row
    assert "User unknown" in refused_row
    assert section.count("verzonden</td>") == 2


def test_a_reminder_about_the_message_is_listed_with_its_recipients(client_a, staff, client):
    message = make_message(client_a, Status.IN_REVIEW)
    ReminderLog.objects.create(
        organisation=message.organisation,
        message=message,
        kind=ReminderLog.Kind.CLIENT_REVIEW,
        step=7,
        recipients=["a@example.nl", "b@example.nl"],
    )
    client.force_login(staff)

    section = _section(client.get(reverse("insite-message", args=[message.pk])))

    assert "Herinnering cliënt: bericht wacht op beoordeling" in section
    assert "a@example.nl, b@example.nl" in section
    assert "wordt verzonden" in section


def test_nothing_sent_yet_says_so(client_a, staff, client):
    message = make_message(client_a, Status.IN_REVIEW)
    client.force_login(staff)

    section = _section(client.get(reverse("insite-message", args=[message.pk])))

    assert "Nog geen e-mails over dit bericht verstuurd." in section


def test_the_client_does_not_see_the_list(filed, client_a, client):
    message, _second = filed
    client.force_login(client_a.user)

    html = client.get(reverse("outsite-message", args=[message.pk])).content.decode()

    assert 'id="sent-mails"' not in html
    assert "oud@example.nl" not in html
