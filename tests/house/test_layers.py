"""The direction of dependencies (issue 21): the import-linter contracts in pyproject.toml
hold, and the checker does report a broken one."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_the_contracts_hold():
    result = _run()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "broken" in result.stdout and "0 broken" in result.stdout


def test_a_broken_contract_is_reported(tmp_path):
    """workflow builds on the CRM (an approval message belongs to a crm.Organisation), so
    a contract forbidding workflow to import crm must fail."""
    config = tmp_path / "importlinter.ini"
    config.write_text(
        "[importlinter]\nroot_packages =\n    crm\n    workflow\n\n"
        "[importlinter:contract:probe]\nname = probe\ntype = forbidden\n"
        "source_modules =\n    workflow\nforbidden_modules =\n    crm\n"
    )
    result = _run("--config", str(config))
    assert result.returncode != 0 and "BROKEN" in result.stdout.upper()
