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

The period is the one processing kept with the message (``ApprovalMessage.period_start``
and ``period_end``, ``selectors.stored_period``): no document is read here, so Termijnen,
its export, the dashboard, the message lists and the reminders cost the same whatever the
size of the documents. Only the end is compared with the organisation's year end
(``kvk.deadlines.period_mismatch``): a period ending on another day is pointed out to a
person, and its deadlines count from the end the document states all the same.

``selectors.year_rows`` counts each row from its own message's period; this module adds
what needs the year before (``with_covered_years``: one query for the messages of the year
before; the rows of the years covered, rare, four more), and the counts of the dashboard
that must be those of the list (``shown_rows``, ``years_at_risk``).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from django.db.models import QuerySet
from django.utils import timezone

from crm.models import Organisation
from deadlines import selectors
from deadlines.selectors import DeadlineRow, YearAtRisk
from kvk.deadlines import Deadlines, PeriodMismatch
from workflow.models import ApprovalMessage


def message_mismatch(message: ApprovalMessage) -> PeriodMismatch | None:
    """The period the message's document states against the organisation's year end; None
    when it fits or the document states none (a message that failed processing)."""
    period = selectors.stored_period(message)
    return None if period is None else selectors.mismatch_of(message.organisation, period)


def with_covered_years(rows: list[DeadlineRow], *, today: date) -> list[DeadlineRow]:
    """The rows (of one financial year) without a message, where the accounts of the year
    before cover the year (its period by the facts lies within theirs), replaced by that
    year's row: an extended first year (art. 2:10a BW).

    Only the year before can cover a year: accounts are named after the year they begin
    in and run less than two years (BR-KVK-4.17, KVK-SBR.md section 4), and a year by the
    facts named Y begins in Y and ends on 31 December Y or later; so accounts named two
    years earlier end before it does, and accounts named after a later year begin after
    it did. One query for the messages of the year before; the rows of the years covered
    (rare: first years) four more."""
    without = {row.organisation.pk: row for row in rows if row.message is None}
    if not without:
        return rows
    year = next(iter(without.values())).financial_year
    organisations = Organisation.objects.filter(pk__in=list(without))
    earlier = selectors.year_messages(organisations, year - 1)
    covering = set()
    for organisation_id, message in earlier.items():
        period = selectors.stored_period(message)
        start, end = selectors.year_period_of(without[organisation_id].organisation, year)
        if period is not None and period[0] <= start and end <= period[1]:
            covering.add(organisation_id)
    if not covering:
        return rows
    # The year before's rows: its extension, the dates its message recorded, its period.
    before = selectors.year_rows(organisations.filter(pk__in=covering), year - 1, today=today)
    covered = {
        row.organisation.pk: replace(row, financial_year=year)
        for row in before
        if row.message is not None and row.message.pk == earlier[row.organisation.pk].pk
    }
    return [covered.get(row.organisation.pk, row) if row.message is None else row for row in rows]


def year_rows(
    organisations: QuerySet[Organisation], financial_year: int, *, today: date
) -> list[DeadlineRow]:
    """``selectors.year_rows`` ``with_covered_years``, as Termijnen counts them: as many
    queries for one organisation as for hundreds (the staff's escalation digest)."""
    return with_covered_years(
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
    sort: str = selectors.DEFAULT_ROW_SORT,
) -> list[DeadlineRow]:
    """``selectors.filter_rows`` of the rows ``with_covered_years``, sorted again
    (``selectors.sort_rows`` by ``sort``: a covered year's days left are those of the year
    before): what Termijnen and its export list, and the dashboard counts
    (``years_at_risk``)."""
    return selectors.sort_rows(
        selectors.filter_rows(
            with_covered_years(rows, today=today),
            situation=situation,
            min_days_in_status=min_days_in_status,
            max_days_left=max_days_left,
        ),
        sort,
    )


def years_at_risk(organisations: QuerySet[Organisation], today: date) -> list[YearAtRisk]:
    """Per financial year near its deadline (``selectors.years_near_deadline``), newest
    first, the rows Termijnen lists at risk with "Deponeren binnen" ``DUE_SOON_DAYS``
    (``shown_rows``), counted as overdue or not yet; years with neither are left out. The
    same queries a year whatever the number of organisations."""
    result = []
    for financial_year in sorted(selectors.years_near_deadline(today), reverse=True):
        rows = shown_rows(
            selectors.year_rows(organisations, financial_year, today=today),
            today=today,
            max_days_left=selectors.DUE_SOON_DAYS,
        )
        overdue = sum(1 for row in rows if row.overdue)
        if rows:
            result.append(YearAtRisk(financial_year, overdue, len(rows) - overdue))
    return result
