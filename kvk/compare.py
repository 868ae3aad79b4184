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
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kvk import labels
from kvk import taxonomy as tx
from kvk.i18n import interface_language, speaking
from kvk.parser import parse_instance
from kvk.render import money
from kvk.statements import Address, FinancialStatements, Signatory

#: Parts of the accounts, in reading order, with their captions (gettext: Dutch msgids).
PARTS = {
    "general": gettext_lazy("Algemeen"),
    "balance": gettext_lazy("Balans"),
    "profit_loss": gettext_lazy("Winst-en-verliesrekening"),
    "notes": gettext_lazy("Toelichting"),
    "signing": gettext_lazy("Ondertekening"),
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


def changes(old: bytes, new: bytes, *, language: str | None = None) -> list[Change]:
    """The differences from ``old`` to ``new``, in reading order, in the active language or
    in ``language`` ("nl", "en") when given. Raises ValueError when either document cannot
    be read as a filing."""
    before = parse_instance(old).statements()
    after = parse_instance(new).statements()
    with speaking(language):
        found: list[Change] = []
        found += _facts("general", _general(before), _general(after))
        found += _amounts("balance", before.balance, after.balance)
        found += _amounts("profit_loss", before.profit_loss, after.profit_loss)
        found += _notes(before.notes, after.notes)
        found += _signing(before.signatories, after.signatories)
        return found


def _change(part: str, label: str, old: str, new: str) -> Change:
    return Change(part, str(PARTS[part]), label, old, new)


def _facts(part: str, old: list[Fact], new: list[Fact]) -> list[Change]:
    """The facts whose value differs; both lists name the same captions in one order."""
    return [
        _change(part, label, a, b)
        for (label, a), (_label, b) in zip(old, new, strict=True)
        if a != b
    ]


def _day(value: date | None) -> str:
    """The project's one date format (Django's DATE_FORMAT, config/formats), not one of ours."""
    return date_format(value, "DATE_FORMAT") if value else ""


def _period(start: date | None, end: date | None) -> str:
    return f"{_day(start)} – {_day(end)}" if start and end else ""


def _yes_no(value: bool) -> str:
    return _("ja") if value else _("nee")


def _address(address: Address | None) -> str:
    if address is None:
        return ""
    number = f"{address.house_number} {address.house_number_addition}".strip()
    return f"{address.street} {number}, {address.postal_code} {address.place}".strip(" ,")


def _general(st: FinancialStatements) -> list[Fact]:
    """The company data and the document facts, in the order the rendered accounts show
    them: the captions of the rendered accounts (kvk.labels) in the active language, the
    legal form as people read it (tx.caption), not the value the document carries."""
    lang = interface_language()
    texts = labels.TEXTS_EN if lang == "en" else labels.TEXTS_NL
    after = st.appropriation == tx.AFTER_APPROPRIATION

    def label(concept: str) -> str:
        return labels.label(concept, lang)

    return [
        (label("LegalEntityName"), st.legal_name),
        (label("ChamberOfCommerceRegistrationNumber"), st.kvk_number),
        (label("LegalEntityLegalForm"), str(tx.caption(st.legal_form))),
        (label("LegalEntityRegisteredOffice"), st.seat),
        (texts["address"], _address(st.address)),
        (label("EmailAddressFull"), st.email),
        (_("Boekjaar"), _period(st.period_start, st.period_end)),
        (_("Vorig boekjaar"), _period(st.previous_start, st.previous_end)),
        (
            label("FinancialReportingPeriodDifferentThanAnnualReasonDescription"),
            st.period_deviation_reason,
        ),
        (
            label("FinancialReportingPeriodDifferentThanAnnualImpactComparativesDescription"),
            st.period_deviation_impact,
        ),
        (label("LegalSizeCriteriaClassificationMicro"), texts.get(f"size_{st.size}", st.size)),
        (label("FinancialStatementsDateOfPreparation"), _day(st.prepared_on)),
        (
            label("BalanceSheetBeforeAfterAppropriationResults"),
            texts["after_appropriation" if after else "before_appropriation"],
        ),
        (_("Vastgesteld"), _yes_no(st.adopted)),
        (_("Datum vaststelling"), _day(st.adoption_date)),
        (
            label("DocumentResubmissionDueToUnsurmountableInaccuracies"),
            _yes_no(st.resubmission),
        ),
        (
            label("DocumentResubmissionDueToUnsurmountableInaccuraciesExplanation"),
            st.resubmission_explanation,
        ),
    ]


def _amounts(
    part: str,
    old: dict[str, tuple[Decimal | None, Decimal | None]],
    new: dict[str, tuple[Decimal | None, Decimal | None]],
) -> list[Change]:
    lang = interface_language()
    years = ((0, _("huidig jaar")), (1, _("vorig jaar")))
    found = []
    for concept in [*old, *[name for name in new if name not in old]]:
        before = old.get(concept, (None, None))
        after = new.get(concept, (None, None))
        for slot, year in years:
            if before[slot] != after[slot]:
                caption = f"{labels.label(concept, lang)} ({year})"
                found.append(_change(part, caption, money(before[slot]), money(after[slot])))
    return found


def _notes(old: dict[str, str], new: dict[str, str]) -> list[Change]:
    lang = interface_language()
    found = []
    for concept in [*old, *[name for name in new if name not in old]]:
        a, b = old.get(concept), new.get(concept)
        if a == b:
            continue
        if a is None:
            text = ("", _("toegevoegd"))
        elif b is None:
            text = (_("verwijderd"), "")
        else:
            text = ("", _("tekst gewijzigd"))
        found.append(_change("notes", labels.label(concept, lang), *text))
    return found


def _signing(old: list[Signatory], new: list[Signatory]) -> list[Change]:
    """Per signatory, matched by name: what changed in the function, the signature, its
    date and place or the reason for not signing; and who was added or removed."""
    before, after = _by_name(old), _by_name(new)
    found = []
    for key in [*before, *[key for key in after if key not in before]]:
        a, b = before.get(key), after.get(key)
        if a is not None and b is not None:
            found += _facts("signing", _signatory(a), _signatory(b))
        elif a is not None:
            found.append(_change("signing", _("Ondertekenaar"), _summary(a), ""))
        elif b is not None:
            found.append(_change("signing", _("Ondertekenaar"), "", _summary(b)))
    return found


def _by_name(people: list[Signatory]) -> dict[tuple[str, int], Signatory]:
    """The signatories keyed by name (and which one of that name, should two share it)."""
    seen: Counter[str] = Counter()
    keyed = {}
    for person in people:
        keyed[(person.name, seen[person.name])] = person
        seen[person.name] += 1
    return keyed


def _function(person: Signatory, lang: str) -> str:
    """The signatory's function in the rendered accounts' words ("Bestuurder")."""
    functions = labels.DIRECTOR_TYPES_EN if lang == "en" else labels.DIRECTOR_TYPES_NL
    return functions.get(person.function, person.function)


def _signatory(person: Signatory) -> list[Fact]:
    """What the accounts say of one signatory, each caption followed by the name."""
    lang = interface_language()
    facts = [
        ("DirectorType", _function(person, lang)),
        ("DirectorSignedStatus", _yes_no(person.signed)),
        ("SignatureManagingSupervisoryDirectorsDate", _day(person.signed_on)),
        ("SignatureManagingSupervisoryDirectorsLocation", person.place),
        ("DirectorReasonNoSignature", person.reason_not_signed),
    ]
    return [(f"{labels.label(concept, lang)} ({person.name})", value) for concept, value in facts]


def _summary(person: Signatory) -> str:
    """One signatory in a line: "J. de Vries, Bestuurder, ondertekend op 20 mei 2025 te
    Utrecht" (the rendered accounts' words)."""
    lang = interface_language()
    texts = labels.TEXTS_EN if lang == "en" else labels.TEXTS_NL
    parts = [person.name, _function(person, lang)]
    if person.signed:
        signed = texts["signed_on"] + " " + _day(person.signed_on) if person.signed_on else ""
        place = f"{texts['at']} {person.place}" if person.place else ""
        parts.append(" ".join(filter(None, [signed or texts["signed"], place])))
    else:
        reason = f": {person.reason_not_signed}" if person.reason_not_signed else ""
        parts.append(texts["not_signed"] + reason)
    return ", ".join(parts)
