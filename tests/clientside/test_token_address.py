"""Issue 19: the client's stored token goes only to the address it was entered for, only
over https and never to an internal address (loopback, private, link-local), unless a
portal on this machine is explicitly allowed (development)."""

from __future__ import annotations

import pytest

from clientside import services
from clientside.forms import CommunicationProfileForm
from clientside.portal_client import address_problem
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
