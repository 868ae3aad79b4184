"""The trial balance CSV import (plain code, no database)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from clientside.trial_balance import (
    TrialBalanceError,
    concept_for_code,
    parse_amount,
    read_trial_balance,
)
from tests.clientside.test_screens import TRIAL_BALANCE


def test_the_example_trial_balance_makes_a_closing_balance_sheet():
    result = read_trial_balance(TRIAL_BALANCE.encode())
    assert result.accounts == 12
    b = result.balance
    assert b["PropertyPlantEquipment"] == (Decimal("48250"), Decimal("52100"))
    assert b["ShareCapital"] == (Decimal("18000"), Decimal("18000"))
    # The year's result comes from the profit and loss accounts (not yet closed).
    assert b["ResultForTheYear"] == (Decimal("12815"), Decimal("9075"))
    assert b["Assets"] == (Decimal("120045"), Decimal("110780"))
    assert b["EquityAndLiabilities"] == b["Assets"]
    assert b["Equity"] == (Decimal("72045"), Decimal("59230"))
    assert result.profit_loss["ResultAfterTax"] == (Decimal("12815"), Decimal("9075"))
    assert result.profit_loss["GrossOperatingResult"] == (Decimal("100000"), Decimal("90000"))


def test_comma_separated_utf8_bom_and_concept_names_are_read():
    content = (
        "\ufeffRekening,Rapportagecode,Saldo_huidig,Saldo_vorig,Omschrijving\n"
        "# comment line\n"
        "\n"
        "1000,CashAndCashEquivalents,100.50,90,Bank\n"
        "0500,ShareCapital,-100.50,-90,Kapitaal\n"
    ).encode()
    result = read_trial_balance(content)
    assert result.balance["CashAndCashEquivalents"] == (Decimal("100.50"), Decimal("90"))
    assert result.balance["ShareCapital"] == (Decimal("100.50"), Decimal("90"))
    assert result.profit_loss == {}


def test_every_bad_line_is_reported_in_dutch():
    content = (
        b"rekening;rapportagecode;saldo_huidig;saldo_vorig\n"
        b"0100;XYZ;10;0\n"
        b"0200;;10;0\n"
        b"0300;BLim;1,234;0\n"
        b"0400;BLim;10;abc\n"
    )
    with pytest.raises(TrialBalanceError) as error:
        read_trial_balance(content)
    assert error.value.errors == [
        "Regel 2 (rekening 0100): rapportagecode 'XYZ' is onbekend; gebruik een RGS-code "
        "(bijvoorbeeld BMva, BSch, WPer) of de naam van een taxonomiebegrip.",
        "Regel 3 (rekening 0200): de rapportagecode ontbreekt.",
        "Regel 4 (rekening 0300): saldo huidig jaar: '1,234' is geen bedrag (bijvoorbeeld "
        "1.234,56 of -1234.56).",
        "Regel 5 (rekening 0400): saldo vorig jaar: 'abc' is geen bedrag (bijvoorbeeld "
        "1.234,56 of -1234.56).",
    ]


def test_unbalanced_trial_balance_and_missing_columns_are_refused():
    with pytest.raises(TrialBalanceError, match="niet in evenwicht \\(huidig jaar\\)"):
        read_trial_balance(b"rekening;rapportagecode;saldo_huidig;saldo_vorig\n1;BLim;10;0\n")
    with pytest.raises(TrialBalanceError, match="mist de kolom\\(men\\) saldo_vorig"):
        read_trial_balance(b"rekening;rapportagecode;saldo_huidig\n1;BLim;10\n")
    with pytest.raises(TrialBalanceError, match="leeg"):
        read_trial_balance(b"\n\n")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.234,56", "1234.56"),
        ("-1.234.567,5", "-1234567.5"),
        ("1234,56", "1234.56"),
        ("1234.56", "1234.56"),
        ("(250,00)", "-250.00"),
        ("€ 1.000", "1000"),
        ("", "0"),
    ],
)
def test_amounts_in_dutch_and_plain_notation(text, expected):
    assert parse_amount(text) == Decimal(expected)


def test_longest_prefix_wins():
    assert concept_for_code("BEivGokGew") == ("ShareCapital", -1)
    assert concept_for_code("BEivXyz") == ("ReservesOther", -1)
    assert concept_for_code("Assets") is None  # a computed total is never imported
    assert concept_for_code("Q") is None
