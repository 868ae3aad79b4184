"""The Digipoort client is set up once per worker thread and configuration (WSDLs parsed,
TLS connection kept), and certificate files are read again only when they change."""

from __future__ import annotations

import os

from kvk.digipoort import client as client_module
from workflow import submission


def test_files_are_read_once_and_again_when_renewed(tmp_path):
    path = tmp_path / "client.crt"
    path.write_bytes(b"first")
    files = client_module._Files()
    assert files.read(str(path)) == b"first"
    path.write_bytes(b"renewed")  # same size class, new content
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    assert files.read(str(path)) == b"renewed"


def test_unchanged_file_is_not_read_again(tmp_path, monkeypatch):
    path = tmp_path / "client.key"
    path.write_bytes(b"key")
    files = client_module._Files()
    files.read(str(path))
    reads: list[str] = []
    monkeypatch.setattr(
        client_module.Path, "read_bytes", lambda self: reads.append(str(self)) or b"x"
    )
    assert files.read(str(path)) == b"key"
    assert reads == []


def test_one_client_per_thread_and_configuration(digipoort_settings):
    first = submission._client()
    assert submission._client() is first
    digipoort_settings.DIGIPOORT_TIMEOUT_SECONDS = 7
    other = submission._client()
    assert other is not first and other.config.timeout == 7


def test_the_kept_client_delivers_and_polls(digipoort_settings, digipoort_stub, xbrl_instance):
    client = submission._client()
    kenmerk = client.deliver(
        reference="hergebruik", kvk_number="12345678", filename="a.xbrl", content=xbrl_instance()
    )
    assert client.statuses(kenmerk)
    assert submission._client() is client
    assert digipoort_stub.stats()["operations"]["getStatussenProces"] == 1
