"""Selectors for the legal deadlines: where each organisation stands for a financial year.

The date arithmetic and the rules per legal form are ``kvk.deadlines``; this module adds
the facts the portal knows (legal form, year end, extension, shareholders, whether a
stichting or vereniging falls under Title 9, the year's approval messages and their
adoption dates). Used by the staff view "Termijnen", its CSV export and the escalation
of ``deadlines.reminders``. A year of any number of organisations costs four queries.
It also holds the two writes of those facts: the facts page's (``save_deadline_facts``)
and a new organisation's (``create_organisation``, InSite "Nieuwe organisatie").
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import NamedTuple, TypeVar

from django.db import models, transaction
from django.db.models import Max, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from config.dates import format_day
from crm import services as crm_services
from crm.models import AccountancyEnvironment, Organisation, StaffMember
from deadlines.models import DeadlineExtension, DeadlineFacts
from kvk.deadlines import (
    Deadlines,
    PeriodMismatch,
    add_months,
    compute_deadlines,
    current_financial_year,
    deadline_notice,
    financial_year_period,
    period_mismatch,
    rule_of,
)
from kvk.search import search_key
from kvk.status import Status
from workflow.models import ApprovalMessage


class Situation(models.TextChoices):
    """Where the filing of a financial year stands, from the deadline's point of view."""

    NO_MESSAGE = "no_message", _("Nog geen bericht")
    PROCESSING = "processing", _("In verwerking")
    PROCESSING_FAILED = "processing_failed", _("Fout bij verwerken")
    WAITING_FOR_CLIENT = "waiting_for_client", _("Wacht op cliënt")
    REJECTED = "rejected", _("Afgekeurd door cliënt")
    TRANSPORT_ERROR = "transport_error", _("Fout bij verzenden naar KvK")
    REFUSED = "refused", _("Afgekeurd door KvK")
    ON_ITS_WAY = "on_its_way", _("Goedgekeurd, onderweg naar KvK")
    FILED = "filed", _("Gedeponeerd")
    # Filed without adoption (art. 2:394 lid 2 BW): the adopted accounts follow as a
    # tweede aanlevering (KVK-SBR.md section 1), due 8 days after the adoption (lid 1).
    FILED_NOT_ADOPTED = (
        "filed_not_adopted",
        _("Niet vastgesteld gedeponeerd; vastgestelde jaarrekening volgt"),
    )


_SITUATION_OF_STATUS = {
    Status.PREPARED: Situation.PROCESSING,
    Status.SEND_FAILED: Situation.PROCESSING,
    Status.RECEIVED: Situation.PROCESSING,
    Status.PROCESSING: Situation.PROCESSING,
    Status.PROCESSING_FAILED: Situation.PROCESSING_FAILED,
    Status.IN_REVIEW: Situation.WAITING_FOR_CLIENT,
    Status.REJECTED: Situation.REJECTED,
    Status.APPROVED: Situation.ON_ITS_WAY,
    Status.SENT_TO_KVK: Situation.ON_ITS_WAY,
    Status.TRANSPORT_ERROR: Situation.TRANSPORT_ERROR,
    Status.FILED: Situation.FILED,
    Status.REFUSED: Situation.REFUSED,
}

#: Situations in which the deadline will be met without anyone acting. Accounts filed as
#: not adopted met it (art. 2:394 lid 2 BW); the adopted ones have no deadline until the
#: adoption is known.
SAFE_SITUATIONS = frozenset({Situation.ON_ITS_WAY, Situation.FILED, Situation.FILED_NOT_ADOPTED})
#: The situations of a year whose filing reached the KvK.
FILED_SITUATIONS = frozenset({Situation.FILED, Situation.FILED_NOT_ADOPTED})

_MESSAGE_FIELDS = (
    "id",
    "organisation_id",
    "financial_year",
    "status",
    "status_changed_at",
    "awaiting_accountant_review",
    "adopted",
    "adoption_date",
    "signed_on",
    "resubmission",
    "created_at",
    "period_start",
    "period_end",
)


@dataclass(frozen=True)
class YearAdoption:
    """What the messages (versions) of one organisation's financial year say about its
    adoption (``adoption_of``)."""

    adopted_on: date | None  # the earliest adoption date a version carries
    signed_on: date | None  # the earliest day by which every director signed a version
    #: Every adoption date the versions carry, oldest first.
    adoption_dates: tuple[date, ...] = ()

    @property
    def dates_differ(self) -> bool:
        """The versions name different adoption dates: a mistyped date, or accounts adopted
        again; a question for a person, the deadline counts the earliest."""
        return len(self.adoption_dates) > 1


def adoption_of(messages: Iterable[ApprovalMessage | _Version]) -> YearAdoption:
    """The adoption of a financial year, read from all its messages whatever their status:
    the earliest adoption date any version recorded, and the earliest signing date.

    An adoption is a fact of the company, not of one document: once the general meeting
    adopted the accounts, filing was due within 8 days (art. 2:394 lid 1 BW, KVK-SBR.md
    section 1), and nothing after it undoes that. Not a newer version adopted again on a
    later date (the older one is closed or replaced, workflow.services.versions, and its
    adoption is not carried over to the newer document, but it did take place); not a
    refusal by the KvK (90) of the adopted version; not a correction after filing
    (heraanlevering, which must carry an adoption date of its own: KVK-SBR.md section 1).
    So the earliest date counts, and a later one never moves the filing deadline later.
    Where signing is adoption (all shareholders are directors, art. 2:210 lid 5 BW) the
    same holds for the signing dates. A message that failed processing (25) carries
    neither (processing records them only when a message enters the workflow). Versions
    that name different adoption dates are shown with a warning (``dates_differ``): we
    count the earliest, a person decides which one is right."""
    adoption_dates: set[date] = set()
    signing_dates: set[date] = set()
    for message in messages:
        if message.adopted and message.adoption_date is not None:
            adoption_dates.add(message.adoption_date)
        if message.signed_on is not None:
            signing_dates.add(message.signed_on)
    return YearAdoption(
        adopted_on=min(adoption_dates, default=None),
        signed_on=min(signing_dates, default=None),
        adoption_dates=tuple(sorted(adoption_dates)),
    )


def year_adoption(organisation_id: int, financial_year: int | None) -> YearAdoption:
    """``adoption_of`` one organisation's year (none for a message without a year)."""
    if financial_year is None:
        return adoption_of([])
    messages = ApprovalMessage.objects.filter(
        organisation_id=organisation_id, financial_year=financial_year
    ).only("id", "adopted", "adoption_date", "signed_on")
    return adoption_of(messages)


@dataclass(frozen=True)
class DeadlineRow:
    """One organisation's financial year: its deadlines and where the filing stands.

    ``deadlines`` is None for a legal form whose deadlines we do not compute (see
    ``kvk.deadlines.deadline_notice``); ``notice`` then says why."""

    organisation: Organisation
    financial_year: int
    # The period the deadlines count from: the one the message's document states (kept by
    # processing, ``stored_period``), else the year by the organisation's facts
    # (``year_period_of``).
    year_start: date
    year_end: date
    deadlines: Deadlines | None
    notice: str
    message: ApprovalMessage | None  # where the year stands (``_standing``), few fields loaded
    situation: Situation
    days_left: int | None
    days_in_status: int | None  # e.g. how long the message has been waiting for the client
    # The (first day, last day) of the period the message's document covers, and whether
    # that is another period than this year (``stored_period``; None without a message or
    # a period its document states).
    document_period: tuple[date, date] | None = None
    period_mismatch: PeriodMismatch | None = None
    # What the year's versions say about its adoption (the deadlines count its dates).
    adoption: YearAdoption = YearAdoption(None, None)

    @property
    def year_period(self) -> tuple[date, date]:
        """The (first day, last day) of the financial year as Termijnen, its export and the
        facts page show it: the period the deadlines count from, unless that is a
        document's period that does not end on the organisation's year end
        (``period_mismatch``, shown beside it): then the year by the facts, the one the
        document was named after."""
        if self.period_mismatch is not None:
            return self.period_mismatch.year_start, self.period_mismatch.year_end
        return self.year_start, self.year_end

    @property
    def covering_year(self) -> int | None:
        """The earlier financial year whose accounts cover this one (an extended first
        year, art. 2:10a BW; deadlines.periods), None when the year has its own. The row
        then shows that year's message and deadlines."""
        if self.message is None or self.message.financial_year == self.financial_year:
            return None
        return self.message.financial_year

    @property
    def covered_note(self) -> str:
        """What the list says of a year an earlier year's accounts cover ("" otherwise)."""
        if self.covering_year is None:
            return ""
        return gettext(
            "Valt onder de jaarrekening van boekjaar %(year)s (%(start)s tot en met %(end)s)"
        ) % {
            "year": self.covering_year,
            "start": format_day(self.year_start),
            "end": format_day(self.year_end),
        }

    @property
    def predates_onboarding(self) -> bool:
        """The year has no message and the last day it could be filed passed before the
        organisation was added to Deponeer: as far as we know it was filed another way. Not
        at risk: no alarm (deadlines.reminders), not counted overdue (Termijnen, the
        dashboard).

        The last day is twelve months after the year end (``filing_limit``; KVK-SBR.md:
        filing "in any case within 12 months after year end", art. 2:394 lid 3 BW), not the
        expected filing day: a company that adopted late may still file until then, and one
        that comes to a new accountant in that time often has not."""
        if self.message is not None or self.deadlines is None or not self.days_overdue:
            return False
        return self.onboarded_on > self.deadlines.filing_limit

    @property
    def onboarded_on(self) -> date:
        """The day the organisation was added to Deponeer."""
        return timezone.localdate(self.organisation.created_at)

    @property
    def predates_note(self) -> str:
        """What the list says of a year that ``predates_onboarding`` ("" otherwise)."""
        if not self.predates_onboarding:
            return ""
        return gettext(
            "Uiterste deponeertermijn (twaalf maanden na het einde van het boekjaar) "
            "verstreken vóór de aanmelding in Deponeer op %(day)s: vermoedelijk op een andere "
            "manier gedeponeerd; controleer het zo nodig in het Handelsregister."
        ) % {"day": format_day(self.onboarded_on)}

    @property
    def at_risk(self) -> bool:
        return self.situation not in SAFE_SITUATIONS and not self.predates_onboarding

    @property
    def overdue(self) -> bool:
        return self.at_risk and self.days_left is not None and self.days_left < 0

    @property
    def days_overdue(self) -> int | None:
        """How many days the filing deadline has passed (also for a filing on its way after
        it); None while it has not."""
        return -self.days_left if self.days_left is not None and self.days_left < 0 else None

    @property
    def filed_on(self) -> date | None:
        """The day the year's filing was delivered to the KvK through Digipoort (its move
        to 60; the verdict, 80, may come a day or more later); None while it is not filed.
        A filed year has no days left to count: the list shows this day instead."""
        if self.situation not in FILED_SITUATIONS or self.message is None:
            return None
        delivered = getattr(self.message, "delivered_at", None)
        return timezone.localdate(delivered or self.message.status_changed_at)

    @property
    def days_filed_late(self) -> int | None:
        """How many days after the filing deadline the year was filed (0: on time); None
        while it is not filed or when no deadline is computed. Late filing is an economic
        offence (KVK-SBR.md section 1): a late filing must not read as an on-time one."""
        if self.filed_on is None or self.deadlines is None:
            return None
        return max((self.filed_on - self.deadlines.filing).days, 0)

    @property
    def filed_late(self) -> bool:
        return bool(self.days_filed_late)

    @property
    def extension(self) -> DeadlineExtension | None:
        """The extension of the draw-up term recorded for this year (``with_deadline_facts``
        selected it), or None."""
        extensions = getattr(self.organisation, "year_extensions", None) or []
        return extensions[0] if extensions else None

    @property
    def draw_up_without_extension(self) -> date | None:
        """The draw-up deadline the law sets before any extension (5 months after year end
        for a BV: KVK-SBR.md section 1); None when no deadline is computed."""
        if self.deadlines is None:
            return None
        terms = rule_of(self.deadlines.legal_form).terms
        assert terms is not None  # a form without terms has no deadlines
        return add_months(self.year_end, terms.draw_up_months)

    @property
    def extension_decided_late(self) -> bool:
        """The extension was decided after the draw-up term it extends had run out. The
        deadlines still count it (a warning, not a refusal), but it does not undo that the
        term was exceeded: the facts page, Termijnen and its export say so."""
        extension, draw_up = self.extension, self.draw_up_without_extension
        if extension is None or extension.granted_on is None or draw_up is None:
            return False
        return extension.granted_on > draw_up


def facts_of(organisation: Organisation) -> DeadlineFacts:
    """The deadline facts of an organisation selected with ``deadline_facts``; without a
    row, an unsaved one with the defaults."""
    try:
        return organisation.deadline_facts
    except DeadlineFacts.DoesNotExist:
        return DeadlineFacts(organisation=organisation)


def with_deadline_facts(
    organisations: QuerySet[Organisation], financial_year: int
) -> QuerySet[Organisation]:
    """The organisations with their facts and this year's extension (``year_extensions``)."""
    return organisations.select_related("deadline_facts").prefetch_related(
        Prefetch(
            "deadline_extensions",
            queryset=DeadlineExtension.objects.filter(financial_year=financial_year),
            to_attr="year_extensions",
        )
    )


def notice_of(organisation: Organisation) -> str:
    """Why no deadline is computed for the organisation's legal form ("" when one is)."""
    return deadline_notice(
        organisation.legal_form, title_9_applies=facts_of(organisation).title_9_applies
    )


def year_period_of(organisation: Organisation, financial_year: int) -> tuple[date, date]:
    """The (first day, last day) of the financial year by the organisation's year end. The
    year's document may state another (a shorter or longer first year, art. 2:10a BW): the
    rows count from that one (``stored_period``)."""
    facts = facts_of(organisation)
    return financial_year_period(financial_year, facts.year_end_month, facts.year_end_day)


def stored_period(message: ApprovalMessage | None) -> tuple[date, date] | None:
    """The (first day, last day) of the accounts the message's document states, as
    processing kept it (``ApprovalMessage.period_start``, ``period_end``); None without a
    message, or when the document states none (it could not be read, or is another
    company's)."""
    if message is None or message.period_start is None or message.period_end is None:
        return None
    return message.period_start, message.period_end


def mismatch_of(organisation: Organisation, period: tuple[date, date]) -> PeriodMismatch | None:
    """A document's ``period`` against the organisation's year end (``kvk.deadlines.
    period_mismatch``); None when it ends on it. Only the end is compared: a period ending
    on another day is pointed out to a person, and the deadlines count from the end the
    document states all the same."""
    facts = facts_of(organisation)
    return period_mismatch(*period, end_month=facts.year_end_month, end_day=facts.year_end_day)


def deadlines_of(
    organisation: Organisation,
    financial_year: int,
    *,
    period: tuple[date, date] | None = None,
    adopted_on: date | None = None,
    signed_on: date | None = None,
) -> Deadlines | None:
    """The deadlines of one organisation's year, None when its legal form has none we
    compute (``notice_of`` says why); expects ``with_deadline_facts``. ``period`` is the
    one the year's document states (``stored_period``), by default ``year_period_of``.
    ``adopted_on`` and ``signed_on`` are those of the year's ``adoption_of``."""
    if notice_of(organisation):
        return None
    facts = facts_of(organisation)
    start, end = period or year_period_of(organisation, financial_year)
    extensions = getattr(organisation, "year_extensions", None)
    if extensions is None:
        extensions = list(organisation.deadline_extensions.filter(financial_year=financial_year))
    terms = rule_of(organisation.legal_form).terms
    assert terms is not None  # a form without terms always has a notice
    # An extension granted before the legal form changed may exceed the new form's
    # maximum; the law allows no more than that maximum.
    months = min(extensions[0].months, terms.max_extension_months) if extensions else 0
    return compute_deadlines(
        start,
        end,
        legal_form=organisation.legal_form,
        extension_months=months,
        all_shareholders_are_directors=facts.all_shareholders_are_directors,
        adopted_on=adopted_on,
        signed_on=signed_on,
    )


def _situation(message: ApprovalMessage) -> Situation:
    if message.status == Status.FILED and not message.adopted:
        return Situation.FILED_NOT_ADOPTED
    return _SITUATION_OF_STATUS[Status(message.status)]


class _Version(NamedTuple):
    """What choosing a year's standing message and reading its adoption need of one
    version: values, not a model. A year usually holds a few versions, but may hold many
    (corrections, a client sending again and again), and the rows read them all."""

    pk: int
    organisation_id: int
    status: int
    adopted: bool
    adoption_date: date | None
    signed_on: date | None
    resubmission: bool
    created_at: datetime


_M = TypeVar("_M", ApprovalMessage, _Version)


def _year_messages(
    organisations: QuerySet[Organisation], financial_year: int
) -> dict[int, tuple[ApprovalMessage | None, YearAdoption]]:
    """By organisation id, the message that says where its year stands (``_standing``,
    with few fields loaded) and the adoption all the year's versions record: two queries,
    the versions as values, then the standing messages as models."""
    versions = (
        ApprovalMessage.objects.filter(
            organisation__in=organisations.values("pk"), financial_year=financial_year
        )
        .order_by("organisation_id", "-created_at", "-pk")
        .values_list(*_Version._fields)
    )
    by_organisation: dict[int, list[_Version]] = {}
    for values in versions:
        version = _Version(*values)
        by_organisation.setdefault(version.organisation_id, []).append(version)
    standing = {pk: _standing(of_year) for pk, of_year in by_organisation.items()}
    messages = (
        ApprovalMessage.objects.filter(pk__in=[v.pk for v in standing.values() if v is not None])
        .only(*_MESSAGE_FIELDS)
        # The day the filing reached Digipoort (60), not the day its verdict came (80).
        .annotate(
            delivered_at=Max("events__created_at", filter=Q(events__to_status=Status.SENT_TO_KVK))
        )
    )
    loaded = {message.pk: message for message in messages}
    return {
        pk: (None if version is None else loaded[version.pk], adoption_of(by_organisation[pk]))
        for pk, version in standing.items()
    }


def _standing(messages: list[_M]) -> _M | None:
    """Of a year's messages (newest first), the one that says where the year stands: the
    first adopted filing (80) when there is one, else the newest message that did not fail
    processing, else the newest that did (25).

    A filed document is never removed and a correction (heraanlevering) is a new filing
    (KVK-SBR.md section 1): once the adopted accounts are filed the deadline is met, and a
    correction that follows, whatever becomes of it, does not put the year at risk again,
    nor says when the year was filed: the first adopted filing does, and whether it was
    late. A correction counts only when the portal holds no other adopted filing of the
    year (its original was filed another way; its own day is the one we know).
    A filing of accounts not adopted is followed by the adopted ones (tweede aanlevering):
    there the newest message counts. A message that failed processing (25) never entered
    the workflow: it changes nothing about a version that did (under way, on its way to
    the KvK, or rejected), and says where the year stands only when nothing else does."""
    filings = [m for m in messages if m.status == Status.FILED and m.adopted]
    if filings:
        return min(filings, key=lambda m: (m.resubmission, m.created_at, m.pk))
    entered = [m for m in messages if m.status != Status.PROCESSING_FAILED]
    return next(iter(entered or messages), None)


def year_messages(
    organisations: QuerySet[Organisation], financial_year: int
) -> dict[int, ApprovalMessage]:
    """By organisation id, the message that says where its year stands, as the rows have
    it (``_standing``); deadlines.periods reads the periods of the year before's."""
    standing = _year_messages(organisations, financial_year)
    return {pk: message for pk, (message, _adoption) in standing.items() if message is not None}


def _days_since(moment, today: date) -> int:
    return (today - timezone.localdate(moment)).days


def year_rows(
    organisations: QuerySet[Organisation],
    financial_year: int,
    *,
    today: date | None = None,
) -> list[DeadlineRow]:
    """Every organisation's row for ``financial_year`` (``sort_rows``), counted from the
    period the year's document states (``stored_period``) or else the year by the
    organisation's facts. A year an earlier year's accounts cover is shown with those by
    ``deadlines.periods.with_covered_years``."""
    today = today or timezone.localdate()
    messages_of = _year_messages(organisations, financial_year)
    rows = []
    # Identifications too: the export shows the KvK number (Organisation.kvk_number).
    organisations = with_deadline_facts(organisations, financial_year).prefetch_related(
        "identifications"
    )
    for organisation in organisations:
        message, adoption = messages_of.get(organisation.pk, (None, adoption_of([])))
        rows.append(_row(organisation, financial_year, message, today, adoption))
    return sort_rows(rows)


def _row(
    organisation: Organisation,
    financial_year: int,
    message: ApprovalMessage | None,
    today: date,
    adoption: YearAdoption,
) -> DeadlineRow:
    period = stored_period(message)
    start, end = period or year_period_of(organisation, financial_year)
    deadlines = deadlines_of(
        organisation,
        financial_year,
        period=(start, end),
        adopted_on=adoption.adopted_on,
        signed_on=adoption.signed_on,
    )
    if message is None:
        situation, days_in_status = Situation.NO_MESSAGE, None
    else:
        situation = _situation(message)
        days_in_status = _days_since(message.status_changed_at, today)
    return DeadlineRow(
        organisation=organisation,
        financial_year=financial_year,
        year_start=start,
        year_end=end,
        deadlines=deadlines,
        notice=notice_of(organisation),
        message=message,
        situation=situation,
        days_left=deadlines.days_left(today) if deadlines is not None else None,
        days_in_status=days_in_status,
        document_period=period,
        period_mismatch=None if period is None else mismatch_of(organisation, period),
        adoption=adoption,
    )


#: The orders of the rows Termijnen offers (``sort_rows``; "-KEY" the other way round):
#: by the filing deadline (the days left), by organisation name, by situation.
ROW_SORTS = ("deadline", "organisation", "situation")
#: The order without a choice: the fewest days left first.
DEFAULT_ROW_SORT = "deadline"
#: The situations in the order of the filing's progress, as the filter lists them.
_SITUATION_ORDER = {situation: place for place, situation in enumerate(Situation)}


def row_sort(value: str | None) -> str:
    """The order asked for when ``sort_rows`` offers it (either way), else the default."""
    return value if value and value.removeprefix("-") in ROW_SORTS else DEFAULT_ROW_SORT


def _by_name(row: DeadlineRow) -> tuple[str, str, int]:
    organisation = row.organisation
    # As kvk.search.alphabetical orders names: accents and case do not count.
    return search_key(organisation.name), organisation.name, organisation.pk


def sort_rows(rows: Iterable[DeadlineRow], sort: str = DEFAULT_ROW_SORT) -> list[DeadlineRow]:
    """The rows in the order ``sort`` names (``ROW_SORTS``, "-" before it the other way
    round). By the deadline (the default): fewest days left first, then by name; by
    situation: in the order of the filing's progress, then by days left and name; by
    organisation: alphabetically. The rows without a computed deadline come last in both
    directions of the deadline; equal rows keep the order by name either way."""
    key, descending = sort.removeprefix("-"), sort.startswith("-")
    by_name = sorted(rows, key=_by_name, reverse=descending and key == "organisation")
    if key == "organisation":
        return by_name
    counted = [row for row in by_name if row.days_left is not None]
    # Python's sort is stable, also reversed: equal days left stay in the order by name.
    by_deadline = sorted(
        counted, key=lambda row: row.days_left or 0, reverse=descending and key == "deadline"
    ) + [row for row in by_name if row.days_left is None]
    if key == "situation":
        return sorted(
            by_deadline, key=lambda row: _SITUATION_ORDER[row.situation], reverse=descending
        )
    return by_deadline


def year_row(
    organisation: Organisation, financial_year: int, *, today: date | None = None
) -> DeadlineRow:
    """One organisation's row for ``financial_year``, computed as the list computes every
    row (``year_rows``): with the adoption or signing date its messages recorded."""
    organisations = Organisation.objects.filter(pk=organisation.pk)
    return year_rows(organisations, financial_year, today=today)[0]


@dataclass(frozen=True)
class MessageDeadline:
    """The filing deadline of a message's financial year, as InSite's message lists show
    it beside the message (``page_deadlines``)."""

    filing: date
    #: How many days the deadline has passed while this message still has to reach the
    #: KvK: None once the deadline has not passed, the message is at 60 or 80, or another
    #: version of the year was filed (an old refusal of a filed year is overdue no more).
    days_overdue: int | None


#: A message at these has reached the KvK: its own deadline no longer asks anything.
_DELIVERED = frozenset({Status.SENT_TO_KVK, Status.FILED})


def page_deadlines(
    messages: Iterable[ApprovalMessage], *, today: date
) -> dict[int, MessageDeadline]:
    """By message id, the filing deadline of each message's organisation and financial
    year: the ``year_rows`` of the years among ``messages`` (four queries a year, whatever
    the number of messages: a page of InSite's message list, or what asks attention).
    Messages without a financial year, or of a legal form without computed deadlines, are
    left out. Needs only the messages' ``organisation_id``, ``financial_year`` and
    ``status``. Counted as Termijnen counts the year: from the period its document states
    (a shorter or longer first year, art. 2:10a BW), kept by processing."""
    messages = list(messages)
    organisations_of: dict[int, set[int]] = {}
    for message in messages:
        if message.financial_year is not None:
            organisations_of.setdefault(message.financial_year, set()).add(message.organisation_id)
    rows: dict[tuple[int, int], DeadlineRow] = {}
    for year, ids in organisations_of.items():
        for row in year_rows(Organisation.objects.filter(pk__in=ids), year, today=today):
            rows[row.organisation.pk, year] = row
    deadlines = {}
    for message in messages:
        if message.financial_year is None:
            continue
        row = rows[message.organisation_id, message.financial_year]
        if row.deadlines is None:
            continue
        done = message.status in _DELIVERED or row.filed_on is not None
        deadlines[message.pk] = MessageDeadline(
            row.deadlines.filing, None if done else row.days_overdue
        )
    return deadlines


def filter_rows(
    rows: Iterable[DeadlineRow],
    *,
    situation: str = "",
    min_days_in_status: int | None = None,
    max_days_left: int | None = None,
) -> list[DeadlineRow]:
    """``situation``: "" for the rows at risk, "all" for every row, or one Situation."""
    result = []
    for row in rows:
        if situation == "" and not row.at_risk:
            continue
        if situation not in ("", "all") and row.situation != situation:
            continue
        if min_days_in_status is not None and (
            row.days_in_status is None or row.days_in_status < min_days_in_status
        ):
            continue
        if max_days_left is not None and (row.days_left is None or row.days_left > max_days_left):
            continue
        result.append(row)
    return result


def years_near_deadline(today: date) -> tuple[int, ...]:
    """The financial years whose filing deadline can be near or recently passed: filing is
    due at most 12 months after year end (art. 2:394 lid 3), so such a year began at most
    two calendar years ago."""
    return (today.year - 2, today.year - 1, today.year)


@dataclass(frozen=True)
class YearAtRisk:
    """How many organisations' filings of one financial year are overdue, and how many are
    due within ``DUE_SOON_DAYS`` (neither approved nor filed: ``DeadlineRow.at_risk``)."""

    financial_year: int
    overdue: int
    due_soon: int


#: What "due soon" means on the InSite dashboard (``deadlines.periods.years_at_risk``).
DUE_SOON_DAYS = 30


def default_financial_year(today: date | None = None) -> int:
    """The year whose filing season is on: for calendar years, last year."""
    return (today or timezone.localdate()).year - 1


def current_years(organisations: QuerySet[Organisation], today: date) -> dict[int, int]:
    """How many of the organisations have each financial year as the one whose filing is
    due now (``kvk.deadlines.current_financial_year``), most first, then the newest year;
    an organisation without deadline facts has a calendar year. One query."""
    counts: dict[int, int] = {}
    ends = organisations.values_list(
        "deadline_facts__year_end_month", "deadline_facts__year_end_day"
    )
    for month, day in ends.order_by():
        year = current_financial_year(today, month or 12, day or 31)
        counts[year] = counts.get(year, 0) + 1
    return dict(sorted(counts.items(), key=lambda item: (-item[1], -item[0])))


def max_extension_months(legal_form: str) -> int:
    """The longest extension of the draw-up term the law allows this legal form (0 when
    we compute no deadlines for it)."""
    terms = rule_of(legal_form).terms
    return terms.max_extension_months if terms is not None else 0


def save_deadline_facts(
    *,
    organisation: Organisation,
    legal_form: str,
    year_end_month: int,
    year_end_day: int,
    all_shareholders_are_directors: bool,
    title_9_applies: bool,
    financial_year: int,
    extension_months: int,
    extension_granted_on: date | None,
) -> None:
    """The write of the facts page ("Termijngegevens"): an organisation's legal form and
    facts and one year's extension (0 removes it) with the day it was decided. Callers
    check that the user may change the organisation."""
    if not 0 <= extension_months <= max_extension_months(legal_form):
        raise ValueError(f"An extension of {extension_months} months is not allowed.")
    if extension_months and extension_granted_on is None:
        raise ValueError("An extension needs the day it was decided.")
    with transaction.atomic():
        organisation.legal_form = legal_form
        organisation.save(update_fields=["legal_form"])
        DeadlineFacts.objects.update_or_create(
            organisation=organisation,
            defaults={
                "year_end_month": year_end_month,
                "year_end_day": year_end_day,
                "all_shareholders_are_directors": all_shareholders_are_directors,
                "title_9_applies": title_9_applies,
            },
        )
        if extension_months:
            DeadlineExtension.objects.update_or_create(
                organisation=organisation,
                financial_year=financial_year,
                defaults={"months": extension_months, "granted_on": extension_granted_on},
            )
        else:
            DeadlineExtension.objects.filter(
                organisation=organisation, financial_year=financial_year
            ).delete()


def create_organisation(
    *,
    environment: AccountancyEnvironment,
    name: str,
    kvk_number: str,
    legal_form: str,
    year_end_month: int,
    year_end_day: int,
    responsible: StaffMember | None = None,
) -> Organisation:
    """The other write of this module: a new client organisation (crm.services) with what
    its deadlines depend on from the start, its legal form and financial year end
    (KVK-SBR.md section 1: the deadlines differ by legal form, and the year end moves
    every one of them). Without them a stichting had a BV's deadlines until someone
    filled in its facts. Raises crm.services.OnboardingError as that service does, and
    ValueError for a year end that does not exist."""
    financial_year_period(2024, year_end_month, year_end_day)  # ValueError: no such day
    with transaction.atomic():
        organisation = crm_services.create_organisation(
            environment=environment,
            name=name,
            kvk_number=kvk_number,
            legal_form=legal_form,
            responsible=responsible,
        )
        DeadlineFacts.objects.create(
            organisation=organisation, year_end_month=year_end_month, year_end_day=year_end_day
        )
    return organisation
