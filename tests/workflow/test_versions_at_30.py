"""A newer version of one organisation's accounts for a year enters the workflow while an older
version still waits for the client at 30: the older one is closed (30 -> 25, "Vervangen door
nieuwe versie") and the newer one replaces it.

Otherwise the older one waits at 30 for ever: once the newer one is approved and filed, KvK
would refuse the older as a second filing ("A filed document is never removed. ... KvK
refuses a second adopted filing for the same year otherwise.", KVK-SBR.md section 1), yet the
client was still offered "Goedkeuren" and reminded to approve it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from deadlines import reminders
from kvk.status import Status
from tests import factories
from tests.conftest import command_output
from tests.workflow.conftest import (
    YEAR,
    assert_names_the_newer_version,
    events,
    second_version_at_30,
)
from workflow import services, tasks
from workflow.errors import Conflict
from workflow.models import Actor, ApprovalMessage
from workflow.services import processing

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_delivery(monkeypatch):
    monkeypatch.setattr(tasks.submit_to_kvk, "delay", lambda *args, **kwargs: None)


def _fresh(message: ApprovalMessage) -> ApprovalMessage:
    return ApprovalMessage.objects.get(pk=message.pk)


def _assert_closed_for(older: ApprovalMessage, newer: ApprovalMessage) -> None:
    older, newer = _fresh(older), _fresh(newer)
    assert older.status == Status.PROCESSING_FAILED
    assert newer.status == Status.IN_REVIEW
    assert newer.replaces_id == older.pk
    assert events(older)[-1] == ("version_superseded", Status.IN_REVIEW, Status.PROCESSING_FAILED)
    last = older.events.order_by("-sequence").first()
    assert last.actor_kind == Actor.Kind.SYSTEM and last.reasons == older.reasons
    (reason,) = older.reasons
    assert reason["key"] == "version_superseded"
    assert_names_the_newer_version(reason, newer, YEAR)


def test_a_newer_version_closes_the_older_one_waiting_for_the_client(flow):
    older = flow.at(Status.IN_REVIEW)
    newer = flow.at(Status.IN_REVIEW)
    _assert_closed_for(older, newer)

    # The older one can no longer be approved; the newer one goes on and is filed.
    with pytest.raises(Conflict):
        services.approve(
            message_id=older.pk,
            actor=flow.client_actor(),
            document_sha256=_fresh(older).document_sha256,
        )
    flow.adopt(newer)
    flow.approve(newer)
    assert _fresh(newer).status == Status.APPROVED
    assert _fresh(older).status == Status.PROCESSING_FAILED


def test_an_adopted_and_partly_approved_older_version_is_closed_too(flow):
    """The adoption and the approvals are bound to the older document (its SHA-256); the newer
    document is what the client environment sent last, and asks the client again."""
    factories.require_directors(flow.workflow)
    first, _second = factories.make_directors(flow.client, "Anna Eerste", "Bestuurder 2")
    older = flow.at(Status.IN_REVIEW)
    flow.adopt(older)
    older.refresh_from_db()
    services.approve(
        message_id=older.pk,
        actor=Actor.for_user(first.user),
        document_sha256=older.document_sha256,
    )
    assert _fresh(older).status == Status.IN_REVIEW  # one of two approvals given

    newer = flow.at(Status.IN_REVIEW)
    _assert_closed_for(older, newer)
    assert not _fresh(newer).adopted


def test_two_versions_finished_at_the_same_moment_are_settled_after_commit(flow, monkeypatch):
    """Two workers finish two versions of one year at once: each reads the waiting versions
    before the other committed, so neither sees the other (on PostgreSQL; SQLite runs one
    writer at a time). Simulated by a processing run that reads nothing waiting: after its
    commit the years it brought to 30 are settled, and the older version is closed."""
    older = flow.at(Status.IN_REVIEW)
    monkeypatch.setattr(processing, "lock_waiting_versions", lambda pairs, exclude: [])
    newer = flow.at(Status.IN_REVIEW)
    _assert_closed_for(older, newer)


def test_versions_of_another_year_are_left_alone(flow):
    other_year = flow.at(Status.IN_REVIEW, year=YEAR - 1)
    newer = flow.at(Status.IN_REVIEW)
    assert _fresh(other_year).status == Status.IN_REVIEW
    assert _fresh(newer).replaces_id is None


def test_an_older_version_processed_after_the_newer_one_is_closed_at_once(flow):
    """Processing order is not receiving order (a retried processing): the version received
    last goes on."""
    older = flow.register()
    newer = flow.at(Status.IN_REVIEW)
    assert not flow.start(older)  # it enters the workflow and is closed in one go
    _assert_closed_for(older, newer)
    assert events(older)[-2:] == [
        ("workflow_started", Status.PROCESSING, Status.IN_REVIEW),
        ("version_superseded", Status.IN_REVIEW, Status.PROCESSING_FAILED),
    ]


def test_the_newer_version_of_a_rejected_chain_replaces_the_one_at_30(flow):
    """40 <- 30 <- new: each version replaces the one before it."""
    rejected = flow.at(Status.REJECTED)
    older = flow.at(Status.IN_REVIEW)
    assert _fresh(older).replaces_id == rejected.pk
    newer = flow.at(Status.IN_REVIEW)
    _assert_closed_for(older, newer)


def test_no_reminder_for_a_message_whose_year_is_filed_or_that_was_replaced(flow, flow_b):
    """Reminders ask the client to approve; a year filed already, or a version replaced,
    leaves nothing to approve. (Rows as they stand from before older versions were closed.)"""
    waiting = flow.at(Status.IN_REVIEW)
    filed = flow.at(Status.FILED, year=YEAR - 1)
    ApprovalMessage.objects.filter(pk=filed.pk).update(financial_year=YEAR)
    replaced = flow_b.at(Status.IN_REVIEW)
    newer = flow_b.at(Status.IN_REVIEW, year=YEAR - 1)
    ApprovalMessage.objects.filter(pk=newer.pk).update(replaces=replaced)

    due = [message.pk for message in reminders._client_messages()]
    assert due == [newer.pk]
    assert waiting.pk not in due and replaced.pk not in due
    later = timezone.now() + timedelta(days=3)
    assert reminders.send_client_reminders(now=later) == 1


def test_repair_versions_closes_the_older_versions_left_at_30(flow):
    """Rows from before older versions were closed: the command closes them as processing
    now does, and a second run changes nothing."""
    first = flow.at(Status.IN_REVIEW)
    second = second_version_at_30(flow, first)
    third = second_version_at_30(flow, first)
    dry = command_output("repair_versions", "--dry-run")
    assert "Dry run: would close 2 older version(s)." in dry
    assert _fresh(first).status == Status.IN_REVIEW

    out = command_output("repair_versions")
    assert "closed 2 older version(s)." in out
    _assert_closed_for(second, third)
    assert _fresh(first).status == Status.PROCESSING_FAILED
    assert _fresh(second).replaces_id == first.pk
    assert "closed 0 older version(s)." in command_output("repair_versions")


def test_a_resubmission_after_the_filing_is_still_reminded(flow):
    """A heraanlevering of a filed year enters the workflow and can be approved (KVK-SBR.md
    section 1: a second adopted filing is taken only as a resubmission, BR-KVK-4.12/4.16);
    the client is reminded to approve it like any other message at 30."""
    flow.at(Status.FILED)
    resubmission = flow.register()
    assert flow.start(resubmission, adopted=True, resubmission=True)
    assert resubmission.pk in [message.pk for message in reminders._client_messages()]


def test_the_adopted_accounts_after_a_non_adopted_filing_are_still_reminded(flow):
    """After a filing of accounts that were not adopted, the adopted accounts follow and
    are approved as usual (BR-KVK-4.12); the client is reminded of them."""
    earlier = flow.at(Status.FILED)
    ApprovalMessage.objects.filter(pk=earlier.pk).update(adopted=False, adoption_date=None)
    adopted = flow.register()
    assert flow.start(adopted, adopted=False)
    assert adopted.pk in [message.pk for message in reminders._client_messages()]
