"""``manage.py activering_deponeren --administration KVK [--aan | --uit] [--door GEBRUIKER]``:
show or switch "Jaarrapportage deponeren via accountancyportal" for an administration, with
the set-up checklist. A switch is recorded like one on the set-up page."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from clientside import activation
from clientside.models import Administration, FilingActivationChange


class Command(BaseCommand):
    help = (
        "Toont of wijzigt de activering 'Jaarrapportage deponeren via accountancyportal' van "
        "een administratie, met wat er nog ontbreekt voor het eerste bericht."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--administration", required=True, help="KvK-nummer (8 cijfers)")
        switch = parser.add_mutually_exclusive_group()
        switch.add_argument("--aan", action="store_true", help="inschakelen")
        switch.add_argument("--uit", action="store_true", help="uitschakelen")
        parser.add_argument("--door", metavar="GEBRUIKER", help="wie schakelt (voor het log)")

    def handle(self, *args, administration, aan: bool, uit: bool, door, **options) -> None:
        found = list(Administration.objects.filter(kvk_number=administration)[:2])
        if len(found) != 1:
            raise CommandError(
                f"Geen (of meer dan één) administratie met KvK-nummer {administration}."
            )
        admin = found[0]
        user = None
        if door:
            user = get_user_model().objects.filter(username=door).first()
            if user is None:
                raise CommandError(f"Gebruiker '{door}' bestaat niet.")
        if aan or uit:
            activation.set_administration_activation(
                administration=admin,
                active=aan,
                user=user,
                source=FilingActivationChange.Source.COMMAND,
            )
        state = "ingeschakeld" if activation.is_active(admin) else "uitgeschakeld"
        self.stdout.write(f"{admin}: '{activation.ACTIVATION_NAME}' {state}.")
        for item in activation.checklist(admin):
            mark = "[x]" if item.done else "[ ]"
            self.stdout.write(f"{mark} {item.title}: {item.detail}")
