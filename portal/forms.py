"""Forms of InSite and OutSite. Every field has a label (rendered with <label for>)."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from datetime import date
from typing import Any, cast

from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from connectors.models import AppConnector, MessageType
from crm import logins
from crm import services as crm_services
from crm.models import (
    CAN_ACT_IN_OUTSITE,
    AdopterRule,
    ApproverRule,
    Contact,
    Identification,
    Organisation,
    StaffMember,
)
from kvk import adoption
from kvk import taxonomy as tx
from kvk.deadlines import financial_year_period
from kvk.fields import DayField, DigitsFormField, kvk_number_validator, refuse_unfilable_kvk_number
from kvk.status import PORTAL_STATUSES, Status
from workflow.models import WorkflowDefinition
from workflow.services import ATTENTION_NOTE_MAX_LENGTH

# --- OutSite: the client's decision ---------------------------------------------------------


class AdoptForm(forms.Form):
    """Step 1, "Jaarrekening vastgesteld": the general meeting adopted the accounts.

    The date lies after the financial year end, not before the directors signed (art.
    2:101 BW) and not in the future; ``bounds`` (workflow.selectors.adoption_bounds) are
    the year end and signing date of the message's document."""

    adopted = forms.BooleanField(
        label=_("Jaarrekening vastgesteld"),
        required=True,
        error_messages={
            "required": _(
                "Vink 'Jaarrekening vastgesteld' aan zodra de jaarrekening is vastgesteld."
            )
        },
    )
    adoption_date = DayField(
        label=_("Datum vaststelling"),
        error_messages={
            "required": _("Vul de datum in waarop de jaarrekening is vastgesteld."),
        },
    )

    def __init__(self, *args: Any, bounds: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.bounds = bounds

    def clean_adoption_date(self) -> date:
        value = self.cleaned_data["adoption_date"]
        if value > timezone.localdate():
            raise forms.ValidationError(
                _("De datum van vaststelling kan niet in de toekomst liggen.")
            )
        period_end = getattr(self.bounds, "period_end", None)
        if period_end is not None and value <= period_end:
            raise forms.ValidationError(
                _("De datum van vaststelling moet na het einde van het boekjaar (%(end)s) liggen.")
                % {"end": date_format(period_end, "SHORT_DATE_FORMAT")}
            )
        signed_on = getattr(self.bounds, "signed_on", None)
        if signed_on is not None and value < signed_on:
            raise forms.ValidationError(
                _(
                    "De datum van vaststelling ligt vóór de ondertekening door de "
                    "bestuurders (%(signed)s); de jaarrekening wordt eerst ondertekend en "
                    "daarna vastgesteld."
                )
                % {"signed": date_format(signed_on, "SHORT_DATE_FORMAT")}
            )
        return value


class ApproveForm(forms.Form):
    """Step 2: the client approves exactly the document with this fingerprint."""

    document_sha256 = forms.CharField(widget=forms.HiddenInput, max_length=64, min_length=64)


class NotAdoptedForm(forms.Form):
    """The client files the accounts as not adopted (art. 2:394 lid 2 BW,
    workflow.services.approve_not_adopted) once it ticked that it knows what that means.

    The message page posts the tick; the confirmation page that follows shows the
    fingerprint and posts it back with the tick: the approval is of exactly that document
    (before the adoption the message page shows no fingerprint, as adopting would change
    it)."""

    document_sha256 = forms.CharField(
        widget=forms.HiddenInput, max_length=64, min_length=64, required=False
    )
    understood = forms.BooleanField(
        label=_(
            "Ik begrijp het: de jaarrekening is niet vastgesteld en wordt zo gedeponeerd. "
            "De vastgestelde jaarrekening volgt later."
        ),
        required=True,
        error_messages={
            "required": _(
                "Vink aan dat u de jaarrekening als niet vastgestelde jaarrekening wilt deponeren."
            )
        },
    )


def reason_field(label: Any, help_text: Any, *, rows: int = 3, required: Any = None) -> Any:
    """The text field of a reason a person gives for an action (at most 2000 characters,
    workflow.services.REASON_MAX_LENGTH), with what to say when it is left empty."""
    return forms.CharField(
        label=label,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
        max_length=2000,
        error_messages={"required": required} if required is not None else None,
    )


class RejectForm(forms.Form):
    """Afkeuren bericht: the reason goes to the accountant and, through the client
    environment's send/receive, to the administration that corrects the documents
    (KVK-SBR.md section 2: the client prepares the annual report in its own environment)."""

    reason = reason_field(
        _("Reden van afkeuren"),
        _(
            "Uw accountant en uw administratie lezen deze reden. De stukken worden in uw "
            "administratie gecorrigeerd; daarna krijgt u een nieuwe versie ter beoordeling."
        ),
        required=_(
            "Schrijf waarom u afkeurt, zodat uw administratie en uw accountant weten wat er "
            "moet veranderen."
        ),
    )


class CommentForm(forms.Form):
    text = forms.CharField(
        label=_("Opmerking"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
        error_messages={"required": _("Schrijf eerst uw opmerking of vraag in het vak.")},
    )


class SizeClassOverrideForm(forms.Form):
    """The accountant accepts the declared size class despite the warning, with a reason
    (workflow.services.override_size_class_warning)."""

    reason = reason_field(
        _("Reden waarom de grootteklasse toch klopt"),
        _(
            "Bijvoorbeeld: de cijfers van eerdere jaren, of het gemiddeld aantal werknemers. "
            "De reden komt in het verloop."
        ),
        rows=2,
    )


class RepairForm(forms.Form):
    """ "Berichtstatus herstellen" (40 -> 30): why the rejected message goes back to the
    client (workflow.services.repair); the client reads it."""

    reason = reason_field(
        _("Reden voor de cliënt"),
        _(
            "De cliënt heeft dit bericht afgekeurd. Leg uit waarom hetzelfde document opnieuw "
            "ter goedkeuring komt; de cliënt leest deze reden in de e-mail en bij het bericht."
        ),
        required=_(
            "Geef de reden waarom het bericht terug in de workflow gaat; de cliënt leest die reden."
        ),
    )


# --- InSite: a message at 70 (transport error) -------------------------------------------------


class AttentionForm(forms.Form):
    """What a staff member checked or agreed about a message that asks attention (60 with
    an attention code, 25, 40, 90) when marking it handled. The example note fits the
    message's status (``for_status``); the bulk action, for several statuses at once, keeps
    the general one."""

    note = forms.CharField(
        label=_("Wat heeft u gecontroleerd of afgesproken?"),
        max_length=ATTENTION_NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Bijvoorbeeld: 'Logius gebeld: de KvK beoordeelt het bericht nog.' of 'Verkeerd "
            "KvK-nummer; de cliënt stuurt de jaarrekening opnieuw.' Alleen medewerkers lezen "
            "deze notitie."
        ),
        error_messages={
            "required": _("Schrijf op wat u heeft gecontroleerd of afgesproken."),
            "max_length": _("Een notitie heeft hooguit %(limit_value)d tekens."),
        },
    )

    #: The example note per status: what was checked at 60, why nothing more is to come
    #: from a processing error (25), the client's rejection (40) or the KvK's refusal (90).
    EXAMPLES: dict[int, Any] = {
        Status.SENT_TO_KVK: _(
            "Bijvoorbeeld: 'Logius gebeld: de KvK beoordeelt het bericht nog.' Alleen "
            "medewerkers lezen deze notitie."
        ),
        Status.PROCESSING_FAILED: _(
            "Bijvoorbeeld: 'Verkeerd KvK-nummer; de cliënt stuurt de jaarrekening opnieuw.' "
            "Alleen medewerkers lezen deze notitie."
        ),
        Status.REJECTED: _(
            "Bijvoorbeeld: 'Afkeuring met de cliënt besproken; de administratie stuurt een "
            "gecorrigeerde jaarrekening.' Alleen medewerkers lezen deze notitie."
        ),
        Status.REFUSED: _(
            "Bijvoorbeeld: 'Jaarrekening door de KvK afgekeurd; de administratie stuurt een "
            "verbeterde versie.' Alleen medewerkers lezen deze notitie."
        ),
    }

    def for_status(self, status: int) -> AttentionForm:
        """This form with the example note of a message at ``status``."""
        example = self.EXAMPLES.get(status)
        if example is not None:
            self.fields["note"].help_text = example
            # A form validated already keeps its bound field, which copied the help text.
            self["note"].help_text = example
        return self


class DeliveryCheckForm(forms.Form):
    """What a staff member found at Digipoort about the last attempt of a message at 70:
    it did not arrive (send again) or it did, under Digipoort's kenmerk (follow that one)."""

    NOT_DELIVERED = "not_delivered"
    DELIVERED = "delivered"
    #: As workflow.services.KENMERK_MAX_LENGTH, checked here to answer under the field.
    KENMERK_MAX_LENGTH = 100

    outcome = forms.ChoiceField(
        label=_("Wat heeft u bij Digipoort gezien?"),
        choices=[
            (NOT_DELIVERED, _("Niet afgeleverd: opnieuw verzenden")),
            (DELIVERED, _("Wel afgeleverd, met dit kenmerk")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Kies wat u bij Digipoort heeft gezien.")},
    )
    kenmerk = forms.CharField(
        label=_("Kenmerk van Digipoort"),
        required=False,
        max_length=KENMERK_MAX_LENGTH,
        help_text=_(
            "Het kenmerk dat Digipoort aan de aflevering gaf (alleen bij 'wel afgeleverd')."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        error_messages={
            "max_length": _("Een kenmerk van Digipoort heeft hooguit %(limit_value)d tekens.")
        },
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kenmerk = (data.get("kenmerk") or "").strip()
        data["kenmerk"] = kenmerk
        if data.get("outcome") == self.DELIVERED:
            if not kenmerk:
                self.add_error(
                    "kenmerk", _("Vul het kenmerk in dat Digipoort aan de aflevering gaf.")
                )
            elif any(character.isspace() for character in kenmerk):
                self.add_error("kenmerk", _("Een kenmerk van Digipoort bevat geen spaties."))
        return data


# --- InSite: the message list -----------------------------------------------------------------


class MessageFilterForm(forms.Form):
    """Filters of the InSite message list; invalid values are ignored, never an error page."""

    q = forms.CharField(
        label=_("Zoeken"),
        required=False,
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "placeholder": _("Organisatie, KvK-nummer, contactpersoon, bestand…"),
            }
        ),
    )
    status = forms.TypedChoiceField(
        label=_("Status"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[],  # in __init__: the labels in the reader's language
    )
    # The organisation by its name or KvK number: a list of every organisation as options
    # made the page grow with the accountancy (1,000 organisations: three quarters of it).
    organisation_q = forms.CharField(
        label=_("Organisatie"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Naam of KvK-nummer")}),
    )
    # One organisation by its id, from links such as "Alle berichten van deze organisatie";
    # the page shows it by name as a checkbox to untick (insite_messages.html).
    organisation = forms.ModelChoiceField(
        required=False, queryset=Organisation.objects.none(), widget=forms.HiddenInput
    )
    year = forms.TypedChoiceField(
        label=_("Boekjaar"), required=False, coerce=int, empty_value=None, choices=[]
    )
    message_type = forms.ChoiceField(label=_("Berichtsoort"), required=False, choices=[])
    attention = forms.BooleanField(label=_("Alleen wat aandacht vraagt"), required=False)
    # The organisations the staff member is responsible for (Organisation.responsible).
    mine = forms.BooleanField(label=_("Mijn cliënten"), required=False)
    # What the dashboard's tiles count (portal.views.insite.waiting_q).
    WAITING_ON_ACCOUNTANT = "accountant"
    WAITING_ON_CLIENT = "client"
    WAITING_ON_ANSWER = "question"
    waiting = forms.ChoiceField(label=_("Wacht op"), required=False, choices=[])

    def __init__(
        self, *args, organisations, years, message_types, waiting_days: int, **kwargs
    ) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["waiting"]).choices = [
            ("", _("Maakt niet uit")),
            (self.WAITING_ON_ACCOUNTANT, _("Beoordeling door de accountant")),
            (
                self.WAITING_ON_CLIENT,
                ngettext(
                    "De cliënt, langer dan %(days)d dag",
                    "De cliënt, langer dan %(days)d dagen",
                    waiting_days,
                )
                % {"days": waiting_days},
            ),
            (self.WAITING_ON_ANSWER, _("Een antwoord op een vraag van de cliënt")),
        ]
        cast(forms.ChoiceField, self.fields["status"]).choices = [("", _("Alle statussen"))] + [
            (status.value, f"{status.value} {status.label}") for status in PORTAL_STATUSES
        ]
        cast(forms.ModelChoiceField, self.fields["organisation"]).queryset = organisations
        cast(forms.ChoiceField, self.fields["year"]).choices = [("", _("Alle jaren"))] + [
            (y, str(y)) for y in years
        ]
        cast(forms.ChoiceField, self.fields["message_type"]).choices = [
            ("", _("Alle berichtsoorten"))
        ] + [(code, name) for code, name in message_types.items()]

    def filters(self) -> dict:
        """The valid filters; a field with a wrong value is dropped, and so is one left
        empty or unticked (compared by identity: status 0 equals False)."""
        self.is_valid()
        return {
            name: value
            for name, value in getattr(self, "cleaned_data", {}).items()
            if value is not None and value != "" and value is not False
        }


# --- InSite: set-up (administrators) ----------------------------------------------------------


class TokenForm(forms.Form):
    """ "Token aanmaken": a token for one organisation's environment. The organisation comes
    fixed from its own page (its "Token aanmaken" passes it: a hidden field, its name
    shown) or is found by the KvK number typed here; never a list of every organisation,
    which runs to hundreds in a firm and grew the page with each."""

    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        widget=forms.HiddenInput,
        error_messages={
            "invalid_choice": _(
                "Deze organisatie is niet gevonden bij uw kantoor; er is geen token "
                "aangemaakt. Open de organisatie onder Organisaties en kies daar Token "
                "aanmaken."
            )
        },
    )
    kvk_number = DigitsFormField(
        label=_("Organisatie (KvK-nummer)"),
        validators=[kvk_number_validator],
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        help_text=_(
            "Het token is voor de cliëntomgeving van deze organisatie. Heeft de organisatie "
            "geen KvK-nummer, open haar dan onder Organisaties en kies daar Token aanmaken."
        ),
        error_messages={"required": _("Vul het KvK-nummer van de organisatie in.")},
    )
    description = forms.CharField(
        label=_("Omschrijving"),
        required=False,
        max_length=200,
        help_text=_("Bijvoorbeeld de naam van de administratie of het pakket."),
    )
    expires_at = DayField(
        label=_("Verloopt op"),
        required=False,
        help_text=_("Leeg laten voor een token zonder einddatum."),
    )

    def __init__(
        self, *args, organisations, organisation: Organisation | None = None, **kwargs
    ) -> None:
        """``organisations``: those of the staff member's environment; ``organisation``:
        the one the page was opened for (``?organisation=``). A submitted form is for the
        organisation it names, else for the KvK number typed."""
        super().__init__(*args, **kwargs)
        self.organisations = organisations
        #: The organisation fixed for this token (shown by name), None while a KvK number
        #: chooses it.
        self.fixed_organisation = organisation
        if organisation is not None or (self.is_bound and self.data.get("organisation")):
            del self.fields["kvk_number"]
            cast(forms.ModelChoiceField, self.fields["organisation"]).queryset = organisations
            if organisation is not None:
                self.initial["organisation"] = organisation.pk
        else:
            del self.fields["organisation"]

    def clean_organisation(self) -> Organisation:
        self.fixed_organisation = self.cleaned_data["organisation"]
        return self.fixed_organisation

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        number = data.get("kvk_number")
        if number:
            organisation = self.organisations.filter(
                identifications__kind=Identification.Kind.KVK, identifications__value=number
            ).first()
            if organisation is None:
                self.add_error(
                    "kvk_number",
                    _(
                        "Geen organisatie van uw kantoor heeft KvK-nummer %(number)s. "
                        "Controleer het nummer, of maak de organisatie eerst aan onder "
                        "Organisaties."
                    )
                    % {"number": number},
                )
            data["organisation"] = organisation
        return data

    def clean_expires_at(self) -> date | None:
        value = self.cleaned_data["expires_at"]
        if value is not None and value <= timezone.localdate():
            raise forms.ValidationError(_("De einddatum moet in de toekomst liggen."))
        return value


class ConnectorForm(forms.ModelForm):
    class Meta:
        model = AppConnector
        fields = ["name", "blocked", "commsvc"]


class MessageTypeForm(forms.ModelForm):
    class Meta:
        model = MessageType
        fields = ["name", "blocked", "workflow"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(
            forms.ModelChoiceField, self.fields["workflow"]
        ).queryset = WorkflowDefinition.objects.filter(environment_id=self.instance.environment_id)


class YearEndForm(forms.Form):
    """The financial year end, day and month, as the deadlines take it (DeadlineFacts):
    a day the month has, with 29 February for "the last day of February"."""

    year_end_day = forms.IntegerField(label=_("Einde boekjaar: dag"), min_value=1, max_value=31)
    year_end_month = forms.IntegerField(label=_("Einde boekjaar: maand"), min_value=1, max_value=12)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        month, day = data.get("year_end_month"), data.get("year_end_day")
        if month and day:
            try:
                financial_year_period(2024, month, day)
            except ValueError:
                self.add_error(None, _("Deze datum bestaat niet als einde van een boekjaar."))
        return data


class StaffMemberChoiceField(forms.ModelChoiceField):
    """A staff member of the environment, by name (StaffMember.display_name)."""

    def label_from_instance(self, obj: Any) -> str:
        return obj.display_name


def responsible_field() -> StaffMemberChoiceField:
    """ "Verantwoordelijk medewerker" of an organisation; its queryset is the staff of the
    organisation's environment (``staff_of``), so another environment's is refused."""
    return StaffMemberChoiceField(
        label=_("Verantwoordelijk medewerker"),
        queryset=StaffMember.objects.none(),
        required=False,
        empty_label=_("Geen: alle medewerkers"),
        help_text=_(
            "Krijgt als enige de e-mail over de berichten en termijnen van deze organisatie "
            "en vindt haar onder 'Mijn cliënten'. Zonder verantwoordelijke krijgen alle "
            "medewerkers die e-mail."
        ),
    )


def staff_of(environment_id: int) -> Any:
    return (
        StaffMember.objects.filter(environment_id=environment_id)
        .select_related("user")
        .order_by("user__first_name", "user__last_name", "user__username")
    )


class ResponsibleForm(forms.Form):
    """The organisation page's choice of its responsible staff member."""

    responsible = responsible_field()

    def __init__(self, *args: Any, environment_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["responsible"]).queryset = staff_of(environment_id)


class OrganisationForm(YearEndForm):
    """ "Nieuwe organisatie": name and KvK number, and what the legal deadlines depend on
    from the first day (deadlines.selectors.create_organisation), and who is responsible
    for it."""

    field_order = [
        "name",
        "kvk_number",
        "legal_form",
        "year_end_day",
        "year_end_month",
        "responsible",
    ]

    name = forms.CharField(label=_("Naam"), max_length=200)
    # The number the organisation files with: not one the KvK refuses (beginning with 00).
    kvk_number = DigitsFormField(
        label=_("KvK-nummer"),
        validators=[refuse_unfilable_kvk_number],
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    # No legal form chosen in advance: a default BV gave a stichting a BV's deadlines.
    legal_form = forms.ChoiceField(
        label=_("Rechtsvorm"),
        choices=[("", "---------"), *tx.legal_form_choices()],
        help_text=_("Hiervan hangen de wettelijke termijnen af."),
        error_messages={
            "required": _("Kies de rechtsvorm: de wettelijke termijnen hangen ervan af.")
        },
    )

    responsible = responsible_field()

    def __init__(self, *args, environment, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.environment = environment
        cast(forms.ModelChoiceField, self.fields["responsible"]).queryset = staff_of(environment.pk)
        # A calendar year unless said otherwise, as DeadlineFacts assumes without a row.
        self.fields["year_end_day"].initial = 31
        self.fields["year_end_month"].initial = 12

    def clean_kvk_number(self) -> str:
        value = self.cleaned_data["kvk_number"]
        taken = (
            Identification.objects.select_related("organisation")
            .filter(environment=self.environment, kind=Identification.Kind.KVK, value=value)
            .first()
        )
        if taken is not None:
            # Named, as the service and the identification numbers name it: the client may
            # be in Deponeer already, under another name.
            raise forms.ValidationError(
                _("KvK-nummer %(nummer)s hoort al bij organisatie '%(naam)s'.")
                % {"nummer": value, "naam": taken.organisation.name}
            )
        return value


class IdentificationForm(forms.Form):
    """An identification number of an organisation: "Nieuw" (``adding``: Type and
    Identificatienummer) or the correction of the number of one type. The checks are the
    service's (crm.services.check_identification), answered under the fields."""

    kind = forms.ChoiceField(label=_("Type"), choices=Identification.Kind.choices)
    value = forms.CharField(
        label=_("Identificatienummer"),
        max_length=30,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "off", "spellcheck": "false"}
        ),
    )

    #: Refusals of the service about the type (shown under it when adding, else above the
    #: form) or the whole change; any other is about the number.
    NOT_ABOUT_THE_NUMBER = frozenset({"kind_unknown", "kind_exists", "kind_missing"})

    def __init__(self, *args: Any, organisation: Organisation, user: Any, adding: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation, self.user, self.adding = organisation, user, adding

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        try:
            data["value"] = crm_services.check_identification(
                organisation=self.organisation,
                kind=data["kind"],
                value=data["value"],
                user=self.user,
                adding=self.adding,
            )
        except crm_services.IdentificationError as error:
            field: str | None = "value"
            if error.code in self.NOT_ABOUT_THE_NUMBER:
                field = "kind" if self.adding else None
            elif error.code == "kvk_on_the_way":
                field = None
            self.add_error(field, error.message)
        return data


LOGIN_TAKEN = _(
    "Dit e-mailadres is al de login van een andere portalgebruiker of medewerker. Eén "
    "persoon heeft één login; gebruik een ander e-mailadres voor deze contactpersoon."
)

#: Why a contact cannot get a portal login (crm.services.PortalLoginRefused.code).
LOGIN_REFUSALS = {
    "login_taken": LOGIN_TAKEN,
    "already_contact": _(
        "Deze persoon is met dit e-mailadres al contactpersoon van deze organisatie."
    ),
}


class ContactForm(forms.ModelForm):
    class Meta:
        model = Contact
        fields = ["name", "email", "language", "portal_access", "is_director"]
        help_texts = {
            "portal_access": _(
                "De contactpersoon krijgt een e-mail om een wachtwoord in te stellen en kan "
                "daarna de berichten van deze organisatie beoordelen."
            ),
        }

    def __init__(self, *args: Any, organisation: Organisation | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        # The directors sign under the article of the organisation's legal form (kvk.adoption).
        signing = str(_("Bestuurders ondertekenen de jaarrekening."))
        if organisation is not None:
            signing = adoption.cite(signing, organisation.legal_form)
        self.fields["is_director"].help_text = "{} {}".format(
            signing,
            _(
                "Vraagt de workflow goedkeuring door alle bestuurders, dan keurt deze persoon "
                "ook goed."
            ),
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("portal_access") and not data.get("email"):
            self.add_error("email", _("Voor toegang tot de klantportal is een e-mailadres nodig."))
        elif data.get("portal_access") and self.organisation is not None:
            # The login this person gets: a new one, or the one they already have as the
            # contact of another organisation of this environment (crm.services).
            try:
                crm_services.portal_login(organisation=self.organisation, email=data["email"])
            except crm_services.PortalLoginRefused as refused:
                self.add_error("email", LOGIN_REFUSALS[refused.code])
        return data


def workflow_rules(environment_id: int) -> tuple[str, str]:
    """The approver and adopter rules of the workflow an environment's organisations follow
    (the message type's); one contact, and whoever approves, when none is linked."""
    rules = (
        MessageType.objects.filter(environment_id=environment_id, code=MessageType.KVK_MICRO_KLEIN)
        .exclude(workflow=None)
        .values_list("workflow__approver_rule", "workflow__adopter_rule")
        .first()
    )
    return rules or (ApproverRule.ONE, AdopterRule.APPROVER)


class ApprovalRulesForm(forms.ModelForm):
    """An organisation's form with its approval rules: a named set of approvers, or a named
    adopter, is chosen, not left empty (nobody could approve or adopt its messages). Used by
    InSite's "Goedkeuring" and the admin's organisation page alike."""

    #: The adopter rule that applies when the organisation's is left empty.
    default_adopter_rule: str = AdopterRule.APPROVER
    #: Whether rules left as they were are checked too: on InSite's "Goedkeuring" they are
    #: what the page is about; on a page with more of the organisation (the admin's), a
    #: rename must not wait for approvers to replace named ones that were deleted.
    check_unchanged_rules: bool = True

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        rules = {"approver_rule", "approvers", "adopter_rule", "adopter"}
        if (
            not self.check_unchanged_rules
            and self.instance.pk is not None
            and not rules & set(self.changed_data)
        ):
            return data
        if data.get("approver_rule") == ApproverRule.NAMED and not data.get("approvers"):
            self.add_error("approvers", _("Kies wie moeten goedkeuren."))
        adopter_rule = data.get("adopter_rule") or self.default_adopter_rule
        if adopter_rule == AdopterRule.NAMED and not data.get("adopter"):
            self.add_error("adopter", _("Kies wie de vaststelling vastlegt."))
        return data


class OrganisationApproversForm(ApprovalRulesForm):
    """Who must approve this organisation's messages and who records the adoption: the
    workflow's setting (left empty) or another rule, the named set of approvers and the
    named adopter, both among the contacts with portal access."""

    class Meta:
        model = Organisation
        fields = ["approver_rule", "approvers", "adopter_rule", "adopter"]
        widgets = {"approvers": forms.CheckboxSelectMultiple}

    def __init__(
        self,
        *args: Any,
        default_label: Any = "",
        default_adopter_rule: str = AdopterRule.APPROVER,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.default_adopter_rule = default_adopter_rule
        inherit = _("Volgens de workflow: %(rule)s")
        rule = cast(forms.ChoiceField, self.fields["approver_rule"])
        rule.choices = [("", inherit % {"rule": default_label}), *ApproverRule.choices]
        adopter_rule = cast(forms.ChoiceField, self.fields["adopter_rule"])
        adopter_rule.choices = [
            ("", inherit % {"rule": AdopterRule(default_adopter_rule).label}),
            *AdopterRule.choices,
        ]
        can_approve = self.instance.contacts.filter(CAN_ACT_IN_OUTSITE).order_by("name")
        approvers = cast(forms.ModelMultipleChoiceField, self.fields["approvers"])
        approvers.queryset = can_approve
        approvers.help_text = _(
            "Alleen bij 'Een vaste groep contactpersonen': wie moeten goedkeuren."
        )
        adopter = cast(forms.ModelChoiceField, self.fields["adopter"])
        adopter.queryset = can_approve
        adopter.help_text = _("Alleen bij 'Eén aangewezen contactpersoon': wie vaststelt.")


# --- login: the second factor -------------------------------------------------------------


class PasswordResetForm(auth_forms.PasswordResetForm):
    """ "Wachtwoord vergeten": also for a client whose invitation link expired before he chose
    a password (crm.logins.awaits_password); Django's form reaches only logins with one."""

    def get_users(self, email: str) -> Iterator[Any]:
        field = get_user_model().get_email_field_name()
        for user in logins.addressed_to(email).filter(is_active=True):
            # As Django's form: the database's iexact may match another address than the
            # one typed (CVE-2019-19844); the mail goes to the login's own address.
            same = folded_address(getattr(user, field)) == folded_address(email)
            if same and (user.has_usable_password() or logins.awaits_password(user)):
                yield user


def folded_address(address: str) -> str:
    """An e-mail address as Django's reset form compares them (NFKC, case folded)."""
    return unicodedata.normalize("NFKC", address).casefold()


class LoginForm(AuthenticationForm):
    """Username and password. The username is found without regard to capitals
    (crm.logins), so the refusal no longer says both fields are case-sensitive."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _(
            "Voer een juiste gebruikersnaam en wachtwoord in. Let op: het wachtwoord is "
            "hoofdlettergevoelig, de gebruikersnaam niet."
        ),
    }


class OTPTokenForm(forms.Form):
    token = forms.CharField(
        label=_("Code uit uw authenticator-app"),
        min_length=6,
        max_length=8,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "autofocus": True}
        ),
    )

    def clean_token(self) -> str:
        return self.cleaned_data["token"].replace(" ", "")


class SetPasswordForm(auth_forms.SetPasswordForm):
    """Choosing a password (the reset link, the invitation): what the password rules
    (AUTH_PASSWORD_VALIDATORS) find is said under the password typed first, where it is
    typed; the confirmation only says when the two differ. Django says both under the
    confirmation."""

    def clean(self) -> dict[str, Any] | None:
        self.validate_passwords("new_password1", "new_password2")
        self.validate_password_for_user(self.user, "new_password1")
        # Past SetPasswordForm.clean, which would validate the confirmation again.
        return super(auth_forms.SetPasswordForm, self).clean()
