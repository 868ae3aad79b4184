"""The protocol logic of the local Digipoort, independent of the HTTP server around it.

Every request is checked like the real Digipoort does (XML, SOAP 1.1, WS-Security signature
by a trusted certificate that is also the TLS client's, WS-Addressing, no replays) before an
operation runs; every answer and fault is signed.
"""

from __future__ import annotations

import logging

from cryptography.hazmat.primitives.serialization import Encoding
from lxml import etree

from ... import safexml
from .. import testpki, wssec
from .operations import Operations
from .protocol import (
    ACTIONS,
    KV,
    STATUS_POLLS,
    SoapFault,
    child_text,
    kv_node,
    new_envelope,
)
from .state import StubState

log = logging.getLogger(__name__)


class DigipoortStub(Operations):
    """The protocol logic, independent of the HTTP server around it."""

    def __init__(self, pki: testpki.TestPki, state: StubState, berichtsoorten: list[str]):
        self.pki = pki
        self.state = state
        self.berichtsoorten = berichtsoorten
        self.trusted = wssec.load_certificates(pki.ca_cert.read_bytes())
        self.server_key = pki.server_key.read_bytes()
        self.server_cert = pki.server_cert.read_bytes()

    def handle(self, path: str, body: bytes, peer_cert_der: bytes | None) -> tuple[int, bytes]:
        """One SOAP request -> (HTTP status, signed response)."""
        request_id = ""
        try:
            envelope = _parse_envelope(body, path)
            verified = self._verify(envelope, path)
            request_id = verified.addressing.message_id
            _check_sender(verified, path, peer_cert_der)
            self._check_addressing(envelope, path, verified.addressing)
            operation, request = self._admit(envelope, path, verified.addressing)
            if operation in STATUS_POLLS:
                # In flight for its kenmerk until the answer (or fault) is signed.
                with self.state.status_request(child_text(request, "kv:kenmerk")):
                    return self._perform(operation, request, path, request_id)
            return self._perform(operation, request, path, request_id)
        except SoapFault as fault:
            return 500, self._fault(fault, request_id)
        except Exception:
            log.exception("local Digipoort failed on a request to %s", path)
            return 500, self._fault(SoapFault("technical", path, client=False), request_id)

    def _verify(self, envelope: etree._Element, path: str) -> wssec.Verified:
        """The WS-Security check, by a certificate from the stub's CA."""
        try:
            return wssec.verify_envelope(envelope, trusted=self.trusted)
        except wssec.WsSecurityError as exc:
            raise SoapFault("security", path, str(exc)) from None

    def _admit(
        self, envelope: etree._Element, path: str, addressing: wssec.Addressing
    ) -> tuple[str, etree._Element]:
        """Refuse a replay, count the operation, apply the authentication switch; the
        operation's name and its request element from the Body."""
        if not self.state.first_use(addressing.message_id):
            raise SoapFault("security", path, "wsa:MessageID al eerder ontvangen (replay)")
        _service, operation, element = ACTIONS[addressing.action]
        self.state.count_operation(operation)
        if self.state.take_fault("auth_failures"):
            raise SoapFault("authentication", path, "certificaat niet gemachtigd")
        request = envelope.find(f"{{{wssec.SOAP_ENV}}}Body/{{{KV}}}{element}")
        if request is None:
            raise SoapFault("request", path, f"{element} verwacht in de Body")
        return operation, request

    def _perform(
        self, operation: str, request: etree._Element, path: str, request_id: str
    ) -> tuple[int, bytes]:
        """Run one operation and sign its answer, or the fault it raised."""
        try:
            response, action = getattr(self, "_op_" + operation)(request, path)
        except SoapFault as fault:
            return 500, self._fault(fault, request_id)
        return 200, self._answer(response, action, request_id)

    def _check_addressing(self, envelope, path: str, addressing: wssec.Addressing) -> None:
        if addressing.action not in ACTIONS or ACTIONS[addressing.action][0] != path:
            raise SoapFault("request", path, f"wsa:Action {addressing.action!r} onbekend hier")
        if not addressing.to.endswith(path):
            raise SoapFault("request", path, "wsa:To is niet het endpoint van deze service")
        if not addressing.message_id:
            raise SoapFault("request", path, "wsa:MessageID ontbreekt")
        if addressing.reply_to and addressing.reply_to != wssec.ANONYMOUS:
            raise SoapFault("request", path, "wsa:ReplyTo moet anonymous zijn")
        header = envelope.find(f"{{{wssec.SOAP_ENV}}}Header")
        for node in header:
            if not isinstance(node.tag, str):
                continue
            ns = etree.QName(node).namespace
            if ns not in (wssec.WSA, wssec.WSSE):
                raise SoapFault("request", path, f"header {node.tag} is niet toegestaan")

    # --- answers -------------------------------------------------------------------------

    def _sign(self, envelope: etree._Element, action: str, relates_to: str) -> bytes:
        wssec.add_addressing(
            envelope,
            wssec.Addressing(
                to=wssec.ANONYMOUS,
                action=action,
                message_id=wssec.new_message_id(),
                relates_to=relates_to,
            ),
        )
        envelope = wssec.sign_envelope(
            envelope,
            key_pem=self.server_key,
            cert_pem=self.server_cert,
            signature_algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
            digest_algorithm="http://www.w3.org/2001/04/xmlenc#sha256",
        )
        return etree.tostring(envelope, xml_declaration=True, encoding="utf-8")

    def _answer(self, response: etree._Element, action: str, relates_to: str) -> bytes:
        envelope, body = new_envelope()
        body.append(response)
        return self._sign(envelope, action, relates_to)

    def _fault(self, fault: SoapFault, relates_to: str) -> bytes:
        envelope, body = new_envelope()
        node = etree.SubElement(body, f"{{{wssec.SOAP_ENV}}}Fault")
        etree.SubElement(node, "faultcode").text = "soapenv:" + (
            "Client" if fault.client else "Server"
        )
        etree.SubElement(node, "faultstring").text = fault.text
        detail = etree.SubElement(node, "detail")
        element = kv_node(detail, fault.fault_element)
        kv_node(element, "foutcode", fault.code)
        kv_node(element, "foutbeschrijving", fault.text)
        return self._sign(envelope, "http://www.w3.org/2005/08/addressing/soap/fault", relates_to)


def _parse_envelope(body: bytes, path: str) -> etree._Element:
    """The request as a SOAP 1.1 envelope."""
    try:
        envelope = etree.fromstring(body, safexml.hardened_parser())
    except etree.XMLSyntaxError as exc:
        raise SoapFault("request", path, f"geen XML: {exc}") from None
    if envelope.tag != f"{{{wssec.SOAP_ENV}}}Envelope":
        raise SoapFault("request", path, "geen SOAP 1.1 envelope")
    return envelope


def _check_sender(verified: wssec.Verified, path: str, peer_cert_der: bytes | None) -> None:
    """The message must be signed with the certificate the TLS client presented."""
    if peer_cert_der is not None and peer_cert_der != verified.certificate.public_bytes(
        Encoding.DER
    ):
        raise SoapFault("security", path, "ondertekend met een ander certificaat dan TLS")
