"""The Digipoort WUS 2.0 client: deliver a filing (aanleveren) and follow its statuses.

The one module through which the project talks to Digipoort (docs/architecture.md: one
small client per peer, one error type that says whether a retry can help). Built on zeep
with Logius' WSDLs (``wsdl/``); WS-Addressing and WS-Security (``wssec.py``) are applied by
our own zeep plugin and signer because zeep's built-in WSSE signs only the Body and
Timestamp, while Digipoort requires every WS-Addressing header to be signed too.

Who calls this: the KvK submit and poll tasks of ``workflow`` (the lead's side). They pass a
stable delivery reference (aanleverkenmerk) per attempt; after any error on ``deliver``
the request may or may not have arrived, so a retry must first ask
``find_delivery(reference=...)`` and only send again when that returns None (and so does a
first attempt: a restored database does not know a delivery made after its backup).
"""

from __future__ import annotations

import functools
import os
import re
import threading
from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import requests
import zeep
import zeep.exceptions
from zeep.plugins import Plugin
from zeep.transports import Transport

from . import validation, wssec

WSDL_DIR = Path(__file__).resolve().parent / "wsdl"
AANLEVER_WSDL = WSDL_DIR / "aanleverservice-1.2.wsdl"
STATUS_WSDL = WSDL_DIR / "statusinformatieservice-1.2.wsdl"
AANLEVER_BINDING = (
    "{http://logius.nl/digipoort/wus/2.0/aanleverservice/1.2/}AanleverServiceSoapBinding_V1_2"
)
STATUS_BINDING = (
    "{http://logius.nl/digipoort/wus/2.0/statusinformatieservice/1.2/}"
    "StatusinformatieServiceSoapBinding_V1_2"
)
KV_NS = "http://logius.nl/digipoort/koppelvlakservices/1.2/"

#: Digipoort fault codes after which sending the same request again can succeed. Any
#: other fault (aanleverFault / statusinformatieFault) is a problem with the request,
#: the certificate or the authorisation that a retry will not fix.
RETRYABLE_FAULT_CODES = frozenset({"ALS400", "STS400"})

#: Where the local Digipoort (and, if Digipoort echoes it, the real one) puts the
#: aanleverkenmerk in the details of status 100, so find_delivery can match on it.
#: The WSDL's ProcesResultaat itself does not carry the aanleverkenmerk.
REFERENCE_MARKER = "aanleverkenmerk="


#: What an echoed aanleverkenmerk is read as: the letters, digits, "-" and "_" right after
#: REFERENCE_MARKER. Deponeer's own references are uuid4().hex (32 hex digits,
#: workflow.models.ApprovalMessage.approve), so punctuation that follows one in the
#: details ("aanleverkenmerk=<ours>;") is never taken as part of it; another package's
#: reference is read up to its first other character, which still tells it from ours.
_ECHOED_REFERENCE = re.compile(re.escape(REFERENCE_MARKER) + r"([A-Za-z0-9_-]+)")


def delivery_references(timeline: list[DigipoortStatus]) -> set[str]:
    """The aanleverkenmerken a delivery's timeline shows (REFERENCE_MARKER in a status'
    details, read as _ECHOED_REFERENCE): the reference it was sent with, where Digipoort
    echoes it."""
    return {match.group(1) for s in timeline for match in _ECHOED_REFERENCE.finditer(s.details)}


class DigipoortError(Exception):
    """Anything that kept a Digipoort call from giving an answer.

    ``code``: Digipoort's foutcode for a SOAP fault, else one of TLS, TIMEOUT,
    CONNECTION, HTTP, SECURITY, PROTOCOL, CONFIG, REQUEST, AMBIGUOUS. ``retryable``: whether the
    same call may succeed later (after ``find_delivery`` for a delivery).
    """

    def __init__(self, code: str, message: str, *, retryable: bool) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.retryable = retryable


@dataclass(frozen=True)
class DigipoortStatus:
    """One entry of a delivery's timeline (StatusResultaat)."""

    code: int
    timestamp: datetime
    description: str
    error_code: str = ""
    details: str = ""


@dataclass(frozen=True)
class DigipoortConfig:
    aanlever_url: str
    status_url: str
    client_cert: str
    client_key: str
    ca_bundle: str
    berichtsoort: str
    identiteit_type: str
    rol: str
    autorisatie_adres: str
    signature_algorithm: str
    digest_algorithm: str
    timeout: float = 30.0

    @classmethod
    def from_settings(cls) -> DigipoortConfig:
        from django.conf import settings

        return cls(
            aanlever_url=settings.DIGIPOORT_AANLEVER_URL,
            status_url=settings.DIGIPOORT_STATUS_URL,
            client_cert=str(settings.DIGIPOORT_CLIENT_CERT),
            client_key=str(settings.DIGIPOORT_CLIENT_KEY),
            ca_bundle=str(settings.DIGIPOORT_CA_BUNDLE),
            berichtsoort=settings.DIGIPOORT_BERICHTSOORT,
            identiteit_type=settings.DIGIPOORT_IDENTITEIT_TYPE,
            rol=settings.DIGIPOORT_ROL,
            autorisatie_adres=settings.DIGIPOORT_AUTORISATIE_ADRES,
            signature_algorithm=settings.DIGIPOORT_SIGNATURE_ALGORITHM,
            digest_algorithm=settings.DIGIPOORT_DIGEST_ALGORITHM,
            timeout=float(settings.DIGIPOORT_TIMEOUT_SECONDS),
        )


class _Addressing(Plugin):
    """Adds To, Action, MessageID and ReplyTo (anonymous) to each request.

    A zeep plugin rather than zeep's own WS-Addressing because Logius' WSDL puts no
    wsaw:Action on the inputs (so zeep would add none), and because the signer below must
    run after these headers exist. The MessageID is remembered per thread so the response's
    RelatesTo can be checked.
    """

    def __init__(self, local: threading.local) -> None:
        self._local = local

    def egress(self, envelope, http_headers, operation, binding_options):
        message_id = wssec.new_message_id()
        self._local.message_id = message_id
        wssec.add_addressing(
            envelope,
            wssec.Addressing(
                to=binding_options["address"],
                action=operation.soapaction,
                message_id=message_id,
                reply_to=wssec.ANONYMOUS,
            ),
        )
        return envelope, http_headers


class _Transport(Transport):
    """zeep's transport with our TLS settings passed on every request.

    requests lets REQUESTS_CA_BUNDLE / CURL_CA_BUNDLE from the environment override a
    session's ``verify``; for Digipoort the trusted CA must be exactly the configured one.
    """

    def __init__(self, *, session: requests.Session, config: DigipoortConfig) -> None:
        super().__init__(session=session, timeout=config.timeout, operation_timeout=config.timeout)
        self._verify = config.ca_bundle
        self._cert = (config.client_cert, config.client_key)

    def post(self, address, message, headers):
        return self.session.post(
            address,
            data=message,
            headers=headers,
            timeout=self.operation_timeout,
            verify=self._verify,
            cert=self._cert,
        )


class _Files:
    """Certificate and key files read once and again only when they change on disk (a
    renewed certificate is picked up without a restart)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._cache: dict[str, tuple[int, bytes]] = {}

    def read(self, path: str) -> bytes:
        stamp = os.stat(path).st_mtime_ns
        with self._lock:
            cached = self._cache.get(path)
            if cached is not None and cached[0] == stamp:
                return cached[1]
        content = Path(path).read_bytes()
        with self._lock:
            self._cache[path] = (stamp, content)
        return content


_files = _Files()


@functools.lru_cache(maxsize=8)
def _trusted(bundle: bytes) -> tuple[Any, ...]:
    return tuple(wssec.load_certificates(bundle))


class _Signer:
    """zeep's WSSE hook: sign each request, verify each response."""

    def __init__(self, config: DigipoortConfig, local: threading.local) -> None:
        self._config = config
        self._local = local

    def apply(self, envelope, headers):
        envelope = wssec.sign_envelope(
            envelope,
            key_pem=_files.read(self._config.client_key),
            cert_pem=_files.read(self._config.client_cert),
            signature_algorithm=self._config.signature_algorithm,
            digest_algorithm=self._config.digest_algorithm,
        )
        return envelope, headers

    def verify(self, envelope):
        header = envelope.find(f"{{{wssec.SOAP_ENV}}}Header")
        signed = header is not None and header.find(f"{{{wssec.WSSE}}}Security") is not None
        is_fault = envelope.find(f"{{{wssec.SOAP_ENV}}}Body/{{{wssec.SOAP_ENV}}}Fault") is not None
        if not signed:
            # A fault tells us the request failed whoever sent it; an unsigned answer that
            # claims success is not to be trusted.
            if is_fault:
                return envelope
            raise wssec.WsSecurityError("the response is not signed")
        trusted = list(_trusted(_files.read(self._config.ca_bundle)))
        verified = wssec.verify_envelope(envelope, trusted=trusted)
        expected = getattr(self._local, "message_id", "")
        if not is_fault and verified.addressing.relates_to != expected:
            raise wssec.WsSecurityError("the response does not relate to our request")
        if verified.addressing.to not in ("", wssec.ANONYMOUS):
            raise wssec.WsSecurityError("the response is addressed to someone else")
        return envelope


def _text(value: Any) -> str:
    return "" if value is None else str(value)


#: The zone of a Digipoort time without an offset. The schema types every tijdstempel as
#: plain xsd:dateTime (wsdl/digipoort-koppelvlak-1.2.xsd, e.g. tijdstempelStatus in
#: getStatussenProcesResponse), without a pattern that requires a zone, and XML Schema
#: (Part 2, 3.2.7 dateTime) makes the zone optional: such a time is local time. Digipoort
#: is Logius' Dutch service, so its local time is Dutch time; read as UTC it would be an
#: hour (winter) or two (summer) early, and a delivery of ours could look as if it began
#: before the approval (workflow.submission.not_this_messages_delivery).
DIGIPOORT_ZONE = ZoneInfo("Europe/Amsterdam")


def _as_utc(value: datetime) -> datetime:
    """``value`` in UTC; one without an offset is read as DIGIPOORT_ZONE's local time."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=DIGIPOORT_ZONE)
    return value.astimezone(UTC)


def _items(response: Any, name: str) -> list[Any]:
    """The repeated elements of an ArrayOf... answer (zeep unwraps a lone array to a list)."""
    if response is None:
        return []
    if isinstance(response, list):
        return response
    return list(getattr(response, name, None) or [])


class DigipoortClient:
    def __init__(
        self, config: DigipoortConfig | None = None, *, session: requests.Session | None = None
    ) -> None:
        self.config = config or DigipoortConfig.from_settings()
        self._local = threading.local()
        transport = _Transport(session=session or requests.Session(), config=self.config)
        settings = zeep.Settings(strict=True, xml_huge_tree=False, forbid_entities=True)
        plugins = [_Addressing(self._local)]
        signer = _Signer(self.config, self._local)
        self._aanlever = zeep.Client(
            str(AANLEVER_WSDL), transport=transport, wsse=signer, plugins=plugins, settings=settings
        )
        self._status = zeep.Client(
            str(STATUS_WSDL), transport=transport, wsse=signer, plugins=plugins, settings=settings
        )
        self._aanlever_service = self._aanlever.create_service(
            AANLEVER_BINDING, self.config.aanlever_url
        )
        self._status_service = self._status.create_service(STATUS_BINDING, self.config.status_url)

    # --- operations ----------------------------------------------------------------------

    def deliver(self, *, reference: str, kvk_number: str, filename: str, content: bytes) -> str:
        """aanleveren: hand one XBRL instance to Digipoort; returns Digipoort's kenmerk.

        ``reference`` is our aanleverkenmerk (max 40 characters), stable per attempt.
        """
        if not 0 < len(reference) <= 40:
            raise DigipoortError(
                "REQUEST", "the aanleverkenmerk must have 1 to 40 characters", retryable=False
            )
        response = self._call(
            self._aanlever_service.aanleveren,
            berichtsoort=self.config.berichtsoort,
            aanleverkenmerk=reference,
            identiteitBelanghebbende=self._identity(kvk_number),
            rolBelanghebbende=self.config.rol,
            berichtInhoud={
                "mimeType": "application/xml",
                "bestandsnaam": validation.fitted_filename(filename),
                "inhoud": content,
            },
            autorisatieAdres=self.config.autorisatie_adres or None,
        )
        kenmerk = _text(getattr(response, "kenmerk", None))
        if not kenmerk:
            raise DigipoortError("PROTOCOL", "aanleverResponse without kenmerk", retryable=False)
        return kenmerk

    def statuses(self, kenmerk: str) -> list[DigipoortStatus]:
        """getStatussenProces: the whole timeline of one delivery, oldest first."""
        response = self._call(
            self._status_service.getStatussenProces,
            kenmerk=kenmerk,
            autorisatieAdres=self.config.autorisatie_adres or None,
        )
        return self._to_statuses(response)

    def processes(self, kvk_number: str) -> list[str]:
        """getProcessen: the kenmerken of the deliveries of this message type for a KvK
        number (who a delivery belongs to)."""
        response = self._call(
            self._status_service.getProcessen,
            berichtsoort=self.config.berichtsoort,
            identiteitBelanghebbende=self._identity(kvk_number),
            autorisatieAdres=self.config.autorisatie_adres or None,
        )
        return [_text(process.kenmerk) for process in _items(response, "ProcesResultaat")]

    def find_delivery(
        self,
        *,
        reference: str,
        kvk_number: str,
        since: datetime,
        known: Collection[str] = (),
    ) -> str | None:
        """The kenmerk of the delivery we made with ``reference`` at or after ``since``.

        Recovers a crash between "sent" and "recorded" without sending again: getProcessen
        lists the processes for this KvK number and message type; the one whose timeline
        carries our aanleverkenmerk is ours. ``known``: kenmerken the caller knows to be
        other deliveries (its other filings), passed over without asking their timelines.
        Returns None when Digipoort knows no such delivery (then sending is safe). Raises
        DigipoortError(AMBIGUOUS) when processes started in the window cannot be told
        apart, because guessing could file twice.
        """
        since = _as_utc(since)
        unlabelled = []
        for kenmerk in self.processes(kvk_number):
            if kenmerk in known:
                continue
            timeline = self.statuses(kenmerk)
            if not timeline or max(s.timestamp for s in timeline) < since:
                continue  # an older delivery for this KvK number
            labels = delivery_references(timeline)
            if reference in labels:
                return kenmerk
            if not labels and min(s.timestamp for s in timeline) >= since:
                unlabelled.append(kenmerk)
        if unlabelled:
            raise DigipoortError(
                "AMBIGUOUS",
                f"deliveries {', '.join(unlabelled)} started after {since.isoformat()} do not "
                f"show their aanleverkenmerk; check by hand before sending {reference} again",
                retryable=False,
            )
        return None

    # --- plumbing ------------------------------------------------------------------------

    def _identity(self, kvk_number: str) -> dict[str, str]:
        return {"nummer": kvk_number, "type": self.config.identiteit_type}

    @staticmethod
    def _to_statuses(response: Any) -> list[DigipoortStatus]:
        items = _items(response, "StatusResultaat")
        result = []
        for item in items:
            fout = getattr(item, "statusFoutcode", None)
            error_code = _text(getattr(fout, "foutcode", None)) if fout is not None else ""
            error_text = _text(getattr(fout, "foutbeschrijving", None)) if fout is not None else ""
            details = _text(getattr(item, "statusdetails", None))
            try:
                code = int(_text(item.statuscode))
            except ValueError:
                raise DigipoortError(
                    "PROTOCOL", f"status code {item.statuscode!r} is not a number", retryable=False
                ) from None
            result.append(
                DigipoortStatus(
                    code=code,
                    timestamp=_as_utc(item.tijdstempelStatus),
                    description=_text(item.statusomschrijving),
                    error_code=error_code,
                    details=details or error_text,
                )
            )
        result.sort(key=lambda s: s.timestamp)
        return result

    def _call(self, operation: Any, **kwargs: Any) -> Any:
        self._check_files()
        try:
            return operation(**kwargs)
        except _CALL_ERRORS as exc:
            raise _call_error(exc) from None

    def _check_files(self) -> None:
        """Refuse to call without a configured, existing certificate, key and CA bundle."""
        if not (self.config.client_cert and self.config.client_key and self.config.ca_bundle):
            # The CA bundle is needed twice: to trust Digipoort's TLS certificate and the
            # certificate that signs its answers.
            raise DigipoortError(
                "CONFIG",
                "Digipoort needs a client certificate, its key and a CA bundle",
                retryable=False,
            )
        for path in (self.config.client_cert, self.config.client_key, self.config.ca_bundle):
            if path and not Path(path).is_file():
                raise DigipoortError("CONFIG", f"file {path} does not exist", retryable=False)


#: What a call to Digipoort can raise that ``_call_error`` turns into a DigipoortError.
_CALL_ERRORS = (
    zeep.exceptions.Error,
    wssec.WsSecurityError,
    requests.exceptions.SSLError,
    requests.exceptions.Timeout,
    requests.exceptions.ConnectionError,
)


def _call_error(exc: Exception) -> DigipoortError:
    """One of ``_CALL_ERRORS`` as DigipoortError, saying whether a retry can help."""
    if isinstance(exc, zeep.exceptions.Fault):
        return _fault_error(exc)
    if isinstance(exc, wssec.WsSecurityError):
        return DigipoortError("SECURITY", str(exc), retryable=False)
    if isinstance(exc, zeep.exceptions.TransportError):
        retryable = exc.status_code >= 500 or exc.status_code == 429
        return DigipoortError("HTTP", f"HTTP {exc.status_code}: {exc.message}", retryable=retryable)
    if isinstance(exc, zeep.exceptions.Error):  # schema violations, unparseable answers
        return DigipoortError("PROTOCOL", str(exc), retryable=False)
    if isinstance(exc, requests.exceptions.SSLError):
        return DigipoortError("TLS", _tls_reason(exc), retryable=False)
    if isinstance(exc, requests.exceptions.Timeout):
        return DigipoortError("TIMEOUT", str(exc), retryable=True)
    if _is_tls_refusal(exc):  # a ConnectionError
        return DigipoortError("TLS", _tls_reason(exc), retryable=False)
    return DigipoortError("CONNECTION", str(exc), retryable=True)


def _fault_error(fault: zeep.exceptions.Fault) -> DigipoortError:
    """A SOAP fault as DigipoortError: Digipoort's foutcode when the detail has one.

    A fault without a Digipoort code (a gateway or server fault before Digipoort's own
    handling) counts as retryable when SOAP says the server is at fault.
    """
    code, description = "", ""
    if fault.detail is not None:
        code = _first_text(fault.detail, "foutcode")
        description = _first_text(fault.detail, "foutbeschrijving")
    message = description or _text(fault.message)
    if code:
        return DigipoortError(code, message, retryable=code in RETRYABLE_FAULT_CODES)
    faultcode = _text(fault.code)
    server_side = faultcode.rpartition(":")[2] == "Server"
    return DigipoortError(faultcode or "FAULT", message, retryable=server_side)


def _first_text(detail: Any, name: str) -> str:
    for node in detail.iter(f"{{{KV_NS}}}{name}", name):
        return (node.text or "").strip()
    return ""


def _is_tls_refusal(exc: Exception) -> bool:
    text = str(exc).lower()
    return any(word in text for word in ("certificate", "ssl", "tls", "handshake"))


def _tls_reason(exc: Exception) -> str:
    return f"TLS refused (certificate missing, not trusted or expired?): {exc}"


__all__ = [
    "DigipoortClient",
    "DigipoortConfig",
    "DigipoortError",
    "DigipoortStatus",
]
