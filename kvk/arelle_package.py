"""A small taxonomy package this project generates itself, for testing full validation.

The official NT packages cannot be downloaded where this project is built (KVK-SBR.md
section 3), so the tests prove the Arelle path with a package that defines just the
concepts, axes and members ``kvk.builder`` uses, published under the official URLs
through the package catalog. It is a test double, not a substitute for the official
package: it has no presentation, no calculation and no value assertions.

    from kvk.arelle_package import write_test_package
    write_test_package("nt20", "pkg.zip")
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from kvk import taxonomy as tx

_XSD = "http://www.w3.org/2001/XMLSchema"
_INSTANCE_XSD = "http://www.xbrl.org/2003/xbrl-instance-2003-12-31.xsd"
_XBRLDT_XSD = "http://www.xbrl.org/2005/xbrldt-2005.xsd"
_XBRLDT = "http://xbrl.org/2005/xbrldt"

_TYPES = {
    tx.MONETARY: "xbrli:monetaryItemType",
    tx.DATE: "xbrli:dateItemType",
    tx.STRING: "xbrli:stringItemType",
    tx.ENUM: "xbrli:stringItemType",
    tx.FORMATTED: "nl-types:formattedExplanationItemType",
}


def _schema_path(url: str) -> str:
    """Where a published URL lives inside the package (the catalog maps the host)."""
    return url.removeprefix("http://www.nltaxonomie.nl/")


def _schema(namespace: str, prefix: str, body: str, imports: dict[str, str]) -> str:
    decls = "".join(f'\n    xmlns:{p}="{ns}"' for p, ns in imports.items())
    import_lines = "".join(
        f'\n  <xs:import namespace="{ns}" schemaLocation="{_location(p, ns)}"/>'
        for p, ns in imports.items()
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<xs:schema xmlns:xs="{_XSD}" targetNamespace="{namespace}"'
        f'\n    xmlns:{prefix}="{namespace}"{decls}'
        '\n    elementFormDefault="qualified" attributeFormDefault="unqualified">'
        f"{import_lines}\n{body}</xs:schema>\n"
    )


def _location(prefix: str, namespace: str) -> str:
    if prefix == "xbrli":
        return _INSTANCE_XSD
    if prefix == "xbrldt":
        return _XBRLDT_XSD
    return namespace + ".xsd"


def _concepts_schema(gen: tx.Generation, prefix: str) -> str:
    lines = []
    for name, (_, kind) in tx.CONCEPTS.items():
        if gen.concept_prefix(name) != prefix:
            continue
        period = "instant" if name in tx.BALANCE_CONCEPTS else "duration"
        balance = ""
        if kind == tx.MONETARY and name in tx.BALANCE_ASSETS:
            balance = ' xbrli:balance="debit"'
        elif kind == tx.MONETARY and name in tx.BALANCE_EQUITY_LIABILITIES:
            balance = ' xbrli:balance="credit"'
        lines.append(
            f'  <xs:element name="{name}" id="{prefix}_{name}" type="{_TYPES[kind]}" '
            f'substitutionGroup="xbrli:item" nillable="true" abstract="false" '
            f'xbrli:periodType="{period}"{balance}/>\n'
        )
    imports = {"xbrli": tx.XBRLI}
    if any("nl-types:" in line for line in lines):
        imports["nl-types"] = gen.namespaces["nl-types"]
    return _schema(gen.namespaces[prefix], prefix, "".join(lines), imports)


def _types_schema(gen: tx.Generation) -> str:
    body = (
        '  <xs:complexType name="formattedExplanationItemType">\n'
        '    <xs:simpleContent><xs:restriction base="xbrli:stringItemType"/></xs:simpleContent>\n'
        "  </xs:complexType>\n"
    )
    return _schema(gen.namespaces["nl-types"], "nl-types", body, {"xbrli": tx.XBRLI})


def _axes_schema(gen: tx.Generation) -> str:
    lines = [
        f'  <xs:element name="{axis}" id="jenv-bw2-dim_{axis}" type="xbrli:stringItemType" '
        'substitutionGroup="xbrldt:dimensionItem" abstract="true" nillable="true" '
        'xbrli:periodType="duration"/>\n'
        for axis, _ in tx.FINANCIAL_DIMENSIONS
    ]
    lines.append(
        f'  <xs:element name="{tx.SIGNATORY_AXIS}" id="jenv-bw2-dim_{tx.SIGNATORY_AXIS}" '
        'type="xbrli:stringItemType" substitutionGroup="xbrldt:dimensionItem" abstract="true" '
        'nillable="true" xbrli:periodType="duration" '
        f'xbrldt:typedDomainRef="jenv-bw2-domains.xsd#jenv-bw2-dm_{tx.SIGNATORY_MEMBER_ELEMENT}"/>\n'
    )
    return _schema(
        gen.namespaces["jenv-bw2-dim"],
        "jenv-bw2-dim",
        "".join(lines),
        {"xbrli": tx.XBRLI, "xbrldt": _XBRLDT},
    )


def _domains_schema(gen: tx.Generation) -> str:
    lines = [
        f'  <xs:element name="{member}" id="jenv-bw2-dm_{member}" type="xbrli:stringItemType" '
        'substitutionGroup="xbrli:item" abstract="true" nillable="true" '
        'xbrli:periodType="duration"/>\n'
        for _, member in tx.FINANCIAL_DIMENSIONS
    ]
    lines.append(
        f'  <xs:element name="{tx.SIGNATORY_MEMBER_ELEMENT}" '
        f'id="jenv-bw2-dm_{tx.SIGNATORY_MEMBER_ELEMENT}" type="xs:positiveInteger"/>\n'
    )
    return _schema(
        gen.namespaces["jenv-bw2-dm"], "jenv-bw2-dm", "".join(lines), {"xbrli": tx.XBRLI}
    )


def _entry_point_schema(gen: tx.Generation, url: str) -> str:
    namespace = url.removesuffix(".xsd")
    imports = {
        "xbrli": tx.XBRLI,
        "jenv-bw2-i": gen.namespaces["jenv-bw2-i"],
        "kvk-i": gen.namespaces["kvk-i"],
        "jenv-bw2-dim": gen.namespaces["jenv-bw2-dim"],
        "jenv-bw2-dm": gen.namespaces["jenv-bw2-dm"],
    }
    return _schema(namespace, "ep", "", imports)


def package_files(gen: tx.Generation) -> dict[str, str]:
    """Path inside the package -> content, for one generation."""
    root = f"deponeer-test-{gen.code}"
    files: dict[str, str] = {}
    for prefix in ("jenv-bw2-i", "kvk-i"):
        files[_schema_path(gen.namespaces[prefix] + ".xsd")] = _concepts_schema(gen, prefix)
    files[_schema_path(gen.namespaces["nl-types"] + ".xsd")] = _types_schema(gen)
    files[_schema_path(gen.namespaces["jenv-bw2-dim"] + ".xsd")] = _axes_schema(gen)
    files[_schema_path(gen.namespaces["jenv-bw2-dm"] + ".xsd")] = _domains_schema(gen)
    entry_points = ""
    for url, variant in gen.entry_points().items():
        files[_schema_path(url)] = _entry_point_schema(gen, url)
        entry_points += (
            "    <tp:entryPoint>\n"
            f"      <tp:name>{gen.label} {variant}</tp:name>\n"
            f'      <tp:entryPointDocument href="{url}"/>\n'
            "    </tp:entryPoint>\n"
        )
    files["META-INF/taxonomyPackage.xml"] = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<tp:taxonomyPackage xmlns:tp="http://xbrl.org/2016/taxonomy-package" xml:lang="nl">\n'
        f"  <tp:identifier>urn:deponeer:test-taxonomy:{gen.code}</tp:identifier>\n"
        f"  <tp:name>Deponeer test package {gen.label} (not the official NT)</tp:name>\n"
        f"  <tp:version>{gen.release}</tp:version>\n"
        f"  <tp:publicationDate>{gen.release[:4]}-{gen.release[4:6]}-{gen.release[6:]}"
        "</tp:publicationDate>\n"
        f"  <tp:entryPoints>\n{entry_points}  </tp:entryPoints>\n"
        "</tp:taxonomyPackage>\n"
    )
    files["META-INF/catalog.xml"] = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<catalog xmlns="urn:oasis:names:tc:entity:xmlns:xml:catalog">\n'
        f'  <rewriteURI uriStartString="http://www.nltaxonomie.nl/{gen.code}/" '
        f'rewritePrefix="../{gen.code}/"/>\n'
        "</catalog>\n"
    )
    return {f"{root}/{path}": content for path, content in files.items()}


def write_test_package(generation: str, path: str | Path) -> Path:
    """Write the test package zip for a generation ("nt20") and return its path."""
    gen = tx.generation(generation)
    path = Path(path)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in package_files(gen).items():
            archive.writestr(name, content)
    return path
