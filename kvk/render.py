"""The accounts as people read them: HTML and PDF from an instance.

Follows KvK's consistent-presentation wishes: a cover page with the document title, the
name, seat and period and whether the accounts were adopted (and when); the entity's
information and address; the balance sheet with both years side by side; the profit and
loss account when filed; the notes; the signing. Until the document is filed it carries a
"CONCEPT" watermark.

The statements follow the presentation trees of the entry point's roles as the official
NT19 files have them (kvk/nt19, read through ``kvk.nt.entry_point(variant).presentation``):
their order, their depth, their headings (the abstract titles), and their preferred
labels: a row whose label role is a total label, or whose concept is a total the KvK's
sums compute (``kvk.taxonomy.summation_terms``), is shown as a total; a row with a negated
label is shown with the opposite sign (costs as deductions). Captions are ours
(``kvk.labels``: the label linkbases were not read), in the language the document was
filed in, whatever the reader's interface language.
"""

from __future__ import annotations

import functools
import html
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe
from lxml import etree

from kvk import labels, nt, xhtml
from kvk import taxonomy as tx
from kvk.parser import parse_instance
from kvk.statements import FinancialStatements, Signatory

_TOTAL_ROLES = ("totalLabel", "negatedTotalLabel")
_ROLE_PREFIX = "urn:kvk:linkrole:"


@functools.cache
def totals(variant: str) -> frozenset[str]:
    """Local names shown as totals in a variant: the totals the KvK's sums compute
    (balance sheet and profit and loss) and the concepts the presentation gives a total
    label."""
    names = set(tx.summation_terms(variant))
    for rows in nt.entry_point(variant).presentation.values():
        for _, qname, role in rows:
            if role and role.rpartition("/")[2] in _TOTAL_ROLES:
                names.add(qname.partition(":")[2])
    return frozenset(names)


def money(value: Decimal | None) -> str:
    """Dutch notation: 1.234.567 or 1.234,50; negatives with a minus sign (-1.234)."""
    if value is None:
        return ""
    digits = f"{abs(value):,.2f}" if value != value.to_integral_value() else f"{abs(value):,.0f}"
    digits = digits.replace(",", "_").replace(".", ",").replace("_", ".")
    return f"-{digits}" if value < 0 else digits


# --- statements along the presentation tree -------------------------------------------
@dataclass(frozen=True)
class Row:
    caption: str
    depth: int
    heading: bool = False
    total: bool = False
    current: str = ""
    previous: str = ""


def _ordered_rows(variant: str, role_short: str) -> list[tuple[int, str, str | None]]:
    """A role's presentation rows, one per concept (kvk.nt joins a role's trees)."""
    rows = nt.entry_point(variant).presentation.get(_ROLE_PREFIX + role_short, ())
    seen: set[str] = set()
    unique = []
    for row in rows:
        if row[1] not in seen:
            seen.add(row[1])
            unique.append(row)
    return unique


def statement_rows(
    variant: str,
    role_short: str,
    amounts: dict[str, tuple[Decimal | None, Decimal | None]],
    language: str = "nl",
) -> list[Row]:
    """The rows of one statement (a balance sheet or profit and loss role) with amounts:
    headings that have amounts below them, then amounts in presentation order."""
    rows: list[Row] = []
    for depth, qname, role in _ordered_rows(variant, role_short):
        prefix, _, name = qname.partition(":")
        if prefix == "kvk-abstr":
            caption = labels.heading(name, language)
            if caption:
                rows.append(Row(caption, depth, heading=True))
            continue
        current, previous = amounts.get(name, (None, None))
        if current is None and previous is None:
            continue
        sign = -1 if role and "negated" in role.rpartition("/")[2] else 1
        rows.append(
            Row(
                caption=labels.label(name, language),
                depth=depth,
                total=name in totals(variant),
                current=money(None if current is None else sign * current),
                previous=money(None if previous is None else sign * previous),
            )
        )
    kept = [row for i, row in enumerate(rows) if not row.heading or _has_amounts_below(rows, i)]
    least = min((row.depth for row in kept), default=0)
    return [
        Row(r.caption, r.depth - least, r.heading, r.total, r.current, r.previous) for r in kept
    ]


def _has_amounts_below(rows: list[Row], index: int) -> bool:
    for row in rows[index + 1 :]:
        if row.depth <= rows[index].depth:
            return False
        if not row.heading:
            return True
    return False


# --- notes ----------------------------------------------------------------------------
_PLAIN_TAG = re.compile(r"[A-Za-z][A-Za-z0-9]*")
#: Attributes kept from the SBR formatting; everything else (style included) is dropped.
_KEPT_ATTRIBUTES = {
    "ol": {"type"},
    "ul": {"type"},
    "li": {"type"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
}


def notes_html(text: str) -> SafeString:
    """A notes text as HTML that is safe to show.

    Formatted text (escaped XHTML, FR-NL-5.11) is shown as formatting when it holds only
    the SBR tag set and parses (``kvk.xhtml.formatted_text_problems`` decides); its
    attributes, comments and processing instructions are dropped. Anything else is plain
    text: escaped, blank lines make paragraphs.
    """
    if xhtml.has_markup(text):
        problems = xhtml.formatted_text_problems(text)
        if not problems:
            markup = _clean_markup(text)
            if markup is not None:
                return markup
    paragraphs = [p.strip() for p in text.replace("\r\n", "\n").split("\n\n") if p.strip()]
    return mark_safe(  # noqa: S308 - every paragraph escaped
        "".join(f"<p>{html.escape(p).replace(chr(10), '<br>')}</p>" for p in paragraphs)
    )


def _clean_markup(text: str) -> SafeString | None:
    try:
        wrapper = xhtml.fragment(text, "div")
    except etree.XMLSyntaxError:
        return None
    for node in list(wrapper.iter(etree.Comment, etree.ProcessingInstruction)):
        _remove_keeping_tail(node)
    for el in wrapper.iter():
        if not _PLAIN_TAG.fullmatch(el.tag):
            # Only names the tag-set check saw (no namespaces, no "_x"): anything else
            # was not vetted, so the text is shown as text.
            return None
        allowed = _KEPT_ATTRIBUTES.get(el.tag, set())
        for attribute in list(el.attrib):
            if attribute not in allowed:
                del el.attrib[attribute]
    inner = html.escape(wrapper.text or "") + "".join(
        etree.tostring(child, method="html", encoding="unicode") for child in wrapper
    )
    return mark_safe(inner)  # noqa: S308 - rebuilt by lxml from the SBR tag set only


def _remove_keeping_tail(node: etree._Element) -> None:
    parent = node.getparent()
    assert parent is not None  # inside the wrapper
    if node.tail:
        previous = node.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + node.tail
        else:
            parent.text = (parent.text or "") + node.tail
    parent.remove(node)


# --- the document ---------------------------------------------------------------------
def _column_label(start: date | None, end: date | None) -> str:
    if start is None or end is None:
        return ""
    return str(end.year) if start.year == end.year else f"{start.year}/{end.year}"


def _signatory(person: Signatory, language: str) -> dict[str, Any]:
    functions = labels.DIRECTOR_TYPES_EN if language == "en" else labels.DIRECTOR_TYPES_NL
    return {
        "name": person.name,
        "function": functions.get(person.function, person.function),
        "signed": person.signed,
        "signed_on": person.signed_on,
        "place": person.place,
        "reason": person.reason_not_signed,
    }


def _statement(st: FinancialStatements, part: str, language: str) -> list[Row] | None:
    """Rows of the balance sheet or profit and loss; None when the variant is not in the
    extract (a received klein-verticaal filing)."""
    if st.variant not in tx.BUILDABLE_VARIANTS:
        return None
    size = tx.size_of_variant(st.variant) or ""
    amounts = st.balance if part == "balance" else st.profit_loss
    rows: list[Row] = []
    present = {role.short for role in nt.entry_point(st.variant).roles}
    for short in tx.FILING_ROLES[size][part]:
        if short in present:
            rows += statement_rows(st.variant, short, amounts, language)
    return rows


def _notes(st: FinancialStatements, language: str) -> list[dict[str, Any]]:
    order = tx.line_items(st.variant, "notes") if st.variant in tx.BUILDABLE_VARIANTS else ()
    names = [n for n in order if n in st.notes] + [n for n in st.notes if n not in order]
    return [
        {"caption": labels.label(name, language), "html": notes_html(st.notes[name])}
        for name in names
        if st.notes[name].strip()
    ]


def context_for(content: bytes, *, concept: bool = True) -> dict[str, object]:
    """The template context for an instance (raises XbrlParseError/ValueError)."""
    inst = parse_instance(content)
    st = inst.statements()
    language = labels.document_language(st.language)
    texts = labels.TEXTS_EN if language == "en" else labels.TEXTS_NL
    titles = labels.TITLES_EN if language == "en" else labels.TITLES_NL
    return {
        "st": st,
        "language": language,
        "t": texts,
        "caption": {
            name: labels.label(name, language)
            for name in (labels.LABELS_EN if language == "en" else labels.LABELS_NL)
        },
        "title": titles.get(st.variant, texts["annual_accounts"]),
        "concept": concept,
        "generation": inst.generation.upper() if inst.generation else "",
        "size_label": texts.get(f"size_{st.size}", st.size),
        "legal_form_label": tx.caption(st.legal_form),
        "column_current": _column_label(st.period_start, st.period_end),
        "column_previous": _column_label(st.previous_start, st.previous_end),
        "comparatives": st.has_comparatives,
        "appropriation": texts["after_appropriation"]
        if st.appropriation == tx.AFTER_APPROPRIATION
        else texts["before_appropriation"],
        "balance": _statement(st, "balance", language),
        "profit_loss": _statement(st, "income", language),
        "notes": _notes(st, language),
        "signatories": [_signatory(p, language) for p in st.signatories],
    }


def render_html(content: bytes, *, concept: bool = True) -> str:
    """A self-contained HTML document for people (no external resources), in the
    language the instance was filed in."""
    context = context_for(content, concept=concept)
    with translation.override(str(context["language"])):  # month names in dates
        return render_to_string("kvk/annual_accounts.html", context)


def html_to_pdf(document: str) -> bytes:
    """The accounts ``render_html`` made, as PDF (no network: url_fetcher refuses
    everything)."""
    from weasyprint import HTML

    def refuse(url: str, *args: object, **kwargs: object) -> dict[str, object]:
        raise ValueError(f"no external resources in rendered accounts: {url}")

    return HTML(string=document, url_fetcher=refuse).write_pdf()
