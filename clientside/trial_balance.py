"""Import of a trial balance (proefbalans) as CSV into the figures of an annual report,
and the totals of the NT19 line items.

Plain code without Django state, so it is tested without a database.

The CSV format (the reporting cockpit shows it too):

- UTF-8 (a byte-order mark is fine) or Windows-1252; separator ``;`` or ``,``; lines end
  in LF, CRLF or a bare CR (Excel's "CSV (Macintosh)"). A first line ``sep=;`` (Excel's
  hint naming the separator) chooses the separator it names. UTF-16 and binary files (a
  workbook, a pdf) are refused with a sentence that says how to save the file.
- A header line with the columns ``rekening``, ``rapportagecode``, ``saldo_huidig`` and
  ``saldo_vorig``; ``omschrijving`` is optional; column order is free; names are not
  case-sensitive. Empty lines and lines starting with ``#`` are skipped.
- One ledger account per line. Amounts as in a trial balance: debit positive, credit
  negative, in euros with at most two decimals; ``1.234,56``, ``1234,56``, ``1234.56``
  and whole euros as ``1.234,-`` are all read; an empty amount is zero.
- ``rapportagecode`` is the account's reporting code: a code of the Dutch reference chart
  of accounts (RGS) such as ``BMvaBed`` or ``WPerLes`` (matched on the longest known prefix
  of the size's map in ``CODE_MAPS``) or the local name of an NT19 line item of the
  report, such as ``PropertyPlantEquipment`` (klein) or ``AssetsNoncurrentOther`` (micro).

The sign follows the concept's balance in the taxonomy: a credit item (equity,
liabilities, revenue) is presented positive when the trial balance has it negative. The
profit and loss accounts make the profit and loss lines (for the publication pieces only
the result) and the result for the year. Totals are computed (``fill_totals``, with the
KvK's sums of ``kvk.taxonomy.computed_totals``), so the balance sheet adds up whenever the
trial balance does.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from types import MappingProxyType

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from kvk import labels, nt
from kvk import taxonomy as tx
from kvk.i18n import interface_language

#: Per size: reporting code prefix (RGS, level 2/3) -> NT19 line item. Micro has NT19's
#: abbreviated balance sheet (art. 2:395a BW): every fixed asset is "AssetsNoncurrentOther",
#: every current asset "AssetsCurrentOther", all of equity one line. Financial income and
#: expenses of a micro entity have no line of their own: they go to "ExpensesOther" (net
#: income there is a negative expense). Small entities may start the profit and loss at
#: the gross margin (art. 2:397 BW): turnover and cost of sales together make that line.
#: Extend here when a client's chart uses other codes; any line item's own name works too.
CODE_MAPS: Mapping[str, Mapping[str, str]] = MappingProxyType(
    {
        "micro": MappingProxyType(
            {
                "BIva": "AssetsNoncurrentOther",
                "BMva": "AssetsNoncurrentOther",
                "BFva": "AssetsNoncurrentOther",
                "BVrd": "AssetsCurrentOther",
                "BVor": "AssetsCurrentOther",
                "BEff": "AssetsCurrentOther",
                "BLim": "AssetsCurrentOther",
                "BEiv": "Equity",
                "BVrz": "Provisions",
                "BLas": "LiabilitiesMaturityExceedingOneYear",
                "BSch": "LiabilitiesMaturityLessThanOneYear",
                "WOmz": "NetRevenue",
                "WKpr": "CostsRawMaterialsConsumables",
                "WPer": "WagesSalaries",
                "WAfs": "DepreciationAmortisationAndDecreaseInValueAssets",
                "WBed": "OperatingExpensesOther",
                "WFbe": "ExpensesOther",
                "WBel": "IncomeTaxExpense",
            }
        ),
        "klein": MappingProxyType(
            {
                "BIva": "IntangibleAssets",
                "BMva": "PropertyPlantEquipment",
                "BFva": "FinancialAssets",
                "BVrd": "Inventories",
                "BVor": "Receivables",
                "BEff": "SecuritiesCurrent",
                "BLim": "CashAndCashEquivalents",
                "BEivGok": "ShareCapitalPaidCalledUp",
                "BEivAgi": "SharePremium",
                "BEivHer": "RevaluationReserve",
                "BEivWer": "LegalReserves",
                "BEivSta": "StatutoryReserves",
                "BEivOvr": "ReservesOther",
                "BEivOre": "ResultForTheYear",
                "BEiv": "ReservesOther",
                "BVrz": "Provisions",
                "BLas": "LiabilitiesNoncurrent",
                "BSch": "LiabilitiesCurrent",
                "WOmz": "GrossMargin",
                "WKpr": "GrossMargin",
                "WPer": "EmployeeBenefitsExpenses",
                "WAfs": "DepreciationPropertyPlantEquipmentAmortisationIntangibleAssets",
                "WBed": "OperatingExpensesOther",
                "WFbe": "FinancialIncomeExpenses",
                "WBel": "IncomeTaxExpense",
            }
        ),
    }
)

#: The RGS code of the net turnover (netto-omzet, art. 2:377 lid 6 BW: the revenue of the
#: goods and services delivered, after discounts and the taxes levied on turnover): RGS's
#: "WOmz Netto-omzet" and every account under it. Klein's profit and loss starts at the
#: gross margin (CODE_MAPS), which hides it, and the publication pieces have none; the
#: size-class check (art. 2:395a and 2:396 BW) needs it, so the import keeps it apart
#: (``TrialBalanceResult.net_turnover``). Micro files it as NetRevenue, and naming that line
#: counts as well.
NET_TURNOVER_CODE = "WOmz"
NET_TURNOVER_LINE = "NetRevenue"

#: Where the year's result goes on the balance sheet before the books are closed: klein
#: has "Onverdeeld resultaat", micro has equity as one line.
RESULT_LINE = MappingProxyType({"micro": "Equity", "klein": "ResultForTheYear"})

#: nl-types:monetaryNoDecimals20ItemType, the type of every NT19 amount, has the facet
#: totalDigits 20 (nl-types.xsd of sbr 20240301; nt19-index.json types): the KvK refuses
#: a longer amount (kvk.rules: DEP-VALUE).
AMOUNT_TYPE = "nl-types:monetaryNoDecimals20ItemType"
MAX_AMOUNT_DIGITS = int(nt.type_facets(AMOUNT_TYPE)["totalDigits"])

REQUIRED_COLUMNS = ("rekening", "rapportagecode", "saldo_huidig", "saldo_vorig")
MAX_LINES = 20_000

Pair = tuple[Decimal | None, Decimal | None]


# --- totals ----------------------------------------------------------------------------


def fill_totals(variant: str, values: Mapping[str, Pair]) -> dict[str, Pair]:
    """The amounts with every empty total computed from its items, per year, as the
    KvK's sums compute it (``kvk.taxonomy.computed_totals``); a total entered by hand is
    kept (the filing rules then check it). A total whose items are all empty stays
    empty. Ordered as the variant's line items."""
    if not values:
        return {}
    result: dict[str, list[Decimal | None]] = {k: list(v) for k, v in values.items()}
    for slot in (0, 1):
        year = {name: pair[slot] for name, pair in values.items()}
        for total, amount in tx.computed_totals(variant, year).items():
            if year.get(total) is None:
                result.setdefault(total, [None, None])[slot] = amount
    order = tx.line_items(variant, "balance") + tx.line_items(variant, "income")
    return {
        name: (result[name][0], result[name][1])
        for name in order
        if name in result and result[name] != [None, None]
    }


# --- reading the CSV -------------------------------------------------------------------


@dataclass
class TrialBalanceResult:
    """The imported figures: line item -> (current, previous), totals included."""

    balance: dict[str, Pair] = field(default_factory=dict)
    profit_loss: dict[str, Pair] = field(default_factory=dict)
    accounts: int = 0
    #: some line had cents: the KvK takes whole euros only, so each line was rounded
    rounded: bool = False
    #: the net turnover (current, previous) in whole euros, from the revenue accounts
    #: (NET_TURNOVER_CODE); None when the trial balance has none
    net_turnover: Pair | None = None


class TrialBalanceError(ValueError):
    """The file cannot be imported; ``errors`` lists every problem in Dutch, per line."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors


def _full_variant(variant: str) -> str:
    """The variant with a profit and loss of the same size (publication pieces have
    none, but their trial balance still holds the year's result)."""
    return variant.removesuffix("-publicatiestukken")


def importable_lines(variant: str) -> tuple[str, ...]:
    """The line items a reporting code may name directly: every line but the totals."""
    full = _full_variant(variant)
    totals = tx.summation_terms(full)
    lines = tx.line_items(full, "balance") + tx.line_items(full, "income")
    return tuple(name for name in lines if name not in totals)


def line_for_code(variant: str, code: str) -> str | None:
    """The line item for a reporting code: a line item's own name, or the longest
    matching prefix of the size's RGS map; None when unknown (or a total)."""
    code = code.strip()
    if code in importable_lines(variant):
        return code
    mapping = CODE_MAPS[tx.size_of_variant(variant) or ""]
    for length in range(len(code), 0, -1):
        hit = mapping.get(code[:length])
        if hit is not None:
            return hit
    return None


def sign_of(variant: str, line: str) -> int:
    """-1 for a credit item (presented positive when the trial balance is negative)."""
    full = _full_variant(variant)
    return -1 if nt.concept(tx.qname_of(full, line)).balance == "credit" else 1


def euro_digits(amount: Decimal) -> int:
    """The digits of an amount's whole euros: 1234,56 -> 4; what totalDigits counts of an
    amount without cents."""
    return max(amount.adjusted() + 1, 1) if amount else 1


_AMOUNT_RE = re.compile(r"^-?\d{1,3}(\.\d{3})+(,\d{1,2})?$|^-?\d+(,\d{1,2})?$|^-?\d+(\.\d{1,2})?$")


#: Whole euros as Dutch writes them: "€ 1.234,-" (also with a dash, as word processors
#: make of the hyphen); only after a whole number ("1.23,-" has cents and is no amount).
_WHOLE_EUROS = re.compile(r"^(-?(?:\d{1,3}(?:\.\d{3})+|\d+)),[-\u2013]$")


def parse_amount(text: str) -> Decimal:
    """A Dutch or plain amount; raises ValueError with a Dutch message. A minus sign as
    pasted from a word processor or a web page (U+2212) is a minus."""
    raw = text.strip().replace("\u00a0", "").replace(" ", "").replace("€", "")
    raw = raw.replace("\u2212", "-")
    if raw in ("", "-"):
        return Decimal(0)
    negative = raw.startswith("(") and raw.endswith(")")
    if negative:
        raw = "-" + raw[1:-1]
    raw = _WHOLE_EUROS.sub(r"\1", raw)
    if not _AMOUNT_RE.match(raw):
        raise ValueError(
            _("'%(text)s' is geen bedrag (bijvoorbeeld 1.234,56 of -1234.56)")
            % {"text": text.strip()}
        )
    if "," in raw or re.search(r"\.\d{3}(\.|$)", raw):
        raw = raw.replace(".", "").replace(",", ".")
    try:
        return Decimal(raw)
    except InvalidOperation:  # pragma: no cover - the pattern above rules this out
        raise ValueError(_("'%(text)s' is geen bedrag") % {"text": text.strip()})


#: Bytes no CSV text holds (C0 controls but tab, LF, VT, FF, CR and DOS's end-of-file
#: mark): a workbook, a pdf or a picture.
_BINARY_BYTES = re.compile(rb"[\x00-\x08\x0e-\x19\x1b-\x1f]")


def _decode(content: bytes) -> str:
    """The text of the file, read as UTF-8 or else Windows-1252; raises TrialBalanceError
    for UTF-16 (Excel's "Unicode text") and for a file that is not text at all."""
    if content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or _looks_utf16(content):
        raise TrialBalanceError(
            [
                _(
                    "Het bestand is opgeslagen in UTF-16. Sla de proefbalans op als CSV in "
                    "UTF-8 of Windows-1252."
                )
            ]
        )
    if _BINARY_BYTES.search(content):
        raise TrialBalanceError(
            [
                _(
                    "Het bestand is geen CSV-tekstbestand (het lijkt bijvoorbeeld een "
                    "Excel-werkmap, pdf of afbeelding). Sla de proefbalans op als CSV in UTF-8 "
                    "of Windows-1252."
                )
            ]
        )
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return content.decode("cp1252", errors="replace")


def _looks_utf16(content: bytes) -> bool:
    """UTF-16 without a byte-order mark: the NUL bytes are on one side, even or odd
    (each Latin letter is its byte and a NUL); a binary file has them on both."""
    sample = content[:1000]
    half = len(sample) // 2
    return half > 0 and abs(sample[0::2].count(0) - sample[1::2].count(0)) > half // 2


def read_trial_balance(content: bytes, *, variant: str) -> TrialBalanceResult:
    """Read the CSV and map it to the variant's line items; raises TrialBalanceError
    with every problem."""
    text = _decode(content)
    ledger = _Ledger(variant)
    for number, row in _rows(text):
        if not row or not any(cell.strip() for cell in row) or row[0].startswith("#"):
            continue
        if not ledger.columns:
            ledger.columns = _columns(row, number)
        else:
            ledger.add(number, row)
    errors = ledger.problems()
    if errors:
        raise TrialBalanceError(errors)
    result = _with_totals(variant, ledger.sums, ledger.accounts)
    if ledger.turnover is not None:
        result.net_turnover = (_euros(ledger.turnover[0]), _euros(ledger.turnover[1]))
    errors = _too_many_digits(result)
    if errors:
        raise TrialBalanceError(errors)
    return result


def _rows(text: str) -> Iterator[tuple[int, list[str]]]:
    """The rows of the CSV, numbered from 1; raises TrialBalanceError for a row the csv
    module cannot read."""
    delimiter, hinted = _delimiter(text)
    # newline=None: universal newlines, so a bare CR (old Mac) ends a line too.
    reader = csv.reader(io.StringIO(text, newline=None), delimiter=delimiter)
    number = 0
    try:
        for number, row in enumerate(reader, start=1):
            if not (hinted and number == 1):
                yield number, row
    except csv.Error:
        # What is left after universal newlines: a field longer than the csv module
        # takes, which an opening quote that is never closed makes of the rest of the file.
        raise TrialBalanceError(
            [
                _(
                    "Regel %(number)s: de regel kan niet worden gelezen (staat er een "
                    'aanhalingsteken " zonder sluitend aanhalingsteken?).'
                )
                % {"number": number + 1}
            ]
        ) from None


#: Excel's hint on a CSV's first line naming the separator: ``sep=;``, perhaps quoted or
#: followed by more separators (a spreadsheet that saved it as a row of its own).
_SEPARATOR_HINT = re.compile(r'"?sep=([;,\t|])"?\1*', re.IGNORECASE)


def _delimiter(text: str) -> tuple[str, bool]:
    """The separator, and whether the first line is Excel's hint naming it (``sep=;``):
    then the one it names, else chosen by the header line (the first that is not empty
    or a comment)."""
    lines = text.splitlines()
    if len(lines) > MAX_LINES:
        raise TrialBalanceError(
            [_("Het bestand heeft meer dan %(max)s regels.") % {"max": MAX_LINES}]
        )
    hint = _SEPARATOR_HINT.fullmatch(lines[0].strip(" ")) if lines else None
    if hint:
        return hint.group(1), True
    header_line = next((line for line in lines if line.strip() and not line.startswith("#")), None)
    if header_line is None:
        raise TrialBalanceError([_("Het bestand is leeg.")])
    return (";" if header_line.count(";") >= header_line.count(",") else ","), False


def _columns(row: list[str], number: int) -> dict[str, int]:
    """The column of each name in the header line; raises TrialBalanceError when a
    required column is missing."""
    names = [cell.strip().lower() for cell in row]
    missing = [c for c in REQUIRED_COLUMNS if c not in names]
    if missing and len(row) == 1 and "\t" in row[0]:
        # Saved as "Tekst (tab-gescheiden)": the whole header is one column.
        raise TrialBalanceError(
            [
                _(
                    "Regel %(number)s: de kolommen zijn gescheiden door tabs. Sla de "
                    "proefbalans op als CSV, met ; of , als scheidingsteken."
                )
                % {"number": number}
            ]
        )
    if missing:
        raise TrialBalanceError(
            [
                _(
                    "Regel %(number)s: de kopregel mist de kolom(men) %(missing)s. Verwacht: "
                    "%(expected)s (omschrijving mag erbij)."
                )
                % {
                    "number": number,
                    "missing": ", ".join(missing),
                    "expected": ";".join(REQUIRED_COLUMNS),
                }
            ]
        )
    return {name: names.index(name) for name in names if name}


class _AccountProblem(ValueError):
    """A line of the trial balance that cannot be read; the message says why, in Dutch."""


@dataclass
class _Ledger:
    """The accounts of a trial balance as they are read: the sums per line item, the
    totals (which must balance) and the problems found."""

    variant: str
    columns: dict[str, int] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    sums: dict[str, list[Decimal]] = field(default_factory=dict)
    totals: list[Decimal] = field(default_factory=lambda: [Decimal(0), Decimal(0)])
    accounts: int = 0
    #: the revenue accounts' balances as presented (credit positive), when there are any
    turnover: list[Decimal] | None = None

    def add(self, number: int, row: list[str]) -> None:
        """Add the account on this line, or note why it cannot be read."""

        def cell(name: str) -> str:
            index = self.columns.get(name)
            return row[index].strip() if index is not None and index < len(row) else ""

        account = cell("rekening")
        label = (
            _("Regel %(number)s (rekening %(account)s)") % {"number": number, "account": account}
            if account
            else _("Regel %(number)s") % {"number": number}
        )
        code = cell("rapportagecode")
        try:
            line = _line_of(self.variant, code, label)
            amounts = [
                _balance_of(cell(column), label, _year(index))
                for index, column in enumerate(_BALANCES)
            ]
        except _AccountProblem as problem:
            self.errors.append(str(problem))
            return
        self.accounts += 1
        sign = sign_of(self.variant, line)
        pair = self.sums.setdefault(line, [Decimal(0), Decimal(0)])
        for index, amount in enumerate(amounts):
            self.totals[index] += amount
            pair[index] += sign * amount
        if code.startswith(NET_TURNOVER_CODE) or line == NET_TURNOVER_LINE:
            # Revenue is credit: presented positive when the trial balance has it negative.
            turnover = self.turnover = self.turnover or [Decimal(0), Decimal(0)]
            for index, amount in enumerate(amounts):
                turnover[index] -= amount

    def problems(self) -> list[str]:
        """Every problem: those of the lines, else a missing header, no accounts, or a
        trial balance that does not balance."""
        errors = list(self.errors)
        if not self.columns:
            errors.append(_("Het bestand heeft geen kopregel."))
        elif self.accounts == 0 and not errors:
            errors.append(_("Het bestand bevat geen rekeningen."))
        for index, total in enumerate(self.totals):
            if not errors and total != 0:
                errors.append(
                    _(
                        "De proefbalans is niet in evenwicht (%(year)s): debet en credit "
                        "verschillen %(difference)s. Controleer of alle rekeningen in het "
                        "bestand staan, ook die van de winst-en-verliesrekening."
                    )
                    % {
                        "year": _year(index),
                        # As the screen writes amounts: 1.234,56 (Dutch), 1,234.56 (English).
                        "difference": number_format(
                            total, decimal_pos=2, use_l10n=True, force_grouping=True
                        ),
                    }
                )
        return errors


#: The balance columns, in the order of a line item's pair (current, previous).
_BALANCES = ("saldo_huidig", "saldo_vorig")


def _year(index: int) -> str:
    """The year a balance column holds, in the screen's language."""
    return _("huidig jaar") if index == 0 else _("vorig jaar")


def _line_of(variant: str, code: str, label: str) -> str:
    """The line item of an account's reporting code."""
    if not code:
        raise _AccountProblem(_("%(label)s: de rapportagecode ontbreekt.") % {"label": label})
    line = line_for_code(variant, code)
    if line is None:
        raise _AccountProblem(
            _(
                "%(label)s: rapportagecode '%(code)s' is onbekend; gebruik een RGS-code "
                "(bijvoorbeeld BMva, BSch, WPer) of de naam van een post van dit rapport "
                "(geen totaal)."
            )
            % {"label": label, "code": code}
        )
    return line


def _balance_of(text: str, label: str, year: str) -> Decimal:
    """An account's balance of one year, in euros with at most two decimals."""
    try:
        amount = parse_amount(text)
    except ValueError as error:
        raise _AccountProblem(
            _("%(label)s: saldo %(year)s: %(error)s.")
            % {"label": label, "year": year, "error": error}
        )
    if amount.as_tuple().exponent < -2:  # type: ignore[operator]
        raise _AccountProblem(
            _("%(label)s: saldo %(year)s heeft meer dan twee decimalen.")
            % {"label": label, "year": year}
        )
    digits = euro_digits(amount)
    if digits > MAX_AMOUNT_DIGITS:
        raise _AccountProblem(
            _(
                "%(label)s: saldo %(year)s heeft %(digits)s cijfers vóór de komma; de KvK "
                "accepteert bedragen van hoogstens %(max)s cijfers."
            )
            % {"label": label, "year": year, "digits": digits, "max": MAX_AMOUNT_DIGITS}
        )
    return amount


def _too_many_digits(result: TrialBalanceResult) -> list[str]:
    """A line item or total the accounts add up to with more digits than the KvK accepts
    (each account has 20 at most, their sum may have more)."""
    errors = []
    for values in (result.balance, result.profit_loss):
        for line, pair in values.items():
            for index, amount in enumerate(pair):
                digits = euro_digits(amount or Decimal(0))
                if digits > MAX_AMOUNT_DIGITS:
                    errors.append(
                        _(
                            "%(line)s (%(year)s) komt uit op een bedrag van %(digits)s "
                            "cijfers; de KvK accepteert bedragen van hoogstens %(max)s cijfers."
                        )
                        % {
                            "line": labels.label(line, interface_language()),
                            "year": _year(index),
                            "digits": digits,
                            "max": MAX_AMOUNT_DIGITS,
                        }
                    )
    return errors


def _with_totals(variant: str, sums: dict[str, list[Decimal]], accounts: int) -> TrialBalanceResult:
    full = _full_variant(variant)
    income_lines = tx.line_items(full, "income")
    # nl-types:monetaryNoDecimals20ItemType: whole euros. Each line is rounded, and the
    # totals are computed from the rounded lines, so they add up on screen.
    amounts: dict[str, Pair] = {k: (_euros(v[0]), _euros(v[1])) for k, v in sums.items()}
    rounded = any(value != _euros(value) for pair in sums.values() for value in pair)
    profit_loss = fill_totals(full, {k: v for k, v in amounts.items() if k in income_lines})
    balance = {k: v for k, v in amounts.items() if k in tx.line_items(variant, "balance")}
    after_tax = profit_loss.get("ResultAfterTax")
    if after_tax is not None:
        # Before closing, the year's result is still in the profit and loss accounts.
        line = RESULT_LINE[tx.size_of_variant(variant) or ""]
        current, previous = balance.get(line, (Decimal(0), Decimal(0)))
        balance[line] = (
            (current or Decimal(0)) + (after_tax[0] or Decimal(0)),
            (previous or Decimal(0)) + (after_tax[1] or Decimal(0)),
        )
    return TrialBalanceResult(
        balance=fill_totals(variant, balance),
        profit_loss=profit_loss if tx.line_items(variant, "income") else {},
        accounts=accounts,
        rounded=rounded,
    )


def _euros(amount: Decimal) -> Decimal:
    return amount.quantize(Decimal(1), rounding=ROUND_HALF_UP)
