"""The client's set-up page of the activation "Jaarrapportage deponeren via
accountancyportal": the switch (for users with the right), its change log and the
checklist of what is still missing before the first message can be sent."""

from __future__ import annotations

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from clientside import activation
from clientside.models import Administration, FilingActivation, FilingActivationChange

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
        wanted = request.POST.get("active")
        if wanted not in ("1", "0"):
            flash.error(request, _("Kies aan of uit."))
            return redirect("clientside-activation", pk)
        activation.set_administration_activation(
            administration=administration,
            active=wanted == "1",
            user=request.user,
            source=FilingActivationChange.Source.SETUP,
        )
        if wanted == "1":
            missing = [i for i in activation.checklist(administration) if not i.done]
            next_text = (
                _("Volgende stap: vul 'Communicatie met accountant' in.")
                if missing
                else _("Alles is ingericht.")
            )
            flash.success(
                request,
                _("De activering '%(name)s' is ingeschakeld.")
                % {"name": activation.ACTIVATION_NAME}
                + " "
                + next_text,
            )
        else:
            flash.success(
                request,
                _(
                    "De activering '%(name)s' is uitgeschakeld. Jaarrapporten, berichten en "
                    "het communicatieprofiel blijven bewaard."
                )
                % {"name": activation.ACTIVATION_NAME},
            )
        return redirect("clientside-activation", pk)
    state = FilingActivation.objects.filter(administration=administration).first()
    items = activation.checklist(administration)
    return render(
        request,
        "activation/client_setup.html",
        {
            "administration": administration,
            "activation_name": activation.ACTIVATION_NAME,
            "active": bool(state and state.active),
            "state": state,
            "can_switch": can_switch,
            "switch_url": reverse("clientside-activation", args=[pk]),
            "changes": FilingActivationChange.objects.filter(administration=administration)[:20],
            "items": items,
            "missing": [item for item in items if not item.done],
        },
    )
