"""Legal deadlines of the annual accounts, per legal form: pure date arithmetic, no database.

The legal form is one value of the taxonomy's official list (``tx.LEGAL_FORMS``,
jenv-codes:legalFormItemType); ``RULES`` has one row for each value. What the law says,
per financial year (Boek 2 BW, terms for financial years beginning on or after
1 January 2016):

- Besloten vennootschap (art. 2:210 lid 1) and naamloze vennootschap (art. 2:101 lid 1):
  the board draws up (opmaken) within 5 months after year end; the general meeting may
  extend this by at most 5 months.
- Cooperatie and onderlinge waarborgmaatschappij (art. 2:58 lid 1): within 6 months,
  extendable by the general meeting by at most 4 months; the general meeting that adopts
  the accounts is held at the latest one month after the draw-up term.
- Stichting (art. 2:300 lid 1) and vereniging (art. 2:49 lid 1) that fall under Title 9
  because they run an enterprise above the turnover threshold (art. 2:360 lid 3):
  within 6 months, extendable by at most 4 months. These articles name the organ that
  adopts; we found no earlier adoption term in them than the one of art. 2:394 lid 2.
- Adoption (vaststellen), where the form's own article sets no term: art. 2:394 lid 2
  obliges the board to file the accounts "onverwijld" when they are not adopted within
  2 months after the draw-up term; that is the adoption deadline we use.
- Filing (deponeren), for every form under Title 9 (art. 2:360): within 8 days after
  adoption (art. 2:394 lid 1), and in any case within 12 months after year end
  (art. 2:394 lid 3).
- BV and NV: when all shareholders are also directors, signing the accounts counts as
  adoption (art. 2:210 lid 5 for the BV; the NV is treated the same, as before).
- Commanditaire vennootschap and vennootschap onder firma are not under Title 9 and file
  no accounts, unless all fully liable partners are capital companies (art. 2:360
  lid 2). For that case we know no term to compute: they get a message, no deadline.
- A stichting or vereniging without such an enterprise files nothing; whether it has one
  is a fact the accountant records (``title_9_applies``). Without it: a message.

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
  after year end: for a BV 7 months + 8 days without extension; with the full 5-month
  extension the adoption deadline is 12 months and the cap applies. (For the 2:394 lid 2
  case, those 8 days are the grace we allow for "onverwijld".)
- *Filing, adopted.* The actual adoption date plus 8 days (art. 2:394 lid 1), never after
  the 12-month limit. An adoption does not move filing past the moment art. 2:394 lid 2
  sets: accounts not adopted within 2 months after the draw-up term are filed
  "onverwijld", without waiting for the adoption. So filing is due 8 days after the
  adoption date or after that moment, whichever comes first: recording a late adoption
  neither moves the deadline later nor hides that it was missed. The 8 days after that
  moment are our grace for "onverwijld", as above. For a BV, NV, stichting and vereniging
  that moment is the adoption deadline. Where the adoption deadline lies earlier (a
  cooperatie's general meeting, one month after the draw-up term, art. 2:58 lid 1; signing
  as adoption, at the draw-up deadline) an adoption between the two is late against that
  deadline, but lid 1's 8 days still run from it.
- *All shareholders are directors.* Signing is adoption, and signing happens at the
  latest on the draw-up deadline, so the adoption deadline *is* the draw-up deadline and
  filing is due 8 days after it: 5 months + 8 days, and with the full extension 10
  months + 8 days (the domain text's figure; it always lies within the 12-month limit).
  When the signing date is known, filing is due 8 days after it, whatever adoption date
  is recorded later; signed later than 2 months after the draw-up term, 8 days after
  that moment (art. 2:394 lid 2, as above).
"""

from __future__ import annotations

import calendar
import enum
from dataclasses import dataclass
from datetime import date, timedelta
from types import MappingProxyType

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from kvk import taxonomy as tx

#: The longest extension of the draw-up term any legal form allows (BV and NV).
MAX_EXTENSION_MONTHS = 5
FILING_DAYS_AFTER_ADOPTION = 8  # art. 2:394 lid 1
FILING_LIMIT_MONTHS = 12  # art. 2:394 lid 3
#: The adoption term art. 2:394 lid 2 implies: 2 months after the draw-up term.
ADOPTION_MONTHS = 2

# The official values (jenv-codes:legalFormItemType), spelled as the taxonomy spells them.
BV = tx.LEGAL_FORM_BV
CV = "Commanditaire vennootschap"
COOPERATIE = "Cooperatie"
NV = "Naamloze vennootschap"
OWM = "Onderlinge waarborgmaatschappij"
STICHTING = "Stichting"
VOF = "Vennootschap onder firma"
VERENIGING = "Vereniging"


class Obligation(enum.Enum):
    """Whether a legal form files its annual accounts (art. 2:360 BW)."""

    FILES = "files"  # lid 1: NV, BV, cooperatie, onderlinge waarborgmaatschappij
    ONLY_WITH_ENTERPRISE = "only_with_enterprise"  # lid 3: stichting, vereniging
    NOT_UNLESS_CAPITAL_PARTNERS = "not_unless_capital_partners"  # lid 2: CV, VOF


@dataclass(frozen=True)
class Terms:
    """The terms of one legal form, in months after year end unless said otherwise."""

    draw_up_months: int
    max_extension_months: int
    adoption_months: int  # after the draw-up deadline
    signing_is_adoption: bool  # when all shareholders are directors
    articles: str  # where these terms come from


@dataclass(frozen=True)
class LegalFormRule:
    """What the law says about the filing deadlines of one legal form."""

    legal_form: str
    obligation: Obligation
    terms: Terms | None  # None: the law gives no term we compute
    #: Shown instead of deadlines when none is computed ("" for forms that always file);
    #: translated when shown.
    notice: str | Promise


_BV_TERMS = Terms(5, 5, ADOPTION_MONTHS, True, "art. 2:210 lid 1 en 5, 2:394 BW")
_GENERAL_MEETING_TERMS = Terms(6, 4, 1, False, "art. 2:58 lid 1, 2:394 BW")

RULES = MappingProxyType(
    {
        BV: LegalFormRule(BV, Obligation.FILES, _BV_TERMS, ""),
        NV: LegalFormRule(
            NV,
            Obligation.FILES,
            Terms(5, 5, ADOPTION_MONTHS, True, "art. 2:101 lid 1, 2:394 BW"),
            "",
        ),
        COOPERATIE: LegalFormRule(COOPERATIE, Obligation.FILES, _GENERAL_MEETING_TERMS, ""),
        OWM: LegalFormRule(OWM, Obligation.FILES, _GENERAL_MEETING_TERMS, ""),
        STICHTING: LegalFormRule(
            STICHTING,
            Obligation.ONLY_WITH_ENTERPRISE,
            Terms(6, 4, ADOPTION_MONTHS, False, "art. 2:300 lid 1, 2:394 BW"),
            _(
                "Een stichting deponeert alleen een jaarrekening als zij een onderneming in "
                "stand houdt waarvan de netto-omzet twee boekjaren achter elkaar ten minste "
                "de helft van het bedrag van art. 2:396 lid 1 onder b BW bedraagt (art. 2:360 "
                "lid 3 BW). Is dat zo, vink dan 'Titel 9 Boek 2 BW is van toepassing' aan "
                "bij de termijngegevens. Overleg bij twijfel met de accountant."
            ),
        ),
        VERENIGING: LegalFormRule(
            VERENIGING,
            Obligation.ONLY_WITH_ENTERPRISE,
            Terms(6, 4, ADOPTION_MONTHS, False, "art. 2:49 lid 1, 2:394 BW"),
            _(
                "Een vereniging deponeert alleen een jaarrekening als zij een onderneming in "
                "stand houdt waarvan de netto-omzet twee boekjaren achter elkaar ten minste "
                "de helft van het bedrag van art. 2:396 lid 1 onder b BW bedraagt (art. 2:360 "
                "lid 3 BW). Is dat zo, vink dan 'Titel 9 Boek 2 BW is van toepassing' aan "
                "bij de termijngegevens. Overleg bij twijfel met de accountant."
            ),
        ),
        CV: LegalFormRule(
            CV,
            Obligation.NOT_UNLESS_CAPITAL_PARTNERS,
            None,
            _(
                "Een commanditaire vennootschap deponeert geen jaarrekening, tenzij alle "
                "volledig aansprakelijke vennoten kapitaalvennootschappen zijn (art. 2:360 "
                "lid 2 BW). Voor dat geval stelt de wet geen termijn die wij kunnen "
                "berekenen: overleg met de accountant."
            ),
        ),
        VOF: LegalFormRule(
            VOF,
            Obligation.NOT_UNLESS_CAPITAL_PARTNERS,
            None,
            _(
                "Een vennootschap onder firma deponeert geen jaarrekening, tenzij alle "
                "volledig aansprakelijke vennoten kapitaalvennootschappen zijn (art. 2:360 "
                "lid 2 BW). Voor dat geval stelt de wet geen termijn die wij kunnen "
                "berekenen: overleg met de accountant."
            ),
        ),
    }
)
assert set(RULES) == set(tx.LEGAL_FORMS), "one rule for each value of the official list"


def rule_of(legal_form: str) -> LegalFormRule:
    try:
        return RULES[legal_form]
    except KeyError:
        raise ValueError(f"{legal_form!r} is not in the taxonomy's list of legal forms.")


def deadline_notice(legal_form: str, *, title_9_applies: bool = False) -> str:
    """Why no deadline is computed for this legal form, or "" when one is.

    ``title_9_applies``: a stichting or vereniging runs an enterprise above the turnover
    threshold of art. 2:360 lid 3 BW (the accountant knows; we do not)."""
    rule = rule_of(legal_form)
    if rule.obligation is Obligation.ONLY_WITH_ENTERPRISE and title_9_applies:
        return ""
    return str(rule.notice)


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
class PeriodMismatch:
    """Accounts over ``period_start..period_end`` where the financial year they are named
    after (the year they begin in) runs ``year_start..year_end``."""

    period_start: date
    period_end: date
    year_start: date
    year_end: date


def period_mismatch(
    period_start: date, period_end: date, *, end_month: int = 12, end_day: int = 31
) -> PeriodMismatch | None:
    """None when accounts over ``period_start..period_end`` end on a year end of a year
    ending on ``end_month``/``end_day``; otherwise both periods (the document's, and the
    financial year that begins in its first year).

    Only the end is compared: a first financial year, or one the statutes change (art.
    2:10a BW), may begin at another day and be shorter or longer than twelve months (an
    extended first year of a company founded in September, a short year before a new year
    end), but it ends on the year end. A mismatch is a question
    for a person (the wrong dates, or the wrong year end on record), never a refusal."""
    ends = (
        financial_year_period(year, end_month, end_day)[1]
        for year in (period_end.year - 1, period_end.year)
    )
    if period_end in ends:
        return None
    year_start, year_end = financial_year_period(period_start.year, end_month, end_day)
    return PeriodMismatch(period_start, period_end, year_start, year_end)


def current_financial_year(today: date, end_month: int = 12, end_day: int = 31) -> int:
    """The financial year whose filing is due now: the newest year that ended before
    ``today``. Filing is due within 12 months after year end at the latest (art. 2:394
    lid 3), so by the time a year ends the filing of the year before it is due at the
    latest that day; a year still running has no deadline yet. With a calendar year that
    is last year; with a year ending on 30 June, until 30 June it is the year that began
    two calendar years ago (``financial_year_period`` names a year after its first day)."""
    year = today.year
    while financial_year_period(year, end_month, end_day)[1] >= today:
        year -= 1
    return year


@dataclass(frozen=True)
class Deadlines:
    """The deadlines of one financial year; see the module docstring for the rules."""

    legal_form: str
    articles: str  # the articles the deadlines rest on
    year_start: date
    year_end: date
    extension_months: int
    all_shareholders_are_directors: bool  # as applied: only where signing is adoption
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
    legal_form: str = BV,
    extension_months: int = 0,
    all_shareholders_are_directors: bool = False,
    adopted_on: date | None = None,
    signed_on: date | None = None,
) -> Deadlines:
    """Draw-up, adoption and filing deadlines of the financial year ``year_start..year_end``
    of an organisation with ``legal_form`` (a value of ``tx.LEGAL_FORMS``).

    ``extension_months`` is the extension of the draw-up period granted for this year
    (0 up to the form's maximum). ``adopted_on`` is the adoption date when the accounts
    have been adopted. ``signed_on`` is the date by which every director and supervisory
    director signed them: when signing counts as adoption (all shareholders are directors
    of a BV or NV) it is the adoption date, also when a later ``adopted_on`` is given (an
    earlier one, recorded on another version of the year's accounts, is the earlier
    adoption and counts). Raises
    ValueError for a legal form the law gives no term for (see ``deadline_notice``);
    whether a stichting or vereniging files at all is the caller's question.
    """
    terms = rule_of(legal_form).terms
    if terms is None:
        raise ValueError(f"The law sets no filing term we compute for {legal_form!r}.")
    if year_end <= year_start:
        raise ValueError("A financial year ends after it starts.")
    if not 0 <= extension_months <= terms.max_extension_months:
        raise ValueError(
            f"The draw-up period of a {legal_form} can be extended by 0 to "
            f"{terms.max_extension_months} months, not {extension_months}."
        )
    signing_is_adoption = all_shareholders_are_directors and terms.signing_is_adoption
    if signing_is_adoption and signed_on is not None:
        # Signing *is* the adoption (art. 2:210 lid 5): a date recorded later (ticking
        # "Jaarrekening vastgesteld") does not move the eight days.
        adopted_on = signed_on if adopted_on is None else min(signed_on, adopted_on)
    draw_up_months = terms.draw_up_months + extension_months
    draw_up = add_months(year_end, draw_up_months)
    if signing_is_adoption:
        adoption = draw_up
    else:
        adoption = add_months(year_end, draw_up_months + terms.adoption_months)
    limit = add_months(year_end, FILING_LIMIT_MONTHS)
    if adopted_on is None:
        adopted_by = adoption  # at the latest on the adoption deadline
    else:
        # Not adopted within 2 months after the draw-up term: filed "onverwijld" from
        # then on (art. 2:394 lid 2), however late the adoption came; the 8 days after
        # that moment are the grace this product gives for "onverwijld".
        unadopted_filing = add_months(year_end, draw_up_months + ADOPTION_MONTHS)
        adopted_by = min(adopted_on, unadopted_filing)
    filing = min(adopted_by + timedelta(days=FILING_DAYS_AFTER_ADOPTION), limit)
    return Deadlines(
        legal_form=legal_form,
        articles=terms.articles,
        year_start=year_start,
        year_end=year_end,
        extension_months=extension_months,
        all_shareholders_are_directors=signing_is_adoption,
        adopted_on=adopted_on,
        draw_up=draw_up,
        adoption=adoption,
        filing=filing,
        filing_limit=limit,
    )
