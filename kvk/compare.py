"""What changed between two versions of the same annual accounts (a correction).

Both documents are read back into the statements model (``kvk.parser``) and compared
fact by fact: what a client approves and a reader of the filed accounts sees. The company
data (name, KvK number, legal form, seat, address, e-mail), the period and size, the
document facts (drawn up on, appropriation, adoption, resubmission), the amounts of the
balance sheet and the profit and loss account for both years, the notes, and each
signatory's function, signature, date, place or reason for not signing. The captions are
the ones the rendered accounts show (``kvk.labels``).

The caller chooses which two documents to compare: the portal compares the documents as
the client's environment sent them, so that an adoption recorded in the portal on an
earlier version (which rewrites that version's document) does not show as a change.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils.formats import date_format

from kvk import labels
from kvk import taxonomy as tx
from kvk.parser import parse_instance
from kvk.render import money
from kvk.statements import Address, FinancialStatements, Signatory

#: Parts of the accounts, in reading order, with their captions.
PARTS = {
    "nl": {
        "general": "Algemeen",
        "balance": "Balans",
        "profit_loss": "Winst-en-verliesrekening",
        "notes": "Toelichting",
        "signing": "Ondertekening",
    },
    "en": {
        "general": "General",
        "balance": "Balance sheet",
        "profit_loss": "Profit and loss account",
        "notes": "Notes",
        "signing": "Signing",
    },
}

_WORDS = {
    "nl": {
        "current": "huidig jaar",
        "previous": "vorig jaar",
        "changed": "tekst gewijzigd",
        "added": "toegevoegd",
        "removed": "verwijderd",
        "yes": "ja",
        "no": "nee",
        "period": "Boekjaar",
        "previous_period": "Vorig boekjaar",
        "adopted": "Vastgesteld",
        "adoption_date": "Datum vaststelling",
        "signatory": "Ondertekenaar",
    },
    "en": {
        "current": "current year",
        "previous": "previous year",
        "changed": "text changed",
        "added": "added",
        "removed": "removed",
        "yes": "yes",
        "no": "no",
        "period": "Financial year",
        "previous_period": "Previous financial year",
        "adopted": "Adopted",
        "adoption_date": "Date of adoption",
        "signatory": "Signatory",
    },
}

#: One fact as a reader sees it: (caption, value).
Fact = tuple[str, str]


@dataclass(frozen=True)
class Change:
    part: str
    part_label: str
    label: str
    before: str
    after: str


def changes(old: bytes, new: bytes, *, language: str = "nl") -> list[Change]:
    """The differences from ``old`` to ``new``, in reading order. Raises ValueError when
    either document cannot be read as a filing."""
    lang = "en" if language.startswith("en") else "nl"
    before = parse_instance(old).statements()
    after = parse_instance(new).statements()
    found: list[Change] = []
    found += _facts("general", _general(before, lang), _general(after, lang), lang)
    found += _amounts("balance", before.balance, after.balance, lang)
    found += _amounts("profit_loss", before.profit_loss, after.profit_loss, lang)
    found += _notes(before.notes, after.notes, lang)
    found += _signing(before.signatories, after.signatories, lang)
    return found


def _change(part: str, label: str, old: str, new: str, lang: str) -> Change:
    return Change(part, PARTS[lang][part], label, old, new)


def _facts(part: str, old: list[Fact], new: list[Fact], lang: str) -> list[Change]:
    """The facts whose value differs; both lists name the same captions in one order."""
    return [
        _change(part, label, a, b, lang)
        for (label, a), (_label, b) in zip(old, new, strict=True)
        if a != b
    ]


def _day(value: date | None) -> str:
    """The project's one date format (Django's DATE_FORMAT, config/formats), not one of ours."""
    return date_format(value, "DATE_FORMAT") if value else ""


def _period(start: date | None, end: date | None) -> str:
    return f"{_day(start)} – {_day(end)}" if start and end else ""


def _yes_no(value: bool, lang: str) -> str:
    return _WORDS[lang]["yes" if value else "no"]


def _address(address: Address | None) -> str:
    if address is None:
        return ""
    number = f"{address.house_number} {address.house_number_addition}".strip()
    return f"{address.street} {number}, {address.postal_code} {address.place}".strip(" ,")


def _general(st: FinancialStatements, lang: str) -> list[Fact]:
    """The company data and the document facts, in the order the rendered accounts show
    them."""
    words = _WORDS[lang]
    texts = labels.TEXTS_EN if lang == "en" else labels.TEXTS_NL
    after = st.appropriation == tx.AFTER_APPROPRIATION
    return [
        (labels.label("LegalEntityName", lang), st.legal_name),
        (labels.label("ChamberOfCommerceRegistrationNumber", lang), st.kvk_number),
        (labels.label("LegalEntityLegalForm", lang), st.legal_form),
        (labels.label("LegalEntityRegisteredOffice", lang), st.seat),
        (texts["address"], _address(st.address)),
        (labels.label("EmailAddressFull", lang), st.email),
        (words["period"], _period(st.period_start, st.period_end)),
        (words["previous_period"], _period(st.previous_start, st.previous_end)),
        (
            labels.label("FinancialReportingPeriodDifferentThanAnnualReasonDescription", lang),
            st.period_deviation_reason,
        ),
        (
            labels.label(
                "FinancialReportingPeriodDifferentThanAnnualImpactComparativesDescription", lang
            ),
            st.period_deviation_impact,
        ),
        (
            labels.label("LegalSizeCriteriaClassificationMicro", lang),
            texts.get(f"size_{st.size}", st.size),
        ),
        (labels.label("FinancialStatementsDateOfPreparation", lang), _day(st.prepared_on)),
        (
            labels.label("BalanceSheetBeforeAfterAppropriationResults", lang),
            texts["after_appropriation" if after else "before_appropriation"],
        ),
        (words["adopted"], _yes_no(st.adopted, lang)),
        (words["adoption_date"], _day(st.adoption_date)),
        (
            labels.label("DocumentResubmissionDueToUnsurmountableInaccuracies", lang),
            _yes_no(st.resubmission, lang),
        ),
        (
            labels.label("DocumentResubmissionDueToUnsurmountableInaccuraciesExplanation", lang),
            st.resubmission_explanation,
        ),
    ]


def _amounts(
    part: str,
    old: dict[str, tuple[Decimal | None, Decimal | None]],
    new: dict[str, tuple[Decimal | None, Decimal | None]],
    lang: str,
) -> list[Change]:
    words = _WORDS[lang]
    found = []
    for concept in [*old, *[name for name in new if name not in old]]:
        before = old.get(concept, (None, None))
        after = new.get(concept, (None, None))
        for slot, year in ((0, words["current"]), (1, words["previous"])):
            if before[slot] != after[slot]:
                caption = f"{labels.label(concept, lang)} ({year})"
                found.append(_change(part, caption, money(before[slot]), money(after[slot]), lang))
    return found


def _notes(old: dict[str, str], new: dict[str, str], lang: str) -> list[Change]:
    words = _WORDS[lang]
    found = []
    for concept in [*old, *[name for name in new if name not in old]]:
        a, b = old.get(concept), new.get(concept)
        if a == b:
            continue
        if a is None:
            text = ("", words["added"])
        elif b is None:
            text = (words["removed"], "")
        else:
            text = ("", words["changed"])
        found.append(_change("notes", labels.label(concept, lang), *text, lang))
    return found


def _signing(old: list[Signatory], new: list[Signatory], lang: str) -> list[Change]:
    """Per signatory, matched by name: what changed in the function, the signature, its
    date and place or the reason for not signing; and who was added or removed."""
    before, after = _by_name(old), _by_name(new)
    words = _WORDS[lang]
    found = []
    for key in [*before, *[key for key in after if key not in before]]:
        a, b = before.get(key), after.get(key)
        if a is not None and b is not None:
            found += _facts("signing", _signatory(a, lang), _signatory(b, lang), lang)
        elif a is not None:
            found.append(_change("signing", words["signatory"], _summary(a, lang), "", lang))
        elif b is not None:
            found.append(_change("signing", words["signatory"], "", _summary(b, lang), lang))
    return found


def _by_name(people: list[Signatory]) -> dict[tuple[str, int], Signatory]:
    """The signatories keyed by name (and which one of that name, should two share it)."""
    seen: Counter[str] = Counter()
    keyed = {}
    for person in people:
        keyed[(person.name, seen[person.name])] = person
        seen[person.name] += 1
    return keyed


def _signatory(person: Signatory, lang: str) -> list[Fact]:
    """What the accounts say of one signatory, each caption followed by the name."""
    functions = labels.DIRECTOR_TYPES_EN if lang == "en" else labels.DIRECTOR_TYPES_NL
    facts = [
        ("DirectorType", functions.get(person.function, person.function)),
        ("DirectorSignedStatus", _yes_no(person.signed, lang)),
        ("SignatureManagingSupervisoryDirectorsDate", _day(person.signed_on)),
        ("SignatureManagingSupervisoryDirectorsLocation", person.place),
        ("DirectorReasonNoSignature", person.reason_not_signed),
    ]
    return [(f"{labels.label(concept, lang)} ({person.name})", value) for concept, value in facts]


def _summary(person: Signatory, lang: str) -> str:
    """One signatory in a line: "J. de Vries, Bestuurder, ondertekend op 20 mei 2025 te
    Utrecht" (the rendered accounts' words)."""
    texts = labels.TEXTS_EN if lang == "en" else labels.TEXTS_NL
    functions = labels.DIRECTOR_TYPES_EN if lang == "en" else labels.DIRECTOR_TYPES_NL
    parts = [person.name, functions.get(person.function, person.function)]
    if person.signed:
        signed = texts["signed_on"] + " " + _day(person.signed_on) if person.signed_on else ""
        place = f"{texts['at']} {person.place}" if person.place else ""
        parts.append(" ".join(filter(None, [signed or texts["signed"], place])))
    else:
        reason = f": {person.reason_not_signed}" if person.reason_not_signed else ""
        parts.append(texts["not_signed"] + reason)
    return ", ".join(parts)
