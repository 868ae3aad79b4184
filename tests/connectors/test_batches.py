"""Processing in batches: one claim, one write and a fixed number of queries for many
messages, with the same outcome and audit trail per message as one at a time."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from connectors import services
from connectors import tasks as connector_tasks
from kvk.status import Status
from tests.conftest import instance_for, register_report, versions
from tests.threads import run_in_threads
from workflow import services as workflow_services
from workflow.errors import NotPermitted
from workflow.models import Actor, ApprovalMessage, StatusEvent

pytestmark = pytest.mark.django_db


def register(client, content: bytes) -> ApprovalMessage:
    message, created = register_report(client.organisation, content, Actor.system())
    assert created
    return message


def actions(message: ApprovalMessage) -> list[str]:
    return [e.action for e in message.events.order_by("sequence")]


def assert_sequences_have_no_gaps() -> None:
    """Per organisation, the audit events are numbered 1, 2, 3, ... without a gap."""
    numbers: dict[int, list[int]] = {}
    for organisation_id, sequence in StatusEvent.objects.values_list("organisation_id", "sequence"):
        numbers.setdefault(organisation_id, []).append(sequence)
    for sequences in numbers.values():
        assert sorted(sequences) == list(range(1, len(sequences) + 1))


def test_a_mixed_batch_ends_like_one_at_a_time(client_a, client_b):
    good_a = [register(client_a, instance_for(client_a.kvk_number, year=y)) for y in (2024, 2025)]
    good_b = register(client_b, instance_for(client_b.kvk_number))
    mismatch = register(client_a, instance_for(client_b.kvk_number))
    broken = register(client_b, b"<niet-af")

    counts = services.process_external_messages(batch_size=2)

    assert counts == {"claimed": 5, "in_review": 3, "failed": 2}
    for message in [*good_a, good_b]:
        message.refresh_from_db()
        assert message.status == Status.IN_REVIEW
        assert message.financial_year is not None and message.workflow_id is not None
        assert actions(message) == ["received", "claimed", "workflow_started"]
    mismatch.refresh_from_db()
    assert mismatch.status == Status.PROCESSING_FAILED
    assert [r["code"] for r in mismatch.reasons] == ["kvk_number_not_yours"]
    # Another company's document: its facts (year, adoption) are not taken over.
    assert (mismatch.financial_year, mismatch.adoption_date, mismatch.workflow_id) == (
        None,
        None,
        None,
    )
    broken.refresh_from_db()
    assert broken.status == Status.PROCESSING_FAILED
    assert broken.reasons and broken.reasons[0]["code"].startswith("DEP-PARSE")
    assert actions(broken) == ["received", "claimed", "processing_failed"]
    assert_sequences_have_no_gaps()


def _queries_to_process(client, count: int) -> int:
    for content in versions(client.kvk_number, count):
        register(client, content)
    with CaptureQueriesContext(connection) as queries:
        counts = services.process_external_messages(batch_size=50)
    # One year's versions: the newest goes on, the older ones are closed for it
    # (workflow.services.versions), at no extra cost per message.
    assert (counts["in_review"], counts["failed"]) == (1, count - 1)
    return len(queries)


def test_queries_per_batch_do_not_grow_with_its_size(client_a, client_b):
    """The number of queries for a batch is fixed: 3 messages or 12 cost the same."""
    few = _queries_to_process(client_a, 3)
    many = _queries_to_process(client_b, 12)
    assert few == many
    # 26 here: two claims, the reads and one write per batch, and after its commit the
    # look for versions of its years another worker brought to 30 meanwhile.
    assert many <= 27


def test_concurrent_claimers_get_disjoint_batches(client_a, client_b, transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip("SKIP LOCKED is PostgreSQL's; SQLite serialises the claims")
    messages = [
        register(c, content) for c in (client_a, client_b) for content in versions(c.kvk_number, 8)
    ]
    won: list[list[int]] = []

    def claim() -> None:
        while ids := workflow_services.claim_batch(3)[0]:
            won.append(ids)

    run_in_threads(claim, 4)
    claimed = [pk for batch in won for pk in batch]
    assert sorted(claimed) == sorted(m.pk for m in messages)  # each exactly once
    assert StatusEvent.objects.filter(action="claimed").count() == len(messages)
    assert_sequences_have_no_gaps()


def _three_years(client_a, client_b) -> list[ApprovalMessage]:
    """Three messages of different organisations and years: a newer version of one year
    would close the older one (workflow.services.versions)."""
    return [
        register(client_a, instance_for(client_a.kvk_number, year=2024)),
        register(client_a, instance_for(client_a.kvk_number, year=2025)),
        register(client_b, instance_for(client_b.kvk_number, year=2025)),
    ]


def test_one_message_failing_unexpectedly_does_not_hold_up_its_batch(
    client_a, client_b, monkeypatch
):
    messages = _three_years(client_a, client_b)
    real_check = services.check_parsed

    def check(parsed, **kwargs):
        if kwargs["filename"] == "kapot.xbrl":
            raise RuntimeError("unexpected")
        return real_check(parsed, **kwargs)

    ApprovalMessage.objects.filter(pk=messages[1].pk).update(filename="kapot.xbrl")
    monkeypatch.setattr(services, "check_parsed", check)
    counts = services.process_external_messages()
    assert counts == {"claimed": 3, "in_review": 2, "failed": 0}
    statuses = [ApprovalMessage.objects.get(pk=m.pk).status for m in messages]
    assert statuses == [Status.IN_REVIEW, Status.PROCESSING, Status.IN_REVIEW]

    monkeypatch.setattr(services, "check_parsed", real_check)
    assert services.resume_stuck_processing(older_than_seconds=0) == 1
    assert ApprovalMessage.objects.get(pk=messages[1].pk).status == Status.IN_REVIEW
    assert_sequences_have_no_gaps()


def test_a_batch_that_cannot_be_written_stays_at_20_for_the_sweeper(
    client_a, client_b, monkeypatch
):
    messages = [
        register(client, instance_for(client.kvk_number, year=2025))
        for client in (client_a, client_b)
    ]

    def broken(results):
        raise RuntimeError("database gone")

    monkeypatch.setattr(workflow_services, "finish_processing", broken)
    assert services.process_external_messages()["claimed"] == 2
    assert {m.status for m in ApprovalMessage.objects.all()} == {Status.PROCESSING}

    monkeypatch.undo()
    assert services.resume_stuck_processing(older_than_seconds=0) == 2
    for message in messages:
        assert actions(message) == ["received", "claimed", "workflow_started"]


def test_a_correction_is_refused_for_every_message_of_the_batch(client_a):
    """An adopted filing for the year is on its way to the KvK: both new messages for that
    year are refused as corrections, in one batch."""
    filed = register(client_a, instance_for(client_a.kvk_number, year=2024))
    services.process_external_messages()
    filed.refresh_from_db()
    ApprovalMessage.objects.filter(pk=filed.pk).update(
        status=Status.SENT_TO_KVK, adopted=True, approved_sha256=filed.document_sha256
    )
    again = [register(client_a, c) for c in versions(client_a.kvk_number, 2, year=2024)]
    other_year = register(client_a, instance_for(client_a.kvk_number, year=2025))

    services.process_external_messages()

    for message in again:
        message.refresh_from_db()
        assert message.status == Status.PROCESSING_FAILED
        assert [r["code"] for r in message.reasons] == ["correction_not_allowed"]
        assert "onderweg naar de KvK" in message.reasons[0]["message"]
    other_year.refresh_from_db()
    assert other_year.status == Status.IN_REVIEW


def test_a_kicked_run_with_more_waiting_queues_the_next(client_a, monkeypatch):
    for content in versions(client_a.kvk_number, 3):
        register(client_a, content)
    queued: list[int] = []
    monkeypatch.setattr(connector_tasks, "RUN_LIMIT", 2)
    monkeypatch.setattr(connector_tasks.process_waiting_messages, "delay", lambda: queued.append(1))
    assert connector_tasks.process_waiting_messages()["claimed"] == 2
    assert queued == [1]
    assert connector_tasks.process_waiting_messages()["claimed"] == 1
    assert queued == [1]  # nothing more waits: no further run


def test_a_document_whose_facts_do_not_fit_fails_alone(client_a):
    good = register(client_a, instance_for(client_a.kvk_number, year=2024))
    long_ref = b'xlink:href="https://example.com/' + b"x" * 400 + b'.xsd"'
    content = re.sub(
        rb'xlink:href="[^"]*"', long_ref, instance_for(client_a.kvk_number, year=2025), count=1
    )
    bad = register(client_a, content)
    services.process_external_messages()
    bad.refresh_from_db()
    good.refresh_from_db()
    assert good.status == Status.IN_REVIEW
    assert bad.status == Status.PROCESSING_FAILED
    assert "FR-KVK-2.03" in [r["code"] for r in bad.reasons]


def test_a_batch_that_cannot_be_written_together_is_written_one_by_one(
    client_a, client_b, monkeypatch
):
    messages = _three_years(client_a, client_b)
    real_finish = workflow_services.finish_processing

    def only_one_at_a_time(results):
        if len(results) > 1:
            raise RuntimeError("value too long for one of them")
        return real_finish(results)

    monkeypatch.setattr(workflow_services, "finish_processing", only_one_at_a_time)
    assert services.process_external_messages() == {"claimed": 3, "in_review": 3, "failed": 0}
    for message in messages:
        assert actions(message) == ["received", "claimed", "workflow_started"]


def test_large_documents_make_smaller_batches(client_a, monkeypatch):
    messages = [register(client_a, content) for content in versions(client_a.kvk_number, 5)]
    size = len(bytes(messages[0].received_document))
    ids, full = workflow_services.claim_batch(50, max_bytes=2 * size)
    assert (ids, full) == ([messages[0].pk, messages[1].pk], True)
    ids, full = workflow_services.claim_batch(50, max_bytes=size // 2)
    assert (ids, full) == ([messages[2].pk], True)  # one message at least

    claimed = []
    real_claim = workflow_services.claim_batch

    def recording(limit, max_bytes=None):
        ids, full = real_claim(limit, max_bytes=max_bytes)
        claimed.append(len(ids))
        return ids, full

    monkeypatch.setattr(workflow_services, "claim_batch", recording)
    monkeypatch.setattr(services, "BATCH_MAX_BYTES", size)
    counts = services.process_external_messages()
    assert counts["in_review"] == 2  # the 2 left at 10, one batch each
    assert claimed == [1, 1]  # the second found nothing more waiting: no third claim


@pytest.mark.parametrize("claim", ["batch", "one"])
def test_claims_go_through_the_status_machine(client_a, monkeypatch, claim):
    """The claim transition decides: when the status machine refuses it, no message moves
    and no event is written (the batch's conditional UPDATE follows the transition)."""
    message = register(client_a, instance_for(client_a.kvk_number))
    step = ApprovalMessage.claim._django_fsm.get_transition(Status.RECEIVED)
    monkeypatch.setattr(step, "permission", lambda message, actor: False)

    with pytest.raises(NotPermitted):
        if claim == "batch":
            workflow_services.claim_batch(10)
        else:
            workflow_services.claim_for_processing(message.pk)

    message.refresh_from_db()
    assert message.status == Status.RECEIVED
    assert actions(message) == ["received"]
    monkeypatch.undo()
    assert workflow_services.claim_batch(10)[0] == [message.pk]
    message.refresh_from_db()
    assert message.status == Status.PROCESSING
    assert message.events.get(action="claimed").to_status == Status.PROCESSING
