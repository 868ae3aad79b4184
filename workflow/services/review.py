"""Review: the accountant's review, adoption, approval, rejection, repair, the size-class
override and comments (status 30 and 40)."""

from __future__ import annotations

from datetime import date
from functools import partial

from django.db import transaction
from django.utils import timezone

from config.dates import format_moment
from kvk.builder import adopt_instance
from kvk.rules import check_instance, has_errors
from kvk.status import Status
from workflow import tasks
from workflow.errors import Conflict, Invalid, NotPermitted
from workflow.models import Actor, ApprovalMessage, Comment, is_participant, sha256_hex
from workflow.selectors import (
    SIZE_CLASS_OVERRIDDEN,
    actor_words,
    adoption_bounds,
    size_class_check,
    size_class_override,
)
from workflow.services.audit import (
    _after_commit,
    _apply,
    _lock_organisation,
    _locked,
    _require_client,
    _require_staff,
    record_event,
)
from workflow.services.corrections import FILING_STATUSES, correction_reason, is_replaced
from workflow.signals import comment_added, message_approved, message_rejected, workflow_started


@transaction.atomic
def complete_accountant_review(*, message_id: int, actor: Actor) -> ApprovalMessage:
    """The optional accountant review: staff release the message to the client (stays 30)."""
    message = _locked(message_id)
    _require_staff(message, actor, "dit bericht beoordelen")
    if message.status != Status.IN_REVIEW or not message.awaiting_accountant_review:
        raise Conflict(
            "Dit bericht wacht niet op beoordeling door de accountant.", code="status_conflict"
        )
    message.awaiting_accountant_review = False
    message.save(update_fields=["awaiting_accountant_review", "updated_at"])
    record_event(message, action="accountant_reviewed", actor=actor, from_status=message.status)
    _after_commit(partial(workflow_started.send, sender=ApprovalMessage, pks=[message.pk]))
    return message


@transaction.atomic
def adopt(*, message_id: int, actor: Actor, adoption_date: date) -> ApprovalMessage:
    """The client ticks "Jaarrekening vastgesteld": the portal produces the final instance
    (adoption status Ja and the date) that is shown, approved and filed (stays 30)."""
    message = _locked(message_id)
    _require_client(message, actor, "de jaarrekening vaststellen")
    if message.status != Status.IN_REVIEW:
        raise Conflict(
            "De jaarrekening kan alleen worden vastgesteld tijdens de beoordeling.",
            code="status_conflict",
        )
    if adoption_date > timezone.localdate():
        raise Invalid("De datum van vaststelling kan niet in de toekomst liggen.")
    if adoption_date < date(message.financial_year or 1900, 1, 1):
        raise Invalid("De datum van vaststelling ligt vóór het begin van het boekjaar.")
    bounds = adoption_bounds(message)
    if bounds.period_end is not None and adoption_date <= bounds.period_end:
        raise Invalid(
            "De datum van vaststelling moet na het einde van het boekjaar liggen.",
            code="adoption_date_in_year",
        )
    if bounds.signed_on is not None and adoption_date < bounds.signed_on:
        # The directors sign what the general meeting then adopts (art. 2:101 BW).
        raise Invalid(
            "De datum van vaststelling ligt vóór de datum waarop de bestuurders de "
            "jaarrekening ondertekenden.",
            code="adoption_before_signing",
        )
    try:
        final = adopt_instance(bytes(message.received_document), adoption_date=adoption_date)
    except ValueError:
        # Accounts are adopted after the year they cover has ended.
        raise Invalid(
            "De datum van vaststelling moet na het einde van het boekjaar liggen.",
            code="adoption_date_in_year",
        )
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
    """30 -> 50: the client approves exactly the document with this fingerprint.

    Two approvals at the same moment: the row lock makes the second wait until the first
    commits; it then finds the message approved and gets a Conflict ("already_approved")
    that says who approved it and when. Exactly one approval event is written.
    """
    message = _locked(message_id)
    _require_client(message, actor, "dit bericht goedkeuren")
    if message.status in (*FILING_STATUSES, Status.REFUSED):
        raise Conflict(_already_approved_message(message), code="already_approved")
    if message.status != Status.IN_REVIEW:
        raise Conflict(
            f"Het bericht heeft status {message.status} ({message.status_label}); "
            "goedkeuren kan nu niet.",
            code="status_conflict",
        )
    if document_sha256 != message.document_sha256:
        raise Conflict(
            "Het document is gewijzigd sinds u het opende. Bekijk het opnieuw en keur het "
            "daarna goed.",
            code="document_changed",
        )
    _lock_organisation(message.organisation_id)
    # A second message for the same year may have been approved since this one started.
    refusal = correction_reason(
        message.organisation_id,
        message.financial_year,
        True,
        message.resubmission,
        message.adoption_date,
        exclude_message_id=message.pk,
    )
    if refusal is not None and message.adopted and message.adoption_date is not None:
        raise Conflict(refusal["message"], code=refusal["code"])
    message.approved_at = timezone.now()
    _apply(
        message,
        message.approve,
        actor,
        action="approved",
        update_fields=["approved_sha256", "approved_at", "delivery_reference"],
    )
    _after_commit(partial(tasks.submit_to_kvk.delay, message.pk))
    _after_commit(partial(message_approved.send, sender=ApprovalMessage, pk=message.pk))
    return message


def _already_approved_message(message: ApprovalMessage) -> str:
    event = message.events.filter(action="approved").order_by("-sequence").first()
    if event is None:
        return "Dit bericht is al goedgekeurd."
    who = actor_words(event.actor_kind, event.actor_label, event.actor_user)[0]
    return f"Dit bericht is al goedgekeurd door {who} op {format_moment(event.created_at)}."


@transaction.atomic
def reject(*, message_id: int, actor: Actor, reason: str) -> ApprovalMessage:
    """30 -> 40 with the client's reason; rejecting a rejected message changes nothing."""
    reason = reason.strip()
    if not reason:
        raise Invalid("Geef een reden op waarom u het bericht afkeurt.")
    if len(reason) > 2000:
        raise Invalid("De reden is te lang (hoogstens 2000 tekens).")
    message = _locked(message_id)
    _require_client(message, actor, "dit bericht afkeuren")
    if message.status == Status.REJECTED:
        return message
    _apply(message, message.reject, actor, reason, action="rejected", update_fields=["reasons"])
    _after_commit(partial(message_rejected.send, sender=ApprovalMessage, pk=message.pk))
    return message


@transaction.atomic
def repair(*, message_id: int, actor: Actor) -> ApprovalMessage:
    """40 -> 30: staff repair the message status and put it back into the workflow."""
    message = _locked(message_id)
    _require_staff(message, actor, "de status herstellen")
    if is_replaced(message):
        raise Conflict(
            "Dit bericht is vervangen door een nieuwere versie van de jaarrekening; "
            "die versie wordt beoordeeld.",
            code="replaced",
        )
    _apply(message, message.repair, actor, action="repaired", update_fields=["reasons"])
    _after_commit(partial(workflow_started.send, sender=ApprovalMessage, pks=[message.pk]))
    return message


#: The statuses in which the accountant may still override the size-class warning: before
#: the client's approval (afterwards the document is on its way to the KvK).
SIZE_CLASS_OVERRIDE_STATUSES = (Status.IN_REVIEW, Status.REJECTED)
SIZE_CLASS_OVERRIDE_CODE = "size_class_override"
REASON_MAX_LENGTH = 2000


@transaction.atomic
def override_size_class_warning(*, message_id: int, actor: Actor, reason: str) -> ApprovalMessage:
    """The accountant accepts the size class the document declares although its figures do
    not support it (art. 2:395a and 2:396 BW, kvk.sizeclass), with a reason. Changes no
    status; writes one audit event with the reason, shown in the timeline.

    Staff of the organisation's environment only; while the message is at 30 or 40, and only
    when the check asks for attention. Overriding an overridden warning changes nothing.
    """
    reason = reason.strip()
    if not reason:
        raise Invalid("Geef de reden waarom de grootteklasse toch klopt.")
    if len(reason) > REASON_MAX_LENGTH:
        raise Invalid(f"De reden is te lang (hoogstens {REASON_MAX_LENGTH} tekens).")
    message = _locked(message_id)
    _require_staff(message, actor, "een waarschuwing over de grootteklasse terzijde leggen")
    if size_class_override(message) is not None:
        return message
    if message.status not in SIZE_CLASS_OVERRIDE_STATUSES:
        raise Conflict(
            f"Het bericht heeft status {message.status} ({message.status_label}); de "
            "waarschuwing over de grootteklasse kan alleen vóór de goedkeuring terzijde "
            "worden gelegd.",
            code="status_conflict",
        )
    check = size_class_check(message)
    if check is None or not check.attention:
        raise Conflict(
            "Bij dit bericht is er geen waarschuwing over de grootteklasse.",
            code="no_size_class_warning",
        )
    record_event(
        message,
        action=SIZE_CLASS_OVERRIDDEN,
        actor=actor,
        from_status=message.status,
        reasons=[{"code": SIZE_CLASS_OVERRIDE_CODE, "message": reason}],
    )
    return message


COMMENT_MAX_LENGTH = 4000


@transaction.atomic
def add_comment(*, message_id: int, actor: Actor, text: str) -> Comment:
    """A comment between client and accountant on a message (any status).

    Staff of the organisation's environment and the organisation's client users may comment;
    a client cannot comment while the message still waits for the accountant's review (it
    cannot see it yet). A comment changes no status and writes no status event.
    """
    text = text.strip()
    message = _locked(message_id)
    if not is_participant(message, actor) or getattr(actor.user, "pk", None) is None:
        raise NotPermitted("U kunt bij dit bericht geen opmerking plaatsen.")
    if not text:
        raise Invalid("Een opmerking kan niet leeg zijn.")
    if len(text) > COMMENT_MAX_LENGTH:
        raise Invalid(f"Een opmerking is hoogstens {COMMENT_MAX_LENGTH} tekens lang.")
    comment = Comment.objects.create(
        message=message, author=actor.user, author_kind=actor.kind, text=text
    )
    _after_commit(
        partial(comment_added.send, sender=ApprovalMessage, pk=message.pk, comment_pk=comment.pk)
    )
    return comment
