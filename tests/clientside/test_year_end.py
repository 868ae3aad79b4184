"""The administration's financial year end: kept on the KvK tab, the period of a new annual
report follows it (or the previous report's period), and "Controle" warns when a report's
period does not end on it.

The walk of 7 December 2026 (season report, defect 1): every new report was filled in with
1 January - 31 December, also after the administration's previous report ran from 1 July
to 30 June, and nothing said so; the accounts of a stichting went to the portal over the
wrong period.

Sources:
- art. 2:10a BW: the financial year is the calendar year unless the statutes name another;
  it changes only by an amendment of the statutes, and a first or changed year may then
  be shorter or longer than twelve months (the KvK asks the reason of a year that is not
  twelve months, rj-i:FinancialReportingPeriodDifferentThanAnnualReasonDescription, and
  refuses one of two years or more, BR-KVK-4.17). So a period that does not end on the
  year end is a warning, not a refusal.
- KVK-SBR.md section 3: a financial year is named after the calendar year in which it
  begins ("a year 2025-07-01..2026-06-30 is a 2025 year"); "Controle" already asks that the
  report's period begins in its year (clientside.services._period_problems).
"""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from clientside import services
from clientside.forms import AdministrationForm
from clientside.models import Administration, AnnualReport
from tests.clientside.conftest import YEAR, make_environment
from tests.clientside.test_kvk_tab import VALID
from tests.clientside.test_screens import ALL_PERMISSIONS, follow_post, user_with

pytestmark = pytest.mark.django_db


def _periods(report: AnnualReport) -> tuple[str, str, str | None, str | None]:
    data = report.statements
    return (data["period_start"], data["period_end"], data["previous_start"], data["previous_end"])


def test_the_kvk_tab_keeps_the_year_end():
    form = AdministrationForm({**VALID, "year_end_day": "30", "year_end_month": "6"})
    assert form.is_valid(), form.errors
    administration = form.save()
    assert (administration.year_end_day, administration.year_end_month) == (30, 6)


def test_without_a_year_end_it_is_the_calendar_year():
    # art. 2:10a BW: the calendar year unless the statutes name another.
    form = AdministrationForm(VALID)
    assert form.is_valid(), form.errors
    administration = form.save()
    assert (administration.year_end_day, administration.year_end_month) == (31, 12)


def test_a_year_end_that_does_not_exist_is_refused():
    form = AdministrationForm({**VALID, "year_end_day": "31", "year_end_month": "6"})
    assert not form.is_valid()
    assert "Deze datum bestaat niet als einde van een boekjaar." in str(form.errors)


def test_the_admin_refuses_it_too():
    # The Django admin edits the model: the model says it (Administration.clean).
    with pytest.raises(ValidationError, match="bestaat niet als einde van een boekjaar"):
        Administration(year_end_month=2, year_end_day=30).clean()
    Administration(year_end_month=2, year_end_day=29).clean()  # the last day of February


def _administration(**fields) -> Administration:
    return Administration.objects.create(
        name="Stichting Het Anker", seat="Utrecht", kvk_number="12345678", **fields
    )


def test_a_new_report_covers_the_year_ending_on_the_year_end():
    administration = _administration(year_end_month=6, year_end_day=30)
    report, _created = services.create_report(administration=administration, financial_year=2024)
    # Boekjaar 2024 begins in 2024 (KVK-SBR.md section 3) and ends on 30 June.
    assert _periods(report) == ("2024-07-01", "2025-06-30", "2023-07-01", "2024-06-30")


def test_a_new_report_follows_the_previous_reports_period():
    administration = _administration()  # the year end never filled in: 31 December
    AnnualReport.objects.create(
        administration=administration,
        financial_year=2023,
        statements={
            **services.default_statements(2023),
            "period_start": "2023-07-01",
            "period_end": "2024-06-30",
            "previous_start": "2022-07-01",
            "previous_end": "2023-06-30",
        },
    )
    report, _created = services.create_report(administration=administration, financial_year=2024)
    assert _periods(report) == ("2024-07-01", "2025-06-30", "2023-07-01", "2024-06-30")


def test_a_calendar_year_stays_a_calendar_year():
    report, _created = services.create_report(administration=_administration(), financial_year=2024)
    assert _periods(report) == ("2024-01-01", "2024-12-31", "2023-01-01", "2023-12-31")


def test_the_report_screen_fills_in_the_administrations_year(client):
    administration = _administration(year_end_month=6, year_end_day=30)
    client.force_login(user_with(*ALL_PERMISSIONS))
    page = follow_post(
        client,
        f"/klant/administraties/{administration.pk}/jaarrapporten/",
        {"financial_year": 2024},
    )
    html = page.content.decode()
    assert 'name="period_start" value="2024-07-01"' in html
    assert 'name="period_end" value="2025-06-30"' in html


@pytest.fixture
def env():
    return make_environment(kvk_number="12345678", token="t", portal_url="http://127.0.0.1:9")


def test_controle_warns_when_the_period_does_not_end_on_the_year_end(client, env):
    # The report is a calendar year (1 January - 31 December); the year ends on 30 June.
    Administration.objects.filter(pk=env.administration.pk).update(
        year_end_month=6, year_end_day=30
    )
    env.report.refresh_from_db()
    warning = services.period_warning(env.report)
    assert warning is not None and warning.field_id == "id_period_end"
    assert f"31 december {YEAR}" in warning.message and "30 juni" in warning.message
    assert f"1 juli {YEAR} tot en met 30 juni {YEAR + 1}" in warning.message
    # A warning, not a refusal: a first or changed year may be shorter or longer.
    assert services.check_report(env.report).problems == []
    assert services.prepare(env.report).status == 0

    client.force_login(user_with(*ALL_PERMISSIONS))
    html = client.get(f"/klant/jaarrapporten/{env.report.pk}/").content.decode()
    assert 'id="period-warning"' in html and warning.message in html


def test_no_warning_when_the_period_ends_on_the_year_end(client, env):
    assert services.period_warning(env.report) is None
    client.force_login(user_with(*ALL_PERMISSIONS))
    html = client.get(f"/klant/jaarrapporten/{env.report.pk}/").content.decode()
    assert 'id="period-warning"' not in html


def test_a_longer_first_year_ending_on_the_year_end_is_no_warning(env):
    env.report.statements.update(
        period_start=f"{YEAR}-03-01", period_end=f"{YEAR}-12-31", previous_start=None
    )
    assert services.period_warning(env.report) is None


def test_a_resubmission_of_a_year_filed_elsewhere_covers_the_administrations_year():
    administration = _administration(year_end_month=6, year_end_day=30)
    report = services.create_resubmission_for_year(
        administration=administration,
        financial_year=2024,
        adoption_date=date(2025, 11, 1),
        today=date(2026, 12, 7),
    )
    assert _periods(report) == ("2024-07-01", "2025-06-30", "2023-07-01", "2024-06-30")


def test_the_administration_page_shows_the_year_end(client):
    administration = _administration(year_end_month=6, year_end_day=30)
    client.force_login(user_with(*ALL_PERMISSIONS))
    html = client.get(f"/klant/administraties/{administration.pk}/").content.decode()
    assert '<td id="year-end">30 juni</td>' in html
