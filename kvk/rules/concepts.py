"""The concept rules: every fact against the taxonomy of its entry point as the NT19
extract (kvk.nt) has it: DEP-CONCEPT and DEP-NAMESPACE for a concept the entry point does
not have (UNKNOWN_CONCEPT), DEP-PERIOD-TYPE, DEP-DIMENSIONS and DEP-VALUE for one it has
(CONCEPT)."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from kvk import nt
from kvk import taxonomy as tx
from kvk.parser import Context, Fact, ParsedInstance
from kvk.rules.codes import WARNING
from kvk.rules.facts import MONETARY_DECIMALS
from kvk.rules.registry import Stage, Subject, bound, rule, run_bound
from kvk.rules.report import Emit, Report

#: One closed hypercube in Clark notation: (axis, its usable members, or None for a typed
#: axis) per axis; () is the closed, empty hypercube of a role without dimensions.
_Shape = tuple[tuple[str, frozenset[str] | None], ...]
_DECIMAL = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")
_INTEGER = re.compile(r"[+-]?\d+")


@dataclass(frozen=True)
class _EntryPointModel:
    """What the NT19 extract says about one entry point, in one generation's namespaces
    (NT20 and NT21 carry NT19's concepts over, see kvk.taxonomy)."""

    variant: str
    generation: str  # "NT20"
    #: The extract holds the entry point's whole linkbase list (micro). Where it does not
    #: (klein: consolidated roles and most notes were not read), a concept or dimension
    #: combination the extract does not show may still be the taxonomy's, so those
    #: findings are warnings there (kvk.nt.GAPS).
    complete: bool
    concepts: dict[str, nt.Concept]  # Clark name -> concept
    by_name: dict[str, str]  # local name -> Clark name
    #: Clark name -> the hypercubes of the roles it is a line item of; None when one of
    #: them is open or has no hypercube (then any dimensions fit)
    shapes: dict[str, tuple[_Shape, ...] | None]
    #: Clark name -> what DEP-VALUE checks of its values: "decimal", "whole" (a decimal
    #: without fraction digits), "integer", "facets" (enumeration, length, pattern) or ""
    #: (nothing: dates are BR-KVK-4.20's)
    value_checks: dict[str, str]
    prefixes: dict[str, str]  # namespace -> prefix
    #: the root of this generation's namespaces ("http://www.nltaxonomie.nl/nt20/")
    namespace_root: str

    @property
    def entry_point_nl(self) -> str:
        return f"entrypoint {self.variant} ({self.generation})"

    @property
    def entry_point_en(self) -> str:
        return f"entry point {self.variant} ({self.generation})"

    def prefixed(self, clark: str) -> str:
        """prefix:Name for a Clark name in one of the generation's namespaces."""
        namespace, _, name = clark[1:].partition("}")
        prefix = self.prefixes.get(namespace)
        return f"{prefix}:{name}" if prefix and clark.startswith("{") else clark


@functools.cache
def _entry_point_model(generation: str, variant: str) -> _EntryPointModel:
    gen = tx.generation(generation)
    model = nt.entry_point(variant)
    namespaces = gen.namespaces

    def clark(qname: str) -> str | None:
        prefix, _, name = qname.partition(":")
        return f"{{{namespaces[prefix]}}}{name}" if prefix in namespaces else None

    def shape(role: nt.Role) -> _Shape:
        axes = []
        for axis in role.axes:
            members = None
            if not axis.is_typed:
                members = frozenset(m for m in map(clark, axis.members) if m is not None)
            axes.append((clark(axis.qname) or axis.qname, members))
        return tuple(axes)

    concepts: dict[str, nt.Concept] = {}
    shapes: dict[str, tuple[_Shape, ...] | None] = {}
    value_checks: dict[str, str] = {}
    # A concept the extract lists for the entry point but does not declare (bzk-wnt-i,
    # whose schema was not read) has no namespace here: it is treated as unknown.
    for qname in model.concepts:
        name = clark(qname)
        declared = nt.concepts().get(qname)
        if name is None or declared is None:
            continue
        concepts[name] = declared
        roles = model.roles_of(qname)
        open_role = any(not (role.closed and role.has_hypercube) for role in roles)
        shapes[name] = None if open_role else tuple(dict.fromkeys(map(shape, roles)))
        value_checks[name] = _value_check(declared)
    return _EntryPointModel(
        variant=variant,
        generation=gen.label,
        complete=model.complete,
        concepts=concepts,
        by_name={c.name: name for name, c in concepts.items()},
        shapes=shapes,
        value_checks=value_checks,
        prefixes={uri: prefix for prefix, uri in namespaces.items()},
        namespace_root=f"http://www.nltaxonomie.nl/{gen.code}/",
    )


#: The DTR type the NT's monetary types restrict (nt19-index.json types): no fraction
#: digits in the value and no decimals attribute above 0 (the Data Type Registry
#: 2020-01-21, https://www.xbrl.org/dtr/type/2020-01-21/types.xsd; Arelle reports
#: dtre:noDecimalsItemType and xmlSchema:valueError).
_NO_DECIMALS_TYPE = "dtr-types:noDecimalsMonetaryItemType"


def _value_check(concept: nt.Concept) -> str:
    if concept.is_numeric:
        return "whole" if _NO_DECIMALS_TYPE in concept.base_types else "decimal"
    if "xbrli:integerItemType" in concept.base_types:
        return "integer"
    if concept.is_date or not nt.type_facets(concept.type):
        return ""
    return "facets"


def _model_of(inst: ParsedInstance) -> _EntryPointModel | None:
    """The extract's model of the instance's entry point; None for an entry point it
    does not model (klein-verticaal) or does not know (FR-KVK-2.03 reports that)."""
    variant = inst.entry_point_variant
    if variant not in nt.MODELLED_VARIANTS or not inst.generation:
        return None
    return _entry_point_model(inst.generation, variant)


def model_of(s: Subject) -> _EntryPointModel | None:
    """The extract's model of the subject's entry point, worked out once per check."""
    return s.shared(_subject_model)


def _subject_model(s: Subject) -> _EntryPointModel | None:
    return _model_of(s.inst)


class UnknownFact(NamedTuple):
    """A fact of a concept the entry point does not have."""

    fact: Fact
    model: _EntryPointModel


class ConceptFact(NamedTuple):
    """A fact of a concept of the entry point, with its context (None when it has none:
    DEP-REFERENCE)."""

    fact: Fact
    concept: nt.Concept
    context: Context | None
    model: _EntryPointModel


def run(report: Report, s: Subject) -> None:
    """Each fact, against the model of its entry point (nothing without one)."""
    model = model_of(s)
    if model is None:
        return
    unknown = bound(report, Stage.UNKNOWN_CONCEPT)
    known = bound(report, Stage.CONCEPT)
    contexts = s.inst.contexts
    for fact in s.inst.facts:
        concept = model.concepts.get(fact.concept)
        if concept is None:
            run_bound(unknown, s, UnknownFact(fact, model))
        else:
            context = contexts.get(fact.context_ref or "")
            run_bound(known, s, ConceptFact(fact, concept, context, model))


# --- a concept the entry point does not have -------------------------------------------------
@rule("DEP-NAMESPACE", Stage.UNKNOWN_CONCEPT)
def _namespace(emit: Emit, s: Subject, item: UnknownFact) -> None:
    """The entry point knows the local name, in another namespace."""
    fact, model = item
    expected = model.by_name.get(fact.local_name)
    if expected is None:
        return
    namespace = fact.namespace or "(-)"
    uri = expected[1 : expected.index("}")]
    prefix = model.prefixes[uri]
    other = tx.namespace_generation(fact.namespace)
    if other is not None and other.label != model.generation:
        # A schemaRef of one generation with concepts of another: the KvK loads only the
        # schemaRef's taxonomy, in which the other generation's concepts do not exist.
        emit(
            f"Het gegeven {fact.local_name} is een gegeven van {other.label} in een "
            f"{model.generation}-jaarrekening (namespace {namespace}); gebruik de namespace "
            f"van {model.generation}: {uri} ({prefix}).",
            f"The concept {fact.local_name} is a concept of {other.label} in an "
            f"{model.generation} filing (namespace {namespace}); use {model.generation}'s "
            f"namespace: {uri} ({prefix}).",
            fact.line,
        )
        return
    emit(
        f"Het gegeven {fact.local_name} staat in namespace {namespace}; de taxonomie van "
        f"{model.entry_point_nl} kent het in namespace {uri} ({prefix}).",
        f"The concept {fact.local_name} is in namespace {namespace}; the taxonomy of "
        f"{model.entry_point_en} declares it in namespace {uri} ({prefix}).",
        fact.line,
    )


@rule("DEP-CONCEPT", Stage.UNKNOWN_CONCEPT)
def _concept(emit: Emit, s: Subject, item: UnknownFact) -> None:
    """The entry point does not know the local name at all: an error, or a warning where
    the extract did not read the entry point in full and the namespace is the taxonomy's."""
    fact, model = item
    if fact.local_name in model.by_name:
        return
    ep_nl, ep_en = model.entry_point_nl, model.entry_point_en
    elsewhere = ", ".join(_variants_by_name().get(fact.local_name, ()))
    hint_nl = f" Het hoort wel bij {elsewhere}." if elsewhere else ""
    hint_en = f" It belongs to {elsewhere}." if elsewhere else ""
    if model.complete or not (fact.namespace or "(-)").startswith(model.namespace_root):
        emit(
            f"Het gegeven {fact.qname} hoort niet bij de taxonomie van {ep_nl}; verwijder "
            f"het of gebruik een gegeven van dat entrypoint.{hint_nl}",
            f"The concept {fact.qname} is not part of the taxonomy of {ep_en}; remove it or "
            f"use a concept of that entry point.{hint_en}",
            fact.line,
        )
        return
    emit(
        f"Het gegeven {fact.qname} staat niet in het deel van de taxonomie van {ep_nl} dat "
        "deze controle kent (het NT19-uittreksel bevat niet alle rollen van dit "
        f"entrypoint); controleer of het bij het entrypoint hoort.{hint_nl}",
        f"The concept {fact.qname} is not in the part of the taxonomy of {ep_en} this check "
        "knows (the NT19 extract does not hold all roles of this entry point); check that "
        f"it belongs to the entry point.{hint_en}",
        fact.line,
        severity=WARNING,
    )


@functools.cache
def _variants_by_name() -> dict[str, tuple[str, ...]]:
    """Local name -> the modelled entry points that have it (to say where a concept
    belongs when it is filed under the wrong one)."""
    result: dict[str, list[str]] = {}
    for variant in nt.MODELLED_VARIANTS:
        for qname in nt.entry_point(variant).concepts:
            result.setdefault(qname.partition(":")[2], []).append(variant)
    return {name: tuple(variants) for name, variants in result.items()}


# --- a concept of the entry point ------------------------------------------------------------
@rule("DEP-PERIOD-TYPE", Stage.CONCEPT)
def _period_type(emit: Emit, s: Subject, item: ConceptFact) -> None:
    concept, ctx = item.concept, item.context
    if ctx is None or ctx.period_type not in ("instant", "duration"):
        return
    if ctx.period_type == concept.period_type:
        return
    if concept.period_type == "instant":
        nl, en = "een stand op een datum (instant)", "a position at a date (instant)"
    else:
        nl, en = "een bedrag over een periode (duration)", "an amount over a period (duration)"
    emit(
        f"Het gegeven {concept.qname} is {nl}, maar context {ctx.id!r} heeft periodetype "
        f"{ctx.period_type}; gebruik een context met periodetype {concept.period_type}.",
        f"The concept {concept.qname} is {en}, but context {ctx.id!r} has period type "
        f"{ctx.period_type}; use a context of period type {concept.period_type}.",
        item.fact.line,
    )


def _axes_by_context(s: Subject) -> dict[str, dict[str, str] | None]:
    """Context id -> its scenario axes (``_scenario_axes``), filled as contexts are met."""
    return {}


def _scenario_axes(ctx: Context) -> dict[str, str] | None:
    """A context's axes -> members, or None when its dimensions can fit no hypercube:
    some are in the segment (every hypercube of the extract is on the scenario) or an
    axis is given twice."""
    given = dict(ctx.dimensions)
    if ctx.segment_dimensions or len(given) != len(ctx.dimensions):
        return None
    return given


def _fits(given: dict[str, str] | None, shape: _Shape) -> bool:
    """Whether a context's axes (``_scenario_axes``) are exactly those of a closed
    hypercube (every hypercube of the extract is closed, with no dimension defaults:
    each axis is given explicitly)."""
    if given is None or len(given) != len(shape):
        return False
    for axis, members in shape:
        value = given.get(axis)
        if value is None or not value.strip():
            return False
        if members is not None and value not in members:
            return False
    return True


@rule("DEP-DIMENSIONS", Stage.CONCEPT)
def _dimensions(emit: Emit, s: Subject, item: ConceptFact) -> None:
    """Exactly the dimensions of a closed hypercube of one of the concept's roles; a
    warning where the extract did not read the entry point in full."""
    fact, ctx, model = item.fact, item.context, item.model
    if ctx is None:
        return
    shapes = model.shapes[fact.concept]
    axes_of = s.shared(_axes_by_context)
    if ctx.id not in axes_of:
        axes_of[ctx.id] = _scenario_axes(ctx)
    given = axes_of[ctx.id]
    if shapes is None or any(_fits(given, shape) for shape in shapes):
        return
    nl, en = _dimensions_text(model, fact, ctx, shapes)
    if model.complete:
        emit(nl, en, fact.line)
        return
    emit(
        nl + " Het NT19-uittreksel bevat niet alle rollen van dit entrypoint; controleer of "
        "een andere rol deze dimensies toestaat.",
        en + " The NT19 extract does not hold all roles of this entry point; check whether "
        "another role allows these dimensions.",
        fact.line,
        severity=WARNING,
    )


def _dimensions_text(
    model: _EntryPointModel, fact: Fact, ctx: Context, shapes: tuple[_Shape, ...]
) -> tuple[str, str]:
    """The dimensions a fact has and those its roles ask, in Dutch and English."""
    if ctx.dimensions:
        shown = ", ".join(
            f"{model.prefixed(axis)}={model.prefixed(value) if value.startswith('{') else value}"
            for axis, value in ctx.dimensions
        )
        given_nl, given_en = f"de dimensies {shown}", f"the dimensions {shown}"
        if ctx.segment_dimensions:
            given_nl += " (in het segment; de taxonomie verwacht ze in het scenario)"
            given_en += " (in the segment; the taxonomy expects them in the scenario)"
    else:
        given_nl, given_en = "geen dimensies", "no dimensions"
    wanted = [_shape_text(model, shape) for shape in shapes]
    return (
        f"Het gegeven {model.prefixed(fact.concept)} (context {ctx.id!r}) heeft {given_nl}; "
        f"de taxonomie van {model.entry_point_nl} vraagt {'; of '.join(w[0] for w in wanted)}.",
        f"The concept {model.prefixed(fact.concept)} (context {ctx.id!r}) has {given_en}; "
        f"the taxonomy of {model.entry_point_en} requires {'; or '.join(w[1] for w in wanted)}.",
    )


def _shape_text(model: _EntryPointModel, shape: _Shape) -> tuple[str, str]:
    if not shape:
        return "geen dimensies", "no dimensions"
    nl, en = [], []
    for axis, members in shape:
        name = model.prefixed(axis)
        if members is None:
            nl.append(f"{name} (getypeerd)")
            en.append(f"{name} (typed)")
        else:
            options = sorted(model.prefixed(m) for m in members)
            nl.append(f"{name}={' of '.join(options)}")
            en.append(f"{name}={' or '.join(options)}")
    return " en ".join(nl), " and ".join(en)


def _above_zero(decimals: str | None) -> bool:
    try:
        return decimals is not None and int(decimals.strip()) > 0
    except ValueError:  # INF, or not a number (FR-KVK-5.01 reports that)
        return False


@rule("DEP-VALUE", Stage.CONCEPT)
def _no_decimals(emit: Emit, s: Subject, item: ConceptFact) -> None:
    """An amount of a type without decimals has no decimals attribute above 0; a value
    FR-KVK-5.01 refuses is reported there, once."""
    fact, concept = item.fact, item.concept
    if item.model.value_checks[fact.concept] != "whole":
        return
    if fact.decimals in MONETARY_DECIMALS and _above_zero(fact.decimals):
        emit(
            f"Het bedrag {concept.qname} heeft decimals={fact.decimals!r}, maar het type "
            f'{concept.type} kent geen decimalen; gebruik decimals="0" (of -3, -6, -9, '
            "INF).",
            f"The amount {concept.qname} has decimals={fact.decimals!r}, but its type "
            f'{concept.type} has no decimals; use decimals="0" (or -3, -6, -9, INF).',
            fact.line,
        )


@rule("DEP-VALUE", Stage.CONCEPT)
def _value(emit: Emit, s: Subject, item: ConceptFact) -> None:
    """A value its type allows (empty values are FR-NL-5.03's)."""
    fact, concept = item.fact, item.concept
    check = item.model.value_checks[fact.concept]
    if not check or not fact.value or fact.nil:
        return
    problem = _value_problem(concept, check, fact.value)
    if problem:
        _emit_value(emit, item, problem)


def _emit_value(emit: Emit, item: ConceptFact, problem: tuple[str, str]) -> None:
    """A finding on a fact's value: what its type says against it, in Dutch and English."""
    fact, qname = item.fact, item.concept.qname
    value = fact.value or ""
    shown = value if len(value) <= 40 else value[:37] + "..."
    emit(
        f"Het gegeven {qname} heeft de waarde {shown!r}; {problem[0]}.",
        f"The concept {qname} has the value {shown!r}; {problem[1]}.",
        fact.line,
    )


@rule("DEP-VALUE", Stage.CONCEPT)
def _total_digits(emit: Emit, s: Subject, item: ConceptFact) -> None:
    """A number with no more digits than its type's totalDigits facet allows (NT19's
    nl-types.xsd: 20 for monetaryNoDecimals20ItemType, every amount, and for
    decimal20ItemType); a value that is not a number is ``_value``'s."""
    fact, concept = item.fact, item.concept
    limit = nt.type_facets(concept.type).get("totalDigits")
    if limit is None or not fact.value or fact.nil:
        return
    text = fact.value.strip()
    if not _DECIMAL.fullmatch(text):
        return
    digits = _digit_count(Decimal(text))
    if digits > int(limit):
        _emit_value(
            emit,
            item,
            (
                f"die heeft {digits} cijfers; het maximum is {limit} ({concept.type})",
                f"it has {digits} digits; the maximum is {limit} ({concept.type})",
            ),
        )


def _digit_count(number: Decimal) -> int:
    """The digits totalDigits counts (XSD Datatypes 4.3.11): sign, leading zeros and
    trailing zeros of the fraction left out; counted as Arelle counts them."""
    _sign, digits, exponent = number.normalize().as_tuple()
    return len(digits) + max(0, int(exponent))


def _value_problem(concept: nt.Concept, check: str, value: str) -> tuple[str, str] | None:
    """What the concept's type says against a value, in Dutch and English; None when it
    fits. Numbers must be numbers; for the other types kvk.taxonomy.value_problem (the
    check the builder's input gets too) decides, and the facet it fails is named."""
    if check in ("decimal", "whole", "integer"):
        text = value.strip()
        if check == "integer" and not _INTEGER.fullmatch(text):
            nl, en = "dat is geen geheel getal", "that is not a whole number"
        elif check != "integer" and not _DECIMAL.fullmatch(text):
            nl, en = "dat is geen getal", "that is not a number"
        elif check == "whole" and Decimal(text) != Decimal(text).to_integral_value():
            nl = "dat heeft decimalen, maar het type kent alleen hele bedragen"
            en = "it has decimals, but the type has whole amounts only"
        else:
            return None
        return f"{nl} ({concept.type})", f"{en} ({concept.type})"
    problem = tx.value_problem(concept.qname, value)
    return None if problem is None else _facet_text(problem)


def _facet_text(problem: tx.ValueProblem) -> tuple[str, str]:
    """The facet a value fails, in Dutch and English."""
    type_name, limit = problem.type, problem.limit
    if isinstance(limit, tuple):  # an enumeration
        allowed = ", ".join(repr(v) for v in limit)
        return (
            f"die staat niet in de lijst van {type_name}: {allowed}",
            f"that is not in the list of {type_name}: {allowed}",
        )
    if problem.facet == "length":
        return (
            f"die moet precies {limit} tekens lang zijn ({type_name})",
            f"it must be exactly {limit} characters long ({type_name})",
        )
    if problem.facet == "minLength":
        return (
            f"die moet minstens {limit} tekens lang zijn ({type_name})",
            f"it must be at least {limit} characters long ({type_name})",
        )
    if problem.facet == "maxLength":
        length = len(problem.value)
        return (
            f"die is {length} tekens lang; het maximum is {limit} ({type_name})",
            f"it is {length} characters long; the maximum is {limit} ({type_name})",
        )
    return (
        f"die heeft niet de vorm die {type_name} vraagt (patroon {limit})",
        f"it does not have the form {type_name} requires (pattern {limit})",
    )
