"""Scripted onboarding: ``manage.py create_organisation --name NAME --kvk NUMBER
[--rechtsvorm RECHTSVORM] [--year-end DD-MM] [--medewerker LOGIN]``, with what the legal
deadlines depend on and the responsible staff member, as InSite's "Nieuwe organisatie" asks
them (deadlines.selectors.create_organisation)."""

import re

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from crm import services
from deadlines import selectors
from kvk import taxonomy as tx
from kvk.deadlines import BV, financial_year_period

#: The financial year end as typed: day and month, "30-06".
YEAR_END = re.compile(r"(?P<day>[0-9]{1,2})-(?P<month>[0-9]{1,2})")


def _captions() -> str:
    """The legal forms as people read them, in the active language (tx.CAPTIONS)."""
    return ", ".join(str(caption) for _value, caption in tx.legal_form_choices())


def legal_form(typed: str) -> str:
    """The value of the taxonomy's list (tx.LEGAL_FORMS) typed as it, or as its caption
    ("Coöperatie"), in any capitals."""
    wanted = typed.strip().casefold()
    for value, caption in tx.legal_form_choices():
        if wanted in (value.casefold(), str(caption).casefold()):
            return value
    raise CommandError(
        _("Onbekende rechtsvorm '%(rechtsvorm)s'. Kies een van: %(keuzes)s.")
        % {
            "rechtsvorm": typed,
            "keuzes": _captions(),
        }
    )


def year_end(typed: str) -> tuple[int, int]:
    """(month, day) of a year end typed as DD-MM; 29-02 is the last day of February."""
    match = YEAR_END.fullmatch(typed.strip())
    if match:
        month, day = int(match["month"]), int(match["day"])
        try:
            financial_year_period(2024, month, day)
        except ValueError:
            pass
        else:
            return month, day
    raise CommandError(
        _(
            "Einde boekjaar '%(einde)s' is geen bestaande datum als DD-MM (dag-maand). Geef "
            "bijvoorbeeld 31-12 of 30-06; 29-02 is de laatste dag van februari."
        )
        % {"einde": typed}
    )


class Command(BaseCommand):
    help = (
        "Maakt een cliëntorganisatie aan met haar KvK-nummer, rechtsvorm en einde boekjaar "
        "(daarvan hangen de wettelijke termijnen af)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True, help="Naam van de organisatie")
        parser.add_argument("--kvk", required=True, help="KvK-nummer (acht cijfers)")
        parser.add_argument(
            "--rechtsvorm",
            "--legal-form",
            dest="legal_form",
            metavar="RECHTSVORM",
            default=BV,
            help="Rechtsvorm, zoals in InSite: " + _captions() + " (standaard: de BV)",
        )
        parser.add_argument(
            "--year-end",
            metavar="DD-MM",
            default="31-12",
            help="Laatste dag van het boekjaar, dag-maand (standaard 31-12: het kalenderjaar)",
        )
        parser.add_argument(
            "--medewerker",
            "--staff-member",
            dest="staff_member",
            metavar="LOGIN",
            help="Login van de verantwoordelijke medewerker: die krijgt de e-mail over deze "
            "organisatie (standaard: geen, alle medewerkers krijgen die)",
        )
        parser.add_argument(
            "--environment",
            metavar="DEELNEMERNUMMER",
            help="Deelnemernummer van de accountantsomgeving (nodig als er meerdere zijn)",
        )

    def handle(self, *args, name: str, kvk: str, environment: str | None, **options):
        form = legal_form(options["legal_form"])
        month, day = year_end(options["year_end"])
        try:
            env = services.find_environment(environment)
            login = options["staff_member"]
            responsible = services.find_staff_member(env, login) if login else None
            organisation = selectors.create_organisation(
                environment=env,
                name=name,
                kvk_number=kvk.strip(),
                legal_form=form,
                year_end_month=month,
                year_end_day=day,
                responsible=responsible,
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
        self.stdout.write(
            _("Rechtsvorm: %(rechtsvorm)s; einde boekjaar: %(einde)s.")
            % {"rechtsvorm": tx.caption(form), "einde": f"{day:02d}-{month:02d}"}
        )
        if responsible is not None:
            self.stdout.write(
                _("Verantwoordelijk medewerker: %(medewerker)s.")
                % {"medewerker": responsible.display_name}
            )
