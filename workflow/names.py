"""Whether two written names of a person may name the same person.

A filing's signatories are free text (NT19's ``LegalEntityNameManagingSupervisoryDirector``
is a string), and Dutch accounts often sign with initials: "J. de Vries" or "J.P. van der
Berg", while the contact in the portal carries the full name "Jan de Vries". Two names
agree when their surnames (with the tussenvoegsel: "de Vries" is not "Vries") are the same
and their given names agree as far as both go, an initial standing for any given name that
begins with it. Capitals, accents and spacing do not count ("José Núñez" is "JOSE NUNEZ").
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

#: The common tussenvoegsels that begin a Dutch surname, and a few of other languages; the
#: surname is compared from the first of them on (a rarer one is read as a given name).
# fmt: off
TUSSENVOEGSELS = frozenset({
    "van", "de", "der", "den", "het", "'t", "ter", "ten", "te", "in", "op", "aan", "bij",
    "uit", "onder", "over", "voor", "la", "le", "du", "des", "da", "di", "del", "della",
    "dos", "von", "zu", "zur",
})
# fmt: on
_WORD = re.compile(r"[^\s.]+\.?")
#: Letters that are no letter with an accent (Unicode does not decompose them) and
#: apostrophes, as a name may be typed without them.
_PLAIN_LETTERS = str.maketrans({"ı": "i", "ø": "o", "ł": "l", "đ": "d", "’": "'", "‘": "'"})


@dataclass(frozen=True)
class Name:
    """A written name taken apart: the given names (each a word or an initial) and the
    surname with its tussenvoegsel."""

    given: tuple[str, ...]
    initials: tuple[bool, ...]
    surname: tuple[str, ...]


def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return bare.casefold().translate(_PLAIN_LETTERS)


def parse(name: str) -> Name:
    """Take a written name apart: the surname begins at the first tussenvoegsel, else it is
    the last word; a word of one letter, or one with a full stop, is an initial."""
    words = _WORD.findall(_plain(name))
    bare = [word.rstrip(".") for word in words]
    start = next((i for i, word in enumerate(bare) if word in TUSSENVOEGSELS), len(bare) - 1)
    start = max(start, 0)
    return Name(
        given=tuple(bare[:start]),
        initials=tuple(word.endswith(".") or len(word) == 1 for word in words[:start]),
        surname=tuple(bare[start:]),
    )


def _given_agree(a: Name, b: Name) -> bool:
    if not a.given or not b.given:
        return a.given == b.given
    for word_a, initial_a, word_b, initial_b in zip(
        a.given, a.initials, b.given, b.initials, strict=False
    ):
        if word_a == word_b:
            continue
        if not (initial_a and word_b.startswith(word_a) or initial_b and word_a.startswith(word_b)):
            return False
    return True


def may_be_same(a: str, b: str) -> bool:
    """Whether the names ``a`` and ``b`` may name the same person ("J. de Vries" and "Jan de
    Vries" may; "P. de Vries", "J. Vries" and "Jan van Vries" may not)."""
    first, second = parse(a), parse(b)
    return first.surname == second.surname and _given_agree(first, second)


def pair(left: Sequence[str], right: Sequence[str]) -> dict[int, int]:
    """As many pairs of one name of ``left`` and one of ``right`` that may be the same
    person as there can be (each name in one pair at most): index in left -> index in
    right. A name that fits several ("J. de Vries" fits "Jan" and "Johan de Vries") goes
    where it leaves the others a pair."""
    taken: dict[int, int] = {}  # index in right -> index in left

    def place(i: int, seen: set[int]) -> bool:
        for j in range(len(right)):
            if j in seen or not may_be_same(left[i], right[j]):
                continue
            seen.add(j)
            if j not in taken or place(taken[j], seen):
                taken[j] = i
                return True
        return False

    for i in range(len(left)):
        place(i, set())
    return {i: j for j, i in taken.items()}
