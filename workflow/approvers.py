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
its SHA-256 must equal the message's current document, and it must have been given since
the message last entered 30 (after a rejection and a repair everyone reviews again). The
adoption, which changes the document, comes before any approval and is recorded once, and a
correction is a new message; the check on the SHA-256 makes sure that an approval can never
count for another document than the one it was given for, whatever changes it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext

from crm.models import CAN_ACT_IN_OUTSITE, AdopterRule, ApproverRule, Contact, Organisation
from kvk.parser import parse_instance
from kvk.status import Status
from workflow import names
from workflow.models import ApprovalMessage, StatusEvent, WorkflowDefinition
from workflow.selectors import event_actor_name, with_contact_names

#: The audit action of an approval that does not (yet) move the message.
APPROVAL_GIVEN = "approval_given"
#: The audit action of the last approval of accounts filed as not adopted (art. 2:394 lid 2
#: BW, workflow.services.not_adopted).
APPROVED_NOT_ADOPTED = "approved_not_adopted"
#: The audit actions that are approvals by a person: the intermediate ones and the last.
APPROVAL_ACTIONS = (APPROVAL_GIVEN, "approved", APPROVED_NOT_ADOPTED)
#: The audit action of the client's rejection (30 -> 40).
REJECTED = "rejected"
#: The statuses past the client's decision: approved (and on the road to the KvK) or rejected.
DECIDED_STATUSES = frozenset(
    {
        Status.REJECTED,
        Status.APPROVED,
        Status.SENT_TO_KVK,
        Status.TRANSPORT_ERROR,
        Status.FILED,
        Status.REFUSED,
    }
)
#: The events that start a round of approvals: every entry into 30 from another status.
_ENTRIES = Q(to_status=Status.IN_REVIEW) & ~Q(from_status=Status.IN_REVIEW)


def approver_rule(message: ApprovalMessage) -> str:
    """The rule for this message: the organisation's, else its workflow's, else one contact."""
    if message.organisation.approver_rule:
        return message.organisation.approver_rule
    if message.workflow_id is not None and message.workflow is not None:
        return message.workflow.approver_rule
    return ApproverRule.ONE


def _contacts(organisation_ids: Iterable[int]) -> Any:
    """The contacts who can approve at all: portal access and a user."""
    return Contact.objects.filter(
        CAN_ACT_IN_OUTSITE, organisation_id__in=list(organisation_ids)
    ).order_by("name", "pk")


def _required(rule: str, organisation_id: int, contacts: Iterable[Contact], named: set) -> list:
    """The required approvers under ``rule`` among an organisation's ``contacts``; ``named``
    holds the ids of the contacts in its named set."""
    if rule == ApproverRule.DIRECTORS:
        return [c for c in contacts if c.organisation_id == organisation_id and c.is_director]
    return [c for c in contacts if c.organisation_id == organisation_id and c.pk in named]


def required_approvers(message: ApprovalMessage) -> list[Contact] | None:
    """The contacts who must all approve, in name order; None when one contact approves
    alone (``ApproverRule.ONE``). Only contacts with portal access and a user can approve."""
    return approvers_under(approver_rule(message), message.organisation)


def approvers_under(rule: str, organisation: Organisation) -> list[Contact] | None:
    """The contacts of ``organisation`` who must all approve under ``rule`` (None under
    one contact); an empty list means nobody can approve its messages."""
    if rule == ApproverRule.ONE:
        return None
    contacts = list(_contacts([organisation.pk]))
    named = set(organisation.approvers.values_list("pk", flat=True))
    return _required(rule, organisation.pk, contacts, named)


def nobody_can_approve(rule: str, organisation: Organisation) -> bool:
    """Whether no contact of ``organisation`` can approve its messages under ``rule``: under
    one contact, none has portal access and a login; under the others, nobody must approve
    (``approvers_under``)."""
    if rule == ApproverRule.ONE:
        return not _contacts([organisation.pk]).exists()
    return approvers_under(rule, organisation) == []


def _rule_is(rule: str, field: str = "approver_rule", default: str = ApproverRule.ONE) -> Q:
    """The messages whose rule ``field`` is ``rule``, as a filter: the organisation's, else
    its workflow's, else ``default`` (``approver_rule``, ``adopter_rule``)."""
    inherited = Q(**{f"organisation__{field}": ""})
    matches = Q(**{f"organisation__{field}": rule}) | (
        inherited & Q(**{f"workflow__{field}": rule})
    )
    if rule == default:
        matches |= inherited & Q(workflow__isnull=True)
    return matches


def nobody_can_approve_q() -> Q:
    """The messages waiting at 30 that nobody can approve (``nobody_can_approve`` under each
    message's rule, as a filter): no contact of the organisation can act in OutSite under
    one contact; no director who can under every director; no contact of the named set
    who can under the named set. They wait for nobody until the office gives a contact
    access to the client portal or changes the rule."""
    organisation = OuterRef("organisation_id")
    able = Contact.objects.filter(CAN_ACT_IN_OUTSITE, organisation_id=organisation)
    return Q(status=Status.IN_REVIEW) & (
        (_rule_is(ApproverRule.ONE) & ~Q(Exists(able)))
        | (_rule_is(ApproverRule.DIRECTORS) & ~Q(Exists(able.filter(is_director=True))))
        | (_rule_is(ApproverRule.NAMED) & ~Q(Exists(able.filter(approver_of=organisation))))
    )


def nobody_can_adopt_q() -> Q:
    """The messages waiting at 30 whose adoption is still to be recorded by a named adopter
    (``AdopterRule.NAMED`` under each message's ``adopter_rule``) who cannot record it
    (``can_adopt``: none named, a contact of another organisation, or one without portal
    access or a login), as a filter. Nobody may adopt them, and the approval follows the
    adoption: they wait for nobody until the office gives the named adopter access to the
    client portal or names another. ``nobody_can_adopt`` says the same of one message."""
    able = Contact.objects.filter(
        CAN_ACT_IN_OUTSITE,
        pk=OuterRef("organisation__adopter_id"),
        organisation_id=OuterRef("organisation_id"),
    )
    named = _rule_is(AdopterRule.NAMED, "adopter_rule", AdopterRule.APPROVER)
    return Q(status=Status.IN_REVIEW, adopted=False) & named & ~Q(Exists(able))


def nobody_can_adopt(message: ApprovalMessage) -> bool:
    """Whether ``message`` waits at 30 for an adoption its named adopter cannot record
    (``nobody_can_adopt_q``, for one message)."""
    return (
        message.status == Status.IN_REVIEW
        and not message.adopted
        and adopter_rule(message) == AdopterRule.NAMED
        and not can_adopt(message.organisation.adopter, message.organisation_id)
    )


@dataclass(frozen=True)
class Withdrawal:
    """What withdrawing a contact's portal access means for one message waiting at 30 of
    its organisation: whether the contact is one who can approve it (``approver``) or the
    named contact who records its adoption, not recorded yet (``adopter``: the one named,
    so nobody would be left to record it), and whether nobody would be left who can
    approve it (``nobody_approves``)."""

    message: ApprovalMessage
    approver: bool
    adopter: bool
    nobody_approves: bool


def _able(rule: str, organisation: Organisation) -> set[int]:
    """The ids of the contacts who can approve ``organisation``'s messages under ``rule``."""
    required = approvers_under(rule, organisation)
    contacts = _contacts([organisation.pk]) if required is None else required
    return {contact.pk for contact in contacts}


def withdrawal_effects(contact: Contact) -> list[Withdrawal]:
    """The messages of ``contact``'s organisation waiting at 30 that it can approve or whose
    adoption it records (the named adopter), oldest first, each with whether nobody would
    be left who can once its portal access is withdrawn. Nothing for a contact who cannot
    act in OutSite now."""
    if not (contact.portal_access and contact.user_id is not None):
        return []
    organisation = contact.organisation
    waiting = (
        ApprovalMessage.objects.filter(organisation=organisation, status=Status.IN_REVIEW)
        .select_related("organisation", "workflow")
        .defer("document", "received_document")
        .order_by("created_at", "pk")
    )
    able: dict[str, set[int]] = {}
    effects = []
    for message in waiting:
        rule = approver_rule(message)
        if rule not in able:
            able[rule] = _able(rule, organisation)
        approver = contact.pk in able[rule]
        # An adoption recorded already is not asked of anyone again.
        adopter = (
            adopter_rule(message) == AdopterRule.NAMED
            and organisation.adopter_id == contact.pk
            and not message.adopted
        )
        if approver or adopter:
            effects.append(
                Withdrawal(
                    message=message,
                    approver=approver,
                    adopter=adopter,
                    nobody_approves=approver and not able[rule] - {contact.pk},
                )
            )
    return effects


def adopter_rule(message: ApprovalMessage) -> str:
    """Who records the adoption: the organisation's rule, else its workflow's, else
    whoever must approve."""
    if message.organisation.adopter_rule:
        return message.organisation.adopter_rule
    if message.workflow_id is not None and message.workflow is not None:
        return message.workflow.adopter_rule
    return AdopterRule.APPROVER


@dataclass(frozen=True)
class Adopter:
    """Who may record the adoption of a message. ``name`` is the one named contact, or
    empty when whoever must approve may; ``missing`` says nobody may: the rule names one
    contact but the organisation has none (with portal access), or nobody must approve."""

    may: bool
    name: str = ""
    missing: bool = False


def can_adopt(contact: Contact | None, organisation_id: int) -> bool:
    """Whether a named adopter can record the adoption: a contact of this organisation
    (a contact moved to another organisation since it was named is not) with portal access
    and a user."""
    return (
        contact is not None
        and contact.organisation_id == organisation_id
        and contact.portal_access
        and contact.user_id is not None
    )


def adopter(message: ApprovalMessage, user_id: int | None) -> Adopter:
    """Whether the user with ``user_id`` may record the adoption. Under the named rule
    only the organisation's adopter may; otherwise any required approver (or, when one
    contact approves alone, any client user of the organisation, checked by the service)."""
    if adopter_rule(message) == AdopterRule.NAMED:
        contact = message.organisation.adopter
        if not can_adopt(contact, message.organisation_id):
            return Adopter(may=False, missing=True)
        assert contact is not None  # can_adopt said so
        return Adopter(may=contact.user_id == user_id, name=contact.name)
    required = required_approvers(message)
    if required is None:
        return Adopter(may=True)
    if not required:
        return Adopter(may=False, missing=True)
    return Adopter(may=any(c.user_id == user_id for c in required))


def named_adopter(message: ApprovalMessage, user_id: int | None) -> Adopter | None:
    """For a mail asking a client to review ``message`` (the request, the reminders): under
    the named rule (AdopterRule.NAMED), whether the reader with ``user_id`` records the
    adoption and, when not, who does; None under any other rule, and the mail asks every
    reader to adopt."""
    if adopter_rule(message) != AdopterRule.NAMED:
        return None
    return adopter(message, user_id)


def adoption_arranged(adopter: Adopter | None) -> str:
    """For a client asked to review a message whose adoption is not recorded yet (the
    review request, the reminders, the status line of the message's page), with ``adopter``
    from ``named_adopter`` or ``adopter``: when nobody can record the adoption
    (``missing``: the named adopter is none, has no portal access or no login), the
    sentence saying that the accountant first arranges who does, instead of asking the
    reader to tick "Jaarrekening vastgesteld", which OutSite refuses (staff see
    ``nobody_can_adopt`` on their attention list); "" otherwise. Call it with the reader's
    language active."""
    if adopter is None or not adopter.missing:
        return ""
    return gettext(
        "Uw accountant regelt eerst wie de vaststelling van de jaarrekening vastlegt; "
        "daarna kunt u goedkeuren."
    )


#: The columns of the events that decide which approvals count.
_EVENT_COLUMNS = ("message_id", "action", "from_status", "to_status", "actor_user_id")


def _events_query(message_ids: Sequence[int]) -> Any:
    """The approvals and the entries into 30 of these messages, in sequence order."""
    return (
        StatusEvent.objects.filter(message_id__in=list(message_ids))
        .filter(_ENTRIES | Q(action__in=APPROVAL_ACTIONS))
        .order_by("sequence")
        .values(*_EVENT_COLUMNS, "document_sha256", "created_at")
    )


def _count(events: Iterable[dict], document_sha256: str) -> dict[int, datetime]:
    """Walk one message's events: an entry into 30 starts a new round; an approval counts
    when it was given for ``document_sha256``. Returns user id -> first approval moment."""
    given: dict[int, datetime] = {}
    for event in events:
        if _starts_round(event["from_status"], event["to_status"]):
            given = {}
        elif (
            _is_approval(event["action"], event["actor_user_id"])
            and event["document_sha256"] == document_sha256
        ):
            given.setdefault(event["actor_user_id"], event["created_at"])
    return given


def _starts_round(from_status: int | None, to_status: int) -> bool:
    """An entry into 30 from another status (``_ENTRIES``): a new round of approvals."""
    return to_status == Status.IN_REVIEW and from_status != Status.IN_REVIEW


def _is_approval(action: str, user_id: int | None) -> bool:
    """An approval by a person (not the system)."""
    return action in APPROVAL_ACTIONS and user_id is not None


def approvals_given(message: ApprovalMessage) -> dict[int, datetime]:
    """The approvals that count for the message's current document: user id -> when."""
    return _count(_events_query([message.pk]), message.document_sha256)


@dataclass(frozen=True)
class Approver:
    """A required approver as the pages show them: the name, and when they approved."""

    name: str
    user_id: int
    approved_at: datetime | None = None


@dataclass(frozen=True)
class ApprovalProgress:
    """Where the approvals of a message stand ("2 van 3 goedgekeurd"). ``decided`` says it
    is the record of a message past the client's decision (``recorded_progress``): who
    approved then, and who rejected it (``rejected_by``, ``rejected_at``)."""

    approved: list[Approver]
    pending: list[Approver]
    decided: bool = False
    rejected_by: str = ""
    rejected_at: datetime | None = None

    @property
    def total(self) -> int:
        return len(self.approved) + len(self.pending)

    @property
    def count(self) -> int:
        return len(self.approved)

    def has_approved(self, user_id: int | None) -> bool:
        return any(approver.user_id == user_id for approver in self.approved)


def _progress(required: Iterable[Contact], given: dict[int, datetime]) -> ApprovalProgress:
    approved: list[Approver] = []
    pending: list[Approver] = []
    for contact in required:
        assert contact.user_id is not None  # _contacts keeps contacts with a user
        at = given.get(contact.user_id)
        approver = Approver(name=contact.name, user_id=contact.user_id, approved_at=at)
        (pending if at is None else approved).append(approver)
    return ApprovalProgress(approved=approved, pending=pending)


def approval_progress(message: ApprovalMessage) -> ApprovalProgress | None:
    """The progress of several approvers; None when one contact approves alone. Past the
    client's decision it is what was recorded then (``recorded_progress``), not what the
    organisation's rule and contacts of today would ask."""
    if message.status in DECIDED_STATUSES:
        return recorded_progress(message)
    required = required_approvers(message)
    if required is None:
        return None
    return _progress(required, approvals_given(message))


def _decision_round(message: ApprovalMessage) -> list[StatusEvent]:
    """The events of the round that ended in the client's decision: the approvals and the
    rejection since the message last entered 30, oldest first, with who gave them."""
    events = with_contact_names(
        StatusEvent.objects.filter(message_id=message.pk).filter(
            _ENTRIES | Q(action__in=(*APPROVAL_ACTIONS, REJECTED))
        ),
        message.organisation_id,
    ).order_by("sequence")
    round_: list[StatusEvent] = []
    for event in events:
        if _starts_round(event.from_status, event.to_status):
            round_ = []
        else:
            round_.append(event)
    return round_


def recorded_progress(message: ApprovalMessage) -> ApprovalProgress | None:
    """Who approved a message past the client's decision, read from its audit trail (the
    approvals of its document in the round that ended in the decision, in the order they
    were given) and who rejected it; never from today's rule and contacts, which may have
    changed since. None when one person approved alone (no ``approval_given`` and no
    rejection on record): the trail cannot tell one contact from one required approver,
    and "1 van 1" says nothing the timeline does not."""
    round_ = _decision_round(message)
    if not any(event.action in (APPROVAL_GIVEN, REJECTED) for event in round_):
        return None
    approved: dict[int, Approver] = {}
    rejection = next((event for event in round_ if event.action == REJECTED), None)
    for event in round_:
        user_id = event.actor_user_id
        if (
            _is_approval(event.action, user_id)
            and event.document_sha256 == message.document_sha256
            and user_id not in approved
        ):
            assert user_id is not None  # _is_approval said so
            approved[user_id] = Approver(_name(event), user_id, event.created_at)
    return ApprovalProgress(
        approved=list(approved.values()),
        pending=[],
        decided=True,
        rejected_by=_name(rejection) if rejection is not None else "",
        rejected_at=rejection.created_at if rejection is not None else None,
    )


def _name(event: StatusEvent) -> str:
    """The name of who gave an approval or the rejection, as the timeline names them."""
    return event_actor_name(event)


def _rules(messages: Sequence[ApprovalMessage]) -> dict[int, str]:
    """Each message's rule, with one query for the workflows' settings."""
    workflow_ids = {m.workflow_id for m in messages if m.workflow_id is not None}
    by_workflow = dict(
        WorkflowDefinition.objects.filter(pk__in=workflow_ids).values_list("pk", "approver_rule")
    )
    return {
        m.pk: m.organisation.approver_rule
        or (by_workflow.get(m.workflow_id, ApproverRule.ONE) if m.workflow_id else ApproverRule.ONE)
        for m in messages
    }


def approval_progress_many(messages: Iterable[ApprovalMessage]) -> dict[int, ApprovalProgress]:
    """The progress of the messages with several approvers, by message id, in four queries
    however many messages (for lists). Messages whose one contact approves alone are left
    out. The messages come with their organisation."""
    rows = list(messages)
    rules = _rules(rows)
    several = [m for m in rows if rules[m.pk] != ApproverRule.ONE]
    if not several:
        return {}
    organisation_ids = {m.organisation_id for m in several}
    contacts = list(_contacts(organisation_ids))
    named = set(
        Organisation.approvers.through.objects.filter(
            organisation_id__in=organisation_ids
        ).values_list("contact_id", flat=True)
    )
    events: dict[int, list[dict]] = {}
    for event in _events_query([m.pk for m in several]):
        events.setdefault(event["message_id"], []).append(event)
    return {
        m.pk: _progress(
            _required(rules[m.pk], m.organisation_id, contacts, named),
            _count(events.get(m.pk, []), m.document_sha256),
        )
        for m in several
    }


#: The code of the finding that the filing's signatories are not the required approvers.
SIGNATORIES_DIFFER = "approvers_signatories"


def signatory_difference(message: ApprovalMessage) -> dict[str, str] | None:
    """A finding (warning) while the message waits at 30 when the directors who sign the
    filing (kvk.parser signatories()) are not the required approvers by name: one of them
    would approve accounts signed by someone else, or a signing director is not asked.
    Names agree as ``workflow.names`` says: "J. de Vries" signs for "Jan de Vries".
    None under one contact, when the names agree, or when the document cannot be read."""
    if message.status != Status.IN_REVIEW:
        return None
    required = required_approvers(message)
    if not required:
        return None
    try:
        people = parse_instance(bytes(message.document)).signatories()
    except ValueError:  # XbrlParseError included
        return None
    signing = [p.name for p in people if not p.supervisory]
    approving = [c.name for c in required]
    pairs = names.pair(signing, approving)
    if len(pairs) == len(signing) == len(approving):
        return None
    paired = set(pairs.values())
    unsigned = ", ".join(n for j, n in enumerate(approving) if j not in paired) or "–"
    unasked = ", ".join(n for i, n in enumerate(signing) if i not in pairs) or "–"
    return {
        "code": SIGNATORIES_DIFFER,
        "severity": "warning",
        "message_nl": "De bestuurders die de jaarrekening ondertekenen zijn niet de personen "
        f"die moeten goedkeuren. Moet goedkeuren maar ondertekent niet: {unsigned}. "
        f"Ondertekent maar hoeft niet goed te keuren: {unasked}.",
        "message_en": "The directors who sign the annual accounts are not the people who "
        f"must approve them. Must approve but does not sign: {unsigned}. "
        f"Signs but is not asked to approve: {unasked}.",
    }
