"""manage.py repair_copies: byte-identical copies (one organisation, one received SHA-256)
that entered the workflow before uploads and processing refused copies, and still wait at 30.

A copy at 30 could be approved and file the same accounts twice (KVK-SBR.md section 1: "A
filed document is never removed ... KvK refuses a second adopted filing for the same year"),
or send again the very documents the KvK refused (section 2: "90 | refused by KvK; final:
the client must create and send new documents"). Closing is the status machine's system
action 30 -> 25 with an audit event and a reason, as processing ends a later copy."""

from __future__ import annotations

import pytest
from django.utils import timezone, translation

from config.dates import format_day
from kvk.status import Status
from tests.conftest import command_output
from tests.workflow.conftest import copy_at_30, events
from workflow import services
from workflow.models import Actor, ApprovalMessage
from workflow.reasons import sentence

pytestmark = pytest.mark.django_db


def _run(*args: str) -> str:
    return command_output("repair_copies", *args)


def _statuses() -> dict[int, tuple[int, int]]:
    return {m.pk: (m.status, m.events.count()) for m in ApprovalMessage.objects.all()}


def _run_changes_nothing(*args: str) -> str:
    """Run the command and check that no status changed and no audit event was written."""
    before = _statuses()
    out = _run(*args)
    assert _statuses() == before
    return out


def _status(message: ApprovalMessage) -> int:
    return ApprovalMessage.objects.get(pk=message.pk).status


@pytest.mark.parametrize("further", [Status.APPROVED, Status.FILED, Status.REFUSED])
def test_copies_at_30_of_a_message_further_along_are_closed(flow, further):
    original = flow.at(further)
    first, second = copy_at_30(flow, original), copy_at_30(flow, original)
    dry = _run_changes_nothing("--dry-run")
    assert f"would close message {first.pk} (30 -> 25)" in dry
    assert f"would close message {second.pk} (30 -> 25)" in dry
    assert "Dry run: documents with copies: 1, would close: 2" in dry

    out = _run()
    assert f"closed message {first.pk} (30 -> 25), a copy of message {original.pk}" in out
    assert "documents with copies: 1, closed: 2, changed meanwhile (left): 0" in out
    assert _status(original) == further
    for copy in (first, second):
        copy = ApprovalMessage.objects.get(pk=copy.pk)
        assert copy.status == Status.PROCESSING_FAILED
        assert events(copy)[-1] == ("copy_closed", Status.IN_REVIEW, Status.PROCESSING_FAILED)
        last = copy.events.order_by("-sequence").first()
        assert last.actor_kind == Actor.Kind.SYSTEM and last.reasons == copy.reasons
        (reason,) = copy.reasons
        assert (reason["code"], reason["key"]) == (
            "duplicate_document",
            "duplicate_document:closed",
        )
        received_on = timezone.localdate(original.created_at)
        assert reason["params"] == {
            "message_id": str(original.message_id),  # for machines
            "received_on": received_on.isoformat(),
            "status": further,
        }
        with translation.override("nl"):
            text = sentence(reason)
        # A person reads the day it was received, not a UUID.
        assert f"het bericht van {format_day(received_on)}" in text
        assert str(original.message_id) not in text and str(Status(further).label) in text

    assert "documents with copies: 0, closed: 0" in _run_changes_nothing()


def test_of_copies_all_at_30_the_first_received_goes_on(flow):
    original = flow.at(Status.IN_REVIEW)
    later = copy_at_30(flow, original)
    out = _run()
    assert f"closed message {later.pk} (30 -> 25), a copy of message {original.pk}" in out
    assert (_status(original), _status(later)) == (Status.IN_REVIEW, Status.PROCESSING_FAILED)
    assert "listed for staff: 0" in out


def test_a_later_copy_a_person_acted_on_is_left_for_the_staff(flow):
    """Which of two copies goes on is then the client's choice: neither is closed."""
    original = flow.at(Status.IN_REVIEW)
    later = copy_at_30(flow, original)
    flow.adopt(later)
    out = _run_changes_nothing()
    assert "closed: 0" in out and "listed for staff: 1" in out
    assert f"for staff, one document in message {original.pk}" in out
    assert f"message {later.pk} (" in out


def test_a_copy_the_client_rejected_closes_nothing(flow):
    """The client may have rejected one copy to drop it and go on with the other."""
    rejected = flow.at(Status.REJECTED)
    waiting = copy_at_30(flow, rejected)
    out = _run_changes_nothing()
    assert "closed: 0" in out and "listed for staff: 1" in out
    assert _status(waiting) == Status.IN_REVIEW


def test_a_message_of_another_organisation_is_never_compared(flow, flow_b):
    """The same accounts may be at two organisations (two offices' clients): each is its own."""
    filed_elsewhere = flow_b.at(Status.FILED)
    ours = copy_at_30(flow, filed_elsewhere)
    assert ours.received_sha256 == filed_elsewhere.received_sha256
    assert "documents with copies: 0, closed: 0" in _run_changes_nothing()


def test_closing_decides_again_under_the_locks(flow):
    """The original at 30 was rejected after the copies were read: the copy stays."""
    original = flow.at(Status.IN_REVIEW)
    later = copy_at_30(flow, original)
    services.reject(message_id=original.pk, actor=flow.client_actor(), reason="Dubbel")
    assert services.close_copy(message_id=later.pk) is None
    assert _status(later) == Status.IN_REVIEW
