"""The services that change approval messages: one function per action.

Each action locks the message row, checks permission and the status machine, performs the
transition in memory, saves the changed fields, writes exactly one audit event in the same
transaction and queues side effects (tasks, e-mail) after commit. Nothing else changes a
status: views, the API, admin actions, tasks and commands call these functions.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date, datetime, timedelta
from functools import partial
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django_fsm import can_proceed, has_transition_perm

from kvk.status import Status
from portal.models import Organisation
from workflow.errors import Conflict, Invalid, NotPermitted
from workflow.models import Actor, ApprovalMessage, StatusEvent, WorkflowDefinition, sha256_hex

SYSTEM = Actor.system()


def _next_sequence(organisation_id: int) -> int:
    """Take the organisation's next status sequence number.

    The UPDATE locks the organisation row until commit, so two transactions that change
    messages of one organisation commit in sequence order: a client reading "changes after
    cursor N" can never miss a lower number that commits later.
    """
    Organisation.objects.filter(pk=organisation_id).update(status_sequence=F("status_sequence") + 1)
    return Organisation.objects.values_list("status_sequence", flat=True).get(pk=organisation_id)


def record_event(
    message: ApprovalMessage,
    *,
    action: str,
    actor: Actor,
    from_status: int | None,
    reasons: list[dict[str, str]] | None = None,
) -> StatusEvent:
    """Write the audit event for an action; call inside the action's transaction."""
    user = actor.user if getattr(actor.user, "pk", None) else None
    return StatusEvent.objects.create(
        message=message,
        organisation_id=message.organisation_id,
        sequence=_next_sequence(message.organisation_id),
        action=action,
        from_status=from_status,
        to_status=message.status,
        actor_kind=actor.kind,
        actor_user=user,
        actor_label=actor.label,
        ip_address=actor.ip_address,
        reasons=reasons if reasons is not None else list(message.reasons),
        document_sha256=message.document_sha256,
    )


def _locked(message_id: int) -> ApprovalMessage:
    try:
        return (
            ApprovalMessage.objects.select_for_update()
            .select_related("organisation")
            .get(pk=message_id)
        )
    except ApprovalMessage.DoesNotExist:
        raise NotPermitted("Dit bericht bestaat niet.", code="not_found")


def _apply(
    message: ApprovalMessage,
    transition: Callable[..., Any],
    actor: Actor,
    *args: Any,
    action: str,
    update_fields: list[str],
    **kwargs: Any,
) -> StatusEvent:
    if not can_proceed(transition, check_conditions=False):
        raise Conflict(
            f"Het bericht heeft status {message.status} ({message.status_label}); "
            f"deze actie kan nu niet.",
            code="status_conflict",
        )
    if not has_transition_perm(transition, actor):
        if not can_proceed(transition):
            raise Conflict(_condition_message(message), code="condition_not_met")
        raise NotPermitted("U heeft geen recht op deze actie voor dit bericht.")
    from_status = message.status
    transition(*args, **kwargs)
    message.status_changed_at = timezone.now()
    message.save(update_fields=["status", "status_changed_at", "updated_at", *update_fields])
    return record_event(message, action=action, actor=actor, from_status=from_status)


def _condition_message(message: ApprovalMessage) -> str:
    if message.awaiting_accountant_review:
        return "De accountant moet het bericht eerst beoordelen."
    if not message.adopted:
        return "Vink eerst 'Jaarrekening vastgesteld' aan en vul de datum van vaststelling in."
    return "Niet aan de voorwaarden voor deze actie is voldaan."


# --- receiving -----------------------------------------------------------------------------


@transaction.atomic
def register_message(
    *,
    organisation: Organisation,
    message_id: uuid.UUID,
    message_type: str,
    filename: str,
    content: bytes,
    actor: Actor,
) -> tuple[ApprovalMessage, bool]:
    """Register an uploaded message at status 10; idempotent on the client's message id.

    Returns (message, created). The same id with the same content returns the existing
    message; the same id with other content raises Conflict.
    """
    digest = sha256_hex(content)
    existing = ApprovalMessage.objects.filter(
        organisation=organisation, message_id=message_id
    ).first()
    if existing is not None:
        if sha256_hex(bytes(existing.received_document)) != digest:
            raise Conflict(
                "Dit berichtkenmerk is al gebruikt voor een ander document.",
                code="message_id_reused",
            )
        return existing, False
    message = ApprovalMessage.objects.create(
        organisation=organisation,
        message_id=message_id,
        message_type=message_type,
        filename=filename,
        received_document=content,
        document=content,
        document_sha256=digest,
    )
    record_event(message, action="received", actor=actor, from_status=None)
    from workflow.signals import message_received

    transaction.on_commit(partial(message_received.send, sender=ApprovalMessage, pk=message.pk))
    return message, True


def claim_for_processing(message_id: int) -> bool:
    """10 -> 20 with a conditional UPDATE: True when this caller won the message."""
    with transaction.atomic():
        now = timezone.now()
        won = ApprovalMessage.objects.filter(pk=message_id, status=Status.RECEIVED).update(
            status=Status.PROCESSING, status_changed_at=now, updated_at=now
        )
        if won != 1:
            return False
        message = ApprovalMessage.objects.select_related("organisation").get(pk=message_id)
        record_event(message, action="claimed", actor=SYSTEM, from_status=Status.RECEIVED)
        return True


@transaction.atomic
def fail_processing(*, message_id: int, reasons: list[dict[str, str]], findings: list) -> bool:
    """20 -> 25 with every reason a person needs to fix the documents."""
    message = _locked(message_id)
    if message.status != Status.PROCESSING:
        return False
    message.findings = findings
    _apply(
        message,
        message.fail_processing,
        SYSTEM,
        reasons,
        action="processing_failed",
        update_fields=["reasons", "findings"],
    )
    return True


@transaction.atomic
def start_workflow(
    *,
    message_id: int,
    workflow: WorkflowDefinition,
    financial_year: int | None,
    entry_point: str,
    adopted: bool,
    adoption_date: date | None,
    resubmission: bool,
    findings: list,
) -> bool:
    """20 -> 30: the message enters the workflow of its message type."""
    message = _locked(message_id)
    if message.status != Status.PROCESSING:
        return False
    message.workflow = workflow
    message.financial_year = financial_year
    message.entry_point = entry_point
    message.adopted = adopted
    message.adoption_date = adoption_date
    message.resubmission = resubmission
    message.findings = findings
    message.awaiting_accountant_review = workflow.accountant_review
    _apply(
        message,
        message.start_workflow,
        SYSTEM,
        action="workflow_started",
        update_fields=[
            "workflow",
            "financial_year",
            "entry_point",
            "adopted",
            "adoption_date",
            "resubmission",
            "findings",
            "reasons",
            "awaiting_accountant_review",
        ],
    )
    from workflow.signals import workflow_started

    transaction.on_commit(partial(workflow_started.send, sender=ApprovalMessage, pk=message.pk))
    return True


# --- the workflow ----------------------------------------------------------------------------


@transaction.atomic
def complete_accountant_review(*, message_id: int, actor: Actor) -> ApprovalMessage:
    message = _locked(message_id)
    if actor.kind != Actor.Kind.STAFF or not _staff_may(actor, message):
        raise NotPermitted("Alleen medewerkers van het kantoor kunnen dit bericht beoordelen.")
    if message.status != Status.IN_REVIEW or not message.awaiting_accountant_review:
        raise Conflict("Dit bericht wacht niet op beoordeling door de accountant.")
    message.awaiting_accountant_review = False
    message.save(update_fields=["awaiting_accountant_review", "updated_at"])
    record_event(message, action="accountant_reviewed", actor=actor, from_status=message.status)
    from workflow.signals import workflow_started

    transaction.on_commit(partial(workflow_started.send, sender=ApprovalMessage, pk=message.pk))
    return message


def _staff_may(actor: Actor, message: ApprovalMessage) -> bool:
    from portal import permissions

    return permissions.is_staff_of(actor.user, message.organisation)


def _client_may(actor: Actor, message: ApprovalMessage) -> bool:
    from portal import permissions

    return actor.kind == Actor.Kind.CLIENT_USER and permissions.is_client_of(
        actor.user, message.organisation
    )


@transaction.atomic
def adopt(*, message_id: int, actor: Actor, adoption_date: date) -> ApprovalMessage:
    """The client ticks "Jaarrekening vastgesteld": the portal produces the final instance
    (adoption status Ja and the date) that is shown, approved and filed."""
    from kvk.builder import adopt_instance
    from kvk.rules import check_instance, has_errors

    message = _locked(message_id)
    if not _client_may(actor, message):
        raise NotPermitted("Alleen de cliënt kan de jaarrekening vaststellen.")
    if message.status != Status.IN_REVIEW:
        raise Conflict("De jaarrekening kan alleen worden vastgesteld tijdens de beoordeling.")
    if adoption_date > timezone.localdate():
        raise Invalid("De datum van vaststelling kan niet in de toekomst liggen.")
    if adoption_date < date(message.financial_year or 1900, 1, 1):
        raise Invalid("De datum van vaststelling ligt vóór het begin van het boekjaar.")
    final = adopt_instance(bytes(message.received_document), adoption_date=adoption_date)
    findings = check_instance(final, filename=message.filename)
    if has_errors(findings):
        raise Invalid(
            "Het vastgestelde document voldoet niet aan de KvK-regels: "
            + "; ".join(f"{f.code}: {f.message}" for f in findings if f.severity == "error")
        )
    message.document = final
    message.document_sha256 = sha256_hex(final)
    message.adopted = True
    message.adoption_date = adoption_date
    message.save(
        update_fields=["document", "document_sha256", "adopted", "adoption_date", "updated_at"]
    )
    record_event(message, action="adopted", actor=actor, from_status=message.status)
    return message


@transaction.atomic
def approve(*, message_id: int, actor: Actor, document_sha256: str) -> ApprovalMessage:
    """30 -> 50: the client approves exactly the document with this fingerprint."""
    message = _locked(message_id)
    if not _client_may(actor, message):
        raise NotPermitted("Alleen de cliënt kan dit bericht goedkeuren.")
    if message.status >= Status.APPROVED and message.approved_sha256 == document_sha256:
        return message  # already approved: the same answer again
    if document_sha256 != message.document_sha256:
        raise Conflict(
            "Het document is gewijzigd sinds u het opende. Bekijk het opnieuw en keur het "
            "daarna goed.",
            code="document_changed",
        )
    message.approved_at = timezone.now()
    _apply(
        message,
        message.approve,
        actor,
        action="approved",
        update_fields=["approved_sha256", "approved_at", "delivery_reference"],
    )
    from workflow import tasks
    from workflow.signals import message_approved

    transaction.on_commit(partial(tasks.submit_to_kvk.delay, message.pk))
    transaction.on_commit(partial(message_approved.send, sender=ApprovalMessage, pk=message.pk))
    return message


@transaction.atomic
def reject(*, message_id: int, actor: Actor, reason: str) -> ApprovalMessage:
    """30 -> 40 with the client's reason."""
    reason = reason.strip()
    if not reason:
        raise Invalid("Geef een reden op waarom u het bericht afkeurt.")
    message = _locked(message_id)
    if not _client_may(actor, message):
        raise NotPermitted("Alleen de cliënt kan dit bericht afkeuren.")
    if message.status == Status.REJECTED:
        return message
    _apply(message, message.reject, actor, reason, action="rejected", update_fields=["reasons"])
    from workflow.signals import message_rejected

    transaction.on_commit(partial(message_rejected.send, sender=ApprovalMessage, pk=message.pk))
    return message


@transaction.atomic
def repair(*, message_id: int, actor: Actor) -> ApprovalMessage:
    """40 -> 30: staff repair the message status and put it back into the workflow."""
    message = _locked(message_id)
    if actor.kind != Actor.Kind.STAFF or not _staff_may(actor, message):
        raise NotPermitted("Alleen medewerkers van het kantoor kunnen de status herstellen.")
    _apply(message, message.repair, actor, action="repaired", update_fields=["reasons"])
    return message


# --- Digipoort -------------------------------------------------------------------------------

SUBMIT_LEASE = timedelta(minutes=5)


def backoff(attempt: int) -> timedelta:
    """Exponential backoff for transport retries, capped well below the visibility timeout."""
    return timedelta(seconds=min(30 * 2 ** max(attempt - 1, 0), 1800))


def claim_for_submission(message_id: int, *, now: datetime | None = None) -> bool:
    """Take a short lease on an approved message so only one worker talks to Digipoort."""
    now = now or timezone.now()
    from django.db.models import Q

    won = (
        ApprovalMessage.objects.filter(
            pk=message_id, status__in=[Status.APPROVED, Status.TRANSPORT_ERROR]
        )
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .update(
            next_attempt_at=now + SUBMIT_LEASE,
            submit_attempts=F("submit_attempts") + 1,
            delivery_started_at=now,
        )
    )
    return won == 1


@transaction.atomic
def record_delivered(*, message_id: int, kenmerk: str) -> bool:
    message = _locked(message_id)
    if message.status not in (Status.APPROVED, Status.TRANSPORT_ERROR):
        return False
    message.next_attempt_at = None
    _apply(
        message,
        message.mark_delivered,
        SYSTEM,
        kenmerk,
        action="delivered",
        update_fields=["digipoort_kenmerk", "reasons", "next_attempt_at"],
    )
    return True


@transaction.atomic
def record_transport_error(
    *, message_id: int, reasons: list[dict[str, str]], retry: bool, max_attempts: int
) -> bool:
    """-> 70 (or stay in 70) and plan the next attempt; False when retries ran out."""
    message = _locked(message_id)
    will_retry = retry and message.submit_attempts < max_attempts
    message.next_attempt_at = (
        timezone.now() + backoff(message.submit_attempts) if will_retry else None
    )
    if message.status == Status.TRANSPORT_ERROR:
        message.reasons = reasons
        message.save(update_fields=["reasons", "next_attempt_at", "updated_at"])
        record_event(message, action="transport_error", actor=SYSTEM, from_status=message.status)
    else:
        _apply(
            message,
            message.mark_transport_error,
            SYSTEM,
            reasons,
            action="transport_error",
            update_fields=["reasons", "next_attempt_at"],
        )
    if not will_retry:
        from workflow.signals import retries_exhausted

        transaction.on_commit(
            partial(retries_exhausted.send, sender=ApprovalMessage, pk=message.pk)
        )
    return will_retry


@transaction.atomic
def record_kvk_statuses(
    *,
    message_id: int,
    statuses: list[dict[str, Any]],
    outcome_status: int | None,
    reasons: list[dict[str, str]],
) -> ApprovalMessage:
    """Store the Digipoort timeline and move to 80, 90 or 70 when the outcome says so."""
    message = _locked(message_id)
    message.digipoort_statuses = statuses
    message.save(update_fields=["digipoort_statuses", "updated_at"])
    if message.status != Status.SENT_TO_KVK or outcome_status in (None, Status.SENT_TO_KVK):
        return message
    if outcome_status == Status.FILED:
        _apply(message, message.mark_filed, SYSTEM, action="filed", update_fields=["reasons"])
    elif outcome_status == Status.REFUSED:
        _apply(
            message,
            message.mark_refused,
            SYSTEM,
            reasons,
            action="refused_by_kvk",
            update_fields=["reasons"],
        )
    elif outcome_status == Status.TRANSPORT_ERROR:
        message.next_attempt_at = None
        _apply(
            message,
            message.mark_transport_error,
            SYSTEM,
            reasons,
            action="transport_error",
            update_fields=["reasons", "next_attempt_at"],
        )
    from workflow.signals import kvk_outcome

    transaction.on_commit(partial(kvk_outcome.send, sender=ApprovalMessage, pk=message.pk))
    return message


def verify_document(message: ApprovalMessage) -> None:
    """What is approved is what is filed: refuse any other document."""
    if (
        not message.approved_sha256
        or sha256_hex(bytes(message.document)) != message.approved_sha256
    ):
        raise Invalid(
            "Het document wijkt af van het goedgekeurde document en wordt niet verzonden.",
            code="document_mismatch",
        )
