"""A filing over another period than the organisation's financial year is pointed out to
the staff (the message page and Termijnen) and to the client who approves it.

The walk of 7 December 2026 (season report, defect 1): a stichting whose year ends on 30
June sent accounts over 1 January - 31 December 2024; the portal took them to 30 without a
word, and Termijnen showed them as the client's task for boekjaar 2024, which for that
stichting runs from 1 July 2024 to 30 June 2025. Approved, they would have been filed.

Sources:
- art. 2:10a BW: the financial year is the calendar year unless the statutes name another,
  so a year may end on 30 June; it changes only by an amendment of the statutes, and a
  first (or changed) year may then be shorter or longer than twelve months. The KvK asks
  the reason of a year that is not twelve months
  (rj-i:FinancialReportingPeriodDifferentThanAnnualReasonDescription, kvk.statements.
  is_annual) and refuses one of two years or more (BR-KVK-4.17). Hence a warning that
  names both periods, never a refusal.
- KVK-SBR.md section 3: a financial year is named after the calendar year in which it
  begins ("a year 2025-07-01..2026-06-30 is a 2025 year"), as kvk.deadlines.
  financial_year_period and the portal's processing (the first year of the document's
  period) name it.
"""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from django.urls import reverse

from deadlines.models import DeadlineFacts
from kvk.deadlines import PeriodMismatch, period_mismatch
from kvk.status import Status
from tests import factories
from tests.conftest import first_year_instance, message_at_30
from tests.portal.conftest import browser_for, make_message

CALENDAR_2024 = (date(2024, 1, 1), date(2024, 12, 31))


def test_a_calendar_year_against_a_year_ending_on_30_june():
    assert period_mismatch(*CALENDAR_2024, end_month=6, end_day=30) == PeriodMismatch(
        period_start=date(2024, 1, 1),
        period_end=date(2024, 12, 31),
        year_start=date(2024, 7, 1),
        year_end=date(2025, 6, 30),
    )


@pytest.mark.parametrize(
    ("start", "end", "month", "day"),
    [
        (date(2024, 1, 1), date(2024, 12, 31), 12, 31),
        (date(2024, 7, 1), date(2025, 6, 30), 6, 30),
        # A longer first year (statutes: from the founding to the second year end).
        (date(2024, 3, 1), date(2025, 6, 30), 6, 30),
        (date(2024, 3, 1), date(2024, 12, 31), 12, 31),
        # Found in review: an extended first year of a BV founded in September, ending at
        # the second calendar year end; a short first year, and a short year before the
        # year end moved to 30 June (art. 2:10a BW: the statutes may name another year).
        (date(2024, 9, 15), date(2025, 12, 31), 12, 31),
        (date(2024, 3, 10), date(2024, 6, 30), 6, 30),
        (date(2025, 1, 1), date(2025, 6, 30), 6, 30),
        # 29 February stands for the last day of February (DeadlineFacts).
        (date(2023, 3, 1), date(2024, 2, 29), 2, 29),
        (date(2024, 3, 1), date(2025, 2, 28), 2, 29),
    ],
)
def test_a_period_ending_on_the_year_end_fits(start, end, month, day):
    assert period_mismatch(start, end, end_month=month, end_day=day) is None


def test_a_year_that_ends_on_another_day_does_not_fit():
    mismatch = period_mismatch(date(2024, 7, 1), date(2025, 6, 29), end_month=6, end_day=30)
    assert mismatch is not None and mismatch.year_end == date(2025, 6, 30)


# --- the portal ---------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _no_second_factor(settings):
    settings.OTP_REQUIRED_FOR_STAFF = False


def _year_ends_30_june(organisation) -> None:
    DeadlineFacts.objects.create(organisation=organisation, year_end_month=6, year_end_day=30)


def _page(browser, name: str, message) -> str:
    response = browser.get(reverse(name, args=[message.pk]))
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
def test_the_staff_see_that_the_document_is_not_the_organisations_year(staff, client_a):
    _year_ends_30_june(client_a.organisation)
    message = make_message(client_a, year=2024)  # accounts over 1 January - 31 December 2024
    html = _page(browser_for(staff), "insite-message", message)
    assert 'id="period-mismatch"' in html
    assert "1 januari 2024 tot en met 31 december 2024" in html
    assert "1 juli 2024 tot en met 30 juni 2025" in html
    assert reverse("deadlines:facts", args=[client_a.organisation.pk]) + "?year=2024" in html


@pytest.mark.django_db
def test_the_client_who_approves_sees_it_too(client_a):
    _year_ends_30_june(client_a.organisation)
    message = make_message(client_a, year=2024)
    html = _page(browser_for(client_a.user), "outsite-message", message)
    assert 'id="period-mismatch"' in html
    assert "1 januari 2024 tot en met 31 december 2024" in html
    assert "30 juni" in html


@pytest.mark.django_db
def test_after_the_approval_only_the_staff_see_it(staff, client_a):
    # The client can no longer act on it; the staff may have to ask for a correction.
    _year_ends_30_june(client_a.organisation)
    message = make_message(client_a, Status.APPROVED, year=2024)
    client_page = _page(browser_for(client_a.user), "outsite-message", message)
    assert 'id="period-mismatch"' not in client_page
    assert 'id="period-mismatch"' in _page(browser_for(staff), "insite-message", message)


@pytest.mark.django_db
def test_no_warning_when_the_document_is_the_organisations_year(staff, client_a):
    message = make_message(client_a, year=2024)  # no facts: a calendar year
    assert 'id="period-mismatch"' not in _page(browser_for(staff), "insite-message", message)
    assert 'id="period-mismatch"' not in _page(
        browser_for(client_a.user), "outsite-message", message
    )


@pytest.mark.django_db
def test_termijnen_marks_the_year_whose_document_covers_another_period(staff, client_a, client_b):
    _year_ends_30_june(client_a.organisation)
    make_message(client_a, year=2024)
    make_message(client_b, year=2024)  # a calendar year, as its facts say
    response = browser_for(staff).get(reverse("deadlines:list"), {"year": 2024, "situation": "all"})
    html = response.content.decode()
    rows = {
        name: row
        for row in html.split("<tr")
        for name in (client_a.organisation.name, client_b.organisation.name)
        if f">{name}</a>" in row
    }
    assert 'class="period-mismatch"' in rows[client_a.organisation.name]
    assert "1 januari 2024 tot en met 31 december 2024" in rows[client_a.organisation.name]
    assert "period-mismatch" not in rows[client_b.organisation.name]


@pytest.mark.django_db
def test_a_longer_year_ending_on_the_year_end_is_no_warning(staff, client_a):
    # A first year from the founding on 1 March 2024 to the second year end the statutes
    # name, 30 June 2025 (art. 2:10a BW): sixteen months, ending on the year end. (A
    # changed year of sixteen months after a twelve-month one is refused: BR-KVK-4.17.)
    _year_ends_30_june(client_a.organisation)
    content = first_year_instance(client_a.kvk_number, date(2024, 3, 1), date(2025, 6, 30))
    message = message_at_30(client_a, content=content)
    assert (message.period_start, message.period_end) == (date(2024, 3, 1), date(2025, 6, 30))
    assert 'id="period-mismatch"' not in _page(browser_for(staff), "insite-message", message)


@pytest.mark.django_db
def test_the_termijnen_export_has_the_period_of_each_years_document(staff, client_a, client_b):
    """The export says what the page does: the period the year's document covers (first
    and last day, ISO dates), whether or not it is the year's; empty without a document."""
    _year_ends_30_june(client_a.organisation)
    make_message(client_a, year=2024)  # accounts over 1 January - 31 December 2024
    make_message(client_b, year=2024)  # the same period, its year (a calendar year)
    without = factories.OrganisationFactory(environment=client_a.organisation.environment)
    response = browser_for(staff).get(
        reverse("deadlines:export"), {"year": 2024, "situation": "all"}
    )
    header, *lines = csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";")
    begin = header.index("Begin periode document")
    period = slice(begin, begin + 2)
    assert header[period] == ["Begin periode document", "Einde periode document"]
    by_name = {line[0]: line for line in lines}
    assert by_name[client_a.organisation.name][period] == ["2024-01-01", "2024-12-31"]
    # Its year runs from 1 July 2024 to 30 June 2025 (KVK-SBR.md section 3).
    assert by_name[client_a.organisation.name][4:6] == ["2024-07-01", "2025-06-30"]
    assert by_name[client_b.organisation.name][period] == ["2024-01-01", "2024-12-31"]
    assert by_name[without.name][period] == ["", ""]
