"""Forms of the client's screens.

What the KvK refuses for a value's type (lengths, patterns, value lists of the NT19
taxonomy, ``kvk.taxonomy.value_problem``) is refused here already, with a Dutch message
that says what to fix.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django import forms
from django.core.validators import RegexValidator
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.translation import gettext_lazy as _

from clientside.models import (
    Administration,
    AnnualReport,
    CommunicationProfile,
    Signatory,
    caption,
    normalise_participant_number,
)
from clientside.portal_client import address_problem
from clientside.trial_balance import MAX_AMOUNT_DIGITS, euro_digits, parse_amount
from config.dates import format_day
from kvk import adoption
from kvk import taxonomy as tx
from kvk.fields import DATE_INPUT, DayField, DigitsFormField, refuse_unfilable_kvk_number
from kvk.statements import is_annual, years_later

if TYPE_CHECKING:  # the stubs' name for a text or a lazy translation; no runtime import
    from django_stubs_ext import StrOrPromise


def _refuse_unless_valid(qname: str, value: str, message: StrOrPromise) -> None:
    """A Dutch ValidationError when the taxonomy's type of ``qname`` refuses ``value``."""
    if value and tx.value_problem(qname, value) is not None:
        raise forms.ValidationError(message, code="taxonomy")


#: FR-NL-1.02: an instance holds only Basic Latin, Latin-1 Supplement and the currency
#: symbols (plus the XML whitespace). Text pasted from a word processor often brings
#: curly quotes, dashes or an ellipsis the KvK refuses.
_UNACCEPTED_CHARACTER = re.compile("[^\t\n\r\u0020-\u007e\u00a0-\u00ff\u20a0-\u20cf]")


def refuse_unaccepted_characters(form: forms.BaseForm) -> None:
    """A Dutch error on every text field with a character the KvK does not accept."""
    for name, value in list(form.cleaned_data.items()):
        bad = _UNACCEPTED_CHARACTER.search(value) if isinstance(value, str) else None
        if bad:
            form.add_error(
                name,
                _(
                    "Het teken '%(char)s' accepteert de KvK niet (FR-NL-1.02); vervang het, "
                    "bijvoorbeeld door een gewoon aanhalingsteken, streepje of drie punten."
                )
                % {"char": bad.group()},
            )


def normalise_postal_code(value: str) -> str:
    """ "3511 ax" -> "3511AX" (nl-types:nlzipItemType has no space, capitals only)."""
    return re.sub(r"\s+", "", value or "").upper()


#: "120a", "120 bis", "120-2": a house number with its addition in one field.
_NUMBER_WITH_ADDITION = re.compile(
    r"^(\d{1,5})(?:\s*-\s*([A-Za-z0-9]{1,4})|\s*([A-Za-z][A-Za-z0-9]{0,3}))$"
)


class AdministrationForm(forms.ModelForm):
    """The KvK tab: the company as registered, with the address and e-mail address the
    filing carries."""

    sbi_code = forms.CharField(
        label=_("SBI-code"),
        required=False,
        max_length=10,
        validators=[RegexValidator(r"^\d{2,5}$", _("Een SBI-code bestaat uit 2 tot 5 cijfers."))],
    )
    legal_form = forms.ChoiceField(
        label=_("Rechtsvorm"),
        choices=tx.legal_form_choices(),
        help_text=_("Zoals in het Handelsregister, uit de lijst van de KvK-taxonomie."),
    )
    # Longer than stored: the postal code is normalised ("3511 ax" -> "3511AX") and a
    # house number with its addition split ("120a") before the taxonomy's checks, which
    # say in Dutch what is too long.
    street = forms.CharField(
        label=_("Straat"),
        max_length=200,
        help_text=_("Hoogstens 24 tekens; kort zo nodig af, bijvoorbeeld 'Burg. de Withstr.'."),
    )
    place = forms.CharField(label=_("Plaats"), max_length=200)
    postal_code = forms.CharField(label=_("Postcode"), max_length=10)
    house_number = forms.CharField(
        label=_("Huisnummer"),
        max_length=12,
        help_text=_("Alleen cijfers; een letter of toevoeging in het volgende veld."),
    )
    house_number_addition = forms.CharField(
        label=_("Toevoeging"),
        max_length=12,
        required=False,
        help_text=_("Bijvoorbeeld A, bis of 2hg (hoogstens 4 tekens)."),
    )
    kvk_report = forms.ChoiceField(
        label=_("KvK-rapport"),
        choices=[
            (value, text)
            for value, text in Administration.Report.choices
            if value in tx.BUILDABLE_VARIANTS
        ],
        help_text=_("Welk rapport wordt gedeponeerd (micro of klein, met varianten)."),
    )
    # Left empty (a script that does not know them), they keep what is stored: 31
    # December for a new administration. A day the month does not have is refused by
    # Administration.clean.
    year_end_day = forms.IntegerField(
        label=_("Einde boekjaar: dag"),
        min_value=1,
        max_value=31,
        required=False,
        help_text=_(
            "Zoals in de statuten; noemen die geen ander boekjaar, dan is het boekjaar het "
            "kalenderjaar (31 december). Een nieuw jaarrapport krijgt deze periode."
        ),
    )
    year_end_month = forms.TypedChoiceField(
        label=_("Einde boekjaar: maand"),
        choices=list(MONTHS.items()),
        coerce=int,
        required=False,
        empty_value=None,
    )

    class Meta:
        model = Administration
        field_classes = {"kvk_number": DigitsFormField}
        fields = [
            "name",
            "legal_form",
            "seat",
            "kvk_number",
            "sbi_code",
            "street",
            "house_number",
            "house_number_addition",
            "postal_code",
            "place",
            "filing_email",
            "kvk_report",
            "year_end_day",
            "year_end_month",
            "contact_type",
            "contact_person",
            "contact_email",
            "contact_phone",
        ]
        help_texts = {
            "name": _("Zoals ingeschreven in het Handelsregister."),
            "kvk_number": _("Acht cijfers."),
            "filing_email": _(
                "Het e-mailadres van de onderneming dat in het document voor de KvK staat "
                "(verplicht). Dit is niet het adres van de contactpersoon hieronder."
            ),
            "contact_type": _(
                "Ondernemer: u deponeert zelf. Intermediair: een ander deponeert namens u; "
                "vul dan de contactpersoon in."
            ),
            "contact_email": _("Alleen voor contact over de administratie; niet in het document."),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # The filing needs the e-mail address (nl-cd:EmailAddressFull) and the whole
        # address (NT19's entity address assertions; the fields above are required).
        self.fields["filing_email"].required = True
        # Checked here, on the number without its spaces: the model's checks (its
        # max_length among them) then leave the field alone, and one message says it:
        # eight digits, and not what the KvK refuses of eight digits (beginning with 00).
        self.fields["kvk_number"].validators = [refuse_unfilable_kvk_number]
        # A new administration shows the year end it gets (31 December, art. 2:10a BW):
        # a month list without a chosen month would send its first month, January.
        for name in ("year_end_day", "year_end_month"):
            self.initial.setdefault(name, getattr(self.instance, name))

    def clean_year_end_day(self) -> int:
        return self.cleaned_data.get("year_end_day") or self.instance.year_end_day

    def clean_year_end_month(self) -> int:
        return self.cleaned_data.get("year_end_month") or self.instance.year_end_month

    def clean_street(self) -> str:
        value = self.cleaned_data.get("street", "").strip()
        _refuse_unless_valid(
            tx.ADDRESS_CONCEPTS["street"],
            value,
            _(
                "De straatnaam heeft %(length)s tekens; de KvK accepteert er hoogstens "
                "%(max)s. Kort de naam af, bijvoorbeeld 'Burg. de Withstr.'."
            )
            % {"length": len(value), "max": tx.max_length(tx.ADDRESS_CONCEPTS["street"])},
        )
        return value

    def clean_postal_code(self) -> str:
        value = normalise_postal_code(self.cleaned_data.get("postal_code", ""))
        _refuse_unless_valid(
            tx.ADDRESS_CONCEPTS["postal_code"],
            value,
            _(
                "Vul een Nederlandse postcode in: vier cijfers (niet beginnend met 0) en "
                "twee letters, bijvoorbeeld 3511 AX."
            ),
        )
        return value

    def clean_place(self) -> str:
        value = self.cleaned_data.get("place", "").strip()
        _refuse_unless_valid(
            tx.ADDRESS_CONCEPTS["place"],
            value,
            _("De plaatsnaam is te lang: hoogstens %(max)s tekens.")
            % {"max": tx.max_length(tx.ADDRESS_CONCEPTS["place"])},
        )
        return value

    def clean_filing_email(self) -> str:
        value = self.cleaned_data.get("filing_email", "").strip()
        _refuse_unless_valid(
            tx.EMAIL,
            value,
            _("Vul een volledig e-mailadres in, bijvoorbeeld administratie@voorbeeld.nl."),
        )
        return value

    def clean(self) -> dict:
        data = super().clean() or {}
        number = (data.get("house_number") or "").strip()
        split = _NUMBER_WITH_ADDITION.match(number)
        if split and not (data.get("house_number_addition") or "").strip():
            # "120a" typed in one field: the number and its addition.
            data["house_number"] = split.group(1)
            data["house_number_addition"] = split.group(2) or split.group(3)
        _check_field(
            self,
            "house_number",
            tx.ADDRESS_CONCEPTS["house_number"],
            _(
                "Vul alleen het huisnummer in: 1 tot 5 cijfers. Letters en andere "
                "toevoegingen horen in het veld Toevoeging."
            ),
        )
        _check_field(
            self,
            "house_number_addition",
            tx.ADDRESS_CONCEPTS["house_number_addition"],
            _("De toevoeging is hoogstens %(max)s tekens, bijvoorbeeld A, bis of 2hg.")
            % {"max": tx.max_length(tx.ADDRESS_CONCEPTS["house_number_addition"])},
        )
        if data.get("contact_type") == Administration.ContactType.INTERMEDIARY and not data.get(
            "contact_person"
        ):
            self.add_error(
                "contact_person",
                _("Bij soort contact Intermediair is een contactpersoon verplicht."),
            )
        _refuse_a_second_administration(self)
        refuse_unaccepted_characters(self)
        return data


def _refuse_a_second_administration(form: forms.ModelForm) -> None:
    """One administration per KvK number: with two, the commands that take a KvK number
    pick one of them, and send/receive reports them under one number."""
    number = form.cleaned_data.get("kvk_number")
    if not number or form.errors:  # the look-up once the rest is right
        return
    other = Administration.objects.filter(kvk_number=number).exclude(pk=form.instance.pk).first()
    if other is not None:
        form.add_error(
            "kvk_number",
            _(
                "De administratie %(name)s heeft al KvK-nummer %(number)s. Open die "
                "administratie in plaats van een tweede te maken."
            )
            % {"number": number, "name": other.name},
        )


def _check_field(form: forms.BaseForm, name: str, qname: str, message: StrOrPromise) -> None:
    value = str(form.cleaned_data.get(name) or "").strip()
    if value and tx.value_problem(qname, value) is not None:
        form.add_error(name, message)
    elif name in form.cleaned_data:
        form.cleaned_data[name] = value


class SignatoryForm(forms.ModelForm):
    class Meta:
        model = Signatory
        fields = ["name", "function", "order"]
        help_texts = {
            "function": _("Huidig of voormalig bestuurder of commissaris (lijst van de KvK)."),
            "order": _("De volgorde van de handtekeningen in het document."),
        }

    def clean(self) -> dict:
        data = super().clean() or {}
        refuse_unaccepted_characters(self)
        return data


class CommunicationProfileForm(forms.ModelForm):
    """ "Communicatie met accountant". The token is write-only: the field is always empty
    on screen, and left empty it keeps the stored token."""

    participant_number = forms.CharField(
        label=_("Deelnemernummer"),
        max_length=12,
        help_text=_("De vijf cijfers van de omgeving van uw accountant, bijv. O12345AA → 12345."),
    )
    portal_url_override = forms.URLField(
        label=_("Eigen portaladres"),
        required=False,
        assume_scheme="https",
        help_text=_(
            "Alleen invullen als uw accountant een eigen portaladres gebruikt; anders "
            "volgt het adres uit het deelnemernummer."
        ),
    )
    token = forms.CharField(
        label=_("Token"),
        required=False,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text=_(
            "Het token dat uw accountant u gaf. Het wordt na opslaan nooit meer getoond; "
            "laat leeg om het huidige token te houden."
        ),
    )

    class Meta:
        model = CommunicationProfile
        fields = ["blocked", "participant_number", "portal_url_override"]
        help_texts = {
            "blocked": _("Geblokkeerd: er wordt niets verzonden of opgehaald."),
        }

    def clean_participant_number(self) -> str:
        value = normalise_participant_number(self.cleaned_data.get("participant_number", ""))
        if not (len(value) == 5 and value.isdigit()):
            raise forms.ValidationError(
                _("Vul precies vijf cijfers in (bijvoorbeeld 12345 of O12345AA).")
            )
        return value

    def clean(self) -> dict:
        data = super().clean() or {}
        has_token = bool(self.instance.pk and self.instance.token)
        if not data.get("token") and not has_token:
            self.add_error("token", _("Vul het token in dat uw accountant u gaf."))
        moved = self.instance.pk and (
            data.get("participant_number", self.instance.participant_number)
            != self.instance.participant_number
            or (data.get("portal_url_override") or "") != (self.instance.portal_url_override or "")
        )
        if moved and has_token and not data.get("token"):
            # The stored token goes only to the address it was entered for.
            self.add_error(
                "token",
                _(
                    "Het portaladres is gewijzigd: vul het token opnieuw in. Het opgeslagen "
                    "token wordt alleen naar het adres gestuurd waarvoor het is ingevuld."
                ),
            )
        override = data.get("portal_url_override")
        if override:
            problem = address_problem(override)
            if problem:
                self.add_error("portal_url_override", problem)
        return data


_VALID_YEAR = _("Vul een geldig boekjaar in, bijvoorbeeld 2025.")
#: The first financial year a report can be made for.
FIRST_YEAR = 2000


class NewReportForm(forms.Form):
    financial_year = forms.IntegerField(
        label=_("Boekjaar"),
        min_value=FIRST_YEAR,
        max_value=2100,
        help_text=_("Het jaar waarin het boekjaar begint, bijvoorbeeld 2025."),
        error_messages={key: _VALID_YEAR for key in ("required", "invalid")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A year out of range says which years can be chosen: from FIRST_YEAR to this
        # year (a later one has not begun, clean_financial_year).
        out_of_range = _("Vul een boekjaar in van %(first)s tot en met %(last)s.") % {
            "first": FIRST_YEAR,
            "last": timezone.localdate().year,
        }
        self.fields["financial_year"].error_messages.update(
            min_value=out_of_range, max_value=out_of_range
        )

    def clean_financial_year(self) -> int:
        """A year that has not begun has no accounts yet (its report would also become the
        administration's next step, ahead of the year that is due)."""
        year = self.cleaned_data["financial_year"]
        if year > timezone.localdate().year:
            raise forms.ValidationError(
                _(
                    "Boekjaar %(year)s is nog niet begonnen; kies een boekjaar dat al loopt "
                    "of voorbij is."
                )
                % {"year": year}
            )
        return year


class ResubmissionForm(NewReportForm):
    """A heraanlevering of accounts filed elsewhere (KVK-SBR.md section 1): the year, the
    adoption date of the filed accounts (BR-KVK-4.12, 4.16) and the user's word that they
    were adopted and filed."""

    adoption_date = DayField(
        label=_("Datum vaststelling"),
        help_text=_("De datum waarop de gedeponeerde jaarrekening is vastgesteld."),
        error_messages={
            "required": _("Een heraanlevering vereist de datum van vaststelling."),
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # It stands on the administration's page beside NewReportForm: ids of its own.
        kwargs.setdefault("auto_id", "id_resubmission_%s")
        super().__init__(*args, **kwargs)

    filed_elsewhere = forms.BooleanField(
        label=_(
            "De jaarrekening over dit boekjaar is vastgesteld en al bij de KvK gedeponeerd "
            "(bijvoorbeeld door een vorige accountant)."
        ),
        error_messages={
            "required": _(
                "Een heraanlevering corrigeert een gedeponeerde jaarrekening; bevestig dat "
                "die er is. Is er nog niets gedeponeerd, maak dan een jaarrapport aan."
            )
        },
    )


class ReportingValuesForm(forms.ModelForm):
    """Who signed, when and where, and per signatory whether he or she signed (with the
    reason when not, under the article of the legal form, kvk.adoption); the adoption date,
    with who adopts; for a resubmission its explanation."""

    class Meta:
        model = AnnualReport
        fields = [
            "signed_by",
            "signed_date",
            "signing_place",
            "adoption_date",
            "resubmission_explanation",
        ]
        field_classes = {"signed_date": DayField, "adoption_date": DayField}
        widgets = {
            "signed_date": DATE_INPUT,
            "adoption_date": DATE_INPUT,
            "resubmission_explanation": forms.Textarea(attrs={"rows": 3, "cols": 80}),
        }
        help_texts = {
            "signed_date": _("De datum waarop de bestuurder(s) de jaarrekening ondertekenden."),
            "signing_place": _("De plaats waar is ondertekend, bijvoorbeeld Utrecht."),
            "adoption_date": _(
                "De datum waarop de jaarrekening werd vastgesteld; bij een heraanlevering is "
                "deze datum verplicht."
            ),
            "resubmission_explanation": _(
                "Waarom de gedeponeerde jaarrekening wordt vervangen (verplicht bij een "
                "heraanlevering)."
            ),
        }

    def __init__(
        self,
        *args,
        signatories: list[Signatory],
        portal_adoption: date | None = None,
        **kwargs,
    ) -> None:
        """``portal_adoption``: for a heraanlevering, the adoption date the portal brought
        back for the filed accounts it corrects (services.portal_adoption_date)."""
        super().__init__(*args, **kwargs)
        if not self.instance.resubmission:
            del self.fields["resubmission_explanation"]
        # Who adopts and the article the directors sign under follow the legal form.
        self.legal_form = self.instance.administration.legal_form
        field = self.fields["adoption_date"]
        if not (self.instance.resubmission or self.instance.second_filing):
            field.help_text = self._proposed_adoption_text()
        if self.instance.second_filing:
            field.help_text = _(
                "De datum waarop de jaarrekening werd vastgesteld; verplicht bij de tweede "
                "aanlevering, want die is de vastgestelde jaarrekening."
            )
        if portal_adoption is not None:
            field.help_text = self._portal_adoption_text(portal_adoption)
        who = adoption.adopted_by(self.legal_form)
        field.help_text = f"{who} {field.help_text}" if who else field.help_text
        stored = {s.signatory_id: s for s in self.instance.signatures.all()}
        self.signatories = signatories
        for signatory in signatories:
            signature = stored.get(signatory.pk)
            signed = signature is None
            self.fields[f"signed_{signatory.pk}"] = forms.BooleanField(
                label=_("%(name)s heeft ondertekend") % {"name": signatory.name},
                required=False,
                initial=signed,
            )
            reason_label = _("Reden niet ondertekend (%(name)s)") % {"name": signatory.name}
            self.fields[f"reason_{signatory.pk}"] = forms.CharField(
                label=reason_label,
                # In the signatures table, beside the signatory's name: its own name.
                widget=forms.TextInput(attrs={"aria-label": reason_label}),
                required=False,
                max_length=1000,
                initial="" if signed else signature.reason_not_signed,  # type: ignore[union-attr]
            )

    def _proposed_adoption_text(self) -> StrOrPromise:
        """A first filing: its date goes with the upload and fills in the portal's
        "Jaarrekening vastgesteld" form (services.proposed_adoption_date), unless signing is
        the adoption there (kvk.adoption.signing_is_adoption, a fact the accountant records
        in the portal, not here): then the portal fills in the date all directors signed."""
        if adoption.signing_is_adoption(self.legal_form, all_shareholders_are_directors=True):
            return _(
                "De datum waarop de jaarrekening werd vastgesteld. 'Jaarrekening "
                "vastgesteld' vinkt u aan in het portal van uw accountant; daar staat deze "
                "datum dan al ingevuld, behalve als alle aandeelhouders ook bestuurder zijn: "
                "dan geldt de ondertekening als vaststelling en staat daar de datum waarop "
                "alle bestuurders ondertekenden."
            )
        return _(
            "De datum waarop de jaarrekening werd vastgesteld. 'Jaarrekening vastgesteld' "
            "vinkt u aan in het portal van uw accountant; daar staat deze datum dan al "
            "ingevuld."
        )

    def _portal_adoption_text(self, day: date) -> str:
        """Where the heraanlevering's adoption date came from: the portal, where the client
        adopted the filed accounts; and that the date may still be changed."""
        words = {"day": format_day(day)}
        if self.instance.adoption_date == day:
            return (
                _(
                    "Overgenomen uit het portal van uw accountant: daar is de gedeponeerde "
                    "jaarrekening vastgesteld op %(day)s. Is de jaarrekening op een andere datum "
                    "vastgesteld, pas de datum dan aan; een heraanlevering vereist hem."
                )
                % words
            )
        return (
            _(
                "In het portal van uw accountant is de gedeponeerde jaarrekening vastgesteld op "
                "%(day)s; een heraanlevering vereist de datum van vaststelling."
            )
            % words
        )

    def signing_note(self) -> str:
        return " ".join(
            [
                adoption.cite(
                    str(_("Wie niet ondertekent, staat met de reden in het document.")),
                    self.legal_form,
                ),
                str(
                    _(
                        "Commissarissen tellen mee als 'Bestuurder(s) en commissaris(sen)' "
                        "is gekozen."
                    )
                ),
            ]
        )

    def signature_rows(self) -> list[dict]:
        return [
            {
                "signatory": s,
                "signed": self[f"signed_{s.pk}"],
                "reason": self[f"reason_{s.pk}"],
            }
            for s in self.signatories
        ]

    def clean(self) -> dict:
        data = super().clean() or {}
        for signatory in self.signatories:
            signed = data.get(f"signed_{signatory.pk}")
            reason = (data.get(f"reason_{signatory.pk}") or "").strip()
            if not signed and not reason:
                self.add_error(
                    f"reason_{signatory.pk}",
                    adoption.cite(
                        _(
                            "Geef de reden waarom %(name)s niet heeft ondertekend; die staat "
                            "in het document."
                        )
                        % {"name": signatory.name},
                        self.legal_form,
                    ),
                )
            data[f"reason_{signatory.pk}"] = "" if signed else reason
        refuse_unaccepted_characters(self)
        return data

    def signatures(self) -> dict[int, tuple[bool, str]]:
        """signatory id -> (signed, reason not signed)."""
        return {
            s.pk: (
                bool(self.cleaned_data.get(f"signed_{s.pk}")),
                self.cleaned_data.get(f"reason_{s.pk}") or "",
            )
            for s in self.signatories
        }


class AmountField(forms.Field):
    """An amount in whole euros: 1.234 or 1234; empty is no amount. Cents and more than
    20 digits are refused: KvK amounts are whole euros of at most 20 digits
    (nl-types:monetaryNoDecimals20ItemType, totalDigits 20)."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("required", False)
        # No maxlength: it would cut a long amount silently (20 digits with thousands
        # separators are 26 characters); to_python refuses what the KvK does not accept.
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal", "size": 12}))
        super().__init__(**kwargs)

    def to_python(self, value: str | None) -> Decimal | None:  # type: ignore[override]
        text = (value or "").strip()
        if not text:
            return None
        try:
            amount = parse_amount(text)
        except ValueError as error:
            raise forms.ValidationError(str(error))
        digits = euro_digits(amount)
        if digits > MAX_AMOUNT_DIGITS:
            # Before the rounding below, which fails beyond Decimal's 28 digits.
            raise forms.ValidationError(
                _(
                    "Dit bedrag heeft %(digits)s cijfers; de KvK accepteert bedragen van "
                    "hoogstens %(max)s cijfers."
                )
                % {"digits": digits, "max": MAX_AMOUNT_DIGITS}
            )
        if amount != amount.to_integral_value():
            raise forms.ValidationError(
                _(
                    "Vul hele euro's in, zonder centen: de KvK accepteert geen centen. "
                    "Rond af, bijvoorbeeld %(rounded)s."
                )
                % {"rounded": _amount_text(amount.quantize(Decimal(1)))}
            )
        return amount.quantize(Decimal(1))


def _amount_text(value: object) -> str:
    if value in (None, ""):
        return ""
    amount = Decimal(str(value))
    return format(amount.quantize(Decimal(1)) if amount == amount.to_integral() else amount, "f")


def _plain(value: Decimal | None) -> Decimal | None:
    """5.00 -> 5, 9.50 -> 9.5: an average as a person writes it."""
    if value is None or value != value.to_integral_value():
        return None if value is None else value.normalize()
    return value.quantize(Decimal(1))


def _employees_field(label: StrOrPromise) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=False,
        min_value=Decimal(0),
        max_digits=9,
        decimal_places=2,
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 8, "maxlength": 12}),
    )


class FiguresForm(forms.Form):
    """The reporting cockpit: the periods, the preparation date and the appropriation;
    the balance sheet and the profit and loss of the administration's NT19 variant for
    both years; one text per notes concept. Empty totals are computed on saving.

    Also the figures of the size-class check that the instance does not carry (art.
    2:395a and 2:396 BW, kvk.sizeclass): the average number of employees of both years
    and, when the profit and loss has no NetRevenue, the net turnover."""

    period_start = DayField(label=_("Begin boekjaar"))
    period_end = DayField(label=_("Einde boekjaar"))
    first_year = forms.BooleanField(
        label=_("Eerste boekjaar (geen vergelijkende cijfers)"), required=False
    )
    previous_start = DayField(label=_("Begin vorig boekjaar"), required=False)
    period_deviation_reason = forms.CharField(
        label=_("Reden afwijkende lengte boekjaar"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 80}),
        help_text=_("Alleen als het boekjaar geen twaalf maanden is, bijvoorbeeld na oprichting."),
    )
    period_deviation_impact = forms.CharField(
        label=_("Gevolgen voor de vergelijkende cijfers"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 80}),
        help_text=_(
            "Alleen als het boekjaar geen twaalf maanden is: wat dat betekent voor de "
            "vergelijking met het vorige boekjaar, bijvoorbeeld 'Geen; dit is het eerste "
            "boekjaar'."
        ),
    )
    prepared_on = DayField(
        label=_("Datum opmaak jaarrekening"),
        required=False,
        help_text=_("De datum waarop het bestuur de jaarrekening opmaakte."),
    )
    appropriation = forms.ChoiceField(
        label=_("Balans vóór of na resultaatbestemming"),
        choices=tx.choices((tx.BEFORE_APPROPRIATION, tx.AFTER_APPROPRIATION)),
        initial=tx.BEFORE_APPROPRIATION,
    )

    employees_0 = _employees_field(_("Gemiddeld aantal werknemers (huidig)"))
    employees_1 = _employees_field(_("Gemiddeld aantal werknemers (vorig)"))

    def __init__(self, *args, report: AnnualReport, **kwargs) -> None:
        statements = report.statements or {}
        variant = report.administration.kvk_report
        self.asks_turnover = report.administration.asks_net_turnover
        self.variant = variant if variant in tx.BUILDABLE_VARIANTS else ""
        self.totals = frozenset(tx.summation_terms(self.variant)) if self.variant else frozenset()
        self.sections: list[tuple[str, tuple[str, ...], dict]] = self._sections(statements)
        self.note_concepts: tuple[str, ...] = (
            tx.line_items(self.variant, "notes") if self.variant else ()
        )
        kwargs.setdefault("initial", self._initial(report, statements))
        super().__init__(*args, **kwargs)
        self._add_report_fields()
        # The previous year's input stands in a table row whose label names the current
        # year's: it carries its own name (WCAG 4.1.2) without a hidden label, which would
        # stick out of the scrolling table on a phone.
        for name, field in self.fields.items():
            if name.endswith("_1"):
                field.widget.attrs["aria-label"] = str(field.label)

    def _sections(self, statements: dict) -> list[tuple[str, tuple[str, ...], dict]]:
        """The figures tables of the variant: (prefix, line items, stored values)."""
        if not self.variant:
            return []
        sections = [("b", tx.line_items(self.variant, "balance"), statements.get("balance") or {})]
        if tx.line_items(self.variant, "income"):
            sections.append(
                ("p", tx.line_items(self.variant, "income"), statements.get("profit_loss") or {})
            )
        return sections

    def _initial(self, report: AnnualReport, statements: dict) -> dict:
        """The stored figures as the form's initial values."""
        initial = {
            "period_start": statements.get("period_start"),
            "period_end": statements.get("period_end"),
            "first_year": bool(statements.get("period_start"))
            and not statements.get("previous_start"),
            "previous_start": statements.get("previous_start"),
            "period_deviation_reason": statements.get("period_deviation_reason", ""),
            "period_deviation_impact": statements.get("period_deviation_impact", ""),
            "prepared_on": statements.get("prepared_on"),
            "appropriation": statements.get("appropriation") or tx.BEFORE_APPROPRIATION,
            "employees_0": _plain(report.employees_current),
            "employees_1": _plain(report.employees_previous),
            "turnover_0": _amount_text(report.net_turnover_current),
            "turnover_1": _amount_text(report.net_turnover_previous),
        }
        for prefix, _concepts, values in self.sections:
            for concept, pair in values.items():
                for slot in (0, 1):
                    initial[f"{prefix}_{concept}_{slot}"] = _amount_text(pair[slot])
        notes = statements.get("notes")
        for concept, text in (notes if isinstance(notes, dict) else {}).items():
            initial[f"n_{concept}"] = text
        return initial

    def _add_report_fields(self) -> None:
        """The fields of the variant's line items, net turnover when asked, and notes."""
        for prefix, concepts, _values in self.sections:
            for concept in concepts:
                line = caption(concept)
                self.fields[f"{prefix}_{concept}_0"] = AmountField(
                    label=_("%(line)s (huidig)") % {"line": line}
                )
                self.fields[f"{prefix}_{concept}_1"] = AmountField(
                    label=_("%(line)s (vorig)") % {"line": line}
                )
        if self.asks_turnover:
            self.fields["turnover_0"] = AmountField(label=_("Netto-omzet (huidig)"))
            self.fields["turnover_1"] = AmountField(label=_("Netto-omzet (vorig)"))
        for concept in self.note_concepts:
            self.fields[f"n_{concept}"] = forms.CharField(
                label=caption(concept),
                required=False,
                widget=forms.Textarea(attrs={"rows": 3, "cols": 80}),
            )

    @property
    def with_profit_loss(self) -> bool:
        return any(prefix == "p" for prefix, _c, _v in self.sections)

    def rows(self, prefix: str) -> list[dict]:
        section = next((s for s in self.sections if s[0] == prefix), None)
        if section is None:
            return []
        return [
            {
                "concept": concept,
                "caption": caption(concept),
                "total": concept in self.totals,
                "current": self[f"{prefix}_{concept}_0"],
                "previous": self[f"{prefix}_{concept}_1"],
            }
            for concept in section[1]
        ]

    @property
    def rows_b(self) -> list[dict]:
        return self.rows("b")

    @property
    def rows_p(self) -> list[dict]:
        return self.rows("p")

    @property
    def size_rows(self) -> list[dict]:
        """The size-class figures as rows of the figures table (current, previous)."""
        rows = [
            {
                "caption": _("Gemiddeld aantal werknemers"),
                "current": self["employees_0"],
                "previous": self["employees_1"],
            }
        ]
        if self.asks_turnover:
            rows.append(
                {
                    "caption": _("Netto-omzet"),
                    "current": self["turnover_0"],
                    "previous": self["turnover_1"],
                }
            )
        return rows

    def size_figures(self) -> tuple[tuple, tuple | None]:
        """(employees, net turnover) as (current, previous) for services.save_figures;
        net turnover None when not asked. A first year has no previous figures."""
        data = self.cleaned_data
        previous = not data.get("first_year")
        employees = (data.get("employees_0"), data.get("employees_1") if previous else None)
        if not self.asks_turnover:
            return employees, None
        turnover = (data.get("turnover_0"), data.get("turnover_1") if previous else None)
        return employees, turnover

    @property
    def note_fields(self) -> list[forms.BoundField]:
        return [self[f"n_{concept}"] for concept in self.note_concepts]

    def clean(self) -> dict:
        data = super().clean() or {}
        # An error takes its field out of ``data``: the dates are read before any check.
        start, end = data.get("period_start"), data.get("period_end")
        self._check_years(data, start, end)
        self._check_deviation(data, start, end)
        if data.get("first_year"):
            self._check_first_year(data)
        if data.get("appropriation") == tx.AFTER_APPROPRIATION:
            self._check_after_appropriation(data)
        refuse_unaccepted_characters(self)
        return data

    def _check_years(self, data: dict, start: date | None, end: date | None) -> None:
        """The financial year: its end after its start, shorter than two years, and the
        previous year before it (or 'Eerste boekjaar')."""
        previous, first_year = data.get("previous_start"), data.get("first_year")
        if start and end and end < start:
            self.add_error("period_end", _("Het einde ligt vóór het begin van het boekjaar."))
        if start and previous and previous >= start:
            self.add_error(
                "previous_start", _("Het vorige boekjaar begint vóór het huidige boekjaar.")
            )
        if not first_year and not previous and "previous_start" not in self.errors:
            self.add_error(
                "previous_start",
                _(
                    "Vul het begin van het vorige boekjaar in, of vink 'Eerste boekjaar' aan "
                    "als er geen vorig boekjaar is."
                ),
            )
        if start and end and end >= years_later(start, 2) - timedelta(days=1):
            self.add_error("period_end", _("Een boekjaar is korter dan twee jaar (BR-KVK-4.17)."))

    def _check_deviation(self, data: dict, start: date | None, end: date | None) -> None:
        """A financial year that is not twelve months needs a reason and its impact."""
        if not (start and end and end > start) or is_annual(start, end):
            return
        if not (data.get("period_deviation_reason") or "").strip():
            self.add_error(
                "period_deviation_reason",
                _(
                    "Het boekjaar is geen twaalf maanden; geef de reden (de KvK vraagt "
                    "die), bijvoorbeeld 'Eerste boekjaar na oprichting op 1 maart'."
                ),
            )
        if not (data.get("period_deviation_impact") or "").strip():
            self.add_error(
                "period_deviation_impact",
                _(
                    "Het boekjaar is geen twaalf maanden; beschrijf de gevolgen voor de "
                    "vergelijkende cijfers (de KvK vraagt die)."
                ),
            )

    def _check_first_year(self, data: dict) -> None:
        """A first financial year has no previous figures."""
        previous_fields = [
            f"{prefix}_{concept}_1"
            for prefix, concepts, _values in self.sections
            for concept in concepts
        ] + ["employees_1", "turnover_1"]
        for name in previous_fields:
            if data.get(name) is not None:
                self.add_error(
                    name,
                    _("Een eerste boekjaar heeft geen vergelijkende cijfers; maak dit veld leeg."),
                )

    def _check_after_appropriation(self, data: dict) -> None:
        """A balance sheet after appropriation has no result for the year."""
        for slot in (0, 1):
            if data.get(f"b_ResultForTheYear_{slot}") is not None:
                self.add_error(
                    f"b_ResultForTheYear_{slot}",
                    _(
                        "Een balans na resultaatbestemming heeft geen onverdeeld "
                        "resultaat; verwerk het in de reserves of kies 'Vóór "
                        "resultaatbestemming'."
                    ),
                )

    def amounts(self, prefix: str) -> dict[str, tuple[Decimal | None, Decimal | None]]:
        section = next((s for s in self.sections if s[0] == prefix), None)
        if section is None:
            return {}
        result = {}
        for concept in section[1]:
            pair = (
                self.cleaned_data.get(f"{prefix}_{concept}_0"),
                self.cleaned_data.get(f"{prefix}_{concept}_1"),
            )
            if pair != (None, None):
                result[concept] = pair
        return result

    def notes(self) -> dict[str, str]:
        return {
            concept: text
            for concept in self.note_concepts
            if (text := (self.cleaned_data.get(f"n_{concept}") or "").strip())
        }


class TrialBalanceForm(forms.Form):
    file = forms.FileField(
        label=_("Proefbalans (CSV)"),
        # An empty file is read like any other: the import says it is empty.
        allow_empty_file=True,
        help_text=_("Kolommen: rekening;omschrijving;rapportagecode;saldo_huidig;saldo_vorig"),
    )

    MAX_BYTES = 2 * 1024 * 1024

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > self.MAX_BYTES:
            raise forms.ValidationError(_("Het bestand is groter dan 2 MB."))
        return upload
