"""The value lists of NT19 as the official schemas give them, read straight from the extract
(kvk/nt19/nt19-kvk-micro-klein.json, "types": the enumeration facets of jenv-codes.xsd),
not through the code under test (kvk.nt, kvk.taxonomy)."""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path

import kvk

EXTRACT = Path(kvk.__file__).parent / "nt19" / "nt19-kvk-micro-klein.json"


@functools.cache
def _types() -> dict:
    return json.loads(EXTRACT.read_text(encoding="utf-8"))["types"]


@functools.cache
def enumeration(type_name: str) -> tuple[str, ...]:
    """The values of ``type_name`` ("jenv-codes:directorItemType") in the extract."""
    return tuple(_types()[type_name]["enumeration"])


#: The type of nl-cd:ChamberOfCommerceRegistrationNumber (sbr 20240301 nl-types.xsd).
KVK_NUMBER = "nl-types:chamberOfCommerceRegistrationNumberItemType"
#: The sentence every place a KvK number is typed to be filed with refuses one of eight
#: digits with that the type refuses (kvk.fields.refuse_unfilable_kvk_number).
KVK_NUMBER_REFUSED = "Een KvK-nummer bestaat uit precies acht cijfers en begint niet met 00."


def kvk_number_the_kvk_refuses() -> str:
    """Eight digits the KvK refuses in a filing: the extract's type has the pattern
    ([1-9][0-9]{7})|([0-9][1-9][0-9]{6}) (an XSD pattern matches the whole value), so
    eight digits beginning with 00. Checked against the extract, not taken on trust."""
    facets = _types()[KVK_NUMBER]
    assert facets["pattern"] == "([1-9][0-9]{7})|([0-9][1-9][0-9]{6})"
    assert facets["length"] == 8
    number = "00123456"
    assert re.fullmatch(facets["pattern"], number) is None
    # One 0 in front is a number the KvK accepts: only the second 0 makes it refused.
    assert re.fullmatch(facets["pattern"], "0" + number[2:] + "7") is not None
    return number


LEGAL_FORMS = "jenv-codes:legalFormItemType"
DIRECTOR_TYPES = "jenv-codes:directorItemType"
APPROPRIATIONS = "jenv-codes:profitAppropriationItemType"
