"""The audit trail across the messages of one accountancy environment (InSite "Activiteit"):
who did what, when, on which organisation's message, newest first.

Reads only: workflow.services writes the events (one per action, append-only). The page and
its CSV export read the same rows, so both say the same.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import F, OuterRef, Q, QuerySet

from crm.models import Identification
from kvk.search import name_match, number_text
from kvk.status import status_label
from workflow.models import StatusEvent
from workflow.reasons import sentence
from workflow.selectors import ACTION_LABELS, actor_words, contact_name, event_contact_name


@dataclass(frozen=True)
class EventFilter:
    """What the list narrows to; every filter given narrows it further."""

    since: datetime | None = None
    until: datetime | None = None  # exclusive
    #: A part of the organisation's name (kvk.search.name_match) or of its KvK number.
    organisation: str = ""
    #: An Actor.Kind; with ``actor_user_id`` one staff member.
    actor_kind: str = ""
    actor_user_id: int | None = None
    action: str = ""


def environment_events(environment_id: int, filters: EventFilter) -> QuerySet[StatusEvent]:
    """The audit events of the messages of the organisations of one environment (another
    environment's never), filtered, newest first.

    A fixed number of queries however many rows are read: the organisation comes with a
    join, its KvK number with one prefetch, the message's financial year and the acting
    client's contact name (at the event's organisation) in the same statement."""
    events = StatusEvent.objects.filter(organisation__environment_id=environment_id)
    if filters.since is not None:
        events = events.filter(created_at__gte=filters.since)
    if filters.until is not None:
        events = events.filter(created_at__lt=filters.until)
    text = filters.organisation.strip()
    if text:
        numbers = Identification.objects.filter(
            environment_id=environment_id,
            kind=Identification.Kind.KVK,
            value__icontains=number_text(text),
        )
        events = events.filter(
            name_match(text, "organisation__")
            | Q(organisation_id__in=numbers.values("organisation_id"))
        )
    if filters.actor_kind:
        events = events.filter(actor_kind=filters.actor_kind)
    if filters.actor_user_id is not None:
        events = events.filter(actor_user_id=filters.actor_user_id)
    if filters.action:
        events = events.filter(action=filters.action)
    return (
        events.select_related("organisation", "actor_user")
        .prefetch_related("organisation__identifications")
        .annotate(
            financial_year=F("message__financial_year"),
            contact_name=contact_name("actor_user_id", OuterRef("organisation_id")),
        )
        .order_by("-created_at", "-pk")
    )


@dataclass(frozen=True)
class ActivityRow:
    """One audit event as the list shows it (``event`` from ``environment_events``)."""

    event: StatusEvent
    actor_name: str
    actor_role: str
    title: str
    #: The first reason of the event in words (the client's reason for a rejection, the
    #: staff's note, why sending failed); '' when it has none.
    reason: str

    @property
    def changes_status(self) -> bool:
        return self.event.from_status != self.event.to_status

    @property
    def from_label(self) -> str:
        status = self.event.from_status
        return status_label(status) if status is not None else ""

    @property
    def to_label(self) -> str:
        return status_label(self.event.to_status)


def activity_row(event: StatusEvent) -> ActivityRow:
    name, role = actor_words(
        event.actor_kind, event.actor_label, event.actor_user, event_contact_name(event)
    )
    reasons = event.reasons if isinstance(event.reasons, list) else []
    # The environment's activity log is the staff's (portal.views.activity).
    reason = next((text for text in (sentence(r, staff=True) for r in reasons) if text), "")
    return ActivityRow(
        event=event,
        actor_name=name,
        actor_role=role,
        title=str(ACTION_LABELS.get(event.action, event.action)),
        reason=reason,
    )
