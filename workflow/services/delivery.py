"""Delivery to the KvK through Digipoort: submission claims, transport errors, the KvK's
statuses, and the staff acting on 70 (resend, record a delivery)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crm.services import KVK_NUMBER_CHANGED, stopped_for_kvk_number
from kvk.parser import XbrlParseError, parse_instance
from kvk.status import Status
from workflow.errors import Conflict, Invalid, WorkflowError
from workflow.models import Actor, ApprovalMessage, sha256_hex
from workflow.reasons import ATTENTION, transport
from workflow.services.audit import (
    HEAVY_FIELDS,
    SYSTEM,
    _after_commit,
    _apply,
    _locked,
    _require_staff,
    _status_params,
    record_event,
)
from workflow.signals import kvk_attention, kvk_outcome, retries_exhausted
from workflow.tasks import submit_to_kvk


def backoff(attempt: int) -> timedelta:
    """Exponential backoff for transport retries, capped well below the visibility timeout."""
    return timedelta(seconds=min(30 * 2 ** max(attempt - 1, 0), 1800))


def poll_delay(attempt: int) -> timedelta:
    """How long after poll number ``attempt`` (0: the delivery) the status is asked next.

    KVK_POLL_SCHEDULE lists the waits in seconds; its last one repeats (the cap). Logius asks
    senders to ask the statusinformatieservice sparingly; the KvK usually answers within
    minutes, so the schedule is frequent at first and then slows down.
    """
    schedule = settings.KVK_POLL_SCHEDULE
    return timedelta(seconds=schedule[min(attempt, len(schedule) - 1)])


def _attempts_left(message: ApprovalMessage) -> bool:
    return message.submit_attempts - message.attempts_base < settings.KVK_SUBMIT_MAX_RETRIES


@dataclass(frozen=True)
class SubmissionClaim:
    """What the attempt that won the claim must know: how many attempts came before it,
    and whether a person checked that the previous attempt did not arrive (then this one
    attempt sends without asking Digipoort first)."""

    attempts_before: int
    checked_not_delivered: bool


def claim_for_submission(message_id: int, *, now: datetime | None = None) -> SubmissionClaim | None:
    """Take a short lease on an approved message so only one worker talks to Digipoort.

    The lease (``next_attempt_at``) and the start of the attempt (``delivery_started_at``)
    are set, the attempt is counted and the staff's "checked: not delivered" is used up, in
    one transaction: the attempt that wins is the one that decides. None when not won.
    """
    now = now or timezone.now()
    with transaction.atomic():
        row = (
            ApprovalMessage.objects.select_for_update(of=("self",))
            .filter(pk=message_id, status__in=[Status.APPROVED, Status.TRANSPORT_ERROR])
            .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
            .values_list("submit_attempts", "resend_checked")
            .first()
        )
        if row is None:
            return None
        ApprovalMessage.objects.filter(pk=message_id).update(
            next_attempt_at=now + timedelta(seconds=settings.KVK_SUBMIT_LEASE_SECONDS),
            submit_attempts=F("submit_attempts") + 1,
            delivery_started_at=now,
            resend_checked=False,
        )
    return SubmissionClaim(attempts_before=row[0], checked_not_delivered=row[1])


def _attempt_running(message: ApprovalMessage, now: datetime) -> bool:
    """An attempt holds its lease: it may be talking to Digipoort right now."""
    started = message.delivery_started_at
    lease = timedelta(seconds=settings.KVK_SUBMIT_LEASE_SECONDS)
    return started is not None and started > now - lease


def _start_polling(message: ApprovalMessage, now: datetime) -> list[str]:
    message.next_poll_at = now + poll_delay(0)
    message.poll_attempts = 0
    message.attention_code = ""
    message.attention_detail = ""
    message.attention_acknowledged_at = None
    message.resend_checked = False
    return ["next_poll_at", "poll_attempts", *_ATTENTION_FIELDS]


@transaction.atomic
def record_delivered(*, message_id: int, kenmerk: str, found: bool = False) -> bool:
    """50 or 70 -> 60: the attempt delivered the message under Digipoort's ``kenmerk``, or
    (``found``) found that an earlier delivery with its reference had arrived and sent
    nothing; the audit trail says which."""
    message = _locked(message_id)
    if message.status not in (Status.APPROVED, Status.TRANSPORT_ERROR):
        return False
    message.next_attempt_at = None
    message.delivery_started_at = None
    fields = _start_polling(message, timezone.now())
    _apply(
        message,
        message.mark_delivered,
        SYSTEM,
        kenmerk,
        action="delivery_found" if found else "delivered",
        update_fields=[
            "digipoort_kenmerk",
            "reasons",
            "next_attempt_at",
            "resend_checked",
            "delivery_started_at",
            *fields,
        ],
    )
    return True


def _plan_next_attempt(message: ApprovalMessage, *, will_retry: bool) -> None:
    """The next automatic attempt after the backoff of the attempts since the last staff
    resend (``attempts_base``), or none."""
    message.next_attempt_at = (
        timezone.now() + backoff(message.submit_attempts - message.attempts_base)
        if will_retry
        else None
    )


def _mark_transport_error(
    message: ApprovalMessage, reasons: list[dict[str, str]], *changed: str
) -> None:
    """-> 70 with ``reasons`` and its audit event; saves the planned attempt and the fields
    ``changed`` with it."""
    _apply(
        message,
        message.mark_transport_error,
        SYSTEM,
        reasons,
        action="transport_error",
        update_fields=["reasons", "next_attempt_at", *changed],
    )


def _announce_dead_end(message: ApprovalMessage) -> None:
    """A 70 that no automatic attempt will follow: staff must act (e-mail, dashboard)."""
    _after_commit(partial(retries_exhausted.send, sender=ApprovalMessage, pk=message.pk))


@transaction.atomic
def record_transport_error(
    *, message_id: int, reasons: list[dict[str, str]], retry: bool, max_attempts: int | None = None
) -> bool:
    """-> 70 (or stay in 70) and plan the next attempt; False when no attempt follows.

    Only for a message still waiting to be delivered (50 or 70): a worker whose lease ran
    out while another one delivered must not pull a delivered message back. Automatic
    attempts are counted since the last staff resend (``attempts_base``).
    """
    reasons = transport(reasons)  # the catalogue's sentences; any other text is staff detail
    message = _locked(message_id)
    if message.status not in (Status.APPROVED, Status.TRANSPORT_ERROR):
        return False
    limit = settings.KVK_SUBMIT_MAX_RETRIES if max_attempts is None else max_attempts
    will_retry = retry and message.submit_attempts - message.attempts_base < limit
    _plan_next_attempt(message, will_retry=will_retry)
    message.delivery_started_at = None
    if message.status == Status.TRANSPORT_ERROR:
        message.reasons = reasons
        message.save(
            update_fields=["reasons", "next_attempt_at", "delivery_started_at", "updated_at"]
        )
        record_event(message, action="transport_error", actor=SYSTEM, from_status=message.status)
    else:
        _mark_transport_error(message, reasons, "delivery_started_at")
    if not will_retry:
        _announce_dead_end(message)
    return will_retry


def _announce_attention(message: ApprovalMessage) -> None:
    """A message at 60 got an attention code: audit it and tell the staff (after commit)."""
    record_event(
        message,
        action="kvk_attention",
        actor=SYSTEM,
        from_status=message.status,
        reasons=[{"code": message.attention_code, "message": message.attention_detail}],
    )
    _after_commit(partial(kvk_attention.send, sender=ApprovalMessage, pk=message.pk))


@transaction.atomic
def record_kvk_statuses(
    *,
    message_id: int,
    statuses: list[dict[str, Any]],
    outcome_status: int | None,
    reasons: list[dict[str, str]],
    kenmerk: str | None = None,
    retryable: bool = True,
    attention: str = "",
    attention_detail: str = "",
    now: datetime | None = None,
) -> ApprovalMessage:
    """Store the Digipoort timeline, move to 80, 90 or 70 when the outcome says so, and
    otherwise plan the next poll (KVK_POLL_SCHEDULE).

    ``kenmerk`` is the delivery the timeline belongs to: a slow poll of an earlier delivery
    must not decide about a newer one that replaced it meanwhile.
    """
    message = _locked(message_id)
    if kenmerk is not None and message.digipoort_kenmerk != kenmerk:
        return message
    if message.status != Status.SENT_TO_KVK:
        return message  # decided already: a late poll changes nothing, not even the timeline
    message.digipoort_statuses = statuses
    message.poll_failures = 0
    fields = ["digipoort_statuses", "poll_failures"]
    undecided = outcome_status in (None, Status.SENT_TO_KVK)
    if undecided:
        fields += _plan_next_poll(
            message, now=now or timezone.now(), attention=attention, detail=attention_detail
        )
    message.save(update_fields=[*fields, "updated_at"])
    if undecided:
        return message
    message.next_poll_at = None
    message.attention_code = message.attention_detail = ""
    message.attention_acknowledged_at = None
    if outcome_status == Status.FILED:
        _apply(
            message,
            message.mark_filed,
            SYSTEM,
            action="filed",
            update_fields=["reasons", *_POLL_FIELDS],
        )
    elif outcome_status == Status.REFUSED:
        _apply(
            message,
            message.mark_refused,
            SYSTEM,
            reasons,
            action="refused_by_kvk",
            update_fields=["reasons", *_POLL_FIELDS],
        )
    elif outcome_status == Status.TRANSPORT_ERROR:
        _delivery_ended(message, reasons, retryable=retryable)
    _after_commit(partial(kvk_outcome.send, sender=ApprovalMessage, pk=message.pk))
    return message


#: What asks the staff's attention at 60, and whether a staff member handled it.
_ATTENTION_FIELDS = ["attention_code", "attention_detail", "attention_acknowledged_at"]
#: The fields of the poll schedule at 60, cleared when the KvK's outcome is in.
_POLL_FIELDS = ["next_poll_at", *_ATTENTION_FIELDS]


def _plan_next_poll(
    message: ApprovalMessage, *, now: datetime, attention: str, detail: str
) -> list[str]:
    """No outcome yet: plan the next poll and keep the attention code up to date (a new one
    is announced); returns the fields changed."""
    message.next_poll_at = now + poll_delay(message.poll_attempts)
    if (message.attention_code, message.attention_detail) == (attention, detail):
        return ["next_poll_at"]
    newly = attention and attention != message.attention_code
    if attention != message.attention_code:
        # A staff member's handling was of the previous code, not of this one.
        message.attention_acknowledged_at = None
    message.attention_code, message.attention_detail = attention, detail[:500]
    if newly:
        _announce_attention(message)
    return _POLL_FIELDS


def _delivery_ended(
    message: ApprovalMessage, reasons: list[dict[str, str]], *, retryable: bool
) -> None:
    """60 -> 70: Digipoort ended this delivery without a verdict (230, 321, 410, 420 given
    up). The next attempt is a new delivery with a new reference, planned and bounded like
    any transport retry; one that cannot help by itself (210) waits for the staff."""
    reasons = transport(reasons)  # the catalogue's sentences; other text is staff detail
    will_retry = retryable and _attempts_left(message)
    _plan_next_attempt(message, will_retry=will_retry)
    message.delivery_reference = uuid.uuid4().hex
    # Digipoort itself ended that delivery: the next attempt need not ask whether it
    # arrived (asking could not tell it from a new one, see find_delivery); only this
    # one attempt, the claim uses it up.
    message.resend_checked = True
    _mark_transport_error(message, reasons, "delivery_reference", "resend_checked", *_POLL_FIELDS)
    if not will_retry:
        _announce_dead_end(message)


def release_poll(*, message_id: int, kenmerk: str, now: datetime | None = None) -> None:
    """A claimed poll that was not made: due again shortly (no failure counted)."""
    ApprovalMessage.objects.filter(
        pk=message_id, status=Status.SENT_TO_KVK, digipoort_kenmerk=kenmerk
    ).update(next_poll_at=(now or timezone.now()) + poll_delay(0))


#: Status requests that failed in a row before the message is put before the staff.
POLL_FAILURES_FOR_ATTENTION = 5


@transaction.atomic
def record_poll_failure(
    *, message_id: int, kenmerk: str, error: str = "", now: datetime | None = None
) -> None:
    """The status could not be asked: ask again on the schedule, and after
    POLL_FAILURES_FOR_ATTENTION failures in a row put the message before the staff."""
    message = (
        ApprovalMessage.objects.select_for_update(of=("self",))
        .select_related("organisation")
        .defer(*HEAVY_FIELDS)
        .filter(pk=message_id, status=Status.SENT_TO_KVK, digipoort_kenmerk=kenmerk)
        .first()
    )
    if message is None:
        return
    message.next_poll_at = (now or timezone.now()) + poll_delay(message.poll_attempts)
    message.poll_failures += 1
    fields = ["next_poll_at", "poll_failures"]
    if message.poll_failures >= POLL_FAILURES_FOR_ATTENTION and not message.attention_code:
        message.attention_code = "status_unavailable"
        message.attention_detail = f"{ATTENTION['status_unavailable']} ({error})"[:500]
        fields += ["attention_code", "attention_detail"]
        _announce_attention(message)
    message.save(update_fields=[*fields, "updated_at"])


# --- the staff act on 70 ---------------------------------------------------------------------


def _queue_submission(message: ApprovalMessage) -> None:
    _after_commit(partial(submit_to_kvk.delay, message.pk))


@transaction.atomic
def resend(
    *, message_id: int, actor: Actor, checked_not_delivered: bool = False
) -> ApprovalMessage:
    """ "Opnieuw verzenden": a staff member sends a message at 70 again, with a fresh budget
    of automatic attempts.

    The next attempt still asks Digipoort first whether an earlier attempt arrived (so
    nothing is filed twice), unless the staff member checked at Digipoort that it did not
    (``checked_not_delivered``: the case Digipoort's own answer could not tell).
    """
    message = _locked(message_id)
    _require_staff(message, actor, _("het bericht opnieuw verzenden"))
    refusal = resend_refusal(message)
    if refusal is not None:
        raise refusal
    _refuse_while_an_attempt_runs(message)
    if message.attempts_base == message.submit_attempts and message.next_attempt_at is not None:
        raise Conflict("resend_queued")
    verify_document(message)
    message.attempts_base = message.submit_attempts
    # Due at once: the queued task sends it, and if that task is lost the sweeper does.
    message.next_attempt_at = timezone.now()
    message.resend_checked = checked_not_delivered
    message.save(update_fields=["attempts_base", "next_attempt_at", "resend_checked", "updated_at"])
    action = "resend_checked" if checked_not_delivered else "resend"
    # The resend has no reason of its own: the failure that left the message at 70 stays
    # with the event that brought it there (the timeline read it as the resend's failure).
    record_event(message, action=action, actor=actor, from_status=message.status, reasons=[])
    _queue_submission(message)
    return message


def resend_refusal(message: ApprovalMessage) -> WorkflowError | None:
    """Why "Opnieuw verzenden" is refused for this message, whatever its attempts
    (``resend_refusals``); None when it may be sent again."""
    return resend_refusals([message]).get(message.pk)


def resend_refusals(messages: Sequence[ApprovalMessage]) -> dict[int, WorkflowError]:
    """Why "Opnieuw verzenden" is refused, by the id of each of ``messages`` that cannot
    take it, whatever its attempts: a newer version replaced it (one stopped at 70 for a
    changed KvK number, closed by the new version under the new number:
    workflow.services.versions; the newer one is the year's filing); it is not at 70; or it
    was stopped for a KvK number that is still not the organisation's (``kvk_numbers_differ``:
    it would be refused again; the staff restore the number the document carries first).

    The same queries however many messages (the bulk action takes up to 200): one for the
    versions that replaced them, and, when any was stopped for its KvK number, one for
    those documents. Only such a 70 can carry another number than its organisation's: a
    KvK number does not change while any other message is on its way to the KvK
    (crm.services.check_not_on_the_way). Read the organisations with their
    identifications prefetched, or each costs a query."""
    following = dict(
        ApprovalMessage.objects.filter(replaces_id__in=[message.pk for message in messages])
        .values_list("replaces_id", "message_id")
        .order_by()
    )
    refusals: dict[int, WorkflowError] = {}
    stopped = []
    for message in messages:
        if message.pk in following:
            refusals[message.pk] = Conflict(
                "replaced:resend", {"message_id": str(following[message.pk])}
            )
        elif message.status != Status.TRANSPORT_ERROR:
            refusals[message.pk] = Conflict("status_conflict:resend", _status_params(message))
        elif stopped_for_kvk_number(message.status, message.next_attempt_at, message.reasons):
            stopped.append(message)
    documents = (
        dict(
            ApprovalMessage.objects.filter(pk__in=[message.pk for message in stopped])
            .values_list("pk", "document")
            .order_by()
        )
        if stopped
        else {}
    )
    for message in stopped:
        numbers = _numbers_differ(bytes(documents[message.pk]), message.organisation.kvk_number)
        if numbers is not None:
            refusals[message.pk] = Invalid(KVK_NUMBER_CHANGED, numbers)
    return refusals


def _refuse_while_an_attempt_runs(message: ApprovalMessage) -> None:
    if _attempt_running(message, timezone.now()):
        raise Conflict("attempt_running")


KENMERK_MAX_LENGTH = 100


@transaction.atomic
def record_delivery(*, message_id: int, actor: Actor, kenmerk: str) -> ApprovalMessage:
    """70 -> 60: a staff member checked at Digipoort that an attempt did arrive, under
    ``kenmerk`` (Digipoort's process id); its statuses are followed from now on.

    The caller checks the kenmerk with Digipoort first (portal), so a typing error does not
    leave the message following someone else's delivery or none.
    """
    kenmerk = kenmerk.strip()
    if not kenmerk or len(kenmerk) > KENMERK_MAX_LENGTH or any(c.isspace() for c in kenmerk):
        raise Invalid("invalid_kenmerk")
    message = _locked(message_id)
    _require_staff(message, actor, _("de aflevering vastleggen"))
    _refuse_while_an_attempt_runs(message)
    taken = (
        ApprovalMessage.objects.filter(digipoort_kenmerk=kenmerk).exclude(pk=message.pk).exists()
    )
    if taken:
        raise Invalid("kenmerk_taken")
    message.next_attempt_at = None
    fields = _start_polling(message, timezone.now())
    message.next_poll_at = timezone.now()  # ask at once
    _apply(
        message,
        message.record_delivery,
        actor,
        kenmerk,
        action="delivery_recorded",
        update_fields=[
            "digipoort_kenmerk",
            "reasons",
            "next_attempt_at",
            "resend_checked",
            *fields,
        ],
    )
    return message


def kvk_numbers_differ(message: ApprovalMessage) -> dict[str, str] | None:
    """The KvK number in the message's document and the organisation's, when they differ
    (the organisation's number changed after the document was made); None when they agree.

    The KvK files annual accounts only under the KvK number they contain (KVK-SBR.md
    section 3: the entity identifier is the company's KvK number; section 2: "the KvK
    number in the XBRL does not match the client record"), and a delivery goes to Digipoort
    under the organisation's number (identiteitBelanghebbende)."""
    return _numbers_differ(bytes(message.document), message.organisation.kvk_number)


def _numbers_differ(document: bytes, own: str | None) -> dict[str, str] | None:
    """``kvk_numbers_differ`` of a ``document`` and the organisation's number ``own``."""
    try:
        in_document = parse_instance(document).kvk_number or ""
    except XbrlParseError:
        in_document = ""
    own = own or ""
    if in_document and in_document == own:
        return None
    return {"document": in_document or "–", "organisation": own or "–"}


def verify_document(message: ApprovalMessage) -> str:
    """What is approved is what is filed, under the KvK number it carries: refuse any other
    document, and a document whose KvK number is no longer the organisation's. Returns the
    KvK number to deliver it under."""
    if (
        not message.approved_sha256
        or sha256_hex(bytes(message.document)) != message.approved_sha256
    ):
        raise Invalid("document_mismatch")
    numbers = kvk_numbers_differ(message)
    if numbers is not None:
        raise Invalid(KVK_NUMBER_CHANGED, numbers)
    return message.organisation.kvk_number or ""
