"""The value lists of NT19 as the official schemas give them, read straight from the extract
(kvk/nt19/nt19-kvk-micro-klein.json, "types": the enumeration facets of jenv-codes.xsd),
not through the code under test (kvk.nt, kvk.taxonomy)."""

from __future__ import annotations

import functools
import json
from pathlib import Path

import kvk

EXTRACT = Path(kvk.__file__).parent / "nt19" / "nt19-kvk-micro-klein.json"


@functools.cache
def enumeration(type_name: str) -> tuple[str, ...]:
    """The values of ``type_name`` ("jenv-codes:directorItemType") in the extract."""
    types = json.loads(EXTRACT.read_text(encoding="utf-8"))["types"]
    return tuple(types[type_name]["enumeration"])


LEGAL_FORMS = "jenv-codes:legalFormItemType"
DIRECTOR_TYPES = "jenv-codes:directorItemType"
APPROPRIATIONS = "jenv-codes:profitAppropriationItemType"
