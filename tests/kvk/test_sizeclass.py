"""Size classes, table-driven from the law.

Sources of the figures (not our own output):
- art. 2:395a lid 1 BW (micro) and art. 2:396 lid 1 BW (klein): "de waarde van de activa
  ... bedraagt niet meer dan", "de netto-omzet over het boekjaar bedraagt niet meer dan",
  "het gemiddeld aantal werknemers over het boekjaar bedraagt minder dan" 10 (micro) and
  50 (klein); the class applies to an entity that "op twee opeenvolgende balansdata,
  zonder onderbreking nadien op twee opeenvolgende balansdata, heeft voldaan aan twee of
  drie van de volgende vereisten";
- Besluit van 5 maart 2024 (Stb. 2024, 52), art. 1: micro amounts raised to EUR 450,000
  and EUR 900,000; art. 2: klein amounts raised to EUR 7.5 million and EUR 15 million
  (financial years beginning on or after 1 January 2024);
- Uitvoeringswet richtlijn jaarrekening (Stb. 2015, 349): micro EUR 350,000 and
  EUR 700,000, klein EUR 6 million and EUR 12 million (financial years from 2016);
- art. 2:398 lid 1 BW: in the first financial year the first balance sheet date decides.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.utils import translation

from kvk import sizeclass as sc
from kvk.statements import demo_statements

D = Decimal
START_2025 = date(2025, 1, 1)
END_2025 = date(2025, 12, 31)
END_2024 = date(2024, 12, 31)

#: (size, financial year beginning, assets at most, turnover at most, employees fewer than)
LAW = [
    ("micro", date(2024, 1, 1), 450_000, 900_000, 10),  # art. 2:395a BW, Stb. 2024, 52
    ("klein", date(2024, 1, 1), 7_500_000, 15_000_000, 50),  # art. 2:396 BW, Stb. 2024, 52
    ("micro", date(2016, 1, 1), 350_000, 700_000, 10),  # art. 2:395a BW, Stb. 2015, 349
    ("klein", date(2016, 1, 1), 6_000_000, 12_000_000, 50),  # art. 2:396 BW, Stb. 2015, 349
]


@pytest.mark.parametrize(("size", "start", "assets", "turnover", "employees"), LAW)
def test_thresholds_are_the_laws(size, start, assets, turnover, employees):
    for day in (start, date(start.year, 7, 1)):
        limits = sc.thresholds(size, day)
        assert limits is not None
        assert (limits.max_assets, limits.max_turnover, limits.employees_below) == (
            assets,
            turnover,
            employees,
        )
        assert limits.applies_from == start


def test_a_financial_year_beginning_before_2024_has_the_older_amounts():
    """The raised amounts are for financial years beginning on or after 1 January 2024:
    a year from 1 July 2023 to 30 June 2024 still has the 2016 amounts."""
    assert sc.thresholds("micro", date(2023, 7, 1)).max_assets == 350_000
    assert sc.thresholds("micro", date(2023, 12, 31)).max_turnover == 700_000
    assert sc.thresholds("klein", date(2024, 1, 1)).max_assets == 7_500_000


def test_no_amounts_before_2016_and_none_for_other_sizes():
    assert sc.thresholds("micro", date(2015, 12, 31)) is None
    assert sc.thresholds("middelgroot", START_2025) is None
    result = sc.check(
        "micro",
        sc.YearFigures(date(2015, 12, 31), D(1), D(1), D(1)),
        None,
        period_start=date(2015, 1, 1),
    )
    assert result.outcome == sc.UNDETERMINED
    assert "2016" in result.summary("nl") and "2016" in result.summary("en")


# One balance sheet date, the 2024 amounts: (size, assets, turnover, employees, met).
# "niet meer dan" includes the amount; "minder dan" excludes the number.
ONE_DATE = [
    ("micro", 450_000, 900_000, 9, True),  # all three at the limit
    ("micro", 450_001, 900_000, 9, True),  # two of three
    ("micro", 450_001, 900_001, 9, False),  # one of three
    ("micro", 450_000, 900_001, 10, False),  # 10 is not fewer than 10
    ("micro", 450_001, 900_000, D("9.99"), True),  # an average may have decimals
    ("micro", 0, 0, 10, True),  # assets and turnover met, employees not
    ("klein", 7_500_000, 15_000_000, 49, True),
    ("klein", 7_500_001, 15_000_000, 50, False),
    ("klein", 7_500_001, 15_000_001, 0, False),
    ("klein", 7_500_000, 15_000_001, 49, True),
]


@pytest.mark.parametrize(("size", "assets", "turnover", "employees", "met"), ONE_DATE)
def test_two_of_three_criteria_on_a_date(size, assets, turnover, employees, met):
    figures = sc.YearFigures(END_2025, D(assets), D(turnover), D(employees))
    assert sc.two_of_three(figures, sc.thresholds(size, START_2025)) is met


@pytest.mark.parametrize(
    ("assets", "turnover", "employees", "met"),
    [
        (100, 100, None, True),  # two met: the unknown cannot change it
        (10**7, 10**7, None, False),  # two exceeded
        (10**7, 100, None, None),  # one each: the employees decide
        (None, None, 3, None),
    ],
)
def test_unknown_figures_decide_only_when_they_could(assets, turnover, employees, met):
    figures = sc.YearFigures(
        END_2025,
        None if assets is None else D(assets),
        None if turnover is None else D(turnover),
        None if employees is None else D(employees),
    )
    assert sc.two_of_three(figures, sc.thresholds("micro", START_2025)) is met


MICRO_FITS = (D(400_000), D(800_000), D(5))  # all three micro criteria met
SMALL_FITS = (D(500_000), D(1_000_000), D(12))  # micro exceeded on all three, klein met
TOO_LARGE = (D(8_000_000), D(16_000_000), D(60))


def _years(current, previous):
    return (
        sc.YearFigures(END_2025, *current),
        None if previous is None else sc.YearFigures(END_2024, *previous),
    )


# (declared, current year, previous year, outcome, class the figures support)
TWO_DATES = [
    ("micro", MICRO_FITS, MICRO_FITS, sc.SUPPORTED, "micro"),
    ("micro", SMALL_FITS, SMALL_FITS, sc.NOT_SUPPORTED, "klein"),
    # Fails on one date only: the class ends after two consecutive failures, so earlier
    # years decide ("zonder onderbreking nadien op twee opeenvolgende balansdata").
    ("micro", SMALL_FITS, MICRO_FITS, sc.UNDETERMINED, "klein"),
    ("micro", MICRO_FITS, SMALL_FITS, sc.UNDETERMINED, "klein"),
    ("klein", SMALL_FITS, SMALL_FITS, sc.SUPPORTED, "klein"),
    # A micro entity may use the klein regime (art. 2:395a BW: "mag").
    ("klein", MICRO_FITS, MICRO_FITS, sc.SUPPORTED, "micro"),
    ("klein", TOO_LARGE, TOO_LARGE, sc.NOT_SUPPORTED, sc.LARGER),
    ("micro", TOO_LARGE, TOO_LARGE, sc.NOT_SUPPORTED, sc.LARGER),
    ("klein", TOO_LARGE, SMALL_FITS, sc.UNDETERMINED, None),
    # art. 2:398 lid 1 BW: the first balance sheet date decides a first financial year.
    ("micro", MICRO_FITS, None, sc.SUPPORTED, "micro"),
    ("micro", SMALL_FITS, None, sc.NOT_SUPPORTED, "klein"),
]


@pytest.mark.parametrize(("declared", "current", "previous", "outcome", "fits"), TWO_DATES)
def test_two_consecutive_balance_sheet_dates(declared, current, previous, outcome, fits):
    result = sc.check(declared, *_years(current, previous), period_start=START_2025)
    assert result.outcome == outcome
    assert result.supported_class == fits
    assert result.warning is (outcome == sc.NOT_SUPPORTED)


def test_the_warning_names_the_figures_in_dutch_and_english():
    """Thousands separators: a point in Dutch, a comma in English."""
    current = (D(1_200_450), D(1_843_000), D(12))
    previous = (D(1_107_800), D(1_712_500), D("11.5"))
    result = sc.check("micro", *_years(current, previous), period_start=START_2025)
    nl, en = result.lines("nl"), result.lines("en")
    assert result.warning
    assert "micro" in nl[0] and "art. 2:395a BW" in nl[0] and "klein" in nl[0]
    assert "31 december 2025" in nl[0] and "31 december 2024" in nl[0]
    assert "31 December 2025" in en[0]  # the portals' one date format (config/formats)
    assert "€ 1.200.450" in nl[1] and "€ 450.000" in nl[1] and "€ 1.843.000" in nl[1]
    assert "overschreden" in nl[1] and "minder dan 10" in nl[1]
    assert "11,5" in nl[2] and "€ 1.712.500" in nl[2]
    assert "small" in en[0] and "art. 2:395a BW" in en[0]
    assert "EUR 1,200,450" in en[1] and "EUR 450,000" in en[1] and "exceeded" in en[1]
    assert "11.5" in en[2]


def test_first_year_text_cites_art_2_398():
    result = sc.check("micro", *_years(SMALL_FITS, None), period_start=START_2025)
    assert "art. 2:398 lid 1 BW" in result.summary("nl")
    assert "first financial year" in result.summary("en")


def test_unknown_figures_are_named():
    current = (D(500_000), D(100_000), None)
    previous = (D(500_000), D(100_000), None)
    result = sc.check("micro", *_years(current, previous), period_start=START_2025)
    assert result.outcome == sc.UNDETERMINED and result.attention
    assert result.unknown() == [(END_2025, sc.EMPLOYEES), (END_2024, sc.EMPLOYEES)]
    assert "gemiddeld aantal werknemers (2025, 2024)" in result.summary("nl")
    assert "average number of employees (2025, 2024)" in result.summary("en")


def test_nothing_exceeded_needs_no_attention():
    current = (D(100_000), None, None)
    result = sc.check("micro", *_years(current, current), period_start=START_2025)
    assert result.outcome == sc.UNDETERMINED
    assert not result.exceeded and not result.attention


def test_check_statements_reads_assets_and_net_revenue():
    """micro's profit and loss carries NetRevenue; the demo filing fits micro."""
    statements = demo_statements(kvk_number="12345678", legal_name="Test B.V.", year=2025)
    result = sc.check_statements(statements)
    assert result.outcome == sc.SUPPORTED
    assert result.years[0] == sc.YearFigures(END_2025, D(120045), D(184300), None)
    assert result.years[1].balance_sheet_date == END_2024


def test_check_statements_takes_turnover_from_the_report_without_net_revenue():
    statements = demo_statements(
        kvk_number="12345678", legal_name="Test B.V.", year=2025, size="klein"
    )
    assert "NetRevenue" not in statements.profit_loss  # klein-publicatiestukken
    result = sc.check_statements(
        statements,
        declared="micro",
        turnover=(D(2_000_000), D(2_000_000)),
        employees=(D(20), D(20)),
    )
    assert result.outcome == sc.NOT_SUPPORTED
    assert result.years[0].turnover == D(2_000_000)


def test_the_texts_follow_the_active_language():
    """Issue 21, one way to translate: without a language the texts are gettext's in the
    active language (dates and amounts in its formats); a language given still wins."""
    current = (D(1_200_450), D(1_843_000), D(12))
    result = sc.check("micro", *_years(current, current), period_start=START_2025)
    with translation.override("en"):
        summary, *years = result.lines()
        assert summary.startswith("The figures do not support the declared size class micro")
        assert "31 December 2025" in summary and "EUR 1,200,450" in years[0]
        assert result.summary("nl").startswith("De cijfers passen niet bij de opgegeven")
    with translation.override("nl"):
        assert result.summary() == result.summary("nl")
        assert "€ 1.200.450" in result.lines()[1]
