"""A throw-away PKI for the local Digipoort: a CA, a server certificate and a client certificate.

Generated at start into a directory that is never committed (``var/`` is ignored), so no
private key ever lands in the repository. The real Digipoort uses PKIoverheid services
certificates; this CA only stands in for that chain of trust.
"""

from __future__ import annotations

import ipaddress
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from kvk.digipoort import wssec

FILES = ("ca.crt", "client.crt", "client.key", "server.crt", "server.key")


class TestPki:
    """The paths of the five files of a set in ``directory``."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.ca_cert = directory / "ca.crt"
        self.server_cert = directory / "server.crt"
        self.server_key = directory / "server.key"
        self.client_cert = directory / "client.crt"
        self.client_key = directory / "client.key"


#: The organisation in every certificate of this PKI: how its certificates are recognised.
ORGANISATION = "Deponeer lokale Digipoort"


def is_test_certificate(path: Path) -> bool:
    """Whether the PEM certificate (or first certificate of a bundle) at ``path`` was issued
    by a CA of this PKI; False when there is no readable certificate."""
    try:
        certificate = x509.load_pem_x509_certificate(path.read_bytes())
    except (OSError, ValueError):
        return False
    issuers = certificate.issuer.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)
    return any(attribute.value == ORGANISATION for attribute in issuers)


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "NL"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, ORGANISATION),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _write_key(path: Path, key: rsa.RSAPrivateKey) -> None:
    data = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)


def _write_cert(path: Path, cert: x509.Certificate) -> None:
    path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))


def _key_usage(*, ca: bool) -> x509.KeyUsage:
    """The key usage of the CA (certificates and revocation lists only) or of a leaf
    (signatures, non-repudiation and key encipherment)."""
    return x509.KeyUsage(
        digital_signature=not ca,
        content_commitment=not ca,
        key_encipherment=not ca,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=ca,
        crl_sign=ca,
        encipher_only=False,
        decipher_only=False,
    )


def _leaf(
    common_name: str,
    key: rsa.RSAPrivateKey,
    ca_cert: x509.Certificate,
    ca_key: rsa.RSAPrivateKey,
    usage: x509.ObjectIdentifier,
    now: datetime,
    hosts: list[str],
) -> x509.Certificate:
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(common_name))
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=365))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_key_usage(ca=False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([usage]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
            critical=False,
        )
    )
    if hosts:
        names: list[x509.GeneralName] = []
        for host in hosts:
            try:
                names.append(x509.IPAddress(ipaddress.ip_address(host)))
            except ValueError:
                names.append(x509.DNSName(host))
        builder = builder.add_extension(x509.SubjectAlternativeName(names), critical=False)
    return builder.sign(ca_key, hashes.SHA256())


def is_complete(directory: Path) -> bool:
    """True when all five files exist, the certificates are valid for at least a day and
    both leaves pass the chain check that signed messages get (``wssec.check_chain``).

    The last condition upgrades a set made under an older certificate profile: one whose
    extensions the path validation refuses is generated anew instead of reused.
    """
    if not all((directory / name).exists() for name in FILES):
        return False
    soon = datetime.now(UTC) + timedelta(days=1)
    try:
        certs = {
            name: x509.load_pem_x509_certificate((directory / name).read_bytes())
            for name in ("ca.crt", "client.crt", "server.crt")
        }
    except ValueError:
        return False
    if any(cert.not_valid_after_utc < soon for cert in certs.values()):
        return False
    try:
        for leaf in ("client.crt", "server.crt"):
            wssec.check_chain(certs[leaf], [certs["ca.crt"]])
    except wssec.WsSecurityError:
        return False
    return True


def generate(directory: Path, hosts: list[str] | None = None) -> TestPki:
    """Write ca.crt, server.crt/.key and client.crt/.key into ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    # Extra names let other containers reach the stub by its service name (docker-compose).
    extra = [h.strip() for h in os.environ.get("DIGIPOORT_STUB_HOSTNAMES", "").split(",")]
    hosts = hosts or ["127.0.0.1", "localhost", "::1", *[h for h in extra if h]]
    now = datetime.now(UTC)
    ca_key = _key()
    ca_cert = (
        x509.CertificateBuilder()
        .subject_name(_name("Deponeer test-CA (lokale Digipoort)"))
        .issuer_name(_name("Deponeer test-CA (lokale Digipoort)"))
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_key_usage(ca=True), critical=True)
        .add_extension(
            x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    server_key = _key()
    server_cert = _leaf(
        hosts[0], server_key, ca_cert, ca_key, ExtendedKeyUsageOID.SERVER_AUTH, now, hosts
    )
    client_key = _key()
    client_cert = _leaf(
        "Deponeer accountantsomgeving (test)",
        client_key,
        ca_cert,
        ca_key,
        ExtendedKeyUsageOID.CLIENT_AUTH,
        now,
        [],
    )
    pki = TestPki(directory)
    _write_cert(pki.ca_cert, ca_cert)
    _write_cert(pki.server_cert, server_cert)
    _write_key(pki.server_key, server_key)
    _write_cert(pki.client_cert, client_cert)
    _write_key(pki.client_key, client_key)
    return pki


def ensure(directory: Path, *, regenerate: bool = False) -> TestPki:
    """Reuse a complete, still valid set in ``directory``, or generate a fresh one.

    Reuse keeps clients that already loaded the CA working across a stub restart.
    """
    if not regenerate and is_complete(directory):
        return TestPki(directory)
    return generate(directory)
