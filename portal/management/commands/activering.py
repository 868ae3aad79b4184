"""``manage.py activering [--environment DEELNEMERNUMMER] [--aan | --uit] [--door GEBRUIKER]``:
show or switch "Communicatieconnector accordering OutSite" for an accountancy environment,
with the set-up checklist. A switch is recorded like one on the set-up page (source
"Opdrachtregel")."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from connectors.activation import set_environment_activation
from crm.models import EnvironmentActivation, EnvironmentActivationChange
from crm.services import OnboardingError, find_environment
from portal import activation


class Command(BaseCommand):
    help = (
        "Toont of wijzigt de activering 'Communicatieconnector accordering OutSite' van een "
        "accountantsomgeving, met wat er nog ontbreekt voor het eerste bericht."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--environment", metavar="DEELNEMERNUMMER")
        switch = parser.add_mutually_exclusive_group()
        switch.add_argument("--aan", action="store_true", help="inschakelen")
        switch.add_argument("--uit", action="store_true", help="uitschakelen")
        parser.add_argument("--door", metavar="GEBRUIKER", help="wie schakelt (voor het log)")

    def handle(self, *args, environment, aan: bool, uit: bool, door, **options) -> None:
        try:
            env = find_environment(environment)
        except OnboardingError as error:
            raise CommandError(str(error))
        user = None
        if door:
            user = get_user_model().objects.filter(username=door).first()
            if user is None:
                raise CommandError(f"Gebruiker '{door}' bestaat niet.")
        if aan or uit:
            set_environment_activation(
                environment=env,
                active=aan,
                user=user,
                source=EnvironmentActivationChange.Source.COMMAND,
            )
        active = EnvironmentActivation.objects.filter(environment=env, active=True).exists()
        state = "ingeschakeld" if active else "uitgeschakeld"
        self.stdout.write(f"{env}: '{activation.ACTIVATION_NAME}' {state}.")
        for item in activation.checklist(env):
            mark = "[x]" if item.done else "[ ]"
            self.stdout.write(f"{mark} {item.title}: {item.detail}")
