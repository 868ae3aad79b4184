"""InSite's message list sorted by its columns (a whitelist of ``?sort=`` keys): header links
that toggle the direction and keep the filters, pagination that keeps the sort, and the
same number of queries for every sort."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape
from urllib.parse import parse_qs

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from crm.models import Organisation
from kvk.status import Status
from portal.views import insite
from tests.portal.conftest import make_message
from workflow.models import ApprovalMessage

URL = reverse("insite-messages")


@pytest.fixture
def three(client_a, client_b):
    """Three messages: A's of last year (changed an hour ago), B's rejected one of last
    year (changed now) and B's of the year before (changed a day ago)."""
    year = timezone.now().year - 1
    # Names that sort A before B whatever number the factories reached ("Cliënt 9" sorts
    # after "Cliënt 10" as text).
    Organisation.objects.filter(pk=client_a.organisation.pk).update(name="Alfa B.V.")
    Organisation.objects.filter(pk=client_b.organisation.pk).update(name="Bravo B.V.")
    a = make_message(client_a, year=year)
    b_rejected = make_message(client_b, Status.REJECTED, year=year)
    b_older = make_message(client_b, year=year - 1)
    now = timezone.now()
    # Test set-up of the timestamps, not a status change.
    ApprovalMessage.objects.filter(pk=a.pk).update(status_changed_at=now - timedelta(hours=1))
    ApprovalMessage.objects.filter(pk=b_rejected.pk).update(status_changed_at=now)
    ApprovalMessage.objects.filter(pk=b_older.pk).update(status_changed_at=now - timedelta(days=1))
    return a, b_rejected, b_older


def _order(browser, **params) -> list[int]:
    response = browser.get(URL, params)
    assert response.status_code == 200
    return [m.pk for m in response.context["page"]]


def test_each_column_sorts_both_ways(staff_browser, three):
    a, b_rejected, b_older = three
    assert _order(staff_browser) == [b_rejected.pk, a.pk, b_older.pk]  # last change, newest
    assert _order(staff_browser, sort="changed") == [b_older.pk, a.pk, b_rejected.pk]
    # Equal values: their last change, newest first.
    assert _order(staff_browser, sort="organisation") == [a.pk, b_rejected.pk, b_older.pk]
    assert _order(staff_browser, sort="-organisation") == [b_rejected.pk, b_older.pk, a.pk]
    assert _order(staff_browser, sort="-year") == [b_rejected.pk, a.pk, b_older.pk]
    assert _order(staff_browser, sort="year") == [b_older.pk, b_rejected.pk, a.pk]
    assert _order(staff_browser, sort="status") == [a.pk, b_older.pk, b_rejected.pk]
    assert _order(staff_browser, sort="-status") == [b_rejected.pk, a.pk, b_older.pk]


@pytest.mark.parametrize("value", ["filename", "-organisation__name", "--year", "pk", ""])
def test_a_sort_outside_the_whitelist_is_the_default(staff_browser, three, value):
    a, b_rejected, b_older = three
    assert _order(staff_browser, sort=value) == [b_rejected.pk, a.pk, b_older.pk]


def _header_links(html: str) -> dict[str, dict[str, list[str]]]:
    """The sort headers' links: column label -> their query parameters."""
    links = re.findall(r'<a href="\?([^"]*)" class="sort">([^<]+)', html)
    return {label.strip(): parse_qs(unescape(query)) for query, label in links}


def test_header_links_toggle_the_direction_and_keep_the_filters(staff_browser, three, client_b):
    params = {"organisation": client_b.organisation.pk, "sort": "organisation", "page": "1"}
    response = staff_browser.get(URL, params)
    html = response.content.decode()
    links = _header_links(html)
    organisation = str(client_b.organisation.pk)
    assert links["Organisatie"] == {"organisation": [organisation], "sort": ["-organisation"]}
    assert links["Boekjaar"] == {"organisation": [organisation], "sort": ["-year"]}
    assert links["Status"] == {"organisation": [organisation], "sort": ["status"]}
    # The default order needs no parameter.
    assert links["Laatste wijziging"] == {"organisation": [organisation]}
    assert 'aria-sort="ascending"' in html
    # The filter form keeps the sort, and so does clearing the filters.
    assert '<input type="hidden" name="sort" value="organisation">' in html
    assert f'href="{URL}?sort=organisation"' in html

    descending = _header_links(staff_browser.get(URL, {"sort": "-organisation"}).content.decode())
    assert descending["Organisatie"] == {"sort": ["organisation"]}
    default = staff_browser.get(URL).content.decode()
    assert 'aria-sort="descending"' in default
    assert _header_links(default)["Laatste wijziging"] == {"sort": ["changed"]}
    assert 'name="sort"' not in default


def test_pages_keep_the_sort(staff_browser, client_a, client_b, monkeypatch):
    monkeypatch.setattr(insite, "PAGE_SIZE", 2)
    for years_ago in (1, 2):
        make_message(client_b, year=timezone.now().year - years_ago)
    make_message(client_a)
    first = staff_browser.get(URL, {"sort": "organisation"})
    assert [m.organisation_id for m in first.context["page"]][0] == client_a.organisation.pk
    following = re.search(r'href="\?([^"]*)" rel="next"', first.content.decode()).group(1)
    assert parse_qs(unescape(following)) == {"sort": ["organisation"], "page": ["2"]}
    second = staff_browser.get(f"{URL}?{unescape(following)}")
    assert {m.organisation_id for m in second.context["page"]} == {client_b.organisation.pk}


def _queries(browser, **params) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = browser.get(URL, params)
    assert response.status_code == 200
    return len(queries)


def test_every_sort_takes_the_same_queries(staff_browser, three):
    default = _queries(staff_browser)
    for key in insite.SORTS:
        for sort in (key, f"-{key}"):
            assert _queries(staff_browser, sort=sort) == default, sort
    # As pinned in test_insite, with the deadlines of two years: each year's versions as
    # values, then its standing messages (deadlines.selectors._year_messages).
    assert default <= 22


def test_the_rows_for_htmx_carry_the_sort_links(staff_browser, three):
    response = staff_browser.get(URL, {"sort": "-year"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<html" not in html
    assert _header_links(html)["Boekjaar"] == {"sort": ["year"]}
    assert 'aria-sort="descending"' in html
