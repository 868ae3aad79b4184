"""The filing rules KvK applies to an instance, with their official codes.

``check_instance`` runs every rule of KVK-SBR.md section 4 (FR-NL, FG-NL, FR-KVK,
BR-KVK) plus this product's own business rules (codes ``DEP-...``) and returns findings
with a severity, a Dutch and an English message and the line. It never raises for bad
input: an unreadable document becomes a finding with its own ``DEP-PARSE-...`` code.

The rules need no taxonomy package, so they are fast enough to run on every upload and
on every build. What they know of the taxonomy comes from the NT19 extract (``kvk.nt``):
every fact is a concept of its entry point, in the right namespace, with the dimensions
of its role's closed hypercube, the right period type and a value its type allows
(DEP-CONCEPT, DEP-NAMESPACE, DEP-DIMENSIONS, DEP-PERIOD-TYPE, DEP-VALUE; RULES names the
Arelle code for the same fault). The KvK's own checks, the formula assertions of the
entry point as the extract records them, run too, with the assertion id as code and the
taxonomy's severity (kvk.formulas); DEP-MANDATORY, DEP-IDENTIFIER, DEP-PERIOD and
DEP-ADOPTION-DATE check only what they do not. Where the extract did not read an entry
point in full (klein), a concept or dimension it does not show is a warning; entry points
it does not model (klein-verticaal) get the other rules only. DEP-CONTENTS says when a
part the entry point requires is missing (balance sheet, klein's profit and loss and
notes), and a valid KvK entry point this product does not build (middelgroot, groot, ...)
gets DEP-ENTRYPOINT-UNSUPPORTED rather than FR-KVK-2.03.

Where Arelle's NL plugin (arelle/plugin/validate/NL/rules/) has a rule, the verdict is
Arelle's reading of it (BR-KVK-4.17, FR-KVK-5.02, FR-NL-5.01, FG-NL-03, ...;
tests/kvk/test_filing_rules_arelle.py compares the two). Full XBRL validation with a
taxonomy package is in ``kvk.arelle`` and merges its findings into the same shape.
"""

from __future__ import annotations

import functools
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from lxml import etree

from kvk import formulas, nt, xhtml
from kvk import taxonomy as tx
from kvk.parser import Context, Fact, ParsedInstance, XbrlParseError, parse_instance
from kvk.statements import years_later

# The severities, one definition shared with kvk.xhtml's problems.
ERROR = xhtml.ERROR
WARNING = xhtml.WARNING


@dataclass(frozen=True)
class Finding:
    code: str
    severity: str  # "error" | "warning"
    message_nl: str
    message_en: str
    line: int | None = None

    @property
    def message(self) -> str:
        """The Dutch message (the product speaks Dutch first)."""
        return self.message_nl

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    def to_dict(self, language: str = "nl") -> dict[str, object]:
        return {
            "code": self.code,
            "severity": self.severity,
            "message": self.message_en if language == "en" else self.message_nl,
            "line": self.line,
        }


def has_errors(findings: Iterable[Finding]) -> bool:
    return any(f.severity == ERROR for f in findings)


#: Every rule this module checks: code -> (severity, short English title). Used by the
#: documentation, the tests (each code has a breaking and a passing instance) and the
#: benchmark.
RULES: dict[str, tuple[str, str]] = {
    "FR-NL-1.01": (ERROR, "no byte-order mark"),
    "FR-NL-1.02": (ERROR, "characters only from Basic Latin, Latin-1 and Currency Symbols"),
    "FR-NL-1.03": (ERROR, "no DOCTYPE"),
    "FR-NL-1.04": (ERROR, "no disallowed character references"),
    "FR-NL-1.05": (ERROR, "UTF-8 encoding"),
    "FR-NL-1.06": (ERROR, "file name only [0-9a-zA-Z_-]"),
    "FR-NL-2.03": (ERROR, "xml:lang on the root"),
    "FR-NL-2.04": (ERROR, "exactly one schemaRef"),
    "FR-NL-2.05": (ERROR, "no linkbaseRef"),
    "FR-NL-2.06": (ERROR, "no CDATA"),
    "FR-NL-2.07": (ERROR, "no xsi:nil"),
    "FR-NL-3.01": (ERROR, "period dates without time"),
    "FR-NL-3.02": (ERROR, "no forever periods"),
    "FR-NL-3.03": (ERROR, "no unused contexts"),
    "FR-NL-3.04": (ERROR, "no duplicate contexts"),
    "FR-NL-4.01": (ERROR, "no duplicate units"),
    "FR-NL-4.02": (ERROR, "no unused units"),
    "FR-NL-5.01": (ERROR, "no duplicate facts"),
    "FR-NL-5.03": (ERROR, "no empty items"),
    "FR-NL-5.06": (ERROR, "no precision attribute"),
    "FR-NL-5.11": (ERROR, "escaped XHTML only in formatted explanations, restricted tags"),
    "FR-NL-6.01": (ERROR, "no footnotes"),
    "FG-NL-03": (WARNING, "recommended namespace prefixes"),
    "FG-NL-04": (WARNING, "contexts and units before facts"),
    "FG-NL-05": (WARNING, "no unused namespace declarations"),
    "FG-NL-09": (WARNING, "no id on facts"),
    "FG-NL-11": (WARNING, "standard units only"),
    "FR-KVK-1.01": (ERROR, "file extension .xbrl"),
    "FR-KVK-2.01": (ERROR, "xml:lang is nl, en, de or fr"),
    "FR-KVK-2.02": (ERROR, "one language throughout"),
    "FR-KVK-2.03": (ERROR, "schemaRef is a KvK entry point of an accepted generation"),
    # A valid KvK entry point (middelgroot, groot, ...: kvk.taxonomy.OTHER_KVK_ENTRY_POINTS)
    # that this product does not build or check: not FR-KVK-2.03, which the KvK would not
    # give it.
    "DEP-ENTRYPOINT-UNSUPPORTED": (ERROR, "KvK entry point not supported here"),
    "FR-KVK-5.01": (ERROR, "monetary decimals INF, -9, -6, -3, 0 or 2"),
    "FR-KVK-5.02": (ERROR, "non-monetary numeric decimals INF"),
    "BR-KVK-2.04": (ERROR, "contexts only for the current and previous period"),
    "BR-KVK-3.01": (ERROR, "exactly one currency"),
    "BR-KVK-4.07": (ERROR, "period end before the filing date"),
    "BR-KVK-4.10": (ERROR, "adoption date not after the filing date"),
    "BR-KVK-4.12": (ERROR, "resubmission requires adoption status Ja"),
    "BR-KVK-4.16": (ERROR, "resubmission requires adoption status and date"),
    "BR-KVK-4.17": (
        ERROR,
        "from the previous period's start to the current period's end at most two years",
    ),
    "BR-KVK-4.20": (ERROR, "dates are valid YYYY-MM-DD"),
    # Where the extract records the entry point's formulas, their existence assertions
    # and AllEqualToIdentifier(Scheme)1 check this instead (kvk.formulas).
    "DEP-MANDATORY": (ERROR, "the facts every filing has (entry points without formulas)"),
    "DEP-IDENTIFIER": (ERROR, "entity identifier is an 8-digit KvK number"),
    "DEP-KVK-NUMBER": (ERROR, "KvK number equals the sending organisation's"),
    "DEP-ENTRYPOINT-SIZE": (ERROR, "entry point fits the size class"),
    "DEP-GENERATION-YEAR": (ERROR, "taxonomy generation fits the financial year"),
    # Where kvk.formulas runs the KvK's date assertions (PrtDateEarlierDateLater2/3,
    # PrtDateEarlier24HDateLater1), only what none of them checks: a first year of two years.
    "DEP-PERIOD": (ERROR, "reporting periods consistent"),
    "DEP-CONTENTS": (
        ERROR,
        "the parts the entry point requires: balance sheet (not all zero), profit and loss "
        "(klein), notes (klein; micro: a warning)",
    ),
    "DEP-REFERENCE": (ERROR, "facts refer to existing contexts and units"),
    # The concept rules check the instance against the NT19 extract (kvk.nt) instead of a
    # loaded taxonomy; with the taxonomy package Arelle reports the same under its code.
    "DEP-CONCEPT": (
        ERROR,
        "every fact is a concept of the entry point's taxonomy "
        "(Arelle: xbrl:schemaImportMissing, xmlSchema:elementUnexpected)",
    ),
    "DEP-NAMESPACE": (
        ERROR,
        "every concept in its taxonomy namespace "
        "(Arelle: xbrl:schemaImportMissing, xmlSchema:elementUnexpected)",
    ),
    "DEP-DIMENSIONS": (
        ERROR,
        "every fact has exactly the dimensions of a closed hypercube of one of its roles "
        "(Arelle: xbrldie:PrimaryItemDimensionallyInvalidError)",
    ),
    "DEP-PERIOD-TYPE": (
        ERROR,
        "instant concepts in instant contexts, duration concepts in duration contexts "
        "(Arelle: xbrl.4.7.2:contextPeriodType)",
    ),
    "DEP-VALUE": (
        ERROR,
        "values valid for their type: enumeration, length, pattern, number, no decimals "
        "(Arelle: xmlSchema:valueError, dtre:noDecimalsItemType)",
    ),
    # Only where kvk.formulas does not run the KvK's PrtValueThnExistence3,
    # PrtValueThnNoExistence2 and PrtDateEarlierDateLater1 (and DEP-VALUE the status list).
    "DEP-ADOPTION-DATE": (
        ERROR,
        "adoption date consistent with adoption status (entry points without formulas)",
    ),
    "DEP-RESUBMISSION": (ERROR, "resubmission flag consistent"),
}

#: The codes Arelle gives the faults our concept rules find, when it validates with the
#: taxonomy (the strings as Arelle emits them: ModelDocument.py and XmlValidateParticles.py,
#: ValidateXbrlDimensions.py, ValidateXbrl.py, XmlValidate.py). For comparing findings.
ARELLE_CODES: dict[str, tuple[str, ...]] = {
    "DEP-CONCEPT": ("xbrl:schemaImportMissing", "xmlSchema:elementUnexpected"),
    "DEP-NAMESPACE": ("xbrl:schemaImportMissing", "xmlSchema:elementUnexpected"),
    "DEP-DIMENSIONS": ("xbrldie:PrimaryItemDimensionallyInvalidError",),
    "DEP-PERIOD-TYPE": ("xbrl.4.7.2:contextPeriodType",),
    "DEP-VALUE": ("xmlSchema:valueError", "dtre:noDecimalsItemType"),
    # Every NT monetary type has no decimals (DTR): decimals="1" is both FR-KVK-5.01 and
    # dtre:noDecimalsItemType to Arelle; DEP-VALUE reports only what FR-KVK-5.01 allows.
    "FR-KVK-5.01": ("FR-KVK-5.01", "dtre:noDecimalsItemType"),
    # No Arelle code: to Arelle's NL plugin the entry point is valid (it is in its list).
    "DEP-ENTRYPOINT-UNSUPPORTED": (),
    # No Arelle code: the parts of a filing are the law's and the KvK's formulas' concern,
    # not a rule of Arelle's NL plugin.
    "DEP-CONTENTS": (),
}

# FR-NL-1.02: Basic Latin, Latin-1 Supplement, Currency Symbols (and the XML whitespace).
_BAD_CHAR = re.compile("[^\t\n\r\u0020-\u007f\u00a0-\u00ff\u20a0-\u20cf]")
_CHAR_REF = re.compile(rb"&(?:#(\d+)|#[xX]([0-9A-Fa-f]+)|([A-Za-z][A-Za-z0-9]*));")
_NAMED_REFS = frozenset({b"lt", b"gt", b"amp", b"apos", b"quot"})
_ENCODING_DECL = re.compile(rb"""^\s*<\?xml[^>]*encoding\s*=\s*["']([^"']+)["']""")
_DOCTYPE = re.compile(rb"<!DOCTYPE", re.IGNORECASE)
_FILE_STEM = re.compile(r"[0-9A-Za-z_-]+")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_MONETARY_DECIMALS = frozenset({"INF", "-9", "-6", "-3", "0", "2"})
_LANGUAGES = frozenset({"nl", "en", "de", "fr"})
_STANDARD_UNIT_NAMESPACES = frozenset({tx.ISO4217})
_STANDARD_UNITS = frozenset({f"{{{tx.XBRLI}}}pure", f"{{{tx.XBRLI}}}shares"})
_DATE_CONCEPTS = frozenset(c.name for c in nt.concepts().values() if c.is_date)
_FORMATTED_CONCEPTS = frozenset(c.name for c in nt.concepts().values() if c.is_formatted)
#: DEP-MANDATORY, for an entry point whose formulas the extract does not record (the
#: existence assertions of kvk.formulas check the others). The previous year's dates
#: are not among them: a first financial year has none, and the KvK asks for at most one
#: of each (".le 1" in kvk-document-information-for.xml, nt19-kvk-supplement.json).
_MANDATORY = (
    tx.KVK_NUMBER,
    tx.ENTITY_NAME,
    tx.LEGAL_FORM,
    tx.SEAT,
    tx.PERIOD_CONCEPTS["current_start"],
    tx.PERIOD_CONCEPTS["current_end"],
    tx.ADOPTION_STATUS,
)
_ORDER_NAMES = (
    "link:schemaRef",
    "link:linkbaseRef",
    "link:roleRef",
    "link:arcroleRef",
    "xbrli:context",
    "xbrli:unit",
    "fact",
)
_ORDER = {
    f"{{{tx.LINK if name.startswith('link:') else tx.XBRLI}}}{name.partition(':')[2]}": i
    for i, name in enumerate(_ORDER_NAMES[:-1])
}
_ALLOWED_ASCII = bytes([9, 10, 13, *range(0x20, 0x80)])
_NAMESPACED_ATTRIBUTES = etree.XPath("//@*[namespace-uri() != '']")
_MAX_REPEATS = 10  # findings of one code per document; the rest is summarised


class _Report:
    def __init__(self) -> None:
        self.findings: list[Finding] = []
        self._counts: Counter[str] = Counter()

    def add(
        self, code: str, nl: str, en: str, line: int | None = None, severity: str | None = None
    ) -> None:
        self._counts[code] += 1
        if self._counts[code] > _MAX_REPEATS:
            return
        self.findings.append(Finding(code, severity or RULES[code][0], nl, en, line))

    def finish(self) -> list[Finding]:
        for code, count in self._counts.items():
            if count > _MAX_REPEATS:
                extra = count - _MAX_REPEATS
                severity = next(f.severity for f in self.findings if f.code == code)
                self.findings.append(
                    Finding(
                        code,
                        severity,
                        f"En nog {extra} meldingen van dezelfde regel {code}.",
                        f"And {extra} more findings of rule {code}.",
                    )
                )
        return self.findings


def _line(content: bytes, offset: int) -> int:
    return content.count(b"\n", 0, offset) + 1


# --- rules on the bytes, before parsing ------------------------------------------------
def _check_bytes(r: _Report, content: bytes, filename: str) -> None:
    # The rules are about the file's own name, not the folder it was stored in.
    filename = filename.replace("\\", "/").rsplit("/", 1)[-1]
    stem, dot, extension = filename.rpartition(".")
    if not dot:
        stem, extension = filename, ""
    if extension.lower() != "xbrl" or extension != extension.lower():
        r.add(
            "FR-KVK-1.01",
            f"De bestandsnaam {filename!r} moet eindigen op '.xbrl'.",
            f"The file name {filename!r} must end in '.xbrl'.",
        )
    if not _FILE_STEM.fullmatch(stem):
        r.add(
            "FR-NL-1.06",
            f"De bestandsnaam {filename!r} mag alleen A-Z, a-z, 0-9, '-' en '_' bevatten "
            "(vóór de extensie).",
            f"The file name {filename!r} may only contain A-Z, a-z, 0-9, '-' and '_' "
            "(before the extension).",
        )
    if content.startswith(b"\xef\xbb\xbf") or content.startswith((b"\xff\xfe", b"\xfe\xff")):
        r.add(
            "FR-NL-1.01",
            "Het bestand begint met een byte-order mark (BOM); sla het op als UTF-8 zonder BOM.",
            "The file starts with a byte-order mark (BOM); save it as UTF-8 without BOM.",
            1,
        )
    declared = _ENCODING_DECL.match(content.removeprefix(b"\xef\xbb\xbf"))
    if declared and declared.group(1).decode("ascii", "replace").lower() not in ("utf-8", "utf8"):
        name = declared.group(1).decode("ascii", "replace")
        r.add(
            "FR-NL-1.05",
            f"De XML-declaratie noemt codering {name!r}; alleen UTF-8 is toegestaan.",
            f"The XML declaration names encoding {name!r}; only UTF-8 is allowed.",
            1,
        )
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError as exc:
        r.add(
            "FR-NL-1.05",
            f"Het bestand is geen geldige UTF-8 (regel {_line(content, exc.start)}).",
            f"The file is not valid UTF-8 (line {_line(content, exc.start)}).",
            _line(content, exc.start),
        )
        text = content.decode("utf-8", "replace")
    # Fast path: plain printable ASCII plus tab/CR/LF needs no character-by-character scan.
    body = content.removeprefix(b"\xef\xbb\xbf")
    clean_ascii = not body.translate(None, _ALLOWED_ASCII)
    start = 1 if text.startswith("\ufeff") else 0
    for match in () if clean_ascii else _BAD_CHAR.finditer(text, start):
        char = match.group()
        line = text.count("\n", 0, match.start()) + 1
        r.add(
            "FR-NL-1.02",
            f"Teken {char!r} (U+{ord(char):04X}) op regel {line} is niet toegestaan; alleen "
            "Basic Latin, Latin-1 en valutatekens mogen voorkomen.",
            f"Character {char!r} (U+{ord(char):04X}) on line {line} is not allowed; only "
            "Basic Latin, Latin-1 and currency symbols may be used.",
            line,
        )
    if b"<!" in content and (m := _DOCTYPE.search(content)) is not None:
        line = _line(content, m.start())
        r.add(
            "FR-NL-1.03",
            f"Het document bevat een DOCTYPE-declaratie (regel {line}); verwijder die.",
            f"The document contains a DOCTYPE declaration (line {line}); remove it.",
            line,
        )
    if b"&" in content:
        for m in _CHAR_REF.finditer(content):
            dec, hexa, name = m.groups()
            if name is not None:
                allowed = name in _NAMED_REFS
            else:
                code = int(dec) if dec is not None else int(hexa, 16)
                allowed = code <= 0xFF or 0x20A0 <= code <= 0x20CF
            if not allowed:
                ref = m.group().decode("ascii")
                line = _line(content, m.start())
                r.add(
                    "FR-NL-1.04",
                    f"De tekenverwijzing {ref} op regel {line} is niet toegestaan; gebruik "
                    "alleen &lt; &gt; &amp; &apos; &quot; of tekens uit de toegestane reeksen.",
                    f"The character reference {ref} on line {line} is not allowed; use only "
                    "&lt; &gt; &amp; &apos; &quot; or characters from the allowed ranges.",
                    line,
                )
    if b"<![CDATA[" in content:
        line = _line(content, content.index(b"<![CDATA["))
        r.add(
            "FR-NL-2.06",
            f"Het document bevat een CDATA-sectie (regel {line}); schrijf de tekst met "
            "&lt; en &amp; in plaats van CDATA.",
            f"The document contains a CDATA section (line {line}); escape the text with "
            "&lt; and &amp; instead of CDATA.",
            line,
        )


# --- rules on the parsed document ------------------------------------------------------
def _check_document(r: _Report, inst: ParsedInstance, filing_date: date) -> None:
    root = inst.root
    lang = inst.language
    if not lang:
        r.add(
            "FR-NL-2.03",
            'Het hoofdelement xbrli:xbrl mist het attribuut xml:lang (bijv. xml:lang="nl").',
            'The root element xbrli:xbrl lacks the xml:lang attribute (e.g. xml:lang="nl").',
            root.sourceline,
        )
    if lang not in _LANGUAGES:
        r.add(
            "FR-KVK-2.01",
            f"De taal xml:lang={lang!r} van het document is niet toegestaan; kies nl, en, de "
            "of fr.",
            f"The document language xml:lang={lang!r} is not allowed; use nl, en, de or fr.",
            root.sourceline,
        )
    n_refs = len(inst.schema_refs)
    if n_refs != 1:
        r.add(
            "FR-NL-2.04",
            f"Het document heeft {n_refs} link:schemaRef-elementen; er moet er precies één zijn.",
            f"The document has {n_refs} link:schemaRef elements; it must have exactly one.",
            root.sourceline,
        )
    if n_refs >= 1:
        _check_entry_point(r, inst, filing_date)

    xsi_nil = f"{{{tx.XSI}}}nil"
    xml_lang = f"{{{tx.XML_NS}}}lang"
    linkbase_ref = f"{{{tx.LINK}}}linkbaseRef"
    footnote_tags = (f"{{{tx.LINK}}}footnoteLink", f"{{{tx.LINK}}}footnote")
    recommended = tx.recommended_prefixes()
    used_ns: set[str] = set()
    bad_prefix: dict[tuple[str, str], int | None] = {}

    # FG-NL-04: referents before references, in the order schemaRef, linkbaseRef,
    # roleRef, arcroleRef, context, unit, facts (the root's children only).
    rank = 0
    rank_name = _ORDER_NAMES[0]
    for el in root:
        tag = el.tag
        if not isinstance(tag, str):
            continue
        el_rank = _ORDER.get(tag)
        if el_rank is None:
            if tag.startswith((f"{{{tx.LINK}}}", f"{{{tx.XBRLI}}}")):
                continue
            el_rank = len(_ORDER_NAMES) - 1  # a fact
        if el_rank < rank:
            name = _ORDER_NAMES[el_rank]
            r.add(
                "FG-NL-04",
                f"Regel {el.sourceline}: {name} staat na {rank_name}; houd de volgorde "
                "schemaRef, linkbaseRef, roleRef, arcroleRef, contexten, eenheden, feiten aan.",
                f"Line {el.sourceline}: {name} comes after {rank_name}; keep the order "
                "schemaRef, linkbaseRef, roleRef, arcroleRef, contexts, units, facts.",
                el.sourceline,
            )
        elif el_rank > rank:
            rank, rank_name = el_rank, _ORDER_NAMES[el_rank]

    # One pass for the first element of each name, then C-level searches for the rare
    # attributes and elements the rules look for: per-element Python work is what makes a
    # large instance slow.
    first_of_tag: dict[object, etree._Element] = {}
    for el in root.iter():
        if el.tag not in first_of_tag:
            first_of_tag[el.tag] = el
    for tag, first in first_of_tag.items():
        if not isinstance(tag, str):
            continue
        ns = tag[1 : tag.index("}")] if tag[0] == "{" else ""
        used_ns.add(ns)
        # Prefixes are declared once for a document in practice: the first element with
        # this name stands for the others.
        prefix = first.prefix
        if ns in recommended and prefix and recommended[ns] != prefix:
            bad_prefix.setdefault((ns, prefix), first.sourceline)
    for prefix, ns in root.nsmap.items():
        if prefix and ns in recommended and recommended[ns] != prefix:
            bad_prefix.setdefault((ns, prefix), root.sourceline)
    for attr in _NAMESPACED_ATTRIBUTES(root):
        name = attr.attrname
        used_ns.add(name[1 : name.index("}")])
        el = attr.getparent()
        if name == xsi_nil:
            r.add(
                "FR-NL-2.07",
                f"Regel {el.sourceline}: xsi:nil is niet toegestaan; laat het feit weg.",
                f"Line {el.sourceline}: xsi:nil is not allowed; leave the fact out.",
                el.sourceline,
            )
        elif name == xml_lang and el is not root and str(attr) != lang:
            r.add(
                "FR-KVK-2.02",
                f"Regel {el.sourceline}: xml:lang={str(attr)!r} wijkt af van de taal van het "
                f"document ({lang!r}); gebruik één taal.",
                f"Line {el.sourceline}: xml:lang={str(attr)!r} differs from the document "
                f"language ({lang!r}); use one language throughout.",
                el.sourceline,
            )
    # QName values (dimensions, members, measures) were resolved by the parser.
    for ctx in inst.context_list:
        for dimension, member in ctx.dimensions:
            if dimension.startswith("{"):
                used_ns.add(dimension[1 : dimension.find("}")])
            if member.startswith("{"):
                used_ns.add(member[1 : member.find("}")])
    for unit in inst.unit_list:
        for measure in unit.measures:
            bare = measure.lstrip("/")
            if bare.startswith("{"):
                used_ns.add(bare[1 : bare.find("}")])
    for el in root.iter(linkbase_ref):
        r.add(
            "FR-NL-2.05",
            f"Regel {el.sourceline}: link:linkbaseRef is niet toegestaan in een instance.",
            f"Line {el.sourceline}: link:linkbaseRef is not allowed in an instance.",
            el.sourceline,
        )
    for el in root.iter(*footnote_tags):
        r.add(
            "FR-NL-6.01",
            f"Regel {el.sourceline}: voetnoten (link:footnoteLink) zijn niet toegestaan.",
            f"Line {el.sourceline}: footnotes (link:footnoteLink) are not allowed.",
            el.sourceline,
        )

    for (ns, prefix), line in bad_prefix.items():
        r.add(
            "FG-NL-03",
            f"Namespace {ns} heeft voorvoegsel {prefix!r}; aanbevolen is {recommended[ns]!r}.",
            f"Namespace {ns} uses prefix {prefix!r}; the recommended prefix is "
            f"{recommended[ns]!r}.",
            line,
        )
    for prefix, ns in root.nsmap.items():
        if ns not in used_ns and ns != tx.XML_NS:
            r.add(
                "FG-NL-05",
                f"De namespace-declaratie {prefix or '(default)'}={ns} wordt niet gebruikt; "
                "verwijder haar.",
                f"The namespace declaration {prefix or '(default)'}={ns} is not used; remove it.",
                root.sourceline,
            )


def _check_entry_point(r: _Report, inst: ParsedInstance, filing_date: date) -> None:
    """FR-KVK-2.03: the schemaRef is the full published URL of a KvK entry point of a
    generation the KvK accepts on the filing date (kvk.taxonomy.accepted_generations: in
    production, not retired). A valid KvK entry point this product does not support
    (middelgroot, groot, ...) is DEP-ENTRYPOINT-UNSUPPORTED instead: the KvK would take
    it, this product cannot check or file it."""
    url = inst.schema_ref
    line = inst.root[0].sourceline if len(inst.root) else inst.root.sourceline
    found = tx.lookup_entry_point(url) or tx.lookup_other_entry_point(url)
    gen = found[0] if found else tx.entry_point_generation(url)
    if found and gen is not None and gen.accepted_on(filing_date):
        name = found[1]
        if name not in tx.VARIANTS:
            r.add(
                "DEP-ENTRYPOINT-UNSUPPORTED",
                f"De schemaRef verwijst naar het KvK-entrypoint {name} ({gen.label}). Dat is "
                "een geldig entrypoint, maar deze toepassing ondersteunt alleen de entrypoints "
                "voor micro en klein; deponeer deze jaarrekening op een andere manier.",
                f"The schemaRef names the KvK entry point {name} ({gen.label}). It is a valid "
                "entry point, but this product supports only the micro and small entry points; "
                "file these accounts another way.",
                line,
            )
        return
    accepted = tx.accepted_generations(filing_date)
    names_nl = ", ".join(g.label for g in accepted) or "geen enkele taxonomie"
    names_en = ", ".join(g.label for g in accepted) or "no taxonomy"
    if gen is None:
        r.add(
            "FR-KVK-2.03",
            f"De schemaRef {url!r} is geen volledig gepubliceerde URL van een KvK-entrypoint "
            f"in een geaccepteerde taxonomie ({names_nl}).",
            f"The schemaRef {url!r} is not the full published URL of a KvK entry point in an "
            f"accepted taxonomy ({names_en}).",
            line,
        )
        return
    if gen.retired_from is not None and gen.retired_from <= filing_date:
        when_nl = f"die de KvK sinds {gen.retired_from} niet meer accepteert"
        when_en = f"which the KvK no longer accepts since {gen.retired_from}"
    elif gen.in_production_from is not None and filing_date < gen.in_production_from:
        when_nl = f"die de KvK pas vanaf {gen.in_production_from} accepteert"
        when_en = f"which the KvK accepts only from {gen.in_production_from}"
    elif gen in tx.EARLIER_GENERATIONS:
        when_nl, when_en = "die de KvK niet meer accepteert", "which the KvK no longer accepts"
    else:
        when_nl, when_en = "die de KvK nog niet accepteert", "which the KvK does not accept yet"
    advice_nl, advice_en = _generation_advice(inst.financial_year, filing_date)
    r.add(
        "FR-KVK-2.03",
        f"De schemaRef {url!r} hoort bij taxonomie {gen.label}, {when_nl}; op {filing_date} "
        f"accepteert de KvK {names_nl}.{advice_nl}",
        f"The schemaRef {url!r} belongs to taxonomy {gen.label}, {when_en}; on {filing_date} "
        f"the KvK accepts {names_en}.{advice_en}",
        line,
    )


def _generation_advice(financial_year: int | None, filing_date: date) -> tuple[str, str]:
    """What to file a financial year with on the filing date (kvk.taxonomy.
    accepted_generation_for_year), as a sentence to add to a finding; ("", "") when the
    year is not known."""
    if financial_year is None:
        return "", ""
    right = tx.accepted_generation_for_year(financial_year, filing_date)
    if right is not None:
        return (
            f" Maak het document opnieuw met {right.label} (boekjaar {financial_year}).",
            f" Build the document again with {right.label} (financial year {financial_year}).",
        )
    return (
        f" Voor boekjaar {financial_year} accepteert de KvK op {filing_date} geen taxonomie "
        "meer: de geaccepteerde gelden pas voor latere boekjaren. Vraag de KvK hoe deze "
        "jaarrekening nog gedeponeerd kan worden.",
        f" For financial year {financial_year} the KvK accepts no taxonomy on {filing_date}: "
        "the accepted ones apply to later financial years only. Ask the KvK how these "
        "accounts can still be filed.",
    )


def _check_referenced_characters(r: _Report, inst: ParsedInstance) -> None:
    """FR-NL-1.02 on fact values after character references are resolved."""
    for fact in inst.facts:
        bad = _BAD_CHAR.search(fact.value)
        if bad:
            char = bad.group()
            r.add(
                "FR-NL-1.02",
                f"Feit {fact.qname} bevat via een tekenverwijzing het teken U+{ord(char):04X}, "
                "dat niet is toegestaan.",
                f"Fact {fact.qname} contains, through a character reference, the character "
                f"U+{ord(char):04X}, which is not allowed.",
                fact.line,
            )


def _period_text_ok(
    r: _Report, text: str | None, parsed: date | None, ctx_id: str, line: int | None
) -> None:
    """``parsed`` is the parser's reading of ``text``: None when it is not a valid date."""
    if text is None:
        return
    if "T" in text or ":" in text:
        r.add(
            "FR-NL-3.01",
            f"Context {ctx_id!r}: de datum {text!r} bevat een tijd; gebruik alleen JJJJ-MM-DD.",
            f"Context {ctx_id!r}: the date {text!r} contains a time; use YYYY-MM-DD only.",
            line,
        )
    if parsed is None:
        r.add(
            "BR-KVK-4.20",
            f"Context {ctx_id!r}: {text!r} is geen geldige datum (JJJJ-MM-DD).",
            f"Context {ctx_id!r}: {text!r} is not a valid date (YYYY-MM-DD).",
            line,
        )


def _valid_date(text: str) -> bool:
    if not _ISO_DATE.fullmatch(text):
        return False
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _check_contexts_units(r: _Report, inst: ParsedInstance) -> None:
    used_contexts = {f.context_ref for f in inst.facts}
    used_units = {f.unit_ref for f in inst.facts}
    seen_ids: set[str] = set()
    by_fingerprint: dict[tuple, str] = {}
    # BR-KVK-2.04: the current year and, unless this is a first financial year without
    # comparatives, the previous one; instants at the current end and the day before
    # each start.
    start, end = inst.period_start, inst.period_end
    pstart, pend = inst.previous_start, inst.previous_end
    periods_known = start is not None and end is not None
    has_previous = pstart is not None and pend is not None
    durations = {(start, end), (pstart, pend)} if has_previous else {(start, end)}
    allowed_instants = {end, start - timedelta(days=1)} if start and end else set()
    if has_previous and pstart is not None:
        allowed_instants.add(pstart - timedelta(days=1))
    if has_previous:
        years_nl = f"het huidige of vorige boekjaar ({start} .. {end}, {pstart} .. {pend})"
        years_en = f"the current or previous financial year ({start} .. {end}, {pstart} .. {pend})"
    else:
        years_nl = f"het huidige boekjaar ({start} .. {end}; er is geen vorig boekjaar)"
        years_en = f"the current financial year ({start} .. {end}; there is no previous year)"
    for ctx in inst.context_list:
        if ctx.id in seen_ids:
            r.add(
                "FR-NL-3.04",
                f"Context-id {ctx.id!r} komt meer dan eens voor (regel {ctx.line}).",
                f"Context id {ctx.id!r} occurs more than once (line {ctx.line}).",
                ctx.line,
            )
        seen_ids.add(ctx.id)
        if ctx.fingerprint in by_fingerprint:
            r.add(
                "FR-NL-3.04",
                f"Context {ctx.id!r} is gelijk aan context {by_fingerprint[ctx.fingerprint]!r}; "
                "gebruik één context.",
                f"Context {ctx.id!r} duplicates context {by_fingerprint[ctx.fingerprint]!r}; "
                "use one context.",
                ctx.line,
            )
        else:
            by_fingerprint[ctx.fingerprint] = ctx.id
        if ctx.id not in used_contexts:
            r.add(
                "FR-NL-3.03",
                f"Context {ctx.id!r} wordt door geen enkel feit gebruikt; verwijder hem.",
                f"Context {ctx.id!r} is not used by any fact; remove it.",
                ctx.line,
            )
        if ctx.period_type == "forever":
            r.add(
                "FR-NL-3.02",
                f"Context {ctx.id!r} heeft een 'forever'-periode; dat is niet toegestaan.",
                f"Context {ctx.id!r} has a 'forever' period; that is not allowed.",
                ctx.line,
            )
            continue
        for text, parsed in (
            (ctx.start_text, ctx.start),
            (ctx.end_text, ctx.end),
            (ctx.instant_text, ctx.instant),
        ):
            _period_text_ok(r, text, parsed, ctx.id, ctx.line)
        # Where the extract records the entry point's formulas, the scheme and the
        # identifier's equality to the KvK number fact are the KvK's own assertions
        # (AllEqualToIdentifierScheme1, AllEqualToIdentifier1: kvk.formulas).
        own = not formulas.applies(inst.entry_point_variant)
        if (own and ctx.scheme != tx.KVK_ID_SCHEME) or not _kvk_number_ok(ctx.identifier):
            r.add(
                "DEP-IDENTIFIER",
                f"Context {ctx.id!r}: de identifier moet schema {tx.KVK_ID_SCHEME} hebben en "
                f"een KvK-nummer van 8 cijfers zijn (nu {ctx.scheme!r}, {ctx.identifier!r}).",
                f"Context {ctx.id!r}: the identifier must use scheme {tx.KVK_ID_SCHEME} and be "
                f"an 8-digit KvK number (now {ctx.scheme!r}, {ctx.identifier!r}).",
                ctx.line,
            )
        elif own and inst.kvk_number and ctx.identifier != inst.kvk_number:
            r.add(
                "DEP-IDENTIFIER",
                f"Context {ctx.id!r}: identifier {ctx.identifier} wijkt af van het KvK-nummer "
                f"{inst.kvk_number} in het document.",
                f"Context {ctx.id!r}: identifier {ctx.identifier} differs from KvK number "
                f"{inst.kvk_number} in the document.",
                ctx.line,
            )
        if periods_known:
            ok = (
                ctx.instant in allowed_instants
                if ctx.period_type == "instant"
                else (ctx.start, ctx.end) in durations
            )
            if not ok:
                shown = ctx.instant_text or f"{ctx.start_text} .. {ctx.end_text}"
                r.add(
                    "BR-KVK-2.04",
                    f"Context {ctx.id!r} heeft periode {shown}; alleen {years_nl} of de "
                    "balansdata daarvan zijn toegestaan.",
                    f"Context {ctx.id!r} has period {shown}; only {years_en} or its balance "
                    "sheet dates are allowed.",
                    ctx.line,
                )

    seen_unit_ids: set[str] = set()
    by_measures: dict[tuple[str, ...], str] = {}
    currencies: set[str] = set()
    for unit in inst.unit_list:
        if unit.id in seen_unit_ids or unit.measures in by_measures:
            other = by_measures.get(unit.measures, unit.id)
            r.add(
                "FR-NL-4.01",
                f"Eenheid {unit.id!r} is een dubbele van eenheid {other!r}.",
                f"Unit {unit.id!r} duplicates unit {other!r}.",
                unit.line,
            )
        seen_unit_ids.add(unit.id)
        by_measures.setdefault(unit.measures, unit.id)
        if unit.id not in used_units:
            r.add(
                "FR-NL-4.02",
                f"Eenheid {unit.id!r} wordt door geen enkel feit gebruikt; verwijder haar.",
                f"Unit {unit.id!r} is not used by any fact; remove it.",
                unit.line,
            )
        for measure in unit.measures:
            bare = measure.lstrip("/")
            ns = bare[1:].partition("}")[0] if bare.startswith("{") else ""
            if ns == tx.ISO4217:
                currencies.add(bare)
            elif ns not in _STANDARD_UNIT_NAMESPACES and bare not in _STANDARD_UNITS:
                r.add(
                    "FG-NL-11",
                    f"Eenheid {unit.id!r} gebruikt maat {bare!r}; gebruik standaardeenheden "
                    "(iso4217, xbrli:pure, xbrli:shares).",
                    f"Unit {unit.id!r} uses measure {bare!r}; use standard units "
                    "(iso4217, xbrli:pure, xbrli:shares).",
                    unit.line,
                )
    if len(currencies) != 1:
        found = ", ".join(sorted(c.rpartition("}")[2] for c in currencies)) or "geen/none"
        r.add(
            "BR-KVK-3.01",
            f"Het document moet precies één valuta (iso4217) gebruiken; gevonden: {found}.",
            f"The document must use exactly one currency (iso4217); found: {found}.",
            inst.unit_list[0].line if inst.unit_list else inst.root.sourceline,
        )


def _kvk_number_ok(value: str | None) -> bool:
    if not value:
        return False
    return len(value) == 8 and value.isdigit() and not value.startswith("00")


def _shown(value: str, limit: int = 40) -> str:
    value = value.strip()
    return value if len(value) <= limit else value[: limit - 3] + "..."


def _check_facts(r: _Report, inst: ParsedInstance) -> None:
    # FR-NL-5.01 as Arelle's NL plugin reads it (fr_nl.py, rule_fr_nl_5_01): the same
    # concept in an equal context with an equal unit is a duplicate whatever its type, its
    # value (consistent or not) and its xml:lang. Equal contexts and units are compared
    # by content, through the first id of each content.
    same_context: dict[str, str] = {}
    first_context: dict[tuple, str] = {}
    for ctx in inst.context_list:
        same_context.setdefault(ctx.id, first_context.setdefault(ctx.fingerprint, ctx.id))
    same_unit: dict[str, str] = {}
    first_unit: dict[tuple[str, ...], str] = {}
    for unit in inst.unit_list:
        same_unit.setdefault(unit.id, first_unit.setdefault(unit.measures, unit.id))
    seen: dict[tuple[str, str | None, str | None], Fact] = {}
    numeric_kind = _numeric_kinds(tx.known_generations())
    for fact in inst.facts:
        name = fact.qname
        context_ref, unit_ref = fact.context_ref, fact.unit_ref
        key = (
            fact.concept,
            same_context.get(context_ref or "", context_ref),
            same_unit.get(unit_ref, unit_ref) if unit_ref is not None else None,
        )
        first = seen.setdefault(key, fact)
        if first is not fact:
            if first.value.strip() == fact.value.strip():
                value_nl, value_en = "met dezelfde waarde", "with the same value"
            else:
                shown = f"{_shown(first.value)!r} en {_shown(fact.value)!r}"
                value_nl = f"met verschillende waarden ({shown})"
                value_en = f"with different values ({shown.replace(' en ', ' and ')})"
            r.add(
                "FR-NL-5.01",
                f"Feit {name} in context {context_ref!r} komt dubbel voor, {value_nl} (ook op "
                f"regel {first.line}); laat er één staan.",
                f"Fact {name} in context {context_ref!r} occurs twice, {value_en} (also on "
                f"line {first.line}); keep one.",
                fact.line,
            )
        if not fact.nil and not fact.value.strip():
            r.add(
                "FR-NL-5.03",
                f"Feit {name} is leeg; laat het weg of vul een waarde in.",
                f"Fact {name} is empty; leave it out or give it a value.",
                fact.line,
            )
        if fact.precision is not None:
            r.add(
                "FR-NL-5.06",
                f"Feit {name} heeft het attribuut precision; gebruik decimals.",
                f"Fact {name} has a precision attribute; use decimals instead.",
                fact.line,
            )
        if fact.id is not None:
            r.add(
                "FG-NL-09",
                f"Feit {name} heeft een id-attribuut ({fact.id!r}); dat is overbodig.",
                f"Fact {name} has an id attribute ({fact.id!r}); it is not needed.",
                fact.line,
            )
        if fact.context_ref not in inst.contexts:
            r.add(
                "DEP-REFERENCE",
                f"Feit {name} verwijst naar context {fact.context_ref!r}, die niet bestaat.",
                f"Fact {name} refers to context {fact.context_ref!r}, which does not exist.",
                fact.line,
            )
        fact_unit = inst.units.get(unit_ref) if unit_ref is not None else None
        if unit_ref is not None and fact_unit is None:
            r.add(
                "DEP-REFERENCE",
                f"Feit {name} verwijst naar eenheid {unit_ref!r}, die niet bestaat.",
                f"Fact {name} refers to unit {unit_ref!r}, which does not exist.",
                fact.line,
            )
        # FR-KVK-5.01 and 5.02 by the concept's type, as Arelle's NL plugin reads them
        # (fr_kvk.py, rule_fr_kvk_5_01 and rule_fr_kvk_5_02): a monetary concept's decimals
        # are 5.01's whatever its unit; any other numeric concept (decimal, integer, ...)
        # takes INF. A concept the taxonomy does not know (DEP-CONCEPT) is judged by its
        # unit.
        kind = numeric_kind.get(fact.concept)
        if kind is not None:
            monetary, numeric = kind
        else:
            monetary, numeric = (
                fact_unit is not None and fact_unit.is_currency,
                unit_ref is not None,
            )
        if monetary:
            _check_monetary(r, fact)
        elif numeric and fact.decimals != "INF":
            r.add(
                "FR-KVK-5.02",
                f"Niet-monetair getal {name} heeft decimals={fact.decimals!r}; dat moet INF zijn.",
                f"Non-monetary numeric fact {name} has decimals={fact.decimals!r}; it must be INF.",
                fact.line,
            )
        if (
            unit_ref is None
            and fact.local_name in _DATE_CONCEPTS
            and fact.value.strip()
            and not _valid_date(fact.value.strip())
        ):
            r.add(
                "BR-KVK-4.20",
                f"Feit {name} heeft {fact.value.strip()!r}; dat is geen geldige datum "
                "(JJJJ-MM-DD).",
                f"Fact {name} has {fact.value.strip()!r}, which is not a valid date (YYYY-MM-DD).",
                fact.line,
            )
        if "<" in fact.value or ("&" in fact.value and fact.local_name in _FORMATTED_CONCEPTS):
            _check_formatted(r, fact)


def _check_monetary(r: _Report, fact: Fact) -> None:
    if fact.decimals not in _MONETARY_DECIMALS:
        r.add(
            "FR-KVK-5.01",
            f"Bedrag {fact.qname} heeft decimals={fact.decimals!r}; toegestaan zijn INF, -9, "
            "-6, -3, 0 en 2.",
            f"Amount {fact.qname} has decimals={fact.decimals!r}; allowed are INF, -9, -6, -3, "
            "0 and 2.",
            fact.line,
        )


def _check_formatted(r: _Report, fact: Fact) -> None:
    """FR-NL-5.11: markup only in formatted explanations, with the SBR tag set (kvk.xhtml).

    Arelle's NL plugin (fr_nl.py, rule_fr_nl_5_11) warns where we refuse (markup in
    another concept, elements outside the tag set): the rule says MAY ONLY, and the KvK
    refuses such a filing. Like Arelle, a formatted explanation that is no well-formed
    XHTML (an unescaped "&" of plain text) is a warning: the builder escapes plain text.
    """
    tags = xhtml.tags(fact.value)
    if not tags:
        if fact.local_name in _FORMATTED_CONCEPTS and (error := _xhtml_syntax_error(fact.value)):
            r.add(
                "FR-NL-5.11",
                f"Toelichting {fact.qname}: onjuist gevormde XHTML: {error}. Schrijf '&' als "
                "'&amp;' en '<' als '&lt;' in de opgemaakte tekst.",
                f"Explanation {fact.qname}: badly formed XHTML: {error}. Write '&' as '&amp;' "
                "and '<' as '&lt;' in the formatted text.",
                fact.line,
                severity=WARNING,
            )
        return
    if fact.local_name not in _FORMATTED_CONCEPTS:
        r.add(
            "FR-NL-5.11",
            f"Feit {fact.qname} bevat opmaak (XHTML: {', '.join(sorted(tags))}); dat mag alleen "
            "in toelichtingen van het type formattedExplanationItemType.",
            f"Fact {fact.qname} contains formatting (XHTML: {', '.join(sorted(tags))}); that is "
            "only allowed in explanations of type formattedExplanationItemType.",
            fact.line,
        )
        return
    for severity, nl, en in xhtml.formatted_text_problems(fact.value):
        r.add(
            "FR-NL-5.11",
            f"Toelichting {fact.qname}: {nl}",
            f"Explanation {fact.qname}: {en}",
            fact.line,
            severity=severity,
        )


_FRAGMENT_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
)


def _xhtml_syntax_error(text: str) -> str | None:
    """Why a formatted text is not a well-formed XHTML fragment; None when it is."""
    try:
        etree.fromstring(f"<t>{text}</t>".encode(), _FRAGMENT_PARSER)
    except etree.XMLSyntaxError as exc:
        return str(exc.msg)
    return None


#: The numeric XBRL item types (XBRL 2.1 section 5.1.1.3) an NT type may derive from,
#: besides the monetary ones (kvk.nt.Concept.is_monetary).
_NUMERIC_ITEM_TYPES = frozenset(
    f"xbrli:{name}ItemType"
    for name in (
        "decimal", "float", "double", "integer", "nonPositiveInteger", "negativeInteger",
        "long", "int", "short", "byte", "nonNegativeInteger", "unsignedLong", "unsignedInt",
        "unsignedShort", "unsignedByte", "positiveInteger", "shares", "pure", "fraction",
    )
)  # fmt: skip


def _is_numeric(concept: nt.Concept) -> bool:
    """Whether a concept is numeric as XBRL counts it (integers too, unlike
    kvk.nt.Concept.is_numeric)."""
    return concept.is_numeric or any(t in _NUMERIC_ITEM_TYPES for t in concept.base_types)


@functools.cache
def _numeric_kinds(generations: tuple[tx.Generation, ...]) -> dict[str, tuple[bool, bool]]:
    """(monetary, numeric) of every concept of the extract, by its Clark name in each
    generation's namespaces."""
    kinds = {
        concept: (concept.is_monetary, _is_numeric(concept)) for concept in nt.concepts().values()
    }
    result = {}
    for gen in generations:
        namespaces = gen.namespaces
        for concept, kind in kinds.items():
            if concept.prefix in namespaces:
                result[f"{{{namespaces[concept.prefix]}}}{concept.name}"] = kind
    return result


# --- the concepts, against the NT19 extract (kvk.nt) -----------------------------------
#: One closed hypercube in Clark notation: (axis, its usable members, or None for a typed
#: axis) per axis; () is the closed, empty hypercube of a role without dimensions.
_Shape = tuple[tuple[str, frozenset[str] | None], ...]
_DECIMAL = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")
_INTEGER = re.compile(r"[+-]?\d+")


@dataclass(frozen=True)
class _EntryPointModel:
    """What the NT19 extract says about one entry point, in one generation's namespaces
    (NT20 and NT21 carry NT19's concepts over, see kvk.taxonomy)."""

    variant: str
    generation: str  # "NT20"
    #: The extract holds the entry point's whole linkbase list (micro). Where it does not
    #: (klein: consolidated roles and most notes were not read), a concept or dimension
    #: combination the extract does not show may still be the taxonomy's, so those
    #: findings are warnings there (kvk.nt.GAPS).
    complete: bool
    concepts: dict[str, nt.Concept]  # Clark name -> concept
    by_name: dict[str, str]  # local name -> Clark name
    #: Clark name -> the hypercubes of the roles it is a line item of; None when one of
    #: them is open or has no hypercube (then any dimensions fit)
    shapes: dict[str, tuple[_Shape, ...] | None]
    #: Clark name -> what DEP-VALUE checks of its values: "decimal", "whole" (a decimal
    #: without fraction digits), "integer", "facets" (enumeration, length, pattern) or ""
    #: (nothing: dates are BR-KVK-4.20's)
    value_checks: dict[str, str]
    prefixes: dict[str, str]  # namespace -> prefix
    #: the root of this generation's namespaces ("http://www.nltaxonomie.nl/nt20/")
    namespace_root: str

    @property
    def entry_point_nl(self) -> str:
        return f"entrypoint {self.variant} ({self.generation})"

    @property
    def entry_point_en(self) -> str:
        return f"entry point {self.variant} ({self.generation})"

    def prefixed(self, clark: str) -> str:
        """prefix:Name for a Clark name in one of the generation's namespaces."""
        namespace, _, name = clark[1:].partition("}")
        prefix = self.prefixes.get(namespace)
        return f"{prefix}:{name}" if prefix and clark.startswith("{") else clark


@functools.cache
def _entry_point_model(generation: str, variant: str) -> _EntryPointModel:
    gen = tx.generation(generation)
    model = nt.entry_point(variant)
    namespaces = gen.namespaces

    def clark(qname: str) -> str | None:
        prefix, _, name = qname.partition(":")
        return f"{{{namespaces[prefix]}}}{name}" if prefix in namespaces else None

    def shape(role: nt.Role) -> _Shape:
        axes = []
        for axis in role.axes:
            members = None
            if not axis.is_typed:
                members = frozenset(m for m in map(clark, axis.members) if m is not None)
            axes.append((clark(axis.qname) or axis.qname, members))
        return tuple(axes)

    concepts: dict[str, nt.Concept] = {}
    shapes: dict[str, tuple[_Shape, ...] | None] = {}
    value_checks: dict[str, str] = {}
    # A concept the extract lists for the entry point but does not declare (bzk-wnt-i,
    # whose schema was not read) has no namespace here: it is treated as unknown.
    for qname in model.concepts:
        name = clark(qname)
        declared = nt.concepts().get(qname)
        if name is None or declared is None:
            continue
        concepts[name] = declared
        roles = model.roles_of(qname)
        open_role = any(not (role.closed and role.has_hypercube) for role in roles)
        shapes[name] = None if open_role else tuple(dict.fromkeys(map(shape, roles)))
        value_checks[name] = _value_check(declared)
    return _EntryPointModel(
        variant=variant,
        generation=gen.label,
        complete=model.complete,
        concepts=concepts,
        by_name={c.name: name for name, c in concepts.items()},
        shapes=shapes,
        value_checks=value_checks,
        prefixes={uri: prefix for prefix, uri in namespaces.items()},
        namespace_root=f"http://www.nltaxonomie.nl/{gen.code}/",
    )


#: The DTR type the NT's monetary types restrict (nt19-index.json types): no fraction
#: digits in the value and no decimals attribute above 0 (the Data Type Registry
#: 2020-01-21, https://www.xbrl.org/dtr/type/2020-01-21/types.xsd; Arelle reports
#: dtre:noDecimalsItemType and xmlSchema:valueError).
_NO_DECIMALS_TYPE = "dtr-types:noDecimalsMonetaryItemType"


def _value_check(concept: nt.Concept) -> str:
    if concept.is_numeric:
        return "whole" if _NO_DECIMALS_TYPE in concept.base_types else "decimal"
    if "xbrli:integerItemType" in concept.base_types:
        return "integer"
    if concept.is_date or not nt.type_facets(concept.type):
        return ""
    return "facets"


def _model_of(inst: ParsedInstance) -> _EntryPointModel | None:
    """The extract's model of the instance's entry point; None for an entry point it
    does not model (klein-verticaal) or does not know (FR-KVK-2.03 reports that)."""
    variant = inst.entry_point_variant
    if variant not in nt.MODELLED_VARIANTS or not inst.generation:
        return None
    return _entry_point_model(inst.generation, variant)


def _check_concepts(r: _Report, inst: ParsedInstance) -> None:
    """DEP-CONCEPT, DEP-NAMESPACE, DEP-DIMENSIONS, DEP-PERIOD-TYPE and DEP-VALUE: every
    fact against the taxonomy of its entry point as the NT19 extract has it."""
    model = _model_of(inst)
    if model is None:
        return
    axes_of: dict[str, dict[str, str] | None] = {}  # context id -> its scenario axes
    for fact in inst.facts:
        concept = model.concepts.get(fact.concept)
        if concept is None:
            _unknown_concept(r, model, fact)
            continue
        ctx = inst.contexts.get(fact.context_ref or "")
        if ctx is not None:
            _check_period_type(r, concept, fact, ctx)
            shapes = model.shapes[fact.concept]
            if ctx.id not in axes_of:
                axes_of[ctx.id] = _scenario_axes(ctx)
            given = axes_of[ctx.id]
            if shapes is not None and not any(_fits(given, shape) for shape in shapes):
                _wrong_dimensions(r, model, fact, ctx, shapes)
        check = model.value_checks[fact.concept]
        # A decimals value FR-KVK-5.01 refuses is reported there, once.
        if check == "whole" and fact.decimals in _MONETARY_DECIMALS and _above_zero(fact.decimals):
            r.add(
                "DEP-VALUE",
                f"Het bedrag {concept.qname} heeft decimals={fact.decimals!r}, maar het type "
                f'{concept.type} kent geen decimalen; gebruik decimals="0" (of -3, -6, -9, '
                "INF).",
                f"The amount {concept.qname} has decimals={fact.decimals!r}, but its type "
                f'{concept.type} has no decimals; use decimals="0" (or -3, -6, -9, INF).',
                fact.line,
            )
        if check and fact.value and not fact.nil:  # empty values are FR-NL-5.03's
            problem = _value_problem(concept, check, fact.value)
            if problem:
                shown = fact.value if len(fact.value) <= 40 else fact.value[:37] + "..."
                r.add(
                    "DEP-VALUE",
                    f"Het gegeven {concept.qname} heeft de waarde {shown!r}; {problem[0]}.",
                    f"The concept {concept.qname} has the value {shown!r}; {problem[1]}.",
                    fact.line,
                )


def _above_zero(decimals: str | None) -> bool:
    try:
        return decimals is not None and int(decimals.strip()) > 0
    except ValueError:  # INF, or not a number (FR-KVK-5.01 reports that)
        return False


def _unknown_concept(r: _Report, model: _EntryPointModel, fact: Fact) -> None:
    """DEP-NAMESPACE when the entry point knows the local name in another namespace,
    DEP-CONCEPT when it does not know the name at all."""
    ep_nl, ep_en = model.entry_point_nl, model.entry_point_en
    namespace = fact.namespace or "(-)"
    expected = model.by_name.get(fact.local_name)
    if expected is not None:
        uri = expected[1 : expected.index("}")]
        prefix = model.prefixes[uri]
        other = tx.namespace_generation(fact.namespace)
        if other is not None and other.label != model.generation:
            # A schemaRef of one generation with concepts of another: the KvK loads only
            # the schemaRef's taxonomy, in which the other generation's concepts do not
            # exist.
            r.add(
                "DEP-NAMESPACE",
                f"Het gegeven {fact.local_name} is een gegeven van {other.label} in een "
                f"{model.generation}-jaarrekening (namespace {namespace}); gebruik de namespace "
                f"van {model.generation}: {uri} ({prefix}).",
                f"The concept {fact.local_name} is a concept of {other.label} in an "
                f"{model.generation} filing (namespace {namespace}); use {model.generation}'s "
                f"namespace: {uri} ({prefix}).",
                fact.line,
            )
            return
        r.add(
            "DEP-NAMESPACE",
            f"Het gegeven {fact.local_name} staat in namespace {namespace}; de taxonomie van "
            f"{ep_nl} kent het in namespace {uri} ({prefix}).",
            f"The concept {fact.local_name} is in namespace {namespace}; the taxonomy of "
            f"{ep_en} declares it in namespace {uri} ({prefix}).",
            fact.line,
        )
        return
    elsewhere = ", ".join(_variants_by_name().get(fact.local_name, ()))
    hint_nl = f" Het hoort wel bij {elsewhere}." if elsewhere else ""
    hint_en = f" It belongs to {elsewhere}." if elsewhere else ""
    if model.complete or not namespace.startswith(model.namespace_root):
        r.add(
            "DEP-CONCEPT",
            f"Het gegeven {fact.qname} hoort niet bij de taxonomie van {ep_nl}; verwijder "
            f"het of gebruik een gegeven van dat entrypoint.{hint_nl}",
            f"The concept {fact.qname} is not part of the taxonomy of {ep_en}; remove it or "
            f"use a concept of that entry point.{hint_en}",
            fact.line,
        )
        return
    r.add(
        "DEP-CONCEPT",
        f"Het gegeven {fact.qname} staat niet in het deel van de taxonomie van {ep_nl} dat "
        "deze controle kent (het NT19-uittreksel bevat niet alle rollen van dit "
        f"entrypoint); controleer of het bij het entrypoint hoort.{hint_nl}",
        f"The concept {fact.qname} is not in the part of the taxonomy of {ep_en} this check "
        "knows (the NT19 extract does not hold all roles of this entry point); check that "
        f"it belongs to the entry point.{hint_en}",
        fact.line,
        severity=WARNING,
    )


@functools.cache
def _variants_by_name() -> dict[str, tuple[str, ...]]:
    """Local name -> the modelled entry points that have it (to say where a concept
    belongs when it is filed under the wrong one)."""
    result: dict[str, list[str]] = {}
    for variant in nt.MODELLED_VARIANTS:
        for qname in nt.entry_point(variant).concepts:
            result.setdefault(qname.partition(":")[2], []).append(variant)
    return {name: tuple(variants) for name, variants in result.items()}


def _check_period_type(r: _Report, concept: nt.Concept, fact: Fact, ctx: Context) -> None:
    if ctx.period_type not in ("instant", "duration") or ctx.period_type == concept.period_type:
        return
    if concept.period_type == "instant":
        nl, en = "een stand op een datum (instant)", "a position at a date (instant)"
    else:
        nl, en = "een bedrag over een periode (duration)", "an amount over a period (duration)"
    r.add(
        "DEP-PERIOD-TYPE",
        f"Het gegeven {concept.qname} is {nl}, maar context {ctx.id!r} heeft periodetype "
        f"{ctx.period_type}; gebruik een context met periodetype {concept.period_type}.",
        f"The concept {concept.qname} is {en}, but context {ctx.id!r} has period type "
        f"{ctx.period_type}; use a context of period type {concept.period_type}.",
        fact.line,
    )


def _scenario_axes(ctx: Context) -> dict[str, str] | None:
    """A context's axes -> members, or None when its dimensions can fit no hypercube:
    some are in the segment (every hypercube of the extract is on the scenario) or an
    axis is given twice."""
    given = dict(ctx.dimensions)
    if ctx.segment_dimensions or len(given) != len(ctx.dimensions):
        return None
    return given


def _fits(given: dict[str, str] | None, shape: _Shape) -> bool:
    """Whether a context's axes (``_scenario_axes``) are exactly those of a closed
    hypercube (every hypercube of the extract is closed, with no dimension defaults:
    each axis is given explicitly)."""
    if given is None or len(given) != len(shape):
        return False
    for axis, members in shape:
        value = given.get(axis)
        if value is None or not value.strip():
            return False
        if members is not None and value not in members:
            return False
    return True


def _wrong_dimensions(
    r: _Report,
    model: _EntryPointModel,
    fact: Fact,
    ctx: Context,
    shapes: tuple[_Shape, ...],
) -> None:
    if ctx.dimensions:
        shown = ", ".join(
            f"{model.prefixed(axis)}={model.prefixed(value) if value.startswith('{') else value}"
            for axis, value in ctx.dimensions
        )
        given_nl, given_en = f"de dimensies {shown}", f"the dimensions {shown}"
        if ctx.segment_dimensions:
            given_nl += " (in het segment; de taxonomie verwacht ze in het scenario)"
            given_en += " (in the segment; the taxonomy expects them in the scenario)"
    else:
        given_nl, given_en = "geen dimensies", "no dimensions"
    wanted = [_shape_text(model, shape) for shape in shapes]
    nl = (
        f"Het gegeven {model.prefixed(fact.concept)} (context {ctx.id!r}) heeft {given_nl}; "
        f"de taxonomie van {model.entry_point_nl} vraagt {'; of '.join(w[0] for w in wanted)}."
    )
    en = (
        f"The concept {model.prefixed(fact.concept)} (context {ctx.id!r}) has {given_en}; "
        f"the taxonomy of {model.entry_point_en} requires {'; or '.join(w[1] for w in wanted)}."
    )
    if model.complete:
        r.add("DEP-DIMENSIONS", nl, en, fact.line)
        return
    r.add(
        "DEP-DIMENSIONS",
        nl + " Het NT19-uittreksel bevat niet alle rollen van dit entrypoint; controleer of "
        "een andere rol deze dimensies toestaat.",
        en + " The NT19 extract does not hold all roles of this entry point; check whether "
        "another role allows these dimensions.",
        fact.line,
        severity=WARNING,
    )


def _shape_text(model: _EntryPointModel, shape: _Shape) -> tuple[str, str]:
    if not shape:
        return "geen dimensies", "no dimensions"
    nl, en = [], []
    for axis, members in shape:
        name = model.prefixed(axis)
        if members is None:
            nl.append(f"{name} (getypeerd)")
            en.append(f"{name} (typed)")
        else:
            options = sorted(model.prefixed(m) for m in members)
            nl.append(f"{name}={' of '.join(options)}")
            en.append(f"{name}={' or '.join(options)}")
    return " en ".join(nl), " and ".join(en)


def _value_problem(concept: nt.Concept, check: str, value: str) -> tuple[str, str] | None:
    """What the concept's type says against a value, in Dutch and English; None when it
    fits. Numbers must be numbers; for the other types kvk.taxonomy.value_problem (the
    check the builder's input gets too) decides, and the facet it fails is named."""
    if check in ("decimal", "whole", "integer"):
        text = value.strip()
        if check == "integer" and not _INTEGER.fullmatch(text):
            nl, en = "dat is geen geheel getal", "that is not a whole number"
        elif check != "integer" and not _DECIMAL.fullmatch(text):
            nl, en = "dat is geen getal", "that is not a number"
        elif check == "whole" and Decimal(text) != Decimal(text).to_integral_value():
            nl = "dat heeft decimalen, maar het type kent alleen hele bedragen"
            en = "it has decimals, but the type has whole amounts only"
        else:
            return None
        return f"{nl} ({concept.type})", f"{en} ({concept.type})"
    problem = tx.value_problem(concept.qname, value)
    return None if problem is None else _facet_text(problem)


def _facet_text(problem: tx.ValueProblem) -> tuple[str, str]:
    """The facet a value fails, in Dutch and English."""
    type_name, limit = problem.type, problem.limit
    if isinstance(limit, tuple):  # an enumeration
        allowed = ", ".join(repr(v) for v in limit)
        return (
            f"die staat niet in de lijst van {type_name}: {allowed}",
            f"that is not in the list of {type_name}: {allowed}",
        )
    if problem.facet == "length":
        return (
            f"die moet precies {limit} tekens lang zijn ({type_name})",
            f"it must be exactly {limit} characters long ({type_name})",
        )
    if problem.facet == "minLength":
        return (
            f"die moet minstens {limit} tekens lang zijn ({type_name})",
            f"it must be at least {limit} characters long ({type_name})",
        )
    if problem.facet == "maxLength":
        length = len(problem.value)
        return (
            f"die is {length} tekens lang; het maximum is {limit} ({type_name})",
            f"it is {length} characters long; the maximum is {limit} ({type_name})",
        )
    return (
        f"die heeft niet de vorm die {type_name} vraagt (patroon {limit})",
        f"it does not have the form {type_name} requires (pattern {limit})",
    )


@functools.cache
def _kvk_checks(variant: str) -> frozenset[str]:
    """The ids of the KvK's assertions kvk.formulas runs for an entry point variant: our
    own checks of the same fault give way to them."""
    if not formulas.applies(variant):
        return frozenset()
    return frozenset(formulas.recorded(variant)) - set(formulas.not_interpreted(variant))


_DOCUMENT_INFORMATION = "valueAssertion_DocumentInformation_"


@functools.cache
def _required_facts(variant: str) -> tuple[tuple[tuple[str, ...], str], ...]:
    """DEP-MANDATORY: (concepts any one of which must be reported, the formula file that
    requires it) for an entry point: _MANDATORY where the NT19 extract records no formula
    linkbases of the entry point (klein-verticaal, or one it does not know). Where it
    does, the KvK's existence assertions run instead (kvk.formulas).
    """
    if formulas.applies(variant):
        return ()
    return tuple(((qname,), "") for qname in _MANDATORY)


def _check_business(
    r: _Report,
    inst: ParsedInstance,
    *,
    filing_date: date,
    expected_kvk_number: str | None,
    size_class: str | None,
) -> None:
    line_of: dict[str, int | None] = {}
    for fact in inst.facts:
        line_of.setdefault(fact.local_name, fact.line)
    root_line = inst.root.sourceline

    for alternatives, source in _required_facts(inst.entry_point_variant or ""):
        if any(qname.partition(":")[2] in line_of for qname in alternatives):
            continue
        nl_source = f" (de KvK controleert dit: {source})" if source else ""
        en_source = f" (the KvK checks this: {source})" if source else ""
        r.add(
            "DEP-MANDATORY",
            f"Het verplichte gegeven {' of '.join(alternatives)} ontbreekt{nl_source}.",
            f"The mandatory fact {' or '.join(alternatives)} is missing{en_source}.",
            root_line,
        )

    if expected_kvk_number and inst.kvk_number != expected_kvk_number:
        r.add(
            "DEP-KVK-NUMBER",
            f"Het KvK-nummer in het document ({inst.kvk_number or 'geen'}) is niet dat van de "
            f"organisatie ({expected_kvk_number}); controleer de KvK-gegevens van de "
            "administratie.",
            f"The KvK number in the document ({inst.kvk_number or 'none'}) is not the "
            f"organisation's ({expected_kvk_number}); check the administration's KvK data.",
            line_of.get("ChamberOfCommerceRegistrationNumber", root_line),
        )
    number_fact = inst.first_value("ChamberOfCommerceRegistrationNumber")
    if number_fact is not None and not _kvk_number_ok(number_fact):
        r.add(
            "DEP-IDENTIFIER",
            f"Het KvK-nummer {number_fact!r} bestaat niet uit 8 cijfers.",
            f"The KvK number {number_fact!r} is not 8 digits.",
            line_of.get("ChamberOfCommerceRegistrationNumber"),
        )

    variant_size = tx.size_of_variant(inst.entry_point_variant or "")
    # The size class concept says which entry point family the filing means: the Micro
    # concept is micro's, the Small one klein's. Its value does not: a klein filing may
    # state "Micro" (kvk-codes:legalSizeCriteriaSmallItemType lists Klein and Micro).
    stated_size = next(
        (
            size
            for size, qname in tx.SIZE_CONCEPTS.items()
            if inst.first_value(qname.partition(":")[2]) is not None
        ),
        None,
    )
    expected_size = size_class or stated_size
    if variant_size and expected_size and variant_size != expected_size:
        r.add(
            "DEP-ENTRYPOINT-SIZE",
            f"Het entrypoint ({inst.entry_point_variant}) past niet bij de omvang "
            f"{expected_size!r}; kies een {expected_size}-entrypoint.",
            f"The entry point ({inst.entry_point_variant}) does not fit the size class "
            f"{expected_size!r}; choose a {expected_size} entry point.",
            inst.root[0].sourceline if len(inst.root) else root_line,
        )

    gen = inst.taxonomy_generation()
    if gen and inst.financial_year and gen.financial_year > inst.financial_year:
        advice_nl, advice_en = _generation_advice(inst.financial_year, filing_date)
        r.add(
            "DEP-GENERATION-YEAR",
            f"Taxonomie {gen.label} geldt pas voor boekjaren vanaf {gen.financial_year}; dit "
            f"boekjaar begint in {inst.financial_year}.{advice_nl}",
            f"Taxonomy {gen.label} applies to financial years from {gen.financial_year}; this "
            f"year begins in {inst.financial_year}.{advice_en}",
            inst.root[0].sourceline if len(inst.root) else root_line,
        )

    start, end = inst.period_start, inst.period_end
    pstart, pend = inst.previous_start, inst.previous_end
    kvk_checks = _kvk_checks(inst.entry_point_variant or "")
    for label, (a, b), concept, assertion in (
        (
            "huidige/current",
            (start, end),
            "FinancialReportingPeriodCurrentEndDate",
            "PrtDateEarlierDateLater3",
        ),
        (
            "vorige/previous",
            (pstart, pend),
            "FinancialReportingPeriodPreviousEndDate",
            "PrtDateEarlierDateLater2",
        ),
    ):
        if a is None or b is None or _DOCUMENT_INFORMATION + assertion in kvk_checks:
            continue
        if b < a:
            r.add(
                "DEP-PERIOD",
                f"De {label.split('/')[0]} periode eindigt ({b}) vóór het begin ({a}).",
                f"The {label.split('/')[1]} period ends ({b}) before it starts ({a}).",
                line_of.get(concept),
            )
    # BR-KVK-4.17 as Arelle's NL plugin reads "the current and previous financial reporting
    # period MUST be less than 2 years" (br_kvk.py, rule_br_kvk_4_17): the span from the
    # previous period's start to the current period's end is at most two years (to the
    # same day two years later). An extended first year as the comparative year exceeds it.
    if pstart and end and end > years_later(pstart, 2):
        r.add(
            "BR-KVK-4.17",
            f"Van het begin van het vorige boekjaar ({pstart}) tot het einde van het huidige "
            f"({end}) is meer dan twee jaar; de KvK staat voor beide boekjaren samen hoogstens "
            "twee jaar toe. Dat gebeurt ook als het vorige boekjaar een verlengd eerste "
            "boekjaar was.",
            f"From the start of the previous year ({pstart}) to the end of the current one "
            f"({end}) is more than two years; the KvK allows at most two years for both years "
            "together. That also happens when the previous year was an extended first year.",
            line_of.get("FinancialReportingPeriodPreviousStartDate"),
        )
    elif pstart is None and start and end and end >= years_later(start, 2) - timedelta(days=1):
        # A first year without comparatives: BR-KVK-4.17 (as Arelle reads it) has no span
        # to measure, but a period of two years or more is no financial year.
        r.add(
            "DEP-PERIOD",
            f"Het boekjaar {start} .. {end} duurt twee jaar of langer.",
            f"The financial year {start} .. {end} lasts two years or longer.",
            line_of.get("FinancialReportingPeriodCurrentEndDate"),
        )
    if (
        start
        and pend
        and pend != start - timedelta(days=1)
        and _DOCUMENT_INFORMATION + "PrtDateEarlier24HDateLater1" not in kvk_checks
    ):
        r.add(
            "DEP-PERIOD",
            f"Het vorige boekjaar eindigt op {pend}; dat moet de dag vóór het begin van het "
            f"huidige boekjaar ({start - timedelta(days=1)}) zijn.",
            f"The previous year ends on {pend}; it must be the day before the current year "
            f"starts ({start - timedelta(days=1)}).",
            line_of.get("FinancialReportingPeriodPreviousEndDate"),
        )
    if end and end >= filing_date:
        r.add(
            "BR-KVK-4.07",
            f"Het boekjaar eindigt op {end}; dat moet vóór de deponeringsdatum ({filing_date}) "
            "liggen.",
            f"The financial year ends on {end}; that must be before the filing date "
            f"({filing_date}).",
            line_of.get("FinancialReportingPeriodCurrentEndDate"),
        )

    status = inst.first_value("DocumentAdoptionStatus")
    adoption_date = inst.adoption_date
    adoption_line = line_of.get("DocumentAdoptionDate")
    # Where the concept rules run, DEP-VALUE reports a status outside the list.
    if status is not None and status not in (tx.YES, tx.NO) and _model_of(inst) is None:
        r.add(
            "DEP-ADOPTION-DATE",
            f"DocumentAdoptionStatus is {status!r}; dat moet 'Ja' of 'Nee' zijn.",
            f"DocumentAdoptionStatus is {status!r}; it must be 'Ja' or 'Nee'.",
            line_of.get("DocumentAdoptionStatus"),
        )
    if adoption_date and adoption_date > filing_date:
        r.add(
            "BR-KVK-4.10",
            f"De vaststellingsdatum {adoption_date} ligt na de deponeringsdatum {filing_date}.",
            f"The adoption date {adoption_date} is after the filing date {filing_date}.",
            adoption_line,
        )
    if (
        status == tx.YES
        and adoption_date is None
        and _DOCUMENT_INFORMATION + "PrtValueThnExistence3" not in kvk_checks
    ):
        r.add(
            "DEP-ADOPTION-DATE",
            "De jaarrekening is vastgesteld (Ja) maar de vaststellingsdatum ontbreekt; vul "
            "de datum van vaststelling in.",
            "The accounts are adopted (Ja) but the adoption date is missing; fill in the "
            "date of adoption.",
            line_of.get("DocumentAdoptionStatus"),
        )
    if (
        status == tx.NO
        and "DocumentAdoptionDate" in line_of
        and _DOCUMENT_INFORMATION + "PrtValueThnNoExistence2" not in kvk_checks
    ):
        r.add(
            "DEP-ADOPTION-DATE",
            "Er staat een vaststellingsdatum, maar de status is 'Nee' (niet vastgesteld); "
            "zet de status op 'Ja' of verwijder de datum.",
            "There is an adoption date but the status is 'Nee' (not adopted); set the status "
            "to 'Ja' or remove the date.",
            adoption_line,
        )
    if (
        adoption_date
        and end
        and adoption_date <= end
        and _DOCUMENT_INFORMATION + "PrtDateEarlierDateLater1" not in kvk_checks
    ):
        r.add(
            "DEP-ADOPTION-DATE",
            f"De vaststellingsdatum {adoption_date} ligt niet na het einde van het boekjaar "
            f"({end}).",
            f"The adoption date {adoption_date} is not after the end of the financial year "
            f"({end}).",
            adoption_line,
        )

    resub_line = line_of.get("DocumentResubmissionDueToUnsurmountableInaccuracies")
    resub = inst.first_value("DocumentResubmissionDueToUnsurmountableInaccuracies")
    if resub is not None and resub not in (tx.YES, tx.NO):
        r.add(
            "DEP-RESUBMISSION",
            f"Het heraanleveringskenmerk is {resub!r}; dat moet 'Ja' of 'Nee' zijn.",
            f"The resubmission flag is {resub!r}; it must be 'Ja' or 'Nee'.",
            resub_line,
        )
    if resub == tx.YES:
        if status != tx.YES:
            r.add(
                "BR-KVK-4.12",
                "Een heraanlevering wegens onoverkomelijke onjuistheden vereist "
                "DocumentAdoptionStatus 'Ja'.",
                "A resubmission due to unsurmountable inaccuracies requires "
                "DocumentAdoptionStatus 'Ja'.",
                resub_line,
            )
        if status is None or adoption_date is None:
            r.add(
                "BR-KVK-4.16",
                "Een heraanlevering vereist zowel de vaststellingsstatus als de "
                "vaststellingsdatum.",
                "A resubmission requires both the adoption status and the adoption date.",
                resub_line,
            )
        if adoption_date and filing_date and adoption_date > filing_date:
            r.add(
                "DEP-RESUBMISSION",
                "Een heraanlevering kan alleen vastgestelde stukken corrigeren; de "
                "vaststellingsdatum ligt in de toekomst.",
                "A resubmission can only correct adopted accounts; the adoption date lies in "
                "the future.",
                resub_line,
            )


def _check_contents(r: _Report, inst: ParsedInstance) -> None:
    """DEP-CONTENTS: the parts a filing of its entry point must have, from the entry
    point's roles in the NT19 extract (kvk.taxonomy.FILING_ROLES and line_items), so the
    client hears of a missing part before approving, not from the KvK:

    - the balance sheet (every variant): at least one amount of the current year, and
      not all of them 0 -- an error;
    - the profit and loss (klein; its publicatiestukken have no profit and loss role):
      at least one amount of the current year -- an error;
    - the notes of klein and klein-publicatiestukken: at least one fact of a notes role
      (general notes, accounting principles) -- an error: a small company files its
      balance sheet with the notes (art. 2:396 BW). The extract did not read all of
      klein's roles (nt.GAPS), so when the filing has facts the extract does not know,
      which may be notes of an unread role, it is a warning;
    - the notes of micro: a warning only. Art. 2:395a BW asks a micro company only for
      the notes that apply to it, and the KvK's formulas for micro
      (nt19-kvk-supplement.json formulas_micro) require no notes fact; the finding asks
      to check that there is nothing to disclose.

    Entry points the extract does not model (klein-verticaal) are not checked. The
    fiscal balance sheet (BasisOfPreparationAxis = FiscalMember) does not count.
    """
    variant = inst.entry_point_variant or ""
    model = _model_of(inst)
    if model is None:
        return
    size = tx.size_of_variant(variant)
    balance = frozenset(tx.line_items(variant, "balance"))
    income = frozenset(tx.line_items(variant, "income"))
    notes = frozenset(tx.line_items(variant, "notes"))
    balance_values: list[Decimal] = []
    has_income = has_notes = has_unknown = False
    fiscal: dict[str, bool] = {}  # context id -> whether it is the fiscal balance sheet
    for fact in inst.facts:
        name = fact.local_name
        if name in notes:
            has_notes = has_notes or bool(fact.value.strip())
            continue
        if name not in balance and name not in income:
            has_unknown = has_unknown or fact.concept not in model.concepts
            continue
        context_ref = fact.context_ref or ""
        if context_ref not in fiscal:
            fiscal[context_ref] = _is_fiscal(inst.contexts.get(context_ref))
        if fiscal[context_ref] or inst._period_slot(fact) != 0:
            continue
        if name in income:
            has_income = True
            continue
        try:
            balance_values.append(Decimal(fact.value.strip()))
        except InvalidOperation:
            continue  # DEP-VALUE reports it
    line = inst.root.sourceline
    year = f"{inst.period_start} .. {inst.period_end}"
    if not balance_values:
        r.add(
            "DEP-CONTENTS",
            f"De balans ontbreekt: het document heeft geen bedragen van de balans over het "
            f"boekjaar {year}. Een jaarrekening ({variant}) bevat altijd een balans.",
            f"The balance sheet is missing: the document has no balance-sheet amounts for the "
            f"financial year {year}. Annual accounts ({variant}) always include a balance sheet.",
            line,
        )
    elif not any(balance_values):
        r.add(
            "DEP-CONTENTS",
            f"Alle bedragen van de balans per {inst.period_end} zijn 0; vul de balans in.",
            f"Every amount of the balance sheet at {inst.period_end} is 0; fill in the balance "
            "sheet.",
            line,
        )
    if income and size == "klein" and not has_income:
        r.add(
            "DEP-CONTENTS",
            f"De winst-en-verliesrekening over het boekjaar {year} ontbreekt; het entrypoint "
            "klein vraagt haar. Wilt u alleen de publicatiestukken deponeren (balans en "
            "toelichting), kies dan klein-publicatiestukken.",
            f"The profit and loss account for the financial year {year} is missing; the klein "
            "entry point asks for it. To file the publication pieces only (balance sheet and "
            "notes), choose klein-publicatiestukken.",
            line,
        )
    if has_notes:
        return
    if size == "micro":
        r.add(
            "DEP-CONTENTS",
            "Er is geen toelichting opgenomen. Een micro-rechtspersoon hoeft alleen de "
            "toelichtingen van art. 2:395a BW te geven die op haar van toepassing zijn (zoals "
            "verplichtingen die niet uit de balans blijken); controleer dat er niets te "
            "vermelden is.",
            "The filing has no notes. A micro company need give only the notes of art. 2:395a "
            "BW that apply to it (such as commitments not shown in the balance sheet); check "
            "that there is nothing to disclose.",
            line,
            severity=WARNING,
        )
        return
    unread = has_unknown and not model.complete
    r.add(
        "DEP-CONTENTS",
        "De toelichting ontbreekt: het document heeft geen algemene toelichting en geen "
        "grondslagen. Een kleine rechtspersoon deponeert de balans met de toelichting "
        "(art. 2:396 BW)."
        + (
            " Het document bevat gegevens die deze controle niet kent; staat de toelichting "
            "daarin, dan is dit in orde."
            if unread
            else ""
        ),
        "The notes are missing: the document has no general notes and no accounting "
        "principles. A small company files its balance sheet with the notes (art. 2:396 BW)."
        + (
            " The document has facts this check does not know; if the notes are among them, "
            "this is in order."
            if unread
            else ""
        ),
        line,
        severity=WARNING if unread else ERROR,
    )


def _is_fiscal(ctx: Context | None) -> bool:
    """Whether a context is the fiscal balance sheet's (BasisOfPreparationAxis =
    FiscalMember), a separate tree beside the commercial one."""
    if ctx is None:
        return False
    return any(
        axis.endswith("}BasisOfPreparationAxis") and member.endswith("}FiscalMember")
        for axis, member in ctx.dimensions
    )


Check = Callable[[_Report, ParsedInstance], None]


def check_parsed(
    inst: ParsedInstance,
    *,
    content: bytes = b"",
    filename: str = "jaarrekening.xbrl",
    filing_date: date | None = None,
    expected_kvk_number: str | None = None,
    size_class: str | None = None,
) -> list[Finding]:
    """The rules on an instance that is already parsed (``content`` for the byte rules)."""
    r = _Report()
    filing_date = filing_date or date.today()
    if content:
        _check_bytes(r, content, filename)
    _check_document(r, inst, filing_date)
    if content and b"&#" in content:
        _check_referenced_characters(r, inst)
    _check_contexts_units(r, inst)
    _check_facts(r, inst)
    _check_concepts(r, inst)
    formulas.check(r, inst, filing_date)
    _check_business(
        r,
        inst,
        filing_date=filing_date,
        expected_kvk_number=expected_kvk_number,
        size_class=size_class,
    )
    _check_contents(r, inst)
    return _ordered(r.finish())


def _ordered(findings: list[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: (f.severity != ERROR, f.line is None, f.line or 0))


def check_instance(
    content: bytes,
    *,
    filename: str = "jaarrekening.xbrl",
    filing_date: date | None = None,
    expected_kvk_number: str | None = None,
    size_class: str | None = None,
    full: bool = False,
) -> list[Finding]:
    """Every rule on one instance; never raises for bad input.

    With ``full=True`` and full validation configured (arelle-release installed and
    ``KVK_TAXONOMY_PACKAGES`` naming existing package zips), Arelle's findings are merged
    in (see kvk.arelle; seconds per call, so meant for background processing). Without
    that configuration ``full`` changes nothing.
    """
    findings = _check_instance(
        content,
        filename=filename,
        filing_date=filing_date,
        expected_kvk_number=expected_kvk_number,
        size_class=size_class,
    )
    if full and not any(f.code.startswith("DEP-PARSE") for f in findings):
        from kvk import arelle

        if arelle.full_validation_available():
            try:
                theirs = arelle.validate_full(bytes(content), filename=filename)
            except arelle.FullValidationUnavailable:
                theirs = []
            findings = _ordered(arelle.merge_findings(findings, theirs))
    return findings


def _check_instance(
    content: bytes,
    *,
    filename: str,
    filing_date: date | None,
    expected_kvk_number: str | None,
    size_class: str | None,
) -> list[Finding]:
    try:
        inst = parse_instance(content)
    except XbrlParseError as exc:
        r = _Report()
        # The byte rules still explain an unreadable file (BOM, encoding, DOCTYPE), but an
        # oversized one is not scanned at all.
        if isinstance(content, bytes | bytearray) and exc.code != "DEP-PARSE-SIZE":
            _check_bytes(r, bytes(content), filename)
        r.findings.append(Finding(exc.code, ERROR, exc.message_nl, exc.message_en, exc.line))
        return _ordered(r.finish())
    except (etree.LxmlError, ValueError, RecursionError, MemoryError) as exc:  # defensive
        return [
            Finding(
                "DEP-PARSE-XML",
                ERROR,
                f"Het document kan niet worden gelezen: {exc}",
                f"The document cannot be read: {exc}",
            )
        ]
    return check_parsed(
        inst,
        content=content,
        filename=filename,
        filing_date=filing_date,
        expected_kvk_number=expected_kvk_number,
        size_class=size_class,
    )


def findings_by_code(findings: Iterable[Finding]) -> dict[str, list[Finding]]:
    result: dict[str, list[Finding]] = defaultdict(list)
    for f in findings:
        result[f.code].append(f)
    return dict(result)
