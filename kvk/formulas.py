"""The KvK's own checks: the formula assertions of the NT19 taxonomy, run as rules.

The KvK checks every filing with the formula linkbases of its entry point (XBRL Formula
1.0 existence and value assertions, each with an unsatisfied-severity of ERROR or
WARNING). The NT19 extract records them (``kvk.nt.formula_files``): micro's 76 in
nt19-kvk-supplement.json (``formulas_micro``), klein's in nt19-kvk-klein-formulas.json
(by each file's ``used_by``), each with its id, severity, test, precondition and the
filters of its variables.

This is not an XPath or formula processor. The recorded assertions follow a handful of
patterns; each pattern has one small checker, and the concepts, operators, literals and
preconditions it works with come from the recorded data:

- existence: a fact (or one of two: ``orFilter``) exactly once, at most once or at least
  once (test ".eq 1", ".le 1" or none);
- signed sums: "$T = sum($ChildrenOfTCredit) - sum($ChildrenOfTDebit)" over T's children
  along the ParentChildSummation arcs of the entry point's formula files (or its
  presentation tree, for arcrole parent-child), and "+ sum($A) - sum($B) = $C";
- comparisons: "$A lt $B", "$A le current-date()" (current-date() is the filing date),
  "$X eq 'Nee'", "xs:date($A) + xs:dayTimeDuration('P1D') = xs:date($B)";
- required and forbidden facts: "not(xff:has-fallback-value(...))" and
  "xff:has-fallback-value(...)", mostly under a precondition such as
  "$DirectorSignedStatus eq 'Ja'";
- the context identifier equal to the KvK number fact, the identifier scheme, the unit of
  numeric facts (pure, shares, the presentation currency), and the member of an axis a
  value asks for (BasisOfPreparation "Fiscaal" -> FiscalMember, ...).

Which facts meet in one evaluation follows the formula processor's implicit filtering: the
variables share the aspects their filters do not cover (entity, period, unit, dimensions)
unless a variable covers them ("aspectCover"). So a signatory's signing date is checked
against that signatory's DirectorSignedStatus, and a total against its items of the same
period and members. Nil facts and facts without a context take no part (``nils=false``;
DEP-REFERENCE reports the latter). Concepts are matched in the namespaces of the
instance's generation; axes and members by local name (the extract does not record the
rj-dim namespace, and no two axes or members of the extract share a local name).

Two readings the recording leaves open are taken the only way the assertions agree with
each other: ``conceptDataType xbrli:monetary`` and ``xbrli:shares`` take the types derived
from them (every NT monetary type is one), and the "decimal" facts of
AllMeasureEqualToPure1 are the numeric facts that are neither monetary nor shares (its
file's two other data-type filters, whose arcs were not read, exclude those).

What cannot be interpreted from the extract is in ``UNINTERPRETED`` with the reason; a
test keeps that table equal to the set of recorded assertions the compiler refuses.

Codes are the assertion ids, e.g. "valueAssertion_BalanceSheetMicroEntities_PrtFST101Variable1".
Arelle reports an unsatisfied assertion that has a message (the KvK's have one, in their
-for-generic-msg-unsatisfied linkbases) under "message:" + that id, one without a message
as "formula:assertionUnsatisfied" (arelle/formula/FormulaEvaluator.py): ``arelle_code``.
The Arelle test package of this product (kvk.arelle_package) holds no formula linkbases,
so Arelle does not run these checks here and there is nothing to compare with.
"""

from __future__ import annotations

import functools
import itertools
import json
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from types import MappingProxyType
from typing import Any, Protocol

from kvk import nt, xhtml
from kvk import taxonomy as tx
from kvk.parser import Context, Fact, ParsedInstance
from kvk.statements import years_later

SEVERITIES = MappingProxyType({"ERROR": xhtml.ERROR, "WARNING": xhtml.WARNING})

_PARAMETERS = (
    "uses formula parameters ({}) whose declarations the extract did not read "
    "(nt19-kvk-klein-formulas.json, gaps: 'formula parameter declarations ... not located')"
)
_CURRENT = "$FinancialReportingPeriodCurrentStartDateParam, ...CurrentEndDateParam"
_PREVIOUS = "$FinancialReportingPeriodPreviousStartDateParam, ...PreviousEndDateParam"

#: The recorded assertions no checker takes: each uses formula parameters (these) whose
#: declarations the extract did not read.
_UNDECLARED_PARAMETERS = {
    "existenceAssertion_BalanceSheetMicroEntities_PrtOnlyReportFactPeriodEQParam1": (
        "$FinancialReportingPeriodCurrentEndDateParam"
    ),
    "existenceAssertion_BalanceSheet_PrtOnlyReportFactPeriodEQParam1": (
        "$FinancialReportingPeriodCurrentEndDateParam"
    ),
    "existenceAssertion_IncomeStatementMicroEntities_PrtExistence1": (
        _CURRENT + ", in variable-set period filters"
    ),
    "existenceAssertion_IncomeStatementMicroEntities_PrtExistence2": (
        _PREVIOUS + ", in variable-set period filters"
    ),
    "valueAssertion_DocumentInformation_AllPeriodAspectCondParamPEtCE1": (
        _CURRENT + ", ...PreviousEndDateParam"
    ),
    "valueAssertion_DocumentInformation_AllPeriodAspectCondParamPPEtCE1": (
        _CURRENT + ", " + _PREVIOUS + ", ...PrePreviousEndDateParam"
    ),
    "valueAssertion_IncomeStatementSmall_PrtValueThnExistenceCovPU1": (
        _CURRENT + ", in period filters"
    ),
    "valueAssertion_IncomeStatementSmall_PrtValueThnExistenceCovPU2": (
        _PREVIOUS + ", in period filters"
    ),
    "valueAssertion_IncomeStatementSmall_PrtValueThnExistenceCovPU3": (
        _CURRENT + ", in period filters"
    ),
    "valueAssertion_IncomeStatementSmall_PrtValueThnExistenceCovPU4": (
        _PREVIOUS + ", in period filters"
    ),
}
#: The recorded assertions no checker takes, with the reason.
UNINTERPRETED: Mapping[str, str] = MappingProxyType(
    {name: _PARAMETERS.format(used) for name, used in _UNDECLARED_PARAMETERS.items()}
)


def arelle_code(code: str) -> str:
    """The code under which Arelle reports the unsatisfied assertion ``code``."""
    return f"message:{code}"


@functools.cache
def applies(variant: str | None) -> bool:
    """Whether the extract records the formula linkbases of an entry point variant."""
    return variant in nt.MODELLED_VARIANTS and bool(nt.formula_files(variant or ""))


class Report(Protocol):
    """Where findings go (kvk.rules' report)."""

    def add(
        self, code: str, nl: str, en: str, line: int | None = None, severity: str | None = None
    ) -> None: ...


def check(report: Report, inst: ParsedInstance, filing_date: date) -> None:
    """Run the interpreted assertions of the instance's entry point: each unsatisfied
    evaluation is a finding with the assertion id as code and the taxonomy's severity
    (once per context or unit where the fault is the context's or the unit's)."""
    variant, generation = inst.entry_point_variant, inst.generation
    if not generation or not applies(variant):
        return
    env = _Env(_Facts(inst), filing_date)
    for assertion in assertions(generation, variant or ""):
        seen: set[object] = set()
        for failure in assertion.test.failures(assertion, env):
            if failure.group is not None:
                if failure.group in seen:
                    continue
                seen.add(failure.group)
            report.add(
                assertion.id,
                f"{failure.nl} (KvK-controle in {assertion.source}).",
                f"{failure.en} (KvK check in {assertion.source}).",
                failure.line,
                severity=assertion.severity,
            )


def assertions(generation: str, variant: str) -> tuple[Assertion, ...]:
    """The interpreted assertions of an entry point variant, in a generation's
    namespaces."""
    return _compiled(generation, variant)[0]


def not_interpreted(variant: str) -> dict[str, str]:
    """The recorded assertions of a variant the compiler refuses: id -> why."""
    return dict(_compiled("nt19", variant)[1])


def recorded(variant: str) -> dict[str, tuple[str, dict[str, Any]]]:
    """id -> (formula file name, the recorded assertion), for a variant (kvk.nt)."""
    result = {}
    for record in nt.formula_files(variant):
        for assertion in record.get("assertions") or []:
            result[assertion["id"]] = (record["file"].rpartition("/")[2], assertion)
    return result


@functools.cache
def _compiled(generation: str, variant: str) -> tuple[tuple[Assertion, ...], Mapping[str, str]]:
    compiled: list[Assertion] = []
    refused: dict[str, str] = {}
    for assertion_id, (source, record) in recorded(variant).items():
        try:
            compiled.append(_Compiler(generation, variant, source, record).assertion())
        except Uninterpretable as reason:
            refused[assertion_id] = str(reason)
    return tuple(compiled), MappingProxyType(refused)


# --- variables and the facts they bind --------------------------------------------------
_ASPECTS = frozenset({"entity", "period", "unit", "dimensions"})


@dataclass(frozen=True, eq=False)  # compiled once: identity is equality, and hashes fast
class Variable:
    """A fact variable, its filters resolved to what a fact must be."""

    name: str
    #: the concepts (Clark names) a fact may have; None: any item
    concepts: frozenset[str] | None
    #: how findings name it ("jenv-bw2-i:Assets", "de posten van jenv-bw2-i:Assets")
    label_nl: str
    label_en: str
    sequence: bool = False  # bindAsSequence
    fallback: bool = False  # fallbackValue "()": may bind nothing
    #: the aspects implicit filtering compares (those no "aspectCover" covers)
    uncovered: frozenset[str] = _ASPECTS
    #: explicitDimension filters: (axis, member or None for any member), local names
    members: tuple[tuple[str, str | None], ...] = ()
    #: complement dimension filters: a fact with one of these axes does not match
    without_axes: frozenset[str] = frozenset()
    is_date: bool = False

    @functools.cached_property
    def uncovered_in_order(self) -> tuple[str, ...]:
        return tuple(sorted(self.uncovered))

    @functools.cached_property
    def selection(self) -> tuple[object, ...]:
        """What its filters let through: variables of several assertions that select
        the same facts share their lookups."""
        return (self.concepts, self.members, self.without_axes)


Binding = dict[str, list[Fact]]


class _Facts:
    """The facts of one instance as the assertions see them, with the lookups they need
    (each computed once per instance)."""

    def __init__(self, inst: ParsedInstance):
        self.inst = inst
        self.contexts = inst.contexts
        self.units = inst.units
        self.items = [f for f in inst.facts if not f.nil and f.context_ref in inst.contexts]
        self.by_concept: dict[str, list[Fact]] = {}
        for fact in self.items:
            self.by_concept.setdefault(fact.concept, []).append(fact)
        self._position = {id(fact): i for i, fact in enumerate(self.items)}
        self._matching: dict[tuple[object, ...], list[Fact]] = {}
        self._dimensions: dict[str, dict[str, str]] = {}
        self._aspects: dict[tuple[object, ...], dict[str, object]] = {}
        self._indexes: dict[tuple[object, ...], dict[tuple, list[Fact]]] = {}
        self._one_per_context_cache: dict[tuple[object, ...], list[Fact]] = {}
        self._fit: dict[tuple[object, ...], bool] = {}

    def context_of(self, fact: Fact) -> Context:
        """The context of a fact (the facts evaluated all have one)."""
        return self.contexts[fact.context_ref or ""]

    def dimensions(self, ctx_id: str) -> dict[str, str]:
        """A context's axis -> member (explicit) or value (typed), by local name."""
        found = self._dimensions.get(ctx_id)
        if found is None:
            found = self._dimensions[ctx_id] = {
                axis.rpartition("}")[2]: member.rpartition("}")[2] if member[:1] == "{" else member
                for axis, member in self.contexts[ctx_id].dimensions
            }
        return found

    def numerator(self, fact: Fact) -> list[str]:
        """The local names of the numerator measures of a fact's unit."""
        unit = self.units.get(fact.unit_ref or "")
        return [m.rpartition("}")[2] for m in unit.measures if m[:1] != "/"] if unit else []

    def matching(self, var: Variable) -> list[Fact]:
        """The facts a variable's filters let through, in document order."""
        found = self._matching.get(var.selection)
        if found is None:
            if var.concepts is None:
                candidates = self.items
            else:
                lists = [self.by_concept[c] for c in var.concepts if c in self.by_concept]
                candidates = (
                    lists[0]
                    if len(lists) == 1
                    else sorted(itertools.chain(*lists), key=lambda f: self._position[id(f)])
                )
            if var.members or var.without_axes:
                candidates = [f for f in candidates if self._fits(f.context_ref or "", var)]
            found = self._matching[var.selection] = list(candidates)
        return found

    def _fits(self, ctx_id: str, var: Variable) -> bool:
        """Whether a context has what a variable's dimension filters ask."""
        key = (ctx_id, var.members, var.without_axes)
        fits = self._fit.get(key)
        if fits is None:
            dims = self.dimensions(ctx_id)
            fits = self._fit[key] = var.without_axes.isdisjoint(dims) and all(
                axis in dims and member in (None, dims[axis]) for axis, member in var.members
            )
        return fits

    def aspects(self, fact: Fact, covered_axes: frozenset[str]) -> dict[str, object]:
        """The fact's value of each aspect (the dimensions without the covered axes)."""
        cache_key = (fact.context_ref, fact.unit_ref, covered_axes)
        found = self._aspects.get(cache_key)
        if found is None:
            ctx = self.contexts[fact.context_ref or ""]
            unit = self.units.get(fact.unit_ref or "")
            dims = self.dimensions(fact.context_ref or "").items()
            found = self._aspects[cache_key] = {
                "entity": (ctx.scheme, ctx.identifier),
                "period": (ctx.period_type, ctx.start_text, ctx.end_text, ctx.instant_text),
                "unit": unit.measures if unit else fact.unit_ref,
                "dimensions": tuple(sorted((a, m) for a, m in dims if a not in covered_axes)),
            }
        return found

    def evaluations(
        self,
        variables: tuple[Variable, ...],
        covered_axes: frozenset[str],
        precondition: Callable[[Binding], bool] | None = None,
        needs: frozenset[str] = frozenset(),
        one_per_context: Variable | None = None,
    ) -> Iterator[Binding]:
        """The bindings the formula processor evaluates whose precondition holds.

        Required variables bind before those with a fallback (which bind nothing when no
        fact fits, instead of leaving no evaluation). A variable's facts must
        share, on each aspect it does not cover, the value of the first bound variable
        that does not cover it either (implicit filtering, as Arelle's
        FormulaEvaluator.implicitFilter). A single variable makes one evaluation per
        fact; a sequence binds its facts together, split by their uncovered aspects when
        nothing earlier fixes them. The precondition is tried as soon as the variables it
        ``needs`` are bound. ``one_per_context``: a variable that binds one fact per
        context and unit (for tests that look at nothing else of its facts)."""
        # Binding order changes nothing but the work: a variable that covers every aspect
        # neither constrains nor is constrained, so it binds first and a precondition on
        # it (BasisOfPreparation eq 'Fiscaal') prunes early.
        order = sorted(variables, key=lambda v: (v.fallback, bool(v.uncovered)))
        last = len(order) - 1
        binding: Binding = {}

        def bind(index: int, fixed: dict[str, object], checked: bool) -> Iterator[Binding]:
            """``fixed``: aspect -> the value an earlier variable set for it."""
            var = order[index]
            if fixed.keys() >= var.uncovered:
                matched = var.uncovered_in_order
            else:
                matched = tuple(a for a in var.uncovered_in_order if a in fixed)
            if matched:
                wanted = tuple(map(fixed.__getitem__, matched))
                found = self._index(var, matched, covered_axes).get(wanted, [])
            elif var is one_per_context:
                found = self._one_per_context(var)
            else:
                found = self.matching(var)
            if var.sequence:
                free = [a for a in var.uncovered_in_order if a not in fixed]
                groups: dict[tuple, list[Fact]] = {}
                for f in found:
                    values = self.aspects(f, covered_axes)
                    groups.setdefault(tuple(values[a] for a in free), []).append(f)
                options = list(groups.values()) or ([[]] if var.fallback else [])
            else:
                options = [[f] for f in found] or ([[]] if var.fallback else [])
            adds = not fixed.keys() >= var.uncovered
            for bound in options:
                binding[var.name] = bound
                holds = checked
                if not checked and precondition is not None and needs <= binding.keys():
                    if not precondition(binding):
                        continue
                    holds = True
                if index == last:
                    yield dict(binding)
                    continue
                more = fixed
                if bound and adds:
                    values = self.aspects(bound[0], covered_axes)
                    more = {a: values[a] for a in var.uncovered} | fixed
                yield from bind(index + 1, more, holds)
            binding.pop(var.name, None)

        yield from bind(0, {}, False)

    def _one_per_context(self, var: Variable) -> list[Fact]:
        """The first fact of a variable in each context and unit."""
        found = self._one_per_context_cache.get(var.selection)
        if found is None:
            first: dict[tuple[str | None, str | None], Fact] = {}
            for f in self.matching(var):
                first.setdefault((f.context_ref, f.unit_ref), f)
            found = self._one_per_context_cache[var.selection] = list(first.values())
        return found

    def _index(
        self, var: Variable, aspects: tuple[str, ...], covered_axes: frozenset[str]
    ) -> dict[tuple, list[Fact]]:
        """A variable's facts by their values of some aspects."""
        cache_key = (var.selection, aspects, covered_axes)
        index = self._indexes.get(cache_key)
        if index is None:
            index = self._indexes[cache_key] = {}
            for f in self.matching(var):
                values = self.aspects(f, covered_axes)
                index.setdefault(tuple(values[a] for a in aspects), []).append(f)
        return index


@dataclass(frozen=True)
class _Env:
    facts: _Facts
    filing_date: date  # current-date()


@dataclass(frozen=True)
class Failure:
    nl: str
    en: str
    line: int | None
    #: findings of one assertion with the same group are reported once (a context, a unit)
    group: object = None


def _number(text: str | None) -> Decimal | None:
    """XPath number(): None stands for NaN, equal to nothing."""
    try:
        return Decimal((text or "").strip())
    except InvalidOperation:
        return None


def _date(fact: Fact) -> date | None:
    text = fact.value.strip()
    try:
        return date.fromisoformat(text) if len(text) == 10 else None
    except ValueError:
        return None


def _period(env: _Env, fact: Fact) -> str:
    ctx = env.facts.contexts[fact.context_ref or ""]
    return ctx.instant_text or f"{ctx.start_text} .. {ctx.end_text}"


def _first(binding: Binding) -> Fact | None:
    return next((f for bound in binding.values() for f in bound), None)


def _per_context(
    assertion: Assertion, env: _Env, items: Variable
) -> Iterator[tuple[Binding, Fact]]:
    """The evaluations of a test made once per context, each with its one fact of ``items``."""
    for binding in assertion.evaluations(env, one_per_context=items):
        [fact] = binding[items.name]
        yield binding, fact


def _in_context(ctx: Context, nl: str, en: str) -> Failure:
    """A failure about one context: named first, at its line, reported once for it."""
    return Failure(f"Context {ctx.id!r}: {nl}", f"Context {ctx.id!r}: {en}", ctx.line, group=ctx.id)


# --- expressions of tests and preconditions ---------------------------------------------
class Uninterpretable(ValueError):
    """A recorded assertion no checker takes."""


@dataclass(frozen=True)
class _Operand:
    """A value in a comparison: a variable's fact (a date for date concepts, else its
    text), possibly shifted by durations; a literal; or current-date()."""

    var: Variable | None = None
    literal: str | None = None
    today: bool = False
    #: (sign, years, days) added to a date: xs:yearMonthDuration('P1Y'),
    #: xs:dayTimeDuration('P1D') or ('PT24H')
    shifts: tuple[tuple[int, int, int], ...] = ()

    def value(self, binding: Binding, env: _Env) -> object:
        if self.today:
            return env.filing_date
        if self.var is None:
            return self.literal
        bound = binding.get(self.var.name)
        if not bound:
            return None
        if not (self.var.is_date or self.shifts):
            return bound[0].value.strip()
        day = _date(bound[0])
        for sign, years, days in self.shifts:
            if day is not None:
                day = years_later(day, sign * years) + timedelta(days=sign * days)
        return day

    def label(self) -> tuple[str, str]:
        if self.today:
            return "de deponeringsdatum", "the filing date"
        if self.var is None:
            return repr(self.literal), repr(self.literal)
        nl, en = self.var.label_nl, self.var.label_en
        for sign, years, days in self.shifts:
            op = "+" if sign > 0 else "-"
            if years:
                nl, en = f"{nl} {op} {years} jaar", f"{en} {op} {years} year"
            if days:
                nl, en = f"{nl} {op} {days} dag", f"{en} {op} {days} day"
        return nl, en


_OPERATORS = {
    "lt": lambda a, b: a < b,
    "le": lambda a, b: a <= b,
    "gt": lambda a, b: a > b,
    "ge": lambda a, b: a >= b,
    "eq": lambda a, b: a == b,
    "ne": lambda a, b: a != b,
}
_SYNONYMS = {"=": "eq", "!=": "ne"}
#: What a comparison says: (Dutch, Dutch after "omdat", English). One that holds is the
#: reason an assertion applies ("omdat ...", "because ..."); one that does not is a finding,
#: in the words of its negation.
_SAYS = {
    "lt": ("{l} ligt vóór {r}", "{l} vóór {r} ligt", "{l} is before {r}"),
    "le": ("{l} ligt niet na {r}", "{l} niet na {r} ligt", "{l} is not after {r}"),
    "gt": ("{l} ligt na {r}", "{l} na {r} ligt", "{l} is after {r}"),
    "ge": ("{l} ligt niet vóór {r}", "{l} niet vóór {r} ligt", "{l} is not before {r}"),
    "eq": ("{l} is gelijk aan {r}", "{l} gelijk is aan {r}", "{l} equals {r}"),
    "ne": ("{l} is niet gelijk aan {r}", "{l} niet gelijk is aan {r}", "{l} does not equal {r}"),
}
_NEGATION = {"lt": "ge", "le": "gt", "gt": "le", "ge": "lt", "eq": "ne", "ne": "eq"}


@dataclass(frozen=True)
class _Comparison:
    left: _Operand
    op: str  # a key of _OPERATORS
    right: _Operand

    def holds(self, binding: Binding, env: _Env) -> bool | None:
        """None when a side has no value: an empty sequence compares to nothing, and a
        date that is no date is BR-KVK-4.20's."""
        a, b = self.left.value(binding, env), self.right.value(binding, env)
        if a is None or b is None or type(a) is not type(b):
            return None
        return bool(_OPERATORS[self.op](a, b))

    def broken(self, binding: Binding, env: _Env) -> tuple[str, str]:
        (lnl, len_), (rnl, ren) = self.left.label(), self.right.label()
        a, b = self.left.value(binding, env), self.right.value(binding, env)
        if self.right.literal is not None and self.op == "eq":
            return (
                f"{lnl} is {a!r}; de KvK verwacht {b!r}",
                f"{len_} is {a!r}; the KvK expects {b!r}",
            )
        nl, _nl_after_omdat, en = _SAYS[_NEGATION[self.op]]
        left_nl, left_en, right_nl, right_en = (
            f"{lnl} ({a})",
            f"{len_} ({a})",
            f"{rnl} ({b})",
            f"{ren} ({b})",
        )
        return nl.format(l=left_nl, r=right_nl), en.format(l=left_en, r=right_en)

    def reason(self) -> tuple[str, str]:
        (lnl, len_), (rnl, ren) = self.left.label(), self.right.label()
        if self.right.literal is not None and self.op == "eq":
            return f"{lnl} {rnl} is", f"{len_} is {ren}"
        _nl, nl_after_omdat, en = _SAYS[self.op]
        return nl_after_omdat.format(l=lnl, r=rnl), en.format(l=len_, r=ren)


@dataclass(frozen=True)
class _Presence:
    """exists($X) and not(empty($X)) (present), empty($X) (not present)."""

    var: Variable
    present: bool

    def holds(self, binding: Binding, env: _Env) -> bool:
        return bool(binding.get(self.var.name)) == self.present


@dataclass(frozen=True)
class _OneMeasure:
    """count(xfi:unit-numerator(xfi:unit($X))) = 1"""

    var: Variable

    def holds(self, binding: Binding, env: _Env) -> bool:
        bound = binding.get(self.var.name)
        return bound is not None and bool(bound) and len(env.facts.numerator(bound[0])) == 1


@dataclass(frozen=True)
class _Condition:
    """A precondition: atoms joined by "and", or by "or"."""

    atoms: tuple[_Comparison | _Presence | _OneMeasure, ...]
    any_of: bool

    @functools.cached_property
    def needs(self) -> frozenset[str]:
        """The names of the variables it looks at."""
        names = set()
        for atom in self.atoms:
            operands = (atom.left, atom.right) if isinstance(atom, _Comparison) else (atom,)
            names |= {o.var.name for o in operands if o.var is not None}
        return frozenset(names)

    def holds(self, binding: Binding, env: _Env) -> bool:
        for atom in self.atoms:
            if bool(atom.holds(binding, env)) == self.any_of:
                return self.any_of  # the first true of "or", the first false of "and"
        return not self.any_of

    def reason(self) -> tuple[str, str] | None:
        """The comparisons that made the assertion apply, in words."""
        parts = [atom.reason() for atom in self.atoms if isinstance(atom, _Comparison)]
        if not parts:
            return None
        nl_join, en_join = (" of ", " or ") if self.any_of else (" en ", " and ")
        return nl_join.join(p[0] for p in parts), en_join.join(p[1] for p in parts)


def _unwrap(text: str) -> str:
    """The text without parentheses around all of it."""
    text = text.strip()
    while text.startswith("(") and text.endswith(")") and _balanced(text[1:-1]):
        text = text[1:-1].strip()
    return text


def _balanced(text: str) -> bool:
    depth = 0
    for char in text:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0


def _split(text: str, separators: tuple[str, ...]) -> tuple[list[str], str | None]:
    """The text split at the first of the separators found outside parentheses and
    quotes (and which one); [text], None when there is none."""
    for separator in separators:
        parts, depth, quoted, start, i = [], 0, False, 0, 0
        while i < len(text):
            char = text[i]
            if char == "'":
                quoted = not quoted
            elif not quoted:
                depth += {"(": 1, ")": -1}.get(char, 0)
                if depth == 0 and text.startswith(separator, i):
                    parts.append(text[start:i])
                    start = i = i + len(separator)
                    continue
            i += 1
        if parts:
            return [*parts, text[start:]], separator
    return [text], None


# --- compiling a recorded assertion -----------------------------------------------------
_QNAME = r"[\w-]+:\w+"
_ORDER = re.compile(r"\s*\(order \d+\)")
_DATE = re.compile(r"xs:date\(\$(\w+)\)((?:\s*[+-]\s*xs:\w+Duration\('[^']+'\))*)")
_SHIFT = re.compile(
    r"([+-])\s*xs:(?:yearMonth|dayTime)Duration\('P(?:(\d+)Y)?(?:(\d+)D)?(?:T(\d+)H)?'\)"
)
_COMPARISONS = (" lt ", " le ", " gt ", " ge ", " eq ", " ne ", " != ", " = ")
_FALLBACK = re.compile(r"(not\()?xff:has-fallback-value\(xs:QName\('(\w+)'\)\)(\))?")
_SUM = re.compile(r"([+-]?)\s*sum\(\$(\w+)\)")
_SUMS = r"(?:[+-]?\s*sum\(\$\w+\)\s*)+"


class _Compiler:
    """Turns one recorded assertion into an Assertion, or raises Uninterpretable."""

    def __init__(self, generation: str, variant: str, source: str, record: dict[str, Any]):
        parameters = sorted(set(re.findall(r"\$\w+Param\b", json.dumps(record))))
        if parameters:
            raise Uninterpretable(f"uses the formula parameters {', '.join(parameters)}")
        self.namespaces = tx.generation(generation).namespaces
        self.variant = variant
        self.source = source
        self.record = record
        self.variables = self._variables(record.get("variables") or [])
        self.by_name = {v.name: v for v in self.variables}

    def assertion(self) -> Assertion:
        test = " ".join(str(self.record.get("test") or "").split())
        checker = self._existence(test) if self.record["type"] == "existence" else self._test(test)
        return Assertion(
            id=self.record["id"],
            severity=SEVERITIES[self.record["severity"]],
            source=self.source,
            variables=self.variables,
            covered_axes=frozenset(a for v in self.variables for a, _m in v.members),
            precondition=self._condition(self.record.get("precondition")),
            test=checker,
        )

    # the tests -----------------------------------------------------------------------
    def _existence(self, test: str) -> _Test:
        if self.record.get("precondition") or len(self.variables) != 1:
            raise Uninterpretable("an existence assertion with a precondition or two variables")
        if not test:
            return _Existence(self.variables[0], ">=")
        match = re.fullmatch(r"\.(eq|le) 1", test)
        if not match:
            raise Uninterpretable(f"the existence test {test!r}")
        return _Existence(self.variables[0], "==" if match.group(1) == "eq" else "<=")

    def _test(self, test: str) -> _Test:
        """The checker of a value assertion, by the pattern of its test."""
        if m := re.fullmatch(rf"\$(\w+) = ({_SUMS})", test) or re.fullmatch(
            rf"({_SUMS})= \$(\w+)", test
        ):
            result, terms = (m.group(1), m.group(2)) if test.startswith("$") else m.group(2, 1)
            return _SignedSum(
                self.variable(result),
                tuple((-1 if s == "-" else 1, self.variable(n)) for s, n in _SUM.findall(terms)),
            )
        parts, _ = _split(test, (" and ",))
        if all(_FALLBACK.fullmatch(p.strip()) for p in parts):
            wanted = []
            for part in parts:
                m = _FALLBACK.fullmatch(part.strip())
                assert m is not None
                wanted.append((self.variable(m.group(2)), bool(m.group(1))))
            return _Presences(tuple(wanted))
        if m := re.fullmatch(r"number\(xfi:identifier\(\$(\w+)\)\) eq number\(\$(\w+)\)", test):
            return _Identifier(self.variable(m.group(1)), self.variable(m.group(2)))
        if m := re.fullmatch(
            r"string\(xfi:identifier-scheme\(xfi:identifier\(\$(\w+)\)\)\) eq '([^']+)'", test
        ):
            return _Scheme(self.variable(m.group(1)), m.group(2))
        if m := re.fullmatch(
            r"local-name-from-QName\(xfi:unit-numerator\(xfi:unit\(\$(\w+)\)\)\) = (.+)", test
        ):
            return _Measure(self.variable(m.group(1)), self._operand(m.group(2)))
        if m := re.fullmatch(
            rf"xfi:fact-has-explicit-dimension-value\(\$(\w+),xs:QName\('({_QNAME})'\),"
            rf"xs:QName\('({_QNAME})'\)\)",
            test,
        ):
            return _Member(self.variable(m.group(1)), m.group(2), m.group(3))
        return _Compare(self._comparison(test))

    # expressions ---------------------------------------------------------------------
    def variable(self, reference: str) -> Variable:
        """The variable a test names: "$X"; "$Set03X", recorded as X; or the last part of
        a "varArc_<assertion>_<name>" QName, which may be the start of the recorded name
        (...ImpactComparatives for ...ImpactComparativesDescription)."""
        name = reference.lstrip("$").rpartition("_")[2]
        for candidate in (name, re.sub(r"^Set\d\d", "", name)):
            if candidate in self.by_name:
                return self.by_name[candidate]
        starting = [v for v in self.variables if v.name.startswith(name)]
        if len(starting) != 1:
            raise Uninterpretable(f"the test names {reference}, which is no recorded variable")
        return starting[0]

    def _operand(self, text: str) -> _Operand:
        text = _unwrap(text)
        if text == "current-date()":
            return _Operand(today=True)
        if re.fullmatch(r"'[^']*'", text):
            return _Operand(literal=text[1:-1])
        if re.fullmatch(r"\$\w+", text):
            return _Operand(var=self.variable(text))
        match = _DATE.fullmatch(text)
        if not match or _SHIFT.sub("", match.group(2)).strip():
            raise Uninterpretable(f"the operand {text!r}")
        shifts = tuple(
            (1 if sign == "+" else -1, int(years or 0), int(days or 0) + int(hours or 0) // 24)
            for sign, years, days, hours in _SHIFT.findall(match.group(2))
        )
        return _Operand(var=self.variable(match.group(1)), shifts=shifts)

    def _comparison(self, text: str) -> _Comparison:
        parts, op = _split(_unwrap(text), _COMPARISONS)
        if op is None or len(parts) != 2:
            raise Uninterpretable(f"{text!r} is not one comparison")
        op = op.strip()
        return _Comparison(self._operand(parts[0]), _SYNONYMS.get(op, op), self._operand(parts[1]))

    def _condition(self, text: str | None) -> _Condition | None:
        if not text:
            return None
        text = _unwrap(" ".join(text.split()))
        parts, joiner = _split(text, (" and ", " or "))
        if joiner and _split(text, (" or " if joiner == " and " else " and ",))[1]:
            raise Uninterpretable(f"the precondition {text!r} mixes 'and' and 'or'")
        return _Condition(tuple(self._atom(p) for p in parts), any_of=joiner == " or ")

    def _atom(self, text: str) -> _Comparison | _Presence | _OneMeasure:
        text = _unwrap(text)
        if m := re.fullmatch(r"(not\(empty|exists|empty)\(\$(\w+)\)\)?", text):
            return _Presence(self.variable(m.group(2)), present=m.group(1) != "empty")
        if m := re.fullmatch(r"count\(xfi:unit-numerator\(xfi:unit\(\$(\w+)\)\)\) = 1", text):
            return _OneMeasure(self.variable(m.group(1)))
        return self._comparison(text)

    # variables -----------------------------------------------------------------------
    def _variables(self, recorded: list[dict[str, Any]]) -> tuple[Variable, ...]:
        """The recorded variables with their filters resolved. One recorded as
        "ChildrenOfIncomeCredit/Debit" with "conceptBalance credit|debit" (micro's income
        statement, written once for two) becomes the two it stands for."""
        result: list[Variable] = []
        relation: tuple[str, tuple[str, ...]] | None = None  # for "conceptRelation (same)"
        pairs: list[tuple[str, str | None]]
        for spec in recorded:
            name = spec["name"]
            if "/" in name:
                credit, debit = name.split("/")
                pairs = [(credit, "credit"), (credit.removesuffix("Credit") + debit, "debit")]
            else:
                pairs = [(name, None)]
            for var_name, balance in pairs:
                var, relation = self._variable(spec, var_name, balance, relation)
                result.append(var)
        return tuple(result)

    def _variable(
        self,
        spec: dict[str, Any],
        name: str,
        balance: str | None,
        earlier: tuple[str, tuple[str, ...]] | None,
    ) -> tuple[Variable, tuple[str, tuple[str, ...]] | None]:
        filters = _Filters(name=name, balance=balance, earlier=earlier, children=self._children)
        for raw in spec.get("filters") or []:
            filters.read(raw)
        qnames, label_nl, label_en = filters.selection()
        if qnames is not None and filters.balance in ("credit", "debit"):
            qnames = _of_balance(qnames, filters.balance)
        var = Variable(
            name=name,
            concepts=None if qnames is None else frozenset(map(self._clark, qnames)),
            label_nl=label_nl,
            label_en=label_en,
            sequence=bool(spec.get("bindAsSequence")),
            fallback=spec.get("fallbackValue") == "()",
            uncovered=filters.uncovered,
            members=tuple(filters.members),
            without_axes=frozenset(filters.without),
            is_date=_all_dates(qnames),
        )
        return var, filters.relation or earlier

    def _clark(self, qname: str) -> str:
        prefix, _, name = qname.partition(":")
        if prefix not in self.namespaces:
            raise Uninterpretable(f"no namespace for {qname}")
        return f"{{{self.namespaces[prefix]}}}{name}"

    def _children(self, parent: str, linkrole: str, arcrole: str) -> tuple[str, ...]:
        """The concepts one step below ``parent`` in a linkrole of the entry point: along
        the ParentChildSummation arcs of its formula files, or in its presentation tree
        (arcrole parent-child)."""
        short = linkrole.rpartition(":")[2]
        model = nt.entry_point(self.variant)
        children: list[str] = []
        if arcrole.endswith("ParentChildSummation"):
            children = _summation_children(self.variant, parent, short)
        elif arcrole.endswith("parent-child"):
            rows = model.presentation.get(f"urn:kvk:linkrole:{short}", ())
            children = _presentation_children(rows, parent)
        if not children:
            raise Uninterpretable(f"no children of {parent} in {linkrole} ({arcrole})")
        # micro's summation arcs name the children by local name
        by_name = {_local(q): q for q in model.concepts}
        return tuple(dict.fromkeys(c if ":" in c else by_name.get(c, c) for c in children))


def _of_balance(qnames: tuple[str, ...], balance: str) -> tuple[str, ...]:
    """The concepts of a credit or debit balance among ``qnames``."""
    concepts = nt.concepts()
    return tuple(q for q in qnames if q in concepts and nt.concept(q).balance == balance)


def _all_dates(qnames: tuple[str, ...] | None) -> bool:
    """Whether ``qnames`` are concepts, all of them dates."""
    concepts = nt.concepts()
    return bool(qnames) and all(q in concepts and nt.concept(q).is_date for q in qnames or ())


def _summation_children(variant: str, parent: str, short: str) -> list[str]:
    """The items of ``parent`` along the ParentChildSummation arcs of the variant's
    formula files of the linkrole ending in ``short``."""
    children: list[str] = []
    for record in nt.formula_files(variant):
        arcs = record.get("arcs")
        if not isinstance(arcs, dict) or not str(record.get("role")).endswith(f":{short}"):
            continue
        for total, items in arcs.items():
            if _local(total) == _local(parent):
                children += [str(item).partition(" (")[0] for item in items]
    return children


def _presentation_children(rows: Sequence[nt.Row], parent: str) -> list[str]:
    """The concepts one level below each occurrence of ``parent`` in a presentation tree
    (rows of depth, concept, label)."""
    children: list[str] = []
    for index, (depth, qname, _label) in enumerate(rows):
        if qname != parent:
            continue
        for below_depth, below, _ in rows[index + 1 :]:
            if below_depth <= depth:
                break
            if below_depth == depth + 1:
                children.append(below)
    return children


Relation = tuple[str, tuple[str, ...]]  # (parent, children) of a conceptRelation filter


@dataclass
class _Filters:
    """What the recorded filters of one variable say, read one by one (``read``)."""

    name: str
    balance: str | None  # "credit" or "debit" of a variable written once for two
    earlier: Relation | None  # the relation of the variable before, for "(same)"
    children: Callable[[str, str, str], tuple[str, ...]]  # _Compiler._children
    qnames: tuple[str, ...] | None = None
    relation: Relation | None = None
    data_type: str | None = None
    members: list[tuple[str, str | None]] = field(default_factory=list)
    without: set[str] = field(default_factory=set)
    uncovered: frozenset[str] = _ASPECTS

    def read(self, raw: str) -> None:
        """Take one filter in; Uninterpretable when none of _FILTER_READERS reads it."""
        text = _ORDER.sub("", raw).strip()
        for pattern, reader in _FILTER_READERS:
            match = pattern.fullmatch(text)
            if match and reader(self, match):
                return
        raise Uninterpretable(f"{self.name}: the filter {raw!r}")

    def concept_name(self, m: re.Match[str]) -> bool:
        self.qnames = (m.group(1),)
        return True

    def either_concept_name(self, m: re.Match[str]) -> bool:
        self.qnames = (m.group(1), m.group(2))
        return True

    def concept_balance(self, m: re.Match[str]) -> bool:
        self.balance = self.balance or m.group(1)
        return True

    def explicit_dimension(self, m: re.Match[str]) -> bool:
        self.members.append((_local(m.group(1)), _local(m.group(2)) if m.group(2) else None))
        return True

    def without_dimension(self, m: re.Match[str]) -> bool:
        self.without.add(_local(m.group(1)))
        return True

    def child_of(self, m: re.Match[str]) -> bool:
        self.relation = (m.group(1), self.children(m.group(1), m.group(2), m.group(3)))
        return True

    def same_relation(self, m: re.Match[str]) -> bool:
        """The relation of the variable before; not read when there is none."""
        if self.earlier is None:
            return False
        self.relation = self.earlier
        return True

    def aspect_cover(self, m: re.Match[str]) -> bool:
        covered = {a.strip() for a in m.group(1).split(",")}
        if not covered <= _ASPECTS | {"all"}:
            raise Uninterpretable(f"{self.name}: aspectCover {m.group(1)}")
        self.uncovered = frozenset() if "all" in covered else _ASPECTS - covered
        return True

    def any_item(self, m: re.Match[str]) -> bool:
        self.qnames = None
        return True

    def concept_data_type(self, m: re.Match[str]) -> bool:
        self.data_type = m.group(1)
        return True

    def selection(self) -> tuple[tuple[str, ...] | None, str, str]:
        """The concepts the filters let through (None: any item), and how findings name
        them in Dutch and English."""
        if self.relation is not None:
            parent = self.relation[0]
            return self.relation[1], f"de posten van {parent}", f"the items of {parent}"
        if self.data_type is not None:
            data_type = self.data_type
            return (
                _of_data_type(data_type),
                f"een feit van type {data_type}",
                f"a fact of type {data_type}",
            )
        if self.qnames is None:
            return None, "elk feit", "every fact"
        label_nl, label_en = " of ".join(self.qnames), " or ".join(self.qnames)
        given = [member for _axis, member in self.members if member]
        if given:  # e.g. the consolidated and the separate appropriation flag
            label_nl, label_en = (f"{label} ({', '.join(given)})" for label in (label_nl, label_en))
        return self.qnames, label_nl, label_en


#: The filters a variable may have, in the order they are tried, each with the method of
#: _Filters that reads it (False: not read after all, the next one is tried).
_FILTER_READERS: tuple[tuple[re.Pattern[str], Callable[[_Filters, re.Match[str]], bool]], ...] = (
    (re.compile(rf"conceptName ({_QNAME})"), _Filters.concept_name),
    (
        re.compile(rf"orFilter\( conceptName ({_QNAME}) , conceptName ({_QNAME}) \)"),
        _Filters.either_concept_name,
    ),
    (re.compile(r"conceptBalance (credit|debit|credit\|debit)"), _Filters.concept_balance),
    (
        re.compile(rf"explicitDimension ({_QNAME})(?: = ({_QNAME}))?( \(no member given\))?"),
        _Filters.explicit_dimension,
    ),
    (
        re.compile(
            rf"complement=true cover=false: (?:explicit|typed)Dimension ({_QNAME})"
            r"( \(no member given\))?"
        ),
        _Filters.without_dimension,
    ),
    (
        re.compile(
            rf"conceptRelation child of ({_QNAME}), linkrole (\S+), arcrole (\S+)"
            r"( \(presentation\))?"
        ),
        _Filters.child_of,
    ),
    (re.compile(r"conceptRelation \(same( as \w+)?\)"), _Filters.same_relation),
    (re.compile(r"aspectCover ([\w, ]+?)( \(.*\))?"), _Filters.aspect_cover),
    (re.compile(r"conceptSubstitutionGroup xbrli:item( \(strict false\))?"), _Filters.any_item),
    (
        re.compile(r"conceptDataType (\S+)( \(strict false\))?( \[.*\])?"),
        _Filters.concept_data_type,
    ),
)


def _local(qname: str) -> str:
    return qname.rpartition(":")[2]


def _of_data_type(data_type: str) -> tuple[str, ...]:
    """The concepts of a conceptDataType filter (see the module docstring)."""

    def shares(c: nt.Concept) -> bool:
        return any(t.endswith("sharesItemType") for t in c.base_types)

    def other_decimal(c: nt.Concept) -> bool:
        numeric = c.is_numeric or any("integer" in t.lower() for t in c.base_types)
        return numeric and not c.is_monetary and not shares(c)

    tests = {"xbrli:monetary": lambda c: c.is_monetary, "xbrli:shares": shares}
    test = tests.get(data_type, other_decimal if data_type == "xs:decimal" else None)
    if test is None:
        raise Uninterpretable(f"the data type {data_type}")
    return tuple(qname for qname, c in nt.concepts().items() if test(c))


# --- the checkers ------------------------------------------------------------------------
class _Test(Protocol):
    def failures(self, assertion: Assertion, env: _Env) -> Iterator[Failure]: ...


@dataclass(frozen=True)
class Assertion:
    id: str
    severity: str  # kvk.xhtml.ERROR or WARNING
    source: str  # the formula file
    variables: tuple[Variable, ...]
    #: the axes its explicitDimension filters name (implicit filtering leaves them out)
    covered_axes: frozenset[str]
    precondition: _Condition | None
    test: _Test

    def evaluations(self, env: _Env, one_per_context: Variable | None = None) -> Iterator[Binding]:
        condition = self.precondition
        return env.facts.evaluations(
            self.variables,
            self.covered_axes,
            precondition=None if condition is None else lambda b: condition.holds(b, env),
            needs=condition.needs if condition else frozenset(),
            one_per_context=one_per_context,
        )

    @functools.cached_property
    def because(self) -> tuple[str, str]:
        """Why it applies, as the end of a sentence ("" when it always does)."""
        reason = self.precondition.reason() if self.precondition else None
        return (f", omdat {reason[0]}", f", because {reason[1]}") if reason else ("", "")


@dataclass(frozen=True)
class _Existence:
    """How many facts (evaluations) there are: at least one, exactly one, at most one."""

    var: Variable
    op: str  # ">=", "==", "<="

    def failures(self, assertion: Assertion, env: _Env) -> Iterator[Failure]:
        found = env.facts.matching(self.var)
        n = len(found)
        if {">=": n >= 1, "==": n == 1, "<=": n <= 1}[self.op]:
            return
        what_nl, what_en = self.var.label_nl, self.var.label_en
        if len(self.var.concepts or ()) > 1:
            what_nl, what_en = f"één van {what_nl}", f"one of {what_en}"
        wanted_nl, wanted_en = {
            ">=": ("ten minste één keer", "at least once"),
            "==": ("precies één keer", "exactly once"),
            "<=": ("hoogstens één keer", "at most once"),
        }[self.op]
        yield Failure(
            f"De KvK vraagt {what_nl} {wanted_nl}; het document heeft er {n}",
            f"The KvK asks for {what_en} {wanted_en}; the document has {n}",
            found[1].line if n > 1 else env.facts.inst.root.sourceline,
        )


@dataclass(frozen=True)
class _SignedSum:
    """result = the signed sum of the terms (a sequence term adds all its facts, a single
    one its fact or nothing)."""

    result: Variable
    terms: tuple[tuple[int, Variable], ...]

    def failures(self, assertion: Assertion, env: _Env) -> Iterator[Failure]:
        for binding in assertion.evaluations(env):
            [total_fact] = binding[self.result.name]
            total = _number(total_fact.value)
            parts = [
                (sign, f, _number(f.value)) for sign, var in self.terms for f in binding[var.name]
            ]
            if total is None or any(value is None for _s, _f, value in parts):
                continue  # not a number: DEP-VALUE's
            expected = sum((sign * (value or 0) for sign, _f, value in parts), Decimal(0))
            if expected == total:
                continue
            items = " ".join(f"{'+-'[sign < 0]} {f.qname} {value}" for sign, f, value in parts)
            period = _period(env, total_fact)
            yield Failure(
                f"{total_fact.qname} ({period}) is {total}, maar de som is {expected}: {items}",
                f"{total_fact.qname} ({period}) is {total}, but the sum is {expected}: {items}",
                total_fact.line,
            )


@dataclass(frozen=True)
class _Presences:
    """xff:has-fallback-value: each variable must bind facts (required) or none
    (forbidden) where the others bind and the precondition holds."""

    wanted: tuple[tuple[Variable, bool], ...]  # (variable, required)

    def because(self, assertion: Assertion) -> tuple[str, str]:
        """The precondition, or else the variable whose fact makes it apply."""
        if assertion.because[0]:
            return assertion.because
        checked = {var.name for var, _required in self.wanted}
        given = [v for v in assertion.variables if v.name not in checked]
        if not given:
            return "", ""
        return f", omdat er {given[0].label_nl} is", f", because {given[0].label_en} is reported"

    def failures(self, assertion: Assertion, env: _Env) -> Iterator[Failure]:
        for binding in assertion.evaluations(env):
            for var, required in self.wanted:
                bound = binding[var.name]
                if required == bool(bound):
                    continue
                nl_reason, en_reason = self.because(assertion)
                if required:
                    anchor = _first(binding)
                    yield Failure(
                        f"{var.label_nl} ontbreekt; de KvK vraagt het{nl_reason}",
                        f"{var.label_en} is missing; the KvK requires it{en_reason}",
                        anchor.line if anchor else env.facts.inst.root.sourceline,
                    )
                else:
                    yield Failure(
                        f"{var.label_nl} mag er niet zijn{nl_reason}",
                        f"{var.label_en} must not be reported{en_reason}",
                        bound[0].line,
                    )


@dataclass(frozen=True)
class _Compare:
    comparison: _Comparison

    def failures(self, assertion: Assertion, env: _Env) -> Iterator[Failure]:
        for binding in assertion.evaluations(env):
            if self.comparison.holds(binding, env) is False:
                nl_reason, en_reason = assertion.because
                nl, en = self.comparison.broken(binding, env)
                first = _first(binding)
                yield Failure(nl + nl_reason, en + en_reason, first.line if first else None)


@dataclass(frozen=True)
class _Identifier:
    """number(xfi:identifier($AllItems)) eq number($Number): per context."""

    items: Variable
    number: Variable

    def failures(self, assertion: Assertion, env: _Env) -> Iterator[Failure]:
        for binding, fact in _per_context(assertion, env, self.items):
            [number_fact] = binding[self.number.name]
            ctx = env.facts.context_of(fact)
            mine, theirs = _number(ctx.identifier), _number(number_fact.value)
            if mine is not None and mine == theirs:
                continue
            number = number_fact.value.strip()
            yield _in_context(
                ctx,
                f"de identifier {ctx.identifier!r} is niet het KvK-nummer "
                f"{number!r} van {self.number.label_nl}",
                f"the identifier {ctx.identifier!r} is not the KvK number "
                f"{number!r} of {self.number.label_en}",
            )


@dataclass(frozen=True)
class _Scheme:
    """string(xfi:identifier-scheme(xfi:identifier($AllItems))) eq '<scheme>': per context."""

    items: Variable
    scheme: str

    def failures(self, assertion: Assertion, env: _Env) -> Iterator[Failure]:
        for _binding, fact in _per_context(assertion, env, self.items):
            ctx = env.facts.context_of(fact)
            if ctx.scheme != self.scheme:
                yield _in_context(
                    ctx,
                    f"het schema van de identifier is {ctx.scheme!r}; "
                    f"de KvK vraagt {self.scheme!r}",
                    f"the identifier scheme is {ctx.scheme!r}; the KvK requires {self.scheme!r}",
                )


@dataclass(frozen=True)
class _Measure:
    """local-name-from-QName(xfi:unit-numerator(xfi:unit($X))) = 'name' or $Y: per unit."""

    items: Variable
    expected: _Operand

    def failures(self, assertion: Assertion, env: _Env) -> Iterator[Failure]:
        for binding, fact in _per_context(assertion, env, self.items):
            unit = env.facts.units.get(fact.unit_ref or "")
            if unit is None:
                continue  # DEP-REFERENCE's
            numerator = env.facts.numerator(fact)
            wanted = self.expected.value(binding, env)
            if numerator == [wanted]:
                continue
            shown = " ".join(numerator) or "-"
            nl, en = self.expected.label()
            if self.expected.var is not None:
                nl, en = f"{wanted!r} ({nl})", f"{wanted!r} ({en})"
            yield Failure(
                f"Eenheid {unit.id!r} van {fact.qname} heeft maat {shown}; de KvK vraagt {nl}",
                f"Unit {unit.id!r} of {fact.qname} has measure {shown}; the KvK requires {en}",
                unit.line,
                group=unit.id,
            )


@dataclass(frozen=True)
class _Member:
    """xfi:fact-has-explicit-dimension-value($AllItems, axis, member): per context."""

    items: Variable
    axis: str
    member: str

    def failures(self, assertion: Assertion, env: _Env) -> Iterator[Failure]:
        nl_reason, en_reason = assertion.because
        for _binding, fact in _per_context(assertion, env, self.items):
            given = env.facts.dimensions(fact.context_ref or "").get(_local(self.axis))
            if given == _local(self.member):
                continue
            yield _in_context(
                env.facts.context_of(fact),
                f"{self.axis} is {given}; de KvK vraagt {self.member}{nl_reason}",
                f"{self.axis} is {given}; the KvK requires {self.member}{en_reason}",
            )
