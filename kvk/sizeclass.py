"""Size classes of art. 2:395a BW (micro) and art. 2:396 BW (klein): which class the
figures support, and whether they support the class a filing declares.

The law: an entity is micro (klein) when, on two consecutive balance sheet dates, it meets
at least two of the three criteria of art. 2:395a lid 1 (art. 2:396 lid 1) BW: the value
of the assets (the balance-sheet total) at most an amount, the net turnover over the year
at most an amount, and on average fewer employees than a number. Which two may differ
from one date to the next. It keeps its class until it fails on two consecutive balance
sheet dates ("zonder onderbreking nadien op twee opeenvolgende balansdata"). In a first
financial year the first balance sheet date decides, for the first and the second year
(art. 2:398 lid 1 BW).

One filing carries two years, so there are three outcomes:
- SUPPORTED: both dates meet the criteria, the class applies;
- NOT_SUPPORTED: both dates fail, the class does not apply (the warning);
- UNDETERMINED: one date meets and the other fails (earlier years decide), a figure that
  decides is unknown, or no amounts are recorded here for the year.

A micro entity may use the klein regime (art. 2:395a BW says "mag"), so declaring klein is
supported whenever klein's criteria are met; the micro amounts are below klein's on every
criterion, so meeting micro means meeting klein.

Amounts (``THRESHOLDS``), per financial year beginning on or after the given date:
- from 1 January 2024: micro EUR 450,000 / EUR 900,000 / fewer than 10, klein
  EUR 7.5 million / EUR 15 million / fewer than 50 (Besluit van 5 maart 2024,
  Implementatiebesluit Richtlijn verhoging grensbedragen, Stb. 2024, 52, art. 1 and 2);
- from 1 January 2016: micro EUR 350,000 / EUR 700,000 / fewer than 10, klein
  EUR 6 million / EUR 12 million / fewer than 50 (Uitvoeringswet richtlijn jaarrekening,
  Stb. 2015, 349; optional for 2015, not modelled).
Amounts before 2016 are not included: an earlier year is UNDETERMINED. Both balance sheet
dates of a check are measured against the amounts of the reported financial year (our
reading of the raised amounts: the previous year's date is tested with them too).

Gaps, said here because the callers depend on them:
- The average number of employees: NT19's concept for it is not in the extract
  (kvk/nt19 names only the klein notes linkbases "average-number-of-employees-breakdown";
  the concept's declaration was not read). It is therefore not written into the instance:
  the client side keeps it with the report's figures and passes it to ``check``; the
  accountant's side, which sees only the instance, has it as unknown.
- Net turnover: micro's profit and loss has ``NetRevenue``; klein's starts at the gross
  margin (``GrossMargin``, art. 2:396 lid 4 BW), which is not turnover, and publication
  pieces (publicatiestukken) have no profit and loss. Then the turnover is the report's
  own figure "netto-omzet", asked on the client side and not written into the instance
  either.
- Group figures (art. 2:395a lid 2 and 2:396 lid 2 BW: group companies that would be
  consolidated count too) are not known here: the entity's own figures are checked.

The client environment and the accountant's portal both call ``check`` (or
``check_statements``) and show ``lines()``: the texts are gettext's (Dutch msgids) in the
active language, dates and numbers in its formats (Django's ``date_format`` and
``number_format``: "31 december 2025", "€ 1.200.450" in Dutch; "31 December 2025",
"EUR 1,200,450" in English). ``lines("en")`` and ``summary("en")`` name the language.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kvk.i18n import speaking

if TYPE_CHECKING:
    from kvk.statements import FinancialStatements

MICRO = "micro"
SMALL = "klein"
#: Neither micro nor klein: middelgroot or groot (art. 2:397 BW; not built here).
LARGER = "middelgroot-of-groot"
#: Smallest first: meeting a class means meeting every larger one.
SIZES = (MICRO, SMALL)

SUPPORTED = "supported"
NOT_SUPPORTED = "not-supported"
UNDETERMINED = "undetermined"

ASSETS = "assets"
TURNOVER = "turnover"
EMPLOYEES = "employees"


@dataclass(frozen=True)
class Thresholds:
    """The criteria of one size class for financial years beginning on or after
    ``applies_from``: assets and net turnover at most an amount (EUR), fewer employees on
    average than ``employees_below``."""

    size: str
    applies_from: date
    max_assets: int
    max_turnover: int
    employees_below: int
    source: str


THRESHOLDS: tuple[Thresholds, ...] = (
    Thresholds(
        MICRO,
        date(2016, 1, 1),
        350_000,
        700_000,
        10,
        "art. 2:395a lid 1 BW, Uitvoeringswet richtlijn jaarrekening (Stb. 2015, 349)",
    ),
    Thresholds(
        SMALL,
        date(2016, 1, 1),
        6_000_000,
        12_000_000,
        50,
        "art. 2:396 lid 1 BW, Uitvoeringswet richtlijn jaarrekening (Stb. 2015, 349)",
    ),
    Thresholds(
        MICRO,
        date(2024, 1, 1),
        450_000,
        900_000,
        10,
        "art. 2:395a lid 1 BW, Besluit van 5 maart 2024 (Stb. 2024, 52), art. 1",
    ),
    Thresholds(
        SMALL,
        date(2024, 1, 1),
        7_500_000,
        15_000_000,
        50,
        "art. 2:396 lid 1 BW, Besluit van 5 maart 2024 (Stb. 2024, 52), art. 2",
    ),
)

#: The article that defines each class, as the texts cite it.
ARTICLES = {MICRO: "art. 2:395a BW", SMALL: "art. 2:396 BW"}

#: The names of the classes and the criteria in the texts (gettext: Dutch msgids).
_CLASS_NAMES = {
    MICRO: gettext_lazy("micro"),
    SMALL: gettext_lazy("klein"),
    LARGER: gettext_lazy("middelgroot of groot"),
}
_CRITERION_NAMES = {
    ASSETS: gettext_lazy("activa (balanstotaal)"),
    TURNOVER: gettext_lazy("netto-omzet"),
    EMPLOYEES: gettext_lazy("gemiddeld aantal werknemers"),
}


def thresholds(size: str, period_start: date) -> Thresholds | None:
    """The amounts of ``size`` for a financial year beginning on ``period_start``; None
    when none are recorded for that year (before 2016) or the size is not micro/klein."""
    applicable = [t for t in THRESHOLDS if t.size == size and t.applies_from <= period_start]
    return max(applicable, key=lambda t: t.applies_from, default=None)


@dataclass(frozen=True)
class YearFigures:
    """The figures of one financial year for the criteria; None is unknown."""

    balance_sheet_date: date
    assets: Decimal | None = None
    turnover: Decimal | None = None
    employees: Decimal | None = None


@dataclass(frozen=True)
class Criterion:
    """One criterion on one balance sheet date: the figure, the limit and whether it is
    met (None: the figure is unknown)."""

    name: str
    value: Decimal | None
    limit: int

    @property
    def met(self) -> bool | None:
        if self.value is None:
            return None
        if self.name == EMPLOYEES:
            return self.value < self.limit  # "minder dan"
        return self.value <= self.limit  # "niet meer dan"


def criteria(figures: YearFigures, limits: Thresholds) -> tuple[Criterion, Criterion, Criterion]:
    return (
        Criterion(ASSETS, figures.assets, limits.max_assets),
        Criterion(TURNOVER, figures.turnover, limits.max_turnover),
        Criterion(EMPLOYEES, figures.employees, limits.employees_below),
    )


def two_of_three(figures: YearFigures, limits: Thresholds) -> bool | None:
    """At least two of the three criteria met on this date: True, False, or None when
    the unknown figures decide."""
    results = [c.met for c in criteria(figures, limits)]
    if results.count(True) >= 2:
        return True
    if results.count(False) >= 2:
        return False
    return None


@dataclass(frozen=True)
class SizeCheck:
    """The outcome for a declared class, with the figures of each year (current first)."""

    declared: str
    period_start: date
    years: tuple[YearFigures, ...]
    limits: Thresholds | None
    outcome: str
    #: The smallest class the figures support on every date (MICRO, SMALL or LARGER);
    #: None when they do not settle it.
    supported_class: str | None

    @property
    def warning(self) -> bool:
        """The figures do not support the declared class: warn (never block)."""
        return self.outcome == NOT_SUPPORTED

    @property
    def first_year(self) -> bool:
        return len(self.years) == 1

    def met_by_year(self) -> list[bool | None]:
        if self.limits is None:
            return [None for _ in self.years]
        return [two_of_three(year, self.limits) for year in self.years]

    @property
    def exceeded(self) -> bool:
        """Some known figure exceeds a limit of the declared class."""
        if self.limits is None:
            return False
        return any(c.met is False for year in self.years for c in criteria(year, self.limits))

    @property
    def attention(self) -> bool:
        """Worth a person's look: not supported, or undetermined while a figure exceeds."""
        return self.warning or (self.outcome == UNDETERMINED and self.exceeded)

    def unknown(self) -> list[tuple[date, str]]:
        """(balance sheet date, criterion) of each unknown figure that decides."""
        if self.limits is None:
            return []
        return [
            (year.balance_sheet_date, c.name)
            for year, met in zip(self.years, self.met_by_year(), strict=True)
            if met is None
            for c in criteria(year, self.limits)
            if c.met is None
        ]

    def summary(self, language: str | None = None) -> str:
        """One sentence on the outcome, in the active language or in ``language`` ("nl",
        "en") when given."""
        with speaking(language):
            return _summary(self)

    def lines(self, language: str | None = None) -> list[str]:
        """The summary, then one line per balance sheet date with its figures; in the
        active language or in ``language`` when given."""
        with speaking(language):
            result = [_summary(self)]
            if self.limits is not None:
                result += [_year_line(year, self.limits) for year in self.years]
            return result


def check(
    declared: str,
    current: YearFigures,
    previous: YearFigures | None,
    *,
    period_start: date,
) -> SizeCheck:
    """Do the figures support ``declared`` (MICRO or SMALL) for the financial year that
    begins on ``period_start``? ``previous`` None is a first financial year."""
    years = (current,) if previous is None else (current, previous)
    limits = thresholds(declared, period_start)
    outcome = UNDETERMINED
    if limits is not None:
        met = [two_of_three(year, limits) for year in years]
        if all(m is True for m in met):
            outcome = SUPPORTED
        elif all(m is False for m in met):
            outcome = NOT_SUPPORTED
    return SizeCheck(
        declared=declared,
        period_start=period_start,
        years=years,
        limits=limits,
        outcome=outcome,
        supported_class=_supported_class(years, period_start),
    )


def _supported_class(years: tuple[YearFigures, ...], period_start: date) -> str | None:
    for size in SIZES:
        limits = thresholds(size, period_start)
        if limits is None:
            return None
        met = [two_of_three(year, limits) for year in years]
        if all(m is True for m in met):
            return size
        if size == SIZES[-1] and all(m is False for m in met):
            return LARGER
    return None


def check_statements(
    statements: FinancialStatements,
    *,
    declared: str | None = None,
    employees: tuple[Decimal | None, Decimal | None] = (None, None),
    turnover: tuple[Decimal | None, Decimal | None] = (None, None),
) -> SizeCheck:
    """The check on a filing's figures: assets from the balance sheet (``Assets``), net
    turnover from the profit and loss (``NetRevenue``, micro) or else from ``turnover``
    (current, previous), employees from ``employees``. ``declared`` defaults to the
    statements' size."""

    def pair(values: dict, name: str) -> tuple[Decimal | None, Decimal | None]:
        return values.get(name) or (None, None)

    assets = pair(statements.balance, "Assets")
    revenue = pair(statements.profit_loss, "NetRevenue")
    if revenue == (None, None):
        revenue = turnover
    current = YearFigures(statements.period_end, assets[0], revenue[0], employees[0])
    previous = None
    if statements.previous_end is not None:
        previous = YearFigures(statements.previous_end, assets[1], revenue[1], employees[1])
    return check(
        declared or statements.size, current, previous, period_start=statements.period_start
    )


# --- texts --------------------------------------------------------------------------------


def _day(value: date) -> str:
    """The portals' one date format (config/formats): "31 december 2025"."""
    return formats.date_format(value, "DATE_FORMAT")


def _number(value: Decimal | int) -> str:
    """1234567 -> "1.234.567" (nl) or "1,234,567" (en); decimals kept: 9,5 / 9.5."""
    amount = Decimal(value)
    plain = int(amount) if amount == amount.to_integral_value() else amount.normalize()
    return formats.number_format(plain, force_grouping=True)


def _money(value: Decimal | int) -> str:
    return _("€ %(amount)s") % {"amount": _number(value)}


def _class_name(size: str) -> str:
    return str(_CLASS_NAMES.get(size, size))


def _criterion_text(c: Criterion) -> str:
    name = _CRITERION_NAMES[c.name]
    if c.value is None:
        return _("%(criterion)s onbekend") % {"criterion": name}
    if c.name == EMPLOYEES:
        value = _number(c.value)
        limit = _("minder dan %(number)s") % {"number": _number(c.limit)}
    else:
        value = _money(c.value)
        limit = _("ten hoogste %(amount)s") % {"amount": _money(c.limit)}
    verdict = _("voldaan") if c.met else _("overschreden")
    return f"{name} {value} ({limit}: {verdict})"


def _year_line(year: YearFigures, limits: Thresholds) -> str:
    parts = "; ".join(_criterion_text(c) for c in criteria(year, limits))
    return f"{_day(year.balance_sheet_date)}: {parts}."


def _summary(result: SizeCheck) -> str:
    if result.declared not in SIZES:
        return _("Onbekende grootteklasse '%(size)s'.") % {"size": result.declared}
    words = {"size": _class_name(result.declared), "article": ARTICLES[result.declared]}
    days = [_day(year.balance_sheet_date) for year in result.years]
    if result.limits is None:
        earliest = min(t.applies_from for t in THRESHOLDS).year
        return _(
            "Voor boekjaren die vóór %(year)s begonnen, zijn de grensbedragen van %(article)s "
            "hier niet vastgelegd; de grootteklasse is niet getoetst."
        ) % {**words, "year": earliest}
    if result.outcome == SUPPORTED:
        return _("De cijfers passen bij de grootteklasse %(size)s (%(article)s).") % words
    if result.outcome == NOT_SUPPORTED:
        return _not_supported(result, words, days)
    unknown = result.unknown()
    if unknown:
        return _unknown(unknown, words["size"])
    met = result.met_by_year()
    return _(
        "Of de grootteklasse %(size)s geldt, hangt af van eerdere boekjaren: op %(met)s is aan "
        "twee van de drie criteria van %(article)s voldaan, op %(failed)s niet. Een klasse "
        "vervalt pas na twee opeenvolgende balansdata waarop niet is voldaan."
    ) % {**words, "met": days[met.index(True)], "failed": days[met.index(False)]}


def _not_supported(result: SizeCheck, words: dict[str, str], days: list[str]) -> str:
    suggestion = ""
    if result.supported_class is not None:
        suggestion = " " + _("De cijfers passen bij %(size)s.") % {
            "size": _class_name(result.supported_class)
        }
    if result.first_year:
        where = _("op de balansdatum van het eerste boekjaar (%(day)s, art. 2:398 lid 1 BW)") % {
            "day": days[0]
        }
    else:
        where = _("op twee opeenvolgende balansdata (%(previous)s en %(current)s)") % {
            "previous": days[1],
            "current": days[0],
        }
    sentence = _(
        "De cijfers passen niet bij de opgegeven grootteklasse %(size)s: %(where)s is aan "
        "minder dan twee van de drie criteria van %(article)s voldaan."
    ) % {**words, "where": where}
    return sentence + suggestion


def _unknown(unknown: list[tuple[date, str]], declared: str) -> str:
    by_name: dict[str, list[str]] = {}
    for day, name in unknown:
        by_name.setdefault(name, []).append(str(day.year))
    missing = [f"{_CRITERION_NAMES[name]} ({', '.join(years)})" for name, years in by_name.items()]
    joined = missing[0]
    for more in missing[1:]:
        joined = _("%(list)s en %(item)s") % {"list": joined, "item": more}
    return _(
        "Of de grootteklasse %(size)s past, is niet vast te stellen: onbekend is %(unknown)s."
    ) % {"size": declared, "unknown": joined}
