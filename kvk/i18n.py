"""The language of the library's texts for people: gettext (Dutch msgids, the English
catalogue), so a text follows Django's active language. A caller that names a language
gets the texts in it (``speaking``); the rendered accounts' own vocabulary (``kvk.labels``)
is chosen to match (``interface_language``)."""

from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext

from django.utils import translation


def speaking(language: str | None) -> AbstractContextManager[object]:
    """Inside the block the texts are in ``language`` ("nl", "en"); in the active language
    when it is None or empty."""
    return translation.override(language) if language else nullcontext()


def interface_language() -> str:
    """ "en" when the active language is English, else "nl": the key of ``kvk.labels``'
    captions that match what gettext gives now (no active language gives the Dutch
    msgids)."""
    return "en" if (translation.get_language() or "").startswith("en") else "nl"
