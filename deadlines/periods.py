"""The period a financial year's deadlines count from: the one its document states.

Deadlines count from the end of the financial year (KVK-SBR.md section 1), and a year is
the one the organisation's year end gives (``selectors.year_period_of``) unless its
accounts say otherwise: a first year may be shorter or longer than twelve months, as may a
year the statutes change (art. 2:10a BW). The portal names a message's financial year after
the first year of the document's period (KVK-SBR.md section 3, workflow processing), so:

- a short first year from 1 March to 30 June 2025 (year end 30 June) is boekjaar 2025,
  whose year by the facts runs to 30 June 2026: its deadlines count from 30 June 2025, the
  end the document states;
- an extended first year from 1 September 2024 to 31 December 2025 is boekjaar 2024 and
  counts from 31 December 2025; boekjaar 2025 then has no accounts of its own: its row
  shows the accounts of 2024 that cover it (``DeadlineRow.covering_year``), not a year
  without a message whose deadline passed.

Only the end is compared with the organisation's year end (``kvk.deadlines.
period_mismatch``): a period ending on another day is pointed out to a person, and its
deadlines count from the end the document states all the same.

Reading the period parses the document: the detail pages call ``message_mismatch`` and
``message_row`` for one message, Termijnen ``shown_rows`` for the rows it shows or exports
(one query for their documents, read one at a time; for the years without a message, two
for the messages of the year before and their documents).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import date

from django.db.models import QuerySet
from django.utils import timezone

from crm.models import Organisation
from deadlines import selectors
from deadlines.selectors import DeadlineRow
from kvk.deadlines import Deadlines, PeriodMismatch, period_mismatch
from kvk.parser import parse_instance
from workflow.models import ApprovalMessage

Period = tuple[date, date]


def document_period(content: bytes) -> Period | None:
    """The (first day, last day) of the accounts the document holds; None when it cannot
    be read (a message that failed processing) or states no period that ends after it
    begins."""
    try:
        instance = parse_instance(content)
    except ValueError:  # XbrlParseError included
        return None
    start, end = instance.period_start, instance.period_end
    if start is None or end is None or end <= start:
        return None
    return start, end


def _mismatch(organisation: Organisation, period: Period) -> PeriodMismatch | None:
    facts = selectors.facts_of(organisation)
    return period_mismatch(*period, end_month=facts.year_end_month, end_day=facts.year_end_day)


def document_mismatch(organisation: Organisation, content: bytes) -> PeriodMismatch | None:
    """The document's period against the organisation's year end; None when it fits or
    the document's period cannot be read (a message that failed processing)."""
    period = document_period(content)
    return None if period is None else _mismatch(organisation, period)


def message_mismatch(message: ApprovalMessage) -> PeriodMismatch | None:
    """``document_mismatch`` of the message's document (the one approved and filed)."""
    return document_mismatch(message.organisation, bytes(message.document))


def _document_periods(messages: Iterable[ApprovalMessage]) -> dict[int, Period | None]:
    """By message id, the period each message's document states: the documents in one
    query, read one at a time (documents may be megabytes each; only the periods are
    kept)."""
    pks = [message.pk for message in messages]
    if not pks:
        return {}
    documents = ApprovalMessage.objects.filter(pk__in=pks).values_list("pk", "document")
    return {
        pk: document_period(bytes(document)) for pk, document in documents.iterator(chunk_size=20)
    }


def _over(row: DeadlineRow, period: Period, today: date) -> DeadlineRow:
    """``row`` counted from ``period``, its document's, with that ``document_period`` and
    its ``period_mismatch``."""
    row = selectors.row_over_period(row, period, today=today)
    return replace(row, document_period=period, period_mismatch=_mismatch(row.organisation, period))


def _counted_from_documents(rows: list[DeadlineRow], today: date) -> list[DeadlineRow]:
    """The rows counted from the periods their messages' documents state."""
    periods = _document_periods(row.message for row in rows if row.message is not None)
    counted = []
    for row in rows:
        period = periods.get(row.message.pk) if row.message is not None else None
        counted.append(row if period is None else _over(row, period, today))
    return counted


def _covered_by_the_year_before(rows: list[DeadlineRow], today: date) -> list[DeadlineRow]:
    """The rows without a message, where the accounts of the year before cover the year
    (its period by the facts lies within theirs), replaced by that year's row.

    Only the year before can cover a year: accounts are named after the year they begin
    in and run less than two years (BR-KVK-4.17, KVK-SBR.md section 4), so accounts named
    two years earlier end before this year begins. Two queries for the messages of the
    year before and their documents; the rows of the years covered (rare: first years)
    four more."""
    without = {row.organisation.pk: row for row in rows if row.message is None}
    if not without:
        return rows
    year = next(iter(without.values())).financial_year
    organisations = Organisation.objects.filter(pk__in=list(without))
    earlier = selectors.year_messages(organisations, year - 1)
    periods = _document_periods(earlier.values())
    covering: dict[int, Period] = {}
    for organisation_id, message in earlier.items():
        period = periods.get(message.pk)
        start, end = selectors.year_period_of(without[organisation_id].organisation, year)
        if period is not None and period[0] <= start and end <= period[1]:
            covering[organisation_id] = period
    if not covering:
        return rows
    # The year before's rows: its extension and the dates its message recorded.
    before = selectors.year_rows(organisations.filter(pk__in=list(covering)), year - 1, today=today)
    covered = {
        row.organisation.pk: replace(
            _over(row, covering[row.organisation.pk], today), financial_year=year
        )
        for row in before
        if row.message is not None and row.message.pk == earlier[row.organisation.pk].pk
    }
    return [covered.get(row.organisation.pk, row) if row.message is None else row for row in rows]


def with_document_periods(rows: list[DeadlineRow], *, today: date) -> list[DeadlineRow]:
    """The rows (of one financial year) counted from the periods their documents state,
    and the years an earlier year's accounts cover shown with those accounts."""
    return _covered_by_the_year_before(_counted_from_documents(rows, today), today)


def year_rows(
    organisations: QuerySet[Organisation], financial_year: int, *, today: date
) -> list[DeadlineRow]:
    """``selectors.year_rows`` counted from the periods their documents state, as Termijnen
    counts them: as many queries for one organisation as for hundreds (the staff's
    escalation digest)."""
    return with_document_periods(
        selectors.year_rows(organisations, financial_year, today=today), today=today
    )


def year_row(organisation: Organisation, financial_year: int, *, today: date) -> DeadlineRow:
    """``year_rows`` of one organisation (the facts page, the client reminder)."""
    (row,) = year_rows(Organisation.objects.filter(pk=organisation.pk), financial_year, today=today)
    return row


def message_row(message: ApprovalMessage) -> DeadlineRow | None:
    """The row of the message's organisation and financial year as Termijnen counts it
    (``year_row``: the adoption of all the year's versions, the period the document states,
    where the year stands); None without a financial year or for a legal form whose
    deadlines we do not compute. For one message's pages and mails, never for a list."""
    if not message.financial_year:
        return None
    organisation = Organisation.objects.get(pk=message.organisation_id)
    row = year_row(organisation, message.financial_year, today=timezone.localdate())
    return row if row.deadlines is not None else None


def message_deadlines(message: ApprovalMessage) -> Deadlines | None:
    """The deadlines of the message's organisation and financial year as Termijnen counts
    them (``message_row``); None without a financial year or for a legal form whose
    deadlines we do not compute."""
    row = message_row(message)
    return None if row is None else row.deadlines


def shown_rows(
    rows: list[DeadlineRow],
    *,
    today: date,
    situation: str = "",
    min_days_in_status: int | None = None,
    max_days_left: int | None = None,
) -> list[DeadlineRow]:
    """``selectors.filter_rows`` of the rows ``with_document_periods``, sorted again
    (``selectors.sort_rows``: the days left may change). Only the documents of the rows
    the filters can keep are read: a year with a message keeps its situation and waiting
    time whatever its document says; a year without one may be covered by the year
    before, whose message then decides."""
    maybe_shown = [
        row
        for row in rows
        if row.message is None
        or selectors.filter_rows([row], situation=situation, min_days_in_status=min_days_in_status)
    ]
    counted = with_document_periods(maybe_shown, today=today)
    return selectors.sort_rows(
        selectors.filter_rows(
            counted,
            situation=situation,
            min_days_in_status=min_days_in_status,
            max_days_left=max_days_left,
        )
    )
