"""kvk.compare: what changed between two versions of the same accounts, in the captions and
the Dutch notation of the rendered accounts. The expected amounts are the demo filing's
(kvk.statements.demo_statements) written out by hand, not computed by the code under test."""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal

import pytest

from kvk.builder import adopt_instance, build_instance
from kvk.compare import changes
from kvk.statements import demo_statements


@pytest.fixture(scope="module")
def original():
    return demo_statements(kvk_number="12345678", legal_name="Test B.V.", year=2024)


def test_the_same_document_has_no_changes(original):
    content = build_instance(original)
    assert changes(content, content) == []


def test_changed_amounts_side_by_side(original):
    balance = dict(original.balance)
    balance["AssetsCurrentOther"] = (Decimal(67795), Decimal(53680))
    balance["Assets"] = (Decimal(121045), Decimal(110780))
    corrected = dataclasses.replace(original, balance=balance)
    found = changes(build_instance(original), build_instance(corrected))
    rows = [(c.part_label, c.label, c.before, c.after) for c in found]
    assert rows == [
        ("Balans", "Vlottende activa (huidig jaar)", "66.795", "67.795"),
        ("Balans", "Totaal activa (huidig jaar)", "120.045", "121.045"),
    ]
    english = changes(build_instance(original), build_instance(corrected), language="en")
    assert english[0].part_label == "Balance sheet" and "(current year)" in english[0].label


def test_adoption_and_notes_are_named(original):
    adopted = adopt_instance(build_instance(original), adoption_date=date(2025, 6, 2))
    notes = {name: text + " Aangevuld." for name, text in original.notes.items()}
    with_notes = dataclasses.replace(original, notes=notes)
    found = changes(build_instance(with_notes), adopted)
    labels = {c.label: (c.before, c.after) for c in found}
    assert labels["Vastgesteld"] == ("nee", "ja")
    assert labels["Datum vaststelling"] == ("", "2 juni 2025")  # the one date format
    assert any(c.part == "notes" and c.after == "tekst gewijzigd" for c in found)


def test_an_unreadable_document_is_refused(original):
    with pytest.raises(ValueError):
        changes(b"<not-xbrl/>", build_instance(original))
