"""The Nederlandse Taxonomie (NT) generations this product knows, as data.

One generation per financial year (KVK-SBR.md section 3): NT19 = FY2024, NT20 = FY2025,
NT21 = FY2026. A generation applies to financial years *beginning* on or after 1 January
of its year. Adding NT22 means adding one ``Generation(...)`` line to ``GENERATIONS``
(and, if a concept moves namespace, an entry in its ``concept_prefixes``); no code changes.

Where a concept lives is partly uncertain (KVK-SBR.md says so for LegalEntityName and
ChamberOfCommerceRegistrationNumber); the mapping below follows the namespaces the
Apache-licensed Arelle NL validation plugin uses for the same concepts and can be
overridden per generation.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType

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


# --- Concepts --------------------------------------------------------------------------
# Concept types, as far as the instance-level rules need them.
MONETARY = "monetary"
DATE = "date"
STRING = "string"
ENUM = "enum"  # a fixed Dutch value such as Ja/Nee, Micro/Klein
FORMATTED = "formatted"  # nl-types:formattedExplanationItemType (escaped XHTML allowed)

BALANCE_ASSETS = (
    "IntangibleAssets",
    "PropertyPlantEquipment",
    "FinancialAssets",
    "AssetsNoncurrent",
    "Inventories",
    "Receivables",
    "SecuritiesCurrent",
    "CashAndCashEquivalents",
    "AssetsCurrent",
    "Assets",
)
BALANCE_EQUITY_LIABILITIES = (
    "ShareCapital",
    "SharePremium",
    "RevaluationReserve",
    "LegalReserves",
    "StatutoryReserves",
    "ReservesOther",
    "ResultForTheYear",
    "Equity",
    "Provisions",
    "LiabilitiesNoncurrent",
    "LiabilitiesCurrent",
    "EquityAndLiabilities",
)
BALANCE_CONCEPTS = BALANCE_ASSETS + BALANCE_EQUITY_LIABILITIES

#: Profit and loss lines a small entity may file (it may start at the gross operating
#: result instead of net turnover, art. 2:397 BW). Uncertain: these local names follow the
#: NT naming style but were not checked against a published NT package (not reachable
#: from here); correct them here, per generation if needed (Generation.concept_prefixes).
PROFIT_LOSS_CONCEPTS = (
    "NetRevenue",
    "GrossOperatingResult",
    "EmployeeBenefitsExpenses",
    "AmortisationDepreciationOnIntangibleAssetsPropertyPlantEquipment",
    "OtherOperatingExpenses",
    "OperatingResult",
    "FinancialIncomeAndExpense",
    "ResultBeforeTax",
    "IncomeTaxExpense",
    "ResultAfterTax",
)

#: Subtotals the balance sheet must satisfy (rule DEP-BALANCE): total -> components.
BALANCE_SUBTOTALS = MappingProxyType(
    {
        "AssetsNoncurrent": ("IntangibleAssets", "PropertyPlantEquipment", "FinancialAssets"),
        "AssetsCurrent": (
            "Inventories",
            "Receivables",
            "SecuritiesCurrent",
            "CashAndCashEquivalents",
        ),
        "Assets": ("AssetsNoncurrent", "AssetsCurrent"),
        "Equity": (
            "ShareCapital",
            "SharePremium",
            "RevaluationReserve",
            "LegalReserves",
            "StatutoryReserves",
            "ReservesOther",
            "ResultForTheYear",
        ),
        "EquityAndLiabilities": (
            "Equity",
            "Provisions",
            "LiabilitiesNoncurrent",
            "LiabilitiesCurrent",
        ),
    }
)

#: Filing metadata concepts: local name -> (namespace key, type).
METADATA_CONCEPTS = MappingProxyType(
    {
        "LegalEntityName": ("jenv-bw2-i", STRING),
        "LegalEntityLegalForm": ("jenv-bw2-i", STRING),
        "LegalEntityRegisteredOffice": ("jenv-bw2-i", STRING),
        "ChamberOfCommerceRegistrationNumber": ("jenv-bw2-i", STRING),
        "LegalSizeCriteriaClassification": ("kvk-i", ENUM),
        "FinancialReportingPeriodCurrentStartDate": ("jenv-bw2-i", DATE),
        "FinancialReportingPeriodCurrentEndDate": ("jenv-bw2-i", DATE),
        "FinancialReportingPeriodPreviousStartDate": ("jenv-bw2-i", DATE),
        "FinancialReportingPeriodPreviousEndDate": ("jenv-bw2-i", DATE),
        "DocumentAdoptionStatus": ("jenv-bw2-i", ENUM),
        "DocumentAdoptionDate": ("jenv-bw2-i", DATE),
        "DocumentResubmissionDueToUnsurmountableInaccuracies": ("kvk-i", ENUM),
        "BalanceSheetBeforeAfterAppropriationResults": ("jenv-bw2-i", ENUM),
        "DocumentPresentationCurrency": ("jenv-bw2-i", ENUM),
        # The directors who signed: one context per person (typed dimension below).
        "DirectorName": ("jenv-bw2-i", STRING),
        "SupervisoryDirectorName": ("jenv-bw2-i", STRING),
        "DirectorSignatureDate": ("jenv-bw2-i", DATE),
        # Notes (toelichting) in escaped XHTML.
        "NotesGeneral": ("jenv-bw2-i", FORMATTED),
    }
)

#: Every concept this product writes or reads: local name -> (namespace key, type).
CONCEPTS = MappingProxyType(
    {
        **METADATA_CONCEPTS,
        **{name: ("jenv-bw2-i", MONETARY) for name in BALANCE_CONCEPTS},
        **{name: ("jenv-bw2-i", MONETARY) for name in PROFIT_LOSS_CONCEPTS},
    }
)

DATE_CONCEPTS = frozenset(n for n, (_, t) in CONCEPTS.items() if t == DATE)
FORMATTED_CONCEPTS = frozenset(n for n, (_, t) in CONCEPTS.items() if t == FORMATTED)

#: FR-NL-5.11: the escaped-XHTML elements allowed in formatted explanations.
FORMATTED_TAGS = frozenset(
    {"p", "br", "b", "i", "u", "strong", "em", "sub", "sup", "span", "ul", "ol", "li",
     "h1", "h2", "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td"}
)  # fmt: skip

#: Dimensions every financial fact carries (KVK-SBR.md section 3): axis -> member.
FINANCIAL_DIMENSIONS = (
    ("BasisOfPreparationAxis", "CommercialMember"),
    ("FinancialStatementsTypeAxis", "SeparateMember"),
)
#: Typed dimension that separates the signing directors (one context each). Uncertain:
#: the axis, member element and the Director* concept names are this project's reading
#: of how NT models signatories; check them against the package before relying on them.
SIGNATORY_AXIS = "SignatoriesTypedAxis"
SIGNATORY_MEMBER_ELEMENT = "SignatoryTypedMember"

#: Values of the enumerations (Ja/Nee as in KVK-SBR.md; the size values are uncertain).
YES, NO = "Ja", "Nee"
SIZE_VALUES = MappingProxyType({"micro": "Micro", "klein": "Klein"})


@dataclass(frozen=True)
class Generation:
    """One NT release: where its namespaces and entry points are."""

    code: str  # "nt20"
    financial_year: int  # first financial year it applies to
    release: str  # "20251210": date segment of the kvk/jenv/rj namespaces
    sbr_release: str  # "20250301": date segment of the sbr (nl-cd, nl-types) namespaces
    #: The day KvK starts accepting it (None = not planned yet).
    in_production_from: date | None = None
    #: Concepts that sit in another namespace in this generation: local name -> key.
    concept_prefixes: dict[str, str] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return self.code.upper()

    @property
    def namespaces(self) -> dict[str, str]:
        base = f"http://www.nltaxonomie.nl/{self.code}"
        jenv = f"{base}/jenv/{self.release}/dictionary"
        sbr = f"{base}/sbr/{self.sbr_release}/dictionary"
        return {
            "jenv-bw2-i": f"{jenv}/jenv-bw2-data",
            "jenv-bw2-dim": f"{jenv}/jenv-bw2-axes",
            "jenv-bw2-dm": f"{jenv}/jenv-bw2-domains",
            "kvk-i": f"{base}/kvk/{self.release}/dictionary/kvk-data",
            "rj-i": f"{base}/rj/{self.release}/dictionary/rj-data",
            "nl-cd": f"{sbr}/nl-common-data",
            "nl-types": f"{sbr}/nl-types",
        }

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

    def concept_prefix(self, local_name: str) -> str:
        if local_name in self.concept_prefixes:
            return self.concept_prefixes[local_name]
        return CONCEPTS[local_name][0]

    def concept_namespace(self, local_name: str) -> str:
        return self.namespaces[self.concept_prefix(local_name)]

    def concept_clark(self, local_name: str) -> str:
        return f"{{{self.concept_namespace(local_name)}}}{local_name}"


GENERATIONS: tuple[Generation, ...] = (
    Generation("nt19", 2024, "20241211", "20240301", date(2024, 12, 11)),
    Generation("nt20", 2025, "20251210", "20250301", date(2025, 12, 10)),
    # Production planned for its release date in December 2026 (pre-releases exist); the
    # sbr date segment follows the yearly pattern and is uncertain until publication.
    Generation("nt21", 2026, "20261209", "20260301", date(2026, 12, 9)),
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


def generation_for_period_start(period_start: date) -> Generation:
    return generation_for_year(period_start.year)


def accepted_generations(on: date | None = None) -> tuple[Generation, ...]:
    """Generations KvK accepts on a day: those in production then (FR-KVK-2.03)."""
    on = on or date.today()
    return tuple(
        g for g in GENERATIONS if g.in_production_from is not None and g.in_production_from <= on
    )


_ENTRY_POINTS: dict[str, tuple[Generation, str]] = {}


def lookup_entry_point(url: str) -> tuple[Generation, str] | None:
    """(generation, variant) for the full published URL of a supported entry point."""
    if not _ENTRY_POINTS:
        for gen in GENERATIONS:
            for ep, variant in gen.entry_points().items():
                _ENTRY_POINTS[ep] = (gen, variant)
    return _ENTRY_POINTS.get(url)


def generation_for_namespace(namespace: str) -> Generation | None:
    for gen in GENERATIONS:
        if namespace in gen.namespaces.values():
            return gen
    return None


def recommended_prefixes() -> dict[str, str]:
    """namespace URI -> recommended prefix, over all generations (rule FG-NL-03)."""
    result = {uri: prefix for prefix, uri in STANDARD_NAMESPACES.items()}
    for gen in GENERATIONS:
        for prefix, uri in gen.namespaces.items():
            result[uri] = prefix
    return result
