"""A message that failed processing (25) keeps the financial year its document says, when
processing could read the document that far, so the staff find it under its year; and
that year makes it no filing (KVK-SBR.md section 2: "25 | processing failed"; section 1:
"KvK refuses a second adopted filing for the same year otherwise" concerns filings, and a
25 never went to the KvK).

What the year on a 25 could change was checked: corrections count 50 to 90 only
(workflow.services.corrections.FILING_STATUSES), a copy of a 25's document is taken
(workflow.services.duplicates), a new version replaces the 25 as before, and the deadlines
read a 25 only when the year has no other message (deadlines.selectors)."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from crm.models import Organisation
from deadlines import selectors
from kvk.status import Status
from tests.conftest import instance_for, message_at_25, message_at_30, register_report
from tests.portal.conftest import make_message
from workflow.models import Actor

pytestmark = pytest.mark.django_db

YEAR = date.today().year - 1


def _failing(client, year: int = YEAR) -> bytes:
    """The client's accounts of ``year`` with a fault the KvK checks find (an amount with
    decimals where its type has none, DEP-VALUE): the document is read, then refused."""
    return instance_for(client.kvk_number, year=year).replace(
        b'decimals="0">53250<', b'decimals="0">53250.5<', 1
    )


@pytest.fixture(autouse=True)
def _no_second_factor(settings):
    settings.OTP_REQUIRED_FOR_STAFF = False


def test_a_failed_message_keeps_the_year_its_document_says(client_a, staff_browser, api):
    message = message_at_25(client_a, _failing(client_a, 2024))
    assert message.financial_year == 2024

    page = staff_browser.get(reverse("insite-message", args=[message.pk])).content.decode()
    assert "jaarrekening 2024" in page and "jaarrekening ?" not in page
    body = api(client_a.token).get(f"/api/v1/messages/{message.message_id}/").json()
    assert body["financial_year"] == 2024


def test_no_year_where_the_document_could_not_be_read_or_is_another_companys(client_a):
    broken = message_at_25(client_a, b"<xbrli:xbrl>\n  <unclosed>\n")
    another = message_at_25(client_a, instance_for("99999999", year=2024))
    assert [r["code"] for r in another.reasons] == ["kvk_number_not_yours"]
    assert broken.financial_year is None and another.financial_year is None


def test_a_failed_message_with_its_year_is_no_filing(client_a):
    """The corrected accounts of the year enter the workflow and replace the 25; so do
    the very same bytes sent again (a copy is taken after a 25)."""
    failed = message_at_25(client_a, _failing(client_a))
    assert failed.financial_year == YEAR
    corrected = message_at_30(client_a, year=YEAR)
    assert corrected.replaces_id == failed.pk

    copy, created = register_report(
        client_a.organisation, bytes(failed.received_document), Actor.system()
    )
    assert created and copy.pk != failed.pk


def _row(client):
    organisation = Organisation.objects.filter(pk=client.organisation.pk)
    (row,) = selectors.year_rows(organisation, YEAR, today=date(YEAR + 1, 6, 1))
    return row


@pytest.mark.parametrize("status", [Status.IN_REVIEW, Status.APPROVED, Status.REJECTED])
def test_a_failed_message_does_not_change_where_a_year_stands(client_a, status):
    """A 25 after a version in the workflow, on its way to the KvK or rejected: the row
    is that version's, with the deadlines its dates give."""
    version = make_message(client_a, status, year=YEAR)
    before = _row(client_a)
    failed = message_at_25(client_a, _failing(client_a))
    assert failed.financial_year == YEAR
    after = _row(client_a)
    assert after.message.pk == version.pk
    assert (after.situation, after.at_risk, after.deadlines, after.days_left) == (
        before.situation,
        before.at_risk,
        before.deadlines,
        before.days_left,
    )


def test_a_year_with_only_a_failed_message_is_at_risk_with_the_same_deadlines(client_a):
    before = _row(client_a)
    assert before.situation == selectors.Situation.NO_MESSAGE
    message_at_25(client_a, _failing(client_a))
    after = _row(client_a)
    assert after.situation == selectors.Situation.PROCESSING_FAILED
    assert after.at_risk and (after.deadlines, after.days_left) == (
        before.deadlines,
        before.days_left,
    )


def test_a_message_without_a_year_says_the_year_is_unknown(client_a, staff_browser):
    """A document processing could not read has no year: the heading says so in words
    instead of a question mark."""
    broken = message_at_25(client_a, b"<xbrli:xbrl>\n  <unclosed>\n")
    page = staff_browser.get(reverse("insite-message", args=[broken.pk])).content.decode()
    assert "jaarrekening (boekjaar onbekend)</h1>" in page
