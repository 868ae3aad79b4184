"""The client's environment: administrations with their KvK data, the communication profile
with the accountant, annual reports and the outbound messages with their mirrored status.

This app reaches the accountant's portal only over HTTP (clientside.portal_client)."""

from __future__ import annotations

import re
import uuid
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from kvk import labels
from kvk import taxonomy as tx
from kvk.activation import (
    ActivationChangeEntry,
    ActivationSwitch,
    change_subject_field,
    switch_subject_field,
)
from kvk.deadlines import financial_year_period
from kvk.digipoort.outcome import DIGIPOORT_VALIDATION
from kvk.fields import kvk_number_validator, legal_form_field, value_list_field
from kvk.i18n import interface_language
from kvk.search import NamedForSearch
from kvk.status import Status


def caption(local_name: str) -> str:
    """The caption of a line item or notes concept in the language of the screen."""
    return labels.label(local_name, interface_language())


#: nl-cd:PostalCodeNL (nl-types:nlzipItemType): "3511AX", stored without a space.
POSTAL_CODE_LENGTH = 6


class Administration(NamedForSearch):
    """An administration (the company's books) with its data as registered at the KvK."""

    class ContactType(models.TextChoices):
        ENTREPRENEUR = "ondernemer", _("Ondernemer")
        INTERMEDIARY = "intermediair", _("Intermediair")

    class Report(models.TextChoices):
        MICRO = "micro", _("Micro")
        MICRO_PUBLICATION = "micro-publicatiestukken", _("Micro publicatiestukken")
        SMALL = "klein", _("Klein")
        SMALL_PUBLICATION = "klein-publicatiestukken", _("Klein publicatiestukken")
        SMALL_VERTICAL = "klein-verticaal", _("Klein verticaal")
        SMALL_VERTICAL_PUBLICATION = (
            "klein-verticaal-publicatiestukken",
            _("Klein verticaal publicatiestukken"),
        )

    name = models.CharField(_("naam"), max_length=200)
    legal_form = legal_form_field()
    seat = models.CharField(_("statutaire zetel"), max_length=100)
    kvk_number = models.CharField(_("KvK-nummer"), max_length=8, validators=[kvk_number_validator])
    sbi_code = models.CharField(_("SBI-code"), max_length=10, blank=True)
    # The address as the filing carries it (tx.ADDRESS_CONCEPTS: nl-cd:StreetNameNL,
    # HouseNumberNL, ...); lengths from the taxonomy.
    street = models.CharField(
        _("straat"), max_length=tx.max_length(tx.ADDRESS_CONCEPTS["street"]), blank=True
    )
    house_number = models.CharField(
        _("huisnummer"),
        max_length=tx.max_length(tx.ADDRESS_CONCEPTS["house_number"]),
        blank=True,
    )
    house_number_addition = models.CharField(
        _("toevoeging"),
        max_length=tx.max_length(tx.ADDRESS_CONCEPTS["house_number_addition"]),
        blank=True,
    )
    postal_code = models.CharField(_("postcode"), max_length=POSTAL_CODE_LENGTH, blank=True)
    place = models.CharField(
        _("plaats"), max_length=tx.max_length(tx.ADDRESS_CONCEPTS["place"]), blank=True
    )
    #: The free-text address of before the structured fields; kept (read-only) so that
    #: nothing is lost where the update could not split it.
    address = models.CharField(_("adres (oude invoer)"), max_length=300, blank=True)
    #: nl-cd:EmailAddressFull: in the filed document, where the KvK reaches the company.
    filing_email = models.EmailField(
        _("e-mailadres voor de deponering"),
        max_length=tx.max_length(tx.EMAIL),
        blank=True,
    )
    contact_type = models.CharField(
        _("soort contact"),
        max_length=20,
        choices=ContactType.choices,
        default=ContactType.ENTREPRENEUR,
    )
    contact_person = models.CharField(_("contactpersoon"), max_length=200, blank=True)
    contact_email = models.EmailField(_("e-mail contactpersoon"), blank=True)
    contact_phone = models.CharField(_("telefoon contactpersoon"), max_length=30, blank=True)
    kvk_report = models.CharField(
        _("KvK-rapport"), max_length=40, choices=Report.choices, default=Report.MICRO
    )
    # The last day of the financial year: the calendar year unless the statutes name
    # another (art. 2:10a BW). A new annual report's period follows it, and "Controle"
    # warns when a report's period does not end on it (kvk.deadlines.period_mismatch).
    # 29 with February means "the last day of February", as in the portal's deadline facts.
    year_end_month = models.PositiveSmallIntegerField(_("einde boekjaar: maand"), default=12)
    year_end_day = models.PositiveSmallIntegerField(_("einde boekjaar: dag"), default=31)

    class Meta:
        verbose_name = _("administratie")
        verbose_name_plural = _("administraties")
        ordering = ["name"]
        permissions = [
            ("prepare_report", _("Klaarzetten accountancyportal")),
            ("send_receive", _("Verzenden/ontvangen accountancyportal")),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.kvk_number})"

    def clean(self) -> None:
        super().clean()
        try:
            financial_year_period(2024, self.year_end_month, self.year_end_day)
        except ValueError:
            raise ValidationError(
                {"year_end_day": _("Deze datum bestaat niet als einde van een boekjaar.")}
            )

    @property
    def year_end(self) -> date:
        """The financial year's last day in a leap year, for showing the day and month."""
        return date(2024, self.year_end_month, self.year_end_day)

    @property
    def size(self) -> str:
        """The size class the chosen KvK report belongs to (micro or klein)."""
        return "micro" if self.kvk_report.startswith("micro") else "klein"

    @property
    def buildable(self) -> bool:
        """Whether this product can make the chosen report (klein-verticaal: not yet)."""
        return self.kvk_report in tx.BUILDABLE_VARIANTS

    @property
    def files_profit_loss(self) -> bool:
        """The report has a profit and loss account: micro and klein do, their
        publication pieces (publicatiestukken) do not (NT19's entry points)."""
        return self.buildable and bool(tx.line_items(self.kvk_report, "income"))

    @property
    def asks_net_turnover(self) -> bool:
        """The report asks the net turnover as a figure of its own, for the size-class
        check (kvk.sizeclass): the chosen report's profit and loss has no NetRevenue (klein
        starts at the gross margin, which is not turnover; publication pieces have none)."""
        return self.buildable and "NetRevenue" not in tx.line_items(self.kvk_report, "income")

    @property
    def address_lines(self) -> list[str]:
        """The structured address as it reads on an envelope (empty when not filled in)."""
        if not (self.street or self.postal_code or self.place):
            return []
        number = " ".join(p for p in (self.house_number, self.house_number_addition) if p)
        return [
            " ".join(p for p in (self.street, number) if p),
            " ".join(p for p in (self.postal_code, self.place) if p),
        ]


class Signatory(models.Model):
    """A director (bestuurder) or supervisory director (commissaris) of the company: who
    signs the annual accounts (art. 2:101 BW), or says why not. Whether and where each
    signed is recorded per report (``AnnualReport.signing_place``, ``ReportSignature``)."""

    administration = models.ForeignKey(
        Administration, on_delete=models.CASCADE, related_name="signatories"
    )
    name = models.CharField(_("naam"), max_length=200)
    #: jenv-bw2-i:DirectorType, one of the taxonomy's values ("Bestuurder (huidig)", ...)
    function = value_list_field(
        _("functie"), tx.director_type_choices, default=tx.DIRECTOR, max_length=40
    )
    #: nl-cd:PresentationOrder: the order of the signatures in the document
    order = models.PositiveSmallIntegerField(_("volgorde"), default=1)

    class Meta:
        verbose_name = _("ondertekenaar")
        verbose_name_plural = _("ondertekenaars")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_function_display()})"

    @property
    def supervisory(self) -> bool:
        return self.function.startswith("Commissaris")


class RunProblem(models.TextChoices):
    """Why the last "Verzenden/ontvangen" did not get through to the portal
    (CommunicationProfile.last_run_problem; empty when it did)."""

    #: The portal refused the token (unknown, revoked, expired, another organisation's).
    TOKEN_REFUSED = "token_refused"
    #: The portal could not be reached or had a failure (a refused connection, a time-out,
    #: a 5xx): trying again later can help.
    UNREACHABLE = "unreachable"
    #: The portal refused for another reason (the connector blocked, the activation off at
    #: the accountant): the accountant can solve it.
    REFUSED = "refused"
    #: No portal at the address (another page answers, an address the token is not sent
    #: to, one that cannot be called), and no good connection test says it is for now: the
    #: participant number or the portal address at "Communicatie met accountant".
    ADDRESS = "address"
    #: The run stopped on an unexpected error of this environment (the log has it).
    FAILED = "failed"


#: The outcomes of a run that stay until someone acts (a new token, the accountant, the
#: address): each is the administration's next step (steps._run_step).
RUN_PROBLEMS_TO_ACT_ON = (RunProblem.TOKEN_REFUSED, RunProblem.REFUSED, RunProblem.ADDRESS)


class CommunicationProfile(models.Model):
    """ "Communicatie met accountant": where the portal is and the token to reach it."""

    administration = models.OneToOneField(
        Administration, on_delete=models.CASCADE, related_name="communication_profile"
    )
    blocked = models.BooleanField(_("geblokkeerd"), default=False)
    participant_number = models.CharField(
        _("deelnemernummer"),
        max_length=5,
        validators=[RegexValidator(r"^\d{5}$", _("Vul precies vijf cijfers in."))],
    )
    portal_url_override = models.URLField(_("eigen portaladres"), blank=True)
    # The token is a credential of this environment towards the accountant; it is never
    # shown again after entry.
    token = models.CharField(_("token"), max_length=200, blank=True)
    token_set_at = models.DateTimeField(_("token ingevoerd op"), null=True, blank=True)
    updates_cursor = models.BigIntegerField(default=0, editable=False)
    # The outcome of the last "test connection", shown on the profile screen.
    last_test_at = models.DateTimeField(_("laatste verbindingstest"), null=True, blank=True)
    last_test_ok = models.BooleanField(null=True, blank=True)
    last_test_message = models.CharField(max_length=500, blank=True)
    # The portal address the last test called: a test that succeeded says something about
    # that address only (``reached_at``).
    last_test_url = models.CharField(max_length=300, blank=True, editable=False)
    # The outcome of the last "Verzenden/ontvangen" (a click or the scheduled run): whether
    # it got through to the portal, and if not why (RunProblem) in the sentence the portal
    # client gave. A new token forgets it (services.set_token); the next run replaces it.
    last_run_at = models.DateTimeField(
        _("laatste verzenden/ontvangen"), null=True, blank=True, editable=False
    )
    # Database defaults '' (clientside 0002): the release before, still serving while the
    # migrations run, inserts profiles without these columns.
    last_run_problem = models.CharField(
        max_length=20, blank=True, editable=False, default="", db_default=""
    )
    last_run_message = models.CharField(
        max_length=500, blank=True, editable=False, default="", db_default=""
    )

    class Meta:
        verbose_name = _("communicatieprofiel")
        verbose_name_plural = _("communicatieprofielen")

    def __str__(self) -> str:
        return f"Communicatie met accountant {self.participant_number}"

    @property
    def portal_url(self) -> str:

        if self.portal_url_override:
            return self.portal_url_override.rstrip("/")
        return settings.PORTAL_URL_TEMPLATE.format(participant=self.participant_number).rstrip("/")

    @property
    def tested_settings(self) -> bool:
        """The last "Test verbinding" was made with the settings the profile has now: the
        address it called is the profile's address now (a participant number or portal
        address changed since, here or in the admin, makes it another), and the token is
        the one it used (a new token forgets the test, services.set_token)."""
        return self.last_test_at is not None and self.last_test_url == self.portal_url

    @property
    def reached_at(self) -> datetime | None:
        """When the last "Test verbinding" reached the portal with these settings
        (``tested_settings``); None when it failed, was never made, or called another
        address."""
        if self.last_test_ok and self.tested_settings:
            return self.last_test_at
        return None


def _employees_field(verbose_name: Any) -> models.DecimalField:
    """The average number of employees of one year, to two decimals; empty until entered."""
    return models.DecimalField(verbose_name, max_digits=9, decimal_places=2, null=True, blank=True)


def _net_turnover_field(verbose_name: Any) -> models.DecimalField:
    """The net turnover of one year in whole euros; empty until entered."""
    return models.DecimalField(verbose_name, max_digits=20, decimal_places=0, null=True, blank=True)


class AnnualReport(models.Model):
    """An annual report of one financial year, prepared in the reporting cockpit.

    ``statements`` holds the figures (balance sheet and profit and loss for the current and
    the previous year, the periods and the notes); the organisation's data, the signatories
    and the reporting values are merged in from the administration and this row when the
    instance is built (``clientside.services.statements_for``)."""

    class SignedBy(models.TextChoices):
        DIRECTORS = "bestuurder", _("Bestuurder(s)")
        DIRECTORS_AND_SUPERVISORY = (
            "bestuurder_en_commissaris",
            _("Bestuurder(s) en commissaris(sen)"),
        )

    administration = models.ForeignKey(
        Administration, on_delete=models.CASCADE, related_name="annual_reports"
    )
    financial_year = models.PositiveSmallIntegerField(_("boekjaar"))
    # The figures as kvk.statements.FinancialStatements.to_dict().
    statements = models.JSONField(_("cijfers"), default=dict)
    adoption_date = models.DateField(_("datum vaststelling"), null=True, blank=True)
    signed_by = models.CharField(
        _("ondertekend door"), max_length=30, choices=SignedBy.choices, default=SignedBy.DIRECTORS
    )
    signed_date = models.DateField(_("datum ondertekening"), null=True, blank=True)
    signing_place = models.CharField(_("plaats ondertekening"), max_length=200, blank=True)
    resubmission = models.BooleanField(_("heraanlevering"), default=False)
    resubmission_explanation = models.TextField(
        _("toelichting heraanlevering"), max_length=1000, blank=True
    )
    # The tweede aanlevering: the adopted accounts of a year whose accounts were filed as
    # not adopted (art. 2:394 lid 2 BW, KVK-SBR.md section 1). They carry adoption status
    # Ja and the adoption date, and no heraanlevering flag (clientside.services).
    second_filing = models.BooleanField(_("tweede aanlevering"), default=False)
    locked = models.BooleanField(_("vergrendeld (gedeponeerd)"), default=False)
    # The figures for the size-class check (art. 2:395a and 2:396 BW, kvk.sizeclass) that
    # the instance does not carry: the average number of employees (NT19's concept is not
    # in the extract) and, where the profit and loss has no NetRevenue (klein starts at the
    # gross margin; publication pieces have none), the net turnover. Not filed.
    employees_current = _employees_field(_("gemiddeld aantal werknemers (huidig boekjaar)"))
    employees_previous = _employees_field(_("gemiddeld aantal werknemers (vorig boekjaar)"))
    net_turnover_current = _net_turnover_field(_("netto-omzet (huidig boekjaar)"))
    net_turnover_previous = _net_turnover_field(_("netto-omzet (vorig boekjaar)"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("jaarrapport")
        verbose_name_plural = _("jaarrapporten")
        constraints = [
            # A year has its report, and at most one tweede aanlevering and one
            # heraanlevering besides.
            models.UniqueConstraint(
                fields=["administration", "financial_year", "resubmission", "second_filing"],
                name="one_report_per_year",
            ),
            models.CheckConstraint(
                condition=~models.Q(resubmission=True, second_filing=True),
                name="report_resubmission_or_second_filing",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.administration.name} {self.financial_year}"


class ReportSignature(models.Model):
    """A signatory who did not sign this report, and why (art. 2:101 lid 2 BW:
    jenv-bw2-i:DirectorSignedStatus "Nee" with DirectorReasonNoSignature). Without a row a
    signatory signed, on the report's signing date and at its signing place."""

    report = models.ForeignKey(AnnualReport, on_delete=models.CASCADE, related_name="signatures")
    signatory = models.ForeignKey(Signatory, on_delete=models.CASCADE, related_name="signatures")
    reason_not_signed = models.CharField(
        _("reden niet ondertekend"),
        max_length=tx.max_length("jenv-bw2-i:DirectorReasonNoSignature"),
        blank=True,
    )

    class Meta:
        verbose_name = _("ondertekening")
        verbose_name_plural = _("ondertekeningen")
        constraints = [
            models.UniqueConstraint(fields=["report", "signatory"], name="one_signature_per_report")
        ]

    def __str__(self) -> str:
        return f"{self.signatory.name}: {self.report}"


class OutboundMessage(models.Model):
    """A message to the accountant's portal; its status mirrors the portal's (0..90)."""

    administration = models.ForeignKey(
        Administration, on_delete=models.CASCADE, related_name="outbound_messages"
    )
    report = models.ForeignKey(AnnualReport, on_delete=models.PROTECT, related_name="messages")
    # Fixed at preparation: every retry of the upload uses it, so the portal never makes
    # a second message.
    message_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    message_type = models.CharField(max_length=50, default="kvk-micro-klein")
    filename = models.CharField(max_length=255)
    document = models.BinaryField()
    document_sha256 = models.CharField(max_length=64)
    # Mirrors the portal's status; changed only by clientside.services (prepare, _mirror).
    status = models.PositiveSmallIntegerField(
        _("status"), choices=Status.choices, default=Status.PREPARED
    )
    reasons = models.JSONField(_("redenen"), default=list, blank=True)
    history = models.JSONField(default=list, blank=True)
    # The date the client adopted the accounts in the portal (the filed document carries
    # it); mirrored with the status.
    adoption_date = models.DateField(_("datum vaststelling"), null=True, blank=True)
    # Whether the portal's message is adopted, mirrored with the status; None while the
    # portal did not say (one of an earlier release). False at 80: filed as accounts not
    # adopted (art. 2:394 lid 2 BW), the adopted accounts follow as a tweede aanlevering.
    adopted = models.BooleanField(_("vastgesteld"), null=True, blank=True)
    # Fixed at preparation with the document: the report's "Datum vaststelling" of a first
    # filing, whose document does not say the accounts are adopted (they are adopted in the
    # portal). Sent with the upload as the proposed adoption date that fills in the
    # portal's "Jaarrekening vastgesteld" form; None for accounts whose document carries
    # the adoption itself (a heraanlevering, a tweede aanlevering).
    proposed_adoption_date = models.DateField(
        _("voorgestelde datum vaststelling"), null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    status_changed_at = models.DateTimeField(auto_now_add=True)
    # Set when a copy the portal refused (at 5, nothing stored there) stopped being the
    # report's current message: another message of the report moved on in the portal
    # (clientside.services.supersede_refused_copies). It stays listed, as refused.
    superseded_at = models.DateTimeField(_("vervallen op"), null=True, blank=True)

    class Meta:
        verbose_name = _("uitgaand bericht")
        verbose_name_plural = _("uitgaande berichten")
        ordering = ["-created_at"]
        constraints = [
            # Only the shared vocabulary 0..90 (kvk.status) is ever mirrored.
            models.CheckConstraint(
                condition=models.Q(status__in=Status.values), name="outbound_status_known"
            )
        ]

    def __str__(self) -> str:
        return f"{self.filename} ({self.status})"

    @property
    def status_label(self) -> str:
        """The label of the status (kvk.status); a 25 the portal closed for a newer version
        (``replaced_by_newer_version``) is called replaced, its code staying 25."""
        if self.replaced_by_newer_version:
            return str(REPLACED_LABEL)
        return str(Status(self.status).label)

    @property
    def refused_by_digipoort(self) -> bool:
        """A 90 that Digipoort's own check refused (status 311, the portal's reason
        DIGIPOORT_VALIDATION), before the KvK received the document."""
        return self.status == Status.REFUSED and self._has_reason(DIGIPOORT_VALIDATION)

    @property
    def replaced_by_newer_version(self) -> bool:
        """The portal closed this message at 25 because a newer version of the same year's
        accounts entered its workflow (its reason VERSION_SUPERSEDED): replaced there, not
        failed; nothing here is to be corrected."""
        return self.status == Status.PROCESSING_FAILED and self._has_reason(VERSION_SUPERSEDED)

    def _has_reason(self, code: str) -> bool:
        return any(
            isinstance(reason, dict) and reason.get("code") == code for reason in self.reasons or []
        )


#: The portal's reason code of a message closed at 25 for a newer version of its year (the
#: portal's workflow.reasons.VERSION_SUPERSEDED, which says so in every reason it gives).
VERSION_SUPERSEDED = "version_superseded"
#: What such a message's status is called, as the portal calls it.
REPLACED_LABEL = _("Vervangen door een nieuwere versie")


_PARTICIPANT_RE = re.compile(r"^[A-Za-z]?(\d{5})[A-Za-z]{0,2}$")


def normalise_participant_number(value: str) -> str:
    """The five digits of an accountant's environment: ``O12345AA`` -> ``12345``.

    Returns the input stripped when it does not look like a participant number, so the
    field validator can say what is wrong."""
    cleaned = re.sub(r"\s+", "", value or "")
    match = _PARTICIPANT_RE.match(cleaned)
    return match.group(1) if match else cleaned


# --- activation "Jaarrapportage deponeren via accountancyportal" (clientside.activation) ---


class FilingActivationChange(ActivationChangeEntry):
    """The log of every switch of FilingActivation."""

    subject_field = "administration"

    administration = change_subject_field(Administration, related_name="filing_activation_changes")


class FilingActivation(ActivationSwitch):
    """Whether the activation "Jaarrapportage deponeren via accountancyportal" is switched
    on for an administration. No row means off. Changed only through
    clientside.activation.set_administration_activation, which writes the change log."""

    subject_field = "administration"
    change_model = FilingActivationChange

    administration = switch_subject_field(
        Administration, related_name="filing_activation", verbose_name=_("administratie")
    )

    class Meta:
        verbose_name = _("activering Jaarrapportage deponeren via accountancyportal")
        verbose_name_plural = _("activeringen Jaarrapportage deponeren via accountancyportal")
