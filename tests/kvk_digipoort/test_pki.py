"""The local Digipoort's test PKI: names, and a profile that passes the chain check."""

from datetime import UTC, datetime, timedelta

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from kvk.digipoort import testpki, wssec


def _names(pki: testpki.TestPki) -> list[str]:
    cert = x509.load_pem_x509_certificate(pki.server_cert.read_bytes())
    san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    return [str(name.value) for name in san]


def test_server_certificate_names_the_local_addresses(tmp_path, monkeypatch):
    monkeypatch.delenv("DIGIPOORT_STUB_HOSTNAMES", raising=False)
    assert _names(testpki.generate(tmp_path)) == ["127.0.0.1", "localhost", "::1"]


def test_extra_host_names_reach_the_certificate_for_other_containers(tmp_path, monkeypatch):
    monkeypatch.setenv("DIGIPOORT_STUB_HOSTNAMES", "digipoort, stub.internal")
    assert _names(testpki.generate(tmp_path))[-2:] == ["digipoort", "stub.internal"]


def _load(path) -> x509.Certificate:
    return x509.load_pem_x509_certificate(path.read_bytes())


def test_generated_leaves_pass_the_signing_chain_check(tmp_path):
    # The client signs requests with client.crt, the local Digipoort signs answers with
    # server.crt; both must pass RFC 5280 path validation to ca.crt (wssec.check_chain).
    pki = testpki.generate(tmp_path)
    ca = _load(pki.ca_cert)
    for leaf in (pki.client_cert, pki.server_cert):
        wssec.check_chain(_load(leaf), [ca])
    assert testpki.is_complete(tmp_path)


def _old_profile_set(directory) -> None:
    """A set as an older profile might have made it: a CA without keyUsage (RFC 5280
    4.2.1.3 wants keyCertSign on a CA), otherwise valid for years."""
    now = datetime.now(UTC)
    ca_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Old test-CA")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    pki = testpki.TestPki(directory)
    testpki._write_cert(pki.ca_cert, ca)
    for cert_path, key_path, usage, hosts in (
        (pki.server_cert, pki.server_key, ExtendedKeyUsageOID.SERVER_AUTH, ["127.0.0.1"]),
        (pki.client_cert, pki.client_key, ExtendedKeyUsageOID.CLIENT_AUTH, []),
    ):
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        testpki._write_cert(cert_path, testpki._leaf("x", key, ca, ca_key, usage, now, hosts))
        testpki._write_key(key_path, key)


def test_ensure_regenerates_a_set_the_chain_check_refuses(tmp_path):
    _old_profile_set(tmp_path)
    old_ca = tmp_path.joinpath("ca.crt").read_bytes()
    with pytest.raises(wssec.WsSecurityError, match="keyUsage|2\\.5\\.29\\.15"):
        wssec.check_chain(_load(tmp_path / "client.crt"), [_load(tmp_path / "ca.crt")])
    assert not testpki.is_complete(tmp_path)

    pki = testpki.ensure(tmp_path)

    assert pki.ca_cert.read_bytes() != old_ca
    assert testpki.is_complete(tmp_path)


def test_ensure_reuses_a_complete_valid_set(tmp_path):
    testpki.generate(tmp_path)
    ca = tmp_path.joinpath("ca.crt").read_bytes()

    assert testpki.ensure(tmp_path).ca_cert.read_bytes() == ca


def test_unreadable_certificate_is_regenerated(tmp_path):
    testpki.generate(tmp_path)
    tmp_path.joinpath("server.crt").write_text("not a certificate")

    assert not testpki.is_complete(tmp_path)
    testpki.ensure(tmp_path)
    assert testpki.is_complete(tmp_path)
