"""The connector page in the season: a firm with hundreds of client environments, a token
each, and an administrator who opens the page for every new client ("Token aanmaken").

The walk (300-1,000 organisations): the page listed every token with a revoke form and its
token form every organisation as an option: 354 ms at 303 tokens, 795 ms at 1,003. Now the
tokens come TOKEN_PAGE_SIZE at a time, narrowed to an organisation or a search, and the
token form asks a KvK number (or has the organisation fixed) instead of listing them."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from connectors import services as connector_services
from connectors.models import ClientToken, hash_token
from portal.views.insite import TOKEN_PAGE_SIZE
from tests import factories

pytestmark = pytest.mark.django_db


def _clients_with_tokens(environment, connector, count: int, names=()) -> list:
    """``count`` organisations (the first called ``names``) with a token each on
    ``connector``."""
    organisations = []
    for index in range(count):
        extra = {"name": names[index]} if index < len(names) else {}
        organisation = factories.OrganisationFactory(environment=environment, **extra)
        connector_services.issue_token(organisation=organisation, connector=connector)
        organisations.append(organisation)
    return organisations


def _page(admin_browser, connector, **query):
    response = admin_browser.get(reverse("insite-connector", args=[connector.pk]), query)
    assert response.status_code == 200
    return response


def _listed(response) -> list[str]:
    """The prefixes of the tokens the page lists, in its order."""
    return re.findall(r"<tr><td><code>([^<]+)…</code>", response.content.decode())


def _token_form(html: str) -> str:
    return html.split('id="token-h"')[1].split("</form>")[0]


def test_the_page_costs_the_same_for_3_clients_as_for_120(admin_browser, environment, connector):
    def measure() -> tuple[int, str]:
        with CaptureQueriesContext(connection) as context:
            response = _page(admin_browser, connector)
        return len(context.captured_queries), response.content.decode()

    _clients_with_tokens(environment, connector, 3)
    few, html = measure()
    assert html.count('class="inline"><button type="submit" class="danger small"') == 3
    many = _clients_with_tokens(environment, connector, 117)
    without_token = factories.OrganisationFactory(environment=environment, name="Zonder B.V.")
    queries, html = measure()
    assert queries == few
    # One page of tokens, each with its revoke form; the other pages a link away.
    assert html.count('class="inline"><button type="submit" class="danger small"') == (
        TOKEN_PAGE_SIZE
    )
    assert "Pagina 1 van 3" in html and 'rel="next"' in html
    # The token form lists no organisation: not those on later pages, not those without one.
    assert "<select" not in _token_form(html) and 'name="kvk_number"' in _token_form(html)
    assert many[0].name not in html and without_token.name not in html


def test_the_pages_list_every_token_once_the_active_ones_first(
    admin_browser, environment, connector
):
    organisations = _clients_with_tokens(environment, connector, TOKEN_PAGE_SIZE + 5)
    revoked = ClientToken.objects.get(organisation=organisations[-1])  # the newest
    connector_services.revoke_token(token=revoked)
    first, second = _page(admin_browser, connector), _page(admin_browser, connector, page=2)
    listed = _listed(first) + _listed(second)
    assert len(_listed(first)) == TOKEN_PAGE_SIZE
    assert sorted(listed) == sorted(ClientToken.objects.values_list("prefix", flat=True))
    assert listed[-1] == revoked.prefix  # after every active token, on the last page
    assert "Pagina 2 van 2" in second.content.decode()


def test_from_the_organisations_page_its_tokens_only_and_the_form_fixed_to_it(
    admin_browser, environment, connector
):
    alfa, beta = _clients_with_tokens(environment, connector, 2)
    _token, _raw = connector_services.issue_token(organisation=alfa, connector=connector)
    response = _page(admin_browser, connector, organisation=alfa.pk)
    alfa_tokens = ClientToken.objects.filter(organisation=alfa).order_by("-created_at", "-pk")
    assert _listed(response) == [token.prefix for token in alfa_tokens]
    html = response.content.decode()
    assert f"Alleen de tokens van {alfa.name} ·" in html and beta.name not in html
    assert response.context["token_form"].fixed_organisation == alfa
    # An organisation of another firm in the address is none: every token, a KvK number asked.
    foreign = factories.OrganisationFactory()
    response = _page(admin_browser, connector, organisation=foreign.pk)
    assert len(_listed(response)) == 3 and 'name="kvk_number"' in response.content.decode()


@pytest.mark.parametrize("search", ["name", "kvk"])
def test_a_search_by_name_or_kvk_number_narrows_the_list(
    admin_browser, environment, connector, search
):
    names = ["Bakkerij Jansen B.V.", "Garage de Vries B.V.", "Kapsalon Smit"]
    organisations = _clients_with_tokens(environment, connector, 3, names)
    wanted = organisations[1]
    text = "garage DE vries" if search == "name" else wanted.kvk_number[2:]
    response = _page(admin_browser, connector, q=text)
    assert _listed(response) == [ClientToken.objects.get(organisation=wanted).prefix]
    assert f'name="q" value="{text}"' in response.content.decode()
    nothing = _page(admin_browser, connector, q="bestaat niet")
    assert _listed(nothing) == [] and "Geen tokens gevonden." in nothing.content.decode()


def test_a_token_for_the_organisation_with_the_kvk_number_typed(
    admin_browser, admin_staff, environment, connector
):
    """Opened from the connector list, the form asks the organisation's KvK number (typed
    as the KvK prints it, in groups)."""
    organisation = factories.OrganisationFactory(environment=environment, kvk="45678901")
    response = admin_browser.post(
        reverse("insite-token-create", args=[connector.pk]),
        {"kvk_number": "4567 8901", "description": "Boekhouding"},
        follow=True,
    )
    (raw,) = response.context["new_tokens"]
    token = ClientToken.objects.get(token_hash=hash_token(raw))
    assert token.organisation == organisation and token.connector == connector
    assert token.created_by == admin_staff and token.description == "Boekhouding"
    assert f"Token voor {organisation.name}" in response.content.decode()


@pytest.mark.parametrize("number", ["11112222", "87654321"], ids=["unknown", "other-firm"])
def test_a_kvk_number_of_no_organisation_of_the_firm_issues_nothing(
    admin_browser, environment, connector, number
):
    factories.OrganisationFactory(kvk="87654321")  # another firm's client
    response = admin_browser.post(
        reverse("insite-token-create", args=[connector.pk]), {"kvk_number": number}
    )
    assert response.status_code == 400
    assert f"Geen organisatie van uw kantoor heeft KvK-nummer {number}." in (
        response.content.decode()
    )
    assert not ClientToken.objects.exists()


def test_without_an_organisation_the_form_says_what_to_fill_in(admin_browser, connector):
    response = admin_browser.post(
        reverse("insite-token-create", args=[connector.pk]),
        {"expires_at": timezone.localdate().isoformat()},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Vul het KvK-nummer van de organisatie in." in html
    assert not ClientToken.objects.exists()


def test_an_organisation_of_another_firm_in_the_form_says_so(admin_browser, connector):
    """The form fixed to an organisation sends its id along; one not of the firm (another
    firm's, an altered page) issues nothing and says where to make the token."""
    foreign = factories.OrganisationFactory()
    response = admin_browser.post(
        reverse("insite-token-create", args=[connector.pk]), {"organisation": foreign.pk}
    )
    assert response.status_code == 400
    assert "Deze organisatie is niet gevonden bij uw kantoor; er is geen token aangemaakt." in (
        response.content.decode()
    )
    assert not ClientToken.objects.exists()
