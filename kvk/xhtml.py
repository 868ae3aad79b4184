"""Formatted text in an instance: the escaped XHTML that SBR allows in explanations of the
formatted-explanation type (nl-types:formattedExplanationItemType), rule FR-NL-5.11.

Used by the filing rules (``kvk.rules``), by the statements before an instance is built
(``kvk.statements``: notes that would break the rule are refused) and by rendering
(``kvk.render``: only vetted markup is shown as formatting).
"""

from __future__ import annotations

import re

from lxml import etree

from kvk.safexml import hardened_parser

#: The severities of a problem, as kvk.rules' findings carry them.
ERROR = "error"
WARNING = "warning"

_MARKUP = re.compile(r"<\s*/?\s*([A-Za-z][A-Za-z0-9]*)")
#: FR-NL-5.11: the elements of the SBR text-formatting schema (escaped XHTML).
FORMATTED_TAGS = frozenset(
    {"b", "br", "div", "em", "i", "li", "ol", "p", "pre", "s", "small", "strong", "sub",
     "sup", "table", "td", "th", "tr", "u", "ul"}
)  # fmt: skip
# FR-NL-5.11 details (SBR text formatting): style properties and list item types.
_FORMATTED_STYLES = frozenset({"font-family", "font-size", "color"})
_LIST_ITEM_TYPES = {
    "ol": frozenset({"1", "a", "A", "i", "I"}),
    "ul": frozenset({None, "", "circle", "square"}),
}
_PARSER = hardened_parser()


def tags(text: str) -> set[str]:
    """The element names a text carries, lower case."""
    return {t.lower() for t in _MARKUP.findall(text)}


def has_markup(text: str) -> bool:
    """Whether a text carries (escaped) XHTML elements."""
    return _MARKUP.search(text) is not None


def is_markup(text: str) -> bool:
    """Whether a text is meant as XHTML: it has elements and is a well-formed fragment.
    ("a < b & c" is plain text; "<p>a</p>" is markup.)"""
    if not has_markup(text):
        return False
    try:
        fragment(text)
    except etree.XMLSyntaxError:
        return False
    return True


def fragment(text: str, wrapper: str = "t") -> etree._Element:
    """A text of (escaped) XHTML as one element ``wrapper`` around it; raises
    etree.XMLSyntaxError when it is no well-formed fragment."""
    return etree.fromstring(f"<{wrapper}>{text}</{wrapper}>".encode(), _PARSER)


def formatted_text_problems(text: str) -> list[tuple[str, str, str]]:
    """What FR-NL-5.11 objects to in escaped XHTML: (severity, Dutch, English) per problem."""
    found = tags(text)
    if bad := found - FORMATTED_TAGS:
        return _not_allowed(
            bad, "niet-toegestane XHTML-elementen: {}.", "XHTML elements that are not allowed: {}."
        )
    if not found:
        return []
    try:
        tree = fragment(text)
    except etree.XMLSyntaxError as exc:
        # As in the SBR text-formatting check: badly formed markup is a warning.
        return [
            (
                WARNING,
                f"onjuist gevormde XHTML: {exc.msg}.",
                f"badly formed XHTML: {exc.msg}.",
            )
        ]
    styles: set[str] = set()
    list_types: set[str] = set()
    for el in tree.iter():
        for declaration in (el.get("style") or "").split(";"):
            prop = declaration.partition(":")[0].strip().lower()
            if ":" in declaration and prop not in _FORMATTED_STYLES:
                styles.add(prop)
        parent = el.getparent()
        if (
            el.tag == "li"
            and parent is not None
            and parent.tag in _LIST_ITEM_TYPES
            and el.get("type") not in _LIST_ITEM_TYPES[parent.tag]
        ):
            list_types.add(f'{parent.tag}/li type="{el.get("type")}"')
    return [
        *_not_allowed(
            styles,
            "niet-toegestane stijlen ({}); alleen font-family, font-size en color.",
            "styles that are not allowed ({}); only font-family, font-size and color.",
        ),
        *_not_allowed(
            list_types,
            "niet-toegestane lijsttypes: {}.",
            "list item types that are not allowed: {}.",
        ),
    ]


def _not_allowed(found: set[str], nl: str, en: str) -> list[tuple[str, str, str]]:
    """An error naming what was found (sorted, at the "{}" of ``nl`` and ``en``); none
    when nothing was."""
    if not found:
        return []
    shown = ", ".join(sorted(found))
    return [(ERROR, nl.format(shown), en.format(shown))]
