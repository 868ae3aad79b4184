"""Where an administration stands and what to do next: the one place for these words.

The administration's "Volgende stap", the flashes after an action ("Volgende stap: ...")
and the administrations list read them here: the state of the newest annual report, the
next step as a sentence and in a few words, and the filing deadline of the year that
still asks for something.

Everything is read in a fixed number of queries, however many administrations and
reports there are (``standings``): the list shows all of them at once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.db.models.fields.json import KeyTextTransform
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clientside import activation, services
from clientside.models import (
    RUN_PROBLEMS_TO_ACT_ON,
    Administration,
    AnnualReport,
    CommunicationProfile,
    OutboundMessage,
    RunProblem,
)
from clientside.portal_client import FILED
from config.dates import format_moment
from kvk.deadlines import compute_deadlines, financial_year_period
from kvk.status import Status

#: "Volgende stap" after a message that ended without a filing: correct and send again.
CORRECTION_STEP = {
    Status.PROCESSING_FAILED: gettext_lazy(
        "Het portal kon het bericht niet verwerken (status 25). Herstel wat bij de redenen "
        "staat en klik opnieuw op 'Klaarzetten accountancyportal'."
    ),
    Status.REJECTED: gettext_lazy(
        "De jaarrekening is afgekeurd bij de beoordeling (status 40). Lees de reden in het "
        "jaarrapport, corrigeer de stukken en klik opnieuw op 'Klaarzetten "
        "accountancyportal'."
    ),
    Status.REFUSED: gettext_lazy(
        "De KvK heeft de jaarrekening afgekeurd (status 90). Herstel wat bij de redenen "
        "staat en klik opnieuw op 'Klaarzetten accountancyportal'."
    ),
}

#: "Volgende stap" after Digipoort's own check refused the message (status 311, reported as
#: 90), before the KvK received it (OutboundMessage.refused_by_digipoort).
DIGIPOORT_REFUSAL_STEP = gettext_lazy(
    "Digipoort heeft de jaarrekening afgekeurd bij de controle, voordat de KvK haar ontving "
    "(status 90). Herstel wat bij de redenen staat en klik opnieuw op 'Klaarzetten "
    "accountancyportal'."
)

#: "Volgende stap" after a message the portal closed because a newer version of the year
#: replaced it there (OutboundMessage.replaced_by_newer_version): nothing failed.
REPLACED_STEP = gettext_lazy(
    "Het accountancyportal heeft een nieuwere versie van deze jaarrekening ontvangen; die "
    "vervangt dit bericht (status 25) en wordt daar verder behandeld. Voor dit bericht hoeft "
    "u niets te doen."
)

#: The portal stopped the message at 70: its KvK number is no longer the organisation's, and
#: the administration has a new one (services.stopped_for_old_number).
NEW_NUMBER_STEP = gettext_lazy(
    "Het bericht kan niet naar de KvK: het vermeldt het oude KvK-nummer (status 70). Klik "
    "opnieuw op 'Klaarzetten accountancyportal' en verzend de nieuwe versie met het nieuwe "
    "KvK-nummer; die vervangt het gestopte bericht."
)

#: What a step asks: something to do, waiting for the portal or the KvK, nothing.
ACT, WAIT, DONE = 0, 1, 2

#: A step in a few words, for a list where the sentence does not fit (the administrations
#: list); the sentence is the step's ``text``.
ACTION_DATA = gettext_lazy("KvK-gegevens aanvullen")
ACTION_SIGNATORIES = gettext_lazy("Ondertekenaars toevoegen")
ACTION_ACTIVATION = gettext_lazy("Activering inschakelen")
ACTION_PROFILE = gettext_lazy("Communicatie met accountant instellen")
ACTION_UNBLOCK = gettext_lazy("Blokkade opheffen")
ACTION_NEW_REPORT = gettext_lazy("Jaarrapport aanmaken")
ACTION_PREPARE = gettext_lazy("Klaarzetten")
ACTION_PREPARE_AGAIN = gettext_lazy("Opnieuw klaarzetten")
ACTION_TOKEN = gettext_lazy("Token invullen")
ACTION_CONTACT_ACCOUNTANT = gettext_lazy("Contact opnemen met accountant")
ACTION_CHECK_ADDRESS = gettext_lazy("Portaladres controleren")
ACTION_SEND = gettext_lazy("Verzenden/ontvangen")
ACTION_NEW_VERSION = gettext_lazy("Nieuwe versie maken")
ACTION_SECOND_FILING = gettext_lazy("Tweede aanlevering sturen")
ACTION_WAIT_CLIENT = gettext_lazy("Wachten op de cliënt")
ACTION_WAIT_OFFICE = gettext_lazy("Wachten op het accountantskantoor")
ACTION_WAIT_PORTAL = gettext_lazy("Wachten op het portal")
ACTION_NONE = gettext_lazy("Geen actie nodig")


class Step(NamedTuple):
    """A next step: the sentence, the link, how much it asks (``ACT``, ``WAIT``, ``DONE``)
    and the same in a few words; ``names_year`` when the sentence already says the
    report's year."""

    text: str
    link: str
    asks: int
    action: str
    names_year: bool = False


@dataclass(frozen=True)
class Standing:
    """Where one administration stands: its newest annual report (``report``) with that
    report's current message, the administration's next step (``step``, about
    ``step_report``, or about the administration itself when that is None), and the
    filing deadline of the year that still asks for something or waits (``deadline``)."""

    administration: Administration
    report: AnnualReport | None
    message: OutboundMessage | None
    step: Step
    step_report: AnnualReport | None
    #: The sentence of the step as the administration's page says it: with the report it
    #: is about when the administration has several and the sentence does not say so.
    text: str
    deadline: date | None

    @property
    def state(self) -> str:
        """The newest report's state in words: not prepared yet, or its message's status
        as the portal (or this environment, at 0 and 5) calls it, with its code."""
        if self.report is None:
            return _("Nog geen jaarrapport")
        if self.message is None:
            return _("Nog niet klaargezet")
        return f"{self.message.status_label} ({self.message.status})"

    @property
    def action(self) -> str:
        """The step in a few words; with the report it is about when that is not the
        newest report (a catch-up year, a heraanlevering)."""
        if self.step_report is None or self.step_report == self.report:
            return self.step.action
        return f"{report_label(self.step_report)}: {self.step.action}"

    @property
    def asks(self) -> int:
        return self.step.asks

    @property
    def run_note(self) -> str:
        """What the last send/receive of the administration found when it did not get
        through, in a few words (the function ``run_note``)."""
        return run_note(getattr(self.administration, "communication_profile", None))


def _retried() -> bool:
    """Send/receive runs on a schedule (tasks.send_receive_all): a run that did not get
    through is tried again without a click."""
    return settings.CLIENTSIDE_SEND_RECEIVE_INTERVAL_SECONDS > 0


def run_note(profile: CommunicationProfile | None) -> str:
    """The last send/receive did not get through, in a few words with when (the
    administrations list); empty when it did, or none ran since the token was entered."""
    if profile is None or not profile.last_run_problem or profile.last_run_at is None:
        return ""
    moment = {"moment": format_moment(profile.last_run_at)}
    if profile.last_run_problem == RunProblem.TOKEN_REFUSED:
        return _("Token geweigerd op %(moment)s") % moment
    if profile.last_run_problem == RunProblem.UNREACHABLE and _retried():
        return _("Portal niet bereikbaar op %(moment)s; wordt vanzelf opnieuw geprobeerd") % moment
    if profile.last_run_problem == RunProblem.UNREACHABLE:
        return _("Portal niet bereikbaar op %(moment)s; probeer het later opnieuw") % moment
    if profile.last_run_problem == RunProblem.ADDRESS:
        return _("Portal niet gevonden op %(moment)s") % moment
    if profile.last_run_problem == RunProblem.FAILED:
        return _("Verzenden/ontvangen mislukt op %(moment)s") % moment
    return _("Verzenden/ontvangen geweigerd op %(moment)s") % moment


#: Why a send/receive run stopped on an unexpected error of this environment
#: (RunProblem.FAILED), for the bookkeeper: the error itself is in the log.
FAILED_REASON = gettext_lazy(
    "er ging in deze omgeving iets onverwachts mis; de details staan in het logboek. "
    "Probeer het later opnieuw; blijft dit zo, meld het dan aan de beheerder van deze "
    "omgeving."
)


def run_notice(profile: CommunicationProfile | None) -> str:
    """The last send/receive did not get through, in a sentence with why (the
    administration's page); empty when it did, and when what stopped it needs someone to
    act: then that is the next step (``_run_step``)."""
    if profile is None or not profile.last_run_problem or profile.last_run_at is None:
        return ""
    if profile.last_run_problem in RUN_PROBLEMS_TO_ACT_ON:
        return ""
    reason = profile.last_run_message
    if profile.last_run_problem == RunProblem.FAILED:
        reason = str(FAILED_REASON)
    text = _("'Verzenden/ontvangen accountancyportal' lukte op %(moment)s niet: %(reason)s") % {
        "moment": format_moment(profile.last_run_at),
        "reason": reason,
    }
    if profile.last_run_problem == RunProblem.UNREACHABLE and _retried():
        text = f"{text} {_('Het wordt vanzelf opnieuw geprobeerd.')}"
    return text


def report_label(report: AnnualReport) -> str:
    """The report by its kind and year ("Jaarrapport 2025", "Heraanlevering 2025")."""
    if report.resubmission:
        label = _("Heraanlevering %(year)s")
    elif report.second_filing:
        label = _("Tweede aanlevering %(year)s")
    else:
        label = _("Jaarrapport %(year)s")
    return label % {"year": report.financial_year}


def next_step(administration: Administration) -> tuple[str, str]:
    """The one thing to do next on this administration: (text, link), read afresh."""
    standing = standings(Administration.objects.filter(pk=administration.pk))[0]
    return standing.text, standing.step.link


def standings(administrations: QuerySet[Administration]) -> list[Standing]:
    """Where each of ``administrations`` stands, in their order; in a fixed number of
    queries, not one per administration or report."""
    related = administrations.select_related("communication_profile", "filing_activation")
    loaded = list(
        related.prefetch_related(
            "signatories",
            # The figures stay in the database; of them only the period, for the deadline.
            Prefetch(
                "annual_reports",
                queryset=AnnualReport.objects.defer("statements").annotate(
                    stated_start=KeyTextTransform("period_start", "statements"),
                    stated_end=KeyTextTransform("period_end", "statements"),
                ),
            ),
            Prefetch(
                "annual_reports__messages",
                queryset=OutboundMessage.objects.filter(services.CURRENT)
                .defer("document")
                .order_by("-created_at", "-pk"),
                to_attr="current_messages",
            ),
        )
    )
    for administration in loaded:
        # What activation.is_active reads: the switch came with the administration.
        switch = getattr(administration, "filing_activation", None)
        administration._filing_active = bool(switch and switch.active)  # type: ignore[attr-defined]
    _read_stopped_documents(loaded)
    return [_standing(administration) for administration in loaded]


def _read_stopped_documents(administrations: Iterable[Administration]) -> None:
    """Whether a message at 70 was stopped for the old KvK number depends on the number in
    its document (``services.stopped_for_old_number``): read the documents of those
    messages only, in one query, and give every message its administration."""
    stopped: dict[int, OutboundMessage] = {}
    for administration in administrations:
        for report in administration.annual_reports.all():
            for message in report.current_messages:  # type: ignore[attr-defined]
                message.administration = administration
                if services.stopped_for_kvk_number_change(message):
                    stopped[message.pk] = message
    if stopped:
        documents = OutboundMessage.objects.filter(pk__in=stopped).values_list("pk", "document")
        for pk, document in documents:
            stopped[pk].document = document


def _newest(report: AnnualReport) -> tuple[int, bool, int]:
    """The newest report is of the newest year; of a year, a heraanlevering or a tweede
    aanlevering (made after the year's report), the later made of those."""
    return (report.financial_year, report.resubmission or report.second_filing, report.pk)


def _standing(administration: Administration) -> Standing:
    detail = reverse("clientside:administration", args=[administration.pk])
    reports = list(administration.annual_reports.all())
    steps = [(report, _report_step(report, detail, reports)) for report in reports]
    pressing = min(steps, key=_step_order, default=None)
    newest = max(reports, key=_newest, default=None)
    step = _setup_step(administration, detail)
    step_report = None
    if step is None:
        if pressing is None:
            step = Step(
                _("Maak een jaarrapport aan voor het boekjaar."),
                detail + "#jaarrapporten",
                ACT,
                str(ACTION_NEW_REPORT),
            )
        else:
            step_report, step = pressing
    text = step.text
    if step_report is not None and len(reports) > 1 and not step.names_year:
        text = f"{report_label(step_report)}: {text}"
    return Standing(
        administration=administration,
        report=newest,
        message=_current(newest),
        step=step,
        step_report=step_report,
        text=text,
        deadline=_deadline(administration, steps, reports),
    )


def _current(report: AnnualReport | None) -> OutboundMessage | None:
    """The report's newest message that counts (``services.current_messages``)."""
    if report is None:
        return None
    return next(iter(report.current_messages), None)  # type: ignore[attr-defined]


def filing_deadline(
    administration: Administration,
    financial_year: int,
    period: tuple[date, date] | None = None,
) -> date | None:
    """The last day the year's accounts may be filed whatever happens: twelve months after
    the year's end (art. 2:394 lid 3 BW), of the ``period`` the report states (a first year
    may be longer or shorter, art. 2:10a BW), else of the year end the administration
    records; an extension or an adoption can make the day the law asks earlier, not later.
    None for a legal form the law sets no term for here (kvk.deadlines.deadline_notice)."""
    try:
        start, end = period or financial_year_period(
            financial_year, administration.year_end_month, administration.year_end_day
        )
        return compute_deadlines(start, end, legal_form=administration.legal_form).filing_limit
    except ValueError:
        return None


def _stated_period(report: AnnualReport) -> tuple[date, date] | None:
    """The period the report's figures state (``standings`` reads it with the report), when
    it holds two dates."""
    try:
        return (
            date.fromisoformat(report.stated_start),  # type: ignore[attr-defined]
            date.fromisoformat(report.stated_end),  # type: ignore[attr-defined]
        )
    except (AttributeError, TypeError, ValueError):
        return None


def _deadline(
    administration: Administration,
    steps: list[tuple[AnnualReport, Step]],
    reports: list[AnnualReport],
) -> date | None:
    """The filing deadline of the oldest year that asks for something or waits, if any
    (whichever step the row shows first); not of a year already filed: a heraanlevering or
    a tweede aanlevering that follows is no filing that deadline is about."""
    filed = {report.financial_year for report in reports if _filed(report)}
    open_reports = [
        report
        for report, step in steps
        if step.asks != DONE
        and not (report.resubmission or report.second_filing)
        and report.financial_year not in filed
    ]
    if not open_reports:
        return None
    oldest = min(open_reports, key=lambda report: report.financial_year)
    return filing_deadline(administration, oldest.financial_year, _stated_period(oldest))


def _filed(report: AnnualReport) -> bool:
    """The report is filed at the KvK: locked, or its current message at 80."""
    message = _current(report)
    return report.locked or (message is not None and message.status == Status.FILED)


def _setup_step(administration: Administration, detail: str) -> Step | None:
    """What the administration lacks before a report can go (its data, a signatory, the
    activation, the communication profile), or None."""
    if not administration.address_lines or not administration.filing_email:
        return Step(
            _(
                "Vul bij de KvK-gegevens het adres (straat, huisnummer, postcode, plaats) en "
                "het e-mailadres voor de deponering in."
            ),
            reverse("clientside:administration-edit", args=[administration.pk]),
            ACT,
            str(ACTION_DATA),
        )
    if not administration.signatories.exists():
        return Step(
            _("Voeg de bestuurder(s) toe die de jaarrekening ondertekenen."),
            detail + "#ondertekenaars",
            ACT,
            str(ACTION_SIGNATORIES),
        )
    if not activation.is_active(administration):
        return Step(
            _("Schakel de activering '%(name)s' in.") % {"name": activation.ACTIVATION_NAME},
            reverse("clientside-activation", args=[administration.pk]),
            ACT,
            str(ACTION_ACTIVATION),
        )
    return _profile_step(administration)


def _profile_step(administration: Administration) -> Step | None:
    """What the communication profile lacks to send, or None."""
    profile = getattr(administration, "communication_profile", None)
    link = reverse("clientside:profile", args=[administration.pk])
    if profile is None or not profile.token:
        return Step(
            _(
                "Vul 'Communicatie met accountant' in: het deelnemernummer en het token van "
                "uw accountant."
            ),
            link,
            ACT,
            str(ACTION_PROFILE),
        )
    if profile.blocked:
        return Step(
            _("Het communicatieprofiel is geblokkeerd; haal de blokkade weg om te verzenden."),
            link,
            ACT,
            str(ACTION_UNBLOCK),
        )
    return _run_step(profile, link)


def _run_step(profile: CommunicationProfile, link: str) -> Step | None:
    """The last send/receive was stopped for a reason that stays until someone acts
    (RUN_PROBLEMS_TO_ACT_ON), or None. Nothing is sent or received until it is solved:
    whatever the messages wait for, this is the step (the scheduled run fails the same way
    every time). The sentence says when, and why as the portal client said it."""
    if profile.last_run_problem not in RUN_PROBLEMS_TO_ACT_ON or profile.last_run_at is None:
        return None
    facts = {"moment": format_moment(profile.last_run_at), "reason": profile.last_run_message}
    if profile.last_run_problem == RunProblem.TOKEN_REFUSED:
        text = _(
            "Het token werd op %(moment)s geweigerd bij 'Verzenden/ontvangen "
            "accountancyportal'. %(reason)s Tot dit is opgelost, wordt er niets verzonden "
            "of opgehaald."
        )
        action = ACTION_TOKEN
    elif profile.last_run_problem == RunProblem.ADDRESS:
        text = _(
            "'Verzenden/ontvangen accountancyportal' vond op %(moment)s geen "
            "accountancyportal op het portaladres. %(reason)s Tot dit is opgelost, wordt er "
            "niets verzonden of opgehaald."
        )
        action = ACTION_CHECK_ADDRESS
    else:
        text = _(
            "Het accountancyportal weigerde op %(moment)s 'Verzenden/ontvangen "
            "accountancyportal'. %(reason)s Is het opgelost, klik dan opnieuw op "
            "'Verzenden/ontvangen accountancyportal'."
        )
        action = ACTION_CONTACT_ACCOUNTANT
        # Nothing to change in the settings: the button to click once it is solved.
        link = reverse("clientside:administration", args=[profile.administration_id]) + "#verzenden"
    return Step(text % facts, link, ACT, str(action))


def _step_order(pair: tuple[AnnualReport, Step]) -> tuple[int, int, bool, bool]:
    """Which report's step is the administration's: one that asks the user to do
    something before one that waits, before one that is done; of those that ask or wait
    the oldest year (a catch-up year is the more overdue filing), of those done the newest;
    a heraanlevering, then a tweede aanlevering, before the original of its year."""
    report, step = pair
    year = -report.financial_year if step.asks == DONE else report.financial_year
    return (step.asks, year, not report.resubmission, not report.second_filing)


def _report_step(report: AnnualReport, detail: str, reports: list[AnnualReport]) -> Step:
    """The next step of one report; ``reports`` are all of its administration's."""
    report_url = reverse("clientside:report", args=[report.pk])
    message = _current(report)
    if message is None:
        text = _(
            "Vul in het jaarrapport %(year)s de cijfers en de rapportagewaarden in en klik "
            "op 'Klaarzetten accountancyportal'."
        ) % {"year": report.financial_year}
        return Step(text, report_url, ACT, str(ACTION_PREPARE), names_year=True)
    if message.status == Status.FILED and message.adopted is False:
        return _filed_not_adopted_step(report, report_url, reports)
    return _message_step(message, detail, report_url)


def _copy_step(message: OutboundMessage, report_url: str) -> Step:
    """The step for a message the portal refused as a copy: filed documents need nothing
    more (a correction is a heraanlevering, KVK-SBR.md §1); other documents may be changed
    and prepared again."""
    if services.copy_kind(message) == FILED:
        text = _(
            "Deze stukken zijn al bij de KvK gedeponeerd (zie de reden bij het bericht); er "
            "hoeft niets meer te gebeuren. Een correctie kan alleen nog als heraanlevering, "
            "met 'Heraanlevering maken' bij het gedeponeerde jaarrapport; staat dat niet in "
            "deze omgeving, maak de heraanlevering dan bij de administratie onder "
            "'Jaarrapporten'."
        )
        return Step(text, report_url, DONE, str(ACTION_NONE))
    text = _(
        "Het accountancyportal heeft deze stukken al en neemt ze niet nog een keer aan "
        "(zie de reden bij het bericht). Pas zo nodig het jaarrapport aan en klik "
        "opnieuw op 'Klaarzetten accountancyportal'."
    )
    return Step(text, report_url, ACT, str(ACTION_PREPARE_AGAIN))


def _message_step(message: OutboundMessage, detail: str, report_url: str) -> Step:
    """The step once the report has a message: what its status asks for."""
    if services.refused_as_copy(message):
        return _copy_step(message, report_url)
    if services.refused_for_the_token(message):
        return Step(
            _(
                "Het portal weigerde het token (zie de reden bij het bericht). Vul bij "
                "'Communicatie met accountant' het token in dat uw accountant u gaf en klik "
                "daarna opnieuw op 'Verzenden/ontvangen accountancyportal'."
            ),
            reverse("clientside:profile", args=[message.administration_id]),
            ACT,
            str(ACTION_TOKEN),
        )
    if message.status in (Status.PREPARED, Status.SEND_FAILED):
        return Step(
            _("Klik op 'Verzenden/ontvangen accountancyportal' om het bericht te verzenden."),
            detail + "#verzenden",
            ACT,
            str(ACTION_SEND),
        )
    if message.replaced_by_newer_version:
        return Step(str(REPLACED_STEP), report_url + "#berichten", DONE, str(ACTION_NONE))
    return _outcome_step(message, detail, report_url)


def _outcome_step(message: OutboundMessage, detail: str, report_url: str) -> Step:
    """The step for a message the portal has: a correction, waiting, or filed."""
    new_version = report_url + "#nieuwe-stukken"
    if message.refused_by_digipoort:
        return Step(str(DIGIPOORT_REFUSAL_STEP), new_version, ACT, str(ACTION_NEW_VERSION))
    if services.needs_correction(message):
        text = str(CORRECTION_STEP[Status(message.status)])
        return Step(text, new_version, ACT, str(ACTION_NEW_VERSION))
    if message.status == Status.IN_REVIEW:
        return Step(
            _(
                "Het bericht ligt ter beoordeling bij de cliënt in de klantportal. Klik later "
                "op 'Verzenden/ontvangen accountancyportal' om de uitkomst op te halen."
            ),
            detail + "#verzenden",
            WAIT,
            str(ACTION_WAIT_CLIENT),
        )
    if services.stopped_for_old_number(message):
        return Step(str(NEW_NUMBER_STEP), new_version, ACT, str(ACTION_NEW_VERSION))
    if message.status == Status.TRANSPORT_ERROR:
        return Step(
            _(
                "Goedgekeurd, maar het verzenden naar de KvK lukte nog niet (status 70). Het "
                "accountantskantoor verzendt het opnieuw; u hoeft niets te doen."
            ),
            detail + "#verzenden",
            WAIT,
            str(ACTION_WAIT_OFFICE),
        )
    if message.status == Status.FILED:
        return Step(
            _(
                "Gedeponeerd bij de KvK. Een correctie kan alleen nog als heraanlevering, "
                "vanuit het jaarrapport."
            ),
            report_url,
            DONE,
            str(ACTION_NONE),
        )
    return Step(
        _(
            "Het bericht is onderweg (status %(status)s: %(label)s). Klik later op "
            "'Verzenden/ontvangen accountancyportal' om de nieuwste status op te halen."
        )
        % {"status": message.status, "label": message.status_label},
        detail + "#verzenden",
        WAIT,
        str(ACTION_WAIT_PORTAL),
    )


def _filed_not_adopted_step(
    report: AnnualReport, report_url: str, reports: list[AnnualReport]
) -> Step:
    """The step after the accounts were filed as not adopted (art. 2:394 lid 2 BW): the
    adopted accounts follow as the tweede aanlevering, a report of its own; once it is
    there, its step counts."""
    if any(r.second_filing and r.financial_year == report.financial_year for r in reports):
        return Step(
            _(
                "Gedeponeerd als niet vastgestelde jaarrekening; de vastgestelde jaarrekening "
                "gaat als tweede aanlevering."
            ),
            report_url,
            DONE,
            str(ACTION_NONE),
        )
    return Step(
        _(
            "Gedeponeerd als niet vastgestelde jaarrekening. Is de jaarrekening inmiddels "
            "vastgesteld, stuur dan de vastgestelde jaarrekening met 'Vastgestelde "
            "jaarrekening sturen (tweede aanlevering)' bij het jaarrapport."
        ),
        report_url + "#tweede-aanlevering",
        ACT,
        str(ACTION_SECOND_FILING),
    )
