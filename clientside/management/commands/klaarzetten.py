"""``manage.py klaarzetten --administration KVK --year YYYY``: "Klaarzetten accountancyportal"."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from clientside import activation, services
from clientside.models import AnnualReport


class Command(BaseCommand):
    help = (
        "Klaarzetten accountancyportal: controleert het jaarrapport (volledigheid en "
        "KvK-regels) en zet bij succes een bericht klaar (status 0)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--administration", required=True, help="KvK-nummer (8 cijfers)")
        parser.add_argument("--year", required=True, type=int, help="boekjaar, bijv. 2025")
        parser.add_argument(
            "--heraanlevering",
            action="store_true",
            help="het jaarrapport van de heraanlevering in plaats van het gewone",
        )
        parser.add_argument(
            "--tweede-aanlevering",
            action="store_true",
            help="het jaarrapport van de tweede aanlevering (de vastgestelde jaarrekening na "
            "een niet vastgestelde) in plaats van het gewone",
        )

    def handle(self, *args, **options) -> None:
        report = (
            AnnualReport.objects.select_related("administration")
            .filter(
                administration__kvk_number=options["administration"],
                financial_year=options["year"],
                resubmission=options["heraanlevering"],
                second_filing=options["tweede_aanlevering"],
            )
            .first()
        )
        if report is None:
            raise CommandError(
                f"Geen jaarrapport {options['year']} voor administratie met KvK-nummer "
                f"{options['administration']}."
            )
        if not activation.is_active(report.administration):
            raise CommandError(activation.inactive_text(report.administration))
        try:
            message = services.prepare(report)
        except services.PrepareError as error:
            if not error.checks:  # a message under way, a filed report: no field to fix
                raise CommandError(
                    "Niet klaargezet: " + " ".join(p.message for p in error.problems)
                )
            for problem in error.problems:
                code = f" ({problem.code})" if problem.code else ""
                self.stderr.write(f"- {problem}{code}")
            count = len(error.problems)
            points = "1 punt" if count == 1 else f"{count} punten"
            raise CommandError(
                f"Niet klaargezet: {points} om te herstellen; herstel de genoemde velden en "
                "probeer opnieuw."
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Klaargezet: {message.filename} (status {message.status} "
                f"{message.status_label}, bericht {message.message_id})."
            )
        )
        size_check = services.size_class_check(report)
        if size_check is not None and size_check.warning:
            # A warning, not a block (art. 2:395a and 2:396 BW): the message is prepared.
            summary, *years = size_check.lines("nl")
            self.stdout.write(self.style.WARNING(f"Let op, grootteklasse: {summary}"))
            for line in years:
                self.stdout.write(f"  {line}")
