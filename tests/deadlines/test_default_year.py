"""Which financial year "Termijnen" opens on: the one whose filing is due now.

KVK-SBR.md section 1: "filing is due within 8 days after adoption and in any case within
12 months after year end". Section 3: "a year 2025-07-01..2026-06-30 is a 2025 year" (a
financial year is named after the calendar year it begins in). So on 1 May 2026 a
company whose year ends on 30 June files its 2024 year (1 July 2024 to 30 June 2025, due
by 30 June 2026 at the latest); its 2025 year is still running. A calendar-year company
files 2025."""

from __future__ import annotations

import html
from datetime import date

import pytest
from django.urls import reverse

from kvk.deadlines import current_financial_year
from tests import factories
from tests.deadlines.conftest import facts, freeze_today, onboarded

pytestmark = pytest.mark.django_db

TODAY = date(2026, 5, 1)
LIST = "deadlines:list"


@pytest.mark.parametrize(
    ("today", "end", "year"),
    [
        (date(2026, 5, 1), (12, 31), 2025),
        (date(2026, 1, 1), (12, 31), 2025),
        (date(2025, 12, 31), (12, 31), 2024),  # 2025 ends that day: not over yet
        (date(2026, 5, 1), (6, 30), 2024),  # 2025 runs until 30 June 2026
        (date(2026, 6, 30), (6, 30), 2024),  # 2024 is due by that day at the latest
        (date(2026, 7, 1), (6, 30), 2025),
        (date(2026, 3, 1), (2, 29), 2025),  # 2025 ran to 28 February 2026
    ],
)
def test_the_year_due_is_the_newest_year_that_ended(today, end, year):
    assert current_financial_year(today, *end) == year


@pytest.fixture(autouse=True)
def today(monkeypatch, settings):
    settings.OTP_REQUIRED_FOR_STAFF = False
    freeze_today(monkeypatch, TODAY)


def june_year_end(environment, name: str):
    organisation = factories.OrganisationFactory(environment=environment, name=name)
    facts(organisation, end_month=6, end_day=30)
    onboarded(organisation)  # before the deadlines of the years shown
    return organisation


def test_organisations_with_a_june_year_end_open_on_the_year_due(staff_client, environment):
    june_year_end(environment, "Juni B.V.")
    response = staff_client.get(reverse(LIST))
    assert response.context["year"] == 2024
    (row,) = response.context["rows"]
    assert row.year_end == date(2025, 6, 30) and row.deadlines.filing <= date(2026, 6, 30)
    assert response.context["year_note"] is None
    page = response.content.decode()
    assert "Termijnen boekjaar 2024" in page and 'value="2024"' in page  # the year switch


def test_calendar_years_open_on_last_year(staff_client, org):
    response = staff_client.get(reverse(LIST))
    assert response.context["year"] == 2025 and response.context["year_note"] is None


def test_when_the_organisations_differ_the_page_says_which_year_and_why(
    staff_client, environment, org
):
    """Two calendar years (Alfa and Beta) and one ending in June: most are due for 2025;
    the page says so in one line and offers 2024, the year due for the other."""
    factories.OrganisationFactory(environment=environment, name="Beta B.V.")
    june_year_end(environment, "Juni B.V.")
    response = staff_client.get(reverse(LIST), {"situation": "all", "q": "B.V."})
    assert response.context["year"] == 2025
    assert response.context["year_note"] == {"count": 2, "total": 3, "other": 2024}
    page = html.unescape(response.content.decode())
    assert 'name="year" value="2025"' in page  # the year switch, also with other filters
    assert (
        "Getoond: boekjaar 2025, het laatst afgesloten boekjaar van 2 van de 3 organisaties; "
        "bij de andere organisaties, met een ander einde van het boekjaar, is dat boekjaar "
        "2024."
    ) in page
    assert '<a href="?situation=all&q=B.V.&year=2024">Boekjaar 2024 tonen</a>' in page

    chosen = staff_client.get(reverse(LIST), {"situation": "all", "year": 2024})
    assert chosen.context["year"] == 2024 and chosen.context["year_note"] is None


def test_the_facts_page_opens_on_the_year_due(staff_client, environment):
    organisation = june_year_end(environment, "Juni B.V.")
    response = staff_client.get(reverse("deadlines:facts", args=[organisation.pk]))
    assert response.context["year"] == 2024
