"""Poll a message at 60 until Digipoort's verdict, through the real poll schedule."""

from __future__ import annotations

import time

from django.utils import timezone

from kvk.status import Status
from workflow import submission
from workflow.models import ApprovalMessage


def poll_now(message: ApprovalMessage) -> int:
    """Make the message's poll due and run the periodic poll once; returns polls made."""
    ApprovalMessage.objects.filter(pk=message.pk, status=Status.SENT_TO_KVK).update(
        next_poll_at=timezone.now()
    )
    return submission.poll_due()


def poll_until_final(message: ApprovalMessage, seconds: float = 10.0) -> ApprovalMessage:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        poll_now(message)
        message.refresh_from_db()
        if message.status != Status.SENT_TO_KVK:
            return message
        time.sleep(0.05)
    return message
