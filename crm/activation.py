"""The activation "Communicatieconnector accordering OutSite" of an accountancy environment:
its state and the record of every switch.

An accountancy firm does not file for its clients on the day the software is installed: an
administrator switches the feature on when workflow, connectors and roles are ready. While
it is off, InSite's and OutSite's pages of the feature answer 403 with a page that says so
(portal.activation), their menu items are hidden (templatetags ``activation``), the CommSvc
API refuses uploads with 403 ``feature_inactive`` but still lets a client environment read
the messages it sent (connectors.api) and the scheduled jobs skip the
environment (``active_environment_ids``). Switching off changes no message: whatever was
received waits, unchanged, until the feature is switched on again.

Switching goes through connectors.activation.set_environment_activation, which records the
switch here (``record_switch``) and, when switching on, adds the message type.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy

from crm import permissions
from crm.models import (
    AccountancyEnvironment,
    EnvironmentActivation,
    EnvironmentActivationChange,
    StaffMember,
)
from kvk import activation as shared

#: The name users know from the documentation.
ACTIVATION_NAME = gettext_lazy("Communicatieconnector accordering OutSite")

Source = EnvironmentActivationChange.Source


# --- reading the state ---------------------------------------------------------------------


def is_active(environment_id: int | None) -> bool:
    if environment_id is None:
        return False
    return EnvironmentActivation.objects.filter(environment_id=environment_id, active=True).exists()


def active_environment_ids() -> QuerySet:
    """The environments with the feature on, as a subquery for the scheduled jobs:
    ``.filter(organisation__environment_id__in=active_environment_ids())``."""
    return EnvironmentActivation.objects.filter(active=True).values("environment_id")


def request_is_active(request: HttpRequest) -> bool:
    """The state for the logged-in staff member's or client contact's environment; one
    query per request (the menu and the view share it)."""
    cached = getattr(request, "_outsite_activation", None)
    if cached is not None:
        return cached
    user = getattr(request, "user", None)
    member = permissions.staff_member(user)
    if member is not None:
        active = is_active(member.environment_id)
    else:
        # A client user's organisations are all of one environment (crm.services.portal_login).
        active = EnvironmentActivation.objects.filter(
            environment__organisations__in=permissions.client_organisations(user), active=True
        ).exists()
    request._outsite_activation = active  # type: ignore[attr-defined]
    return active


# --- switching -----------------------------------------------------------------------------


def record_switch(
    *, environment: AccountancyEnvironment, active: bool, user: Any = None, source: str
) -> tuple[EnvironmentActivation, bool]:
    """Switch the activation on or off and record who did it, when and where; returns the
    state and whether it changed. Switching to the state it already has records nothing.
    Callers go through connectors.activation.set_environment_activation."""
    return EnvironmentActivation.record_switch(environment, active=active, user=user, source=source)


def administrators(environment_id: int | None) -> list[str]:
    """Names of the people who may switch the activation on (the environment's
    administrators), for the "not activated" page."""
    if environment_id is None:
        return []
    members = StaffMember.objects.filter(
        environment_id=environment_id,
        role=StaffMember.Role.ADMINISTRATOR,
        user__is_active=True,
    ).select_related("user")
    return shared.user_names(m.user for m in members)
