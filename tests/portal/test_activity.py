"""InSite "Activiteit": the audit events of the staff member's own accountancy environment,
newest first, with who, organisation, financial year, what and why; filtered by period,
organisation, who and action; paginated; as CSV. Another environment's events never show;
the number of queries does not grow with the rows."""

from __future__ import annotations

import csv
import io
from contextlib import contextmanager
from datetime import datetime
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from connectors.activation import set_environment_activation
from crm.models import Contact, EnvironmentActivationChange
from kvk.status import Status
from tests import factories
from tests.conftest import Client as Client_
from tests.portal.conftest import browser_for, make_message
from workflow import services
from workflow.models import Actor, StatusEvent

pytestmark = pytest.mark.django_db

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def _page(browser, **params):
    response = browser.get(reverse("insite-activity"), params)
    assert response.status_code == 200
    return response


def _titles(response) -> list[str]:
    return [row.title for row in response.context["rows"]]


def _csv(browser, **params) -> list[list[str]]:
    response = browser.get(reverse("insite-activity-export"), params)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    # Streamed: every event of the office can be in it, never held whole in memory.
    assert response.streaming
    text = _body(response).decode("utf-8")
    assert text.startswith("\ufeff")  # spreadsheet programs detect UTF-8 by it
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff")), delimiter=";"))


def _rejected_and_repaired(client, staff_user, *, reason: str = "Bedragen kloppen niet"):
    """A message of ``client`` rejected by the client and put back by ``staff_user``: five
    events, one by each kind of actor (the client's bookkeeping, the system twice, the
    client, the staff)."""
    message = make_message(client)
    services.reject(message_id=message.pk, actor=Actor.for_user(client.user), reason=reason)
    services.repair(
        message_id=message.pk, actor=Actor.for_user(staff_user), reason="Bedragen gecorrigeerd"
    )
    return message


@pytest.fixture
def named(staff, client_a):
    """Names as people know them: the staff member's full name, the client's contact name."""
    staff.first_name, staff.last_name = "Piet", "Jansen"
    staff.save()
    Contact.objects.filter(organisation=client_a.organisation).update(name="Jan de Vries")


def test_staff_read_who_did_what_newest_first(staff_browser, staff, client_a, named):
    message = _rejected_and_repaired(client_a, staff)
    response = _page(staff_browser)
    assert _titles(response) == [
        "Teruggezet in de workflow",
        "Afgekeurd",
        "Aangeboden in de workflow",
        "Verwerking gestart",
        "Bericht ontvangen",
    ]
    repaired, rejected, started, claimed, received = response.context["rows"]
    assert (repaired.actor_name, repaired.actor_role) == ("Piet Jansen", "kantoor")
    assert repaired.reason == "Bedragen gecorrigeerd"
    assert (rejected.actor_name, rejected.actor_role) == ("Jan de Vries", "cliënt")
    assert rejected.reason == "Bedragen kloppen niet"
    assert (rejected.event.from_status, rejected.event.to_status) == (30, 40)
    assert (started.actor_name, claimed.actor_name) == ("Automatische verwerking",) * 2
    assert received.actor_name == "Boekhouding van de cliënt"
    html = response.content.decode()
    assert html.count(f'href="{reverse("insite-message", args=[message.pk])}"') == 5
    assert client_a.organisation.name in html and client_a.kvk_number in html
    assert f">{message.financial_year}<" in html
    assert "30 → 40 Afgekeurd door cliënt" in html
    # The menu leads here.
    assert f'href="{reverse("insite-activity")}" aria-current="page"' in html


def test_another_environments_events_never_show(staff_browser, outsider, client_a):
    """Tenant isolation: staff of each accountancy environment read only its own events,
    on the page, in the search and in the export."""
    ours = make_message(client_a)
    theirs_org = factories.OrganisationFactory(
        environment=outsider.staff_member.environment,
        name="Ander Kantoor Klant B.V.",
        kvk="99887766",
    )
    theirs = make_message(Client_(theirs_org, "99887766", None, ""), Status.RECEIVED)

    ours_response = _page(staff_browser)
    assert ours_response.context["page"].paginator.count == 3  # received, claimed, started
    assert {row.event.message_id for row in ours_response.context["rows"]} == {ours.pk}
    assert "Ander Kantoor" not in ours_response.content.decode()
    assert _page(staff_browser, organisation="99887766").context["page"].paginator.count == 0
    exported = _csv(staff_browser)
    assert len(exported) == 1 + 3
    assert not any("Ander Kantoor" in cell for row in exported for cell in row)

    theirs_response = _page(browser_for(outsider))
    assert [row.event.message_id for row in theirs_response.context["rows"]] == [theirs.pk]
    assert client_a.organisation.name not in theirs_response.content.decode()
    assert StatusEvent.objects.count() == 4


@pytest.mark.parametrize("name", ["insite-activity", "insite-activity-export"])
def test_every_staff_member_and_no_one_else(client, browser_a, staff_browser, name):
    url = reverse(name)
    assert staff_browser.get(url).status_code == 200  # a worker, not only an administrator
    assert browser_a.get(url).status_code == 404  # a client, as on every InSite page
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith(reverse("login"))
    # The installation's superuser is no staff member of an environment: told so.
    superuser = factories.UserFactory(is_staff=True, is_superuser=True)
    assert browser_for(superuser).get(url).status_code == 403


@pytest.mark.parametrize("name", ["insite-activity", "insite-activity-export"])
def test_like_the_message_pages_only_with_the_activation_on(staff_browser, environment, name):
    """The events are those of the feature "Communicatieconnector accordering OutSite": off,
    the page says so, as the message list does (tests/activations)."""
    set_environment_activation(
        environment=environment,
        active=False,
        user=None,
        source=EnvironmentActivationChange.Source.SETUP,
    )
    response = staff_browser.get(reverse(name))
    assert response.status_code == 403
    assert 'id="not-activated"' in response.content.decode()


@contextmanager
def _at(year: int, month: int, day: int, hour: int = 12):
    with mock.patch(
        "django.utils.timezone.now", return_value=datetime(year, month, day, hour, tzinfo=AMSTERDAM)
    ):
        yield


def test_period_filters(staff_browser, client_a, client_b):
    """'Vandaag' and 'Deze week' (from Monday) in Dutch time; dates from and to (inclusive);
    with both, both apply. Wednesday 2 December 2026 is 'today'."""
    with _at(2026, 11, 27):  # the Friday before
        friday = make_message(client_a, Status.RECEIVED)
    with _at(2026, 11, 30, 0):  # Monday, just after midnight in Amsterdam
        monday = make_message(client_b, Status.RECEIVED)
    with _at(2026, 12, 2, 9):
        today = make_message(client_a, Status.RECEIVED)

    def messages(**params) -> list[int]:
        with _at(2026, 12, 2, 15):
            return [row.event.message_id for row in _page(staff_browser, **params).context["rows"]]

    assert messages() == [today.pk, monday.pk, friday.pk]
    assert messages(period="today") == [today.pk]
    assert messages(period="week") == [today.pk, monday.pk]
    assert messages(start="2026-11-27", end="2026-11-30") == [monday.pk, friday.pk]
    assert messages(end="2026-11-29") == [friday.pk]
    assert messages(period="week", end="2026-12-01") == [monday.pk]
    # An end before the start is said, not silently empty; neither date applies (the list
    # from the start on would read as the period asked for), and the page says so.
    with _at(2026, 12, 2, 15):
        response = _page(staff_browser, start="2026-12-01", end="2026-11-01")
    assert response.context["form"].errors["end"]
    page = response.content.decode()
    assert "vóór de datum bij" in page
    assert "op geen van beide datums gefilterd" in page
    assert [row.event.message_id for row in response.context["rows"]] == [
        today.pk,
        monday.pk,
        friday.pk,
    ]
    # The other filters still apply.
    with _at(2026, 12, 2, 15):
        response = _page(staff_browser, period="week", start="2026-12-01", end="2026-11-01")
    assert [row.event.message_id for row in response.context["rows"]] == [today.pk, monday.pk]


def test_organisation_who_and_action_filters(staff_browser, staff, client_a, client_b, named):
    message_a = _rejected_and_repaired(client_a, staff)
    message_b = make_message(client_b)
    other_staff = factories.StaffFactory(environment=staff.staff_member.environment).user
    other_staff.first_name = "Anna"
    other_staff.save()

    def actions(**params) -> list[tuple[int, str]]:
        rows = _page(staff_browser, **params).context["rows"]
        return [(row.event.message_id, row.event.action) for row in rows]

    name_part = client_b.organisation.name[-6:]
    assert {m for m, _a in actions(organisation=name_part.upper())} == {message_b.pk}
    assert {m for m, _a in actions(organisation=client_a.kvk_number[2:6])} == {message_a.pk}
    assert actions(who=f"staff-{staff.pk}") == [(message_a.pk, "repaired")]
    assert actions(who=f"staff-{other_staff.pk}") == []
    assert actions(who="staff") == [(message_a.pk, "repaired")]
    assert actions(who="client_user") == [(message_a.pk, "rejected")]
    assert {a for _m, a in actions(who="system")} == {"claimed", "workflow_started"}
    assert {a for _m, a in actions(who="client_token")} == {"received"}
    assert actions(action="rejected") == [(message_a.pk, "rejected")]
    assert actions(action="workflow_started", organisation=client_b.kvk_number) == [
        (message_b.pk, "workflow_started")
    ]
    # The choices: every staff member of the environment by name, the actions in words.
    html = _page(staff_browser).content.decode()
    assert f'value="staff-{staff.pk}">Piet Jansen<' in html and ">Anna<" in html
    assert 'value="rejected">Afgekeurd<' in html
    # A value that is not a choice is refused by the form and filters nothing.
    assert len(actions(who="staff-999999")) == 5 + 3


def test_csv_export_of_the_filtered_list(staff_browser, staff, client_a, client_b, named):
    """Semicolon-separated like the export of "Termijnen"; a client's reason that starts as
    a formula is written so that a spreadsheet does not run it."""
    message = _rejected_and_repaired(client_a, staff, reason='=HYPERLINK("x")')
    make_message(client_b)
    header, *rows = _csv(staff_browser, organisation=client_a.organisation.name)
    assert header == [
        "Tijdstip",
        "Wie",
        "Rol",
        "Organisatie",
        "KvK-nummer",
        "Boekjaar",
        "Actie",
        "Van status",
        "Naar status",
        "Toelichting",
        "IP-adres",
        "Bericht",
    ]
    assert [row[6] for row in rows] == [
        "Teruggezet in de workflow",
        "Afgekeurd",
        "Aangeboden in de workflow",
        "Verwerking gestart",
        "Bericht ontvangen",
    ]
    rejected = rows[1]
    assert rejected[1:6] == [
        "Jan de Vries",
        "cliënt",
        client_a.organisation.name,
        client_a.kvk_number,
        str(message.financial_year),
    ]
    assert rejected[7:10] == [
        "30 Aangeboden ter beoordeling door cliënt",
        "40 Afgekeurd door cliënt",
        '\'=HYPERLINK("x")',
    ]
    assert rejected[11] == "http://testserver" + reverse("insite-message", args=[message.pk])
    assert datetime.fromisoformat(rejected[0]).tzinfo is not None
    response = staff_browser.get(reverse("insite-activity-export"))
    assert 'filename="activiteit-' in response["Content-Disposition"]


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def _queries(browser, name: str, **params) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = browser.get(reverse(name), params)
        _body(response)  # a streamed export queries while it is read
    assert response.status_code == 200
    return len(queries)


def test_query_count_does_not_grow_with_rows(staff_browser, staff, client_a):
    """5 events or 60 (a full page of 50 and a second one): the same number of queries for
    the page and for the export, whoever acted."""
    _rejected_and_repaired(client_a, staff)
    assert StatusEvent.objects.count() == 5
    few = _queries(staff_browser, "insite-activity")
    few_csv = _queries(staff_browser, "insite-activity-export")
    for _index in range(11):  # each its own organisation: no version replaces another
        organisation = factories.OrganisationFactory(environment=client_a.organisation.environment)
        contact = factories.ContactFactory(organisation=organisation)
        client = Client_(organisation, organisation.kvk_number, contact.user, "")
        _rejected_and_repaired(client, staff)
    assert StatusEvent.objects.count() == 60
    assert _queries(staff_browser, "insite-activity") == few
    assert _queries(staff_browser, "insite-activity", page=2) == few
    assert _queries(staff_browser, "insite-activity-export") == few_csv
    assert few <= 8  # session, user, staff member, activation, choices, count, rows, kvk
    assert len(_page(staff_browser).context["rows"]) == 50
    assert len(_page(staff_browser, page=2).context["rows"]) == 10
