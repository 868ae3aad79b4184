"""Turn FinancialStatements into an XBRL instance that passes every rule in kvk.rules.

The instance is written so that the filing rules hold by construction: only the
contexts and units that facts use (FR-NL-3.03, 4.02), contexts and units before facts
(FG-NL-04), only the namespaces that are used with their recommended prefixes (FG-NL-03,
FG-NL-05), no ids on facts (FG-NL-09), no nil or empty facts (FR-NL-2.07, 5.03).
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from lxml import etree

from kvk import taxonomy as tx
from kvk.statements import FinancialStatements

_XML_LANG = f"{{{tx.XML_NS}}}lang"


def _amount_text(value: Decimal) -> tuple[str, str]:
    """(lexical value, decimals) for a monetary amount in euros."""
    if value == value.to_integral_value():
        return format(value.quantize(Decimal(1)), "f"), "0"
    return format(value.quantize(Decimal("0.01")), "f"), "2"


class _Instance:
    def __init__(self, statements: FinancialStatements):
        self.st = statements
        self.gen = statements.taxonomy_generation()
        self.contexts: dict[str, etree._Element] = {}
        self.facts: list[etree._Element] = []
        self.used_prefixes: set[str] = {"xbrli", "link", "xlink"}
        self.needs_unit = False
        self.E = _Maker(
            {
                "xbrli": tx.XBRLI,
                "xbrldi": tx.XBRLDI,
                "jenv-bw2-dm": self.gen.namespaces["jenv-bw2-dm"],
            }
        )

    # contexts ------------------------------------------------------------------------
    def _context(
        self,
        ctx_id: str,
        *,
        start: date | None = None,
        end: date | None = None,
        instant: date | None = None,
        financial: bool = False,
        signatory: int | None = None,
    ) -> str:
        if ctx_id in self.contexts:
            return ctx_id
        E = self.E
        ctx = E("xbrli:context", id=ctx_id)
        entity = E.sub(ctx, "xbrli:entity")
        ident = E.sub(entity, "xbrli:identifier", scheme=tx.KVK_ID_SCHEME)
        ident.text = self.st.kvk_number
        period = E.sub(ctx, "xbrli:period")
        if instant is not None:
            E.sub(period, "xbrli:instant").text = instant.isoformat()
        else:
            assert start is not None and end is not None
            E.sub(period, "xbrli:startDate").text = start.isoformat()
            E.sub(period, "xbrli:endDate").text = end.isoformat()
        if financial or signatory is not None:
            scenario = E.sub(ctx, "xbrli:scenario")
            self.used_prefixes.update({"xbrldi", "jenv-bw2-dim"})
            if financial:
                self.used_prefixes.add("jenv-bw2-dm")
                for axis, member in tx.FINANCIAL_DIMENSIONS:
                    m = E.sub(scenario, "xbrldi:explicitMember", dimension=f"jenv-bw2-dim:{axis}")
                    m.text = f"jenv-bw2-dm:{member}"
            if signatory is not None:
                self.used_prefixes.add("jenv-bw2-dm")
                typed = E.sub(
                    scenario, "xbrldi:typedMember", dimension=f"jenv-bw2-dim:{tx.SIGNATORY_AXIS}"
                )
                E.sub(typed, f"jenv-bw2-dm:{tx.SIGNATORY_MEMBER_ELEMENT}").text = str(signatory)
        self.contexts[ctx_id] = ctx
        return ctx_id

    def duration(self) -> str:
        return self._context("FY", start=self.st.period_start, end=self.st.period_end)

    # facts ---------------------------------------------------------------------------
    def fact(self, concept: str, value: str, context: str) -> None:
        prefix = self.gen.concept_prefix(concept)
        self.used_prefixes.add(prefix)
        el = etree.Element(f"{{{self.gen.namespaces[prefix]}}}{concept}", contextRef=context)
        el.text = value
        self.facts.append(el)

    def amount(self, concept: str, value: Decimal, context: str) -> None:
        prefix = self.gen.concept_prefix(concept)
        self.used_prefixes.update({prefix, "iso4217"})
        self.needs_unit = True
        text, decimals = _amount_text(value)
        el = etree.Element(
            f"{{{self.gen.namespaces[prefix]}}}{concept}",
            contextRef=context,
            unitRef="EUR",
            decimals=decimals,
        )
        el.text = text
        self.facts.append(el)

    def build(self) -> bytes:
        st = self.st
        fy = self.duration()
        self.fact("LegalEntityName", st.legal_name, fy)
        self.fact("LegalEntityLegalForm", st.legal_form, fy)
        self.fact("LegalEntityRegisteredOffice", st.seat, fy)
        self.fact("ChamberOfCommerceRegistrationNumber", st.kvk_number, fy)
        self.fact("LegalSizeCriteriaClassification", tx.SIZE_VALUES[st.size], fy)
        self.fact("FinancialReportingPeriodCurrentStartDate", st.period_start.isoformat(), fy)
        self.fact("FinancialReportingPeriodCurrentEndDate", st.period_end.isoformat(), fy)
        self.fact("FinancialReportingPeriodPreviousStartDate", st.previous_start.isoformat(), fy)
        self.fact("FinancialReportingPeriodPreviousEndDate", st.previous_end.isoformat(), fy)
        self.fact("DocumentAdoptionStatus", tx.YES if st.adopted else tx.NO, fy)
        if st.adopted and st.adoption_date is not None:
            self.fact("DocumentAdoptionDate", st.adoption_date.isoformat(), fy)
        self.fact(
            "DocumentResubmissionDueToUnsurmountableInaccuracies",
            tx.YES if st.resubmission else tx.NO,
            fy,
        )
        self.fact("DocumentPresentationCurrency", "EUR", fy)

        day_before_start = st.period_start - timedelta(days=1)
        for concept in tx.BALANCE_CONCEPTS:
            current, previous = st.balance.get(concept, (None, None))
            if current is not None:
                ctx = self._context("FY_end", instant=st.period_end, financial=True)
                self.amount(concept, current, ctx)
            if previous is not None:
                ctx = self._context("PY_end", instant=day_before_start, financial=True)
                self.amount(concept, previous, ctx)
        for concept in tx.PROFIT_LOSS_CONCEPTS:
            current, previous = st.profit_loss.get(concept, (None, None))
            if current is not None:
                ctx = self._context(
                    "FY_d", start=st.period_start, end=st.period_end, financial=True
                )
                self.amount(concept, current, ctx)
            if previous is not None:
                ctx = self._context(
                    "PY_d", start=st.previous_start, end=st.previous_end, financial=True
                )
                self.amount(concept, previous, ctx)
        if st.notes.strip():
            self.fact("NotesGeneral", st.notes, fy)
        for number, director in enumerate(st.directors, start=1):
            ctx = self._context(
                f"FY_signatory{number}",
                start=st.period_start,
                end=st.period_end,
                signatory=number,
            )
            concept = "SupervisoryDirectorName" if director.supervisory else "DirectorName"
            self.fact(concept, director.name, ctx)
            if director.signed_on is not None:
                self.fact("DirectorSignatureDate", director.signed_on.isoformat(), ctx)
        return self.serialize()

    def serialize(self) -> bytes:
        namespaces = {**tx.STANDARD_NAMESPACES, **self.gen.namespaces}
        nsmap = {p: namespaces[p] for p in sorted(self.used_prefixes)}
        root = etree.Element(f"{{{tx.XBRLI}}}xbrl", nsmap=nsmap)
        root.set(_XML_LANG, self.st.language)
        etree.SubElement(
            root,
            f"{{{tx.LINK}}}schemaRef",
            {f"{{{tx.XLINK}}}type": "simple", f"{{{tx.XLINK}}}href": self.st.entry_point()},
        )
        for ctx in self.contexts.values():
            root.append(ctx)
        if self.needs_unit:
            unit = etree.SubElement(root, f"{{{tx.XBRLI}}}unit", id="EUR")
            etree.SubElement(unit, f"{{{tx.XBRLI}}}measure").text = "iso4217:EUR"
        for fact in self.facts:
            root.append(fact)
        etree.indent(root, space="  ")
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8") + b"\n"


class _Maker:
    """Creates elements from "prefix:name" with a fixed prefix -> namespace map."""

    def __init__(self, namespaces: dict[str, str]):
        self._ns = namespaces

    def __call__(self, qname: str, **attrs: str) -> etree._Element:
        return etree.Element(self._clark(qname), **attrs)

    def sub(self, parent: etree._Element, qname: str, **attrs: str) -> etree._Element:
        return etree.SubElement(parent, self._clark(qname), **attrs)

    def _clark(self, qname: str) -> str:
        prefix, local = qname.split(":")
        return f"{{{self._ns[prefix]}}}{local}"


def build_instance(statements: FinancialStatements) -> bytes:
    """A UTF-8 XBRL instance for the statements; raises ValueError for invalid input."""
    statements.validate()
    return _Instance(statements).build()


def adopt_instance(content: bytes, *, adoption_date: date) -> bytes:
    """The same instance marked as adopted (DocumentAdoptionStatus=Ja) on adoption_date.

    Edits the document in place: the adoption status becomes Ja, any adoption date is
    replaced by the new one, everything else stays as it was (so an instance from
    build_instance still passes every rule). Raises ValueError when the instance cannot
    be read, carries no adoption status, or the date lies before the end of the year.
    """
    from kvk.parser import parse_instance

    inst = parse_instance(content)  # hardened parse; XbrlParseError is a ValueError
    if inst.period_end is not None and adoption_date <= inst.period_end:
        raise ValueError(
            f"adoption date {adoption_date} must lie after the financial year end {inst.period_end}"
        )
    root = inst.root
    statuses = [el for el in root if _local_name(el) == "DocumentAdoptionStatus"]
    if not statuses:
        raise ValueError("the instance has no DocumentAdoptionStatus fact")
    status = statuses[0]
    for el in statuses:
        el.text = tx.YES
    for el in [el for el in root if _local_name(el) == "DocumentAdoptionDate"]:
        _remove_keeping_layout(el)
    namespace = etree.QName(status).namespace
    adoption = etree.Element(
        f"{{{namespace}}}DocumentAdoptionDate", contextRef=status.get("contextRef", "")
    )
    adoption.text = adoption_date.isoformat()
    adoption.tail = status.tail
    status.addnext(adoption)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8") + b"\n"


def _local_name(el: etree._Element) -> str:
    return etree.QName(el).localname if isinstance(el.tag, str) else ""


def _remove_keeping_layout(el: etree._Element) -> None:
    previous = el.getprevious()
    parent = el.getparent()
    assert parent is not None
    if previous is not None:
        previous.tail = el.tail
    else:
        parent.text = el.tail
    parent.remove(el)
