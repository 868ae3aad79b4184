from cryptography import x509

from kvk.digipoort import testpki


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
