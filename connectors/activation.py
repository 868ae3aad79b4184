"""Switching the activation "Communicatieconnector accordering OutSite" (crm.activation)
on or off, with the conversion that switching on brings for the connectors."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from connectors.models import MessageType
from crm.activation import record_switch
from crm.models import AccountancyEnvironment, EnvironmentActivation


@transaction.atomic
def set_environment_activation(
    *, environment: AccountancyEnvironment, active: bool, user: Any = None, source: str
) -> EnvironmentActivation:
    """Switch the activation on or off and record who did it, when and where.

    Switching to the state it already has records nothing. Switching on also runs the
    conversion: the message type "KvK-stukken (micro en klein)" is added, blocked and without
    workflow, when the environment lacks it (the administrator unblocks it and links a
    workflow, as the set-up checklist says). Switching off changes no message, token or
    set-up: messages already received stay as they are and are processed after switching
    on again.
    """
    state, changed = record_switch(environment=environment, active=active, user=user, source=source)
    if changed and active:
        _convert(environment)
    return state


def _convert(environment: AccountancyEnvironment) -> None:
    MessageType.objects.get_or_create(
        environment=environment,
        code=MessageType.KVK_MICRO_KLEIN,
        defaults={"name": "KvK-stukken (micro en klein)", "blocked": True},
    )
