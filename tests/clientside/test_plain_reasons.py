"""The client's bookkeeping environment says in plain Dutch why sending failed and what to
do (clientside.portal_client): no error code ("unreachable"), no HTTP status, no exception
text; those go to the log. Labels with a missing value leave that part out."""

from __future__ import annotations

import json
import logging

import pytest
import requests
from django.template.loader import render_to_string
from django.test import Client as BrowserClient
from django.urls import reverse
from django.utils.html import escape

from clientside import services
from clientside.models import CommunicationProfile
from clientside.portal_client import PortalClient, PortalError
from kvk.status import Status
from tests.clientside.conftest import make_environment
from tests.clientside.test_screens import ALL_PERMISSIONS, user_with

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _local_portal(settings):
    settings.CLIENTSIDE_ALLOW_LOCAL_PORTAL = True  # the closed port is on this machine


def answer(status: int, body: dict | None, reason: str = "") -> requests.Response:
    """A portal answer without a portal."""
    response = requests.Response()
    response.status_code = status
    response.reason = reason
    response._content = json.dumps(body).encode() if body is not None else b"<html>proxy</html>"
    return response


def refused_with(monkeypatch, response: requests.Response) -> PortalError:
    monkeypatch.setattr(requests.Session, "request", lambda self, *a, **k: response)
    with pytest.raises(PortalError) as raised:
        PortalClient("https://portal.example.nl", "t").check_connection()
    return raised.value


def test_a_send_failure_shows_a_sentence_not_the_code(closed_port_url, caplog):
    env = make_environment(kvk_number="12345678", token="t", portal_url=closed_port_url)
    message = services.prepare(env.report)
    with caplog.at_level(logging.WARNING, logger="clientside.portal_client"):
        result = services.send_receive(env.administration)
    assert result.failed == 1
    message.refresh_from_db()
    assert message.status == Status.SEND_FAILED
    (reason,) = message.reasons
    assert reason["code"] == "unreachable"  # kept for the software, never shown
    assert "is niet bereikbaar" in reason["message"] and "probeer het opnieuw" in reason["message"]
    # The exception's own words are in the log, not in what the bookkeeper reads.
    assert "Connection refused" in caplog.text or "Max retries" in caplog.text
    assert "HTTPConnectionPool" not in reason["message"]

    browser = BrowserClient()
    browser.force_login(user_with(*ALL_PERMISSIONS))
    page = browser.get(reverse("clientside:administration", args=[env.administration.pk]))
    html = page.content.decode()
    assert escape(reason["message"]) in html
    assert "unreachable" not in html and "HTTPConnectionPool" not in html


@pytest.mark.parametrize(
    ("body", "status", "expected"),
    [
        (
            {"code": "token_revoked", "detail": "Dit token is ingetrokken."},
            401,
            "Vraag uw accountant om een nieuw token",
        ),
        ({"code": "token_unknown", "detail": "Onbekend token."}, 401, "Het token wordt geweigerd"),
        ({"code": "connector_blocked", "detail": "x"}, 403, "Neem contact op met uw accountant"),
        ({"code": "throttled", "detail": "Request was throttled."}, 429, "over een paar minuten"),
        (None, 502, "heeft een storing"),
        (
            {"code": "conflict", "detail": "Dit bericht is al goedgekeurd"},
            409,
            "weigerd: Dit bericht is al goedgekeurd.",
        ),
    ],
)
def test_a_refusal_of_the_portal_reads_as_a_sentence(monkeypatch, caplog, body, status, expected):
    with caplog.at_level(logging.WARNING, logger="clientside.portal_client"):
        error = refused_with(monkeypatch, answer(status, body, reason="Refused"))
    assert expected in error.message
    assert "HTTP" not in error.message and "Refused" not in error.message
    assert error.code not in error.message
    assert error.message.endswith(".")
    assert str(status) in caplog.text  # the technical answer is logged


@pytest.mark.parametrize(
    ("kind", "taken", "prepare_again"),
    [
        # Filed (80): nothing more to do; a correction is a heraanlevering (KVK-SBR.md §1).
        ("filed", "filed", False),
        ("rejected", "rejected", True),
        ("under_way", "under_way", True),
        # An older portal says no kind, a newer one may say one this environment does not
        # know: the general sentence, without a kind.
        (None, "", True),
        ("archived", "", True),
    ],
)
def test_a_copy_is_worded_by_its_kind(monkeypatch, kind, taken, prepare_again):
    body = {"code": "duplicate_document", "detail": "Dit document is al aangeleverd."}
    if kind is not None:
        body["kind"] = kind
    error = refused_with(monkeypatch, answer(409, body))
    assert (error.code, error.kind) == ("duplicate_document", taken)
    assert "Dit document is al aangeleverd." in error.message
    assert ("Klaarzetten accountancyportal" in error.message) is prepare_again


def test_the_kind_belongs_to_a_copy_only(monkeypatch):
    error = refused_with(
        monkeypatch, answer(409, {"code": "conflict", "detail": "x", "kind": "filed"})
    )
    assert error.kind == ""


def test_a_timeout_says_what_to_do(monkeypatch, caplog):
    def slow(self, *args, **kwargs):
        raise requests.ReadTimeout("HTTPSConnectionPool(host=portal.example.nl): Read timed out.")

    monkeypatch.setattr(requests.Session, "request", slow)
    with (
        caplog.at_level(logging.WARNING, logger="clientside.portal_client"),
        pytest.raises(PortalError) as raised,
    ):
        PortalClient("https://portal.example.nl", "t").check_connection()
    assert raised.value.message == (
        "Het accountancyportal antwoordt niet op tijd. Probeer het later opnieuw."
    )
    assert "Read timed out" in caplog.text


# --- labels without a value ------------------------------------------------------------------


def test_the_profile_page_leaves_out_a_missing_date(closed_port_url):
    env = make_environment(kvk_number="12345678", token="t", portal_url=closed_port_url)
    CommunicationProfile.objects.filter(pk=env.profile.pk).update(token_set_at=None)
    browser = BrowserClient()
    browser.force_login(user_with(*ALL_PERMISSIONS))
    html = browser.get(reverse("clientside:profile", args=[env.administration.pk])).content
    text = html.decode()
    assert "Er is een token opgeslagen; het wordt niet getoond." in text
    assert "ingevoerd )" not in text and "()" not in text


def test_the_activation_switch_leaves_out_a_missing_person():
    from datetime import UTC, datetime
    from types import SimpleNamespace

    state = SimpleNamespace(changed_at=datetime(2026, 12, 6, 7, 30, tzinfo=UTC), changed_by=None)
    html = render_to_string(
        "activation/_switch.html", {"state": state, "active": True, "activation_name": "X"}
    )
    assert "laatst gewijzigd 6 december 2026 08:30" in html
    assert "door" not in html and "–" not in html
