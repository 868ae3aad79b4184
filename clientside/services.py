"""The client side's writes: the administration's figures and reporting values, and its
two actions "Klaarzetten accountancyportal" (prepare) and "Verzenden/ontvangen
accountancyportal" (send and receive).

Views, management commands and the periodic task call these functions; nothing else
changes an annual report's figures or an outbound message's status.
"""

from __future__ import annotations

import hashlib
import logging
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext

from clientside import check_messages
from clientside.models import (
    RUN_PROBLEMS_TO_ACT_ON,
    Administration,
    AnnualReport,
    CommunicationProfile,
    FilingActivation,
    OutboundMessage,
    ReportSignature,
    RunProblem,
    Signatory,
)
from clientside.portal_client import (
    CURSOR_AHEAD,
    DUPLICATE_DOCUMENT,
    FILED,
    PortalClient,
    PortalError,
)
from clientside.trial_balance import (
    TrialBalanceError,
    TrialBalanceResult,
    fill_totals,
    read_trial_balance,
)
from config.dates import format_day, format_month_day
from kvk import sizeclass
from kvk import statements as st
from kvk import taxonomy as tx
from kvk.builder import build_instance
from kvk.deadlines import financial_year_period, period_mismatch
from kvk.digipoort import validation as digipoort_validation
from kvk.fields import KVK_NUMBER_NOT_FILABLE
from kvk.parser import ParsedInstance, XbrlParseError, parse_instance
from kvk.rules import Finding, check_instance
from kvk.statements import FinancialStatements, is_annual, years_later
from kvk.status import Status

log = logging.getLogger(__name__)

#: Statuses after which a new document may be prepared for the same report.
CLOSED_STATUSES = frozenset(
    {Status.PROCESSING_FAILED, Status.REJECTED, Status.REFUSED, Status.FILED}
)
#: The last message ended without a filing: corrected accounts may be prepared and sent as
#: a new version, which the portal links to the one it replaces.
CORRECTABLE_STATUSES = frozenset({Status.PROCESSING_FAILED, Status.REJECTED, Status.REFUSED})
#: When new documents may follow a message under way: the CORRECTABLE_STATUSES in words a
#: business owner reads (templates/clientside/report_detail.html says the same).
NEW_DOCUMENTS_WHEN = _lazy(
    "Nieuwe stukken kunt u pas klaarzetten als dat bericht niet verwerkt kon worden, bij de "
    "beoordeling is afgekeurd of door de KvK is afgekeurd."
)


@dataclass(frozen=True)
class Problem:
    """One thing to fix before the report can be prepared: the field (as the form names
    it) and what is wrong.

    ``code`` is the rule's code and ``source`` the KvK's file that holds the check, both
    detail for the curious, not part of the sentence. ``field_id`` is the id of the
    field's element (an input, else its section) and ``url`` the page that holds it, ""
    for the report page (clientside.check_messages)."""

    field: str
    message: str
    code: str = ""
    field_id: str = ""
    url: str = ""
    source: str = ""

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"

    @property
    def href(self) -> str:
        """The link to the field: "#id_b_Assets_0" or "/klant/.../bewerken/#id_street"."""
        if not self.field_id:
            return self.url
        return f"{self.url}#{self.field_id}"


class PrepareError(Exception):
    """The report is not ready; ``problems`` lists every issue in Dutch with its field.

    ``checks``: the problems are what the report's checks found (the page lists them under
    'Controle', at their fields); otherwise the report itself or a message under way stands
    in the way, and no field is to be corrected."""

    def __init__(self, problems: list[Problem], *, checks: bool = False) -> None:
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems
        self.checks = checks


class ReportLocked(Exception):
    """The report is filed (status 80) and can no longer be changed."""


def _filename(administration: Administration, year: int, *, kind: str = "") -> str:
    """The document's file name: the administration's name (FR-NL-1.06's characters), the
    year, the KvK number and the ``kind`` of filing ("heraanlevering", ...); the name
    shortened so that the whole fits the 80 characters Digipoort takes
    (kvk.digipoort.validation). The name itself stays as registered; a letter with an
    accent is written without it ("Coöperatie" -> "Cooperatie")."""
    suffix = f"-{year}-{administration.kvk_number}{f'-{kind}' if kind else ''}.xbrl"
    plain = unicodedata.normalize("NFKD", administration.name)
    plain = "".join(c for c in plain if not unicodedata.combining(c))
    stem = re.sub(r"[^0-9a-zA-Z_-]+", "-", plain).strip("-")
    stem = stem[: digipoort_validation.MAX_FILENAME_CHARS - len(suffix)].rstrip("-_")
    return f"{stem or 'jaarrekening'}{suffix}"


def _report_filename(report: AnnualReport) -> str:
    """The file name of the report's next document, which says a heraanlevering or a
    tweede aanlevering, and when the report has an earlier document the version
    (``_next_version``, "-v3"), so that no two documents of a report share a name. The
    number is the one the messages list shows beside it (``with_versions``). A name is
    given once, when the document is made: it is part of what was sent."""
    kind = (
        "heraanlevering"
        if report.resubmission
        else "tweede-aanlevering"
        if report.second_filing
        else ""
    )
    replaced = _replaced_by_next(report)
    earlier = report.messages.all() if replaced is None else report.messages.exclude(pk=replaced.pk)
    if earlier.exists():
        version = f"v{_next_version(report, replaced)}"
        kind = f"{kind}-{version}" if kind else version
    return _filename(report.administration, report.financial_year, kind=kind)


def _replaced_by_next(report: AnnualReport) -> OutboundMessage | None:
    """The report's message that its next document replaces: one never offered
    (``replaceable``), which "Klaarzetten" deletes."""
    current = open_message(report)
    return current if current is not None and replaceable(current) else None


def _next_version(report: AnnualReport, replaced: OutboundMessage | None) -> int:
    """The version of the report's next document: the number ``versions`` gives it after
    the documents of its year there are, leaving out the one it replaces (``replaced``)."""
    year = OutboundMessage.objects.filter(
        administration_id=report.administration_id, report__financial_year=report.financial_year
    )
    if replaced is not None:
        year = year.exclude(pk=replaced.pk)
    return len(versions(year)) + 1


def versions(messages: QuerySet[OutboundMessage]) -> dict[int, int]:
    """The version of each of ``messages`` (by id): its number among those of its financial
    year, the oldest 1, a heraanlevering and a tweede aanlevering counting on from the
    year's report. The one numbering of a year's documents: the messages list
    (``with_versions``) and the file names (``_next_version``) both follow it."""
    numbers: dict[int, int] = {}
    per_year: dict[int, int] = {}
    for pk, year in messages.order_by("created_at", "pk").values_list(
        "pk", "report__financial_year"
    ):
        per_year[year] = per_year.get(year, 0) + 1
        numbers[pk] = per_year[year]
    return numbers


def with_versions(
    administration: Administration, messages: list[OutboundMessage]
) -> list[OutboundMessage]:
    """``messages`` with their ``version`` among the administration's messages of its
    financial year (``versions``), so the list tells two versions of a year apart."""
    numbers = versions(OutboundMessage.objects.filter(administration=administration))
    for message in messages:
        message.version = numbers.get(message.pk)  # type: ignore[attr-defined]
    return messages


# --- the figures --------------------------------------------------------------------------


def default_statements(
    year: int, period: tuple[date, date] | None = None, previous_start: date | None = None
) -> dict:
    """The figures of a new report: its ``period`` (the calendar year ``year`` when none is
    given) and the previous year, from ``previous_start`` (twelve months earlier when none
    is given) to the day before the period; no amounts (the shape of
    FinancialStatements.to_dict() for the parts the cockpit keeps)."""
    start, end = period or financial_year_period(year)
    return {
        "period_start": start.isoformat(),
        "period_end": end.isoformat(),
        "previous_start": (previous_start or years_later(start, -1)).isoformat(),
        "previous_end": (start - timedelta(days=1)).isoformat(),
        "prepared_on": None,
        "appropriation": tx.BEFORE_APPROPRIATION,
        "period_deviation_reason": "",
        "period_deviation_impact": "",
        "balance": {},
        "profit_loss": {},
        "notes": {},
    }


def new_report_statements(administration: Administration, year: int) -> dict:
    """The figures of a new report of financial ``year``: twelve months from the day after
    the period of the administration's report of the year before, when there is one;
    else the financial year that begins in ``year`` (KVK-SBR.md section 3) and ends on the
    administration's year end (art. 2:10a BW). A year end never filled in is 31 December,
    so the report before says more than it; "Controle" warns when the period does not end
    on the year end (``period_warning``)."""
    previous = _previous_period(administration, year)
    if previous is not None:
        previous_start, previous_end = previous
        start = previous_end + timedelta(days=1)
        period = (start, years_later(start, 1) - timedelta(days=1))
        return default_statements(year, period, previous_start)
    period = financial_year_period(year, administration.year_end_month, administration.year_end_day)
    return default_statements(year, period)


def _previous_period(administration: Administration, year: int) -> tuple[date, date] | None:
    """The period of the administration's report of the year before (its resubmission
    first, the correction, then its tweede aanlevering, the adopted accounts), when the day
    after it falls in ``year``."""
    reports = AnnualReport.objects.filter(administration=administration, financial_year=year - 1)
    for report in reports.order_by("-resubmission", "-second_filing"):
        data = report.statements or {}
        start = _date_or_none(data.get("period_start"))
        end = _date_or_none(data.get("period_end"))
        if start and end and start <= end and (end + timedelta(days=1)).year == year:
            return start, end
    return None


def period_warning(report: AnnualReport) -> Problem | None:
    """The report's period does not end on the administration's year end
    (kvk.deadlines.period_mismatch): a warning on the report page, never a block. A first
    financial year, or one the statutes change, may be shorter or longer (art. 2:10a BW);
    what it catches are the wrong dates, or the wrong year end on the KvK tab, before the
    accounts go to the accountant over the wrong period."""
    data = report.statements or {}
    start = _date_or_none(data.get("period_start"))
    end = _date_or_none(data.get("period_end"))
    if start is None or end is None or end < start:
        return None  # "Controle" asks for a valid period first
    administration = report.administration
    mismatch = period_mismatch(
        start, end, end_month=administration.year_end_month, end_day=administration.year_end_day
    )
    if mismatch is None:
        return None
    text = _(
        "Het boekjaar loopt tot en met %(end)s, maar het boekjaar van deze administratie "
        "eindigt op %(year_end)s (KvK-gegevens): boekjaar %(year)s loopt dan van %(start)s "
        "tot en met %(expected)s. Een eerste boekjaar, of een boekjaar dat door een "
        "statutenwijziging verandert, kan korter of langer zijn. Klopt de periode niet, pas "
        "haar dan aan; klopt het einde van het boekjaar niet, pas het dan aan bij de "
        "KvK-gegevens."
    ) % {
        "end": format_day(end),
        "year_end": format_month_day(administration.year_end),
        "year": mismatch.year_start.year,
        "start": format_day(mismatch.year_start),
        "expected": format_day(mismatch.year_end),
    }
    return Problem(_("Einde boekjaar"), text, field_id="id_period_end")


def edit_lock(report: AnnualReport) -> str | None:
    """Why the report's figures, reporting values and trial balance cannot be changed now,
    in Dutch with the way on; None while they can. The one rule for every write and for
    the report page: they are fixed from the moment a document of them may have reached
    the portal (``sent_message``) until that message ends in a way that asks for new
    documents (25, 40, 90, or a stop for an old KvK number), and for good once filed (80,
    ``locked``): what the page shows is then what was sent."""
    if report.locked:
        return _(
            "Dit jaarrapport is gedeponeerd bij de KvK en kan niet meer worden gewijzigd. "
            "Een correctie kan alleen als heraanlevering."
        )
    sent = sent_message(report)
    if sent is None:
        return None
    return _(
        "Dit jaarrapport is verzonden naar uw accountant (status %(status)s: %(label)s); "
        "zolang dat bericht loopt, liggen de cijfers en rapportagewaarden vast zoals ze "
        "verzonden zijn. Wordt het bericht afgekeurd, bij de beoordeling of door de KvK, dan "
        "kunt u ze hier corrigeren en een nieuwe versie klaarzetten. Wordt het gedeponeerd, "
        "dan kan een correctie alleen nog als heraanlevering, met 'Heraanlevering maken' "
        "bij dit jaarrapport."
    ) % {"status": sent.status, "label": sent.status_label}


def check_not_locked(report: AnnualReport) -> None:
    """Raises ReportLocked saying why, while the report cannot be changed (``edit_lock``)."""
    reason = edit_lock(report)
    if reason is not None:
        raise ReportLocked(reason)


def unsent_message(report: AnnualReport) -> OutboundMessage | None:
    """The report's prepared message that a send/receive run would still send but never
    offered to the portal (``replaceable``), whose document a change of the report makes
    stale; not a copy the portal refused, which no run sends (``refused_as_copy``)."""
    current = open_message(report)
    if current is None or not replaceable(current) or refused_as_copy(current):
        return None
    return current


def _withdraw_unsent(report: AnnualReport) -> None:
    """The report changes: its prepared document that was never offered is withdrawn, so
    that no send/receive run sends figures other than the report's; "Klaarzetten" makes a
    new one. Raises ReportLocked when a run is sending it at this moment."""
    waiting = unsent_message(report)
    if waiting is None:
        return
    # Only while still never offered: a send/receive run marks it before the upload.
    deleted, _by_model = OutboundMessage.objects.filter(
        pk=waiting.pk, sent_at__isnull=True
    ).delete()
    if not deleted:
        raise ReportLocked(_BEING_SENT)


_BEING_SENT = _lazy(
    "Het bericht dat klaarstond wordt op dit moment verzonden. Voer "
    "'Verzenden/ontvangen accountancyportal' uit en kijk daarna of er nieuwe stukken nodig "
    "zijn."
)


def _locked_report(report: AnnualReport) -> AnnualReport:
    return (
        AnnualReport.objects.select_for_update().select_related("administration").get(pk=report.pk)
    )


@transaction.atomic
def create_report(
    *, administration: Administration, financial_year: int
) -> tuple[AnnualReport, bool]:
    """A new annual report for a financial year (the figures still to be entered), and
    True; the report of that year and False when the administration already has one."""
    return AnnualReport.objects.get_or_create(
        administration=administration,
        financial_year=financial_year,
        resubmission=False,
        second_filing=False,
        defaults={"statements": new_report_statements(administration, financial_year)},
    )


Amounts = Mapping[str, tuple[Decimal | None, Decimal | None]]
#: (current year, previous year)
Pair = tuple[Decimal | None, Decimal | None]


def _amounts(values: Amounts) -> dict:
    return {
        k: [None if a is None else format(a, "f"), None if b is None else format(b, "f")]
        for k, (a, b) in values.items()
        if a is not None or b is not None
    }


@transaction.atomic
def save_figures(
    *,
    report: AnnualReport,
    period_start: date,
    period_end: date,
    previous_start: date | None,
    prepared_on: date | None,
    appropriation: str,
    period_deviation_reason: str,
    period_deviation_impact: str,
    balance: Amounts,
    profit_loss: Amounts,
    notes: Mapping[str, str],
    employees: Pair | None = None,
    net_turnover: Pair | None = None,
) -> AnnualReport:
    """Store the figures entered in the reporting cockpit. Empty totals are computed from
    their items (clientside.trial_balance.fill_totals); ``previous_start`` None is a first
    financial year without comparative figures.

    ``employees`` and ``net_turnover`` (current, previous) are the size-class figures the
    instance does not carry (see AnnualReport); None leaves them as they are."""
    report = _locked_report(report)
    check_not_locked(report)
    _withdraw_unsent(report)
    size_fields = []
    if employees is not None:
        report.employees_current, report.employees_previous = employees
        size_fields += ["employees_current", "employees_previous"]
    if net_turnover is not None:
        report.net_turnover_current, report.net_turnover_previous = net_turnover
        size_fields += ["net_turnover_current", "net_turnover_previous"]
    variant = report.administration.kvk_report
    data = dict(report.statements)
    data.update(
        period_start=period_start.isoformat(),
        period_end=period_end.isoformat(),
        previous_start=previous_start.isoformat() if previous_start else None,
        previous_end=(period_start - timedelta(days=1)).isoformat() if previous_start else None,
        prepared_on=prepared_on.isoformat() if prepared_on else None,
        appropriation=appropriation,
        period_deviation_reason=period_deviation_reason.strip(),
        period_deviation_impact=period_deviation_impact.strip(),
        balance=_amounts(fill_totals(variant, balance)),
        profit_loss=_amounts(fill_totals(variant, profit_loss)),
        notes=dict(notes),
    )
    report.statements = data
    report.save(update_fields=["statements", *size_fields, "updated_at"])
    return report


@transaction.atomic
def import_trial_balance(*, report: AnnualReport, content: bytes) -> TrialBalanceResult:
    """Replace the report's amounts by those of a trial balance CSV (see
    clientside.trial_balance for the format). Raises TrialBalanceError with every problem
    per line; then nothing changes."""
    report = _locked_report(report)
    check_not_locked(report)
    variant = report.administration.kvk_report
    if variant not in tx.BUILDABLE_VARIANTS:
        raise TrialBalanceError([_unbuildable_text(report.administration)])
    result = read_trial_balance(content, variant=variant)
    _withdraw_unsent(report)
    data = dict(
        report.statements or new_report_statements(report.administration, report.financial_year)
    )
    data["balance"] = _amounts(result.balance)
    data["profit_loss"] = _amounts(result.profit_loss)
    if not data.get("previous_start"):
        # A first financial year has no comparative figures.
        data["balance"] = {k: [v[0], None] for k, v in data["balance"].items() if v[0]}
        data["profit_loss"] = {k: [v[0], None] for k, v in data["profit_loss"].items() if v[0]}
    report.statements = data
    size_fields = _imported_net_turnover(report, result, first_year=not data.get("previous_start"))
    report.save(update_fields=["statements", *size_fields, "updated_at"])
    return result


def _imported_net_turnover(
    report: AnnualReport, result: TrialBalanceResult, *, first_year: bool
) -> list[str]:
    """The report's own net turnover (``Administration.asks_net_turnover``: klein starts at
    the gross margin, publication pieces have no profit and loss) from the trial balance's
    revenue accounts, when it has them (trial_balance.NET_TURNOVER_CODE); the fields set.
    Without revenue accounts a net turnover entered by hand stays."""
    if result.net_turnover is None or not report.administration.asks_net_turnover:
        return []
    current, previous = result.net_turnover
    report.net_turnover_current = current
    report.net_turnover_previous = None if first_year else previous
    return ["net_turnover_current", "net_turnover_previous"]


@transaction.atomic
def save_reporting_values(
    *,
    report: AnnualReport,
    adoption_date: date | None,
    signed_by: str,
    signed_date: date | None,
    signing_place: str = "",
    resubmission_explanation: str = "",
    signatures: Mapping[int, tuple[bool, str]] | None = None,
) -> AnnualReport:
    """The reporting values: adoption date, who signed, when and where; per signatory
    (id -> (signed, reason)) whether he or she signed, and why not."""
    report = _locked_report(report)
    check_not_locked(report)
    _withdraw_unsent(report)
    report.adoption_date = adoption_date
    report.signed_by = signed_by
    report.signed_date = signed_date
    report.signing_place = signing_place.strip()
    report.resubmission_explanation = resubmission_explanation.strip()
    report.save(
        update_fields=[
            "adoption_date",
            "signed_by",
            "signed_date",
            "signing_place",
            "resubmission_explanation",
            "updated_at",
        ]
    )
    own = set(report.administration.signatories.values_list("pk", flat=True))
    for signatory_id, (signed, reason) in (signatures or {}).items():
        if signatory_id not in own:
            continue
        if signed:
            # Signing is the default: no row.
            ReportSignature.objects.filter(report=report, signatory_id=signatory_id).delete()
        else:
            ReportSignature.objects.update_or_create(
                report=report,
                signatory_id=signatory_id,
                defaults={"reason_not_signed": reason.strip()},
            )
    return report


def _resubmission_problem(text: str, code: str = "") -> PrepareError:
    return PrepareError([Problem(_("Heraanlevering"), text, code)])


def _new_version(
    administration: Administration,
    financial_year: int,
    source: AnnualReport | None,
    *,
    adoption_date: date | None,
    second_filing: bool = False,
) -> AnnualReport:
    """A new version of a year's report, a resubmission (or with ``second_filing`` the
    tweede aanlevering): the figures, reporting values and signatures of ``source`` (the
    filed report, or one of the year that was not filed here) as start, else an empty
    report of the year; adopted on ``adoption_date``."""
    kind = {"second_filing": True} if second_filing else {"resubmission": True}
    if source is None:
        return AnnualReport.objects.create(
            administration=administration,
            financial_year=financial_year,
            statements=new_report_statements(administration, financial_year),
            adoption_date=adoption_date,
            **kind,
        )
    version = AnnualReport.objects.create(
        administration=administration,
        financial_year=financial_year,
        statements=source.statements,
        adoption_date=adoption_date,
        signed_by=source.signed_by,
        signed_date=source.signed_date,
        signing_place=source.signing_place,
        employees_current=source.employees_current,
        employees_previous=source.employees_previous,
        net_turnover_current=source.net_turnover_current,
        net_turnover_previous=source.net_turnover_previous,
        **kind,
    )
    ReportSignature.objects.bulk_create(
        ReportSignature(
            report=version,
            signatory_id=s.signatory_id,
            reason_not_signed=s.reason_not_signed,
        )
        for s in source.signatures.all()
    )
    return version


@transaction.atomic
def create_resubmission(*, report: AnnualReport) -> AnnualReport:
    """After filing (80), a correction is only possible as a resubmission
    (heraanlevering): a new report for the same year with the filed figures as start.

    Not after accounts filed as not adopted: a heraanlevering corrects adopted accounts
    (BR-KVK-4.12), and what follows those is the tweede aanlevering
    (``create_second_filing``)."""
    report = _locked_report(report)
    if report.resubmission or not report.locked:
        raise _resubmission_problem(
            _("Een heraanlevering kan alleen voor een gedeponeerd jaarrapport.")
        )
    if filed_not_adopted(report):
        raise _resubmission_problem(
            _(
                "Deze jaarrekening is gedeponeerd als niet vastgestelde jaarrekening. Een "
                "heraanlevering corrigeert een vastgestelde jaarrekening; stuur de "
                "vastgestelde jaarrekening als tweede aanlevering, met 'Vastgestelde "
                "jaarrekening sturen (tweede aanlevering)' bij dit jaarrapport."
            ),
            "BR-KVK-4.12",
        )
    # The year's heraanlevering when it has one, else a new one with the filed accounts'
    # adoption date: the one the portal brought back when the client adopted them there (a
    # first filing carries no date of its own), else the report's.
    return _of_the_year(report, resubmission=True) or _new_version(
        report.administration,
        report.financial_year,
        report,
        adoption_date=adopted_in_portal(report) or report.adoption_date,
    )


def adopted_in_portal(report: AnnualReport) -> date | None:
    """The date the accounts of ``report`` were adopted on, as the portal brought it back
    with the filed message (the client ticked "Jaarrekening vastgesteld" there; the filed
    document carries it); None when the report is not filed or the portal gave none."""
    message = filed_message(report) if report.locked else None
    return message.adoption_date if message is not None else None


def portal_adoption_date(report: AnnualReport) -> date | None:
    """For a heraanlevering: the adoption date the portal brought back for the filed
    accounts it corrects (``adopted_in_portal`` of the tweede aanlevering when the year has
    one, else of the year's report), which ``create_resubmission`` takes as its default;
    None otherwise."""
    if not report.resubmission:
        return None
    corrected = (
        AnnualReport.objects.filter(
            administration_id=report.administration_id,
            financial_year=report.financial_year,
            resubmission=False,
        )
        .order_by("-second_filing")
        .first()
    )
    return adopted_in_portal(corrected) if corrected is not None else None


def filed_message(report: AnnualReport) -> OutboundMessage | None:
    """The report's message the portal reported filed at the KvK (80), if any."""
    return current_messages(report).filter(status=Status.FILED).order_by("-created_at").first()


def filed_not_adopted(report: AnnualReport) -> bool:
    """The report's accounts are filed (80) as accounts not adopted (art. 2:394 lid 2 BW),
    as the portal said (its "adopted" false in the updates API): the adopted accounts
    follow as the tweede aanlevering (``create_second_filing``). False while the portal
    did not say (one of an earlier release)."""
    message = filed_message(report) if report.locked else None
    return message is not None and message.adopted is False


def _of_the_year(report: AnnualReport, **kind: bool) -> AnnualReport | None:
    """The report of ``report``'s year that is of ``kind`` (``resubmission=True``: the
    heraanlevering; ``second_filing=True``: the tweede aanlevering), if there is one."""
    return AnnualReport.objects.filter(
        administration_id=report.administration_id,
        financial_year=report.financial_year,
        **kind,
    ).first()


def second_filing_of(report: AnnualReport) -> AnnualReport | None:
    """The tweede aanlevering of the report's year, if there is one."""
    return _of_the_year(report, second_filing=True)


@transaction.atomic
def create_second_filing(*, report: AnnualReport) -> AnnualReport:
    """ "Vastgestelde jaarrekening sturen (tweede aanlevering)": after the year's accounts
    were filed as not adopted (``filed_not_adopted``), the adopted accounts follow as a new
    filing, the tweede aanlevering (KVK-SBR.md section 1). A new version of the year's
    report with the filed figures as start, adoption status Ja with the adoption date to
    fill in (``statements_for``), and no heraanlevering flag: the portal takes it as the
    adopted filing after the non-adopted one. An existing one of the year is returned."""
    report = _locked_report(report)
    if report.resubmission or report.second_filing or not filed_not_adopted(report):
        raise PrepareError(
            [
                Problem(
                    _("Tweede aanlevering"),
                    _(
                        "Een tweede aanlevering volgt alleen op een jaarrekening die als niet "
                        "vastgestelde jaarrekening is gedeponeerd."
                    ),
                )
            ]
        )
    # The year's tweede aanlevering when it has one, else a new one whose adoption date is
    # filled in on it: the general meeting adopted the accounts after they were filed as not
    # adopted.
    return second_filing_of(report) or _new_version(
        report.administration,
        report.financial_year,
        report,
        adoption_date=None,
        second_filing=True,
    )


@transaction.atomic
def create_resubmission_for_year(
    *,
    administration: Administration,
    financial_year: int,
    adoption_date: date,
    today: date | None = None,
) -> AnnualReport:
    """A resubmission (heraanlevering, KVK-SBR.md section 1) of a year whose adopted
    accounts were filed at the KvK elsewhere, e.g. by a previous accountant, so no filed
    report of the year is here. It carries the adoption date of the filed accounts
    (BR-KVK-4.12, 4.16) and starts from this year's report here when there is one, else
    from an empty report.

    A year with a filed report here goes the way of ``create_resubmission``; an existing
    resubmission of the year is returned. Refused (PrepareError) for a year that has not
    ended, an adoption date ahead, and while a message of the year is prepared or under
    way here: the outcome of that filing decides whether a correction is needed."""
    today = today or timezone.localdate()
    Administration.objects.select_for_update().get(pk=administration.pk)
    reports = list(
        AnnualReport.objects.select_for_update().filter(
            administration=administration, financial_year=financial_year
        )
    )
    existing = next((r for r in reports if r.resubmission), None)
    if existing is not None:
        return existing
    # The accounts a heraanlevering corrects: the tweede aanlevering (the adopted accounts)
    # when the year has one, else the year's report.
    first = max(reports, key=lambda r: r.second_filing, default=None)
    if first is not None and first.locked:
        return create_resubmission(report=first)
    if financial_year >= today.year:
        raise _resubmission_problem(
            _(
                "Boekjaar %(year)s is nog niet voorbij, dus daarover kan nog geen "
                "vastgestelde jaarrekening zijn gedeponeerd. Maak een jaarrapport aan."
            )
            % {"year": financial_year}
        )
    if adoption_date > today:
        raise _resubmission_problem(
            _("De datum van vaststelling ligt in de toekomst."), "BR-KVK-4.10"
        )
    under_way = open_message(first) if first is not None else None
    if under_way is not None and not _refused_as_filed(under_way):
        raise _resubmission_problem(
            _(
                "Voor boekjaar %(year)s staat hier al een bericht klaar of onderweg (status "
                "%(status)s: %(label)s). Een heraanlevering corrigeert een gedeponeerde "
                "jaarrekening; wacht eerst de uitkomst van dat bericht af."
            )
            % {
                "year": financial_year,
                "status": under_way.status,
                "label": under_way.status_label,
            }
        )
    return _new_version(administration, financial_year, first, adoption_date=adoption_date)


def _refused_as_filed(message: OutboundMessage) -> bool:
    """The portal refused this message as a copy of documents it has filed: no filing is
    under way here, and the way on is a heraanlevering (views._copy_step says so)."""
    return refused_as_copy(message) and copy_kind(message) == FILED


# --- "Klaarzetten accountancyportal" ----------------------------------------------------


def signatories_of(report: AnnualReport) -> list[Signatory]:
    """The administration's signatories that sign this report: the directors (current
    and former), and the supervisory directors when the report says so; in their order."""
    people = list(report.administration.signatories.all())
    if report.signed_by != AnnualReport.SignedBy.DIRECTORS_AND_SUPERVISORY:
        people = [s for s in people if not s.supervisory]
    return people


def _signing(report: AnnualReport) -> list[tuple[Signatory, bool, str]]:
    """(signatory, signed, reason not signed) for each person who signs this report."""
    not_signed = {s.signatory_id: s for s in report.signatures.all()}
    result = []
    for person in signatories_of(report):
        absent = not_signed.get(person.pk)
        result.append((person, absent is None, absent.reason_not_signed if absent else ""))
    return result


def _address(administration: Administration) -> st.Address | None:
    """The administration's address fields, which carry the names of st.Address's."""
    if not (administration.street or administration.postal_code or administration.place):
        return None
    return st.Address(**{name: getattr(administration, name) for name in tx.ADDRESS_CONCEPTS})


def statements_for(report: AnnualReport) -> FinancialStatements:
    """The figures of the report with the administration's KvK data and reporting values.

    Raises ValueError naming the field that is wrong."""
    administration = report.administration
    data = dict(report.statements)
    data.update(
        kvk_number=administration.kvk_number,
        legal_name=administration.name,
        legal_form=administration.legal_form,
        seat=administration.seat,
        address=None,
        email=administration.filing_email,
        variant=administration.kvk_report,
        size=administration.size,
        resubmission=report.resubmission,
        resubmission_explanation=report.resubmission_explanation,
        # "Jaarrekening vastgesteld" is ticked in the accountant's workflow, not here; a
        # resubmission corrects adopted accounts, so it carries the adoption (BR-KVK-4.12,
        # BR-KVK-4.16), and so does the tweede aanlevering, which is the adopted accounts.
        adopted=_adopted_here(report),
        adoption_date=report.adoption_date.isoformat()
        if _adopted_here(report) and report.adoption_date
        else None,
        signatories=[],
    )
    if not administration.files_profit_loss:
        data["profit_loss"] = {}
    statements = FinancialStatements.from_dict(data, validate=False)
    statements.address = _address(administration)
    statements.signatories = [
        st.Signatory(
            name=person.name,
            function=person.function,
            signed=signed,
            signed_on=report.signed_date if signed else None,
            place=report.signing_place if signed else "",
            reason_not_signed=reason,
        )
        for person, signed, reason in _signing(report)
    ]
    statements.validate()
    return statements


def _adopted_here(report: AnnualReport) -> bool:
    """The report's document says the accounts are adopted, with the adoption date entered
    here: a heraanlevering and a tweede aanlevering. A first filing is adopted in the
    portal (or filed there as not adopted)."""
    return report.resubmission or report.second_filing


def _date_or_none(value: object) -> date | None:
    try:
        return date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def _unbuildable_text(administration: Administration) -> str:
    return _(
        "Het KvK-rapport '%(report)s' kan hier (nog) niet worden gemaakt; kies micro of "
        "klein, eventueel als publicatiestukken."
    ) % {"report": administration.get_kvk_report_display()}


def _kvk_tab_problems(administration: Administration) -> list[Problem]:
    """The KvK tab, in the order of the form, with the taxonomy's checks in Dutch."""
    problems: list[Problem] = []

    def need(value: object, where: str, text: str) -> bool:
        if not value:
            problems.append(Problem(where, text))
        return bool(value)

    need(administration.name, _("Naam"), _("Vul de naam in zoals bij de KvK ingeschreven."))
    if administration.legal_form not in tx.LEGAL_FORMS:
        problems.append(
            Problem(
                _("Rechtsvorm"),
                _(
                    "Kies de rechtsvorm uit de lijst (bijvoorbeeld 'Besloten vennootschap met "
                    "beperkte aansprakelijkheid'); '%(value)s' kent de KvK niet."
                )
                % {"value": administration.legal_form},
            )
        )
    need(administration.seat, _("Statutaire zetel"), _("Vul de statutaire zetel in."))
    if not tx.kvk_number_valid(administration.kvk_number):
        problems.append(Problem(_("KvK-nummer"), str(KVK_NUMBER_NOT_FILABLE)))
    address = (
        ("street", _("Straat")),
        ("house_number", _("Huisnummer")),
        ("postal_code", _("Postcode")),
        ("place", _("Plaats")),
    )
    for name, where in address:
        value = getattr(administration, name)
        text = _("Vul het adres in: straat, huisnummer, postcode en plaats.")
        qname = tx.ADDRESS_CONCEPTS[name]
        if need(value, where, text) and tx.value_problem(qname, value) is not None:
            problems.append(
                Problem(where, _("Dit deel van het adres accepteert de KvK niet; verbeter het."))
            )
    if need(
        administration.filing_email,
        _("E-mailadres voor de deponering"),
        _("Vul het e-mailadres van de onderneming in; de KvK vraagt het in het document."),
    ) and tx.value_problem(tx.EMAIL, administration.filing_email):
        problems.append(
            Problem(_("E-mailadres voor de deponering"), _("Vul een volledig e-mailadres in."))
        )
    if administration.kvk_report not in tx.VARIANTS:
        problems.append(Problem(_("KvK-rapport"), _("Kies het KvK-rapport.")))
    elif not administration.buildable:
        problems.append(Problem(_("KvK-rapport"), _unbuildable_text(administration)))
    if administration.contact_type == Administration.ContactType.INTERMEDIARY:
        need(
            administration.contact_person,
            _("Contactpersoon"),
            _("Bij soort contact Intermediair is een contactpersoon verplicht."),
        )
    return problems


def _text_required(value: str | None, where: str, text: str) -> list[Problem]:
    """``text`` about the field ``where`` when its value is empty or only white space."""
    return [] if (value or "").strip() else [Problem(where, text)]


def _signing_problems(report: AnnualReport, end: date | None, today: date) -> list[Problem]:
    """The signatures: who signs, who did, when and where."""
    return [
        *_signer_problems(report),
        *_signing_date_problems(report, end, today),
        *_text_required(
            report.signing_place,
            _("Plaats ondertekening"),
            _("Vul de plaats van ondertekening in (de KvK vraagt die bij elke handtekening)."),
        ),
    ]


def _signer_problems(report: AnnualReport) -> list[Problem]:
    """A director signs; a supervisory director when chosen; a reason for each who did not."""
    problems: list[Problem] = []
    signing = _signing(report)
    where = _("Ondertekenaars")
    if not any(not person.supervisory for person, _s, _r in signing):
        problems.append(
            Problem(
                where,
                _("Voeg bij de administratie ten minste één bestuurder toe die ondertekent."),
            )
        )
    if report.signed_by == AnnualReport.SignedBy.DIRECTORS_AND_SUPERVISORY and not any(
        person.supervisory for person, _s, _r in signing
    ):
        problems.append(
            Problem(
                where,
                _(
                    "Er is gekozen voor ondertekening door bestuurder en commissaris; voeg "
                    "een commissaris toe of kies 'Bestuurder(s)'."
                ),
            )
        )
    for person, signed, reason in signing:
        if not signed and not reason.strip():
            problems.append(
                Problem(
                    where,
                    _("Geef de reden waarom %(name)s niet heeft ondertekend.")
                    % {"name": person.name},
                )
            )
    if signing and not any(signed for _p, signed, _r in signing):
        problems.append(
            Problem(where, _("Niemand heeft ondertekend; ten minste één bestuurder tekent."))
        )
    return problems


def _signing_date_problems(report: AnnualReport, end: date | None, today: date) -> list[Problem]:
    """The date of signing: given, not in the future, after the end of the year."""
    where = _("Datum ondertekening")
    if not report.signed_date:
        return [Problem(where, _("Vul de datum van ondertekening in."))]
    problems: list[Problem] = []
    if report.signed_date > today:
        problems.append(Problem(where, _("De datum van ondertekening ligt in de toekomst.")))
    if end and report.signed_date <= end:
        problems.append(
            Problem(
                where,
                _year_not_ended(end, today)
                or _("De datum van ondertekening ligt niet na het einde van het boekjaar."),
            )
        )
    return problems


def _year_not_ended(end: date, today: date) -> str:
    """When the year has not ended yet (it ends today or later), no date after its end can
    be given yet: the board draws up the accounts within a term after the year's end (art.
    2:210 lid 1 and 2:101 lid 1 BW, kvk.deadlines) and signs them then. The sentence that
    says so, or empty when the year is over."""
    if end < today:
        return ""
    return _(
        "Het boekjaar loopt nog tot en met %(end)s. De jaarrekening wordt pas na het einde "
        "van het boekjaar opgemaakt en ondertekend; vul de datum dan in."
    ) % {"end": format_day(end)}


def completeness_problems(report: AnnualReport, *, today: date | None = None) -> list[Problem]:
    """Everything that is missing or inconsistent, before the KvK rules run; in Dutch,
    with the field to fix."""
    today = today or timezone.localdate()
    data = report.statements or {}
    end = _date_or_none(data.get("period_end"))
    prepared_on = _date_or_none(data.get("prepared_on"))
    return [
        *_kvk_tab_problems(report.administration),
        *_taxonomy_problems(report),
        *_period_problems(report, data),
        *_signing_problems(report, end, today),
        *_prepared_problems(prepared_on, end, today),
        *_adoption_date_problems(report, prepared_on, today),
        *(_explanation_problems(report) if report.resubmission else []),
        *_figure_problems(report.administration, data),
    ]


def _taxonomy_problems(report: AnnualReport) -> list[Problem]:
    """A year before the oldest taxonomy generation this product builds (kvk.taxonomy
    GENERATIONS) has no KvK document here: said under the year, not a server error."""
    oldest = min(tx.GENERATIONS, key=lambda generation: generation.financial_year)
    if report.financial_year >= oldest.financial_year:
        return []
    return [
        Problem(
            _("Boekjaar"),
            _(
                "Voor boekjaar %(year)s kan hier geen KvK-document worden gemaakt: de oudste "
                "taxonomie die hier wordt ondersteund, %(taxonomy)s, is voor boekjaren vanaf "
                "%(first)s."
            )
            % {
                "year": report.financial_year,
                "taxonomy": oldest.label,
                "first": oldest.financial_year,
            },
        )
    ]


def _period_problems(report: AnnualReport, data: dict[str, Any]) -> list[Problem]:
    """The financial year: a valid period beginning in the report's year; for a year that
    is not twelve months, the reason and its impact (the KvK asks for both:
    kvk-document-information-for.xml, PrtValueThnExistence1 and 2)."""
    start = _date_or_none(data.get("period_start"))
    end = _date_or_none(data.get("period_end"))
    if start is None or end is None or end < start:
        return [Problem(_("Boekjaar"), _("Vul een geldig begin en einde van het boekjaar in."))]
    if start.year != report.financial_year:
        return [
            Problem(
                _("Boekjaar"),
                _("Het boekjaar begint in %(start)s, niet in %(year)s.")
                % {"start": start.year, "year": report.financial_year},
            )
        ]
    if is_annual(start, end):
        return []
    return [
        *_text_required(
            data.get("period_deviation_reason"),
            _("Reden afwijkende lengte boekjaar"),
            _("Het boekjaar is geen twaalf maanden; geef de reden in de cijfers."),
        ),
        *_text_required(
            data.get("period_deviation_impact"),
            _("Gevolgen voor de vergelijkende cijfers"),
            _(
                "Het boekjaar is geen twaalf maanden; beschrijf in de cijfers de "
                "gevolgen voor de vergelijkende cijfers."
            ),
        ),
    ]


def _prepared_problems(prepared_on: date | None, end: date | None, today: date) -> list[Problem]:
    """The date the directors prepared the accounts: given, after the year, not ahead."""
    where = _("Datum opmaak jaarrekening")
    if prepared_on is None:
        return [Problem(where, _("Vul de datum in waarop het bestuur de jaarrekening opmaakte."))]
    if end and prepared_on <= end:
        return [
            Problem(
                where,
                _year_not_ended(end, today)
                or _("De datum van opmaak ligt niet na het einde van het boekjaar."),
            )
        ]
    if prepared_on > today:
        return [Problem(where, _("De datum van opmaak ligt in de toekomst."))]
    return []


def _explanation_problems(report: AnnualReport) -> list[Problem]:
    """A resubmission explains why the filed accounts are replaced."""
    return _text_required(
        report.resubmission_explanation,
        _("Toelichting heraanlevering"),
        _("Leg uit waarom de gedeponeerde jaarrekening wordt vervangen."),
    )


def _adoption_date_problems(
    report: AnnualReport, prepared_on: date | None, today: date
) -> list[Problem]:
    """The adoption date, when given: not ahead (BR-KVK-4.10), not before the accounts were
    prepared. A resubmission requires one (BR-KVK-4.12, 4.16), and so do the adopted
    accounts of a tweede aanlevering (adoption status Ja, the KvK's PrtValueThnExistence3);
    a first filing is adopted in the portal."""
    where = _("Datum vaststelling")
    if not report.adoption_date:
        if report.resubmission:
            return [
                Problem(
                    where,
                    _("Een heraanlevering vereist de datum van vaststelling."),
                    "BR-KVK-4.16",
                )
            ]
        if report.second_filing:
            return [
                Problem(
                    where,
                    _(
                        "Vul de datum in waarop de jaarrekening is vastgesteld: de tweede "
                        "aanlevering is de vastgestelde jaarrekening."
                    ),
                    f"{_DOCUMENT_INFORMATION}PrtValueThnExistence3",
                )
            ]
        return []
    if report.adoption_date > today:
        return [
            Problem(
                where,
                _("De datum van vaststelling ligt in de toekomst."),
                "BR-KVK-4.10",
            )
        ]
    if prepared_on and report.adoption_date < prepared_on:
        # kvk-document-information-for.xml, PrtDateEarlierEQDateLater1
        return [
            Problem(
                where,
                _(
                    "De datum van vaststelling ligt vóór de datum van opmaak; de "
                    "jaarrekening wordt vastgesteld nadat het bestuur haar heeft opgemaakt."
                ),
                "valueAssertion_DocumentInformation_PrtDateEarlierEQDateLater1",
            )
        ]
    return []


def _figure_problems(administration: Administration, data: dict[str, Any]) -> list[Problem]:
    """The figures every report needs: the balance sheet totals (both years when there is
    a previous year) and, when the report files it, the result after tax."""
    problems: list[Problem] = []
    slots = (0, 1) if data.get("previous_start") else (0,)
    balance = data.get("balance") or {}
    for concept in ("Assets", "Equity", "EquityAndLiabilities"):
        pair = balance.get(concept) or [None, None]
        for slot in slots:
            if pair[slot] in (None, ""):
                problems.append(
                    Problem(
                        check_messages.figure_caption("b", concept, slot),
                        _("Vul dit bedrag in of importeer een proefbalans."),
                        field_id=check_messages.figure_id("b", concept, slot),
                    )
                )
    if administration.files_profit_loss:
        pair = (data.get("profit_loss") or {}).get("ResultAfterTax") or [None, None]
        if pair[0] in (None, ""):
            problems.append(
                Problem(
                    check_messages.figure_caption("p", "ResultAfterTax", 0),
                    _("Dit rapport bevat de winst-en-verliesrekening; vul deze in."),
                    field_id=check_messages.figure_id("p", "ResultAfterTax", 0),
                )
            )
    return problems


_DOCUMENT_INFORMATION = "valueAssertion_DocumentInformation_"
#: Which field a user fixes for a finding of the KvK rules (its label, lazily translated).
_FIELD_FOR_CODE = {
    "DEP-KVK-NUMBER": _lazy("KvK-nummer"),
    "DEP-IDENTIFIER": _lazy("KvK-nummer"),
    "DEP-PERIOD": _lazy("Boekjaar"),
    "BR-KVK-4.07": _lazy("Boekjaar"),
    "BR-KVK-4.17": _lazy("Boekjaar"),
    "BR-KVK-4.10": _lazy("Datum vaststelling"),
    "BR-KVK-4.12": _lazy("Datum vaststelling"),
    "BR-KVK-4.16": _lazy("Datum vaststelling"),
    "DEP-ADOPTION-DATE": _lazy("Datum vaststelling"),
    # The KvK's assertions that check what DEP-PERIOD and DEP-ADOPTION-DATE check for an
    # entry point without formulas (kvk.rules), and the other dates and texts of the
    # document information that have a field of their own.
    f"{_DOCUMENT_INFORMATION}PrtDateEarlier24HDateLater1": _lazy("Boekjaar"),
    f"{_DOCUMENT_INFORMATION}PrtDateEarlierDateLater2": _lazy("Boekjaar"),
    f"{_DOCUMENT_INFORMATION}PrtDateEarlierDateLater3": _lazy("Boekjaar"),
    f"{_DOCUMENT_INFORMATION}PrtValueThnExistence3": _lazy("Datum vaststelling"),
    f"{_DOCUMENT_INFORMATION}PrtValueThnNoExistence2": _lazy("Datum vaststelling"),
    f"{_DOCUMENT_INFORMATION}PrtDateEarlierDateLater1": _lazy("Datum vaststelling"),
    f"{_DOCUMENT_INFORMATION}PrtDateEarlierEQDateLater1": _lazy("Datum vaststelling"),
    f"{_DOCUMENT_INFORMATION}PrtValueThnExistence1": _lazy("Reden afwijkende lengte boekjaar"),
    f"{_DOCUMENT_INFORMATION}PrtValueThnExistence2": _lazy(
        "Gevolgen voor de vergelijkende cijfers"
    ),
    "DEP-ENTRYPOINT-SIZE": _lazy("KvK-rapport"),
    "DEP-GENERATION-YEAR": _lazy("Boekjaar"),
    "FR-NL-1.02": _lazy("Naam, zetel of toelichting (tekens)"),
    "FR-NL-1.06": _lazy("Naam"),
    "FR-NL-5.11": _lazy("Toelichting"),
    digipoort_validation.FILENAME_REFUSED: _lazy("Naam"),
    digipoort_validation.CONTENT_REFUSED: _lazy("Toelichting"),
}


#: Formula assertion ids of the KvK (kvk.formulas) name their linkrole: the field to fix.
_FIELD_FOR_ROLE = (
    ("BalanceSheet", _lazy("Cijfers")),
    ("IncomeStatement", _lazy("Cijfers")),
    ("SigningFinancialStatements", _lazy("Ondertekening")),
    ("EntityAddress", _lazy("KvK-gegevens")),
    ("EntityInformation", _lazy("KvK-gegevens")),
    ("DocumentInformation", _lazy("Rapportagewaarden")),
)


def _problem_for(
    finding: Finding, instance: ParsedInstance | None = None, variant: str = ""
) -> Problem:
    """A finding of the KvK rules in the screen's language (the rules speak Dutch and
    English) and the form's words: at the amount or note it stands at when the instance
    is given, else at the field its code names."""
    text, source = check_messages.finding_text(finding)
    located = check_messages.locate(finding, instance, variant)
    if located is not None:
        where, field_id = located
        return Problem(where, text, finding.code, field_id=field_id, source=source)
    field_label = _FIELD_FOR_CODE.get(finding.code) or next(
        (label for role, label in _FIELD_FOR_ROLE if f"_{role}" in finding.code), _("Document")
    )
    return Problem(str(field_label), text, finding.code, source=source)


@dataclass(frozen=True)
class ReportCheck:
    """What "Controle" says of a report: problems block "Klaarzetten"; the KvK's warnings
    (its formula assertions of severity WARNING, e.g. a total that does not add up) are
    shown but do not block, as the KvK accepts such a filing."""

    problems: list[Problem]
    warnings: list[Problem]
    content: bytes  # the instance, when there are no problems


def check_report(report: AnnualReport, *, today: date | None = None) -> ReportCheck:
    """Completeness and the KvK rules."""
    problems = completeness_problems(report, today=today)
    if problems:
        return ReportCheck(check_messages.with_fields(problems, report), [], b"")
    try:
        statements = statements_for(report)
    except ValueError as error:
        # What completeness_problems does not catch in Dutch: the model's own check.
        problem = Problem(
            _("Cijfers"), _("Past niet in een KvK-document: %(error)s") % {"error": error}
        )
        return ReportCheck([problem], [], b"")
    content = build_instance(statements)
    filename = _report_filename(report)
    findings = check_instance(
        content,
        filename=filename,
        filing_date=today,
        expected_kvk_number=report.administration.kvk_number,
        size_class=report.administration.size,
    )
    # What Digipoort itself refuses before the KvK sees the document (at the request or
    # with status 311): the same checks as the local Digipoort's.
    findings += digipoort_validation.refusals(content, filename=filename)
    instance = _readable(content) if findings else None
    variant = report.administration.kvk_report
    located = [(f.is_error, _problem_for(f, instance, variant)) for f in findings]
    errors = check_messages.with_fields([p for error, p in located if error], report)
    warnings = check_messages.with_fields([p for error, p in located if not error], report)
    return ReportCheck(errors, warnings, b"" if errors else content)


def _readable(content: bytes) -> ParsedInstance | None:
    """The parsed instance, to place findings at their amounts; None when it cannot be read."""
    try:
        return parse_instance(content)
    except XbrlParseError:
        return None


def _amount(value: object) -> Decimal | None:
    try:
        return Decimal(str(value)) if value not in (None, "") else None
    except ArithmeticError:
        return None


def size_class_check(report: AnnualReport) -> sizeclass.SizeCheck | None:
    """Do the report's figures support the size class of the chosen KvK report (art.
    2:395a and 2:396 BW)? A warning, never a block: shown on the report page and at
    "Klaarzetten". None while the financial year is not filled in.

    Assets come from the balance sheet, the net turnover from NetRevenue or the report's
    own figure (``Administration.asks_net_turnover``), the average number of employees
    from the report."""
    data = report.statements or {}
    start = _date_or_none(data.get("period_start"))
    end = _date_or_none(data.get("period_end"))
    if start is None or end is None:
        return None
    assets = (data.get("balance") or {}).get("Assets") or [None, None]
    if report.administration.asks_net_turnover:
        turnover = [report.net_turnover_current, report.net_turnover_previous]
    else:
        turnover = (data.get("profit_loss") or {}).get("NetRevenue") or [None, None]
    current = sizeclass.YearFigures(
        end, _amount(assets[0]), _amount(turnover[0]), report.employees_current
    )
    previous = None
    previous_end = _date_or_none(data.get("previous_end"))
    if data.get("previous_start") and previous_end is not None:
        previous = sizeclass.YearFigures(
            previous_end, _amount(assets[1]), _amount(turnover[1]), report.employees_previous
        )
    return sizeclass.check(report.administration.size, current, previous, period_start=start)


#: A message that counts for its report: not a refused copy that another message of the
#: report has overtaken (``supersede_refused_copies``).
CURRENT = Q(superseded_at__isnull=True)


def current_messages(report: AnnualReport) -> QuerySet[OutboundMessage]:
    """The report's messages that count (``CURRENT``)."""
    return report.messages.filter(CURRENT)


def needs_correction(message: OutboundMessage) -> bool:
    """The message ended without a filing and corrected accounts are to follow from here
    (CORRECTABLE_STATUSES); not one the portal closed because a newer version of its year
    replaced it there (OutboundMessage.replaced_by_newer_version)."""
    return message.status in CORRECTABLE_STATUSES and not message.replaced_by_newer_version


def open_message(report: AnnualReport) -> OutboundMessage | None:
    """The message of this report that is still under way (not 25, 40, 80 or 90, nor
    ``stopped_for_old_number``)."""
    message = (
        current_messages(report).exclude(status__in=CLOSED_STATUSES).order_by("-created_at").first()
    )
    return _still_open(message)


def _still_open(newest: OutboundMessage | None) -> OutboundMessage | None:
    """The report's newest message that is not closed, unless the portal stopped it for the
    old KvK number (``stopped_for_old_number``): new documents replace that one."""
    return None if newest is not None and stopped_for_old_number(newest) else newest


def _if_sent(message: OutboundMessage | None) -> OutboundMessage | None:
    """``message`` when it may have reached the portal (not ``replaceable``), else None."""
    return message if message is not None and not replaceable(message) else None


#: The portal's reason code of a message it stopped at 70 because the KvK number in the
#: document is no longer the organisation's there.
KVK_NUMBER_CHANGED = "kvk_number_changed"


def stopped_for_kvk_number_change(message: OutboundMessage) -> bool:
    """The portal stopped this message at 70 because the KvK number in its document is no
    longer the organisation's there (KVK_NUMBER_CHANGED); the document is not read."""
    return message.status == Status.TRANSPORT_ERROR and any(
        isinstance(reason, dict) and reason.get("code") == KVK_NUMBER_CHANGED
        for reason in message.reasons or []
    )


def stopped_for_old_number(message: OutboundMessage) -> bool:
    """The portal stopped this message at 70 because the KvK number in its document is no
    longer the organisation's (KVK_NUMBER_CHANGED), and this administration's KvK number is
    not the document's either: the company is registered under a new number. The KvK takes
    accounts only under the number they contain (KVK-SBR.md section 3), so this message is
    never filed: new documents under the new number may be prepared and sent, and the
    portal replaces the stopped message with them."""
    if not stopped_for_kvk_number_change(message):
        return False
    try:
        in_document = parse_instance(bytes(message.document)).kvk_number
    except XbrlParseError:
        return False
    return bool(in_document) and in_document != message.administration.kvk_number


def sent_message(report: AnnualReport) -> OutboundMessage | None:
    """The report's message under way that may have reached the portal (``open_message``,
    not ``replaceable``): its document is what the portal has, so the report stays as it
    was sent (``edit_lock``) and "Klaarzetten" waits for its outcome."""
    return _if_sent(open_message(report))


def reports_under_way(administration: Administration) -> list[tuple[AnnualReport, OutboundMessage]]:
    """The administration's reports whose documents are under way at the portal, each with
    that message (``sent_message`` of each report, in one query for all of them): the KvK
    data and signatories in those documents stay as they were sent, whatever is changed
    on the administration now. Newest year first."""
    newest: dict[int, OutboundMessage] = {}
    candidates = (
        OutboundMessage.objects.filter(administration=administration, superseded_at__isnull=True)
        .exclude(status__in=CLOSED_STATUSES)
        .select_related("report", "administration")
        .defer("document")
        .order_by("-created_at")
    )
    for message in candidates:
        newest.setdefault(message.report_id, message)
    under_way = [
        (message.report, message) for message in newest.values() if _if_sent(_still_open(message))
    ]
    return sorted(under_way, key=lambda pair: (-pair[0].financial_year, pair[0].pk))


def _last_sent(report: AnnualReport) -> OutboundMessage | None:
    """The report's newest message the portal may have (not ``replaceable``)."""
    return next(
        (m for m in current_messages(report).order_by("-created_at") if not replaceable(m)),
        None,
    )


def _unchanged_problem(report: AnnualReport, digest: str) -> Problem | None:
    """The documents about to be prepared are byte for byte those of the report's last
    message, which the client rejected (40) or the KvK refused (90): the portal refuses
    such a copy (workflow.services.duplicates), so say here that nothing changed, and what
    to change."""
    last = _last_sent(report)
    if last is None or last.document_sha256 != digest:
        return None
    if last.status == Status.REJECTED and not last.replaced_by_newer_version:
        text = _(
            "Er is niets veranderd sinds het bericht van %(day)s, dat bij de beoordeling is "
            "afgekeurd: de stukken zijn precies dezelfde. Pas de cijfers, de "
            "rapportagewaarden of de KvK-gegevens aan zoals de reden van de afkeuring vraagt "
            "en klik dan opnieuw op 'Klaarzetten accountancyportal'. Waren deze stukken toch "
            "goed, vraag uw accountant dan dat bericht terug te zetten in de workflow."
        )
    elif last.status == Status.REFUSED:
        text = _(
            "Er is niets veranderd sinds het bericht van %(day)s, dat is afgekeurd (status "
            "90): de stukken zijn precies dezelfde en worden opnieuw afgekeurd. Herstel wat "
            "bij de redenen van dat bericht staat, in de cijfers, de rapportagewaarden of de "
            "KvK-gegevens, en klik dan opnieuw op 'Klaarzetten accountancyportal'."
        )
    else:
        return None
    day = timezone.localdate(last.sent_at or last.created_at)
    return Problem(_("Bericht"), text % {"day": format_day(day)})


def _under_way_problem(current: OutboundMessage) -> Problem:
    """Why "Klaarzetten" waits for ``current`` (``sent_message``): send it first when it
    waits here, else wait for its outcome; and when new documents may follow."""
    if current.status in (Status.PREPARED, Status.SEND_FAILED):
        text = _(
            "Er staat al een bericht klaar dat het portal mogelijk heeft bereikt (status "
            "%(status)s: %(label)s). Verzend het eerst met 'Verzenden/ontvangen "
            "accountancyportal'."
        )
    else:
        text = _("Er loopt al een bericht voor dit jaarrapport (status %(status)s: %(label)s).")
    words = text % {"status": current.status, "label": current.status_label}
    return Problem(_("Bericht"), f"{words} {NEW_DOCUMENTS_WHEN}")


def replaceable(message: OutboundMessage) -> bool:
    """Whether "Klaarzetten" may replace this message with new documents: it never reached
    the portal. ``sent_at`` is set before every upload, so a message without it was never
    offered, also when a send/receive run refused it (at 5) before uploading anything (a
    token of another organisation, the portal out of reach), the portal refused it as a
    copy and stored nothing (``refused_as_copy``), or the portal refused its first upload
    before storing it (the token, the activation, the message type:
    ``PortalError.stored_nothing``)."""
    waiting = (Status.PREPARED, Status.SEND_FAILED)
    return (
        message.status in waiting
        and message.sent_at is None
        and all(entry.get("status") in waiting for entry in message.history)
    )


@transaction.atomic
def prepare(report: AnnualReport, *, today: date | None = None) -> OutboundMessage:
    """ "Klaarzetten accountancyportal": check completeness and the KvK rules; when clean,
    build the instance and create an outbound message at 0.

    Whether the figures support the size class is a warning, not a block: the callers show
    ``size_class_check(report)`` with the prepared message.

    A message that is prepared but was never offered to the portal is replaced (the report
    was refreshed); a message that may have reached the portal is not: it must first end
    (25, 40, 80 or 90)."""
    report = _locked_report(report)
    if report.locked:
        raise PrepareError(
            [
                Problem(
                    _("Jaarrapport"),
                    _(
                        "Dit jaarrapport is gedeponeerd en kan niet meer worden gewijzigd; "
                        "maak een heraanlevering om te corrigeren."
                    ),
                )
            ]
        )
    current = open_message(report)
    if current is not None and not replaceable(current):
        raise PrepareError([_under_way_problem(current)])
    replace = current
    check = check_report(report, today=today)
    if check.problems:
        raise PrepareError(check.problems, checks=True)
    content = check.content
    unchanged = _unchanged_problem(report, hashlib.sha256(content).hexdigest())
    if unchanged is not None:
        raise PrepareError([unchanged])
    if replace is not None:
        # Only while still never offered: a send/receive run may have taken it meanwhile.
        deleted, _by_model = OutboundMessage.objects.filter(
            pk=replace.pk, sent_at__isnull=True
        ).delete()
        if not deleted:
            raise PrepareError([Problem(_("Bericht"), str(_BEING_SENT))])
    return OutboundMessage.objects.create(
        administration=report.administration,
        report=report,
        filename=_report_filename(report),
        document=content,
        document_sha256=hashlib.sha256(content).hexdigest(),
        proposed_adoption_date=proposed_adoption_date(report),
        history=[{"status": Status.PREPARED, "at": timezone.now().isoformat()}],
    )


def proposed_adoption_date(report: AnnualReport) -> date | None:
    """The adoption date the portal gets with the upload of ``report``'s document, as the
    date that fills in its "Jaarrekening vastgesteld" form: the "Datum vaststelling" of a
    first filing, whose document does not say the accounts are adopted (the client ticks
    that in the portal's workflow, seed: "Jaarstukken klaarzetten"). It goes beside the
    document, never into it: accounts not adopted carry no adoption date (BR-KVK-4.10,
    4.16, KVK-SBR.md section 4). None where the document carries the adoption itself."""
    return None if _adopted_here(report) else report.adoption_date


# --- "Verzenden/ontvangen accountancyportal" ---------------------------------------------


def _mirror(
    message: OutboundMessage,
    status: object,
    reasons: object,
    adoption_date: object = None,
    adopted: object = None,
) -> bool:
    """Take over the portal's status (and reasons, the adoption date the client set in the
    portal, and whether the accounts are adopted: false at 80 when they were filed as not
    adopted); True when the status, its reasons or the adoption date changed. ``adopted``
    alone is taken over without counting as a change: it first arrives with a status the
    message already has. An adoption date or ``adopted`` the portal did not give leaves
    the known one.

    A status outside the shared vocabulary (a newer portal, a broken answer) is not
    taken over: the message keeps its last known status until a known one arrives."""
    try:
        status = Status(int(status))  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return False
    reasons = reasons if isinstance(reasons, list) else []
    adopted_on = _date_or_none(adoption_date) or message.adoption_date
    adopted = adopted if isinstance(adopted, bool) else message.adopted
    news = (message.status, message.reasons, message.adoption_date) != (status, reasons, adopted_on)
    if not news and message.adopted == adopted:
        return False
    now = timezone.now()
    moved = (message.status, message.reasons) != (status, reasons)
    history = message.history
    if moved:
        history = [*message.history, {"status": status, "at": now.isoformat()}]
    # Compare and set: when another send/receive run moved the row on since this one read
    # it, its newer state stands and this older view is dropped.
    changed = OutboundMessage.objects.filter(
        pk=message.pk, status=message.status, history=message.history
    ).update(
        status=status,
        reasons=reasons,
        history=history,
        adoption_date=adopted_on,
        adopted=adopted,
        status_changed_at=now if moved else message.status_changed_at,
    )
    if not changed:
        return False
    message.status, message.reasons, message.history = status, reasons, history
    message.adoption_date, message.adopted = adopted_on, adopted
    if status == Status.FILED:
        # Filed documents are never changed again; a correction is a resubmission.
        AnnualReport.objects.filter(pk=message.report_id).update(locked=True)
    return news


@dataclass
class SendReceiveResult:
    sent: int = 0
    failed: int = 0
    updated: int = 0
    errors: list[str] = field(default_factory=list)
    #: The portal refused the run for a reason that stays until someone acts (the token
    #: revoked, expired, unknown or another organisation's; the connector blocked or the
    #: activation off at the accountant; no portal at the address): nothing was sent or
    #: received, and until it is solved nothing will be; the error says what to do,
    #: whatever the messages' statuses say (RUN_PROBLEMS_TO_ACT_ON).
    stopped: bool = False
    #: The first failure of the run that is about the connection (the token, the portal
    #: out of reach), not about one message: stored on the profile (``_record_run``).
    connection_error: PortalError | None = None

    def summary(self) -> str:
        return ngettext(
            "%(sent)s verzonden, %(failed)s mislukt, %(updated)s statuswijziging.",
            "%(sent)s verzonden, %(failed)s mislukt, %(updated)s statuswijzigingen.",
            self.updated,
        ) % {"sent": self.sent, "failed": self.failed, "updated": self.updated}


def client_for(profile: CommunicationProfile, *, timeout: float = 30.0) -> PortalClient:
    return PortalClient(
        profile.portal_url, profile.token, timeout=timeout, reached_at=profile.reached_at
    )


def _profile_problem(administration: Administration) -> str | None:
    profile = getattr(administration, "communication_profile", None)
    if profile is None:
        return _(
            "Er is nog geen communicatieprofiel 'Communicatie met accountant'; vul het "
            "deelnemernummer en het token van uw accountant in."
        )
    if profile.blocked:
        return _("Het communicatieprofiel 'Communicatie met accountant' is geblokkeerd.")
    if not profile.token:
        return _(
            "Het communicatieprofiel heeft geen token; vul het token in dat uw accountant gaf."
        )
    return None


def send_receive(administration: Administration) -> SendReceiveResult:
    """Send every message at 0 or 5, then mirror the portal's status changes.

    Safe to repeat at any time: the message id is fixed at preparation, so a retried
    upload returns the portal's existing message instead of making a second one.
    """
    result = SendReceiveResult()
    if not FilingActivation.objects.filter(administration=administration, active=True).exists():
        result.errors.append(
            _("De activering 'Jaarrapportage deponeren via accountancyportal' staat uit.")
        )
        return result
    problem = _profile_problem(administration)
    if problem:
        result.errors.append(problem)
        return result
    profile = administration.communication_profile
    try:
        _run(administration, profile, result)
    except Exception:
        # The pages say that this run failed, not what the one before found; the error
        # itself goes on to the caller, which logs it (_send_receive_one, or Django's
        # request log for a click).
        _record_failure(profile)
        raise
    return result


def _run(
    administration: Administration, profile: CommunicationProfile, result: SendReceiveResult
) -> None:
    """The calls of a send/receive run, after its checks (``send_receive``)."""
    client = client_for(profile)
    try:
        check_token(administration, client)
    except PortalError as error:
        # Nothing is sent and nothing received: with another organisation's token the
        # documents would go to that organisation, and its status changes (and their
        # cursor) are not this administration's.
        _refuse_waiting(administration, error, result)
        result.stopped = run_problem(error) in RUN_PROBLEMS_TO_ACT_ON
        _record_run(profile, error)
        return
    _send_waiting(administration, client, result)
    try:
        _receive_updates(administration, profile, client, result)
    except PortalError as error:
        result.errors.append(_("Statussen ophalen mislukt: %(error)s") % {"error": error.message})
        result.connection_error = result.connection_error or error
    _record_run(profile, result.connection_error)


#: The codes of a PortalError that say no portal answers at the address: another page,
#: an address the token is not sent to, one that cannot be called (portal_client).
_ADDRESS_CODES = ("not_a_portal", "address_refused", "unreachable")


def run_problem(error: PortalError) -> str:
    """What kind of failure ``error`` is for the run (RunProblem)."""
    if token_refusal(error.code):
        return RunProblem.TOKEN_REFUSED
    if error.retryable:
        return RunProblem.UNREACHABLE
    return RunProblem.ADDRESS if error.code in _ADDRESS_CODES else RunProblem.REFUSED


def _record_run(
    profile: CommunicationProfile, error: PortalError | None, *, problem: str = ""
) -> None:
    """Store the outcome of a send/receive run on the profile: the pages say a failure
    (steps.run_notice) until a run gets through or a new token is in. Only while the profile
    still has the token the run used: a token saved during the run is not said to be
    refused."""
    CommunicationProfile.objects.filter(pk=profile.pk, token=profile.token).update(
        last_run_at=timezone.now(),
        last_run_problem=problem or (run_problem(error) if error else ""),
        last_run_message=error.message[:500] if error else "",
    )


def _record_failure(profile: CommunicationProfile) -> None:
    """Store that a send/receive run stopped on an unexpected error (RunProblem.FAILED);
    the pages say it in a sentence of their own, the error stays in the log. When even
    that cannot be stored (the database is what failed), it is logged."""
    try:
        _record_run(profile, None, problem=RunProblem.FAILED)
    except Exception:
        log.exception("Storing the failed send/receive of profile %s failed", profile.pk)


#: The code a message at 5 keeps when the token is another organisation's.
TOKEN_OF_ANOTHER_ORGANISATION = "token_of_another_organisation"


def check_token(administration: Administration, client: PortalClient) -> None:
    """Does the portal accept the token, and was it issued for this administration's
    organisation? Raises PortalError saying what is wrong. A token pasted into the wrong
    administration is accepted by the portal, but the documents sent with it would go to
    the organisation it was issued for: the KvK numbers must be the same."""
    token_kvk_number = client.check_connection()
    if token_kvk_number == administration.kvk_number:
        return
    if token_kvk_number is None:
        message = _(
            "Bij uw accountant staat geen KvK-nummer bij de organisatie van dit token, dus "
            "niet %(own)s van deze administratie; vraag uw accountant om het juiste token."
        ) % {"own": administration.kvk_number}
    else:
        message = _(
            "Dit token hoort bij een organisatie met KvK-nummer %(token)s, niet bij %(own)s "
            "van deze administratie. Is %(own)s verkeerd ingevuld, herstel het dan bij "
            "'KvK-gegevens wijzigen'; anders: vraag uw accountant om het juiste token."
        ) % {"token": token_kvk_number, "own": administration.kvk_number}
    raise PortalError(TOKEN_OF_ANOTHER_ORGANISATION, message, retryable=False)


def _refuse_waiting(
    administration: Administration, error: PortalError, result: SendReceiveResult
) -> None:
    """The portal cannot take this administration's messages now: every message at 0 or 5
    stays here, at 5 with the reason."""
    result.errors.append(error.message)
    for message in _waiting(administration):
        result.failed += 1
        _mirror(message, Status.SEND_FAILED, [{"code": error.code, "message": error.message}])


def refused_as_copy(message: OutboundMessage) -> bool:
    """The portal refused this message at 5 because it has these very documents already
    (duplicate_document): sending it again cannot help, so no send/receive run sends it
    until the report is prepared again ("Klaarzetten" replaces it)."""
    return message.status == Status.SEND_FAILED and _copy_reason(message) is not None


def copy_kind(message: OutboundMessage) -> str:
    """For a message the portal refused as a copy (``refused_as_copy``): what the message
    that has these documents is, as the portal said (portal_client.DUPLICATE_KINDS); empty
    when it did not say."""
    return str((_copy_reason(message) or {}).get("kind") or "")


def refused_for_the_token(message: OutboundMessage) -> bool:
    """The message waits at 5 because the portal refused the token (unknown, revoked,
    expired, another organisation's): sending again cannot help until a new token is in."""
    return message.status == Status.SEND_FAILED and any(
        isinstance(reason, dict) and token_refusal(str(reason.get("code", "")))
        for reason in message.reasons or []
    )


def token_refusal(code: str) -> bool:
    """A reason code saying the portal refused the token (unknown, revoked, expired,
    another organisation's), not that it could not be reached."""
    return code.startswith("token_") or code == TOKEN_OF_ANOTHER_ORGANISATION


def _copy_reason(message: OutboundMessage) -> dict | None:
    """The portal's duplicate_document reason among the message's reasons, if any."""
    return next(
        (
            reason
            for reason in message.reasons or []
            if isinstance(reason, dict) and reason.get("code") == DUPLICATE_DOCUMENT
        ),
        None,
    )


def _waiting(administration: Administration) -> list[OutboundMessage]:
    """The messages a send/receive run sends, oldest first: those at 0 or 5, except copies
    the portal refused (``refused_as_copy``). The document is read when it is sent."""
    return [
        message
        for message in administration.outbound_messages.filter(
            status__in=[Status.PREPARED, Status.SEND_FAILED]
        )
        .defer("document")
        .order_by("created_at")
        if not refused_as_copy(message)
    ]


def _send_waiting(
    administration: Administration, client: PortalClient, result: SendReceiveResult
) -> None:
    """Upload every message at 0 or 5, oldest first, and mirror the portal's answer."""
    for message in _waiting(administration):
        # Mark it offered before the upload, on the row itself: "Klaarzetten" replaces only
        # messages never offered, so it can no longer swap this one out mid-upload (and if
        # it already did, the row is gone and nothing is sent).
        if not OutboundMessage.objects.filter(pk=message.pk).update(sent_at=timezone.now()):
            continue
        try:
            body = client.upload(
                message_id=message.message_id,
                message_type=message.message_type,
                filename=message.filename,
                content=bytes(message.document),
                proposed_adoption_date=message.proposed_adoption_date,
            )
        except PortalError as error:
            result.failed += 1
            result.errors.append(f"{message.filename}: {error.message}")
            if result.connection_error is None and (error.retryable or token_refusal(error.code)):
                result.connection_error = error
            reason = {"code": error.code, "message": error.message}
            _mirror(
                message,
                Status.SEND_FAILED,
                [{**reason, "kind": error.kind} if error.kind else reason],
            )
            if error.code == DUPLICATE_DOCUMENT:
                # The portal stored nothing (it has these documents in another message), so
                # "Klaarzetten" may replace this one with new documents (see prepare).
                OutboundMessage.objects.filter(pk=message.pk).update(sent_at=None)
            elif error.stored_nothing:
                # Refused before it stored anything (the token, the activation, the message
                # type): this upload did not reach the portal, so the message is as offered
                # as before it: never, unless an earlier upload of it broke off and may have
                # arrived. A time-out or a broken connection keeps it offered.
                OutboundMessage.objects.filter(pk=message.pk).update(sent_at=message.sent_at)
            continue
        result.sent += 1
        _mirror(message, body.get("status"), body.get("reasons") or [])


def _receive_updates(
    administration: Administration,
    profile: CommunicationProfile,
    client: PortalClient,
    result: SendReceiveResult,
) -> None:
    """Mirror the portal's status changes since the profile's cursor, page by page."""
    cursor = profile.updates_cursor
    while True:
        try:
            updates, next_cursor, more = client.updates(cursor)
        except PortalError as error:
            if error.code != CURSOR_AHEAD or cursor == 0:
                raise
            # The portal has no change as late as our cursor (it was restored from a
            # backup, or another portal answers at this address): read every change again
            # from the start; mirroring a status twice changes nothing.
            log.warning("Portal has no update after %s; reading all updates again", cursor)
            cursor = 0
            continue
        result.updated += _mirror_updates(administration, updates)
        if next_cursor == cursor or not more:
            # Store the cursor only after the updates are mirrored: a crash in between
            # fetches them again, and mirroring the same status twice changes nothing.
            if next_cursor != profile.updates_cursor:
                CommunicationProfile.objects.filter(pk=profile.pk).update(
                    updates_cursor=next_cursor
                )
            return
        cursor = next_cursor
        CommunicationProfile.objects.filter(pk=profile.pk).update(updates_cursor=cursor)


def _mirror_updates(administration: Administration, updates: list[dict[str, Any]]) -> int:
    """Mirror one page of status changes onto the administration's messages; returns how
    many changed."""
    by_id = {
        str(m.message_id): m
        for m in administration.outbound_messages.filter(
            message_id__in=[u["message_id"] for u in updates]
        ).defer("document")
    }
    changed = 0
    moved_reports: set[int] = set()
    for update in updates:
        known = by_id.get(str(update["message_id"]))
        if known is not None and _mirror(
            known,
            update.get("status"),
            update.get("reasons") or [],
            update.get("adoption_date"),
            update.get("adopted"),
        ):
            changed += 1
            moved_reports.add(known.report_id)
    supersede_refused_copies(moved_reports)
    return changed


def supersede_refused_copies(report_ids: set[int]) -> None:
    """A message of these reports changed status at the portal: a copy of the same report
    that the portal refused (``refused_as_copy``; never stored there, so ``sent_at`` is
    empty, unlike every message the portal reports on) is no longer the report's current
    message. The typical case: the client rejected the message (40), the same documents
    prepared again were refused as a copy, and the accountant put the rejected message back
    into the workflow (30). The copy stays listed as refused, but the next step and
    "Klaarzetten" follow the message that moved from now on."""
    if not report_ids:
        return
    candidates = OutboundMessage.objects.filter(
        report_id__in=report_ids,
        status=Status.SEND_FAILED,
        sent_at__isnull=True,
        superseded_at__isnull=True,
    ).defer("document")
    copies = [message.pk for message in candidates if refused_as_copy(message)]
    if copies:
        # Only while still refused and never offered again.
        OutboundMessage.objects.filter(
            pk__in=copies, status=Status.SEND_FAILED, sent_at__isnull=True
        ).update(superseded_at=timezone.now())


def send_receive_all(*, kvk_number: str | None = None) -> dict[str, SendReceiveResult]:
    """Send and receive for every administration with an active profile (or one)."""
    administrations = Administration.objects.filter(
        communication_profile__isnull=False, communication_profile__blocked=False
    ).filter(filing_activation__active=True)  # the activation off: skipped
    if kvk_number:
        administrations = administrations.filter(kvk_number=kvk_number)
    return {
        a.kvk_number: _send_receive_one(a)
        for a in administrations.select_related("communication_profile")
    }


def _send_receive_one(administration: Administration) -> SendReceiveResult:
    """send_receive for one administration of a run over all: whatever fails there is
    logged and reported in its result, and the run goes on with the next one (the command
    and the scheduled task then say what failed instead of stopping halfway)."""
    try:
        return send_receive(administration)
    except Exception:
        log.exception(
            "Send/receive for administration %s (KvK %s) failed",
            administration.pk,
            administration.kvk_number,
        )
        result = SendReceiveResult()
        result.errors.append(
            _(
                "Verzenden/ontvangen is mislukt door een onverwachte fout; de details staan in "
                "het logboek van deze omgeving."
            )
        )
        return result


# --- the communication profile ------------------------------------------------------------


@transaction.atomic
def set_token(*, profile: CommunicationProfile, token: str) -> CommunicationProfile:
    """Store a new token (it is never shown again) and forget the old test result and
    what the last send/receive found."""
    profile = CommunicationProfile.objects.select_for_update().get(pk=profile.pk)
    profile.token = token.strip()
    profile.token_set_at = timezone.now()
    profile.last_test_at = None
    profile.last_test_ok = None
    profile.last_test_message = ""
    profile.last_test_url = ""
    # What the last send/receive found was about the old token.
    profile.last_run_at = None
    profile.last_run_problem = ""
    profile.last_run_message = ""
    profile.save(
        update_fields=[
            "token",
            "token_set_at",
            "last_test_at",
            "last_test_ok",
            "last_test_message",
            "last_test_url",
            "last_run_at",
            "last_run_problem",
            "last_run_message",
        ]
    )
    return profile


@dataclass
class ConnectionResult:
    ok: bool
    message: str


def test_connection(profile: CommunicationProfile, *, timeout: float = 10.0) -> ConnectionResult:
    """ "Test verbinding": can this environment reach the portal with its token, and is the
    token this administration's (``check_token``)? Says precisely what is wrong, and
    stores the outcome on the profile."""
    if profile.blocked:
        outcome = ConnectionResult(
            False,
            _(
                "Het communicatieprofiel is hier geblokkeerd; haal het vinkje 'Geblokkeerd' "
                "weg om te verbinden."
            ),
        )
    elif not profile.token:
        outcome = ConnectionResult(
            False, _("Er is geen token ingevuld; vul het token in dat uw accountant gaf.")
        )
    else:
        try:
            check_token(profile.administration, client_for(profile, timeout=timeout))
        except PortalError as error:
            outcome = ConnectionResult(False, error.message)
        else:
            outcome = ConnectionResult(
                True,
                _("Verbinding met %(url)s werkt; het token wordt geaccepteerd.")
                % {"url": profile.portal_url},
            )
    CommunicationProfile.objects.filter(pk=profile.pk).update(
        last_test_at=timezone.now(),
        last_test_ok=outcome.ok,
        last_test_message=outcome.message,
        last_test_url=profile.portal_url,
    )
    return outcome


# Not a pytest test, whatever its name says.
test_connection.__test__ = False  # type: ignore[attr-defined]
