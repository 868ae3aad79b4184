"""Full validation through Arelle in a separate process, and the test taxonomy package
generated from the NT19 extract that stands in for the official one.

The package tests are anchored in the extract itself (kvk/nt19/nt19-index.json, the
declarations and types read from the official NT19 schemas), not in what the builder
writes. The Arelle runs over every variant and situation the builder makes are in
test_arelle_variants.py.
"""

from __future__ import annotations

import json
import posixpath
import zipfile
from datetime import date
from importlib import resources

import pytest
from django.core.management import call_command
from lxml import etree

from kvk import arelle, nt
from kvk import taxonomy as tx
from kvk.arelle_package import XS, namespaces, package_files, write_test_package
from kvk.builder import build_instance
from kvk.rules import Finding, check_instance
from kvk.statements import demo_statements

pytestmark = pytest.mark.skipif(not arelle.arelle_installed(), reason="arelle-release missing")

NT19 = tx.generation("nt19")
GOOD = build_instance(demo_statements(kvk_number="12345678", legal_name="Demo B.V.", year=2025))
CATALOG = "{urn:oasis:names:tc:entity:xmlns:xml:catalog}"
LINK = f"{{{tx.LINK}}}"
XLINK = f"{{{tx.XLINK}}}"
XBRLDT = "{http://xbrl.org/2005/xbrldt}"
DIM = "http://xbrl.org/int/dim/arcrole/"


@pytest.fixture(scope="module")
def packages(tmp_path_factory):
    """One package per generation: give Arelle the one an instance needs (the packages
    share the generation-independent sbr and DTR schemas, which Arelle reports as
    overlapping rewrites when two are loaded together)."""
    folder = tmp_path_factory.mktemp("packages")
    return {
        code: str(write_test_package(code, folder / f"{code}.zip")) for code in ("nt19", "nt20")
    }


def without_root(files: dict[str, str]) -> dict[str, str]:
    return {path.partition("/")[2]: content for path, content in files.items()}


# --- the package: catalog and entry points -------------------------------------------------
def resolve(files: dict[str, str], url: str) -> str | None:
    """Where the package's catalog sends a URL (longest rewrite prefix), as a path in the
    package; None when no rewrite applies."""
    catalog = etree.fromstring(files["META-INF/catalog.xml"].encode())
    rewrites = {
        r.get("uriStartString"): r.get("rewritePrefix")
        for r in catalog.iter(f"{CATALOG}rewriteURI")
    }
    matches = [prefix for prefix in rewrites if url.startswith(prefix)]
    if not matches:
        return None
    prefix = max(matches, key=len)
    return posixpath.normpath(posixpath.join("META-INF", rewrites[prefix] + url[len(prefix) :]))


@pytest.mark.parametrize("code", ["nt19", "nt20", "nt21"])
def test_catalog_maps_every_modelled_entry_point_to_a_file_of_the_package(code):
    gen = tx.generation(code)
    files = without_root(package_files(gen))
    metadata = files["META-INF/taxonomyPackage.xml"]
    for variant in nt.MODELLED_VARIANTS:
        url = gen.entry_point(variant)
        assert resolve(files, url) in files
        assert f'href="{url}"' in metadata
    # klein-verticaal is not in the extract, so not in the package (nt.GAPS)
    assert "verticaal" not in metadata
    assert "not the official NT" in metadata and "generated" in metadata


@pytest.mark.parametrize("code", ["nt19", "nt20", "nt21"])
def test_every_reference_to_the_nt_resolves_inside_the_package(code):
    """No import, linkbase reference or locator points at an nltaxonomie.nl URL the
    package does not serve (Arelle runs offline)."""
    files = without_root(package_files(tx.generation(code)))
    references = 0
    for path, content in files.items():
        if path.startswith("META-INF"):
            continue
        root = etree.fromstring(content.encode())
        for element in root.iter():
            for attribute in ("schemaLocation", f"{XLINK}href"):
                url = (element.get(attribute) or "").partition("#")[0]
                if url.startswith(("http://www.nltaxonomie.nl/", "https://www.xbrl.org/dtr/")):
                    references += 1
                    assert resolve(files, url) in files, f"{path}: {url}"
    assert references > 100


def test_package_is_a_zip_with_one_root_folder(tmp_path):
    path = write_test_package("nt19", tmp_path / "p.zip")
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
    assert "deponeer-test-nt19/META-INF/taxonomyPackage.xml" in names
    assert {n.partition("/")[0] for n in names} == {"deponeer-test-nt19"}


# --- the package: what it declares, against the extract -----------------------------------
def clark(qname: str, nsmap: dict[str | None, str]) -> str:
    prefix, _, name = qname.partition(":")
    return f"{{{nsmap[prefix]}}}{name}"


def extract_clark(qname: str) -> str:
    """A prefixed name of the extract in Clark notation, with the extract's namespaces."""
    prefix, _, name = qname.partition(":")
    uri = XS if prefix == "xs" else nt.index()["namespaces"][prefix]
    return f"{{{uri}}}{name}"


def declarations(files: dict[str, str]) -> dict[tuple[str, str], dict[str, str | None]]:
    """(namespace, name) -> the element's declaration, for every schema of the package."""
    result = {}
    for path, content in files.items():
        if not path.endswith(".xsd"):
            continue
        root = etree.fromstring(content.encode())
        for element in root.findall(f"{{{XS}}}element"):
            key = (root.get("targetNamespace"), element.get("name"))
            assert key not in result, f"{key} declared twice"
            result[key] = {
                "schema": path,
                "id": element.get("id"),
                "type": clark(element.get("type"), element.nsmap),
                "substitutionGroup": clark(element.get("substitutionGroup"), element.nsmap)
                if element.get("substitutionGroup")
                else None,
                "periodType": element.get(f"{{{tx.XBRLI}}}periodType"),
                "balance": element.get(f"{{{tx.XBRLI}}}balance"),
                "abstract": element.get("abstract"),
                "nillable": element.get("nillable"),
                "typedDomainRef": element.get(f"{XBRLDT}typedDomainRef"),
            }
    return result


def test_nt19_package_declares_exactly_the_concepts_of_the_extract():
    """Source: kvk/nt19/nt19-index.json "concepts", each read from an official NT19 schema
    (namespace, schema file, id, type, substitution group, period type, balance)."""
    package = declarations(without_root(package_files(NT19)))
    extract = nt.index()["concepts"]
    expected = {}
    for qname, record in extract.items():
        expected[(record["namespace"], record["name"])] = {
            "schema": record["schema"],
            "id": record["id"],
            "type": extract_clark(record["type"]),
            "substitutionGroup": extract_clark(record["substitutionGroup"])
            if record.get("substitutionGroup")
            else None,
            "periodType": record.get("periodType"),
            "balance": record.get("balance"),
            "abstract": record["abstract"],
            "nillable": record["nillable"],
            "typedDomainRef": record.get("xbrldt:typedDomainRef"),
        }
    # The only declarations the extract lacks: the sbr substitution-group heads
    # (xbrl-syntax-extension.xsd was not read; the package carries a stand-in).
    sbr = nt.index()["namespaces"]["sbr"]
    ours = {key: decl for key, decl in package.items() if key[0] != sbr}
    assert set(ours) == set(expected)
    for key, decl in expected.items():
        got = dict(ours[key])
        assert got.pop("schema").endswith(decl.pop("schema")), key
        assert got == decl, key
    assert len(expected) == 160  # every declaration of the extract, none dropped
    heads = {name for ns, name in package if ns == sbr}
    assert heads == {"domainMemberItem", "presentationItem", "primaryDomainItem"}


def facets_of(declaration: etree._Element) -> dict[str, object]:
    restriction = declaration.find(f".//{{{XS}}}restriction")
    result: dict[str, object] = {"base": clark(restriction.get("base"), restriction.nsmap)}
    values = [e.get("value") for e in restriction.findall(f"{{{XS}}}enumeration")]
    if values:
        result["enumeration"] = values
    for facet in restriction:
        name = etree.QName(facet).localname
        if name != "enumeration":
            result[name] = facet.get("value")
    return result


def xml_schema_facets() -> set[str]:
    """The constraining facets of XML Schema 1.0 (Datatypes, 4.3), as the W3C schema for
    schemas lists them in its group "facets"; read from the copy Arelle carries in its
    cache, not from nt.FACETS (what the package writer copies), so that a facet the
    extract records and the writer leaves out fails the test."""
    schema = resources.files("arelle") / "resources/cache/http/www.w3.org/2001/XMLSchema.xsd"
    group = etree.fromstring(schema.read_bytes()).find(f"{{{XS}}}group[@name='facets']")
    return {ref.partition(":")[2] for ref in group.xpath(".//@ref")}


def test_the_facets_the_writer_copies_are_xml_schema_facets():
    """A misspelt name in nt.FACETS would be copied from no record, silently (the extract
    records no fractionDigits, so only this keeps that name checked)."""
    facets = xml_schema_facets()
    assert "fractionDigits" in facets and len(facets) == 12
    assert set(nt.FACETS) <= facets


def test_nt19_package_types_carry_the_restrictions_of_the_extract():
    """Source: kvk/nt19/nt19-index.json "types" (nl-types, nl-codes, jenv-codes, kvk-codes,
    rj-codes as read): every type in its schema file with its base and every XML Schema
    facet the extract records for it."""
    facets = xml_schema_facets()
    files = without_root(package_files(NT19))
    for qname, record in nt.index()["types"].items():
        name = qname.partition(":")[2]
        path = next(p for p in files if record["schema"].endswith(p))
        root = etree.fromstring(files[path].encode())
        assert root.get("targetNamespace") == nt.index()["namespaces"][qname.partition(":")[0]]
        found = root.xpath(
            "xs:complexType[@name=$n] | xs:simpleType[@name=$n]", namespaces={"xs": XS}, n=name
        )
        assert len(found) == 1, qname
        expected: dict[str, object] = {"base": extract_clark(record["base"])}
        for facet in facets:
            if facet in record:
                value = record[facet]
                expected[facet] = list(value) if facet == "enumeration" else str(value)
        assert facets_of(found[0]) == expected, qname
        assert etree.QName(found[0]).localname == (
            "simpleType" if record["kind"].startswith("simpleType") else "complexType"
        )


def test_types_the_extract_did_not_read_are_declared_with_what_is_known():
    """The ISO 4217 list was not read (nt.GAPS["currency-codes"]): EUR only."""
    files = without_root(package_files(NT19))
    currency = nt.index()["namespaces"]["iso4217-enum-sbr"]
    root = etree.fromstring(files[currency.removeprefix("http://") + ".xsd"].encode())
    assert facets_of(root[-1])["enumeration"] == ["EUR"]
    assert "currency-codes" in nt.GAPS


@pytest.mark.parametrize("gen", tx.GENERATIONS, ids=lambda g: g.code)
def test_package_namespaces_are_the_generations_namespaces(gen):
    """NT19: the extract's URIs; NT20, NT21: kvk.taxonomy's derived dates."""
    assert namespaces(gen).items() >= gen.namespaces.items()
    assert (
        namespaces(NT19).items()
        >= {p: nt.index()["namespaces"][p] for p in ("jenv-codes", "kvk-codes", "nl-codes")}.items()
    )


def definition_roles(content: str) -> dict[str, dict[str, object]]:
    """role URI -> its arcs, as concepts named prefix:Name by the locators' ids."""
    root = etree.fromstring(content.encode())
    roles: dict[str, dict[str, object]] = {}
    for link in root.iter(f"{LINK}definitionLink"):
        labels = {
            loc.get(f"{XLINK}label"): loc.get(f"{XLINK}href").partition("#")[2].replace("_", ":", 1)
            for loc in link.iter(f"{LINK}loc")
        }
        arcs = [
            (
                arc.get(f"{XLINK}arcrole").removeprefix(DIM),
                labels[arc.get(f"{XLINK}from")],
                labels[arc.get(f"{XLINK}to")],
                arc,
            )
            for arc in link.iter(f"{LINK}definitionArc")
        ]
        roles[link.get(f"{XLINK}role")] = {
            "all": [
                (a.get(f"{XBRLDT}closed"), a.get(f"{XBRLDT}contextElement"))
                for kind, _, _, a in arcs
                if kind == "all"
            ],
            "axes": {t for kind, _, t, _ in arcs if kind == "hypercube-dimension"},
            "members": {(f, t) for kind, f, t, _ in arcs if kind == "dimension-domain"},
            "line_items": [
                t for kind, f, t, _ in arcs if kind == "domain-member" and f == nt.LINE_ITEMS
            ],
            "arcroles": {kind for kind, _, _, _ in arcs},
        }
    return roles


@pytest.mark.parametrize("variant", nt.MODELLED_VARIANTS)
def test_hypercubes_are_the_extracts_closed_scenario_cubes_without_defaults(variant):
    """Source: the entry point's definition linkbases in the extract (kvk.nt.entry_point):
    per role the closed scenario hypercube, its axes, usable members and line items."""
    files = without_root(package_files(NT19))
    path = next(p for p in files if p.endswith(f"/deponeer-test-{variant}-def.xml"))
    roles = definition_roles(files[path])
    model = nt.entry_point(variant)
    assert set(roles) == {role.uri for role in model.roles}
    for role in model.roles:
        got = roles[role.uri]
        assert got["all"] == [("true", "scenario")]
        assert got["axes"] == {axis.qname for axis in role.axes}
        assert got["members"] == {(a.qname, m) for a in role.axes for m in a.members}
        # bzk-wnt-i (klein's document information) was not read: not declared, left out
        assert got["line_items"] == [q for q in role.line_items if not q.startswith("bzk-wnt-i:")]
        assert "dimension-default" not in got["arcroles"]
    signing = roles["urn:kvk:linkrole:signing-financial-statements"]
    assert signing["axes"] == {tx.SIGNATORY_AXIS} and signing["members"] == set()


# --- running Arelle ------------------------------------------------------------------------
def test_unavailable_without_packages(tmp_path):
    assert not arelle.full_validation_available([])
    assert not arelle.full_validation_available([str(tmp_path / "missing.zip")])
    with pytest.raises(arelle.FullValidationUnavailable):
        arelle.validate_full(GOOD, packages=[])


@pytest.mark.slow
def test_built_instance_is_valid_for_arelle(packages):
    assert arelle.validate_full(GOOD, packages=[packages["nt20"]]) == []


@pytest.mark.slow
def test_arelle_finds_what_needs_the_taxonomy_and_agrees_on_ours(packages):
    broken = (
        GOOD.replace(b'decimals="0">3000<', b'decimals="1">3000<')
        .replace(b"nl-cd:LegalEntityName contextRef", b"nl-cd:LegalEntityNameTypo contextRef")
        .replace(b"</nl-cd:LegalEntityName>", b"</nl-cd:LegalEntityNameTypo>")
    )
    assert broken.count(b"Typo") == 2 and broken.count(b'decimals="1"') == 1
    theirs = arelle.validate_full(broken, packages=[packages["nt20"]])
    codes = {f.code for f in theirs}
    assert "FR-KVK-5.01" in codes  # same code as our rule
    assert "xbrl:schemaImportMissing" in codes  # only the taxonomy can tell
    assert all(f.message_nl != f.message_en and f.line for f in theirs)

    ours = check_instance(broken, filing_date=date(2026, 6, 1))
    merged = arelle.merge_findings(ours, theirs)
    assert [f.code for f in merged].count("FR-KVK-5.01") == 1
    assert "xbrl:schemaImportMissing" in {f.code for f in merged}


@pytest.mark.slow
def test_a_batch_gives_each_instance_its_own_findings(packages):
    broken = GOOD.replace(b"jenv-bw2-i:Provisions ", b"jenv-bw2-i:ProvisionsX ").replace(
        b"</jenv-bw2-i:Provisions>", b"</jenv-bw2-i:ProvisionsX>"
    )
    assert broken != GOOD
    result = arelle.validate_full_batch(
        {"good.xbrl": GOOD, "broken.xbrl": broken, "unreadable.xbrl": b"<!DOCTYPE x><x/>"},
        packages=[packages["nt20"]],
    )
    assert result["good.xbrl"] == [] and result["unreadable.xbrl"] == []
    assert "xbrl:schemaImportMissing" in {f.code for f in result["broken.xbrl"]}
    with pytest.raises(ValueError):
        arelle.validate_full_batch({"a/b.xbrl": GOOD}, packages=[packages["nt20"]])


@pytest.mark.slow
def test_kvk_validate_full(packages, settings, tmp_path, capsys):
    settings.KVK_TAXONOMY_PACKAGES = [packages["nt19"]]
    path = tmp_path / "nt19.xbrl"
    path.write_bytes(
        build_instance(demo_statements(kvk_number="12345678", legal_name="D", year=2024))
    )
    with pytest.raises(SystemExit) as info:
        call_command("kvk_validate", str(path), "--full", "--json", "--filing-date", "2025-06-01")
    assert info.value.code == 0
    assert json.loads(capsys.readouterr().out)[0]["findings"] == []


def test_log_entries_become_findings():
    entries = [
        {"code": "info", "level": "info", "message": {"text": "loaded"}},
        {
            "code": "NL.FR-NL-3.03",
            "level": "error",
            "refs": [{"href": "a.xbrl#element(/1/3)", "sourceLine": 12}],
            "message": {"text": "[NL.FR-NL-3.03] Unused context c1 - a.xbrl 12"},
        },
        {
            "code": "NL.FG-NL-05",
            "level": "warning",
            "refs": [],
            "message": {"text": "x"},
        },
    ]
    findings = list(arelle.findings_from_log(entries))
    assert [(f.code, f.severity, f.line) for f in findings] == [
        ("FR-NL-3.03", "error", 12),
        ("FG-NL-05", "warning", None),
    ]
    assert findings[0].message_en == "Full XBRL validation (Arelle): Unused context c1"


# Rules that Arelle's NL plugin checks the same way on these instances (the others need a
# filing date, concepts the NL plugin looks for in other namespaces, or are our own DEP-
# rules). FR-NL-1.03 is not among them: a document with a DOCTYPE is refused by our parser
# and never handed to Arelle.
SHARED_CODES = {
    "FR-NL-1.01", "FR-NL-1.02", "FR-NL-1.04", "FR-NL-1.05", "FR-NL-1.06",
    "FR-NL-2.03", "FR-NL-2.06", "FR-NL-2.07", "FR-NL-3.02", "FR-NL-3.03", "FR-NL-3.04",
    "FR-NL-4.01", "FR-NL-4.02", "FR-NL-5.01", "FR-NL-5.03", "FR-NL-5.06", "FR-NL-5.11",
    "FG-NL-03", "FG-NL-04", "FG-NL-05", "FG-NL-09", "FR-KVK-1.01", "FR-KVK-2.01",
    "FR-KVK-2.02", "FR-KVK-5.01", "BR-KVK-2.04", "BR-KVK-3.01", "BR-KVK-4.12",
    "BR-KVK-4.16", "BR-KVK-4.17", "BR-KVK-4.20",
}  # fmt: skip


@pytest.mark.slow
def test_arelle_reports_the_same_rule_on_breaking_instances(packages):
    """Each shared code is reported by Arelle on a breaking instance of tests/kvk/
    test_rules.py. Per code, not per case: where our rule is stricter than Arelle's (BR-
    KVK-2.04 in a first year: Arelle checks periods only when previous-year dates are
    given), Arelle stays silent on that case."""
    from tests.kvk.test_rules import CASES

    instances, expected = {}, {}
    for i, case in enumerate(CASES):
        if case.code not in SHARED_CODES:
            continue
        name = case.filename if case.filename != "jaarrekening.xbrl" else f"case{i}.xbrl"
        assert name not in instances
        content = case.breaking.encode() if isinstance(case.breaking, str) else case.breaking
        instances[name] = content
        expected[name] = case.code
    findings = arelle.validate_full_batch(instances, packages=[packages["nt20"]])
    reported = {code for name, code in expected.items() if code in {f.code for f in findings[name]}}
    assert SHARED_CODES - reported == set()


def test_a_hanging_arelle_becomes_a_warning(packages):
    findings = arelle.validate_full(GOOD, packages=[packages["nt20"]], timeout=0.001)
    assert [(f.code, f.severity) for f in findings] == [("DEP-FULL-VALIDATION", "warning")]


def test_unreadable_instance_is_not_handed_to_arelle(packages):
    assert arelle.validate_full(b"<!DOCTYPE x><x/>", packages=[packages["nt20"]]) == []


@pytest.mark.slow
def test_generation_unknown_to_arelle_gets_xbrl_validation_only(tmp_path):
    package = str(write_test_package("nt21", tmp_path / "nt21.zip"))
    content = build_instance(demo_statements(kvk_number="12345678", legal_name="D", year=2026))
    assert "nt21" not in arelle.DISCLOSURE_SYSTEMS
    assert arelle.validate_full(content, packages=[package]) == []
    broken = content.replace(b"LegalEntityName contextRef", b"LegalEntityNameX contextRef").replace(
        b"</nl-cd:LegalEntityName>", b"</nl-cd:LegalEntityNameX>"
    )
    assert broken.count(b"LegalEntityNameX") == 2
    codes = {f.code for f in arelle.validate_full(broken, packages=[package])}
    assert "xbrl:schemaImportMissing" in codes


@pytest.mark.slow
def test_check_instance_full_merges_arelle_when_configured(packages, settings):
    broken = GOOD.replace(b"LegalEntityName contextRef", b"LegalEntityNameX contextRef").replace(
        b"</nl-cd:LegalEntityName>", b"</nl-cd:LegalEntityNameX>"
    )
    assert broken.count(b"LegalEntityNameX") == 2
    settings.KVK_TAXONOMY_PACKAGES = []
    assert "xbrl:schemaImportMissing" not in {f.code for f in check_instance(broken, full=True)}
    settings.KVK_TAXONOMY_PACKAGES = [packages["nt20"]]
    assert "xbrl:schemaImportMissing" not in {f.code for f in check_instance(broken)}
    assert "xbrl:schemaImportMissing" in {f.code for f in check_instance(broken, full=True)}


def test_an_unsatisfied_formula_assertion_merges_with_ours_under_its_id():
    """Arelle reports an unsatisfied assertion as "message:<id>" (arelle/formula/
    FormulaEvaluator.py); kvk.formulas reports it under the id itself. Merged, the fault
    is one finding, whatever line each side points at."""
    code = "valueAssertion_BalanceSheetMicroEntities_PrtFST101Variable1"
    entries = [
        {
            "code": f"message:{code}",
            "level": "warning",
            "refs": [{"sourceLine": 80}],
            "message": {"text": "Assets differ"},
        }
    ]
    theirs = list(arelle.findings_from_log(entries))
    assert [f.code for f in theirs] == [code]
    ours = [Finding(code, "warning", "nl", "en", 75)]
    assert arelle.merge_findings(ours, theirs) == ours
    other = [Finding("FR-NL-3.03", "error", "nl", "en", 75)]
    assert arelle.merge_findings(other, theirs) == other + theirs
