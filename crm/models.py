"""The accountant's CRM: accountancy environments, client organisations, their
identification numbers (the KvK number above all) and the people with portal access."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from kvk.activation import (
    ActivationChangeEntry,
    ActivationSwitch,
    change_subject_field,
    source_choices,
    source_field,
    switch_subject_field,
)
from kvk.fields import legal_form_field, outlived_field, owner_field, user_field
from kvk.search import NamedForSearch

#: The RSIN (Rechtspersonen en Samenwerkingsverbanden Informatienummer) has nine digits.
rsin_validator = RegexValidator(r"^\d{9}$", _("Een RSIN bestaat uit precies negen cijfers."))
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
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("aangemaakt op"))

    class Meta:
        db_table = "portal_accountancyenvironment"  # the table from before the move
        verbose_name = _("accountantsomgeving")
        verbose_name_plural = _("accountantsomgevingen")

    def __str__(self) -> str:
        return f"{self.name} ({self.participant_number})"


class ApproverRule(models.TextChoices):
    """Who must approve an approval message before it goes to the KvK (art. 2:101 BW: the
    directors sign the accounts). A workflow definition names one; an organisation may
    override it."""

    ONE = "one", _("Eén contactpersoon")
    DIRECTORS = "directors", _("Alle bestuurders met toegang tot de klantportal")
    NAMED = "named", _("Een vaste groep contactpersonen")


class AdopterRule(models.TextChoices):
    """Who records the adoption ("Jaarrekening vastgesteld", with its date) of a message:
    it is recorded once, and a second adoption is refused. A workflow definition names one;
    an organisation may override it."""

    APPROVER = "approver", _("Wie moet goedkeuren (de eerste die vaststelt)")
    NAMED = "named", _("Eén aangewezen contactpersoon")


def rule_field(
    verbose_name: Any, rule: type[models.TextChoices], *, default: str | None = None
) -> models.CharField:
    """Which ``rule`` (ApproverRule, AdopterRule) applies: a workflow definition names one
    (``default``); an organisation may override it (no default: blank means the workflow's
    setting)."""
    options: dict[str, Any] = (
        {"default": default}
        if default is not None
        else {"blank": True, "help_text": _("Leeg: zoals de workflow het zegt.")}
    )
    return models.CharField(verbose_name, max_length=10, choices=rule.choices, **options)


#: Why a responsible staff member is refused: one of another accountancy environment would
#: get this client's mail and see it under "Mijn cliënten" (it never sees it in InSite).
RESPONSIBLE_ELSEWHERE = _(
    "Kies een medewerker van de accountantsomgeving van deze organisatie: een medewerker "
    "van een andere omgeving kan deze organisatie niet zien."
)


def responsible_of_environment(member: StaffMember | None, environment_id: int | None) -> bool:
    """Whether ``member`` may be responsible for an organisation of ``environment_id``:
    none, or a staff member of that environment (an environment not chosen yet is the
    environment field's own error)."""
    return member is None or environment_id is None or member.environment_id == environment_id


class Organisation(NamedForSearch):
    """A client organisation of the accountancy (the company that files)."""

    environment = owner_field(AccountancyEnvironment, "organisations", on_delete=models.PROTECT)
    name = models.CharField(_("naam"), max_length=200)
    legal_form = legal_form_field()
    # Per-organisation sequence of status changes; see workflow.services for why the
    # updates cursor is per organisation (it makes commit order equal sequence order).
    status_sequence = models.BigIntegerField(
        default=0, editable=False, verbose_name=_("volgnummer statuswijzigingen")
    )
    # Who must approve this organisation's messages; blank: the workflow's setting.
    approver_rule = rule_field(_("goedkeuring door"), ApproverRule)
    # The set of contacts for ApproverRule.NAMED.
    approvers: models.ManyToManyField[Contact, Any] = models.ManyToManyField(
        "Contact",
        verbose_name=_("goedkeurders"),
        blank=True,
        related_name="approver_of",
    )
    # Who records the adoption; blank: the workflow's setting.
    adopter_rule = rule_field(_("vaststelling door"), AdopterRule)
    # The one contact for AdopterRule.NAMED.
    adopter = outlived_field("Contact", _("vaststeller"), related_name="adopter_of")
    # The staff member who looks after this client: the staff mail about its messages and
    # its rows of the deadline digest go to them alone (portal.notifications,
    # deadlines.reminders); none, or one who cannot receive mail, and every staff member
    # of the environment hears it. InSite's "Mijn cliënten" lists their organisations.
    responsible = outlived_field(
        "StaffMember", _("verantwoordelijk medewerker"), related_name="responsible_for"
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("aangemaakt op"))

    class Meta:
        db_table = "portal_organisation"  # the table from before the move
        verbose_name = _("organisatie")
        verbose_name_plural = _("organisaties")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        """The named adopter is one of this organisation's own contacts, the responsible
        staff member one of its own environment's."""
        super().clean()
        errors = {}
        if self.adopter is not None and self.adopter.organisation_id != self.pk:
            errors["adopter"] = _("Kies een contactpersoon van deze organisatie.")
        if not responsible_of_environment(self.responsible, self.environment_id):
            errors["responsible"] = RESPONSIBLE_ELSEWHERE
        if errors:
            raise ValidationError(errors)

    @property
    def kvk_number(self) -> str | None:
        for ident in self.identifications.all():
            if ident.kind == Identification.Kind.KVK:
                return ident.value
        return None

    @property
    def responsible_here(self) -> StaffMember | None:
        """The responsible staff member as InSite names them: only one of this
        organisation's own environment. One who moved to another firm is released when
        they move (crm.services.release_responsibilities); a row that still names them
        shows nobody, as the staff mail already treats it."""
        member = self.responsible
        if member is None or not responsible_of_environment(member, self.environment_id):
            return None
        return member


class Identification(models.Model):
    """An identification number of an organisation; messages are matched on the KvK one."""

    class Kind(models.TextChoices):
        KVK = "kvk", _("KvK-nummer")
        RSIN = "rsin", _("RSIN")

    organisation = owner_field(Organisation, "identifications")
    # Denormalised so the database can keep a KvK number unique within one environment.
    environment = owner_field(AccountancyEnvironment)
    kind = models.CharField(_("soort"), max_length=10, choices=Kind.choices, default=Kind.KVK)
    value = models.CharField(_("nummer"), max_length=20)

    class Meta:
        db_table = "portal_identification"  # the table from before the move
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


def is_staff_login(user: Any) -> bool:
    """Whether ``user`` is the login of staff: a staff member of an environment, or a user
    the admin marks as staff or superuser. Such a login is never a client contact's: staff
    see every organisation of their environment, a contact only its own."""
    return (
        bool(user.is_staff or user.is_superuser) or StaffMember.objects.filter(user=user).exists()
    )


class StaffMember(models.Model):
    """A user who works for an accountancy environment (InSite)."""

    class Role(models.TextChoices):
        ADMINISTRATOR = "admin", _("Beheerder inrichting")
        WORKER = "worker", _("Medewerker accorderingsberichten")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="staff_member",
        verbose_name=_("gebruiker"),
    )
    environment = owner_field(AccountancyEnvironment, "staff")
    role = models.CharField(_("rol"), max_length=10, choices=Role.choices, default=Role.WORKER)
    # The language of the e-mail this staff member receives.
    language = models.CharField(_("taal"), max_length=2, choices=settings.LANGUAGES, default="nl")

    class Meta:
        db_table = "portal_staffmember"  # the table from before the move
        verbose_name = _("medewerker")
        verbose_name_plural = _("medewerkers")

    def __str__(self) -> str:
        return f"{self.user} ({self.environment.name})"

    @property
    def display_name(self) -> str:
        """How InSite names this staff member: the full name, else the login."""
        return self.user.get_full_name() or self.user.username

    @property
    def receives_mail(self) -> bool:
        """Whether the portal's staff mail can reach this staff member: an active login
        with an e-mail address."""
        return bool(self.user.is_active and self.user.email)

    def clean(self) -> None:
        """A client's login does not become staff: it would see every organisation of the
        environment in InSite (Contact.clean refuses the other way round)."""
        super().clean()
        if self.user_id is not None and Contact.objects.filter(user_id=self.user_id).exists():
            raise ValidationError(
                {
                    "user": _(
                        "Deze login is van een contactpersoon van een cliënt en kan geen "
                        "medewerker worden: een medewerker ziet alle organisaties van de "
                        "accountantsomgeving. Geef de medewerker een eigen login."
                    )
                }
            )


#: The contacts who can act in OutSite (approve, record the adoption): portal access and a
#: login.
CAN_ACT_IN_OUTSITE = models.Q(portal_access=True, user__isnull=False)


class Contact(NamedForSearch):
    """A person at a client organisation; with portal access they use OutSite."""

    organisation = owner_field(Organisation, "contacts")
    # One person, one login: a director-major-shareholder (DGA) is often the contact of a
    # holding and an operating company, both clients of the same accountancy environment.
    # One user may therefore be the contact of several organisations of one environment
    # (crm.services.portal_login decides), each at most once (the constraint below).
    user = user_field(_("gebruiker"), related_name="client_contacts")
    name = models.CharField(_("naam"), max_length=200)
    email = models.EmailField(_("e-mailadres"), blank=True)
    language = models.CharField(_("taal"), max_length=2, choices=settings.LANGUAGES, default="nl")
    portal_access = models.BooleanField(_("toegang tot klantportal"), default=False)
    # A director (bestuurder) signs the accounts (art. 2:101 BW); see ApproverRule.DIRECTORS.
    is_director = models.BooleanField(_("bestuurder"), default=False)

    class Meta:
        db_table = "portal_contact"  # the table from before the move
        verbose_name = _("contactpersoon")
        verbose_name_plural = _("contactpersonen")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation"], name="contact_user_once_per_organisation"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.organisation})"

    def clean(self) -> None:
        """A login shared by several contacts stays within one accountancy environment and
        is no staff member's (crm.services.portal_login decides the same in InSite; this
        holds the admin to it)."""
        super().clean()
        if self.user_id is None or self.organisation_id is None:
            return
        others = Contact.objects.filter(user_id=self.user_id).exclude(pk=self.pk)
        elsewhere = others.exclude(
            organisation__environment_id=self.organisation.environment_id
        ).exists()
        if elsewhere or is_staff_login(self.user):
            raise ValidationError(
                {
                    "user": _(
                        "Deze login hoort bij een medewerker of bij een contactpersoon van "
                        "een andere accountantsomgeving."
                    )
                }
            )


# --- activation "Communicatieconnector accordering OutSite" (see crm.activation) ------------


class EnvironmentActivationChange(ActivationChangeEntry):
    """The log of every switch of EnvironmentActivation."""

    subject_field = "environment"

    environment = change_subject_field(AccountancyEnvironment, related_name="activation_changes")
    # The set-up page is InSite's; the sources are otherwise the client side's.
    source = source_field(source_choices(setup_label=_("Inrichtingsscherm InSite")))

    class Meta(ActivationChangeEntry.Meta):
        db_table = "portal_environmentactivationchange"  # the table from before the move


class EnvironmentActivation(ActivationSwitch):
    """Whether the activation "Communicatieconnector accordering OutSite" is switched on for
    an accountancy environment. No row means off: a new environment starts without the
    feature. Changed only through connectors.activation.set_environment_activation, which also
    writes the change log."""

    subject_field = "environment"
    change_model = EnvironmentActivationChange

    environment = switch_subject_field(
        AccountancyEnvironment, related_name="activation", verbose_name=_("accountantsomgeving")
    )
    # When the scheduled job "Externe berichten verwerken" last ran for this environment;
    # the set-up checklist shows it.
    last_processing_run_at = models.DateTimeField(
        _("laatste run 'Externe berichten verwerken'"), null=True, blank=True
    )

    class Meta:
        db_table = "portal_environmentactivation"  # the table from before the move
        verbose_name = _("activering Communicatieconnector accordering OutSite")
        verbose_name_plural = _("activeringen Communicatieconnector accordering OutSite")
