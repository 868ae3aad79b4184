"""Model fields the client side and the accountant side declare alike. The client side
(clientside) may import only kvk, so a field it shares with crm lives here."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from kvk import taxonomy as tx


def value_list_field(
    verbose_name: Any,
    values: Sequence[str],
    *,
    default: str,
    max_length: int,
    choices: Callable[[], list[tuple[str, str]]] | None = None,
) -> models.CharField:
    """One value of a KvK taxonomy value list, shown as itself (the values are Dutch text,
    "Bestuurder (huidig)") unless ``choices`` gives captions: a function, so that a
    migration names it instead of copying the captions, which are not schema."""
    return models.CharField(
        verbose_name,
        max_length=max_length,
        choices=choices or [(value, value) for value in values],
        default=default,
    )


def legal_form_field() -> models.CharField:
    """The legal form as the filing carries it (jenv-bw2-i:LegalEntityLegalForm): the full
    Dutch names of the taxonomy's value list (jenv-codes:legalFormItemType), shown with
    their captions ("Coöperatie", tx.LEGAL_FORM_CAPTIONS); it also drives the legal
    deadlines (kvk.deadlines.RULES)."""
    return value_list_field(
        _("rechtsvorm"),
        tx.LEGAL_FORMS,
        default=tx.LEGAL_FORM_BV,
        max_length=100,
        choices=tx.legal_form_choices,
    )
