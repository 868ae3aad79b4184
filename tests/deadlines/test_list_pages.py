"""InSite "Termijnen" for an office with hundreds of clients: how many rows the filter
finds, a page at a time with the filters and the order kept, the export with every row,
sorted by organisation, deadline or situation, and as many queries for a page of 5 rows
as of 50. In the filing season with some 340 clients the page listed every row at once,
only by days left, without saying how many there were."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kvk.status import Status
from portal import deadline_views
from tests import factories
from tests.deadlines.conftest import add_clients, at_noon, facts, make_message, onboarded

pytestmark = pytest.mark.django_db

TODAY = date(2026, 5, 1)
LIST = "deadlines:list"
EVERY = {"year": "2025", "situation": "all"}


@pytest.fixture(autouse=True)
def today(frozen_today):
    """Today is TODAY; staff pass without a second factor."""


@pytest.fixture
def five(environment):
    """Financial year 2025 of five clients, with (on TODAY) their days left and situation:
    Élan 38 waiting for the client (all shareholders are directors: filing due 8 June
    2026); de Graaf 99 filed (adopted 31 July 2026); Zuivel 99 nothing yet (a BV,
    calendar year: 8 August 2026, KVK-SBR.md section 1); Anker 283 transport error (year
    end 30 June: 8 February 2027); Firma VOF nothing yet and no deadline computed (a
    vennootschap onder firma files no accounts, art. 2:360 lid 2 BW)."""

    def client(name: str, **fields):
        return factories.OrganisationFactory(environment=environment, name=name, **fields)

    elan = client("Élan B.V.")
    facts(elan, all_directors=True)
    make_message(elan, year=2025, changed_at=at_noon(TODAY - timedelta(days=10)))
    graaf = client("de Graaf B.V.")
    make_message(graaf, year=2025, status=Status.FILED, adopted_on=date(2026, 7, 31))
    zuivel = client("Zuivel B.V.")
    anker = client("Anker B.V.")
    facts(anker, end_month=6, end_day=30)
    make_message(anker, year=2025, status=Status.TRANSPORT_ERROR)
    firm = client("Firma VOF", legal_form="Vennootschap onder firma")
    onboarded(elan, graaf, zuivel, anker, firm)


def names(response) -> list[str]:
    return [row.organisation.name for row in response.context["rows"]]


def header(content: str, label: str) -> tuple[str, str]:
    """The ``aria-sort`` ("" without) and the link of the column header ``label``."""
    match = re.search(
        r'<th scope="col"(?: aria-sort="(\w+)")?><a href="\?([^"]*)" class="sort">' + label,
        content,
    )
    assert match, label
    return match.group(1) or "", match.group(2).replace("&amp;", "&")


def href(content: str, pattern: str) -> str:
    match = re.search(pattern, content)
    assert match, pattern
    return match.group(1).replace("&amp;", "&")


def query_of(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def test_the_page_says_how_many_organisations_the_filter_finds(staff_client, five):
    every = staff_client.get(reverse(LIST), EVERY).content.decode()
    assert "5 organisaties" in every
    at_risk = staff_client.get(reverse(LIST), {"year": "2025"}).content.decode()
    assert "4 organisaties" in at_risk  # de Graaf filed
    one = staff_client.get(reverse(LIST), {**EVERY, "q": "anker"}).content.decode()
    assert re.search(r'id="row-count">1 organisatie<', one)


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        # The default, as before: fewest days left first, equal days by name.
        ("", ["Élan B.V.", "de Graaf B.V.", "Zuivel B.V.", "Anker B.V.", "Firma VOF"]),
        ("deadline", ["Élan B.V.", "de Graaf B.V.", "Zuivel B.V.", "Anker B.V.", "Firma VOF"]),
        # Most days left first; a row without a computed deadline still last.
        ("-deadline", ["Anker B.V.", "de Graaf B.V.", "Zuivel B.V.", "Élan B.V.", "Firma VOF"]),
        # As people read names (kvk.search.alphabetical): accents and case do not count.
        ("organisation", ["Anker B.V.", "de Graaf B.V.", "Élan B.V.", "Firma VOF", "Zuivel B.V."]),
        ("-organisation", ["Zuivel B.V.", "Firma VOF", "Élan B.V.", "de Graaf B.V.", "Anker B.V."]),
        # The filing's progress (as the filter lists the situations), then by days left.
        ("situation", ["Zuivel B.V.", "Firma VOF", "Élan B.V.", "Anker B.V.", "de Graaf B.V."]),
        ("-situation", ["de Graaf B.V.", "Anker B.V.", "Élan B.V.", "Zuivel B.V.", "Firma VOF"]),
        ("nonsense", ["Élan B.V.", "de Graaf B.V.", "Zuivel B.V.", "Anker B.V.", "Firma VOF"]),
    ],
)
def test_sorted_by_the_column_chosen(staff_client, five, sort, expected):
    response = staff_client.get(reverse(LIST), {**EVERY, "sort": sort})
    assert names(response) == expected


def test_the_headers_sort_and_say_how(staff_client, five):
    """Organisatie, Deponeren uiterlijk and Situatie sort; the header of the order shown
    says so (aria-sort) and links to the other direction; the filters stay."""
    content = staff_client.get(reverse(LIST), {**EVERY, "page": "1"}).content.decode()
    state, link = header(content, "Deponeren uiterlijk")
    assert state == "ascending"
    assert parse_qs(link) == {"year": ["2025"], "situation": ["all"], "sort": ["-deadline"]}
    state, link = header(content, "Organisatie")
    assert state == ""
    assert parse_qs(link) == {"year": ["2025"], "situation": ["all"], "sort": ["organisation"]}
    assert header(content, "Situatie")[0] == ""

    content = staff_client.get(reverse(LIST), {"sort": "organisation", **EVERY}).content.decode()
    state, link = header(content, "Organisatie")
    assert state == "ascending" and parse_qs(link)["sort"] == ["-organisation"]
    assert header(content, "Deponeren uiterlijk")[0] == ""
    # Back to the default: no sort in the link.
    assert "sort" not in parse_qs(header(content, "Deponeren uiterlijk")[1])
    descending = staff_client.get(reverse(LIST), {"sort": "-organisation", **EVERY})
    assert header(descending.content.decode(), "Organisatie")[0] == "descending"


def test_pages_keep_the_filters_and_the_order(staff_client, five, monkeypatch):
    monkeypatch.setattr(deadline_views, "PAGE_SIZE", 2)
    query = {**EVERY, "sort": "organisation"}
    first = staff_client.get(reverse(LIST), query)
    assert names(first) == ["Anker B.V.", "de Graaf B.V."]
    content = first.content.decode()
    assert "5 organisaties" in content and "Pagina 1 van 3" in content
    following = href(content, r'<a href="(\?[^"]*)" rel="next">')
    assert query_of(following) == {
        "year": ["2025"],
        "situation": ["all"],
        "sort": ["organisation"],
        "page": ["2"],
    }
    second = staff_client.get(reverse(LIST) + following)
    assert names(second) == ["Élan B.V.", "Firma VOF"]
    assert names(staff_client.get(reverse(LIST), {**query, "page": "3"})) == ["Zuivel B.V."]
    # Filtering again keeps the order (the form sends it along); clearing the filters too.
    assert '<input type="hidden" name="sort" value="organisation">' in content
    clear = href(content, r'<a href="([^"]*)" id="clear-filters">')
    assert query_of(clear) == {"year": ["2025"], "sort": ["organisation"]}
    # A page beyond the last shows the last.
    assert names(staff_client.get(reverse(LIST), {**query, "page": "9"})) == ["Zuivel B.V."]


def test_the_export_of_a_page_has_every_row_in_its_order(staff_client, five, monkeypatch):
    monkeypatch.setattr(deadline_views, "PAGE_SIZE", 2)
    page = staff_client.get(reverse(LIST), {**EVERY, "sort": "-organisation", "page": "2"})
    export = href(page.content.decode(), r'<a class="button" href="([^"]*)">Exporteren naar CSV')
    assert query_of(export) == {"year": ["2025"], "situation": ["all"], "sort": ["-organisation"]}

    response = staff_client.get(export)

    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert [row[0] for row in rows[1:]] == [
        "Zuivel B.V.",
        "Firma VOF",
        "Élan B.V.",
        "de Graaf B.V.",
        "Anker B.V.",
    ]
    # Asked with a page, still every row.
    again = staff_client.get(export + "&page=2")
    assert again.content == response.content


@pytest.mark.parametrize("sort", ["", "organisation", "-situation"])
def test_as_many_queries_for_a_page_of_5_rows_as_of_50(staff_client, environment, sort):
    def add(count: int) -> None:
        add_clients(environment, count)

    def queries() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as context:
            response = staff_client.get(reverse(LIST), {**EVERY, "sort": sort})
        assert response.status_code == 200
        return len(response.context["rows"]), len(context.captured_queries)

    add(5)
    five_rows, five_queries = queries()
    add(52)
    fifty_rows, fifty_queries = queries()

    assert (five_rows, fifty_rows) == (5, deadline_views.PAGE_SIZE) == (5, 50)
    assert five_queries == fifty_queries
