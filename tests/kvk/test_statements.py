from __future__ import annotations

import json
import re
from datetime import date
from decimal import Decimal

import pytest

from kvk import nt
from kvk import taxonomy as tx
from kvk.builder import build_instance
from kvk.parser import parse_instance
from kvk.statements import FinancialStatements, Signatory, demo_statements, is_annual, years_later


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


NOTE = "AdditionalInformationToArticle395aDisclosure"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"kvk_number": "1234"}, "kvk_number"),
        ({"kvk_number": "00123456"}, "kvk_number"),
        ({"size": "groot"}, "size"),
        ({"variant": "klein"}, "variant"),
        ({"variant": "klein-verticaal", "size": "klein"}, "klein-verticaal"),
        ({"language": "es"}, "language"),
        ({"legal_form": "BV"}, "legal_form 'BV' is not in the taxonomy's list"),
        ({"legal_form": "B.V."}, "Besloten vennootschap met beperkte aansprakelijkheid"),
        ({"appropriation": "After"}, "appropriation"),
        ({"period_end": "2024-12-31"}, "period_end"),
        ({"previous_end": "2024-12-30"}, "previous_end"),
        ({"previous_end": None}, "both previous_start and previous_end"),
        ({"balance": {"Assetz": ["1", "2"]}}, "Assetz"),
        ({"balance": {"IntangibleAssets": ["1", "2"]}}, "not a line item of micro"),
        ({"profit_loss": {"GrossMargin": ["1", "2"]}}, "GrossMargin"),
        ({"balance": {"Assets": ["1.50", "2"]}}, "has cents"),
        ({"balance": {"Assets": ["1.005", "2"]}}, "two decimals"),
        ({"balance": {"Assets": ["abc", "2"]}}, "decimal"),
        ({"balance": {"Assets": ["1"]}}, "current, previous"),
        ({"address": None}, "address is required"),
        ({"email": ""}, "email is required"),
        ({"prepared_on": None}, "prepared_on is required"),
        ({"address": {"street": "A", "house_number": "1", "postal_code": "", "place": "U"}},
         "address.postal_code is empty"),
        ({"adopted": True}, "adoption_date"),
        ({"adopted": True, "adoption_date": "2025-12-31"}, "after the financial year end"),
        ({"resubmission": True}, "resubmission"),
        ({"resubmission": True, "adopted": True, "adoption_date": "2026-05-25"},
         "resubmission_explanation"),
        # kvk-document-information-for.xml, PrtDateEarlierEQDateLater1 (WARNING)
        ({"adopted": True, "adoption_date": "2026-05-14"}, "prepared_on 2026-05-15 lies after"),
        # kvk-signing-financial-statements-for.xml, PrtExistence1 (WARNING); art. 2:101 BW
        ({"signatories": []}, "signatories: give at least one"),
        ({"legal_name": "Łódź B.V."}, "FR-NL-1.02"),
        ({"seat": "   "}, "seat"),
        ({"adopted": "false"}, "adopted"),
        ({"signatories": [{"name": "A", "function": "Directeur"}]}, "function must be one of"),
        ({"signatories": [{"function": "Bestuurder (huidig)"}]}, "needs a name"),
        ({"signatories": [{"name": "A", "signed": True, "reason_not_signed": "ziek"}]},
         "gives no reason_not_signed"),
        ({"signatories": [{"name": "A", "signed": False, "signed_on": "2026-05-01"}]},
         "has no signed_on"),
        ({"signatories": [{"name": "A", "place": "Utrecht"}]}, "gives signed_on"),
        ({"signatories": [{"name": "A", "signed_on": "2026-05-01"}]}, "place of signing"),
        ({"signatories": [{"name": "A", "signed": False}]}, "gives reason_not_signed"),
        ({"signatories": [{"name": "A", "signed": False, "reason_not_signed": "ziek",
                           "place": "Utrecht"}]}, "has no place"),
        ({"profit_loss": {"SellingExpenses": ["1", "2"]}}, "not a line item of micro"),
        ({"notes": {"NotesGeneral": "x"}}, "not a notes concept of micro"),
        ({"notes": {NOTE: "<script>x</script>"}}, "script"),
        ({"notes": {NOTE: '<p style="margin: 0">x</p>'}}, "margin"),
        ({"notes": "tekst"}, "notes must be an object"),
        ({"period_start": "2025-13-01"}, "period_start"),
    ],
)  # fmt: skip
def test_from_dict_refuses_invalid_statements(change, message):
    data = demo_statements(kvk_number="12345678", legal_name="Demo B.V.", year=2025).to_dict()
    data.update(change)
    with pytest.raises(ValueError, match=re.escape(message)):
        FinancialStatements.from_dict(data)


def test_a_year_that_is_not_twelve_months_needs_a_reason():
    data = demo_statements(kvk_number="12345678", legal_name="Demo B.V.", year=2025).to_dict()
    data.update(period_start="2025-03-01", previous_start=None, previous_end=None)
    data["balance"] = {k: [cur, None] for k, (cur, _) in data["balance"].items()}
    data["profit_loss"] = {k: [cur, None] for k, (cur, _) in data["profit_loss"].items()}
    with pytest.raises(ValueError, match="period_deviation_reason"):
        FinancialStatements.from_dict(data)
    data["period_deviation_reason"] = "Eerste boekjaar na oprichting."
    # kvk-document-information-for.xml, PrtValueThnExistence2 (WARNING): the impact too
    with pytest.raises(ValueError, match="period_deviation_impact"):
        FinancialStatements.from_dict(data)
    data["period_deviation_impact"] = "Geen vergelijkende cijfers."
    st = FinancialStatements.from_dict(data)
    assert not st.period_is_annual and not st.has_comparatives


def test_a_first_year_has_no_previous_amounts():
    data = demo_statements(kvk_number="12345678", legal_name="Demo B.V.", year=2025).to_dict()
    data.update(previous_start=None, previous_end=None)
    with pytest.raises(ValueError, match="first financial year"):
        FinancialStatements.from_dict(data)


def test_amounts_accept_numbers_and_strings():
    data = demo_statements(kvk_number="12345678", legal_name="Demo B.V.", year=2025).to_dict()
    data["profit_loss"] = {"NetRevenue": [1000, "999.00"]}
    st = FinancialStatements.from_dict(data)
    assert st.profit_loss["NetRevenue"] == (Decimal(1000), Decimal("999.00"))


def test_line_items_are_nt19s():
    """The balance sheets are NT19's (extract kvk/nt19, official NT19 files): micro's is
    abbreviated with Liabilities as a total, klein's has no Liabilities total and pays up
    its capital in ShareCapitalPaidCalledUp; klein's profit and loss starts at GrossMargin."""
    micro = tx.line_items("micro", "balance")
    klein = tx.line_items("klein", "balance")
    assert "Liabilities" in micro and "IntangibleAssets" not in micro
    assert "Liabilities" not in klein and "ShareCapitalPaidCalledUp" in klein
    assert "ShareCapital" not in klein
    assert tx.line_items("klein", "income")[0] == "GrossMargin"
    assert tx.line_items("klein-publicatiestukken", "income") == ()
    for size in tx.SIZES:
        st = demo_statements(kvk_number="12345678", legal_name="D", year=2024, size=size)
        assert set(st.balance) <= set(st.balance_lines())
        assert set(st.notes) <= set(st.note_concepts())


def test_signatories_round_trip_with_every_field():
    st = demo_statements(kvk_number="12345678", legal_name="Demo B.V.", year=2025)
    st.signatories = [
        Signatory(name="A", function=tx.DIRECTOR, signed_on=date(2026, 5, 1), place="Utrecht"),
        Signatory(
            name="B", function=tx.SUPERVISORY_DIRECTOR, signed=False, reason_not_signed="Ziek"
        ),
    ]
    back = FinancialStatements.from_dict(json.loads(json.dumps(st.to_dict())))
    assert back.signatories == st.signatories
    assert [s.supervisory for s in back.signatories] == [False, True]


def _formula_file(variant: str, name: str) -> dict:
    return next(f for f in nt.formula_files(variant) if f["file"].endswith(name))


def test_signing_follows_the_kvk_signing_assertions():
    """kvk-signing-financial-statements-for.xml (nt19-kvk-klein-formulas.json): with
    DirectorSignedStatus 'Ja' the date and place must be there (PrtValueThnExistence1, 2),
    and no reason (PrtValueThnNoExistence2); with 'Nee' the reason must be there
    (PrtValueThnExistence3) and neither date nor place (PrtValueThnNoExistence1, 3).
    validate() refuses each breach."""
    record = _formula_file("klein", "kvk-signing-financial-statements-for.xml")
    field_of = {qname.partition(":")[2]: key for key, qname in tx.SIGNING_CONCEPTS.items()}
    present = {"signed_on": date(2026, 5, 1), "place": "Utrecht", "reason_not_signed": "Ziek"}
    absent = {"signed_on": None, "place": "", "reason_not_signed": ""}
    checked = set()
    for assertion in record["assertions"]:
        status = re.fullmatch(
            r"\$DirectorSignedStatus eq '(Ja|Nee)'", assertion.get("precondition", "")
        )
        if status is None:
            continue
        (concept,) = (
            v["name"] for v in assertion["variables"] if v["name"] != "DirectorSignedStatus"
        )
        field = field_of[concept]
        must_exist = assertion["test"].startswith("not(")
        signed = status.group(1) == tx.YES
        given = ("signed_on", "place") if signed else ("reason_not_signed",)
        person = Signatory(
            "A", signed=signed, **{f: present[f] if f in given else absent[f] for f in present}
        )
        st = demo_statements(kvk_number="12345678", legal_name="Demo B.V.", year=2025)
        st.signatories = [person]
        st.validate()
        setattr(person, field, absent[field] if must_exist else present[field])
        with pytest.raises(ValueError, match=re.escape("signatories[0]")):
            st.validate()
        checked.add((status.group(1), field, must_exist))
    assert checked == {
        ("Ja", "signed_on", True),
        ("Ja", "place", True),
        ("Ja", "reason_not_signed", False),
        ("Nee", "reason_not_signed", True),
        ("Nee", "signed_on", False),
        ("Nee", "place", False),
    }


def test_a_profit_and_loss_by_nature_has_no_functional_lines():
    """The builder writes kvk-i:IncomeStatementClassificationType 'Categoriaal' for klein;
    then the KvK's IncomeStatementSmall_PrtValueThnNoExistenceCovA3 and A4
    (kvk-income-statement_k-for.xml, nt19-kvk-klein-formulas.json) forbid
    GeneralAdministrativeExpenses and SellingExpenses, although the income statement role
    has them: klein's line items leave them out and validate() refuses them."""
    record = _formula_file("klein", "kvk-income-statement_k-for.xml")
    by_id = {a["id"]: a for a in record["assertions"]}
    for suffix, concept in (("A3", "GeneralAdministrativeExpenses"), ("A4", "SellingExpenses")):
        assertion = by_id[f"valueAssertion_IncomeStatementSmall_PrtValueThnNoExistenceCov{suffix}"]
        assert assertion["precondition"] == "$IncomeStatementClassificationType eq 'Categoriaal'"
        assert assertion["test"].startswith("xff:has-fallback-value(")
        assert f"conceptName jenv-bw2-i:{concept}" in assertion["variables"][0]["filters"]
        assert f"jenv-bw2-i:{concept}" in nt.entry_point("klein").line_items(
            "income-statement-small"
        )
        assert concept not in tx.line_items("klein", "income")
        assert tx.excluded_by_classification("klein")[concept] == (
            f"IncomeStatementSmall_PrtValueThnNoExistenceCov{suffix}"
        )
        st = demo_statements(
            kvk_number="12345678", legal_name="D", year=2025, size="klein", variant="klein"
        )
        st.profit_loss[concept] = (Decimal(1), Decimal(1))
        with pytest.raises(ValueError, match=f"PrtValueThnNoExistenceCov{suffix}"):
            st.validate()
    built = demo_statements(
        kvk_number="12345678", legal_name="D", year=2025, size="klein", variant="klein"
    )
    inst = parse_instance(build_instance(built))
    assert inst.first_value("IncomeStatementClassificationType") == "Categoriaal"
    assert tx.CLASSIFICATION_BY_NATURE == "Categoriaal"


def test_twelve_months_and_years_later():
    assert is_annual(date(2025, 1, 1), date(2025, 12, 31))
    assert is_annual(date(2024, 3, 1), date(2025, 2, 28))
    assert not is_annual(date(2025, 3, 1), date(2025, 12, 31))
    assert years_later(date(2024, 2, 29), 1) == date(2025, 2, 28)
    assert years_later(date(2024, 2, 29), 4) == date(2028, 2, 29)
