"""The activation "Jaarrapportage deponeren via accountancyportal" of an administration.

Filing through the accountant's portal is not available until an administrator of the
client environment switches it on for the administration (typically once the accountant
gave a token). While it is off, the feature's screens ("Communicatie met accountant", "Test
verbinding", "Klaarzetten accountancyportal", "Verzenden/ontvangen accountancyportal", the
sent documents) answer 403 with a page that says so, their buttons are hidden, the commands
refuse and the scheduled send/receive skips the administration. Switching off deletes or
changes nothing: reports, messages and the profile stay as they are.

This app talks to the accountant only over HTTP, so this module imports nothing of the
accountant side.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clientside.models import (
    Administration,
    CommunicationProfile,
    FilingActivation,
    FilingActivationChange,
)
from config.dates import format_moment
from kvk import activation as shared
from kvk.activation import ChecklistItem

#: The name users know from the documentation.
ACTIVATION_NAME = gettext_lazy("Jaarrapportage deponeren via accountancyportal")
#: Who may switch it: the model's change permission (in the admin and on the set-up page).
SWITCH_PERMISSION = "clientside.change_filingactivation"

Source = FilingActivationChange.Source


def is_active(administration: Administration | int) -> bool:
    """On for this administration? Cached on the instance for the rest of the request."""
    if isinstance(administration, Administration):
        cached = getattr(administration, "_filing_active", None)
        if cached is None:
            cached = FilingActivation.objects.filter(
                administration_id=administration.pk, active=True
            ).exists()
            administration._filing_active = cached  # type: ignore[attr-defined]
        return cached
    return FilingActivation.objects.filter(administration_id=administration, active=True).exists()


def inactive_text(administration: Administration) -> str:
    return _(
        "De activering '%(name)s' staat uit voor administratie %(admin)s; schakel haar in "
        "via de inrichting van de administratie."
    ) % {"name": ACTIVATION_NAME, "admin": administration.name}


def set_administration_activation(
    *, administration: Administration, active: bool, user: Any = None, source: str
) -> FilingActivation:
    """Switch the activation on or off and record who did it, when and where. Switching to
    the state it already has records nothing; switching off changes no report, message or
    profile."""
    state, changed = FilingActivation.record_switch(
        administration, active=active, user=user, source=source
    )
    if changed:
        administration._filing_active = active  # type: ignore[attr-defined]
    return state


# --- the "not activated" page ----------------------------------------------------------------


def switchers() -> list[str]:
    """Names of the active users who may switch the activation (for the page)."""
    User = get_user_model()
    app_label, codename = SWITCH_PERMISSION.split(".")
    perm = Q(
        user_permissions__codename=codename, user_permissions__content_type__app_label=app_label
    ) | Q(
        groups__permissions__codename=codename,
        groups__permissions__content_type__app_label=app_label,
    )
    users = User.objects.filter(is_active=True).filter(perm | Q(is_superuser=True)).distinct()
    return shared.user_names(users[:10])


def not_activated_response(request: HttpRequest, administration_id: int) -> HttpResponse:
    can_activate = request.user.has_perm(SWITCH_PERMISSION)
    return render(
        request,
        "activation/not_activated.html",
        {
            "activation_name": ACTIVATION_NAME,
            "side": "client",
            "can_activate": can_activate,
            "setup_url": reverse("clientside-activation", args=[administration_id]),
            "administrators": [] if can_activate else switchers(),
        },
        status=403,
    )


#: How a guarded view's ``pk`` leads to its administration.
_LOOKUPS = {
    "administration": "pk",
    "report": "annual_reports__pk",
    "message": "outbound_messages__pk",
}


def required(lookup: str) -> Callable:
    """Guard a client screen of the feature; ``lookup`` says what the URL's ``pk`` is
    (an administration, an annual report or an outbound message). Put it under the
    permission decorator, so the rights are checked first."""
    field = _LOOKUPS[lookup]

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            row = (
                Administration.objects.filter(**{field: kwargs.get("pk")})
                .values("pk", "filing_activation__active")
                .first()
            )
            if row is not None and not row["filing_activation__active"]:
                return not_activated_response(request, row["pk"])
            # An unknown pk: the view answers its own 404.
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


# --- the set-up checklist ----------------------------------------------------------------------


def checklist(administration: Administration) -> list[ChecklistItem]:
    """What is still missing before the first message can be sent (Stap 1..2 of the
    client's set-up: activation, then the communication profile)."""
    active = is_active(administration)
    profile = CommunicationProfile.objects.filter(administration=administration).first()
    profile_link = reverse("clientside:profile", args=[administration.pk]) if active else ""
    items = [
        _activation_item(active),
        _profile_item(profile, profile_link),
        _participant_number_item(profile, profile_link),
        _token_item(profile, profile_link),
    ]
    return [
        item if item.done or item.link else ChecklistItem(**{**item.__dict__, "link_text": ""})
        for item in items
    ]


def _activation_item(active: bool) -> ChecklistItem:
    return shared.activation_item(
        name=ACTIVATION_NAME,
        active=active,
        when_off=_(
            "Schakel de activering hierboven in; daarna komt 'Communicatie met "
            "accountant' beschikbaar."
        ),
    )


def _profile_item(profile: CommunicationProfile | None, link: str) -> ChecklistItem:
    if profile is None:
        detail = _("Het profiel 'Communicatie met accountant' bestaat nog niet.")
    elif profile.blocked:
        detail = _("Het profiel is geblokkeerd: vink 'Geblokkeerd' uit.")
    else:
        detail = _("Het profiel 'Communicatie met accountant' is niet geblokkeerd.")
    return ChecklistItem(
        "profile",
        _("Communicatieprofiel niet geblokkeerd"),
        profile is not None and not profile.blocked,
        detail,
        link,
        _set_up_text(),
    )


def _participant_number_item(profile: CommunicationProfile | None, link: str) -> ChecklistItem:
    number = profile.participant_number if profile else ""
    return ChecklistItem(
        "participant_number",
        _("Deelnemernummer van de accountant"),
        bool(number),
        _("Deelnemernummer %(number)s.") % {"number": number}
        if number
        else _("Vul de vijf cijfers van de omgeving van uw accountant in (voor O12345AA: 12345)."),
        link,
        _set_up_text(),
    )


def _token_item(profile: CommunicationProfile | None, link: str) -> ChecklistItem:
    if not (profile and profile.token):
        detail = _("Vul het token in dat uw accountant voor u aanmaakte.")
    elif profile.token_set_at:
        detail = _("Token ingevoerd op %(when)s.") % {"when": format_moment(profile.token_set_at)}
    else:
        detail = _("Token ingevoerd.")
    return ChecklistItem(
        "token",
        _("Token van de accountant"),
        bool(profile and profile.token),
        detail,
        link,
        _set_up_text(),
    )


def _set_up_text() -> str:
    """The link text to the communication profile."""
    return _("Communicatie met accountant instellen")
