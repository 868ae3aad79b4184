"""The NT19 data migration (clientside 0006): old legal forms, free-text addresses,
signatory roles and stored figures in the old JSON shape, brought to the NT19 shape.

The target names are checked against the NT19 extract (kvk.taxonomy.line_items, the
taxonomy's value lists), not against the migration's own tables."""

from __future__ import annotations

import importlib
from datetime import date

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from kvk import taxonomy as tx
from kvk.statements import FinancialStatements, demo_statements

migration = importlib.import_module("clientside.migrations.0006_nt19_data")

BEFORE = [("clientside", "0004_filing_activation")]
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
    assert new["profit_loss"] == {}  # micro never filed the old profit and loss
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


@pytest.mark.django_db(transaction=True)
def test_the_migration_brings_stored_rows_to_nt19():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
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

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
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
    }
    FinancialStatements.from_dict(data).validate()
