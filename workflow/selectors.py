"""Reads of approval messages for the portals: scoped to the user, and the timeline.

Who may see what is decided by crm.permissions (staff: the organisations of their own
accountancy environment; client users: the organisations they are a contact of) plus one
workflow rule: a message waiting for the accountant's review is not shown to the client yet.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery
from django.utils.translation import gettext_lazy as _

from crm import permissions
from crm.models import Contact
from kvk import formulas, sizeclass
from kvk import taxonomy as tx
from kvk.parser import ParsedInstance, parse_instance
from kvk.status import Status, status_label
from workflow.models import Actor, ApprovalMessage, Comment, StatusEvent, client_may_see
from workflow.reasons import (
    VERSION_SUPERSEDED,
    another_company,
    in_plain_words,
    refused_by_digipoort,
    status_words,
    superseded,
)


def superseded_q() -> Q:
    """The messages a newer version of their year closed (30, or 70 for an old KvK number,
    -> 25): their status keeps the code 25 and reads "Vervangen door een nieuwere versie"
    (``ApprovalMessage.superseded``). Told in a query by the audit event every closing
    writes (``VERSION_SUPERSEDED``, workflow.services.versions)."""
    closed = StatusEvent.objects.filter(message=OuterRef("pk"), action=VERSION_SUPERSEDED)
    return Q(status=Status.PROCESSING_FAILED) & Q(Exists(closed))


#: The audit actions as the timeline names them.
ACTION_LABELS = {
    "received": _("Bericht ontvangen"),
    "claimed": _("Verwerking gestart"),
    "processing_failed": _("Verwerking mislukt"),
    "copy_closed": _("Gesloten als kopie van een bericht met hetzelfde document"),
    "version_superseded": _("Gesloten: vervangen door een nieuwere versie"),
    "workflow_started": _("Aangeboden in de workflow"),
    "accountant_reviewed": _("Beoordeeld door de accountant"),
    "adopted": _("Jaarrekening vastgesteld"),
    "approved": _("Goedgekeurd"),
    "approved_not_adopted": _(
        "Goedgekeurd als niet vastgestelde jaarrekening (art. 2:394 lid 2 BW)"
    ),
    "approval_given": _("Goedgekeurd door een van de goedkeurders"),
    "rejected": _("Afgekeurd"),
    "repaired": _("Teruggezet in de workflow"),
    "delivered": _("Afgeleverd bij Digipoort"),
    "delivery_found": _("Eerdere aflevering gevonden bij Digipoort; niet opnieuw verzonden"),
    "transport_error": _("Fout bij verzenden naar KvK"),
    "filed": _("Gedeponeerd bij KvK"),
    "refused_by_kvk": _("Afgekeurd door KvK"),
    "size_class_overridden": _("Waarschuwing grootteklasse terzijde gelegd"),
    "kvk_attention": _("Vraagt aandacht"),
    "resend": _("Opnieuw verzonden door een medewerker"),
    "resend_checked": _("Niet afgeleverd volgens Digipoort; opnieuw verzonden door een medewerker"),
    "delivery_recorded": _("Aflevering bij Digipoort vastgelegd door een medewerker"),
    "attention_acknowledged": _("Aandachtspunt afgehandeld door een medewerker"),
    "attention_reopened": _("Weer op de aandachtslijst gezet door een medewerker"),
}

#: Audit actions that are notes for the staff: a client's timeline and the client API leave
#: them out (a "kvk_attention" event carries Digipoort's raw answer, an
#: "attention_acknowledged" one the staff's note about it, an "attention_reopened" its undo).
STAFF_ONLY_ACTIONS = frozenset({"kvk_attention", "attention_acknowledged", "attention_reopened"})

#: The code prefix of the parser's refusals (kvk.parser.XbrlParseError): a document it will
#: not read gets none of the KvK's rules.
UNREADABLE_PREFIX = "DEP-PARSE-"


def filing_rules_ran(message: ApprovalMessage) -> bool:
    """Whether processing ran the KvK's filing rules on the message's document, so that its
    ``findings`` (empty or not) are their outcome.

    Processing writes the findings as it ends at 25 or 30 (finish_processing), an empty list
    both when the rules found nothing and when they never ran. They never ran before
    processing (10, 20), nor at 25 when processing stopped before them
    (connectors.services._examine): a document the parser refused (DEP-PARSE-...) or
    another company's (kvk_number_not_yours). The reasons of a 25 say which. A message
    that entered the workflow (30 and on) passed them all."""
    if message.status < Status.PROCESSING_FAILED:
        return False
    if message.status != Status.PROCESSING_FAILED:
        return True
    reasons = message.reasons if isinstance(message.reasons, list) else []
    unreadable = any(
        isinstance(r, dict) and str(r.get("code", "")).startswith(UNREADABLE_PREFIX)
        for r in reasons
    )
    return not unreadable and not another_company(reasons)


def formulas_ran(message: ApprovalMessage) -> bool:
    """Whether the filing rules that ran (``filing_rules_ran``) included the taxonomy's own
    formulas: kvk.formulas runs them only for an entry point whose formula linkbases the
    NT19 extract records (``formulas.applies``)."""
    found = tx.lookup_entry_point(message.entry_point)
    return filing_rules_ran(message) and found is not None and formulas.applies(found[1])


#: The audit action of workflow.services.override_size_class_warning.
SIZE_CLASS_OVERRIDDEN = "size_class_overridden"

ACTOR_KIND_LABELS = {
    Actor.Kind.STAFF: _("medewerker"),
    Actor.Kind.CLIENT_USER: _("cliënt"),
    Actor.Kind.CLIENT_TOKEN: _("administratie van de cliënt"),
    Actor.Kind.SYSTEM: _("systeem"),
}

#: The role a timeline names next to a person ("Jan de Vries (kantoor)").
ACTOR_ROLES = {
    Actor.Kind.STAFF: _("kantoor"),
    Actor.Kind.CLIENT_USER: _("cliënt"),
}

#: The roles as a client reads them: the accountant's people are "uw accountant"; the
#: client's own people need no role (never the third person about the reader).
CLIENT_ACTOR_ROLES = {Actor.Kind.STAFF: _("uw accountant")}

#: Where a message stands, as its client reads it (the pages and the e-mail): no code, no
#: third person about the reader ("door cliënt"), no portal, workflow or Digipoort; the
#: staff read the status code and its label (kvk.status.Status).
CLIENT_STATUS: dict[int, Any] = {
    Status.RECEIVED: _("Ontvangen door uw accountant"),
    Status.PROCESSING: _("Wordt verwerkt"),
    Status.PROCESSING_FAILED: _("Niet in behandeling genomen"),
    Status.IN_REVIEW: _("Wacht op uw beoordeling"),
    Status.REJECTED: _("Afgekeurd bij de beoordeling"),
    Status.APPROVED: _("Goedgekeurd; wordt verzonden naar de KvK"),
    Status.SENT_TO_KVK: _("Verzonden naar de KvK"),
    Status.TRANSPORT_ERROR: _("Verzenden naar de KvK vertraagd; uw accountant volgt het op"),
    Status.FILED: _("Gedeponeerd bij de KvK"),
    Status.REFUSED: _("Afgekeurd door de KvK"),
}

#: The audit actions a client reads in other words than the staff (ACTION_LABELS).
CLIENT_ACTION_LABELS = {
    "workflow_started": _("Klaargezet voor uw beoordeling"),
    "accountant_reviewed": _("Beoordeeld door uw accountant"),
    "repaired": _("Teruggezet voor een nieuwe beoordeling"),
    "delivered": _("Verzonden naar de KvK"),
    "delivery_found": _("Verzonden naar de KvK"),
    "transport_error": _("Verzenden naar de KvK vertraagd"),
    "resend": _("Opnieuw verzonden naar de KvK"),
    "resend_checked": _("Opnieuw verzonden naar de KvK"),
    "delivery_recorded": _("Aankomst bij de KvK bevestigd door uw accountant"),
    # As the client reads the status (CLIENT_STATUS): "bij de KvK", "door de KvK".
    "filed": _("Gedeponeerd bij de KvK"),
    "refused_by_kvk": _("Afgekeurd door de KvK"),
}


#: A 90 that Digipoort's own check refused, before the KvK received it, as a client reads it.
REFUSED_BY_DIGIPOORT = _("Afgekeurd bij de controle door Digipoort")


def client_status(status: int, reasons: Any = None) -> str:
    """Where a message stands, as its client reads it (CLIENT_STATUS); with its ``reasons``,
    a 25 that a newer version closed reads as replaced, not as refused, and a 90 as refused
    by whoever refused it."""
    if status == Status.REFUSED and refused_by_digipoort(reasons):
        return str(REFUSED_BY_DIGIPOORT)
    phrase = CLIENT_STATUS.get(status)
    if phrase is None or superseded(reasons):
        return status_words(status, reasons)
    return str(phrase)


def repair_reason(message: ApprovalMessage) -> str:
    """Why the staff put the message back into the workflow after the client rejected it
    (the reason of its "repaired" event, workflow.services.repair), while it waits at 30
    since; '' otherwise."""
    if message.status != Status.IN_REVIEW:
        return ""
    arrival = (
        message.events.filter(to_status=Status.IN_REVIEW)
        .exclude(from_status=Status.IN_REVIEW)
        .order_by("-sequence")
        .only("action", "reasons")
        .first()
    )
    if arrival is None or arrival.action != "repaired":
        return ""
    return _written(arrival)


def _written(event: StatusEvent) -> str:
    """The words a person wrote with an audit event (a reason, a note): its first reason's
    message."""
    return next((str(r.get("message", "")) for r in event.reasons if isinstance(r, dict)), "")


@dataclass(frozen=True)
class HandledNote:
    """A staff member's "Afgehandeld" (workflow.services.attention): who, when, and why."""

    by: str
    at: datetime
    note: str


def attention_handled(message: ApprovalMessage) -> HandledNote | None:
    """The "Afgehandeld" that holds now, from its audit event; None while the message is
    not marked handled."""
    if message.attention_acknowledged_at is None:
        return None
    event = (
        message.events.filter(action="attention_acknowledged")
        .select_related("actor_user")
        .order_by("-sequence")
        .first()
    )
    if event is None:
        return None
    return HandledNote(by=event_actor_name(event), at=event.created_at, note=_written(event))


def actor_words(
    kind: str, label: str = "", user: Any = None, contact_name: str = "", *, staff: bool = True
) -> tuple[str, str]:
    """Who did something, in words: (name, role). The system is "Automatische verwerking",
    the client's bookkeeping (a client token) "Boekhouding van de cliënt" ("Uw boekhouding"
    to the client); a person is named by full name (a client by ``contact_name``, the name
    of its contact at the message's organisation, see ``with_contact_names``), else by user
    name, with the role as the reader (``staff`` or not) reads it, unless the name already
    says it (a shared staff login "kantoor" is not "kantoor (kantoor)")."""
    if kind == Actor.Kind.SYSTEM:
        return str(_("Automatische verwerking")), ""
    if kind == Actor.Kind.CLIENT_TOKEN:
        return str(_("Boekhouding van de cliënt") if staff else _("Uw boekhouding")), ""
    name = ""
    if user is not None:
        contact = contact_name if kind == Actor.Kind.CLIENT_USER else ""
        name = contact or user.get_full_name() or user.get_username()
    name = name or label
    role = str((ACTOR_ROLES if staff else CLIENT_ACTOR_ROLES).get(kind, ""))
    if not name:
        fallback = {Actor.Kind.STAFF: _("Een medewerker"), Actor.Kind.CLIENT_USER: _("De cliënt")}
        return str(fallback.get(kind, kind)), ""
    if name.casefold() == role.casefold():
        return name, ""
    return name, role


def contact_name(user_field: str, organisation: int | Any) -> Subquery:
    """The name of the contact the user in ``user_field`` is at ``organisation`` (an id, or
    an ``OuterRef`` to the row's organisation), as a subquery: one person may be the contact
    of several organisations, each under the name that organisation knows them by."""
    contacts = Contact.objects.filter(user_id=OuterRef(user_field), organisation_id=organisation)
    return Subquery(contacts.values("name")[:1])


def with_contact_names(
    events: QuerySet[StatusEvent], organisation_id: int
) -> QuerySet[StatusEvent]:
    """Audit events of one organisation's messages with ``contact_name``: the acting client
    user's contact there (empty for staff, tokens and the system)."""
    return events.select_related("actor_user").annotate(
        contact_name=contact_name("actor_user_id", organisation_id)
    )


def event_contact_name(row: Any) -> str:
    """The ``contact_name`` an event or comment came with (``with_contact_names``), or ''."""
    return getattr(row, "contact_name", None) or ""


def event_actor_name(event: StatusEvent) -> str:
    """Who did an audit event, by name (see ``actor_words``); the event may come with its
    ``contact_name`` (``with_contact_names``)."""
    return actor_words(
        event.actor_kind, event.actor_label, event.actor_user, event_contact_name(event)
    )[0]


def visible_messages(user: Any) -> QuerySet[ApprovalMessage]:
    """The messages this user may see (none for anyone else)."""
    organisations = permissions.visible_organisations(user)
    messages = ApprovalMessage.objects.filter(organisation__in=organisations)
    if permissions.staff_member(user) is None:
        messages = messages.exclude(Q(status=Status.IN_REVIEW) & Q(awaiting_accountant_review=True))
    return messages.select_related("organisation")


def message_for(user: Any, pk: int) -> ApprovalMessage | None:
    """One message if this user may see it; None otherwise (answer 404, not 403)."""
    return visible_messages(user).filter(pk=pk).first()


def may_see(user: Any, message: ApprovalMessage) -> bool:
    if permissions.is_staff_of(user, message.organisation):
        return True
    return permissions.is_client_of(user, message.organisation) and client_may_see(message)


@dataclass(frozen=True)
class TimelineEntry:
    """One line of a message's timeline: an audit event or a comment."""

    kind: str  # "event" or "comment"
    at: datetime
    title: Any  # a lazily translated label
    actor_label: str
    actor_kind: str
    actor_kind_label: Any
    actor_name: str = ""  # in words, see actor_words
    actor_role: str = ""
    from_status: int | None = None
    to_status: int | None = None
    from_label: str = ""
    to_label: str = ""
    reasons: list[dict[str, str]] = field(default_factory=list)
    document_sha256: str = ""
    ip_address: str | None = None
    text: str = ""
    sequence: int | None = None

    @property
    def changes_status(self) -> bool:
        return self.kind == "event" and self.from_status != self.to_status


def _event_title(event: StatusEvent, labels: dict[str, Any]) -> Any:
    """What the timeline calls an audit event: its action's label, except for a 90 that
    Digipoort's own check refused before the KvK received the document (311): that is no
    refusal by the KvK, as the status line and the mail say too."""
    if event.action == "refused_by_kvk" and refused_by_digipoort(event.reasons):
        return REFUSED_BY_DIGIPOORT
    return labels.get(event.action, event.action)


def timeline(message: ApprovalMessage, *, for_staff: bool = False) -> list[TimelineEntry]:
    """The audit events and comments of a message, oldest first.

    IP addresses, staff-only events and the technical detail of reasons are shown to staff
    only. Two queries, whatever the length.
    """
    entries: list[TimelineEntry] = []
    events = with_contact_names(
        StatusEvent.objects.filter(message=message), message.organisation_id
    ).order_by("sequence")
    if not for_staff:
        events = events.exclude(action__in=STAFF_ONLY_ACTIONS)
    for event in events:
        name, role = actor_words(
            event.actor_kind,
            event.actor_label,
            event.actor_user,
            event_contact_name(event),
            staff=for_staff,
        )
        labels = ACTION_LABELS if for_staff else {**ACTION_LABELS, **CLIENT_ACTION_LABELS}
        entries.append(
            TimelineEntry(
                kind="event",
                at=event.created_at,
                title=_event_title(event, labels),
                actor_label=event.actor_label,
                actor_kind=event.actor_kind,
                actor_kind_label=ACTOR_KIND_LABELS.get(event.actor_kind, event.actor_kind),
                actor_name=name,
                actor_role=role,
                from_status=event.from_status,
                to_status=event.to_status,
                from_label=status_label(event.from_status) if event.from_status else "",
                to_label=status_words(event.to_status, event.reasons)
                if for_staff
                else client_status(event.to_status, event.reasons),
                reasons=list(event.reasons or [])
                if for_staff
                else in_plain_words(event.reasons or []),
                document_sha256=event.document_sha256,
                ip_address=event.ip_address if for_staff else None,
                sequence=event.sequence,
            )
        )
    comments = (
        Comment.objects.filter(message=message)
        .select_related("author")
        .annotate(contact_name=contact_name("author_id", message.organisation_id))
    )
    for comment in comments:
        name, role = actor_words(
            comment.author_kind,
            user=comment.author,
            contact_name=event_contact_name(comment),
            staff=for_staff,
        )
        entries.append(
            TimelineEntry(
                kind="comment",
                at=comment.created_at,
                title=_("Opmerking"),
                actor_label=comment.author.get_username(),
                actor_kind=comment.author_kind,
                actor_kind_label=ACTOR_KIND_LABELS.get(comment.author_kind, comment.author_kind),
                actor_name=name,
                actor_role=role,
                text=comment.text,
            )
        )
    entries.sort(key=lambda entry: (entry.at, entry.kind == "comment"))
    return entries


def size_class_check(message: ApprovalMessage) -> sizeclass.SizeCheck | None:
    """Do the figures in the message's document support the size class it declares (art.
    2:395a and 2:396 BW, kvk.sizeclass)? None when the document cannot be read.

    The accountant's side sees only the instance: the balance-sheet total (Assets) and,
    where the profit and loss has it (micro), the net turnover (NetRevenue). The average
    number of employees is not in the instance (NT19's concept is not in the extract, see
    kvk.sizeclass), nor is klein's net turnover: those are unknown here, and the check
    says so."""
    try:
        instance = parse_instance(bytes(message.document))
        statements = instance.statements()
    except ValueError:  # XbrlParseError included: a document that failed processing
        return None
    return sizeclass.check_statements(statements, declared=_declared_size(instance))


def _declared_size(instance: ParsedInstance) -> str | None:
    """The size class the document states (kvk-i:LegalSizeCriteriaClassification...): a
    klein filing may state "Micro"; None when it states none."""
    by_value = {value: size for size, value in tx.SIZE_VALUES.items()}
    for qname in tx.SIZE_CONCEPTS.values():
        value = instance.first_value(qname.partition(":")[2])
        if value in by_value:
            return by_value[value]
    return None


def size_class_override(message: ApprovalMessage) -> StatusEvent | None:
    """The audit event of the accountant's override of the size-class warning, if any."""
    return (
        StatusEvent.objects.filter(message=message, action=SIZE_CLASS_OVERRIDDEN)
        .order_by("-sequence")
        .first()
    )


@dataclass(frozen=True)
class AdoptionBounds:
    """What limits the adoption date of a message's accounts: the accounts are adopted after
    the financial year has ended and after the directors signed them (art. 2:101 lid 1-2
    BW: the board draws up and signs, the general meeting then adopts)."""

    period_end: date | None
    signed_on: date | None


def adoption_bounds(message: ApprovalMessage) -> AdoptionBounds:
    """The year end and the latest signing date the received document states."""
    try:
        instance = parse_instance(bytes(message.received_document))
    except ValueError:
        return AdoptionBounds(None, None)
    dates = [person.signed_on for person in instance.signatories() if person.signed_on]
    return AdoptionBounds(instance.period_end, max(dates) if dates else None)


# --- the client's questions that wait for the staff ------------------------------------------


@dataclass(frozen=True)
class OpenQuestion:
    """A message on which a client's comments wait for the staff: ``latest`` is the newest
    of them, ``count`` how many there are, ``asked_by`` who asked (in words)."""

    message: ApprovalMessage
    latest: Comment
    count: int
    asked_by: str


def unanswered(messages: QuerySet[ApprovalMessage]) -> QuerySet[ApprovalMessage]:
    """The messages whose newest client comment came after the staff's last comment (or
    no staff member commented yet), newest question first: the open client questions the
    dashboard counts and the InSite list's "Wacht op: een antwoord aan de cliënt" shows."""
    comments = Comment.objects.filter(message=OuterRef("pk")).order_by("-created_at", "-pk")
    asked = Comment.objects.filter(author_kind=Actor.Kind.CLIENT_USER).values("message_id")
    return (
        messages.filter(pk__in=asked)  # the subqueries below only for messages with a question
        .annotate(
            question_at=Subquery(
                comments.filter(author_kind=Actor.Kind.CLIENT_USER).values("created_at")[:1]
            ),
            replied_at=Subquery(
                comments.filter(author_kind=Actor.Kind.STAFF).values("created_at")[:1]
            ),
        )
        .filter(question_at__isnull=False)
        .filter(Q(replied_at__isnull=True) | Q(question_at__gt=F("replied_at")))
        .order_by("-question_at", "-pk")
    )


def open_client_questions(
    messages: QuerySet[ApprovalMessage], *, limit: int = 10
) -> tuple[list[OpenQuestion], int]:
    """The client questions that wait for the staff among ``messages``, newest first, at most
    ``limit`` messages, and how many messages have one in all.

    A client's comment is open until a staff member comments on the same message after it
    (the reply closes every question before it); a new comment of the client opens it
    again. Three queries, whatever the number of comments (the caller may defer the
    messages' heavy fields).
    """
    waiting = unanswered(messages)
    rows = list(waiting.select_related("organisation")[:limit])
    replied_at = {row.pk: getattr(row, "replied_at", None) for row in rows}  # annotated
    by_message: dict[int, list[Comment]] = {row.pk: [] for row in rows}
    comments = (
        Comment.objects.filter(message_id__in=by_message, author_kind=Actor.Kind.CLIENT_USER)
        .select_related("author")
        .annotate(contact_name=contact_name("author_id", OuterRef("message__organisation_id")))
        .order_by("created_at", "pk")
    )
    for comment in comments:
        reply = replied_at[comment.message_id]
        if reply is None or comment.created_at > reply:  # after the staff's last comment
            by_message[comment.message_id].append(comment)
    questions = []
    for row in rows:
        open_ones = by_message[row.pk]
        if open_ones:
            latest = open_ones[-1]
            name, _role = actor_words(
                latest.author_kind,
                user=latest.author,
                contact_name=event_contact_name(latest),
            )
            questions.append(OpenQuestion(row, latest, len(open_ones), name))
    return questions, waiting.count()
