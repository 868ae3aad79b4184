"""Every fact the product builds is one the official NT19 taxonomy allows.

The reference is the extract of the official NT19 files in ``kvk/nt19/`` (kvk, jenv and rj
20241211, sbr 20240301; each record names the official file it was read from), read
through ``kvk.nt``: the concepts of each entry point's roles, the closed hypercubes of
those roles with their axes and usable members, the typed member element, the types with
their enumerations, lengths and patterns, and the period types.

The checker below reads a built instance with plain lxml and compares each fact with the
extract on its own; it shares nothing with ``kvk.builder``, so a builder that picks a
wrong concept, namespace, member or value cannot also make the check pass.
"""

from __future__ import annotations

import copy
import json
import re
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pytest
from lxml import etree

from kvk import labels, nt
from kvk import taxonomy as tx
from kvk.builder import build_instance
from kvk.statements import FinancialStatements, demo_statements

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"
EXAMPLE_FILES = sorted(EXAMPLES.glob("*.json"))
XBRLI = "http://www.xbrl.org/2003/instance"
XBRLDI = "http://xbrl.org/2006/xbrldi"
LINK = "http://www.xbrl.org/2003/linkbase"
ISO4217 = "http://www.xbrl.org/2003/iso4217"
XS_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _statements(source: str) -> FinancialStatements:
    """An example file of docs/examples, or "demo:<variant>" for the demo statements."""
    if source.startswith("demo:"):
        variant = source.partition(":")[2]
        size = tx.size_of_variant(variant) or ""
        return demo_statements(
            kvk_number="12345678", legal_name="Demo B.V.", year=2024, size=size, variant=variant
        )
    return FinancialStatements.from_dict(json.loads((EXAMPLES / source).read_text("utf-8")))


SOURCES = [p.name for p in EXAMPLE_FILES] + [f"demo:{v}" for v in tx.BUILDABLE_VARIANTS]


# --- the checker --------------------------------------------------------------------------
def _clark(element: etree._Element, text: str) -> etree.QName:
    """A QName written in the instance (prefix:Name), resolved with the element's
    in-scope namespaces."""
    prefix, _, local = text.strip().rpartition(":")
    return etree.QName(element.nsmap.get(prefix or None), local)


def _qname(element: etree._Element, text: str, prefixes: dict[str, str]) -> str:
    """A QName written in the instance as the extract names it (prefix:Name, with the
    extract's prefix for that namespace)."""
    name = _clark(element, text)
    return f"{prefixes.get(name.namespace or '', name.namespace)}:{name.localname}"


def _value_problem(concept: nt.Concept, fact: etree._Element, units: dict[str, str]) -> str:
    value = fact.text or ""
    if concept.is_numeric:
        unit = fact.get("unitRef")
        if unit not in units:
            return f"has no unit (unitRef={unit!r})"
        try:
            number = Decimal(value)
        except InvalidOperation:
            return f"value {value!r} is not a number"
        if concept.is_monetary:
            if units[unit] != f"{{{ISO4217}}}EUR":
                return f"monetary fact in unit {units[unit]}, not iso4217:EUR"
            if number != number.to_integral_value():
                return f"monetary value {value!r} is not whole euros ({concept.type})"
        if fact.get("decimals") is None and fact.get("precision") is None:
            return "numeric fact without decimals"
        return ""
    if fact.get("unitRef") is not None:
        return "a non-numeric fact has a unit"
    if concept.is_date:
        if not XS_DATE.fullmatch(value):
            return f"value {value!r} is not an xs:date"
        try:
            date.fromisoformat(value)
        except ValueError:
            return f"value {value!r} is not a date"
        return ""
    facets = nt.type_facets(concept.type)
    enumeration = facets.get("enumeration")
    if enumeration and value not in enumeration:
        return f"value {value!r} is not in the value list of {concept.type}"
    if not value.strip():
        return "empty value"
    if "length" in facets and len(value) != int(facets["length"]):
        return f"value {value!r} is not {facets['length']} characters ({concept.type})"
    if len(value) < int(facets.get("minLength", 0)):
        return f"value {value!r} is shorter than {facets['minLength']} ({concept.type})"
    if len(value) > int(facets.get("maxLength", len(value))):
        return f"value of {len(value)} characters, more than {facets['maxLength']} ({concept.type})"
    if "pattern" in facets and not re.fullmatch(facets["pattern"], value):
        return f"value {value!r} does not match {facets['pattern']} ({concept.type})"
    return ""


def _context_problems(context, axes_given, concept, ep, qname):  # type: ignore[no-untyped-def]
    period = context.find(f"{{{XBRLI}}}period")
    is_instant = period is not None and period.find(f"{{{XBRLI}}}instant") is not None
    period_type = "instant" if is_instant else "duration"
    problems = []
    if period_type != concept.period_type:
        problems.append(f"its context is {period_type}, the concept is {concept.period_type}")
    if context.find(f"{{{XBRLI}}}entity/{{{XBRLI}}}segment") is not None:
        problems.append("its context has a segment (NT19's hypercubes are on the scenario)")
    fits = []
    for role in ep.roles_of(qname):
        if {a.qname for a in role.axes} != set(axes_given):
            fits.append(f"{role.short}: axes {sorted(a.qname for a in role.axes)}")
            continue
        wrong = []
        for axis in role.axes:
            kind, member = axes_given[axis.qname]
            if axis.is_typed:
                if kind != "typed" or member[0] != axis.typed_member:
                    wrong.append(f"{axis.qname} needs typed member {axis.typed_member}")
                elif not 1 <= len(member[1]) <= 255:
                    wrong.append(f"{axis.qname} typed value of {len(member[1])} characters")
            elif kind != "explicit" or member not in axis.members:
                wrong.append(f"{axis.qname}={member} (usable: {sorted(axis.members)})")
        if not wrong:
            return problems
        fits.append(f"{role.short}: {'; '.join(wrong)}")
    problems.append(
        f"dimensions {sorted(axes_given)} fit no role of the concept ({' | '.join(fits)})"
    )
    return problems


def fact_problems(content: bytes, variant: str) -> list[str]:
    """What the NT19 extract says against each fact of an instance of an entry point."""
    root = etree.fromstring(content)
    href = root.find(f"{{{LINK}}}schemaRef").get("{http://www.w3.org/1999/xlink}href")
    found = tx.lookup_entry_point(href)
    if found is None or found[1] != variant:
        return [f"schemaRef {href} is not the {variant} entry point of a known generation"]
    generation = found[0]
    prefixes = {uri: prefix for prefix, uri in generation.namespaces.items()}
    ep = nt.entry_point(variant)
    contexts = {c.get("id"): c for c in root.iter(f"{{{XBRLI}}}context")}
    units = {
        unit.get("id"): _clark(measure, measure.text or "").text
        for unit in root.iter(f"{{{XBRLI}}}unit")
        for measure in unit.iter(f"{{{XBRLI}}}measure")
    }
    problems = []
    for fact in root:
        if not isinstance(fact.tag, str):
            continue
        name = etree.QName(fact)
        if name.namespace in (XBRLI, LINK):
            continue
        prefix = prefixes.get(name.namespace or "")
        context_id = fact.get("contextRef")
        where = f"fact {prefix or name.namespace}:{name.localname} (context {context_id})"
        qname = f"{prefix}:{name.localname}"
        if prefix is None or qname not in ep.concepts:
            problems.append(f"{where}: not a concept of the {variant} entry point in NT19")
            continue
        concept = nt.concept(qname)
        context = contexts.get(context_id)
        if context is None:
            problems.append(f"{where}: its context does not exist")
            continue
        axes_given: dict[str, tuple[str, object]] = {}
        for member in context.iter(f"{{{XBRLDI}}}explicitMember"):
            axis = _qname(member, member.get("dimension", ""), prefixes)
            axes_given[axis] = ("explicit", _qname(member, member.text or "", prefixes))
        for member in context.iter(f"{{{XBRLDI}}}typedMember"):
            axis = _qname(member, member.get("dimension", ""), prefixes)
            children = list(member)
            element = etree.QName(children[0]) if len(children) == 1 else None
            typed = (
                (f"{prefixes.get(element.namespace or '')}:{element.localname}",
                 children[0].text or "")
                if element is not None
                else ("", "")
            )  # fmt: skip
            axes_given[axis] = ("typed", typed)
        for problem in _context_problems(context, axes_given, concept, ep, qname):
            problems.append(f"{where}: {problem}")
        problem = _value_problem(concept, fact, units)
        if problem:
            problems.append(f"{where}: {problem}")
    return problems


# --- every variant and situation --------------------------------------------------------
def test_the_examples_cover_every_buildable_variant_and_situation():
    examples = [_statements(p.name) for p in EXAMPLE_FILES]
    assert {st.variant for st in examples} == set(tx.BUILDABLE_VARIANTS)
    assert any(st.period_start.month != 1 for st in examples)  # non-calendar year
    assert any(not st.has_comparatives for st in examples)  # first year
    assert any(st.adopted for st in examples) and any(not st.adopted for st in examples)
    assert any(st.resubmission for st in examples)
    assert any(st.language == "en" for st in examples)
    assert any(
        {s.supervisory for s in st.signatories} == {True, False}
        and any(not s.signed for s in st.signatories)
        for st in examples
    )
    notes = [text for st in examples for text in st.notes.values()]
    assert any("<p>" in text for text in notes)
    assert any("&" in text and "<" in text and "<p>" not in text for text in notes)


@pytest.mark.parametrize("source", SOURCES)
def test_no_concept_dimension_or_value_outside_the_extract(source):
    st = _statements(source)
    content = build_instance(st)
    assert fact_problems(content, st.variant) == []
    # the check looked at facts of every kind the instance has
    root = etree.fromstring(content)
    assert len([el for el in root if etree.QName(el).namespace not in (XBRLI, LINK)]) > 30


def test_nt19_namespaces_are_the_extracts():
    """kvk.taxonomy's NT19 namespaces are those the official files declare (extract's
    namespaces, nt19-index.json), for every prefix the builder writes."""
    official = nt.index()["namespaces"]
    nt19 = tx.generation("nt19")
    written: dict[str, str] = {}
    for source in SOURCES:
        root = etree.fromstring(build_instance(_statements(source)))
        written.update({p: uri for p, uri in root.nsmap.items() if p in nt19.namespaces})
    assert {"nl-cd", "jenv-bw2-i", "jenv-bw2-dim", "jenv-bw2-dm", "kvk-i", "rj-i"} <= set(written)
    for prefix, uri in written.items():
        assert uri == official[prefix], prefix
    for prefix, uri in nt19.namespaces.items():
        assert uri == official[prefix], prefix


# --- the checker fails when it should ---------------------------------------------------
@pytest.fixture
def micro_instance() -> etree._Element:
    st = _statements("demo:micro")
    return etree.fromstring(build_instance(st))


def _fact(root: etree._Element, local_name: str) -> etree._Element:
    return next(el for el in root if etree.QName(el).localname == local_name)


def _problems(root: etree._Element) -> list[str]:
    return fact_problems(etree.tostring(root), "micro")


def test_checker_refuses_an_invented_concept(micro_instance):
    name = _fact(micro_instance, "LegalEntityName")
    invented = copy.deepcopy(name)
    invented.tag = f"{{{etree.QName(name).namespace}}}LegalEntityNickname"
    micro_instance.append(invented)
    (problem,) = _problems(micro_instance)
    assert "nl-cd:LegalEntityNickname" in problem and "not a concept" in problem


def test_checker_refuses_a_concept_in_the_wrong_namespace(micro_instance):
    name = _fact(micro_instance, "LegalEntityName")
    name.tag = f"{{{tx.generation('nt19').namespaces['jenv-bw2-i']}}}LegalEntityName"
    (problem,) = _problems(micro_instance)
    assert "jenv-bw2-i:LegalEntityName" in problem


def test_checker_refuses_a_wrong_member(micro_instance):
    for member in micro_instance.iter(f"{{{XBRLDI}}}explicitMember"):
        if member.text.endswith(":SeparateMember"):
            member.text = member.text.replace("SeparateMember", "ConsolidatedMember")
    problems = _problems(micro_instance)
    assert problems and all("ConsolidatedMember" in p for p in problems)
    assert any("fact jenv-bw2-i:Assets " in p for p in problems)


def test_checker_refuses_a_missing_dimension(micro_instance):
    assets = _fact(micro_instance, "Assets")
    contexts = micro_instance.iter(f"{{{XBRLI}}}context")
    context = next(c for c in contexts if c.get("id") == assets.get("contextRef"))
    member = next(context.iter(f"{{{XBRLDI}}}explicitMember"))
    member.getparent().remove(member)
    problems = _problems(micro_instance)
    assert any("jenv-bw2-i:Assets" in p and "fit no role" in p for p in problems)


def test_checker_refuses_a_wrong_enumeration_value(micro_instance):
    _fact(micro_instance, "LegalEntityLegalForm").text = "B.V."
    (problem,) = _problems(micro_instance)
    assert "jenv-bw2-i:LegalEntityLegalForm" in problem and "'B.V.'" in problem


def test_checker_refuses_cents_dates_and_period_types(micro_instance):
    _fact(micro_instance, "Equity").text = "72045.50"
    _fact(micro_instance, "FinancialReportingPeriodCurrentEndDate").text = "31-12-2024"
    _fact(micro_instance, "ChamberOfCommerceRegistrationNumber").text = "00123456"
    equity = _fact(micro_instance, "Equity")
    duration = _fact(micro_instance, "NetRevenue").get("contextRef")
    provisions = _fact(micro_instance, "Provisions")
    provisions.set("contextRef", duration)
    problems = "\n".join(_problems(micro_instance))
    assert "jenv-bw2-i:Equity" in problems and "whole euros" in problems
    assert "FinancialReportingPeriodCurrentEndDate" in problems and "xs:date" in problems
    assert "ChamberOfCommerceRegistrationNumber" in problems
    assert "jenv-bw2-i:Provisions" in problems and "context is duration" in problems
    assert equity.get("unitRef") == "EUR"


def test_checker_refuses_what_the_type_facets_refuse(micro_instance):
    """nt19-index.json types: nl-types:string24ItemType has maxLength 24,
    nl-types:nlzipItemType the pattern ([1-9]{1}[0-9]{3}[A-Z]{2})."""
    _fact(micro_instance, "StreetNameNL").text = "O" * 25
    _fact(micro_instance, "PostalCodeNL").text = "3511 AX"
    street, postal_code = _problems(micro_instance)
    assert "nl-cd:StreetNameNL" in street and "more than 24" in street
    assert "nl-cd:PostalCodeNL" in postal_code and "([1-9]{1}[0-9]{3}[A-Z]{2})" in postal_code


def test_checker_refuses_a_bad_typed_member(micro_instance):
    typed = next(micro_instance.iter(f"{{{XBRLDI}}}typedMember"))
    typed[0].text = "x" * 256
    problems = _problems(micro_instance)
    assert problems and all("256 characters" in p for p in problems)
    assert any("LegalEntityNameManagingSupervisoryDirector" in p for p in problems)


# --- captions ---------------------------------------------------------------------------
def test_every_line_item_has_a_dutch_and_an_english_caption():
    for variant in tx.BUILDABLE_VARIANTS:
        for part in ("balance", "income", "notes"):
            for name in tx.line_items(variant, part):
                assert name in labels.LABELS_NL, (variant, name)
                assert name in labels.LABELS_EN, (variant, name)
    for qname in tx.SIGNING_CONCEPTS.values():
        if qname != "nl-cd:PresentationOrder":  # the order is shown, not captioned
            assert qname.partition(":")[2] in labels.LABELS_NL


def test_caption_keys_are_concepts_of_the_extract():
    names = {c.name for c in nt.concepts().values()}
    assert set(labels.LABELS_NL) <= names
    assert set(labels.LABELS_EN) == set(labels.LABELS_NL)
    in_presentation = {
        qname.partition(":")[2]
        for variant in tx.BUILDABLE_VARIANTS
        for rows in nt.entry_point(variant).presentation.values()
        for _, qname, _ in rows
        if qname.startswith("kvk-abstr:")
    }
    assert set(labels.HEADINGS_NL) == set(labels.HEADINGS_EN)
    assert set(labels.HEADINGS_NL) <= in_presentation
    assert set(labels.DIRECTOR_TYPES_NL) == set(tx.DIRECTOR_TYPES) == set(labels.DIRECTOR_TYPES_EN)
    assert labels.label("Assets") == "Totaal activa"
    assert labels.label("Assets", "en") == labels.LABELS_EN["Assets"] != "Totaal activa"
