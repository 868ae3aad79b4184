"""Legal deadlines of the annual accounts of a BV/NV: pure date arithmetic, no Django.

The rules (KVK-SBR.md section 1, art. 2:394 BW), per financial year:

- draw-up (opmaken): within 5 months after year end; the shareholders may extend this by
  at most 5 months (``extension_months`` 0..5, granted per year);
- adoption (vaststellen): within 2 months after the draw-up deadline;
- filing (deponeren): within 8 days after adoption, and in any case within 12 months
  after year end;
- when all shareholders are also directors, signing the accounts counts as adoption.

Interpretation, made explicit because the law states periods and not dates:

- *Month periods.* "N months after year end" is a period that starts the day after the
  year ends. When the year ends on the last day of a month, the deadline is the last day
  of the month N months on (31 Dec + 5 = 31 May; a year ending 29 Feb 2024 or 28 Feb 2023
  gives 31 July; 30 June + 7 = 31 January). Otherwise the deadline keeps the day of the
  month, clamped to the last day of a shorter month (15 Aug + 6 = 15 Feb; 30 Aug + 6 =
  28 or 29 Feb). Every deadline is computed from the year end directly, never from
  another deadline, so clamping never accumulates (31 Aug + 6 + 2 months is 30 April,
  not 28 April).
- *Filing, not yet adopted.* The latest adoption date plus 8 days, capped at 12 months
  after year end: 7 months + 8 days without extension; with the full 5-month extension
  the adoption deadline is 12 months and the cap applies. (Art. 2:394 lid 3 also obliges
  the board to file the non-adopted accounts "onverwijld" once the adoption deadline
  has passed; those 8 days are the grace we allow for "onverwijld".)
- *Filing, adopted.* The actual adoption date plus 8 days, never after the 12-month
  limit (also when adoption came late).
- *All shareholders are directors.* Signing is adoption, and signing happens at the
  latest on the draw-up deadline, so the adoption deadline *is* the draw-up deadline and
  filing is due 8 days after it: 5 months + 8 days, and with the full extension 10
  months + 8 days (the domain text's figure; it always lies within the 12-month limit).
  When the signing date is known, filing is due 8 days after it.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

DRAW_UP_MONTHS = 5
MAX_EXTENSION_MONTHS = 5
ADOPTION_MONTHS = 2
FILING_DAYS_AFTER_ADOPTION = 8
FILING_LIMIT_MONTHS = 12


def _last_day(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def is_last_day_of_month(day: date) -> bool:
    return day.day == _last_day(day.year, day.month)


def add_months(day: date, months: int) -> date:
    """``day`` plus ``months`` calendar months with the end-of-month rule (see above)."""
    year, month_index = divmod(day.month - 1 + months, 12)
    year += day.year
    month = month_index + 1
    last = _last_day(year, month)
    if is_last_day_of_month(day):
        return date(year, month, last)
    return date(year, month, min(day.day, last))


def financial_year_period(year: int, end_month: int = 12, end_day: int = 31) -> tuple[date, date]:
    """The (first day, last day) of financial year ``year`` for a year ending on
    ``end_month``/``end_day``.

    A financial year is named after the calendar year in which it *begins*, as the
    taxonomy generations are (KVK-SBR.md section 3): with a year end of 30 June, financial
    year 2025 runs from 1 July 2025 to 30 June 2026. A year end of 29 February means "the
    last day of February" and falls on the 28th in common years.
    """
    if not 1 <= end_month <= 12 or not 1 <= end_day <= _last_day(2024, end_month):
        raise ValueError(f"Invalid financial year end {end_day}-{end_month}.")

    def end_in(calendar_year: int) -> date:
        return date(calendar_year, end_month, min(end_day, _last_day(calendar_year, end_month)))

    if (end_month, end_day) == (12, 31):
        return date(year, 1, 1), date(year, 12, 31)
    # Otherwise the year that begins in ``year`` starts the day after this year's end.
    return end_in(year) + timedelta(days=1), end_in(year + 1)


@dataclass(frozen=True)
class Deadlines:
    """The deadlines of one financial year; see the module docstring for the rules."""

    year_start: date
    year_end: date
    extension_months: int
    all_shareholders_are_directors: bool
    adopted_on: date | None
    draw_up: date
    adoption: date
    filing: date
    filing_limit: date  # twelve months after year end, whatever happens

    @property
    def adoption_late(self) -> bool:
        return self.adopted_on is not None and self.adopted_on > self.adoption

    def days_left(self, today: date) -> int:
        """Days until the filing deadline (0 on the day itself, negative when overdue)."""
        return (self.filing - today).days


def compute_deadlines(
    year_start: date,
    year_end: date,
    *,
    extension_months: int = 0,
    all_shareholders_are_directors: bool = False,
    adopted_on: date | None = None,
) -> Deadlines:
    """Draw-up, adoption and filing deadlines of the financial year ``year_start..year_end``.

    ``extension_months`` is the extension of the draw-up period granted for this year
    (0..5). ``adopted_on`` is the adoption date when the accounts have been adopted (or,
    when all shareholders are directors, signed).
    """
    if year_end <= year_start:
        raise ValueError("A financial year ends after it starts.")
    if not 0 <= extension_months <= MAX_EXTENSION_MONTHS:
        raise ValueError(
            f"The draw-up period can be extended by 0 to {MAX_EXTENSION_MONTHS} months, "
            f"not {extension_months}."
        )
    draw_up = add_months(year_end, DRAW_UP_MONTHS + extension_months)
    if all_shareholders_are_directors:
        adoption = draw_up
    else:
        adoption = add_months(year_end, DRAW_UP_MONTHS + extension_months + ADOPTION_MONTHS)
    limit = add_months(year_end, FILING_LIMIT_MONTHS)
    adopted_by = adopted_on if adopted_on is not None else adoption
    filing = min(adopted_by + timedelta(days=FILING_DAYS_AFTER_ADOPTION), limit)
    return Deadlines(
        year_start=year_start,
        year_end=year_end,
        extension_months=extension_months,
        all_shareholders_are_directors=all_shareholders_are_directors,
        adopted_on=adopted_on,
        draw_up=draw_up,
        adoption=adoption,
        filing=filing,
        filing_limit=limit,
    )
