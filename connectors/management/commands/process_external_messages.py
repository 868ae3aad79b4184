"""Manual run of the scheduled job "Externe berichten verwerken"."""

from django.core.management.base import BaseCommand

from connectors import services


class Command(BaseCommand):
    help = "Externe berichten verwerken: hervat vastgelopen berichten en verwerk alles op 10."

    def handle(self, *args, **options):
        resumed = services.resume_stuck_processing()
        counts = services.process_external_messages()
        self.stdout.write(
            f"hervat: {resumed}, opgepakt: {counts['claimed']}, "
            f"in behandeling (30): {counts['in_review']}, niet verwerkt (25): {counts['failed']}"
        )
