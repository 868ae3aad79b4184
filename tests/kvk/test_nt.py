"""kvk.nt reads the NT19 extract (kvk/nt19, facts read from the official NT19 files).

The expectations below are quoted from the extract's records, not from our builder:
the micro entry point's linkbase list (nt19-kvk-micro-klein.json, entrypoints), its
ParentChildSummation arcs (nt19-kvk-supplement.json, formulas_micro) and klein's balance
sheet presentation (nt19-kvk-klein.json, answers.balance_sheet_klein).
"""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from kvk import nt
from kvk import taxonomy as tx


def _raw(name: str) -> dict:
    return json.loads((nt.DATA / name).read_text(encoding="utf-8"))


def test_micro_roles_are_the_entry_points_definition_linkbases():
    record = _raw("nt19-kvk-micro-klein.json")["entrypoints"][
        "kvk-rpt-jaarverantwoording-2024-nlgaap-micro.xsd"
    ]
    assert record["complete"] is True
    model = nt.entry_point("micro")
    assert model.complete
    assert {r.short for r in model.roles} == {
        "balance-sheet-micro-entities",
        "balance-sheet-micro-entities-indication-no-accrued-assets-liabilities-are-recorded",
        "document-information",
        "entity-address",
        "entity-information",
        "income-statement-micro-entities",
        "notes-micro-entities",
        "signing-financial-statements",
    }
    # The publication pieces leave out the income statement (its linkbases are not listed).
    assert "income-statement-micro-entities" not in {
        r.short for r in nt.entry_point("micro-publicatiestukken").roles
    }


def test_hypercubes_closed_with_the_official_members():
    balance = nt.entry_point("micro").role("balance-sheet-micro-entities")
    assert balance.closed
    axes = {a.qname: a for a in balance.axes}
    assert axes["jenv-bw2-dim:BasisOfPreparationAxis"].members == {
        "jenv-bw2-dm:CommercialMember",
        "jenv-bw2-dm:FiscalMember",
    }
    assert axes["jenv-bw2-dim:FinancialStatementsTypeAxis"].members == {
        "jenv-bw2-dm:SeparateMember"
    }
    signing = nt.entry_point("micro").role("signing-financial-statements")
    (axis,) = signing.axes
    assert axis.typed_member == (
        "jenv-bw2-dm:ManagingOrSupervisoryDirectorOrRepresentativeTypedMember"
    )
    # Entity information: a closed hypercube without dimensions.
    info = nt.entry_point("klein").role("entity-information")
    assert info.closed and info.axes == ()


def test_micro_summations_are_the_generic_linkbase_arcs():
    assert nt.summations("micro") == {
        "Assets": ("AssetsNoncurrent", "AssetsCurrent"),
        "AssetsNoncurrent": ("CostsIncorporationShareIssue", "AssetsNoncurrentOther"),
        "AssetsCurrent": ("CalledUpShareCapital", "AssetsCurrentOther"),
        "EquityAndLiabilities": ("Equity", "Provisions", "Liabilities"),
        "Liabilities": (
            "LiabilitiesMaturityExceedingOneYear",
            "LiabilitiesMaturityLessThanOneYear",
        ),
    }


def test_a_second_tree_of_a_role_joins_the_heading_it_extends():
    """Klein's balance-sheet role has a small tree EquityTitle -> ReinvestmentReserve,
    OtherFiscalReserves besides the main tree; the fiscal reserves belong under the main
    tree's EquityTitle, before the Equity total, not above the fixed assets."""
    rows = nt.entry_point("klein").presentation["urn:kvk:linkrole:balance-sheet"]
    names = [c.partition(":")[2] for _, c, _ in rows]
    assert names[0] == "BalanceSheetCompleteTitle"
    assert names.count("EquityTitle") == 1
    assert names.index("RetainedEarnings") < names.index("OtherFiscalReserves")
    assert names.index("OtherFiscalReserves") < names.index("Equity")
    depth = {c.partition(":")[2]: d for d, c, _ in rows}
    assert depth["OtherFiscalReserves"] == depth["ShareCapitalPaidCalledUp"]


def test_formula_files_follow_the_entry_points():
    micro = {f["file"].rpartition("/")[2] for f in nt.formula_files("micro")}
    publication = {
        f["file"].rpartition("/")[2] for f in nt.formula_files("micro-publicatiestukken")
    }
    assert "kvk-income-statement_u-for.xml" in micro
    assert "kvk-income-statement_u-for.xml" not in publication
    assert nt.formula_files("klein-verticaal") == []


def test_unread_variants_have_no_model():
    with pytest.raises(LookupError, match="not covered"):
        nt.entry_point("klein-verticaal")


def test_summations_are_cached_and_read_only():
    """nt19-kvk-klein-formulas.json has summation arcs for klein's balance sheet only."""
    klein = nt.summations("klein")
    assert klein is nt.summations("klein")
    with pytest.raises(TypeError):
        klein["Assets"] = ()  # type: ignore[index]
    assert "ResultAfterTax" not in klein and "Equity" in klein


def test_every_filing_role_exists_in_a_variant_of_its_size():
    """A misspelt role in kvk.taxonomy.FILING_ROLES would silently give no line items."""
    for size, parts in tx.FILING_ROLES.items():
        shorts = {
            role.short
            for variant in tx.VARIANTS_BY_SIZE[size]
            if variant in nt.MODELLED_VARIANTS
            for role in nt.entry_point(variant).roles
        }
        for part, roles in parts.items():
            for role in roles:
                assert role in shorts, (size, part, role)


def test_totals_are_signed_as_the_kvk_computes_them():
    """kvk-income-statement_k-for.xml PrtFST108 (nt19-kvk-klein-formulas.json): value
    changes are subtracted within SumOfExpenses; PrtFST102: GrossMargin - SumOfExpenses =
    OperatingResult. An item that is a total without an amount counts with its own sum."""
    record = next(
        f for f in nt.formula_files("klein") if f["file"].endswith("kvk-income-statement_k-for.xml")
    )
    tests = {a["id"].rpartition("_")[2]: a["test"] for a in record["assertions"]}
    assert "- sum($ChangesValueInvestmentProperties)" in tests["PrtFST108Variables1"]
    assert tests["PrtFST102Variables1"].strip() == (
        "+ sum($GrossMargin) - sum($SumOfExpenses) = $OperatingResult"
    )
    amounts = {
        "GrossMargin": Decimal(1000),
        "EmployeeBenefitsExpenses": Decimal(300),
        "ChangesValueInvestmentProperties": Decimal(50),
        "SumOfExpenses": None,
    }
    totals = tx.computed_totals("klein", amounts)
    assert totals["SumOfExpenses"] == Decimal(250)
    assert totals["OperatingResult"] == Decimal(750)
    assert "ResultAfterTax" in totals and "Assets" not in totals  # no balance items given
    # A total given is used as given for the totals above it.
    given = tx.computed_totals("klein", {**amounts, "SumOfExpenses": Decimal(400)})
    assert (given["SumOfExpenses"], given["OperatingResult"]) == (Decimal(250), Decimal(600))
