"""The one key every search compares a name by (kvk.search.search_key), for what is stored
and what is typed alike."""

from __future__ import annotations

import pytest

from kvk.search import number_text, search_key


@pytest.mark.parametrize(
    "written,key",
    [
        # Accents: NFKD, the combining marks dropped; letters NFKD keeps whole as typed.
        ("Café De Hoek", "cafe de hoek"),
        ("Coöperatie", "cooperatie"),
        ("Søren Ærø", "soren aero"),
        # Case folded, not only lowered.
        ("STRASSE", "strasse"),
        ("Straße", "strasse"),
        # An abbreviation with dots is the abbreviation without them.
        ("Jansen B.V.", "jansen bv"),
        ("jansen b.v", "jansen bv"),
        ("Jansen B. V.", "jansen bv"),
        ("Jansen BV", "jansen bv"),
        ("Smit N.V.", "smit nv"),
        ("Smit V.O.F.", "smit vof"),
        ("Smit VOF", "smit vof"),
        # A single letter with a dot before a word is an initial, not an abbreviation.
        ("A.Jansen", "a jansen"),
        ("Bakkerij A B.V.", "bakkerij a bv"),
        # Hyphens and other punctuation separate words, apostrophes join them.
        ("Jansen-Smit", "jansen smit"),
        ("Smit & Zn.", "smit zn"),
        ("'t Hoekje", "t hoekje"),
        ("Jansen's Bakkerij", "jansens bakkerij"),
        # Runs of spaces, tabs and the space around the name.
        ("  de \t hoek  ", "de hoek"),
        ("...", ""),
    ],
)
def test_the_key_of_a_name(written, key):
    assert search_key(written) == key


def test_what_is_typed_is_found_in_what_is_written():
    assert search_key("cafe") in search_key("Café De Hoek B.V.")
    assert search_key("jansen bv") in search_key("Jansen B.V.")
    assert search_key("de  hoek b.v") in search_key("Café De Hoek B.V.")
    assert search_key("n.v.") not in search_key("Jansen V.O.F.")


def test_a_number_typed_with_spaces():
    assert number_text(" 1234 5678 ") == "12345678"
