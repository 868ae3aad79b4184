"""The KvK's own checks (kvk.formulas): every formula assertion the NT19 extract records
for an entry point, with an instance that breaks it and one that does not.

The assertions are those of kvk.nt.formula_files: micro's in nt19-kvk-supplement.json
(formulas_micro), klein's in nt19-kvk-klein-formulas.json. The cases are grouped by the
formula file that records their assertions, one table a variant and id prefix (cases());
the severity is read from the record. Instances are the demo statements of the
assertion's variant (kvk.statements.demo_statements), built and changed by a small
textual edit or with dataclasses.replace; every edit asserts that it changed something.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from kvk import formulas, nt
from kvk import taxonomy as tx
from kvk.builder import build_instance
from kvk.parser import parse_instance
from kvk.rules import check_instance
from kvk.statements import FinancialStatements, Signatory, demo_statements

FILING_DATE = date(2026, 6, 1)
NUMBER = "12345678"
EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"
#: a change of an instance's text
Edit = Callable[[str], str]


# --- instances ----------------------------------------------------------------------------
def statements(variant: str, **changes: object) -> FinancialStatements:
    st = demo_statements(
        kvk_number=NUMBER,
        legal_name="Demo B.V.",
        year=2025,
        size=tx.size_of_variant(variant) or "",
        variant=variant,
    )
    return dataclasses.replace(st, **changes)  # type: ignore[arg-type]


@functools.cache
def built(variant: str, situation: str = "demo") -> str:
    if situation == "no-signatories":
        # Statements without a signatory do not validate (art. 2:101 BW): the instance
        # is the demo's without the signatory's facts.
        text = built(variant)
        without = re.sub(r'\n *<[^>]*contextRef="FY_signatory1"[^>]*>[^<]*</[^>]*>', "", text)
        assert 'contextRef="FY_signatory1"' in text
        assert 'contextRef="FY_signatory1"' not in without
        return without
    situations: dict[str, dict[str, object]] = {
        "demo": {},
        # adopted after the accounts were prepared (2026-05-15) and before filing
        "adopted": {"adopted": True, "adoption_date": date(2026, 5, 25)},
        "first-year": {"previous_start": None, "previous_end": None},
        "long-first-year": {
            "previous_start": None,
            "previous_end": None,
            "period_start": date(2024, 7, 1),
            "period_deviation_reason": "Eerste boekjaar, verlengd.",
            "period_deviation_impact": "Geen vergelijkende cijfers: eerste boekjaar.",
        },
        "resubmission": {
            "adopted": True,
            "adoption_date": date(2026, 5, 25),
            "resubmission": True,
            "resubmission_explanation": "Correctie.",
        },
        "not-signed": {
            "signatories": [Signatory("J. de Vries", signed=False, reason_not_signed="Ziek.")]
        },
    }
    st = statements(variant, **situations[situation])
    if st.previous_start is None:
        st.balance = {k: (current, None) for k, (current, _) in st.balance.items()}
        st.profit_loss = {k: (current, None) for k, (current, _) in st.profit_loss.items()}
    return build_instance(st).decode()


def _fact(name: str, context: str | None = None) -> re.Pattern[str]:
    """A fact element of a local name (in a context), on one line as the builder writes."""
    ctx = re.escape(context) if context else '[^"]*'
    return re.compile(rf'\n *<([\w-]+):{name} contextRef="{ctx}"[^>]*>([^<]*)</\1:{name}>')


def drop(name: str) -> Edit:
    def change(text: str) -> str:
        changed = _fact(name).sub("", text)
        assert changed != text, f"no {name} in the instance"
        return changed

    return change


def duplicate(name: str) -> Edit:
    def change(text: str) -> str:
        match = _fact(name).search(text)
        assert match, f"no {name} in the instance"
        return text[: match.end()] + match.group() + text[match.end() :]

    return change


def set_value(name: str, value: str, context: str | None = None) -> Edit:
    """The value of the first fact of a local name (in a context)."""

    def change(text: str) -> str:
        match = _fact(name, context).search(text)
        assert match, f"no {name} in the instance"
        old = match.group()
        new = old.replace(f">{match.group(2)}<", f">{value}<")
        assert new != old
        return text.replace(old, new, 1)

    return change


def add(qname: str, value: str, context: str = "FY", unit: str = "") -> Edit:
    """A fact before the end of the document (an undeclared prefix is declared on it)."""

    def change(text: str) -> str:
        prefix = qname.partition(":")[0]
        declare = "" if f"xmlns:{prefix}=" in text else f' xmlns:{prefix}="{_namespace(prefix)}"'
        attrs = f' unitRef="{unit}" decimals="0"' if unit else ""
        xml = f'<{qname}{declare} contextRef="{context}"{attrs}>{value}</{qname}>'
        return text.replace("</xbrli:xbrl>", f"  {xml}\n</xbrli:xbrl>")

    return change


def _namespace(prefix: str) -> str:
    return tx.generation("nt20").namespaces[prefix]


def edit(old: str, new: str, count: int = 1) -> Edit:
    def change(text: str) -> str:
        assert old in text, f"{old!r} not in the instance"
        return text.replace(old, new, count)

    return change


def both(*changes: Edit) -> Edit:
    def change(text: str) -> str:
        for one in changes:
            text = one(text)
        return text

    return change


def unchanged(text: str) -> str:
    return text


SEPARATE = "jenv-bw2-dm:SeparateMember"
COMMERCIAL = "jenv-bw2-dm:CommercialMember"
CONSOLIDATED_CONTEXT = (
    '<xbrli:context id="FY_consolidated"><xbrli:entity><xbrli:identifier '
    'scheme="http://www.kvk.nl/kvk-id">12345678</xbrli:identifier></xbrli:entity>'
    "<xbrli:period><xbrli:startDate>2025-01-01</xbrli:startDate><xbrli:endDate>2025-12-31"
    "</xbrli:endDate></xbrli:period><xbrli:scenario>"
    '<xbrldi:explicitMember dimension="jenv-bw2-dim:BasisOfPreparationAxis">'
    f"{COMMERCIAL}</xbrldi:explicitMember>"
    '<xbrldi:explicitMember dimension="jenv-bw2-dim:FinancialStatementsTypeAxis">'
    "jenv-bw2-dm:ConsolidatedMember</xbrldi:explicitMember></xbrli:scenario></xbrli:context>"
)


def consolidated_appropriation(value: str) -> Edit:
    """A consolidated BalanceSheetBeforeAfterAppropriationResults next to the separate one."""
    return both(
        edit("<xbrli:unit ", CONSOLIDATED_CONTEXT + "\n  <xbrli:unit "),
        add("jenv-bw2-i:BalanceSheetBeforeAfterAppropriationResults", value, "FY_consolidated"),
    )


ABROAD = both(
    *(
        drop(name)
        for name in ("StreetNameNL", "HouseNumberNL", "PostalCodeNL", "PlaceOfResidenceNL")
    ),
    add("nl-cd:PlaceOfResidenceAbroad", "Antwerpen"),
)
#: DocumentRelatesToIndividualEntityOrGroup: the demo's is "Enkelvoudig"
GROUP = set_value("DocumentRelatesToIndividualEntityOrGroup", "Geconsolideerd")
GROUP_AND_SEPARATE = set_value(
    "DocumentRelatesToIndividualEntityOrGroup", "Geconsolideerd en enkelvoudig"
)
FUNCTIONAL = set_value("IncomeStatementClassificationType", "Functioneel")
#: a provision one more, and the total of equity and liabilities with it: every sum holds,
#: but the total no longer equals the assets (micro's and klein's PrtFST101Variable1)
UNBALANCED = both(
    set_value("Provisions", "3001", "FY_end"),
    set_value("EquityAndLiabilities", "120046", "FY_end"),
)


def amount(qname: str) -> Edit:
    """An amount of 100 euro of the financial year."""
    return add(qname, "100", "FY_d", unit="EUR")


# --- the cases ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Case:
    breaking: Edit
    passing: Edit = unchanged
    situation: str = "demo"  # the built instance both edits start from
    filing_date: date = FILING_DATE
    passing_filing_date: date = FILING_DATE
    #: the breaking edit starts from another situation than the passing one
    breaking_situation: str | None = None
    variant: str = ""  # the entry point whose formula files record the assertion: cases()


def cases(variant: str, prefix: str, table: dict[str, Edit | Case]) -> dict[str, Case]:
    """The cases of a variant's assertions ``<prefix>_<name>``, by name: an edit alone
    breaks the demo instance, which passes unchanged."""
    return {
        f"{prefix}_{name}": dataclasses.replace(
            case if isinstance(case, Case) else Case(case), variant=variant
        )
        for name, case in table.items()
    }


M, K = "micro", "klein"
CASES: dict[str, Case] = {
    # kvk-balance-sheet_u-for.xml (micro), sums along the ParentChildSummation arcs of
    # kvk-generic-balance-sheet-micro-entities-parentchildsummation.xml
    **cases(
        M,
        "existenceAssertion_BalanceSheetMicroEntities",
        {"PrtExistence1": drop("BalanceSheetBeforeAfterAppropriationResults")},
    ),
    **cases(
        M,
        "valueAssertion_BalanceSheetMicroEntities",
        {
            "PrtFST1SumOfChildrenDParentCredit1": set_value("Provisions", "3001", "FY_end"),
            "PrtFST1SumOfChildrenDParentCredit2": set_value(
                "LiabilitiesMaturityExceedingOneYear", "25001", "FY_end"
            ),
            "PrtFST1SumOfChildrenDParentDebit1": set_value("AssetsCurrentOther", "66796", "FY_end"),
            "PrtFST1SumOfChildrenDParentDebit2": set_value(
                "AssetsNoncurrentOther", "53251", "PY_end"
            ),
            "PrtFST1SumOfChildrenDParentDebit3": both(
                set_value("AssetsCurrentOther", "66796", "FY_end"),
                set_value("AssetsCurrent", "66796", "FY_end"),
            ),
            "PrtFST101Variable1": UNBALANCED,
        },
    ),
    # kvk-income-statement_u-for.xml (micro): children in the presentation tree
    **cases(
        M,
        "valueAssertion_IncomeStatementMicroEntities",
        {
            "PrtFST1SumOfChildrenParentCredit1": set_value("NetRevenue", "184301", "FY_d"),
            "PrtFST1SumOfChildrenParentDebit1": set_value("WagesSalaries", "121001", "PY_d"),
            "PrtFST102Variables1": set_value("ResultBeforeTax", "15781", "FY_d"),
            "PrtFST102Variables2": set_value("IncomeTaxExpense", "2966", "FY_d"),
        },
    ),
    # kvk-document-information-for.xml
    **cases(
        M,
        "existenceAssertion_DocumentInformation",
        {
            "PrtExistOnce1": drop("EmailAddressFull"),
            "PrtExistOnce3": duplicate("FinancialReportingPeriodCurrentEndDate"),
            "PrtExistOnce4": drop("DocumentPresentationCurrency"),
            "PrtExistOnce5": drop("FinancialReportingPeriodDifferentThanAnnualStatus"),
            "PrtExistOnce6": drop("DocumentAdoptionStatus"),
            "PrtExistOnce8": duplicate("FinancialReportingPeriodCurrentStartDate"),
            "PrtExistOnce10": drop("FinancialStatementsDateOfPreparation"),
            # ".le 1": a first year without a previous period passes
            "PrtExistOnceMax1": Case(
                duplicate("FinancialReportingPeriodPreviousEndDate"),
                situation="first-year",
                breaking_situation="demo",
            ),
            "PrtExistOnceMax2": Case(
                duplicate("FinancialReportingPeriodPreviousStartDate"),
                situation="first-year",
                breaking_situation="demo",
            ),
        },
    ),
    **cases(
        M,
        "valueAssertion_DocumentInformation",
        {
            "AllMeasureEqualToPure1": edit(
                "<xbrli:measure>xbrli:pure<", "<xbrli:measure>xbrli:shares<"
            ),
            "AllMeasureEqualToReportedValue1": set_value("DocumentPresentationCurrency", "USD"),
            # AllMeasureEqualToShares1: no concept of the extract has a shares type, see below
            "PrtDateEarlier24HDateLater1": set_value(
                "FinancialReportingPeriodPreviousEndDate", "2024-12-30"
            ),
            "PrtDateEarlierDateLater1": Case(
                set_value("DocumentAdoptionDate", "2025-12-31"), situation="adopted"
            ),
            "PrtDateEarlierDateLater2": set_value(
                "FinancialReportingPeriodPreviousStartDate", "2024-12-31"
            ),
            "PrtDateEarlierDateLater3": set_value(
                "FinancialReportingPeriodCurrentStartDate", "2025-12-31"
            ),
            "PrtDateEarlierEQDateLater1": Case(
                set_value("FinancialStatementsDateOfPreparation", "2026-05-26"),
                situation="adopted",
            ),
            "PrtDateEarlierEQYearDateLaterThnValue1": set_value(
                "FinancialReportingPeriodDifferentThanAnnualStatus", "Ja"
            ),
            "PrtDateEarlierNEYearDateLaterThnValue1": Case(
                set_value("FinancialReportingPeriodDifferentThanAnnualStatus", "Nee"),
                situation="long-first-year",
            ),
            # current-date() is the filing date
            "PrtDateEarlierThanCurrent1": Case(
                unchanged, filing_date=date(2025, 12, 31), passing_filing_date=date(2026, 1, 1)
            ),
            "PrtDateEarlierThanEQDateCurrent1": Case(
                unchanged,
                situation="adopted",
                filing_date=date(2026, 5, 24),
                passing_filing_date=date(2026, 5, 25),
            ),
            "PrtExistenceThnExistence1": drop("FinancialReportingPeriodPreviousStartDate"),
            "PrtExistenceThnExistence2": drop("FinancialReportingPeriodPreviousEndDate"),
            "PrtValueThnExistence1": Case(
                drop("FinancialReportingPeriodDifferentThanAnnualReasonDescription"),
                situation="long-first-year",
            ),
            "PrtValueThnExistence2": Case(
                drop("FinancialReportingPeriodDifferentThanAnnualImpactComparativesDescription"),
                situation="long-first-year",
            ),
            "PrtValueThnExistence3": Case(
                set_value("DocumentAdoptionStatus", "Ja"),
                situation="adopted",
                breaking_situation="demo",
            ),
            "PrtValueThnExistence4": Case(
                add("kvk-i:DocumentResubmissionDueToTechnicalAndOrProcesRelatedInaccuracies", "Ja"),
                add(
                    "kvk-i:DocumentResubmissionDueToTechnicalAndOrProcesRelatedInaccuracies", "Nee"
                ),
            ),
            "PrtValueThnExistence5": Case(
                drop("DocumentResubmissionDueToUnsurmountableInaccuraciesExplanation"),
                situation="resubmission",
            ),
            "PrtValueThnNoExistence1": add(
                "rj-i:FinancialReportingPeriodDifferentThanAnnualImpactComparativesDescription", "X"
            ),
            "PrtValueThnNoExistence2": add("jenv-bw2-i:DocumentAdoptionDate", "2026-05-25"),
            "PrtValueThnNoExistence3": add(
                "rj-i:FinancialReportingPeriodDifferentThanAnnualReasonDescription", "X"
            ),
        },
    ),
    # kvk-document-information_u_k-for.xml
    **cases(
        M, "existenceAssertion_DocumentInformation", {"PrtExistOnce2": drop("BasisOfPreparation")}
    ),
    **cases(
        M,
        "valueAssertion_DocumentInformation",
        {
            "AllValueThnExistenceMemberAspectCovA3": Case(
                set_value("BasisOfPreparation", "Fiscaal"),
                both(
                    set_value("BasisOfPreparation", "Fiscaal"),
                    edit(COMMERCIAL, "jenv-bw2-dm:FiscalMember", count=-1),
                ),
            ),
            "AllValueThnExistenceMemberAspectCovA4": edit(COMMERCIAL, "jenv-bw2-dm:FiscalMember"),
        },
    ),
    # kvk-entity-address-for.xml
    **cases(
        M,
        "existenceAssertion_EntityAddress",
        {
            "PrtExist02XOR1": Case(add("nl-cd:PlaceOfResidenceAbroad", "Antwerpen"), ABROAD),
            "PrtExist02XOR2": Case(drop("PostalCodeNL"), ABROAD),
        },
    ),
    **cases(
        M,
        "valueAssertion_EntityAddress",
        {
            **{
                f"PrtExistenceThnNoExistenceCovA{n}": Case(
                    both(ABROAD, add(f"nl-cd:{name}", value)), ABROAD
                )
                for n, name, value in (
                    (1, "DescriptionLocationNL", "Bij de brug"),
                    (2, "StreetNameNL", "Oudegracht"),
                    (3, "HouseNumberNL", "120"),
                    (4, "HouseNumberAddition", "A"),
                    (5, "POBoxNumber", "100"),
                )
            },
            **{
                f"PrtExistenceThnNoExistenceCovA{n}": add(f"nl-cd:{name}", value)
                for n, name, value in (
                    (6, "DescriptionLocationAbroad", "Near the bridge"),
                    (7, "StreetNameAbroad", "Meir"),
                    (8, "HouseNumberAbroad", "12"),
                    (9, "PostalCodeAbroad", "2000"),
                )
            },
        },
    ),
    # kvk-entity-information-for.xml, _u-for.xml (micro), -_k-m-g-for.xml
    **cases(
        M,
        "existenceAssertion_EntityInformation",
        {
            "PrtExistOnce2": drop("LegalEntityRegisteredOffice"),
            "PrtExistOnce3": drop("LegalEntityName"),
            "PrtExistOnce4": drop("ChamberOfCommerceRegistrationNumber"),
            "PrtExistOnce8": drop("LegalSizeCriteriaClassificationMicro"),
            "PrtExistOnce5": drop("LegalEntityLegalForm"),
        },
    ),
    **cases(
        M,
        "valueAssertion_EntityInformation",
        {
            "AllEqualToIdentifier1": set_value("ChamberOfCommerceRegistrationNumber", "87654321"),
            "AllEqualToIdentifierScheme1": edit(
                'scheme="http://www.kvk.nl/kvk-id"', 'scheme="http://example.com/id"'
            ),
        },
    ),
    # kvk-signing-financial-statements-for.xml: per signatory (its typed-member context)
    **cases(
        M,
        "existenceAssertion_SigningFinancialStatements",
        {"PrtExistence1": Case(unchanged, breaking_situation="no-signatories")},
    ),
    **cases(
        M,
        "valueAssertion_SigningFinancialStatements",
        {
            "PrtDateEarlierThanEQDateCurrent1": Case(
                unchanged, filing_date=date(2026, 5, 19), passing_filing_date=date(2026, 5, 20)
            ),
            "PrtValueThnExistence1": drop("SignatureManagingSupervisoryDirectorsDate"),
            "PrtValueThnExistence2": drop("SignatureManagingSupervisoryDirectorsLocation"),
            "PrtValueThnExistence3": Case(
                drop("DirectorReasonNoSignature"), situation="not-signed"
            ),
            "PrtValueThnNoExistence1": Case(
                add(
                    "jenv-bw2-i:SignatureManagingSupervisoryDirectorsDate",
                    "2026-05-20",
                    "FY_signatory1",
                ),
                situation="not-signed",
            ),
            "PrtValueThnNoExistence2": add(
                "jenv-bw2-i:DirectorReasonNoSignature", "Ziek.", "FY_signatory1"
            ),
            "PrtValueThnNoExistence3": Case(
                add(
                    "jenv-bw2-i:SignatureManagingSupervisoryDirectorsLocation",
                    "Utrecht",
                    "FY_signatory1",
                ),
                situation="not-signed",
            ),
        },
    ),
    # kvk-balance-sheet-for.xml (klein), sums along kvk-generic-balance-sheet_k- and
    # _kmg-parentchildsummation.xml
    **cases(
        K,
        "valueAssertion_BalanceSheet",
        {
            "PrtFST1SumOfChildrenDParentCredit1": set_value("ReservesOther", "41231", "FY_end"),
            "PrtFST1SumOfChildrenDParentCredit2": set_value("Provisions", "3001", "PY_end"),
            "PrtFST1SumOfChildrenDParentDebit1": set_value(
                "PropertyPlantEquipment", "48251", "FY_end"
            ),
            "PrtFST1SumOfChildrenDParentDebit2": set_value("Inventories", "12401", "FY_end"),
            "PrtFST1SumOfChildrenDParentDebit3": both(
                set_value("Inventories", "12401", "FY_end"),
                set_value("AssetsCurrent", "66796", "FY_end"),
            ),
            "PrtFST101Variable1": UNBALANCED,
            "PrtValueThnNoExistenceCovA1": set_value(
                "BalanceSheetBeforeAfterAppropriationResults", "Na"
            ),
        },
    ),
    # kvk-income-statement_k-for.xml (klein): sums written out, and what the
    # classification "Functioneel" / "Categoriaal" forbids
    **cases(
        K,
        "valueAssertion_IncomeStatementSmall",
        {
            "PrtFST101Variable1": Case(
                add("rj-i:OperatingResultCashFlow", "17031", "FY_d", unit="EUR"),
                add("rj-i:OperatingResultCashFlow", "17030", "FY_d", unit="EUR"),
            ),
            "PrtFST102Variables1": set_value("GrossMargin", "184301", "FY_d"),
            "PrtFST103Variables1": set_value("FinancialIncomeExpenses", "-1251", "FY_d"),
            "PrtFST104Variables1": set_value("IncomeTaxExpense", "2966", "PY_d"),
            "PrtFST108Variables1": set_value("EmployeeBenefitsExpenses", "121001", "FY_d"),
            "PrtValueThnNoExistenceCovA1": FUNCTIONAL,  # the demo has OperatingExpensesOther
            "PrtValueThnNoExistenceCovA2": both(
                FUNCTIONAL, amount("jenv-bw2-i:ImpairmentCurrentAssets")
            ),
            "PrtValueThnNoExistenceCovA3": amount("jenv-bw2-i:GeneralAdministrativeExpenses"),
            "PrtValueThnNoExistenceCovA4": amount("jenv-bw2-i:SellingExpenses"),
            "PrtValueThnNoExistenceCovA5": FUNCTIONAL,  # ... and DepreciationPropertyPlantEquipment
            "PrtValueThnNoExistenceCovA6": both(
                FUNCTIONAL,
                amount("jenv-bw2-i:ChangesInValueIntangibleAssetsPropertyPlantEquipment"),
            ),
            "PrtValueThnNoExistenceCovA7": FUNCTIONAL,  # ... and EmployeeBenefitsExpenses
        },
    ),
    # kvk-entity-information_k-for.xml
    **cases(
        K,
        "existenceAssertion_EntityInformation",
        {"PrtExistOnce7": drop("LegalSizeCriteriaClassificationSmall")},
    ),
    # kvk-document-information_k_m_g-for.xml
    **cases(
        K,
        "existenceAssertion_DocumentInformation",
        {
            "PrtExistOnce7": drop("DocumentRelatesToIndividualEntityOrGroup"),
            "PrtExistOnce9": duplicate("IncomeStatementClassificationType"),
        },
    ),
    **cases(
        K,
        "valueAssertion_DocumentInformation",
        {
            "AllValueThnExistenceMemberAspectCovA1": edit(
                SEPARATE, "jenv-bw2-dm:ConsolidatedMember"
            ),
            "AllValueThnExistenceMemberAspectCovA2": Case(
                GROUP, both(GROUP, edit(SEPARATE, "jenv-bw2-dm:ConsolidatedMember", count=-1))
            ),
            # kvk-document-information_g_k_m-for.xml
            "PrtValueCovDPUThnFST1EQFactFST21": Case(
                both(GROUP_AND_SEPARATE, consolidated_appropriation("Na")),
                both(GROUP_AND_SEPARATE, consolidated_appropriation("Voor")),
            ),
            "PrtValueThnFST2AndFST1ExistenceCovDPU1": Case(
                GROUP_AND_SEPARATE, both(GROUP_AND_SEPARATE, consolidated_appropriation("Voor"))
            ),
            # kvk-document-information-mg-g-for.xml
            "PrtValueThnNoExistenceCovA1": amount("rj-cp-i:OtherIncomeExpensesAfterTax"),
            "PrtValueThnNoExistenceCovA2": Case(
                both(GROUP, amount("rj-cp-i:OtherIncomeExpensesAfterTax")), GROUP
            ),
        },
    ),
}
#: Interpreted, but no concept of the extract has the type it checks: tested with a
#: declared one (test_shares_need_the_unit_shares).
SHARES = "valueAssertion_DocumentInformation_AllMeasureEqualToShares1"


class _Collect:
    def __init__(self) -> None:
        self.findings: list[tuple[str, str, str, str, int | None]] = []

    def add(self, code, nl, en, line=None, severity=None):  # noqa: ANN001 - kvk.formulas.Report
        self.findings.append((code, severity, nl, en, line))


def kvk_checks(text: str, filing_date: date = FILING_DATE) -> list[tuple]:
    report = _Collect()
    formulas.check(report, parse_instance(text.encode("utf-8")), filing_date)
    return report.findings


def _hits(text: str, code: str, filing_date: date = FILING_DATE) -> list[tuple]:
    return [f for f in kvk_checks(text, filing_date) if f[0] == code]


def _source(variant: str, assertion_id: str) -> tuple[str, dict]:
    return formulas.recorded(variant)[assertion_id]


# --- every assertion, interpreted or listed -----------------------------------------------
def _interpreted() -> set[str]:
    return {a.id for v in nt.MODELLED_VARIANTS for a in formulas.assertions("nt20", v)}


def test_micro_has_its_76_assertions_and_klein_those_recorded():
    """nt19-kvk-supplement.json formulas_micro: assertion_count 76;
    nt19-kvk-klein-formulas.json assertion_counts: klein 94, klein-publicatiestukken 70."""
    supplement = json.loads((nt.DATA / "nt19-kvk-supplement.json").read_text())
    klein = json.loads((nt.DATA / "nt19-kvk-klein-formulas.json").read_text())
    assert len(formulas.recorded("micro")) == supplement["formulas_micro"]["assertion_count"]
    counts = klein["assertion_counts"]
    assert len(formulas.recorded("klein")) == counts["klein_in_scope_total"]
    assert (
        len(formulas.recorded("klein-publicatiestukken"))
        == counts["klein_publicatiestukken_in_scope_total"]
    )


def test_what_is_not_interpreted_is_listed_with_its_reason():
    refused = {}
    for variant in nt.MODELLED_VARIANTS:
        refused.update(formulas.not_interpreted(variant))
    assert set(refused) == set(formulas.UNINTERPRETED)
    assert all("Param" in reason for reason in refused.values())
    recorded = {i for v in nt.MODELLED_VARIANTS for i in formulas.recorded(v)}
    assert _interpreted() | set(refused) == recorded
    assert not _interpreted() & set(refused)


def test_every_interpreted_assertion_has_a_case():
    assert set(CASES) | {SHARES} == _interpreted()
    for assertion_id, case in CASES.items():
        assert assertion_id in formulas.recorded(case.variant), (assertion_id, case.variant)


def _breaking(case: Case) -> str:
    return case.breaking(built(case.variant, case.breaking_situation or case.situation))


def _passing(case: Case) -> str:
    return case.passing(built(case.variant, case.situation))


@pytest.mark.parametrize("assertion_id", CASES)
def test_breaking_instance_is_reported_with_the_taxonomys_severity(assertion_id):
    """The source record: kvk.formulas.recorded(variant)[assertion_id], i.e. the formula
    file and the assertion as nt19-kvk-supplement.json / nt19-kvk-klein-formulas.json
    record it; its severity is the record's."""
    case = CASES[assertion_id]
    source, record = _source(case.variant, assertion_id)
    hits = _hits(_breaking(case), assertion_id, case.filing_date)
    assert hits, f"{assertion_id} ({source}) not reported"
    for code, severity, nl, en, line in hits:
        assert severity == formulas.SEVERITIES[record["severity"]]
        assert nl and en and nl != en and source in nl and source in en
        assert isinstance(line, int) and line >= 1


@pytest.mark.parametrize("assertion_id", CASES)
def test_passing_instance_is_not_reported(assertion_id):
    case = CASES[assertion_id]
    source, _record = _source(case.variant, assertion_id)
    hits = _hits(_passing(case), assertion_id, case.passing_filing_date)
    assert hits == [], f"{assertion_id} ({source}) reported on the passing instance"


def test_shares_need_the_unit_shares(monkeypatch):
    """kvk-document-information-for.xml, AllMeasureEqualToShares1 (ERROR). No concept of
    the extract has a shares type, so one is declared here (xbrli:sharesItemType)."""
    declared = nt.concepts()
    assert not any(t.endswith("sharesItemType") for c in declared.values() for t in c.base_types)
    shares = nt.Concept(
        "nl-cd", "NumberOfSharesTest", "xbrli:sharesItemType", "instant", None, False, "xbrli:item"
    )
    monkeypatch.setattr(nt, "concepts", lambda: {**declared, shares.qname: shares})
    formulas._compiled.cache_clear()
    try:
        verdicts = {}
        for unit in ("pure", "shares"):
            text = built(M).replace(
                "</xbrli:xbrl>",
                '<xbrli:unit id="shares"><xbrli:measure>xbrli:shares</xbrli:measure></xbrli:unit>'
                f'<nl-cd:NumberOfSharesTest contextRef="FY_end" unitRef="{unit}" decimals="INF">'
                "100</nl-cd:NumberOfSharesTest></xbrli:xbrl>",
            )
            verdicts[unit] = [h[1] for h in _hits(text, SHARES)]
        assert verdicts == {"pure": ["error"], "shares": []}
    finally:
        monkeypatch.undo()
        formulas._compiled.cache_clear()


# --- how facts meet: implicit filtering ---------------------------------------------------
def test_each_signatory_is_checked_in_its_own_context():
    """kvk-signing-financial-statements-for.xml, PrtValueThnExistence1: a signatory who
    signed (Ja) needs a signing date in the same typed-member context."""
    st = statements(
        M,
        signatories=[
            Signatory("J. de Vries", signed_on=date(2026, 5, 20), place="Utrecht"),
            Signatory("A. Jansen", signed_on=date(2026, 5, 21), place="Utrecht"),
        ],
    )
    text = build_instance(st).decode()
    broken = _fact("SignatureManagingSupervisoryDirectorsDate", "FY_signatory2").sub("", text)
    assert broken != text
    hits = _hits(broken, "valueAssertion_SigningFinancialStatements_PrtValueThnExistence1")
    status_line = next(
        i
        for i, line in enumerate(broken.splitlines(), 1)
        if 'DirectorSignedStatus contextRef="FY_signatory2"' in line
    )
    assert [h[4] for h in hits] == [status_line]


def test_a_sum_compares_the_items_of_its_own_period():
    """kvk-balance-sheet_u-for.xml, PrtFST1SumOfChildrenDParentDebit2: a previous-year item
    that does not add up is reported for the previous year only."""
    broken = set_value("AssetsNoncurrentOther", "57101", "PY_end")(built(M))
    hits = _hits(
        broken, "valueAssertion_BalanceSheetMicroEntities_PrtFST1SumOfChildrenDParentDebit2"
    )
    assert len(hits) == 1
    assert "(2024-12-31) is 57100, but the sum is 57101" in hits[0][3]


def test_equity_items_with_an_equity_class_are_not_part_of_the_sum():
    """kvk-balance-sheet-for.xml, PrtFST1SumOfChildrenDParentCredit1: the complement
    filter on ClassesOfEquityAxis leaves facts with that axis out of the Equity sum."""
    members = (COMMERCIAL, SEPARATE, "jenv-bw2-dm:OrdinarySharesMember")
    axes = ("BasisOfPreparationAxis", "FinancialStatementsTypeAxis", "ClassesOfEquityAxis")
    scenario = "".join(
        f'<xbrldi:explicitMember dimension="jenv-bw2-dim:{axis}">{member}</xbrldi:explicitMember>'
        for axis, member in zip(axes, members, strict=True)
    )
    context = (
        '<xbrli:context id="FY_class"><xbrli:entity><xbrli:identifier '
        'scheme="http://www.kvk.nl/kvk-id">12345678</xbrli:identifier></xbrli:entity>'
        "<xbrli:period><xbrli:instant>2025-12-31</xbrli:instant></xbrli:period>"
        f"<xbrli:scenario>{scenario}</xbrli:scenario></xbrli:context>"
    )
    with_class = both(
        edit("<xbrli:unit ", context + "\n  <xbrli:unit "),
        add("jenv-bw2-i:ReservesOther", "999", "FY_class", unit="EUR"),
    )(built(K))
    code = "valueAssertion_BalanceSheet_PrtFST1SumOfChildrenDParentCredit1"
    assert _hits(with_class, code) == []
    without_axis = with_class.replace(
        '<xbrldi:explicitMember dimension="jenv-bw2-dim:ClassesOfEquityAxis">'
        "jenv-bw2-dm:OrdinarySharesMember</xbrldi:explicitMember>",
        "",
    )
    assert without_axis != with_class
    assert [h[1] for h in _hits(without_axis, code)] == ["warning"]  # a second Equity item


def test_identifier_findings_are_per_context():
    """kvk-entity-information-for.xml, AllEqualToIdentifier1 and ...Scheme1: one finding per
    context, at the context."""
    text = built(M)
    start = text.index('<xbrli:context id="FY_end">')
    broken = text[:start] + text[start:].replace(">12345678<", ">12345679<", 1)
    hits = _hits(broken, "valueAssertion_EntityInformation_AllEqualToIdentifier1")
    line = text[:start].count("\n") + 1
    assert [h[4] for h in hits] == [line]
    assert "'12345679'" in hits[0][3] and "'12345678'" in hits[0][3]


def test_conditions_are_explained():
    """kvk-document-information-for.xml, PrtValueThnExistence3: DocumentAdoptionStatus 'Ja'
    requires DocumentAdoptionDate (ERROR)."""
    [hit] = _hits(
        set_value("DocumentAdoptionStatus", "Ja")(built(M)),
        "valueAssertion_DocumentInformation_PrtValueThnExistence3",
    )
    assert hit[1] == "error"
    assert "jenv-bw2-i:DocumentAdoptionDate ontbreekt" in hit[2]
    assert "omdat jenv-bw2-i:DocumentAdoptionStatus 'Ja' is" in hit[2]
    assert "because jenv-bw2-i:DocumentAdoptionStatus is 'Ja'" in hit[3]


# --- together with the filing rules -------------------------------------------------------
def test_the_rules_report_the_kvk_checks():
    broken = set_value("EquityAndLiabilities", "120046", "FY_end")(built(M))
    findings = check_instance(broken.encode(), filing_date=FILING_DATE)
    codes = {f.code: f.severity for f in findings}
    assert codes["valueAssertion_BalanceSheetMicroEntities_PrtFST101Variable1"] == "warning"
    assert "DEP-BALANCE" not in codes


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.json")), ids=lambda p: p.name)
def test_the_builders_examples_get_no_finding(path):
    """Every docs/examples file: no error and no warning of the rules or the KvK's checks."""
    st = FinancialStatements.from_dict(json.loads(path.read_text(encoding="utf-8")))
    # after every example's signing and adoption dates
    findings = check_instance(build_instance(st), filing_date=date(2026, 1, 15))
    assert findings == [], [(f.code, f.message_en) for f in findings]


@pytest.mark.parametrize(
    "situation",
    ["demo", "adopted", "first-year", "long-first-year", "resubmission", "not-signed"],
)
@pytest.mark.parametrize("variant", nt.MODELLED_VARIANTS)
def test_the_builders_demo_filings_get_no_finding(variant, situation):
    text = built(variant, situation)
    findings = check_instance(text.encode(), filing_date=FILING_DATE)
    assert findings == [], [(f.code, f.message_en) for f in findings]


def test_arelle_reports_an_unsatisfied_assertion_under_its_id():
    """arelle/formula/FormulaEvaluator.py logs an assertion with a message as
    "message:" + its id; kvk.formulas.arelle_code says the same."""
    arelle = pytest.importorskip("arelle")
    source = (Path(arelle.__file__).parent / "formula" / "FormulaEvaluator.py").read_text()
    assert '"message:" + (varSet.id or varSet.xlinkLabel' in source
    code = "valueAssertion_BalanceSheetMicroEntities_PrtFST101Variable1"
    assert formulas.arelle_code(code) == "message:" + code


def test_entry_points_without_recorded_formulas_are_left_alone():
    """klein-verticaal was not read (nt.GAPS): no formula files, no KvK checks."""
    assert not formulas.applies("klein-verticaal")
    verticaal = built(K).replace("nlgaap-klein.xsd", "nlgaap-klein-verticaal.xsd")
    assert kvk_checks(drop("LegalEntityName")(verticaal)) == []
