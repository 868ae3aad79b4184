"""The accountant's CRM: accountancy environments, client organisations, their
identification numbers (the KvK number above all) and the people with portal access."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from kvk import taxonomy as tx

kvk_number_validator = RegexValidator(
    r"^\d{8}$", _("Een KvK-nummer bestaat uit precies acht cijfers.")
)
participant_number_validator = RegexValidator(
    r"^\d{5}$", _("Een deelnemernummer bestaat uit precies vijf cijfers.")
)


class AccountancyEnvironment(models.Model):
    """One accountancy firm's environment (the 'omgeving' with its participant number)."""

    name = models.CharField(_("naam"), max_length=200)
    participant_number = models.CharField(
        _("deelnemernummer"),
        max_length=5,
        unique=True,
        validators=[participant_number_validator],
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("accountantsomgeving")
        verbose_name_plural = _("accountantsomgevingen")

    def __str__(self) -> str:
        return f"{self.name} ({self.participant_number})"


class Organisation(models.Model):
    """A client organisation of the accountancy (the company that files)."""

    environment = models.ForeignKey(
        AccountancyEnvironment,
        on_delete=models.PROTECT,
        related_name="organisations",
        verbose_name=_("accountantsomgeving"),
    )
    name = models.CharField(_("naam"), max_length=200)
    # The official value list (jenv-codes:legalFormItemType); drives the legal deadlines
    # (kvk.deadlines.RULES).
    legal_form = models.CharField(
        _("rechtsvorm"),
        max_length=100,
        choices=[(form, form) for form in tx.LEGAL_FORMS],
        default=tx.LEGAL_FORM_BV,
    )
    # Per-organisation sequence of status changes; see workflow.services for why the
    # updates cursor is per organisation (it makes commit order equal sequence order).
    status_sequence = models.BigIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("organisatie")
        verbose_name_plural = _("organisaties")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def kvk_number(self) -> str | None:
        for ident in self.identifications.all():
            if ident.kind == Identification.Kind.KVK:
                return ident.value
        return None


class Identification(models.Model):
    """An identification number of an organisation; messages are matched on the KvK one."""

    class Kind(models.TextChoices):
        KVK = "kvk", _("KvK-nummer")
        RSIN = "rsin", _("RSIN")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="identifications"
    )
    # Denormalised so the database can keep a KvK number unique within one environment.
    environment = models.ForeignKey(AccountancyEnvironment, on_delete=models.CASCADE)
    kind = models.CharField(_("soort"), max_length=10, choices=Kind.choices, default=Kind.KVK)
    value = models.CharField(_("nummer"), max_length=20)

    class Meta:
        verbose_name = _("identificatienummer")
        verbose_name_plural = _("identificatienummers")
        constraints = [
            models.UniqueConstraint(
                fields=["environment", "kind", "value"], name="identification_unique_in_env"
            ),
            models.UniqueConstraint(
                fields=["organisation", "kind"], name="identification_one_per_kind"
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="kvk") | models.Q(value__regex=r"^[0-9]{8}$"),
                name="identification_kvk_eight_digits",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.value}"

    def save(self, *args, **kwargs) -> None:
        self.environment_id = self.organisation.environment_id
        super().save(*args, **kwargs)


class StaffMember(models.Model):
    """A user who works for an accountancy environment (InSite)."""

    class Role(models.TextChoices):
        ADMINISTRATOR = "admin", _("Beheerder inrichting")
        WORKER = "worker", _("Medewerker accorderingsberichten")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_member"
    )
    environment = models.ForeignKey(
        AccountancyEnvironment, on_delete=models.CASCADE, related_name="staff"
    )
    role = models.CharField(_("rol"), max_length=10, choices=Role.choices, default=Role.WORKER)
    # The language of the e-mail this staff member receives.
    language = models.CharField(_("taal"), max_length=2, choices=settings.LANGUAGES, default="nl")

    class Meta:
        verbose_name = _("medewerker")
        verbose_name_plural = _("medewerkers")

    def __str__(self) -> str:
        return f"{self.user} ({self.environment.name})"


class Contact(models.Model):
    """A person at a client organisation; with portal access they use OutSite."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="contacts"
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="portal_contact",
    )
    name = models.CharField(_("naam"), max_length=200)
    email = models.EmailField(_("e-mailadres"), blank=True)
    language = models.CharField(_("taal"), max_length=2, choices=settings.LANGUAGES, default="nl")
    portal_access = models.BooleanField(_("toegang tot klantportal"), default=False)

    class Meta:
        verbose_name = _("contactpersoon")
        verbose_name_plural = _("contactpersonen")

    def __str__(self) -> str:
        return f"{self.name} ({self.organisation})"


# --- legal deadlines and reminders (see kvk.deadlines and portal.reminders) ----------------


class DeadlineFacts(models.Model):
    """What the legal deadlines of an organisation depend on; without a row the defaults
    apply (calendar year, shareholders adopt the accounts)."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="deadline_facts"
    )
    year_end_month = models.PositiveSmallIntegerField(_("einde boekjaar: maand"), default=12)
    # 29 with February means "the last day of February" (28 in common years).
    year_end_day = models.PositiveSmallIntegerField(_("einde boekjaar: dag"), default=31)
    all_shareholders_are_directors = models.BooleanField(
        _("alle aandeelhouders zijn bestuurder"),
        default=False,
        help_text=_("Dan geldt de ondertekening van de jaarrekening als vaststelling."),
    )
    # A stichting or vereniging files only when it runs an enterprise above the turnover
    # threshold of art. 2:360 lid 3 BW; whether it does is the accountant's judgement.
    title_9_applies = models.BooleanField(
        _("titel 9 Boek 2 BW is van toepassing"),
        default=False,
        help_text=_(
            "Alleen voor een stichting of vereniging: zij houdt een onderneming in stand "
            "waarvan de netto-omzet de grens van art. 2:360 lid 3 BW haalt."
        ),
    )

    class Meta:
        verbose_name = _("termijngegevens")
        verbose_name_plural = _("termijngegevens")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(year_end_month__gte=1, year_end_month__lte=12)
                & models.Q(year_end_day__gte=1, year_end_day__lte=31),
                name="deadline_facts_valid_year_end",
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation}: {self.year_end_day}-{self.year_end_month}"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        from kvk.deadlines import financial_year_period

        try:
            financial_year_period(2024, self.year_end_month, self.year_end_day)
        except ValueError:
            raise ValidationError(_("Deze datum bestaat niet als einde van een boekjaar."))


class DeadlineExtension(models.Model):
    """An extension of the draw-up period granted for one financial year (at most 5
    months for a BV or NV, 4 for the other legal forms: kvk.deadlines.RULES)."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="deadline_extensions"
    )
    financial_year = models.PositiveSmallIntegerField(_("boekjaar"))
    months = models.PositiveSmallIntegerField(_("verlenging (maanden)"))
    granted_on = models.DateField(_("verleend op"), null=True, blank=True)

    class Meta:
        verbose_name = _("verlenging opmaaktermijn")
        verbose_name_plural = _("verlengingen opmaaktermijn")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "financial_year"], name="deadline_extension_once_per_year"
            ),
            models.CheckConstraint(
                condition=models.Q(months__gte=1, months__lte=5),
                name="deadline_extension_at_most_five_months",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} {self.financial_year}: +{self.months}"


class ReminderLog(models.Model):
    """One row per reminder that was (or is being) sent.

    The row is inserted *before* the e-mail is sent, under a unique constraint: a second
    run of the job, or a concurrent one, fails to insert and sends nothing. A reminder
    about a message is unique per (message, kind, step); a reminder about an
    organisation's financial year (staff escalation) per (organisation, year, kind, step).
    """

    class Kind(models.TextChoices):
        CLIENT_REVIEW = "client_review", _("Herinnering cliënt: bericht wacht op beoordeling")
        STAFF_ESCALATION = "staff_escalation", _("Escalatie medewerkers: deponeertermijn nadert")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="reminder_logs"
    )
    message = models.ForeignKey(
        "workflow.ApprovalMessage",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reminder_logs",
    )
    financial_year = models.PositiveSmallIntegerField(_("boekjaar"), null=True, blank=True)
    kind = models.CharField(_("soort"), max_length=20, choices=Kind.choices)
    # Client reminders: days the message has been waiting; escalations: days before the
    # filing deadline.
    step = models.PositiveSmallIntegerField(_("stap (dagen)"))
    recipients = models.JSONField(_("ontvangers"), default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(_("verzonden op"), null=True, blank=True)
    error = models.TextField(_("fout"), blank=True)

    class Meta:
        verbose_name = _("verstuurde herinnering")
        verbose_name_plural = _("verstuurde herinneringen")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["message", "kind", "step"],
                condition=models.Q(message__isnull=False),
                name="reminder_once_per_message_step",
            ),
            models.UniqueConstraint(
                fields=["organisation", "financial_year", "kind", "step"],
                condition=models.Q(message__isnull=True),
                name="reminder_once_per_year_step",
            ),
            models.CheckConstraint(
                condition=models.Q(message__isnull=False) | models.Q(financial_year__isnull=False),
                name="reminder_about_message_or_year",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.organisation} {self.financial_year} ({self.step})"


# --- activation "Communicatieconnector accordering OutSite" (see portal.activation) ---------


class EnvironmentActivation(models.Model):
    """Whether the activation "Communicatieconnector accordering OutSite" is switched on for
    an accountancy environment. No row means off: a new environment starts without the
    feature. Changed only through portal.activation.set_environment_activation, which also
    writes the change log."""

    environment = models.OneToOneField(
        AccountancyEnvironment,
        on_delete=models.CASCADE,
        related_name="activation",
        verbose_name=_("accountantsomgeving"),
    )
    active = models.BooleanField(_("ingeschakeld"), default=False)
    changed_at = models.DateTimeField(_("gewijzigd op"), null=True, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("gewijzigd door"),
    )
    # When the scheduled job "Externe berichten verwerken" last ran for this environment;
    # the set-up checklist shows it.
    last_processing_run_at = models.DateTimeField(
        _("laatste run 'Externe berichten verwerken'"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("activering Communicatieconnector accordering OutSite")
        verbose_name_plural = _("activeringen Communicatieconnector accordering OutSite")

    def __str__(self) -> str:
        state = _("aan") if self.active else _("uit")
        return f"{self.environment}: {state}"


class EnvironmentActivationChange(models.Model):
    """One row per switch of the activation: who, when, on or off, and where."""

    class Source(models.TextChoices):
        SETUP = "setup", _("Inrichtingsscherm InSite")
        ADMIN = "admin", _("Beheer (admin)")
        DEMO = "demo", _("Demo-lader")
        MIGRATION = "migration", _("Update (bestaande installatie)")
        COMMAND = "command", _("Opdrachtregel")

    environment = models.ForeignKey(
        AccountancyEnvironment, on_delete=models.CASCADE, related_name="activation_changes"
    )
    active = models.BooleanField(_("ingeschakeld"))
    changed_at = models.DateTimeField(_("gewijzigd op"))
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("gewijzigd door"),
    )
    # Kept as text too, so the log still names the person after the user is deleted.
    changed_by_name = models.CharField(_("naam"), max_length=150, blank=True)
    source = models.CharField(_("via"), max_length=20, choices=Source.choices)

    class Meta:
        verbose_name = _("wijziging activering")
        verbose_name_plural = _("wijzigingen activering")
        ordering = ["-changed_at", "-pk"]

    def __str__(self) -> str:
        state = _("aan") if self.active else _("uit")
        return f"{self.environment} {state} ({self.changed_at:%Y-%m-%d %H:%M})"
