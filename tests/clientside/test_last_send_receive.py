"""What the pages say after a send/receive that did not get through, the scheduled one
(clientside.tasks.send_receive_all) as much as a click, over real HTTP against a portal.

The walk: the accountant revoked the token while a message was under way. The scheduled
run failed on every round, and the administration's page and the administrations list
went on saying "Wachten op het portal": nothing the bookkeeper saw said that nothing would
move until a new token was in. The outcome of the last run is stored on the communication
profile (as the last "Test verbinding" is) and said until a run gets through or a new token
is saved. A portal that is out of reach or has a failure is another outcome: it is tried
again, the token is not said to be refused.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from lxml import html

from clientside import services, tasks
from clientside.models import CommunicationProfile, OutboundMessage
from config.dates import format_moment
from connectors import services as connector_services
from connectors.models import ClientToken
from kvk.status import Status
from tests.clientside.test_walk_h5 import browser_form

pytestmark = pytest.mark.django_db


def _under_way(env) -> OutboundMessage:
    """The report prepared and sent: the portal has it (status 10)."""
    message = services.prepare(env.report)
    assert services.send_receive(env.administration).sent == 1
    message.refresh_from_db()
    assert message.status == Status.RECEIVED
    return message


def _revoke(client_a) -> None:
    connector_services.revoke_token(
        token=ClientToken.objects.get(organisation=client_a.organisation, revoked_at=None)
    )


def _moment(env) -> str:
    """When the last run was, as the pages say it."""
    return format_moment(CommunicationProfile.objects.get(pk=env.profile.pk).last_run_at)


def _page(client, url: str) -> html.HtmlElement:
    response = client.get(url)
    assert response.status_code == 200
    return html.fromstring(response.content)


def _text(element: html.HtmlElement) -> str:
    return " ".join(element.text_content().split())


def _step(client, env) -> tuple[str, str]:
    """The administration page's "Volgende stap": its sentence and where it links to."""
    card = _page(client, f"/klant/administraties/{env.administration.pk}/").get_element_by_id(
        "volgende-stap"
    )
    link = card.find(".//a")
    return _text(link), link.get("href")


def _last_run(client, env) -> str:
    """The administration page's line on the last send/receive ("" when there is none)."""
    page = _page(client, f"/klant/administraties/{env.administration.pk}/")
    found = page.xpath('//*[@id="last-run"]')
    return _text(found[0]) if found else ""


def _list_step(client, env) -> str:
    """The "Volgende stap" cell of the administration's row in the administrations list:
    the step in a few words, and what the last send/receive found after " | "."""
    page = _page(client, "/klant/")
    row = next(
        tr
        for tr in page.get_element_by_id("administrations").iter("tr")
        if env.administration.kvk_number in _text(tr)
    )
    cell = row.find_class("step")[0]
    return " | ".join(_text(part) for part in cell)


def test_a_token_revoked_while_a_message_is_under_way_is_said_until_a_new_token_is_in(
    bookkeeper, env_a, client_a, connector, settings
):
    settings.CLIENTSIDE_ALLOW_LOCAL_PORTAL = True
    _under_way(env_a)
    _revoke(client_a)

    tasks.send_receive_all()

    moment = _moment(env_a)
    profile_url = f"/klant/administraties/{env_a.administration.pk}/communicatie/"
    text, link = _step(bookkeeper, env_a)
    assert link == profile_url
    assert text == (
        f"Het token werd op {moment} geweigerd bij 'Verzenden/ontvangen accountancyportal'. "
        "Het token is ingetrokken door uw accountant. Vraag uw accountant om een nieuw token "
        "en vul het in bij 'Communicatie met accountant'. Tot dit is opgelost, wordt er "
        "niets verzonden of opgehaald."
    )
    listed = _list_step(bookkeeper, env_a)
    assert listed == f"Token invullen | Token geweigerd op {moment}"
    assert "Wachten" not in listed

    # The next scheduled round fails the same way, and says so still.
    tasks.send_receive_all()
    assert _list_step(bookkeeper, env_a) == f"Token invullen | Token geweigerd op {_moment(env_a)}"

    # The accountant gives a new token and the bookkeeper saves it.
    _token, raw = connector_services.issue_token(
        organisation=client_a.organisation, connector=connector
    )
    response = bookkeeper.post(
        profile_url, {**browser_form(bookkeeper, profile_url, "token"), "token": raw}
    )
    assert response.status_code == 302
    text, _link = _step(bookkeeper, env_a)
    assert text.startswith("Het bericht is onderweg (status 10")
    assert _list_step(bookkeeper, env_a) == "Wachten op het portal"

    tasks.send_receive_all()
    assert _list_step(bookkeeper, env_a) == "Wachten op het portal"
    assert _last_run(bookkeeper, env_a) == ""


class _Failing(BaseHTTPRequestHandler):
    """A portal with a failure: every call answers 503 with the CommSvc API's body."""

    def do_GET(self) -> None:  # noqa: N802 (the name http.server calls)
        body = json.dumps({"code": "service_unavailable", "detail": "Onderhoud"}).encode()
        self.send_response(503)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args) -> None:  # noqa: A002
        pass


@pytest.fixture
def failing_portal_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Failing)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("down", ["connection refused", "HTTP 503"])
@pytest.mark.parametrize("scheduled", [True, False])
def test_a_portal_that_is_down_is_tried_again_not_a_refused_token(
    bookkeeper, env_a, settings, closed_port_url, failing_portal_url, portal_url, down, scheduled
):
    settings.CLIENTSIDE_ALLOW_LOCAL_PORTAL = True
    settings.CLIENTSIDE_SEND_RECEIVE_INTERVAL_SECONDS = 300 if scheduled else 0
    _under_way(env_a)
    away = closed_port_url if down == "connection refused" else failing_portal_url
    CommunicationProfile.objects.filter(pk=env_a.profile.pk).update(portal_url_override=away)

    tasks.send_receive_all()

    moment = _moment(env_a)
    text, _link = _step(bookkeeper, env_a)
    assert text.startswith("Het bericht is onderweg (status 10")
    said = _last_run(bookkeeper, env_a)
    assert said.startswith(f"'Verzenden/ontvangen accountancyportal' lukte op {moment} niet: ")
    assert ("Het wordt vanzelf opnieuw geprobeerd." in said) is scheduled
    assert "token" not in said.lower()
    retry = "wordt vanzelf opnieuw geprobeerd" if scheduled else "probeer het later opnieuw"
    assert _list_step(bookkeeper, env_a) == (
        f"Wachten op het portal | Portal niet bereikbaar op {moment}; {retry}"
    )

    # The portal is back: the next run gets through, and nothing more is said.
    CommunicationProfile.objects.filter(pk=env_a.profile.pk).update(portal_url_override=portal_url)
    tasks.send_receive_all()
    assert _last_run(bookkeeper, env_a) == ""
    assert _list_step(bookkeeper, env_a) == "Wachten op het portal"
