"""``manage.py verzenden_ontvangen [--administration KVK]``: "Verzenden/ontvangen
accountancyportal". Safe to repeat; exits 1 when something failed."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from clientside import services


class Command(BaseCommand):
    help = (
        "Verzenden/ontvangen accountancyportal: verzendt berichten met status 0 of 5 en "
        "haalt statuswijzigingen op. Veilig om te herhalen."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--administration", help="alleen deze administratie (KvK-nummer)")

    def handle(self, *args, **options) -> None:
        results = services.send_receive_all(kvk_number=options.get("administration"))
        if options.get("administration") and not results:
            raise CommandError(
                f"Geen administratie met KvK-nummer {options['administration']} en een "
                "actief communicatieprofiel en de activering 'Jaarrapportage deponeren via "
                "accountancyportal' ingeschakeld."
            )
        failed = False
        for kvk_number, result in results.items():
            self.stdout.write(f"{kvk_number}: {result.summary()}")
            for error in result.errors:
                failed = True
                self.stderr.write(f"  - {error}")
        if failed:
            raise CommandError("Niet alles is gelukt; zie de meldingen hierboven.")
