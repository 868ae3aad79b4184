"""The financial statements model: what one filing says, independent of XBRL.

Built by the client side from its books, turned into an instance by ``kvk.builder`` and
read back from an instance by ``kvk.parser.ParsedInstance.statements()``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from kvk import taxonomy

Amounts = dict[str, tuple[Decimal | None, Decimal | None]]


@dataclass
class Director:
    """A director (bestuurder) or supervisory director (commissaris) who signed."""

    name: str
    signed_on: date | None = None
    supervisory: bool = False


@dataclass
class FinancialStatements:
    kvk_number: str
    legal_name: str
    legal_form: str
    seat: str
    period_start: date
    period_end: date
    previous_start: date
    previous_end: date
    size: str  # "micro" | "klein"
    variant: str  # entry point variant, see kvk.taxonomy.VARIANTS
    #: concept local name (e.g. "Assets") -> (current year, previous year)
    balance: Amounts
    profit_loss: Amounts = field(default_factory=dict)
    adopted: bool = False
    adoption_date: date | None = None
    directors: list[Director] = field(default_factory=list)
    resubmission: bool = False
    language: str = "nl"
    #: The notes (toelichting), plain text or the restricted escaped-XHTML tag set.
    notes: str = ""
    #: Taxonomy generation code ("nt20"); empty = the one the financial year chooses.
    generation: str = ""

    def financial_year(self) -> int:
        """The year in which the financial year begins (it chooses the generation)."""
        return self.period_start.year

    def taxonomy_generation(self) -> taxonomy.Generation:
        if self.generation:
            return taxonomy.generation(self.generation)
        return taxonomy.generation_for_year(self.financial_year())

    def entry_point(self) -> str:
        return self.taxonomy_generation().entry_point(self.variant)

    # --- JSON ------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        def amounts(values: Amounts) -> dict[str, list[str | None]]:
            return {k: [_dec_str(cur), _dec_str(prev)] for k, (cur, prev) in values.items()}

        return {
            "kvk_number": self.kvk_number,
            "legal_name": self.legal_name,
            "legal_form": self.legal_form,
            "seat": self.seat,
            "period_start": self.period_start.isoformat(),
            "period_end": self.period_end.isoformat(),
            "previous_start": self.previous_start.isoformat(),
            "previous_end": self.previous_end.isoformat(),
            "size": self.size,
            "variant": self.variant,
            "balance": amounts(self.balance),
            "profit_loss": amounts(self.profit_loss),
            "adopted": self.adopted,
            "adoption_date": _date_str(self.adoption_date),
            "directors": [
                {
                    "name": d.name,
                    "signed_on": _date_str(d.signed_on),
                    "supervisory": d.supervisory,
                }
                for d in self.directors
            ],
            "resubmission": self.resubmission,
            "language": self.language,
            "notes": self.notes,
            "generation": self.generation,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FinancialStatements:
        """Read the JSON form; raises ValueError naming the field that is wrong."""
        if not isinstance(data, dict):
            raise ValueError("statements must be a JSON object")

        def req(key: str) -> Any:
            if key not in data or data[key] in (None, ""):
                raise ValueError(f"missing field {key!r}")
            return data[key]

        def amounts(key: str) -> Amounts:
            raw = data.get(key) or {}
            if not isinstance(raw, dict):
                raise ValueError(f"{key} must be an object of concept -> [current, previous]")
            result: Amounts = {}
            for concept, pair in raw.items():
                if not isinstance(pair, list | tuple) or len(pair) != 2:
                    raise ValueError(f"{key}.{concept} must be [current, previous]")
                result[concept] = (_dec(pair[0], f"{key}.{concept}"), _dec(pair[1], concept))
            return result

        directors = []
        for i, d in enumerate(data.get("directors") or []):
            if not isinstance(d, dict) or not d.get("name"):
                raise ValueError(f"directors[{i}] needs a name")
            directors.append(
                Director(
                    name=str(d["name"]),
                    signed_on=_date(d.get("signed_on"), f"directors[{i}].signed_on"),
                    supervisory=_bool(d.get("supervisory", False), f"directors[{i}].supervisory"),
                )
            )
        statements = cls(
            kvk_number=str(req("kvk_number")),
            legal_name=str(req("legal_name")),
            legal_form=str(req("legal_form")),
            seat=str(req("seat")),
            period_start=_req_date(req("period_start"), "period_start"),
            period_end=_req_date(req("period_end"), "period_end"),
            previous_start=_req_date(req("previous_start"), "previous_start"),
            previous_end=_req_date(req("previous_end"), "previous_end"),
            size=str(req("size")),
            variant=str(req("variant")),
            balance=amounts("balance"),
            profit_loss=amounts("profit_loss"),
            adopted=_bool(data.get("adopted", False), "adopted"),
            adoption_date=_date(data.get("adoption_date"), "adoption_date"),
            directors=directors,
            resubmission=_bool(data.get("resubmission", False), "resubmission"),
            language=str(data.get("language") or "nl"),
            notes=str(data.get("notes") or ""),
            generation=str(data.get("generation") or ""),
        )
        statements.validate()
        return statements

    def _texts(self) -> list[tuple[str, str]]:
        texts = [
            ("legal_name", self.legal_name),
            ("legal_form", self.legal_form),
            ("seat", self.seat),
            ("notes", self.notes),
        ]
        texts += [(f"directors[{i}].name", d.name) for i, d in enumerate(self.directors)]
        return texts

    def validate(self) -> None:
        """Raise ValueError when the statements cannot make a valid instance."""
        number = self.kvk_number
        if not (len(number) == 8 and number.isdigit()) or number.startswith("00"):
            raise ValueError(f"kvk_number must be 8 digits (not 00...), got {number!r}")
        if self.size not in taxonomy.SIZES:
            raise ValueError(f"size must be one of {taxonomy.SIZES}, got {self.size!r}")
        if self.variant not in taxonomy.VARIANTS_BY_SIZE[self.size]:
            raise ValueError(f"variant {self.variant!r} does not fit size {self.size!r}")
        if self.language not in ("nl", "en", "de", "fr"):
            raise ValueError(f"language must be nl, en, de or fr, got {self.language!r}")
        if not self.period_start <= self.period_end:
            raise ValueError("period_end lies before period_start")
        if not self.previous_start <= self.previous_end:
            raise ValueError("previous_end lies before previous_start")
        if self.previous_end != self.period_start - timedelta(days=1):
            raise ValueError("previous_end must be the day before period_start")
        for key in set(self.balance) - set(taxonomy.BALANCE_CONCEPTS):
            raise ValueError(f"unknown balance sheet concept {key!r}")
        for key in set(self.profit_loss) - set(taxonomy.PROFIT_LOSS_CONCEPTS):
            raise ValueError(f"unknown profit and loss concept {key!r}")
        for label, text in self._texts():
            if label != "notes" and not text.strip():
                raise ValueError(f"{label} is empty")
            bad = _DISALLOWED_CHAR.search(text)
            if bad:
                raise ValueError(
                    f"{label} contains {bad.group()!r} (U+{ord(bad.group()):04X}), which KvK "
                    "does not accept (FR-NL-1.02: only Basic Latin, Latin-1 and currency symbols)"
                )
        from kvk.rules import formatted_text_problems

        for _severity, _nl, en in formatted_text_problems(self.notes):
            raise ValueError(f"notes: {en} (FR-NL-5.11)")
        if self.adopted and self.adoption_date is None:
            raise ValueError("adopted statements need an adoption_date")
        if self.resubmission and not self.adopted:
            raise ValueError("a resubmission must be adopted (BR-KVK-4.12)")
        self.taxonomy_generation()


# FR-NL-1.02: what an instance may contain (plus the XML whitespace).
_DISALLOWED_CHAR = re.compile("[^\t\n\r\u0020-\u007f\u00a0-\u00ff\u20a0-\u20cf]|\u007f")


def _bool(value: Any, name: str) -> bool:
    if value is None:
        return False
    if not isinstance(value, bool):
        raise ValueError(f"{name} must be true or false, got {value!r}")
    return value


def _dec_str(value: Decimal | None) -> str | None:
    return None if value is None else format(value, "f")


def _date_str(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _dec(value: Any, name: str) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, float):
        value = repr(value)
    try:
        result = Decimal(str(value))
    except InvalidOperation:
        raise ValueError(f"{name}: {value!r} is not a decimal amount")
    if not result.is_finite():
        raise ValueError(f"{name}: {value!r} is not a finite amount")
    if result.as_tuple().exponent < -2:  # type: ignore[operator]
        raise ValueError(f"{name}: {value!r} has more than two decimals")
    return result


def _date(value: Any, name: str) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ValueError(f"{name}: {value!r} is not a date (YYYY-MM-DD)")


def _req_date(value: Any, name: str) -> date:
    result = _date(value, name)
    assert result is not None
    return result


def demo_statements(
    *, kvk_number: str, legal_name: str, year: int, size: str = "micro"
) -> FinancialStatements:
    """A consistent, valid example filing for a calendar year (demo data and tests)."""
    d = Decimal
    current = {
        "IntangibleAssets": d(0),
        "PropertyPlantEquipment": d(48250),
        "FinancialAssets": d(5000),
        "Inventories": d(12400),
        "Receivables": d(31780),
        "CashAndCashEquivalents": d(22615),
        "ShareCapital": d(18000),
        "ReservesOther": d(41230),
        "ResultForTheYear": d(12815),
        "Provisions": d(3000),
        "LiabilitiesNoncurrent": d(25000),
        "LiabilitiesCurrent": d(0),
    }
    previous = {
        "IntangibleAssets": d(0),
        "PropertyPlantEquipment": d(52100),
        "FinancialAssets": d(5000),
        "Inventories": d(10950),
        "Receivables": d(28410),
        "CashAndCashEquivalents": d(14320),
        "ShareCapital": d(18000),
        "ReservesOther": d(32155),
        "ResultForTheYear": d(9075),
        "Provisions": d(2500),
        "LiabilitiesNoncurrent": d(30000),
        "LiabilitiesCurrent": d(0),
    }
    for values in (current, previous):
        values["AssetsNoncurrent"] = (
            values["IntangibleAssets"]
            + values["PropertyPlantEquipment"]
            + values["FinancialAssets"]
        )
        values["AssetsCurrent"] = (
            values["Inventories"] + values["Receivables"] + values["CashAndCashEquivalents"]
        )
        values["Assets"] = values["AssetsNoncurrent"] + values["AssetsCurrent"]
        values["Equity"] = (
            values["ShareCapital"] + values["ReservesOther"] + values["ResultForTheYear"]
        )
        # Current liabilities close the balance, so it always adds up.
        values["LiabilitiesCurrent"] = (
            values["Assets"]
            - values["Equity"]
            - values["Provisions"]
            - values["LiabilitiesNoncurrent"]
        )
        values["EquityAndLiabilities"] = values["Assets"]
    balance: Amounts = {
        k: (current[k], previous[k]) for k in taxonomy.BALANCE_CONCEPTS if k in current
    }
    profit_loss: Amounts = {}
    if size == "klein":
        profit_loss = {
            "GrossOperatingResult": (d(184300), d(171250)),
            "EmployeeBenefitsExpenses": (d(121000), d(118400)),
            "AmortisationDepreciationOnIntangibleAssetsPropertyPlantEquipment": (
                d(9850),
                d(9500),
            ),
            "OtherOperatingExpenses": (d(36420), d(31180)),
            "OperatingResult": (d(17030), d(12170)),
            "FinancialIncomeAndExpense": (d(-1250), d(-1400)),
            "ResultBeforeTax": (d(15780), d(10770)),
            "IncomeTaxExpense": (d(2965), d(1695)),
            "ResultAfterTax": (d(12815), d(9075)),
        }
    variant = "micro" if size == "micro" else "klein-publicatiestukken"
    return FinancialStatements(
        kvk_number=kvk_number,
        legal_name=legal_name,
        legal_form="Besloten vennootschap",
        seat="Utrecht",
        period_start=date(year, 1, 1),
        period_end=date(year, 12, 31),
        previous_start=date(year - 1, 1, 1),
        previous_end=date(year - 1, 12, 31),
        size=size,
        variant=variant,
        balance=balance,
        profit_loss=profit_loss,
        directors=[Director(name="J. de Vries", signed_on=date(year + 1, 5, 20))],
        notes=(
            "De jaarrekening is opgesteld volgens Titel 9 Boek 2 BW. Activa en passiva "
            "worden gewaardeerd tegen nominale waarde, tenzij anders vermeld."
        ),
    )
