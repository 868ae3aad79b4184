"""InSite "Termijnen": the clients at risk, the CSV export and the deadline facts form."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from deadlines.models import DeadlineExtension, DeadlineFacts
from kvk.status import Status
from tests import factories
from tests.deadlines.conftest import (
    add_clients,
    at_noon,
    extension,
    facts,
    freeze_today,
    make_message,
    onboarded,
)
from workflow.models import ApprovalMessage, StatusEvent

pytestmark = pytest.mark.django_db

TODAY = date(2026, 5, 1)
LIST = "deadlines:list"
BV = "Besloten vennootschap met beperkte aansprakelijkheid"


@pytest.fixture(autouse=True)
def today(monkeypatch, settings):
    settings.OTP_REQUIRED_FOR_STAFF = False  # the second factor has its own test below
    freeze_today(monkeypatch, TODAY)


@pytest.fixture
def season(environment, org):
    """Alfa: calendar year, nothing yet. Beta: all shareholders are directors, waiting for
    the client 10 days. Gamma: year ends in June, transport error. Delta: filed."""
    beta = factories.OrganisationFactory(environment=environment, name="Beta B.V.")
    facts(beta, all_directors=True)
    make_message(beta, year=2025, changed_at=at_noon(TODAY - timedelta(days=10)))
    gamma = factories.OrganisationFactory(environment=environment, name="Gamma B.V.")
    facts(gamma, end_month=6, end_day=30)
    make_message(
        gamma,
        year=2025,
        status=Status.TRANSPORT_ERROR,
        changed_at=at_noon(TODAY - timedelta(days=30)),
    )
    delta = factories.OrganisationFactory(environment=environment, name="Delta B.V.")
    # Adopted on the adoption deadline: filing due 8 August 2026, as without a date. (Filed
    # accounts not adopted are another situation, tests/submission/test_not_adopted.py.)
    make_message(delta, year=2025, status=Status.FILED, adopted_on=date(2026, 7, 31))
    factories.OrganisationFactory(name="Vreemd B.V.")  # another accountancy environment
    onboarded(org, beta, gamma, delta)  # clients since before the years shown
    return {"alfa": org, "beta": beta, "gamma": gamma, "delta": delta}


def names(response) -> list[str]:
    return [row.organisation.name for row in response.context["rows"]]


def test_clients_at_risk_sorted_by_days_left(staff_client, season):
    response = staff_client.get(reverse(LIST))
    assert response.status_code == 200
    assert names(response) == ["Beta B.V.", "Alfa B.V.", "Gamma B.V."]
    beta, alfa, gamma = response.context["rows"]
    assert (beta.deadlines.filing, beta.days_left, beta.days_in_status) == (
        date(2026, 6, 8),
        38,
        10,
    )
    assert beta.situation == "waiting_for_client"
    assert (alfa.deadlines.filing, alfa.situation) == (date(2026, 8, 8), "no_message")
    assert (gamma.deadlines.year_end, gamma.deadlines.filing) == (
        date(2026, 6, 30),
        date(2027, 2, 8),
    )
    content = response.content.decode()
    assert "Wacht op cliënt" in content and "Vreemd" not in content and "Delta" not in content


def test_all_organisations_include_the_safe_ones(staff_client, season):
    response = staff_client.get(reverse(LIST), {"situation": "all"})
    # Alfa and Delta share a deadline: then by name.
    assert names(response) == ["Beta B.V.", "Alfa B.V.", "Delta B.V.", "Gamma B.V."]


@pytest.mark.parametrize(
    "query,expected",
    [
        ({"situation": "waiting_for_client"}, ["Beta B.V."]),
        ({"situation": "transport_error"}, ["Gamma B.V."]),
        ({"situation": "filed"}, ["Delta B.V."]),
        ({"waiting": "5"}, ["Beta B.V.", "Gamma B.V."]),
        ({"waiting": "11"}, ["Gamma B.V."]),
        ({"waiting": "31"}, []),
        ({"within": "60"}, ["Beta B.V."]),
        ({"q": "gam"}, ["Gamma B.V."]),
        ({"year": "2024"}, ["Beta B.V.", "Alfa B.V.", "Delta B.V.", "Gamma B.V."]),
    ],
)
def test_filters(staff_client, season, query, expected):
    response = staff_client.get(reverse(LIST), query)
    assert response.status_code == 200
    assert names(response) == expected


@pytest.mark.parametrize("query", [{"within": "0"}, {"waiting": "0"}])
def test_a_filter_of_zero_or_less_days_offers_to_clear_it(staff_client, season, query):
    """ "Deponeren binnen 0 dagen" (due today or overdue) and "Minstens 0 dagen in huidige
    status" are filters like any other number: "Wis filters" is offered (0 is no empty
    field, though it equals False)."""
    response = staff_client.get(reverse(LIST), {"year": "2025", **query})
    assert response.context["filtered"]
    assert 'id="clear-filters"' in response.content.decode()
    plain = staff_client.get(reverse(LIST), {"year": "2025"})
    assert not plain.context["filtered"]


@pytest.mark.parametrize(
    ("wrong", "error", "expected"),
    [
        ({"within": "abc"}, "within", ["Alfa B.V.", "Delta B.V."]),
        ({"waiting": "-3"}, "waiting", ["Alfa B.V.", "Delta B.V."]),
        # The situation's default applies: those at risk (Delta filed).
        ({"situation": "x"}, "situation", ["Alfa B.V."]),
    ],
)
def test_a_wrong_filter_is_left_out_alone(
    staff_client, staff, environment, season, wrong, error, expected
):
    """A filter with a wrong value is shown with its error and left out; "Mijn cliënten",
    the organisation and the other filters still apply (they were dropped with it while
    the box still showed ticked)."""
    lima = factories.OrganisationFactory(environment=environment, name="Lima B.V.")
    onboarded(lima)
    for name in ("alfa", "gamma", "delta"):  # not Beta, not Lima
        season[name].responsible = staff.staff_member
        season[name].save()
    everything = staff_client.get(reverse(LIST), {"year": "2025", "situation": "all"})
    assert "Lima B.V." in names(everything) and "Beta B.V." in names(everything)
    # Mine and with an "l" in the name: Alfa and Delta (Gamma is mine, Lima has an "l").
    query = {"year": "2025", "mine": "on", "q": "l", "situation": "all", **wrong}

    response = staff_client.get(reverse(LIST), query)

    assert response.status_code == 200
    assert list(response.context["form"].errors) == [error]
    assert names(response) == expected
    page = response.content.decode()
    assert 'name="mine" id="id_mine" checked' in page
    assert f'id="id_{error}_error"' in page
    assert response.context["filtered"]


def test_the_organisation_field_finds_a_kvk_number_too(staff_client, season):
    """Staff type the name or the KvK number, as in the message list's search; an
    organisation's other numbers (RSIN) do not list it twice."""
    gamma = season["gamma"]
    gamma.identifications.create(kind="rsin", value="8" + gamma.kvk_number)
    response = staff_client.get(reverse(LIST), {"q": gamma.kvk_number, "situation": "all"})
    assert names(response) == ["Gamma B.V."]


def test_overdue_year_is_marked(staff_client, season):
    response = staff_client.get(reverse(LIST), {"year": "2024"})
    gamma = response.context["rows"][-1]
    assert gamma.organisation.name == "Gamma B.V."
    assert gamma.overdue and gamma.deadlines.filing == date(2026, 2, 8)
    assert "verlopen" in response.content.decode()


def test_an_overdue_row_counts_the_days_since_the_deadline_without_a_minus(staff_client, season):
    """8 February to 1 May 2026: 82 days past the deadline, not "-82 (verlopen)"."""
    response = staff_client.get(reverse(LIST), {"year": "2024"})
    gamma = response.context["rows"][-1]
    assert (gamma.days_left, gamma.days_overdue) == (-82, 82)
    content = response.content.decode()
    assert "82 dagen verlopen" in content and "-82" not in content
    beta = staff_client.get(reverse(LIST)).context["rows"][0]
    assert (beta.days_left, beta.days_overdue) == (38, None)


def test_a_filing_on_its_way_after_the_deadline_counts_the_days_too(staff_client, org):
    """Sent to the KvK (50) in May 2026 for 2024, whose deadline was 8 August 2025 (a BV,
    calendar year: KVK-SBR.md section 1): not at risk any more, but late; no "-266"."""
    make_message(org, year=2024, status=Status.SENT_TO_KVK)
    response = staff_client.get(reverse(LIST), {"year": "2024", "situation": "all"})
    (row,) = [r for r in response.context["rows"] if r.organisation == org]
    assert row.deadlines.filing == date(2025, 8, 8) and not row.overdue
    assert row.days_overdue == 266
    content = response.content.decode()
    assert "266 dagen verlopen" in content and "-266" not in content


def test_a_missed_adoption_deadline_is_shown(staff_client, org):
    # KVK-SBR.md section 1: shareholders adopt "within 2 months after" the draw-up term
    # (5 months): for 2025 by 31 July 2026. Adopted on 15 August 2026: too late.
    make_message(org, year=2025, status=Status.IN_REVIEW, adopted_on=date(2026, 8, 15))
    on_time = factories.OrganisationFactory(environment=org.environment, name="Op Tijd B.V.")
    make_message(on_time, year=2025, status=Status.IN_REVIEW, adopted_on=date(2026, 7, 31))

    page = staff_client.get(reverse(LIST), {"year": "2025"}).content.decode()

    assert page.count("Termijn verstreken: vastgesteld op") == 1
    assert "Termijn verstreken: vastgesteld op 15 augustus 2026" in page


def test_only_staff_see_the_view(client, client_a, season, outsider):
    assert client.get(reverse(LIST)).status_code == 302  # to the login
    client.force_login(client_a.user)
    assert client.get(reverse(LIST)).status_code == 404
    assert client.get(reverse("deadlines:export")).status_code == 404
    client.force_login(outsider)
    response = client.get(reverse(LIST), {"situation": "all"})
    assert response.status_code == 200 and names(response) == []


def test_staff_without_second_factor_must_pass_it_first(staff_client, season, settings):
    settings.OTP_REQUIRED_FOR_STAFF = True
    for name in (LIST, "deadlines:export"):
        response = staff_client.get(reverse(name))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("otp-setup"))
    response = staff_client.get(reverse("deadlines:facts", args=[season["alfa"].pk]))
    assert response.status_code == 302
    assert not DeadlineFacts.objects.filter(organisation=season["alfa"]).exists()


def test_csv_export(staff_client, season, environment):
    factories.OrganisationFactory(environment=environment, name="=HYPERLINK(1) B.V.")
    extension(season["alfa"], 2025, 2)
    response = staff_client.get(reverse("deadlines:export"), {"situation": "all"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="termijnen-2025.csv"' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:4] == ["Organisatie", "KvK-nummer", "Rechtsvorm", "Boekjaar"]
    assert rows[0][16:] == [
        "Termijnen volgens",
        "Toelichting",
        "Begin periode document",
        "Einde periode document",
        "Verlenging besloten op",
        "Verlenging besloten na afloop opmaaktermijn",
    ]
    by_name = {row[0]: row for row in rows[1:]}
    assert set(by_name) == {
        "Alfa B.V.",
        "Beta B.V.",
        "Gamma B.V.",
        "Delta B.V.",
        "'=HYPERLINK(1) B.V.",
    }
    alfa = by_name["Alfa B.V."]
    assert alfa[2] == "Besloten vennootschap met beperkte aansprakelijkheid"
    assert alfa[6:11] == ["2", "2026-07-31", "2026-09-30", "2026-10-08", "160"]
    # no document, no day the extension was decided
    assert alfa[16:] == ["art. 2:210 lid 1 en 5, 2:394 BW", "", "", "", "", ""]
    assert by_name["Beta B.V."][14:16] == ["30", "10"]


def test_query_count_is_constant(staff_client, environment, django_assert_num_queries):
    def add(count: int) -> None:
        add_clients(environment, count)

    def queries(name: str) -> tuple[int, int]:
        with CaptureQueriesContext(connection) as context:
            response = staff_client.get(reverse(name), {"situation": "all"})
        assert response.status_code == 200
        return response.content.count(b"B.V."), len(context.captured_queries)

    add(2)
    small = queries(LIST), queries("deadlines:export")
    add(8)
    large = queries(LIST), queries("deadlines:export")
    assert [rows for rows, _count in small] == [2, 2]
    assert [rows for rows, _count in large] == [10, 10]
    assert [count for _rows, count in small] == [count for _rows, count in large]
    # session, user, staff member, the year ends (which year is due now), messages,
    # organisations with their facts, extensions, identifications, and (the rows have no
    # message of the year shown) the messages of the year before, whose accounts may cover
    # it (deadlines.periods): whatever the number of rows
    with django_assert_num_queries(9):
        staff_client.get(reverse("deadlines:export"), {"situation": "all"})
    # The page adds only what the shared layout (base.html) asks per page.
    page_queries = large[0][1]
    assert 8 <= page_queries <= 10


def test_edit_deadline_facts(staff_client, org):
    url = reverse("deadlines:facts", args=[org.pk])
    response = staff_client.get(url, {"year": "2025"})
    assert response.status_code == 200
    assert "8 augustus 2026" in response.content.decode()
    response = staff_client.post(
        url,
        {
            "year": "2025",
            "legal_form": BV,
            "year_end_day": "30",
            "year_end_month": "6",
            "all_shareholders_are_directors": "on",
            "extension_months": "2",
            "extension_granted_on": "2026-04-01",
        },
    )
    assert response.status_code == 302
    saved = DeadlineFacts.objects.get(organisation=org)
    assert (saved.year_end_month, saved.year_end_day, saved.all_shareholders_are_directors) == (
        6,
        30,
        True,
    )
    assert DeadlineExtension.objects.get(organisation=org, financial_year=2025).months == 2
    # Year 2025 now ends 30 June 2026; signing is adoption: 31 Jan 2027 + 8 days.
    response = staff_client.get(url, {"year": "2025"})
    assert "8 februari 2027" in response.content.decode()
    staff_client.post(
        url,
        {
            "year": "2025",
            "legal_form": BV,
            "year_end_day": "30",
            "year_end_month": "6",
            "extension_months": "0",
        },
    )
    assert not DeadlineExtension.objects.filter(organisation=org).exists()
    assert DeadlineFacts.objects.get(organisation=org).all_shareholders_are_directors is False


def test_impossible_year_end_is_refused(staff_client, org):
    url = reverse("deadlines:facts", args=[org.pk])
    response = staff_client.post(
        url,
        {
            "year": "2025",
            "legal_form": BV,
            "year_end_day": "31",
            "year_end_month": "4",
            "extension_months": "0",
        },
    )
    assert response.status_code == 200
    assert "bestaat niet" in response.content.decode()
    assert not DeadlineFacts.objects.exists()


def test_facts_of_another_environment_are_not_found(client, outsider, client_a, org):
    url = reverse("deadlines:facts", args=[org.pk])
    for user in (outsider, client_a.user):
        client.force_login(user)
        assert client.get(url).status_code == 404
        assert client.post(url, {"year_end_day": "30", "year_end_month": "6"}).status_code == 404
    assert not DeadlineFacts.objects.exists()


# --- legal forms (kvk.deadlines.RULES) ------------------------------------------------------


@pytest.fixture
def other_forms(environment):
    """A stichting that falls under Title 9 (art. 2:360 lid 3), one that does not, and a
    vennootschap onder firma (art. 2:360 lid 2), none with a message yet."""
    enterprise = factories.OrganisationFactory(
        environment=environment, name="Stichting Bedrijf", legal_form="Stichting"
    )
    facts(enterprise, title_9=True)
    factories.OrganisationFactory(
        environment=environment, name="Stichting Club", legal_form="Stichting"
    )
    factories.OrganisationFactory(
        environment=environment, name="Firma VOF", legal_form="Vennootschap onder firma"
    )


def test_list_shows_the_legal_form_and_the_notice(staff_client, org, other_forms):
    response = staff_client.get(reverse(LIST))
    # Rows with a computed deadline by days left, then the ones without, by name.
    assert names(response) == ["Alfa B.V.", "Stichting Bedrijf", "Firma VOF", "Stichting Club"]
    alfa, enterprise, firm, club = response.context["rows"]
    # art. 2:300 lid 1: 6 months; art. 2:394 lid 2: adoption 2 months later; + 8 days
    assert enterprise.deadlines.filing == date(2026, 9, 8)
    assert (firm.deadlines, firm.days_left, club.deadlines) == (None, None, None)
    assert "art. 2:360 lid 2 BW" in firm.notice and "art. 2:360 lid 3 BW" in club.notice
    assert alfa.notice == "" and firm.year_end == date(2025, 12, 31)
    content = response.content.decode()
    assert "Vennootschap onder firma" in content and "Rechtsvorm" in content
    assert "deponeert geen jaarrekening, tenzij" in content
    # "Deponeren binnen" needs a computed deadline.
    response = staff_client.get(reverse(LIST), {"within": "200"})
    assert names(response) == ["Alfa B.V.", "Stichting Bedrijf"]


def test_csv_export_has_the_legal_form_and_the_notice(staff_client, org, other_forms):
    response = staff_client.get(reverse("deadlines:export"), {"situation": "all"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    by_name = {row[0]: row for row in rows[1:]}
    firm = by_name["Firma VOF"]
    assert firm[2:4] == ["Vennootschap onder firma", "2025"]
    assert firm[4:11] == ["", "2025-12-31", "", "", "", "", ""]
    assert firm[16] == "" and "art. 2:360 lid 2 BW" in firm[17]
    enterprise = by_name["Stichting Bedrijf"]
    assert enterprise[2] == "Stichting"
    assert enterprise[7:10] == ["2026-06-30", "2026-08-31", "2026-09-08"]
    assert enterprise[16:] == ["art. 2:300 lid 1, 2:394 BW", "", "", "", "", ""]


def facts_post(**changes) -> dict:
    data = {
        "year": "2025",
        "legal_form": BV,
        "year_end_day": "31",
        "year_end_month": "12",
        "extension_months": "0",
    }
    return {**data, **changes}


def test_edit_the_legal_form(staff_client, org):
    url = reverse("deadlines:facts", args=[org.pk])
    content = staff_client.get(url, {"year": "2025"}).content.decode()
    assert BV in content and "art. 2:210 lid 1 en 5, 2:394 BW" in content
    response = staff_client.post(
        url,
        facts_post(
            legal_form="Cooperatie", extension_months="4", extension_granted_on="2026-04-01"
        ),
    )
    assert response.status_code == 302
    org.refresh_from_db()
    assert org.legal_form == "Cooperatie"
    # art. 2:58 lid 1: 6 + 4 months, the general meeting a month later; + 8 days
    content = staff_client.get(url, {"year": "2025"}).content.decode()
    assert "8 december 2026" in content and "art. 2:58 lid 1" in content

    staff_client.post(url, facts_post(legal_form="Stichting"))
    content = staff_client.get(url, {"year": "2025"}).content.decode()
    assert "art. 2:360 lid 3 BW" in content and "Deponeren uiterlijk" not in content
    staff_client.post(url, facts_post(legal_form="Stichting", title_9_applies="on"))
    assert DeadlineFacts.objects.get(organisation=org).title_9_applies is True
    content = staff_client.get(url, {"year": "2025"}).content.decode()
    assert "8 september 2026" in content and "art. 2:300 lid 1" in content

    staff_client.post(url, facts_post(legal_form="Commanditaire vennootschap"))
    content = staff_client.get(url, {"year": "2025"}).content.decode()
    assert "Commanditaire vennootschap" in content and "art. 2:360 lid 2 BW" in content
    assert "Deponeren uiterlijk" not in content


@pytest.mark.parametrize(
    "legal_form,months",
    [
        ("Cooperatie", "5"),  # art. 2:58 lid 1: at most 4
        ("Stichting", "5"),  # art. 2:300 lid 1: at most 4
        ("Vennootschap onder firma", "1"),  # no term we compute, so no extension either
    ],
)
def test_extension_beyond_the_legal_forms_maximum_is_refused(staff_client, org, legal_form, months):
    url = reverse("deadlines:facts", args=[org.pk])
    response = staff_client.post(url, facts_post(legal_form=legal_form, extension_months=months))
    assert response.status_code == 200
    assert "ten hoogste" in response.content.decode()
    org.refresh_from_db()
    assert org.legal_form == BV
    assert not DeadlineFacts.objects.exists() and not DeadlineExtension.objects.exists()


def test_an_extension_granted_before_the_legal_form_changed_is_capped(staff_client, org):
    extension(org, 2025, 5)
    org.legal_form = "Cooperatie"
    org.save()
    response = staff_client.get(reverse(LIST))
    (row,) = response.context["rows"]
    # art. 2:58 lid 1: at most 4 months, whatever was recorded for the BV
    assert row.deadlines.extension_months == 4
    assert row.deadlines.filing == date(2026, 12, 8)


def test_the_detail_shows_the_filing_deadline_of_the_list_after_an_adoption(staff_client, org):
    """Filing is due 8 days after adoption and in any case within 12 months after year end
    (KVK-SBR.md section 1, "Deadlines for a BV"): the recorded adoption date counts on the
    organisation's own page as it does in the list and the export."""
    make_message(org, year=2025, adopted_on=date(2026, 4, 20))
    listed = staff_client.get(reverse(LIST), {"situation": "all"}).context["rows"]
    (row,) = [r for r in listed if r.organisation == org]
    assert row.deadlines.filing == date(2026, 4, 28)
    detail = staff_client.get(reverse("deadlines:facts", args=[org.pk]), {"year": 2025})
    assert detail.context["deadlines"].filing == row.deadlines.filing
    assert "28 april 2026" in detail.content.decode()


def test_a_filed_year_counts_no_days_left_but_says_when_it_was_filed(staff_client, season):
    """A filed document is never removed (KVK-SBR.md section 1): the deadline is met, so
    "Dagen over" counts nothing down, nor up into the negative."""
    delta = season["delta"]
    ApprovalMessage.objects.filter(organisation=delta).update(
        status_changed_at=at_noon(date(2026, 3, 2))
    )
    response = staff_client.get(reverse(LIST), {"situation": "filed"})
    (row,) = response.context["rows"]
    assert row.filed_on == date(2026, 3, 2)
    assert "gedeponeerd op 2 maart 2026" in response.content.decode()
    export = staff_client.get(reverse("deadlines:export"), {"situation": "filed"})
    (_header, line) = list(
        csv.reader(io.StringIO(export.content.decode("utf-8-sig")), delimiter=";")
    )
    assert line[10] == ""  # Dagen over


@pytest.mark.parametrize(
    "legal_form,all_directors,adopted_on,signed_on,due,filed,filed_text",
    [
        # A coöperatie adopted on 25 July, within its term (art. 2:58 lid 1 BW): filing is
        # due 8 days later, 2 August (art. 2:394 lid 1 BW).
        (
            "Cooperatie",
            False,
            date(2025, 7, 25),
            None,
            date(2025, 8, 2),
            date(2025, 8, 6),
            "6 augustus 2025",
        ),
        # A BV whose shareholders are all directors: signing is adoption (art. 2:210 lid 5
        # BW), so filing is due 8 days after signing, whatever adoption date follows.
        (
            BV,
            True,
            date(2025, 5, 30),
            date(2025, 5, 25),
            date(2025, 6, 2),
            date(2025, 6, 6),
            "6 juni 2025",
        ),
    ],
)
def test_a_late_filing_is_flagged_with_its_date_in_the_list_and_the_export(
    staff_client, org, legal_form, all_directors, adopted_on, signed_on, due, filed, filed_text
):
    """Late filing is an economic offence (KVK-SBR.md section 1): a year filed after its
    deadline says so, next to the day it was filed, and does not read as an on-time one."""
    org.legal_form = legal_form
    org.save()
    facts(org, all_directors=all_directors)
    message = make_message(
        org,
        year=2024,
        status=Status.FILED,
        adopted_on=adopted_on,
        changed_at=at_noon(filed),
    )
    ApprovalMessage.objects.filter(pk=message.pk).update(signed_on=signed_on)
    response = staff_client.get(reverse(LIST), {"year": "2024", "situation": "filed"})
    (row,) = response.context["rows"]
    assert row.deadlines.filing == due
    assert row.filed_on == filed
    assert row.days_filed_late == 4 and row.filed_late
    content = response.content.decode()
    assert f"gedeponeerd op {filed_text}" in content
    assert "4 dagen te laat gedeponeerd" in content
    export = staff_client.get(reverse("deadlines:export"), {"year": "2024", "situation": "filed"})
    (header, line) = list(
        csv.reader(io.StringIO(export.content.decode("utf-8-sig")), delimiter=";")
    )
    assert header[9:13] == [
        "Deponeren uiterlijk",
        "Dagen over",
        "Gedeponeerd op",
        "Te laat gedeponeerd",
    ]
    assert line[9:13] == [due.isoformat(), "", filed.isoformat(), "ja"]


def test_the_filing_day_is_the_delivery_not_the_verdict(staff_client, org):
    """Found in review: delivered through Digipoort (60) on the last day, the KvK's verdict
    (80) came after midnight; the year was filed on time, not "1 dag te laat"."""
    message = make_message(
        org,
        year=2024,
        status=Status.FILED,
        adopted_on=date(2025, 5, 20),
        changed_at=at_noon(date(2025, 5, 29)),
    )
    with mock.patch("django.utils.timezone.now", return_value=at_noon(date(2025, 5, 28))):
        StatusEvent.objects.create(
            message=message,
            organisation=org,
            sequence=1,
            action="delivered",
            from_status=Status.APPROVED,
            to_status=Status.SENT_TO_KVK,
            actor_kind="system",
        )
    response = staff_client.get(reverse(LIST), {"year": "2024", "situation": "filed"})
    (row,) = response.context["rows"]
    assert (row.filed_on, row.days_filed_late, row.filed_late) == (date(2025, 5, 28), 0, False)


def test_a_filing_on_time_is_not_flagged(staff_client, org):
    """Filed on the eighth day after adoption: on time (art. 2:394 lid 1 BW)."""
    make_message(
        org,
        year=2024,
        status=Status.FILED,
        adopted_on=date(2025, 5, 20),
        changed_at=at_noon(date(2025, 5, 28)),
    )
    response = staff_client.get(reverse(LIST), {"year": "2024", "situation": "filed"})
    (row,) = response.context["rows"]
    assert (row.filed_on, row.days_filed_late, row.filed_late) == (date(2025, 5, 28), 0, False)
    assert "te laat" not in response.content.decode()
    export = staff_client.get(reverse("deadlines:export"), {"year": "2024", "situation": "filed"})
    (_header, line) = list(
        csv.reader(io.StringIO(export.content.decode("utf-8-sig")), delimiter=";")
    )
    assert line[11:13] == ["2025-05-28", "nee"]
