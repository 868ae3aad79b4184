"""Guessing client tokens is throttled: many requests with unknown tokens from one address
get 429, while a client with a valid token from another address carries on."""

from __future__ import annotations

import secrets

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

GUESSES = 12
LIMIT = 5


@pytest.fixture
def low_anon_rate(settings):
    """The failed-authentication rate (``anon_auth``) set low, so the test stays short."""
    rates = {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "anon_auth": f"{LIMIT}/min"}
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
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
