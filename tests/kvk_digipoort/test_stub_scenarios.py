"""The local Digipoort over days: scenarios on the stub's clock, and what it counts.

Status codes, foutcodes and the 72 hours of retries are Digipoort's as Logius documents them
in "Statussen en foutcodes Digipoort" (version 1.6, 8 February 2022): 200/210 authentication
of the sender succeeded / failed, 230 technical problem at the authorisation service
provider, 301/311 (VAS500) validation succeeded / failed, 321 (VAS400) technical problem at
validation, 405 delivery to the receiving party in progress, 400 delivered, 410 (AFS400)
delivery failed, 420 technical problem delivering to the receiving party, after which
Digipoort retries for 72 hours and, when that fails, the status stays 420 with foutcode
AFS600. 500/510 are the receiving party's (KvK's) validation succeeded / failed, as
Digipoort's conformance environment answers. Every timeline here is read through the real
client (``DigipoortClient.statuses``) over two-way TLS.
"""

from __future__ import annotations

import threading
import time
import uuid
from datetime import UTC, datetime, timedelta

import pytest
import requests

from kvk.digipoort.client import DigipoortClient
from kvk.digipoort.stub import DESCRIPTIONS, SCENARIOS
from kvk.digipoort.stub.protocol import parse_time

from .conftest import build_xbrl, start_stub_command

MINUTE = 60.0
HOUR = 3600.0
DAY = 24 * HOUR
KVK = "12345678"

#: The statuses every scenario that reaches the KvK starts with, after 100 (received).
OFFERED = [(100, ""), (200, ""), (301, ""), (405, "")]


def _deliver(client: DigipoortClient, kvk_number: str = KVK, content: bytes | None = None) -> str:
    return client.deliver(
        reference="scn-" + uuid.uuid4().hex[:20],
        kvk_number=kvk_number,
        filename="jaarrekening.xbrl",
        content=build_xbrl(kvk_number) if content is None else content,
    )


def _timeline(client: DigipoortClient, kenmerk: str) -> list[tuple[int, str]]:
    return [(s.code, s.error_code) for s in client.statuses(kenmerk)]


def _tls(stub) -> dict:
    return {
        "cert": (str(stub.pki.client_cert), str(stub.pki.client_key)),
        "verify": str(stub.pki.ca_cert),
        "timeout": 10,
    }


#: scenario -> [(seconds to move the stub's clock on, the timeline the client then reads)].
#: Each wait of a scenario is crossed with a minute to spare on either side: one minute
#: before it nothing new has come, one minute after it has.
TIMELINES: dict[str, list[tuple[float, list[tuple[int, str]]]]] = {
    "normal": [(MINUTE, [*OFFERED, (400, ""), (500, "")])],
    "kvk_slow": [
        (MINUTE, [*OFFERED, (400, "")]),
        (6 * HOUR - 2 * MINUTE, [*OFFERED, (400, "")]),
        (2 * MINUTE, [*OFFERED, (400, ""), (500, "")]),
    ],
    "retry_420_recovers": [
        (MINUTE, [*OFFERED, (420, "")]),
        (10 * HOUR - 2 * MINUTE, [*OFFERED, (420, "")]),
        (2 * MINUTE, [*OFFERED, (420, ""), (400, ""), (500, "")]),
    ],
    "retry_420_ends": [
        (MINUTE, [*OFFERED, (420, "")]),
        (72 * HOUR - 2 * MINUTE, [*OFFERED, (420, "")]),
        (2 * MINUTE, [*OFFERED, (420, ""), (420, "AFS600")]),
        (28 * DAY, [*OFFERED, (420, ""), (420, "AFS600")]),  # nothing follows
    ],
    "auth_failed": [(MINUTE, [(100, ""), (210, "")]), (28 * DAY, [(100, ""), (210, "")])],
    "ausp_problem": [(MINUTE, [(100, ""), (230, "")]), (28 * DAY, [(100, ""), (230, "")])],
    "validation_failed": [
        (MINUTE, [(100, ""), (200, ""), (311, "VAS500")]),
        (28 * DAY, [(100, ""), (200, ""), (311, "VAS500")]),
    ],
    "validation_technical": [
        (MINUTE, [(100, ""), (200, ""), (321, "VAS400")]),
        (28 * DAY, [(100, ""), (200, ""), (321, "VAS400")]),
    ],
    "delivery_failed": [
        (MINUTE, [*OFFERED, (410, "AFS400")]),
        (28 * DAY, [*OFFERED, (410, "AFS400")]),
    ],
    "unknown_code": [
        (MINUTE, [*OFFERED, (999, "")]),
        (48 * HOUR - 2 * MINUTE, [*OFFERED, (999, "")]),
        (2 * MINUTE, [*OFFERED, (999, ""), (400, ""), (500, "")]),
    ],
    "silent": [(MINUTE, [*OFFERED, (400, "")]), (28 * DAY, [*OFFERED, (400, "")])],
}


def test_every_scenario_has_a_timeline_here():
    assert set(TIMELINES) == set(SCENARIOS)


@pytest.mark.parametrize("scenario", sorted(TIMELINES))
def test_scenario_timeline_on_the_stubs_clock(scenario, digipoort_stub, digipoort_client):
    """Each scenario's statuses and foutcodes (Logius, "Statussen en foutcodes Digipoort"
    v1.6, 2022) appear as the stub's clock crosses its waits, and not before."""
    digipoort_stub.set_faults(scenarios={KVK: scenario})
    kenmerk = _deliver(digipoort_client)

    for seconds, expected in TIMELINES[scenario]:
        digipoort_stub.advance_clock(seconds)
        assert _timeline(digipoort_client, kenmerk) == expected, (scenario, seconds)

    statuses = digipoort_client.statuses(kenmerk)
    assert [s.description for s in statuses] == [DESCRIPTIONS[s.code] for s in statuses]
    assert statuses == sorted(statuses, key=lambda s: s.timestamp)
    assert digipoort_stub.state.get(kenmerk).scenario == scenario


def test_retries_end_after_exactly_72_hours(digipoort_stub, digipoort_client):
    """Logius ("Statussen en foutcodes Digipoort" v1.6, 2022): after a 420 Digipoort retries
    delivery for 72 hours; then the status stays 420 with foutcode AFS600. Not at 71:59."""
    digipoort_stub.set_faults(scenarios={KVK: "retry_420_ends"})
    kenmerk = _deliver(digipoort_client)
    digipoort_stub.advance_clock(MINUTE)
    assert _timeline(digipoort_client, kenmerk)[-1] == (420, "")
    first_420 = digipoort_stub.state.get(kenmerk).timeline[-1]["at"]  # the stub's own time

    digipoort_stub.set_clock(first_420 + 72 * HOUR - MINUTE - time.time())  # at 71 h 59 min
    assert _timeline(digipoort_client, kenmerk)[-2:] == [(405, ""), (420, "")]

    digipoort_stub.advance_clock(MINUTE)  # at 72 h (and the milliseconds of real time since)
    statuses = digipoort_client.statuses(kenmerk)
    assert [(s.code, s.error_code) for s in statuses][-2:] == [(420, ""), (420, "AFS600")]
    waited = statuses[-1].timestamp - statuses[-2].timestamp
    assert abs(waited - timedelta(hours=72)) <= timedelta(milliseconds=1)


def test_the_verdict_of_a_slow_kvk_is_stamped_6_hours_after_400(digipoort_stub, digipoort_client):
    digipoort_stub.set_faults(scenarios={KVK: "kvk_slow"})
    kenmerk = _deliver(digipoort_client)
    digipoort_stub.advance_clock(7 * HOUR)

    statuses = digipoort_client.statuses(kenmerk)

    assert [s.code for s in statuses][-2:] == [400, 500]
    waited = statuses[-1].timestamp - statuses[-2].timestamp
    assert abs(waited - timedelta(hours=6)) <= timedelta(milliseconds=1)


def test_refusal_keeps_its_reasons_in_a_scenario(digipoort_stub, digipoort_client):
    digipoort_stub.set_faults(scenarios={KVK: "retry_420_recovers"})
    kenmerk = _deliver(digipoort_client, content=build_xbrl("87654321"))
    digipoort_stub.advance_clock(11 * HOUR)

    last = digipoort_client.statuses(kenmerk)[-1]

    assert (last.code, last.error_code) == (510, "KVK002")
    assert last.details.startswith("KVK002: ")
    assert last.description == "Validatie bij de uitvragende partij niet gelukt"


def test_not_well_formed_instance_fails_validation_whatever_the_scenario(
    digipoort_stub, digipoort_client
):
    digipoort_stub.set_faults(scenarios={KVK: "kvk_slow"})
    kenmerk = _deliver(digipoort_client, content=b"<xbrli:xbrl xmlns:xbrli='x'>")
    digipoort_stub.advance_clock(DAY)

    assert _timeline(digipoort_client, kenmerk) == [(100, ""), (200, ""), (311, "VAS500")]


def test_default_scenario_and_per_kvk_number(digipoort_stub, digipoort_client):
    digipoort_stub.set_faults(default_scenario="silent", scenarios={"11112222": "auth_failed"})
    silent = _deliver(digipoort_client)
    refused = _deliver(digipoort_client, "11112222")
    digipoort_stub.set_faults(default_scenario="normal")  # only new deliveries change
    normal = _deliver(digipoort_client, "33334444")
    digipoort_stub.advance_clock(DAY)

    assert [c for c, _ in _timeline(digipoort_client, silent)] == [100, 200, 301, 405, 400]
    assert [c for c, _ in _timeline(digipoort_client, refused)] == [100, 210]
    assert [c for c, _ in _timeline(digipoort_client, normal)][-1] == 500


def test_unknown_scenario_is_refused(digipoort_stub):
    with pytest.raises(ValueError, match="unknown scenario"):
        digipoort_stub.set_faults(default_scenario="kapot")
    with pytest.raises(ValueError, match="unknown scenario"):
        digipoort_stub.set_faults(scenarios={KVK: "kapot"})
    answer = requests.post(
        digipoort_stub.url + "/stub/faults",
        json={"scenarios": {KVK: "kapot"}},
        **_tls(digipoort_stub),
    )
    assert answer.status_code == 400
    answer = requests.post(
        digipoort_stub.url + "/stub/faults",
        json={"scenarios": {KVK: "silent"}, "default_scenario": "kvk_slow"},
        **_tls(digipoort_stub),
    )
    assert answer.status_code == 200
    assert answer.json()["scenarios"] == {KVK: "silent"}
    assert digipoort_stub.state.faults.default_scenario == "kvk_slow"


def test_a_delivery_that_never_reached_the_kvk_files_nothing(digipoort_stub, digipoort_client):
    """After 410 (AFS400, delivery failed) the same adopted accounts can be filed: the KvK
    never had the first delivery, so it is no second filing (KVK003)."""
    digipoort_stub.set_faults(scenarios={KVK: "delivery_failed"})
    failed = _deliver(digipoort_client)
    digipoort_stub.set_faults(scenarios={})
    again = _deliver(digipoort_client)
    digipoort_stub.advance_clock(MINUTE)

    assert _timeline(digipoort_client, failed)[-1] == (410, "AFS400")
    assert _timeline(digipoort_client, again)[-1] == (500, "")


def test_status_420_polls_switch_adds_retries_without_foutcode(digipoort_stub, digipoort_client):
    """The 420s of a retry in progress carry no foutcode; AFS600 is only for the 420 after
    which Digipoort stopped retrying (Logius, "Statussen en foutcodes Digipoort" v1.6)."""
    digipoort_stub.set_faults(status_420_polls=3)
    kenmerk = _deliver(digipoort_client)

    seen = []
    for _ in range(8):
        digipoort_stub.advance_clock(MINUTE)
        seen = _timeline(digipoort_client, kenmerk)
    assert seen == [*OFFERED, (420, ""), (420, ""), (420, ""), (400, ""), (500, "")]


def test_clock_endpoint(digipoort_stub, digipoort_client):
    tls = _tls(digipoort_stub)
    clock = digipoort_stub.url + "/stub/clock"
    assert requests.get(clock, **tls).json()["offset_seconds"] == 0

    digipoort_stub.set_faults(scenarios={KVK: "kvk_slow"})
    kenmerk = _deliver(digipoort_client)
    answer = requests.post(clock, json={"advance_seconds": 3 * HOUR}, **tls)
    assert answer.status_code == 200
    assert answer.json()["offset_seconds"] == 3 * HOUR
    assert _timeline(digipoort_client, kenmerk)[-1] == (400, "")
    answer = requests.post(clock, json={"advance_seconds": 4 * HOUR}, **tls)
    assert answer.json()["offset_seconds"] == 7 * HOUR
    assert _timeline(digipoort_client, kenmerk)[-1] == (500, "")

    answer = requests.post(clock, json={"offset_seconds": 30 * DAY}, **tls)
    assert answer.json()["offset_seconds"] == 30 * DAY
    assert requests.get(clock, **tls).json()["offset_seconds"] == 30 * DAY
    assert digipoort_stub.set_clock(5.0) == 5.0
    assert digipoort_stub.advance_clock(1.0) == 6.0

    for wrong in ({}, {"advance_seconds": "1"}, {"advance_seconds": -1}, {"nope": 1}):
        assert requests.post(clock, json=wrong, **tls).status_code == 400, wrong
    assert requests.get(clock, **tls).json()["offset_seconds"] == 6.0

    requests.post(digipoort_stub.url + "/stub/reset", **tls).raise_for_status()
    assert requests.get(clock, **tls).json()["offset_seconds"] == 0


def test_signatures_keep_real_time_when_the_clock_runs_ahead(digipoort_stub, digipoort_client):
    """Four weeks ahead on the stub's clock, requests and answers are still signed and
    checked on real time (the WS-Security timestamps would otherwise look expired)."""
    digipoort_stub.advance_clock(28 * DAY)
    kenmerk = _deliver(digipoort_client)
    digipoort_stub.advance_clock(MINUTE)

    statuses = digipoort_client.statuses(kenmerk)

    assert statuses[-1].code == 500
    assert statuses[0].timestamp > datetime.now(UTC) + timedelta(days=27)


def test_stats_count_operations_and_polls(digipoort_stub, digipoort_client):
    since = datetime.now(UTC) - timedelta(minutes=1)
    first = _deliver(digipoort_client)
    second = _deliver(digipoort_client)
    for _ in range(3):
        digipoort_client.statuses(first)
    digipoort_client.statuses(second)
    reference = digipoort_stub.state.get(second).reference
    # getProcessen, then the timelines in the order received until ours: one more of each.
    assert digipoort_client.find_delivery(reference=reference, kvk_number=KVK, since=since)

    stats = digipoort_stub.stats()

    assert stats == {
        "operations": {
            "aanleveren": 2,
            "getStatussenProces": 6,
            "getNieuweStatussenProces": 0,
            "getProcessen": 1,
            "getBerichtsoorten": 0,
        },
        "polls": {first: 4, second: 2},
        "max_concurrent_per_kenmerk": 1,
    }
    answer = requests.get(digipoort_stub.url + "/stub/stats", **_tls(digipoort_stub))
    assert answer.json() == stats

    digipoort_stub.state.reset()
    assert digipoort_stub.stats() == {
        "operations": dict.fromkeys(stats["operations"], 0),
        "polls": {},
        "max_concurrent_per_kenmerk": 0,
    }


def test_new_statuses_count_as_polls(digipoort_stub, digipoort_client):
    kenmerk = _deliver(digipoort_client)
    client = digipoort_client
    client._call(client._status_service.getNieuweStatussenProces, kenmerk=kenmerk)

    stats = digipoort_stub.stats()

    assert stats["operations"]["getNieuweStatussenProces"] == 1
    assert stats["polls"] == {kenmerk: 1}


def _poll_together(stub, kenmerken: list[str]) -> None:
    clients = [DigipoortClient(stub.client_config()) for _ in kenmerken]
    start = threading.Barrier(len(kenmerken))
    errors: list[Exception] = []

    def poll(client: DigipoortClient, kenmerk: str) -> None:
        try:
            start.wait(timeout=10)
            client.statuses(kenmerk)
        except Exception as exc:  # reported in the main thread
            errors.append(exc)

    threads = [
        threading.Thread(target=poll, args=pair) for pair in zip(clients, kenmerken, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors, errors


def test_overlapping_polls_of_one_kenmerk_are_seen(digipoort_stub, digipoort_client):
    kenmerk = _deliver(digipoort_client)
    answer = requests.post(
        digipoort_stub.url + "/stub/faults",
        json={"hold_status_seconds": 0.5},
        **_tls(digipoort_stub),
    )
    assert answer.status_code == 200

    _poll_together(digipoort_stub, [kenmerk, kenmerk])

    stats = digipoort_stub.stats()
    assert stats["max_concurrent_per_kenmerk"] == 2
    assert stats["polls"] == {kenmerk: 2}


def test_overlapping_polls_of_different_kenmerken_are_not_concurrent_per_kenmerk(
    digipoort_stub, digipoort_client
):
    first, second = _deliver(digipoort_client), _deliver(digipoort_client)
    digipoort_stub.set_faults(hold_status_seconds=0.5)

    _poll_together(digipoort_stub, [first, second])

    assert digipoort_stub.stats()["max_concurrent_per_kenmerk"] == 1


def test_sequential_polls_are_not_concurrent(digipoort_stub, digipoort_client):
    kenmerk = _deliver(digipoort_client)
    digipoort_stub.set_faults(hold_status_seconds=0.05)

    for _ in range(3):
        digipoort_client.statuses(kenmerk)

    assert digipoort_stub.stats()["max_concurrent_per_kenmerk"] == 1
    assert digipoort_stub.stats()["polls"] == {kenmerk: 3}


def test_hold_status_seconds_must_be_a_number(digipoort_stub):
    for wrong in ("1", -1.0, float("nan")):
        with pytest.raises(ValueError):
            digipoort_stub.set_faults(hold_status_seconds=wrong)
    assert digipoort_stub.state.faults.hold_status_seconds == 0.0


def test_command_takes_a_default_scenario_and_names_the_clock(tmp_path):
    import re
    import signal

    process = start_stub_command(tmp_path, "--default-scenario", "retry_420_ends")
    try:
        seen: list[str] = []
        assert process.stdout is not None
        for line in process.stdout:
            seen.append(line)
            if line.startswith("  default scenario:"):
                break
        else:
            raise AssertionError("the stub did not start:\n" + "".join(seen))
        text = "".join(seen)
        match = re.search(r"Local Digipoort at (https://\S+)", text)
        assert match, text
        url = match.group(1)
        assert f"{url}/stub/clock" in text and "advance_seconds" in text
        tls = {
            "cert": (str(tmp_path / "client.crt"), str(tmp_path / "client.key")),
            "verify": str(tmp_path / "ca.crt"),
            "timeout": 10,
        }
        faults = requests.get(url + "/stub/faults", **tls).json()
        assert faults["default_scenario"] == "retry_420_ends"
        clock = requests.post(url + "/stub/clock", json={"advance_seconds": 60}, **tls).json()
        assert clock["offset_seconds"] == 60
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=10)
    assert process.returncode == 0


@pytest.mark.parametrize(
    ("text", "utc"),
    [
        # xsd:dateTime without an offset is local time (XML Schema Part 2, 3.2.7); Digipoort's
        # is Dutch: CET (UTC+1) in winter, CEST (UTC+2) in summer.
        ("2026-01-15T12:00:00", datetime(2026, 1, 15, 11, 0, tzinfo=UTC)),
        ("2026-07-15T12:00:00", datetime(2026, 7, 15, 10, 0, tzinfo=UTC)),
        ("2026-07-15T12:00:00Z", datetime(2026, 7, 15, 12, 0, tzinfo=UTC)),
        ("2026-07-15T12:00:00+02:00", datetime(2026, 7, 15, 10, 0, tzinfo=UTC)),
    ],
)
def test_the_stub_reads_a_request_time_without_offset_as_dutch_time(text, utc):
    """The stub reads the times of a status request (tijdstempelVanaf/-Tot) as our client
    reads Digipoort's own zone-less times (kvk.digipoort.client.DIGIPOORT_ZONE)."""
    assert parse_time(text) == utc.timestamp()
