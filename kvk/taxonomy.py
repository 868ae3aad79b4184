"""The Nederlandse Taxonomie (NT) generations this product knows, as data.

One generation per financial year (KVK-SBR.md section 3): NT19 = FY2024, NT20 = FY2025,
NT21 = FY2026. A generation applies to financial years *beginning* on or after 1 January
of its year. Adding NT22 means adding one ``Generation(...)`` line to ``GENERATIONS``; no
code changes.

What was verified against official files and what is derived:

- NT19: the concepts, their namespaces, types, enumerations, linkroles and hypercubes are
  read from the official NT19 files (``kvk/nt19/``, loaded by ``kvk.nt``); the namespace
  URIs below are checked against that extract by a test.
- NT20: NT19's concepts carried over. Arelle's NL plugin lists NT20's jenv-bw2-data,
  kvk-data and nl-types namespaces and entry point folder (jenv and kvk 20251210, sbr
  20250301); the other namespaces (rj-data, rj-cp-data, nl-common-data, the jenv axes
  and domains) are extrapolated with the same dates. Derived, not read.
- NT21: release date 20261209 announced; the sbr date follows the yearly pattern and is
  uncertain until publication. Derived, not read.
- NT16, NT17, NT18 (``EARLIER_GENERATIONS``): known by their namespaces only, so that an
  older instance is recognised (FG-NL-03, clear messages); this product neither builds
  nor accepts them. Arelle's NL plugin lists their jenv-bw2-data, kvk-data and nl-types
  namespaces and entry point folders; the other namespaces follow the same pattern.

KvK accepts a generation from the day it goes into production until the day KvK retires
it (``Generation.retired_from``, entered when KvK publishes it; ``accepted_generations``).
A late filing of an older financial year is made with the newest accepted generation
that applies to it (``accepted_generation_for_year``); when none is accepted any more the
rules say so.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from types import MappingProxyType

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

from kvk import nt

XBRLI = "http://www.xbrl.org/2003/instance"
LINK = "http://www.xbrl.org/2003/linkbase"
XLINK = "http://www.w3.org/1999/xlink"
XBRLDI = "http://xbrl.org/2006/xbrldi"
ISO4217 = "http://www.xbrl.org/2003/iso4217"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
XML_NS = "http://www.w3.org/XML/1998/namespace"

KVK_ID_SCHEME = "http://www.kvk.nl/kvk-id"

#: The namespaces that do not depend on the generation, with their recommended prefixes.
STANDARD_NAMESPACES = MappingProxyType(
    {"xbrli": XBRLI, "link": LINK, "xlink": XLINK, "xbrldi": XBRLDI, "iso4217": ISO4217}
)

#: Entry point variants for micro and small entities, per size class.
VARIANTS_BY_SIZE = MappingProxyType(
    {
        "micro": ("micro", "micro-publicatiestukken"),
        "klein": (
            "klein",
            "klein-publicatiestukken",
            "klein-verticaal",
            "klein-verticaal-publicatiestukken",
        ),
    }
)
VARIANTS = tuple(v for variants in VARIANTS_BY_SIZE.values() for v in variants)
SIZES = tuple(VARIANTS_BY_SIZE)


def size_of_variant(variant: str) -> str | None:
    for size, variants in VARIANTS_BY_SIZE.items():
        if variant in variants:
            return size
    return None


# --- Concepts (NT19, read from the official files: kvk.nt) -----------------------------
#: The variants the builder writes: those whose linkbases the NT19 extract covers.
BUILDABLE_VARIANTS = nt.MODELLED_VARIANTS

#: Which linkroles of an entry point hold a filing's parts (URIs urn:kvk:linkrole:<name>,
#: as in the official definition linkbases).
FILING_ROLES = MappingProxyType(
    {
        "micro": {
            "balance": ("balance-sheet-micro-entities",),
            "income": ("income-statement-micro-entities",),
            "notes": (
                "notes-micro-entities",
                "balance-sheet-micro-entities-indication-no-accrued-assets-liabilities-are-recorded",
            ),
        },
        "klein": {
            "balance": ("balance-sheet",),
            "income": ("income-statement-small",),
            "notes": ("notes-general-notes", "notes-general-accounting-principles"),
        },
    }
)

#: The concepts the builder writes outside the statements' line items.
ENTITY_NAME = "nl-cd:LegalEntityName"
KVK_NUMBER = "nl-cd:ChamberOfCommerceRegistrationNumber"
LEGAL_FORM = "jenv-bw2-i:LegalEntityLegalForm"
SEAT = "jenv-bw2-i:LegalEntityRegisteredOffice"
EMAIL = "nl-cd:EmailAddressFull"
#: The entity's Dutch address: kvk.statements.Address field -> concept.
ADDRESS_CONCEPTS = MappingProxyType(
    {
        "street": "nl-cd:StreetNameNL",
        "house_number": "nl-cd:HouseNumberNL",
        "house_number_addition": "nl-cd:HouseNumberAddition",
        "postal_code": "nl-cd:PostalCodeNL",
        "place": "nl-cd:PlaceOfResidenceNL",
    }
)
SIZE_CONCEPTS = MappingProxyType(
    {
        "micro": "kvk-i:LegalSizeCriteriaClassificationMicro",
        "klein": "kvk-i:LegalSizeCriteriaClassificationSmall",
    }
)
SIZE_VALUES = MappingProxyType({"micro": "Micro", "klein": "Klein"})
PERIOD_CONCEPTS = MappingProxyType(
    {
        "current_start": "jenv-bw2-i:FinancialReportingPeriodCurrentStartDate",
        "current_end": "jenv-bw2-i:FinancialReportingPeriodCurrentEndDate",
        "previous_start": "jenv-bw2-i:FinancialReportingPeriodPreviousStartDate",
        "previous_end": "jenv-bw2-i:FinancialReportingPeriodPreviousEndDate",
    }
)
ADOPTION_STATUS = "jenv-bw2-i:DocumentAdoptionStatus"
ADOPTION_DATE = "jenv-bw2-i:DocumentAdoptionDate"
RESUBMISSION = "kvk-i:DocumentResubmissionDueToUnsurmountableInaccuracies"
RESUBMISSION_EXPLANATION = "kvk-i:DocumentResubmissionDueToUnsurmountableInaccuraciesExplanation"
PERIOD_DIFFERENT_THAN_ANNUAL = "rj-i:FinancialReportingPeriodDifferentThanAnnualStatus"
PERIOD_DEVIATION_REASON = "rj-i:FinancialReportingPeriodDifferentThanAnnualReasonDescription"
PERIOD_DEVIATION_IMPACT = (
    "rj-i:FinancialReportingPeriodDifferentThanAnnualImpactComparativesDescription"
)
CURRENCY = "nl-cd:DocumentPresentationCurrency"
APPROPRIATION = "jenv-bw2-i:BalanceSheetBeforeAfterAppropriationResults"
SIGNATORY_AXIS = "jenv-bw2-dim:ManagingOrSupervisoryDirectorOrRepresentativeNamesAxis"
#: Signing concepts: statements field -> concept.
SIGNING_CONCEPTS = MappingProxyType(
    {
        "function": "jenv-bw2-i:DirectorType",
        "name": "jenv-bw2-i:LegalEntityNameManagingSupervisoryDirector",
        "place": "jenv-bw2-i:SignatureManagingSupervisoryDirectorsLocation",
        "signed_on": "jenv-bw2-i:SignatureManagingSupervisoryDirectorsDate",
        "signed": "jenv-bw2-i:DirectorSignedStatus",
        "reason_not_signed": "jenv-bw2-i:DirectorReasonNoSignature",
        "order": "nl-cd:PresentationOrder",
    }
)

#: The members this product files under (commercial, separate accounts): axis -> member.
FINANCIAL_DIMENSIONS = MappingProxyType(
    {
        "jenv-bw2-dim:BasisOfPreparationAxis": "jenv-bw2-dm:CommercialMember",
        "jenv-bw2-dim:FinancialStatementsTypeAxis": "jenv-bw2-dm:SeparateMember",
    }
)
BASIS_OF_PREPARATION_CONCEPT = "jenv-bw2-i:BasisOfPreparation"
BASIS_OF_PREPARATION = "Commercieel"  # matches CommercialMember
INCOME_STATEMENT_CLASSIFICATION = "kvk-i:IncomeStatementClassificationType"
DOCUMENT_RELATES_TO = "rj-i:DocumentRelatesToIndividualEntityOrGroup"


def _enumeration(type_name: str) -> tuple[str, ...]:
    return tuple(nt.type_facets(type_name).get("enumeration") or ())


#: Values of the enumerations, from the taxonomy's value lists.
YES, NO = "Ja", "Nee"  # nl-codes:yesNoItemType
LEGAL_FORMS = _enumeration("jenv-codes:legalFormItemType")
LEGAL_FORM_BV = "Besloten vennootschap met beperkte aansprakelijkheid"
DIRECTOR_TYPES = _enumeration("jenv-codes:directorItemType")
DIRECTOR, SUPERVISORY_DIRECTOR = "Bestuurder (huidig)", "Commissaris (huidig)"
APPROPRIATIONS = _enumeration("jenv-codes:profitAppropriationItemType")
BEFORE_APPROPRIATION, AFTER_APPROPRIATION = "Voor", "Na"

#: What a person reads for a value of the lists that forms, pages and the admin show: a
#: caption through gettext (the Dutch msgid is the Dutch text, the English is in the
#: catalogue), while the value is what is stored and filed. NT19 gives these enumerations
#: no labels of their own (they are facets of an XML Schema restriction; kvk/nt19 records
#: no labels), so the value is the only name the taxonomy has and the Dutch caption is the
#: value, except where the value is not plain Dutch: "Cooperatie" is the value without the
#: diaeresis, the law writes "coöperatie" (Boek 2 BW, Titel 3, art. 2:53); and the
#: appropriation's "Voor"/"Na" say before or after what. The lists share no value, so a
#: value names its caption. The rendered accounts say the directors' functions in their own
#: words, in the filing's language (kvk.labels.DIRECTOR_TYPES_NL, "Bestuurder").
CAPTIONS: Mapping[str, Promise] = MappingProxyType(
    {
        # jenv-codes:legalFormItemType
        "Besloten vennootschap met beperkte aansprakelijkheid": gettext_lazy(
            "Besloten vennootschap met beperkte aansprakelijkheid"
        ),
        "Commanditaire vennootschap": gettext_lazy("Commanditaire vennootschap"),
        "Cooperatie": gettext_lazy("Coöperatie"),
        "Naamloze vennootschap": gettext_lazy("Naamloze vennootschap"),
        "Onderlinge waarborgmaatschappij": gettext_lazy("Onderlinge waarborgmaatschappij"),
        "Stichting": gettext_lazy("Stichting"),
        "Vennootschap onder firma": gettext_lazy("Vennootschap onder firma"),
        "Vereniging": gettext_lazy("Vereniging"),
        # jenv-codes:directorItemType
        "Bestuurder (huidig)": gettext_lazy("Bestuurder (huidig)"),
        "Bestuurder (voormalig)": gettext_lazy("Bestuurder (voormalig)"),
        "Commissaris (huidig)": gettext_lazy("Commissaris (huidig)"),
        "Commissaris (voormalig)": gettext_lazy("Commissaris (voormalig)"),
        # jenv-codes:profitAppropriationItemType
        BEFORE_APPROPRIATION: gettext_lazy("Vóór resultaatbestemming"),
        AFTER_APPROPRIATION: gettext_lazy("Na resultaatbestemming"),
    }
)
#: The lists CAPTIONS covers: every value of each has its caption.
CAPTIONED_LISTS = (LEGAL_FORMS, DIRECTOR_TYPES, APPROPRIATIONS)


def caption(value: str) -> str | Promise:
    """What a person reads for ``value`` of a list in CAPTIONS, translated where it is shown
    (lazy); a value of no such list is shown as itself."""
    return CAPTIONS.get(value, value)


def choices(values: Iterable[str]) -> list[tuple[str, str | Promise]]:
    """(value of the taxonomy's list, caption) for a form's or a model field's choices."""
    return [(value, caption(value)) for value in values]


def legal_form_choices() -> list[tuple[str, str | Promise]]:
    """The legal forms' choices; a function, so that a model field's migration names it
    instead of copying the captions, which are not schema."""
    return choices(LEGAL_FORMS)


def director_type_choices() -> list[tuple[str, str | Promise]]:
    """The directors' functions' choices (jenv-codes:directorItemType), as
    ``legal_form_choices``."""
    return choices(DIRECTOR_TYPES)


#: kvk-i:IncomeStatementClassificationType for a profit and loss by nature of expense
CLASSIFICATION_BY_NATURE = "Categoriaal"
#: rj-i:DocumentRelatesToIndividualEntityOrGroup: this product files separate accounts
SEPARATE_ACCOUNTS = "Enkelvoudig"
assert {YES, NO} == set(_enumeration("nl-codes:yesNoItemType"))
assert set(CAPTIONS) == {value for values in CAPTIONED_LISTS for value in values}
assert len(CAPTIONS) == sum(len(values) for values in CAPTIONED_LISTS), "no value in two lists"
assert LEGAL_FORM_BV in LEGAL_FORMS and {DIRECTOR, SUPERVISORY_DIRECTOR} <= set(DIRECTOR_TYPES)
assert {BEFORE_APPROPRIATION, AFTER_APPROPRIATION} == set(APPROPRIATIONS)
assert CLASSIFICATION_BY_NATURE in _enumeration("kvk-codes:incomeStatementClassificationItemType")
assert SEPARATE_ACCOUNTS in _enumeration("rj-codes:financialStatementItemType")
assert BASIS_OF_PREPARATION in _enumeration("jenv-codes:basisOfPreparationItemType")


def line_items(variant: str, part: str) -> tuple[str, ...]:
    """Local names of the line items of one part ("balance", "income", "notes") of a
    variant, in presentation order: monetary items for the statements, formatted
    explanations for the notes. A part the variant does not have gives ()."""
    return _line_items(variant, part)


@functools.cache
def _line_items(variant: str, part: str) -> tuple[str, ...]:
    model = nt.entry_point(variant)
    size = size_of_variant(variant) or ""
    names: list[str] = []
    present = {role.short for role in model.roles}
    excluded = excluded_by_classification(variant) if part == "income" else {}
    for short in FILING_ROLES[size][part]:
        if short not in present:
            continue
        for qname in model.line_items(short):
            c = nt.concepts().get(qname)
            if c is None or c.name in excluded:
                continue
            if (part == "notes" and c.is_formatted) or (part != "notes" and c.is_monetary):
                names.append(c.name)
    return tuple(dict.fromkeys(names))


@functools.cache
def excluded_by_classification(variant: str) -> Mapping[str, str]:
    """The profit and loss lines a variant may not carry with the classification the
    builder writes (kvk-i:IncomeStatementClassificationType "Categoriaal", by nature of
    expense): local name -> the KvK assertion that forbids it.

    Read from the variant's formula linkbases (kvk.nt.formula_files): the value
    assertions with the precondition "$IncomeStatementClassificationType eq
    'Categoriaal'" whose test asks that the other variable has no fact
    (xff:has-fallback-value), e.g. IncomeStatementSmall_PrtValueThnNoExistenceCovA3 and
    A4 of kvk-income-statement_k-for.xml (nt19-kvk-klein-formulas.json) for klein.
    """
    precondition = f"$IncomeStatementClassificationType eq '{CLASSIFICATION_BY_NATURE}'"
    classification = INCOME_STATEMENT_CLASSIFICATION.partition(":")[2]
    result: dict[str, str] = {}
    for record in nt.formula_files(variant):
        for assertion in record.get("assertions") or []:
            test = str(assertion.get("test") or "")
            if assertion.get("precondition") != precondition or not test.startswith(
                "xff:has-fallback-value("
            ):
                continue
            for variable in assertion.get("variables") or []:
                for name in re.findall(r"conceptName [\w-]+:(\w+)", " ".join(variable["filters"])):
                    if name != classification:
                        result[name] = assertion["id"].partition("_")[2]
    return MappingProxyType(result)


def qname_of(variant: str, local_name: str) -> str:
    """The concept (prefix:Name) of a line item's local name within a variant."""
    for qname in nt.entry_point(variant).concepts:
        if qname.partition(":")[2] == local_name:
            return qname
    raise LookupError(f"{local_name} is not a concept of {variant}")


# --- totals -----------------------------------------------------------------------------
#: A total's items, each with +1 (adds) or -1 (subtracts).
Terms = tuple[tuple[str, int], ...]
_SUM_TERM = re.compile(r"([+-])\s*sum\(\$(\w+)\)")
_SUM_RESULT = re.compile(r"=\s*\$(\w+)\s*$")


@functools.cache
def summation_terms(variant: str) -> Mapping[str, Terms]:
    """The totals of a variant's balance sheet and profit and loss: total -> its items
    with their signs, as the KvK's value assertions compute them (NT19 extract):

    - balance sheet: the ParentChildSummation arcs (``nt.summations``); an item on the
      total's side (debit, credit) adds, one on the other side subtracts: the
      "sum($ChildrenOf<Total>Credit) - sum($ChildrenOf<Total>Debit)" of the SumOfChildren
      assertions (kvk-balance-sheet_u-for.xml, kvk-balance-sheet-for.xml);
    - profit and loss: micro's "Income" and "Expenses" the same way over their children
      in the presentation tree (PrtFST1SumOfChildren of kvk-income-statement_u-for.xml),
      and the "+ sum($A) - sum($B) = $C" value assertions of the income-statement role
      (micro PrtFST102, klein PrtFST102..108 of kvk-income-statement_k-for.xml).

    Only the variant's own line items are items; a variant without a profit and loss
    has only the balance-sheet totals.
    """
    size = size_of_variant(variant) or ""
    balance, income = line_items(variant, "balance"), line_items(variant, "income")
    result: dict[str, Terms] = {}
    for total, items in nt.summations(size).items():
        if total in balance:
            result[total] = _signed(variant, total, items)
    if income:
        for role_short in FILING_ROLES[size]["income"]:
            for total, items in _presentation_children(variant, role_short).items():
                if total in income:
                    result[total] = _signed(variant, total, items)
            result.update(_assertion_terms(variant, role_short))
    return MappingProxyType(result)


def _signed(variant: str, total: str, items: tuple[str, ...]) -> Terms:
    own = line_items(variant, "balance") + line_items(variant, "income")

    def balance(name: str) -> str | None:
        return nt.concept(qname_of(variant, name)).balance

    side = balance(total)
    return tuple((item, 1 if balance(item) == side else -1) for item in items if item in own)


def _presentation_children(variant: str, role_short: str) -> dict[str, tuple[str, ...]]:
    """total -> the concepts one level below it in a role's presentation tree (the
    "conceptRelation child of" filters of micro's SumOfChildren assertions)."""
    rows = nt.entry_point(variant).presentation.get(f"urn:kvk:linkrole:{role_short}", ())
    result: dict[str, tuple[str, ...]] = {}
    for index, (depth, qname, _label) in enumerate(rows):
        children = []
        for below_depth, below, _ in rows[index + 1 :]:
            if below_depth <= depth:
                break
            if below_depth == depth + 1:
                children.append(below.partition(":")[2])
        if children:
            result[qname.partition(":")[2]] = tuple(children)
    return result


def _assertion_terms(variant: str, role_short: str) -> dict[str, Terms]:
    """The "+ sum($A) - sum($B) = $C" value assertions of a role's formula linkbase
    (micro: nt19-kvk-supplement.json formulas_micro; klein: nt19-kvk-klein-formulas.json)."""
    own = line_items(variant, "balance") + line_items(variant, "income")
    result: dict[str, Terms] = {}
    for record in nt.formula_files(variant):
        if not str(record.get("role", "")).endswith(role_short):
            continue
        for assertion in record.get("assertions") or []:
            test = str(assertion.get("test") or "")
            total = _SUM_RESULT.search(test)
            terms = _SUM_TERM.findall(test)
            if total and len(terms) > 1:
                result[total.group(1)] = tuple(
                    (name, 1 if sign == "+" else -1) for sign, name in terms if name in own
                )
    return result


def computed_totals(variant: str, amounts: Mapping[str, Decimal | None]) -> dict[str, Decimal]:
    """Each total of a variant (``summation_terms``) computed from the amounts of one year:
    the signed sum of its items that have an amount. An item that is itself a total
    without an amount counts with its own computed sum; a total whose items have no
    amount is left out."""
    terms = summation_terms(variant)
    computed: dict[str, Decimal | None] = {}

    def amount(name: str) -> Decimal | None:
        given = amounts.get(name)
        return total(name) if given is None and name in terms else given

    def total(name: str) -> Decimal | None:
        if name not in computed:
            known = [(amount(item), sign) for item, sign in terms[name]]
            signed = [value * sign for value, sign in known if value is not None]
            computed[name] = sum(signed, Decimal(0)) if signed else None
        return computed[name]

    return {name: value for name in terms if (value := total(name)) is not None}


@dataclass(frozen=True)
class ValueProblem:
    """What a concept's type says against a value: the facet it fails and that facet's
    limit, as the NT19 extract has them (kvk.nt.type_facets). ``str()`` is the English
    text; kvk.rules words its Dutch and English findings from the same fields."""

    qname: str
    #: the concept's type ("nl-types:string24ItemType"); "" when there is no such concept
    type: str
    #: "concept" (no such concept), "enumeration", "length", "minLength", "maxLength" or
    #: "pattern"
    facet: str
    #: the value list (enumeration), the number of characters (lengths), the pattern
    limit: tuple[str, ...] | int | str | None
    value: str

    def __str__(self) -> str:
        value, limit, type_name = self.value, self.limit, self.type
        if isinstance(limit, tuple):  # an enumeration
            return f"{value!r} is not one of {', '.join(limit)} ({type_name})"
        if self.facet == "length":
            return f"{value!r} must be {limit} characters ({type_name})"
        if self.facet == "minLength":
            return f"must be at least {limit} characters ({type_name})"
        if self.facet == "maxLength":
            return f"is {len(value)} characters; at most {limit} ({type_name})"
        if self.facet == "pattern":
            return f"{value!r} does not have the form the taxonomy requires ({type_name})"
        return f"{self.qname} is not a concept of the taxonomy"


def value_problem(qname: str, value: str) -> ValueProblem | None:
    """What the concept's type says against a value (enumeration, length, pattern); None
    when the value fits."""
    c = nt.concepts().get(qname)
    if c is None:
        return ValueProblem(qname, "", "concept", None, value)
    facets = nt.type_facets(c.type)

    def problem(facet: str) -> ValueProblem:
        limit = facets[facet]
        if facet in ("length", "minLength", "maxLength"):
            limit = int(limit)
        return ValueProblem(qname, c.type, facet, limit, value)

    enumeration = facets.get("enumeration")
    if enumeration and value not in enumeration:
        return problem("enumeration")
    length = len(value)
    if "length" in facets and length != int(facets["length"]):
        return problem("length")
    if "minLength" in facets and length < int(facets["minLength"]):
        return problem("minLength")
    if "maxLength" in facets and length > int(facets["maxLength"]):
        return problem("maxLength")
    pattern = facets.get("pattern")
    if pattern and not re.fullmatch(pattern, value):
        return problem("pattern")
    return None


def max_length(qname: str) -> int:
    """The longest value the taxonomy's type of a concept allows (its maxLength, or the
    upper bound of a digits pattern such as houseNumberNLItemType's [0-9]{1,5})."""
    facets = nt.type_facets(nt.concept(qname).type)
    if "maxLength" in facets:
        return int(facets["maxLength"])
    match = re.search(r"\{\d+,(\d+)\}", str(facets.get("pattern", "")))
    if match:
        return int(match.group(1))
    raise LookupError(f"{qname} has no maximum length in the NT19 extract")


def kvk_number_valid(number: str | None) -> bool:
    """nl-types:chamberOfCommerceRegistrationNumberItemType: 8 digits, not 00..."""
    return bool(number) and value_problem(KVK_NUMBER, number or "") is None


#: The prefixes of the namespaces an instance may use (besides the standard ones).
INSTANCE_PREFIXES = (
    "jenv-bw2-i", "jenv-bw2-dim", "jenv-bw2-dm", "kvk-i", "rj-i", "rj-cp-i", "nl-cd", "nl-types"
)  # fmt: skip


@dataclass(frozen=True)
class Generation:
    """One NT release: where its namespaces and entry points are."""

    code: str  # "nt20"
    financial_year: int  # first financial year it applies to
    release: str  # "20251210": date segment of the kvk/jenv/rj namespaces
    sbr_release: str  # "20250301": date segment of the sbr (nl-cd, nl-types) namespaces
    #: The day KvK starts accepting it (None = not planned yet, or never here: the
    #: generations before NT19 this product does not file).
    in_production_from: date | None = None
    #: The first day KvK no longer accepts it, as KvK publishes it (None = no date
    #: published yet).
    retired_from: date | None = None
    #: "nt19-extract" when the concepts were read from official files, else "derived"
    source: str = "derived"

    @property
    def label(self) -> str:
        return self.code.upper()

    def accepted_on(self, day: date) -> bool:
        """Whether KvK accepts filings in this generation on a day (FR-KVK-2.03)."""
        started = self.in_production_from is not None and self.in_production_from <= day
        return started and (self.retired_from is None or day < self.retired_from)

    @functools.cached_property
    def namespaces(self) -> dict[str, str]:
        """prefix -> namespace of what an instance uses: NT19's, as the extract recorded
        them (kvk/nt19/nt19-index.json), with this generation's folder and dates."""
        recorded = nt.index()["namespaces"]
        return {prefix: self.carry_over(recorded[prefix]) for prefix in INSTANCE_PREFIXES}

    def carry_over(self, nt19_uri: str) -> str:
        """An NT19 URI as it reads in this generation: its folder and release dates
        (http://www.nltaxonomie.nl/nt19/<part>/<date>/... -> .../nt20/<part>/<date>/...)."""
        for part, old, new in (
            ("jenv", "20241211", self.release),
            ("kvk", "20241211", self.release),
            ("rj", "20241211", self.release),
            ("sbr", "20240301", self.sbr_release),
        ):
            before = f"http://www.nltaxonomie.nl/nt19/{part}/{old}/"
            if nt19_uri.startswith(before):
                return (
                    f"http://www.nltaxonomie.nl/{self.code}/{part}/{new}/"
                    + nt19_uri.removeprefix(before)
                )
        return nt19_uri

    @property
    def entry_point_root(self) -> str:
        return f"http://www.nltaxonomie.nl/{self.code}/kvk/{self.release}/entrypoints/"

    def entry_point(self, variant: str) -> str:
        if variant not in VARIANTS:
            raise ValueError(f"unknown entry point variant {variant!r}")
        return (
            f"{self.entry_point_root}kvk-rpt-jaarverantwoording-"
            f"{self.financial_year}-nlgaap-{variant}.xsd"
        )

    def entry_points(self) -> dict[str, str]:
        """URL -> variant, for every variant this product supports."""
        return {self.entry_point(v): v for v in VARIANTS}

    def other_entry_points(self) -> dict[str, str]:
        """URL -> name, for the KvK entry points of this generation this product does not
        support (``OTHER_KVK_ENTRY_POINTS``)."""
        return {
            f"{self.entry_point_root}kvk-rpt-jaarverantwoording-{self.financial_year}-nlgaap-"
            f"{name}.xsd": name
            for name in OTHER_KVK_ENTRY_POINTS
        }

    def clark(self, qname: str) -> str:
        """Clark notation ({namespace}Name) of a concept given as prefix:Name."""
        prefix, _, name = qname.partition(":")
        return f"{{{self.namespaces[prefix]}}}{name}"


#: The KvK entry points besides micro and klein (VARIANTS), which this product does not
#: build or check: the names Arelle's NL plugin lists for the disclosure systems NT19 and
#: NT20 (arelle/plugin/validate/NL/ValidationPluginExtension.py; the same names in both),
#: as kvk-rpt-jaarverantwoording-<year>-nlgaap-<name>.xsd. An instance with one of them
#: is a valid KvK filing that gets its own finding (DEP-ENTRYPOINT-UNSUPPORTED).
OTHER_KVK_ENTRY_POINTS = (
    "banken",
    "beleggingsentiteiten",
    "cooperaties",
    "cv-vof",
    "fondsenwervende-organisaties",
    "fondsenwervende-organisaties-klein",
    "groot",
    "groot-verticaal",
    "middelgroot",
    "middelgroot-plus",
    "middelgroot-publicatiestukken",
    "middelgroot-verticaal",
    "middelgroot-verticaal-publicatiestukken",
    "organisaties-zonder-winststreven",
    "organisaties-zonder-winststreven-klein",
    "pensioenfondsen",
    "premiepensioeninstellingen",
    "stichtingen",
    "toegelaten-instellingen-volkshuisvesting",
    "verzekeringsmaatschappijen",
    "zorginstellingen",
)

#: The generations this product builds and checks. ``retired_from`` stays None until KvK
#: publishes the day it stops accepting a generation.
GENERATIONS: tuple[Generation, ...] = (
    Generation("nt19", 2024, "20241211", "20240301", date(2024, 12, 11), source="nt19-extract"),
    Generation("nt20", 2025, "20251210", "20250301", date(2025, 12, 10)),
    # Production planned for its release date in December 2026 (pre-releases exist); the
    # sbr date segment follows the yearly pattern and is uncertain until publication.
    Generation("nt21", 2026, "20261209", "20260301", date(2026, 12, 9)),
)

#: Generations before NT19, known by their namespaces only (see the module docstring):
#: KvK no longer accepts them (for filings in 2026 it lists NT19, NT20 and NT21,
#: KVK-SBR.md section 3), so they have no production dates here. The dates are those
#: Arelle's NL plugin names for the disclosure systems NT16, NT17 and NT18.
EARLIER_GENERATIONS: tuple[Generation, ...] = (
    Generation("nt16", 2021, "20211208", "20210301"),
    Generation("nt17", 2022, "20221214", "20220301"),
    Generation("nt18", 2023, "20231213", "20230301"),
)


def generation(code: str) -> Generation:
    for gen in GENERATIONS:
        if gen.code == code.lower():
            return gen
    raise LookupError(f"unknown taxonomy generation {code!r}")


def generation_for_year(financial_year: int) -> Generation:
    """The newest generation that applies to a financial year (the year it begins in)."""
    candidates = [g for g in GENERATIONS if g.financial_year <= financial_year]
    if not candidates:
        raise LookupError(
            f"no supported taxonomy generation for financial year {financial_year}; "
            f"the oldest is {GENERATIONS[0].label} for {GENERATIONS[0].financial_year}"
        )
    return max(candidates, key=lambda g: g.financial_year)


def accepted_generations(on: date | None = None) -> tuple[Generation, ...]:
    """Generations KvK accepts on a day: in production then and not retired
    (FR-KVK-2.03)."""
    on = on or date.today()
    return tuple(g for g in GENERATIONS if g.accepted_on(on))


def accepted_generation_for_year(financial_year: int, on: date) -> Generation | None:
    """The generation to file a financial year with on a day: the newest one KvK accepts
    that day among those that apply to the year (a generation applies to financial years
    beginning in its own year or later). None when KvK accepts none of them any more:
    a financial year 2024 filed after NT19 retired (NT20 applies from 2025)."""
    candidates = [g for g in accepted_generations(on) if g.financial_year <= financial_year]
    return max(candidates, key=lambda g: g.financial_year, default=None)


_ENTRY_POINTS: dict[str, tuple[Generation, str]] = {}


def lookup_entry_point(url: str) -> tuple[Generation, str] | None:
    """(generation, variant) for the full published URL of a supported entry point."""
    if not _ENTRY_POINTS:
        for gen in GENERATIONS:
            for ep, variant in gen.entry_points().items():
                _ENTRY_POINTS[ep] = (gen, variant)
    return _ENTRY_POINTS.get(url)


_OTHER_ENTRY_POINTS: dict[str, tuple[Generation, str]] = {}


def lookup_other_entry_point(url: str) -> tuple[Generation, str] | None:
    """(generation, name) for the full published URL of a KvK entry point this product
    does not support (``OTHER_KVK_ENTRY_POINTS``: middelgroot, groot, ...)."""
    if not _OTHER_ENTRY_POINTS:
        for gen in GENERATIONS:
            for ep, name in gen.other_entry_points().items():
                _OTHER_ENTRY_POINTS[ep] = (gen, name)
    return _OTHER_ENTRY_POINTS.get(url)


def generation_for_namespace(namespace: str) -> Generation | None:
    """The supported generation (``GENERATIONS``) a namespace belongs to."""
    for gen in GENERATIONS:
        if namespace in gen.namespaces.values():
            return gen
    return None


def known_generations() -> tuple[Generation, ...]:
    """Every generation this module knows, oldest first: the earlier ones included."""
    return (*EARLIER_GENERATIONS, *GENERATIONS)


def namespace_generation(namespace: str) -> Generation | None:
    """The generation a namespace belongs to, the earlier ones included (for messages:
    "a concept of NT18 in an NT19 filing")."""
    for gen in known_generations():
        if namespace in gen.namespaces.values():
            return gen
    return None


def entry_point_generation(url: str) -> Generation | None:
    """The generation whose entry point folder a URL is in, the earlier ones included."""
    for gen in known_generations():
        if url.startswith(gen.entry_point_root):
            return gen
    return None


#: The namespaces of the XBRL specification schemas every NT taxonomy loads, with the
#: prefixes those schemas declare. xbrldi and iso4217 are not among them: no schema of
#: the taxonomy declares them (the NT19 extract records no prefix for them), so, as in
#: Arelle's FG-NL-03, an instance may name them as it likes.
_SPECIFICATION_NAMESPACES = {"xbrli": XBRLI, "link": LINK, "xlink": XLINK}


def recommended_prefixes() -> Mapping[str, str]:
    """namespace URI -> recommended prefix (rule FG-NL-03): the prefixes the taxonomy's
    own schemas and linkbases declare, in every known generation, the earlier ones
    included. Arelle's NL plugin reads them from the loaded taxonomy (fg_nl.py,
    rule_fg_nl_03); here they come from the NT19 extract's namespace list
    (nt19-index.json), carried over to each generation's folder and dates."""
    return _recommended_prefixes(known_generations())


@functools.cache
def _recommended_prefixes(generations: tuple[Generation, ...]) -> Mapping[str, str]:
    result = {uri: prefix for prefix, uri in _SPECIFICATION_NAMESPACES.items()}
    recorded = nt.index()["namespaces"]
    for gen in generations:
        for prefix, uri in recorded.items():
            # The entry points' own namespaces carry the year in their names; an
            # instance never declares them.
            if isinstance(uri, str) and uri.startswith("http") and "/entrypoints/" not in uri:
                result.setdefault(gen.carry_over(uri), prefix)
    return MappingProxyType(result)
