"""One name for the client's side of the portal: "de klantportal", as the product's own
documentation writes it (seed: "KvK jaarstukken deponeren via accountancyportal"), never
"het klantportal" beside it."""

from __future__ import annotations

import re
from pathlib import Path

from django.apps import apps
from django.conf import settings

#: "het klantportal", also where a Python string breaks between the two words.
NEUTER = re.compile(r"\bhet\s*(?:\"\s*\"\s*)?klantportal\b", re.IGNORECASE)


def _sources() -> list[Path]:
    """The templates and the Python code of the project's own apps (not the tests, not the
    migrations, not the catalogues)."""
    base = Path(settings.BASE_DIR).resolve()
    folders = {Path(config.path).resolve() for config in apps.get_app_configs()}
    ours = [folder for folder in folders if folder.parent == base]
    files = [path for folder in ours for path in folder.rglob("*.py")]
    files += (base / "config").rglob("*.py")
    files += [path for path in (base / "templates").rglob("*") if path.suffix in (".html", ".txt")]
    return [path for path in files if "migrations" not in path.parts]


def test_the_portal_is_de_klantportal_everywhere():
    sources = _sources()
    assert any(path.name == "notification.txt" for path in sources)  # the scan finds them
    offending = [
        f"{path.name}: {match.group(0)!r}"
        for path in sources
        for match in NEUTER.finditer(path.read_text(encoding="utf-8"))
    ]
    assert offending == []
