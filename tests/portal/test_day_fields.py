"""A date typed into a form of InSite or OutSite reads as the client's environment reads it.

The date picker sends the ISO date; where there is none (a browser without one, a pasted
date) people type day-month-year. Every date field of the portals reads ISO, 31-12-2025 and
31/12/2025 whatever the screen's language, and a date it cannot read is refused with the
format to use ("dag-maand-jaar, bijvoorbeeld 31-12-2025"), as the client's environment says
it (kvk.fields.DayField, one field for both), not Django's generic "Voer een geldige datum
in."."""

from __future__ import annotations

import importlib
import pkgutil
from datetime import date

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from kvk.fields import DayField

pytestmark = pytest.mark.django_db

INVALID_DATE = "Vul een bestaande datum in als dag-maand-jaar, bijvoorbeeld 31-12-2025."
GENERIC = "Voer een geldige datum in."

#: Every date field of the portals' forms: module.form.field.
DATE_FIELDS = [
    "portal.forms.AdoptForm.adoption_date",
    "portal.forms.TokenForm.expires_at",
    "portal.deadline_views.DeadlineFactsForm.extension_granted_on",
    "portal.views.activity.ActivityFilterForm.start",
    "portal.views.activity.ActivityFilterForm.end",
]


def _field(path: str) -> forms.Field:
    module, form, name = path.rsplit(".", 2)
    return getattr(importlib.import_module(module), form).base_fields[name]


@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize("path", DATE_FIELDS)
def test_every_date_field_reads_day_month_year_and_says_the_format(path, language):
    field = _field(path)
    with translation.override(language):
        for typed in ("2025-12-31", "31-12-2025", "31/12/2025"):
            assert field.clean(typed) == date(2025, 12, 31), typed
        for typed in ("15.05.2026", "morgen", "31-02-2025"):
            with pytest.raises(ValidationError) as refused:
                field.clean(typed)
            with translation.override("nl"):
                assert refused.value.messages == [INVALID_DATE], typed


def _portal_modules():
    import portal

    for info in pkgutil.walk_packages(portal.__path__, "portal."):
        if ".migrations" not in info.name and ".management" not in info.name:
            yield importlib.import_module(info.name)


def test_no_date_field_of_the_portals_is_left_out():
    """A new date field in a form of the portals is a DayField too (and listed above)."""
    found = set()
    for module in _portal_modules():
        for value in vars(module).values():
            if not (isinstance(value, type) and issubclass(value, forms.BaseForm)):
                continue
            for name, field in getattr(value, "base_fields", {}).items():
                if isinstance(field, forms.DateField):
                    assert isinstance(field, DayField), (value.__name__, name)
                    found.add(f"{value.__module__}.{value.__name__}.{name}")
    assert found == set(DATE_FIELDS)


def test_outsite_adoption_date_typed_wrongly_says_the_format(browser_a, message_a):
    response = browser_a.post(
        reverse("outsite-action", args=[message_a.pk, "adopt"]),
        {"adopted": "on", "adoption_date": "15.05.2026"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert INVALID_DATE in page
    assert GENERIC not in page
    assert 'value="15.05.2026"' in page  # kept to correct
    message_a.refresh_from_db()
    assert not message_a.adopted


def test_outsite_adoption_date_typed_day_month_year_is_taken_in_english(browser_a, message_a):
    browser_a.cookies["django_language"] = "en"
    today = date.today()
    response = browser_a.post(
        reverse("outsite-action", args=[message_a.pk, "adopt"]),
        {"adopted": "on", "adoption_date": today.strftime("%d-%m-%Y")},
    )
    assert response.status_code == 302
    message_a.refresh_from_db()
    assert message_a.adopted and message_a.adoption_date == today
