"""A simulated month of polling: 1,000 messages at 60 with beat running, two pollers at every
tick, against the local Digipoort on a clock that runs a month in about a minute.

What it shows:
- polls per message are bounded by the schedule. With the default schedule (15 s, 30 s,
  1 min, 2 min, 5 min, 15 min, 30 min, then hourly) a message can be asked at most 726
  times in 30 days, however many beat ticks and workers there are; a message whose verdict
  is in at the first poll is asked exactly once;
- no two polls of one message at once (the local Digipoort counts requests per kenmerk in
  flight), although two pollers run at every tick;
- nothing waits silently: every message still at 60 after the month has a next poll and,
  where Digipoort's answer calls for it, an attention code for the staff.

The scenarios and their timing are Digipoort's as Logius documents them ("Statussen en
foutcodes Digipoort" v1.6, 2022; kvk/digipoort/stub/scenarios.py SCENARIOS).
"""

from __future__ import annotations

import time
import uuid
from collections import Counter
from datetime import timedelta

import pytest
from django.db.models import Min
from django.utils import timezone

from kvk.status import Status
from tests.conftest import instance_for
from tests.threads import run_in_threads
from workflow import submission
from workflow.models import ApprovalMessage, sha256_hex

pytestmark = [pytest.mark.slow]

MONTH = 30 * 24 * 3600
BEAT = 10.0  # KVK_POLL_INTERVAL_SECONDS
SCHEDULE = [15.0, 30.0, 60.0, 120.0, 300.0, 900.0, 1800.0, 3600.0]
MIX = {
    "silent": 3,
    "retry_420_ends": 10,
    "unknown_code": 10,
    "kvk_slow": 20,
    "retry_420_recovers": 20,
    "auth_failed": 10,
    "ausp_problem": 10,
    "validation_failed": 10,
    "validation_technical": 10,
    "delivery_failed": 10,
}
TOTAL = 1000


def schedule_bound(seconds: float) -> int:
    """The most polls the schedule allows within ``seconds`` of the delivery."""
    moment, polls = 0.0, 0
    while moment + SCHEDULE[min(polls, len(SCHEDULE) - 1)] <= seconds:
        moment += SCHEDULE[min(polls, len(SCHEDULE) - 1)]
        polls += 1
    return polls


def test_the_bound_of_the_default_schedule(settings):
    assert [float(s) for s in settings.KVK_POLL_SCHEDULE] == SCHEDULE
    assert schedule_bound(MONTH) == 726
    assert schedule_bound(60) == 2  # at 15 s and 45 s


@pytest.mark.django_db(transaction=True)
def test_a_month_of_polls_for_1000_messages(client_a, digipoort_stub, digipoort_settings, settings):
    settings.KVK_POLL_SCHEDULE = SCHEDULE
    settings.KVK_POLL_INTERVAL_SECONDS = BEAT
    settings.KVK_NO_VERDICT_ATTENTION_HOURS = 24
    settings.KVK_POLL_BATCH = 50
    scenarios: dict[str, str] = {}
    names = [name for name, count in MIX.items() for _ in range(count)]
    names += ["normal"] * (TOTAL - len(names))
    start = timezone.now()
    messages = []
    for n, scenario in enumerate(names):
        kvk_number = f"7{n:07d}"
        scenarios[kvk_number] = scenario
        digipoort_stub.set_faults(scenarios={kvk_number: scenario})
        content = instance_for(kvk_number)
        reference = uuid.uuid4().hex
        delivery = digipoort_stub.state.receive(
            reference=reference,
            kvk_number=kvk_number,
            identiteit_type="KvK",
            rol="Intermediair",
            berichtsoort=settings.DIGIPOORT_BERICHTSOORT,
            filename="jaarrekening.xbrl",
            content=content,
        )
        digest = sha256_hex(content)
        messages.append(
            ApprovalMessage(
                organisation=client_a.organisation,
                message_id=uuid.uuid4(),
                message_type="kvk-micro-klein",
                filename="jaarrekening.xbrl",
                received_document=content,
                document=content,
                document_sha256=digest,
                approved_sha256=digest,
                status=Status.SENT_TO_KVK,
                delivery_reference=reference,
                digipoort_kenmerk=delivery.kenmerk,
                next_poll_at=start + timedelta(seconds=SCHEDULE[0]),
            )
        )
    ApprovalMessage.objects.bulk_create(messages)
    scenario_of = {m.digipoort_kenmerk: scenarios[f"7{n:07d}"] for n, m in enumerate(messages)}

    simulated, ticks = 0.0, 0
    began = time.monotonic()
    while True:
        due = ApprovalMessage.objects.filter(status=Status.SENT_TO_KVK).aggregate(
            first=Min("next_poll_at")
        )["first"]
        if due is None:
            break
        # Beat ticks every BEAT seconds; ticks with nothing due do nothing, so jump to the
        # first tick at or after the first due poll.
        wait = max(BEAT, -(-(due - start).total_seconds() // BEAT) * BEAT - simulated)
        if simulated + wait > MONTH:
            break
        simulated += wait
        moment = start + timedelta(seconds=simulated)
        digipoort_stub.set_clock(moment.timestamp() - time.time())
        run_in_threads(lambda moment=moment: submission.poll_due(now=moment), 2)
        ticks += 1
    elapsed = time.monotonic() - began

    stats = digipoort_stub.stats()
    polls = stats["polls"]
    assert stats["max_concurrent_per_kenmerk"] == 1, "two polls of one message at once"
    bound = schedule_bound(MONTH)
    assert max(polls.values()) <= bound
    by_scenario: dict[str, list[int]] = {}
    for kenmerk, scenario in scenario_of.items():
        by_scenario.setdefault(scenario, []).append(polls.get(kenmerk, 0))
    # Answered at the first poll: asked exactly once.
    for scenario in ("normal", "auth_failed", "ausp_problem", "validation_failed"):
        assert set(by_scenario[scenario]) == {1}, scenario
    # Never answered: asked on the schedule all month, and no more than it allows.
    assert all(bound - 5 <= count <= bound for count in by_scenario["silent"])

    final = {m.digipoort_kenmerk: m for m in ApprovalMessage.objects.all()}
    outcome = Counter((scenario_of[k], m.status, m.attention_code) for k, m in final.items())
    expected = {
        ("silent", Status.SENT_TO_KVK, "no_verdict"): 3,
        ("retry_420_ends", Status.TRANSPORT_ERROR, ""): 10,
        ("unknown_code", Status.FILED, ""): 10,
        ("kvk_slow", Status.FILED, ""): 20,
        ("retry_420_recovers", Status.FILED, ""): 20,
        ("auth_failed", Status.TRANSPORT_ERROR, ""): 10,
        ("ausp_problem", Status.TRANSPORT_ERROR, ""): 10,
        ("validation_failed", Status.REFUSED, ""): 10,
        ("validation_technical", Status.TRANSPORT_ERROR, ""): 10,
        ("delivery_failed", Status.TRANSPORT_ERROR, ""): 10,
        ("normal", Status.FILED, ""): TOTAL - sum(MIX.values()),
    }
    assert dict(outcome) == expected
    waiting = [m for m in final.values() if m.status == Status.SENT_TO_KVK]
    assert all(m.next_poll_at is not None for m in waiting), "nothing waits silently"
    print(
        f"\n{TOTAL} messages, {ticks} beat ticks with work, {sum(polls.values())} polls in a "
        f"simulated month ({elapsed:.0f} s): per message max {max(polls.values())} "
        f"(bound {bound})"
    )
