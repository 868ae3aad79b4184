"""outcome(): what a Digipoort timeline means for the message (60/70/80/90 or nothing new)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from kvk.digipoort.client import DigipoortStatus
from kvk.digipoort.outcome import CODES, Outcome, outcome
from kvk.status import Status

T0 = datetime(2026, 12, 28, 9, 0, tzinfo=UTC)


def timeline(*entries) -> list[DigipoortStatus]:
    """entries: a code, or (code, error_code, details)."""
    result = []
    for i, entry in enumerate(entries):
        code, error_code, details = entry if isinstance(entry, tuple) else (entry, "", "")
        result.append(
            DigipoortStatus(
                code=code,
                timestamp=T0 + timedelta(seconds=i),
                description=f"status {code}",
                error_code=error_code,
                details=details,
            )
        )
    return result


@pytest.mark.parametrize(
    ("codes", "expected"),
    [
        ((), None),
        ((105,), Status.SENT_TO_KVK),
        ((100,), Status.SENT_TO_KVK),
        ((100, 200, 301, 405), Status.SENT_TO_KVK),
        ((100, 200, 301, 405, 400), Status.SENT_TO_KVK),
        ((100, 200, 301, 405, 400, 500), Status.FILED),
        ((100, 200, 301, 405, 400, 510), Status.REFUSED),
        ((100, 210), Status.REFUSED),
        ((100, 200, 311), Status.REFUSED),
        ((100, 200, 321), Status.TRANSPORT_ERROR),
        ((100, 200, 301, 405, 410), Status.TRANSPORT_ERROR),
        ((100, 200, 301, 405, 420), None),
        ((100, 200, 301, 405, 420, 420, 400), Status.SENT_TO_KVK),
        ((100, 200, 301, 405, 420, 400, 500), Status.FILED),
        ((100, 999), Status.SENT_TO_KVK),  # an unknown code never moves a message
        ((999,), None),
    ],
)
def test_codes_map_to_statuses(codes, expected):
    assert outcome(timeline(*codes)).status == expected


def test_order_of_the_list_does_not_matter():
    statuses = timeline(100, 200, 301, 405, 400, 500)

    assert outcome(list(reversed(statuses))) == outcome(statuses)


def test_the_first_final_status_decides():
    assert outcome(timeline(100, 311, 500)).status == Status.REFUSED


def test_refusal_reasons_come_from_the_details_lines():
    details = "KVK002: KvK-nummer wijkt af\nKVK003: al gedeponeerd"

    result = outcome(timeline(100, 400, (510, "KVK002", details)))

    assert result == Outcome(
        Status.REFUSED, [("KVK002", "KvK-nummer wijkt af"), ("KVK003", "al gedeponeerd")]
    )


def test_refusal_without_details_uses_the_error_code():
    result = outcome(timeline(100, (311, "VAS500", "")))

    assert result.reasons == [("VAS500", "status 311")]


def test_filed_has_no_reasons():
    assert outcome(timeline(100, 500)).reasons == []


def test_waiting_shows_the_hitch():
    result = outcome(timeline(100, 405, (420, "AFS600", "")))

    assert result.status is None
    assert result.reasons == [("AFS600", "status 420")]


def test_every_final_code_maps_to_a_final_message_status():
    finals = {c: m.status for c, m in CODES.items() if m.kind.value == "final"}

    assert set(finals.values()) <= {Status.TRANSPORT_ERROR, Status.FILED, Status.REFUSED}
    assert 500 in finals and 510 in finals
