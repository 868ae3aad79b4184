"""Starting the local Digipoort in a background thread, and the handle tests hold on to it."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import testpki
from ..client import DigipoortConfig
from .protocol import AANLEVER_PATH, STATUS_PATH
from .server import StubServer, tls_context
from .soap import DigipoortStub
from .state import Faults, StubState


@dataclass
class StubHandle:
    """A running local Digipoort. ``url`` is its base (https://host:port)."""

    url: str
    pki: testpki.TestPki
    state: StubState
    server: StubServer
    thread: threading.Thread

    @property
    def aanlever_url(self) -> str:
        return self.url + AANLEVER_PATH

    @property
    def status_url(self) -> str:
        return self.url + STATUS_PATH

    def client_config(self, **overrides: Any) -> DigipoortConfig:
        """A client configuration that talks to this stub with its test certificates."""
        values: dict[str, Any] = {
            "aanlever_url": self.aanlever_url,
            "status_url": self.status_url,
            "client_cert": str(self.pki.client_cert),
            "client_key": str(self.pki.client_key),
            "ca_bundle": str(self.pki.ca_cert),
            "berichtsoort": self.server.stub.berichtsoorten[0],
            "identiteit_type": "KvK",
            "rol": "Intermediair",
            "autorisatie_adres": "http://geenausp.nl",
            "signature_algorithm": "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
            "digest_algorithm": "http://www.w3.org/2001/04/xmlenc#sha256",
            "timeout": 10.0,
        }
        values.update(overrides)
        return DigipoortConfig(**values)

    def environ(self) -> dict[str, str]:
        """DIGIPOORT_* environment variables for a process (a Celery worker, manage.py)
        that should talk to this stub through settings."""
        config = self.client_config()
        return {
            "DIGIPOORT_AANLEVER_URL": config.aanlever_url,
            "DIGIPOORT_STATUS_URL": config.status_url,
            "DIGIPOORT_CLIENT_CERT": config.client_cert,
            "DIGIPOORT_CLIENT_KEY": config.client_key,
            "DIGIPOORT_CA_BUNDLE": config.ca_bundle,
            "DIGIPOORT_BERICHTSOORT": config.berichtsoort,
        }

    def counts(self) -> dict[str, int]:
        """How often each aanleverkenmerk was received (what "exactly once" is checked on)."""
        return self.state.counts()

    def set_faults(self, **switches: Any) -> Faults:
        """Same switches as POST /stub/faults, e.g. ``set_faults(status_420_polls=3)``."""
        return self.state.set_faults(switches)

    def advance_clock(self, seconds: float) -> float:
        """Move the stub's clock on (as POST /stub/clock advance_seconds); returns the
        offset from real time."""
        return self.state.advance_clock(seconds)

    def set_clock(self, offset: float) -> float:
        """Set the stub's clock to real time plus ``offset`` seconds (as POST /stub/clock
        offset_seconds)."""
        return self.state.set_clock(offset)

    def stats(self) -> dict[str, Any]:
        """What GET /stub/stats answers: requests per operation, status polls per kenmerk,
        the most status requests for one kenmerk handled at the same moment."""
        return self.state.stats()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)
        self.state.close()


DEFAULT_BERICHTSOORT = "KVK-jaarverantwoording"


def start_stub(
    cert_dir: Path | str,
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    step_seconds: float = 1.0,
    berichtsoorten: list[str] | None = None,
    regenerate_certs: bool = False,
) -> StubHandle:
    """Start the local Digipoort in a background thread; ``port=0`` picks a free port."""
    cert_dir = Path(cert_dir)
    pki = testpki.ensure(cert_dir, regenerate=regenerate_certs)
    state = StubState(cert_dir / "deliveries.sqlite3", step_seconds)
    stub = DigipoortStub(pki, state, berichtsoorten or [DEFAULT_BERICHTSOORT])
    server = StubServer((host, port), stub, tls_context(pki))
    thread = threading.Thread(target=server.serve_forever, name="digipoort-stub", daemon=True)
    thread.start()
    bound_host, bound_port = str(server.server_address[0]), int(server.server_address[1])
    shown = f"[{bound_host}]" if ":" in bound_host else bound_host
    return StubHandle(f"https://{shown}:{bound_port}", pki, state, server, thread)
