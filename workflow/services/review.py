"""Review: the accountant's review, adoption, approval, rejection, repair, the size-class
override and comments (status 30 and 40)."""

from __future__ import annotations

from datetime import date, timedelta
from functools import partial

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crm.models import Contact
from kvk.builder import adopt_instance
from kvk.rules import check_instance, has_errors
from kvk.status import Status
from workflow import tasks
from workflow.approvers import (
    APPROVAL_GIVEN,
    APPROVED_NOT_ADOPTED,
    adopter,
    approvals_given,
    required_approvers,
)
from workflow.errors import Conflict, Invalid, NotPermitted
from workflow.models import (
    Actor,
    ApprovalMessage,
    Comment,
    StatusEvent,
    is_participant,
    sha256_hex,
)
from workflow.selectors import (
    SIZE_CLASS_OVERRIDDEN,
    adoption_bounds,
    event_actor_name,
    size_class_check,
    size_class_override,
    with_contact_names,
)
from workflow.services.audit import (
    _after_commit,
    _apply,
    _check_transition,
    _lock_organisation,
    _locked,
    _require_client,
    _require_staff,
    _status_params,
    _transition,
    record_event,
    record_note,
)
from workflow.services.corrections import (
    FILING_STATUSES,
    correction_refusal,
    is_replaced,
    newer_version,
)
from workflow.services.delivery import kvk_numbers_differ
from workflow.signals import comment_added, message_approved, message_rejected, workflow_started


@transaction.atomic
def complete_accountant_review(*, message_id: int, actor: Actor) -> ApprovalMessage:
    """The optional accountant review: staff release the message to the client (stays 30)."""
    message = _locked(message_id)
    _require_staff(message, actor, _("dit bericht beoordelen"))
    if message.status != Status.IN_REVIEW or not message.awaiting_accountant_review:
        raise Conflict("status_conflict:review")
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
    _require_client(message, actor, _("de jaarrekening vaststellen"))
    if message.status != Status.IN_REVIEW:
        raise Conflict("status_conflict:adopt")
    _require_adopter(message, actor)
    _lock_organisation(message.organisation_id)
    # Adopted accounts this version cannot be filed as (a second adopted filing for the
    # year) would be refused at the approval: say so now, not after the client adopted.
    refusal = _adopted_filing_refusal(message, adoption_date)
    if refusal is not None:
        raise refusal
    if adoption_date > timezone.localdate():
        raise Invalid("adoption_date_in_future")
    if adoption_date < date(message.financial_year or 1900, 1, 1):
        raise Invalid("adoption_date_before_year")
    bounds = adoption_bounds(message)
    if bounds.period_end is not None and adoption_date <= bounds.period_end:
        raise Invalid("adoption_date_in_year")
    if bounds.signed_on is not None and adoption_date < bounds.signed_on:
        # The directors sign what the general meeting then adopts (art. 2:101 BW).
        raise Invalid("adoption_before_signing")
    try:
        final = adopt_instance(bytes(message.received_document), adoption_date=adoption_date)
    except ValueError:
        # Accounts are adopted after the year they cover has ended.
        raise Invalid("adoption_date_in_year")
    findings = check_instance(final, filename=message.filename)
    if has_errors(findings):
        errors = "; ".join(f"{f.code}: {f.message}" for f in findings if f.severity == "error")
        raise Invalid("adopted_document_invalid", {"findings": errors})
    message.document = final
    message.document_sha256 = sha256_hex(final)
    message.adopted = True
    message.adoption_date = adoption_date
    message.save(
        update_fields=["document", "document_sha256", "adopted", "adoption_date", "updated_at"]
    )
    record_event(message, action="adopted", actor=actor, from_status=message.status)
    return message


def _last_event(message: ApprovalMessage, *actions: str) -> StatusEvent | None:
    """The message's last audit event of one of ``actions``, with the name of who did it (a
    client by its contact at the message's organisation)."""
    events = with_contact_names(message.events.filter(action__in=actions), message.organisation_id)
    return events.order_by("-sequence").first()


def _require_adopter(message: ApprovalMessage, actor: Actor) -> None:
    """The adoption is recorded once, by whoever the definition names (workflow.approvers
    ``adopter``): a second adoption is refused with who recorded the first, and when."""
    if message.adopted:
        event = _last_event(message, "adopted")
        if event is None:  # adopted in the client's own environment, before it was sent
            raise Conflict("already_adopted", {"date": message.adoption_date})
        who = event_actor_name(event)
        raise Conflict("already_adopted:by", {"date": message.adoption_date, "who": who})
    allowed = adopter(message, getattr(actor.user, "pk", None))
    if allowed.missing:
        raise NotPermitted("no_adopter_named")
    if not allowed.may:
        if allowed.name:
            raise NotPermitted("not_the_adopter:named", {"name": allowed.name})
        raise NotPermitted("not_the_adopter")


@transaction.atomic
def approve(*, message_id: int, actor: Actor, document_sha256: str) -> ApprovalMessage:
    """30 -> 50: the client approves exactly the document with this fingerprint.

    Two approvals at the same moment: the row lock makes the second wait until the first
    commits; it then finds the message approved and gets a Conflict ("already_approved")
    that says who approved it and when. Exactly one approval event is written.

    Several required approvers (workflow.approvers): each approves the same document; an
    approval before the last writes an ``approval_given`` event and leaves the message at
    30, the last one moves it to 50. Two approvers at the same moment: the row lock
    serialises them, so the second sees the first's approval and is the last.
    """
    message = _locked(message_id)
    _require_client(message, actor, _("dit bericht goedkeuren"))
    return _approve(message, actor, document_sha256)


def _approve(
    message: ApprovalMessage, actor: Actor, document_sha256: str, *, not_adopted: bool = False
) -> ApprovalMessage:
    """``approve`` of the locked message, once the actor is known to be its client; with
    ``not_adopted``, the approval of the accounts as not adopted (``approve_not_adopted``
    in workflow.services.not_adopted, which checks what that needs first)."""
    transition = message.approve_not_adopted if not_adopted else message.approve
    refusal = _approval_refusal(message, actor)
    if refusal is not None:
        raise refusal
    if message.status != Status.IN_REVIEW:
        raise Conflict("status_conflict:approve", _status_params(message))
    if document_sha256 != message.document_sha256:
        raise Conflict("document_changed")
    numbers = kvk_numbers_differ(message)
    if numbers is not None:
        raise Invalid("kvk_number_changed:approve", numbers)
    required = required_approvers(message)
    if required is not None and _others_pending(message, actor, required):
        _check_transition(message, transition, actor)
        record_event(message, action=APPROVAL_GIVEN, actor=actor, from_status=message.status)
        return message
    _lock_organisation(message.organisation_id)
    # A second message for the same year may have been approved since this one started.
    if message.adopted and message.adoption_date is not None:
        refusal = _adopted_filing_refusal(message, message.adoption_date)
        if refusal is not None:
            raise refusal
    message.approved_at = timezone.now()
    _apply(
        message,
        transition,
        actor,
        action=APPROVED_NOT_ADOPTED if not_adopted else "approved",
        update_fields=["approved_sha256", "approved_at", "delivery_reference"],
    )
    _after_commit(partial(tasks.submit_to_kvk.delay, message.pk))
    _after_commit(partial(message_approved.send, sender=ApprovalMessage, pk=message.pk))
    return message


def _adopted_filing_refusal(message: ApprovalMessage, adoption_date: date) -> Conflict | None:
    """Why the KvK would refuse this message as adopted accounts (adopted on
    ``adoption_date``) for its year (``correction_refusal``: a second adopted filing that
    is no resubmission), as the conflict to raise; None when it would take it. Call under
    the organisation lock: another version of the year may be approved at the same moment."""
    refusal = correction_refusal(
        message.organisation_id,
        message.financial_year,
        True,
        message.resubmission,
        adoption_date,
        exclude_message_id=message.pk,
    )
    return Conflict(refusal.key, refusal.params) if refusal is not None else None


def _others_pending(message: ApprovalMessage, actor: Actor, required: list[Contact]) -> bool:
    """Whether required approvers other than the actor have yet to approve the current
    document. The actor must be one of them and must not have approved it already."""
    if not required:
        raise Conflict("no_required_approvers")
    user_id = getattr(actor.user, "pk", None)
    if user_id not in {contact.user_id for contact in required}:
        raise NotPermitted("not_a_required_approver")
    given = approvals_given(message)
    if user_id in given:
        raise Conflict("approval_already_given", {"when": given[user_id]})
    return any(contact.user_id != user_id and contact.user_id not in given for contact in required)


def _require_approver(message: ApprovalMessage, actor: Actor) -> None:
    """With several required approvers, only one of them may reject."""
    required = required_approvers(message)
    if required is None:
        return
    if getattr(actor.user, "pk", None) not in {contact.user_id for contact in required}:
        raise NotPermitted("not_a_required_approver:reject")


def _already_approved(
    message: ApprovalMessage, actor: Actor, *, rejecting: bool = False
) -> Conflict:
    """The conflict of a second approval, or (``rejecting``) of a rejection after the
    approval: who approved the message, and when, where the audit trail knows."""
    variant = ":reject" if rejecting else ""
    return _decided_first(
        message, actor, ("approved", APPROVED_NOT_ADOPTED), f"already_approved{variant}"
    )


def _decided_first(
    message: ApprovalMessage, actor: Actor, actions: tuple[str, ...], key: str
) -> Conflict:
    """The conflict of a decision someone took first (the last event of ``actions``):
    ``key`` where the audit trail does not know who; ``key`` with ``_by`` (after a variant)
    or ``:by`` naming who and when; ``_own``/``:own`` with when, where the actor is the one
    who decided (in another window): the reader is never named in the third person."""
    event = _last_event(message, *actions)
    if event is None:
        return Conflict(key)
    joint = "_" if ":" in key else ":"
    user_id = getattr(actor.user, "pk", None)
    if event.actor_kind == actor.kind == Actor.Kind.CLIENT_USER and event.actor_user_id == user_id:
        return Conflict(f"{key}{joint}own", {"when": event.created_at})
    return Conflict(f"{key}{joint}by", {"who": event_actor_name(event), "when": event.created_at})


def _approval_refusal(message: ApprovalMessage, actor: Actor) -> Conflict | None:
    """Why the client's approval comes too late, in words (a client reads no status codes):
    the message was approved already (who, and when); a newer version replaced it; or it
    was rejected meanwhile, by another contact of the organisation or in another window
    (who, and when; "U" when it was the actor), and a new version follows. None otherwise
    (the caller refuses any other status with the status itself)."""
    if message.status in (*FILING_STATUSES, Status.REFUSED):
        return _already_approved(message, actor)
    if message.superseded or (message.status == Status.REJECTED and is_replaced(message)):
        return Conflict("replaced")
    if message.status == Status.REJECTED:
        return _decided_first(message, actor, ("rejected",), "already_rejected:approve")
    return None


def _rejection_refusal(message: ApprovalMessage, actor: Actor) -> Conflict | None:
    """Why the client's rejection comes too late, in words (a client reads no status
    codes): the message was approved meanwhile, by another contact of the organisation or
    in another window (who, and when; "U" when it was the actor), or a newer version
    replaced it. None while it waits for the decision."""
    if message.superseded:
        return Conflict("replaced")
    if message.status in (*FILING_STATUSES, Status.REFUSED):
        return _already_approved(message, actor, rejecting=True)
    return None


REASON_MAX_LENGTH = 2000

#: The code of the staff's reason for putting a rejected message back (``repair``).
REPAIR_REASON_CODE = "repair_reason"


def _given_reason(reason: str, *, missing: str) -> str:
    """The reason a person typed, without surrounding white space; ``Invalid(missing)`` when
    it is empty, ``Invalid("reason_too_long")`` beyond REASON_MAX_LENGTH characters."""
    reason = reason.strip()
    if not reason:
        raise Invalid(missing)
    if len(reason) > REASON_MAX_LENGTH:
        raise Invalid("reason_too_long", {"max": REASON_MAX_LENGTH})
    return reason


@transaction.atomic
def reject(*, message_id: int, actor: Actor, reason: str) -> ApprovalMessage:
    """30 -> 40 with the client's reason; rejecting a rejected message changes nothing."""
    reason = _given_reason(reason, missing="rejection_reason_required")
    message = _locked(message_id)
    _require_client(message, actor, _("dit bericht afkeuren"))
    if message.status == Status.REJECTED:
        return message
    refusal = _rejection_refusal(message, actor)
    if refusal is not None:
        raise refusal
    _require_approver(message, actor)
    _apply(message, message.reject, actor, reason, action="rejected", update_fields=["reasons"])
    _after_commit(partial(message_rejected.send, sender=ApprovalMessage, pk=message.pk))
    return message


def repair_refusal(message: ApprovalMessage) -> Conflict | None:
    """Why "Berichtstatus herstellen" is refused for this message: a newer version replaced
    it (a correction), or a newer version of its year is in review, approved, on its way to
    the KvK or filed (``corrections.newer_version``). Put back beside that one, the client
    could approve this older version and have figures filed that its environment replaced,
    while the newer one waits for an approval the KvK would refuse (a second adopted filing,
    KVK-SBR.md section 1). None when it may be repaired (as far as versions go)."""
    if is_replaced(message):
        return Conflict("replaced")
    newer = newer_version(message)
    if newer is not None:
        return Conflict(
            "replaced:newer",
            {
                "year": message.financial_year,
                "message_id": str(newer.message_id),
                **_status_params(newer),
            },
        )
    return None


@transaction.atomic
def repair(*, message_id: int, actor: Actor, reason: str) -> ApprovalMessage:
    """40 -> 30: staff repair the message status and put it back into the workflow, with a
    reason for the client who rejected it (kept in the audit event, ``REPAIR_REASON_CODE``;
    the client reads it in the mail that asks for the approval again and on the message).
    Refused while a newer version of its year replaced it or goes on (``repair_refusal``)."""
    reason = _given_reason(reason, missing="repair_reason_required")
    message = _locked(message_id)
    _require_staff(message, actor, _("de status herstellen"))
    _lock_organisation(message.organisation_id)  # a newer version may enter meanwhile
    refusal = repair_refusal(message)
    if refusal is not None:
        raise refusal
    from_status = _transition(message, message.repair, actor)
    # A staff member's "Afgehandeld" was of this rejection; a next one asks attention anew.
    message.attention_acknowledged_at = None
    message.save(
        update_fields=[
            "status",
            "status_changed_at",
            "updated_at",
            "reasons",
            "attention_acknowledged_at",
        ]
    )
    record_event(
        message,
        action="repaired",
        actor=actor,
        from_status=from_status,
        reasons=[{"code": REPAIR_REASON_CODE, "message": reason}],
    )
    _after_commit(partial(workflow_started.send, sender=ApprovalMessage, pks=[message.pk]))
    return message


#: The statuses in which the accountant may still override the size-class warning: before
#: the client's approval (afterwards the document is on its way to the KvK).
SIZE_CLASS_OVERRIDE_STATUSES = (Status.IN_REVIEW, Status.REJECTED)
SIZE_CLASS_OVERRIDE_CODE = "size_class_override"


@transaction.atomic
def override_size_class_warning(*, message_id: int, actor: Actor, reason: str) -> ApprovalMessage:
    """The accountant accepts the size class the document declares although its figures do
    not support it (art. 2:395a and 2:396 BW, kvk.sizeclass), with a reason. Changes no
    status; writes one audit event with the reason, shown in the timeline.

    Staff of the organisation's environment only; while the message is at 30 or 40, and only
    when the check asks for attention. Overriding an overridden warning changes nothing.
    """
    reason = _given_reason(reason, missing="size_class_reason_required")
    message = _locked(message_id)
    _require_staff(message, actor, _("een waarschuwing over de grootteklasse terzijde leggen"))
    if size_class_override(message) is not None:
        return message
    if message.status not in SIZE_CLASS_OVERRIDE_STATUSES:
        raise Conflict("status_conflict:size_class", _status_params(message))
    check = size_class_check(message)
    if check is None or not check.attention:
        raise Conflict("no_size_class_warning")
    record_note(
        message,
        action=SIZE_CLASS_OVERRIDDEN,
        actor=actor,
        code=SIZE_CLASS_OVERRIDE_CODE,
        note=reason,
    )
    return message


COMMENT_MAX_LENGTH = 4000

#: A comment with the same text by the same person, the last one on the message and placed
#: at most this long ago, is the same comment sent twice (a double click on "Plaats
#: opmerking", the browser sending the form again after a slow answer): it is not placed
#: a second time, and nobody gets a second e-mail about it.
COMMENT_RESENT_WITHIN = timedelta(minutes=10)


def _resent_comment(message: ApprovalMessage, actor: Actor, text: str) -> Comment | None:
    """The comment ``actor`` placed already with this ``text`` (COMMENT_RESENT_WITHIN), or
    None. Read under the message's lock, so two requests of one double click see each
    other's comment. Only the last comment of the message counts: the same words after
    someone answered are a new comment."""
    last = message.comments.order_by("-created_at", "-pk").first()
    if (
        last is not None
        and last.author_id == getattr(actor.user, "pk", None)
        and last.text == text
        and last.created_at >= timezone.now() - COMMENT_RESENT_WITHIN
    ):
        return last
    return None


@transaction.atomic
def add_comment(*, message_id: int, actor: Actor, text: str) -> Comment:
    """A comment between client and accountant on a message (any status).

    Staff of the organisation's environment and the organisation's client users may comment;
    a client cannot comment while the message still waits for the accountant's review (it
    cannot see it yet). A comment changes no status and writes no status event. The same
    comment sent twice is placed once (``_resent_comment``).
    """
    text = text.strip()
    message = _locked(message_id)
    if not is_participant(message, actor) or getattr(actor.user, "pk", None) is None:
        raise NotPermitted("comment_not_permitted")
    if not text:
        raise Invalid("comment_empty")
    if len(text) > COMMENT_MAX_LENGTH:
        raise Invalid("comment_too_long", {"max": COMMENT_MAX_LENGTH})
    resent = _resent_comment(message, actor, text)
    if resent is not None:
        return resent
    comment = Comment.objects.create(
        message=message, author=actor.user, author_kind=actor.kind, text=text
    )
    _after_commit(
        partial(comment_added.send, sender=ApprovalMessage, pk=message.pk, comment_pk=comment.pk)
    )
    return comment
