"""Who must approve an approval message, and who already has.

A workflow definition says who must approve (``crm.models.ApproverRule``): one contact (any
client user of the organisation, alone: the behaviour from before several approvers), every
director of the organisation with portal access, or a named set of contacts; an
organisation may override the workflow's setting.

**The audit trail is the single truth of approvals.** There is no separate approval table:
an approval is a ``StatusEvent`` naming the person (``actor_user``) and carrying the
SHA-256 of the document at that moment. A required approver who is not the last writes an
``approval_given`` event (the status stays 30); the last one's approval is the transition
itself, the ``approved`` event (30 -> 50). The events are append-only (guarded by the
database on PostgreSQL), numbered per organisation, written in the transaction that holds
the message's row lock, and they already reach the timeline and the client API's updates
feed; a second table would be a second record that could disagree with the trail, and the
question "who approved what, and when" would have two answers.

An approval counts only for the document it was given for, and only in the current round:
its SHA-256 must equal the message's current document (an adoption or a correction changes
the document and so voids earlier approvals), and it must have been given since the message
last entered 30 (after a rejection and a repair everyone reviews again).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q

from crm.models import ApproverRule, Contact
from kvk.status import Status
from workflow.models import ApprovalMessage, StatusEvent

#: The audit action of an approval that does not (yet) move the message.
APPROVAL_GIVEN = "approval_given"
#: The audit actions that are approvals by a person: the intermediate ones and the last.
APPROVAL_ACTIONS = (APPROVAL_GIVEN, "approved")


def approver_rule(message: ApprovalMessage) -> str:
    """The rule for this message: the organisation's, else its workflow's, else one contact."""
    if message.organisation.approver_rule:
        return message.organisation.approver_rule
    if message.workflow_id is not None and message.workflow is not None:
        return message.workflow.approver_rule
    return ApproverRule.ONE


def required_approvers(message: ApprovalMessage) -> list[Contact] | None:
    """The contacts who must all approve, in name order; None when one contact approves
    alone (``ApproverRule.ONE``). Only contacts with portal access and a user can approve."""
    rule = approver_rule(message)
    if rule == ApproverRule.ONE:
        return None
    contacts = Contact.objects.filter(
        organisation_id=message.organisation_id, portal_access=True, user__isnull=False
    )
    if rule == ApproverRule.DIRECTORS:
        contacts = contacts.filter(is_director=True)
    else:
        contacts = contacts.filter(approver_of=message.organisation_id)
    return list(contacts.order_by("name", "pk"))


def _round_start(message: ApprovalMessage) -> int:
    """The sequence number of the event that last brought the message into 30."""
    entered = (
        message.events.filter(to_status=Status.IN_REVIEW)
        .exclude(from_status=Status.IN_REVIEW)
        .order_by("-sequence")
        .values_list("sequence", flat=True)
        .first()
    )
    return entered or 0


def approvals_given(message: ApprovalMessage) -> dict[int, StatusEvent]:
    """The approvals that count for the current document, by user id (the first of each)."""
    events = message.events.filter(
        Q(action__in=APPROVAL_ACTIONS),
        document_sha256=message.document_sha256,
        sequence__gt=_round_start(message),
        actor_user__isnull=False,
    ).order_by("sequence")
    given: dict[int, StatusEvent] = {}
    for event in events:
        assert event.actor_user_id is not None  # filtered above
        given.setdefault(event.actor_user_id, event)
    return given


@dataclass(frozen=True)
class Approver:
    """A required approver as the pages show them: the name, and when they approved."""

    name: str
    user_id: int
    approved_at: datetime | None = None


@dataclass(frozen=True)
class ApprovalProgress:
    """Where the approvals of a message stand ("2 van 3 goedgekeurd")."""

    approved: list[Approver]
    pending: list[Approver]

    @property
    def total(self) -> int:
        return len(self.approved) + len(self.pending)

    @property
    def count(self) -> int:
        return len(self.approved)

    def has_approved(self, user_id: int | None) -> bool:
        return any(approver.user_id == user_id for approver in self.approved)


def approval_progress(message: ApprovalMessage) -> ApprovalProgress | None:
    """The progress of several approvers; None when one contact approves alone."""
    required = required_approvers(message)
    if required is None:
        return None
    given = approvals_given(message)
    approved, pending = [], []
    for contact in required:
        assert contact.user_id is not None  # required_approvers keeps contacts with a user
        event = given.get(contact.user_id)
        if event is None:
            pending.append(Approver(name=contact.name, user_id=contact.user_id))
        else:
            approved.append(
                Approver(name=contact.name, user_id=contact.user_id, approved_at=event.created_at)
            )
    return ApprovalProgress(approved=approved, pending=pending)
