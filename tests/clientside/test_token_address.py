"""Issue 19: the client's stored token goes only to the address it was entered for, only
over https and never to an internal address (loopback, private, link-local), unless a
portal on this machine is explicitly allowed (development)."""

from __future__ import annotations

import pytest
import requests

from clientside import services
from clientside.forms import CommunicationProfileForm
from clientside.portal_client import PortalClient, PortalError, address_problem
from tests.clientside.conftest import make_environment

pytestmark = pytest.mark.django_db


@pytest.fixture
def strict(settings):
    settings.CLIENTSIDE_ALLOW_LOCAL_PORTAL = False


@pytest.mark.parametrize(
    "url",
    [
        "http://portal.example.nl",  # not https
        "https://127.0.0.1:8000",  # loopback
        "https://[::1]",
        "https://10.1.2.3",  # private
        "https://192.168.0.10",
        "https://169.254.169.254",  # link-local: a cloud's metadata service
        "https://0.0.0.0",
        "https://localhost",
    ],
)
def test_internal_or_plain_addresses_are_refused(strict, url):
    assert address_problem(url)


def test_a_public_https_address_is_accepted(strict):
    assert address_problem("https://93.184.216.34") is None


def test_development_may_allow_a_portal_on_this_machine(settings):
    settings.CLIENTSIDE_ALLOW_LOCAL_PORTAL = True
    assert address_problem("http://127.0.0.1:8000") is None


def form(profile, **changes):
    data = {
        "participant_number": profile.participant_number,
        "portal_url_override": profile.portal_url_override,
        "token": "",
        **changes,
    }
    return CommunicationProfileForm(data, instance=profile)


def test_a_new_address_needs_the_token_again(settings):
    settings.CLIENTSIDE_ALLOW_LOCAL_PORTAL = True
    env = make_environment(
        kvk_number="12345678", token="dpn_geheim", portal_url="http://127.0.0.1:8000"
    )
    moved = form(env.profile, portal_url_override="http://127.0.0.1:9999")
    assert not moved.is_valid()
    assert "vul het token opnieuw in" in str(moved.errors["token"])
    other_participant = form(env.profile, participant_number="54321", portal_url_override="")
    assert not other_participant.is_valid() and "token" in other_participant.errors
    with_token = form(env.profile, portal_url_override="http://127.0.0.1:9999", token="dpn_nieuw")
    assert with_token.is_valid(), with_token.errors
    unchanged = form(env.profile)
    assert unchanged.is_valid(), unchanged.errors


def test_the_form_refuses_an_internal_portal_address(strict):
    env = make_environment(
        kvk_number="12345678", token="dpn_geheim", portal_url="https://93.184.216.34"
    )
    bad = form(env.profile, portal_url_override="https://169.254.169.254", token="dpn_x")
    assert not bad.is_valid() and "portal_url_override" in bad.errors


def test_test_connection_sends_nothing_to_an_internal_address(strict, monkeypatch):
    """A profile stored before these rules, pointing inward: nothing leaves the server."""
    env = make_environment(
        kvk_number="12345678", token="dpn_geheim", portal_url="https://127.0.0.1:8000"
    )
    sent = []
    monkeypatch.setattr("requests.Session.request", lambda self, *args, **kwargs: sent.append(args))
    result = services.test_connection(env.profile)
    assert not result.ok and "intern adres" in result.message
    assert sent == []


@pytest.fixture
def local(settings):
    settings.CLIENTSIDE_ALLOW_LOCAL_PORTAL = True


@pytest.mark.parametrize(
    "url", ["ftp://127.0.0.1:21", "file:///etc/passwd", "gopher://127.0.0.1", "127.0.0.1:8000"]
)
def test_a_local_portal_too_is_reached_over_http_or_https_only(local, url):
    assert address_problem(url) == f"Het portaladres {url} moet met http:// of https:// beginnen."


def test_outside_development_only_https(strict):
    assert address_problem("ftp://portal.example.nl") == (
        "Het portaladres ftp://portal.example.nl moet met https:// beginnen."
    )


@pytest.mark.parametrize("allow_local", [True, False])
@pytest.mark.parametrize(
    "url",
    [
        "https://gebruiker:geheim@93.184.216.34",
        "http://gebruiker:geheim@127.0.0.1:8000",
        "https://geheim@93.184.216.34/",
    ],
)
def test_a_name_and_password_in_the_address_are_refused_and_never_repeated(
    settings, allow_local, url
):
    settings.CLIENTSIDE_ALLOW_LOCAL_PORTAL = allow_local
    problem = address_problem(url)
    assert problem == (
        "Het portaladres mag geen gebruikersnaam of wachtwoord bevatten; het portal krijgt "
        "alleen het token. Haal het deel tot en met '@' uit het adres."
    )


@pytest.mark.parametrize("url", ["http://[::1", "https://portal.example.nl:99999"])
def test_an_address_that_cannot_be_parsed_is_refused(local, url):
    assert address_problem(url) == "Het portaladres is geen geldig webadres."


@pytest.mark.parametrize(
    ("url", "field_error"),
    [
        ("ftp://127.0.0.1:21", "moet met http:// of https:// beginnen"),
        ("http://gebruiker:geheim@127.0.0.1:8000", "geen gebruikersnaam of wachtwoord"),
    ],
)
def test_the_form_refuses_another_scheme_and_credentials_for_a_local_portal_too(
    local, url, field_error
):
    env = make_environment(
        kvk_number="12345678", token="dpn_geheim", portal_url="http://127.0.0.1:8000"
    )
    bad = form(env.profile, portal_url_override=url, token="dpn_x")
    assert not bad.is_valid()
    assert field_error in str(bad.errors["portal_url_override"])
    assert "geheim" not in str(bad.errors)


def test_test_connection_to_a_stored_ftp_address_says_why_in_dutch(local, monkeypatch):
    """A profile stored before the rule, pointing at ftp://: nothing is sent."""
    env = make_environment(kvk_number="12345678", token="dpn_geheim", portal_url="ftp://127.0.0.1")
    sent = []
    monkeypatch.setattr("requests.Session.request", lambda self, *args, **kwargs: sent.append(args))
    result = services.test_connection(env.profile)
    assert not result.ok
    assert (
        result.message == "Het portaladres ftp://127.0.0.1 moet met http:// of https:// beginnen."
    )
    assert sent == []


def test_test_connection_never_repeats_a_password_in_the_stored_address(local):
    env = make_environment(
        kvk_number="12345678", token="dpn_geheim", portal_url="http://ik:geheim@127.0.0.1:9"
    )
    result = services.test_connection(env.profile)
    assert not result.ok and "geen gebruikersnaam of wachtwoord" in result.message
    env.profile.refresh_from_db()
    assert "geheim" not in env.profile.last_test_message


@pytest.mark.parametrize(
    ("error", "retryable"),
    [
        (requests.exceptions.InvalidSchema("No connection adapters were found"), False),
        (requests.exceptions.MissingSchema("Invalid URL: No scheme supplied"), False),
        (requests.exceptions.InvalidURL("Failed to parse"), False),
        (requests.exceptions.InvalidHeader("Invalid leading whitespace"), False),
        (requests.exceptions.TooManyRedirects("Exceeded 30 redirects"), True),
        (requests.exceptions.ChunkedEncodingError("Connection broken"), True),
        (requests.exceptions.SSLError("certificate verify failed"), True),
    ],
    ids=lambda value: type(value).__name__ if isinstance(value, Exception) else str(value),
)
def test_every_failure_of_requests_is_a_dutch_connection_error(
    local, monkeypatch, error, retryable
):
    """The portal client (clientside.portal_client) lets no exception of requests through:
    each says in Dutch that the portal cannot be reached, and whether a retry can help."""

    def fail(self, *args, **kwargs):
        raise error

    monkeypatch.setattr("requests.Session.request", fail)
    with pytest.raises(PortalError) as raised:
        PortalClient("http://127.0.0.1:9", "dpn_geheim").check_connection()
    assert raised.value.code == "unreachable"
    assert raised.value.retryable is retryable
    assert raised.value.message.startswith(
        "Het accountancyportal op http://127.0.0.1:9 is niet bereikbaar."
    )
