from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest

from kvk import taxonomy as tx
from kvk.statements import FinancialStatements, demo_statements


def test_demo_statements_balance_and_round_trip_through_json():
    for size in tx.SIZES:
        st = demo_statements(kvk_number="12345678", legal_name="Demo B.V.", year=2025, size=size)
        for current, previous in [st.balance["Assets"], st.balance["EquityAndLiabilities"]]:
            assert current and previous
        assert st.balance["Assets"] == st.balance["EquityAndLiabilities"]
        data = json.loads(json.dumps(st.to_dict()))
        assert FinancialStatements.from_dict(data) == st
        assert st.financial_year() == 2025


def test_financial_year_chooses_generation():
    st = demo_statements(kvk_number="12345678", legal_name="Demo B.V.", year=2025)
    assert st.taxonomy_generation().code == "nt20"
    st.period_start, st.period_end = date(2025, 7, 1), date(2026, 6, 30)
    st.previous_start, st.previous_end = date(2024, 7, 1), date(2025, 6, 30)
    assert st.financial_year() == 2025 and st.taxonomy_generation().code == "nt20"
    assert st.entry_point() == (
        "http://www.nltaxonomie.nl/nt20/kvk/20251210/entrypoints/"
        "kvk-rpt-jaarverantwoording-2025-nlgaap-micro.xsd"
    )
    assert tx.generation_for_year(2024).code == "nt19"
    assert tx.generation_for_year(2026).code == "nt21"
    assert tx.generation_for_year(2031).code == "nt21"  # newest known until NT22 is added
    with pytest.raises(LookupError):
        tx.generation_for_year(2023)


def test_adding_a_generation_is_a_data_change(monkeypatch):
    nt22 = tx.Generation("nt22", 2027, "20271208", "20270301", date(2027, 12, 8))
    monkeypatch.setattr(tx, "GENERATIONS", (*tx.GENERATIONS, nt22))
    monkeypatch.setattr(tx, "_ENTRY_POINTS", {})
    assert tx.generation_for_year(2027) is nt22
    url = nt22.entry_point("klein")
    assert url == (
        "http://www.nltaxonomie.nl/nt22/kvk/20271208/entrypoints/"
        "kvk-rpt-jaarverantwoording-2027-nlgaap-klein.xsd"
    )
    assert tx.lookup_entry_point(url) == (nt22, "klein")
    assert nt22.namespaces["nl-cd"] == (
        "http://www.nltaxonomie.nl/nt22/sbr/20270301/dictionary/nl-common-data"
    )


def test_namespaces_match_the_published_ones():
    nt20 = tx.generation("NT20")
    assert nt20.namespaces["jenv-bw2-i"] == (
        "http://www.nltaxonomie.nl/nt20/jenv/20251210/dictionary/jenv-bw2-data"
    )
    assert nt20.namespaces["kvk-i"] == (
        "http://www.nltaxonomie.nl/nt20/kvk/20251210/dictionary/kvk-data"
    )
    assert tx.generation("nt19").namespaces["nl-types"] == (
        "http://www.nltaxonomie.nl/nt19/sbr/20240301/dictionary/nl-types"
    )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"kvk_number": "1234"}, "kvk_number"),
        ({"kvk_number": "00123456"}, "kvk_number"),
        ({"size": "groot"}, "size"),
        ({"variant": "klein"}, "variant"),
        ({"language": "es"}, "language"),
        ({"period_end": "2024-12-31"}, "period_end"),
        ({"previous_end": "2024-12-30"}, "previous_end"),
        ({"balance": {"Assetz": ["1", "2"]}}, "Assetz"),
        ({"balance": {"Assets": ["1.005", "2"]}}, "two decimals"),
        ({"balance": {"Assets": ["abc", "2"]}}, "decimal"),
        ({"adopted": True}, "adoption_date"),
        ({"resubmission": True}, "resubmission"),
        ({"legal_name": "Łódź B.V."}, "FR-NL-1.02"),
        ({"seat": "   "}, "seat"),
        ({"adopted": "false"}, "adopted"),
        ({"notes": "<script>x</script>"}, "script"),
        ({"notes": '<p style="margin: 0">x</p>'}, "margin"),
        ({"notes": "<p>unclosed"}, "badly formed"),
        ({"period_start": "2025-13-01"}, "period_start"),
    ],
)
def test_from_dict_refuses_invalid_statements(change, message):
    data = demo_statements(kvk_number="12345678", legal_name="Demo B.V.", year=2025).to_dict()
    data.update(change)
    with pytest.raises(ValueError, match=message):
        FinancialStatements.from_dict(data)


def test_amounts_accept_numbers_and_strings():
    data = demo_statements(kvk_number="12345678", legal_name="Demo B.V.", year=2025).to_dict()
    data["profit_loss"] = {"NetRevenue": [1000, "999.50"]}
    st = FinancialStatements.from_dict(data)
    assert st.profit_loss["NetRevenue"] == (Decimal(1000), Decimal("999.50"))
