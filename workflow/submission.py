"""Submission to the KvK through Digipoort, and the status poll.

The delivery reference (aanleverkenmerk) is fixed at approval. Every attempt, the first one
too, asks Digipoort whether a delivery with that reference already exists before sending: a
crash between "sent" and "recorded" is recovered by asking, never by resending, and so is a
delivery made after the database backup that was restored (the message is at 50 again
without any attempt counted).

Polling has one schedule: a message at 60 carries ``next_poll_at`` and ``poll_attempts``;
``poll_due`` (the periodic task) claims the due ones with one conditional UPDATE, so beat
ticks that overlap and several workers never ask about the same message at once, asks
Digipoort, and records the answer together with the next poll time. Nothing re-queues
itself.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import asdict
from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Max, Q
from django.utils import timezone

from kvk.digipoort.client import (
    DigipoortClient,
    DigipoortConfig,
    DigipoortError,
    DigipoortStatus,
    delivery_references,
)
from kvk.digipoort.outcome import DIGIPOORT_VALIDATION, Attention, outcome
from kvk.status import Status
from workflow import reasons as reason_catalogue
from workflow import services
from workflow.errors import Invalid
from workflow.models import ApprovalMessage

log = logging.getLogger(__name__)

_clients = threading.local()


def _client() -> DigipoortClient:
    """One client per thread and configuration: the WSDLs are parsed once and the TLS
    connection to Digipoort is kept open between requests."""
    config = DigipoortConfig.from_settings()
    cached = getattr(_clients, "value", None)
    if cached is None or cached[0] != config:
        cached = (config, DigipoortClient(config))
        _clients.value = cached
    return cached[1]


def _error_reason(error: DigipoortError) -> dict[str, str]:
    code = reason_catalogue.for_error(error.code, retryable=error.retryable)
    return reason_catalogue.reason(code, detail=f"{error.code}: {error.message}")


#: How far Digipoort's clock may differ from ours when a delivery's time is compared with
#: the moments our attempts began and ended.
CLOCK_TOLERANCE = timedelta(minutes=5)


def attempts_since(message: ApprovalMessage) -> datetime:
    """From when a delivery can be one of ``message``'s attempts: its first attempt is
    queued at its approval (less CLOCK_TOLERANCE)."""
    return (message.approved_at or message.created_at) - CLOCK_TOLERANCE


def last_attempt_at(message: ApprovalMessage) -> datetime | None:
    """Until when ``message``'s attempts have sent, as far as the model records it: the
    start of an attempt that recorded no outcome (``delivery_started_at``, cleared when
    one does) or its last transport error (the audit event written when an attempt failed
    or Digipoort ended a delivery). None before any attempt."""
    failed = message.events.filter(action="transport_error").aggregate(at=Max("created_at"))
    moments = [at for at in (failed["at"], message.delivery_started_at) if at is not None]
    return max(moments, default=None)


#: Why a delivery Digipoort knows for the organisation's KvK number is not ``message``'s
#: (not_this_messages_delivery).
OTHER_REFERENCE = "other_reference"
EARLIER = "earlier"
LATER = "later"


def not_this_messages_delivery(message: ApprovalMessage, statuses: list[DigipoortStatus]) -> str:
    """Why the delivery with timeline ``statuses`` is not one of ``message``'s attempts,
    or "" when it is. Where Digipoort shows the aanleverkenmerk the delivery was sent with
    (find_delivery matches on the same), it must be this message's: OTHER_REFERENCE
    otherwise. Where it does not, the delivery must have begun while this message's
    attempts were made, each end with CLOCK_TOLERANCE: not before its approval
    (attempts_since; EARLIER otherwise) and not after its last attempt (last_attempt_at;
    LATER otherwise). So a delivery of the same company by other software or an earlier
    filing, or one another package made after this message's last attempt, is never
    taken for this message's, nor its verdict taken over."""
    references = delivery_references(statuses)
    if references:
        return "" if message.delivery_reference in references else OTHER_REFERENCE
    began = min(status.timestamp for status in statuses)
    if began < attempts_since(message):
        return EARLIER
    last = last_attempt_at(message)
    if last is not None and began > last + CLOCK_TOLERANCE:
        return LATER
    return ""


def other_deliveries(message: ApprovalMessage) -> set[str]:
    """Digipoort's kenmerken of the organisation's other messages: deliveries that are not
    ``message``'s, so asking whether it arrived need not read their timelines (one status
    request each for every earlier filing), nor take them for deliveries it cannot tell
    from its own where Digipoort does not show the aanleverkenmerk."""
    others = ApprovalMessage.objects.filter(organisation_id=message.organisation_id)
    kenmerken = others.exclude(pk=message.pk).exclude(digipoort_kenmerk="")
    return set(kenmerken.values_list("digipoort_kenmerk", flat=True))


def submit(message_id: int) -> str:
    claim = services.claim_for_submission(message_id)
    if claim is None:
        return "skipped"
    message = (
        ApprovalMessage.objects.select_related("organisation")
        .prefetch_related("organisation__identifications")
        .defer("received_document")
        .get(pk=message_id)
    )
    client = _client()
    try:
        # The document's own KvK number, which verify_document found to be the
        # organisation's: a delivery never goes under another number than its own.
        kvk_number = services.verify_document(message)
        kenmerk = None
        if not claim.checked_not_delivered:
            # Also before a first attempt: a restored backup taken between approval and
            # delivery shows no attempt for a message that is at the KvK. Deliveries
            # Digipoort cannot tell apart (AMBIGUOUS) stop it at 70 for the staff, as they
            # stop any attempt: sending could file it twice.
            kenmerk = client.find_delivery(
                reference=message.delivery_reference,
                kvk_number=kvk_number,
                since=attempts_since(message),
                known=other_deliveries(message),
            )
        found = kenmerk is not None
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
            reasons=[reason_catalogue.reason(error.code, detail=error.message)],
            retry=False,
        )
        return "refused_locally"
    except DigipoortError as error:
        log.warning("Digipoort delivery of message %s failed: %s", message_id, error)
        retry = services.record_transport_error(
            message_id=message_id, reasons=[_error_reason(error)], retry=error.retryable
        )
        if retry:
            from workflow.tasks import submit_to_kvk

            attempt = message.submit_attempts - message.attempts_base + 1
            wait = services.backoff(attempt).total_seconds()
            submit_to_kvk.apply_async((message_id,), countdown=wait)
        return "transport_error"
    services.record_delivered(message_id=message_id, kenmerk=kenmerk, found=found)
    return "delivered"


# --- the poll schedule ------------------------------------------------------------------------


def claim_due_polls(*, now: datetime, limit: int) -> list[tuple[int, str, datetime]]:
    """Claim up to ``limit`` messages at 60 whose poll is due: (pk, kenmerk, since when at
    60) of each. A message without a next-poll time (delivered by an earlier version) is
    due.

    One conditional UPDATE moves their ``next_poll_at`` a lease ahead and counts the poll;
    a row that another worker claimed first no longer matches ``next_poll_at <= now`` and
    is not returned. On PostgreSQL the candidates are picked with SKIP LOCKED so two
    workers take different rows instead of waiting for each other.
    """
    lease = now + timedelta(seconds=settings.KVK_POLL_LEASE_SECONDS)
    with transaction.atomic():
        due = (
            ApprovalMessage.objects.filter(status=Status.SENT_TO_KVK)
            .filter(Q(next_poll_at__isnull=True) | Q(next_poll_at__lte=now))
            .exclude(digipoort_kenmerk="")
            .filter(organisation__environment__activation__active=True)  # skip inactive ones
            .order_by(F("next_poll_at").asc(nulls_first=True))
        )
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True, of=("self",))
        ids = list(due.values_list("pk", flat=True)[:limit])
        if not ids:
            return []
        adapt = connection.ops.adapt_datetimefield_value
        table = connection.ops.quote_name(ApprovalMessage._meta.db_table)
        marks = ", ".join(["%s"] * len(ids))
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET next_poll_at = %s, poll_attempts = poll_attempts + 1 "  # noqa: S608 - names from the model, values as parameters
                f"WHERE id IN ({marks}) AND status = %s "
                "AND (next_poll_at IS NULL OR next_poll_at <= %s) "
                "RETURNING id, digipoort_kenmerk, status_changed_at",
                [adapt(lease), *ids, int(Status.SENT_TO_KVK), adapt(now)],
            )
            rows = cursor.fetchall()
    convert = ApprovalMessage._meta.get_field("status_changed_at")
    return [(int(pk), str(kenmerk), _as_datetime(convert, since)) for pk, kenmerk, since in rows]


def _as_datetime(field: Any, value: Any) -> datetime:
    """A datetime column read by raw SQL, as the ORM would give it (SQLite returns text)."""
    if isinstance(value, datetime):
        return value if timezone.is_aware(value) else timezone.make_aware(value, UTC)
    parsed = field.to_python(value)
    return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed, UTC)


def _attention_text(attention: Attention, raw: str) -> str:
    return f"{reason_catalogue.ATTENTION[attention.value]} ({raw})"


def poll_claimed(
    message_id: int,
    kenmerk: str,
    *,
    client: DigipoortClient,
    now: datetime | None = None,
    sent_at: datetime | None = None,
) -> bool:
    """Ask Digipoort about one claimed message and record what it says. False when
    Digipoort could not be reached (the caller stops its run: the others would fail too)."""
    try:
        statuses = client.statuses(kenmerk)
    except DigipoortError as error:
        log.warning("Digipoort status poll for message %s failed: %s", message_id, error)
        services.record_poll_failure(
            message_id=message_id, kenmerk=kenmerk, error=str(error), now=now
        )
        return error.code not in ("CONNECTION", "TIMEOUT", "TLS")
    record_timeline(message_id, kenmerk, statuses, now=now, sent_at=sent_at)
    return True


def record_timeline(
    message_id: int,
    kenmerk: str,
    statuses: list[DigipoortStatus],
    *,
    now: datetime | None = None,
    sent_at: datetime | None = None,
) -> None:
    """Record what Digipoort answered about the delivery ``kenmerk`` of a message at 60:
    the timeline, and 80, 90 or 70 when a final status decides (kvk.digipoort.outcome)."""
    moment = now or timezone.now()
    result = outcome(
        statuses,
        now=moment,
        no_verdict_after=timedelta(hours=settings.KVK_NO_VERDICT_ATTENTION_HOURS),
        sent_at=sent_at,
    )
    detail = "; ".join([result.raw, *(f"{c}: {t}" for c, t in result.reasons)])
    if result.status == Status.REFUSED and result.reason != DIGIPOORT_VALIDATION:
        # The KvK's verdict (510): the KvK's own reasons, as the KvK words them.
        reasons = [{"code": code, "message": text} for code, text in result.reasons]
    elif result.status == Status.REFUSED:
        # Digipoort's validation refused the document (311): the catalogue's sentence, and
        # what Digipoort found for whoever corrects the document (its foutcode and text).
        reasons = [reason_catalogue.refused_at_validation(result.reasons, detail)]
    elif result.status == Status.TRANSPORT_ERROR:
        # A 70: the catalogue's sentence for everyone, Digipoort's words for the staff.
        reasons = [reason_catalogue.reason(result.reason, detail=detail)]
    else:
        reasons = []
    timeline = [{**asdict(s), "timestamp": s.timestamp.isoformat()} for s in statuses]
    services.record_kvk_statuses(
        message_id=message_id,
        statuses=timeline,
        outcome_status=result.status,
        reasons=reasons,
        kenmerk=kenmerk,
        retryable=result.retryable,
        attention=result.attention.value if result.attention else "",
        attention_detail=_attention_text(result.attention, result.raw) if result.attention else "",
        now=now,
    )


def poll_due(*, now: datetime | None = None, budget_seconds: float | None = None) -> int:
    """The periodic poll: claim due messages in batches and ask about each, until none is
    due or the time budget is spent (under the task's time limit). Returns how many."""
    budget = settings.KVK_POLL_RUN_SECONDS if budget_seconds is None else budget_seconds
    started = time.monotonic()
    client = _client()
    polled = 0
    while time.monotonic() - started < budget:
        batch = claim_due_polls(now=now or timezone.now(), limit=settings.KVK_POLL_BATCH)
        if not batch:
            break
        for index, (message_id, kenmerk, sent_at) in enumerate(batch):
            polled += 1
            if not poll_claimed(message_id, kenmerk, client=client, now=now, sent_at=sent_at):
                # Digipoort is out of reach: give the rest of the batch back to the schedule.
                for later_id, later_kenmerk, _sent_at in batch[index + 1 :]:
                    services.release_poll(message_id=later_id, kenmerk=later_kenmerk, now=now)
                return polled
    return polled
