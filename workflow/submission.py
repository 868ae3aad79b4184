"""Submission to the KvK through Digipoort, and the status poll.

The delivery reference (aanleverkenmerk) is fixed at approval. Every attempt after the
first one asks Digipoort whether a delivery with that reference already exists before
sending: a crash between "sent" and "recorded" is recovered by asking, never by resending.
"""

from __future__ import annotations

import logging
from dataclasses import asdict
from datetime import timedelta

from django.conf import settings

from kvk.digipoort.client import DigipoortClient, DigipoortError
from kvk.digipoort.outcome import outcome
from kvk.status import Status
from workflow import services
from workflow.errors import Invalid
from workflow.models import ApprovalMessage

log = logging.getLogger(__name__)


def _client() -> DigipoortClient:
    return DigipoortClient()


def submit(message_id: int) -> str:
    attempts_before = (
        ApprovalMessage.objects.filter(pk=message_id)
        .values_list("submit_attempts", flat=True)
        .first()
    )
    if attempts_before is None or not services.claim_for_submission(message_id):
        return "skipped"
    message = ApprovalMessage.objects.select_related("organisation").get(pk=message_id)
    kvk_number = message.organisation.kvk_number or ""
    client = _client()
    try:
        services.verify_document(message)
        kenmerk = None
        if attempts_before > 0:
            since = (message.approved_at or message.created_at) - timedelta(minutes=5)
            kenmerk = client.find_delivery(
                reference=message.delivery_reference, kvk_number=kvk_number, since=since
            )
        if kenmerk is None:
            kenmerk = client.deliver(
                reference=message.delivery_reference,
                kvk_number=kvk_number,
                filename=message.filename,
                content=bytes(message.document),
            )
    except Invalid as error:
        services.record_transport_error(
            message_id=message_id,
            reasons=[{"code": error.code, "message": error.message}],
            retry=False,
            max_attempts=settings.KVK_SUBMIT_MAX_RETRIES,
        )
        return "refused_locally"
    except DigipoortError as error:
        log.warning("Digipoort delivery of message %s failed: %s", message_id, error)
        retry = services.record_transport_error(
            message_id=message_id,
            reasons=[{"code": f"digipoort_{error.code}", "message": error.message}],
            retry=error.retryable,
            max_attempts=settings.KVK_SUBMIT_MAX_RETRIES,
        )
        if retry:
            from workflow.tasks import submit_to_kvk

            wait = services.backoff(message.submit_attempts + 1).total_seconds()
            submit_to_kvk.apply_async((message_id,), countdown=wait)
        return "transport_error"
    services.record_delivered(message_id=message_id, kenmerk=kenmerk)
    from workflow.tasks import poll_one

    poll_one.apply_async((message_id,), countdown=settings.KVK_POLL_INTERVAL_SECONDS / 4)
    return "delivered"


def poll(message_id: int) -> None:
    message = ApprovalMessage.objects.filter(pk=message_id, status=Status.SENT_TO_KVK).first()
    if message is None or not message.digipoort_kenmerk:
        return
    try:
        statuses = _client().statuses(message.digipoort_kenmerk)
    except DigipoortError as error:
        log.warning("Digipoort status poll for message %s failed: %s", message_id, error)
        return
    result = outcome(statuses)
    timeline = [{**asdict(s), "timestamp": s.timestamp.isoformat()} for s in statuses]
    services.record_kvk_statuses(
        message_id=message_id,
        statuses=timeline,
        outcome_status=result.status,
        reasons=[{"code": code, "message": text} for code, text in result.reasons],
        kenmerk=message.digipoort_kenmerk,
    )
    if result.status in (None, Status.SENT_TO_KVK):
        from workflow.tasks import poll_one

        poll_one.apply_async((message_id,), countdown=settings.KVK_POLL_INTERVAL_SECONDS / 2)
