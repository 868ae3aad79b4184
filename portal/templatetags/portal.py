"""Template helpers of the portals: the user's role for the menu, status badges, what a
message at 60 asks attention for."""

from __future__ import annotations

import math
from datetime import timedelta
from typing import Any

from django import template
from django.utils.translation import gettext_lazy as _

from crm import permissions
from crm.models import Organisation, StaffMember
from deadlines import selectors as deadline_selectors
from kvk import adoption
from kvk.digipoort import outcome
from portal.views.common import IN_FLIGHT
from workflow import approvers, selectors
from workflow import reasons as reasons_catalogue
from workflow.reasons import ATTENTION, sentence
from workflow.selectors import actor_words, event_contact_name

register = template.Library()


@register.simple_tag(takes_context=True)
def portal_role(context) -> str:
    """'administrator', 'worker', 'client' or '' for the menu in base.html."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return ""
    member = permissions.staff_member(user)
    if member is not None:
        return "administrator" if member.role == StaffMember.Role.ADMINISTRATOR else "worker"
    return "client" if permissions.is_client(user) else ""


#: Short labels of ApprovalMessage.attention_code (kvk.digipoort.outcome.Attention, and the
#: status requests that kept failing: workflow.services.record_poll_failure) for the
#: dashboard, the list, the message's page and the staff's mail; one for each code of the
#: full explanation, workflow.reasons.ATTENTION.
ATTENTION_LABELS: dict[str, Any] = {
    "unknown_status": _("onbekende status van Digipoort"),
    "retries_overdue": _("Digipoort probeert al langer dan 72 uur"),
    "status_unavailable": _("status niet op te vragen bij Digipoort"),
    "no_verdict": _("nog geen antwoord van de KvK"),
}


@register.filter
def client_status(status: int, reasons: Any = None) -> str:
    """Where a message stands, as its client reads it (workflow.selectors.client_status):
    ``{{ message.status|client_status:message.reasons }}``."""
    return selectors.client_status(status, reasons)


@register.filter
def second_filing(reasons: Any) -> bool:
    """Whether the KvK refused a second adopted filing for the year (workflow.reasons)."""
    return reasons_catalogue.second_filing(reasons)


@register.filter
def refused_by_digipoort(reasons: Any) -> bool:
    """Whether Digipoort refused the documents at its own check, before the KvK received
    them (workflow.reasons)."""
    return reasons_catalogue.refused_by_digipoort(reasons)


@register.filter
def attention_label(code: str) -> str:
    """The short label of an attention code (the code itself when it is new to us)."""
    return str(ATTENTION_LABELS.get(code, code)) if code else ""


def attention_text(code: str, detail: str) -> list[str]:
    """What a message at 60 asks attention for, in the reader's language: the explanation
    of ``code`` and the raw ``detail`` the poll stored (which starts with the explanation in
    Dutch; it is not repeated then)."""
    explanation = str(ATTENTION.get(code, "")) if code else ""
    if not explanation:
        return [detail] if detail else []
    if not detail or detail == explanation:
        return [explanation]
    if detail.startswith(explanation):
        return [detail]
    return [explanation, detail]


@register.simple_tag
def attention_lines(message: Any) -> list[str]:
    return attention_text(message.attention_code, message.attention_detail)


@register.filter
def adopted_by(organisation: Organisation) -> str:
    """Who adopts the annual accounts of ``organisation`` by its legal form, with the
    article (kvk.adoption); for a BV whose shareholders are all directors (its deadline
    facts), that their signing is the adoption; "" when we name no one."""
    facts = deadline_selectors.facts_of(organisation)
    return adoption.adopted_by(
        organisation.legal_form,
        all_shareholders_are_directors=facts.all_shareholders_are_directors,
    )


@register.filter
def adoption_arranged(adopter: Any) -> str:
    """workflow.approvers.adoption_arranged: when nobody can record the adoption, that the
    accountant first arranges who does (the review request, the message's status line)."""
    return approvers.adoption_arranged(adopter)


@register.filter
def reason_sentence(reason: Any, staff: Any = False) -> str:
    """What a person reads of a stored reason: the sentence, never the code or the
    technical detail, but to the ``staff`` of a 70 whose code the catalogue does not know
    (workflow.reasons.sentence)."""
    return sentence(reason, staff=bool(staff))


@register.filter
def digipoort_label(status: Any) -> str:
    """Our words for a status Digipoort answered (an entry of
    ApprovalMessage.digipoort_statuses), in the reader's language; "" when the code has none
    (the page then shows Digipoort's own words, ``description``)."""
    return outcome.label(status.get("code")) if isinstance(status, dict) else ""


@register.filter
def event_actor(event: Any) -> str:
    """Who did an audit event (workflow.models.StatusEvent), in words: "Automatische
    verwerking", "Jan de Vries (kantoor)" (workflow.selectors.actor_words)."""
    contact = event_contact_name(event)  # when the event came with it
    name, role = actor_words(event.actor_kind, event.actor_label, event.actor_user, contact)
    return f"{name} ({role})" if role else name


@register.simple_tag(takes_context=True)
def query_with(context, **changes) -> str:
    """The current query string with some parameters changed (pagination, sorting)."""
    request = context["request"]
    query = request.GET.copy()
    for key, value in changes.items():
        if value in (None, ""):
            query.pop(key, None)
        else:
            query[key] = value
    return query.urlencode()


@register.filter
def in_flight(status: int) -> bool:
    """Approved and on its way to the KvK: the page keeps asking for the status."""

    return status in IN_FLIGHT


@register.filter
def whole_minutes(duration: timedelta | None) -> int:
    """A duration in minutes, a started minute counting whole (the login lockout's wait,
    which django-axes gives as a timedelta: a person reads minutes, not "PT1H")."""
    if not isinstance(duration, timedelta):
        return 0
    return max(1, math.ceil(duration.total_seconds() / 60))
