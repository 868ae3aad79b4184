"""``manage.py activering_deponeren --administration KVK [--aan | --uit] [--door GEBRUIKER]``:
show or switch "Jaarrapportage deponeren via accountancyportal" for an administration, with
the set-up checklist. A switch is recorded like one on the set-up page."""

from __future__ import annotations

from django.core.management.base import CommandError

from clientside import activation
from clientside.models import Administration, FilingActivationChange
from kvk.activation import ActivationCommand


class Command(ActivationCommand):
    help = (
        "Toont of wijzigt de activering 'Jaarrapportage deponeren via accountancyportal' van "
        "een administratie, met wat er nog ontbreekt voor het eerste bericht."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--administration", required=True, help="KvK-nummer (8 cijfers)")
        self.add_switch_arguments(parser)

    def handle(self, *args, administration, aan: bool, uit: bool, door, **options) -> None:
        found = list(Administration.objects.filter(kvk_number=administration)[:2])
        if len(found) != 1:
            raise CommandError(
                f"Geen (of meer dan één) administratie met KvK-nummer {administration}."
            )
        admin = found[0]
        user = self.user_named(door)
        if aan or uit:
            activation.set_administration_activation(
                administration=admin,
                active=aan,
                user=user,
                source=FilingActivationChange.Source.COMMAND,
            )
        self.write_state(
            subject=admin,
            name=activation.ACTIVATION_NAME,
            active=activation.is_active(admin),
            items=activation.checklist(admin),
        )
