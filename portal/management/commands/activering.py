"""``manage.py activering [--environment DEELNEMERNUMMER] [--aan | --uit] [--door GEBRUIKER]``:
show or switch "Communicatieconnector accordering OutSite" for an accountancy environment,
with the set-up checklist. A switch is recorded like one on the set-up page (source
"Opdrachtregel")."""

from __future__ import annotations

from django.core.management.base import CommandError

from connectors.activation import set_environment_activation
from crm.models import EnvironmentActivation, EnvironmentActivationChange
from crm.services import OnboardingError, find_environment
from kvk.activation import ActivationCommand
from portal import activation


class Command(ActivationCommand):
    help = (
        "Toont of wijzigt de activering 'Communicatieconnector accordering OutSite' van een "
        "accountantsomgeving, met wat er nog ontbreekt voor het eerste bericht."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--environment", metavar="DEELNEMERNUMMER")
        self.add_switch_arguments(parser)

    def handle(self, *args, environment, aan: bool, uit: bool, door, **options) -> None:
        try:
            env = find_environment(environment)
        except OnboardingError as error:
            raise CommandError(str(error))
        user = self.user_named(door)
        if aan or uit:
            set_environment_activation(
                environment=env,
                active=aan,
                user=user,
                source=EnvironmentActivationChange.Source.COMMAND,
            )
        self.write_state(
            subject=env,
            name=activation.ACTIVATION_NAME,
            active=EnvironmentActivation.objects.filter(environment=env, active=True).exists(),
            items=activation.checklist(env),
        )
