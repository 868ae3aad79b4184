"""Full validation through Arelle in a separate process, with the self-generated test
taxonomy package standing in for the official one."""

from __future__ import annotations

import json
import zipfile
from datetime import date

import pytest
from django.core.management import call_command

from kvk import arelle
from kvk import taxonomy as tx
from kvk.arelle_package import package_files, write_test_package
from kvk.builder import build_instance
from kvk.rules import check_instance
from kvk.statements import demo_statements

pytestmark = pytest.mark.skipif(not arelle.arelle_installed(), reason="arelle-release missing")

GOOD = build_instance(demo_statements(kvk_number="12345678", legal_name="Demo B.V.", year=2025))


@pytest.fixture(scope="module")
def packages(tmp_path_factory):
    folder = tmp_path_factory.mktemp("packages")
    return [str(write_test_package(code, folder / f"{code}.zip")) for code in ("nt19", "nt20")]


def test_package_maps_every_entry_point_through_the_catalog():
    files = package_files(tx.generation("nt20"))
    root = "deponeer-test-nt20"
    assert f"{root}/META-INF/catalog.xml" in files
    for url in tx.generation("nt20").entry_points():
        assert f"{root}/{url.removeprefix('http://www.nltaxonomie.nl/')}" in files
        assert url in files[f"{root}/META-INF/taxonomyPackage.xml"]


def test_package_is_a_zip(tmp_path):
    path = write_test_package("nt19", tmp_path / "p.zip")
    with zipfile.ZipFile(path) as archive:
        assert "deponeer-test-nt19/META-INF/taxonomyPackage.xml" in archive.namelist()


def test_unavailable_without_packages(tmp_path):
    assert not arelle.full_validation_available([])
    assert not arelle.full_validation_available([str(tmp_path / "missing.zip")])
    with pytest.raises(arelle.FullValidationUnavailable):
        arelle.validate_full(GOOD, packages=[])


@pytest.mark.slow
def test_built_instance_is_valid_for_arelle(packages):
    assert arelle.validate_full(GOOD, packages=packages) == []


@pytest.mark.slow
def test_arelle_finds_what_needs_the_taxonomy_and_agrees_on_ours(packages):
    broken = (
        GOOD.replace(b'decimals="0">48250', b'decimals="1">48250')
        .replace(b"LegalEntityName contextRef", b"LegalEntityNameTypo contextRef")
        .replace(b"</jenv-bw2-i:LegalEntityName>", b"</jenv-bw2-i:LegalEntityNameTypo>")
    )
    theirs = arelle.validate_full(broken, packages=packages)
    codes = {f.code for f in theirs}
    assert "FR-KVK-5.01" in codes  # same code as our rule
    assert "xbrl:schemaImportMissing" in codes  # only the taxonomy can tell
    assert all(f.message_nl != f.message_en and f.line for f in theirs)

    ours = check_instance(broken, filing_date=date(2026, 6, 1))
    merged = arelle.merge_findings(ours, theirs)
    assert [f.code for f in merged].count("FR-KVK-5.01") == 1
    assert "xbrl:schemaImportMissing" in {f.code for f in merged}


@pytest.mark.slow
def test_kvk_validate_full(packages, settings, tmp_path, capsys):
    settings.KVK_TAXONOMY_PACKAGES = packages
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
# filing date, concepts outside the test package, or are our own DEP- rules).
SHARED_CODES = {
    "FR-NL-1.01", "FR-NL-1.02", "FR-NL-1.03", "FR-NL-1.04", "FR-NL-1.05", "FR-NL-1.06",
    "FR-NL-2.03", "FR-NL-2.06", "FR-NL-2.07", "FR-NL-3.02", "FR-NL-3.03", "FR-NL-3.04",
    "FR-NL-4.01", "FR-NL-4.02", "FR-NL-5.01", "FR-NL-5.03", "FR-NL-5.06", "FR-NL-5.11",
    "FG-NL-03", "FG-NL-04", "FG-NL-05", "FG-NL-09", "FR-KVK-1.01", "FR-KVK-2.01",
    "FR-KVK-2.02", "FR-KVK-5.01", "BR-KVK-2.04", "BR-KVK-3.01", "BR-KVK-4.12",
    "BR-KVK-4.16", "BR-KVK-4.17", "BR-KVK-4.20",
}  # fmt: skip


@pytest.mark.slow
def test_arelle_reports_the_same_rule_on_each_breaking_instance(packages, tmp_path):
    import os
    import subprocess
    from pathlib import Path

    from tests.kvk.test_rules import CASES

    files, expected = [], {}
    for i, case in enumerate(CASES):
        if case.code not in SHARED_CODES:
            continue
        folder = tmp_path / str(i)
        folder.mkdir()
        name = case.filename if case.filename != "jaarrekening.xbrl" else f"case{i}.xbrl"
        content = case.breaking.encode() if isinstance(case.breaking, str) else case.breaking
        (folder / name).write_bytes(content)
        files.append(str(folder / name))
        expected[name] = case.code
    log = tmp_path / "log.json"
    command = arelle.arelle_command(Path("|".join(files)), log, packages, "NT20")
    env = {**os.environ, "HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path)}
    subprocess.run(command, env=env, capture_output=True, check=False, timeout=600)
    reported: dict[str, set[str]] = {}
    for entry in json.loads(log.read_text())["log"]:
        refs = entry.get("refs") or []
        if entry.get("level") in ("error", "warning") and refs:
            name = refs[0].get("href", "").split("#")[0].rsplit("/", 1)[-1]
            reported.setdefault(name, set()).add(str(entry["code"]).removeprefix("NL."))
    missing = {name: code for name, code in expected.items() if code not in reported.get(name, ())}
    assert missing == {}
    assert set(expected.values()) == SHARED_CODES


def test_a_hanging_arelle_becomes_a_warning(packages):
    findings = arelle.validate_full(GOOD, packages=packages, timeout=0.001)
    assert [(f.code, f.severity) for f in findings] == [("DEP-FULL-VALIDATION", "warning")]


def test_unreadable_instance_is_not_handed_to_arelle(packages):
    assert arelle.validate_full(b"<!DOCTYPE x><x/>", packages=packages) == []


@pytest.mark.slow
def test_generation_unknown_to_arelle_gets_xbrl_validation_only(tmp_path):
    package = str(write_test_package("nt21", tmp_path / "nt21.zip"))
    st = demo_statements(kvk_number="12345678", legal_name="D", year=2026)
    content = build_instance(st)
    assert "nt21" not in arelle.DISCLOSURE_SYSTEMS
    assert arelle.validate_full(content, packages=[package]) == []
    broken = content.replace(b"LegalEntityName contextRef", b"LegalEntityNameX contextRef").replace(
        b"</jenv-bw2-i:LegalEntityName>", b"</jenv-bw2-i:LegalEntityNameX>"
    )
    codes = {f.code for f in arelle.validate_full(broken, packages=[package])}
    assert "xbrl:schemaImportMissing" in codes


@pytest.mark.slow
def test_check_instance_full_merges_arelle_when_configured(packages, settings):
    broken = GOOD.replace(b"LegalEntityName contextRef", b"LegalEntityNameX contextRef").replace(
        b"</jenv-bw2-i:LegalEntityName>", b"</jenv-bw2-i:LegalEntityNameX>"
    )
    settings.KVK_TAXONOMY_PACKAGES = []
    assert "xbrl:schemaImportMissing" not in {f.code for f in check_instance(broken, full=True)}
    settings.KVK_TAXONOMY_PACKAGES = packages
    assert "xbrl:schemaImportMissing" not in {f.code for f in check_instance(broken)}
    assert "xbrl:schemaImportMissing" in {f.code for f in check_instance(broken, full=True)}
