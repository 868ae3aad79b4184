"""Import of a trial balance (proefbalans) as CSV into the figures of an annual report.

Plain code without Django state, so it is tested without a database.

The CSV format (the reporting cockpit shows it too):

- UTF-8 (a byte-order mark is fine) or Windows-1252; separator ``;`` or ``,``.
- A header line with the columns ``rekening``, ``rapportagecode``, ``saldo_huidig`` and
  ``saldo_vorig``; ``omschrijving`` is optional; column order is free; names are not
  case-sensitive. Empty lines and lines starting with ``#`` are skipped.
- One ledger account per line. Amounts as in a trial balance: debit positive, credit
  negative, in euros with at most two decimals; ``1.234,56``, ``1234,56`` and
  ``1234.56`` are all read; an empty amount is zero.
- ``rapportagecode`` is the account's reporting code: a code of the Dutch reference chart
  of accounts (RGS) such as ``BMvaBed`` or ``WPerLes`` (matched on the longest known prefix
  from ``CODE_MAP``) or a taxonomy concept name such as ``PropertyPlantEquipment``.

Equity, provisions and liabilities are credit balances and become positive amounts; the
profit and loss accounts make the profit and loss lines and the result for the year.
Subtotals (total assets, equity, ...) are computed, so the balance sheet adds up whenever
the trial balance does.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from kvk import taxonomy as tx

#: Reporting code prefix -> (concept, sign). The sign turns the trial balance amount
#: (debit positive) into the amount as presented (credit items positive).
#: Follows the level-2/3 codes of the reference chart of accounts (RGS) as far as known;
#: extend here when a client's chart uses other codes.
CODE_MAP: dict[str, tuple[str, int]] = {
    "BIva": ("IntangibleAssets", 1),
    "BMva": ("PropertyPlantEquipment", 1),
    "BFva": ("FinancialAssets", 1),
    "BVrd": ("Inventories", 1),
    "BVor": ("Receivables", 1),
    "BEff": ("SecuritiesCurrent", 1),
    "BLim": ("CashAndCashEquivalents", 1),
    "BEivGok": ("ShareCapital", -1),
    "BEivAgi": ("SharePremium", -1),
    "BEivHer": ("RevaluationReserve", -1),
    "BEivWer": ("LegalReserves", -1),
    "BEivSta": ("StatutoryReserves", -1),
    "BEivOvr": ("ReservesOther", -1),
    "BEivOre": ("ResultForTheYear", -1),
    "BEiv": ("ReservesOther", -1),
    "BVrz": ("Provisions", -1),
    "BLas": ("LiabilitiesNoncurrent", -1),
    "BSch": ("LiabilitiesCurrent", -1),
    # Small entities may start the profit and loss account at the gross operating result
    # (art. 2:397 BW): turnover and cost of sales together make that line.
    "WOmz": ("GrossOperatingResult", -1),
    "WKpr": ("GrossOperatingResult", -1),
    "WPer": ("EmployeeBenefitsExpenses", 1),
    "WAfs": ("AmortisationDepreciationOnIntangibleAssetsPropertyPlantEquipment", 1),
    "WBed": ("OtherOperatingExpenses", 1),
    "WFbe": ("FinancialIncomeAndExpense", -1),
    "WBel": ("IncomeTaxExpense", 1),
}

#: Totals that are computed, never imported.
COMPUTED = frozenset(tx.BALANCE_SUBTOTALS) | {
    "OperatingResult",
    "ResultBeforeTax",
    "ResultAfterTax",
}

#: Concept names accepted directly as reporting code, with the sign of their side.
_CREDIT_CONCEPTS = frozenset(
    tx.BALANCE_EQUITY_LIABILITIES
    + ("NetRevenue", "GrossOperatingResult", "FinancialIncomeAndExpense")
)
_DIRECT = {
    concept: (concept, -1 if concept in _CREDIT_CONCEPTS else 1)
    for concept in tx.BALANCE_CONCEPTS + tx.PROFIT_LOSS_CONCEPTS
    if concept not in COMPUTED
}

REQUIRED_COLUMNS = ("rekening", "rapportagecode", "saldo_huidig", "saldo_vorig")
MAX_LINES = 20_000

Pair = tuple[Decimal, Decimal]


@dataclass
class TrialBalanceResult:
    """The imported figures: concept -> (current, previous), subtotals included."""

    balance: dict[str, Pair] = field(default_factory=dict)
    profit_loss: dict[str, Pair] = field(default_factory=dict)
    accounts: int = 0


class TrialBalanceError(ValueError):
    """The file cannot be imported; ``errors`` lists every problem in Dutch, per line."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors


def concept_for_code(code: str) -> tuple[str, int] | None:
    """The concept and sign for a reporting code (longest matching prefix), or None."""
    code = code.strip()
    if code in _DIRECT:
        return _DIRECT[code]
    for length in range(len(code), 0, -1):
        hit = CODE_MAP.get(code[:length])
        if hit is not None:
            return hit
    return None


_AMOUNT_RE = re.compile(r"^-?\d{1,3}(\.\d{3})+(,\d{1,2})?$|^-?\d+(,\d{1,2})?$|^-?\d+(\.\d{1,2})?$")


def parse_amount(text: str) -> Decimal:
    """A Dutch or plain amount; raises ValueError with a Dutch message."""
    raw = text.strip().replace("\u00a0", "").replace(" ", "").replace("€", "")
    if raw in ("", "-"):
        return Decimal(0)
    negative = raw.startswith("(") and raw.endswith(")")
    if negative:
        raw = "-" + raw[1:-1]
    if not _AMOUNT_RE.match(raw):
        raise ValueError(f"'{text.strip()}' is geen bedrag (bijvoorbeeld 1.234,56 of -1234.56)")
    if "," in raw or re.search(r"\.\d{3}(\.|$)", raw):
        raw = raw.replace(".", "").replace(",", ".")
    try:
        return Decimal(raw)
    except InvalidOperation:  # pragma: no cover - the pattern above rules this out
        raise ValueError(f"'{text.strip()}' is geen bedrag")


def _decode(content: bytes) -> str:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return content.decode("cp1252", errors="replace")


def read_trial_balance(content: bytes) -> TrialBalanceResult:
    """Read the CSV and map it to concepts; raises TrialBalanceError with every problem."""
    text = _decode(content)
    lines = text.splitlines()
    if len(lines) > MAX_LINES:
        raise TrialBalanceError([f"Het bestand heeft meer dan {MAX_LINES} regels."])
    # The header line chooses the separator.
    header_index = next(
        (i for i, line in enumerate(lines) if line.strip() and not line.startswith("#")), None
    )
    if header_index is None:
        raise TrialBalanceError(["Het bestand is leeg."])
    header_line = lines[header_index]
    delimiter = ";" if header_line.count(";") >= header_line.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    errors: list[str] = []
    columns: dict[str, int] = {}
    sums: dict[str, list[Decimal]] = {}
    totals = [Decimal(0), Decimal(0)]
    profit_loss_seen = False
    accounts = 0
    for number, row in enumerate(reader, start=1):
        if not row or not any(cell.strip() for cell in row) or row[0].startswith("#"):
            continue
        if not columns:
            names = [cell.strip().lower() for cell in row]
            missing = [c for c in REQUIRED_COLUMNS if c not in names]
            if missing:
                raise TrialBalanceError(
                    [
                        f"Regel {number}: de kopregel mist de kolom(men) {', '.join(missing)}. "
                        f"Verwacht: {';'.join(REQUIRED_COLUMNS)} (omschrijving mag erbij)."
                    ]
                )
            columns = {name: names.index(name) for name in names if name}
            continue

        def cell(name: str, row: list[str] = row, columns: dict[str, int] = columns) -> str:
            index = columns.get(name)
            return row[index].strip() if index is not None and index < len(row) else ""

        account = cell("rekening")
        label = f"Regel {number}" + (f" (rekening {account})" if account else "")
        code = cell("rapportagecode")
        if not code:
            errors.append(f"{label}: de rapportagecode ontbreekt.")
            continue
        mapped = concept_for_code(code)
        if mapped is None:
            errors.append(
                f"{label}: rapportagecode '{code}' is onbekend; gebruik een RGS-code "
                "(bijvoorbeeld BMva, BSch, WPer) of de naam van een taxonomiebegrip."
            )
            continue
        amounts = []
        for column, year in (("saldo_huidig", "huidig jaar"), ("saldo_vorig", "vorig jaar")):
            try:
                amount = parse_amount(cell(column))
            except ValueError as error:
                errors.append(f"{label}: saldo {year}: {error}.")
                break
            if amount.as_tuple().exponent < -2:  # type: ignore[operator]
                errors.append(f"{label}: saldo {year} heeft meer dan twee decimalen.")
                break
            amounts.append(amount)
        if len(amounts) != 2:
            continue
        accounts += 1
        concept, sign = mapped
        totals[0] += amounts[0]
        totals[1] += amounts[1]
        if concept in tx.PROFIT_LOSS_CONCEPTS:
            profit_loss_seen = True
        pair = sums.setdefault(concept, [Decimal(0), Decimal(0)])
        pair[0] += sign * amounts[0]
        pair[1] += sign * amounts[1]
    if not columns:
        errors.append("Het bestand heeft geen kopregel.")
    elif accounts == 0 and not errors:
        errors.append("Het bestand bevat geen rekeningen.")
    for index, year in enumerate(("huidig jaar", "vorig jaar")):
        if not errors and totals[index] != 0:
            errors.append(
                f"De proefbalans is niet in evenwicht ({year}): debet en credit verschillen "
                f"{totals[index]:.2f}."
            )
    if errors:
        raise TrialBalanceError(errors)
    return _with_totals(sums, profit_loss_seen, accounts)


def _with_totals(
    sums: dict[str, list[Decimal]], profit_loss_seen: bool, accounts: int
) -> TrialBalanceResult:
    def get(concept: str, slot: int) -> Decimal:
        return sums.get(concept, [Decimal(0), Decimal(0)])[slot]

    profit_loss: dict[str, Pair] = {}
    if profit_loss_seen:
        pl: dict[str, list[Decimal]] = {}
        for slot in (0, 1):
            gross = get("GrossOperatingResult", slot)
            if "NetRevenue" in sums and "GrossOperatingResult" not in sums:
                gross = get("NetRevenue", slot)
            operating = (
                gross
                - get("EmployeeBenefitsExpenses", slot)
                - get("AmortisationDepreciationOnIntangibleAssetsPropertyPlantEquipment", slot)
                - get("OtherOperatingExpenses", slot)
            )
            before_tax = operating + get("FinancialIncomeAndExpense", slot)
            after_tax = before_tax - get("IncomeTaxExpense", slot)
            for concept, value in (
                ("OperatingResult", operating),
                ("ResultBeforeTax", before_tax),
                ("ResultAfterTax", after_tax),
            ):
                pl.setdefault(concept, [Decimal(0), Decimal(0)])[slot] = value
        for concept in tx.PROFIT_LOSS_CONCEPTS:
            if concept in sums:
                profit_loss[concept] = (sums[concept][0], sums[concept][1])
            elif concept in pl:
                profit_loss[concept] = (pl[concept][0], pl[concept][1])
        # Before closing, the year's result is still in the profit and loss accounts.
        result = sums.setdefault("ResultForTheYear", [Decimal(0), Decimal(0)])
        result[0] += pl["ResultAfterTax"][0]
        result[1] += pl["ResultAfterTax"][1]
    balance_values = {k: (v[0], v[1]) for k, v in sums.items() if k in tx.BALANCE_CONCEPTS}
    balance = fill_balance_totals(balance_values)
    return TrialBalanceResult(balance=balance, profit_loss=profit_loss, accounts=accounts)


def fill_balance_totals(values: dict[str, Pair]) -> dict[str, Pair]:
    """The balance sheet with its subtotals computed from the items (in taxonomy order)."""
    result = dict(values)
    for total in ("AssetsNoncurrent", "AssetsCurrent", "Assets", "Equity", "EquityAndLiabilities"):
        parts = tx.BALANCE_SUBTOTALS[total]
        result[total] = (
            sum((result.get(p, (Decimal(0), Decimal(0)))[0] for p in parts), Decimal(0)),
            sum((result.get(p, (Decimal(0), Decimal(0)))[1] for p in parts), Decimal(0)),
        )
    return {k: result[k] for k in tx.BALANCE_CONCEPTS if k in result}
