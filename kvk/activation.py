"""The shared base of an activation: a feature an administrator switches on or off, with a
log of every switch (who, when, on or off, and where).

Both sides have one: the accountant's "Communicatieconnector accordering OutSite" per
accountancy environment (crm.models.EnvironmentActivation, crm.activation) and the client's
"Jaarrapportage deponeren via accountancyportal" per administration
(clientside.models.FilingActivation, clientside.activation). The client side may not import
the accountant side, so what they share lives here, in the library: the abstract models
(they add no tables), recording a switch, the checklist item, the set-up page's switch and
context and the management command's common parts (the admin's: kvk.activation_admin).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Self

from django.contrib import messages as flash
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import models, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kvk.fields import user_field

# --- the models ------------------------------------------------------------------------------


class ActivationSource(models.TextChoices):
    """Where a switch was made."""

    SETUP = "setup", gettext_lazy("Inrichtingsscherm")
    ADMIN = "admin", gettext_lazy("Beheer (admin)")
    DEMO = "demo", gettext_lazy("Demo-lader")
    MIGRATION = "migration", gettext_lazy("Update (bestaande installatie)")
    COMMAND = "command", gettext_lazy("Opdrachtregel")


def source_choices(*, setup_label: Any = None) -> list[tuple[str, Any]]:
    """The choices of a change's ``source``; a side may name its set-up page its own way."""
    return [
        (source.value, setup_label if source == ActivationSource.SETUP and setup_label else label)
        for source, label in zip(ActivationSource, ActivationSource.labels, strict=True)
    ]


def source_field(choices: list[tuple[str, Any]]) -> models.CharField:
    return models.CharField(gettext_lazy("via"), max_length=20, choices=choices)


def switch_subject_field(
    to: type[models.Model], *, related_name: str, verbose_name: Any
) -> models.OneToOneField:
    """A concrete ActivationSwitch's field to its subject: one switch a subject, deleted
    with it."""
    return models.OneToOneField(
        to, on_delete=models.CASCADE, related_name=related_name, verbose_name=verbose_name
    )


def change_subject_field(to: type[models.Model], *, related_name: str) -> models.ForeignKey:
    """A concrete ActivationChangeEntry's field to its subject, whose log goes with it."""
    return models.ForeignKey(to, on_delete=models.CASCADE, related_name=related_name)


def _state_text(active: bool) -> str:
    return _("aan") if active else _("uit")


class ActivationChangeEntry(models.Model):
    """One row per switch of an activation: who, when, on or off, and where. A concrete
    model adds the foreign key named by ``subject_field`` (``change_subject_field``)."""

    subject_field: ClassVar[str]
    Source = ActivationSource

    active = models.BooleanField(gettext_lazy("ingeschakeld"))
    changed_at = models.DateTimeField(gettext_lazy("gewijzigd op"))
    changed_by = user_field(gettext_lazy("gewijzigd door"), related_name="+")
    # Kept as text too, so the log still names the person after the user is deleted.
    changed_by_name = models.CharField(gettext_lazy("naam"), max_length=150, blank=True)
    source = source_field(source_choices())

    class Meta:
        abstract = True
        verbose_name = gettext_lazy("wijziging activering")
        verbose_name_plural = gettext_lazy("wijzigingen activering")
        ordering = ["-changed_at", "-pk"]

    def __str__(self) -> str:
        subject = getattr(self, self.subject_field)
        return f"{subject} {_state_text(self.active)} ({self.changed_at:%Y-%m-%d %H:%M})"


class ActivationSwitch(models.Model):
    """The switch of one subject (an environment, an administration). No row means off.
    A concrete model adds the one-to-one field named by ``subject_field``
    (``switch_subject_field``) and names its change log (``change_model``)."""

    subject_field: ClassVar[str]
    change_model: ClassVar[type[ActivationChangeEntry]]

    active = models.BooleanField(gettext_lazy("ingeschakeld"), default=False)
    changed_at = models.DateTimeField(gettext_lazy("gewijzigd op"), null=True, blank=True)
    changed_by = user_field(gettext_lazy("gewijzigd door"), related_name="+")

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{getattr(self, self.subject_field)}: {_state_text(self.active)}"

    @classmethod
    @transaction.atomic
    def record_switch(
        cls, subject: models.Model, *, active: bool, user: Any = None, source: str
    ) -> tuple[Self, bool]:
        """Switch the activation of ``subject`` on or off and log who did it, when and
        where; returns the state and whether it changed. Switching to the state it already
        has records nothing."""
        lookup: dict[str, Any] = {cls.subject_field: subject}
        state, _created = cls._default_manager.select_for_update().get_or_create(**lookup)
        if state.active == active:
            return state, False
        now = timezone.now()
        state.active = active
        state.changed_at = now
        state.changed_by = user if getattr(user, "pk", None) else None
        state.save(update_fields=["active", "changed_at", "changed_by"])
        cls.change_model._default_manager.create(
            **{cls.change_model.subject_field: subject},
            active=active,
            changed_at=now,
            changed_by=state.changed_by,
            changed_by_name=user_name(user) if state.changed_by else "",
            source=source,
        )
        return state, True


# --- the people who switch -----------------------------------------------------------------


def user_name(user: Any) -> str:
    """The name a person is shown by: full name, else the username."""
    return (user.get_full_name() or user.get_username())[:150]


def user_names(users: Iterable[Any]) -> list[str]:
    """The names of these users, sorted (for the "not activated" page)."""
    return sorted(user_name(user) for user in users)


# --- the set-up checklist and page ---------------------------------------------------------


@dataclass(frozen=True)
class ChecklistItem:
    key: str
    title: str
    done: bool
    detail: str
    link: str = ""
    link_text: str = ""


def activation_item(*, name: Any, active: bool, when_off: str) -> ChecklistItem:
    """The checklist's first item: the activation itself; ``when_off`` says what follows."""
    return ChecklistItem(
        "activation",
        _("Activering '%(name)s' ingeschakeld") % {"name": name},
        active,
        _("Ingeschakeld.") if active else when_off,
    )


def switch_from_post(
    request: HttpRequest,
    *,
    switch: Callable[[bool], object],
    done_text: Callable[[bool], str],
    back_to: str,
    back_args: Sequence[Any] = (),
    confirm_off: Callable[[], HttpResponse] | None = None,
) -> HttpResponse:
    """The set-up page's POST: switch to the state chosen ("1" or "0"), say what happened
    and go back to the page. With ``confirm_off``, switching off first answers its page
    ("Weet u het zeker?"); only a POST with ``confirmed`` switches off."""
    wanted = request.POST.get("active")
    if wanted not in ("1", "0"):
        flash.error(request, _("Kies aan of uit."))
    elif wanted == "0" and confirm_off is not None and request.POST.get("confirmed") != "1":
        return confirm_off()
    else:
        switch(wanted == "1")
        flash.success(request, done_text(wanted == "1"))
    return redirect(back_to, *back_args)


def setup_context(
    *, name: Any, state: ActivationSwitch | None, changes: Any, items: list[ChecklistItem]
) -> dict[str, Any]:
    """What both set-up pages show: the switch, its change log and the checklist."""
    return {
        "activation_name": name,
        "active": bool(state and state.active),
        "state": state,
        "changes": changes,
        "items": items,
        "missing": [item for item in items if not item.done],
    }


# --- the management command ------------------------------------------------------------------


class ActivationCommand(BaseCommand):
    """Shows or switches an activation (``--aan``/``--uit``, ``--door GEBRUIKER``), then
    prints the state and the checklist. A side names the activation (``activation_name``)
    and says how to find the subject, switch it, read it and list what is missing."""

    activation_name: Any

    def find_subject(self, options: dict[str, Any]) -> Any:
        raise NotImplementedError

    def switch(self, subject: Any, *, active: bool, user: Any) -> None:
        raise NotImplementedError

    def is_active(self, subject: Any) -> bool:
        raise NotImplementedError

    def checklist(self, subject: Any) -> list[ChecklistItem]:
        raise NotImplementedError

    def add_switch_arguments(self, parser) -> None:
        switch = parser.add_mutually_exclusive_group()
        switch.add_argument("--aan", action="store_true", help="inschakelen")
        switch.add_argument("--uit", action="store_true", help="uitschakelen")
        parser.add_argument("--door", metavar="GEBRUIKER", help="wie schakelt (voor het log)")

    def handle(self, *args, aan: bool, uit: bool, door: str | None, **options) -> None:
        subject = self.find_subject(options)
        user = self.user_named(door)
        if aan or uit:
            self.switch(subject, active=aan, user=user)
        state = "ingeschakeld" if self.is_active(subject) else "uitgeschakeld"
        self.stdout.write(f"{subject}: '{self.activation_name}' {state}.")
        for item in self.checklist(subject):
            mark = "[x]" if item.done else "[ ]"
            self.stdout.write(f"{mark} {item.title}: {item.detail}")

    def user_named(self, username: str | None) -> Any:
        """The user who switches (for the log), or None when no name is given."""
        if not username:
            return None
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"Gebruiker '{username}' bestaat niet.")
        return user
