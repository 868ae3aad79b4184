"""NT19 (issue 16), step 2 of 3: existing data in the NT19 shape.

- Administration: the legal form as the taxonomy's full Dutch name; the free-text address
  split into street, house number, postal code and place where it reads unambiguously
  (else the parts stay empty and the screens ask for them; the text is kept); the
  contact e-mail address as the filing's e-mail address when none is set.
- Signatory: the role (bestuurder/commissaris) as the taxonomy's DirectorType.
- AnnualReport.statements: the old JSON shape (klein-style lines for every size, notes
  as one string) in the NT19 shape of kvk.statements.FinancialStatements.to_dict().

The names are frozen here as NT19 has them: a migration must not change with the code.

Not reversible: micro's old balance-sheet lines are added up into NT19's abbreviated
ones and some old profit-and-loss lines have no NT19 line, so the old figures cannot be
told back; the code before NT19 cannot read the new shape. ``migrate clientside 0005``
therefore stops here (IrreversibleError): go back by restoring a backup.
"""

from __future__ import annotations

import re
from decimal import Decimal

from django.db import migrations

BV = "Besloten vennootschap met beperkte aansprakelijkheid"
#: Old free-text legal forms (lower case, without dots and spaces) -> jenv-codes:legalFormItemType
LEGAL_FORMS = {
    "beslotenvennootschap": BV,
    "beslotenvennootschapmetbeperkteaansprakelijkheid": BV,
    "bv": BV,
    "naamlozevennootschap": "Naamloze vennootschap",
    "nv": "Naamloze vennootschap",
    "cooperatie": "Cooperatie",
    "coöperatie": "Cooperatie",
    "stichting": "Stichting",
    "vereniging": "Vereniging",
    "vennootschaponderfirma": "Vennootschap onder firma",
    "vof": "Vennootschap onder firma",
    "commanditairevennootschap": "Commanditaire vennootschap",
    "cv": "Commanditaire vennootschap",
    "onderlingewaarborgmaatschappij": "Onderlinge waarborgmaatschappij",
    "owm": "Onderlinge waarborgmaatschappij",
}

#: The general notes concept of each size (micro: art. 2:395a BW).
GENERAL_NOTE = {
    "micro": "AdditionalInformationToArticle395aDisclosure",
    "klein": "AccountingStandardsUsedToPrepareFinancialStatementsDescription",
}
MICRO_BALANCE = (
    "CostsIncorporationShareIssue",
    "AssetsNoncurrentOther",
    "AssetsNoncurrent",
    "CalledUpShareCapital",
    "AssetsCurrentOther",
    "AssetsCurrent",
    "Assets",
    "Equity",
    "Provisions",
    "LiabilitiesMaturityExceedingOneYear",
    "LiabilitiesMaturityLessThanOneYear",
    "Liabilities",
    "EquityAndLiabilities",
)
#: Micro's profit and loss (NT19, micro income-statement role).
MICRO_INCOME = (
    "Income",
    "NetRevenue",
    "OperatingIncomeOther",
    "IncomeOther",
    "Expenses",
    "CostsRawMaterialsConsumables",
    "WagesSalaries",
    "DepreciationAmortisationAndDecreaseInValueAssets",
    "OperatingExpensesOther",
    "ExpensesOther",
    "ResultBeforeTax",
    "IncomeTaxExpense",
    "ResultAfterTax",
)
OLD_FIXED_ASSETS = ("IntangibleAssets", "PropertyPlantEquipment", "FinancialAssets")
OLD_CURRENT_ASSETS = ("Inventories", "Receivables", "SecuritiesCurrent", "CashAndCashEquivalents")
OLD_EQUITY = (
    "ShareCapital",
    "SharePremium",
    "RevaluationReserve",
    "LegalReserves",
    "StatutoryReserves",
    "ReservesOther",
    "ResultForTheYear",
)
#: Old profit-and-loss names (the trial-balance import stored them for every size) ->
#: NT19's micro lines. Staff costs are micro's "WagesSalaries" and net financial income
#: a negative "ExpensesOther" (micro has no line of its own for it), as the NT19
#: trial-balance import does (clientside.trial_balance.CODE_MAPS["micro"]).
MICRO_INCOME_RENAMES = {
    "OtherOperatingExpenses": "OperatingExpensesOther",
    "AmortisationDepreciationOnIntangibleAssetsPropertyPlantEquipment": (
        "DepreciationAmortisationAndDecreaseInValueAssets"
    ),
    "EmployeeBenefitsExpenses": "WagesSalaries",
}
MICRO_NEGATED = {"FinancialIncomeAndExpense": "ExpensesOther"}
#: Old klein profit and loss names -> NT19's (klein starts at the gross margin).
KLEIN_INCOME_RENAMES = {
    "GrossOperatingResult": "GrossMargin",
    "AmortisationDepreciationOnIntangibleAssetsPropertyPlantEquipment": (
        "DepreciationPropertyPlantEquipmentAmortisationIntangibleAssets"
    ),
    "OtherOperatingExpenses": "OperatingExpensesOther",
    "FinancialIncomeAndExpense": "FinancialIncomeExpenses",
}
KLEIN_EXPENSES = (
    "EmployeeBenefitsExpenses",
    "DepreciationPropertyPlantEquipmentAmortisationIntangibleAssets",
    "OperatingExpensesOther",
)


def legal_form_full(value: str) -> str:
    """The taxonomy's full name of an old legal form; unknown values stay as they are."""
    key = re.sub(r"[\s.]+", "", value or "").lower()
    return LEGAL_FORMS.get(key, value)


_NUMBER = r"(?P<number>\d{1,5})"
_POSTAL = re.compile(r"^(?:(?P<postal>[1-9]\d{3})\s?(?P<letters>[A-Za-z]{2})\b)?\s*(?P<place>.*)$")


def split_address(text: str) -> dict[str, str] | None:
    """Street, house number (addition), postal code and place of a Dutch address written
    as "Oudegracht 120a, 3511 AX Utrecht" (a comma or a line break after the number);
    None when it does not read unambiguously, is a PO box, or a part is longer than NT19
    allows."""
    parts = [p.strip() for p in re.split(r"[,\n]+", text or "") if p.strip()]
    if len(parts) < 2:
        return None
    first = re.fullmatch(
        rf"(?P<street>.+?)\s+{_NUMBER}(?:\s*-?\s*(?P<addition>[A-Za-z0-9]{{1,4}}))?", parts[0]
    )
    rest = _POSTAL.match(" ".join(parts[1:]))
    if first is None or rest is None or first.group("street").lower() == "postbus":
        return None  # a PO box is not a street address
    address = {
        "street": first.group("street").strip(),
        "house_number": first.group("number"),
        "house_number_addition": first.group("addition") or "",
        "postal_code": (
            f"{rest.group('postal')}{rest.group('letters').upper()}" if rest.group("postal") else ""
        ),
        "place": rest.group("place").strip(),
    }
    if not address["place"] or len(address["street"]) > 24 or len(address["place"]) > 80:
        return None
    return address


def _amount(balance: dict, names: tuple[str, ...], slot: int) -> str | None:
    values = [
        Decimal(str(balance[n][slot]))
        for n in names
        if n in balance and balance[n][slot] not in (None, "")
    ]
    return format(sum(values, Decimal(0)), "f") if values else None


def _pair(balance: dict, total: str, items: tuple[str, ...]) -> list[str | None]:
    """The old total when it was there, else the sum of its items; per year."""
    return [
        _amount(balance, (total,), slot)
        if total in balance and balance[total][slot] not in (None, "")
        else _amount(balance, items, slot)
        for slot in (0, 1)
    ]


def _micro_balance(old: dict) -> dict:
    fixed = _pair(old, "AssetsNoncurrent", OLD_FIXED_ASSETS)
    current = _pair(old, "AssetsCurrent", OLD_CURRENT_ASSETS)
    long_term = _pair(old, "LiabilitiesNoncurrent", ())
    short_term = _pair(old, "LiabilitiesCurrent", ())
    maturities = {
        "LiabilitiesMaturityExceedingOneYear": long_term,
        "LiabilitiesMaturityLessThanOneYear": short_term,
    }
    new = {
        "AssetsNoncurrentOther": fixed,
        "AssetsNoncurrent": fixed,
        "AssetsCurrentOther": current,
        "AssetsCurrent": current,
        "Assets": _pair(old, "Assets", ()),
        "Equity": _pair(old, "Equity", OLD_EQUITY),
        "Provisions": _pair(old, "Provisions", ()),
        **maturities,
        "Liabilities": [_amount(maturities, tuple(maturities), slot) for slot in (0, 1)],
        "EquityAndLiabilities": _pair(old, "EquityAndLiabilities", ()),
    }
    return {k: v for k, v in new.items() if v != [None, None]}


def _negated(pair: list) -> list[str | None]:
    return [None if v in (None, "") else format(-Decimal(str(v)), "f") for v in pair]


def _micro_profit_loss(old: dict) -> dict:
    """The old lines that have a micro line, under its name. Dropped: the gross operating
    result (turnover less cost of sales: micro has the two apart, so the turnover is
    asked for again) and the operating result (no micro line)."""
    new = {}
    for name, pair in old.items():
        if name in MICRO_NEGATED:
            new[MICRO_NEGATED[name]] = _negated(pair)
        elif MICRO_INCOME_RENAMES.get(name, name) in MICRO_INCOME:
            new[MICRO_INCOME_RENAMES.get(name, name)] = pair
    return new


def _klein_profit_loss(old: dict) -> dict:
    new = {}
    for name, pair in old.items():
        if name == "NetRevenue" and "GrossOperatingResult" in old:
            continue  # the gross result already holds the turnover
        new[KLEIN_INCOME_RENAMES.get(name, "GrossMargin" if name == "NetRevenue" else name)] = pair
    if "SumOfExpenses" not in new and any(n in new for n in KLEIN_EXPENSES):
        new["SumOfExpenses"] = [_amount(new, KLEIN_EXPENSES, slot) for slot in (0, 1)]
    return new


def convert_statements(data: dict, variant: str) -> dict:
    """The stored figures of one report in the NT19 shape; figures already in that shape
    come back unchanged."""
    size = "micro" if variant.startswith("micro") else "klein"
    data = dict(data or {})
    data.pop("directors", None)  # signatories come from the administration
    notes = data.get("notes")
    if not isinstance(notes, dict):
        text = (notes or "").strip()
        data["notes"] = {GENERAL_NOTE[size]: text} if text else {}
    data.setdefault("prepared_on", None)
    data.setdefault("appropriation", "Voor")
    data.setdefault("period_deviation_reason", "")
    balance = dict(data.get("balance") or {})
    profit_loss = dict(data.get("profit_loss") or {})
    if size == "micro":
        if not set(balance) <= set(MICRO_BALANCE):
            balance = _micro_balance(balance)
        if not set(profit_loss) <= set(MICRO_INCOME):
            profit_loss = _micro_profit_loss(profit_loss)
    else:
        if "ShareCapital" in balance:
            balance["ShareCapitalPaidCalledUp"] = balance.pop("ShareCapital")
        profit_loss = _klein_profit_loss(profit_loss)
    data["balance"], data["profit_loss"] = balance, profit_loss
    return data


def forwards(apps, schema_editor):
    Administration = apps.get_model("clientside", "Administration")
    Signatory = apps.get_model("clientside", "Signatory")
    AnnualReport = apps.get_model("clientside", "AnnualReport")
    for administration in Administration.objects.all():
        administration.legal_form = legal_form_full(administration.legal_form)
        address = None if administration.street else split_address(administration.address)
        for name, value in (address or {}).items():
            setattr(administration, name, value)
        if not administration.filing_email:
            administration.filing_email = administration.contact_email
        administration.save()
    Signatory.objects.filter(role="commissaris").update(function="Commissaris (huidig)")
    Signatory.objects.exclude(role="commissaris").update(function="Bestuurder (huidig)")
    for report in AnnualReport.objects.select_related("administration"):
        report.statements = convert_statements(report.statements, report.administration.kvk_report)
        report.save(update_fields=["statements"])


class Migration(migrations.Migration):
    dependencies = [
        ("clientside", "0005_nt19_kvk_tab_signing"),
    ]

    # No reverse_code: not reversible (see above).
    operations = [migrations.RunPython(forwards)]
