"""The pages of the activation "Communicatieconnector accordering OutSite" (its state and
switching: crm.activation and connectors.activation): the "not activated" page and the
guard of the feature's views (``required``), and the set-up checklist of InSite.

Who calls this: the InSite set-up page (portal.views.activation), the views of the feature
and the menu (templatetags ``activation``).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from config.dates import format_moment
from connectors.models import AppConnector, ClientToken, MessageType
from connectors.schedule import late_since
from crm import permissions
from crm.activation import ACTIVATION_NAME, Source, administrators, is_active, request_is_active
from crm.models import AccountancyEnvironment, EnvironmentActivation, Identification, StaffMember
from kvk import activation as shared
from kvk.activation import ChecklistItem
from workflow.models import WorkflowDefinition

__all__ = [
    "ACTIVATION_NAME",
    "ChecklistItem",
    "Source",
    "checklist",
    "is_active",
    "not_activated_response",
    "processing_schedule",
    "request_is_active",
    "required",
]

#: The Celery task behind the scheduled job "Externe berichten verwerken".
PROCESSING_TASK = "connectors.tasks.process_external_messages"


def not_activated_response(request: HttpRequest) -> HttpResponse:
    """403 with a page that says the feature is not activated and who can activate it."""
    member = permissions.staff_member(request.user)
    is_admin = member is not None and member.role == StaffMember.Role.ADMINISTRATOR
    context = {
        "activation_name": ACTIVATION_NAME,
        "side": "accountant",
        "is_staff_member": member is not None,
        "can_activate": is_admin,
        "setup_url": reverse("insite-setup") if is_admin else "",
        "administrators": administrators(member.environment_id) if member else [],
    }
    if member is None:
        organisation = (
            permissions.client_organisations(request.user).select_related("environment").first()
        )
        if organisation is not None:
            context["accountant"] = organisation.environment.name
    return render(request, "activation/not_activated.html", context, status=403)


def required(view: Callable) -> Callable:
    """Guard an InSite or OutSite page of the feature; put it under ``staff_view`` or
    ``client_view`` so the role check comes first."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request_is_active(request):
            return not_activated_response(request)
        return view(request, *args, **kwargs)

    return wrapped


# --- the set-up checklist ----------------------------------------------------------------------


def processing_schedule() -> tuple[str, float] | None:
    """The beat entry of "Externe berichten verwerken": (name, seconds), or None."""
    for name, entry in (getattr(settings, "CELERY_BEAT_SCHEDULE", None) or {}).items():
        if entry.get("task") == PROCESSING_TASK:
            schedule = entry.get("schedule")
            if hasattr(schedule, "total_seconds"):
                schedule = schedule.total_seconds()
            return name, float(schedule)
    return None


def checklist(environment: AccountancyEnvironment) -> list[ChecklistItem]:
    """What is still missing before the first message can flow, in the order of the
    documentation (Stap 1..6, then per client), each with where to fix it."""
    state = EnvironmentActivation.objects.filter(environment=environment).first()
    active = bool(state and state.active)
    message_type = (
        MessageType.objects.filter(environment=environment, code=MessageType.KVK_MICRO_KLEIN)
        .select_related("workflow")
        .first()
    )
    type_link = reverse("insite-message-type", args=[message_type.pk]) if message_type else ""
    items = [
        _activation_item(active),
        _workflow_item(environment, message_type, type_link),
        _message_type_item(message_type, type_link),
    ]
    connectors = list(
        AppConnector.objects.filter(environment=environment).select_related("user_group")
    )
    ready = [c for c in connectors if c.commsvc and not c.blocked and c.user_group_id]
    items += [
        _connector_item(connectors, ready),
        _processing_item(state),
        _organisation_item(environment),
        _token_item(environment, ready[0] if ready else None),
    ]
    return items


def _activation_item(active: bool) -> ChecklistItem:
    return shared.activation_item(
        name=ACTIVATION_NAME,
        active=active,
        when_off=_("Schakel de activering hierboven in; daarna komen de inrichtingspaden vrij."),
    )


def _workflow_item(
    environment: AccountancyEnvironment, message_type: MessageType | None, type_link: str
) -> ChecklistItem:
    """A workflow with the required actions, linked to the message type."""
    title = _("Workflow gekoppeld aan de berichtsoort")
    workflow = message_type.workflow if message_type else None
    missing = workflow.missing_required_actions() if workflow else []
    if workflow is not None and not missing:
        return ChecklistItem(
            "workflow",
            title,
            True,
            _("Workflow '%(name)s' met de verplichte acties is gekoppeld.")
            % {"name": workflow.name},
        )
    if workflow is not None:
        return ChecklistItem(
            "workflow",
            title,
            False,
            _("Workflow '%(name)s' mist de verplichte acties: %(missing)s.")
            % {"name": workflow.name, "missing": ", ".join(missing)},
            reverse("admin:workflow_workflowdefinition_change", args=[workflow.pk]),
            _("Workflow aanvullen"),
        )
    if not WorkflowDefinition.objects.filter(environment=environment).exists():
        return ChecklistItem(
            "workflow",
            title,
            False,
            _(
                "Er is nog geen workflow. Maak er een aan met de taken 'Jaarrekening "
                "vaststellen', 'Goedkeuren bericht' en 'Afkeuren bericht' (rol cliënt) en "
                "koppel hem daarna aan de berichtsoort."
            ),
            reverse("admin:workflow_workflowdefinition_add"),
            _("Workflow aanmaken"),
        )
    return ChecklistItem(
        "workflow",
        title,
        False,
        _("Koppel een workflow aan de berichtsoort 'KvK-stukken (micro en klein)'."),
        type_link,
        _("Workflow koppelen"),
    )


def _message_type_item(message_type: MessageType | None, type_link: str) -> ChecklistItem:
    title = _("Berichtsoort niet geblokkeerd")
    if message_type is None:
        return ChecklistItem(
            "message_type",
            title,
            False,
            _("De berichtsoort ontstaat bij het inschakelen van de activering."),
        )
    return ChecklistItem(
        "message_type",
        title,
        not message_type.blocked,
        _("Berichtsoort '%(name)s' is geblokkeerd: vink 'Geblokkeerd' uit.")
        % {"name": message_type.name}
        if message_type.blocked
        else _("Berichtsoort '%(name)s' is niet geblokkeerd.") % {"name": message_type.name},
        "" if not message_type.blocked else type_link,
        _("Blokkade opheffen"),
    )


def _connector_item(connectors: list[AppConnector], ready: list[AppConnector]) -> ChecklistItem:
    """An app connector with a user group that gives access to CommSvcConnector."""
    title = _("App connector met gebruikersgroep")
    if ready:
        return ChecklistItem(
            "connector",
            title,
            True,
            _(
                "App connector '%(name)s' (gebruikersgroep %(group)s) geeft toegang tot "
                "CommSvcConnector."
            )
            % {"name": ready[0].name, "group": ready[0].user_group},
        )
    if connectors:
        first = connectors[0]
        return ChecklistItem(
            "connector",
            title,
            False,
            _(
                "App connector '%(name)s': kies een gebruikersgroep, vink 'Geblokkeerd' "
                "uit en geef toegang tot CommSvcConnector."
            )
            % {"name": first.name},
            reverse("admin:connectors_appconnector_change", args=[first.pk]),
            _("App connector inrichten"),
        )
    return ChecklistItem(
        "connector",
        title,
        False,
        _(
            "Er is nog geen app connector. Maak er een aan voor deze omgeving, met een "
            "gebruikersgroep en toegang tot CommSvcConnector, niet geblokkeerd."
        ),
        reverse("admin:connectors_appconnector_add"),
        _("App connector aanmaken"),
    )


def _processing_item(state: EnvironmentActivation | None) -> ChecklistItem:
    """The scheduled task "Externe berichten verwerken", when it last ran, and whether that
    is too long ago (beat or every worker stopped: connectors.schedule)."""
    schedule = processing_schedule()
    last_run = state.last_processing_run_at if state else None
    late = late_since(state.environment_id) if state else None
    if schedule is None:
        detail = _(
            "De geplande taak 'Externe berichten verwerken' staat niet in het schema van "
            "Celery beat; laat de beheerder van de installatie hem toevoegen."
        )
    else:
        detail = _("Ingepland als '%(name)s', elke %(seconds)s seconden.") % {
            "name": schedule[0],
            "seconds": f"{schedule[1]:g}",
        }
        detail += " " + (
            _("Laatst gedraaid: %(when)s.") % {"when": format_moment(last_run)}
            if last_run
            else _(
                "Nog niet gedraaid voor deze omgeving (de taak draait alleen als de "
                "activering aan staat; start de worker en beat)."
            )
        )
        if late is not None:
            detail += " " + _(
                "Dat is te lang geleden: de taak draait niet, Celery beat of de worker is "
                "gestopt. Laat de beheerder van de installatie ze weer starten."
            )
    return ChecklistItem(
        "processing_job",
        _("Geplande taak 'Externe berichten verwerken'"),
        schedule is not None and late is None,
        detail,
    )


def _organisation_item(environment: AccountancyEnvironment) -> ChecklistItem:
    has_org = Identification.objects.filter(
        environment=environment, kind=Identification.Kind.KVK
    ).exists()
    return ChecklistItem(
        "organisation",
        _("Per cliënt: organisatie met KvK-nummer"),
        has_org,
        _("Er is een organisatie met een KvK-nummer.")
        if has_org
        else _("Leg de organisatie van de cliënt vast met haar KvK-nummer."),
        "" if has_org else reverse("insite-organisation-create"),
        _("Organisatie aanmaken"),
    )


def _token_item(
    environment: AccountancyEnvironment, ready_connector: AppConnector | None
) -> ChecklistItem:
    has_token = ClientToken.objects.active().filter(connector__environment=environment).exists()
    return ChecklistItem(
        "token",
        _("Per cliënt: token uitgegeven"),
        has_token,
        _("Er is een actief token uitgegeven aan een cliënt.")
        if has_token
        else _(
            "Maak bij de app connector een token aan voor de cliënt en geef het aan de "
            "cliënt; die vult het in bij 'Communicatie met accountant'."
        ),
        ""
        if has_token or ready_connector is None
        else reverse("insite-connector", args=[ready_connector.pk]),
        _("Token aanmaken"),
    )
