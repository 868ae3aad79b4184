"""The rules on contexts (CONTEXT, CONTEXT_DATE, DATED_CONTEXT) and units (UNIT, UNITS)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Generic, NamedTuple, TypeVar

from kvk import formulas
from kvk import taxonomy as tx
from kvk.parser import Context, Unit
from kvk.rules.registry import Stage, Subject, bound, rule, run_bound, run_each, run_once
from kvk.rules.report import Emit, Report

_STANDARD_UNIT_NAMESPACES = frozenset({tx.ISO4217})
_STANDARD_UNITS = frozenset({f"{{{tx.XBRLI}}}pure", f"{{{tx.XBRLI}}}shares"})


class ContextDate(NamedTuple):
    """One date of a context's period as written, and the parser's reading of it (None
    when it is not a valid date)."""

    context: Context
    text: str
    parsed: date | None


def run(report: Report, s: Subject) -> None:
    """Every context (the checks of a period only where it is no 'forever' period), then
    every unit."""
    on_context = bound(report, Stage.CONTEXT)
    on_date = bound(report, Stage.CONTEXT_DATE)
    on_dated = bound(report, Stage.DATED_CONTEXT)
    for ctx in s.inst.context_list:
        run_bound(on_context, s, ctx)
        if ctx.period_type == "forever":
            continue
        for item in _dates(ctx):
            run_bound(on_date, s, item)
        run_bound(on_dated, s, ctx)
    run_each(report, Stage.UNIT, s, s.inst.unit_list)
    run_once(report, Stage.UNITS, s)


def _dates(ctx: Context) -> list[ContextDate]:
    written = (
        (ctx.start_text, ctx.start),
        (ctx.end_text, ctx.end),
        (ctx.instant_text, ctx.instant),
    )
    return [ContextDate(ctx, text, parsed) for text, parsed in written if text is not None]


def kvk_number_ok(value: str | None) -> bool:
    if not value:
        return False
    return len(value) == 8 and value.isdigit() and not value.startswith("00")


# --- the first of each id and of each content --------------------------------------------
Item = TypeVar("Item", Context, Unit)


@dataclass(frozen=True)
class Firsts(Generic[Item]):
    """The first context or unit of each id and of each content (a context's fingerprint,
    a unit's measures): any other is a duplicate."""

    by_id: dict[str, Item]
    by_content: dict[tuple, Item]
    #: each id -> the id of the first item with the content of the first item of that id
    same_as: dict[str, str]


def _firsts(items: Iterable[Item], content: Callable[[Item], tuple]) -> Firsts[Item]:
    by_id: dict[str, Item] = {}
    by_content: dict[tuple, Item] = {}
    for item in items:
        by_id.setdefault(item.id, item)
        by_content.setdefault(content(item), item)
    same_as = {item_id: by_content[content(item)].id for item_id, item in by_id.items()}
    return Firsts(by_id, by_content, same_as)


def first_contexts(s: Subject) -> Firsts[Context]:
    return _firsts(s.inst.context_list, lambda ctx: ctx.fingerprint)


def first_units(s: Subject) -> Firsts[Unit]:
    return _firsts(s.inst.unit_list, lambda unit: unit.measures)


# --- contexts ------------------------------------------------------------------------------
@rule("FR-NL-3.04", Stage.CONTEXT)
def _unique_context_id(emit: Emit, s: Subject, ctx: Context) -> None:
    if s.shared(first_contexts).by_id[ctx.id] is not ctx:
        emit(
            f"Context-id {ctx.id!r} komt meer dan eens voor (regel {ctx.line}).",
            f"Context id {ctx.id!r} occurs more than once (line {ctx.line}).",
            ctx.line,
        )


@rule("FR-NL-3.04", Stage.CONTEXT)
def _unique_context(emit: Emit, s: Subject, ctx: Context) -> None:
    first = s.shared(first_contexts).by_content[ctx.fingerprint]
    if first is not ctx:
        emit(
            f"Context {ctx.id!r} is gelijk aan context {first.id!r}; gebruik één context.",
            f"Context {ctx.id!r} duplicates context {first.id!r}; use one context.",
            ctx.line,
        )


def _used_contexts(s: Subject) -> set[str | None]:
    return {f.context_ref for f in s.inst.facts}


@rule("FR-NL-3.03", Stage.CONTEXT)
def _used_context(emit: Emit, s: Subject, ctx: Context) -> None:
    if ctx.id not in s.shared(_used_contexts):
        emit(
            f"Context {ctx.id!r} wordt door geen enkel feit gebruikt; verwijder hem.",
            f"Context {ctx.id!r} is not used by any fact; remove it.",
            ctx.line,
        )


@rule("FR-NL-3.02", Stage.CONTEXT)
def _not_forever(emit: Emit, s: Subject, ctx: Context) -> None:
    if ctx.period_type == "forever":
        emit(
            f"Context {ctx.id!r} heeft een 'forever'-periode; dat is niet toegestaan.",
            f"Context {ctx.id!r} has a 'forever' period; that is not allowed.",
            ctx.line,
        )


@rule("FR-NL-3.01", Stage.CONTEXT_DATE)
def _date_without_time(emit: Emit, s: Subject, item: ContextDate) -> None:
    ctx_id, text = item.context.id, item.text
    if "T" in text or ":" in text:
        emit(
            f"Context {ctx_id!r}: de datum {text!r} bevat een tijd; gebruik alleen JJJJ-MM-DD.",
            f"Context {ctx_id!r}: the date {text!r} contains a time; use YYYY-MM-DD only.",
            item.context.line,
        )


@rule("BR-KVK-4.20", Stage.CONTEXT_DATE)
def _valid_context_date(emit: Emit, s: Subject, item: ContextDate) -> None:
    if item.parsed is None:
        ctx_id, text = item.context.id, item.text
        emit(
            f"Context {ctx_id!r}: {text!r} is geen geldige datum (JJJJ-MM-DD).",
            f"Context {ctx_id!r}: {text!r} is not a valid date (YYYY-MM-DD).",
            item.context.line,
        )


@rule("DEP-IDENTIFIER", Stage.DATED_CONTEXT)
def _context_identifier(emit: Emit, s: Subject, ctx: Context) -> None:
    """A KvK number of 8 digits in the KvK's scheme, equal to the document's KvK number.
    Where the extract records the entry point's formulas, the scheme and the equality are
    the KvK's own assertions (AllEqualToIdentifierScheme1, AllEqualToIdentifier1:
    kvk.formulas)."""
    inst = s.inst
    own = not formulas.applies(inst.entry_point_variant)
    if (own and ctx.scheme != tx.KVK_ID_SCHEME) or not kvk_number_ok(ctx.identifier):
        emit(
            f"Context {ctx.id!r}: de identifier moet schema {tx.KVK_ID_SCHEME} hebben en "
            f"een KvK-nummer van 8 cijfers zijn (nu {ctx.scheme!r}, {ctx.identifier!r}).",
            f"Context {ctx.id!r}: the identifier must use scheme {tx.KVK_ID_SCHEME} and be "
            f"an 8-digit KvK number (now {ctx.scheme!r}, {ctx.identifier!r}).",
            ctx.line,
        )
    elif own and inst.kvk_number and ctx.identifier != inst.kvk_number:
        emit(
            f"Context {ctx.id!r}: identifier {ctx.identifier} wijkt af van het KvK-nummer "
            f"{inst.kvk_number} in het document.",
            f"Context {ctx.id!r}: identifier {ctx.identifier} differs from KvK number "
            f"{inst.kvk_number} in the document.",
            ctx.line,
        )


@dataclass(frozen=True)
class _Periods:
    """BR-KVK-2.04's periods: the current year and, unless this is a first financial year
    without comparatives, the previous one; instants at the current end and the day
    before each start."""

    durations: set[tuple[date | None, date | None]]
    instants: set[date | None]
    years_nl: str
    years_en: str


def _periods(s: Subject) -> _Periods | None:
    """None when the current period is not known."""
    inst = s.inst
    start, end = inst.period_start, inst.period_end
    pstart, pend = inst.previous_start, inst.previous_end
    if start is None or end is None:
        return None
    if pstart is None or pend is None:
        return _Periods(
            durations={(start, end)},
            instants={end, start - timedelta(days=1)},
            years_nl=f"het huidige boekjaar ({start} .. {end}; er is geen vorig boekjaar)",
            years_en=f"the current financial year ({start} .. {end}; there is no previous year)",
        )
    return _Periods(
        durations={(start, end), (pstart, pend)},
        instants={end, start - timedelta(days=1), pstart - timedelta(days=1)},
        years_nl=f"het huidige of vorige boekjaar ({start} .. {end}, {pstart} .. {pend})",
        years_en=f"the current or previous financial year ({start} .. {end}, {pstart} .. {pend})",
    )


@rule("BR-KVK-2.04", Stage.DATED_CONTEXT)
def _reporting_period(emit: Emit, s: Subject, ctx: Context) -> None:
    periods = s.shared(_periods)
    if periods is None:
        return
    if ctx.period_type == "instant":
        ok = ctx.instant in periods.instants
    else:
        ok = (ctx.start, ctx.end) in periods.durations
    if not ok:
        shown = ctx.instant_text or f"{ctx.start_text} .. {ctx.end_text}"
        emit(
            f"Context {ctx.id!r} heeft periode {shown}; alleen {periods.years_nl} of de "
            "balansdata daarvan zijn toegestaan.",
            f"Context {ctx.id!r} has period {shown}; only {periods.years_en} or its balance "
            "sheet dates are allowed.",
            ctx.line,
        )


# --- units -----------------------------------------------------------------------------------
@rule("FR-NL-4.01", Stage.UNIT)
def _unique_unit(emit: Emit, s: Subject, unit: Unit) -> None:
    first = s.shared(first_units)
    other = first.by_content[unit.measures]
    if first.by_id[unit.id] is not unit or other is not unit:
        emit(
            f"Eenheid {unit.id!r} is een dubbele van eenheid {other.id!r}.",
            f"Unit {unit.id!r} duplicates unit {other.id!r}.",
            unit.line,
        )


def _used_units(s: Subject) -> set[str | None]:
    return {f.unit_ref for f in s.inst.facts}


@rule("FR-NL-4.02", Stage.UNIT)
def _used_unit(emit: Emit, s: Subject, unit: Unit) -> None:
    if unit.id not in s.shared(_used_units):
        emit(
            f"Eenheid {unit.id!r} wordt door geen enkel feit gebruikt; verwijder haar.",
            f"Unit {unit.id!r} is not used by any fact; remove it.",
            unit.line,
        )


def _measures(unit: Unit) -> list[tuple[str, str]]:
    """(namespace, measure in Clark notation) of a unit's measures, numerator and
    denominator alike."""
    result = []
    for measure in unit.measures:
        bare = measure.lstrip("/")
        result.append((bare[1:].partition("}")[0] if bare.startswith("{") else "", bare))
    return result


@rule("FG-NL-11", Stage.UNIT)
def _standard_units(emit: Emit, s: Subject, unit: Unit) -> None:
    for ns, bare in _measures(unit):
        if ns not in _STANDARD_UNIT_NAMESPACES and bare not in _STANDARD_UNITS:
            emit(
                f"Eenheid {unit.id!r} gebruikt maat {bare!r}; gebruik standaardeenheden "
                "(iso4217, xbrli:pure, xbrli:shares).",
                f"Unit {unit.id!r} uses measure {bare!r}; use standard units "
                "(iso4217, xbrli:pure, xbrli:shares).",
                unit.line,
            )


@rule("BR-KVK-3.01", Stage.UNITS)
def _one_currency(emit: Emit, s: Subject) -> None:
    units = s.inst.unit_list
    currencies = {bare for unit in units for ns, bare in _measures(unit) if ns == tx.ISO4217}
    if len(currencies) != 1:
        found = ", ".join(sorted(c.rpartition("}")[2] for c in currencies)) or "geen/none"
        emit(
            f"Het document moet precies één valuta (iso4217) gebruiken; gevonden: {found}.",
            f"The document must use exactly one currency (iso4217); found: {found}.",
            units[0].line if units else s.inst.root.sourceline,
        )
