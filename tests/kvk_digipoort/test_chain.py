"""The signing certificate's chain: RFC 5280 path validation of Digipoort's WS-Security signers.

The rules under test are those of RFC 5280 (Internet X.509 PKI Certificate and CRL Profile):
section 6.1.3 (a)(2) the validity period at the validation time; 6.1.4 (k) an issuer must
carry basicConstraints with cA true; 6.1.4 (m) pathLenConstraint; 6.1.4 (n) and 4.2.1.3 a
CA's keyUsage must assert keyCertSign; 4.2.1.3 a key that signs anything other than
certificates and CRLs needs digitalSignature; 6.1 a path must end at a trust anchor.
PKIoverheid bundles carry roots and intermediates, so the bundle's self-signed certificates
are the anchors and the rest are offered as intermediates.
"""

from __future__ import annotations

import threading
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from lxml import etree

from kvk.digipoort import wssec

from .conftest import STATUS_REQUEST

NOW = datetime.now(UTC)
RSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
SHA256 = "http://www.w3.org/2001/04/xmlenc#sha256"


@dataclass(frozen=True, kw_only=True)
class Usage:
    """The keyUsage bits a test certificate asserts (RFC 5280 4.2.1.3), all nine, named
    as x509.KeyUsage takes them."""

    digital_signature: bool = False
    content_commitment: bool = False
    key_encipherment: bool = False
    data_encipherment: bool = False
    key_agreement: bool = False
    key_cert_sign: bool = False
    crl_sign: bool = False
    encipher_only: bool = False
    decipher_only: bool = False


SIGNER = Usage(digital_signature=True, key_encipherment=True)
CA = Usage(key_cert_sign=True, crl_sign=True)


@dataclass(frozen=True)
class Issued:
    cert: x509.Certificate
    key: rsa.RSAPrivateKey


@pytest.fixture(scope="module")
def keys() -> list[rsa.RSAPrivateKey]:
    # RSA-2048: the smallest issuer key the verifier accepts. Few keys, reused across certs.
    return [rsa.generate_private_key(public_exponent=65537, key_size=2048) for _ in range(4)]


def make_cert(
    name: str,
    key: rsa.RSAPrivateKey,
    issuer: Issued | None,
    *,
    ca: bool | None,
    path_length: int | None = None,
    usage: Usage | None,
    ekus: list[x509.ObjectIdentifier] | None = None,
    not_before: datetime = NOW - timedelta(days=1),
    not_after: datetime = NOW + timedelta(days=30),
) -> Issued:
    """One certificate; ``issuer`` None makes it self-signed. ``ca`` None leaves out
    basicConstraints, ``usage`` None leaves out keyUsage."""
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Deponeer test"),
            x509.NameAttribute(NameOID.COMMON_NAME, name),
        ]
    )
    signing_key = issuer.key if issuer else key
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer.cert.subject if issuer else subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(signing_key.public_key()), False
        )
    )
    if ca is not None:
        builder = builder.add_extension(x509.BasicConstraints(ca, path_length), critical=True)
    if usage is not None:
        builder = builder.add_extension(x509.KeyUsage(**asdict(usage)), critical=True)
    if ekus:
        builder = builder.add_extension(x509.ExtendedKeyUsage(ekus), critical=False)
    return Issued(builder.sign(signing_key, hashes.SHA256()), key)


@dataclass(frozen=True)
class Pki:
    root: Issued
    intermediate: Issued
    keys: list[rsa.RSAPrivateKey]

    @property
    def bundle(self) -> list[x509.Certificate]:
        return [self.root.cert, self.intermediate.cert]

    def leaf(self, **kwargs) -> Issued:
        options = {"ca": False, "usage": SIGNER, **kwargs}
        return make_cert(
            "Digipoort berichtondertekening (test)", self.keys[2], self.intermediate, **options
        )


@pytest.fixture(scope="module")
def pki(keys) -> Pki:
    root = make_cert("Test Root CA", keys[0], None, ca=True, usage=CA)
    intermediate = make_cert("Test Services CA", keys[1], root, ca=True, path_length=0, usage=CA)
    return Pki(root, intermediate, keys)


def test_root_intermediate_leaf_chain_is_accepted(pki):
    wssec.check_chain(pki.leaf().cert, pki.bundle)
    wssec.check_chain(pki.leaf().cert, list(reversed(pki.bundle)))


def test_signer_without_san_and_without_client_or_server_eku_is_accepted(pki):
    # A signature on a message names no host: no subjectAltName, and the EKU may be any
    # purpose (here only emailProtection); neither is a reason to refuse (see wssec.py).
    leaf = pki.leaf(ekus=[ExtendedKeyUsageOID.EMAIL_PROTECTION])
    assert not any(isinstance(e.value, x509.SubjectAlternativeName) for e in leaf.cert.extensions)
    wssec.check_chain(leaf.cert, pki.bundle)


def test_expired_leaf_is_refused(pki):
    leaf = pki.leaf(not_before=NOW - timedelta(days=30), not_after=NOW - timedelta(minutes=1))

    with pytest.raises(wssec.WsSecurityError, match="not valid at"):
        wssec.check_chain(leaf.cert, pki.bundle)


def test_not_yet_valid_leaf_is_refused(pki):
    leaf = pki.leaf(not_before=NOW + timedelta(hours=1), not_after=NOW + timedelta(days=30))

    with pytest.raises(wssec.WsSecurityError, match="not valid at"):
        wssec.check_chain(leaf.cert, pki.bundle)


def test_validation_time_is_the_given_now(pki):
    leaf = pki.leaf()
    wssec.check_chain(leaf.cert, pki.bundle, now=NOW)

    with pytest.raises(wssec.WsSecurityError, match="not valid at"):
        wssec.check_chain(leaf.cert, pki.bundle, now=NOW + timedelta(days=31))
    with pytest.raises(wssec.WsSecurityError, match="not valid at"):
        wssec.check_chain(leaf.cert, pki.bundle, now=NOW - timedelta(days=2))


def test_leaf_whose_key_usage_lacks_digital_signature_is_refused(pki):
    leaf = pki.leaf(usage=Usage(key_encipherment=True))

    with pytest.raises(wssec.WsSecurityError, match="digitalSignature"):
        wssec.check_chain(leaf.cert, pki.bundle)


def test_leaf_without_key_usage_is_refused(pki):
    with pytest.raises(wssec.WsSecurityError, match=r"2\.5\.29\.15: .*missing required"):
        wssec.check_chain(pki.leaf(usage=None).cert, pki.bundle)


def test_leaf_from_a_self_made_other_ca_is_refused(pki, keys):
    other_root = make_cert("Other Root CA", keys[3], None, ca=True, usage=CA)
    leaf = make_cert("Impostor", keys[2], other_root, ca=False, usage=SIGNER)

    with pytest.raises(wssec.WsSecurityError, match="not issued by a trusted CA"):
        wssec.check_chain(leaf.cert, pki.bundle)


def test_impostor_ca_with_the_trusted_name_but_another_key_is_refused(pki, keys):
    fake = make_cert("Test Services CA", keys[3], None, ca=True, usage=CA)
    leaf = make_cert("Impostor", keys[2], fake, ca=False, usage=SIGNER)
    assert leaf.cert.issuer == pki.intermediate.cert.subject

    with pytest.raises(wssec.WsSecurityError, match="not issued by a trusted CA"):
        wssec.check_chain(leaf.cert, pki.bundle)


@pytest.mark.parametrize(
    "basic_constraints",
    [pytest.param({"ca": False}, id="cA-false"), pytest.param({"ca": None}, id="absent")],
)
def test_issuer_without_ca_basic_constraints_is_refused(pki, keys, basic_constraints):
    not_a_ca = make_cert("Not a CA", keys[1], pki.root, usage=CA, **basic_constraints)
    leaf = make_cert("Leaf", keys[2], not_a_ca, ca=False, usage=SIGNER)

    with pytest.raises(wssec.WsSecurityError, match="basicConstraints"):
        wssec.check_chain(leaf.cert, [pki.root.cert, not_a_ca.cert])


def test_issuer_without_key_cert_sign_is_refused(pki, keys):
    no_cert_sign = make_cert("No keyCertSign", keys[1], pki.root, ca=True, usage=SIGNER)
    leaf = make_cert("Leaf", keys[2], no_cert_sign, ca=False, usage=SIGNER)

    with pytest.raises(wssec.WsSecurityError, match="keyCertSign"):
        wssec.check_chain(leaf.cert, [pki.root.cert, no_cert_sign.cert])


def test_path_length_constraint_of_a_ca_is_enforced(pki, keys):
    # The intermediate has pathLenConstraint 0: it may not issue another CA.
    sub_ca = make_cert("Sub CA", keys[3], pki.intermediate, ca=True, usage=CA)
    leaf = make_cert("Leaf", keys[2], sub_ca, ca=False, usage=SIGNER)

    with pytest.raises(wssec.WsSecurityError, match="path length"):
        wssec.check_chain(leaf.cert, [*pki.bundle, sub_ca.cert])


def test_intermediate_missing_from_the_bundle_is_refused(pki):
    with pytest.raises(wssec.WsSecurityError, match="not issued by a trusted CA"):
        wssec.check_chain(pki.leaf().cert, [pki.root.cert])


def test_bundle_without_a_root_is_refused(pki):
    with pytest.raises(wssec.WsSecurityError, match="no self-signed root"):
        wssec.check_chain(pki.leaf().cert, [pki.intermediate.cert])


def test_store_is_built_once_per_bundle_and_shared_between_threads(pki: Pki) -> None:
    # Equal bundles (certificates compare by DER) share the cached store and policy.
    copy = [
        x509.load_der_x509_certificate(c.public_bytes(serialization.Encoding.DER))
        for c in pki.bundle
    ]
    assert wssec._trust(copy) is wssec._trust(pki.bundle)

    leaves = [pki.leaf().cert for _ in range(4)]
    errors: list[BaseException] = []

    def work() -> None:
        try:
            for leaf in leaves * 5:
                wssec.check_chain(leaf, pki.bundle)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []


def _signed_with(issued: Issued) -> etree._Element:
    envelope = etree.fromstring(STATUS_REQUEST)
    wssec.add_addressing(
        envelope,
        wssec.Addressing(to="https://digipoort.example/", action="urn:action"),
    )
    signed = wssec.sign_envelope(
        envelope,
        key_pem=issued.key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ),
        cert_pem=issued.cert.public_bytes(serialization.Encoding.PEM),
        signature_algorithm=RSA_SHA256,
        digest_algorithm=SHA256,
    )
    return etree.fromstring(etree.tostring(signed))


def test_envelope_signed_with_a_proper_signer_verifies(pki):
    verified = wssec.verify_envelope(_signed_with(pki.leaf()), trusted=pki.bundle)
    assert "berichtondertekening" in verified.certificate.subject.rfc4514_string()


def test_envelope_signed_with_a_wrong_usage_certificate_is_refused(pki):
    # The signature itself is sound; the certificate's keyUsage does not allow signing.
    envelope = _signed_with(pki.leaf(usage=Usage(key_encipherment=True)))

    with pytest.raises(wssec.WsSecurityError, match="digitalSignature"):
        wssec.verify_envelope(envelope, trusted=pki.bundle)
