"""``manage.py activering [--environment DEELNEMERNUMMER] [--aan | --uit] [--door GEBRUIKER]``:
show or switch "Communicatieconnector accordering OutSite" for an accountancy environment,
with the set-up checklist. A switch is recorded like one on the set-up page (source
"Opdrachtregel")."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError

from connectors.activation import set_environment_activation
from crm.models import AccountancyEnvironment, EnvironmentActivation
from crm.services import OnboardingError, find_environment
from kvk.activation import ActivationCommand, ActivationSource, ChecklistItem
from portal import activation


class Command(ActivationCommand):
    activation_name = activation.ACTIVATION_NAME
    help = (
        "Toont of wijzigt de activering 'Communicatieconnector accordering OutSite' van een "
        "accountantsomgeving, met wat er nog ontbreekt voor het eerste bericht."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--environment", metavar="DEELNEMERNUMMER")
        self.add_switch_arguments(parser)

    def find_subject(self, options: dict[str, Any]) -> AccountancyEnvironment:
        try:
            return find_environment(options["environment"])
        except OnboardingError as error:
            raise CommandError(str(error))

    def switch(self, subject: AccountancyEnvironment, *, active: bool, user: Any) -> None:
        set_environment_activation(
            environment=subject, active=active, user=user, source=ActivationSource.COMMAND
        )

    def is_active(self, subject: AccountancyEnvironment) -> bool:
        return EnvironmentActivation.objects.filter(environment=subject, active=True).exists()

    def checklist(self, subject: AccountancyEnvironment) -> list[ChecklistItem]:
        return activation.checklist(subject)
