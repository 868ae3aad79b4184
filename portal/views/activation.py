"""InSite set-up page of the activation "Communicatieconnector accordering OutSite": the
switch, its change log and the checklist of what is still missing (administrators only)."""

from __future__ import annotations

from django.contrib import messages as flash
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from connectors.activation import set_environment_activation
from crm.models import EnvironmentActivation, EnvironmentActivationChange
from portal import activation
from portal.views import common


@common.staff_view(administrator=True)
def setup(request: HttpRequest) -> HttpResponse:
    environment = request.staff_member.environment  # type: ignore[attr-defined]
    if request.method == "POST":
        wanted = request.POST.get("active")
        if wanted not in ("1", "0"):
            flash.error(request, _("Kies aan of uit."))
            return redirect("insite-setup")
        set_environment_activation(
            environment=environment,
            active=wanted == "1",
            user=request.user,
            source=EnvironmentActivationChange.Source.SETUP,
        )
        if wanted == "1":
            flash.success(
                request,
                _(
                    "De activering '%(name)s' is ingeschakeld. Werk de punten hieronder af; "
                    "daarna kan het eerste bericht binnenkomen."
                )
                % {"name": activation.ACTIVATION_NAME},
            )
        else:
            flash.success(
                request,
                _(
                    "De activering '%(name)s' is uitgeschakeld. Ontvangen berichten blijven "
                    "bewaard en worden verwerkt zodra de activering weer aan staat."
                )
                % {"name": activation.ACTIVATION_NAME},
            )
        return redirect("insite-setup")
    state = EnvironmentActivation.objects.filter(environment=environment).first()
    items = activation.checklist(environment)
    return render(
        request,
        "activation/insite_setup.html",
        {
            "environment": environment,
            "activation_name": activation.ACTIVATION_NAME,
            "active": bool(state and state.active),
            "state": state,
            "changes": EnvironmentActivationChange.objects.filter(
                environment=environment
            ).select_related("changed_by")[:20],
            "items": items,
            "missing": [item for item in items if not item.done],
        },
    )
