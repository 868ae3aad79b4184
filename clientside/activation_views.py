"""The client's set-up page of the activation "Jaarrapportage deponeren via
accountancyportal": the switch (for users with the right), its change log and the
checklist of what is still missing before the first message can be sent."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _

from clientside import activation
from clientside.models import Administration, FilingActivation, FilingActivationChange
from kvk import activation as shared

VIEW = "clientside.view_administration"


@login_required
def setup(request: HttpRequest, pk: int) -> HttpResponse:
    if not request.user.has_perm(VIEW):
        raise PermissionDenied
    administration = get_object_or_404(Administration, pk=pk)
    can_switch = request.user.has_perm(activation.SWITCH_PERMISSION)
    if request.method == "POST":
        if not can_switch:
            raise PermissionDenied
        return shared.switch_from_post(
            request,
            switch=lambda active: activation.set_administration_activation(
                administration=administration,
                active=active,
                user=request.user,
                source=FilingActivationChange.Source.SETUP,
            ),
            done_text=lambda active: _switched_text(administration, active),
            back_to="clientside-activation",
            back_args=[pk],
        )
    context = shared.setup_context(
        name=activation.ACTIVATION_NAME,
        state=FilingActivation.objects.filter(administration=administration).first(),
        changes=FilingActivationChange.objects.filter(administration=administration)[:20],
        items=activation.checklist(administration),
    )
    return render(
        request,
        "activation/client_setup.html",
        {
            "administration": administration,
            "can_switch": can_switch,
            "switch_url": reverse("clientside-activation", args=[pk]),
            **context,
        },
    )


def _switched_text(administration: Administration, active: bool) -> str:
    """What the page says after switching on (with the next step) or off."""
    if not active:
        return _(
            "De activering '%(name)s' is uitgeschakeld. Jaarrapporten, berichten en "
            "het communicatieprofiel blijven bewaard."
        ) % {"name": activation.ACTIVATION_NAME}
    missing = [i for i in activation.checklist(administration) if not i.done]
    next_text = (
        _("Volgende stap: Vul 'Communicatie met accountant' in.")
        if missing
        else _("Alles is ingericht.")
    )
    return (
        _("De activering '%(name)s' is ingeschakeld.") % {"name": activation.ACTIVATION_NAME}
        + " "
        + next_text
    )
