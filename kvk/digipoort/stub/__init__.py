"""The local Digipoort: both WUS services over HTTPS with two-way TLS, for development and CI.

It speaks the same protocol as the real Digipoort so the production client
(``client.py``) is tested unchanged: SOAP 1.1, WS-Addressing, WS-Security signatures
checked on every request and put on every answer. What it does with a delivery:

- ``aanleveren``: checks the request (with the koppelvlak's limits on bestandsnaam and
  inhoud, ``kvk.digipoort.validation``), stores the delivery (SQLite file in the cert
  directory, so "exactly once" can be checked from outside, also across restarts) and
  returns a fresh kenmerk;
- the timeline then follows the delivery's scenario (``SCENARIOS``, chosen when it is
  received: per KvK number or the default). Each planned status has a wait before it
  ("after"); the "normal" one moves on one status per ``step_seconds``: 100 -> 200 ->
  301 -> 405 -> 400 -> the verdict of the receiving party (500 accepted / 510 refused),
  or 311 when Digipoort's validation refuses the document (``kvk.digipoort.validation``:
  not well-formed, a DOCTYPE, not an XBRL instance). Other scenarios play what the real Digipoort
  does over hours and days: a slow KvK, 420 retries that recover or end after 72 hours,
  failures at authentication, validation or delivery, an unknown code, no answer at all;
- KvK's verdict follows simple rules of our own (``judge``): refused when the KvK number
  in the instance is missing or differs from identiteitBelanghebbende, or when it is a
  second adopted filing for the same KvK number and financial year.

The stub's clock (``StubState.now``) is real time plus an offset that tests move on
(POST /stub/clock), so a scenario that takes days runs in seconds. WS-Security timestamps
and the replay window keep real time, so signatures do not look expired.

Switches for tests (``Faults``; POST /stub/faults or command options): scenarios, slow
answers, 420 for the next N status polls, authentication failures, aanleverFaults, answers
that are lost after the delivery was stored (the "crash between sent and recorded"), and
status requests held open (to make overlapping polls of one kenmerk visible).

It counts what it is asked (GET /stub/stats): requests per operation, status polls per
kenmerk and the most status requests for one kenmerk handled at the same moment.

Admin endpoints (same port, same client certificate): GET /stub/deliveries,
GET|POST /stub/faults, GET|POST /stub/clock, GET /stub/stats, POST /stub/reset,
GET /stub/health.

Start it with ``python manage.py digipoort_stub`` or, in tests, ``start_stub(cert_dir)``.

The parts, bottom to top: ``protocol`` (endpoints, actions, fault codes, XML helpers),
``verdict`` (KvK's verdict on an instance), ``scenarios`` (status wording and the planned
timelines), ``state`` (deliveries, switches, clock, counts), ``operations`` (the WUS
operations), ``soap`` (checking a request and signing the answer), ``server`` (HTTPS and the
admin endpoints) and ``start`` (``start_stub`` and its handle).
"""

from __future__ import annotations

from .protocol import (
    AANLEVER_NS,
    AANLEVER_PATH,
    ACTIONS,
    FAULTS,
    KV,
    OPERATIONS,
    STATUS_NS,
    STATUS_PATH,
    STATUS_POLLS,
    SoapFault,
)
from .scenarios import (
    DESCRIPTIONS,
    HOUR,
    KVK_SLOW_SECONDS,
    RETRY_RECOVERS_SECONDS,
    RETRY_WINDOW_SECONDS,
    SCENARIOS,
    UNKNOWN_CODE,
    UNKNOWN_CODE_SECONDS,
    check_scenario,
    scenario_plan,
)
from .server import (
    MAX_REQUEST_BYTES,
)
from .soap import (
    DigipoortStub,
)
from .start import (
    DEFAULT_BERICHTSOORT,
    StubHandle,
    start_stub,
)
from .state import (
    REPLAY_WINDOW_SECONDS,
    Delivery,
    Faults,
    StubState,
)
from .verdict import (
    KVK_ID_SCHEME,
    XBRLI,
    Verdict,
    inspect_instance,
    judge,
)

__all__ = [
    "AANLEVER_NS",
    "AANLEVER_PATH",
    "ACTIONS",
    "DEFAULT_BERICHTSOORT",
    "DESCRIPTIONS",
    "Delivery",
    "DigipoortStub",
    "FAULTS",
    "Faults",
    "HOUR",
    "KV",
    "KVK_ID_SCHEME",
    "KVK_SLOW_SECONDS",
    "MAX_REQUEST_BYTES",
    "OPERATIONS",
    "REPLAY_WINDOW_SECONDS",
    "RETRY_RECOVERS_SECONDS",
    "RETRY_WINDOW_SECONDS",
    "SCENARIOS",
    "STATUS_NS",
    "STATUS_PATH",
    "STATUS_POLLS",
    "SoapFault",
    "StubHandle",
    "StubState",
    "UNKNOWN_CODE",
    "UNKNOWN_CODE_SECONDS",
    "Verdict",
    "XBRLI",
    "check_scenario",
    "inspect_instance",
    "judge",
    "scenario_plan",
    "start_stub",
]
