"""Template helpers of the portals: the user's role for the menu, status badges."""

from __future__ import annotations

from django import template

from kvk.status import ATTENTION_STATUSES
from portal import permissions
from portal.models import StaffMember

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
    return "client" if permissions.client_contact(user) else ""


@register.filter
def needs_attention(status: int) -> bool:
    return status in ATTENTION_STATUSES


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
    from portal.views.outsite import IN_FLIGHT

    return status in IN_FLIGHT
