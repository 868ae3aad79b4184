"""The rules on each fact (FACT): duplicates, empty values, attributes, references,
decimals, dates and formatted text."""

from __future__ import annotations

import functools
import re
from datetime import date

from lxml import etree

from kvk import nt, xhtml
from kvk import taxonomy as tx
from kvk.parser import Fact
from kvk.rules.codes import WARNING
from kvk.rules.contexts import first_contexts, first_units
from kvk.rules.registry import Stage, Subject, rule, run_each
from kvk.rules.report import Emit, Report

MONETARY_DECIMALS = frozenset({"INF", "-9", "-6", "-3", "0", "2"})
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DATE_CONCEPTS = frozenset(c.name for c in nt.concepts().values() if c.is_date)
_FORMATTED_CONCEPTS = frozenset(c.name for c in nt.concepts().values() if c.is_formatted)
#: The numeric XBRL item types (XBRL 2.1 section 5.1.1.3) an NT type may derive from,
#: besides the monetary ones (kvk.nt.Concept.is_monetary).
_NUMERIC_ITEM_TYPES = frozenset(
    f"xbrli:{name}ItemType"
    for name in (
        "decimal", "float", "double", "integer", "nonPositiveInteger", "negativeInteger",
        "long", "int", "short", "byte", "nonNegativeInteger", "unsignedLong", "unsignedInt",
        "unsignedShort", "unsignedByte", "positiveInteger", "shares", "pure", "fraction",
    )
)  # fmt: skip


def run(report: Report, s: Subject) -> None:
    run_each(report, Stage.FACT, s, s.inst.facts)


def _shown(value: str, limit: int = 40) -> str:
    value = value.strip()
    return value if len(value) <= limit else value[: limit - 3] + "..."


def _duplicates(s: Subject) -> dict[int, Fact]:
    """id() of each fact that repeats an earlier one -> the first of them.

    FR-NL-5.01 as Arelle's NL plugin reads it (fr_nl.py, rule_fr_nl_5_01): the same
    concept in an equal context with an equal unit is a duplicate whatever its type, its
    value (consistent or not) and its xml:lang. Equal contexts and units are compared by
    content, through the first id of each content."""
    same_context = s.shared(first_contexts).same_as
    same_unit = s.shared(first_units).same_as
    seen: dict[tuple[str, str | None, str | None], Fact] = {}
    duplicates: dict[int, Fact] = {}
    for fact in s.inst.facts:
        context_ref, unit_ref = fact.context_ref, fact.unit_ref
        key = (
            fact.concept,
            same_context.get(context_ref or "", context_ref),
            same_unit.get(unit_ref, unit_ref) if unit_ref is not None else None,
        )
        first = seen.setdefault(key, fact)
        if first is not fact:
            duplicates[id(fact)] = first
    return duplicates


@rule("FR-NL-5.01", Stage.FACT)
def _unique_fact(emit: Emit, s: Subject, fact: Fact) -> None:
    first = s.shared(_duplicates).get(id(fact))
    if first is None:
        return
    if first.value.strip() == fact.value.strip():
        value_nl, value_en = "met dezelfde waarde", "with the same value"
    else:
        shown = f"{_shown(first.value)!r} en {_shown(fact.value)!r}"
        value_nl = f"met verschillende waarden ({shown})"
        value_en = f"with different values ({shown.replace(' en ', ' and ')})"
    name, context_ref = fact.qname, fact.context_ref
    emit(
        f"Feit {name} in context {context_ref!r} komt dubbel voor, {value_nl} (ook op "
        f"regel {first.line}); laat er één staan.",
        f"Fact {name} in context {context_ref!r} occurs twice, {value_en} (also on "
        f"line {first.line}); keep one.",
        fact.line,
    )


@rule("FR-NL-5.03", Stage.FACT)
def _not_empty(emit: Emit, s: Subject, fact: Fact) -> None:
    if not fact.nil and not fact.value.strip():
        emit(
            f"Feit {fact.qname} is leeg; laat het weg of vul een waarde in.",
            f"Fact {fact.qname} is empty; leave it out or give it a value.",
            fact.line,
        )


@rule("FR-NL-5.06", Stage.FACT)
def _no_precision(emit: Emit, s: Subject, fact: Fact) -> None:
    if fact.precision is not None:
        emit(
            f"Feit {fact.qname} heeft het attribuut precision; gebruik decimals.",
            f"Fact {fact.qname} has a precision attribute; use decimals instead.",
            fact.line,
        )


@rule("FG-NL-09", Stage.FACT)
def _no_fact_id(emit: Emit, s: Subject, fact: Fact) -> None:
    if fact.id is not None:
        emit(
            f"Feit {fact.qname} heeft een id-attribuut ({fact.id!r}); dat is overbodig.",
            f"Fact {fact.qname} has an id attribute ({fact.id!r}); it is not needed.",
            fact.line,
        )


@rule("DEP-REFERENCE", Stage.FACT)
def _context_exists(emit: Emit, s: Subject, fact: Fact) -> None:
    if fact.context_ref not in s.inst.contexts:
        emit(
            f"Feit {fact.qname} verwijst naar context {fact.context_ref!r}, die niet bestaat.",
            f"Fact {fact.qname} refers to context {fact.context_ref!r}, which does not exist.",
            fact.line,
        )


@rule("DEP-REFERENCE", Stage.FACT)
def _unit_exists(emit: Emit, s: Subject, fact: Fact) -> None:
    unit_ref = fact.unit_ref
    if unit_ref is not None and unit_ref not in s.inst.units:
        emit(
            f"Feit {fact.qname} verwijst naar eenheid {unit_ref!r}, die niet bestaat.",
            f"Fact {fact.qname} refers to unit {unit_ref!r}, which does not exist.",
            fact.line,
        )


def _is_numeric(concept: nt.Concept) -> bool:
    """Whether a concept is numeric as XBRL counts it (integers too, unlike
    kvk.nt.Concept.is_numeric)."""
    return concept.is_numeric or any(t in _NUMERIC_ITEM_TYPES for t in concept.base_types)


@functools.cache
def _numeric_kinds(generations: tuple[tx.Generation, ...]) -> dict[str, tuple[bool, bool]]:
    """(monetary, numeric) of every concept of the extract, by its Clark name in each
    generation's namespaces."""
    kinds = {
        concept: (concept.is_monetary, _is_numeric(concept)) for concept in nt.concepts().values()
    }
    result = {}
    for gen in generations:
        namespaces = gen.namespaces
        for concept, kind in kinds.items():
            if concept.prefix in namespaces:
                result[f"{{{namespaces[concept.prefix]}}}{concept.name}"] = kind
    return result


def _known_kinds(s: Subject) -> dict[str, tuple[bool, bool]]:
    return _numeric_kinds(tx.known_generations())


def _kind(s: Subject, fact: Fact) -> tuple[bool, bool]:
    """(monetary, numeric) of a fact, by its concept's type, as Arelle's NL plugin reads
    FR-KVK-5.01 and 5.02 (fr_kvk.py, rule_fr_kvk_5_01 and rule_fr_kvk_5_02). A concept the
    taxonomy does not know (DEP-CONCEPT) is judged by its unit."""
    kind = s.shared(_known_kinds).get(fact.concept)
    if kind is not None:
        return kind
    unit = s.inst.units.get(fact.unit_ref) if fact.unit_ref is not None else None
    return unit is not None and unit.is_currency, fact.unit_ref is not None


@rule("FR-KVK-5.01", Stage.FACT)
def _monetary_decimals(emit: Emit, s: Subject, fact: Fact) -> None:
    """A monetary concept's decimals, whatever its unit."""
    if _kind(s, fact)[0] and fact.decimals not in MONETARY_DECIMALS:
        emit(
            f"Bedrag {fact.qname} heeft decimals={fact.decimals!r}; toegestaan zijn INF, -9, "
            "-6, -3, 0 en 2.",
            f"Amount {fact.qname} has decimals={fact.decimals!r}; allowed are INF, -9, -6, -3, "
            "0 and 2.",
            fact.line,
        )


@rule("FR-KVK-5.02", Stage.FACT)
def _numeric_decimals(emit: Emit, s: Subject, fact: Fact) -> None:
    """Any other numeric concept (decimal, integer, ...) takes INF."""
    monetary, numeric = _kind(s, fact)
    if not monetary and numeric and fact.decimals != "INF":
        emit(
            f"Niet-monetair getal {fact.qname} heeft decimals={fact.decimals!r}; dat moet INF "
            "zijn.",
            f"Non-monetary numeric fact {fact.qname} has decimals={fact.decimals!r}; it must "
            "be INF.",
            fact.line,
        )


def _valid_date(text: str) -> bool:
    if not _ISO_DATE.fullmatch(text):
        return False
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


@rule("BR-KVK-4.20", Stage.FACT)
def _valid_fact_date(emit: Emit, s: Subject, fact: Fact) -> None:
    value = fact.value.strip()
    if fact.unit_ref is not None or fact.local_name not in _DATE_CONCEPTS:
        return
    if value and not _valid_date(value):
        emit(
            f"Feit {fact.qname} heeft {value!r}; dat is geen geldige datum (JJJJ-MM-DD).",
            f"Fact {fact.qname} has {value!r}, which is not a valid date (YYYY-MM-DD).",
            fact.line,
        )


@rule("FR-NL-5.11", Stage.FACT)
def _formatted_text(emit: Emit, s: Subject, fact: Fact) -> None:
    """Markup only in formatted explanations, with the SBR tag set (kvk.xhtml).

    Arelle's NL plugin (fr_nl.py, rule_fr_nl_5_11) warns where we refuse (markup in
    another concept, elements outside the tag set): the rule says MAY ONLY, and the KvK
    refuses such a filing. Like Arelle, a formatted explanation that is no well-formed
    XHTML (an unescaped "&" of plain text) is a warning: the builder escapes plain text.
    """
    formatted = fact.local_name in _FORMATTED_CONCEPTS
    if "<" not in fact.value and not ("&" in fact.value and formatted):
        return
    tags = xhtml.tags(fact.value)
    if not tags:
        if formatted and (error := _xhtml_syntax_error(fact.value)):
            emit(
                f"Toelichting {fact.qname}: onjuist gevormde XHTML: {error}. Schrijf '&' als "
                "'&amp;' en '<' als '&lt;' in de opgemaakte tekst.",
                f"Explanation {fact.qname}: badly formed XHTML: {error}. Write '&' as '&amp;' "
                "and '<' as '&lt;' in the formatted text.",
                fact.line,
                severity=WARNING,
            )
        return
    if not formatted:
        shown = ", ".join(sorted(tags))
        emit(
            f"Feit {fact.qname} bevat opmaak (XHTML: {shown}); dat mag alleen in "
            "toelichtingen van het type formattedExplanationItemType.",
            f"Fact {fact.qname} contains formatting (XHTML: {shown}); that is only allowed "
            "in explanations of type formattedExplanationItemType.",
            fact.line,
        )
        return
    for severity, nl, en in xhtml.formatted_text_problems(fact.value):
        emit(
            f"Toelichting {fact.qname}: {nl}",
            f"Explanation {fact.qname}: {en}",
            fact.line,
            severity=severity,
        )


def _xhtml_syntax_error(text: str) -> str | None:
    """Why a formatted text is not a well-formed XHTML fragment; None when it is."""
    try:
        xhtml.fragment(text)
    except etree.XMLSyntaxError as exc:
        return str(exc.msg)
    return None
