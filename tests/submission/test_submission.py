"""Submission to the local Digipoort over HTTPS with two-way TLS, through the real client."""

import time
from datetime import timedelta

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from kvk.status import Status
from tests.polling import poll_until_final
from workflow import submission
from workflow.errors import Invalid
from workflow.models import ApprovalMessage
from workflow.services import verify_document
from workflow.tasks import sweep_stuck_messages

pytestmark = pytest.mark.django_db


def make_due(message: ApprovalMessage) -> None:
    ApprovalMessage.objects.filter(pk=message.pk).update(
        next_attempt_at=timezone.now() - timedelta(seconds=1)
    )


def test_approved_message_is_filed_and_the_timeline_is_kept(approved, digipoort_stub):
    message = approved()
    assert submission.submit(message.pk) == "delivered"
    message.refresh_from_db()
    assert message.status == Status.SENT_TO_KVK and message.digipoort_kenmerk
    message = poll_until_final(message)
    assert message.status == Status.FILED
    codes = [s["code"] for s in message.digipoort_statuses]
    assert codes[0] in (100, 105) and codes[-1] == 500
    assert digipoort_stub.counts() == {message.delivery_reference: 1}
    assert [e.action for e in message.events.all()][-2:] == ["delivered", "filed"]


def test_second_adopted_filing_for_the_year_is_refused_with_kvk_reasons(
    approved, digipoort_stub, digipoort_client, client_a
):
    # Someone else (another software package) already filed adopted accounts for the year.
    message = approved()
    kenmerk = digipoort_client.deliver(
        reference="elders-gedeponeerd",
        kvk_number=client_a.kvk_number,
        filename="elders.xbrl",
        content=bytes(message.document),
    )
    assert kenmerk
    time.sleep(0.5)
    submission.submit(message.pk)
    message = poll_until_final(message)
    assert message.status == Status.REFUSED
    assert message.reasons and all(r["code"] and r["message"] for r in message.reasons)
    assert message.events.last().action == "refused_by_kvk"


def test_transport_error_goes_to_70_and_a_retry_delivers(approved, digipoort_stub):
    message = approved()
    digipoort_stub.set_faults(aanlever_faults=1)
    assert submission.submit(message.pk) == "transport_error"
    message.refresh_from_db()
    assert message.status == Status.TRANSPORT_ERROR
    assert message.reasons[0]["code"].startswith("digipoort_")
    assert message.next_attempt_at > timezone.now()
    assert submission.submit(message.pk) == "skipped"  # not due yet
    make_due(message)
    assert submission.submit(message.pk) == "delivered"
    assert poll_until_final(message).status == Status.FILED
    assert digipoort_stub.counts() == {message.delivery_reference: 1}


def test_status_420_for_a_while_then_filed(approved, digipoort_stub):
    message = approved()
    digipoort_stub.set_faults(status_420_polls=3)
    submission.submit(message.pk)
    message = poll_until_final(message)
    assert message.status == Status.FILED
    assert 420 in [s["code"] for s in message.digipoort_statuses]


def test_lost_answer_is_recovered_by_asking_digipoort_never_by_resending(approved, digipoort_stub):
    message = approved()
    # Digipoort stores the delivery, then the connection drops before we learn the kenmerk:
    # exactly the crash between "sent" and "recorded".
    digipoort_stub.set_faults(drop_responses=1)
    assert submission.submit(message.pk) == "transport_error"
    assert digipoort_stub.counts() == {message.delivery_reference: 1}
    make_due(message)
    assert submission.submit(message.pk) == "delivered"
    assert digipoort_stub.counts() == {message.delivery_reference: 1}
    assert message.events.order_by("-sequence").first().action == "delivery_found"
    assert poll_until_final(message).status == Status.FILED


def test_document_changed_after_approval_is_never_sent(approved, digipoort_stub):
    message = approved()
    tampered = b"<xbrl>iets anders</xbrl>"
    if connection.vendor == "postgresql":
        # PostgreSQL itself refuses to change an approved document (a trigger)...
        with pytest.raises(IntegrityError), transaction.atomic():
            ApprovalMessage.objects.filter(pk=message.pk).update(document=tampered)
        # ...so the submission's own check is shown on a copy changed in memory.
        message.document = tampered
        with pytest.raises(Invalid):
            verify_document(message)
        return
    ApprovalMessage.objects.filter(pk=message.pk).update(document=tampered)
    assert submission.submit(message.pk) == "refused_locally"
    message.refresh_from_db()
    assert message.status == Status.TRANSPORT_ERROR
    assert message.reasons[0]["code"] == "document_mismatch"
    assert message.next_attempt_at is None
    assert digipoort_stub.counts() == {}


def test_retries_are_bounded(approved, digipoort_stub, settings):
    settings.KVK_SUBMIT_MAX_RETRIES = 2
    message = approved()
    digipoort_stub.set_faults(aanlever_faults=-1)
    submission.submit(message.pk)
    make_due(message)
    submission.submit(message.pk)
    message.refresh_from_db()
    assert message.status == Status.TRANSPORT_ERROR
    assert message.submit_attempts == 2
    assert message.next_attempt_at is None  # no more automatic attempts: staff are alerted
    assert sweep_stuck_messages() == {"submissions": 0}
    assert digipoort_stub.counts() == {}


def test_a_slow_poll_of_an_earlier_delivery_decides_nothing_about_a_newer_one(
    approved, digipoort_stub
):
    from workflow import services

    message = approved()
    submission.submit(message.pk)
    message.refresh_from_db()
    services.record_kvk_statuses(
        message_id=message.pk,
        statuses=[{"code": 510}],
        outcome_status=Status.REFUSED,
        reasons=[{"code": "KVK003", "message": "oud"}],
        kenmerk="an-earlier-delivery",
    )
    message.refresh_from_db()
    assert message.status == Status.SENT_TO_KVK
    assert message.digipoort_statuses != [{"code": 510}]


def test_a_late_transport_error_does_not_pull_back_a_delivered_message(approved, digipoort_stub):
    from workflow import services

    message = approved()
    submission.submit(message.pk)
    assert (
        services.record_transport_error(
            message_id=message.pk,
            reasons=[{"code": "x", "message": "y"}],
            retry=True,
            max_attempts=5,
        )
        is False
    )
    message.refresh_from_db()
    assert message.status == Status.SENT_TO_KVK
