"""Whether a message's document covers the financial year its deadlines are counted for.

The portal names a message's financial year after the first year of the document's period
(workflow processing), and the deadlines run from the end of that year as the
organisation's facts (Termijngegevens) have it (``selectors.year_period_of``). Accounts over
another period, say a calendar year of a stichting whose year ends on 30 June, would be
approved and filed over the wrong period while Termijnen counted them for the right one:
``kvk.deadlines.period_mismatch`` says when, here with the organisation's year end.

Reading the period parses the document: the detail pages call ``message_mismatch`` for one
message, Termijnen ``with_periods`` for the rows it shows or exports (one query for
their documents).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from crm.models import Organisation
from deadlines.selectors import DeadlineRow, facts_of
from kvk.deadlines import PeriodMismatch, period_mismatch
from kvk.parser import parse_instance
from workflow.models import ApprovalMessage


def document_period(content: bytes) -> tuple[date, date] | None:
    """The (first day, last day) of the period the document covers; None when it cannot
    be read (a message that failed processing)."""
    try:
        instance = parse_instance(content)
    except ValueError:  # XbrlParseError included
        return None
    if instance.period_start is None or instance.period_end is None:
        return None
    return instance.period_start, instance.period_end


def _mismatch(
    organisation: Organisation, period: tuple[date, date] | None
) -> PeriodMismatch | None:
    if period is None:
        return None
    facts = facts_of(organisation)
    return period_mismatch(*period, end_month=facts.year_end_month, end_day=facts.year_end_day)


def document_mismatch(organisation: Organisation, content: bytes) -> PeriodMismatch | None:
    """The document's period against the organisation's year end; None when it fits or
    the document's period cannot be read."""
    return _mismatch(organisation, document_period(content))


def message_mismatch(message: ApprovalMessage) -> PeriodMismatch | None:
    """``document_mismatch`` of the message's document (the one approved and filed)."""
    return document_mismatch(message.organisation, bytes(message.document))


def with_periods(rows: list[DeadlineRow]) -> list[DeadlineRow]:
    """The rows with their ``document_period`` and ``period_mismatch``; the organisations
    come with their facts (``selectors.year_rows``), the documents of the rows' messages in
    one query, read one at a time (documents may be megabytes each; only their periods are
    kept)."""
    by_message = {row.message.pk: row for row in rows if row.message is not None}
    if not by_message:
        return rows
    documents = ApprovalMessage.objects.filter(pk__in=by_message).values_list("pk", "document")
    periods = {
        pk: document_period(bytes(document)) for pk, document in documents.iterator(chunk_size=20)
    }
    return [
        replace(
            row,
            document_period=periods[row.message.pk],
            period_mismatch=_mismatch(row.organisation, periods[row.message.pk]),
        )
        if row.message is not None and row.message.pk in periods
        else row
        for row in rows
    ]
