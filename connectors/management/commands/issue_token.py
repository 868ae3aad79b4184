"""Scripted onboarding: ``manage.py issue_token --kvk NUMBER`` prints a new token once.

The token alone goes to standard output (so a script can capture it); what it is for goes
to standard error.
"""

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from connectors import services
from crm import services as crm_services


class Command(BaseCommand):
    help = "Geeft een nieuw token uit voor de cliëntomgeving van een organisatie."

    def add_arguments(self, parser):
        parser.add_argument("--kvk", required=True, help="KvK-nummer van de organisatie")
        parser.add_argument(
            "--environment",
            metavar="DEELNEMERNUMMER",
            help="Deelnemernummer van de accountantsomgeving (nodig als het KvK-nummer in "
            "meerdere omgevingen voorkomt)",
        )
        parser.add_argument("--description", default="", help="Omschrijving van het token")
        parser.add_argument(
            "--expires-in-days",
            type=int,
            default=None,
            help="Laat het token na zoveel dagen verlopen",
        )

    def handle(self, *args, kvk: str, environment, description: str, expires_in_days, **options):
        if expires_in_days is not None and expires_in_days < 1:
            raise CommandError(_("--expires-in-days moet minstens 1 zijn."))
        try:
            organisation = crm_services.find_organisation(
                kvk_number=kvk.strip(), participant_number=environment
            )
        except crm_services.OnboardingError as error:
            raise CommandError(str(error))
        connector = services.default_connector(organisation.environment)
        expires_at = timezone.now() + timedelta(days=expires_in_days) if expires_in_days else None
        token, raw = services.issue_token(
            organisation=organisation,
            connector=connector,
            description=description or _("Uitgegeven met issue_token"),
            expires_at=expires_at,
        )
        self.stderr.write(
            _(
                "Token %(prefix)s… uitgegeven voor '%(naam)s' via app connector '%(connector)s'. "
                "Bewaar het nu: het wordt niet opnieuw getoond."
            )
            % {"prefix": token.prefix, "naam": organisation.name, "connector": connector.name}
        )
        self.stdout.write(raw)
