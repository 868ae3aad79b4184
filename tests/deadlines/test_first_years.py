"""The deadlines of a year count from the period its accounts state: a shorter or longer
first year (Termijnen, its export and the facts page).

The walk of 7 December 2026: Termijnen counted every year from the organisation's year end,
never from the filed document's period. A short first year from 1 March to 30 June 2025
showed "Deponeren uiterlijk 8 februari 2027" and, filed on 7 December 2026, not late; an
extended first year from 1 September 2024 to 31 December 2025 was filed "341 dagen te
laat", and boekjaar 2025, which it covered, had "Nog geen bericht, 121 dagen verlopen".

Sources:
- KVK-SBR.md section 1: the deadlines count from year end (a BV draws up within 5 months,
  adopts within 2 more, files within 8 days after adoption and in any case within 12
  months after year end).
- KVK-SBR.md section 3: a financial year is named after the calendar year in which it
  begins (the portal names a message's year after the first day of its document).
- art. 2:10a BW: the financial year is the calendar year unless the statutes name another;
  a first year may be shorter or longer. BR-KVK-4.17 (KVK-SBR.md section 4): less than two
  years.
"""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from connectors import services as connector_services
from crm.models import Organisation
from deadlines import reminders
from deadlines.selectors import Situation
from kvk.parser import ParsedInstance
from kvk.status import Status
from tests import factories
from tests.conftest import first_year_instance, register_report
from tests.deadlines.conftest import at_noon, facts, onboarded
from workflow import services
from workflow.models import Actor, ApprovalMessage

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("message_type")]

WALK = date(2026, 12, 7)
LATER = date(2027, 3, 1)
LIST = "deadlines:list"


@pytest.fixture(autouse=True)
def today(monkeypatch, settings):
    settings.OTP_REQUIRED_FOR_STAFF = False
    day = {"today": WALK}
    real = timezone.localdate

    def localdate(value=None, timezone=None):
        return day["today"] if value is None else real(value, timezone)

    monkeypatch.setattr("django.utils.timezone.localdate", localdate)
    return day


def accounts_over(organisation, start: date, end: date) -> ApprovalMessage:
    """The accounts of ``organisation``'s first year ``start``..``end`` (no comparative
    figures; the reason when the year is not twelve months), taken to 30 by the real
    processing, which names the year after ``start``."""
    content = first_year_instance(organisation.kvk_number, start, end, name=organisation.name)
    message, _new = register_report(organisation, content, Actor.system())
    assert services.claim_for_processing(message.pk)
    connector_services.process_message(message.pk)
    message.refresh_from_db()
    assert message.status == Status.IN_REVIEW, message.reasons
    assert message.financial_year == start.year
    return message


def filed(message: ApprovalMessage, *, adopted_on: date, on: date) -> None:
    """Test set-up only (the product files through workflow.services and Digipoort)."""
    ApprovalMessage.objects.filter(pk=message.pk).update(
        status=Status.FILED,
        adopted=True,
        adoption_date=adopted_on,
        approved_sha256=message.document_sha256,
        status_changed_at=at_noon(on),
    )


def rows(staff_client, year: int, **query):
    response = staff_client.get(reverse(LIST), {"year": year, **query})
    assert response.status_code == 200
    return {row.organisation.name: row for row in response.context["rows"]}, response


def row_html(response, name: str) -> str:
    """The table row of the organisation ``name`` on a Termijnen page."""
    (row,) = [row for row in response.content.decode().split("<tr") if f">{name}</a>" in row]
    return row


def export(staff_client, year: int) -> dict[str, dict[str, str]]:
    response = staff_client.get(reverse("deadlines:export"), {"year": year, "situation": "all"})
    header, *lines = csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";")
    return {line[0]: dict(zip(header, line, strict=True)) for line in lines}


@pytest.fixture
def short_year(org):
    """A BV founded on 1 March 2025 whose statutes end the year on 30 June: a first year
    of four months, boekjaar 2025 (it begins in 2025)."""
    facts(org, end_month=6, end_day=30)
    return accounts_over(org, date(2025, 3, 1), date(2025, 6, 30))


def test_a_short_first_year_counts_from_its_own_end(staff_client, org, short_year):
    # 30 June 2025 + 5 months = 30 November, + 2 = 31 January 2026 (last day of the
    # month), + 8 days: 8 February 2026; the year by the facts would end 30 June 2026.
    by_name, response = rows(staff_client, 2025)
    row = by_name[org.name]
    assert (row.deadlines.draw_up, row.deadlines.adoption, row.deadlines.filing) == (
        date(2025, 11, 30),
        date(2026, 1, 31),
        date(2026, 2, 8),
    )
    assert (row.year_start, row.year_end) == (date(2025, 3, 1), date(2025, 6, 30))
    assert row.deadlines.filing_limit == date(2026, 6, 30)
    assert row.overdue and row.days_overdue == 302
    html = row_html(response, org.name)
    assert "8 februari 2026" in html and "302 dagen verlopen" in html
    assert "8 februari 2027" not in html
    assert row.period_mismatch is None  # it ends on the year end: legal (art. 2:10a BW)


def test_a_short_first_year_filed_in_december_2026_was_filed_late(staff_client, org, short_year):
    # Adopted on 30 November 2026, ten months after the adoption term of 31 January 2026:
    # the accounts were due without delay from that term (art. 2:394 lid 2 BW; the product
    # allows 8 days, kvk.deadlines), so 8 February 2026 is the deadline, not 12 months
    # after 30 June 2025; filed 7 December 2026, 302 days after it.
    filed(short_year, adopted_on=date(2026, 11, 30), on=WALK)
    by_name, response = rows(staff_client, 2025, situation="all")
    row = by_name[org.name]
    assert row.deadlines.filing == date(2026, 2, 8)
    assert row.days_filed_late == 302
    assert "302 dagen te laat gedeponeerd" in row_html(response, org.name)
    line = export(staff_client, 2025)[org.name]
    assert (line["Begin boekjaar"], line["Einde boekjaar"]) == ("2025-03-01", "2025-06-30")
    assert (line["Deponeren uiterlijk"], line["Te laat gedeponeerd"]) == ("2026-02-08", "ja")
    # The period the document states, from the same read as the deadlines.
    assert (line["Begin periode document"], line["Einde periode document"]) == (
        "2025-03-01",
        "2025-06-30",
    )


def test_the_facts_page_shows_the_documents_year(staff_client, org, short_year):
    response = staff_client.get(reverse("deadlines:facts", args=[org.pk]), {"year": 2025})
    page = response.content.decode()
    assert "Boekjaar 2025: 1 maart 2025 tot en met 30 juni 2025." in page
    assert "8 februari 2026" in page


@pytest.fixture
def extended_year(org):
    """A BV founded on 1 September 2024 whose first year runs to 31 December 2025 (a
    calendar year end): boekjaar 2024, sixteen months."""
    return accounts_over(org, date(2024, 9, 1), date(2025, 12, 31))


def test_an_extended_first_year_filed_on_time_is_not_late(staff_client, org, extended_year):
    # 31 December 2025 + 7 months + 8 days: 8 August 2026. Adopted on 7 July 2026 and
    # filed on the eighth day after it.
    filed(extended_year, adopted_on=date(2026, 7, 7), on=date(2026, 7, 15))
    by_name, response = rows(staff_client, 2024, situation="all")
    row = by_name[org.name]
    assert row.deadlines.filing == date(2026, 7, 15) and row.deadlines.filing_limit == date(
        2026, 12, 31
    )
    assert (row.year_start, row.year_end) == (date(2024, 9, 1), date(2025, 12, 31))
    assert row.filed_on == date(2026, 7, 15) and not row.filed_late
    assert "te laat gedeponeerd" not in row_html(response, org.name)


def test_the_year_an_extended_first_year_covers_shows_those_accounts(
    staff_client, org, extended_year
):
    filed(extended_year, adopted_on=date(2026, 7, 7), on=date(2026, 7, 15))
    by_name, response = rows(staff_client, 2025, situation="all")
    row = by_name[org.name]
    assert row.situation == Situation.FILED and not row.at_risk and not row.overdue
    assert row.message.pk == extended_year.pk and row.covering_year == 2024
    assert row.deadlines.filing == date(2026, 7, 15) and not row.filed_late
    html = row_html(response, org.name)
    assert (
        "Valt onder de jaarrekening van boekjaar 2024 "
        "(1 september 2024 tot en met 31 december 2025)" in html
    )
    assert "Nog geen bericht" not in html and "verlopen" not in html
    # Its facts are those of the year the accounts are named after (the extension too).
    assert reverse("deadlines:facts", args=[org.pk]) + "?year=2024" in html
    # Filed: not among the clients at risk.
    assert org.name not in rows(staff_client, 2025)[0]
    assert export(staff_client, 2025)[org.name]["Toelichting"].startswith(
        "Valt onder de jaarrekening van boekjaar 2024"
    )
    facts_page = staff_client.get(reverse("deadlines:facts", args=[org.pk]), {"year": 2025})
    assert "Valt onder de jaarrekening van boekjaar 2024" in facts_page.content.decode()


def test_a_covered_year_whose_accounts_are_still_under_way_is_at_risk(
    staff_client, org, extended_year, today
):
    # In the filing season of 2025 (1 May 2026) the accounts wait for the client: the
    # clients at risk of boekjaar 2025 list them, with their deadline of 8 August 2026.
    today["today"] = date(2026, 5, 1)
    row = rows(staff_client, 2025)[0][org.name]
    assert row.situation == Situation.WAITING_FOR_CLIENT
    assert row.deadlines.filing == date(2026, 8, 8) and row.days_left == 99
    assert row.message.pk == extended_year.pk and row.covering_year == 2024


def test_a_year_after_a_twelve_month_year_still_waits_for_its_own_accounts(staff_client, org):
    # Accounts over calendar year 2024 cover 2024 only: 2025 has no message.
    onboarded(org)
    accounts_over(org, date(2024, 1, 1), date(2024, 12, 31))
    row = rows(staff_client, 2025)[0][org.name]
    assert row.message is None and row.situation == Situation.NO_MESSAGE
    assert row.overdue and row.deadlines.filing == date(2026, 8, 8)


def test_a_document_over_another_period_counts_from_the_end_it_states(staff_client, org):
    # The year end on record is 30 June, the accounts run over calendar year 2025: the
    # staff are told (period_mismatch), and the deadlines count from 31 December 2025.
    facts(org, end_month=6, end_day=30)
    message = accounts_over(org, date(2025, 1, 1), date(2025, 12, 31))
    by_name, response = rows(staff_client, 2025)
    row = by_name[org.name]
    assert row.period_mismatch is not None and row.year_end == date(2025, 12, 31)
    assert row.deadlines.filing == date(2026, 8, 8)
    html = row_html(response, org.name)
    assert 'class="period-mismatch"' in html
    # The year shown is the organisation's (the document is not it): boekjaar 2025 ends
    # on 30 June 2026 (KVK-SBR.md section 3); the export has both periods.
    assert "30 juni 2026" in html
    line = export(staff_client, 2025)[org.name]
    assert (line["Begin boekjaar"], line["Einde boekjaar"]) == ("2025-07-01", "2026-06-30")
    assert (line["Begin periode document"], line["Einde periode document"]) == (
        "2025-01-01",
        "2025-12-31",
    )
    assert line["Deponeren uiterlijk"] == "2026-08-08"
    page = staff_client.get(reverse("insite-message", args=[message.pk])).content.decode()
    assert "Termijnen rekent de termijnen vanaf het einde van het document, 31 december" in page


def test_reading_the_documents_costs_the_same_queries_for_more_rows(staff_client, environment):
    def add(count: int) -> None:
        for _ in range(count):
            organisation = factories.OrganisationFactory(environment=environment)
            accounts_over(organisation, date(2024, 9, 1), date(2025, 12, 31))
            factories.OrganisationFactory(environment=environment)  # nothing sent yet

    def queries(year: int) -> int:
        with CaptureQueriesContext(connection) as context:
            response = staff_client.get(reverse(LIST), {"year": year, "situation": "all"})
        assert response.status_code == 200
        return len(context.captured_queries)

    add(1)
    small = queries(2024), queries(2025)
    add(4)
    assert (queries(2024), queries(2025)) == small


# --- the dashboard and the message lists count alike -------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "covered", "adopted_on", "filed_on", "day"),
    [
        # Boekjaar 2024 (sixteen months) covers 2025: due 8 August 2026, filed in July.
        (date(2024, 9, 1), date(2025, 12, 31), 2025, date(2026, 7, 7), date(2026, 7, 15), WALK),
        # Year end 30 June: boekjaar 2024 from 1 September 2024 to 30 June 2026 (22 months,
        # less than two years: BR-KVK-4.17) covers boekjaar 2025 (1 July 2025 - 30 June
        # 2026) whole: due 8 February 2027, filed in January; on 1 March 2027 2025's own
        # deadline by the facts, 8 February 2027 too, has passed.
        (date(2024, 9, 1), date(2026, 6, 30), 2025, date(2027, 1, 10), date(2027, 1, 15), LATER),
    ],
)
def test_the_dashboard_counts_a_covered_year_as_termijnen_lists_it(
    staff_client, org, today, start, end, covered, adopted_on, filed_on, day
):
    """The walk of 7 December 2026: the dashboard counted boekjaar 2025 of an extended
    first year filed on time as overdue, from the year by the facts, while the Termijnen
    list it links to ("within=-1") was empty."""
    facts(org, end_month=end.month, end_day=end.day)  # the first year ends on the year end
    today["today"] = day
    onboarded(org, on=start)  # a client since its founding
    filed(accounts_over(org, start, end), adopted_on=adopted_on, on=filed_on)
    overdue, _response = rows(staff_client, covered, within=-1)
    assert overdue == {}
    row = rows(staff_client, covered, situation="all")[0][org.name]
    assert row.covering_year == start.year and row.situation == Situation.FILED
    dashboard = staff_client.get(reverse("insite-dashboard"))
    assert dashboard.context["years_at_risk"] == []
    assert "over de deponeertermijn" not in dashboard.content.decode()


def test_the_message_list_counts_a_short_first_year_from_its_own_end(staff_client, org, short_year):
    """InSite's message list ("Deponeren uiterlijk") counted from the year by the facts (8
    February 2027, nothing overdue) where Termijnen counted from the document's end."""
    response = staff_client.get(reverse("insite-messages"))
    (deadline,) = [m.deadline for m in response.context["page"] if m.pk == short_year.pk]
    assert (deadline.filing, deadline.days_overdue) == (date(2026, 2, 8), 302)
    page = response.content.decode()
    assert "8 februari 2026" in page and "302 dagen verlopen" in page
    assert rows(staff_client, 2025)[0][org.name].deadlines.filing == deadline.filing


def test_no_document_is_read_to_count_the_deadlines(staff_client, org, short_year, monkeypatch):
    """Processing kept the period (``ApprovalMessage.period_start``, ``period_end``): the
    lists, the export, the dashboard, the facts page and the message's page count from it
    and parse no document (about 1 ms for 12 kB, half a second for 3 MB, per row)."""
    extended = factories.OrganisationFactory(environment=org.environment)
    accounts_over(extended, date(2024, 9, 1), date(2025, 12, 31))

    def no_parsing(*args, **kwargs):
        raise AssertionError("a document was parsed")

    monkeypatch.setattr(ParsedInstance, "__init__", no_parsing)
    for url, query in [
        (reverse(LIST), {"year": 2025, "situation": "all"}),
        (reverse(LIST), {"year": 2024, "situation": "all"}),
        (reverse("deadlines:export"), {"year": 2025, "situation": "all"}),
        (reverse("insite-dashboard"), {}),
        (reverse("insite-messages"), {}),
        (reverse("deadlines:facts", args=[org.pk]), {"year": 2025}),
    ]:
        assert staff_client.get(url, query).status_code == 200, url
    by_name, _response = rows(staff_client, 2025, situation="all")
    assert by_name[org.name].deadlines.filing == date(2026, 2, 8)
    assert by_name[extended.name].covering_year == 2024


# --- the reminders count alike ---------------------------------------------------------------


@pytest.mark.usefixtures("reminder_schedule")
def test_the_client_reminder_names_the_deadline_of_a_short_first_year(
    org, short_year, django_capture_on_commit_callbacks
):
    # Waiting for the client since 4 December 2026: the deadline counted from 30 June 2025
    # passed on 8 February 2026 (not "verloopt op 8 februari 2027").
    factories.ContactFactory(organisation=org, name="Anna", email="anna@example.nl")
    ApprovalMessage.objects.filter(pk=short_year.pk).update(
        status_changed_at=at_noon(date(2026, 12, 4))
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders.send_client_reminders(now=at_noon(WALK)) == 1
    (email,) = mail.outbox
    assert "De wettelijke deponeertermijn is verlopen op 8 februari 2026." in email.body


@pytest.fixture
def since_founding(org, environment):
    """The organisation came to the portal when it was founded (an alarm for a deadline
    that passed after it is due), and the office has a staff member to warn."""
    Organisation.objects.filter(pk=org.pk).update(created_at=at_noon(date(2024, 9, 1)))
    factories.StaffFactory(environment=environment, user__email="eva@kantoor.nl")


@pytest.mark.usefixtures("reminder_schedule", "since_founding")
def test_no_overdue_alarm_for_the_year_an_extended_first_year_covers(
    extended_year, django_capture_on_commit_callbacks
):
    # Filed on time in July 2026: boekjaar 2025 has no accounts of its own, and its
    # deadline by the facts (8 August 2026) passing is no alarm.
    filed(extended_year, adopted_on=date(2026, 7, 7), on=date(2026, 7, 15))
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders.send_staff_escalations(today=WALK) == 0
    assert mail.outbox == []


@pytest.mark.usefixtures("reminder_schedule", "since_founding")
def test_the_staff_are_warned_of_an_extended_first_year_by_its_own_deadline(
    org, extended_year, today, django_capture_on_commit_callbacks
):
    # On 20 July 2026 the accounts of 1 September 2024 - 31 December 2025 wait for the
    # client: due 8 August 2026, in 19 days. One warning, for boekjaar 2024; not "overdue"
    # by a deadline of 8 August 2025 nor a second one for boekjaar 2025, which they cover.
    today["today"] = date(2026, 7, 20)
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders.send_staff_escalations(today=today["today"]) == 1
    (email,) = mail.outbox
    assert (
        f"- {org.name}, boekjaar 2024: deponeren uiterlijk 8 augustus 2026 (nog 19 dagen)"
        in email.body
    )
    assert "verstreken" not in email.body and "boekjaar 2025" not in email.body
