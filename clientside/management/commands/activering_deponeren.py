"""``manage.py activering_deponeren --administration KVK [--aan | --uit] [--door GEBRUIKER]``:
show or switch "Jaarrapportage deponeren via accountancyportal" for an administration, with
the set-up checklist. A switch is recorded like one on the set-up page."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError

from clientside import activation
from clientside.models import Administration
from kvk.activation import ActivationCommand, ActivationSource, ChecklistItem


class Command(ActivationCommand):
    activation_name = activation.ACTIVATION_NAME
    help = (
        "Toont of wijzigt de activering 'Jaarrapportage deponeren via accountancyportal' van "
        "een administratie, met wat er nog ontbreekt voor het eerste bericht."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--administration", required=True, help="KvK-nummer (8 cijfers)")
        self.add_switch_arguments(parser)

    def find_subject(self, options: dict[str, Any]) -> Administration:
        kvk_number = options["administration"]
        found = list(Administration.objects.filter(kvk_number=kvk_number)[:2])
        if len(found) != 1:
            raise CommandError(f"Geen (of meer dan één) administratie met KvK-nummer {kvk_number}.")
        return found[0]

    def switch(self, subject: Administration, *, active: bool, user: Any) -> None:
        activation.set_administration_activation(
            administration=subject, active=active, user=user, source=ActivationSource.COMMAND
        )

    def is_active(self, subject: Administration) -> bool:
        return activation.is_active(subject)

    def checklist(self, subject: Administration) -> list[ChecklistItem]:
        return activation.checklist(subject)
