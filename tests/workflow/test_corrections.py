"""Corrections: a filed document is never removed, so after 80 a new message for the same
organisation and financial year enters the workflow only as a resubmission (BR-KVK-4.12,
4.16) or as the adopted filing after a non-adopted one; after 90 the refused documents
themselves are refused. start_workflow enforces it by moving the message to 25 with the
reason; correction_reason lets the processing job ask first."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from crm.models import Organisation
from deadlines import selectors as deadline_selectors
from kvk.status import Status
from tests.workflow.conftest import (
    YEAR,
    adoption_day,
    document,
    events,
    second_version_at_30,
    start_workflow,
)
from workflow import services
from workflow.errors import Conflict
from workflow.models import ApprovalMessage, sha256_hex
from workflow.services import receiving

pytestmark = pytest.mark.django_db


def correction_problem(*args, **kwargs) -> str | None:
    """The Dutch message of ``correction_reason``, or None when the message is acceptable."""
    reason = services.correction_reason(*args, **kwargs)
    return reason["message"] if reason else None


def _force_non_adopted_filing(message: ApprovalMessage) -> None:
    """A filing at 80 whose accounts were not adopted. The portal itself only files adopted
    accounts, so this stands for an earlier non-adopted filing (e.g. by another channel)."""
    ApprovalMessage.objects.filter(pk=message.pk).update(adopted=False, adoption_date=None)


def _refusal(message: ApprovalMessage) -> dict:
    message.refresh_from_db()
    assert message.status == Status.PROCESSING_FAILED
    assert events(message)[-1] == ("processing_failed", 20, 25)
    assert len(message.reasons) == 1
    return message.reasons[0]


def test_first_filing_of_a_year_is_accepted(flow):
    assert correction_problem(flow.organisation, YEAR, False, False) is None
    message = flow.register()
    assert flow.start(message) is True
    message.refresh_from_db()
    assert message.status == Status.IN_REVIEW


def test_after_80_a_plain_new_filing_of_the_same_year_ends_in_25(flow):
    flow.at(Status.FILED)
    problem = correction_problem(flow.organisation, YEAR, True, False, adoption_day())
    assert problem and "heraanlevering" in problem
    message = flow.register()
    assert flow.start(message, adopted=True) is False
    reason = _refusal(message)
    assert reason["code"] == services.CORRECTION_REASON_CODE
    assert str(YEAR) in reason["message"]
    # The reason names the year, and so does the refused message (the staff find it under
    # its year); it takes over no other facts, and the deadline overview goes on showing
    # the filing at 80 for that year.
    message.refresh_from_db()
    assert message.financial_year == YEAR and message.adopted is False
    organisation = Organisation.objects.filter(pk=flow.organisation.pk)
    (row,) = deadline_selectors.year_rows(organisation, YEAR)
    assert row.situation == deadline_selectors.Situation.FILED


def test_after_80_a_non_adopted_new_filing_is_refused_too(flow):
    flow.at(Status.FILED)
    message = flow.register()
    assert flow.start(message, adopted=False) is False
    assert _refusal(message)["code"] == services.CORRECTION_REASON_CODE


def test_after_80_a_resubmission_with_adoption_is_accepted(flow):
    flow.at(Status.FILED)
    assert correction_problem(flow.organisation, YEAR, True, True, adoption_day()) is None
    message = flow.register()
    assert flow.start(message, adopted=True, resubmission=True) is True
    flow.approve(message)  # adopted with a date: no portal adoption needed
    message.refresh_from_db()
    assert message.status == Status.APPROVED and message.resubmission is True


def test_resubmission_without_adoption_status_is_refused_br_kvk_4_12(flow):
    flow.at(Status.FILED)
    assert correction_problem(flow.organisation, YEAR, False, True)
    message = flow.register()
    assert flow.start(message, adopted=False, resubmission=True) is False
    assert _refusal(message)["code"] == "BR-KVK-4.12"


def test_resubmission_without_adoption_date_is_refused_br_kvk_4_16(flow):
    problem = services.correction_reason(flow.organisation, YEAR, True, True, None)
    assert problem["code"] == "BR-KVK-4.16"
    message = flow.register()
    assert services.claim_for_processing(message.pk)
    assert not start_workflow(message.pk, flow.workflow, adopted=True, resubmission=True)
    assert _refusal(message)["code"] == "BR-KVK-4.16"


def test_adopted_filing_after_a_non_adopted_one_is_accepted(flow):
    earlier = flow.at(Status.FILED)
    _force_non_adopted_filing(earlier)
    assert correction_problem(flow.organisation, YEAR, True, False, adoption_day()) is None
    message = flow.register()
    assert flow.start(message, adopted=False) is True  # adopted in the portal, then approved
    flow.adopt(message)
    flow.approve(message)
    message.refresh_from_db()
    assert message.status == Status.APPROVED


def test_another_year_or_another_organisation_is_not_a_correction(flow, flow_b):
    flow.at(Status.FILED)
    assert correction_problem(flow.organisation, YEAR - 1, True, False) is None
    assert correction_problem(flow_b.organisation, YEAR, True, False) is None
    other = flow_b.register()
    assert flow_b.start(other, adopted=False) is True


@pytest.mark.parametrize("status", [Status.APPROVED, Status.SENT_TO_KVK, Status.TRANSPORT_ERROR])
def test_a_filing_on_its_way_counts_as_filed(flow, status):
    flow.at(status)
    problem = correction_problem(flow.organisation, YEAR, True, False, adoption_day())
    assert problem and "onderweg" in problem


@pytest.mark.parametrize("status", [Status.PROCESSING_FAILED, Status.IN_REVIEW, Status.REJECTED])
def test_messages_that_were_never_approved_do_not_block(flow, status):
    flow.at(status)
    assert correction_problem(flow.organisation, YEAR, True, False, adoption_day()) is None


def test_after_90_the_same_documents_are_refused_new_ones_accepted(flow):
    refused = flow.at(Status.REFUSED)
    # The very documents are refused at upload already (workflow.services.duplicates).
    with pytest.raises(Conflict) as copy:
        flow.register(content=bytes(refused.received_document))
    assert copy.value.code == "duplicate_document"
    assert "nieuwe stukken" in copy.value.message

    new_documents = document(flow.client.kvk_number, YEAR, name="Test B.V. (gecorrigeerd)")
    fresh = flow.register(content=new_documents)
    assert flow.start(fresh) is True
    fresh.refresh_from_db()
    assert fresh.status == Status.IN_REVIEW


def test_a_copy_of_the_refused_documents_that_got_past_the_upload_ends_in_25(flow, monkeypatch):
    """Two uploads at the same moment, or one received before uploads were checked, do not
    see each other (tests.connectors.test_copies.unchecked_uploads): processing then
    refuses the very documents the KvK refused (90), as correction_not_allowed."""
    refused = flow.at(Status.REFUSED)
    monkeypatch.setattr(receiving, "identical_messages", lambda keys, **kwargs: {})
    again = flow.register(content=bytes(refused.received_document))

    assert flow.start(again) is False

    reason = _refusal(again)
    assert reason["code"] == services.CORRECTION_REASON_CODE
    assert "nieuwe stukken" in reason["message"]


def test_the_refused_documents_are_recognised_by_their_stored_hash(flow):
    refused = flow.at(Status.REFUSED)
    digest = refused.received_sha256
    with CaptureQueriesContext(connection) as queries:
        reason = services.correction_reason(
            flow.organisation, YEAR, False, False, received_sha256=digest
        )
    assert reason and reason["code"] == services.CORRECTION_REASON_CODE
    assert not any("received_document" in query["sql"] for query in queries.captured_queries)


def test_a_refused_message_without_a_stored_hash_has_its_document_hashed(flow):
    """Messages received before workflow 0003 filled the column have '' there."""
    refused = flow.at(Status.REFUSED)
    digest = refused.received_sha256
    ApprovalMessage.objects.filter(pk=refused.pk).update(received_sha256="")
    reason = services.correction_reason(
        flow.organisation, YEAR, False, False, received_sha256=digest
    )
    assert reason and reason["code"] == services.CORRECTION_REASON_CODE
    other = sha256_hex(b"other documents")
    assert (
        services.correction_reason(flow.organisation, YEAR, False, False, received_sha256=other)
        is None
    )


def test_a_second_approval_for_a_year_is_refused_when_another_was_approved_meanwhile(flow):
    first = flow.at(Status.IN_REVIEW)
    second = second_version_at_30(flow, first)  # from before older versions were closed
    flow.adopt(first)
    flow.adopt(second)
    flow.approve(first)
    second.refresh_from_db()
    with pytest.raises(Conflict) as raised:
        flow.approve(second)
    assert raised.value.code == services.CORRECTION_REASON_CODE
    second.refresh_from_db()
    assert second.status == Status.IN_REVIEW
    assert [e[0] for e in events(second)][-1] == "adopted"


def test_correction_problem_takes_an_organisation_id_and_ignores_the_message_itself(flow):
    filed = flow.at(Status.FILED)
    assert correction_problem(flow.organisation.pk, YEAR, True, False, adoption_day())
    assert (
        correction_problem(
            flow.organisation.pk, YEAR, True, False, adoption_day(), exclude_message_id=filed.pk
        )
        is None
    )
