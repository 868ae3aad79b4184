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
from clientside.portal_client import PortalClient, PortalError
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


def _send_receive_flashes(client, env) -> list[str]:
    url = f"/klant/administraties/{env.administration.pk}/verzenden-ontvangen/"
    return [str(m) for m in client.post(url, follow=True).context["messages"]]


def test_a_connector_the_accountant_blocked_is_a_step_to_contact_the_accountant(
    bookkeeper, env_a, connector
):
    """The walk: the accountant blocked the connector while a message was under way. The
    run was refused at the token check and the page said so in a note, but the step and
    the list still said "Wachten op het portal": the refusal is the step, until a run
    gets through."""
    _under_way(env_a)
    connector.blocked = True
    connector.save()

    said = _send_receive_flashes(bookkeeper, env_a)
    assert any("De connector is geblokkeerd door uw accountant" in text for text in said)
    # The error is the next step: no "Volgende stap: ..." saying it a second time.
    assert not any(text.startswith("Volgende stap") for text in said), said

    moment = _moment(env_a)
    text, link = _step(bookkeeper, env_a)
    # The link leads to the button the sentence names (the settings offer nothing to do).
    assert link == f"/klant/administraties/{env_a.administration.pk}/#verzenden"
    assert text == (
        f"Het accountancyportal weigerde op {moment} 'Verzenden/ontvangen accountancyportal'. "
        "De connector is geblokkeerd door uw accountant; er kan nu niets worden verzonden of "
        "opgehaald. Neem contact op met uw accountant. Is het opgelost, klik dan opnieuw op "
        "'Verzenden/ontvangen accountancyportal'."
    )
    assert _last_run(bookkeeper, env_a) == ""  # said once, as the step
    listed = _list_step(bookkeeper, env_a)
    assert listed == f"Contact opnemen met accountant | Verzenden/ontvangen geweigerd op {moment}"

    # The accountant lifts the block: the next run gets through.
    connector.blocked = False
    connector.save()
    tasks.send_receive_all()
    assert _list_step(bookkeeper, env_a) == "Wachten op het portal"


def test_another_page_at_the_portal_address_is_a_step_to_check_the_address(
    bookkeeper, env_a, client_a, portal_url, settings
):
    """The address answers with a page that is not the portal's API, and no connection
    test with these settings ever succeeded: the participant number or the address is
    wrong, and nothing is sent until it is corrected."""
    settings.CLIENTSIDE_ALLOW_LOCAL_PORTAL = True
    _under_way(env_a)
    CommunicationProfile.objects.filter(pk=env_a.profile.pk).update(
        portal_url_override=portal_url + "/geen-portal"
    )

    tasks.send_receive_all()

    moment = _moment(env_a)
    text, link = _step(bookkeeper, env_a)
    assert link == f"/klant/administraties/{env_a.administration.pk}/communicatie/"
    assert text == (
        f"'Verzenden/ontvangen accountancyportal' vond op {moment} geen accountancyportal op "
        f"het portaladres. Op {portal_url}/geen-portal antwoordt geen accountancyportal. "
        "Controleer het deelnemernummer of het eigen portaladres bij 'Communicatie met "
        "accountant'. Tot dit is opgelost, wordt er niets verzonden of opgehaald."
    )
    assert _last_run(bookkeeper, env_a) == ""
    listed = _list_step(bookkeeper, env_a)
    assert listed == f"Portaladres controleren | Portal niet gevonden op {moment}"

    # The bookkeeper corrects the address, with the token again (it goes only to the
    # address it was entered for): what the run found at the old address is not said.
    data = browser_form(bookkeeper, link, "portal_url_override")
    response = bookkeeper.post(
        link, {**data, "portal_url_override": portal_url, "token": client_a.token}
    )
    assert response.status_code == 302
    text, _link = _step(bookkeeper, env_a)
    assert text.startswith("Het bericht is onderweg (status 10")
    assert _list_step(bookkeeper, env_a) == "Wachten op het portal"


def test_a_run_that_crashes_is_said_instead_of_the_run_before(
    bookkeeper, env_a, closed_port_url, portal_url, settings, monkeypatch, caplog
):
    """A run that stopped on an unexpected error left the outcome of the run before on
    the pages (here: the portal out of reach), as if that were still the news. The crash
    is said in a plain sentence; the error itself stays in the log and, for a click, goes
    on to Django's error handling."""
    settings.CLIENTSIDE_ALLOW_LOCAL_PORTAL = True
    settings.CLIENTSIDE_SEND_RECEIVE_INTERVAL_SECONDS = 300
    _under_way(env_a)
    CommunicationProfile.objects.filter(pk=env_a.profile.pk).update(
        portal_url_override=closed_port_url
    )
    tasks.send_receive_all()
    assert "Portal niet bereikbaar" in _list_step(bookkeeper, env_a)

    CommunicationProfile.objects.filter(pk=env_a.profile.pk).update(portal_url_override=portal_url)

    def crash(*args, **kwargs):
        raise RuntimeError("kapot in de database-laag")

    monkeypatch.setattr(services, "_receive_updates", crash)
    with caplog.at_level("ERROR", logger="clientside.services"):
        outcome = tasks.send_receive_all()
    assert "kapot in de database-laag" in caplog.text  # logged, with the error
    assert outcome[env_a.administration.kvk_number].startswith("0 verzonden")

    moment = _moment(env_a)
    said = _last_run(bookkeeper, env_a)
    assert said == (
        f"'Verzenden/ontvangen accountancyportal' lukte op {moment} niet: er ging in deze "
        "omgeving iets onverwachts mis; de details staan in het logboek. Probeer het later "
        "opnieuw; blijft dit zo, meld het dan aan de beheerder van deze omgeving."
    )
    assert _list_step(bookkeeper, env_a) == (
        f"Wachten op het portal | Verzenden/ontvangen mislukt op {moment}"
    )

    # A click that crashes is recorded the same way, and the error is not swallowed.
    CommunicationProfile.objects.filter(pk=env_a.profile.pk).update(last_run_problem="")
    with pytest.raises(RuntimeError):
        bookkeeper.post(f"/klant/administraties/{env_a.administration.pk}/verzenden-ontvangen/")
    assert CommunicationProfile.objects.get(pk=env_a.profile.pk).last_run_problem == "failed"


def test_a_token_saved_while_a_run_is_under_way_is_not_said_to_be_refused(
    bookkeeper, env_a, client_a, connector, settings, monkeypatch
):
    """The bookkeeper saves the accountant's new token while a run with the old one is
    under way, and the portal refuses the old one: what that run found is about the old
    token, so the pages do not say the new one was refused."""
    settings.CLIENTSIDE_ALLOW_LOCAL_PORTAL = True
    _under_way(env_a)
    _token, raw = connector_services.issue_token(
        organisation=client_a.organisation, connector=connector
    )

    def refused_after_a_new_token_is_saved(client) -> str | None:
        services.set_token(profile=env_a.profile, token=raw)
        raise PortalError("token_revoked", "Het token is ingetrokken.", retryable=False)

    monkeypatch.setattr(PortalClient, "check_connection", refused_after_a_new_token_is_saved)
    services.send_receive(env_a.administration)

    profile = CommunicationProfile.objects.get(pk=env_a.profile.pk)
    assert profile.token == raw
    assert profile.last_run_problem == "" and profile.last_run_at is None
    assert "Token geweigerd" not in _list_step(bookkeeper, env_a)
    assert _list_step(bookkeeper, env_a) == "Wachten op het portal"
