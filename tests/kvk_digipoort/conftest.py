"""Fixtures around the local Digipoort (kvk/digipoort/stub/), for these tests and for the
submission tests of ``workflow``.

- ``digipoort_stub``: a running stub over HTTPS with two-way TLS and fast status steps,
  emptied (deliveries and fault switches) before each test. One stub per test session.
- ``digipoort_client``: a ``DigipoortClient`` with the stub's test certificates.
- ``digipoort_settings``: points the DIGIPOORT_* settings at the stub, so code that builds
  ``DigipoortClient()`` from settings talks to it.
- ``xbrl_instance``: a small instance builder (KvK number, year, adoption status).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from kvk.digipoort import testpki
from kvk.digipoort.client import DigipoortClient, DigipoortStatus
from kvk.digipoort.outcome import CODES, Kind
from kvk.digipoort.stub import StubHandle, start_stub

STEP_SECONDS = 0.02
#: A getStatussenProces request body in its SOAP envelope, unsigned (for the WS-Security tests).
STATUS_REQUEST = (
    b'<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>'
    b'<kv:getStatussenProcesRequest xmlns:kv="http://logius.nl/digipoort/koppelvlakservices/1.2/">'
    b"<kv:kenmerk>abc</kv:kenmerk></kv:getStatussenProcesRequest></s:Body></s:Envelope>"
)
ROOT = Path(__file__).resolve().parents[2]


def start_stub_command(cert_dir: Path, *options: str) -> subprocess.Popen:
    """``manage.py digipoort_stub`` as its own process on a free port, its certificates in
    ``cert_dir``; what it prints comes unbuffered, as text, on its stdout."""
    return subprocess.Popen(
        [sys.executable, "manage.py", "digipoort_stub", "--port", "0", "--cert-dir", str(cert_dir)]
        + list(options),
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )


@pytest.fixture(scope="session")
def _digipoort_stub_session(tmp_path_factory) -> Iterator[StubHandle]:
    handle = start_stub(tmp_path_factory.mktemp("digipoort"), step_seconds=STEP_SECONDS)
    yield handle
    handle.stop()


@pytest.fixture
def digipoort_stub(_digipoort_stub_session: StubHandle) -> StubHandle:
    _digipoort_stub_session.state.reset()
    _digipoort_stub_session.state.step_seconds = STEP_SECONDS
    return _digipoort_stub_session


@pytest.fixture(scope="session")
def other_pki(tmp_path_factory) -> testpki.TestPki:
    """Certificates from a CA the stub and the client do not trust."""
    return testpki.generate(tmp_path_factory.mktemp("other-pki"))


@pytest.fixture
def digipoort_client(digipoort_stub: StubHandle) -> DigipoortClient:
    return DigipoortClient(digipoort_stub.client_config())


@pytest.fixture
def digipoort_settings(settings, digipoort_stub: StubHandle):
    """The same DIGIPOORT_* values a worker process gets in its environment
    (``StubHandle.environ``), here as settings."""
    for name, value in digipoort_stub.environ().items():
        setattr(settings, name, value)
    return settings


def wait_until_final(
    client: DigipoortClient, kenmerk: str, *, timeout: float = 10.0
) -> list[DigipoortStatus]:
    """Poll like the periodic task does until the timeline has a final status."""
    deadline = time.monotonic() + timeout
    while True:
        statuses = client.statuses(kenmerk)
        if any(CODES.get(s.code) and CODES[s.code].kind is Kind.FINAL for s in statuses):
            return statuses
        if time.monotonic() > deadline:
            raise AssertionError(f"no final status for {kenmerk}: {[s.code for s in statuses]}")
        time.sleep(STEP_SECONDS)


@pytest.fixture
def poll_until_final() -> Callable[..., list[DigipoortStatus]]:
    return wait_until_final


def build_xbrl(
    kvk_number: str = "12345678",
    *,
    year: int = 2025,
    adopted: bool = True,
    resubmission: bool = False,
) -> bytes:
    """A minimal instance with just what the stub's rules read."""
    ns_i = "http://www.nltaxonomie.nl/nt20/jenv/20251210/dictionary/jenv-bw2-data"
    resub = (
        "<jenv-bw2-i:DocumentResubmissionDueToUnsurmountableInaccuracies contextRef='c'>Ja"
        "</jenv-bw2-i:DocumentResubmissionDueToUnsurmountableInaccuracies>"
        if resubmission
        else ""
    )
    adoption = "Ja" if adopted else "Nee"
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<xbrli:xbrl xmlns:xbrli="http://www.xbrl.org/2003/instance"
  xmlns:link="http://www.xbrl.org/2003/linkbase" xmlns:xlink="http://www.w3.org/1999/xlink"
  xmlns:jenv-bw2-i="{ns_i}" xml:lang="nl">
  <link:schemaRef xlink:type="simple" xlink:href="http://www.nltaxonomie.nl/nt20/kvk/20251210/entrypoints/kvk-rpt-jaarverantwoording-2025-nlgaap-micro.xsd"/>
  <xbrli:context id="c">
    <xbrli:entity><xbrli:identifier scheme="http://www.kvk.nl/kvk-id">{kvk_number}</xbrli:identifier></xbrli:entity>
    <xbrli:period><xbrli:startDate>{year}-01-01</xbrli:startDate><xbrli:endDate>{year}-12-31</xbrli:endDate></xbrli:period>
  </xbrli:context>
  <jenv-bw2-i:DocumentAdoptionStatus contextRef="c">{adoption}</jenv-bw2-i:DocumentAdoptionStatus>
  {resub}
</xbrli:xbrl>
""".encode()


@pytest.fixture
def xbrl_instance() -> Callable[..., bytes]:
    return build_xbrl
