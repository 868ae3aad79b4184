"""What changed between two versions of the same annual accounts (a correction).

Both documents are read back into the statements model (``kvk.parser``) and compared
line by line: the amounts of the balance sheet and the profit and loss account for both
years, the notes, and the facts a reader checks first (name, period, adoption, signing).
The captions are the ones the rendered accounts show (``kvk.labels``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils.formats import date_format

from kvk import labels
from kvk.parser import parse_instance
from kvk.render import money
from kvk.statements import FinancialStatements

#: Parts of the accounts, in reading order, with their captions.
PARTS = {
    "nl": {
        "general": "Algemeen",
        "balance": "Balans",
        "profit_loss": "Winst-en-verliesrekening",
        "notes": "Toelichting",
    },
    "en": {
        "general": "General",
        "balance": "Balance sheet",
        "profit_loss": "Profit and loss account",
        "notes": "Notes",
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
        "name": "Naam",
        "period": "Boekjaar",
        "adopted": "Vastgesteld",
        "adoption_date": "Datum vaststelling",
        "signatory": "Ondertekening",
    },
    "en": {
        "current": "current year",
        "previous": "previous year",
        "changed": "text changed",
        "added": "added",
        "removed": "removed",
        "yes": "yes",
        "no": "no",
        "name": "Name",
        "period": "Financial year",
        "adopted": "Adopted",
        "adoption_date": "Date of adoption",
        "signatory": "Signing",
    },
}


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
    found += _general(before, after, lang)
    found += _amounts("balance", before.balance, after.balance, lang)
    found += _amounts("profit_loss", before.profit_loss, after.profit_loss, lang)
    found += _notes(before.notes, after.notes, lang)
    return found


def _change(part: str, label: str, old: str, new: str, lang: str) -> Change:
    return Change(part, PARTS[lang][part], label, old, new)


def _day(value: date | None) -> str:
    """The project's one date format (Django's DATE_FORMAT, config/formats), not one of ours."""
    return date_format(value, "DATE_FORMAT") if value else ""


def _general(old: FinancialStatements, new: FinancialStatements, lang: str) -> list[Change]:
    words = _WORDS[lang]
    rows = [
        (words["name"], old.legal_name, new.legal_name),
        (
            words["period"],
            f"{_day(old.period_start)} – {_day(old.period_end)}",
            f"{_day(new.period_start)} – {_day(new.period_end)}",
        ),
        (
            words["adopted"],
            words["yes"] if old.adopted else words["no"],
            words["yes"] if new.adopted else words["no"],
        ),
        (words["adoption_date"], _day(old.adoption_date), _day(new.adoption_date)),
        (words["signatory"], _signing(old), _signing(new)),
    ]
    return [_change("general", label, a, b, lang) for label, a, b in rows if a != b]


def _signing(st: FinancialStatements) -> str:
    return "; ".join(f"{person.name} {_day(person.signed_on)}".strip() for person in st.signatories)


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
