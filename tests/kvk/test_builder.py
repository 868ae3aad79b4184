from __future__ import annotations

from datetime import date

import pytest

from kvk.builder import adopt_instance, build_instance
from kvk.parser import parse_instance
from kvk.rules import check_instance
from kvk.statements import demo_statements

FILING = date(2026, 12, 1)


def _facts(content: bytes) -> list[tuple]:
    return sorted(
        f.key()
        for f in parse_instance(content).facts
        if f.local_name not in ("DocumentAdoptionStatus", "DocumentAdoptionDate")
    )


def test_build_is_deterministic_and_utf8_without_bom():
    st = demo_statements(kvk_number="12345678", legal_name="Café € B.V.", year=2025)
    content = build_instance(st)
    assert content == build_instance(st)
    assert content.startswith(b"<?xml") and "Café € B.V.".encode() in content


def test_adopt_replaces_an_existing_date_and_keeps_everything_else():
    st = demo_statements(kvk_number="12345678", legal_name="Demo B.V.", year=2025)
    original = build_instance(st)
    first = adopt_instance(original, adoption_date=date(2026, 3, 1))
    second = adopt_instance(first, adoption_date=date(2026, 4, 2))
    parsed = parse_instance(second)
    assert parsed.adopted is True and parsed.adoption_date == date(2026, 4, 2)
    assert len(parsed.facts_named("DocumentAdoptionDate")) == 1
    assert _facts(second) == _facts(original)
    assert check_instance(second, filing_date=FILING) == []


def test_adopt_refuses_a_date_inside_the_year_and_non_instances():
    content = build_instance(demo_statements(kvk_number="12345678", legal_name="D", year=2025))
    with pytest.raises(ValueError, match="after the financial year end"):
        adopt_instance(content, adoption_date=date(2025, 12, 31))
    with pytest.raises(ValueError):
        adopt_instance(b"<html/>", adoption_date=date(2026, 1, 1))


def test_build_refuses_invalid_statements():
    st = demo_statements(kvk_number="12345678", legal_name="D", year=2025)
    st.variant = "klein"  # does not fit size micro
    with pytest.raises(ValueError, match="variant"):
        build_instance(st)
