"""The NT19 migrations: the data migration (clientside 0006: old legal forms, free-text
addresses, signatory roles and stored figures in the old JSON shape, brought to the NT19
shape; not reversible), and the reverses of 0007 (Signatory.role back from the function)
and 0008 (ReportSignature.signed back as False).

The target names are checked against the NT19 extract (kvk.taxonomy.line_items, the
taxonomy's value lists), not against the migration's own tables."""

from __future__ import annotations

import importlib
from datetime import date

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.exceptions import IrreversibleError
from django.db.migrations.executor import MigrationExecutor

from kvk import taxonomy as tx
from kvk.statements import FinancialStatements, demo_statements

migration = importlib.import_module("clientside.migrations.0006_nt19_data")

BEFORE = [("clientside", "0004_filing_activation")]
NT19_FIELDS = [("clientside", "0005_nt19_kvk_tab_signing")]
NT19_DATA = [("clientside", "0006_nt19_data")]
AFTER = [("clientside", "0007_remove_signatory_role")]

#: The balance sheet as the product stored it before NT19 (klein-style lines for every
#: size), from the old demo figures.
OLD_BALANCE = {
    "IntangibleAssets": ["0", "0"],
    "PropertyPlantEquipment": ["48250", "52100"],
    "FinancialAssets": ["5000", "5000"],
    "AssetsNoncurrent": ["53250", "57100"],
    "Inventories": ["12400", "10950"],
    "Receivables": ["31780", "28410"],
    "CashAndCashEquivalents": ["22615", "14320"],
    "AssetsCurrent": ["66795", "53680"],
    "Assets": ["120045", "110780"],
    "ShareCapital": ["18000", "18000"],
    "ReservesOther": ["41230", "32155"],
    "ResultForTheYear": ["12815", "9075"],
    "Equity": ["72045", "59230"],
    "Provisions": ["3000", "2500"],
    "LiabilitiesNoncurrent": ["25000", "30000"],
    "LiabilitiesCurrent": ["20000", "19050"],
    "EquityAndLiabilities": ["120045", "110780"],
}
OLD_PROFIT_LOSS = {
    "GrossOperatingResult": ["100000", "90000"],
    "OtherOperatingExpenses": ["87185", "80925"],
    "OperatingResult": ["12815", "9075"],
    "ResultBeforeTax": ["12815", "9075"],
    "ResultAfterTax": ["12815", "9075"],
}


#: Every profit-and-loss name the old trial-balance import stored, for micro as well
#: (git show 8150f5d:kvk/taxonomy.py, PROFIT_LOSS_CONCEPTS), with amounts that add up
#: (turnover entered as NetRevenue, so no gross operating result).
OLD_FULL_PROFIT_LOSS = {
    "NetRevenue": ["184300", "171250"],
    "EmployeeBenefitsExpenses": ["121000", "118400"],
    "AmortisationDepreciationOnIntangibleAssetsPropertyPlantEquipment": ["9850", "9500"],
    "OtherOperatingExpenses": ["36420", "31180"],
    "OperatingResult": ["17030", "12170"],
    "FinancialIncomeAndExpense": ["-1250", "-1400"],
    "ResultBeforeTax": ["15780", "10770"],
    "IncomeTaxExpense": ["2965", "1695"],
    "ResultAfterTax": ["12815", "9075"],
}


def old_statements(**changes):
    data = {
        "period_start": "2024-01-01",
        "period_end": "2024-12-31",
        "previous_start": "2023-01-01",
        "previous_end": "2023-12-31",
        "balance": OLD_BALANCE,
        "profit_loss": OLD_PROFIT_LOSS,
        "notes": "Opgesteld volgens Titel 9 Boek 2 BW.",
        "directors": [{"name": "J. de Vries", "signed_on": None, "supervisory": False}],
    }
    data.update(changes)
    return data


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("Besloten vennootschap", "Besloten vennootschap met beperkte aansprakelijkheid"),
        ("B.V.", "Besloten vennootschap met beperkte aansprakelijkheid"),
        ("Naamloze vennootschap", "Naamloze vennootschap"),
        ("Coöperatie", "Cooperatie"),
        ("v.o.f.", "Vennootschap onder firma"),
        ("Stichting", "Stichting"),
        ("Eenmanszaak", "Eenmanszaak"),  # unknown: left for the user (the screens ask)
    ],
)
def test_legal_forms_become_the_taxonomys_full_names(old, new):
    assert migration.legal_form_full(old) == new
    assert new in tx.LEGAL_FORMS or new == "Eenmanszaak"


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        (
            "Oudegracht 120a, 3511 ax Utrecht",
            ("Oudegracht", "120", "a", "3511AX", "Utrecht"),
        ),
        ("Dorpsstraat 1, Utrecht", ("Dorpsstraat", "1", "", "", "Utrecht")),
        (
            "Lange Nieuwstraat 7-2\n3512 PH Utrecht",
            ("Lange Nieuwstraat", "7", "2", "3512PH", "Utrecht"),
        ),
        ("Dorpsstraat 1 Utrecht", None),  # no comma or line break: not unambiguous
        ("Postbus 123, Utrecht", None),
        ("Burgemeester van Roijensingel 12, 8011 CZ Zwolle", None),  # street > 24
        ("", None),
    ],
)
def test_free_text_addresses_are_split_where_unambiguous(text, parts):
    address = migration.split_address(text)
    if parts is None:
        assert address is None
    else:
        keys = ("street", "house_number", "house_number_addition", "postal_code", "place")
        assert tuple(address[k] for k in keys) == parts


def test_old_micro_figures_become_the_abbreviated_nt19_balance_sheet():
    new = migration.convert_statements(old_statements(), "micro")
    assert new["balance"] == {
        "AssetsNoncurrentOther": ["53250", "57100"],
        "AssetsNoncurrent": ["53250", "57100"],
        "AssetsCurrentOther": ["66795", "53680"],
        "AssetsCurrent": ["66795", "53680"],
        "Assets": ["120045", "110780"],
        "Equity": ["72045", "59230"],
        "Provisions": ["3000", "2500"],
        "LiabilitiesMaturityExceedingOneYear": ["25000", "30000"],
        "LiabilitiesMaturityLessThanOneYear": ["20000", "19050"],
        "Liabilities": ["45000", "49050"],
        "EquityAndLiabilities": ["120045", "110780"],
    }
    assert set(new["balance"]) <= set(tx.line_items("micro", "balance"))
    # The gross operating result (turnover less cost of sales) and the operating result
    # have no micro line; the rest stays, ResultAfterTax above all (micro files it).
    assert new["profit_loss"] == {
        "OperatingExpensesOther": ["87185", "80925"],
        "ResultBeforeTax": ["12815", "9075"],
        "ResultAfterTax": ["12815", "9075"],
    }
    assert set(new["profit_loss"]) <= set(tx.line_items("micro", "income"))
    assert new["notes"] == {
        "AdditionalInformationToArticle395aDisclosure": "Opgesteld volgens Titel 9 Boek 2 BW."
    }
    assert set(new["notes"]) <= set(tx.line_items("micro", "notes"))
    assert "directors" not in new


def test_old_micro_figures_without_subtotals_are_summed():
    balance = {k: v for k, v in OLD_BALANCE.items() if k not in ("AssetsCurrent", "Equity")}
    new = migration.convert_statements(old_statements(balance=balance), "micro")
    assert new["balance"]["AssetsCurrentOther"] == ["66795", "53680"]
    assert new["balance"]["Equity"] == ["72045", "59230"]


@pytest.mark.parametrize(
    ("old", "new", "sign"),
    [
        ("NetRevenue", "NetRevenue", 1),
        ("OtherOperatingExpenses", "OperatingExpensesOther", 1),
        (
            "AmortisationDepreciationOnIntangibleAssetsPropertyPlantEquipment",
            "DepreciationAmortisationAndDecreaseInValueAssets",
            1,
        ),
        # micro's only line for staff costs (the trial-balance import puts them there too)
        ("EmployeeBenefitsExpenses", "WagesSalaries", 1),
        # micro has no financial line: net financial income is a negative other expense
        ("FinancialIncomeAndExpense", "ExpensesOther", -1),
        ("ResultBeforeTax", "ResultBeforeTax", 1),
        ("IncomeTaxExpense", "IncomeTaxExpense", 1),
        ("ResultAfterTax", "ResultAfterTax", 1),
        ("GrossOperatingResult", None, 1),  # turnover less cost of sales: no micro line
        ("OperatingResult", None, 1),  # no micro line
    ],
)
def test_each_old_profit_and_loss_line_of_micro(old, new, sign):
    profit_loss = {old: ["1000", None], "OperatingResult": ["7", "7"]}
    converted = migration.convert_statements(old_statements(profit_loss=profit_loss), "micro")
    expected = {} if new is None else {new: [str(sign * 1000), None]}
    assert converted["profit_loss"] == expected
    assert set(converted["profit_loss"]) <= set(tx.line_items("micro", "income"))


def test_old_micro_profit_and_loss_still_adds_up_in_nt19():
    """NT19's micro assertion (formulas_micro in the extract's supplement): ResultBeforeTax
    = Income - Expenses; with Income = NetRevenue and Expenses the sum of its lines."""
    data = old_statements(profit_loss=OLD_FULL_PROFIT_LOSS)
    new = migration.convert_statements(data, "micro")["profit_loss"]
    expenses = (
        "WagesSalaries",
        "DepreciationAmortisationAndDecreaseInValueAssets",
        "OperatingExpensesOther",
        "ExpensesOther",
    )
    assert set(expenses) <= set(tx.line_items("micro", "income"))
    for slot in (0, 1):
        income = int(new["NetRevenue"][slot])
        spent = sum(int(new[name][slot]) for name in expenses)
        assert income - spent == int(new["ResultBeforeTax"][slot])
        assert int(new["ResultBeforeTax"][slot]) - int(new["IncomeTaxExpense"][slot]) == int(
            new["ResultAfterTax"][slot]
        )


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("GrossOperatingResult", "GrossMargin"),
        ("NetRevenue", "GrossMargin"),  # klein starts at the gross margin
        ("EmployeeBenefitsExpenses", "EmployeeBenefitsExpenses"),
        (
            "AmortisationDepreciationOnIntangibleAssetsPropertyPlantEquipment",
            "DepreciationPropertyPlantEquipmentAmortisationIntangibleAssets",
        ),
        ("OtherOperatingExpenses", "OperatingExpensesOther"),
        ("OperatingResult", "OperatingResult"),
        ("FinancialIncomeAndExpense", "FinancialIncomeExpenses"),
        ("ResultBeforeTax", "ResultBeforeTax"),
        ("IncomeTaxExpense", "IncomeTaxExpense"),
        ("ResultAfterTax", "ResultAfterTax"),
    ],
)
def test_each_old_profit_and_loss_line_of_klein(old, new):
    converted = migration.convert_statements(
        old_statements(profit_loss={old: ["1000", None]}), "klein"
    )
    assert converted["profit_loss"][new] == ["1000", None]
    assert old == new or old not in converted["profit_loss"]
    assert set(converted["profit_loss"]) <= set(tx.line_items("klein", "income"))


def test_old_klein_figures_get_nt19_names():
    new = migration.convert_statements(old_statements(), "klein")
    assert "ShareCapital" not in new["balance"]
    assert new["balance"]["ShareCapitalPaidCalledUp"] == ["18000", "18000"]
    assert new["profit_loss"]["GrossMargin"] == ["100000", "90000"]
    assert new["profit_loss"]["OperatingExpensesOther"] == ["87185", "80925"]
    assert new["profit_loss"]["SumOfExpenses"] == ["87185", "80925"]
    assert set(new["balance"]) <= set(tx.line_items("klein", "balance"))
    assert set(new["profit_loss"]) <= set(tx.line_items("klein", "income"))
    assert set(new["notes"]) <= set(tx.line_items("klein", "notes"))


@pytest.mark.parametrize("variant", ["micro", "klein"])
def test_figures_already_in_the_nt19_shape_are_left_alone(variant):
    size = tx.size_of_variant(variant)
    data = demo_statements(
        kvk_number="12345678", legal_name="X", year=2024, size=size, variant=variant
    ).to_dict()
    assert migration.convert_statements(data, variant) == data


# --- against the database ------------------------------------------------------------


def migrate(target):
    """The database migrated to target; the historical models of that state."""
    executor = MigrationExecutor(connection)
    executor.migrate(target)
    return executor.loader.project_state(target).apps


@pytest.fixture
def migrations_back():
    """Back to before NT19 (0004) on the empty test database, and to the newest state
    after the test. 0006 has no reverse: with no rows to convert it is marked unapplied
    without running."""
    migrate(NT19_DATA)
    MigrationExecutor(connection).migrate(NT19_FIELDS, fake=True)
    yield migrate(BEFORE)
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


@pytest.fixture
def newest():
    """The database as the newest migrations leave it, again after the test."""
    leaves = MigrationExecutor(connection).loader.graph.leaf_nodes()
    yield migrate(leaves)
    migrate(leaves)


@pytest.mark.django_db(transaction=True)
def test_the_migration_brings_stored_rows_to_nt19(migrations_back):
    old = migrations_back
    administration = old.get_model("clientside", "Administration").objects.create(
        name="Oud B.V.",
        legal_form="Besloten vennootschap",
        seat="Utrecht",
        kvk_number="12345678",
        address="Oudegracht 120, 3511 AX Utrecht",
        contact_email="jan@oud.example.nl",
        kvk_report="micro",
    )
    old.get_model("clientside", "Signatory").objects.create(
        administration=administration, name="K. Toezicht", role="commissaris"
    )
    old.get_model("clientside", "AnnualReport").objects.create(
        administration=administration, financial_year=2024, statements=old_statements()
    )

    new = migrate(AFTER)
    migrated = new.get_model("clientside", "Administration").objects.get()
    assert migrated.legal_form == "Besloten vennootschap met beperkte aansprakelijkheid"
    assert (migrated.street, migrated.house_number, migrated.postal_code, migrated.place) == (
        "Oudegracht",
        "120",
        "3511AX",
        "Utrecht",
    )
    assert migrated.address == "Oudegracht 120, 3511 AX Utrecht"  # kept
    assert migrated.filing_email == "jan@oud.example.nl"
    assert new.get_model("clientside", "Signatory").objects.get().function == (
        "Commissaris (huidig)"
    )
    statements = new.get_model("clientside", "AnnualReport").objects.get().statements
    assert statements["balance"]["AssetsNoncurrentOther"] == ["53250", "57100"]
    # The stored figures now read as NT19 statements.
    data = {
        **statements,
        "kvk_number": "12345678",
        "legal_name": "Oud B.V.",
        "legal_form": migrated.legal_form,
        "seat": "Utrecht",
        "size": "micro",
        "variant": "micro",
        "address": {
            "street": "Oudegracht",
            "house_number": "120",
            "postal_code": "3511AX",
            "place": "Utrecht",
        },
        "email": migrated.filing_email,
        "prepared_on": date(2025, 3, 1).isoformat(),
        # the signatories come from the administration (clientside.services.statements_for)
        "signatories": [{"name": "J. de Vries", "signed_on": "2025-03-02", "place": "Utrecht"}],
    }
    FinancialStatements.from_dict(data).validate()


@pytest.mark.django_db(transaction=True)
def test_the_data_migration_says_it_cannot_be_reversed(newest):
    with pytest.raises(IrreversibleError, match="0006_nt19_data"):
        call_command("migrate", "clientside", "0005", verbosity=0)


@pytest.mark.django_db(transaction=True)
def test_reversing_0007_gives_each_signatory_its_role_back(newest):
    administration = newest.get_model("clientside", "Administration").objects.create(
        name="X B.V.", kvk_number="12345678"
    )
    Signatory = newest.get_model("clientside", "Signatory")
    for function in tx.DIRECTOR_TYPES:
        Signatory.objects.create(administration=administration, name=function, function=function)

    old = migrate(NT19_DATA)
    roles = dict(old.get_model("clientside", "Signatory").objects.values_list("name", "role"))
    assert roles == {
        "Bestuurder (huidig)": "bestuurder",
        "Bestuurder (voormalig)": "bestuurder",
        "Commissaris (huidig)": "commissaris",
        "Commissaris (voormalig)": "commissaris",
    }


@pytest.mark.django_db(transaction=True)
def test_reversing_0008_keeps_who_did_not_sign(newest):
    administration = newest.get_model("clientside", "Administration").objects.create(
        name="X B.V.", kvk_number="12345678"
    )
    person = newest.get_model("clientside", "Signatory").objects.create(
        administration=administration, name="A. Bakker"
    )
    report = newest.get_model("clientside", "AnnualReport").objects.create(
        administration=administration, financial_year=2024, statements={}
    )
    newest.get_model("clientside", "ReportSignature").objects.create(
        report=report, signatory=person, reason_not_signed="Afgetreden."
    )

    old = migrate(AFTER)
    signature = old.get_model("clientside", "ReportSignature").objects.get()
    assert (signature.signed, signature.reason_not_signed) == (False, "Afgetreden.")
