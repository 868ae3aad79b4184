"""The InSite dashboard's "Termijnen" block: per financial year, how many clients' filings
are overdue and how many are due within 30 days, as Termijnen lists them.

KVK-SBR.md section 1 (BV): filing within 8 days after adoption, which is due 2 months after
the 5-month draw-up term (extension by at most 5 months). On 7 December 2026 a calendar
year 2025 not yet approved is overdue since 8 August 2026; with 5 months' extension it is
due on 31 December 2026 (12 months after year end), 24 days on.
"""

from __future__ import annotations

import html
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from crm.models import Organisation
from deadlines.models import DeadlineExtension
from deadlines.selectors import YearAtRisk
from kvk.status import Status
from tests import factories
from tests.deadlines.conftest import facts, make_message, onboarded

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]

TODAY = date(2026, 12, 7)
DASHBOARD = "insite-dashboard"


def client_organisation(environment, name: str, *, status: int | None = None):
    """A BV with calendar years whose 2024 is filed, and 2025 at ``status`` (None: nothing
    sent yet)."""
    organisation = factories.OrganisationFactory(environment=environment, name=name)
    onboarded(organisation)  # filed its 2024 through Deponeer
    make_message(organisation, year=2024, status=Status.FILED, adopted_on=date(2025, 5, 20))
    if status is not None:
        make_message(organisation, year=2025, status=status)
    return organisation


@pytest.fixture
def season(environment):
    """Alfa rejected 2025 and Beta sent nothing: overdue. Delta has 5 months' extension:
    due in 24 days. Epsilon filed. Juni's 2025 runs to 30 June 2026: due 8 February 2027."""
    client_organisation(environment, "Alfa B.V.", status=Status.REJECTED)
    client_organisation(environment, "Beta B.V.")
    delta = client_organisation(environment, "Delta B.V.", status=Status.IN_REVIEW)
    DeadlineExtension.objects.create(
        organisation=delta, financial_year=2025, months=5, granted_on=date(2026, 5, 20)
    )
    client_organisation(environment, "Epsilon B.V.", status=Status.FILED)
    juni = factories.OrganisationFactory(environment=environment, name="Juni B.V.")
    facts(juni, end_month=6, end_day=30)
    make_message(juni, year=2024, status=Status.FILED, adopted_on=date(2025, 11, 20))
    factories.OrganisationFactory(name="Vreemd B.V.")  # another environment, overdue too


def names(response) -> list[str]:
    return [row.organisation.name for row in response.context["rows"]]


def test_the_dashboard_counts_the_overdue_and_the_near_years_and_links_to_them(
    staff_client, season
):
    response = staff_client.get(reverse(DASHBOARD))

    assert response.status_code == 200
    assert response.context["years_at_risk"] == [YearAtRisk(2025, overdue=2, due_soon=1)]
    page = html.unescape(response.content.decode())
    assert "2 cliënten over de deponeertermijn" in page
    assert "1 cliënt moet binnen 30 dagen deponeren" in page
    # Each number opens Termijnen on its year, showing what it counted.
    overdue = staff_client.get(reverse("deadlines:list"), {"year": "2025", "within": "-1"})
    assert names(overdue) == ["Alfa B.V.", "Beta B.V."]
    assert f"{reverse('deadlines:list')}?year=2025&within=-1" in page
    near = staff_client.get(reverse("deadlines:list"), {"year": "2025", "within": "30"})
    assert names(near) == ["Alfa B.V.", "Beta B.V.", "Delta B.V."]
    assert f"{reverse('deadlines:list')}?year=2025&within=30" in page


def test_an_overdue_year_without_a_message_is_not_nothing_waiting(staff_client, environment):
    """No message asks attention, yet Beta's 2025 is 121 days overdue: no "Mooi zo"."""
    client_organisation(environment, "Beta B.V.")

    response = staff_client.get(reverse(DASHBOARD))

    assert response.context["attention"] == []
    assert response.context["years_at_risk"] == [YearAtRisk(2025, overdue=1, due_soon=0)]
    page = response.content.decode()
    assert "1 cliënt over de deponeertermijn" in page
    assert "Mooi zo" not in page


def test_nothing_overdue_or_near_says_so(staff_client, environment):
    client_organisation(environment, "Epsilon B.V.", status=Status.FILED)

    response = staff_client.get(reverse(DASHBOARD))

    assert response.context["years_at_risk"] == []
    page = response.content.decode()
    assert "Geen deponeertermijn verlopen of binnen 30 dagen." in page
    assert "Mooi zo" in page


def test_the_dashboard_query_count_does_not_grow_with_the_organisations(staff_client, environment):
    def add(count: int) -> None:
        for n in range(count):
            organisation = factories.OrganisationFactory(environment=environment)
            facts(organisation, end_month=6 if n % 2 else 12, end_day=30 if n % 2 else 31)
            DeadlineExtension.objects.create(
                organisation=organisation, financial_year=2025, months=1 + n % 5
            )
            # In review since today: at risk, but asking no attention (that list counts its
            # rest once it has more than it shows, a query of its own).
            make_message(organisation, year=2025, status=Status.IN_REVIEW)
            make_message(organisation, year=2024, status=Status.FILED)

    def queries() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as context:
            response = staff_client.get(reverse(DASHBOARD))
        assert response.status_code == 200
        counted = sum(y.overdue + y.due_soon for y in response.context["years_at_risk"])
        return counted, len(context.captured_queries)

    add(5)
    few, few_queries = queries()
    add(45)
    many, many_queries = queries()
    # Every calendar year's 2025 counts (overdue, or due by 31 December with 4 or 5
    # months' extension); the June years' 2025 is due in February 2027 at the earliest.
    assert (few, many) == (3, 26)
    assert many_queries == few_queries


def test_a_year_whose_twelve_months_passed_before_the_client_came_is_not_overdue(
    staff_client, environment
):
    """Oud came to Deponeer on 1 February 2026, after the last day its 2024 could be filed
    (twelve months after the year end, 31 December 2025: KVK-SBR.md, "in any case within
    12 months after year end"), and sent nothing for it: as far as we know it was filed
    another way. Not overdue among the clients at risk in Termijnen (the escalations skip it
    too: test_reminders); the list of all clients says why. Nieuw came on 1 December 2025,
    after its 2024 was expected (8 August 2025) but within the twelve months: it may well
    not have filed yet, so it is overdue."""
    old = factories.OrganisationFactory(environment=environment, name="Oud B.V.")
    onboarded(old, on=date(2026, 2, 1))
    new = factories.OrganisationFactory(environment=environment, name="Nieuw B.V.")
    onboarded(new, on=date(2025, 12, 1))

    overdue = staff_client.get(reverse("deadlines:list"), {"year": "2024", "within": "-1"})
    assert names(overdue) == ["Nieuw B.V."]
    every = staff_client.get(reverse("deadlines:list"), {"year": "2024", "situation": "all"})
    (row,) = [row for row in every.context["rows"] if row.organisation == old]
    assert row.predates_onboarding and not row.at_risk and not row.overdue
    note = (
        "Uiterste deponeertermijn (twaalf maanden na het einde van het boekjaar) verstreken "
        "vóór de aanmelding in Deponeer op 1 februari 2026: vermoedelijk op een andere manier "
        "gedeponeerd; controleer het zo nodig in het Handelsregister."
    )
    assert note in html.unescape(every.content.decode())
    export = staff_client.get(reverse("deadlines:export"), {"year": "2024", "situation": "all"})
    lines = {line.split(";")[0]: line for line in export.content.decode("utf-8-sig").splitlines()}
    assert note in lines["Oud B.V."] and "aanmelding" not in lines["Nieuw B.V."]


def test_a_year_expected_before_the_client_came_but_within_twelve_months_stays_at_risk(
    staff_client, environment
):
    """Laat came on 1 September 2026: its 2025 was expected on 8 August 2026 (adoption
    within 7 months, filing 8 days later), but may be filed until 31 December 2026, and a
    client that comes to a new accountant then has often not filed. It counts as overdue
    on the dashboard and in Termijnen, as Vroeg's (came on 1 August 2026) does."""
    late = factories.OrganisationFactory(environment=environment, name="Laat B.V.")
    onboarded(late, on=date(2026, 9, 1))
    early = factories.OrganisationFactory(environment=environment, name="Vroeg B.V.")
    onboarded(early, on=date(2026, 8, 1))

    response = staff_client.get(reverse(DASHBOARD))

    assert response.context["years_at_risk"] == [YearAtRisk(2025, overdue=2, due_soon=0)]
    overdue = staff_client.get(reverse("deadlines:list"), {"year": "2025", "within": "-1"})
    assert names(overdue) == ["Laat B.V.", "Vroeg B.V."]
    every = staff_client.get(reverse("deadlines:list"), {"year": "2025", "situation": "all"})
    assert "aanmelding in Deponeer" not in html.unescape(every.content.decode())


def test_mijn_clienten_counts_only_the_staff_members_own_organisations(
    staff_client, staff, season, environment
):
    """The dashboard's "Mijn cliënten" counts what the message list and Termijnen list
    with the same filter: the organisations the staff member is responsible for. Alfa
    (overdue, refused) and Delta (due soon) are theirs, Beta a colleague's. Vreemd, of
    another office, still names them (a row left from a move to this office) and never
    counts."""
    member = staff.staff_member
    colleague = factories.StaffFactory(environment=environment)
    Organisation.objects.filter(name__in=["Alfa B.V.", "Delta B.V."]).update(responsible=member)
    Organisation.objects.filter(name="Beta B.V.").update(responsible=colleague)
    vreemd = Organisation.objects.get(name="Vreemd B.V.")
    Organisation.objects.filter(pk=vreemd.pk).update(responsible=member)
    make_message(vreemd, year=2025, status=Status.REJECTED)
    # Delta's message waits at 30 on a contact who can approve it: it asks no attention (a
    # 30 that nobody can approve would, at once).
    factories.ContactFactory(organisation=Organisation.objects.get(name="Delta B.V."))

    every = staff_client.get(reverse(DASHBOARD))
    mine = staff_client.get(reverse(DASHBOARD), {"mine": "on"})

    assert every.context["years_at_risk"] == [YearAtRisk(2025, overdue=2, due_soon=1)]
    assert mine.context["years_at_risk"] == [YearAtRisk(2025, overdue=1, due_soon=1)]
    counts = {row["code"]: row["count"] for row in mine.context["status_counts"]}
    assert counts[Status.FILED] == 2 and counts[Status.REJECTED] == 1
    assert counts[Status.IN_REVIEW] == 1 and mine.context["total"] == 4
    assert every.context["total"] > mine.context["total"]
    assert [m.organisation.name for m in mine.context["attention"]] == ["Alfa B.V."]
    assert "Vreemd B.V." not in {m.organisation.name for m in every.context["attention"]}

    page = html.unescape(mine.content.decode())
    assert "Vreemd" not in page
    # The toggle, and every link keeps the filter: it opens a list of what it counted.
    assert f'href="{reverse(DASHBOARD)}">Alle organisaties' in page
    assert f'href="{reverse(DASHBOARD)}?mine=on">Mijn cliënten' in every.content.decode()
    overdue = f"{reverse('deadlines:list')}?year=2025&within=-1&mine=on"
    assert overdue in page and names(staff_client.get(overdue)) == ["Alfa B.V."]
    refused = f"{reverse('insite-messages')}?status={Status.REJECTED}&mine=on"
    assert refused in page
    listed = staff_client.get(refused).context["page"]
    assert [m.organisation.name for m in listed] == ["Alfa B.V."]
