"""The rules on the parsed document as a whole: its language, its schemaRef (the entry
point) and the order of its parts (ROOT), its namespaced attributes (ATTRIBUTE), and its
elements and namespace declarations (DOCUMENT); FR-NL-1.02 on fact values after character
references are resolved (CHARACTER_REFERENCES)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from lxml import etree

from kvk import taxonomy as tx
from kvk.rules.file import BAD_CHAR
from kvk.rules.registry import Stage, Subject, rule, run_each, run_once
from kvk.rules.report import Emit, Report

_LANGUAGES = frozenset({"nl", "en", "de", "fr"})
_ORDER_NAMES = (
    "link:schemaRef",
    "link:linkbaseRef",
    "link:roleRef",
    "link:arcroleRef",
    "xbrli:context",
    "xbrli:unit",
    "fact",
)
_ORDER = {
    f"{{{tx.LINK if name.startswith('link:') else tx.XBRLI}}}{name.partition(':')[2]}": i
    for i, name in enumerate(_ORDER_NAMES[:-1])
}
_NAMESPACED_ATTRIBUTES = etree.XPath("//@*[namespace-uri() != '']")
_XSI_NIL = f"{{{tx.XSI}}}nil"
_XML_LANG = f"{{{tx.XML_NS}}}lang"


def run(report: Report, s: Subject) -> None:
    run_once(report, Stage.ROOT, s)
    run_each(report, Stage.ATTRIBUTE, s, s.shared(_namespaced_attributes))
    run_once(report, Stage.DOCUMENT, s)


# --- the root ----------------------------------------------------------------------------
@rule("FR-NL-2.03", Stage.ROOT)
def _language_given(emit: Emit, s: Subject) -> None:
    if not s.inst.language:
        emit(
            'Het hoofdelement xbrli:xbrl mist het attribuut xml:lang (bijv. xml:lang="nl").',
            'The root element xbrli:xbrl lacks the xml:lang attribute (e.g. xml:lang="nl").',
            s.inst.root.sourceline,
        )


@rule("FR-KVK-2.01", Stage.ROOT)
def _language_allowed(emit: Emit, s: Subject) -> None:
    """The root's xml:lang is nl, en, de or fr. Without the attribute, Arelle's NL plugin
    (fr_kvk.py) reports this code beside FR-NL-2.03; the message then says which
    languages the KvK takes instead of quoting an empty value that is not there."""
    lang = s.inst.language
    if lang in _LANGUAGES:
        return
    if s.inst.root.get(_XML_LANG) is None:
        emit(
            "Het hoofdelement xbrli:xbrl heeft geen xml:lang; de KvK neemt als taal van het "
            'document alleen nl, en, de of fr aan (bijv. xml:lang="nl").',
            "The root element xbrli:xbrl has no xml:lang; the KvK accepts only nl, en, de or "
            'fr as the document language (e.g. xml:lang="nl").',
            s.inst.root.sourceline,
        )
    else:
        emit(
            f"De taal xml:lang={lang!r} van het document is niet toegestaan; kies nl, en, de "
            "of fr.",
            f"The document language xml:lang={lang!r} is not allowed; use nl, en, de or fr.",
            s.inst.root.sourceline,
        )


@rule("FR-NL-2.04", Stage.ROOT)
def _one_schema_ref(emit: Emit, s: Subject) -> None:
    n_refs = len(s.inst.schema_refs)
    if n_refs != 1:
        emit(
            f"Het document heeft {n_refs} link:schemaRef-elementen; er moet er precies één zijn.",
            f"The document has {n_refs} link:schemaRef elements; it must have exactly one.",
            s.inst.root.sourceline,
        )


@dataclass(frozen=True)
class _EntryPoint:
    """The schemaRef's entry point: its generation (None when the URL is no KvK entry
    point), its name when it is a known KvK entry point, and whether the KvK accepts it on
    the filing date."""

    url: str
    line: int | None
    generation: tx.Generation | None
    name: str | None
    accepted: bool


def _entry_point(s: Subject) -> _EntryPoint | None:
    """The schemaRef's entry point; None without a schemaRef (FR-NL-2.04)."""
    inst = s.inst
    if not inst.schema_refs:
        return None
    url = inst.schema_ref
    found = tx.lookup_entry_point(url) or tx.lookup_other_entry_point(url)
    gen = found[0] if found else tx.entry_point_generation(url)
    return _EntryPoint(
        url=url,
        line=inst.root[0].sourceline if len(inst.root) else inst.root.sourceline,
        generation=gen,
        name=found[1] if found else None,
        accepted=bool(found and gen is not None and gen.accepted_on(s.filing_date)),
    )


@rule("FR-KVK-2.03", Stage.ROOT)
def _accepted_entry_point(emit: Emit, s: Subject) -> None:
    """The schemaRef is the full published URL of a KvK entry point of a generation the
    KvK accepts on the filing date (kvk.taxonomy.accepted_generations: in production, not
    retired)."""
    ep = s.shared(_entry_point)
    if ep is None or ep.accepted:
        return
    accepted = tx.accepted_generations(s.filing_date)
    names_nl = ", ".join(g.label for g in accepted) or "geen enkele taxonomie"
    names_en = ", ".join(g.label for g in accepted) or "no taxonomy"
    gen = ep.generation
    if gen is None:
        emit(
            f"De schemaRef {ep.url!r} is geen volledig gepubliceerde URL van een "
            f"KvK-entrypoint in een geaccepteerde taxonomie ({names_nl}).",
            f"The schemaRef {ep.url!r} is not the full published URL of a KvK entry point in "
            f"an accepted taxonomy ({names_en}).",
            ep.line,
        )
        return
    when_nl, when_en = _not_accepted(gen, s.filing_date)
    advice_nl, advice_en = generation_advice(s.inst.financial_year, s.filing_date)
    emit(
        f"De schemaRef {ep.url!r} hoort bij taxonomie {gen.label}, {when_nl}; op "
        f"{s.filing_date} accepteert de KvK {names_nl}.{advice_nl}",
        f"The schemaRef {ep.url!r} belongs to taxonomy {gen.label}, {when_en}; on "
        f"{s.filing_date} the KvK accepts {names_en}.{advice_en}",
        ep.line,
    )


def _not_accepted(gen: tx.Generation, filing_date: date) -> tuple[str, str]:
    """Why the KvK does not accept a generation on the filing date, as a relative clause."""
    if gen.retired_from is not None and gen.retired_from <= filing_date:
        return (
            f"die de KvK sinds {gen.retired_from} niet meer accepteert",
            f"which the KvK no longer accepts since {gen.retired_from}",
        )
    if gen.in_production_from is not None and filing_date < gen.in_production_from:
        return (
            f"die de KvK pas vanaf {gen.in_production_from} accepteert",
            f"which the KvK accepts only from {gen.in_production_from}",
        )
    if gen in tx.EARLIER_GENERATIONS:
        return "die de KvK niet meer accepteert", "which the KvK no longer accepts"
    return "die de KvK nog niet accepteert", "which the KvK does not accept yet"


@rule("DEP-ENTRYPOINT-UNSUPPORTED", Stage.ROOT)
def _supported_entry_point(emit: Emit, s: Subject) -> None:
    """A valid KvK entry point this product does not support (middelgroot, groot, ...):
    the KvK would take it, this product cannot check or file it (not FR-KVK-2.03)."""
    ep = s.shared(_entry_point)
    if ep is None or not ep.accepted or ep.name in tx.VARIANTS:
        return
    label = ep.generation.label if ep.generation else ""
    emit(
        f"De schemaRef verwijst naar het KvK-entrypoint {ep.name} ({label}). Dat is "
        "een geldig entrypoint, maar deze toepassing ondersteunt alleen de entrypoints "
        "voor micro en klein; deponeer deze jaarrekening op een andere manier.",
        f"The schemaRef names the KvK entry point {ep.name} ({label}). It is a valid "
        "entry point, but this product supports only the micro and small entry points; "
        "file these accounts another way.",
        ep.line,
    )


def generation_advice(financial_year: int | None, filing_date: date) -> tuple[str, str]:
    """What to file a financial year with on the filing date (kvk.taxonomy.
    accepted_generation_for_year), as a sentence to add to a finding; ("", "") when the
    year is not known."""
    if financial_year is None:
        return "", ""
    right = tx.accepted_generation_for_year(financial_year, filing_date)
    if right is not None:
        return (
            f" Maak het document opnieuw met {right.label} (boekjaar {financial_year}).",
            f" Build the document again with {right.label} (financial year {financial_year}).",
        )
    return (
        f" Voor boekjaar {financial_year} accepteert de KvK op {filing_date} geen taxonomie "
        "meer: de geaccepteerde gelden pas voor latere boekjaren. Vraag de KvK hoe deze "
        "jaarrekening nog gedeponeerd kan worden.",
        f" For financial year {financial_year} the KvK accepts no taxonomy on {filing_date}: "
        "the accepted ones apply to later financial years only. Ask the KvK how these "
        "accounts can still be filed.",
    )


def _rank(tag: str) -> int | None:
    """The place of one of the root's children in FG-NL-04's order; None for another
    element of the link or xbrli namespace, which has no place."""
    rank = _ORDER.get(tag)
    if rank is None and not tag.startswith((f"{{{tx.LINK}}}", f"{{{tx.XBRLI}}}")):
        return len(_ORDER_NAMES) - 1  # a fact
    return rank


@rule("FG-NL-04", Stage.ROOT)
def _order(emit: Emit, s: Subject) -> None:
    """Referents before references, in the order schemaRef, linkbaseRef, roleRef,
    arcroleRef, context, unit, facts (the root's children only)."""
    rank = 0
    rank_name = _ORDER_NAMES[0]
    for el in s.inst.root:
        el_rank = _rank(el.tag) if isinstance(el.tag, str) else None
        if el_rank is None:
            continue
        if el_rank < rank:
            name = _ORDER_NAMES[el_rank]
            emit(
                f"Regel {el.sourceline}: {name} staat na {rank_name}; houd de volgorde "
                "schemaRef, linkbaseRef, roleRef, arcroleRef, contexten, eenheden, feiten aan.",
                f"Line {el.sourceline}: {name} comes after {rank_name}; keep the order "
                "schemaRef, linkbaseRef, roleRef, arcroleRef, contexts, units, facts.",
                el.sourceline,
            )
        elif el_rank > rank:
            rank, rank_name = el_rank, _ORDER_NAMES[el_rank]


# --- the namespaced attributes -------------------------------------------------------------
def _namespaced_attributes(s: Subject) -> list[etree._ElementUnicodeResult]:
    """A C-level search for the rare attributes the rules look at: per-element Python
    work is what makes a large instance slow."""
    result: list[etree._ElementUnicodeResult] = _NAMESPACED_ATTRIBUTES(s.inst.root)
    return result


@rule("FR-NL-2.07", Stage.ATTRIBUTE)
def _no_nil(emit: Emit, s: Subject, attr: etree._ElementUnicodeResult) -> None:
    if attr.attrname == _XSI_NIL:
        el = attr.getparent()
        emit(
            f"Regel {el.sourceline}: xsi:nil is niet toegestaan; laat het feit weg.",
            f"Line {el.sourceline}: xsi:nil is not allowed; leave the fact out.",
            el.sourceline,
        )


@rule("FR-KVK-2.02", Stage.ATTRIBUTE)
def _one_language(emit: Emit, s: Subject, attr: etree._ElementUnicodeResult) -> None:
    el = attr.getparent()
    lang = s.inst.language
    if attr.attrname == _XML_LANG and el is not s.inst.root and str(attr) != lang:
        emit(
            f"Regel {el.sourceline}: xml:lang={str(attr)!r} wijkt af van de taal van het "
            f"document ({lang!r}); gebruik één taal.",
            f"Line {el.sourceline}: xml:lang={str(attr)!r} differs from the document "
            f"language ({lang!r}); use one language throughout.",
            el.sourceline,
        )


# --- the whole document ----------------------------------------------------------------------
@rule("FR-NL-2.05", Stage.DOCUMENT)
def _no_linkbase_ref(emit: Emit, s: Subject) -> None:
    for el in s.inst.root.iter(f"{{{tx.LINK}}}linkbaseRef"):
        emit(
            f"Regel {el.sourceline}: link:linkbaseRef is niet toegestaan in een instance.",
            f"Line {el.sourceline}: link:linkbaseRef is not allowed in an instance.",
            el.sourceline,
        )


@rule("FR-NL-6.01", Stage.DOCUMENT)
def _no_footnotes(emit: Emit, s: Subject) -> None:
    for el in s.inst.root.iter(f"{{{tx.LINK}}}footnoteLink", f"{{{tx.LINK}}}footnote"):
        emit(
            f"Regel {el.sourceline}: voetnoten (link:footnoteLink) zijn niet toegestaan.",
            f"Line {el.sourceline}: footnotes (link:footnoteLink) are not allowed.",
            el.sourceline,
        )


@dataclass
class _Namespaces:
    """The namespaces the document uses, and the prefixes it gives recommended namespaces
    other than the recommended ones ((namespace, prefix) -> line, first seen first)."""

    recommended: Mapping[str, str]
    used: set[str] = field(default_factory=set)
    bad_prefix: dict[tuple[str, str], int | None] = field(default_factory=dict)

    def prefixed(self, ns: str, prefix: str | None, line: int | None) -> None:
        if ns in self.recommended and prefix and self.recommended[ns] != prefix:
            self.bad_prefix.setdefault((ns, prefix), line)

    def qname(self, value: str) -> None:
        """A resolved QName value (a dimension, member or measure)."""
        if value.startswith("{"):
            self.used.add(value[1 : value.find("}")])


def _namespaces(s: Subject) -> _Namespaces:
    root = s.inst.root
    found = _Namespaces(tx.recommended_prefixes())
    # Prefixes are declared once for a document in practice: the first element with a
    # name stands for the others.
    first_of_tag: dict[object, etree._Element] = {}
    for el in root.iter():
        first_of_tag.setdefault(el.tag, el)
    for tag, first in first_of_tag.items():
        if isinstance(tag, str):
            ns = tag[1 : tag.index("}")] if tag[0] == "{" else ""
            found.used.add(ns)
            found.prefixed(ns, first.prefix, first.sourceline)
    for prefix, ns in root.nsmap.items():
        found.prefixed(ns, prefix, root.sourceline)
    for attr in s.shared(_namespaced_attributes):
        name = attr.attrname
        found.used.add(name[1 : name.index("}")])
    _qname_values(s, found)
    return found


def _qname_values(s: Subject, found: _Namespaces) -> None:
    """The namespaces of QName values (dimensions, members, measures), which the parser
    resolved."""
    for ctx in s.inst.context_list:
        for dimension, member in ctx.dimensions:
            found.qname(dimension)
            found.qname(member)
    for unit in s.inst.unit_list:
        for measure in unit.measures:
            found.qname(measure.lstrip("/"))


@rule("FG-NL-03", Stage.DOCUMENT)
def _recommended_prefixes(emit: Emit, s: Subject) -> None:
    namespaces = s.shared(_namespaces)
    for (ns, prefix), line in namespaces.bad_prefix.items():
        wanted = namespaces.recommended[ns]
        emit(
            f"Namespace {ns} heeft voorvoegsel {prefix!r}; aanbevolen is {wanted!r}.",
            f"Namespace {ns} uses prefix {prefix!r}; the recommended prefix is {wanted!r}.",
            line,
        )


@rule("FG-NL-05", Stage.DOCUMENT)
def _used_namespaces(emit: Emit, s: Subject) -> None:
    used = s.shared(_namespaces).used
    for prefix, ns in s.inst.root.nsmap.items():
        if ns not in used and ns != tx.XML_NS:
            emit(
                f"De namespace-declaratie {prefix or '(default)'}={ns} wordt niet gebruikt; "
                "verwijder haar.",
                f"The namespace declaration {prefix or '(default)'}={ns} is not used; remove it.",
                s.inst.root.sourceline,
            )


# --- fact values -------------------------------------------------------------------------------
@rule("FR-NL-1.02", Stage.CHARACTER_REFERENCES)
def _referenced_characters(emit: Emit, s: Subject) -> None:
    """FR-NL-1.02 on fact values after character references are resolved."""
    for fact in s.inst.facts:
        bad = BAD_CHAR.search(fact.value)
        if bad:
            char = bad.group()
            emit(
                f"Feit {fact.qname} bevat via een tekenverwijzing het teken "
                f"U+{ord(char):04X}, dat niet is toegestaan.",
                f"Fact {fact.qname} contains, through a character reference, the character "
                f"U+{ord(char):04X}, which is not allowed.",
                fact.line,
            )
