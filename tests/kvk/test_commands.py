from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from kvk import nt
from kvk.builder import build_instance
from kvk.parser import parse_instance
from kvk.rules import check_instance
from kvk.statements import FinancialStatements, demo_statements

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"


@pytest.fixture
def good(tmp_path):
    path = tmp_path / "goed.xbrl"
    path.write_bytes(
        build_instance(demo_statements(kvk_number="12345678", legal_name="Demo B.V.", year=2025))
    )
    return path


@pytest.fixture
def bad(tmp_path, good):
    path = tmp_path / "fout.xbrl"
    path.write_bytes(good.read_bytes().replace(b'decimals="0"', b'decimals="1"', 1))
    return path


def run(*args):
    with pytest.raises(SystemExit) as info:
        call_command("kvk_validate", *map(str, args))
    return info.value.code


def test_valid_file_exits_0(good, capsys):
    assert run(good, "--filing-date", "2026-06-01") == 0
    assert "OK" in capsys.readouterr().out


def test_file_with_error_exits_1_and_json_lists_findings(good, bad, capsys):
    assert run(good, bad, "--json", "--filing-date", "2026-06-01") == 1
    result = json.loads(capsys.readouterr().out)
    assert [r["file"] for r in result] == [str(good), str(bad)]
    assert result[0]["findings"] == []
    (finding,) = result[1]["findings"]
    assert set(finding) == {"code", "severity", "message", "line"}
    assert finding["code"] == "FR-KVK-5.01" and finding["severity"] == "error"
    assert isinstance(finding["line"], int)


def test_unreadable_file_exits_2(good, tmp_path, capsys):
    assert run(good, tmp_path / "missing.xbrl", "--json") == 2
    result = json.loads(capsys.readouterr().out)
    assert "error" in result[1]


def test_filing_date_decides_br_kvk_4_07(good, capsys):
    assert run(good, "--json", "--filing-date", "2025-12-31") == 1
    codes = [f["code"] for f in json.loads(capsys.readouterr().out)[0]["findings"]]
    assert "BR-KVK-4.07" in codes


def test_bad_filing_date_is_a_command_error(good):
    with pytest.raises(CommandError):
        call_command("kvk_validate", str(good), "--filing-date", "31-12-2025")


def test_kvk_build_writes_a_valid_instance(tmp_path, capsys):
    source = tmp_path / "st.json"
    st = demo_statements(kvk_number="87654321", legal_name="Bouw B.V.", year=2024, size="klein")
    source.write_text(json.dumps(st.to_dict()))
    out = tmp_path / "out.xbrl"
    call_command("kvk_build", str(source), "-o", str(out))
    assert out.read_bytes() == build_instance(st)
    assert "NT19 klein-publicatiestukken" in capsys.readouterr().out
    assert run(out, "--filing-date", "2025-06-01", "--kvk-number", "87654321") == 0


def test_kvk_build_demo_writes_the_statements_first(tmp_path):
    source, out = tmp_path / "demo.json", tmp_path / "demo.xbrl"
    call_command("kvk_build", str(source), "-o", str(out), "--demo")
    st = FinancialStatements.from_dict(json.loads(source.read_text()))
    assert out.read_bytes() == build_instance(st)


def test_kvk_build_refuses_invalid_statements(tmp_path):
    source = tmp_path / "st.json"
    data = demo_statements(kvk_number="12345678", legal_name="X", year=2025).to_dict()
    data["kvk_number"] = "12"
    source.write_text(json.dumps(data))
    with pytest.raises(CommandError, match="kvk_number"):
        call_command("kvk_build", str(source), "-o", str(tmp_path / "o.xbrl"))
    source.write_text("{not json")
    with pytest.raises(CommandError, match="JSON"):
        call_command("kvk_build", str(source), "-o", str(tmp_path / "o.xbrl"))
    with pytest.raises(CommandError, match="cannot read"):
        call_command("kvk_build", str(tmp_path / "none.json"), "-o", str(tmp_path / "o.xbrl"))


# --- docs/examples ---------------------------------------------------------------------
EXAMPLE_FILES = sorted(EXAMPLES.glob("*.json"))


def test_the_examples_readme_names_every_example():
    readme = (EXAMPLES / "README.md").read_text(encoding="utf-8")
    assert len(EXAMPLE_FILES) >= 6
    for path in EXAMPLE_FILES:
        assert path.name in readme
    assert "manage.py kvk_build" in readme


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda p: p.stem)
def test_every_example_builds_into_a_valid_instance(path, tmp_path, capsys):
    """kvk_build turns each example into an instance that passes our rules, and each fact
    is a concept of the example's entry point in the NT19 extract (kvk/nt19, official
    NT19 files; tests/kvk/test_concepts.py checks dimensions and values too)."""
    out = tmp_path / f"{path.stem}.xbrl"
    call_command("kvk_build", str(path), "-o", str(out))
    assert "with errors" not in capsys.readouterr().out
    st = FinancialStatements.from_dict(json.loads(path.read_text(encoding="utf-8")))
    content = out.read_bytes()
    findings = check_instance(content, filing_date=st.period_end + timedelta(days=180))
    assert [f for f in findings if f.is_error] == []
    inst = parse_instance(content)
    prefixes = {uri: p for p, uri in st.taxonomy_generation().namespaces.items()}
    allowed = nt.entry_point(st.variant).concepts
    written = {f"{prefixes.get(f.namespace)}:{f.local_name}" for f in inst.facts}
    assert written - allowed == set()
    assert inst.entry_point_variant == st.variant
