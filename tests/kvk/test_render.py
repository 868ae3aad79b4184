from __future__ import annotations

from datetime import date

import pytest

from kvk.builder import adopt_instance, build_instance
from kvk.parser import XbrlParseError
from kvk.render import render_html, render_pdf
from kvk.statements import demo_statements


@pytest.fixture
def instance():
    st = demo_statements(
        kvk_number="12345678", legal_name="Bakker & Zn <B.V.>", year=2025, size="klein"
    )
    st.notes = "<p>Grondslagen</p><b>SCRIPT</b>"
    # A received instance may carry anything in its notes; the renderer must escape it.
    return build_instance(st).replace(
        b"&lt;b&gt;SCRIPT&lt;/b&gt;", b"&lt;script&gt;alert(1)&lt;/script&gt;"
    )


def test_html_has_cover_balance_both_years_notes_and_watermark(instance):
    html = render_html(instance)
    assert "Bakker &amp; Zn &lt;B.V.&gt;" in html  # escaped
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<p>Grondslagen</p>" in html
    assert "Jaarrekening vastgesteld" in html and "Nee" in html
    assert "Utrecht" in html and "12345678" in html
    assert "120.045" in html and "110.780" in html  # total assets, both years
    assert ">2025<" in html and ">2024<" in html
    assert "Winst-en-verliesrekening" in html
    assert "CONCEPT" in html
    assert "CONCEPT" not in render_html(instance, concept=False)


def test_html_shows_adoption_date():
    st = demo_statements(kvk_number="12345678", legal_name="Demo B.V.", year=2025)
    adopted = adopt_instance(build_instance(st), adoption_date=date(2026, 4, 15))
    html = render_html(adopted, concept=False)
    assert "15 april 2026" in html or "15 April 2026" in html


def test_pdf_is_a_pdf(instance):
    pdf = render_pdf(instance)
    assert pdf.startswith(b"%PDF-") and len(pdf) > 1000


def test_render_refuses_hostile_input():
    with pytest.raises(XbrlParseError):
        render_html(b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>')
