"""Send the due reminders now: client reminders and staff escalations (idempotent)."""

from __future__ import annotations

from datetime import datetime, time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from deadlines import reminders


class Command(BaseCommand):
    help = "Send due reminders to clients and escalations to staff; never sends one twice."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--today",
            help="Act as if today were this date (YYYY-MM-DD), e.g. to preview a season.",
        )

    def handle(self, *args, **options) -> None:
        now = None
        if options["today"]:
            try:
                day = datetime.strptime(options["today"], "%Y-%m-%d").date()
            except ValueError:
                raise CommandError("--today expects a date as YYYY-MM-DD.")
            now = timezone.make_aware(datetime.combine(day, time(12, 0)))
        outcome = reminders.send_reminders(now=now)
        self.stdout.write(
            f"client reminders: {outcome.client_reminders}, "
            f"staff escalations: {outcome.staff_escalations}"
        )
