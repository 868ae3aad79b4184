"""The local Digipoort's state: deliveries (SQLite in the cert directory, so "exactly once"
can be checked from outside, also across restarts), the fault switches for tests, the
stub's clock and what it was asked.

The stub's clock (``StubState.now``) is real time plus an offset that tests move on
(POST /stub/clock), so a scenario that takes days runs in seconds. WS-Security timestamps
and the replay window keep real time, so signatures do not look expired.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import math
import sqlite3
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from .protocol import OPERATIONS
from .scenarios import check_scenario, scenario_plan
from .verdict import judge

#: How long a wsa:MessageID is remembered to refuse a replayed request (longer than a
#: signed timestamp stays acceptable, so a replay is caught by one check or the other).
REPLAY_WINDOW_SECONDS = 15 * 60


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
                fresh.timeline.append(_timeline_entry(step, due))
                done += 1
            fresh.progress = done
            if changed:
                self.save(fresh)
            return fresh


def _timeline_entry(step: dict[str, Any], due: float) -> dict[str, Any]:
    """The timeline entry of a planned status that became due at ``due``."""
    entry: dict[str, Any] = {"code": step["code"], "at": due}
    if step.get("error_code"):
        entry["error_code"] = step["error_code"]
    if step.get("reasons"):
        entry["details"] = "\n".join(f"{c}: {m}" for c, m in step["reasons"])
    return entry
