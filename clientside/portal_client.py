"""The one HTTP client for the accountant's portal (CommSvc API).

A failed call raises PortalError with a plain Dutch sentence a bookkeeper can act on (what
happened, what to do); the exception text and the portal's own answer go to the log only.
"""

from __future__ import annotations

import base64
import ipaddress
import logging
import socket
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from types import MappingProxyType
from typing import Any
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from config.dates import format_moment

log = logging.getLogger(__name__)


@dataclass
class PortalError(Exception):
    """A failed call; ``retryable`` says whether trying again later can help."""

    code: str
    message: str
    retryable: bool
    http_status: int | None = None
    #: With duplicate_document: what the message that has the documents is (DUPLICATE_KINDS);
    #: empty when the portal did not say.
    kind: str = ""

    def __str__(self) -> str:
        return self.message

    @property
    def stored_nothing(self) -> bool:
        """The portal's own answer proves that it stored nothing of the call: one of the
        CommSvc API's refusals that it answers before it registers a message
        (REFUSED_BEFORE_STORING), with its code and its HTTP status. Not a time-out nor a
        broken connection (the upload may have arrived), nor a page without the portal's
        code (a proxy's 401, 413 or 429), nor ``message_id_reused`` (the portal has a
        message with this id)."""
        return self.http_status is not None and (
            REFUSED_BEFORE_STORING.get(self.code) == self.http_status
        )


_TOKEN_REFUSED = gettext_lazy(
    "Het token wordt geweigerd: het accountancyportal kent het niet. Vul bij 'Communicatie "
    "met accountant' het token in dat uw accountant gaf."
)
_TYPE_REFUSED = gettext_lazy(
    "Uw accountant kan dit soort bericht nu niet ontvangen. Neem contact op met uw accountant."
)

#: What a bookkeeper reads when the portal refuses a call, per error code of the CommSvc
#: API (connectors.api): what happened and what to do.
_REFUSALS = {
    "token_unknown": _TOKEN_REFUSED,
    "token_malformed": _TOKEN_REFUSED,
    "token_missing": gettext_lazy(
        "Er is geen token meegestuurd. Vul bij 'Communicatie met accountant' het token in "
        "dat uw accountant gaf."
    ),
    "token_revoked": gettext_lazy(
        "Het token is ingetrokken door uw accountant. Vraag uw accountant om een nieuw token "
        "en vul het in bij 'Communicatie met accountant'."
    ),
    "token_expired": gettext_lazy(
        "Het token is verlopen. Vraag uw accountant om een nieuw token en vul het in bij "
        "'Communicatie met accountant'."
    ),
    "connector_blocked": gettext_lazy(
        "De connector is geblokkeerd door uw accountant; er kan nu niets worden verzonden of "
        "opgehaald. Neem contact op met uw accountant."
    ),
    "feature_inactive": gettext_lazy(
        "Uw accountant ontvangt nog geen berichten via het accountancyportal (de activering "
        "staat daar uit). Neem contact op met uw accountant."
    ),
    "unknown_message_type": _TYPE_REFUSED,
    "message_type_blocked": _TYPE_REFUSED,
    "message_type_without_workflow": _TYPE_REFUSED,
    "payload_too_large": gettext_lazy(
        "Het bericht is te groot voor het accountancyportal. Neem contact op met uw accountant."
    ),
    "throttled": gettext_lazy(
        "Het accountancyportal krijgt nu te veel verzoeken. Probeer het over een paar minuten "
        "opnieuw."
    ),
}


#: The CommSvc API's refusals of an upload, each answered before the message is registered
#: (connectors.api), with its HTTP status: the token (401, connectors.authentication) and the
#: throttle (429, Django REST framework's check), before the view runs; the activation and
#: the connector (403, CommSvcAccess), before the view runs; the request itself (400 for a
#: body or parameter the API cannot take, 411 without a length, 413 over the size limit,
#: 415 not JSON or compressed) and the message type (400 unknown, 403 blocked or without a
#: workflow), in MessageListView.post before register_message.
REFUSED_BEFORE_STORING: Mapping[str, int] = MappingProxyType(
    {
        "token_missing": 401,
        "token_malformed": 401,
        "token_unknown": 401,
        "token_revoked": 401,
        "token_expired": 401,
        "feature_inactive": 403,
        "connector_blocked": 403,
        "message_type_blocked": 403,
        "message_type_without_workflow": 403,
        "throttled": 429,
        "invalid": 400,
        "malformed_json": 400,
        "unknown_parameter": 400,
        "unknown_message_type": 400,
        "length_required": 411,
        "payload_too_large": 413,
        "unsupported_media_type": 415,
        "unsupported_encoding": 415,
    }
)

#: What to do when the portal cannot be reached (PortalClient._unreachable) or another page
#: answers at its address (PortalClient._not_a_portal): after a good connection test with
#: these settings, for now; otherwise the settings are the likely cause.
_UNREACHABLE_FOR_NOW = gettext_lazy(
    "Het accountancyportal op %(url)s is nu niet bereikbaar. De verbindingstest met deze "
    "instellingen is op %(moment)s gelukt; het portal is dus waarschijnlijk tijdelijk niet "
    "bereikbaar. Probeer het later opnieuw; blijft dit zo, neem dan contact op met uw "
    "accountant."
)
_UNREACHABLE = gettext_lazy(
    "Het accountancyportal op %(url)s is niet bereikbaar. Controleer het deelnemernummer of "
    "het eigen portaladres bij 'Communicatie met accountant' en probeer het opnieuw."
)
_NOT_A_PORTAL_FOR_NOW = gettext_lazy(
    "Op %(url)s antwoordt nu geen accountancyportal. De verbindingstest met deze instellingen "
    "is op %(moment)s gelukt; er staat dus waarschijnlijk tijdelijk een andere pagina op dit "
    "adres, bijvoorbeeld tijdens onderhoud. Probeer het later opnieuw; blijft dit zo, neem "
    "dan contact op met uw accountant."
)
_NOT_A_PORTAL = gettext_lazy(
    "Op %(url)s antwoordt geen accountancyportal. Controleer het deelnemernummer of het eigen "
    "portaladres bij 'Communicatie met accountant'."
)

#: The portal refused an upload because it has these very documents already, in a message
#: still under way, filed, rejected by the client or refused by the KvK; nothing was stored.
DUPLICATE_DOCUMENT = "duplicate_document"
#: The "kind" of a duplicate_document answer (connectors.api): that message is still under
#: way, filed with the KvK (80), rejected by the client (40) or refused by the KvK (90).
DUPLICATE_KINDS = ("under_way", "filed", "rejected", "refused")
FILED = "filed"
#: The portal has no status change as late as the cursor asked for (connectors.api: a portal
#: restored from a backup); its answer carries its last cursor.
CURSOR_AHEAD = "cursor_ahead"


def _refusal(code: str, detail: str, status: int, kind: str = "") -> str:
    """The sentence for a refusal of the portal (an HTTP 4xx or 5xx answer)."""
    if code in _REFUSALS:
        return str(_REFUSALS[code])
    if code == DUPLICATE_DOCUMENT and kind == FILED:
        # The portal's sentence says that nothing more is needed and that a correction
        # goes as a heraanlevering: preparing the same report again cannot help.
        return _(
            "Het accountancyportal neemt deze stukken niet nog een keer aan: %(detail)s Dit "
            "bericht wordt daarom niet verzonden."
        ) % {"detail": _sentence(detail)}
    if code == DUPLICATE_DOCUMENT:
        # The portal's sentence names the message that has these documents and its status.
        return _(
            "Het accountancyportal neemt deze stukken niet nog een keer aan: %(detail)s Dit "
            "bericht wordt daarom niet opnieuw verzonden. Pas zo nodig het jaarrapport aan "
            "en kies daarna opnieuw 'Klaarzetten accountancyportal'."
        ) % {"detail": _sentence(detail)}
    if status >= 500 or status in (408, 429):
        return _("Het accountancyportal heeft een storing. Probeer het later opnieuw.")
    # Another refusal: the portal's own sentence says what is wrong with this message
    # (the CommSvc API answers in Dutch).
    return _(
        "Het accountancyportal heeft het verzoek geweigerd: %(detail)s Blijft dit zo, neem dan "
        "contact op met uw accountant."
    ) % {"detail": _sentence(detail)}


def _refused(call: str, response: requests.Response, body: dict) -> PortalError:
    """The error for a CommSvc refusal (HTTP 4xx or 5xx with its JSON body); the portal's
    own answer goes to the log."""
    code = str(body.get("code") or f"http_{response.status_code}")
    detail = str(body.get("detail") or response.reason or "")
    kind = str(body.get("kind") or "")
    kind = kind if code == DUPLICATE_DOCUMENT and kind in DUPLICATE_KINDS else ""
    log.warning(
        "Portal call %s refused (HTTP %s, %s): %s", call, response.status_code, code, detail
    )
    retryable = response.status_code in (408, 429) or response.status_code >= 500
    return PortalError(
        code,
        _refusal(code, detail, response.status_code, kind),
        retryable,
        http_status=response.status_code,
        kind=kind,
    )


def _sentence(text: str) -> str:
    text = " ".join(str(text).split())[:300] or _("geen reden opgegeven.")
    return text if text.endswith((".", "!", "?")) else f"{text}."


def address_problem(url: str) -> str | None:
    """Why the token must not be sent to ``url``, or None.

    Only https, and never to a loopback, private, link-local or otherwise reserved address
    (by name or after resolving it): the token is a secret and the server must not be made
    to call into its own network. CLIENTSIDE_ALLOW_LOCAL_PORTAL (on for development) allows
    both, for a portal on this machine; http or https it must still be. A name and
    password in the address are refused always, and never repeated in the message (it is
    shown on screen and stored as the last test result).
    """
    try:
        parts = urlsplit(url)
        port = parts.port  # a port that is not one: ValueError
    except ValueError:
        return _("Het portaladres is geen geldig webadres.")
    if "@" in parts.netloc:
        return _(
            "Het portaladres mag geen gebruikersnaam of wachtwoord bevatten; het portal krijgt "
            "alleen het token. Haal het deel tot en met '@' uit het adres."
        )
    if getattr(settings, "CLIENTSIDE_ALLOW_LOCAL_PORTAL", False):
        if parts.scheme not in ("http", "https"):
            return _("Het portaladres %(url)s moet met http:// of https:// beginnen.") % {
                "url": url
            }
        return None
    if parts.scheme != "https":
        return _("Het portaladres %(url)s moet met https:// beginnen.") % {"url": url}
    host = parts.hostname or ""
    try:
        infos = socket.getaddrinfo(host, port or 443, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        return None  # unreachable: the call itself says so
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%")[0])
        if not address.is_global:
            return _(
                "Het portaladres %(url)s wijst naar een intern adres (%(address)s); het token "
                "wordt daar niet naartoe gestuurd."
            ) % {"url": url, "address": address}
    return None


class PortalClient:
    """Calls of the CommSvc API with this environment's token (Bearer)."""

    def __init__(
        self,
        base_url: str,
        token: str,
        *,
        timeout: float = 30.0,
        reached_at: datetime | None = None,
    ) -> None:
        """``reached_at``: when a connection test with this address and token last
        succeeded (CommunicationProfile.reached_at), if it did; a portal out of reach is
        then out of reach for now, not at a wrong address."""
        self.base_url = base_url.rstrip("/")
        self.reached_at = reached_at
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
        except requests.Timeout as error:
            log.warning("Portal call %s %s timed out: %s", method, url, error)
            raise PortalError(
                "timeout",
                _("Het accountancyportal antwoordt niet op tijd. Probeer het later opnieuw."),
                retryable=True,
            ) from None
        except requests.RequestException as error:
            # Every failure of requests, not only a refused connection: an address it
            # cannot use (InvalidSchema, InvalidURL, ...), a broken answer, endless
            # redirects. Those that are also a ValueError are a request that is wrong in
            # itself, so trying it again cannot help.
            log.warning("Portal call %s %s failed: %s", method, url, error)
            retryable = not isinstance(error, ValueError)
            raise PortalError(
                "unreachable", self._unreachable(retryable), retryable=retryable
            ) from None
        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            log.warning(
                "Portal call %s %s answered HTTP %s without a CommSvc body: %.300s",
                method,
                url,
                response.status_code,
                response.text,
            )
            if response.status_code >= 500 or response.status_code in (408, 429):
                raise PortalError(
                    f"http_{response.status_code}",
                    _refusal("", "", response.status_code),
                    retryable=True,
                    http_status=response.status_code,
                )
            # A page that is not the CommSvc API (a wrong address or a proxy's page).
            raise PortalError(
                "not_a_portal",
                self._not_a_portal(),
                retryable=self.reached_at is not None,
                http_status=response.status_code,
            )
        if response.status_code >= 400:
            raise _refused(f"{method} {url}", response, body)
        return response.status_code, body

    def _not_a_portal(self) -> str:
        """What to do when a page other than the portal's API answers: after a connection
        test with these settings succeeded, the portal was there and something else
        answers for now (a maintenance page, say); otherwise the settings are the likely
        cause."""
        return self._advice(_NOT_A_PORTAL_FOR_NOW, _NOT_A_PORTAL, tested=True)

    def _unreachable(self, retryable: bool) -> str:
        """What to do when the portal cannot be reached: after a connection test with
        these settings succeeded, they are right and the portal is out of reach for now;
        otherwise the settings are the likely cause."""
        return self._advice(_UNREACHABLE_FOR_NOW, _UNREACHABLE, tested=retryable)

    def _advice(self, for_now: Promise, check_settings: Promise, *, tested: bool) -> str:
        """``for_now`` (with the moment of the good test) when ``tested`` counts and a
        connection test with these settings succeeded (``reached_at``), else
        ``check_settings``: the participant number or the address is the likely cause."""
        if tested and self.reached_at is not None:
            return str(for_now) % {
                "url": self.base_url,
                "moment": format_moment(self.reached_at),
            }
        return str(check_settings) % {"url": self.base_url}

    def check_connection(self) -> str | None:
        """Is the portal there and does it accept the token? Returns the KvK number of the
        organisation the token was issued for (None when the accountant recorded none), so
        the caller can tell a token meant for another company. Raises PortalError saying
        what is wrong (unreachable, not a portal, token refused or revoked, connector
        blocked). Reads only; nothing is changed."""
        body = self._call("GET", "organisation/")[1]
        number = body.get("kvk_number")
        return str(number) if number else None

    def upload(
        self,
        *,
        message_id: uuid.UUID,
        message_type: str,
        filename: str,
        content: bytes,
        proposed_adoption_date: date | None = None,
    ) -> dict:
        """UploadMessage; with ``proposed_adoption_date`` (the "Datum vaststelling" of
        accounts not yet adopted) the date the portal fills in where the client ticks
        "Jaarrekening vastgesteld". A portal of an earlier release ignores it."""
        payload = {
            "message_id": str(message_id),
            "message_type": message_type,
            "filename": filename,
            "content": base64.b64encode(content).decode("ascii"),
        }
        if proposed_adoption_date is not None:
            payload["proposed_adoption_date"] = proposed_adoption_date.isoformat()
        _, body = self._call("POST", "messages/", json=payload)
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
            log.warning(
                "Portal %s answered the updates call unexpectedly: %.300s", self.base_url, body
            )
            raise PortalError(
                "bad_answer",
                _(
                    "Het accountancyportal gaf een onverwacht antwoord op de vraag naar de "
                    "statussen. Probeer het later opnieuw; blijft dit zo, neem dan contact op "
                    "met uw accountant."
                ),
                retryable=True,
            ) from None
