"""What the official Nederlandse Taxonomie allows, read from the NT19 extract in ``kvk/nt19/``.

The JSON files in ``kvk/nt19/`` are the facts read file by file from the official NT19
files (kvk/jenv/rj 20241211, sbr 20240301) for the KvK micro and klein entry points; each
record names the file and commit it was read from (see ``kvk/nt19/README.md``). This module
turns them into the tables the product works with, so nothing here is a hand-kept list:

- ``concepts()``: every concept declaration met (prefix, type, period type, balance);
- ``type_facets(type)``: an item type's enumeration, length, pattern, resolved through its
  base types as far as the extract has them;
- ``entry_point(variant)``: per entry point its linkroles, the line items of each role and
  the closed hypercube each role puts on them (explicit axes with their usable members,
  typed axes with their member element), and the presentation trees.

Where the extract has a gap it stays a gap: ``EntryPoint.complete`` says whether the entry
point's own linkbase list was read in full, ``GAPS`` lists what the builder and the rules
therefore leave alone, and klein-verticaal (not read) has no model at all.

Concepts are named ``prefix:LocalName`` with the prefixes of the extract (``nl-cd``,
``jenv-bw2-i``, ``kvk-i``, ``rj-i``, ``rj-cp-i``, ...). The namespace of a prefix depends
on the generation (``kvk.taxonomy.Generation.namespaces``); NT20 and NT21 carry NT19's
concepts over with their own namespace dates (derived, not read: see kvk/taxonomy.py).
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

DATA = Path(__file__).resolve().parent / "nt19"
_FILES = (
    "nt19-kvk-micro-klein.json",
    "nt19-kvk-klein.json",
    "nt19-kvk-supplement.json",
    "nt19-kvk-klein-formulas.json",
)
_DIM = "http://xbrl.org/int/dim/arcrole/"
LINE_ITEMS = "sbr-dim:ValidationLineItems"
RELEASE_FILE_PREFIX = "kvk-rpt-jaarverantwoording-2024-nlgaap-"

#: What the extract does not cover, and how the product handles it (README, docs).
GAPS = MappingProxyType(
    {
        "klein-verticaal": "the klein-verticaal entry points were not read; this product "
        "does not build them (a received one is checked by the filing rules only)",
        "klein-notes": "of klein's notes only the general notes and the general accounting "
        "principles roles were read; other klein notes are not built",
        "foreign-address": "the builder writes a Dutch address only (nl-cd:*NL); the "
        "foreign address concepts are known but not offered",
        "currency-codes": "the ISO 4217 value list of DocumentPresentationCurrency was not "
        "read; EUR is recorded as a member of it (nt19-kvk-klein-formulas.json answers)",
    }
)


@functools.cache
def _load(name: str) -> dict[str, Any]:
    return json.loads((DATA / name).read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def index() -> dict[str, Any]:
    return _load("nt19-index.json")


# --- concepts and types -----------------------------------------------------------------
@dataclass(frozen=True)
class Concept:
    prefix: str
    name: str
    type: str  # "nl-types:monetaryNoDecimals20ItemType"
    period_type: str  # "instant" | "duration"
    balance: str | None  # "debit" | "credit" | None
    abstract: bool
    substitution_group: str
    typed_domain_ref: str | None = None

    @property
    def qname(self) -> str:
        return f"{self.prefix}:{self.name}"

    @property
    def base_types(self) -> tuple[str, ...]:
        """The type and its base types, as far as the extract records them."""
        return base_chain(self.type)

    @property
    def is_monetary(self) -> bool:
        return any("monetary" in t.lower() for t in self.base_types)

    @property
    def is_date(self) -> bool:
        return "xbrli:dateItemType" in self.base_types

    @property
    def is_formatted(self) -> bool:
        return "nl-types:formattedExplanationItemType" in self.base_types

    @property
    def is_numeric(self) -> bool:
        return self.is_monetary or any(
            t.endswith(("decimalItemType", "DecimalItemType", "Decimal20ItemType"))
            for t in self.base_types
        )

    @property
    def enumeration(self) -> tuple[str, ...] | None:
        return type_facets(self.type).get("enumeration")


@functools.cache
def concepts() -> MappingProxyType[str, Concept]:
    result = {}
    for qname, decl in index()["concepts"].items():
        prefix, _, name = qname.partition(":")
        result[qname] = Concept(
            prefix=prefix,
            name=name,
            type=decl.get("type", ""),
            period_type=decl.get("periodType", ""),
            balance=decl.get("balance"),
            abstract=str(decl.get("abstract", "false")).lower() == "true",
            substitution_group=decl.get("substitutionGroup", ""),
            typed_domain_ref=decl.get("xbrldt:typedDomainRef"),
        )
    return MappingProxyType(result)


def concept(qname: str) -> Concept:
    try:
        return concepts()[qname]
    except KeyError:
        raise LookupError(f"{qname} is not a concept of the NT19 extract") from None


def base_chain(type_name: str) -> tuple[str, ...]:
    chain = []
    seen = set()
    current: str | None = type_name
    types = index()["types"]
    while current and current not in seen:
        seen.add(current)
        chain.append(current)
        current = (types.get(current) or {}).get("base")
    return tuple(chain)


#: The facets of an XML Schema restriction the extract records for a type (also what
#: kvk.arelle_package writes into its schemas).
FACETS = (
    "enumeration",
    "length",
    "minLength",
    "maxLength",
    "pattern",
    "totalDigits",
    "fractionDigits",
    "minInclusive",
)


@functools.cache
def type_facets(type_name: str) -> dict[str, Any]:
    """The facets of a type, the nearest restriction winning (enumerations as tuples)."""
    types = index()["types"]
    facets: dict[str, Any] = {}
    for name in base_chain(type_name):
        for key in FACETS:
            value = (types.get(name) or {}).get(key)
            if value is not None and key not in facets:
                facets[key] = tuple(value) if isinstance(value, list) else value
    return facets


# --- entry points, roles and hypercubes ---------------------------------------------------
@dataclass(frozen=True)
class Axis:
    qname: str
    #: explicit axis: the usable members; typed axis: empty
    members: frozenset[str] = frozenset()
    #: typed axis: the element that carries the member value
    typed_member: str | None = None

    @property
    def is_typed(self) -> bool:
        return self.typed_member is not None


@dataclass(frozen=True)
class Role:
    uri: str
    line_items: tuple[str, ...]
    #: the axes of the role's hypercube; () with ``closed`` means no dimensions at all
    axes: tuple[Axis, ...]
    closed: bool
    has_hypercube: bool

    @property
    def short(self) -> str:
        return self.uri.rpartition(":")[2]


@dataclass(frozen=True)
class EntryPoint:
    variant: str
    file_name: str
    #: the entry point's own linkbase list was read in full
    complete: bool
    roles: tuple[Role, ...]
    #: linkrole -> [(depth, concept, preferred label role)], in the taxonomy's order
    presentation: MappingProxyType[str, tuple[tuple[int, str, str | None], ...]]

    @functools.cached_property
    def concepts(self) -> frozenset[str]:
        return frozenset(c for role in self.roles for c in role.line_items)

    def roles_of(self, qname: str) -> tuple[Role, ...]:
        return tuple(role for role in self.roles if qname in role.line_items)

    def role(self, short: str) -> Role:
        for role in self.roles:
            if role.short == short:
                return role
        raise LookupError(f"{self.variant} has no role {short!r} in the extract")

    def line_items(self, short: str) -> tuple[str, ...]:
        """A role's line items in presentation order (definition order for the rest)."""
        items = self.role(short).line_items
        order = [c for _, c, _ in self.presentation.get(f"urn:kvk:linkrole:{short}", ())]
        ranked = [c for c in order if c in items]
        return tuple(dict.fromkeys(ranked + list(items)))


def _entry_point_records(file_name: str) -> list[dict[str, Any]]:
    records = []
    for name in _FILES:
        record = (_load(name).get("entrypoints") or {}).get(file_name)
        if isinstance(record, dict):
            records.append(record)
    return records


def _linkbases(records: list[dict[str, Any]], kind: str) -> list[str]:
    files: list[str] = []
    for record in records:
        for key, value in record.items():
            if key.startswith(kind) and isinstance(value, list):
                files += [v.rpartition("/")[2] for v in value if isinstance(v, str)]
    return list(dict.fromkeys(files))


@functools.cache
def _linkbase_roles(section: str) -> dict[str, dict[str, Any]]:
    """Linkbase file name -> its roles, from the ``section`` ("dimensions",
    "presentation") of the extract's files (the first file that has it wins)."""
    merged: dict[str, dict[str, Any]] = {}
    for name in _FILES:
        for file_name, roles in (_load(name).get(section) or {}).items():
            merged.setdefault(file_name, roles)
    return merged


def _typed_member(axis_qname: str) -> str | None:
    ref = concepts()[axis_qname].typed_domain_ref if axis_qname in concepts() else None
    if not ref:
        return None
    element_id = ref.partition("#")[2]  # "jenv-bw2-dm_ManagingOr...TypedMember"
    prefix, _, name = element_id.partition("_")
    return f"{prefix}:{name}"


Arc = dict[str, Any]  # a definition arc as the extract records it
Row = tuple[int, str, str | None]  # a presentation row: depth, concept, preferred label


def _build_entry_point(variant: str) -> EntryPoint:
    file_name = f"{RELEASE_FILE_PREFIX}{variant}.xsd"
    records = _entry_point_records(file_name)
    definition_files = _linkbases(records, "definition")
    if not definition_files:
        raise LookupError(f"the NT19 extract has no linkbases of entry point {variant}")
    arcs_by_role = _arcs_by_role(definition_files)
    roles = [
        role
        for role_uri, arcs in arcs_by_role.items()
        if (role := _role(role_uri, arcs, arcs_by_role)) is not None
    ]
    return EntryPoint(
        variant=variant,
        file_name=file_name,
        complete=any(r.get("complete") is True for r in records),
        roles=tuple(roles),
        presentation=_presentation(records),
    )


def _arcs_by_role(definition_files: list[str]) -> dict[str, list[Arc]]:
    """The definition arcs of the entry point's linkbases, by role."""
    arcs_by_role: dict[str, list[Arc]] = {}
    linkbases = _linkbase_roles("dimensions")
    for name in definition_files:
        for role_uri, role in (linkbases.get(name) or {}).items():
            arcs_by_role.setdefault(role_uri, []).extend(role.get("arcs") or [])
    return arcs_by_role


def _role(role_uri: str, arcs: list[Arc], arcs_by_role: dict[str, list[Arc]]) -> Role | None:
    """A role with line items and its hypercube; None for a dimension's domain role."""
    items = [
        a["to"] for a in arcs if a["arcrole"] == _DIM + "domain-member" and a["from"] == LINE_ITEMS
    ]
    if not items:
        return None
    all_arcs = [a for a in arcs if a["arcrole"] == _DIM + "all"]
    axes = [
        _axis(a["to"], a.get("xbrldt:targetRole") or role_uri, arcs_by_role)
        for a in arcs
        if a["arcrole"] == _DIM + "hypercube-dimension"
    ]
    return Role(
        uri=role_uri,
        line_items=tuple(dict.fromkeys(items)),
        axes=tuple(sorted(axes, key=lambda x: x.qname)),
        closed=any(a.get("xbrldt:closed") == "true" for a in all_arcs),
        has_hypercube=bool(all_arcs),
    )


def _axis(qname: str, target_role: str, arcs_by_role: dict[str, list[Arc]]) -> Axis:
    """A typed axis with its member element, or an explicit one with its usable members
    in the role its dimension-domain arcs are in."""
    typed = _typed_member(qname)
    if typed:
        return Axis(qname, typed_member=typed)
    return Axis(qname, _members_in(arcs_by_role.get(target_role, []), qname))


def _members_in(arcs: list[Arc], axis: str) -> frozenset[str]:
    """The usable domain of an explicit axis and the members below it."""
    found = {
        a["to"]
        for a in arcs
        if a["arcrole"] == _DIM + "dimension-domain"
        and a["from"] == axis
        and a.get("xbrldt:usable", "true") != "false"
    }
    grow = True
    while grow:  # domain-member arcs below the domain, if any
        more = {
            a["to"] for a in arcs if a["arcrole"] == _DIM + "domain-member" and a["from"] in found
        }
        grow = not more <= found
        found |= more
    return frozenset(found)


def _presentation(
    records: list[dict[str, Any]],
) -> MappingProxyType[str, tuple[tuple[int, str, str | None], ...]]:
    """linkrole -> the presentation rows of the entry point's linkbases, one tree per
    root (``_graft``)."""
    presentation: dict[str, list[Row]] = {}
    pres = _linkbase_roles("presentation")
    for name in _linkbases(records, "presentation"):
        for role_uri, rows in (pres.get(name) or {}).items():
            presentation.setdefault(role_uri, []).extend(
                (int(depth), str(c), label) for depth, c, label in rows
            )
    return MappingProxyType({uri: tuple(_graft(rows)) for uri, rows in presentation.items()})


def _graft(rows: list[Row]) -> list[Row]:
    """One tree per role: a tree whose root also stands inside another tree of the role
    (two linkbases extending the same heading, e.g. klein's fiscal reserves under
    EquityTitle) joins that tree, its items placed after the heading's own items and
    before the heading's total (the relationship order across files was not read)."""
    trees = _trees(rows)
    merged = list(trees)
    for tree in trees:
        root = tree[0][1]
        host = next((t for t in merged if t is not tree and _heading(t, root) is not None), None)
        if host is None:
            continue
        at = _heading(host, root)
        assert at is not None
        depth = host[at][0]
        end = _graft_point(host, at)
        host[end:end] = [(d + depth, c, label) for d, c, label in tree[1:]]
        merged.remove(tree)
    return [row for tree in merged for row in tree]


def _heading(tree: list[Row], concept: str) -> int | None:
    """Where ``concept`` stands inside ``tree`` (below its root); None if it does not."""
    return next((i for i, r in enumerate(tree) if r[1] == concept and r[0] > 0), None)


def _trees(rows: list[Row]) -> list[list[Row]]:
    """The rows split into trees, each starting at depth 0 (or at the first row)."""
    trees: list[list[Row]] = []
    for row in rows:
        if row[0] == 0 or not trees:
            trees.append([])
        trees[-1].append(row)
    return trees


def _graft_point(host: list[Row], at: int) -> int:
    """Where the items grafted under the heading at ``host[at]`` go: after the heading's
    own items, before its total."""
    depth = host[at][0]
    end = at + 1
    while end < len(host) and host[end][0] > depth:
        end += 1
    last_label = host[end - 1][2]
    if end - 1 > at and last_label and last_label.endswith("totalLabel"):
        end -= 1  # before the total
    return end


#: The variants the extract describes well enough to build and check concepts against.
MODELLED_VARIANTS = ("micro", "micro-publicatiestukken", "klein", "klein-publicatiestukken")


@functools.cache
def entry_point(variant: str) -> EntryPoint:
    if variant not in MODELLED_VARIANTS:
        raise LookupError(f"entry point {variant!r} is not covered by the NT19 extract")
    return _build_entry_point(variant)


def formula_files(variant: str) -> list[dict[str, Any]]:
    """The formula linkbases an entry point uses, as read, each with its role and
    assertions (micro: nt19-kvk-supplement.json formulas_micro, selected by the entry
    point's formula list; klein: nt19-kvk-klein-formulas.json, by each file's used_by)."""
    if variant in ("micro", "micro-publicatiestukken"):
        record = _load("nt19-kvk-micro-klein.json")["entrypoints"][
            f"{RELEASE_FILE_PREFIX}{variant}.xsd"
        ]
        names = {path.rpartition("/")[2] for path in record["formula"]}
        files = _load("nt19-kvk-supplement.json")["formulas_micro"]["files"]
        return [f for f in files if f["file"].rpartition("/")[2] in names]
    if variant in ("klein", "klein-publicatiestukken"):
        files = _load("nt19-kvk-klein-formulas.json").get("files") or []
        return [f for f in files if isinstance(f, dict) and variant in (f.get("used_by") or ())]
    return []


@functools.cache
def summations(size: str) -> MappingProxyType[str, tuple[str, ...]]:
    """The ParentChildSummation arcs of a size's balance sheet: total -> its items, local
    names of jenv-bw2-i/rj-i concepts (read-only).

    Micro: nt19-kvk-supplement.json, formulas_micro, the generic parent-child summation
    linkbase; klein: nt19-kvk-klein-formulas.json, its balance-sheet summation arcs (the
    extract has no summation arcs of klein's income statement: its totals are value
    assertions, see kvk.taxonomy.summation_terms).
    """
    result: dict[str, tuple[str, ...]] = {}
    if size == "micro":
        for record in _load("nt19-kvk-supplement.json")["formulas_micro"]["files"]:
            arcs = record.get("arcs")
            if isinstance(arcs, dict):
                for total, parts in arcs.items():
                    result[total] = tuple(p.partition(" (")[0] for p in parts)
        return MappingProxyType(result)
    data = _load("nt19-kvk-klein-formulas.json")
    for record in data.get("files") or []:
        arcs = record.get("arcs") if isinstance(record, dict) else None
        if isinstance(arcs, dict):
            for total, parts in arcs.items():
                if isinstance(parts, list):
                    result.setdefault(
                        total.rpartition(":")[2],
                        tuple(str(p).partition(" (")[0].rpartition(":")[2] for p in parts),
                    )
    return MappingProxyType(result)
