"""Scripted onboarding: ``manage.py create_organisation --name NAME --kvk NUMBER``."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from crm import services


class Command(BaseCommand):
    help = "Maakt een cliëntorganisatie aan met haar KvK-nummer."

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True, help="Naam van de organisatie")
        parser.add_argument("--kvk", required=True, help="KvK-nummer (acht cijfers)")
        parser.add_argument(
            "--environment",
            metavar="DEELNEMERNUMMER",
            help="Deelnemernummer van de accountantsomgeving (nodig als er meerdere zijn)",
        )

    def handle(self, *args, name: str, kvk: str, environment: str | None, **options):
        try:
            env = services.find_environment(environment)
            organisation = services.create_organisation(
                environment=env, name=name, kvk_number=kvk.strip()
            )
        except services.OnboardingError as error:
            raise CommandError(str(error))
        self.stdout.write(
            _(
                "Organisatie '%(naam)s' aangemaakt met KvK-nummer %(nummer)s "
                "(omgeving %(omgeving)s)."
            )
            % {"naam": organisation.name, "nummer": kvk.strip(), "omgeving": env}
        )
