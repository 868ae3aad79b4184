"""kvk.deadlines: the legal deadlines over real calendar cases (no database)."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kvk.deadlines import add_months, compute_deadlines, financial_year_period

D = date

# case: (year start, year end, extension, all shareholders directors, adopted on),
#       (draw-up, adoption, filing); "" where it was not adopted
CASES = {
    "calendar 2025": (
        ("2025-01-01", "2025-12-31", 0, False, ""),
        ("2026-05-31", "2026-07-31", "2026-08-08"),
    ),
    "calendar 2023, leap year after": (
        ("2023-01-01", "2023-12-31", 0, False, ""),
        ("2024-05-31", "2024-07-31", "2024-08-08"),
    ),
    "extension of 3 months": (
        ("2025-01-01", "2025-12-31", 3, False, ""),
        ("2026-08-31", "2026-10-31", "2026-11-08"),
    ),
    "full extension: the 12-month limit caps filing": (
        ("2025-01-01", "2025-12-31", 5, False, ""),
        ("2026-10-31", "2026-12-31", "2026-12-31"),
    ),
    "all shareholders are directors": (
        ("2025-01-01", "2025-12-31", 0, True, ""),
        ("2026-05-31", "2026-05-31", "2026-06-08"),
    ),
    "all shareholders are directors, full extension: 10 months + 8 days": (
        ("2025-01-01", "2025-12-31", 5, True, ""),
        ("2026-10-31", "2026-10-31", "2026-11-08"),
    ),
    "year ending in June": (
        ("2024-07-01", "2025-06-30", 0, False, ""),
        ("2025-11-30", "2026-01-31", "2026-02-08"),
    ),
    "year ending in June, extension of 2 months": (
        ("2024-07-01", "2025-06-30", 2, False, ""),
        ("2026-01-31", "2026-03-31", "2026-04-08"),
    ),
    "year ending 29 Feb 2024 (leap)": (
        ("2023-03-01", "2024-02-29", 0, False, ""),
        ("2024-07-31", "2024-09-30", "2024-10-08"),
    ),
    "year ending 28 Feb 2023 (common year)": (
        ("2022-03-01", "2023-02-28", 0, False, ""),
        ("2023-07-31", "2023-09-30", "2023-10-08"),
    ),
    "31 Aug + 6 months lands on 29 Feb (leap)": (
        ("2022-09-01", "2023-08-31", 1, False, ""),
        ("2024-02-29", "2024-04-30", "2024-05-08"),
    ),
    "30 Sep + 5 months lands on 28 Feb": (
        ("2023-10-01", "2024-09-30", 0, False, ""),
        ("2025-02-28", "2025-04-30", "2025-05-08"),
    ),
    "52-week year ending on a Saturday": (
        ("2024-12-29", "2025-12-27", 0, False, ""),
        ("2026-05-27", "2026-07-27", "2026-08-04"),
    ),
    "30 Aug (not month end) + 6 months clamps to 28 Feb": (
        ("2024-08-31", "2025-08-30", 1, False, ""),
        ("2026-02-28", "2026-04-30", "2026-05-08"),
    ),
    "adopted: filing 8 days later": (
        ("2025-01-01", "2025-12-31", 0, False, "2026-03-10"),
        ("2026-05-31", "2026-07-31", "2026-03-18"),
    ),
    "adopted on the last day of February in a leap year": (
        ("2023-01-01", "2023-12-31", 0, False, "2024-02-29"),
        ("2024-05-31", "2024-07-31", "2024-03-08"),
    ),
    "adopted late: never after 12 months": (
        ("2025-01-01", "2025-12-31", 5, False, "2026-12-28"),
        ("2026-10-31", "2026-12-31", "2026-12-31"),
    ),
    "signed (all shareholders are directors), leap year end": (
        ("2023-03-01", "2024-02-29", 0, True, "2024-06-20"),
        ("2024-07-31", "2024-07-31", "2024-06-28"),
    ),
}


def _dates(*values):
    """ISO dates as dates, "" as None; other values as they are."""
    return [(D.fromisoformat(v) if v else None) if isinstance(v, str) else v for v in values]


@pytest.mark.parametrize("case", CASES)
def test_deadlines(case):
    inputs, expected = CASES[case]
    start, end, extension, all_directors, adopted_on = _dates(*inputs)
    draw_up, adoption, filing = _dates(*expected)
    result = compute_deadlines(
        start,
        end,
        extension_months=extension,
        all_shareholders_are_directors=all_directors,
        adopted_on=adopted_on,
    )
    assert (result.draw_up, result.adoption, result.filing) == (draw_up, adoption, filing)
    assert result.filing <= result.filing_limit


@pytest.mark.parametrize(
    "end,limit",
    [
        (D(2025, 12, 31), D(2026, 12, 31)),
        (D(2024, 2, 29), D(2025, 2, 28)),
        (D(2023, 2, 28), D(2024, 2, 29)),
        (D(2025, 6, 30), D(2026, 6, 30)),
    ],
)
def test_twelve_month_limit(end, limit):
    assert compute_deadlines(D(end.year - 1, 1, 1), end).filing_limit == limit


def test_late_adoption_is_flagged():
    year = compute_deadlines(D(2025, 1, 1), D(2025, 12, 31), adopted_on=D(2026, 8, 1))
    assert year.adoption_late
    # Not adopted by 31 July (2 months after the draw-up term): filed "onverwijld" (art.
    # 2:394 lid 2 BW), 8 days' grace, not 8 days after the late adoption.
    assert year.filing == D(2026, 8, 8)
    assert not compute_deadlines(
        D(2025, 1, 1), D(2025, 12, 31), adopted_on=D(2026, 7, 31)
    ).adoption_late


def test_days_left():
    year = compute_deadlines(D(2025, 1, 1), D(2025, 12, 31))
    assert year.days_left(D(2026, 8, 8)) == 0
    assert year.days_left(D(2026, 7, 9)) == 30
    assert year.days_left(D(2026, 8, 10)) == -2


@pytest.mark.parametrize("extension", [-1, 6])
def test_extension_is_at_most_five_months(extension):
    with pytest.raises(ValueError):
        compute_deadlines(D(2025, 1, 1), D(2025, 12, 31), extension_months=extension)


def test_year_must_end_after_it_starts():
    with pytest.raises(ValueError):
        compute_deadlines(D(2025, 12, 31), D(2025, 1, 1))


@pytest.mark.parametrize(
    "day,months,expected",
    [
        (D(2025, 8, 31), 5, D(2026, 1, 31)),
        (D(2025, 8, 31), 6, D(2026, 2, 28)),
        (D(2023, 8, 31), 6, D(2024, 2, 29)),
        (D(2024, 2, 29), 12, D(2025, 2, 28)),
        (D(2023, 2, 28), 12, D(2024, 2, 29)),
        (D(2025, 6, 30), 7, D(2026, 1, 31)),
        (D(2025, 1, 30), 1, D(2025, 2, 28)),
        (D(2025, 1, 15), 13, D(2026, 2, 15)),
    ],
)
def test_add_months(day, months, expected):
    assert add_months(day, months) == expected


@pytest.mark.parametrize(
    "year,end_month,end_day,period",
    [
        (2025, 12, 31, (D(2025, 1, 1), D(2025, 12, 31))),
        (2025, 6, 30, (D(2025, 7, 1), D(2026, 6, 30))),
        (2023, 2, 29, (D(2023, 3, 1), D(2024, 2, 29))),
        (2024, 2, 29, (D(2024, 3, 1), D(2025, 2, 28))),
        (2025, 9, 30, (D(2025, 10, 1), D(2026, 9, 30))),
    ],
)
def test_financial_year_period(year, end_month, end_day, period):
    assert financial_year_period(year, end_month, end_day) == period


@pytest.mark.parametrize("end_month,end_day", [(13, 1), (2, 30), (4, 31), (0, 10)])
def test_financial_year_period_rejects_impossible_year_ends(end_month, end_day):
    with pytest.raises(ValueError):
        financial_year_period(2025, end_month, end_day)


@given(
    year=st.integers(2000, 2100),
    end_month=st.integers(1, 12),
    extension=st.integers(0, 5),
    all_directors=st.booleans(),
)
def test_deadlines_are_ordered_and_within_the_limit(year, end_month, extension, all_directors):
    start, end = financial_year_period(year, end_month, 29 if end_month == 2 else 28)
    result = compute_deadlines(
        start, end, extension_months=extension, all_shareholders_are_directors=all_directors
    )
    assert end < result.draw_up <= result.adoption <= result.filing <= result.filing_limit
    assert (result.filing - result.adoption).days <= 8
