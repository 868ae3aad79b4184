"""Guessing client tokens is throttled: many requests with unknown tokens from one address
get 429, while a client with a valid token from another address carries on."""

from __future__ import annotations

import secrets

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

GUESSES = 12
LIMIT = 5


#: Half-way through a one-minute window, so no test's attempts fall into two windows (a
#: CI run once crossed a minute boundary half-way through 300 parallel attempts: 10 passed).
MID_WINDOW = 1_800_000_030.0


@pytest.fixture
def low_anon_rate(settings, monkeypatch):
    """The failed-authentication rate (``anon_auth``) set low, so the test stays short,
    and the guard's clock held still in the middle of a window."""
    import types

    import connectors.authentication

    rates = {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "anon_auth": f"{LIMIT}/min"}
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
    monkeypatch.setattr(
        connectors.authentication, "time", types.SimpleNamespace(time=lambda: MID_WINDOW)
    )
    cache.clear()
    yield
    cache.clear()


def guess(ip: str, *, upload: bool = False) -> int:
    client = APIClient(REMOTE_ADDR=ip)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer dpn_{secrets.token_urlsafe(32)}")
    if upload:
        return client.post("/api/v1/messages/", {}, format="json").status_code
    return client.get("/api/v1/messages/updates/").status_code


def test_unknown_tokens_are_refused_one_by_one(client_a):
    # What holds today: each guess gets 401 and nothing else happens.
    assert guess("198.51.100.7") == 401


def test_many_unknown_tokens_from_one_address_get_429(client_a, low_anon_rate):
    codes = [guess("203.0.113.9") for _ in range(GUESSES)]
    assert codes[:LIMIT] == [401] * LIMIT
    assert set(codes[LIMIT:]) == {429}, codes
    # Another address with a valid token is not affected.
    honest = APIClient(REMOTE_ADDR="192.0.2.44")
    honest.credentials(HTTP_AUTHORIZATION=f"Bearer {client_a.token}")
    assert honest.get("/api/v1/messages/updates/").status_code == 200
    # Uploads are guarded the same way as reads.
    assert guess("203.0.113.9", upload=True) == 429


def test_a_valid_token_is_never_refused_for_other_callers_failures(client_a, low_anon_rate):
    """Issue 19: the guesser and the honest client share one address (an office, a proxy)."""
    codes = [guess("203.0.113.9") for _ in range(GUESSES)]
    assert codes[-1] == 429
    same_address = APIClient(REMOTE_ADDR="203.0.113.9")
    same_address.credentials(HTTP_AUTHORIZATION=f"Bearer {client_a.token}")
    assert same_address.get("/api/v1/messages/updates/").status_code == 200


def test_the_429_for_guessing_says_in_dutch_how_long_to_wait(client_a, low_anon_rate):
    """connectors.authentication.FailedAuthenticationGuard: the clock stands half-way
    through the window, so 30 seconds are left; the sentence is the API's own (DRF added
    "Expected available in 30 seconds." in English)."""
    client = APIClient(REMOTE_ADDR="203.0.113.9")
    client.credentials(HTTP_AUTHORIZATION="Bearer dpn_unknown")
    responses = [client.get("/api/v1/messages/updates/") for _ in range(LIMIT + 1)]

    assert responses[-1].status_code == 429
    assert responses[-1]["Retry-After"] == "30"
    assert responses[-1].json() == {
        "code": "throttled",
        "detail": "Te veel mislukte pogingen met een token; probeer het over 30 seconden opnieuw.",
    }


@pytest.fixture
def behind_one_proxy(settings, low_anon_rate):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}


def guess_through_proxy(client_address: str) -> int:
    client = APIClient(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=client_address)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer dpn_{secrets.token_urlsafe(32)}")
    return client.get("/api/v1/messages/updates/").status_code


def test_behind_the_proxy_each_client_has_its_own_count(client_a, behind_one_proxy):
    codes = [guess_through_proxy("203.0.113.9") for _ in range(GUESSES)]
    assert codes[-1] == 429
    # Another client environment behind the same TLS proxy is not locked out.
    assert guess_through_proxy("198.51.100.20") == 401


def test_a_forged_forwarded_for_does_not_escape_the_count(client_a, behind_one_proxy):
    """The client adds its own X-Forwarded-For entries; only the proxy's last one counts."""
    codes = [guess_through_proxy(f"192.0.2.{n}, 203.0.113.9") for n in range(GUESSES)]
    assert codes[-1] == 429


def test_one_token_guessed_from_many_addresses_is_throttled(client_a, low_anon_rate):
    prefix = client_a.token[:8]
    codes = []
    for n in range(GUESSES):
        client = APIClient(REMOTE_ADDR=f"198.51.100.{n + 1}")
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {prefix}{secrets.token_urlsafe(30)}")
        codes.append(client.get("/api/v1/messages/updates/").status_code)
    assert codes[:LIMIT] == [401] * LIMIT and set(codes[LIMIT:]) == {429}
    # The real token itself is still accepted.
    honest = APIClient(REMOTE_ADDR="198.51.100.1")
    honest.credentials(HTTP_AUTHORIZATION=f"Bearer {client_a.token}")
    assert honest.get("/api/v1/messages/updates/").status_code == 200


def test_the_count_is_atomic_under_parallel_guesses(low_anon_rate):
    """300 failures at once from one address: exactly LIMIT of them are not throttled."""
    import threading

    from django.test import RequestFactory
    from rest_framework.exceptions import Throttled

    from connectors.authentication import FailedAuthenticationGuard

    request = RequestFactory().get("/api/v1/messages/updates/", REMOTE_ADDR="203.0.113.77")
    passed: list[int] = []
    lock = threading.Lock()

    def attempt() -> None:
        try:
            FailedAuthenticationGuard(request).record_failure()
        except Throttled:
            return
        with lock:
            passed.append(1)

    threads = [threading.Thread(target=attempt) for _ in range(300)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(passed) == LIMIT


def test_the_audit_trail_records_the_clients_address_behind_the_proxy(client_a, behind_one_proxy):
    from tests.conftest import instance_for, upload_payload
    from workflow.models import StatusEvent

    client = APIClient(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.33")
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {client_a.token}")
    response = client.post(
        "/api/v1/messages/", upload_payload(instance_for(client_a.kvk_number)), format="json"
    )
    assert response.status_code == 201, response.content
    assert StatusEvent.objects.get(action="received").ip_address == "198.51.100.33"
