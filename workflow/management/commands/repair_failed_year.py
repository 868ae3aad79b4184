"""After upgrading to the release that keeps the financial year of a message that failed
processing: fill ``ApprovalMessage.financial_year`` of the 25s stored before it.

    python manage.py repair_failed_year [--dry-run] [--batch-size N]

Processing keeps on a 25 the financial year its document says, where the document can be
read and is not another company's (workflow.services.processing.failed_year), so that staff
find it under its year. This reads the received document of every 25 without a year the
same way and sets the year where processing now would. Statuses do not change. Safe to
interrupt and run again (workflow.repairs).
"""

from __future__ import annotations

from django.db.models import QuerySet

from kvk.status import Status
from workflow.models import ApprovalMessage
from workflow.repairs import RepairCommand
from workflow.services.processing import failed_year


class Command(RepairCommand):
    help = (
        "Fill the financial year of messages that failed processing (25) before it was "
        "kept, from their received documents; statuses do not change."
    )

    field = "financial_year"

    def candidates(self) -> QuerySet[ApprovalMessage]:
        return ApprovalMessage.objects.filter(
            status=Status.PROCESSING_FAILED, financial_year__isnull=True
        )

    def value_of(self, message: ApprovalMessage) -> int | None:
        return failed_year(message.reasons, bytes(message.received_document))
