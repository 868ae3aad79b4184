"""kvk.compare: what changed between two versions of the same accounts, in the captions and
the Dutch notation of the rendered accounts. The expected amounts are the demo filing's
(kvk.statements.demo_statements) written out by hand, not computed by the code under test."""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal

import pytest
from django.utils import translation

from kvk.builder import adopt_instance, build_instance
from kvk.compare import changes
from kvk.statements import Address, Signatory, demo_statements


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


def _rows(original, corrected, language="nl"):
    found = changes(build_instance(original), build_instance(corrected), language=language)
    return [(c.part_label, c.label, c.before, c.after) for c in found]


def _signed_on(original):
    return original.signatories[0].signed_on


# What the client approves includes the signing of the accounts by the directors (art.
# 2:101 BW; NT19 jenv-bw2-i:SignatureManagingSupervisoryDirectorsLocation and ...Date, the
# facts kvk.builder writes per signatory): a correction of one of them is a change.


def test_only_the_signing_place_changed(original):
    moved = [dataclasses.replace(original.signatories[0], place="Amersfoort")]
    corrected = dataclasses.replace(original, signatories=moved)
    assert _rows(original, corrected) == [
        ("Ondertekening", "Plaats van ondertekening (J. de Vries)", "Utrecht", "Amersfoort")
    ]
    assert _rows(original, corrected, "en") == [
        ("Signing", "Place of signing (J. de Vries)", "Utrecht", "Amersfoort")
    ]


def test_only_the_signing_date_changed(original):
    later = [dataclasses.replace(original.signatories[0], signed_on=date(2025, 5, 21))]
    corrected = dataclasses.replace(original, signatories=later)
    assert _rows(original, corrected) == [
        ("Ondertekening", "Datum van ondertekening (J. de Vries)", "20 mei 2025", "21 mei 2025")
    ]


def test_a_signatory_added_and_one_who_did_not_sign(original):
    second = Signatory(
        name="P. Jansen",
        function="Commissaris (huidig)",
        signed=False,
        reason_not_signed="Met verlof",
    )
    corrected = dataclasses.replace(original, signatories=[*original.signatories, second])
    assert _rows(original, corrected) == [
        (
            "Ondertekening",
            "Ondertekenaar",
            "",
            "P. Jansen, Commissaris, niet ondertekend: Met verlof",
        )
    ]
    assert _rows(corrected, original) == [
        (
            "Ondertekening",
            "Ondertekenaar",
            "P. Jansen, Commissaris, niet ondertekend: Met verlof",
            "",
        )
    ]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"seat": "Amersfoort"}, ("Statutaire zetel", "Utrecht", "Amersfoort")),
        (
            {
                "address": Address(
                    street="Oudegracht", house_number="122", postal_code="3511AX", place="Utrecht"
                )
            },
            ("Adres", "Oudegracht 120, 3511AX Utrecht", "Oudegracht 122, 3511AX Utrecht"),
        ),
        (
            {"email": "jaarrekening@example.nl"},
            ("E-mailadres", "administratie@example.nl", "jaarrekening@example.nl"),
        ),
        ({"prepared_on": date(2025, 5, 1)}, ("Opgemaakt op", "15 mei 2025", "1 mei 2025")),
        (
            {"appropriation": "Na"},
            (
                "Balans vóór of na resultaatbestemming",
                "vóór resultaatbestemming",
                "na resultaatbestemming",
            ),
        ),
    ],
)
def test_one_company_or_document_fact_changed(original, change, expected):
    """The company data and the document facts the rendered accounts show (kvk.render)."""
    corrected = dataclasses.replace(original, **change)
    assert _rows(original, corrected) == [("Algemeen", *expected)]


def test_an_adoption_in_the_document_itself_is_a_change(original):
    """The client's environment may send adopted accounts (DocumentAdoptionStatus Ja and
    DocumentAdoptionDate, KVK-SBR.md: "tweede aanlevering"): that is the document's own
    fact and is shown."""
    adopted = dataclasses.replace(original, adopted=True, adoption_date=date(2025, 6, 2))
    assert _rows(original, adopted) == [
        ("Algemeen", "Vastgesteld", "nee", "ja"),
        ("Algemeen", "Datum vaststelling", "", "2 juni 2025"),
    ]


def test_an_unreadable_document_is_refused(original):
    with pytest.raises(ValueError):
        changes(b"<not-xbrl/>", build_instance(original))


def test_the_texts_follow_the_active_language(original):
    """Issue 21, one way to translate: without a language the captions and dates are in
    the active language; with one, the dates follow it too (not only the words)."""
    adopted = dataclasses.replace(original, adopted=True, adoption_date=date(2025, 6, 2))
    with translation.override("en"):
        rows = _rows(original, adopted, language=None)
    assert rows == [
        ("General", "Adopted", "no", "yes"),
        ("General", "Adoption date", "", "2 June 2025"),
    ]
    with translation.override("nl"):
        assert _rows(original, adopted, "en")[1][3] == "2 June 2025"
        assert _rows(original, adopted, language=None)[1] == (
            "Algemeen",
            "Datum vaststelling",
            "",
            "2 juni 2025",
        )


def test_a_changed_legal_form_is_shown_with_its_caption(original):
    """The legal form in the reader's language (kvk.taxonomy.CAPTIONS); the documents carry
    NT19's values (jenv-codes:legalFormItemType, kvk/nt19/nt19-kvk-micro-klein.json)."""
    cooperative = dataclasses.replace(original, legal_form="Cooperatie")
    assert _rows(original, cooperative) == [
        (
            "Algemeen",
            "Rechtsvorm",
            "Besloten vennootschap met beperkte aansprakelijkheid",
            "Coöperatie",
        )
    ]
    assert _rows(original, cooperative, "en") == [
        ("General", "Legal form", "Private limited company (BV)", "Cooperative")
    ]
