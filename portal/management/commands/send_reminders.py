"""Send the due reminders now: client reminders and staff escalations (idempotent); or,
with --today or --dry-run, show what would be sent, sending and writing nothing."""

from __future__ import annotations

from datetime import datetime, time

from django.core.management.base import CommandError
from django.utils import timezone

from deadlines import reminders
from deadlines.models import ReminderLog
from kvk.commands import DryRunCommand


def describe(entry: ReminderLog) -> str:
    """One line of a preview: whose reminder, which step, to whom."""
    line = f"  {entry.organisation.name}, {entry.financial_year}: {entry.kind}"
    if entry.kind == ReminderLog.Kind.CLIENT_REVIEW:
        line += f" after {entry.step} days, to {', '.join(entry.recipients)}"
    elif entry.kind == ReminderLog.Kind.STAFF_ESCALATION:
        line += f" {entry.step} days before the deadline"
    return line


def describe_mail(mail: reminders.ClientMail, entries: dict[int, ReminderLog]) -> str:
    """One line of a preview: a client reminder e-mail, to whom, about which messages."""
    about = [entries[entry_id] for entry_id in mail.entry_ids]
    count = f"{len(about)} message" + ("" if len(about) == 1 else "s")
    messages = ", ".join(f"{entry.organisation.name} {entry.financial_year}" for entry in about)
    return f"  mail to {mail.address}: {count} ({messages})"


class Command(DryRunCommand):
    help = (
        "Send due reminders to clients and escalations to staff; never sends one twice. "
        "--today and --dry-run only show what would be sent."
    )
    dry_run_help = "Show what would be sent today, sending and recording nothing."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--today",
            help="Preview as if today were this date (YYYY-MM-DD), e.g. a season ahead: "
            "sends nothing and records nothing, so the real day still sends everything.",
        )
        super().add_arguments(parser)

    def handle(self, *args, **options) -> None:
        now = None
        if options["today"]:
            try:
                day = datetime.strptime(options["today"], "%Y-%m-%d").date()
            except ValueError:
                raise CommandError("--today expects a date as YYYY-MM-DD.")
            now = timezone.make_aware(datetime.combine(day, time(12, 0)))
        if now is None and not options["dry_run"]:
            outcome = reminders.send_reminders()
            self.stdout.write(
                f"client reminders: {outcome.client_reminders}, "
                f"staff escalations: {outcome.staff_escalations}"
            )
            return
        outcome, entries = reminders.preview_reminders(now=now)
        day = timezone.localdate(now or timezone.now())
        self.stdout.write(
            f"preview of {day.isoformat()} (nothing sent, nothing recorded): "
            f"client reminders: {outcome.client_reminders}, "
            f"staff escalations: {outcome.staff_escalations}"
        )
        for entry in entries:
            self.stdout.write(describe(entry))
        # One e-mail per person, listing the reminders above that are theirs.
        self.stdout.write(f"client reminder e-mails: {len(outcome.client_mails)}")
        by_id = {entry.pk: entry for entry in entries}
        for mail in outcome.client_mails:
            self.stdout.write(describe_mail(mail, by_id))
