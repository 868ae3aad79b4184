"""After upgrading to the release that keeps the signing date (workflow 0005): fill
``ApprovalMessage.signed_on`` of the messages that entered the workflow before it.

    python manage.py repair_signed_on [--dry-run] [--batch-size N]

Processing keeps on a message that enters the workflow (30) the date by which every current
director and supervisory director signed its document (kvk.parser.signed_by_all_on): when
all shareholders are directors, that signing is the adoption and filing is due 8 days later
(art. 2:210 lid 5 BW, kvk.deadlines). This reads the received document of every message
from 30 on (not 25: those never entered the workflow) that has no date yet, the way
processing reads it (connectors.services.signed_on_of), and sets the date where processing
would have set one. Statuses do not change. Safe to interrupt and run again (workflow.repairs).
"""

from __future__ import annotations

from datetime import date

from django.db.models import QuerySet

from connectors.services import signed_on_of
from kvk.status import Status
from workflow.models import ApprovalMessage
from workflow.repairs import RepairCommand


class Command(RepairCommand):
    help = (
        "Fill the directors' signing date (signed_on) of messages that entered the workflow "
        "before it was kept, from their received documents; statuses do not change."
    )

    field = "signed_on"

    def candidates(self) -> QuerySet[ApprovalMessage]:
        return ApprovalMessage.objects.filter(status__gte=Status.IN_REVIEW, signed_on__isnull=True)

    def value_of(self, message: ApprovalMessage) -> date | None:
        return signed_on_of(bytes(message.received_document))
