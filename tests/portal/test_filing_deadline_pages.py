"""The year's filing deadline on the message pages, the approval's confirmation and the
mail that asks for a review, counted as Termijnen counts it (deadlines.periods).

KVK-SBR.md section 1: "filing is due within 8 days after adoption and in any case within
12 months after year end", and "Late filing is an economic offence and creates director
liability in bankruptcy". The walk that found it: a director adopted the accounts on
1 June and approved them on 7 December; nothing said that the 8 days had ended on 9 June.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from config.dates import format_day
from deadlines.models import DeadlineExtension
from kvk import deadlines as d
from kvk.status import Status
from tests.portal.conftest import make_message

pytestmark = pytest.mark.django_db

#: A year whose every deadline has passed, whatever today is.
PAST = date.today().year - 2
#: Last year: with the draw-up term extended by 5 months (a BV), filing is due on
#: 31 December of this year at the latest (12 months after year end), not passed yet.
LAST = date.today().year - 1


def _page(browser, name: str, message) -> str:
    return browser.get(reverse(name, args=[message.pk])).content.decode()


def _adopt(browser, message, adoption_date: date) -> None:
    url = reverse("outsite-action", args=[message.pk, "adopt"])
    response = browser.post(url, {"adopted": "on", "adoption_date": adoption_date.isoformat()})
    assert response.status_code == 302
    message.refresh_from_db()
    assert message.adopted and message.adoption_date == adoption_date


def _approve(browser, message, **data):
    url = reverse("outsite-action", args=[message.pk, "approve"])
    return browser.post(url, {"document_sha256": message.document_sha256, **data})


def test_adopted_on_1_june_the_pages_say_filing_was_due_on_9_june_and_how_late(
    browser_a, staff_browser, client_a, mail_tasks_run_here
):
    message = make_message(client_a, year=PAST)
    _adopt(browser_a, message, date(PAST + 1, 6, 1))
    # 8 days after the adoption (art. 2:394 lid 1 BW), well within the 12 months.
    due = f"9 juni {PAST + 1}"
    late = (timezone.localdate() - date(PAST + 1, 6, 9)).days

    for browser, name in ((browser_a, "outsite-message"), (staff_browser, "insite-message")):
        page = _page(browser, name, message)
        assert "Deponeren uiterlijk" in page and due in page
        assert f"{late} dagen verlopen" in page

    confirm = _approve(browser_a, message).content.decode()
    assert 'id="confirm-approve"' in confirm and 'id="filing-overdue"' in confirm
    assert "De termijn om te deponeren is verstreken" in confirm
    assert f"uiterlijk op {due} bij de KvK gedeponeerd moeten zijn" in confirm
    assert f"{late} dagen geleden verstreken" in confirm
    assert "economisch delict" in confirm and "aansprakelijkheid van de bestuurders" in confirm

    # Once approved the filing is on its way: the date stays, "verlopen" goes.
    assert _approve(browser_a, message, confirmed="1").status_code == 302
    message.refresh_from_db()
    assert message.status == Status.APPROVED
    page = _page(browser_a, "outsite-message", message)
    assert due in page and "dagen verlopen" not in page


def test_before_the_deadline_the_pages_give_the_date_and_the_confirmation_no_warning(
    browser_a, staff_browser, client_a
):
    message = make_message(client_a, year=LAST)
    DeadlineExtension.objects.create(
        organisation=client_a.organisation, financial_year=LAST, months=5
    )
    today = timezone.localdate()
    _adopt(browser_a, message, today)
    # Adopted today: 8 days on, unless the 12 months after year end end sooner.
    due = min(today + timedelta(days=8), date(LAST + 1, 12, 31))
    for browser, name in ((browser_a, "outsite-message"), (staff_browser, "insite-message")):
        page = _page(browser, name, message)
        assert "Deponeren uiterlijk" in page and format_day(due) in page
        assert "verlopen" not in page
    confirm = _approve(browser_a, message).content.decode()
    assert 'id="confirm-approve"' in confirm and 'id="filing-overdue"' not in confirm


@pytest.mark.parametrize("legal_form", [d.STICHTING, d.VOF])
def test_a_legal_form_without_computed_deadlines_shows_no_line(
    browser_a, staff_browser, client_a, legal_form
):
    """A stichting files only under Title 9 (art. 2:360 lid 3 BW), a VOF only when all its
    fully liable partners are capital companies (lid 2): no deadline, no line."""
    message = make_message(client_a, year=PAST)
    client_a.organisation.legal_form = legal_form
    client_a.organisation.save(update_fields=["legal_form"])
    for browser, name in ((browser_a, "outsite-message"), (staff_browser, "insite-message")):
        assert "Deponeren uiterlijk" not in _page(browser, name, message)


@pytest.mark.usefixtures("mail_tasks_run_here")
def test_the_review_mail_says_when_filing_is_due(client_a, django_capture_on_commit_callbacks):
    DeadlineExtension.objects.create(
        organisation=client_a.organisation, financial_year=LAST, months=5
    )
    with django_capture_on_commit_callbacks(execute=True):
        make_message(client_a, year=LAST)
    (sent,) = [m for m in mail.outbox if m.to == [client_a.user.email]]
    assert "wacht op uw goedkeuring" in sent.subject
    # Not adopted yet: 8 days after the adoption deadline (5 + 5 + 2 months), capped at
    # 12 months after year end.
    assert f"moet uiterlijk op 31 december {LAST + 1} bij de KvK zijn gedeponeerd" in sent.body


@pytest.mark.usefixtures("mail_tasks_run_here")
def test_the_review_mail_says_the_deadline_passed(client_a, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        make_message(client_a, year=PAST)
    (sent,) = [m for m in mail.outbox if m.to == [client_a.user.email]]
    # Not adopted: the adoption deadline is 31 July (5 + 2 months), filing 8 days later.
    late = (timezone.localdate() - date(PAST + 1, 8, 8)).days
    assert f"uiterlijk op 8 augustus {PAST + 1} bij de KvK gedeponeerd moeten zijn" in sent.body
    assert f"{late} dagen geleden verstreken" in sent.body
    assert "economisch delict" in sent.body


@pytest.mark.usefixtures("mail_tasks_run_here")
def test_the_review_mail_of_a_legal_form_without_deadlines_has_no_line(
    client_a, django_capture_on_commit_callbacks
):
    client_a.organisation.legal_form = d.STICHTING
    client_a.organisation.save(update_fields=["legal_form"])
    with django_capture_on_commit_callbacks(execute=True):
        make_message(client_a, year=PAST)
    (sent,) = [m for m in mail.outbox if m.to == [client_a.user.email]]
    assert "gedeponeerd moeten zijn" not in sent.body and "uiterlijk op" not in sent.body
