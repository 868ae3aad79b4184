"""outcome(): what a Digipoort timeline means for the message (60/70/80/90 or nothing new)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from kvk.digipoort.client import DigipoortStatus
from kvk.digipoort.outcome import CODES, Attention, outcome
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
        # 210: the sender's certificate was refused, no verdict on the filing (Logius,
        # Statussen en foutcodes Digipoort: einde ja): a transport error staff resolve.
        ((100, 210), Status.TRANSPORT_ERROR),
        ((100, 230), Status.TRANSPORT_ERROR),
        ((100, 200, 311), Status.REFUSED),
        ((100, 200, 321), Status.TRANSPORT_ERROR),
        ((100, 200, 301, 405, 410), Status.TRANSPORT_ERROR),
        ((100, 200, 301, 405, 420), None),
        # 420 "blijft" with foutcode AFS600 once Digipoort's 72 hours of retries ended.
        ((100, 200, 301, 405, (420, "AFS600", "")), Status.TRANSPORT_ERROR),
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

    assert result.status == Status.REFUSED
    assert result.reasons == [("KVK002", "KvK-nummer wijkt af"), ("KVK003", "al gedeponeerd")]
    assert result.reason == "kvk_refused"


def test_refusal_without_details_uses_the_error_code():
    result = outcome(timeline(100, (311, "VAS500", "")))

    assert result.reasons == [("VAS500", "status 311")]


def test_filed_has_no_reasons():
    assert outcome(timeline(100, 500)).reasons == []


def test_waiting_shows_the_hitch():
    result = outcome(timeline(100, 405, (420, "AFS100", "")))

    assert result.status is None
    assert result.reasons == [("AFS100", "status 420")]


def test_420_ended_by_digipoort_is_a_transport_error_to_send_again():
    result = outcome(timeline(100, 405, 420, (420, "AFS600", "")))

    assert result.status == Status.TRANSPORT_ERROR
    assert result.retryable and result.reason == "kvk_not_delivered"


def test_420_longer_than_72_hours_is_put_before_the_staff():
    """Logius: Digipoort retries delivery for 72 hours; past that we do not wait silently."""
    statuses = timeline(100, 405, 420)
    first_420 = statuses[-1].timestamp

    inside = outcome(statuses, now=first_420 + timedelta(hours=71, minutes=59))
    past = outcome(statuses, now=first_420 + timedelta(hours=72, minutes=1))

    assert inside.attention is None and inside.status is None
    assert past.attention is Attention.RETRIES_OVERDUE and past.status is None
    assert "420" in past.raw


def test_unknown_code_keeps_the_message_at_60_and_asks_for_attention():
    result = outcome(timeline(100, 405, (999, "", "iets nieuws")))

    assert result.status == Status.SENT_TO_KVK
    assert result.attention is Attention.UNKNOWN_STATUS
    assert result.raw.startswith("999")


def test_unknown_code_alone_asks_for_attention():
    result = outcome(timeline(999))

    assert result.status is None and result.attention is Attention.UNKNOWN_STATUS


def test_a_known_final_code_decides_despite_an_unknown_one():
    assert outcome(timeline(100, 999, 500)).status == Status.FILED


def test_no_verdict_long_after_delivery_to_the_kvk_asks_for_attention():
    statuses = timeline(100, 405, 400)
    at_400 = statuses[-1].timestamp

    soon = outcome(statuses, now=at_400 + timedelta(hours=1), no_verdict_after=timedelta(hours=24))
    late = outcome(statuses, now=at_400 + timedelta(hours=25), no_verdict_after=timedelta(hours=24))

    assert soon.attention is None
    assert late.attention is Attention.NO_VERDICT and late.status == Status.SENT_TO_KVK


def test_every_code_names_its_source():
    assert all(meaning.source for meaning in CODES.values())
    assert all(
        meaning.reason for meaning in CODES.values() if meaning.status not in (None, 60, 80)
    ), "every 70 and 90 needs a reason code the people can read"


def test_every_final_code_maps_to_a_final_message_status():
    finals = {c: m.status for c, m in CODES.items() if m.kind.value == "final"}

    assert set(finals.values()) <= {Status.TRANSPORT_ERROR, Status.FILED, Status.REFUSED}
    assert 500 in finals and 510 in finals
