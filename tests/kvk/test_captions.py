"""kvk.taxonomy.CAPTIONS: what a person reads for a value of the taxonomy's lists, through
gettext. The Dutch caption is the Dutch text the pages showed (the value itself, but
"Coöperatie" and the appropriation's words), the English one is translated; the values
are NT19's.

Source of the values: the enumerations of jenv-codes:legalFormItemType,
jenv-codes:directorItemType and jenv-codes:profitAppropriationItemType in NT19
(kvk/nt19/nt19-kvk-micro-klein.json, "types"; read by tests.nt19)."""

from __future__ import annotations

import pytest
from django.utils import translation

from kvk import taxonomy as tx
from tests import nt19

LISTS = (nt19.LEGAL_FORMS, nt19.DIRECTOR_TYPES, nt19.APPROPRIATIONS)
#: The Dutch text shown before the captions, where it is not the value.
DUTCH = {
    "Cooperatie": "Coöperatie",  # Boek 2 BW, Titel 3, art. 2:53: "coöperatie"
    "Voor": "Vóór resultaatbestemming",
    "Na": "Na resultaatbestemming",
}


@pytest.mark.parametrize("type_name", LISTS)
def test_every_value_of_the_list_has_a_dutch_and_an_english_caption(type_name):
    values = nt19.enumeration(type_name)
    assert [value for value, _caption in tx.choices(values)] == list(values)
    for value in values:
        with translation.override("nl"):
            assert str(tx.caption(value)) == DUTCH.get(value, value)
        with translation.override("en"):
            english = str(tx.caption(value))
        assert english != DUTCH.get(value, value), f"{value!r} has no English caption"


def test_the_captions_follow_the_active_language_where_they_are_shown():
    """Choices built once (a form's field at import) still show the reader's language."""
    choices = dict(tx.legal_form_choices())
    with translation.override("en"):
        assert str(choices["Cooperatie"]) == "Cooperative"
        assert str(dict(tx.director_type_choices())[tx.DIRECTOR]) == "Director (current)"
    with translation.override("nl"):
        assert str(choices["Cooperatie"]) == "Coöperatie"


def test_a_value_of_no_list_is_shown_as_itself():
    assert tx.caption("Eenmanszaak") == "Eenmanszaak"
