"""After restoring a database from before workflow 0007: fill the period of the accounts
(``ApprovalMessage.period_start`` and ``period_end``) of the messages processed before
processing kept it.

    python manage.py repair_document_period [--dry-run] [--batch-size N]

Processing keeps with a message's financial year the period its accounts state
(kvk.parser.ParsedInstance.accounts_period), and the deadlines count from it (a first year
may be shorter or longer, art. 2:10a BW; deadlines.periods). Migration workflow 0007
(release 3e25ac6, now in its squash) fills it for the messages there were; this does the same
(workflow.repairs.fill_document_periods) for a database restored from a backup made before
it, or a run of 0007 that was faked. Statuses do not change. Safe to interrupt and run
again (workflow.repairs).
"""

from __future__ import annotations

from datetime import date

from django.db.models import QuerySet

from workflow.models import ApprovalMessage
from workflow.repairs import PERIOD_FIELDS, RepairCommand, period_candidates, period_of


class Command(RepairCommand):
    help = (
        "Fill the period of the accounts (period_start, period_end) of messages processed "
        "before it was kept, from their received documents; statuses do not change."
    )

    field = PERIOD_FIELDS

    def candidates(self) -> QuerySet[ApprovalMessage]:
        return period_candidates(ApprovalMessage.objects.all())

    def value_of(self, message: ApprovalMessage) -> tuple[date, date] | None:
        return period_of(message)
