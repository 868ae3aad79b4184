"""The one HTTP client for the accountant's portal (CommSvc API)."""

from __future__ import annotations

import base64
import ipaddress
import socket
import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests


@dataclass
class PortalError(Exception):
    """A failed call; ``retryable`` says whether trying again later can help."""

    code: str
    message: str
    retryable: bool
    http_status: int | None = None

    def __str__(self) -> str:
        return self.message


#: A cursor beyond any real one (the API accepts at most 18 digits).
CHECK_CURSOR = 10**18 - 1

#: What a user should read before the portal's own words, per error code.
_PREFIXES = {
    "token_unknown": "Het token wordt geweigerd: ",
    "token_revoked": "Het token is ingetrokken: ",
    "token_expired": "Het token is verlopen: ",
    "token_missing": "Het token ontbreekt: ",
    "token_malformed": "Het token wordt geweigerd: ",
    "connector_blocked": "De connector is geblokkeerd: ",
}


def address_problem(url: str) -> str | None:
    """Why the token must not be sent to ``url``, or None.

    Only https, and never to a loopback, private, link-local or otherwise reserved address
    (by name or after resolving it): the token is a secret and the server must not be made
    to call into its own network. CLIENTSIDE_ALLOW_LOCAL_PORTAL (on for development) allows
    both, for a portal on this machine.
    """
    from django.conf import settings

    if getattr(settings, "CLIENTSIDE_ALLOW_LOCAL_PORTAL", False):
        return None
    parts = urlsplit(url)
    if parts.scheme != "https":
        return f"Het portaladres {url} moet met https:// beginnen."
    host = parts.hostname or ""
    try:
        infos = socket.getaddrinfo(host, parts.port or 443, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        return None  # unreachable: the call itself says so
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%")[0])
        if not address.is_global:
            return (
                f"Het portaladres {url} wijst naar een intern adres ({address}); het token "
                "wordt daar niet naartoe gestuurd."
            )
    return None


class PortalClient:
    """Calls of the CommSvc API with this environment's token (Bearer)."""

    def __init__(self, base_url: str, token: str, *, timeout: float = 30.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.session = requests.Session()
        self.session.headers.update(
            {"Authorization": f"Bearer {token}", "Accept": "application/json"}
        )
        self.timeout = timeout
        self._address_checked = False

    def _call(self, method: str, path: str, **kwargs: Any) -> tuple[int, dict]:
        if not self._address_checked:
            problem = address_problem(self.base_url)
            if problem:
                raise PortalError("address_refused", problem, retryable=False)
            self._address_checked = True
        url = f"{self.base_url}/api/v1/{path}"
        try:
            response = self.session.request(method, url, timeout=self.timeout, **kwargs)
        except requests.Timeout:
            raise PortalError(
                "timeout",
                f"Het portal ({self.base_url}) antwoordt niet op tijd; probeer het later opnieuw.",
                retryable=True,
            )
        except (requests.ConnectionError, requests.exceptions.InvalidURL) as error:
            raise PortalError(
                "unreachable",
                f"Het portaladres {self.base_url} is niet bereikbaar. Controleer "
                "het deelnemernummer of het eigen portaladres.",
                retryable=not isinstance(error, requests.exceptions.InvalidURL),
            )
        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            if response.status_code >= 500 or response.status_code in (408, 429):
                raise PortalError(
                    f"http_{response.status_code}",
                    f"Het portal ({self.base_url}) heeft een storing (HTTP "
                    f"{response.status_code}); probeer het later opnieuw.",
                    retryable=True,
                    http_status=response.status_code,
                )
            # A page that is not the CommSvc API (a wrong address or a proxy's page).
            raise PortalError(
                "not_a_portal",
                f"Op {self.base_url} antwoordt geen accountancyportal (HTTP "
                f"{response.status_code}). Controleer het deelnemernummer of het eigen "
                "portaladres.",
                retryable=False,
                http_status=response.status_code,
            )
        if response.status_code >= 400:
            code = str(body.get("code") or f"http_{response.status_code}")
            detail = body.get("detail") or response.reason or "Onbekende fout"
            retryable = response.status_code in (408, 429) or response.status_code >= 500
            prefix = _PREFIXES.get(code, "")
            raise PortalError(
                code,
                f"{prefix}{detail} (HTTP {response.status_code})",
                retryable,
                http_status=response.status_code,
            )
        return response.status_code, body

    def check_connection(self) -> None:
        """Is the portal there and does it accept the token? Raises PortalError saying
        what is wrong (unreachable, not a portal, token refused or revoked, connector
        blocked). Asks for the status changes after a cursor no portal reaches, so the
        answer is empty and nothing is changed."""
        self._call("GET", "messages/updates/", params={"since": CHECK_CURSOR})

    def upload(
        self, *, message_id: uuid.UUID, message_type: str, filename: str, content: bytes
    ) -> dict:
        _, body = self._call(
            "POST",
            "messages/",
            json={
                "message_id": str(message_id),
                "message_type": message_type,
                "filename": filename,
                "content": base64.b64encode(content).decode("ascii"),
            },
        )
        return body

    def status(self, message_id: uuid.UUID) -> dict:
        return self._call("GET", f"messages/{message_id}/")[1]

    def updates(self, since: int) -> tuple[list[dict], int, bool]:
        """One page of status changes after ``since``: (updates, next cursor, more to ask).

        A portal that does not say whether more follow ("more") is asked again until a
        page comes back empty."""
        body = self._call("GET", "messages/updates/", params={"since": since})[1]
        try:
            updates = list(body["updates"])
            return updates, int(body["cursor"]), bool(body.get("more", bool(updates)))
        except (KeyError, TypeError, ValueError):
            raise PortalError(
                "bad_answer",
                f"Het portal ({self.base_url}) gaf een onverwacht antwoord op de statusvraag.",
                retryable=True,
            )
