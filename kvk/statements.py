"""The financial statements model: what one filing says, independent of XBRL.

Built by the client side from its books, turned into an instance by ``kvk.builder`` and
read back from an instance by ``kvk.parser.ParsedInstance.statements()``.

The model follows NT19 (``kvk.nt``): the line items are the local names of the concepts
of the entry point's balance-sheet, income-statement and notes roles (``kvk.taxonomy.
FILING_ROLES``), the legal form and the signatories' function come from the taxonomy's
value lists, and ``validate()`` refuses what the KvK would refuse for its type (the KvK
number pattern, string lengths, amounts without decimals, enumeration values).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from kvk import nt, xhtml
from kvk import taxonomy as tx

Amounts = dict[str, tuple[Decimal | None, Decimal | None]]


@dataclass
class Address:
    """The entity's Dutch address (nl-cd:StreetNameNL, HouseNumberNL, ...)."""

    street: str
    house_number: str
    postal_code: str
    place: str
    house_number_addition: str = ""

    def to_dict(self) -> dict[str, str]:
        return {
            "street": self.street,
            "house_number": self.house_number,
            "house_number_addition": self.house_number_addition,
            "postal_code": self.postal_code,
            "place": self.place,
        }


@dataclass
class Signatory:
    """A director (bestuurder) or supervisory director (commissaris) who signs, or who
    does not sign and says why (art. 2:101 BW)."""

    name: str
    #: jenv-bw2-i:DirectorType, one of tx.DIRECTOR_TYPES ("Bestuurder (huidig)", ...)
    function: str = tx.DIRECTOR
    signed: bool = True
    signed_on: date | None = None
    place: str = ""
    reason_not_signed: str = ""

    @property
    def supervisory(self) -> bool:
        return self.function.startswith("Commissaris")

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "function": self.function,
            "signed": self.signed,
            "signed_on": _date_str(self.signed_on),
            "place": self.place,
            "reason_not_signed": self.reason_not_signed,
        }


@dataclass
class FinancialStatements:
    kvk_number: str
    legal_name: str
    #: jenv-bw2-i:LegalEntityLegalForm, one of tx.LEGAL_FORMS (full Dutch names)
    legal_form: str
    #: statutory seat (jenv-bw2-i:LegalEntityRegisteredOffice)
    seat: str
    period_start: date
    period_end: date
    #: the previous year; None for a first financial year (no comparative figures)
    previous_start: date | None
    previous_end: date | None
    size: str  # "micro" | "klein"
    variant: str  # entry point variant, see kvk.taxonomy.BUILDABLE_VARIANTS
    #: balance-sheet concept local name (e.g. "Assets") -> (current year, previous year)
    balance: Amounts
    profit_loss: Amounts = field(default_factory=dict)
    address: Address | None = None
    email: str = ""
    #: the day the board drew up the accounts (rj-i:FinancialStatementsDateOfPreparation)
    prepared_on: date | None = None
    #: jenv-bw2-i:BalanceSheetBeforeAfterAppropriationResults: "Voor" or "Na"
    appropriation: str = tx.BEFORE_APPROPRIATION
    adopted: bool = False
    adoption_date: date | None = None
    signatories: list[Signatory] = field(default_factory=list)
    resubmission: bool = False
    resubmission_explanation: str = ""
    #: why the financial year is not twelve months (rj-i:FinancialReportingPeriod
    #: DifferentThanAnnualReasonDescription); asked only when it is not
    period_deviation_reason: str = ""
    #: its impact on the comparative figures (rj-i:FinancialReportingPeriodDifferentThan
    #: AnnualImpactComparativesDescription); asked only when the year is not twelve months
    period_deviation_impact: str = ""
    language: str = "nl"
    #: notes concept local name -> text (plain text or the SBR escaped-XHTML tag set)
    notes: dict[str, str] = field(default_factory=dict)
    #: Taxonomy generation code ("nt20"); empty = the one the financial year chooses.
    generation: str = ""

    def financial_year(self) -> int:
        """The year in which the financial year begins (it chooses the generation)."""
        return self.period_start.year

    def taxonomy_generation(self) -> tx.Generation:
        if self.generation:
            return tx.generation(self.generation)
        return tx.generation_for_year(self.financial_year())

    def entry_point(self) -> str:
        return self.taxonomy_generation().entry_point(self.variant)

    @property
    def has_comparatives(self) -> bool:
        return self.previous_start is not None and self.previous_end is not None

    @property
    def period_is_annual(self) -> bool:
        """Twelve months exactly (what FinancialReportingPeriodDifferentThanAnnualStatus
        asks)."""
        return is_annual(self.period_start, self.period_end)

    # --- JSON ------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        def amounts(values: Amounts) -> dict[str, list[str | None]]:
            return {k: [_dec_str(cur), _dec_str(prev)] for k, (cur, prev) in values.items()}

        return {
            "kvk_number": self.kvk_number,
            "legal_name": self.legal_name,
            "legal_form": self.legal_form,
            "seat": self.seat,
            "address": self.address.to_dict() if self.address else None,
            "email": self.email,
            "period_start": self.period_start.isoformat(),
            "period_end": self.period_end.isoformat(),
            "previous_start": _date_str(self.previous_start),
            "previous_end": _date_str(self.previous_end),
            "prepared_on": _date_str(self.prepared_on),
            "size": self.size,
            "variant": self.variant,
            "appropriation": self.appropriation,
            "balance": amounts(self.balance),
            "profit_loss": amounts(self.profit_loss),
            "adopted": self.adopted,
            "adoption_date": _date_str(self.adoption_date),
            "signatories": [s.to_dict() for s in self.signatories],
            "resubmission": self.resubmission,
            "resubmission_explanation": self.resubmission_explanation,
            "period_deviation_reason": self.period_deviation_reason,
            "period_deviation_impact": self.period_deviation_impact,
            "language": self.language,
            "notes": dict(self.notes),
            "generation": self.generation,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any], *, validate: bool = True) -> FinancialStatements:
        """Read the JSON form; raises ValueError naming the field that is wrong."""
        if not isinstance(data, dict):
            raise ValueError("statements must be a JSON object")
        signatories = _signatories_from(data)
        address = _address_from(data)
        notes = _notes_from(data)
        statements = cls(
            kvk_number=str(_required(data, "kvk_number")),
            legal_name=str(_required(data, "legal_name")),
            legal_form=str(_required(data, "legal_form")),
            seat=str(_required(data, "seat")),
            address=address,
            email=str(data.get("email") or ""),
            period_start=_req_date(_required(data, "period_start"), "period_start"),
            period_end=_req_date(_required(data, "period_end"), "period_end"),
            previous_start=_date(data.get("previous_start"), "previous_start"),
            previous_end=_date(data.get("previous_end"), "previous_end"),
            prepared_on=_date(data.get("prepared_on"), "prepared_on"),
            size=str(_required(data, "size")),
            variant=str(_required(data, "variant")),
            appropriation=str(data.get("appropriation") or tx.BEFORE_APPROPRIATION),
            balance=_amounts_from(data, "balance"),
            profit_loss=_amounts_from(data, "profit_loss"),
            adopted=_bool(data.get("adopted", False), "adopted"),
            adoption_date=_date(data.get("adoption_date"), "adoption_date"),
            signatories=signatories,
            resubmission=_bool(data.get("resubmission", False), "resubmission"),
            resubmission_explanation=str(data.get("resubmission_explanation") or ""),
            period_deviation_reason=str(data.get("period_deviation_reason") or ""),
            period_deviation_impact=str(data.get("period_deviation_impact") or ""),
            language=str(data.get("language") or "nl"),
            notes=notes,
            generation=str(data.get("generation") or ""),
        )
        if validate:
            statements.validate()
        return statements

    # --- what the taxonomy allows ------------------------------------------------------
    def balance_lines(self) -> tuple[str, ...]:
        return tx.line_items(self.variant, "balance")

    def profit_loss_lines(self) -> tuple[str, ...]:
        return tx.line_items(self.variant, "income")

    def note_concepts(self) -> tuple[str, ...]:
        return tx.line_items(self.variant, "notes")

    def _texts(self) -> list[tuple[str, str, str]]:
        """(field label, concept qname, text) for every string the instance will carry."""
        texts = [
            ("legal_name", tx.ENTITY_NAME, self.legal_name),
            ("seat", tx.SEAT, self.seat),
            ("email", tx.EMAIL, self.email),
        ]
        if self.address:
            for name, value in self.address.to_dict().items():
                if value or name != "house_number_addition":  # the addition is optional
                    texts.append((f"address.{name}", tx.ADDRESS_CONCEPTS[name], value))
        signing = tx.SIGNING_CONCEPTS
        for i, s in enumerate(self.signatories):
            texts.append((f"signatories[{i}].name", signing["name"], s.name))
            if s.place:
                texts.append((f"signatories[{i}].place", signing["place"], s.place))
            if s.reason_not_signed:
                texts.append(
                    (
                        f"signatories[{i}].reason_not_signed",
                        signing["reason_not_signed"],
                        s.reason_not_signed,
                    )
                )
        if self.resubmission_explanation:
            texts.append(
                (
                    "resubmission_explanation",
                    tx.RESUBMISSION_EXPLANATION,
                    self.resubmission_explanation,
                )
            )
        if self.period_deviation_reason:
            texts.append(
                (
                    "period_deviation_reason",
                    tx.PERIOD_DEVIATION_REASON,
                    self.period_deviation_reason,
                )
            )
        if self.period_deviation_impact:
            texts.append(
                (
                    "period_deviation_impact",
                    tx.PERIOD_DEVIATION_IMPACT,
                    self.period_deviation_impact,
                )
            )
        return texts

    def validate(self) -> None:
        """Raise ValueError when the statements cannot make an instance the KvK accepts."""
        self._validate_kind()
        self._validate_periods()
        self._validate_required()
        self._validate_deviation()
        self._validate_amounts()
        self._validate_notes()
        self._validate_signatories()
        self._validate_texts()
        self._validate_adoption()
        self._validate_resubmission()
        self.taxonomy_generation()

    def _validate_kind(self) -> None:
        """The KvK number, size, variant, language, legal form and appropriation."""
        number = self.kvk_number
        if not tx.kvk_number_valid(number):
            raise ValueError(
                f"kvk_number must be 8 digits and not start with 00, got {number!r} "
                "(nl-types:chamberOfCommerceRegistrationNumberItemType)"
            )
        if self.size not in tx.SIZES:
            raise ValueError(f"size must be one of {tx.SIZES}, got {self.size!r}")
        if self.variant not in tx.VARIANTS_BY_SIZE[self.size]:
            raise ValueError(f"variant {self.variant!r} does not fit size {self.size!r}")
        if self.variant not in tx.BUILDABLE_VARIANTS:
            raise ValueError(
                f"variant {self.variant!r} cannot be built here: {nt.GAPS['klein-verticaal']}"
            )
        if self.language not in ("nl", "en", "de", "fr"):
            raise ValueError(f"language must be nl, en, de or fr, got {self.language!r}")
        if self.legal_form not in tx.LEGAL_FORMS:
            raise ValueError(
                f"legal_form {self.legal_form!r} is not in the taxonomy's list: "
                + ", ".join(tx.LEGAL_FORMS)
            )
        if self.appropriation not in tx.APPROPRIATIONS:
            raise ValueError(f"appropriation must be 'Voor' or 'Na', got {self.appropriation!r}")

    def _validate_periods(self) -> None:
        """The financial year, and the previous one (if any) right before it."""
        if not self.period_start < self.period_end:
            raise ValueError("period_end must lie after period_start")
        if (self.previous_start is None) != (self.previous_end is None):
            raise ValueError("give both previous_start and previous_end, or neither")
        if self.previous_start is not None and self.previous_end is not None:
            if not self.previous_start < self.previous_end:
                raise ValueError("previous_end must lie after previous_start")
            if self.previous_end != self.period_start - timedelta(days=1):
                raise ValueError("previous_end must be the day before period_start")

    def _validate_required(self) -> None:
        """What the KvK requires although the model lets it be empty."""
        if self.address is None:
            raise ValueError("address is required (the KvK requires the entity's address)")
        if not self.email:
            raise ValueError("email is required (the KvK requires nl-cd:EmailAddressFull)")
        if self.prepared_on is None:
            raise ValueError("prepared_on is required (rj-i:FinancialStatementsDateOfPreparation)")

    def _validate_deviation(self) -> None:
        """A financial year that is not twelve months says why and what it does to the
        comparative figures (kvk-document-information-for.xml, PrtValueThnExistence1 and
        2, WARNING: the KvK asks for both)."""
        if self.period_is_annual:
            return
        for name, text, what in (
            ("period_deviation_reason", self.period_deviation_reason, "why"),
            (
                "period_deviation_impact",
                self.period_deviation_impact,
                "its impact on the comparative figures",
            ),
        ):
            if not text.strip():
                raise ValueError(
                    f"the financial year {self.period_start} .. {self.period_end} is not "
                    f"twelve months: give {name} ({what})"
                )

    def _validate_amounts(self) -> None:
        """Balance and profit and loss lines of the variant, by nature of expense, and no
        result line in a balance sheet after appropriation."""
        self._validate_lines("balance", self.balance, self.balance_lines())
        excluded = tx.excluded_by_classification(self.variant)
        for key in self.profit_loss:
            if key in excluded:
                raise ValueError(
                    f"profit_loss: {key!r} is not allowed in a profit and loss by nature of "
                    f"expense ({tx.INCOME_STATEMENT_CLASSIFICATION} "
                    f"{tx.CLASSIFICATION_BY_NATURE!r}, which this product files): the KvK's "
                    f"assertion {excluded[key]} forbids it"
                )
        self._validate_lines("profit_loss", self.profit_loss, self.profit_loss_lines())
        if self.appropriation == tx.AFTER_APPROPRIATION and "ResultForTheYear" in self.balance:
            raise ValueError(
                "a balance sheet after appropriation (Na) has no ResultForTheYear line"
            )

    def _validate_notes(self) -> None:
        """Notes concepts of the variant, with allowed characters and markup (FR-NL-5.11)."""
        allowed_notes = self.note_concepts()
        for key, text in self.notes.items():
            if key not in allowed_notes:
                raise ValueError(
                    f"notes: {key!r} is not a notes concept of {self.variant}; allowed: "
                    + ", ".join(allowed_notes)
                )
            _check_chars(f"notes.{key}", text)
            for severity, _nl, en in xhtml.formatted_text_problems(formatted_value(text)):
                if severity == xhtml.ERROR:
                    raise ValueError(f"notes.{key}: {en} (FR-NL-5.11)")

    def _validate_signatories(self) -> None:
        if not self.signatories:
            raise ValueError(
                "signatories: give at least one; the directors sign the financial statements "
                "(art. 2:101 BW) and the KvK asks for jenv-bw2-i:DirectorSignedStatus "
                "(kvk-signing-financial-statements-for.xml, PrtExistence1)"
            )
        for i, s in enumerate(self.signatories):
            self._validate_signatory(f"signatories[{i}]", s)

    def _validate_texts(self) -> None:
        """Every string the instance carries: not empty, allowed characters and values."""
        for label, qname, text in self._texts():
            if not text.strip():
                raise ValueError(f"{label} is empty")
            _check_chars(label, text)
            problem = tx.value_problem(qname, text)
            if problem:
                raise ValueError(f"{label}: {problem}")

    def _validate_adoption(self) -> None:
        """Adopted statements have an adoption date after the year end and the drawing up."""
        if self.adopted and self.adoption_date is None:
            raise ValueError("adopted statements need an adoption_date")
        if self.adoption_date is None:
            return
        if self.adoption_date <= self.period_end:
            raise ValueError(
                f"adoption_date {self.adoption_date} must lie after the financial year end "
                f"{self.period_end}"
            )
        if self.prepared_on is not None and self.prepared_on > self.adoption_date:
            raise ValueError(
                f"prepared_on {self.prepared_on} lies after adoption_date "
                f"{self.adoption_date}: accounts are adopted after they are drawn up "
                "(kvk-document-information-for.xml, PrtDateEarlierEQDateLater1)"
            )

    def _validate_resubmission(self) -> None:
        if self.resubmission and not self.adopted:
            raise ValueError("a resubmission must be adopted (BR-KVK-4.12)")
        if self.resubmission and not self.resubmission_explanation.strip():
            raise ValueError(
                "a resubmission needs resubmission_explanation (the KvK requires "
                "DocumentResubmissionDueToUnsurmountableInaccuraciesExplanation)"
            )

    @staticmethod
    def _validate_signatory(label: str, s: Signatory) -> None:
        """Who signed gives the date and place, who did not gives the reason and neither
        date nor place (the KvK's SigningFinancialStatements_PrtValueThnExistence1..3 and
        PrtValueThnNoExistence1..3, kvk-signing-financial-statements-for.xml)."""
        if s.function not in tx.DIRECTOR_TYPES:
            raise ValueError(f"{label}.function must be one of {', '.join(tx.DIRECTOR_TYPES)}")
        if s.signed and s.reason_not_signed:
            raise ValueError(f"{label} signed, so gives no reason_not_signed")
        if not s.signed and s.signed_on is not None:
            raise ValueError(f"{label} did not sign, so has no signed_on")
        if not s.signed and s.place:
            raise ValueError(f"{label} did not sign, so has no place")
        if s.signed and s.signed_on is None:
            raise ValueError(f"{label} signed, so gives signed_on (the date of signing)")
        if s.signed and not s.place.strip():
            raise ValueError(f"{label} signed, so gives the place of signing")
        if not s.signed and not s.reason_not_signed.strip():
            raise ValueError(f"{label} did not sign, so gives reason_not_signed")

    def _validate_lines(self, label: str, values: Amounts, allowed: tuple[str, ...]) -> None:
        for key, pair in values.items():
            if key not in allowed:
                raise ValueError(
                    f"{label}: {key!r} is not a line item of {self.variant} in NT19; "
                    f"allowed: {', '.join(allowed)}"
                )
            for amount in pair:
                if amount is not None and amount != amount.to_integral_value():
                    raise ValueError(
                        f"{label}.{key}: {amount} has cents; KvK amounts are whole euros "
                        "(nl-types:monetaryNoDecimals20ItemType)"
                    )
            if not self.has_comparatives and pair[1] is not None:
                raise ValueError(
                    f"{label}.{key} has a previous-year amount, but this is a first "
                    "financial year (no previous_start/previous_end)"
                )


def formatted_value(text: str) -> str:
    """The fact value of a text of the formatted-explanation type. Text that is
    well-formed markup stays as given (FR-NL-5.11 then checks its tags); anything else is
    plain text, written with &, < and > escaped so the value is well-formed XHTML too.
    So "Omzet < 5 mln & stabiel" is text, "<p>Omzet</p>" is markup."""
    return text if xhtml.is_markup(text) else html.escape(text, quote=False)


def plain_value(value: str) -> str:
    """The inverse of formatted_value: markup stays, escaped plain text is unescaped."""
    return value if xhtml.is_markup(value) else html.unescape(value)


def _check_chars(label: str, text: str) -> None:
    bad = _DISALLOWED_CHAR.search(text)
    if bad:
        raise ValueError(
            f"{label} contains {bad.group()!r} (U+{ord(bad.group()):04X}), which KvK "
            "does not accept (FR-NL-1.02: only Basic Latin, Latin-1 and currency symbols)"
        )


def years_later(day: date, years: int) -> date:
    """The same day some years later (28 February for 29 February in a common year)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def is_annual(start: date, end: date) -> bool:
    """A financial year of exactly twelve months (else the filing gives the reason:
    rj-i:FinancialReportingPeriodDifferentThanAnnualReasonDescription)."""
    return years_later(start, 1) - timedelta(days=1) == end


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


def _required(data: dict[str, Any], key: str) -> Any:
    if key not in data or data[key] in (None, ""):
        raise ValueError(f"missing field {key!r}")
    return data[key]


def _amounts_from(data: dict[str, Any], key: str) -> Amounts:
    """``data[key]`` as concept -> (current, previous) amounts."""
    raw = data.get(key) or {}
    if not isinstance(raw, dict):
        raise ValueError(f"{key} must be an object of concept -> [current, previous]")
    result: Amounts = {}
    for concept, pair in raw.items():
        if not isinstance(pair, list | tuple) or len(pair) != 2:
            raise ValueError(f"{key}.{concept} must be [current, previous]")
        result[concept] = (
            _dec(pair[0], f"{key}.{concept}"),
            _dec(pair[1], f"{key}.{concept}"),
        )
    return result


def _signatories_from(data: dict[str, Any]) -> list[Signatory]:
    signatories = []
    for i, d in enumerate(data.get("signatories") or []):
        if not isinstance(d, dict) or not d.get("name"):
            raise ValueError(f"signatories[{i}] needs a name")
        signatories.append(
            Signatory(
                name=str(d["name"]),
                function=str(d.get("function") or tx.DIRECTOR),
                signed=_bool(d.get("signed", True), f"signatories[{i}].signed"),
                signed_on=_date(d.get("signed_on"), f"signatories[{i}].signed_on"),
                place=str(d.get("place") or ""),
                reason_not_signed=str(d.get("reason_not_signed") or ""),
            )
        )
    return signatories


def _address_from(data: dict[str, Any]) -> Address | None:
    raw_address = data.get("address")
    if not raw_address:
        return None
    if not isinstance(raw_address, dict):
        raise ValueError("address must be an object")
    return Address(
        street=str(raw_address.get("street") or ""),
        house_number=str(raw_address.get("house_number") or ""),
        house_number_addition=str(raw_address.get("house_number_addition") or ""),
        postal_code=str(raw_address.get("postal_code") or ""),
        place=str(raw_address.get("place") or ""),
    )


def _notes_from(data: dict[str, Any]) -> dict[str, str]:
    """The notes without empty texts."""
    notes = data.get("notes") or {}
    if not isinstance(notes, dict):
        raise ValueError("notes must be an object of concept -> text")
    return {str(k): str(v) for k, v in notes.items() if v not in (None, "")}


def demo_statements(
    *, kvk_number: str, legal_name: str, year: int, size: str = "micro", variant: str = ""
) -> FinancialStatements:
    """A consistent, valid example filing for a calendar year (demo data and tests).

    Line items are NT19's: micro's abbreviated balance sheet, klein's balance sheet and a
    profit and loss that starts at the gross margin (art. 2:397 BW), "Categoriaal".
    """
    d = Decimal
    variant = variant or ("micro" if size == "micro" else "klein-publicatiestukken")
    if size == "micro":
        balance: Amounts = {
            "AssetsNoncurrentOther": (d(53250), d(57100)),
            "AssetsNoncurrent": (d(53250), d(57100)),
            "AssetsCurrentOther": (d(66795), d(53680)),
            "AssetsCurrent": (d(66795), d(53680)),
            "Assets": (d(120045), d(110780)),
            "Equity": (d(72045), d(59230)),
            "Provisions": (d(3000), d(2500)),
            "LiabilitiesMaturityExceedingOneYear": (d(25000), d(30000)),
            "LiabilitiesMaturityLessThanOneYear": (d(20000), d(19050)),
            "Liabilities": (d(45000), d(49050)),
            "EquityAndLiabilities": (d(120045), d(110780)),
        }
        profit_loss: Amounts = {
            "NetRevenue": (d(184300), d(171250)),
            "Income": (d(184300), d(171250)),
            "WagesSalaries": (d(121000), d(118400)),
            "DepreciationAmortisationAndDecreaseInValueAssets": (d(9850), d(9500)),
            "OperatingExpensesOther": (d(36420), d(31180)),
            "ExpensesOther": (d(1250), d(1400)),
            "Expenses": (d(168520), d(160480)),
            "ResultBeforeTax": (d(15780), d(10770)),
            "IncomeTaxExpense": (d(2965), d(1695)),
            "ResultAfterTax": (d(12815), d(9075)),
        }
        notes = {
            "AdditionalInformationToArticle395aDisclosure": (
                "De jaarrekening is opgesteld volgens Titel 9 Boek 2 BW (art. 2:395a BW, "
                "micro-entiteit). Activa en passiva worden gewaardeerd tegen nominale "
                "waarde, tenzij anders vermeld."
            )
        }
    else:
        balance = {
            "IntangibleAssets": (d(0), d(0)),
            "PropertyPlantEquipment": (d(48250), d(52100)),
            "FinancialAssets": (d(5000), d(5000)),
            "AssetsNoncurrent": (d(53250), d(57100)),
            "Inventories": (d(12400), d(10950)),
            "Receivables": (d(31780), d(28410)),
            "CashAndCashEquivalents": (d(22615), d(14320)),
            "AssetsCurrent": (d(66795), d(53680)),
            "Assets": (d(120045), d(110780)),
            "ShareCapitalPaidCalledUp": (d(18000), d(18000)),
            "ReservesOther": (d(41230), d(32155)),
            "ResultForTheYear": (d(12815), d(9075)),
            "Equity": (d(72045), d(59230)),
            "Provisions": (d(3000), d(2500)),
            "LiabilitiesNoncurrent": (d(25000), d(30000)),
            "LiabilitiesCurrent": (d(20000), d(19050)),
            "EquityAndLiabilities": (d(120045), d(110780)),
        }
        profit_loss = {
            "GrossMargin": (d(184300), d(171250)),
            "EmployeeBenefitsExpenses": (d(121000), d(118400)),
            "DepreciationPropertyPlantEquipmentAmortisationIntangibleAssets": (
                d(9850),
                d(9500),
            ),
            "OperatingExpensesOther": (d(36420), d(31180)),
            "SumOfExpenses": (d(167270), d(159080)),
            "OperatingResult": (d(17030), d(12170)),
            "FinancialIncomeExpenses": (d(-1250), d(-1400)),
            "ResultBeforeTax": (d(15780), d(10770)),
            "IncomeTaxExpense": (d(2965), d(1695)),
            "ResultAfterTax": (d(12815), d(9075)),
        }
        notes = {
            "AccountingStandardsUsedToPrepareFinancialStatementsDescription": (
                "De jaarrekening is opgesteld volgens Titel 9 Boek 2 BW. Activa en passiva "
                "worden gewaardeerd tegen nominale waarde, tenzij anders vermeld."
            )
        }
    if variant.endswith("publicatiestukken"):
        profit_loss = {}
    # Drawn up and signed in May of the next year, or yesterday if that is still to come
    # (so the accounts can be adopted today: adoption follows the signing, art. 2:101 BW).
    signed_on = min(date(year + 1, 5, 20), date.today() - timedelta(days=1))
    return FinancialStatements(
        kvk_number=kvk_number,
        legal_name=legal_name,
        legal_form=tx.LEGAL_FORM_BV,
        seat="Utrecht",
        address=Address(
            street="Oudegracht", house_number="120", postal_code="3511AX", place="Utrecht"
        ),
        email="administratie@example.nl",
        period_start=date(year, 1, 1),
        period_end=date(year, 12, 31),
        previous_start=date(year - 1, 1, 1),
        previous_end=date(year - 1, 12, 31),
        prepared_on=min(date(year + 1, 5, 15), signed_on),
        size=size,
        variant=variant,
        balance=balance,
        profit_loss=profit_loss,
        signatories=[Signatory(name="J. de Vries", signed_on=signed_on, place="Utrecht")],
        notes=notes,
    )
