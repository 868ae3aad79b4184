"""The trial balance CSV import and the totals of the NT19 line items (plain code, no
database). The line items, totals and signs are those of the NT19 extract (kvk/nt19 via
kvk.nt and kvk.taxonomy.line_items); the expected amounts are worked out by hand from
the example trial balance."""

from __future__ import annotations

from decimal import Decimal

import pytest

from clientside.trial_balance import (
    CODE_MAPS,
    TrialBalanceError,
    fill_totals,
    line_for_code,
    parse_amount,
    read_trial_balance,
)
from kvk import nt
from kvk import taxonomy as tx
from tests.clientside.test_screens import TRIAL_BALANCE

D = Decimal


def test_the_example_trial_balance_makes_a_klein_balance_sheet_and_profit_and_loss():
    result = read_trial_balance(TRIAL_BALANCE.encode(), variant="klein")
    assert result.accounts == 12 and not result.rounded
    b = result.balance
    assert b["PropertyPlantEquipment"] == (D(48250), D(52100))
    assert b["ShareCapitalPaidCalledUp"] == (D(18000), D(18000))
    # The year's result comes from the profit and loss accounts (not yet closed).
    assert b["ResultForTheYear"] == (D(12815), D(9075))
    assert b["Assets"] == (D(120045), D(110780))
    assert b["EquityAndLiabilities"] == b["Assets"]
    assert b["Equity"] == (D(72045), D(59230))
    p = result.profit_loss
    assert p["GrossMargin"] == (D(100000), D(90000))
    assert p["SumOfExpenses"] == (D(87185), D(80925))
    assert p["OperatingResult"] == p["ResultBeforeTax"] == p["ResultAfterTax"]
    assert p["ResultAfterTax"] == (D(12815), D(9075))
    assert set(b) <= set(tx.line_items("klein", "balance"))
    assert set(p) <= set(tx.line_items("klein", "income"))


def test_the_example_trial_balance_makes_the_abbreviated_micro_balance_sheet():
    result = read_trial_balance(TRIAL_BALANCE.encode(), variant="micro")
    b = result.balance
    assert b == {
        "AssetsNoncurrentOther": (D(53250), D(57100)),
        "AssetsNoncurrent": (D(53250), D(57100)),
        "AssetsCurrentOther": (D(66795), D(53680)),
        "AssetsCurrent": (D(66795), D(53680)),
        "Assets": (D(120045), D(110780)),
        # share capital 18000 + reserves 41230 + the year's result 12815
        "Equity": (D(72045), D(59230)),
        "Provisions": (D(3000), D(2500)),
        "LiabilitiesMaturityExceedingOneYear": (D(25000), D(30000)),
        "LiabilitiesMaturityLessThanOneYear": (D(20000), D(19050)),
        "Liabilities": (D(45000), D(49050)),
        "EquityAndLiabilities": (D(120045), D(110780)),
    }
    assert list(b) == [n for n in tx.line_items("micro", "balance") if n in b]
    p = result.profit_loss
    assert p["Income"] == p["NetRevenue"] == (D(100000), D(90000))
    assert p["Expenses"] == p["OperatingExpensesOther"] == (D(87185), D(80925))
    assert p["ResultAfterTax"] == (D(12815), D(9075))


@pytest.mark.parametrize("variant", ["micro-publicatiestukken", "klein-publicatiestukken"])
def test_publication_pieces_get_no_profit_and_loss_but_the_result(variant):
    result = read_trial_balance(TRIAL_BALANCE.encode(), variant=variant)
    assert result.profit_loss == {}
    assert result.balance["Equity"] == (D(72045), D(59230))
    assert result.balance["EquityAndLiabilities"] == result.balance["Assets"]


def test_cents_are_rounded_per_line_to_whole_euros():
    content = (
        b"rekening;rapportagecode;saldo_huidig;saldo_vorig\n"
        b"1000;BLim;100,50;0\n"
        b"1010;BLim;0,20;0\n"
        b"0500;BEivGok;-100,70;0\n"
    )
    result = read_trial_balance(content, variant="klein")
    assert result.rounded
    assert result.balance["CashAndCashEquivalents"] == (D(101), D(0))
    assert result.balance["ShareCapitalPaidCalledUp"] == (D(101), D(0))
    assert all(v == v.to_integral_value() for pair in result.balance.values() for v in pair)


def test_comma_separated_utf8_bom_and_line_item_names_are_read():
    content = (
        "\ufeffRekening,Rapportagecode,Saldo_huidig,Saldo_vorig,Omschrijving\n"
        "# comment line\n"
        "\n"
        "1000,CashAndCashEquivalents,100,90,Bank\n"
        "0500,ShareCapitalPaidCalledUp,-100,-90,Kapitaal\n"
    ).encode()
    result = read_trial_balance(content, variant="klein")
    assert result.balance["CashAndCashEquivalents"] == (D(100), D(90))
    assert result.balance["ShareCapitalPaidCalledUp"] == (D(100), D(90))
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
        read_trial_balance(content, variant="micro")
    assert error.value.errors == [
        "Regel 2 (rekening 0100): rapportagecode 'XYZ' is onbekend; gebruik een RGS-code "
        "(bijvoorbeeld BMva, BSch, WPer) of de naam van een post van dit rapport "
        "(geen totaal).",
        "Regel 3 (rekening 0200): de rapportagecode ontbreekt.",
        "Regel 4 (rekening 0300): saldo huidig jaar: '1,234' is geen bedrag (bijvoorbeeld "
        "1.234,56 of -1234.56).",
        "Regel 5 (rekening 0400): saldo vorig jaar: 'abc' is geen bedrag (bijvoorbeeld "
        "1.234,56 of -1234.56).",
    ]


def _ledger(*rows: str) -> bytes:
    return ("rekening;rapportagecode;saldo_huidig;saldo_vorig\n" + "".join(rows)).encode()


def test_amounts_of_more_than_20_digits_are_refused():
    """nl-types:monetaryNoDecimals20ItemType, the type of every amount, has the facet
    totalDigits 20 (nl-types.xsd of NT19's sbr 20240301; kvk/nt19/nt19-index.json types):
    an account of 21 digits is refused, one of 20 digits (with cents) is read."""
    assert nt.type_facets("nl-types:monetaryNoDecimals20ItemType")["totalDigits"] == 20
    big = "1" + "0" * 20
    with pytest.raises(TrialBalanceError) as error:
        read_trial_balance(
            _ledger(f"1000;BLim;{big};0\n", f"0500;BEiv;0;-{big},00\n"), variant="micro"
        )
    assert error.value.errors == [
        "Regel 2 (rekening 1000): saldo huidig jaar heeft 21 cijfers vóór de komma; de KvK "
        "accepteert bedragen van hoogstens 20 cijfers.",
        "Regel 3 (rekening 0500): saldo vorig jaar heeft 21 cijfers vóór de komma; de KvK "
        "accepteert bedragen van hoogstens 20 cijfers.",
    ]
    most = "9" * 19
    result = read_trial_balance(
        _ledger(f"1000;BLim;{most}9,40;0\n", f"0500;BEiv;-{most}9,40;0\n"), variant="micro"
    )
    assert result.balance["AssetsCurrentOther"] == (D("9" * 20), D(0))


#: two cash accounts and two equity accounts (micro: AssetsCurrentOther and Equity)
LINES_OF_20_DIGITS = (
    ("1000", "BLim", ""),
    ("1010", "BLim", ""),
    ("0500", "BEiv", "-"),
    ("0510", "BEiv", "-"),
)


def test_a_line_that_adds_up_to_more_than_20_digits_is_refused():
    """totalDigits 20 (nt19-index.json) holds for the line items and totals the accounts
    make, too: two accounts of 20 digits make a line of 21."""
    most = "9" * 20
    rows = [f"{account};{code};{sign}{most};0\n" for account, code, sign in LINES_OF_20_DIGITS]
    with pytest.raises(TrialBalanceError) as error:
        read_trial_balance(_ledger(*rows), variant="micro")
    assert (
        "Vlottende activa (huidig jaar) komt uit op een bedrag van 21 cijfers; de KvK "
        "accepteert bedragen van hoogstens 20 cijfers."
    ) in error.value.errors
    assert (
        "Eigen vermogen (huidig jaar) komt uit op een bedrag van 21 cijfers; de KvK "
        "accepteert bedragen van hoogstens 20 cijfers."
    ) in error.value.errors


def test_unbalanced_trial_balance_and_missing_columns_are_refused():
    with pytest.raises(TrialBalanceError, match="niet in evenwicht \\(huidig jaar\\)"):
        read_trial_balance(
            b"rekening;rapportagecode;saldo_huidig;saldo_vorig\n1;BLim;10;0\n", variant="micro"
        )
    with pytest.raises(TrialBalanceError, match="mist de kolom\\(men\\) saldo_vorig"):
        read_trial_balance(b"rekening;rapportagecode;saldo_huidig\n1;BLim;10\n", variant="micro")
    with pytest.raises(TrialBalanceError, match="leeg"):
        read_trial_balance(b"\n\n", variant="micro")


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


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.234,-", "1234"),
        ("€ 1.234,-", "1234"),
        ("€ 250,\u2013", "250"),
        ("(1.234,-)", "-1234"),
        ("\u22121.234,56", "-1234.56"),
        ("€ \u2212500", "-500"),
    ],
)
def test_whole_euros_with_a_dash_and_a_pasted_minus_sign_are_amounts(text, expected):
    """ "€ 1.234,-" is how Dutch writes whole euros, and text pasted from a word processor
    or a web page has the minus sign U+2212 instead of the hyphen: both were refused as
    "geen bedrag" in the figures form and the trial balance."""
    assert parse_amount(text) == Decimal(expected)


@pytest.mark.parametrize(
    "text", [",-", "1.234,-5", "1,-,-", "12-", "abc,-", "1.23,-", "12.5,-", "1234.56,-"]
)
def test_a_dash_after_the_comma_alone_makes_no_amount(text):
    """ ",-" stands for the cents of whole euros: after cents ("1.23,-") it makes no amount."""
    with pytest.raises(ValueError, match="geen bedrag"):
        parse_amount(text)


def test_longest_prefix_wins_and_totals_are_never_imported():
    assert line_for_code("klein", "BEivGokGew") == "ShareCapitalPaidCalledUp"
    assert line_for_code("klein", "BEivXyz") == "ReservesOther"
    assert line_for_code("micro", "BEivGokGew") == "Equity"
    assert line_for_code("micro", "BMvaBed") == "AssetsNoncurrentOther"
    assert line_for_code("micro", "Assets") is None  # a computed total
    assert line_for_code("micro", "PropertyPlantEquipment") is None  # a klein line
    assert line_for_code("micro", "Q") is None


@pytest.mark.parametrize("size", ["micro", "klein"])
def test_every_mapped_line_is_a_line_item_of_the_size_and_not_a_total(size):
    lines = tx.line_items(size, "balance") + tx.line_items(size, "income")
    for code, line in CODE_MAPS[size].items():
        assert line in lines, code
        assert line not in tx.summation_terms(size), code


def test_balance_totals_are_the_parent_child_summations_of_the_extract():
    # NT19 extract: micro's generic parent-child summation linkbase and klein's summation
    # arcs (kvk.nt.summations); a line of the variant appears under its total.
    for variant in tx.BUILDABLE_VARIANTS:
        size = tx.size_of_variant(variant)
        totals = tx.summation_terms(variant)
        for total, items in nt.summations(size).items():
            own = [i for i in items if i in tx.line_items(variant, "balance")]
            assert [i for i, _sign in totals[total]] == own
    assert set(tx.summation_terms("micro")) >= {
        "Assets",
        "AssetsNoncurrent",
        "AssetsCurrent",
        "Liabilities",
        "EquityAndLiabilities",
    }
    assert "Equity" not in tx.summation_terms("micro")  # one line on micro's balance sheet
    assert "Equity" in tx.summation_terms("klein")


def test_profit_and_loss_totals_follow_the_value_assertions():
    # kvk-income-statement_k-for.xml PrtFST102/108: GrossMargin - SumOfExpenses =
    # OperatingResult; value changes (credit) are subtracted within SumOfExpenses.
    klein = dict(tx.summation_terms("klein"))
    assert klein["OperatingResult"] == (("GrossMargin", 1), ("SumOfExpenses", -1))
    assert ("ChangesValueInvestmentProperties", -1) in klein["SumOfExpenses"]
    # kvk-income-statement_u-for.xml: Income - Expenses = ResultBeforeTax; Income's
    # children from the presentation tree.
    micro = dict(tx.summation_terms("micro"))
    assert micro["ResultBeforeTax"] == (("Income", 1), ("Expenses", -1))
    assert [n for n, _s in micro["Income"]] == ["NetRevenue", "OperatingIncomeOther", "IncomeOther"]
    assert (
        tx.summation_terms("klein-publicatiestukken")
        .keys()
        .isdisjoint({"OperatingResult", "ResultAfterTax"})
    )


def test_a_total_entered_by_hand_is_kept_and_an_empty_one_computed():
    values = {
        "AssetsNoncurrentOther": (D(10), None),
        "AssetsCurrentOther": (D(5), D(7)),
        "Assets": (D(99), None),
    }
    filled = fill_totals("micro", values)
    assert filled["AssetsNoncurrent"] == (D(10), None)
    assert filled["AssetsCurrent"] == (D(5), D(7))
    assert filled["Assets"] == (D(99), D(7))  # kept; the filing rules will object
    assert "Liabilities" not in filled  # no items, no total


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"], ids=["LF", "CRLF", "CR"])
def test_every_line_ending_is_read_the_same(newline):
    """Excel's "CSV (Macintosh)" ends lines with a bare CR: the format (module docstring)
    takes it as well as LF and CRLF."""
    content = TRIAL_BALANCE.replace("\n", newline).encode("cp1252")
    result = read_trial_balance(content, variant="klein")
    assert result == read_trial_balance(TRIAL_BALANCE.encode(), variant="klein")
    assert result.accounts == 12


@pytest.mark.parametrize(
    ("hint", "separator"),
    [("sep=;", ";"), ("SEP=;;;;", ";"), ('"sep=,"', ","), ("sep=\t", "\t")],
    ids=["semicolon", "upper-case-with-empty-cells", "quoted-comma", "tab"],
)
def test_excels_separator_hint_on_the_first_line_chooses_the_separator(hint, separator):
    """Excel reads (and some bookkeeping packages write) a first line ``sep=;`` naming the
    separator; the import took it for the header line and refused the file as missing
    every column."""
    plain = TRIAL_BALANCE.replace(";", separator).replace(",00", "")
    content = f"\ufeff{hint}\r\n{plain}".replace("\n", "\r\n").encode()
    result = read_trial_balance(content, variant="klein")
    whole_euros = TRIAL_BALANCE.replace(",00", "")
    assert result == read_trial_balance(whole_euros.encode(), variant="klein")
    assert result.accounts == 12


def test_line_numbers_count_the_separator_hint():
    content = b"sep=;\nrekening;rapportagecode;saldo_huidig;saldo_vorig\n0200;;10;0\n"
    with pytest.raises(TrialBalanceError) as error:
        read_trial_balance(content, variant="micro")
    assert error.value.errors == ["Regel 3 (rekening 0200): de rapportagecode ontbreekt."]


def test_a_bare_cr_file_of_one_account_is_read():
    content = b"rekening;rapportagecode;saldo_huidig;saldo_vorig\r0100;BLim;0;0\r"
    assert read_trial_balance(content, variant="micro").accounts == 1


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"], ids=lambda e: e)
def test_utf16_is_refused_naming_the_encodings_taken(encoding):
    content = TRIAL_BALANCE.encode(encoding)
    with pytest.raises(TrialBalanceError) as error:
        read_trial_balance(content, variant="klein")
    assert len(error.value.errors) == 1
    assert "UTF-16" in error.value.errors[0]
    assert "UTF-8 of Windows-1252" in error.value.errors[0]


@pytest.mark.parametrize(
    "content",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01",  # a picture
        b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00[Content_Types].xml",  # xlsx
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<\x00/Type /Catalog>>\r\nendobj",
        b"BM" + b"\x00" * 200,  # NULs on both sides: not UTF-16
    ],
    ids=["png", "xlsx", "pdf", "zeros"],
)
def test_a_binary_file_is_refused_as_not_a_csv(content):
    with pytest.raises(TrialBalanceError) as error:
        read_trial_balance(content, variant="klein")
    assert error.value.errors == [
        "Het bestand is geen CSV-tekstbestand (het lijkt bijvoorbeeld een Excel-werkmap, "
        "pdf of afbeelding). Sla de proefbalans op als CSV in UTF-8 of Windows-1252."
    ]


def test_a_line_the_csv_reader_cannot_read_is_a_dutch_error_with_its_number():
    """An opening quote that is never closed makes one field of the rest of the file,
    longer than the csv module takes."""
    content = b'rekening;rapportagecode;saldo_huidig;saldo_vorig\n0100;"BLim' + b"x" * 200_000
    with pytest.raises(TrialBalanceError) as error:
        read_trial_balance(content, variant="micro")
    assert error.value.errors == [
        'Regel 2: de regel kan niet worden gelezen (staat er een aanhalingsteken " '
        "zonder sluitend aanhalingsteken?)."
    ]


@pytest.mark.parametrize("content", [b"", b"\xef\xbb\xbf", b"\r\r\n", b"# alleen commentaar\r"])
def test_an_empty_file_is_said_to_be_empty(content):
    with pytest.raises(TrialBalanceError) as error:
        read_trial_balance(content, variant="micro")
    assert error.value.errors == ["Het bestand is leeg."]


#: Files a bookkeeper uploads by mistake, one per message of the import.
BAD_FILES = {
    "empty": b"",
    "no accounts": b"rekening;rapportagecode;saldo_huidig;saldo_vorig\n",
    "a column missing": b"rekening;rapportagecode;saldo_huidig\n1;BLim;10\n",
    "tab-separated": b"rekening\trapportagecode\tsaldo_huidig\tsaldo_vorig\n1\tBLim\t10\t0\n",
    "bad lines": (
        b"rekening;rapportagecode;saldo_huidig;saldo_vorig\n"
        b"0100;XYZ;10;0\n0200;;10;0\n0300;BLim;1,234;0\n0400;BLim;10,123;0\n;BLim;abc;0\n"
    ),
    "not in balance": b"rekening;rapportagecode;saldo_huidig;saldo_vorig\n1;BLim;10;0\n",
    "too many lines": b"rekening;rapportagecode;saldo_huidig;saldo_vorig\n"
    + b"1;BLim;0;0\n" * 20_001,
}


@pytest.mark.parametrize("name", BAD_FILES)
def test_every_message_of_the_import_is_in_the_screens_language(monkeypatch, name):
    """The messages were Dutch f-strings: with the screen in English (the language switch)
    the import still answered in Dutch. Each one goes through the catalogue now; a
    catalogue that marks what it translates shows it (the English texts are the lead's)."""
    monkeypatch.setattr("clientside.trial_balance._", lambda text: f"«{text}»")
    with pytest.raises(TrialBalanceError) as error:
        read_trial_balance(BAD_FILES[name], variant="micro")
    assert error.value.errors
    for message in error.value.errors:
        assert message.startswith("«") and message.endswith("»"), message


def test_a_trial_balance_out_of_balance_says_the_difference_as_the_screen_writes_amounts():
    """ "debet en credit verschillen -131435.00" read as an English number; the screen
    writes amounts as 1.234,56 (Dutch), and the message says what to check."""
    content = _ledger("1000;BLim;1.234,50;0\n")
    with pytest.raises(TrialBalanceError) as error:
        read_trial_balance(content, variant="micro")
    assert error.value.errors == [
        "De proefbalans is niet in evenwicht (huidig jaar): debet en credit verschillen "
        "1.234,50. Controleer of alle rekeningen in het bestand staan, ook die van de "
        "winst-en-verliesrekening."
    ]


def test_a_tab_separated_file_is_said_to_be_one():
    """Saved as "Tekst (tab-gescheiden)", the header was read as one column and the import
    said every column was missing; it says what to do instead."""
    with pytest.raises(TrialBalanceError) as error:
        read_trial_balance(BAD_FILES["tab-separated"], variant="micro")
    assert error.value.errors == [
        "Regel 1: de kolommen zijn gescheiden door tabs. Sla de proefbalans op als CSV, met ; "
        "of , als scheidingsteken."
    ]
