"""A test taxonomy package generated from the NT19 extract, for full validation in tests.

The official NT packages cannot be downloaded where this project is built (KVK-SBR.md
section 3), so the tests run Arelle against a package this module writes from the facts in
``kvk/nt19/`` (loaded by ``kvk.nt``). It is a test package generated from the extract, not
the official Nederlandse Taxonomie, and it says so in its metadata. What it holds:

- every concept declaration of the extract, in its real namespace and schema file
  (``www.nltaxonomie.nl/nt19/jenv/20241211/dictionary/jenv-bw2-data.xsd``, ...), with its
  real id, type, period type, balance, substitution group, abstract and nillable;
- every type of the extract with its restrictions (enumerations, lengths, patterns, total
  digits), each in the schema file the extract names;
- per modelled entry point (``nt.MODELLED_VARIANTS``) the schema at its official URL and one
  definition linkbase with the roles' closed scenario hypercubes as ``nt.entry_point`` reads
  them: ``all`` arcs from ``sbr-dim:ValidationLineItems`` to ``sbr-dim:ValidationTable``,
  the axes, the usable members, the line items; no dimension defaults (NT19 has none);
- a catalog that maps the official URLs to the files in the package: the generation's
  folder (``http://www.nltaxonomie.nl/nt19/``) and the generation-independent schemas
  (sbr, sbr-dim, DTR types), which every generation's package carries identically. Give
  Arelle the one package an instance needs: loaded together, two of these packages serve
  the same shared URLs and Arelle warns about that (tpe:packageRewriteOverlap).

NT20 and NT21 get the same concepts under their own namespace dates
(``kvk.taxonomy.Generation``: derived, not read). What the extract did not read, the
package does not invent beyond what Arelle needs to load it; each stand-in says so below
(``_UNREAD_TYPES``, ``_sbr_schema``, ``_dtr_schema``, ``_linkroles_schema``). The
klein-verticaal entry points are not in the extract and not in the package. There are no
presentation, label, calculation or formula linkbases: the KvK's own value assertions are
not run here.

    from kvk.arelle_package import write_test_package
    write_test_package("nt20", "pkg.zip")
"""

from __future__ import annotations

import functools
import zipfile
from pathlib import Path
from typing import Any

from lxml import etree

from kvk import nt
from kvk import taxonomy as tx

XS = "http://www.w3.org/2001/XMLSchema"
XBRLDT = "http://xbrl.org/2005/xbrldt"
SBR = "http://www.nltaxonomie.nl/2011/xbrl/xbrl-syntax-extension"
DTR_TYPES = "http://www.xbrl.org/dtr/type/2020-01-21"
_CATALOG = "urn:oasis:names:tc:entity:xmlns:xml:catalog"
_PACKAGE = "http://xbrl.org/2016/taxonomy-package"
_DIM = "http://xbrl.org/int/dim/arcrole/"
_HOST = "http://www.nltaxonomie.nl/"

#: Where a schema outside the NT lives. Arelle carries the XBRL specification schemas in
#: its offline cache; the DTR types schema of 2020-01-21 (which nl-types imports, as the
#: extract records) it does not, so the package carries a stand-in under that URL.
_SCHEMA_URLS = {
    tx.XBRLI: "http://www.xbrl.org/2003/xbrl-instance-2003-12-31.xsd",
    tx.LINK: "http://www.xbrl.org/2003/xbrl-linkbase-2003-12-31.xsd",
    XBRLDT: "http://www.xbrl.org/2005/xbrldt-2005.xsd",
    DTR_TYPES: "https://www.xbrl.org/dtr/type/2020-01-21/types.xsd",
}
_DTR_ROOT = "https://www.xbrl.org/dtr/type/2020-01-21/"

#: Types the extract names but whose definition it did not read: declared here with what
#: is known. The ISO 4217 list of nl-cd:DocumentPresentationCurrency was not read
#: (nt.GAPS["currency-codes"]); the package knows EUR only, the one currency the product
#: writes. The SBI business codes were not read either; the package accepts any string.
_UNREAD_TYPES: dict[str, dict[str, Any]] = {
    "iso4217-enum-sbr:isoCurrencyCodes4217ItemType": {
        "base": "xbrli:stringItemType",
        "enumeration": ["EUR"],
    },
    "sbi:sbiItemType": {"base": "xbrli:stringItemType"},
}


# --- namespaces and locations ----------------------------------------------------------
def namespaces(gen: tx.Generation) -> dict[str, str]:
    """prefix -> namespace URI in a generation, for every prefix of the extract.

    NT19's URIs are the extract's; another generation's are NT19's with that generation's
    folder and dates (kvk.taxonomy.Generation), as NT20 and NT21 are derived.
    """
    result = {"xs": XS, "xbrli": tx.XBRLI, "link": tx.LINK, "xlink": tx.XLINK}
    for prefix, uri in nt.index()["namespaces"].items():
        if isinstance(uri, str) and uri.startswith("http"):
            result[prefix] = gen.carry_over(uri)
    return result


def schema_url(namespace: str) -> str:
    """The published URL of the schema that declares a namespace: the namespace plus
    ".xsd" for every NT dictionary the extract names (``schema`` in its records)."""
    return _SCHEMA_URLS.get(namespace, namespace + ".xsd")


def _linkroles_url(gen: tx.Generation) -> str:
    return f"{_HOST}{gen.code}/kvk/{gen.release}/dictionary/kvk-linkroles.xsd"


def _linkbase_url(gen: tx.Generation, variant: str) -> str:
    # Our own file name: the entry point's official linkbases are many small files.
    return f"{_HOST}{gen.code}/kvk/{gen.release}/validation/deponeer-test-{variant}-def.xml"


def _role_id(role_uri: str) -> str:
    """kvk-lr_BalanceSheet for urn:kvk:linkrole:balance-sheet (the ids the extract shows)."""
    short = role_uri.rpartition(":")[2]
    return "kvk-lr_" + "".join(word.capitalize() for word in short.split("-"))


# --- XML helpers -----------------------------------------------------------------------
def _xml(root: etree._Element) -> str:
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + etree.tostring(
        root, encoding="unicode", pretty_print=True
    )


def _schema(
    ns: dict[str, str], target: str, prefixes: set[str], *, extra: dict[str, str] | None = None
) -> etree._Element:
    """An empty schema for a target namespace that imports the namespaces of ``prefixes``."""
    own = {p for p, uri in ns.items() if uri == target}
    used = sorted(prefixes - own - {"xs"})
    nsmap = {"xs": XS, **{p: ns[p] for p in used}, **(extra or {})}
    for p in own:
        nsmap[p] = target
    root = etree.Element(
        f"{{{XS}}}schema",
        nsmap=nsmap,
        targetNamespace=target,
        elementFormDefault="qualified",
        attributeFormDefault="unqualified",
    )
    for p in used:
        etree.SubElement(root, f"{{{XS}}}import", namespace=ns[p], schemaLocation=schema_url(ns[p]))
    return root


def _prefix(qname: str | None) -> set[str]:
    return {qname.partition(":")[0]} if qname and ":" in qname else set()


# --- concepts ----------------------------------------------------------------------------
_Declarations = dict[str, tuple[nt.Concept, dict[str, Any]]]


def _concept_records() -> dict[str, _Declarations]:
    """prefix -> {local name -> (concept, its record in the extract)}, every concept of
    the extract (kvk.nt.concepts; the record adds the id and nillable)."""
    by_prefix: dict[str, _Declarations] = {}
    records = nt.index()["concepts"]
    for qname, concept in nt.concepts().items():
        by_prefix.setdefault(concept.prefix, {})[concept.name] = (concept, records[qname])
    return by_prefix


def _concepts_schema(ns: dict[str, str], prefix: str, concepts: _Declarations) -> str:
    used = {"xbrli"}
    for concept, _ in concepts.values():
        used |= _prefix(concept.type) | _prefix(concept.substitution_group)
        if concept.typed_domain_ref:
            used.add("xbrldt")
    root = _schema(ns, ns[prefix], used)
    for name, (concept, record) in concepts.items():
        attrs = {"name": name, "id": record.get("id") or f"{prefix}_{name}", "type": concept.type}
        if concept.substitution_group:
            attrs["substitutionGroup"] = concept.substitution_group
        attrs["abstract"] = "true" if concept.abstract else "false"
        attrs["nillable"] = str(record.get("nillable", "false")).lower()
        element = etree.SubElement(root, f"{{{XS}}}element", attrs)
        if concept.period_type:
            element.set(f"{{{tx.XBRLI}}}periodType", concept.period_type)
        if concept.balance:
            element.set(f"{{{tx.XBRLI}}}balance", concept.balance)
        if concept.typed_domain_ref:
            element.set(f"{{{XBRLDT}}}typedDomainRef", concept.typed_domain_ref)
    return _xml(root)


# --- types -------------------------------------------------------------------------------
def _type_records() -> dict[str, dict[str, dict[str, Any]]]:
    """prefix -> {type name -> definition}: the extract's types plus the unread ones."""
    by_prefix: dict[str, dict[str, dict[str, Any]]] = {}
    for qname, record in {**nt.index()["types"], **_UNREAD_TYPES}.items():
        prefix, _, name = qname.partition(":")
        by_prefix.setdefault(prefix, {})[name] = record
    return by_prefix


def _types_schema(ns: dict[str, str], prefix: str, types: dict[str, dict[str, Any]]) -> str:
    used = {"xbrli"} | {p for t in types.values() for p in _prefix(t["base"])}
    root = _schema(ns, ns[prefix], used)
    for name, record in types.items():
        if str(record.get("kind", "")).startswith("simpleType"):
            declaration = etree.SubElement(root, f"{{{XS}}}simpleType", name=name)
            restriction = etree.SubElement(declaration, f"{{{XS}}}restriction", base=record["base"])
        else:
            declaration = etree.SubElement(root, f"{{{XS}}}complexType", name=name)
            content = etree.SubElement(declaration, f"{{{XS}}}simpleContent")
            restriction = etree.SubElement(content, f"{{{XS}}}restriction", base=record["base"])
        for value in record.get("enumeration") or ():
            etree.SubElement(restriction, f"{{{XS}}}enumeration", value=value)
        for facet in nt.FACETS:
            if facet != "enumeration" and record.get(facet) is not None:
                etree.SubElement(restriction, f"{{{XS}}}{facet}", value=str(record[facet]))
    return _xml(root)


def _dtr_schema(ns: dict[str, str]) -> str:
    """Stand-in for the DTR types schema of 2020-01-21: only the type nl-types builds on,
    noDecimalsMonetaryItemType, defined as the DTR defines it (a monetary item without
    fraction digits)."""
    root = _schema({**ns, "dtr-types": DTR_TYPES}, DTR_TYPES, {"xbrli"})
    declaration = etree.SubElement(root, f"{{{XS}}}complexType", name="noDecimalsMonetaryItemType")
    content = etree.SubElement(declaration, f"{{{XS}}}simpleContent")
    restriction = etree.SubElement(content, f"{{{XS}}}restriction", base="xbrli:monetaryItemType")
    etree.SubElement(restriction, f"{{{XS}}}fractionDigits", value="0")
    return _xml(root)


def _sbr_schema(ns: dict[str, str]) -> str:
    """Stand-in for xbrl-syntax-extension.xsd (not read, a gap of the extract): the
    abstract substitution-group heads the extract's concepts use, as items."""
    heads = {
        c.substitution_group.partition(":")[2]
        for c in nt.concepts().values()
        if c.substitution_group.startswith("sbr:")
    }
    root = _schema(ns, SBR, {"xbrli"})
    for name in sorted(heads):
        element = etree.SubElement(
            root,
            f"{{{XS}}}element",
            name=name,
            id=f"sbr_{name}",
            type="xbrli:stringItemType",
            substitutionGroup="xbrli:item",
            abstract="true",
            nillable="true",
        )
        element.set(f"{{{tx.XBRLI}}}periodType", "duration")
    return _xml(root)


# --- entry points and their hypercubes --------------------------------------------------
def _roles() -> dict[str, str]:
    """role URI -> roleType id, over every modelled entry point."""
    uris = [r.uri for v in nt.MODELLED_VARIANTS for r in nt.entry_point(v).roles]
    return {uri: _role_id(uri) for uri in dict.fromkeys(uris)}


def _linkroles_schema(gen: tx.Generation, ns: dict[str, str]) -> str:
    """The roleType declarations. kvk-linkroles.xsd itself was not read (a gap of the
    extract); its ids follow the ones the extract's linkbases point at."""
    target = _linkroles_url(gen).removesuffix(".xsd")
    root = _schema(ns, target, {"link"})
    appinfo = etree.SubElement(etree.SubElement(root, f"{{{XS}}}annotation"), f"{{{XS}}}appinfo")
    for uri, role_id in _roles().items():
        role = etree.SubElement(appinfo, f"{{{tx.LINK}}}roleType", roleURI=uri, id=role_id)
        etree.SubElement(role, f"{{{tx.LINK}}}definition").text = uri.rpartition(":")[2]
        etree.SubElement(role, f"{{{tx.LINK}}}usedOn").text = "link:definitionLink"
    return _xml(root)


def _entry_point_schema(gen: tx.Generation, ns: dict[str, str], variant: str) -> str:
    url = gen.entry_point(variant)
    dictionaries = sorted({c.prefix for c in nt.concepts().values()})
    root = _schema(ns, url.removesuffix(".xsd"), {"link", *dictionaries}, extra={"xlink": tx.XLINK})
    appinfo = etree.Element(f"{{{XS}}}appinfo")
    etree.SubElement(
        appinfo,
        f"{{{tx.LINK}}}linkbaseRef",
        {
            f"{{{tx.XLINK}}}type": "simple",
            f"{{{tx.XLINK}}}role": "http://www.xbrl.org/2003/role/definitionLinkbaseRef",
            f"{{{tx.XLINK}}}arcrole": "http://www.w3.org/1999/xlink/properties/linkbase",
            f"{{{tx.XLINK}}}href": _linkbase_url(gen, variant),
        },
    )
    annotation = etree.Element(f"{{{XS}}}annotation")
    annotation.append(appinfo)
    root.insert(0, annotation)
    linkroles = _linkroles_url(gen)
    etree.SubElement(
        root, f"{{{XS}}}import", namespace=linkroles.removesuffix(".xsd"), schemaLocation=linkroles
    )
    return _xml(root)


class _DefinitionLink:
    """One extended link of the definition linkbase (one role)."""

    def __init__(self, parent: etree._Element, role_uri: str, ns: dict[str, str]):
        self.ns = ns
        self.link = etree.SubElement(
            parent,
            f"{{{tx.LINK}}}definitionLink",
            {f"{{{tx.XLINK}}}type": "extended", f"{{{tx.XLINK}}}role": role_uri},
        )
        self.labels: set[str] = set()
        self.order = 0

    def _locator(self, qname: str) -> str:
        concept = nt.concept(qname)
        record = nt.index()["concepts"][qname]
        label = record.get("id") or qname.replace(":", "_")
        if label not in self.labels:
            self.labels.add(label)
            href = schema_url(self.ns[concept.prefix]) + "#" + label
            etree.SubElement(
                self.link,
                f"{{{tx.LINK}}}loc",
                {
                    f"{{{tx.XLINK}}}type": "locator",
                    f"{{{tx.XLINK}}}href": href,
                    f"{{{tx.XLINK}}}label": label,
                },
            )
        return label

    def arc(self, arcrole: str, source: str, target: str, **xbrldt: str) -> None:
        self.order += 1
        arc = etree.SubElement(
            self.link,
            f"{{{tx.LINK}}}definitionArc",
            {
                f"{{{tx.XLINK}}}type": "arc",
                f"{{{tx.XLINK}}}arcrole": _DIM + arcrole,
                f"{{{tx.XLINK}}}from": self._locator(source),
                f"{{{tx.XLINK}}}to": self._locator(target),
                "order": str(self.order),
            },
        )
        for name, value in xbrldt.items():
            arc.set(f"{{{XBRLDT}}}{name}", value)


def _declared(qname: str) -> bool:
    """False for the line items whose declarations the extract did not read (bzk-wnt-i, in
    klein's document information): left out of the hypercubes, as nothing writes them."""
    return qname in nt.concepts()


def _definition_linkbase(gen: tx.Generation, ns: dict[str, str], variant: str) -> str:
    """The variant's roles as nt.entry_point reads them. The dimension-domain arcs are
    written in the role itself rather than in a target role, with the usable members
    nt.entry_point resolved through the target roles: the same dimensional validity."""
    root = etree.Element(
        f"{{{tx.LINK}}}linkbase",
        nsmap={"link": tx.LINK, "xlink": tx.XLINK, "xbrldt": XBRLDT},
    )
    model = nt.entry_point(variant)
    for role in model.roles:
        etree.SubElement(
            root,
            f"{{{tx.LINK}}}roleRef",
            {
                "roleURI": role.uri,
                f"{{{tx.XLINK}}}type": "simple",
                f"{{{tx.XLINK}}}href": f"{_linkroles_url(gen)}#{_role_id(role.uri)}",
            },
        )
    for arcrole in ("all", "hypercube-dimension", "dimension-domain", "domain-member"):
        etree.SubElement(
            root,
            f"{{{tx.LINK}}}arcroleRef",
            {
                "arcroleURI": _DIM + arcrole,
                f"{{{tx.XLINK}}}type": "simple",
                f"{{{tx.XLINK}}}href": f"{_SCHEMA_URLS[XBRLDT]}#{arcrole}",
            },
        )
    for role in model.roles:
        link = _DefinitionLink(root, role.uri, ns)
        if role.has_hypercube:
            link.arc(
                "all",
                nt.LINE_ITEMS,
                "sbr-dim:ValidationTable",
                closed="true" if role.closed else "false",
                contextElement="scenario",
            )
            for axis in role.axes:
                link.arc("hypercube-dimension", "sbr-dim:ValidationTable", axis.qname)
                for member in sorted(axis.members):
                    link.arc("dimension-domain", axis.qname, member)
        for item in role.line_items:
            if _declared(item):
                link.arc("domain-member", nt.LINE_ITEMS, item)
    return _xml(root)


# --- the package ---------------------------------------------------------------------------
def _path(url: str) -> str:
    """Where a published URL lives inside the package (the catalog maps the hosts)."""
    return url.split("://", 1)[1]


def _catalog_prefixes(gen: tx.Generation) -> tuple[str, ...]:
    """The URL prefixes this package serves. The generation's own folder, plus the
    generation-independent schemas (sbr, sbr-dim, DTR types) that every generation's
    package carries identically."""
    return (
        f"{_HOST}{gen.code}/",
        f"{_HOST}2011/xbrl/",
        f"{_HOST}2013/xbrl/",
        _DTR_ROOT,
    )


def _package_xml(gen: tx.Generation) -> str:
    root = etree.Element(f"{{{_PACKAGE}}}taxonomyPackage", nsmap={"tp": _PACKAGE})
    root.set("{http://www.w3.org/XML/1998/namespace}lang", "en")

    def add(tag: str, text: str) -> None:
        etree.SubElement(root, f"{{{_PACKAGE}}}{tag}").text = text

    add("identifier", f"urn:deponeer:test-taxonomy:{gen.code}")
    add("name", f"Deponeer test package {gen.label} (not the official NT)")
    add(
        "description",
        "A test package generated by Deponeer from its extract of the official NT19 files "
        "(kvk/nt19); not the official Nederlandse Taxonomie. "
        + (
            "NT19's concepts, types and hypercubes as read."
            if gen.source == "nt19-extract"
            else f"NT19's concepts carried over to {gen.label}'s namespaces (derived, not read)."
        ),
    )
    add("version", gen.release)
    add("publicationDate", f"{gen.release[:4]}-{gen.release[4:6]}-{gen.release[6:]}")
    entry_points = etree.SubElement(root, f"{{{_PACKAGE}}}entryPoints")
    for variant in nt.MODELLED_VARIANTS:
        entry = etree.SubElement(entry_points, f"{{{_PACKAGE}}}entryPoint")
        etree.SubElement(entry, f"{{{_PACKAGE}}}name").text = f"{gen.label} {variant}"
        etree.SubElement(entry, f"{{{_PACKAGE}}}entryPointDocument", href=gen.entry_point(variant))
    return _xml(root)


def _catalog_xml(gen: tx.Generation) -> str:
    root = etree.Element(f"{{{_CATALOG}}}catalog", nsmap={None: _CATALOG})
    for prefix in _catalog_prefixes(gen):
        etree.SubElement(
            root,
            f"{{{_CATALOG}}}rewriteURI",
            uriStartString=prefix,
            rewritePrefix=f"../{_path(prefix)}",
        )
    return _xml(root)


@functools.cache
def _files(code: str) -> dict[str, str]:
    gen = tx.generation(code)
    ns = namespaces(gen)
    files: dict[str, str] = {}
    for prefix, concepts in _concept_records().items():
        files[_path(schema_url(ns[prefix]))] = _concepts_schema(ns, prefix, concepts)
    for prefix, types in _type_records().items():
        files[_path(schema_url(ns[prefix]))] = _types_schema(ns, prefix, types)
    files[_path(schema_url(SBR))] = _sbr_schema(ns)
    files[_path(schema_url(DTR_TYPES))] = _dtr_schema(ns)
    files[_path(_linkroles_url(gen))] = _linkroles_schema(gen, ns)
    for variant in nt.MODELLED_VARIANTS:
        files[_path(gen.entry_point(variant))] = _entry_point_schema(gen, ns, variant)
        files[_path(_linkbase_url(gen, variant))] = _definition_linkbase(gen, ns, variant)
    files["META-INF/taxonomyPackage.xml"] = _package_xml(gen)
    files["META-INF/catalog.xml"] = _catalog_xml(gen)
    return files


def package_files(gen: tx.Generation) -> dict[str, str]:
    """Path inside the package zip -> content, for one generation."""
    root = f"deponeer-test-{gen.code}"
    return {f"{root}/{path}": content for path, content in _files(gen.code).items()}


def write_test_package(generation: str, path: str | Path) -> Path:
    """Write the test package zip for a generation ("nt20") and return its path."""
    gen = tx.generation(generation)
    path = Path(path)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in package_files(gen).items():
            archive.writestr(name, content)
    return path
