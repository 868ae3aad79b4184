"""The WUS operations of the local Digipoort: what it answers to a checked request.

``aanleveren`` checks the request, stores the delivery and returns a fresh kenmerk; the
status operations give a delivery's timeline as far as the stub's clock has brought it.
"""

from __future__ import annotations

import base64
import binascii
import logging
from dataclasses import dataclass
from typing import Any

from lxml import etree

from .. import validation
from .protocol import (
    AANLEVER_NS,
    KV,
    STATUS_NS,
    SoapFault,
    add_identity,
    child_text,
    iso,
    kv_node,
    parse_time,
)
from .scenarios import DESCRIPTIONS, UNKNOWN_CODE
from .state import Delivery, StubState

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class _Aanlevering:
    """The fields of an aanleverRequest, as text."""

    berichtsoort: str
    reference: str
    nummer: str
    type_: str
    rol: str
    filename: str
    inhoud: str
    autorisatie: str

    @classmethod
    def read(cls, request: etree._Element) -> _Aanlevering:
        return cls(
            berichtsoort=child_text(request, "kv:berichtsoort"),
            reference=child_text(request, "kv:aanleverkenmerk"),
            nummer=child_text(request, "kv:identiteitBelanghebbende/kv:nummer"),
            type_=child_text(request, "kv:identiteitBelanghebbende/kv:type"),
            rol=child_text(request, "kv:rolBelanghebbende"),
            filename=child_text(request, "kv:berichtInhoud/kv:bestandsnaam"),
            inhoud=child_text(request, "kv:berichtInhoud/kv:inhoud"),
            autorisatie=child_text(request, "kv:autorisatieAdres"),
        )

    def missing(self) -> list[str]:
        """The names of the required fields left empty."""
        return [
            name
            for name, value in (
                ("berichtsoort", self.berichtsoort),
                ("identiteitBelanghebbende", self.nummer and self.type_),
                ("rolBelanghebbende", self.rol),
                ("bestandsnaam", self.filename),
                ("inhoud", self.inhoud),
            )
            if not value
        ]


class Operations:
    """The operations as ``_op_<name>(request, path) -> (response element, wsa:Action)``;
    a SoapFault for a request they refuse."""

    state: StubState
    berichtsoorten: list[str]

    def _op_aanleveren(self, request: etree._Element, path: str):
        aanlevering = _Aanlevering.read(request)
        content = self._checked_content(aanlevering, path)
        self._raise_aanlever_fault(path)
        delivery = self.state.receive(
            reference=aanlevering.reference,
            kvk_number=aanlevering.nummer,
            identiteit_type=aanlevering.type_,
            rol=aanlevering.rol,
            berichtsoort=aanlevering.berichtsoort,
            filename=aanlevering.filename,
            content=content,
        )
        log.info(
            "aanleveren %s kenmerk %s (%s)",
            aanlevering.reference,
            delivery.kenmerk,
            aanlevering.nummer,
        )
        return _aanlever_response(aanlevering, delivery), AANLEVER_NS + "aanleverenResponse"

    def _checked_content(self, aanlevering: _Aanlevering, path: str) -> bytes:
        """The delivered file, once the request is complete and acceptable."""
        missing = aanlevering.missing()
        if missing:
            raise SoapFault("request", path, "ontbreekt: " + ", ".join(missing))
        if aanlevering.berichtsoort not in self.berichtsoorten:
            raise SoapFault("request", path, f"berichtsoort {aanlevering.berichtsoort!r} onbekend")
        if len(aanlevering.reference) > 40:
            raise SoapFault("request", path, "aanleverkenmerk langer dan 40 tekens")
        try:
            content = base64.b64decode(aanlevering.inhoud, validate=True)
        except (binascii.Error, ValueError):
            raise SoapFault("request", path, "inhoud is geen base64") from None
        # The koppelvlak's limits on bestandsnaam and inhoud (kvk.digipoort.validation).
        refused = validation.request_refusals(filename=aanlevering.filename, size=len(content))
        if refused:
            raise SoapFault("request", path, "; ".join(f.message_nl for f in refused))
        return content

    def _raise_aanlever_fault(self, path: str) -> None:
        """The aanleverFault switch: raise the configured fault while it is on."""
        with self.state.lock:
            faults = self.state.faults
            if faults.take("aanlever_faults"):
                fault = SoapFault("technical", path, client=False)
                fault.code, fault.text = faults.aanlever_fault_code, faults.aanlever_fault_message
                raise fault

    def _statuses(self, request, path: str, name: str, since_new: bool):
        kenmerk = child_text(request, "kv:kenmerk")
        delivery, entries = self._timeline(kenmerk, path, since_new=since_new)
        since_ts, until_ts = _window(request, path)
        response = etree.Element(f"{{{KV}}}{name}Response")
        result = kv_node(response, f"{name}Return")
        for entry in entries:
            if since_ts <= entry["at"] <= until_ts:
                _status_item(result, delivery, entry)
        return response, STATUS_NS + f"{name}Response"

    def _timeline(
        self, kenmerk: str, path: str, *, since_new: bool
    ) -> tuple[Delivery, list[dict[str, Any]]]:
        """The delivery, caught up with the clock, and its statuses: all of them, or
        (``since_new``) those not given before, which from now on count as given."""
        with self.state.lock:
            delivery = self.state.get(kenmerk)
            if delivery is None:
                raise SoapFault("unknown", path, kenmerk)
            delivery = self.state.advance(delivery, poll=True, reload=False)
            entries = delivery.timeline
            if since_new:
                entries = entries[delivery.reported_new :]
                delivery.reported_new = len(delivery.timeline)
                self.state.save(delivery)
        return delivery, entries

    def _op_getStatussenProces(self, request, path):  # noqa: N802 - WSDL operation name
        return self._statuses(request, path, "getStatussenProces", since_new=False)

    def _op_getNieuweStatussenProces(self, request, path):  # noqa: N802 - WSDL operation name
        return self._statuses(request, path, "getNieuweStatussenProces", since_new=True)

    def _op_getProcessen(self, request, path):  # noqa: N802 - WSDL operation name
        berichtsoort = child_text(request, "kv:berichtsoort")
        nummer = child_text(request, "kv:identiteitBelanghebbende/kv:nummer")
        response = etree.Element(f"{{{KV}}}getProcessenResponse")
        result = kv_node(response, "getProcessenReturn")
        for delivery in self.state.all(kvk_number=nummer):
            if delivery.berichtsoort != berichtsoort:
                continue
            item = kv_node(result, "ProcesResultaat")
            kv_node(item, "kenmerk", delivery.kenmerk)
            kv_node(item, "berichtsoort", delivery.berichtsoort)
            add_identity(
                item, "identiteitBelanghebbende", delivery.kvk_number, delivery.identiteit_type
            )
        return response, STATUS_NS + "getProcessenResponse"

    def _op_getBerichtsoorten(self, request, path):  # noqa: N802 - WSDL operation name
        response = etree.Element(f"{{{KV}}}getBerichtsoortenResponse")
        result = kv_node(response, "getBerichtsoortenReturn")
        for soort in self.berichtsoorten:
            kv_node(result, "berichtsoort", soort)
        return response, STATUS_NS + "getBerichtsoortenResponse"


def _aanlever_response(aanlevering: _Aanlevering, delivery: Delivery) -> etree._Element:
    """The aanleverResponse for a stored delivery: its kenmerk and status 100."""
    response = etree.Element(f"{{{KV}}}aanleverResponse")
    kv_node(response, "kenmerk", delivery.kenmerk)
    kv_node(response, "berichtsoort", aanlevering.berichtsoort)
    if aanlevering.reference:
        kv_node(response, "aanleverkenmerk", aanlevering.reference)
    kv_node(response, "tijdstempelAangeleverd", iso(delivery.received_at))
    add_identity(response, "identiteitBelanghebbende", aanlevering.nummer, aanlevering.type_)
    kv_node(response, "rolBelanghebbende", aanlevering.rol)
    if aanlevering.autorisatie:
        kv_node(response, "autorisatieAdres", aanlevering.autorisatie)
    kv_node(response, "statuscode", "100")
    kv_node(response, "tijdstempelStatus", iso(delivery.received_at))
    kv_node(response, "statusomschrijving", DESCRIPTIONS[100])
    return response


def _window(request: etree._Element, path: str) -> tuple[float, float]:
    """The requested period (tijdstempelVanaf, tijdstempelTot) in epoch seconds; open ends
    when not given."""
    since = child_text(request, "kv:tijdstempelVanaf")
    until = child_text(request, "kv:tijdstempelTot")
    try:
        since_ts = parse_time(since) if since else float("-inf")
        until_ts = parse_time(until) if until else float("inf")
    except ValueError:
        raise SoapFault("request", path, "ongeldig tijdstempel") from None
    return since_ts, until_ts


def _status_item(result: etree._Element, delivery: Delivery, entry: dict[str, Any]) -> None:
    """One StatusResultaat for a timeline entry of ``delivery``."""
    item = kv_node(result, "StatusResultaat")
    kv_node(item, "kenmerk", delivery.kenmerk)
    add_identity(item, "identiteitBelanghebbende", delivery.kvk_number, delivery.identiteit_type)
    kv_node(item, "statuscode", str(entry["code"]))
    kv_node(item, "tijdstempelStatus", iso(entry["at"]))
    description = DESCRIPTIONS.get(entry["code"], DESCRIPTIONS[UNKNOWN_CODE])
    kv_node(item, "statusomschrijving", description)
    if entry.get("error_code"):
        fout = kv_node(item, "statusFoutcode")
        kv_node(fout, "foutcode", entry["error_code"])
        kv_node(fout, "foutbeschrijving", description)
    if entry.get("details"):
        kv_node(item, "statusdetails", entry["details"])
