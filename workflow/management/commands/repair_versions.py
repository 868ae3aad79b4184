"""After upgrading to the release that closes an older version of a year at 30 when a newer
one enters the workflow (workflow.services.versions): close the older versions that still
wait at 30 beside a newer one.

    python manage.py repair_versions [--dry-run]

Per organisation and financial year with more than one message at 30, the version received
last goes on; each older one is closed through the status machine (30 -> 25, "Vervangen door
nieuwe versie") with an audit event and a reason naming the newer message, and linked to it,
as processing now does. Safe to interrupt and run again: each year is decided again under its
locks.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count

from kvk.commands import DryRunCommand
from kvk.status import Status
from workflow.models import ApprovalMessage
from workflow.services.versions import close_superseded


class Command(DryRunCommand):
    help = (
        "Close older versions of a year left at 30 beside a newer one (30 -> 25 with an "
        "audit event), keeping the version received last."
    )
    dry_run_help = "Report what would be closed; change nothing."

    def handle(self, *args, dry_run: bool, **options: Any) -> None:
        years = (
            ApprovalMessage.objects.filter(status=Status.IN_REVIEW, financial_year__isnull=False)
            .values("organisation_id", "financial_year")
            .annotate(versions=Count("pk"))
            .filter(versions__gt=1)
            .order_by("organisation_id", "financial_year")
            .values_list("organisation_id", "financial_year", "versions")
        )
        closed = 0
        for organisation_id, year, versions in years:
            if dry_run:
                closed += versions - 1
                self.stdout.write(
                    f"organisation {organisation_id}, {year}: would close {versions - 1} of "
                    f"{versions} versions at 30"
                )
                continue
            for message in close_superseded(organisation_id=organisation_id, financial_year=year):
                closed += 1
                self.stdout.write(
                    f"organisation {organisation_id}, {year}: closed message {message.pk} "
                    f"(30 -> 25); goes on: {message.reasons[0]['params']['message_id']}"
                )
        verb = "would close" if dry_run else "closed"
        self.summary(f"{verb} {closed} older version(s).", dry_run=dry_run)
