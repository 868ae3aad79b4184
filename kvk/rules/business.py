"""The business rules on the filing's facts (BUSINESS): mandatory facts, the KvK number,
the entry point's size and generation, the periods, the adoption and the resubmission.

Where kvk.formulas runs the KvK's own assertion for a fault (the entry point's formulas
are in the NT19 extract), the DEP rule for it gives way (``_kvk_checks``)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import timedelta

from kvk import formulas
from kvk import taxonomy as tx
from kvk.rules.concepts import model_of
from kvk.rules.contexts import kvk_number_ok
from kvk.rules.document import generation_advice
from kvk.rules.registry import Stage, Subject, rule
from kvk.rules.report import Emit
from kvk.statements import years_later

#: DEP-MANDATORY, for an entry point whose formulas the extract does not record (the
#: existence assertions of kvk.formulas check the others). The previous year's dates
#: are not among them: a first financial year has none, and the KvK asks for at most one
#: of each (".le 1" in kvk-document-information-for.xml, nt19-kvk-supplement.json).
MANDATORY = (
    tx.KVK_NUMBER,
    tx.ENTITY_NAME,
    tx.LEGAL_FORM,
    tx.SEAT,
    tx.PERIOD_CONCEPTS["current_start"],
    tx.PERIOD_CONCEPTS["current_end"],
    tx.ADOPTION_STATUS,
)
_DOCUMENT_INFORMATION = "valueAssertion_DocumentInformation_"
_KVK_NUMBER = "ChamberOfCommerceRegistrationNumber"
_RESUBMISSION = "DocumentResubmissionDueToUnsurmountableInaccuracies"
_Check = Callable[[Emit, Subject], None]


@functools.cache
def _kvk_checks(variant: str) -> frozenset[str]:
    """The ids of the KvK's assertions kvk.formulas runs for an entry point variant: our
    own checks of the same fault give way to them."""
    if not formulas.applies(variant):
        return frozenset()
    return frozenset(formulas.recorded(variant)) - set(formulas.not_interpreted(variant))


def _kvk_checks_it(s: Subject, assertion: str) -> bool:
    """Whether kvk.formulas runs the KvK's document information assertion ``assertion``."""
    return _DOCUMENT_INFORMATION + assertion in _kvk_checks(s.inst.entry_point_variant or "")


def _unless_kvk_checks(assertion: str) -> Callable[[_Check], _Check]:
    """A check that gives way to the KvK's document information assertion ``assertion``:
    it looks only where kvk.formulas does not run that one (``_kvk_checks_it``)."""

    def giving_way(check: _Check) -> _Check:
        @functools.wraps(check)
        def unless(emit: Emit, s: Subject) -> None:
            if not _kvk_checks_it(s, assertion):
                check(emit, s)

        return unless

    return giving_way


@functools.cache
def required_facts(variant: str) -> tuple[tuple[tuple[str, ...], str], ...]:
    """DEP-MANDATORY: (concepts any one of which must be reported, the formula file that
    requires it) for an entry point: MANDATORY where the NT19 extract records no formula
    linkbases of the entry point (klein-verticaal, or one it does not know). Where it
    does, the KvK's existence assertions run instead (kvk.formulas).
    """
    if formulas.applies(variant):
        return ()
    return tuple(((qname,), "") for qname in MANDATORY)


def _line_of(s: Subject) -> dict[str, int | None]:
    """Local name -> the line of its first fact."""
    line_of: dict[str, int | None] = {}
    for fact in s.inst.facts:
        line_of.setdefault(fact.local_name, fact.line)
    return line_of


def _line(s: Subject, local_name: str) -> int | None:
    return s.shared(_line_of).get(local_name)


def _first_line(s: Subject) -> int | None:
    """The line of the root's first child (the schemaRef), or of the root."""
    root = s.inst.root
    return root[0].sourceline if len(root) else root.sourceline


# --- the filer -------------------------------------------------------------------------------
@rule("DEP-MANDATORY", Stage.BUSINESS)
def _mandatory(emit: Emit, s: Subject) -> None:
    line_of = s.shared(_line_of)
    for alternatives, source in required_facts(s.inst.entry_point_variant or ""):
        if any(qname.partition(":")[2] in line_of for qname in alternatives):
            continue
        nl_source = f" (de KvK controleert dit: {source})" if source else ""
        en_source = f" (the KvK checks this: {source})" if source else ""
        emit(
            f"Het verplichte gegeven {' of '.join(alternatives)} ontbreekt{nl_source}.",
            f"The mandatory fact {' or '.join(alternatives)} is missing{en_source}.",
            s.inst.root.sourceline,
        )


@rule("DEP-KVK-NUMBER", Stage.BUSINESS)
def _sender_kvk_number(emit: Emit, s: Subject) -> None:
    expected, found = s.expected_kvk_number, s.inst.kvk_number
    if expected and found != expected:
        emit(
            f"Het KvK-nummer in het document ({found or 'geen'}) is niet dat van de "
            f"organisatie ({expected}); controleer de KvK-gegevens van de administratie.",
            f"The KvK number in the document ({found or 'none'}) is not the "
            f"organisation's ({expected}); check the administration's KvK data.",
            s.shared(_line_of).get(_KVK_NUMBER, s.inst.root.sourceline),
        )


@rule("DEP-IDENTIFIER", Stage.BUSINESS)
def _kvk_number_fact(emit: Emit, s: Subject) -> None:
    number = s.inst.first_value(_KVK_NUMBER)
    if number is not None and not kvk_number_ok(number):
        emit(
            f"Het KvK-nummer {number!r} bestaat niet uit 8 cijfers.",
            f"The KvK number {number!r} is not 8 digits.",
            _line(s, _KVK_NUMBER),
        )


@rule("DEP-ENTRYPOINT-SIZE", Stage.BUSINESS)
def _entry_point_size(emit: Emit, s: Subject) -> None:
    """The size class concept says which entry point family the filing means: the Micro
    concept is micro's, the Small one klein's. Its value does not: a klein filing may
    state "Micro" (kvk-codes:legalSizeCriteriaSmallItemType lists Klein and Micro)."""
    inst = s.inst
    variant_size = tx.size_of_variant(inst.entry_point_variant or "")
    stated_size = next(
        (
            size
            for size, qname in tx.SIZE_CONCEPTS.items()
            if inst.first_value(qname.partition(":")[2]) is not None
        ),
        None,
    )
    expected = s.size_class or stated_size
    if variant_size and expected and variant_size != expected:
        emit(
            f"Het entrypoint ({inst.entry_point_variant}) past niet bij de omvang "
            f"{expected!r}; kies een {expected}-entrypoint.",
            f"The entry point ({inst.entry_point_variant}) does not fit the size class "
            f"{expected!r}; choose a {expected} entry point.",
            _first_line(s),
        )


@rule("DEP-GENERATION-YEAR", Stage.BUSINESS)
def _generation_year(emit: Emit, s: Subject) -> None:
    inst = s.inst
    gen = inst.taxonomy_generation()
    if gen and inst.financial_year and gen.financial_year > inst.financial_year:
        advice_nl, advice_en = generation_advice(inst.financial_year, s.filing_date)
        emit(
            f"Taxonomie {gen.label} geldt pas voor boekjaren vanaf {gen.financial_year}; dit "
            f"boekjaar begint in {inst.financial_year}.{advice_nl}",
            f"Taxonomy {gen.label} applies to financial years from {gen.financial_year}; this "
            f"year begins in {inst.financial_year}.{advice_en}",
            _first_line(s),
        )


# --- the periods -----------------------------------------------------------------------------
@rule("DEP-PERIOD", Stage.BUSINESS)
def _periods_in_order(emit: Emit, s: Subject) -> None:
    """Each period ends after it starts (where the KvK's PrtDateEarlierDateLater3 and 2
    do not check it)."""
    inst = s.inst
    for label, (a, b), concept, assertion in (
        (
            "huidige/current",
            (inst.period_start, inst.period_end),
            "FinancialReportingPeriodCurrentEndDate",
            "PrtDateEarlierDateLater3",
        ),
        (
            "vorige/previous",
            (inst.previous_start, inst.previous_end),
            "FinancialReportingPeriodPreviousEndDate",
            "PrtDateEarlierDateLater2",
        ),
    ):
        if a is None or b is None or _kvk_checks_it(s, assertion):
            continue
        if b < a:
            emit(
                f"De {label.split('/')[0]} periode eindigt ({b}) vóór het begin ({a}).",
                f"The {label.split('/')[1]} period ends ({b}) before it starts ({a}).",
                _line(s, concept),
            )


@rule("BR-KVK-4.17", Stage.BUSINESS)
def _two_years(emit: Emit, s: Subject) -> None:
    """BR-KVK-4.17 as Arelle's NL plugin reads "the current and previous financial
    reporting period MUST be less than 2 years" (br_kvk.py, rule_br_kvk_4_17): the span
    from the previous period's start to the current period's end is at most two years (to
    the same day two years later). An extended first year as the comparative year exceeds
    it."""
    pstart, end = s.inst.previous_start, s.inst.period_end
    if pstart and end and end > years_later(pstart, 2):
        emit(
            f"Van het begin van het vorige boekjaar ({pstart}) tot het einde van het huidige "
            f"({end}) is meer dan twee jaar; de KvK staat voor beide boekjaren samen "
            "hoogstens twee jaar toe. Dat gebeurt ook als het vorige boekjaar een verlengd "
            "eerste boekjaar was.",
            f"From the start of the previous year ({pstart}) to the end of the current one "
            f"({end}) is more than two years; the KvK allows at most two years for both "
            "years together. That also happens when the previous year was an extended first "
            "year.",
            _line(s, "FinancialReportingPeriodPreviousStartDate"),
        )


@rule("DEP-PERIOD", Stage.BUSINESS)
def _first_year_length(emit: Emit, s: Subject) -> None:
    """A first year without comparatives: BR-KVK-4.17 (as Arelle reads it) has no span to
    measure, but a period of two years or more is no financial year."""
    inst = s.inst
    start, end = inst.period_start, inst.period_end
    if inst.previous_start is not None or not (start and end):
        return
    if end >= years_later(start, 2) - timedelta(days=1):
        emit(
            f"Het boekjaar {start} .. {end} duurt twee jaar of langer.",
            f"The financial year {start} .. {end} lasts two years or longer.",
            _line(s, "FinancialReportingPeriodCurrentEndDate"),
        )


@rule("DEP-PERIOD", Stage.BUSINESS)
@_unless_kvk_checks("PrtDateEarlier24HDateLater1")
def _previous_year_adjoins(emit: Emit, s: Subject) -> None:
    """The previous year ends the day before the current one starts."""
    start, pend = s.inst.period_start, s.inst.previous_end
    if start and pend and pend != start - timedelta(days=1):
        emit(
            f"Het vorige boekjaar eindigt op {pend}; dat moet de dag vóór het begin van het "
            f"huidige boekjaar ({start - timedelta(days=1)}) zijn.",
            f"The previous year ends on {pend}; it must be the day before the current year "
            f"starts ({start - timedelta(days=1)}).",
            _line(s, "FinancialReportingPeriodPreviousEndDate"),
        )


@rule("BR-KVK-4.07", Stage.BUSINESS)
def _year_ended(emit: Emit, s: Subject) -> None:
    end, filing_date = s.inst.period_end, s.filing_date
    if end and end >= filing_date:
        emit(
            f"Het boekjaar eindigt op {end}; dat moet vóór de deponeringsdatum ({filing_date}) "
            "liggen.",
            f"The financial year ends on {end}; that must be before the filing date "
            f"({filing_date}).",
            _line(s, "FinancialReportingPeriodCurrentEndDate"),
        )


# --- the adoption ----------------------------------------------------------------------------
def _status(s: Subject) -> str | None:
    return s.inst.first_value("DocumentAdoptionStatus")


@rule("DEP-ADOPTION-DATE", Stage.BUSINESS)
def _status_listed(emit: Emit, s: Subject) -> None:
    """Ja or Nee; where the concept rules run, DEP-VALUE reports a status outside the
    list."""
    status = _status(s)
    if status is not None and status not in (tx.YES, tx.NO) and model_of(s) is None:
        emit(
            f"DocumentAdoptionStatus is {status!r}; dat moet 'Ja' of 'Nee' zijn.",
            f"DocumentAdoptionStatus is {status!r}; it must be 'Ja' or 'Nee'.",
            _line(s, "DocumentAdoptionStatus"),
        )


@rule("BR-KVK-4.10", Stage.BUSINESS)
def _adopted_before_filing(emit: Emit, s: Subject) -> None:
    adoption_date, filing_date = s.inst.adoption_date, s.filing_date
    if adoption_date and adoption_date > filing_date:
        emit(
            f"De vaststellingsdatum {adoption_date} ligt na de deponeringsdatum {filing_date}.",
            f"The adoption date {adoption_date} is after the filing date {filing_date}.",
            _line(s, "DocumentAdoptionDate"),
        )


@rule("DEP-ADOPTION-DATE", Stage.BUSINESS)
@_unless_kvk_checks("PrtValueThnExistence3")
def _adoption_dated(emit: Emit, s: Subject) -> None:
    """Adopted accounts have an adoption date."""
    if _status(s) == tx.YES and s.inst.adoption_date is None:
        emit(
            "De jaarrekening is vastgesteld (Ja) maar de vaststellingsdatum ontbreekt; vul "
            "de datum van vaststelling in.",
            "The accounts are adopted (Ja) but the adoption date is missing; fill in the "
            "date of adoption.",
            _line(s, "DocumentAdoptionStatus"),
        )


@rule("DEP-ADOPTION-DATE", Stage.BUSINESS)
@_unless_kvk_checks("PrtValueThnNoExistence2")
def _not_adopted_undated(emit: Emit, s: Subject) -> None:
    """Accounts not adopted have no adoption date."""
    if _status(s) == tx.NO and "DocumentAdoptionDate" in s.shared(_line_of):
        emit(
            "Er staat een vaststellingsdatum, maar de status is 'Nee' (niet vastgesteld); "
            "zet de status op 'Ja' of verwijder de datum.",
            "There is an adoption date but the status is 'Nee' (not adopted); set the status "
            "to 'Ja' or remove the date.",
            _line(s, "DocumentAdoptionDate"),
        )


@rule("DEP-ADOPTION-DATE", Stage.BUSINESS)
@_unless_kvk_checks("PrtDateEarlierDateLater1")
def _adopted_after_year_end(emit: Emit, s: Subject) -> None:
    """Adopted after the end of the financial year."""
    adoption_date, end = s.inst.adoption_date, s.inst.period_end
    if adoption_date and end and adoption_date <= end:
        emit(
            f"De vaststellingsdatum {adoption_date} ligt niet na het einde van het boekjaar "
            f"({end}).",
            f"The adoption date {adoption_date} is not after the end of the financial year "
            f"({end}).",
            _line(s, "DocumentAdoptionDate"),
        )


# --- the resubmission --------------------------------------------------------------------------
def _resubmission(s: Subject) -> str | None:
    return s.inst.first_value(_RESUBMISSION)


@rule("DEP-RESUBMISSION", Stage.BUSINESS)
def _resubmission_flag(emit: Emit, s: Subject) -> None:
    resub = _resubmission(s)
    if resub is not None and resub not in (tx.YES, tx.NO):
        emit(
            f"Het heraanleveringskenmerk is {resub!r}; dat moet 'Ja' of 'Nee' zijn.",
            f"The resubmission flag is {resub!r}; it must be 'Ja' or 'Nee'.",
            _line(s, _RESUBMISSION),
        )


@rule("BR-KVK-4.12", Stage.BUSINESS)
def _resubmission_adopted(emit: Emit, s: Subject) -> None:
    if _resubmission(s) == tx.YES and _status(s) != tx.YES:
        emit(
            "Een heraanlevering wegens onoverkomelijke onjuistheden vereist "
            "DocumentAdoptionStatus 'Ja'.",
            "A resubmission due to unsurmountable inaccuracies requires "
            "DocumentAdoptionStatus 'Ja'.",
            _line(s, _RESUBMISSION),
        )


@rule("BR-KVK-4.16", Stage.BUSINESS)
def _resubmission_status_and_date(emit: Emit, s: Subject) -> None:
    if _resubmission(s) != tx.YES:
        return
    if _status(s) is None or s.inst.adoption_date is None:
        emit(
            "Een heraanlevering vereist zowel de vaststellingsstatus als de vaststellingsdatum.",
            "A resubmission requires both the adoption status and the adoption date.",
            _line(s, _RESUBMISSION),
        )


@rule("DEP-RESUBMISSION", Stage.BUSINESS)
def _resubmission_of_adopted(emit: Emit, s: Subject) -> None:
    """A resubmission corrects accounts adopted before the filing date."""
    adoption_date, filing_date = s.inst.adoption_date, s.filing_date
    if _resubmission(s) != tx.YES or not adoption_date:
        return
    if filing_date and adoption_date > filing_date:
        emit(
            "Een heraanlevering kan alleen vastgestelde stukken corrigeren; de "
            "vaststellingsdatum ligt in de toekomst.",
            "A resubmission can only correct adopted accounts; the adoption date lies in "
            "the future.",
            _line(s, _RESUBMISSION),
        )
