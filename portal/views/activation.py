"""InSite set-up page of the activation "Communicatieconnector accordering OutSite": the
switch, its change log and the checklist of what is still missing (administrators only)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from connectors.activation import set_environment_activation
from connectors.models import ClientToken
from crm import activation as crm_activation
from crm.models import AccountancyEnvironment, EnvironmentActivation, EnvironmentActivationChange
from kvk import activation as shared
from portal import activation
from portal.views import common


@common.staff_view(administrator=True)
def setup(request: HttpRequest) -> HttpResponse:
    environment = request.staff_member.environment  # type: ignore[attr-defined]
    if request.method == "POST":
        return shared.switch_from_post(
            request,
            switch=lambda active: set_environment_activation(
                environment=environment,
                active=active,
                user=request.user,
                source=EnvironmentActivationChange.Source.SETUP,
            ),
            done_text=_switched_text,
            back_to="insite-setup",
            confirm_off=lambda: _switch_off_confirmation(request, environment),
        )
    changes = EnvironmentActivationChange.objects.filter(environment=environment)
    context = shared.setup_context(
        name=activation.ACTIVATION_NAME,
        state=EnvironmentActivation.objects.filter(environment=environment).first(),
        changes=changes.select_related("changed_by")[:20],
        items=activation.checklist(environment),
    )
    return render(request, "activation/insite_setup.html", {"environment": environment, **context})


def _switch_off_confirmation(
    request: HttpRequest, environment: AccountancyEnvironment
) -> HttpResponse:
    """ "Weet u het zeker?" before switching off: how many organisations it cuts off. The
    page is the answer to a POST; its language switch leads to the same question by GET
    (``switch_off``), not to the set-up page a GET of the POST's address gives."""
    return render(
        request,
        "activation/insite_switch_off_confirm.html",
        {
            "activation_name": activation.ACTIVATION_NAME,
            "organisations": ClientToken.objects.active()
            .filter(organisation__environment=environment)
            .values("organisation_id")
            .distinct()
            .count(),
            "language_next": reverse("insite-setup-switch-off"),
        },
    )


@common.staff_view(administrator=True)
@require_safe
def switch_off(request: HttpRequest) -> HttpResponse:
    """The "Weet u het zeker?" of switching off by GET, where the language switch of the page
    the POST gave leads: it only asks; "Ja" posts to the set-up page as there. Once the
    activation is off already, the set-up page."""
    environment = request.staff_member.environment  # type: ignore[attr-defined]
    if not crm_activation.is_active(environment.pk):
        return redirect("insite-setup")
    return _switch_off_confirmation(request, environment)


def _switched_text(active: bool) -> str:
    """What the page says after switching on or off."""
    if active:
        return _(
            "De activering '%(name)s' is ingeschakeld. Werk de punten hieronder af; "
            "daarna kan het eerste bericht binnenkomen."
        ) % {"name": activation.ACTIVATION_NAME}
    return _(
        "De activering '%(name)s' is uitgeschakeld. Ontvangen berichten blijven "
        "bewaard en worden verwerkt zodra de activering weer aan staat."
    ) % {"name": activation.ACTIVATION_NAME}
