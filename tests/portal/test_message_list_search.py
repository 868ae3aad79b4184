"""InSite's message list with many organisations: the status filter offers the statuses a
portal message can have, the organisation is searched by name or KvK number instead of
picked from a list of all of them, the search finds contacts, and "Wis filters" is right
in the full page and in the rows htmx swaps in."""

from __future__ import annotations

import re

from django.urls import reverse

from crm.models import Contact
from kvk.status import Status
from tests import factories
from tests.portal.conftest import make_message

URL = reverse("insite-messages")
CLEAR = "Wis filters"


def _listed(browser, **params) -> list[int]:
    response = browser.get(URL, params)
    assert response.status_code == 200
    return [m.pk for m in response.context["page"]]


def _status_options(html: str) -> list[str]:
    select = re.search(r'<select name="status".*?</select>', html, re.S)
    assert select
    return re.findall(r'<option value="([^"]*)"', select.group(0))


def test_the_status_filter_offers_only_the_statuses_of_a_portal_message(
    staff_browser, client_a, client_b
):
    """0 and 5 exist only in the client's environment (KVK-SBR.md section 2: the portal's
    messages start at 10): the filter does not offer them, and ?status=0 is no filter
    that shows every message under a chosen "0"."""
    make_message(client_a)
    make_message(client_b, Status.REJECTED)
    html = staff_browser.get(URL).content.decode()
    assert _status_options(html) == ["", "10", "20", "25", "30", "40", "50", "60", "70", "80", "90"]

    for code in ("0", "5"):
        response = staff_browser.get(URL, {"status": code})
        html = response.content.decode()
        assert response.context["filtered"] is False
        assert f'<option value="{code}" selected>' not in html
        assert CLEAR not in html
    assert len(_listed(staff_browser, status=40)) == 1


def test_the_page_does_not_grow_with_the_organisations(staff_browser, client_a, environment):
    """At 1,000 organisations a list of all of them as options was three quarters of the
    page; the organisation is now typed (name or KvK number)."""
    make_message(client_a)

    def page() -> str:
        response = staff_browser.get(URL)
        assert response.status_code == 200
        return response.content.decode()

    few = page()
    others = [factories.OrganisationFactory(environment=environment) for _ in range(40)]
    many = page()
    assert many.count("<option") == few.count("<option")
    assert not any(organisation.name in many for organisation in others)
    assert 'name="organisation_q"' in many


def test_the_organisation_is_found_by_name_or_kvk_number(staff_browser, client_a, client_b):
    a, b = make_message(client_a), make_message(client_b)
    client_b.organisation.name = "Bakkerij Zonneveld B.V."
    client_b.organisation.save()
    assert _listed(staff_browser, organisation_q="zonnev") == [b.pk]
    assert _listed(staff_browser, organisation_q=client_a.kvk_number) == [a.pk]
    # Only the organisation: a file name is the search field's business, not this one's.
    assert _listed(staff_browser, organisation_q=a.filename) == []


def test_a_link_to_one_organisation_shows_its_name_to_untick(staff_browser, client_a, client_b):
    """?organisation=<pk>, as "Alle berichten van deze organisatie" links, still filters;
    the page names the organisation in a ticked checkbox: untick it (and filter, or let
    htmx do so) for every organisation again."""
    a = make_message(client_a)
    make_message(client_b)
    response = staff_browser.get(URL, {"organisation": client_a.organisation.pk})
    html = response.content.decode()
    assert [m.pk for m in response.context["page"]] == [a.pk]
    checkbox = re.search(r'<input type="checkbox" name="organisation"[^>]*>', html)
    assert checkbox and f'value="{client_a.organisation.pk}"' in checkbox.group(0)
    assert "checked" in checkbox.group(0)
    assert f"Alleen berichten van {client_a.organisation.name}" in html
    # Unticked, the form sends no organisation: every message again.
    assert len(_listed(staff_browser)) == 2
    # An organisation of another accountancy environment is no filter.
    stranger = factories.OrganisationFactory()
    response = staff_browser.get(URL, {"organisation": stranger.pk})
    assert len(response.context["page"]) == 2
    assert stranger.name not in response.content.decode()


def test_the_search_finds_a_contacts_name_email_and_login(staff_browser, client_a, client_b):
    """A client on the phone gives their own name, not the company's."""
    a = make_message(client_a)
    make_message(client_b)
    contact = Contact.objects.get(organisation=client_a.organisation)
    contact.name, contact.email = "Ingrid van der Meulen", "ingrid@bakkerij.example"
    contact.save()
    client_a.user.username = "i.vdmeulen"
    client_a.user.save()
    # A second matching contact does not list the message twice.
    factories.ContactFactory(organisation=client_a.organisation, name="Pieter van der Meulen")
    assert _listed(staff_browser, q="van der meulen") == [a.pk]
    assert _listed(staff_browser, q="ingrid@bakkerij") == [a.pk]
    assert _listed(staff_browser, q="I.VDMEULEN") == [a.pk]
    assert _listed(staff_browser, q="Onbekende Persoon") == []


def test_clear_filters_follows_the_filters_in_the_page_and_in_htmx_rows(
    staff_browser, client_a, client_b
):
    """The link "Wis filters" sits in the part htmx swaps: after filtering it appears, after
    clearing it is gone, as in a full page."""
    make_message(client_a)
    make_message(client_b, Status.REJECTED)
    htmx = {"HTTP_HX_REQUEST": "true"}
    for headers in ({}, htmx):
        filtered = staff_browser.get(URL, {"status": 40}, **headers).content.decode()
        assert filtered.count(CLEAR) == 1
        assert f'href="{URL}">{CLEAR}</a>' in filtered
        unfiltered = staff_browser.get(URL, **headers).content.decode()
        assert CLEAR not in unfiltered
        # A sort is no filter; clearing the filters keeps it.
        sorted_only = staff_browser.get(URL, {"sort": "year"}, **headers).content.decode()
        assert CLEAR not in sorted_only
        sorted_filtered = staff_browser.get(URL, {"sort": "year", "q": "x"}, **headers)
        assert f'href="{URL}?sort=year">{CLEAR}</a>' in sorted_filtered.content.decode()
    assert "<html" not in filtered  # the last one was the htmx partial
