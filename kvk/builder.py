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

from kvk import nt
from kvk import taxonomy as tx
from kvk.statements import FinancialStatements, Signatory, formatted_value

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
        self.model = nt.entry_point(statements.variant)
        self.contexts: dict[str, etree._Element] = {}
        self.facts: list[etree._Element] = []
        self.used_prefixes: set[str] = {"xbrli", "link", "xlink"}
        self.needs_unit = False
        self.needs_pure = False
        self._context_ids: dict[tuple[object, ...], str] = {}
        self.E = _Maker({"xbrli": tx.XBRLI, "xbrldi": tx.XBRLDI, **self.gen.namespaces})

    # contexts ------------------------------------------------------------------------
    def _dimensions(self, qname: str) -> tuple[tuple[str, str], ...]:
        """The explicit members a line item's closed hypercube requires (our choice of
        member per axis: commercial, separate), from the first of its roles that takes
        them. Typed axes are added by the caller that knows the typed value."""
        roles = self.model.roles_of(qname)
        if not roles:
            raise ValueError(f"{qname} is not a concept of entry point {self.st.variant}")
        for role in roles:
            explicit = [a for a in role.axes if not a.is_typed]
            chosen = [(a.qname, tx.FINANCIAL_DIMENSIONS.get(a.qname, "")) for a in explicit]
            if all(member in a.members for a, (_, member) in zip(explicit, chosen, strict=True)):
                return tuple(chosen)
        raise ValueError(f"no role of {qname} takes the commercial, separate members")

    def _context(
        self,
        *,
        start: date | None = None,
        end: date | None = None,
        instant: date | None = None,
        dimensions: tuple[tuple[str, str], ...] = (),
        typed: tuple[str, str] | None = None,
    ) -> str:
        key = (instant, start, end, dimensions, typed)
        ctx_id = self._context_ids.get(key)
        if ctx_id is not None:
            return ctx_id
        ctx_id = self._context_id(start, end, instant, dimensions, typed)
        self._context_ids[key] = ctx_id
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
        if dimensions or typed:
            scenario = E.sub(ctx, "xbrli:scenario")
            self.used_prefixes.add("xbrldi")
            for axis, member in dimensions:
                self.used_prefixes.update({axis.partition(":")[0], member.partition(":")[0]})
                m = E.sub(scenario, "xbrldi:explicitMember", dimension=axis)
                m.text = member
            if typed:
                axis, value = typed
                member_element = next(
                    a.typed_member
                    for r in self.model.roles
                    for a in r.axes
                    if a.qname == axis and a.typed_member
                )
                self.used_prefixes.update(
                    {axis.partition(":")[0], member_element.partition(":")[0]}
                )
                typed_el = E.sub(scenario, "xbrldi:typedMember", dimension=axis)
                E.sub(typed_el, member_element).text = value
        self.contexts[ctx_id] = ctx
        return ctx_id

    def _context_id(
        self,
        start: date | None,
        end: date | None,
        instant: date | None,
        dimensions: tuple[tuple[str, str], ...],
        typed: tuple[str, str] | None,
    ) -> str:
        """Readable ids: FY/PY (durations), FY_end/PY_end (instants), with _d for the two
        financial members, the member names for others, _signatoryN for a typed member."""
        st = self.st
        if instant is not None:
            base = "FY_end" if instant == st.period_end else "PY_end"
        else:
            base = "FY" if start == st.period_start else "PY"
        if typed:
            return f"{base}_signatory{typed[1]}"
        if len(dimensions) == len(tx.FINANCIAL_DIMENSIONS):
            return base if instant is not None else f"{base}_d"
        if dimensions:
            return f"{base}_" + "_".join(
                m.rpartition(":")[2].removesuffix("Member") for _, m in dimensions
            )
        return base if instant is None else f"{base}_i"

    # facts ---------------------------------------------------------------------------
    def _element(self, qname: str, value: str, context: str, **attrs: str) -> None:
        prefix = qname.partition(":")[0]
        self.used_prefixes.add(prefix)
        el = etree.Element(self.gen.clark(qname), contextRef=context, **attrs)
        el.text = value
        self.facts.append(el)

    def fact(self, qname: str, value: str) -> None:
        """A fact of a role without dimensions, in the current year's duration context."""
        st = self.st
        if nt.concept(qname).is_formatted:  # e.g. the reason a year is not twelve months
            value = formatted_value(value)
        self._element(qname, value, self._context(start=st.period_start, end=st.period_end))

    def line_item(self, qname: str, value: Decimal | str, *, previous: bool = False) -> None:
        """A fact of a dimensional role: its period from its period type, its members from
        its hypercube."""
        st = self.st
        concept = nt.concept(qname)
        dims = self._dimensions(qname)
        if concept.period_type == "instant":
            ctx = self._context(
                instant=st.period_start - timedelta(days=1) if previous else st.period_end,
                dimensions=dims,
            )
        elif previous:
            ctx = self._context(start=st.previous_start, end=st.previous_end, dimensions=dims)
        else:
            ctx = self._context(start=st.period_start, end=st.period_end, dimensions=dims)
        if isinstance(value, Decimal):
            self.used_prefixes.add("iso4217")
            self.needs_unit = True
            text, decimals = _amount_text(value)
            self._element(qname, text, ctx, unitRef="EUR", decimals=decimals)
        else:
            self._element(qname, value, ctx)

    def build(self) -> bytes:
        self._entity_facts()
        self._document_facts()
        self._financial_facts()
        # Signing: one typed member per person, in the order given.
        for order, person in enumerate(self.st.signatories, start=1):
            self._signatory_facts(order, person)
        return self.serialize()

    def _entity_facts(self) -> None:
        """Entity information and address (no dimensions: closed, empty hypercubes)."""
        st = self.st
        self.fact(tx.ENTITY_NAME, st.legal_name)
        self.fact(tx.LEGAL_FORM, st.legal_form)
        self.fact(tx.SEAT, st.seat)
        self.fact(tx.KVK_NUMBER, st.kvk_number)
        self.fact(tx.SIZE_CONCEPTS[st.size], tx.SIZE_VALUES[st.size])
        address = st.address
        assert address is not None  # validate() requires it
        for name, value in address.to_dict().items():
            if value:  # the house number addition is optional
                self.fact(tx.ADDRESS_CONCEPTS[name], value)

    def _document_facts(self) -> None:
        """Document information: periods, basis, adoption, resubmission, contact."""
        st = self.st
        periods = tx.PERIOD_CONCEPTS
        self.fact(periods["current_start"], st.period_start.isoformat())
        self.fact(periods["current_end"], st.period_end.isoformat())
        if st.previous_start and st.previous_end:
            self.fact(periods["previous_start"], st.previous_start.isoformat())
            self.fact(periods["previous_end"], st.previous_end.isoformat())
        self.fact(tx.PERIOD_DIFFERENT_THAN_ANNUAL, tx.NO if st.period_is_annual else tx.YES)
        if not st.period_is_annual:
            self.fact(tx.PERIOD_DEVIATION_REASON, st.period_deviation_reason)
            self.fact(tx.PERIOD_DEVIATION_IMPACT, st.period_deviation_impact)
        self.fact(tx.BASIS_OF_PREPARATION_CONCEPT, tx.BASIS_OF_PREPARATION)
        self.fact(tx.CURRENCY, "EUR")
        assert st.prepared_on is not None  # validate() requires it
        self.fact("rj-i:FinancialStatementsDateOfPreparation", st.prepared_on.isoformat())
        self.fact(tx.ADOPTION_STATUS, tx.YES if st.adopted else tx.NO)
        if st.adopted and st.adoption_date is not None:
            self.fact(tx.ADOPTION_DATE, st.adoption_date.isoformat())
        self.fact(tx.RESUBMISSION, tx.YES if st.resubmission else tx.NO)
        if st.resubmission:
            self.fact(tx.RESUBMISSION_EXPLANATION, st.resubmission_explanation)
        self.fact(tx.EMAIL, st.email)
        if tx.INCOME_STATEMENT_CLASSIFICATION in self.model.concepts:
            # Klein starts at the gross margin with expenses by nature (art. 2:397 BW), so
            # its line items leave out what the KvK forbids then
            # (tx.excluded_by_classification). The KvK requires this fact and the next for
            # klein (ERROR existence assertions of kvk-document-information_k_m_g-for.xml,
            # nt19-kvk-klein-formulas.json).
            self.fact(tx.INCOME_STATEMENT_CLASSIFICATION, tx.CLASSIFICATION_BY_NATURE)
        if tx.DOCUMENT_RELATES_TO in self.model.concepts:
            self.fact(tx.DOCUMENT_RELATES_TO, tx.SEPARATE_ACCOUNTS)

    def _financial_facts(self) -> None:
        """Balance sheet, profit and loss, notes (the two financial dimensions)."""
        st = self.st
        self.line_item(tx.APPROPRIATION, st.appropriation)
        for part, values in (("balance", st.balance), ("income", st.profit_loss)):
            for name in tx.line_items(st.variant, part):
                current, previous = values.get(name, (None, None))
                qname = tx.qname_of(st.variant, name)
                if current is not None:
                    self.line_item(qname, current)
                if previous is not None and st.has_comparatives:
                    self.line_item(qname, previous, previous=True)
        for name in tx.line_items(st.variant, "notes"):
            text = st.notes.get(name, "")
            if text.strip():
                self.line_item(tx.qname_of(st.variant, name), formatted_value(text))

    def _signatory_facts(self, order: int, person: Signatory) -> None:
        """The facts of one signing person, in its own typed-member context."""
        st = self.st
        typed = (tx.SIGNATORY_AXIS, str(order))
        ctx = self._context(start=st.period_start, end=st.period_end, typed=typed)
        concepts = tx.SIGNING_CONCEPTS
        self._element(concepts["function"], person.function, ctx)
        self._element(concepts["name"], person.name, ctx)
        if person.place:
            self._element(concepts["place"], person.place, ctx)
        if person.signed_on is not None:
            self._element(concepts["signed_on"], person.signed_on.isoformat(), ctx)
        self._element(concepts["signed"], tx.YES if person.signed else tx.NO, ctx)
        if not person.signed and person.reason_not_signed:
            self._element(concepts["reason_not_signed"], person.reason_not_signed, ctx)
        self.needs_pure = True  # PresentationOrder is a number: unit xbrli:pure
        self._element(concepts["order"], str(order), ctx, unitRef="pure", decimals="INF")

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
        if self.needs_pure:
            unit = etree.SubElement(root, f"{{{tx.XBRLI}}}unit", id="pure")
            etree.SubElement(unit, f"{{{tx.XBRLI}}}measure").text = "xbrli:pure"
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
