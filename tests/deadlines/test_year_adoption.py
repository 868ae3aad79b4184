"""The deadlines of a financial year with more than one version of its accounts: when the
year was adopted and when it was filed, as InSite "Termijnen", its CSV export, the message
page and the reminders show them (deadlines.selectors ``adoption_of`` and ``_standing``).

Anchored in KVK-SBR.md section 1: for a BV the board draws up within 5 months after year
end (extension at most 5), the shareholders adopt within 2 months after that, filing is due
within 8 days after adoption and in any case within 12 months after year end; "A filed
document is never removed. A correction is a new filing" (heraanlevering). And in art.
2:394 lid 2 BW: accounts not adopted within two months after the draw-up term are filed
"onverwijld" (KVK-SBR.md does not state lid 2).
"""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from django.core import mail
from django.urls import reverse

from connectors import services as connector_services
from deadlines import reminders
from kvk.status import Status
from tests.conftest import register_report, versions
from tests.deadlines.conftest import at_noon, extension, fix_today, make_message
from workflow import services
from workflow.models import Actor, ApprovalMessage

pytestmark = pytest.mark.django_db

TODAY = date(2026, 8, 1)


@pytest.fixture(autouse=True)
def today(monkeypatch, settings):
    fix_today(monkeypatch, settings, TODAY)


def _termijnen(staff_client, organisation, year: int = 2025):
    """The organisation's row on the Termijnen page, the page's text, and its CSV line."""
    query = {"year": str(year), "situation": "all"}
    response = staff_client.get(reverse("deadlines:list"), query)
    (row,) = [r for r in response.context["rows"] if r.organisation == organisation]
    export = staff_client.get(reverse("deadlines:export"), query)
    header, *lines = csv.reader(io.StringIO(export.content.decode("utf-8-sig")), delimiter=";")
    assert header[9] == "Deponeren uiterlijk" and header[11:13] == [
        "Gedeponeerd op",
        "Te laat gedeponeerd",
    ]
    (line,) = [line for line in lines if line[0] == organisation.name]
    return row, response.content.decode(), line


def _filed(org, *, adopted_on: date, filed: date, resubmission: bool = False):
    message = make_message(
        org, year=2025, status=Status.FILED, adopted_on=adopted_on, changed_at=at_noon(filed)
    )
    ApprovalMessage.objects.filter(pk=message.pk).update(resubmission=resubmission)
    return message


# --- a correction (heraanlevering) after the filing ------------------------------------------


def test_a_correction_filed_later_does_not_say_when_the_year_was_filed(staff_client, org):
    # With the full extension (draw up by 31 October 2026) adopted on 30 October: filing
    # due 7 November. Filed on 2 November, on time; the correction filed 7 December.
    extension(org, 2025, 5)
    original = _filed(org, adopted_on=date(2026, 10, 30), filed=date(2026, 11, 2))
    _filed(org, adopted_on=date(2026, 10, 30), filed=date(2026, 12, 7), resubmission=True)

    row, page, line = _termijnen(staff_client, org)

    assert row.message.pk == original.pk
    assert (row.deadlines.filing, row.filed_on) == (date(2026, 11, 7), date(2026, 11, 2))
    assert not row.filed_late
    assert "gedeponeerd op 2 november 2026" in page and "te laat" not in page
    assert [line[9], *line[11:13]] == ["2026-11-07", "2026-11-02", "nee"]


def test_a_correction_adopted_later_does_not_move_a_missed_deadline(staff_client, org):
    # Adopted 1 March 2026: filing due 9 March; filed 20 March, 11 days late. The
    # correction, adopted again on 1 December and filed on 5 December, changes neither.
    _filed(org, adopted_on=date(2026, 3, 1), filed=date(2026, 3, 20))
    _filed(org, adopted_on=date(2026, 12, 1), filed=date(2026, 12, 5), resubmission=True)

    row, page, line = _termijnen(staff_client, org)

    assert (row.deadlines.filing, row.filed_on) == (date(2026, 3, 9), date(2026, 3, 20))
    assert row.days_filed_late == 11
    assert "11 dagen te laat gedeponeerd" in page
    assert [line[9], *line[11:13]] == ["2026-03-09", "2026-03-20", "ja"]


# --- an adoption recorded on an earlier version ----------------------------------------------


def _adopt(message, client, day: date):
    services.adopt(message_id=message.pk, actor=Actor.for_user(client.user), adoption_date=day)


def _reject(message, client):
    services.reject(message_id=message.pk, actor=Actor.for_user(client.user), reason="Fout.")


def _version(client, document: bytes):
    """The client's environment sends a version of its accounts; it enters the workflow
    (30), replacing a version that ended at 40."""
    message, _new = register_report(client.organisation, document, Actor.system())
    assert services.claim_for_processing(message.pk)
    assert connector_services.process_message(message.pk) == Status.IN_REVIEW
    message.refresh_from_db()
    return message


def _rejected_and_replaced(client, adopted_on: date):
    """A version adopted on ``adopted_on`` that the client rejected, and the new version
    that replaced it (waiting for the client)."""
    first, second = versions(client.kvk_number, 2, year=2025)
    older = _version(client, first)
    _adopt(older, client, adopted_on)
    _reject(older, client)
    newer = _version(client, second)
    assert newer.replaces_id == older.pk
    return older, newer


def test_an_adoption_on_an_earlier_version_keeps_its_deadline(staff_client, client_a):
    """Adopted on 2 June 2026: filing due 10 June (8 days, art. 2:394 lid 1 BW). The client
    rejects that version and sends a new one: the adoption took place all the same, so the
    deadline stays 10 June, also once the new version is adopted on 31 July."""
    _older, newer = _rejected_and_replaced(client_a, date(2026, 6, 2))

    row, page, line = _termijnen(staff_client, client_a.organisation)
    assert row.message.pk == newer.pk
    assert row.deadlines.filing == date(2026, 6, 10) and row.overdue
    assert line[9] == "2026-06-10"

    _adopt(newer, client_a, date(2026, 7, 31))
    row, page, line = _termijnen(staff_client, client_a.organisation)
    assert row.deadlines.filing == date(2026, 6, 10) and line[9] == "2026-06-10"


@pytest.mark.usefixtures("reminder_schedule")
def test_the_reminder_of_a_new_version_names_the_deadline_of_the_earlier_adoption(
    client_a, django_capture_on_commit_callbacks
):
    _older, newer = _rejected_and_replaced(client_a, date(2026, 6, 2))
    ApprovalMessage.objects.filter(pk=newer.pk).update(status_changed_at=at_noon(date(2026, 7, 29)))
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders.send_client_reminders(now=at_noon(TODAY)) == 1  # 3 days waiting
    (email,) = mail.outbox
    assert "De wettelijke deponeertermijn is verlopen op 10 juni 2026." in email.body


@pytest.mark.parametrize("older_status", [Status.REFUSED, Status.PROCESSING_FAILED])
def test_a_refused_or_closed_adopted_version_keeps_its_deadline(staff_client, org, older_status):
    # Refused by the KvK (90), or closed at 30 when a newer version came (25, reason
    # version_superseded): adopted on 2 June all the same.
    make_message(org, year=2025, status=older_status, adopted_on=date(2026, 6, 2))
    make_message(org, year=2025, status=Status.IN_REVIEW)
    row, _page, line = _termijnen(staff_client, org)
    assert row.deadlines.filing == date(2026, 6, 10) and line[9] == "2026-06-10"


# --- an adoption recorded after the adoption deadline ----------------------------------------


def test_a_late_adoption_does_not_move_the_filing_deadline(staff_client, org):
    """Not adopted by 31 July 2026 (2 months after the draw-up term of 31 May): the board
    files "onverwijld" (art. 2:394 lid 2 BW); we allow 8 days, so 8 August. Recording an
    adoption on 15 August does not give the year until 23 August."""
    make_message(org, year=2025, adopted_on=date(2026, 7, 31))
    assert _termijnen(staff_client, org)[0].deadlines.filing == date(2026, 8, 8)  # lid 1
    ApprovalMessage.objects.filter(organisation=org).update(adoption_date=date(2026, 8, 15))

    row, page, line = _termijnen(staff_client, org)

    assert row.deadlines.filing == date(2026, 8, 8) and line[9] == "2026-08-08"
    assert "Termijn verstreken: vastgesteld op 15 augustus 2026" in page


# --- versions that disagree about the adoption date ------------------------------------------

WARNING = (
    "Versies van dit boekjaar noemen verschillende vaststellingsdata: 2 juni 2026, "
    "10 juni 2026. De termijnen rekenen met de vroegste; ga na welke juist is."
)


def test_versions_with_different_adoption_dates_are_pointed_out(staff_client, client_a):
    older, newer = _rejected_and_replaced(client_a, date(2026, 6, 10))
    _adopt(newer, client_a, date(2026, 6, 2))  # "the date was wrong"

    row, page, _line = _termijnen(staff_client, client_a.organisation)
    assert row.deadlines.filing == date(2026, 6, 10)  # the earliest, 2 June, + 8 days
    assert WARNING in page
    for message in (newer, older):
        detail = staff_client.get(reverse("insite-message", args=[message.pk]))
        assert WARNING in detail.content.decode()


def test_versions_with_the_same_adoption_date_are_not_pointed_out(staff_client, org):
    make_message(org, year=2025, status=Status.REFUSED, adopted_on=date(2026, 6, 2))
    make_message(org, year=2025, status=Status.IN_REVIEW, adopted_on=date(2026, 6, 2))
    _row, page, _line = _termijnen(staff_client, org)
    assert "verschillende vaststellingsdata" not in page
