"""WS-Security as Digipoort wants it: what is signed, and what verification refuses."""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta

import pytest
from lxml import etree

from kvk.digipoort import testpki, wssec

from .conftest import STATUS_REQUEST

SHA256 = (
    "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
    "http://www.w3.org/2001/04/xmlenc#sha256",
)
SHA1 = ("http://www.w3.org/2000/09/xmldsig#rsa-sha1", "http://www.w3.org/2000/09/xmldsig#sha1")


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    return testpki.generate(tmp_path_factory.mktemp("pki"))


@pytest.fixture(scope="module")
def trusted(pki):
    return wssec.load_certificates(pki.ca_cert.read_bytes())


def signed(pki, *, algorithms=SHA256, now=None) -> etree._Element:
    envelope = etree.fromstring(STATUS_REQUEST)
    wssec.add_addressing(
        envelope,
        wssec.Addressing(
            to="https://digipoort.example/wus/2.0/statusinformatieservice/1.2",
            action="urn:action",
            message_id=wssec.new_message_id(),
            reply_to=wssec.ANONYMOUS,
        ),
    )
    return wssec.sign_envelope(
        envelope,
        key_pem=pki.client_key.read_bytes(),
        cert_pem=pki.client_cert.read_bytes(),
        signature_algorithm=algorithms[0],
        digest_algorithm=algorithms[1],
        now=now,
    )


def roundtrip(envelope: etree._Element) -> etree._Element:
    return etree.fromstring(etree.tostring(envelope))


def test_signature_covers_timestamp_every_addressing_header_and_body(pki, trusted):
    envelope = roundtrip(signed(pki))
    ns = wssec.NSMAP

    uris = {r.get("URI")[1:] for r in envelope.iterfind(".//ds:Reference", ns)}
    expected = [
        envelope.find(".//wsu:Timestamp", ns),
        envelope.find("soapenv:Body", ns),
        *envelope.find("soapenv:Header", ns).findall("wsa:*", ns),
    ]
    assert len(expected) == 6  # Timestamp, Body, To, Action, MessageID, ReplyTo
    assert uris == {node.get(f"{{{wssec.WSU}}}Id") for node in expected}
    assert envelope.find(".//ds:CanonicalizationMethod", ns).get("Algorithm") == wssec.EXC_C14N
    token = envelope.find(".//wsse:BinarySecurityToken", ns)
    assert token.get("ValueType") == wssec.X509V3
    verified = wssec.verify_envelope(envelope, trusted=trusted)
    assert verified.addressing.action == "urn:action"
    assert "accountantsomgeving" in verified.certificate.subject.rfc4514_string()


@pytest.mark.parametrize("algorithms", [SHA1, SHA256])
def test_algorithms_are_configurable(pki, trusted, algorithms):
    envelope = roundtrip(signed(pki, algorithms=algorithms))

    method = envelope.find(".//ds:SignatureMethod", wssec.NSMAP).get("Algorithm")
    assert method == algorithms[0]
    wssec.verify_envelope(envelope, trusted=trusted)


def test_a_verifier_can_refuse_sha1(pki, trusted):
    envelope = roundtrip(signed(pki, algorithms=SHA1))

    with pytest.raises(wssec.WsSecurityError, match="algorithm"):
        wssec.verify_envelope(envelope, trusted=trusted, signature_algorithms={SHA256[0]})


def test_changed_body_is_refused(pki, trusted):
    envelope = roundtrip(signed(pki))
    envelope.find(".//{*}kenmerk").text = "other"

    with pytest.raises(wssec.WsSecurityError, match="changed"):
        wssec.verify_envelope(envelope, trusted=trusted)


def test_changed_addressing_header_is_refused(pki, trusted):
    envelope = roundtrip(signed(pki))
    envelope.find(".//wsa:To", wssec.NSMAP).text = "https://elsewhere.example/"

    with pytest.raises(wssec.WsSecurityError, match="changed"):
        wssec.verify_envelope(envelope, trusted=trusted)


def test_addressing_header_added_after_signing_is_refused(pki, trusted):
    envelope = roundtrip(signed(pki))
    header = envelope.find("soapenv:Header", wssec.NSMAP)
    etree.SubElement(header, f"{{{wssec.WSA}}}FaultTo").text = "https://evil.example/"

    with pytest.raises(wssec.WsSecurityError, match="FaultTo is not signed"):
        wssec.verify_envelope(envelope, trusted=trusted)


def test_old_timestamp_is_refused(pki, trusted):
    envelope = roundtrip(signed(pki, now=datetime.now(UTC) - timedelta(hours=1)))

    with pytest.raises(wssec.WsSecurityError, match="too old|expired"):
        wssec.verify_envelope(envelope, trusted=trusted)


def test_future_timestamp_is_refused(pki, trusted):
    envelope = roundtrip(signed(pki, now=datetime.now(UTC) + timedelta(hours=1)))

    with pytest.raises(wssec.WsSecurityError, match="future"):
        wssec.verify_envelope(envelope, trusted=trusted)


def test_signer_from_another_ca_is_refused(pki, tmp_path):
    other = testpki.generate(tmp_path)
    envelope = roundtrip(signed(pki))

    with pytest.raises(wssec.WsSecurityError, match="not issued by a trusted CA"):
        wssec.verify_envelope(envelope, trusted=wssec.load_certificates(other.ca_cert.read_bytes()))


def test_wrapped_body_with_duplicate_id_is_refused(pki, trusted):
    envelope = roundtrip(signed(pki))
    body = envelope.find("soapenv:Body", wssec.NSMAP)
    envelope.find("soapenv:Header", wssec.NSMAP).append(copy.deepcopy(body))
    body.find(".//{*}kenmerk").text = "other"

    with pytest.raises(wssec.WsSecurityError, match="duplicate"):
        wssec.verify_envelope(envelope, trusted=trusted)


def test_unsigned_message_is_refused(trusted):
    envelope = etree.fromstring(
        b'<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Header/>'
        b"<s:Body/></s:Envelope>"
    )

    with pytest.raises(wssec.WsSecurityError, match="wsse:Security"):
        wssec.verify_envelope(envelope, trusted=trusted)
