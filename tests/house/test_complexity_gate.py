"""The complexity gate of `make lint` (scripts/complexity.py, issue 21): a function above 15
(radon's cyclomatic complexity: 1 + one per branch point) is reported, one at 15 is not."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _gate():
    spec = importlib.util.spec_from_file_location("complexity", ROOT / "scripts/complexity.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _function(name: str, branches: int) -> str:
    body = "".join(f"    if x == {i}:\n        return {i}\n" for i in range(branches))
    return f"def {name}(x):\n{body}    return -1\n"


def test_a_function_above_the_limit_is_reported(tmp_path):
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "mod.py").write_text(
        _function("readable", 14) + "\n\n" + _function("tangled", 15)
    )
    found = _gate().too_complex(tmp_path, 15)
    assert found == ["app/mod.py:33 tangled (16)"]  # after 30 lines and two blank ones


def test_tests_and_migrations_are_not_counted(tmp_path):
    for folder in ("tests", "migrations"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "mod.py").write_text(_function("tangled", 20))
    assert _gate().too_complex(tmp_path, 15) == []
