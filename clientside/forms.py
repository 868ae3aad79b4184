"""Forms of the client's screens."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from clientside.models import (
    Administration,
    AnnualReport,
    CommunicationProfile,
    Signatory,
    normalise_participant_number,
)
from clientside.trial_balance import parse_amount
from kvk import taxonomy as tx
from kvk.render import CAPTIONS_NL, TOTALS

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class AdministrationForm(forms.ModelForm):
    sbi_code = forms.CharField(
        label=_("SBI-code"),
        required=False,
        max_length=10,
        validators=[RegexValidator(r"^\d{2,5}$", _("Een SBI-code bestaat uit 2 tot 5 cijfers."))],
    )

    class Meta:
        model = Administration
        fields = [
            "name",
            "legal_form",
            "seat",
            "kvk_number",
            "sbi_code",
            "address",
            "kvk_report",
            "contact_type",
            "contact_person",
            "contact_email",
            "contact_phone",
        ]
        help_texts = {
            "name": _("Zoals ingeschreven in het Handelsregister."),
            "kvk_number": _("Acht cijfers."),
            "kvk_report": _("Welk rapport wordt gedeponeerd (micro of klein, met varianten)."),
            "contact_type": _(
                "Ondernemer: u deponeert zelf. Intermediair: een ander deponeert namens u; "
                "vul dan de contactpersoon in."
            ),
        }

    def clean_kvk_number(self) -> str:
        return (self.cleaned_data.get("kvk_number") or "").replace(" ", "")

    def clean(self) -> dict:
        data = super().clean() or {}
        if data.get("contact_type") == Administration.ContactType.INTERMEDIARY and not data.get(
            "contact_person"
        ):
            self.add_error(
                "contact_person",
                _("Bij soort contact Intermediair is een contactpersoon verplicht."),
            )
        return data


class SignatoryForm(forms.ModelForm):
    class Meta:
        model = Signatory
        fields = ["name", "role"]


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
        return data


class NewReportForm(forms.Form):
    financial_year = forms.IntegerField(
        label=_("Boekjaar"), min_value=2000, max_value=2100, help_text=_("Bijvoorbeeld 2025.")
    )


class ReportingValuesForm(forms.ModelForm):
    class Meta:
        model = AnnualReport
        fields = ["signed_by", "signed_date", "adoption_date"]
        widgets = {"signed_date": DATE_INPUT, "adoption_date": DATE_INPUT}
        help_texts = {
            "signed_date": _("De datum waarop de bestuurder(s) de jaarrekening ondertekenden."),
            "adoption_date": _(
                "Datum waarop de aandeelhouders de jaarrekening vaststelden. 'Jaarrekening "
                "vastgesteld' vinkt u aan in het portal van uw accountant; bij een "
                "heraanlevering is deze datum verplicht."
            ),
        }


class AmountField(forms.Field):
    """An amount in euros: 1.234,56 or 1234.56; empty is no amount."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"inputmode": "decimal", "size": 12, "maxlength": 20})
        )
        super().__init__(**kwargs)

    def to_python(self, value: str | None) -> Decimal | None:  # type: ignore[override]
        text = (value or "").strip()
        if not text:
            return None
        try:
            amount = parse_amount(text)
        except ValueError as error:
            raise forms.ValidationError(str(error))
        if amount.as_tuple().exponent < -2:  # type: ignore[operator]
            raise forms.ValidationError(_("Hoogstens twee decimalen."))
        return amount


def _amount_text(value: object) -> str:
    if value in (None, ""):
        return ""
    amount = Decimal(str(value))
    return format(amount.quantize(Decimal(1)) if amount == amount.to_integral() else amount, "f")


class FiguresForm(forms.Form):
    """The balance sheet (and for small entities the profit and loss lines) of both
    years, and the periods. Empty totals are computed from their items on saving."""

    period_start = forms.DateField(label=_("Begin boekjaar"), widget=DATE_INPUT)
    period_end = forms.DateField(label=_("Einde boekjaar"), widget=DATE_INPUT)
    previous_start = forms.DateField(label=_("Begin vorig boekjaar"), widget=DATE_INPUT)
    notes = forms.CharField(
        label=_("Toelichting"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 80}),
        help_text=_("Platte tekst; geen handtekeningen, foto's of onnodige persoonsgegevens."),
    )

    def __init__(self, *args, report: AnnualReport, **kwargs) -> None:
        statements = report.statements or {}
        initial = {
            "period_start": statements.get("period_start"),
            "period_end": statements.get("period_end"),
            "previous_start": statements.get("previous_start"),
            "notes": statements.get("notes", ""),
        }
        self.with_profit_loss = report.administration.size == "klein"
        self.sections: list[tuple[str, tuple[str, ...], dict]] = [
            ("b", tx.BALANCE_CONCEPTS, statements.get("balance") or {})
        ]
        if self.with_profit_loss:
            self.sections.append(
                ("p", tx.PROFIT_LOSS_CONCEPTS, statements.get("profit_loss") or {})
            )
        for prefix, _concepts, values in self.sections:
            for concept, pair in values.items():
                for slot in (0, 1):
                    initial[f"{prefix}_{concept}_{slot}"] = _amount_text(pair[slot])
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        for prefix, concepts, _values in self.sections:
            for concept in concepts:
                caption = CAPTIONS_NL.get(concept, concept)
                self.fields[f"{prefix}_{concept}_0"] = AmountField(label=f"{caption} (huidig)")
                self.fields[f"{prefix}_{concept}_1"] = AmountField(label=f"{caption} (vorig)")

    def rows(self, prefix: str) -> list[dict]:
        section = next((s for s in self.sections if s[0] == prefix), None)
        if section is None:
            return []
        return [
            {
                "concept": concept,
                "caption": CAPTIONS_NL.get(concept, concept),
                "total": concept in TOTALS,
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

    def clean(self) -> dict:
        data = super().clean() or {}
        start, end, previous = (
            data.get("period_start"),
            data.get("period_end"),
            data.get("previous_start"),
        )
        if start and end and end < start:
            self.add_error("period_end", _("Het einde ligt vóór het begin van het boekjaar."))
        if start and previous and previous >= start:
            self.add_error(
                "previous_start", _("Het vorige boekjaar begint vóór het huidige boekjaar.")
            )
        if start and end and end >= _years_later(start, 2) - timedelta(days=1):
            self.add_error("period_end", _("Een boekjaar is korter dan twee jaar (BR-KVK-4.17)."))
        return data

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


def _years_later(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


class TrialBalanceForm(forms.Form):
    file = forms.FileField(
        label=_("Proefbalans (CSV)"),
        help_text=_("Kolommen: rekening;omschrijving;rapportagecode;saldo_huidig;saldo_vorig"),
    )

    MAX_BYTES = 2 * 1024 * 1024

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > self.MAX_BYTES:
            raise forms.ValidationError(_("Het bestand is groter dan 2 MB."))
        return upload
