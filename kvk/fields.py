"""Model fields (and form fields) that several apps declare alike. They live here, in the
library, because every app may import kvk: the client side (clientside) may import nothing
else."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.expressions import Combinable
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from kvk import taxonomy as tx

Owner = TypeVar("Owner", bound=models.Model)


def value_list_field(
    verbose_name: Any,
    choices: Callable[[], list[tuple[str, str | Promise]]],
    *,
    default: str,
    max_length: int,
) -> models.CharField:
    """One value of a KvK taxonomy value list, stored and filed as the taxonomy has it
    ("Bestuurder (huidig)"), shown with its caption in the reader's language
    (kvk.taxonomy.CAPTIONS): forms offer the captions, ``get_<field>_display`` and the admin
    show them. ``choices`` is a function, so that a migration names it instead of copying
    the captions, which are not schema."""
    return models.CharField(verbose_name, max_length=max_length, choices=choices, default=default)


def legal_form_field() -> models.CharField:
    """The legal form as the filing carries it (jenv-bw2-i:LegalEntityLegalForm): the full
    Dutch names of the taxonomy's value list (jenv-codes:legalFormItemType), shown with
    their captions ("Coöperatie", tx.CAPTIONS); it also drives the legal deadlines
    (kvk.deadlines.RULES)."""
    return value_list_field(
        _("rechtsvorm"), tx.legal_form_choices, default=tx.LEGAL_FORM_BV, max_length=100
    )


def outlived_field(
    to: type[models.Model] | str, verbose_name: Any, *, related_name: str | None = None
) -> models.ForeignKey:
    """A link to what a row names but outlives (a login, a contact, a staff member): empty
    when there is none or once that is deleted."""
    return models.ForeignKey(
        to,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name=related_name,
        verbose_name=verbose_name,
    )


def user_field(verbose_name: Any, *, related_name: str | None = None) -> models.ForeignKey:
    """A login a row names but outlives: empty when there is none or once it is deleted."""
    return outlived_field(settings.AUTH_USER_MODEL, verbose_name, related_name=related_name)


def owner_field(
    owner: type[Owner], related_name: str | None = None, *, on_delete: Any = models.CASCADE
) -> models.ForeignKey[Owner | Combinable, Owner]:
    """A row's link to what it belongs to (an accountancy environment, an organisation),
    named as that model names itself; by default the row goes with it."""
    return models.ForeignKey(
        owner,
        on_delete=on_delete,
        related_name=related_name,
        verbose_name=owner._meta.verbose_name,
    )


#: The format of a KvK number as it is stored and matched: eight digits. The model fields
#: keep this check (a stricter one would be schema, and refuse numbers stored before).
kvk_number_validator = RegexValidator(
    r"^\d{8}$", _("Een KvK-nummer bestaat uit precies acht cijfers.")
)
#: What the KvK refuses of a KvK number in a filing: nl-types:chamberOfCommerceRegistration-
#: NumberItemType is eight digits that do not begin with 00 (kvk.taxonomy.kvk_number_valid).
KVK_NUMBER_NOT_FILABLE = _("Een KvK-nummer bestaat uit precies acht cijfers en begint niet met 00.")


def refuse_unfilable_kvk_number(value: str) -> None:
    """The check of a KvK number a person types to be filed with (the client's KvK tab and
    its admin; InSite's organisations, identification numbers and the admin's; onboarding):
    one message, the format's (kvk_number_validator) for a number that is not eight digits,
    else KVK_NUMBER_NOT_FILABLE for one the filing cannot carry ("00123456"), instead of
    storing it and the filing refusing it later. A form field's validator, not a model
    field's: that would be schema (a migration) and refuse the numbers stored before;
    matching a received message by its number keeps the format check only."""
    kvk_number_validator(value)
    if not tx.kvk_number_valid(value):
        raise ValidationError(KVK_NUMBER_NOT_FILABLE, code="taxonomy")


class DigitsFormField(forms.CharField):
    """A number typed in groups, as the KvK prints a KvK number ("4567 8901"): the spaces
    go before any check, as crm.services.check_identification takes them out, and the
    validators (the number's pattern) decide the length; a ``max_length`` (a model field's)
    would count the spaces, refuse the number in a second message and stop the typing."""

    def __init__(self, *, max_length: int | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> str:
        return "".join(str(super().to_python(value)).split())


DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

#: What a date field reads, in every language of the screen: what the date picker sends
#: (ISO), and a day as typed where there is no picker, day-month-year.
DATE_INPUT_FORMATS = ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y")
INVALID_DATE = _("Vul een bestaande datum in als dag-maand-jaar, bijvoorbeeld 31-12-2025.")


class DayField(forms.DateField):
    """A date in a form, in the portals as in the client's environment: the date picker,
    DATE_INPUT_FORMATS whatever the screen's language, and a message that says the format
    instead of Django's generic "Voer een geldige datum in."."""

    widget = DATE_INPUT
    input_formats = DATE_INPUT_FORMATS
    default_error_messages = {"invalid": INVALID_DATE}
