"""Fail when a function or method of the product is more complex than a reader can hold:
cyclomatic complexity above MAX (radon's measure). Tests, benchmarks and migrations are
not counted. Run by `make lint` and CI (issue 21)."""

from __future__ import annotations

import sys
from pathlib import Path

from radon.complexity import cc_visit
from radon.visitors import Class

ROOT = Path(__file__).resolve().parent.parent
MAX = 15
SKIP = {".venv", "tests", "bench", "migrations", "var", "node_modules", "staticfiles"}


def too_complex(root: Path = ROOT, limit: int = MAX) -> list[str]:
    """``path:line name (complexity)`` for every block above ``limit``."""
    found = []
    for path in sorted(root.rglob("*.py")):
        if SKIP.intersection(path.relative_to(root).parts):
            continue
        for block in cc_visit(path.read_text(encoding="utf-8")):
            # A class is measured by its methods, which radon lists on their own.
            if not isinstance(block, Class) and block.complexity > limit:
                name = getattr(block, "fullname", block.name)
                found.append(f"{path.relative_to(root)}:{block.lineno} {name} ({block.complexity})")
    return found


def main() -> int:
    found = too_complex()
    for line in found:
        print(line)
    if found:
        print(f"{len(found)} functions above complexity {MAX}: split them.", file=sys.stderr)
        return 1
    print(f"No function above complexity {MAX}.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
