"""Tasks of the filing at the KvK: they take ids, look rows up and call services."""

from __future__ import annotations

import logging
from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from kvk.status import Status
from workflow.models import ApprovalMessage

log = logging.getLogger(__name__)


@shared_task(acks_late=True, max_retries=0)
def submit_to_kvk(message_id: int) -> str:
    """Deliver one approved message to Digipoort (at most once per attempt)."""
    from workflow.submission import submit

    return submit(message_id)


@shared_task(acks_late=True)
def poll_kvk_statuses() -> int:
    """Ask Digipoort about every message at 60 whose poll is due (one schedule, claimed
    with a conditional UPDATE: overlapping runs never ask about one message twice)."""
    from workflow.submission import poll_due

    return poll_due()


@shared_task(acks_late=True)
def poll_one(message_id: int) -> None:
    """Kept so that tasks queued by an earlier version still run: the schedule decides."""
    from workflow.submission import poll_due

    poll_due()


@shared_task(acks_late=True)
def sweep_stuck_messages() -> dict[str, int]:
    """Re-queue work a crashed process left behind; every step it re-queues is idempotent."""
    now = timezone.now()
    active = ApprovalMessage.objects.filter(
        organisation__environment__activation__active=True  # skip inactive ones
    )
    due = list(
        active.filter(
            status__in=[Status.APPROVED, Status.TRANSPORT_ERROR], next_attempt_at__lte=now
        ).values_list("pk", flat=True)[:500]
    )
    due += list(
        active.filter(status=Status.APPROVED, next_attempt_at__isnull=True)
        .filter(status_changed_at__lte=now - timedelta(minutes=2))
        .values_list("pk", flat=True)[:500]
    )
    for message_id in due:
        submit_to_kvk.delay(message_id)
    return {"submissions": len(due)}
