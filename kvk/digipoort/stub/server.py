"""The HTTPS server of the local Digipoort: two-way TLS, the two WUS endpoints and the
admin endpoints for tests.

Admin endpoints (same port, same client certificate): GET /stub/deliveries,
GET|POST /stub/faults, GET|POST /stub/clock, GET /stub/stats, POST /stub/reset,
GET /stub/health.
"""

from __future__ import annotations

import contextlib
import json
import logging
import socket
import ssl
import time
from collections.abc import Callable
from dataclasses import asdict
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from .. import testpki
from .protocol import AANLEVER_PATH, STATUS_PATH, iso
from .soap import DigipoortStub
from .state import StubState

log = logging.getLogger(__name__)

MAX_REQUEST_BYTES = 30 * 1024 * 1024

_CLOCK_EXPECTED = "one of advance_seconds or offset_seconds expected"


class _Handler(BaseHTTPRequestHandler):
    server: StubServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        log.debug("%s " + format, self.address_string(), *args)

    def _send(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _json(self, status: int, data: Any) -> None:
        self._send(status, json.dumps(data, indent=1).encode(), "application/json")

    def _read_body(self) -> bytes | None:
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_REQUEST_BYTES:
            self._json(413, {"error": "request too large"})
            return None
        return self.rfile.read(length)

    # --- GET -----------------------------------------------------------------------------

    def do_GET(self) -> None:  # noqa: N802 - stdlib name
        state = self.server.stub.state
        answers: dict[str, Callable[[], Any]] = {
            "/stub/deliveries": lambda: _deliveries(state),
            "/stub/faults": lambda: _faults(state),
            "/stub/clock": lambda: _clock(state),
            "/stub/stats": state.stats,
            "/stub/health": lambda: {"ok": True},
        }
        answer = answers.get(self.path)
        if answer is None:
            self._json(404, {"error": "not found"})
        else:
            self._json(200, answer())

    # --- POST ----------------------------------------------------------------------------

    def do_POST(self) -> None:  # noqa: N802 - stdlib name
        body = self._read_body()
        if body is None:
            return
        handlers: dict[str, Callable[[bytes], None]] = {
            AANLEVER_PATH: self._post_soap,
            STATUS_PATH: self._post_soap,
            "/stub/faults": self._post_faults,
            "/stub/clock": self._post_clock,
            "/stub/reset": self._post_reset,
        }
        handler = handlers.get(self.path)
        if handler is None:
            self._json(404, {"error": "not found"})
        else:
            handler(body)

    def _post_soap(self, body: bytes) -> None:
        """A WUS request: answered, or (switches) lost after storing, or answered late."""
        stub = self.server.stub
        peer = self.connection.getpeercert(binary_form=True)  # type: ignore[attr-defined]
        status, answer = stub.handle(self.path, body, peer)
        delivering = self.path == AANLEVER_PATH and status == 200
        if delivering and stub.state.take_fault("drop_responses"):
            # The delivery is stored; the answer is lost on the way back.
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        with stub.state.lock:
            delay = stub.state.faults.delay_seconds if stub.state.faults.take("delay_count") else 0
        if delay:
            time.sleep(delay)
        self._send(status, answer, "text/xml; charset=utf-8")

    def _post_faults(self, body: bytes) -> None:
        try:
            values = json.loads(body or b"{}")
            faults = self.server.stub.state.set_faults(values)
        except (ValueError, TypeError) as exc:
            self._json(400, {"error": str(exc)})
            return
        self._json(200, asdict(faults))

    def _post_clock(self, body: bytes) -> None:
        state = self.server.stub.state
        try:
            _move_clock(state, json.loads(body or b"{}"))
        except ValueError as exc:
            self._json(400, {"error": str(exc)})
            return
        self._json(200, _clock(state))

    def _post_reset(self, body: bytes) -> None:
        self.server.stub.state.reset()
        self._json(200, {"ok": True})


def _deliveries(state: StubState) -> dict[str, Any]:
    """GET /stub/deliveries: the counts per aanleverkenmerk and every delivery so far."""
    deliveries = [state.advance(d, poll=False) for d in state.all()]
    return {
        "counts": state.counts(),
        "deliveries": [
            {
                "kenmerk": d.kenmerk,
                "reference": d.reference,
                "kvk_number": d.kvk_number,
                "filename": d.filename,
                "sha256": d.sha256,
                "received_at": iso(d.received_at),
                "statuses": [s["code"] for s in d.timeline],
                "accepted": d.verdict["accepted"],
                "reasons": d.verdict["reasons"],
                "scenario": d.scenario,
            }
            for d in deliveries
        ],
    }


def _faults(state: StubState) -> dict[str, Any]:
    with state.lock:
        return {**asdict(state.faults), "step_seconds": state.step_seconds}


def _move_clock(state: StubState, values: Any) -> None:
    """POST /stub/clock: ``advance_seconds`` or ``offset_seconds``; ValueError otherwise."""
    if not isinstance(values, dict) or len(values) != 1:
        raise ValueError(_CLOCK_EXPECTED)
    if "advance_seconds" in values:
        state.advance_clock(values["advance_seconds"])
    elif "offset_seconds" in values:
        state.set_clock(values["offset_seconds"])
    else:
        raise ValueError(_CLOCK_EXPECTED)


def _clock(state: StubState) -> dict[str, Any]:
    with state.lock:
        return {"offset_seconds": state.clock_offset, "now": iso(state.now())}


class StubServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address, stub: DigipoortStub, context: ssl.SSLContext):
        self.stub = stub
        self.context = context
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        super().__init__(address, _Handler)

    def finish_request(self, request, client_address):
        # The TLS handshake happens here, in the request's own thread, so a slow or hostile
        # client cannot hold up accept() for everyone else.
        try:
            request.settimeout(60)
            # Headers and body go out as separate writes; without NODELAY the second waits
            # for the client's delayed ACK (40 ms per answer).
            request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            tls = self.context.wrap_socket(request, server_side=True)
        except (ssl.SSLError, OSError) as exc:
            log.info("TLS refused for %s: %s", client_address, exc)
            return
        try:
            super().finish_request(tls, client_address)
        finally:
            with contextlib.suppress(OSError):
                tls.close()


def tls_context(pki: testpki.TestPki) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(pki.server_cert, pki.server_key)
    context.load_verify_locations(cafile=str(pki.ca_cert))
    context.verify_mode = ssl.CERT_REQUIRED  # two-way TLS: no client certificate, no entry
    return context
