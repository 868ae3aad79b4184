"""The rendered accounts (kvk.render): HTML and PDF from an instance.

Where the rendering follows the taxonomy, the expectations come from the official NT19
files as the extract (kvk/nt19) records them: micro's balance sheet has Liabilities as a
total and Equity as a plain line, klein's has Equity as a total, klein's profit and loss
starts at GrossMargin, micro's wages carry a negated label.
"""

from __future__ import annotations

import json
import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import translation

from kvk import nt
from kvk.builder import adopt_instance, build_instance
from kvk.parser import XbrlParseError, parse_instance
from kvk.render import html_to_pdf, money, notes_html, render_html, statement_rows
from kvk.statements import FinancialStatements, demo_statements

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"
ACCOUNTING = "AccountingStandardsUsedToPrepareFinancialStatementsDescription"


def _example(name: str) -> bytes:
    data = json.loads((EXAMPLES / name).read_text(encoding="utf-8"))
    return build_instance(FinancialStatements.from_dict(data))


def _klein(notes: dict[str, str]) -> bytes:
    st = demo_statements(
        kvk_number="12345678", legal_name="Bakker & Zn <B.V.>", year=2025, size="klein",
        variant="klein",
    )  # fmt: skip
    st.notes = notes
    return build_instance(st)


def _rows(html: str) -> list[str]:
    """The captions of the amount tables, in order: "[heading]", "caption (total)"."""
    rows = []
    for cls, caption in re.findall(r'<tr( class="[a-z]+")?><td[^>]*>([^<]*)</td>', html):
        if "heading" in cls:
            rows.append(f"[{caption}]")
        else:
            rows.append(f"{caption}{' (total)' if 'total' in cls else ''}")
    return rows


def test_html_has_cover_entity_balance_both_years_and_watermark():
    html = render_html(_klein({ACCOUNTING: "Grondslagen."}))
    assert "Bakker &amp; Zn &lt;B.V.&gt;" in html  # escaped
    assert "Jaarrekening kleine rechtspersoon" in html
    assert "1 januari 2025 – 31 december 2025" in html
    assert "Jaarrekening vastgesteld" in html and "Nee, nog niet vastgesteld" in html
    assert "Besloten vennootschap met beperkte aansprakelijkheid" in html
    assert "Oudegracht 120<br>3511AX Utrecht" in html and "12345678" in html
    assert "120.045" in html and "110.780" in html  # total assets, both years
    assert '<th class="num">2025</th><th class="num">2024</th>' in html
    assert "Winst-en-verliesrekening over 2025" in html
    assert "Bestuurder: J. de Vries, ondertekend op 20 mei 2026 te Utrecht" in html
    assert "CONCEPT" in html
    assert "CONCEPT" not in render_html(_klein({}), concept=False)


def test_statements_follow_the_presentation_order_and_totals_of_nt19():
    micro = _rows(render_html(_example("micro-2024-adopted.json")))
    assert micro.index("Totaal activa (total)") < micro.index("Eigen vermogen")
    assert micro.index("Eigen vermogen") < micro.index("Totaal schulden (total)")
    assert micro.index("Totaal schulden (total)") < micro.index("Totaal passiva (total)")
    assert micro.index("Totaal passiva (total)") < micro.index("Totaal opbrengsten (total)")
    klein = _rows(render_html(_klein({})))
    assert "Eigen vermogen (total)" in klein
    assert klein[klein.index("Totaal passiva (total)") + 1] == "Brutomarge"
    assert [c for c in klein if c.startswith("[")] == [
        "[Activa]",
        "[Vaste activa]",
        "[Vlottende activa]",
        "[Passiva]",
        "[Eigen vermogen]",
    ]


def test_a_second_tree_of_a_role_goes_above_its_total():
    """Klein's balance-sheet linkrole has the fiscal reserves in a tree of their own; the
    summation arcs put them in Equity."""
    rows = statement_rows(
        "klein",
        "balance-sheet",
        {
            "OtherFiscalReserves": (Decimal(5), None),
            "ReservesOther": (Decimal(10), None),
            "Equity": (Decimal(15), None),
        },
    )
    assert [r.caption for r in rows] == [
        "Passiva",
        "Eigen vermogen",
        "Overige reserves",
        "Overige fiscale reserves",
        "Eigen vermogen",
    ]
    assert rows[3].depth == rows[2].depth and rows[4].total
    assert "OtherFiscalReserves" in nt.summations("klein")["Equity"]


def test_negated_labels_show_costs_as_deductions():
    rows = statement_rows(
        "micro",
        "income-statement-micro-entities",
        {"WagesSalaries": (Decimal(121000), Decimal(118400)), "Income": (Decimal(5), None)},
    )
    wages = next(r for r in rows if r.caption == "Lonen en salarissen")
    assert (wages.current, wages.previous, wages.total) == ("-121.000", "-118.400", False)
    income = next(r for r in rows if r.caption == "Totaal opbrengsten")
    assert (income.current, income.previous, income.total) == ("5", "", True)
    presentation = nt.entry_point("micro").presentation
    roles = {q: r for _, q, r in presentation["urn:kvk:linkrole:income-statement-micro-entities"]}
    assert roles["jenv-bw2-i:WagesSalaries"].endswith("/negatedLabel")  # the official row


def test_headings_without_amounts_are_left_out():
    rows = statement_rows("klein", "balance-sheet", {"Provisions": (Decimal(1), Decimal(2))})
    assert [(r.caption, r.heading) for r in rows] == [
        ("Passiva", True),
        ("Voorzieningen", False),
    ]
    assert rows[1].depth == 1  # depths relative to the first row shown


def test_money_in_dutch_notation():
    assert money(Decimal(1234567)) == "1.234.567"
    assert money(Decimal("-1250")) == "-1.250"
    assert money(Decimal("1234.5")) == "1.234,50"
    assert money(Decimal(0)) == "0"
    assert money(None) == ""


def test_formatted_notes_keep_only_the_sbr_tag_set():
    content = _klein({ACCOUNTING: "<p>Grondslagen <b>vet</b></p><ul><li>een</li></ul>"})
    assert "<p>Grondslagen <b>vet</b></p><ul><li>een</li></ul>" in render_html(content)
    # A received instance may carry anything in its notes.
    hostile = content.replace(b"&lt;b&gt;vet&lt;/b&gt;", b"&lt;script&gt;alert(1)&lt;/script&gt;")
    html = render_html(hostile)
    assert "<script" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    attributes = content.replace(b"&lt;p&gt;", b'&lt;p onclick="alert(1)" style="color: red"&gt;')
    html = render_html(attributes)
    assert "onclick" not in html and "<p>Grondslagen <b>vet</b></p>" in html


def test_plain_notes_are_escaped_once():
    html = render_html(_example("micro-2024-adopted.json"))
    assert "R&amp;D-kosten" in html and "is &lt; 2%." in html
    assert "&amp;amp;" not in html and "&amp;lt;" not in html
    assert "micro-entiteit).</p><p>R&amp;D" in html  # a blank line makes a paragraph


def test_markup_example_renders_its_list():
    html = render_html(_example("micro-publicatiestukken-2024-2025-not-adopted.json"))
    assert "<ul><li>Waardering tegen nominale waarde</li>" in html
    assert "Winst-en-verliesrekening" not in html  # publicatiestukken: no profit and loss
    assert '<th class="num">2024/2025</th><th class="num">2023/2024</th>' in html


def test_signing_shows_each_person_and_who_did_not_sign():
    html = render_html(_example("klein-2024-signatories.json"))
    assert "Bestuurder: A. van Dijk, ondertekend op 28 mei 2025 te Zwolle" in html
    assert "Commissaris: C. Bakker, ondertekend op 30 mei 2025 te Deventer" in html
    assert (
        "Commissaris: D. de Groot, niet ondertekend; reden: Was wegens ziekte niet in staat "
        "te ondertekenen." in html
    )
    assert "Jaarrekening vastgesteld</dt>\n    <dd>Ja, vastgesteld op 20 juni 2025" in html


def test_first_year_has_one_column_and_says_why():
    html = render_html(_example("klein-2024-first-year.json"))
    assert "Eerste boekjaar: er zijn geen vergelijkende cijfers." in html
    assert '<th class="num">2024</th></tr>' in html and "2023" not in html
    assert "de vennootschap is op 15 maart 2024 opgericht" in html
    # rj-i:FinancialReportingPeriodDifferentThanAnnualImpactComparativesDescription
    assert "<dt>Gevolgen voor de vergelijkende cijfers</dt><dd>Geen: dit is het eerste" in html


def test_resubmission_and_appropriation_are_shown():
    html = render_html(_example("klein-publicatiestukken-2024-resubmission.json"))
    assert "Heraanlevering wegens onoverkomelijke onjuistheden" in html
    assert "onjuist bedrag aan vorderingen" in html
    assert "(na resultaatbestemming)" in html


def test_english_filing_renders_in_english():
    html = render_html(_example("micro-2024-english.json"))
    assert '<html lang="en">' in html
    assert "Balance sheet as at 31 December 2024" in html
    assert "Total assets" in html and "Totaal activa" not in html
    assert "Director: J. de Vries, signed on 20 May 2025 at Amsterdam" in html
    assert "DRAFT" in html and "CONCEPT" not in html


def test_html_shows_adoption_date():
    st = demo_statements(kvk_number="12345678", legal_name="Demo B.V.", year=2025)
    adopted = adopt_instance(build_instance(st), adoption_date=date(2026, 4, 15))
    html = render_html(adopted, concept=False)
    assert "Ja, vastgesteld op 15 april 2026" in html


def test_a_variant_outside_the_extract_is_shown_without_statements():
    content = _klein({}).replace(b"nlgaap-klein.xsd", b"nlgaap-klein-verticaal.xsd")
    html = render_html(content)
    assert "Deze opstelling kan niet worden getoond" in html
    assert "Bakker &amp; Zn" in html


def test_pdf_is_a_pdf():
    pdf = html_to_pdf(render_html(_klein({ACCOUNTING: "<p>Grondslagen</p>"})))
    assert pdf.startswith(b"%PDF-") and len(pdf) > 1000


def test_render_refuses_hostile_input():
    with pytest.raises(XbrlParseError):
        render_html(b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>')


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("<p>a<!-- weg -->b</p>", "<p>ab</p>"),
        ("<p>a<?pi x?> b</p>", "<p>a b</p>"),
        ("<p>een</p>\n<p>twee &amp; drie</p>", "<p>een</p>\n<p>twee &amp; drie</p>"),
        ("<p>a</p><img src=x>", "<p>&lt;p&gt;a&lt;/p&gt;&lt;img src=x&gt;</p>"),
        ('<p xmlns:h="urn:x"><h:b>x</h:b></p>', "&lt;h:b&gt;"),
        ("<p>a &nbsp; b</p>", "<p>&lt;p&gt;a &amp;nbsp; b&lt;/p&gt;</p>"),
        ("R&D < 5%\nregel twee\n\nalinea", "<p>R&amp;D &lt; 5%<br>regel twee</p><p>alinea</p>"),
    ],
)
def test_notes_html(text, shown):
    assert shown in notes_html(text)


def test_the_legal_form_is_shown_in_the_documents_language():
    """The caption of jenv-bw2-i:LegalEntityLegalForm's value (kvk.taxonomy.CAPTIONS) in
    the language the document was filed in, whatever the reader's language; the value is
    NT19's (jenv-codes:legalFormItemType, kvk/nt19/nt19-kvk-micro-klein.json)."""
    english = _example("micro-2024-english.json")
    assert parse_instance(english).first_value("LegalEntityLegalForm") == (
        "Besloten vennootschap met beperkte aansprakelijkheid"
    )
    with translation.override("nl"):
        html = render_html(english)
    assert "<dd>Private limited company (BV)</dd>" in html
    st = demo_statements(kvk_number="12345678", legal_name="Demo B.V.", year=2025)
    with translation.override("en"):
        html = render_html(build_instance(st))
    assert "<dd>Besloten vennootschap met beperkte aansprakelijkheid</dd>" in html
