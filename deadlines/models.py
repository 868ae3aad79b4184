"""The legal deadlines of an organisation's annual accounts: what they depend on
(DeadlineFacts), the extensions granted (DeadlineExtension), the reminders sent
(ReminderLog) and the e-mails they went in (ReminderMail). The rules themselves are in
kvk.deadlines."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crm.models import AccountancyEnvironment, Organisation
from kvk.deadlines import financial_year_period


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
        db_table = "portal_deadlinefacts"  # the table from before the move
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
        db_table = "portal_deadlineextension"  # the table from before the move
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
    The e-mails it goes in, and what became of each, are its ``mails`` (ReminderMail);
    ``recipients``, ``sent_at`` and ``error`` sum them up: a client reminder names whom it
    was for, a staff escalation who got it; ``sent_at`` is set once one mail about it went,
    ``error`` says which address did not get it and why.
    """

    class Kind(models.TextChoices):
        CLIENT_REVIEW = "client_review", _("Herinnering cliënt: bericht wacht op beoordeling")
        STAFF_ESCALATION = "staff_escalation", _("Escalatie medewerkers: deponeertermijn nadert")
        STAFF_OVERDUE = "staff_overdue", _("Escalatie medewerkers: deponeertermijn verstreken")

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
    # filing deadline; 0 for the one overdue escalation of a year.
    step = models.PositiveSmallIntegerField(_("stap (dagen)"))
    recipients = models.JSONField(_("ontvangers"), default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(_("verzonden op"), null=True, blank=True)
    error = models.TextField(_("fout"), blank=True)

    class Meta:
        db_table = "portal_reminderlog"  # the table from before the move
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

    def outcome(self) -> str:
        """What became of it, in words: sent, sent to some and not to others (``error``
        names whom and why), failed, or not sent yet."""
        if self.error and self.sent_at:
            return str(_("deels verzonden"))
        if self.error:
            return str(_("mislukt"))
        return str(_("verzonden") if self.sent_at else _("wordt verzonden"))


class ReminderMail(models.Model):
    """One e-mail of the reminder job to one address about the reminders ``entries``: a
    client's one mail listing the messages that wait for them, or a staff member's digest.

    Made with its reminders, in the transaction that claims them while the accountancy
    environment's row is locked (deadlines.reminders): two runs at once never split one
    person's reminders over two mails. Sent by the run whose conditional update takes it
    from PENDING (or RETRY) to SENDING. A run that died before it took the mail leaves it
    PENDING, and a later run sends it; one that died while sending leaves it SENDING, and a
    later run marks it UNKNOWN and does not send it again (the mail server may have
    accepted it). A staff digest whose sending failed is sent again by the next runs
    (RETRY, at most ``MAX_ATTEMPTS`` in all), to that address only; a client's is not (at
    most once: the next step of the schedule reminds them).
    """

    MAX_ATTEMPTS = 3

    class State(models.TextChoices):
        PENDING = "pending", _("klaar om te verzenden")
        SENDING = "sending", _("wordt verzonden")
        SENT = "sent", _("verzonden")
        RETRY = "retry", _("mislukt, wordt opnieuw geprobeerd")
        FAILED = "failed", _("mislukt, niet opnieuw geprobeerd")
        UNKNOWN = "unknown", _("onderbroken tijdens verzenden, niet opnieuw verzonden")

    environment = models.ForeignKey(
        AccountancyEnvironment, on_delete=models.CASCADE, related_name="reminder_mails"
    )
    kind = models.CharField(_("soort"), max_length=20, choices=ReminderLog.Kind.choices)
    address = models.EmailField(_("e-mailadres"), max_length=254)
    # A staff digest's language, chosen when it was claimed; a client's mail takes the
    # person's language when it is sent.
    language = models.CharField(max_length=10, blank=True)
    entries = models.ManyToManyField(ReminderLog, related_name="mails")
    state = models.CharField(
        _("stand"), max_length=10, choices=State.choices, default=State.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("pogingen"), default=0)
    error = models.TextField(_("fout"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    #: When the run now sending it took it: one still SENDING long after died.
    claimed_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(_("verzonden op"), null=True, blank=True)

    class Meta:
        verbose_name = _("herinneringsmail")
        verbose_name_plural = _("herinneringsmails")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["state", "kind"], name="reminder_mail_state")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.address} ({self.state})"
