"""What the client environment advises when the accountant's portal cannot be reached.

The participant number or the portal address is the likely cause only while no connection
test with these settings succeeded. After "Test verbinding" reached the portal with the
same address and token, the settings are right: the portal is out of reach for now, so the
advice is to try again later and to ask the accountant if it stays so. Over real HTTP: a
portal that answers the connection test and then goes away.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from clientside import services
from clientside.models import CommunicationProfile
from kvk.status import Status
from tests.clientside.conftest import make_environment

pytestmark = pytest.mark.django_db

KVK_NUMBER = "12345678"
SETTINGS_ADVICE = "Controleer het deelnemernummer of het eigen portaladres"
FOR_NOW = "waarschijnlijk tijdelijk niet bereikbaar"


class _Organisation(BaseHTTPRequestHandler):
    """The one call of "Test verbinding" (GET organisation/), as the portal answers it
    for a token of the organisation with KVK_NUMBER; while the server is ``in_maintenance``
    every call gets a web page instead (a proxy's maintenance page)."""

    def do_GET(self) -> None:  # noqa: N802 (the name http.server calls)
        if getattr(self.server, "in_maintenance", False):
            content_type, body = "text/html", b"<html><body>Onderhoud</body></html>"
        else:
            content_type, body = "application/json", json.dumps({"kvk_number": KVK_NUMBER}).encode()
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args) -> None:  # noqa: A002
        pass


@dataclass
class Portal:
    url: str
    server: ThreadingHTTPServer

    def go_away(self) -> None:
        """The portal stops answering: its port is closed from now on."""
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def portal() -> Iterator[Portal]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Organisation)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    running = Portal(f"http://127.0.0.1:{server.server_address[1]}", server)
    yield running
    if running.server.socket.fileno() != -1:
        running.go_away()


def _tested_then_gone(portal: Portal):
    """An environment whose connection test reached ``portal``, which then went away; a
    message prepared to send."""
    env = make_environment(kvk_number=KVK_NUMBER, token="dpn_token", portal_url=portal.url)
    assert services.test_connection(env.profile).ok
    message = services.prepare(env.report)
    portal.go_away()
    return env, message


def _send(env) -> str:
    """Send and receive; the one error it reports, which is also the message's reason."""
    env.administration.refresh_from_db()
    result = services.send_receive(env.administration)
    (error,) = result.errors
    return error


def test_after_a_good_test_with_these_settings_the_portal_is_out_of_reach_for_now(portal):
    env, message = _tested_then_gone(portal)

    error = _send(env)

    assert error.startswith(f"Het accountancyportal op {portal.url} is nu niet bereikbaar.")
    assert FOR_NOW in error
    assert "Probeer het later opnieuw" in error and "neem dan contact op met uw accountant" in error
    assert SETTINGS_ADVICE not in error
    message.refresh_from_db()
    assert message.status == Status.SEND_FAILED
    assert message.reasons == [{"code": "unreachable", "message": error}]


def test_a_new_test_that_fails_says_the_same_and_then_the_settings_are_in_doubt(portal):
    env, _message = _tested_then_gone(portal)
    profile = CommunicationProfile.objects.get(pk=env.profile.pk)

    again = services.test_connection(profile)

    assert not again.ok and FOR_NOW in again.message
    # The last test failed: nothing says the settings are right any more.
    assert SETTINGS_ADVICE in _send(env)


def test_another_address_than_the_tested_one_keeps_the_settings_advice(portal, closed_port_url):
    env, _message = _tested_then_gone(portal)
    CommunicationProfile.objects.filter(pk=env.profile.pk).update(
        portal_url_override=closed_port_url
    )

    error = _send(env)

    assert error.startswith(f"Het accountancyportal op {closed_port_url} is niet bereikbaar.")
    assert SETTINGS_ADVICE in error and FOR_NOW not in error


def test_a_new_token_forgets_the_good_test(portal):
    env, _message = _tested_then_gone(portal)
    services.set_token(profile=env.profile, token="dpn_nieuw")

    error = _send(env)

    assert SETTINGS_ADVICE in error and FOR_NOW not in error


def test_without_any_test_the_settings_advice_stays(closed_port_url):
    env = make_environment(kvk_number=KVK_NUMBER, token="dpn_token", portal_url=closed_port_url)
    services.prepare(env.report)

    error = _send(env)

    assert SETTINGS_ADVICE in error and FOR_NOW not in error


# "Op ... antwoordt geen accountancyportal" (a page that is not the portal's API): the
# same advice as the unreachable portal, by the same rule.
NOT_A_PORTAL_SETTINGS = (
    "antwoordt geen accountancyportal. Controleer het deelnemernummer of het eigen portaladres"
)


def test_after_a_good_test_another_page_at_the_address_is_there_for_now(portal):
    env = make_environment(kvk_number=KVK_NUMBER, token="dpn_token", portal_url=portal.url)
    assert services.test_connection(env.profile).ok
    message = services.prepare(env.report)
    portal.server.in_maintenance = True  # type: ignore[attr-defined]

    error = _send(env)

    assert error.startswith(f"Op {portal.url} antwoordt nu geen accountancyportal.")
    assert "De verbindingstest met deze instellingen is op" in error
    assert "Probeer het later opnieuw" in error
    assert NOT_A_PORTAL_SETTINGS not in error and "deelnemernummer" not in error
    message.refresh_from_db()
    assert message.reasons == [{"code": "not_a_portal", "message": error}]


def test_without_a_good_test_another_page_at_the_address_names_the_settings(portal):
    env = make_environment(kvk_number=KVK_NUMBER, token="dpn_token", portal_url=portal.url)
    services.prepare(env.report)
    portal.server.in_maintenance = True  # type: ignore[attr-defined]

    assert NOT_A_PORTAL_SETTINGS in _send(env)
