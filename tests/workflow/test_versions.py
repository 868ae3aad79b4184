"""Corrections: a new version of the accounts replaces the one that ended without a filing
(rejected by the client at 40, or refused by the KvK at 90), and that one stays closed.

Source of the rule: KVK-SBR.md §1 ("A filed document is never removed. A correction is a new
filing") and the product documentation (../shared/seed/): after a rejection the client's
administration delivers new documents."""

from __future__ import annotations

import pytest

from kvk.status import Status
from portal.views.insite import attention_q
from tests.workflow.conftest import (
    YEAR,
    adoption_day,
    events,
    fail_with_year,
    second_version_at_30,
)
from workflow import services
from workflow.errors import Conflict
from workflow.models import ApprovalMessage

pytestmark = pytest.mark.django_db


def test_a_new_version_after_a_rejection_replaces_it_and_closes_it(flow, staff_actor):
    rejected = flow.at(Status.REJECTED)
    corrected = flow.at(Status.IN_REVIEW)
    assert corrected.replaces_id == rejected.pk
    assert services.is_replaced(rejected)
    with pytest.raises(Conflict) as refused:
        services.repair(
            message_id=rejected.pk, actor=staff_actor, reason="De afkeuring was een vergissing"
        )
    assert refused.value.code == "replaced"
    rejected.refresh_from_db()
    assert rejected.status == Status.REJECTED
    # The replaced version no longer asks the staff to act; the new one is in review.
    asking = set(ApprovalMessage.objects.filter(attention_q()).values_list("pk", flat=True))
    assert rejected.pk not in asking


def test_a_rejection_without_a_new_version_can_still_be_repaired(flow, staff_actor):
    rejected = flow.at(Status.REJECTED)
    assert rejected.pk in ApprovalMessage.objects.filter(attention_q()).values_list("pk", flat=True)
    services.repair(
        message_id=rejected.pk, actor=staff_actor, reason="De afkeuring was een vergissing"
    )
    rejected.refresh_from_db()
    assert rejected.status == Status.IN_REVIEW


def test_only_a_version_of_the_same_year_is_replaced(flow):
    in_review = flow.at(Status.IN_REVIEW)
    other_year = flow.at(Status.REJECTED, year=in_review.financial_year - 1)
    newer = flow.at(Status.IN_REVIEW)
    # The one at 30 is closed for the newer one (test_versions_at_30); the other is another year.
    assert newer.replaces_id == in_review.pk
    assert not services.is_replaced(other_year)


def test_each_ended_version_is_replaced_once(flow):
    rejected = flow.at(Status.REJECTED)
    first = flow.at(Status.REJECTED)
    second = flow.at(Status.IN_REVIEW)
    assert first.replaces_id == rejected.pk
    assert second.replaces_id == first.pk  # the chain: rejected <- first <- second


def test_a_new_version_after_failed_processing_replaces_it(flow):
    """A message at 25 stored no facts; its year is read back from its document."""
    failed = flow.at(Status.PROCESSING_FAILED)
    assert failed.financial_year is None
    corrected = flow.at(Status.IN_REVIEW)
    assert corrected.replaces_id == failed.pk


# --- every ended version before a correction is replaced, and none is put back beside it ------
#
# The walk (KVK-SBR.md §1 and §2: a rejected message "can be put back into the workflow" by
# staff; "KvK refuses a second adopted filing for the same year"): the client rejects version
# A (40); the bookkeeping sends B, which fails processing (25); then the good correction C
# (30). Before, C replaced only B: A could still be repaired, the client approved A, the old
# figures were filed and C's approval was refused.


def _fresh(message: ApprovalMessage) -> ApprovalMessage:
    return ApprovalMessage.objects.get(pk=message.pk)


def _repair(message: ApprovalMessage, staff_actor) -> ApprovalMessage:
    return services.repair(
        message_id=message.pk, actor=staff_actor, reason="De afkeuring was een vergissing"
    )


def test_a_correction_after_a_failed_version_replaces_the_rejected_one_too(flow, staff_actor):
    rejected = flow.at(Status.REJECTED)
    failed = fail_with_year(flow.register())
    corrected = flow.at(Status.IN_REVIEW)
    # One predecessor each: the chain A <- B <- C.
    assert (_fresh(corrected).replaces_id, _fresh(failed).replaces_id) == (failed.pk, rejected.pk)
    assert services.is_replaced(rejected)
    with pytest.raises(Conflict) as refused:
        _repair(rejected, staff_actor)
    assert refused.value.key == "replaced"
    assert _fresh(rejected).status == Status.REJECTED
    asking = set(ApprovalMessage.objects.filter(attention_q()).values_list("pk", flat=True))
    assert rejected.pk not in asking and failed.pk not in asking
    # The correction is the year's filing.
    flow.adopt(corrected)
    flow.approve(corrected)
    assert _fresh(corrected).status == Status.APPROVED


def test_the_chain_runs_newest_first_when_a_failed_version_has_no_year(flow):
    """A 25 stored without its year (read back from its document) takes its place in the
    chain by when it was received, not after the versions stored with one."""
    rejected = flow.at(Status.REJECTED)
    failed = flow.at(Status.PROCESSING_FAILED)
    assert failed.financial_year is None
    corrected = flow.at(Status.IN_REVIEW)
    assert (_fresh(corrected).replaces_id, _fresh(failed).replaces_id) == (failed.pk, rejected.pk)


@pytest.mark.parametrize("rejected_first", [False, True])
def test_a_version_that_closed_one_at_30_takes_the_ended_ones_into_its_chain(flow, rejected_first):
    """C closes B, which waited at 30; A, received before B but processed after it, failed.
    C replaces B (versions.close_older_versions), and A takes its place in B's chain by when
    it was received: B replaces A, and A the rejected version received before it, which B
    replaced until then (the chain runs back in time, each version replacing the one
    received before it)."""
    rejected = flow.at(Status.REJECTED) if rejected_first else None
    earlier = flow.register()
    waiting = flow.at(Status.IN_REVIEW)
    if rejected is not None:
        assert _fresh(waiting).replaces_id == rejected.pk
    fail_with_year(earlier)
    newest = flow.at(Status.IN_REVIEW)
    assert _fresh(newest).replaces_id == waiting.pk
    assert _fresh(waiting).replaces_id == earlier.pk
    assert _fresh(earlier).replaces_id == (rejected.pk if rejected is not None else None)
    assert not services.is_replaced(newest)


def test_the_chain_runs_back_in_time_when_a_newer_version_failed_beside_one_at_30(flow):
    """D waits at 30; B, received after it, fails processing (25); then C enters and closes
    D. Each version replaces the one received before it: C replaces B and B replaces D (not
    D a version newer than itself, whose page would then compare the accounts backwards)."""
    waiting = flow.at(Status.IN_REVIEW)
    failed = fail_with_year(flow.register())
    newest = flow.at(Status.IN_REVIEW)
    chain = [_fresh(message) for message in (newest, failed, waiting)]
    assert [message.replaces_id for message in chain] == [failed.pk, waiting.pk, None]
    assert chain[0].created_at >= chain[1].created_at >= chain[2].created_at
    assert [message.status for message in chain] == [
        Status.IN_REVIEW,
        Status.PROCESSING_FAILED,
        Status.PROCESSING_FAILED,  # closed for the newer version (versions.close_older_versions)
    ]


def test_a_chain_that_ran_backwards_is_put_in_time_order_by_the_next_version(flow):
    """Rows as they stand from before the chain was built in time order: C replaces D and D
    the newer B. When F fails and N enters, the year's chain is laid again in the order the
    versions were received, each replacing the one received before it; a version may take
    over the predecessor of another (``replaces`` is one-to-one at every moment)."""
    waiting = flow.at(Status.IN_REVIEW)
    failed = fail_with_year(flow.register())
    corrected = flow.at(Status.IN_REVIEW)
    ApprovalMessage.objects.filter(pk__in=[corrected.pk, failed.pk]).update(replaces=None)
    ApprovalMessage.objects.filter(pk=corrected.pk).update(replaces=waiting.pk)
    ApprovalMessage.objects.filter(pk=waiting.pk).update(replaces=failed.pk)
    failed_again = fail_with_year(flow.register())
    newest = flow.at(Status.IN_REVIEW)
    chain = [newest, failed_again, corrected, failed, waiting]
    replaces = [_fresh(message).replaces_id for message in chain]
    assert replaces == [message.pk for message in chain[1:]] + [None]


@pytest.mark.parametrize("newer_status", [Status.IN_REVIEW, Status.APPROVED, Status.FILED])
def test_a_rejected_version_is_not_put_back_beside_a_newer_one(flow, staff_actor, newer_status):
    """Rows as they stand from before every ended version was linked: A (40) is replaced by
    none, while a newer version of its year is in review, approved or filed. Put back at 30,
    the client could approve A and file figures its environment replaced (or that the KvK
    refuses as a second adopted filing, KVK-SBR.md §1)."""
    rejected = flow.at(Status.REJECTED)
    newer = flow.at(newer_status)
    ApprovalMessage.objects.filter(pk=newer.pk).update(replaces=None)
    assert not services.is_replaced(rejected)
    with pytest.raises(Conflict) as refused:
        _repair(rejected, staff_actor)
    assert refused.value.key == "replaced:newer"
    assert str(newer.message_id) in refused.value.message
    assert str(YEAR) in refused.value.message
    assert _fresh(rejected).status == Status.REJECTED
    assert events(rejected)[-1] == ("rejected", Status.IN_REVIEW, Status.REJECTED)


def test_a_rejected_version_can_be_repaired_when_the_newer_one_failed(flow, staff_actor):
    """A newer version that ended without entering the workflow (25) replaces nothing: the
    staff may still put the rejected one back."""
    rejected = flow.at(Status.REJECTED)
    fail_with_year(flow.register())
    _repair(rejected, staff_actor)
    assert _fresh(rejected).status == Status.IN_REVIEW


def test_a_version_that_can_never_be_filed_cannot_be_adopted(flow):
    """KVK-SBR.md §1: "KvK refuses a second adopted filing for the same year otherwise". A
    version at 30 of a year whose adopted accounts were filed since (rows as they stand
    from before a repaired older version was refused) is refused at "Jaarrekening
    vastgesteld" with the sentence its approval gets, not only when the client approves."""
    waiting = second_version_at_30(flow, flow.at(Status.FILED))
    with pytest.raises(Conflict) as refused:
        flow.adopt(waiting)
    assert refused.value.key == "correction_not_allowed:filed"
    approval = services.correction_reason(flow.organisation, YEAR, True, False, adoption_day())
    assert refused.value.message == approval["message"]
    waiting = _fresh(waiting)
    assert not waiting.adopted and waiting.document_sha256 == waiting.received_sha256
    assert events(waiting)[-1][0] == "workflow_started"
