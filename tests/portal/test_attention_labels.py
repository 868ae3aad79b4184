"""A message at 60 that asks the staff's attention is named in words on the dashboard, the
list, its own page and the staff's mail: the short label of its attention code.

The status requests to Digipoort that failed POLL_FAILURES_FOR_ATTENTION times in a row
(workflow.services.record_poll_failure) put the message before the staff with the code
"status_unavailable", which had no label: the pages and the mail showed the bare code."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kvk.status import Status
from portal import notifications
from portal.templatetags.portal import ATTENTION_LABELS
from tests.portal.conftest import make_message
from workflow import services
from workflow.reasons import ATTENTION

pytestmark = pytest.mark.django_db

LABEL = "status niet op te vragen bij Digipoort"


def test_every_attention_code_has_a_label():
    assert set(ATTENTION_LABELS) == set(ATTENTION)


@pytest.fixture
def unavailable(client_a):
    """A message at 60 whose status Digipoort did not give five times in a row."""
    message = make_message(client_a, Status.APPROVED)
    assert services.record_delivered(message_id=message.pk, kenmerk="K-60")
    for _ in range(services.POLL_FAILURES_FOR_ATTENTION):
        services.record_poll_failure(message_id=message.pk, kenmerk="K-60", error="time-out")
    message.refresh_from_db()
    assert message.attention_code == "status_unavailable"
    return message


@pytest.mark.parametrize(
    "page",
    [
        reverse("insite-dashboard"),
        reverse("insite-messages"),
        reverse("insite-messages") + "?attention=on",
    ],
)
def test_the_pages_name_it_in_words(staff_browser, unavailable, page):
    html = staff_browser.get(page).content.decode()
    assert LABEL in html
    assert "status_unavailable" not in html


def test_its_own_page_names_it_in_words(staff_browser, unavailable):
    html = staff_browser.get(reverse("insite-message", args=[unavailable.pk])).content.decode()
    assert f"Vraagt aandacht: {LABEL}" in html
    # The code itself only among the timeline's technical details, for the staff.
    assert "Vraagt aandacht: status_unavailable" not in html


def test_the_staff_mail_names_it_in_words(staff, unavailable):
    (staff, *_others) = notifications.staff_recipients(unavailable)
    subject, body = notifications.render_mail(notifications.KVK_ATTENTION, unavailable, staff)
    assert str(ATTENTION["status_unavailable"]) in body
    assert "status_unavailable" not in subject + body


@pytest.mark.parametrize("code", sorted(ATTENTION))
def test_the_staff_mail_says_it_once(staff, unavailable, code):
    """The short label ("Digipoort probeert al langer dan 72 uur:") above the explanation
    that says the same ("Digipoort probeert het bericht al langer dan 72 uur af te
    leveren ...") said it twice: the mail gives the explanation alone."""
    unavailable.attention_code, unavailable.attention_detail = code, ""
    (staff, *_others) = notifications.staff_recipients(unavailable)
    _subject, body = notifications.render_mail(notifications.KVK_ATTENTION, unavailable, staff)
    assert str(ATTENTION[code]) in body
    label = str(ATTENTION_LABELS[code])
    assert f"{label[0].upper()}{label[1:]}:" not in body


def test_a_code_new_to_us_still_heads_its_detail(staff, unavailable):
    """Without an explanation of its own, the code heads what Digipoort said."""
    unavailable.attention_code, unavailable.attention_detail = "nieuw", "Iets onbekends."
    (staff, *_others) = notifications.staff_recipients(unavailable)
    _subject, body = notifications.render_mail(notifications.KVK_ATTENTION, unavailable, staff)
    assert "Nieuw:\nIets onbekends." in body
