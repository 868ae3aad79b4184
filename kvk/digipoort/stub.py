"""The local Digipoort: both WUS services over HTTPS with two-way TLS, for development and CI.

It speaks the same protocol as the real Digipoort so the production client
(``client.py``) is tested unchanged: SOAP 1.1, WS-Addressing, WS-Security signatures
checked on every request and put on every answer. What it does with a delivery:

- ``aanleveren``: checks the request, stores the delivery (SQLite file in the cert
  directory, so "exactly once" can be checked from outside, also across restarts) and
  returns a fresh kenmerk;
- the timeline then follows the delivery's scenario (``SCENARIOS``, chosen when it is
  received: per KvK number or the default). Each planned status has a wait before it
  ("after"); the "normal" one moves on one status per ``step_seconds``: 100 -> 200 ->
  301 -> 405 -> 400 -> the verdict of the receiving party (500 accepted / 510 refused),
  or 311 when the XBRL is not well-formed. Other scenarios play what the real Digipoort
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
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import json
import logging
import math
import socket
import sqlite3
import ssl
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field, fields
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.serialization import Encoding
from lxml import etree

from . import testpki, wssec
from .client import DigipoortConfig

log = logging.getLogger(__name__)

KV = "http://logius.nl/digipoort/koppelvlakservices/1.2/"
AANLEVER_PATH = "/wus/2.0/aanleverservice/1.2"
STATUS_PATH = "/wus/2.0/statusinformatieservice/1.2"
AANLEVER_NS = "http://logius.nl/digipoort/wus/2.0/aanleverservice/1.2/AanleverService/"
STATUS_NS = (
    "http://logius.nl/digipoort/wus/2.0/statusinformatieservice/1.2/StatusinformatieService/"
)
KVK_ID_SCHEME = "http://www.kvk.nl/kvk-id"
XBRLI = "http://www.xbrl.org/2003/instance"
MAX_REQUEST_BYTES = 30 * 1024 * 1024

#: (service path, operation, body element) for each accepted wsa:Action.
ACTIONS = {
    AANLEVER_NS + "aanleverenRequest": (AANLEVER_PATH, "aanleveren", "aanleverRequest"),
    **{
        STATUS_NS + f"{op}Request": (STATUS_PATH, op, f"{op}Request")
        for op in (
            "getStatussenProces",
            "getNieuweStatussenProces",
            "getProcessen",
            "getBerichtsoorten",
        )
    },
}

#: Every operation, in the order of ``ACTIONS`` (the keys of the request counts).
OPERATIONS = tuple(operation for _path, operation, _element in ACTIONS.values())

#: How long a wsa:MessageID is remembered to refuse a replayed request (longer than a
#: signed timestamp stays acceptable, so a replay is caught by one check or the other).
REPLAY_WINDOW_SECONDS = 15 * 60

#: The fault codes of the local Digipoort, in Digipoort's style (ALS = aanleverservice,
#: STS = statusinformatieservice). The client treats only the x400 codes as retryable.
FAULTS = {
    "security": ("100", "Bericht niet of niet correct ondertekend"),
    "authentication": ("110", "Authenticatie of autorisatie mislukt"),
    "request": ("120", "Bericht voldoet niet aan de koppelvlakspecificaties"),
    "unknown": ("130", "Kenmerk onbekend"),
    "technical": ("400", "Technische fout, probeer het later opnieuw"),
}

#: Status codes and their wording as Digipoort answers them (Logius, "Statussen en foutcodes
#: Digipoort", v1.6, 2022). 500/510 (validation at the receiving party, here the KvK,
#: succeeded / failed) as Digipoort's conformance environment answers them. 999 is ours: a
#: code the client's table does not know, to test that it is not misread.
DESCRIPTIONS = {
    100: "Aanleveren gelukt",
    105: "Aanleverproces gestart",
    110: "Aanleverproces wordt aangeboden",
    200: "Authenticatie gelukt",
    210: "Authenticatie mislukt",
    230: "Technisch probleem bij de autorisatieserviceprovider",
    301: "Validatie gelukt",
    311: "Validatie mislukt",
    321: "Technisch probleem bij validatie",
    400: "Afleveren uitvragende partij gelukt",
    405: "Afleveren naar uitvragende partij bezig",
    410: "Afleveren uitvragende partij niet gelukt",
    420: "Technisch probleem bij afleveren uitvragende partij",
    500: "Validatie bij de uitvragende partij gelukt",
    510: "Validatie bij de uitvragende partij niet gelukt",
    999: "Onbekende status",
}

HOUR = 3600.0
#: How long Digipoort retries delivery to the receiving party after a 420 before it gives
#: up with a last 420 and foutcode AFS600 (Logius, "Statussen en foutcodes Digipoort").
RETRY_WINDOW_SECONDS = 72 * HOUR
KVK_SLOW_SECONDS = 6 * HOUR  # "kvk_slow": from 400 to the verdict
RETRY_RECOVERS_SECONDS = 10 * HOUR  # "retry_420_recovers": from 420 to 400
UNKNOWN_CODE = 999
UNKNOWN_CODE_SECONDS = 48 * HOUR  # "unknown_code": from 999 to 400

#: The scenarios a delivery can follow (``Faults.scenarios`` / ``default_scenario``). After
#: status 100 (received), with one ``step_seconds`` between statuses unless said otherwise.
#: A not-well-formed instance ends at 311/VAS500 in every scenario that gets as far as
#: validation.
SCENARIOS = {
    "normal": "200, 301, 405, 400, then the verdict (500, or 510 with reasons)",
    "kvk_slow": "as normal, but the verdict comes 6 hours after 400",
    "retry_420_recovers": "200, 301, 405, 420; 10 hours later 400 and the verdict",
    "retry_420_ends": "200, 301, 405, 420; 72 hours later a last 420 with AFS600 (final)",
    "auth_failed": "210 (authentication of the sender failed; final)",
    "ausp_problem": "230 (technical problem at the authorisation service provider; final)",
    "validation_failed": "200, 311 with VAS500 (final)",
    "validation_technical": "200, 321 with VAS400 (final)",
    "delivery_failed": "200, 301, 405, 410 with AFS400 (final)",
    "unknown_code": "200, 301, 405, 999; 48 hours later 400 and the verdict",
    "silent": "200, 301, 405, 400 and then nothing ever (the KvK never answers)",
}

#: The operations that ask for one delivery's statuses (counted per kenmerk).
STATUS_POLLS = ("getStatussenProces", "getNieuweStatussenProces")


# --- KvK's verdict -------------------------------------------------------------------------


@dataclass(frozen=True)
class Verdict:
    accepted: bool
    well_formed: bool
    reasons: list[tuple[str, str]]
    kvk_number: str = ""
    year: int | None = None
    adopted: bool = False
    resubmission: bool = False


def _hardened_parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        dtd_validation=False,
    )


def _fact_text(root: etree._Element, localname: str) -> str:
    for node in root.iter():
        if isinstance(node.tag, str) and etree.QName(node).localname == localname:
            return (node.text or "").strip()
    return ""


def inspect_instance(content: bytes) -> Verdict:
    """What the rules need from an XBRL instance; not well-formed gives well_formed=False."""
    try:
        root = etree.fromstring(content, _hardened_parser())
    except etree.XMLSyntaxError as exc:
        return Verdict(False, False, [("VAS500", f"Het bestand is geen welgevormde XML: {exc}")])
    if root.getroottree().docinfo.doctype:
        return Verdict(False, False, [("VAS500", "Een DOCTYPE is niet toegestaan (FR-NL-1.03)")])
    if root.tag != f"{{{XBRLI}}}xbrl":
        return Verdict(False, False, [("VAS500", "Het bestand is geen XBRL-instance")])
    numbers = {
        (node.text or "").strip()
        for node in root.iter(f"{{{XBRLI}}}identifier")
        if node.get("scheme") == KVK_ID_SCHEME
    }
    registered = _fact_text(root, "ChamberOfCommerceRegistrationNumber")
    if registered:
        numbers.add(registered)
    # The financial year is the year in which it begins (KVK-SBR.md section 3), so a year
    # 2025-07-01..2026-06-30 is 2025. Without the metadata fact, the latest start date of
    # a duration context is the current period's start.
    start = _fact_text(root, "FinancialReportingPeriodCurrentStartDate")
    if not start:
        starts = [(n.text or "").strip() for n in root.iter(f"{{{XBRLI}}}startDate")]
        start = max(starts) if starts else ""
    year = int(start[:4]) if len(start) >= 4 and start[:4].isdigit() else None
    yes = ("ja", "yes", "true")
    return Verdict(
        accepted=True,
        well_formed=True,
        reasons=[],
        kvk_number=",".join(sorted(numbers)),
        year=year,
        adopted=_fact_text(root, "DocumentAdoptionStatus").lower() in yes,
        resubmission=(
            _fact_text(root, "DocumentResubmissionDueToUnsurmountableInaccuracies").lower() in yes
        ),
    )


def judge(content: bytes, kvk_number: str, already_filed: set[tuple[str, int]]) -> Verdict:
    """KvK's verdict by our rules; ``already_filed`` holds (KvK number, year) of accepted
    adopted filings."""
    found = inspect_instance(content)
    if not found.well_formed:
        return found
    reasons = []
    if not found.kvk_number:
        reasons.append(("KVK001", "De instance bevat geen KvK-nummer (identifier, kvk-id)"))
    elif found.kvk_number != kvk_number:
        reasons.append(
            (
                "KVK002",
                f"KvK-nummer in de instance ({found.kvk_number}) wijkt af van de "
                f"belanghebbende ({kvk_number})",
            )
        )
    if (
        found.adopted
        and not found.resubmission
        and found.year is not None
        and (kvk_number, found.year) in already_filed
    ):
        reasons.append(
            (
                "KVK003",
                f"Voor KvK-nummer {kvk_number} is over boekjaar {found.year} al een "
                "vastgestelde jaarrekening gedeponeerd",
            )
        )
    return Verdict(
        accepted=not reasons,
        well_formed=True,
        reasons=reasons,
        kvk_number=kvk_number,
        year=found.year,
        adopted=found.adopted,
        resubmission=found.resubmission,
    )


def _planned(after: float, code: int, error_code: str = "", reasons=()) -> dict[str, Any]:
    entry: dict[str, Any] = {"code": code, "after": float(after)}
    if error_code:
        entry["error_code"] = error_code
    if reasons:
        entry["reasons"] = [list(reason) for reason in reasons]
        entry.setdefault("error_code", reasons[0][0])
    return entry


def scenario_plan(scenario: str, verdict: Verdict, step: float) -> list[dict[str, Any]]:
    """The statuses after 100 for a delivery in ``scenario``, each with its wait ("after")."""
    if scenario not in SCENARIOS:
        raise ValueError(f"unknown scenario {scenario!r}")
    if scenario == "auth_failed":
        return [_planned(step, 210)]
    if scenario == "ausp_problem":
        return [_planned(step, 230)]
    if scenario == "validation_failed":
        return [_planned(step, 200), _planned(step, 311, "VAS500")]
    if scenario == "validation_technical":
        return [_planned(step, 200), _planned(step, 321, "VAS400")]
    if not verdict.well_formed:
        return [_planned(step, 200), _planned(step, 311, "VAS500", verdict.reasons)]
    offered = [_planned(step, 200), _planned(step, 301), _planned(step, 405)]

    def decision(after: float) -> dict[str, Any]:
        if verdict.accepted:
            return _planned(after, 500)
        return _planned(after, 510, reasons=verdict.reasons)

    plans = {
        "normal": lambda: [_planned(step, 400), decision(step)],
        "kvk_slow": lambda: [_planned(step, 400), decision(KVK_SLOW_SECONDS)],
        "retry_420_recovers": lambda: [
            _planned(step, 420),
            _planned(RETRY_RECOVERS_SECONDS, 400),
            decision(step),
        ],
        "retry_420_ends": lambda: [
            _planned(step, 420),
            _planned(RETRY_WINDOW_SECONDS, 420, "AFS600"),
        ],
        "delivery_failed": lambda: [_planned(step, 410, "AFS400")],
        "unknown_code": lambda: [
            _planned(step, UNKNOWN_CODE),
            _planned(UNKNOWN_CODE_SECONDS, 400),
            decision(step),
        ],
        "silent": lambda: [_planned(step, 400)],
    }
    return offered + plans[scenario]()


def check_scenario(name: Any) -> str:
    if not isinstance(name, str) or name not in SCENARIOS:
        raise ValueError(f"unknown scenario {name!r}; known: {', '.join(SCENARIOS)}")
    return name


# --- state ---------------------------------------------------------------------------------


@dataclass
class Faults:
    """Switches for tests. Counters count down per affected request; -1 means always."""

    delay_seconds: float = 0.0  # answer this much later (the request is handled first)
    delay_count: int = 0
    # next N status polls of a delivery waiting for 400 add a 420 (a retry, no foutcode)
    status_420_polls: int = 0
    auth_failures: int = 0  # next N requests get an authentication fault
    aanlever_faults: int = 0  # next N aanleveren get an aanleverFault
    aanlever_fault_code: str = "ALS400"
    aanlever_fault_message: str = "Technische fout, probeer het later opnieuw"
    drop_responses: int = 0  # next N aanleveren are stored, then the connection is cut
    step_seconds: float | None = None  # change the progression speed
    # KvK number -> scenario (SCENARIOS) for deliveries received from now on
    scenarios: dict[str, str] = field(default_factory=dict)
    default_scenario: str = "normal"  # for KvK numbers not in ``scenarios``
    hold_status_seconds: float = 0.0  # each status request is held this long (in flight)

    def take(self, name: str) -> bool:
        value = getattr(self, name)
        if value == 0:
            return False
        if value > 0:
            setattr(self, name, value - 1)
        return True


@dataclass
class Delivery:
    kenmerk: str
    reference: str
    kvk_number: str
    identiteit_type: str
    rol: str
    berichtsoort: str
    filename: str
    sha256: str
    size: int
    received_at: float
    verdict: dict[str, Any]
    plan: list[dict[str, Any]]
    timeline: list[dict[str, Any]] = field(default_factory=list)
    reported_new: int = 0  # how much of the timeline getNieuweStatussenProces already gave
    scenario: str = "normal"
    # How many entries of ``plan`` are in the timeline (None: a delivery stored before this
    # was kept; then it is the number of statuses after 100 other than 420).
    progress: int | None = None


def _seconds(value: Any, name: str, *, minimum: float | None = None) -> float:
    """A number of seconds from a switch or an admin request; ValueError when it is not."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{name}: a number of seconds expected, not {value!r}")
    seconds = float(value)
    if not math.isfinite(seconds) or (minimum is not None and seconds < minimum):
        raise ValueError(f"{name}: {value!r} is out of range")
    return seconds


class StubState:
    """Deliveries (SQLite in the cert directory) and the fault switches, shared by threads."""

    def __init__(self, path: Path, step_seconds: float) -> None:
        self.step_seconds = step_seconds
        self.faults = Faults()
        self.lock = threading.RLock()
        self.clock_offset = 0.0  # the stub's clock runs this many seconds ahead of real time
        self._seen: dict[str, float] = {}  # wsa:MessageID -> when first received (real time)
        # What the stub was asked (``stats``), under their own lock: a status request is
        # in flight from its kenmerk being read until its answer is signed.
        self._stats_lock = threading.Lock()
        self._operations: Counter[str] = Counter()
        self._polls: Counter[str] = Counter()
        self._in_flight: dict[str, int] = {}
        self._max_concurrent = 0
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        # WAL with synchronous=NORMAL survives a killed process (what the exactly-once
        # checks need) without an fsync per delivery.
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(
            """
            CREATE TABLE IF NOT EXISTS deliveries (
                kenmerk TEXT PRIMARY KEY,
                reference TEXT NOT NULL,
                kvk_number TEXT NOT NULL,
                received_at REAL NOT NULL,
                data TEXT NOT NULL
            );
            CREATE INDEX IF NOT EXISTS deliveries_kvk ON deliveries (kvk_number);
            CREATE INDEX IF NOT EXISTS deliveries_reference ON deliveries (reference);
            -- KvK number and financial year of accepted adopted filings (rule KVK003)
            CREATE TABLE IF NOT EXISTS filed (
                kvk_number TEXT NOT NULL,
                year INTEGER NOT NULL,
                PRIMARY KEY (kvk_number, year)
            );
            """
        )

    def first_use(self, message_id: str) -> bool:
        """Remember a wsa:MessageID; False when it was seen within the replay window."""
        now = time.time()
        with self.lock:
            cutoff = now - REPLAY_WINDOW_SECONDS
            while self._seen:  # oldest first: dicts keep insertion order
                oldest, seen_at = next(iter(self._seen.items()))
                if seen_at >= cutoff:
                    break
                del self._seen[oldest]
            if message_id in self._seen:
                return False
            self._seen[message_id] = now
            return True

    def take_fault(self, name: str) -> bool:
        with self.lock:
            return self.faults.take(name)

    def close(self) -> None:
        with self.lock:
            self._db.close()

    def reset(self) -> None:
        """Forget deliveries, switches and counts; the clock goes back to real time."""
        with self.lock:
            self._db.execute("DELETE FROM deliveries")
            self._db.execute("DELETE FROM filed")
            self.faults = Faults()
            self.clock_offset = 0.0
        with self._stats_lock:
            self._operations.clear()
            self._polls.clear()
            # Requests in flight now are still in flight; the maximum starts over from them.
            self._max_concurrent = max(self._in_flight.values(), default=0)

    def set_faults(self, values: dict[str, Any]) -> Faults:
        """Set switches by name (all checked before any is set); ValueError when wrong."""
        values = dict(values)
        unknown = set(values) - {f.name for f in fields(Faults)}
        if unknown:
            raise ValueError(f"unknown switches: {', '.join(sorted(unknown))}")
        if "scenarios" in values:
            scenarios = values["scenarios"]
            if not isinstance(scenarios, dict):
                raise ValueError("scenarios: a mapping of KvK number to scenario name")
            values["scenarios"] = {
                str(number): check_scenario(name) for number, name in scenarios.items()
            }
        if "default_scenario" in values:
            check_scenario(values["default_scenario"])
        if "hold_status_seconds" in values:
            values["hold_status_seconds"] = _seconds(
                values["hold_status_seconds"], "hold_status_seconds", minimum=0.0
            )
        with self.lock:
            for key, value in values.items():
                setattr(self.faults, key, value)
            if self.faults.step_seconds is not None:
                self.step_seconds = float(self.faults.step_seconds)
                self.faults.step_seconds = None
            return self.faults

    # --- the stub's clock ----------------------------------------------------------------

    def now(self) -> float:
        """The stub's time (epoch seconds): real time plus ``clock_offset``. Timelines run
        on it; WS-Security and the replay window do not."""
        return time.time() + self.clock_offset

    def advance_clock(self, seconds: float) -> float:
        """Move the stub's clock ``seconds`` forward; returns the new offset."""
        seconds = _seconds(seconds, "advance_seconds", minimum=0.0)
        with self.lock:
            self.clock_offset += seconds
            return self.clock_offset

    def set_clock(self, offset: float) -> float:
        """Set the stub's clock to real time plus ``offset`` seconds; returns the offset."""
        offset = _seconds(offset, "offset_seconds")
        with self.lock:
            self.clock_offset = offset
            return self.clock_offset

    # --- what the stub was asked ---------------------------------------------------------

    def count_operation(self, operation: str) -> None:
        with self._stats_lock:
            self._operations[operation] += 1

    @contextlib.contextmanager
    def status_request(self, kenmerk: str) -> Iterator[None]:
        """Count a status poll of ``kenmerk`` and keep it in flight while the block runs
        (held ``hold_status_seconds`` longer when that switch is set)."""
        hold = self.faults.hold_status_seconds
        with self._stats_lock:
            self._polls[kenmerk] += 1
            in_flight = self._in_flight.get(kenmerk, 0) + 1
            self._in_flight[kenmerk] = in_flight
            self._max_concurrent = max(self._max_concurrent, in_flight)
        try:
            if hold > 0:
                time.sleep(hold)
            yield
        finally:
            with self._stats_lock:
                left = self._in_flight.get(kenmerk, 1) - 1
                if left > 0:
                    self._in_flight[kenmerk] = left
                else:
                    self._in_flight.pop(kenmerk, None)

    def stats(self) -> dict[str, Any]:
        """Requests per operation (that passed the signature and addressing checks), status
        polls per kenmerk, and the most status requests for one kenmerk at one moment."""
        with self._stats_lock:
            return {
                "operations": {op: self._operations[op] for op in OPERATIONS},
                "polls": dict(self._polls),
                "max_concurrent_per_kenmerk": self._max_concurrent,
            }

    def all(self, *, kvk_number: str | None = None) -> list[Delivery]:
        """Deliveries in the order received, all or those for one KvK number."""
        with self.lock:
            if kvk_number is None:
                rows = self._db.execute("SELECT data FROM deliveries ORDER BY received_at")
            else:
                rows = self._db.execute(
                    "SELECT data FROM deliveries WHERE kvk_number = ? ORDER BY received_at",
                    (kvk_number,),
                )
            return [Delivery(**json.loads(data)) for (data,) in rows.fetchall()]

    def get(self, kenmerk: str) -> Delivery | None:
        with self.lock:
            row = self._db.execute(
                "SELECT data FROM deliveries WHERE kenmerk = ?", (kenmerk,)
            ).fetchone()
        return Delivery(**json.loads(row[0])) if row else None

    def save(self, delivery: Delivery) -> None:
        with self.lock:
            self._db.execute(
                "INSERT OR REPLACE INTO deliveries (kenmerk, reference, kvk_number, received_at, "
                "data) VALUES (?, ?, ?, ?, ?)",
                (
                    delivery.kenmerk,
                    delivery.reference,
                    delivery.kvk_number,
                    delivery.received_at,
                    json.dumps(asdict(delivery)),
                ),
            )

    def counts(self) -> dict[str, int]:
        """How often each aanleverkenmerk was received."""
        with self.lock:
            rows = self._db.execute(
                "SELECT reference, COUNT(*) FROM deliveries GROUP BY reference"
            ).fetchall()
        return dict(rows)

    def already_filed(self, kvk_number: str) -> set[tuple[str, int]]:
        with self.lock:
            rows = self._db.execute(
                "SELECT kvk_number, year FROM filed WHERE kvk_number = ?", (kvk_number,)
            ).fetchall()
        return {(number, year) for number, year in rows}

    def receive(
        self,
        *,
        reference: str,
        kvk_number: str,
        identiteit_type: str,
        rol: str,
        berichtsoort: str,
        filename: str,
        content: bytes,
    ) -> Delivery:
        with self.lock:
            scenario = self.faults.scenarios.get(kvk_number, self.faults.default_scenario)
            verdict = judge(content, kvk_number, self.already_filed(kvk_number))
            plan = scenario_plan(scenario, verdict, self.step_seconds)
            filed = any(step["code"] == 500 for step in plan)
            if filed and verdict.adopted and verdict.year is not None:
                # Decided now, told when the timeline reaches the verdict: a second filing
                # sent before the first is answered is still the second one. A delivery
                # that never reaches the KvK (410, 420 to the end, ...) files nothing.
                self._db.execute(
                    "INSERT OR IGNORE INTO filed (kvk_number, year) VALUES (?, ?)",
                    (kvk_number, verdict.year),
                )
            now = self.now()
            delivery = Delivery(
                kenmerk=uuid.uuid4().hex,
                reference=reference,
                kvk_number=kvk_number,
                identiteit_type=identiteit_type,
                rol=rol,
                berichtsoort=berichtsoort,
                filename=filename,
                sha256=hashlib.sha256(content).hexdigest(),
                size=len(content),
                received_at=now,
                verdict=asdict(verdict),
                plan=plan,
                timeline=[
                    {"code": 100, "at": now, "details": f"aanleverkenmerk={reference}"},
                ],
                scenario=scenario,
                progress=0,
            )
            self.save(delivery)
            return delivery

    def advance(self, delivery: Delivery, *, poll: bool, reload: bool = True) -> Delivery:
        """Let the timeline catch up with the stub's clock: each planned status is due its
        "after" seconds after the one before. ``poll`` lets the 420 switch fire;
        ``reload=False`` when ``delivery`` was just read under the lock."""
        with self.lock:
            fresh = (self.get(delivery.kenmerk) or delivery) if reload else delivery
            now = self.now()
            done = fresh.progress
            if done is None:
                done = sum(1 for s in fresh.timeline if s["code"] != 420) - 1
            changed = done != fresh.progress
            while done < len(fresh.plan):
                step = fresh.plan[done]
                due = fresh.timeline[-1]["at"] + float(step.get("after", self.step_seconds))
                if due > now:
                    break
                changed = True
                if step["code"] == 400 and poll and self.faults.take("status_420_polls"):
                    # Digipoort is still retrying: a 420 without foutcode (AFS600 would say
                    # the retries ended, Logius "Statussen en foutcodes Digipoort").
                    fresh.timeline.append({"code": 420, "at": due})
                    break
                entry: dict[str, Any] = {"code": step["code"], "at": due}
                if step.get("error_code"):
                    entry["error_code"] = step["error_code"]
                if step.get("reasons"):
                    entry["details"] = "\n".join(f"{c}: {m}" for c, m in step["reasons"])
                fresh.timeline.append(entry)
                done += 1
            fresh.progress = done
            if changed:
                self.save(fresh)
            return fresh


# --- SOAP ----------------------------------------------------------------------------------


class SoapFault(Exception):
    def __init__(self, kind: str, service: str, detail: str = "", *, client: bool = True):
        prefix = "ALS" if service == AANLEVER_PATH else "STS"
        number, text = FAULTS[kind]
        self.code = prefix + number
        self.text = f"{text}: {detail}" if detail else text
        self.fault_element = (
            "aanleverFault" if service == AANLEVER_PATH else "statusinformatieFault"
        )
        self.client = client
        super().__init__(self.code + " " + self.text)


def _iso(moment: float) -> str:
    return (
        datetime.fromtimestamp(moment, UTC)
        .isoformat(timespec="milliseconds")
        .replace("+00:00", "Z")
    )


def _parse_time(text: str) -> float:
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp()


def _kv(parent: etree._Element, name: str, text: str | None = None) -> etree._Element:
    node = etree.SubElement(parent, f"{{{KV}}}{name}")
    if text is not None:
        node.text = text
    return node


def _identity(parent: etree._Element, name: str, nummer: str, type_: str) -> None:
    node = _kv(parent, name)
    _kv(node, "nummer", nummer)
    _kv(node, "type", type_)


def _envelope() -> tuple[etree._Element, etree._Element]:
    envelope = etree.Element(
        f"{{{wssec.SOAP_ENV}}}Envelope", nsmap={"soapenv": wssec.SOAP_ENV, "kv": KV}
    )
    etree.SubElement(envelope, f"{{{wssec.SOAP_ENV}}}Header")
    body = etree.SubElement(envelope, f"{{{wssec.SOAP_ENV}}}Body")
    return envelope, body


def _child_text(node: etree._Element | None, path: str) -> str:
    if node is None:
        return ""
    found = node.find(path, {"kv": KV})
    return (found.text or "").strip() if found is not None else ""


class DigipoortStub:
    """The protocol logic, independent of the HTTP server around it."""

    def __init__(self, pki: testpki.TestPki, state: StubState, berichtsoorten: list[str]):
        self.pki = pki
        self.state = state
        self.berichtsoorten = berichtsoorten
        self.trusted = wssec.load_certificates(pki.ca_cert.read_bytes())
        self.server_key = pki.server_key.read_bytes()
        self.server_cert = pki.server_cert.read_bytes()

    def handle(self, path: str, body: bytes, peer_cert_der: bytes | None) -> tuple[int, bytes]:
        """One SOAP request -> (HTTP status, signed response)."""
        request_id = ""
        try:
            try:
                envelope = etree.fromstring(body, _hardened_parser())
            except etree.XMLSyntaxError as exc:
                raise SoapFault("request", path, f"geen XML: {exc}") from None
            if envelope.tag != f"{{{wssec.SOAP_ENV}}}Envelope":
                raise SoapFault("request", path, "geen SOAP 1.1 envelope")
            try:
                verified = wssec.verify_envelope(envelope, trusted=self.trusted)
            except wssec.WsSecurityError as exc:
                raise SoapFault("security", path, str(exc)) from None
            addressing = verified.addressing
            request_id = addressing.message_id
            if peer_cert_der is not None and peer_cert_der != verified.certificate.public_bytes(
                Encoding.DER
            ):
                raise SoapFault("security", path, "ondertekend met een ander certificaat dan TLS")
            self._check_addressing(envelope, path, addressing)
            if not self.state.first_use(addressing.message_id):
                raise SoapFault("security", path, "wsa:MessageID al eerder ontvangen (replay)")
            _service, operation, element = ACTIONS[addressing.action]
            self.state.count_operation(operation)
            if self.state.take_fault("auth_failures"):
                raise SoapFault("authentication", path, "certificaat niet gemachtigd")
            request = envelope.find(f"{{{wssec.SOAP_ENV}}}Body/{{{KV}}}{element}")
            if request is None:
                raise SoapFault("request", path, f"{element} verwacht in de Body")
            if operation in STATUS_POLLS:
                # In flight for its kenmerk until the answer (or fault) is signed.
                with self.state.status_request(_child_text(request, "kv:kenmerk")):
                    return self._perform(operation, request, path, request_id)
            return self._perform(operation, request, path, request_id)
        except SoapFault as fault:
            return 500, self._fault(fault, request_id)
        except Exception:
            log.exception("local Digipoort failed on a request to %s", path)
            return 500, self._fault(SoapFault("technical", path, client=False), request_id)

    def _perform(
        self, operation: str, request: etree._Element, path: str, request_id: str
    ) -> tuple[int, bytes]:
        """Run one operation and sign its answer, or the fault it raised."""
        try:
            response, action = getattr(self, "_op_" + operation)(request, path)
        except SoapFault as fault:
            return 500, self._fault(fault, request_id)
        return 200, self._answer(response, action, request_id)

    def _check_addressing(self, envelope, path: str, addressing: wssec.Addressing) -> None:
        if addressing.action not in ACTIONS or ACTIONS[addressing.action][0] != path:
            raise SoapFault("request", path, f"wsa:Action {addressing.action!r} onbekend hier")
        if not addressing.to.endswith(path):
            raise SoapFault("request", path, "wsa:To is niet het endpoint van deze service")
        if not addressing.message_id:
            raise SoapFault("request", path, "wsa:MessageID ontbreekt")
        if addressing.reply_to and addressing.reply_to != wssec.ANONYMOUS:
            raise SoapFault("request", path, "wsa:ReplyTo moet anonymous zijn")
        header = envelope.find(f"{{{wssec.SOAP_ENV}}}Header")
        for node in header:
            if not isinstance(node.tag, str):
                continue
            ns = etree.QName(node).namespace
            if ns not in (wssec.WSA, wssec.WSSE):
                raise SoapFault("request", path, f"header {node.tag} is niet toegestaan")

    # --- operations ----------------------------------------------------------------------

    def _op_aanleveren(self, request: etree._Element, path: str):
        berichtsoort = _child_text(request, "kv:berichtsoort")
        reference = _child_text(request, "kv:aanleverkenmerk")
        nummer = _child_text(request, "kv:identiteitBelanghebbende/kv:nummer")
        type_ = _child_text(request, "kv:identiteitBelanghebbende/kv:type")
        rol = _child_text(request, "kv:rolBelanghebbende")
        filename = _child_text(request, "kv:berichtInhoud/kv:bestandsnaam")
        inhoud = _child_text(request, "kv:berichtInhoud/kv:inhoud")
        missing = [
            name
            for name, value in (
                ("berichtsoort", berichtsoort),
                ("identiteitBelanghebbende", nummer and type_),
                ("rolBelanghebbende", rol),
                ("bestandsnaam", filename),
                ("inhoud", inhoud),
            )
            if not value
        ]
        if missing:
            raise SoapFault("request", path, "ontbreekt: " + ", ".join(missing))
        if berichtsoort not in self.berichtsoorten:
            raise SoapFault("request", path, f"berichtsoort {berichtsoort!r} onbekend")
        if len(reference) > 40:
            raise SoapFault("request", path, "aanleverkenmerk langer dan 40 tekens")
        try:
            content = base64.b64decode(inhoud, validate=True)
        except (binascii.Error, ValueError):
            raise SoapFault("request", path, "inhoud is geen base64") from None
        with self.state.lock:
            faults = self.state.faults
            if faults.take("aanlever_faults"):
                fault = SoapFault("technical", path, client=False)
                fault.code, fault.text = faults.aanlever_fault_code, faults.aanlever_fault_message
                raise fault
        delivery = self.state.receive(
            reference=reference,
            kvk_number=nummer,
            identiteit_type=type_,
            rol=rol,
            berichtsoort=berichtsoort,
            filename=filename,
            content=content,
        )
        log.info("aanleveren %s kenmerk %s (%s)", reference, delivery.kenmerk, nummer)
        response = etree.Element(f"{{{KV}}}aanleverResponse")
        _kv(response, "kenmerk", delivery.kenmerk)
        _kv(response, "berichtsoort", berichtsoort)
        if reference:
            _kv(response, "aanleverkenmerk", reference)
        _kv(response, "tijdstempelAangeleverd", _iso(delivery.received_at))
        _identity(response, "identiteitBelanghebbende", nummer, type_)
        _kv(response, "rolBelanghebbende", rol)
        autorisatie = _child_text(request, "kv:autorisatieAdres")
        if autorisatie:
            _kv(response, "autorisatieAdres", autorisatie)
        _kv(response, "statuscode", "100")
        _kv(response, "tijdstempelStatus", _iso(delivery.received_at))
        _kv(response, "statusomschrijving", DESCRIPTIONS[100])
        return response, AANLEVER_NS + "aanleverenResponse"

    def _statuses(self, request, path: str, name: str, since_new: bool):
        kenmerk = _child_text(request, "kv:kenmerk")
        with self.state.lock:
            delivery = self.state.get(kenmerk)
            if delivery is None:
                raise SoapFault("unknown", path, kenmerk)
            delivery = self.state.advance(delivery, poll=True, reload=False)
            entries = delivery.timeline
            if since_new:
                entries = entries[delivery.reported_new :]
                delivery.reported_new = len(delivery.timeline)
                self.state.save(delivery)
        since = _child_text(request, "kv:tijdstempelVanaf")
        until = _child_text(request, "kv:tijdstempelTot")
        try:
            since_ts = _parse_time(since) if since else float("-inf")
            until_ts = _parse_time(until) if until else float("inf")
        except ValueError:
            raise SoapFault("request", path, "ongeldig tijdstempel") from None
        response = etree.Element(f"{{{KV}}}{name}Response")
        result = _kv(response, f"{name}Return")
        for entry in entries:
            if not since_ts <= entry["at"] <= until_ts:
                continue
            item = _kv(result, "StatusResultaat")
            _kv(item, "kenmerk", delivery.kenmerk)
            _identity(
                item, "identiteitBelanghebbende", delivery.kvk_number, delivery.identiteit_type
            )
            _kv(item, "statuscode", str(entry["code"]))
            _kv(item, "tijdstempelStatus", _iso(entry["at"]))
            description = DESCRIPTIONS.get(entry["code"], DESCRIPTIONS[UNKNOWN_CODE])
            _kv(item, "statusomschrijving", description)
            if entry.get("error_code"):
                fout = _kv(item, "statusFoutcode")
                _kv(fout, "foutcode", entry["error_code"])
                _kv(fout, "foutbeschrijving", description)
            if entry.get("details"):
                _kv(item, "statusdetails", entry["details"])
        return response, STATUS_NS + f"{name}Response"

    def _op_getStatussenProces(self, request, path):  # noqa: N802 - WSDL operation name
        return self._statuses(request, path, "getStatussenProces", since_new=False)

    def _op_getNieuweStatussenProces(self, request, path):  # noqa: N802 - WSDL operation name
        return self._statuses(request, path, "getNieuweStatussenProces", since_new=True)

    def _op_getProcessen(self, request, path):  # noqa: N802 - WSDL operation name
        berichtsoort = _child_text(request, "kv:berichtsoort")
        nummer = _child_text(request, "kv:identiteitBelanghebbende/kv:nummer")
        response = etree.Element(f"{{{KV}}}getProcessenResponse")
        result = _kv(response, "getProcessenReturn")
        for delivery in self.state.all(kvk_number=nummer):
            if delivery.berichtsoort != berichtsoort:
                continue
            item = _kv(result, "ProcesResultaat")
            _kv(item, "kenmerk", delivery.kenmerk)
            _kv(item, "berichtsoort", delivery.berichtsoort)
            _identity(
                item, "identiteitBelanghebbende", delivery.kvk_number, delivery.identiteit_type
            )
        return response, STATUS_NS + "getProcessenResponse"

    def _op_getBerichtsoorten(self, request, path):  # noqa: N802 - WSDL operation name
        response = etree.Element(f"{{{KV}}}getBerichtsoortenResponse")
        result = _kv(response, "getBerichtsoortenReturn")
        for soort in self.berichtsoorten:
            _kv(result, "berichtsoort", soort)
        return response, STATUS_NS + "getBerichtsoortenResponse"

    # --- answers -------------------------------------------------------------------------

    def _sign(self, envelope: etree._Element, action: str, relates_to: str) -> bytes:
        wssec.add_addressing(
            envelope,
            wssec.Addressing(
                to=wssec.ANONYMOUS,
                action=action,
                message_id=wssec.new_message_id(),
                relates_to=relates_to,
            ),
        )
        envelope = wssec.sign_envelope(
            envelope,
            key_pem=self.server_key,
            cert_pem=self.server_cert,
            signature_algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
            digest_algorithm="http://www.w3.org/2001/04/xmlenc#sha256",
        )
        return etree.tostring(envelope, xml_declaration=True, encoding="utf-8")

    def _answer(self, response: etree._Element, action: str, relates_to: str) -> bytes:
        envelope, body = _envelope()
        body.append(response)
        return self._sign(envelope, action, relates_to)

    def _fault(self, fault: SoapFault, relates_to: str) -> bytes:
        envelope, body = _envelope()
        node = etree.SubElement(body, f"{{{wssec.SOAP_ENV}}}Fault")
        etree.SubElement(node, "faultcode").text = "soapenv:" + (
            "Client" if fault.client else "Server"
        )
        etree.SubElement(node, "faultstring").text = fault.text
        detail = etree.SubElement(node, "detail")
        element = _kv(detail, fault.fault_element)
        _kv(element, "foutcode", fault.code)
        _kv(element, "foutbeschrijving", fault.text)
        return self._sign(envelope, "http://www.w3.org/2005/08/addressing/soap/fault", relates_to)


# --- HTTP server ---------------------------------------------------------------------------


class _Handler(BaseHTTPRequestHandler):
    server: _Server
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

    def do_GET(self) -> None:  # noqa: N802 - stdlib name
        stub = self.server.stub
        if self.path == "/stub/deliveries":
            deliveries = [stub.state.advance(d, poll=False) for d in stub.state.all()]
            counts = stub.state.counts()
            self._json(
                200,
                {
                    "counts": counts,
                    "deliveries": [
                        {
                            "kenmerk": d.kenmerk,
                            "reference": d.reference,
                            "kvk_number": d.kvk_number,
                            "filename": d.filename,
                            "sha256": d.sha256,
                            "received_at": _iso(d.received_at),
                            "statuses": [s["code"] for s in d.timeline],
                            "accepted": d.verdict["accepted"],
                            "reasons": d.verdict["reasons"],
                            "scenario": d.scenario,
                        }
                        for d in deliveries
                    ],
                },
            )
        elif self.path == "/stub/faults":
            with stub.state.lock:
                self._json(
                    200, {**asdict(stub.state.faults), "step_seconds": stub.state.step_seconds}
                )
        elif self.path == "/stub/clock":
            self._json(200, _clock(stub.state))
        elif self.path == "/stub/stats":
            self._json(200, stub.state.stats())
        elif self.path == "/stub/health":
            self._json(200, {"ok": True})
        else:
            self._json(404, {"error": "not found"})

    def do_POST(self) -> None:  # noqa: N802 - stdlib name
        stub = self.server.stub
        body = self._read_body()
        if body is None:
            return
        if self.path in (AANLEVER_PATH, STATUS_PATH):
            peer = self.connection.getpeercert(binary_form=True)  # type: ignore[attr-defined]
            status, answer = stub.handle(self.path, body, peer)
            delivering = self.path == AANLEVER_PATH and status == 200
            if delivering and stub.state.take_fault("drop_responses"):
                # The delivery is stored; the answer is lost on the way back.
                self.close_connection = True
                self.connection.shutdown(socket.SHUT_RDWR)
                return
            with stub.state.lock:
                delay = (
                    stub.state.faults.delay_seconds if stub.state.faults.take("delay_count") else 0
                )
            if delay:
                time.sleep(delay)
            self._send(status, answer, "text/xml; charset=utf-8")
        elif self.path == "/stub/faults":
            try:
                values = json.loads(body or b"{}")
                faults = stub.state.set_faults(values)
            except (ValueError, TypeError) as exc:
                self._json(400, {"error": str(exc)})
                return
            self._json(200, asdict(faults))
        elif self.path == "/stub/clock":
            try:
                values = json.loads(body or b"{}")
                if not isinstance(values, dict) or len(values) != 1:
                    raise ValueError("one of advance_seconds or offset_seconds expected")
                if "advance_seconds" in values:
                    stub.state.advance_clock(values["advance_seconds"])
                elif "offset_seconds" in values:
                    stub.state.set_clock(values["offset_seconds"])
                else:
                    raise ValueError("one of advance_seconds or offset_seconds expected")
            except ValueError as exc:
                self._json(400, {"error": str(exc)})
                return
            self._json(200, _clock(stub.state))
        elif self.path == "/stub/reset":
            stub.state.reset()
            self._json(200, {"ok": True})
        else:
            self._json(404, {"error": "not found"})


def _clock(state: StubState) -> dict[str, Any]:
    with state.lock:
        return {"offset_seconds": state.clock_offset, "now": _iso(state.now())}


class _Server(ThreadingHTTPServer):
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


def _tls_context(pki: testpki.TestPki) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(pki.server_cert, pki.server_key)
    context.load_verify_locations(cafile=str(pki.ca_cert))
    context.verify_mode = ssl.CERT_REQUIRED  # two-way TLS: no client certificate, no entry
    return context


@dataclass
class StubHandle:
    """A running local Digipoort. ``url`` is its base (https://host:port)."""

    url: str
    pki: testpki.TestPki
    state: StubState
    server: _Server
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
    server = _Server((host, port), stub, _tls_context(pki))
    thread = threading.Thread(target=server.serve_forever, name="digipoort-stub", daemon=True)
    thread.start()
    bound_host, bound_port = str(server.server_address[0]), int(server.server_address[1])
    shown = f"[{bound_host}]" if ":" in bound_host else bound_host
    return StubHandle(f"https://{shown}:{bound_port}", pki, state, server, thread)


__all__ = [
    "DESCRIPTIONS",
    "SCENARIOS",
    "DigipoortStub",
    "Faults",
    "StubHandle",
    "StubState",
    "Verdict",
    "judge",
    "scenario_plan",
    "start_stub",
]
