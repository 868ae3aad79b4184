"""Corrections: a new version of the accounts replaces the one that ended without a filing
(rejected by the client at 40, or refused by the KvK at 90), and that one stays closed.

Source of the rule: KVK-SBR.md §1 ("A filed document is never removed. A correction is a new
filing") and the product documentation (../shared/seed/): after a rejection the client's
administration delivers new documents."""

from __future__ import annotations

import pytest

from kvk.status import Status
from portal.views.insite import attention_q
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
