"""WS-Addressing and WS-Security for Digipoort WUS 2.0 messages, on both sides of the wire.

Digipoort requires (see the documentation block of the WSDLs in ``wsdl/``): a
``wsu:Timestamp`` with ``Created``; one XML signature over the Timestamp, every
WS-Addressing header and the Body; exclusive canonicalisation; the X.509 certificate sent
along as a ``wsse:BinarySecurityToken`` and referenced from ``KeyInfo``. The client
(``client.py``) signs requests and verifies responses with these functions, the local
Digipoort (``stub/``) verifies requests and signs responses with the same ones, so the
two sides cannot drift apart silently.

Verification does more than check the cryptography: it checks that the signed references
point at the very Timestamp, Body and WS-Addressing headers of this envelope (no signature
wrapping), that the Timestamp is fresh, and that the signing certificate chains to a
trusted CA and is valid now.
"""

from __future__ import annotations

import base64
import functools
import threading
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol, TypeVar

import xmlsec
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.x509 import verification as x509_verification
from lxml import etree

SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
WSA = "http://www.w3.org/2005/08/addressing"
WSSE = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"
WSU = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd"
DS = "http://www.w3.org/2000/09/xmldsig#"
EXC_C14N = "http://www.w3.org/2001/10/xml-exc-c14n#"
BASE64_ENCODING = (
    "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0#Base64Binary"
)
X509V3 = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-x509-token-profile-1.0#X509v3"
ANONYMOUS = "http://www.w3.org/2005/08/addressing/anonymous"
NONE_ADDRESS = "http://www.w3.org/2005/08/addressing/none"

NSMAP = {"soapenv": SOAP_ENV, "wsa": WSA, "wsse": WSSE, "wsu": WSU, "ds": DS}


class _Transform(Protocol):
    """An xmlsec transform constant (whose own type xmlsec keeps private)."""

    @property
    def href(self) -> str: ...


_T = TypeVar("_T", bound=_Transform)


def _by_href(*transforms: _T) -> dict[str, _T]:
    return {t.href: t for t in transforms}


#: Signature and digest algorithms that may be configured or accepted, by their URI.
#: SHA-1 is in Logius' WSDL; SHA-256 and up are what the renewed Digipoort is expected to ask.
SIGNATURE_ALGORITHMS = _by_href(
    xmlsec.constants.TransformRsaSha1,
    xmlsec.constants.TransformRsaSha256,
    xmlsec.constants.TransformRsaSha384,
    xmlsec.constants.TransformRsaSha512,
)
DIGEST_ALGORITHMS = _by_href(
    xmlsec.constants.TransformSha1,
    xmlsec.constants.TransformSha256,
    xmlsec.constants.TransformSha384,
    xmlsec.constants.TransformSha512,
)

#: How far a peer's clock may be off, and how long a signed message stays valid.
CLOCK_SKEW = timedelta(minutes=5)
TIMESTAMP_LIFETIME = timedelta(minutes=5)


class WsSecurityError(Exception):
    """A message whose WS-Addressing or WS-Security part is missing, invalid or untrusted."""


@dataclass(frozen=True)
class Addressing:
    """The WS-Addressing headers of one message."""

    to: str
    action: str
    message_id: str = ""
    relates_to: str = ""
    reply_to: str = ""


def new_message_id() -> str:
    return f"urn:uuid:{uuid.uuid4()}"


def _q(ns: str, name: str) -> str:
    return f"{{{ns}}}{name}"


def _header(envelope: etree._Element) -> etree._Element:
    header = envelope.find(_q(SOAP_ENV, "Header"))
    if header is None:
        header = etree.Element(_q(SOAP_ENV, "Header"))
        envelope.insert(0, header)
    return header


def _body(envelope: etree._Element) -> etree._Element:
    body = envelope.find(_q(SOAP_ENV, "Body"))
    if body is None:
        raise WsSecurityError("SOAP envelope without Body")
    return body


def _xml_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def _parse_xml_time(text: str) -> datetime:
    value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value


def add_addressing(envelope: etree._Element, addressing: Addressing) -> None:
    """Put the WS-Addressing headers in the SOAP header (replacing any already there)."""
    header = _header(envelope)
    for old in header.findall(f"{{{WSA}}}*"):
        header.remove(old)
    values = [("To", addressing.to), ("Action", addressing.action)]
    if addressing.message_id:
        values.append(("MessageID", addressing.message_id))
    if addressing.relates_to:
        values.append(("RelatesTo", addressing.relates_to))
    for name, value in values:
        etree.SubElement(header, _q(WSA, name), nsmap={"wsa": WSA}).text = value
    if addressing.reply_to:
        reply_to = etree.SubElement(header, _q(WSA, "ReplyTo"), nsmap={"wsa": WSA})
        etree.SubElement(reply_to, _q(WSA, "Address")).text = addressing.reply_to


def read_addressing(envelope: etree._Element) -> Addressing:
    header = _header(envelope)

    def text(name: str) -> str:
        node = header.find(_q(WSA, name))
        return (node.text or "").strip() if node is not None else ""

    reply_to = header.find(f"{{{WSA}}}ReplyTo/{{{WSA}}}Address")
    return Addressing(
        to=text("To"),
        action=text("Action"),
        message_id=text("MessageID"),
        relates_to=text("RelatesTo"),
        reply_to=(reply_to.text or "").strip() if reply_to is not None else "",
    )


def _ensure_id(node: etree._Element, prefix: str) -> str:
    node_id = node.get(_q(WSU, "Id"))
    if not node_id:
        node_id = f"{prefix}-{uuid.uuid4().hex}"
        node.set(_q(WSU, "Id"), node_id)
    return node_id


def _with_wsu_prefix(envelope: etree._Element) -> etree._Element:
    """The envelope with ``wsu`` declared on its root, so the wsu:Id attributes on Body and
    headers read as wsu:Id instead of with generated prefixes (ns5:Id). lxml cannot add a
    declaration to an existing element, so the children move to a new root."""
    if "wsu" in envelope.nsmap:
        return envelope
    root = etree.Element(
        envelope.tag, attrib=dict(envelope.attrib), nsmap={**envelope.nsmap, "wsu": WSU}
    )
    for child in list(envelope):
        root.append(child)
    return root


@functools.lru_cache(maxsize=8)
def _token_text(cert_pem: bytes) -> str:
    """The BinarySecurityToken's content: the certificate in base64 DER (parsed once)."""
    cert = x509.load_pem_x509_certificate(cert_pem)
    return base64.b64encode(cert.public_bytes(serialization.Encoding.DER)).decode("ascii")


def sign_envelope(
    envelope: etree._Element,
    *,
    key_pem: bytes,
    cert_pem: bytes,
    signature_algorithm: str,
    digest_algorithm: str,
    now: datetime | None = None,
) -> etree._Element:
    """Add wsse:Security (timestamp, token, signature) and return the signed envelope.

    Use the returned element (it may be a new root holding the same children). Call this
    last: anything changed in a signed part afterwards breaks the signature.
    """
    try:
        sign_transform = SIGNATURE_ALGORITHMS[signature_algorithm]
        digest_transform = DIGEST_ALGORITHMS[digest_algorithm]
    except KeyError as exc:
        raise WsSecurityError(f"unsupported algorithm {exc.args[0]}") from None
    now = now or datetime.now(UTC)
    envelope = _with_wsu_prefix(envelope)
    header = _header(envelope)
    for old in header.findall(_q(WSSE, "Security")):
        header.remove(old)
    security = etree.Element(_q(WSSE, "Security"), nsmap={"wsse": WSSE, "wsu": WSU})
    security.set(_q(SOAP_ENV, "mustUnderstand"), "1")
    header.insert(0, security)

    # Timestamp first, then the token, then the signature that uses it: valid for both
    # the Strict and the LaxTimestampFirst security header layouts.
    timestamp = etree.SubElement(security, _q(WSU, "Timestamp"))
    etree.SubElement(timestamp, _q(WSU, "Created")).text = _xml_time(now)
    etree.SubElement(timestamp, _q(WSU, "Expires")).text = _xml_time(now + TIMESTAMP_LIFETIME)

    token = etree.SubElement(security, _q(WSSE, "BinarySecurityToken"))
    token.set("EncodingType", BASE64_ENCODING)
    token.set("ValueType", X509V3)
    token_id = _ensure_id(token, "X509")
    token.text = _token_text(cert_pem)

    signed = [timestamp, *header.findall(f"{{{WSA}}}*"), _body(envelope)]
    signature = xmlsec.template.create(
        envelope, xmlsec.constants.TransformExclC14N, sign_transform, ns="ds"
    )
    security.append(signature)
    for node in signed:
        ref = xmlsec.template.add_reference(
            signature, digest_transform, uri="#" + _ensure_id(node, "id")
        )
        xmlsec.template.add_transform(ref, xmlsec.constants.TransformExclC14N)
    key_info = xmlsec.template.ensure_key_info(signature)
    str_node = etree.SubElement(key_info, _q(WSSE, "SecurityTokenReference"))
    ref_node = etree.SubElement(str_node, _q(WSSE, "Reference"))
    ref_node.set("URI", "#" + token_id)
    ref_node.set("ValueType", X509V3)

    ctx = xmlsec.SignatureContext()
    for node in signed:
        ctx.register_id(node, "Id", WSU)
    ctx.key = xmlsec.Key.from_memory(key_pem, xmlsec.constants.KeyDataFormatPem)
    ctx.sign(signature)
    return envelope


@dataclass(frozen=True)
class Verified:
    """What a successful verification established about a message."""

    certificate: x509.Certificate
    addressing: Addressing
    created: datetime


def load_certificates(pem: bytes) -> list[x509.Certificate]:
    return x509.load_pem_x509_certificates(pem)


# Chain checking is RFC 5280 path validation by ``cryptography.x509.verification`` (the
# pyca verifier), not by hand: validity period at ``now``, basicConstraints cA and path
# length of every CA, keyCertSign on every CA, signatures along the path, and a path ending
# at a self-signed root from the bundle.
#
# Why a *client* verifier: ``build_server_verifier`` needs a DNS name or IP address that the
# leaf's subjectAltName must match, which means nothing for a signature on a SOAP message.
# The client verifier has no subject. Its default end-entity policy (CA/B Forum "web PKI")
# still wants a subjectAltName and the clientAuth EKU, so the custom extension policies
# (``PolicyBuilder.extension_policies``, cryptography >= 44) relax those two and add what a
# signing certificate does need:
# - subjectAltName: optional. RFC 5280 4.2.1.6 makes it optional when the subject name is
#   non-empty, and nothing here compares it with a host.
# - extendedKeyUsage: any. Signing a WS-Security message is none of the key purposes RFC
#   5280 4.2.1.12 defines, so which one a signer's certificate names (serverAuth, clientAuth
#   or another) says nothing against it. The same on the CAs, which under the client
#   default would have to list clientAuth or anyExtendedKeyUsage.
# - keyUsage: required on the leaf, with digitalSignature (RFC 5280 4.2.1.3: the bit for
#   verifying signatures other than on certificates and CRLs) and without keyCertSign.
# Everything else stays at the library's defaults (RFC 5280 plus CA/B Forum: v3 only,
# SHA-256 or stronger, RSA >= 2048, authorityKeyIdentifier on the leaf).


def _leaf_key_usage(
    _policy: x509_verification.Policy, _cert: x509.Certificate, usage: x509.KeyUsage
) -> None:
    if not usage.digital_signature:
        raise ValueError("keyUsage lacks digitalSignature, so the key may not sign messages")
    if usage.key_cert_sign:
        raise ValueError("keyUsage of an end-entity certificate asserts keyCertSign")


_Criticality = x509_verification.Criticality
_EE_POLICY = (
    x509_verification.ExtensionPolicy.webpki_defaults_ee()
    .may_be_present(x509.SubjectAlternativeName, _Criticality.AGNOSTIC, None)
    .may_be_present(x509.ExtendedKeyUsage, _Criticality.AGNOSTIC, None)
    .require_present(x509.KeyUsage, _Criticality.AGNOSTIC, _leaf_key_usage)
)
_CA_POLICY = x509_verification.ExtensionPolicy.webpki_defaults_ca().may_be_present(
    x509.ExtendedKeyUsage, _Criticality.AGNOSTIC, None
)


@dataclass(frozen=True)
class _Trust:
    """What is stable per CA bundle: the builder holding the store of roots and the
    extension policies (only the validation time is set per check), and the intermediates."""

    builder: x509_verification.PolicyBuilder
    intermediates: list[x509.Certificate]


#: Verifying every Digipoort answer must not rebuild the store: one entry per bundle, few
#: bundles in a process (the configured CA bundle, the local Digipoort's CA in tests).
_TRUST_CACHE: dict[tuple[x509.Certificate, ...], _Trust] = {}
_TRUST_CACHE_SIZE = 16
_TRUST_LOCK = threading.Lock()


def _trust(trusted: list[x509.Certificate]) -> _Trust:
    key = tuple(trusted)  # certificates compare and hash by their DER encoding
    with _TRUST_LOCK:
        found = _TRUST_CACHE.get(key)
        if found is not None:
            return found
        roots = [c for c in key if _is_self_signed(c)]
        if not roots:
            raise WsSecurityError("the trusted CA bundle holds no self-signed root certificate")
        builder = (
            x509_verification.PolicyBuilder()
            .store(x509_verification.Store(roots))
            .extension_policies(ca_policy=_CA_POLICY, ee_policy=_EE_POLICY)
        )
        found = _Trust(builder=builder, intermediates=[c for c in key if c not in roots])
        if len(_TRUST_CACHE) >= _TRUST_CACHE_SIZE:
            _TRUST_CACHE.pop(next(iter(_TRUST_CACHE)))
        _TRUST_CACHE[key] = found
        return found


def check_chain(
    cert: x509.Certificate, trusted: list[x509.Certificate], now: datetime | None = None
) -> None:
    """Accept ``cert`` as a message signer when RFC 5280 path validation at ``now`` finds a
    path from it, through intermediates of ``trusted``, to a self-signed root of ``trusted``.

    ``trusted`` is the CA bundle: roots and, for PKIoverheid, the intermediates. Raises
    WsSecurityError saying why the certificate is refused.
    """
    now = (now or datetime.now(UTC)).astimezone(UTC)
    trust = _trust(trusted)
    verifier = trust.builder.time(now).build_client_verifier()
    try:
        verifier.verify(cert, trust.intermediates)
    except x509_verification.VerificationError as exc:
        raise WsSecurityError(_refusal(cert, str(exc), now)) from None


def _refusal(cert: x509.Certificate, reason: str, now: datetime) -> str:
    subject = cert.subject.rfc4514_string()
    if not cert.not_valid_before_utc <= now <= cert.not_valid_after_utc:
        return (
            f"certificate {subject} not valid at {now:%Y-%m-%d %H:%M:%S} UTC (valid from "
            f"{cert.not_valid_before_utc:%Y-%m-%d %H:%M:%S} until "
            f"{cert.not_valid_after_utc:%Y-%m-%d %H:%M:%S} UTC)"
        )
    reason = reason.removeprefix("validation failed: ")
    reason = reason.replace("Python extension validator failed: ValueError: ", "")
    if reason.startswith("candidates exhausted"):
        return f"certificate {subject} not issued by a trusted CA: {reason}"
    return f"certificate {subject} refused by path validation: {reason}"


def _is_self_signed(cert: x509.Certificate) -> bool:
    return cert.subject == cert.issuer and _issued_by(cert, cert)


def _issued_by(cert: x509.Certificate, issuer: x509.Certificate) -> bool:
    try:
        cert.verify_directly_issued_by(issuer)
    except Exception:  # wrong key type, bad signature: either way not issued by it
        return False
    return True


def _one(parent: etree._Element, tag: str, message: str) -> etree._Element:
    """The single child ``tag`` of ``parent``; WsSecurityError(message) if not exactly one."""
    found = parent.findall(tag)
    if len(found) != 1:
        raise WsSecurityError(message)
    return found[0]


def _security_header(envelope: etree._Element) -> tuple[etree._Element, etree._Element]:
    """The SOAP header and its one wsse:Security element."""
    header = envelope.find(_q(SOAP_ENV, "Header"))
    if header is None:
        raise WsSecurityError("no SOAP header: the message is not signed")
    security = _one(header, _q(WSSE, "Security"), "expected exactly one wsse:Security header")
    return header, security


def _timestamp_times(timestamp: etree._Element) -> tuple[datetime, datetime | None]:
    """Created and (if present) Expires of a wsu:Timestamp."""
    created_node = timestamp.find(_q(WSU, "Created"))
    if created_node is None or not (created_node.text or "").strip():
        raise WsSecurityError("wsu:Timestamp without Created")
    try:
        created = _parse_xml_time(created_node.text or "")
        expires_node = timestamp.find(_q(WSU, "Expires"))
        expires = _parse_xml_time(expires_node.text or "") if expires_node is not None else None
    except ValueError:
        raise WsSecurityError("wsu:Timestamp with an invalid time") from None
    return created, expires


def _check_fresh(created: datetime, expires: datetime | None, now: datetime) -> None:
    """Refuse a Timestamp from the future, too old or expired (allowing for clock skew)."""
    if created > now + CLOCK_SKEW:
        raise WsSecurityError("wsu:Timestamp Created lies in the future")
    if created < now - TIMESTAMP_LIFETIME - CLOCK_SKEW:
        raise WsSecurityError("wsu:Timestamp too old")
    if expires is not None and expires < now - CLOCK_SKEW:
        raise WsSecurityError("wsu:Timestamp expired")


def _elements_by_id(envelope: etree._Element) -> dict[str, etree._Element]:
    """Every element of the envelope by its wsu:Id, refusing duplicates.

    Every wsu:Id must be unique, or a reference could be resolved to a different element
    than the one checked (signature wrapping).
    """
    ids: dict[str, etree._Element] = {}
    for node in envelope.iter():
        node_id = node.get(_q(WSU, "Id")) if isinstance(node.tag, str) else None
        if node_id:
            if node_id in ids:
                raise WsSecurityError(f"duplicate wsu:Id {node_id}")
            ids[node_id] = node
    return ids


def _referenced_ids(signature: etree._Element, ids: dict[str, etree._Element]) -> set[str]:
    """The wsu:Ids the signature references; each must resolve in this envelope."""
    referenced = set()
    for ref in signature.findall(f"{{{DS}}}SignedInfo/{{{DS}}}Reference"):
        uri = ref.get("URI", "")
        if not uri.startswith("#") or uri[1:] not in ids:
            raise WsSecurityError(f"signature reference {uri!r} does not resolve")
        referenced.add(uri[1:])
    return referenced


def _check_signed(parts: list[etree._Element], referenced: set[str]) -> None:
    """Every part that must be signed is among the references."""
    for node in parts:
        if node.get(_q(WSU, "Id")) not in referenced:
            raise WsSecurityError(f"{etree.QName(node).localname} is not signed")


def _check_algorithms(
    signature: etree._Element, *, allowed_sig: set[str], allowed_digest: set[str]
) -> None:
    """Exclusive canonicalisation and only accepted signature and digest algorithms."""
    method = signature.find(f"{{{DS}}}SignedInfo/{{{DS}}}SignatureMethod")
    c14n = signature.find(f"{{{DS}}}SignedInfo/{{{DS}}}CanonicalizationMethod")
    if c14n is None or c14n.get("Algorithm") != EXC_C14N:
        raise WsSecurityError("signature must use exclusive canonicalisation")
    if method is None or method.get("Algorithm") not in allowed_sig:
        raise WsSecurityError("signature algorithm not accepted")
    for dm in signature.iterfind(f".//{{{DS}}}DigestMethod"):
        if dm.get("Algorithm") not in allowed_digest:
            raise WsSecurityError("digest algorithm not accepted")


def _signing_token(
    signature: etree._Element, security: etree._Element, ids: dict[str, etree._Element]
) -> etree._Element:
    """The BinarySecurityToken in this Security header that KeyInfo references."""
    token_ref = signature.find(
        f"{{{DS}}}KeyInfo/{{{WSSE}}}SecurityTokenReference/{{{WSSE}}}Reference"
    )
    if token_ref is None or not token_ref.get("URI", "").startswith("#"):
        raise WsSecurityError("KeyInfo does not reference a BinarySecurityToken")
    token = ids.get(token_ref.get("URI", "")[1:])
    if (
        token is None
        or token.tag != _q(WSSE, "BinarySecurityToken")
        or token.getparent() is not security
    ):
        raise WsSecurityError("referenced BinarySecurityToken not found")
    return token


def _token_certificate(token: etree._Element) -> x509.Certificate:
    """The X.509 certificate a BinarySecurityToken carries."""
    if token.get("ValueType") != X509V3:
        raise WsSecurityError("BinarySecurityToken is not an X.509 v3 certificate")
    try:
        return x509.load_der_x509_certificate(base64.b64decode(token.text or "", validate=False))
    except ValueError:
        raise WsSecurityError("BinarySecurityToken holds no valid certificate") from None


def _check_signature_value(
    signature: etree._Element,
    *,
    ids: dict[str, etree._Element],
    cert: x509.Certificate,
    allowed_sig: set[str],
    allowed_digest: set[str],
) -> None:
    """Verify the cryptography with the accepted transforms only."""
    ctx = xmlsec.SignatureContext()
    for node in ids.values():
        ctx.register_id(node, "Id", WSU)
    for href in allowed_sig:
        ctx.enable_signature_transform(SIGNATURE_ALGORITHMS[href])
    ctx.enable_signature_transform(xmlsec.constants.TransformExclC14N)
    for href in allowed_digest:
        ctx.enable_reference_transform(DIGEST_ALGORITHMS[href])
    ctx.enable_reference_transform(xmlsec.constants.TransformExclC14N)
    ctx.key = xmlsec.Key.from_memory(
        cert.public_bytes(serialization.Encoding.PEM), xmlsec.constants.KeyDataFormatCertPem
    )
    try:
        ctx.verify(signature)
    except xmlsec.Error:
        raise WsSecurityError("signature does not verify: the message was changed") from None


def verify_envelope(
    envelope: etree._Element,
    *,
    trusted: list[x509.Certificate],
    signature_algorithms: set[str] | None = None,
    digest_algorithms: set[str] | None = None,
    now: datetime | None = None,
) -> Verified:
    """Check the WS-Security header of a received envelope; raise WsSecurityError if wrong."""
    now = now or datetime.now(UTC)
    header, security = _security_header(envelope)
    timestamp = _one(security, _q(WSU, "Timestamp"), "expected exactly one wsu:Timestamp")
    created, expires = _timestamp_times(timestamp)
    _check_fresh(created, expires, now)
    signature = _one(security, _q(DS, "Signature"), "expected exactly one ds:Signature")

    ids = _elements_by_id(envelope)
    referenced = _referenced_ids(signature, ids)
    _check_signed([timestamp, *header.findall(f"{{{WSA}}}*"), _body(envelope)], referenced)
    allowed_sig = signature_algorithms or set(SIGNATURE_ALGORITHMS)
    allowed_digest = digest_algorithms or set(DIGEST_ALGORITHMS)
    _check_algorithms(signature, allowed_sig=allowed_sig, allowed_digest=allowed_digest)

    cert = _token_certificate(_signing_token(signature, security, ids))
    check_chain(cert, trusted, now)
    _check_signature_value(
        signature, ids=ids, cert=cert, allowed_sig=allowed_sig, allowed_digest=allowed_digest
    )
    return Verified(certificate=cert, addressing=read_addressing(envelope), created=created)
