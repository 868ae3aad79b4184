"""What the project's management commands that change data share: ``--dry-run``, to report
what a run would change and change nothing, and the summary line that says it was one.

Every app may import this (the library layer), so the accountant side's repairs
(workflow.repairs and the repair_* commands) and the reminders (send_reminders) use one
switch. Each command says in its own words what a dry run reports (``dry_run_help``).
"""

from __future__ import annotations

from django.core.management.base import BaseCommand


class DryRunCommand(BaseCommand):
    """A command with ``--dry-run``; ``handle`` gets ``dry_run``. A subclass says what a dry
    run reports (``dry_run_help``); one with arguments of its own adds them in
    ``add_arguments`` and calls this one where ``--dry-run`` belongs in its help."""

    dry_run_help: str

    def add_arguments(self, parser) -> None:
        parser.add_argument("--dry-run", action="store_true", help=self.dry_run_help)

    def summary(self, text: str, *, dry_run: bool) -> None:
        """The last line of a run, ``text``, starting "Dry run: " when it was one."""
        self.stdout.write(f"{'Dry run: ' if dry_run else ''}{text}")
