"""When all shareholders of a BV are also its directors, the directors' signing is the
adoption: OutSite says so, fills in the signing date, and warns before recording another.

Art. 2:210 lid 5 BW; KVK-SBR.md section 1: "If all shareholders are also directors,
signing counts as adoption". The walk that found it: OutSite named the general meeting of
shareholders and took 7 December as the adoption date of accounts signed on 1 March, a date
that then went into the filed document. Another date is not refused: the client may know
better (not every director signed).
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from config.dates import format_day
from deadlines.models import DeadlineFacts
from kvk import deadlines as d
from kvk.parser import parse_instance
from tests.portal.conftest import make_message

pytestmark = pytest.mark.django_db

SIGNING_IS_ADOPTION = (
    "de ondertekening van de jaarrekening door alle bestuurders geldt als vaststelling "
    "(art. 2:210 lid 5 BW)"
)
GENERAL_MEETING = "De algemene vergadering van aandeelhouders stelt de jaarrekening vast"


@pytest.fixture
def directors_hold_all_shares(client_a):
    """client_a, a BV, whose shareholders are all directors (its deadline facts)."""
    assert client_a.organisation.legal_form == d.BV
    DeadlineFacts.objects.create(
        organisation=client_a.organisation, all_shareholders_are_directors=True
    )
    return client_a


def _adopt(browser, message, adoption_date: date, **data):
    url = reverse("outsite-action", args=[message.pk, "adopt"])
    return browser.post(url, {"adopted": "on", "adoption_date": adoption_date.isoformat(), **data})


def test_outsite_says_signing_is_adoption_and_fills_in_the_signing_date(
    browser_a, directors_hold_all_shares
):
    message = make_message(directors_hold_all_shares)
    assert message.signed_on is not None  # every director signed the document
    page = browser_a.get(reverse("outsite-message", args=[message.pk])).content.decode()
    assert SIGNING_IS_ADOPTION in page and GENERAL_MEETING not in page
    assert f'value="{message.signed_on.isoformat()}"' in page  # the date field, filled in

    # Kept as filled in: recorded at once, with the signing date.
    response = _adopt(browser_a, message, message.signed_on)
    assert response.status_code == 302
    message.refresh_from_db()
    assert message.adopted and message.adoption_date == message.signed_on


def test_another_date_is_recorded_only_after_a_warning(browser_a, directors_hold_all_shares):
    message = make_message(directors_hold_all_shares)
    signed_on, later = message.signed_on, timezone.localdate()
    assert signed_on is not None and later != signed_on

    warned = _adopt(browser_a, message, later)
    assert warned.status_code == 200
    html = warned.content.decode()
    assert 'id="other-adoption-date"' in html and "art. 2:210 lid 5 BW" in html
    assert f'name="other_date_confirmed" value="{later.isoformat()}"' in html
    message.refresh_from_db()
    assert not message.adopted
    assert [e.action for e in message.events.all()][-1] == "workflow_started"

    # A confirmation of another date than the one entered does not count.
    wrong = later - timedelta(days=1)
    again = _adopt(browser_a, message, later, other_date_confirmed=wrong.isoformat())
    assert again.status_code == 200 and 'id="other-adoption-date"' in again.content.decode()

    # Confirmed: not refused; the client's date goes into the document.
    confirmed = _adopt(browser_a, message, later, other_date_confirmed=later.isoformat())
    assert confirmed.status_code == 302
    message.refresh_from_db()
    assert message.adopted and message.adoption_date == later
    assert parse_instance(bytes(message.document)).adoption_date == later


def test_without_all_shareholders_as_directors_the_general_meeting_adopts(browser_a, client_a):
    message = make_message(client_a)
    page = browser_a.get(reverse("outsite-message", args=[message.pk])).content.decode()
    assert GENERAL_MEETING in page and SIGNING_IS_ADOPTION not in page
    assert f'value="{message.signed_on.isoformat()}"' not in page
    assert _adopt(browser_a, message, timezone.localdate()).status_code == 302


@pytest.mark.usefixtures("mail_tasks_run_here")
def test_the_review_mail_says_signing_is_adoption(
    directors_hold_all_shares, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        make_message(directors_hold_all_shares)
    (sent,) = [m for m in mail.outbox if m.to == [directors_hold_all_shares.user.email]]
    assert SIGNING_IS_ADOPTION in sent.body and GENERAL_MEETING not in sent.body


def test_the_signing_date_is_filled_in_and_another_cockpit_date_is_named(
    browser_a, directors_hold_all_shares
):
    """The date the client entered in its reporting cockpit (sent with the upload as the
    proposed adoption date) does not replace the adoption by law: the form keeps the
    signing date, and the page names the cockpit's date beside it."""
    message = make_message(directors_hold_all_shares)
    proposed = timezone.localdate()
    assert message.signed_on is not None and proposed != message.signed_on
    message.proposed_adoption_date = proposed
    message.save(update_fields=["proposed_adoption_date"])

    page = browser_a.get(reverse("outsite-message", args=[message.pk])).content.decode()

    assert f'value="{message.signed_on.isoformat()}"' in page
    named = f"In uw administratie is {format_day(proposed)} ingevuld als datum van vaststelling."
    assert named in page
