"""A hardened parser for XBRL instances received from outside.

Hostile input is expected: no DTD is loaded and a DOCTYPE is refused outright (so no
entity can be declared or expanded: no XXE, no billion laughs), nothing is fetched from
the network, and size, nesting depth and text length are limited before anything else
looks at the document. Every refusal is an ``XbrlParseError`` with its own code and a
message in Dutch and English.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from lxml import etree

from kvk import taxonomy as tx
from kvk.safexml import hardened_parser

if TYPE_CHECKING:
    from kvk.statements import Address, FinancialStatements, Signatory

MAX_BYTES = 20 * 1024 * 1024  # KvK's own limit for one instance is far below this
MAX_DEPTH = 40  # an XBRL instance nests about 6 deep
MAX_TEXT_CHARS = 1_000_000  # per text node
MAX_ELEMENTS = 500_000

_XML_LANG = f"{{{tx.XML_NS}}}lang"
_DOCTYPE = re.compile(rb"<!DOCTYPE", re.IGNORECASE)
_ENTITY = re.compile(rb"<!ENTITY", re.IGNORECASE)
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class XbrlParseError(ValueError):
    """The content is not an instance we are willing to read. ``message_nl`` and
    ``message_en`` are our own sentences for whoever sent the document; ``detail`` is the
    technical cause (libxml2's words), for the staff only."""

    def __init__(
        self,
        code: str,
        message_nl: str,
        message_en: str,
        line: int | None = None,
        *,
        detail: str = "",
    ):
        super().__init__(message_en)
        self.code = code
        self.message_nl = message_nl
        self.message_en = message_en
        self.line = line
        self.detail = detail


@dataclass(slots=True)
class Fact:
    concept: str  # Clark notation "{namespace}LocalName"
    namespace: str
    local_name: str
    prefix: str | None
    context_ref: str | None
    unit_ref: str | None
    decimals: str | None
    value: str
    line: int | None
    precision: str | None = None
    nil: bool = False
    lang: str | None = None
    id: str | None = None

    @property
    def qname(self) -> str:
        return f"{self.prefix}:{self.local_name}" if self.prefix else self.local_name

    @property
    def context_id(self) -> str | None:
        return self.context_ref

    @property
    def unit(self) -> str | None:
        return self.unit_ref

    def key(self) -> tuple[str, str | None, str | None, str]:
        """What the fact says, without where it stood (for comparing instances)."""
        return (self.concept, self.context_ref, self.unit_ref, self.value)


@dataclass(slots=True)
class Context:
    id: str
    line: int | None
    scheme: str | None
    identifier: str | None
    period_type: str  # "instant" | "duration" | "forever" | "invalid"
    start_text: str | None = None
    end_text: str | None = None
    instant_text: str | None = None
    #: (dimension QName in Clark notation, member value or typed content), sorted
    dimensions: tuple[tuple[str, str], ...] = ()
    #: the dimensions given in the entity's segment rather than in the scenario (the NT
    #: hypercubes are all on the scenario, so these never fit)
    segment_dimensions: tuple[str, ...] = ()
    #: entity, period and segment/scenario content, for finding duplicate contexts
    fingerprint: tuple = ()

    start: date | None = None  # the period dates, parsed once (None when not valid)
    end: date | None = None
    instant: date | None = None

    @property
    def is_dimensional(self) -> bool:
        return bool(self.dimensions)


@dataclass
class Unit:
    id: str
    line: int | None
    measures: tuple[str, ...]  # Clark notation, numerator measures (then "/" denominator)

    @property
    def is_currency(self) -> bool:
        return len(self.measures) == 1 and self.measures[0].startswith(f"{{{tx.ISO4217}}}")


@dataclass
class ParsedInstance:
    root: etree._Element
    text: str  # the decoded document
    schema_ref: str
    schema_refs: list[str]
    language: str
    entry_point_variant: str | None
    generation: str | None
    facts: list[Fact]
    contexts: dict[str, Context]
    units: dict[str, Unit]
    #: contexts and units by their document order, including duplicates of an id
    context_list: list[Context] = field(default_factory=list)
    unit_list: list[Unit] = field(default_factory=list)
    #: what the facts say of the filing: parse_instance fills these in once the parts are
    #: read (_read_document_information)
    kvk_number: str | None = None
    period_start: date | None = None
    period_end: date | None = None
    previous_start: date | None = None
    previous_end: date | None = None
    financial_year: int | None = None
    adopted: bool | None = None
    adoption_date: date | None = None
    resubmission: bool = False
    #: (number of facts indexed, local name -> facts); rebuilt when facts change
    _by_name: tuple[int, dict[str, list[Fact]]] | None = field(
        default=None, repr=False, compare=False
    )

    # --- lookups -----------------------------------------------------------------------
    def facts_named(self, local_name: str) -> list[Fact]:
        """The facts with this local name, in document order."""
        index = self._by_name
        if index is None or index[0] != len(self.facts):
            names: dict[str, list[Fact]] = {}
            for fact in self.facts:
                names.setdefault(fact.local_name, []).append(fact)
            index = self._by_name = (len(self.facts), names)
        return list(index[1].get(local_name, ()))

    def first_value(self, local_name: str) -> str | None:
        for fact in self.facts_named(local_name):
            if not fact.nil:
                return fact.value.strip()
        return None

    def first_fact(self, local_name: str) -> Fact | None:
        facts = self.facts_named(local_name)
        return facts[0] if facts else None

    def taxonomy_generation(self) -> tx.Generation | None:
        return tx.generation(self.generation) if self.generation else None

    def amounts(
        self, concepts: tuple[str, ...]
    ) -> dict[str, tuple[Decimal | None, Decimal | None]]:
        """concept -> (current, previous) for monetary facts in financial contexts."""
        wanted = set(concepts)
        result: dict[str, list[Decimal | None]] = {}
        for fact in self.facts:
            if fact.local_name not in wanted or fact.unit_ref is None or fact.nil:
                continue
            slot = self._period_slot(fact)
            if slot is None:
                continue
            try:
                value = Decimal(fact.value.strip())
            except InvalidOperation:
                continue
            pair = result.setdefault(fact.local_name, [None, None])
            if pair[slot] is None:
                pair[slot] = value
        return {k: (v[0], v[1]) for k, v in result.items()}

    def _period_slot(self, fact: Fact) -> int | None:
        """0 for the current year, 1 for the previous one, None otherwise."""
        ctx = self.contexts.get(fact.context_ref or "")
        if ctx is None:
            return None
        if ctx.period_type == "instant":
            instant = ctx.instant
            if instant is not None and instant == self.period_end:
                return 0
            if instant is not None and instant == self.previous_end:
                return 1
        elif ctx.period_type == "duration":
            if (ctx.start, ctx.end) == (self.period_start, self.period_end):
                return 0
            if (ctx.start, ctx.end) == (self.previous_start, self.previous_end):
                return 1
        return None

    def signatories(self) -> list[Signatory]:
        """The signing persons, one per typed-member context, in PresentationOrder."""
        from kvk.statements import Signatory

        fields = {qname.partition(":")[2]: key for key, qname in tx.SIGNING_CONCEPTS.items()}
        by_context: dict[str, dict[str, str]] = {}
        for fact in self.facts:
            key = fields.get(fact.local_name)
            if key is not None:
                by_context.setdefault(fact.context_ref or "", {})[key] = fact.value.strip()
        people = []
        for index, values in enumerate(by_context.values()):
            if not values.get("name"):
                continue
            try:
                order = float(values.get("order", "")) if values.get("order") else index
            except ValueError:
                order = index
            people.append(
                (
                    order,
                    Signatory(
                        name=values["name"],
                        function=values.get("function") or tx.DIRECTOR,
                        signed=values.get("signed", tx.YES) != tx.NO,
                        signed_on=_date_or_none(values.get("signed_on")),
                        place=values.get("place", ""),
                        reason_not_signed=values.get("reason_not_signed", ""),
                    ),
                )
            )
        return [person for _, person in sorted(people, key=lambda p: p[0])]

    def accounts_period(self) -> tuple[date, date] | None:
        """The (first day, last day) of the accounts (FinancialReportingPeriodCurrent);
        None when the instance states no period that ends after it begins. What the
        deadlines count from (a first year may be shorter or longer, art. 2:10a BW)."""
        start, end = self.period_start, self.period_end
        if start is None or end is None or end <= start:
            return None
        return start, end

    def signed_by_all_on(self) -> date | None:
        """The date by which every current director and supervisory director signed: the
        latest of their signing dates. None when none is named, or one of them did not sign
        or gave no date. (When all shareholders are directors, this signing is the adoption:
        art. 2:210 lid 5 BW, kvk.deadlines.)"""
        current = [
            person
            for person in self.signatories()
            if person.function in (tx.DIRECTOR, tx.SUPERVISORY_DIRECTOR)
        ]
        dates = [person.signed_on for person in current if person.signed]
        if not current or len(dates) != len(current) or None in dates:
            return None
        return max(d for d in dates if d is not None)

    def statements(self) -> FinancialStatements:
        """The financial statements this instance carries (raises ValueError if it can't)."""
        from kvk.statements import FinancialStatements

        if None in (self.period_start, self.period_end):
            raise ValueError("the instance lacks the reporting period dates")
        variant = self.entry_point_variant or ""
        size = tx.size_of_variant(variant) or ""
        assert self.period_start and self.period_end
        return FinancialStatements(
            kvk_number=self.kvk_number or "",
            legal_name=self._text("LegalEntityName"),
            legal_form=self._text("LegalEntityLegalForm"),
            seat=self._text("LegalEntityRegisteredOffice"),
            address=self._address(),
            email=self._text(tx.EMAIL.partition(":")[2]),
            period_start=self.period_start,
            period_end=self.period_end,
            previous_start=self.previous_start,
            previous_end=self.previous_end,
            prepared_on=_date_or_none(self.first_value("FinancialStatementsDateOfPreparation")),
            size=size,
            variant=variant,
            appropriation=self._text("BalanceSheetBeforeAfterAppropriationResults")
            or tx.BEFORE_APPROPRIATION,
            balance=self.amounts(_lines(variant, "balance")),
            profit_loss=self.amounts(_lines(variant, "income")),
            adopted=bool(self.adopted),
            adoption_date=self.adoption_date,
            signatories=self.signatories(),
            resubmission=self.resubmission,
            resubmission_explanation=self._text(
                "DocumentResubmissionDueToUnsurmountableInaccuraciesExplanation"
            ),
            period_deviation_reason=self._plain_text(
                "FinancialReportingPeriodDifferentThanAnnualReasonDescription"
            ),
            period_deviation_impact=self._plain_text(
                "FinancialReportingPeriodDifferentThanAnnualImpactComparativesDescription"
            ),
            language=self.language,
            notes=self._notes(_lines(variant, "notes")),
            generation=self.generation or "",
        )

    def _text(self, local_name: str) -> str:
        """The first non-nil value of the concept, "" when there is none."""
        return self.first_value(local_name) or ""

    def _plain_text(self, local_name: str) -> str:
        """The first value of a formatted-explanation concept as the text it was made of."""
        from kvk.statements import plain_value

        return plain_value(self._text(local_name))

    def _address(self) -> Address | None:
        """The entity's address, when the instance gives its street."""
        from kvk.statements import Address

        values = {
            name: self.first_value(qname.partition(":")[2])
            for name, qname in tx.ADDRESS_CONCEPTS.items()
        }
        if values["street"] is None:
            return None
        return Address(**{name: value or "" for name, value in values.items()})

    def _notes(self, concepts: tuple[str, ...]) -> dict[str, str]:
        """The notes concepts that have a value, as the texts they were made of."""
        from kvk.statements import plain_value

        notes = {}
        for name in concepts:
            value = self.first_value(name)
            if value:
                notes[name] = plain_value(value)
        return notes


def _lines(variant: str, part: str) -> tuple[str, ...]:
    """The line items of ``part`` for a variant this product builds; none for others."""
    return tx.line_items(variant, part) if variant in tx.BUILDABLE_VARIANTS else ()


@functools.lru_cache(maxsize=256)
def _date_or_none(text: str | None) -> date | None:
    if text is None:
        return None
    text = text.strip()
    if not _ISO_DATE.fullmatch(text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def _line_of(content: bytes, offset: int) -> int:
    return content.count(b"\n", 0, offset) + 1


def decode(content: bytes) -> str:
    """The document as text; refuses what is not UTF-8 (with or without BOM)."""
    if not isinstance(content, bytes | bytearray):
        raise XbrlParseError(
            "DEP-PARSE-XML",
            "Het document is geen bestand met bytes.",
            "The document is not a byte string.",
        )
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise XbrlParseError(
            "DEP-PARSE-ENCODING",
            "Het bestand is in UTF-16 opgeslagen; sla het op als UTF-8.",
            "The file is encoded as UTF-16; save it as UTF-8.",
            1,
        )
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = _line_of(content, exc.start)
        raise XbrlParseError(
            "DEP-PARSE-ENCODING",
            f"Het bestand is geen geldige UTF-8 (byte 0x{content[exc.start]:02X} op regel "
            f"{line}); sla het op als UTF-8.",
            f"The file is not valid UTF-8 (byte 0x{content[exc.start]:02X} on line {line}); "
            "save it as UTF-8.",
            line,
        )


def _parser() -> etree.XMLParser:
    return hardened_parser(remove_comments=False, collect_ids=False)


def parse_xml(content: bytes) -> tuple[etree._Element, str]:
    """Check limits and parse; returns (root element, decoded text)."""
    if len(content) > MAX_BYTES:
        raise XbrlParseError(
            "DEP-PARSE-SIZE",
            f"Het bestand is {len(content):,} bytes; het maximum is {MAX_BYTES:,} bytes.",
            f"The file is {len(content):,} bytes; the maximum is {MAX_BYTES:,} bytes.",
        )
    if not content.strip():
        raise XbrlParseError("DEP-PARSE-XML", "Het bestand is leeg.", "The file is empty.", None)
    text = decode(content)
    # A declaration starts with "<!"; only then pay for the case-insensitive search.
    match = (_DOCTYPE.search(content) or _ENTITY.search(content)) if b"<!" in content else None
    if match:
        line = _line_of(content, match.start())
        raise XbrlParseError(
            "DEP-PARSE-DTD",
            f"Het document bevat een DOCTYPE- of ENTITY-declaratie (regel {line}); "
            "die is niet toegestaan (FR-NL-1.03) en wordt om veiligheidsredenen niet gelezen.",
            f"The document contains a DOCTYPE or ENTITY declaration (line {line}); it is "
            "not allowed (FR-NL-1.03) and is not read for security reasons.",
            line,
        )
    try:
        root = etree.fromstring(bytes(content), _parser())
    except etree.XMLSyntaxError as exc:
        raise _syntax_error(exc) from exc
    _check_limits(root, len(content))
    return root, text


#: libxml2's words for a kind of syntax error -> what is wrong, in our words (nl, en).
_SYNTAX_CAUSES: tuple[tuple[tuple[str, ...], str, str], ...] = (
    (
        ("start tag expected", "document is empty"),
        "het bestand begint niet met een XML-element",
        "the file does not start with an XML element",
    ),
    (
        ("extra content at the end",),
        "na het laatste sluitende element staat nog inhoud; verwijder alles wat daarna staat",
        "there is more content after the last closing element; remove everything after it",
    ),
    (
        ("premature end", "not found", "tag mismatch", "couldn't find end"),
        "een element is niet of verkeerd afgesloten; het bestand is mogelijk afgebroken of "
        "met de hand gewijzigd",
        "an element is not closed, or closed wrongly; the file may be cut short or edited by hand",
    ),
)
_SYNTAX_DEFAULT = (
    "de opbouw van het document klopt daar niet",
    "the document's structure is broken there",
)


def _syntax_error(exc: etree.XMLSyntaxError) -> XbrlParseError:
    """Our refusal of a document libxml2 could not read: our own sentence with the line,
    never libxml2's English text, which goes to the staff as the detail."""
    line: int | None = exc.lineno or None
    detail = f"libxml2: {exc.msg}"
    cause = str(exc.msg).lower()
    at_nl, at_en = (f" (regel {line})", f" (line {line})") if line else ("", "")
    if "excessive depth" in cause:
        # libxml2 stops at 256 levels itself, before our own depth check can run.
        return XbrlParseError(
            "DEP-PARSE-DEPTH",
            f"Het document is dieper genest dan {MAX_DEPTH} niveaus{at_nl}.",
            f"The document nests deeper than {MAX_DEPTH} levels{at_en}.",
            line,
            detail=detail,
        )
    if "xml_parse_huge" in cause or "too long" in cause:
        # libxml2's own limit on one text, name or value (10 MB), far above ours.
        return XbrlParseError(
            "DEP-PARSE-TEXT",
            f"Een tekst, naam of attribuutwaarde in het document is te lang om te lezen"
            f"{at_nl}; een tekst mag hoogstens {MAX_TEXT_CHARS:,} tekens lang zijn.",
            f"A text, name or attribute value in the document is too long to read{at_en}; "
            f"a text may be at most {MAX_TEXT_CHARS:,} characters long.",
            line,
            detail=detail,
        )
    nl, en = next(
        ((nl, en) for needles, nl, en in _SYNTAX_CAUSES if any(n in cause for n in needles)),
        _SYNTAX_DEFAULT,
    )
    return XbrlParseError(
        "DEP-PARSE-XML",
        f"Het bestand is geen geldige XML{at_nl}: {nl}. Maak het bestand opnieuw aan met het "
        "programma waarmee het is gemaakt.",
        f"The file is not well-formed XML{at_en}: {en}. Create the file again with the "
        "program that made it.",
        line,
        detail=detail,
    )


_LONG_TEXTS = etree.XPath("//text()[string-length(.) > $n]")


@functools.lru_cache(maxsize=4)
def _depth_probe(depth: int) -> etree.XPath:
    """Finds the elements nested deeper than ``depth`` levels."""
    return etree.XPath("/*" + "/*" * depth)


def _check_limits(root: etree._Element, size: int) -> None:
    # The checks run as XPath inside libxml2: one pass in C each, no Python per element.
    too_deep = _depth_probe(MAX_DEPTH)(root)
    if too_deep:
        el = too_deep[0]
        raise XbrlParseError(
            "DEP-PARSE-DEPTH",
            f"Het document is dieper genest dan {MAX_DEPTH} niveaus (regel {el.sourceline}).",
            f"The document nests deeper than {MAX_DEPTH} levels (line {el.sourceline}).",
            el.sourceline,
        )
    # A file smaller than a limit cannot exceed it: skip the search (the common case).
    if size > MAX_ELEMENTS * 4 and root.xpath("count(//node())") > MAX_ELEMENTS:
        raise XbrlParseError(
            "DEP-PARSE-SIZE",
            f"Het document heeft meer dan {MAX_ELEMENTS:,} knopen.",
            f"The document has more than {MAX_ELEMENTS:,} nodes.",
            root.sourceline,
        )
    long_texts = _LONG_TEXTS(root, n=MAX_TEXT_CHARS) if size > MAX_TEXT_CHARS else []
    if long_texts:
        parent = long_texts[0].getparent()
        line = parent.sourceline if parent is not None else None
        raise XbrlParseError(
            "DEP-PARSE-TEXT",
            f"Een tekst in het document is langer dan {MAX_TEXT_CHARS:,} tekens (regel {line}).",
            f"A text in the document is longer than {MAX_TEXT_CHARS:,} characters (line {line}).",
            line,
        )


def _resolve_qname(el: etree._Element, value: str, nsmap: dict | None = None) -> str:
    """Clark notation for a QName written in element content or an attribute.

    ``nsmap`` is the root's declarations, passed in because building ``el.nsmap`` for
    every element is the most expensive step on large instances; prefixes not declared
    on the root fall back to the element's own scope.
    """
    value = value.strip()
    prefix, _, local = value.rpartition(":")
    key = prefix or None
    ns = nsmap.get(key) if nsmap is not None else None
    if ns is None:
        ns = el.nsmap.get(key)
    return f"{{{ns}}}{local}" if ns else value


_START, _END, _FOREVER = (f"{{{tx.XBRLI}}}{n}" for n in ("startDate", "endDate", "forever"))
_INSTANT = f"{{{tx.XBRLI}}}instant"
_IDENTIFIER = f"{{{tx.XBRLI}}}identifier"
_SEGMENT = f"{{{tx.XBRLI}}}segment"
_SCENARIO = f"{{{tx.XBRLI}}}scenario"
_ENTITY_TAG = f"{{{tx.XBRLI}}}entity"
_PERIOD = f"{{{tx.XBRLI}}}period"
_EXPLICIT = f"{{{tx.XBRLDI}}}explicitMember"
_TYPED = f"{{{tx.XBRLDI}}}typedMember"


def _read_members(
    box: etree._Element, nsmap: dict, dims: list[tuple[str, str]], others: list[str]
) -> None:
    for member in box:
        tag = member.tag
        if tag == _EXPLICIT:
            dimension = _resolve_qname(member, member.get("dimension", ""), nsmap)
            dims.append((dimension, _resolve_qname(member, member.text or "", nsmap)))
        elif tag == _TYPED:
            dimension = _resolve_qname(member, member.get("dimension", ""), nsmap)
            dims.append((dimension, "".join(member.itertext()).strip()))
        elif isinstance(tag, str):
            others.append(etree.tostring(member, method="c14n").decode())


def _read_context(el: etree._Element, nsmap: dict | None = None) -> Context:
    nsmap = nsmap if nsmap is not None else el.nsmap
    ctx = Context(
        id=el.get("id", ""), line=el.sourceline, scheme=None, identifier=None, period_type="invalid"
    )
    dims: list[tuple[str, str]] = []
    others: list[str] = []
    for part in el:
        tag = part.tag
        if tag == _ENTITY_TAG:
            _read_entity(part, ctx, nsmap, dims, others)
        elif tag == _PERIOD:
            _read_period(part, ctx)
        elif tag == _SCENARIO:
            others.append("scenario")
            _read_members(part, nsmap, dims, others)
    ctx.start = _date_or_none(ctx.start_text)
    ctx.end = _date_or_none(ctx.end_text)
    ctx.instant = _date_or_none(ctx.instant_text)
    ctx.dimensions = tuple(sorted(dims))
    ctx.fingerprint = (
        ctx.scheme,
        ctx.identifier,
        ctx.period_type,
        ctx.start_text,
        ctx.end_text,
        ctx.instant_text,
        ctx.dimensions,
        *others,
    )
    return ctx


def _read_entity(
    entity: etree._Element,
    ctx: Context,
    nsmap: dict,
    dims: list[tuple[str, str]],
    others: list[str],
) -> None:
    """The identifier and the segment's members of a context's entity."""
    for child in entity:
        if child.tag == _IDENTIFIER:
            ctx.scheme = child.get("scheme")
            ctx.identifier = (child.text or "").strip()
        elif child.tag == _SEGMENT:
            others.append("segment")
            in_segment: list[tuple[str, str]] = []
            _read_members(child, nsmap, in_segment, others)
            ctx.segment_dimensions = tuple(d for d, _ in in_segment)
            dims += in_segment


def _read_period(period: etree._Element, ctx: Context) -> None:
    """The period type and its date texts (parsed later)."""
    values = {child.tag: (child.text or "").strip() for child in period}
    if _FOREVER in values:
        ctx.period_type = "forever"
    elif _INSTANT in values:
        ctx.period_type = "instant"
        ctx.instant_text = values[_INSTANT]
    elif _START in values and _END in values:
        ctx.period_type = "duration"
        ctx.start_text, ctx.end_text = values[_START], values[_END]


def _read_unit(el: etree._Element) -> Unit:
    measures = []
    for measure in el.iter(f"{{{tx.XBRLI}}}measure"):
        parent = measure.getparent()
        marker = (
            "/" if parent is not None and parent.tag == f"{{{tx.XBRLI}}}unitDenominator" else ""
        )
        measures.append(
            marker + _resolve_qname(measure, measure.text or "", el.getroottree().getroot().nsmap)
        )
    return Unit(id=el.get("id", ""), line=el.sourceline, measures=tuple(sorted(measures)))


_NOT_FACTS = {tx.XBRLI, tx.LINK}
_CONTEXT = f"{{{tx.XBRLI}}}context"
_UNIT = f"{{{tx.XBRLI}}}unit"
_XSI_NIL = f"{{{tx.XSI}}}nil"


@dataclass
class _Parts:
    """The contexts, units and facts of an instance, in document order."""

    contexts: dict[str, Context] = field(default_factory=dict)
    context_list: list[Context] = field(default_factory=list)
    units: dict[str, Unit] = field(default_factory=dict)
    unit_list: list[Unit] = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list)


def parse_instance(content: bytes) -> ParsedInstance:
    """Parse and read the parts of an instance the rules and the product need."""
    root, text = parse_xml(content)
    if root.tag != f"{{{tx.XBRLI}}}xbrl":
        raise XbrlParseError(
            "DEP-PARSE-ROOT",
            f"Het document is geen XBRL-instance: het hoofdelement is {root.tag!r} in plaats "
            "van xbrli:xbrl.",
            f"The document is not an XBRL instance: the root element is {root.tag!r} instead "
            "of xbrli:xbrl.",
            root.sourceline,
        )
    schema_refs = [
        el.get(f"{{{tx.XLINK}}}href", "") for el in root.iterchildren(f"{{{tx.LINK}}}schemaRef")
    ]
    parts = _read_parts(root)
    schema_ref = schema_refs[0] if schema_refs else ""
    found = tx.lookup_entry_point(schema_ref)
    gen = found[0] if found else None
    if gen is None:
        gen = _generation_of_facts(parts.facts)
    instance = ParsedInstance(
        root=root,
        text=text,
        schema_ref=schema_ref,
        schema_refs=schema_refs,
        language=root.get(_XML_LANG) or "",
        entry_point_variant=found[1] if found else None,
        generation=gen.code if gen else None,
        facts=parts.facts,
        contexts=parts.contexts,
        units=parts.units,
        context_list=parts.context_list,
        unit_list=parts.unit_list,
    )
    _read_document_information(instance)
    return instance


def _read_parts(root: etree._Element) -> _Parts:
    """Every context, unit and fact that is a child of the root."""
    parts = _Parts()
    root_nsmap = root.nsmap
    names: dict[str, tuple[str, str]] = {}
    for el in root:
        tag = el.tag
        if not isinstance(tag, str):
            continue
        if tag == _CONTEXT:
            ctx = _read_context(el, root_nsmap)
            parts.context_list.append(ctx)
            parts.contexts.setdefault(ctx.id, ctx)
        elif tag == _UNIT:
            unit = _read_unit(el)
            parts.unit_list.append(unit)
            parts.units.setdefault(unit.id, unit)
        else:
            fact = _read_fact(el, tag, names)
            if fact is not None:
                parts.facts.append(fact)
    return parts


def _read_fact(el: etree._Element, tag: str, names: dict[str, tuple[str, str]]) -> Fact | None:
    """The fact an element of the root is, or None for XBRL's own elements.

    ``names`` caches the (namespace, local name) split of each tag seen.
    """
    split = names.get(tag)
    if split is None:
        ns_part, _, local_part = tag[1:].partition("}") if tag[0] == "{" else ("", "", tag)
        split = names[tag] = (ns_part, local_part)
    if not split[0] or split[0] in _NOT_FACTS:
        return None
    attrs = dict(el.attrib)
    return Fact(
        concept=tag,
        namespace=split[0],
        local_name=split[1],
        prefix=el.prefix,
        context_ref=attrs.get("contextRef"),
        unit_ref=attrs.get("unitRef"),
        decimals=attrs.get("decimals"),
        precision=attrs.get("precision"),
        value="".join(el.itertext()) if len(el) else (el.text or ""),
        line=el.sourceline,
        nil=attrs.get(_XSI_NIL, "").strip() in ("true", "1"),
        lang=attrs.get(_XML_LANG),
        id=attrs.get("id"),
    )


def _generation_of_facts(facts: list[Fact]) -> tx.Generation | None:
    """The generation of the first fact whose namespace names one (no known entry point)."""
    for fact in facts:
        gen = tx.generation_for_namespace(fact.namespace)
        if gen:
            return gen
    return None


def _read_document_information(instance: ParsedInstance) -> None:
    """The KvK number, the periods, adoption and resubmission from the instance's facts."""
    instance.kvk_number = instance.first_value("ChamberOfCommerceRegistrationNumber") or next(
        (c.identifier for c in instance.context_list if c.identifier), None
    )
    instance.period_start = _date_or_none(
        instance.first_value("FinancialReportingPeriodCurrentStartDate")
    )
    instance.period_end = _date_or_none(
        instance.first_value("FinancialReportingPeriodCurrentEndDate")
    )
    instance.previous_start = _date_or_none(
        instance.first_value("FinancialReportingPeriodPreviousStartDate")
    )
    instance.previous_end = _date_or_none(
        instance.first_value("FinancialReportingPeriodPreviousEndDate")
    )
    instance.financial_year = instance.period_start.year if instance.period_start else None
    status = instance.first_value("DocumentAdoptionStatus")
    instance.adopted = None if status is None else status == tx.YES
    instance.adoption_date = _date_or_none(instance.first_value("DocumentAdoptionDate"))
    instance.resubmission = (
        instance.first_value("DocumentResubmissionDueToUnsurmountableInaccuracies") == tx.YES
    )
