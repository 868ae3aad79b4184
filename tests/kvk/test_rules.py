"""Each filing rule with an instance that breaks it and one that does not.

Instances are derived from a valid built instance by one textual change; every change
asserts that it really changed something, so a changed builder cannot make a test pass
vacuously. The concept rules (DEP-CONCEPT, DEP-NAMESPACE, DEP-DIMENSIONS, DEP-PERIOD-TYPE,
DEP-VALUE) are anchored in the NT19 extract (kvk/nt19/*.json, read through kvk.nt): each
test names the file the fact it relies on comes from. The KvK's own formula assertions
(kvk.formulas) have their pairs in test_formulas.py; here only how the DEP rules they
replace give way to them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from dataclasses import replace as copy_of
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from kvk import formulas, nt
from kvk import rules as rules_module
from kvk import taxonomy as tx
from kvk.builder import build_instance
from kvk.rules import RULES, Finding, check_instance, has_errors, registry
from kvk.rules import concepts as concept_rules
from kvk.statements import FinancialStatements, Signatory, demo_statements

FILING_DATE = date(2026, 6, 1)
NUMBER = "12345678"
NT20 = tx.generation("nt20").namespaces


def base_statements(**changes) -> FinancialStatements:
    st = demo_statements(kvk_number=NUMBER, legal_name="Demo B.V.", year=2025)
    for key, value in changes.items():
        setattr(st, key, value)
    return st


BASE = build_instance(base_statements()).decode("utf-8")
BASE_BALANCE = tuple(base_statements().balance)


def replace(text: str, old: str, new: str, count: int = 1) -> str:
    assert old in text, f"{old!r} not in instance"
    return text.replace(old, new, count)


def before_facts(text: str, xml: str) -> str:
    """Insert contexts/units just after the schemaRef (keeps FG-NL-04 satisfied)."""
    marker = 'micro.xsd"/>\n'
    return replace(text, marker, marker + xml + "\n")


def add_fact(text: str, xml: str) -> str:
    return replace(text, "</xbrli:xbrl>", xml + "\n</xbrli:xbrl>")


def fy_value(text: str, name: str, old: str, new: str) -> str:
    """The value of the fact of a local name in the context FY, from old to new."""
    return replace(text, f'{name} contextRef="FY">{old}<', f'{name} contextRef="FY">{new}<')


def named(legal_name: str) -> str:
    """The base instance with another nl-cd:LegalEntityName, as the XML writes it."""
    return fy_value(BASE, "LegalEntityName", "Demo B.V.", legal_name)


def amount_decimals(decimals: str) -> str:
    """The base instance with other decimals on its first amount (53250 euro of
    jenv-bw2-i:AssetsNoncurrentOther, decimals 0)."""
    return replace(BASE, 'decimals="0">53250<', f'decimals="{decimals}">53250<')


def presentation_order(attributes: str) -> str:
    """The base instance with another unit and decimals on its one non-monetary number, the
    signatory's nl-cd:PresentationOrder (unit pure, decimals INF)."""
    return replace(BASE, 'unitRef="pure" decimals="INF"', attributes)


FY_CONTEXT = (
    '<xbrli:context id="{id}"><xbrli:entity><xbrli:identifier scheme="http://www.kvk.nl/kvk-id">'
    "12345678</xbrli:identifier></xbrli:entity><xbrli:period>{period}</xbrli:period>"
    "</xbrli:context>"
)
FY_PERIOD = "<xbrli:startDate>2025-01-01</xbrli:startDate><xbrli:endDate>2025-12-31</xbrli:endDate>"
LEGAL_NAME = '<nl-cd:LegalEntityName contextRef="FY">Demo B.V.</nl-cd:LegalEntityName>'
COMMERCIAL = (
    '<xbrldi:explicitMember dimension="jenv-bw2-dim:BasisOfPreparationAxis">'
    "jenv-bw2-dm:CommercialMember</xbrldi:explicitMember>"
)
SEPARATE = (
    '<xbrldi:explicitMember dimension="jenv-bw2-dim:FinancialStatementsTypeAxis">'
    "jenv-bw2-dm:SeparateMember</xbrldi:explicitMember>"
)


@dataclass
class Case:
    code: str
    breaking: str | bytes
    passing: str | bytes = field(default_factory=lambda: BASE)
    filename: str = "jaarrekening.xbrl"
    passing_filename: str = "jaarrekening.xbrl"
    filing_date: date = FILING_DATE
    passing_filing_date: date = FILING_DATE
    kwargs: dict = field(default_factory=dict)


def statements_for(year: int, **changes) -> FinancialStatements:
    st = demo_statements(kvk_number=NUMBER, legal_name="Demo B.V.", year=year)
    for key, value in changes.items():
        setattr(st, key, value)
    return st


def _adopting(st: FinancialStatements) -> FinancialStatements:
    """Adopted on 1 March 2026, after the accounts were drawn up (15 February) and signed
    (20 February): the KvK asks for preparation not after adoption (PrtDateEarlierEQDateLater1)."""
    st.adopted, st.adoption_date = True, date(2026, 3, 1)
    st.prepared_on = date(2026, 2, 15)
    for person in st.signatories:
        person.signed_on = date(2026, 2, 20)
    return st


def _adopted(**extra) -> str:
    return build_instance(_adopting(base_statements(**extra))).decode()


def _first_year(st: FinancialStatements) -> FinancialStatements:
    """The same statements as a first financial year: no previous year, no comparatives."""
    st.previous_start = st.previous_end = None
    st.balance = {k: (current, None) for k, (current, _) in st.balance.items()}
    st.profit_loss = {k: (current, None) for k, (current, _) in st.profit_loss.items()}
    return st


FIRST_YEAR = build_instance(_first_year(base_statements())).decode()


def _verticaal(st: FinancialStatements) -> str:
    """klein-verticaal: an entry point whose formula linkbases the extract does not record
    (nt.GAPS); the instance is klein's publicatiestukken under its schemaRef."""
    return replace(
        build_instance(st).decode(),
        "nlgaap-klein-publicatiestukken.xsd",
        "nlgaap-klein-verticaal.xsd",
    )


def _klein(**variant: str) -> FinancialStatements:
    return demo_statements(
        kvk_number=NUMBER, legal_name="Demo B.V.", year=2025, size="klein", **variant
    )


VERTICAAL = _verticaal(_klein())
ADOPTED_VERTICAAL = _verticaal(_adopting(_klein()))
RESUBMITTED = _adopted(resubmission=True, resubmission_explanation="Correctie.")
#: "Nee" in the base instance; "Ja" says that it corrects accounts filed before
RESUBMISSION = "DocumentResubmissionDueToUnsurmountableInaccuracies"


CASES = [
    Case("FR-NL-1.01", "\ufeff" + BASE),
    Case("FR-NL-1.02", named("Demo \u2603 B.V."), named("Café € B.V.")),
    Case("FR-NL-1.03", replace(BASE, "?>\n", "?>\n<!DOCTYPE xbrl>\n")),
    Case("FR-NL-1.04", named("Demo &#x2603; B.V."), named("Demo &amp; Zn &#233; &#x20AC; B.V.")),
    Case("FR-NL-1.05", replace(BASE, "encoding='UTF-8'", "encoding='ISO-8859-1'").encode("utf-8")),
    Case(
        "FR-NL-1.06",
        BASE,
        BASE,
        filename="jaar rekening (1).xbrl",
        passing_filename="Jaarrekening_2025-v2.xbrl",
    ),
    Case("FR-NL-2.03", replace(BASE, ' xml:lang="nl"', "")),
    Case(
        "FR-NL-2.04",
        replace(
            BASE,
            "<link:schemaRef",
            '<link:schemaRef xlink:type="simple" xlink:href="x.xsd"/>\n  <link:schemaRef',
        ),
    ),
    Case(
        "FR-NL-2.05",
        before_facts(BASE, '<link:linkbaseRef xlink:type="simple" xlink:href="l.xml"/>'),
    ),
    Case("FR-NL-2.06", named("<![CDATA[Demo B.V.]]>")),
    # KVK-SBR.md section 4: "2.06 no CDATA end marker", also where XML allows it (a comment).
    Case("FR-NL-2.06", replace(BASE, "</xbrli:xbrl>", "<!-- einde ]]> -->\n</xbrli:xbrl>")),
    Case(
        "FR-NL-2.07",
        replace(
            replace(
                BASE,
                "<xbrli:xbrl ",
                '<xbrli:xbrl xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" ',
            ),
            '<nl-cd:LegalEntityName contextRef="FY">',
            '<nl-cd:LegalEntityName contextRef="FY" xsi:nil="false">',
        ),
    ),
    Case(
        "FR-NL-3.01",
        replace(BASE, "<xbrli:instant>2025-12-31</", "<xbrli:instant>2025-12-31T00:00:00</"),
    ),
    Case(
        "FR-NL-3.02",
        add_fact(
            before_facts(BASE, FY_CONTEXT.format(id="F", period="<xbrli:forever/>")),
            '<kvk-i:BusinessNames contextRef="F">Demo</kvk-i:BusinessNames>',
        ),
    ),
    Case("FR-NL-3.03", before_facts(BASE, FY_CONTEXT.format(id="unused", period=FY_PERIOD))),
    Case(
        "FR-NL-3.04",
        before_facts(BASE, FY_CONTEXT.format(id="FY2", period=FY_PERIOD)).replace(
            '<jenv-bw2-i:LegalEntityLegalForm contextRef="FY">',
            '<jenv-bw2-i:LegalEntityLegalForm contextRef="FY2">',
        ),
    ),
    Case(
        "FR-NL-4.01",
        replace(
            before_facts(
                BASE,
                '<xbrli:unit id="EUR2"><xbrli:measure>iso4217:EUR</xbrli:measure></xbrli:unit>',
            ),
            'contextRef="FY_end" unitRef="EUR"',
            'contextRef="FY_end" unitRef="EUR2"',
        ),
    ),
    Case(
        "FR-NL-4.02",
        before_facts(
            BASE,
            '<xbrli:unit id="USD"><xbrli:measure>iso4217:USD</xbrli:measure></xbrli:unit>',
        ),
    ),
    Case("FR-NL-5.01", add_fact(BASE, LEGAL_NAME.replace("Demo B.V.", "Demo"))),
    # As Arelle's NL plugin reads it (fr_nl.py): consistent duplicates too, of any type,
    # whatever their xml:lang, and in equal contexts with different ids.
    Case("FR-NL-5.01", add_fact(BASE, LEGAL_NAME)),
    Case(
        "FR-NL-5.01",
        add_fact(BASE, LEGAL_NAME.replace('contextRef="FY"', 'contextRef="FY" xml:lang="nl"')),
    ),
    Case(
        "FR-NL-5.01",
        add_fact(
            BASE,
            '<rj-i:FinancialStatementsDateOfPreparation contextRef="FY">2026-05-16'
            "</rj-i:FinancialStatementsDateOfPreparation>",
        ),
    ),
    Case(
        "FR-NL-5.01",
        add_fact(
            before_facts(BASE, FY_CONTEXT.format(id="FY2", period=FY_PERIOD)),
            LEGAL_NAME.replace('contextRef="FY"', 'contextRef="FY2"'),
        ),
    ),
    Case("FR-NL-5.03", named("")),
    Case(
        "FR-NL-5.06",
        replace(
            BASE,
            'unitRef="EUR" decimals="0">53250',
            'unitRef="EUR" precision="5">53250',
        ),
    ),
    Case(
        # Markup in LegalEntityRegisteredOffice (nl-types:string1000ItemType) is refused;
        # in a note of nl-types:formattedExplanationItemType it is allowed (nt19-index.json).
        "FR-NL-5.11",
        replace(BASE, ">Utrecht<", ">&lt;b&gt;Utrecht&lt;/b&gt;<"),
        build_instance(
            base_statements(
                notes={
                    "AdditionalInformationToArticle395aDisclosure": (
                        "<p>Grondslagen</p><ul><li>nominaal</li></ul>"
                    )
                }
            )
        ).decode(),
    ),
    Case(
        "FR-NL-6.01",
        add_fact(
            BASE,
            '<link:footnoteLink xlink:type="extended" xlink:role="http://www.xbrl.org/2003/role/link"/>',
        ),
    ),
    Case(
        "FG-NL-03",
        BASE.replace("kvk-i:", "kvk:").replace("xmlns:kvk-i=", "xmlns:kvk="),
        # xbrldi and iso4217 are declared by no schema of the taxonomy (as in Arelle's
        # fg_nl.py, which takes the prefixes from the taxonomy)
        BASE.replace("iso4217:", "iso:").replace("xmlns:iso4217=", "xmlns:iso="),
    ),
    Case(
        "FG-NL-04",
        add_fact(
            BASE.replace(
                '<jenv-bw2-i:LegalEntityLegalForm contextRef="FY">',
                '<jenv-bw2-i:LegalEntityLegalForm contextRef="FY9">',
            ),
            FY_CONTEXT.format(id="FY9", period=FY_PERIOD.replace("2025-01-01", "2025-01-01 ")),
        ),
    ),
    Case(
        "FG-NL-04",
        # A unit before the contexts breaks the order schemaRef, contexts, units, facts.
        before_facts(
            BASE,
            '<xbrli:unit id="USD"><xbrli:measure>iso4217:USD</xbrli:measure></xbrli:unit>',
        ),
    ),
    Case(
        "FG-NL-05",
        replace(BASE, "<xbrli:xbrl ", '<xbrli:xbrl xmlns:foo="http://example.com/foo" '),
    ),
    Case(
        "FG-NL-09",
        replace(
            BASE,
            '<nl-cd:LegalEntityName contextRef="FY">',
            '<nl-cd:LegalEntityName id="f1" contextRef="FY">',
        ),
    ),
    Case(
        # nl-cd:PresentationOrder (nl-types:nonNegativeDecimal20ItemType) takes xbrli:pure.
        "FG-NL-11",
        replace(
            replace(BASE, 'unit id="pure"', 'unit id="p"'),
            "<xbrli:measure>xbrli:pure<",
            "<xbrli:measure>xbrli:people<",
        ).replace('unitRef="pure"', 'unitRef="p"'),
    ),
    Case("FR-KVK-1.01", BASE, filename="jaarrekening.xml"),
    Case(
        "FR-KVK-2.01",
        replace(BASE, 'xml:lang="nl"', 'xml:lang="es"'),
        replace(BASE, 'xml:lang="nl"', 'xml:lang="en"'),
    ),
    Case(
        "FR-KVK-2.02",
        replace(
            BASE,
            '<nl-cd:LegalEntityName contextRef="FY">',
            '<nl-cd:LegalEntityName contextRef="FY" xml:lang="en">',
        ),
        replace(
            BASE,
            '<nl-cd:LegalEntityName contextRef="FY">',
            '<nl-cd:LegalEntityName contextRef="FY" xml:lang="nl">',
        ),
    ),
    Case(
        "FR-KVK-2.03",
        replace(
            BASE,
            'xlink:href="http://www.nltaxonomie.nl/nt20',
            'xlink:href="https://www.nltaxonomie.nl/nt20',
        ),
    ),
    # middelgroot is a valid KvK entry point (kvk.taxonomy.OTHER_KVK_ENTRY_POINTS)
    Case("DEP-ENTRYPOINT-UNSUPPORTED", replace(BASE, "nlgaap-micro.xsd", "nlgaap-middelgroot.xsd")),
    Case(
        "FR-KVK-2.03",
        # NT21 before its production date is not accepted; after it, it is.
        build_instance(base_statements(generation="nt21")).decode(),
        build_instance(base_statements(generation="nt21")).decode(),
        filing_date=date(2026, 12, 1),
        passing_filing_date=date(2026, 12, 15),
    ),
    Case("FR-KVK-5.01", amount_decimals("1"), amount_decimals("-3")),
    Case("FR-KVK-5.02", presentation_order('unitRef="pure" decimals="0"')),
    Case(
        # By the concept's type, as Arelle's NL plugin reads it (fr_kvk.py):
        # nl-cd:PresentationOrder (nl-types:nonNegativeDecimal20ItemType) is non-monetary
        # whatever its unit; an amount with a non-currency unit is FR-KVK-5.01's.
        "FR-KVK-5.02",
        presentation_order('unitRef="EUR" decimals="0"'),
        replace(BASE, 'unitRef="EUR" decimals="0">53250', 'unitRef="pure" decimals="0">53250'),
    ),
    Case(
        "BR-KVK-2.04",
        replace(BASE, "<xbrli:instant>2025-12-31</", "<xbrli:instant>2025-06-30</"),
    ),
    Case(
        # A first year has no previous year: a context for it is outside the filing's
        # periods, while the day before the current start stays allowed.
        "BR-KVK-2.04",
        add_fact(
            before_facts(
                FIRST_YEAR,
                FY_CONTEXT.format(
                    id="PY",
                    period="<xbrli:startDate>2024-01-01</xbrli:startDate>"
                    "<xbrli:endDate>2024-12-31</xbrli:endDate>",
                ),
            ),
            '<kvk-i:BusinessNames contextRef="PY">Demo</kvk-i:BusinessNames>',
        ),
        FIRST_YEAR,
    ),
    Case(
        "BR-KVK-3.01",
        replace(BASE, "<xbrli:measure>iso4217:EUR<", "<xbrli:measure>iso4217:USD<")
        .replace(
            "<xbrli:unit id",
            '<xbrli:unit id="EUR1"><xbrli:measure>iso4217:EUR</xbrli:measure></xbrli:unit>\n<xbrli:unit id',  # noqa: E501
            1,
        )
        .replace('contextRef="PY_end" unitRef="EUR"', 'contextRef="PY_end" unitRef="EUR1"'),
    ),
    Case("BR-KVK-4.07", BASE, filing_date=date(2025, 12, 31), passing_filing_date=date(2026, 1, 1)),
    Case(
        "BR-KVK-4.10",
        _adopted(),
        _adopted(),
        filing_date=date(2026, 2, 28),
        passing_filing_date=date(2026, 3, 1),
    ),
    Case("BR-KVK-4.12", fy_value(BASE, RESUBMISSION, "Nee", "Ja"), RESUBMITTED),
    Case(
        "BR-KVK-4.16",
        replace(
            fy_value(_adopted(), RESUBMISSION, "Nee", "Ja"),
            '<jenv-bw2-i:DocumentAdoptionDate contextRef="FY">2026-03-01</jenv-bw2-i:DocumentAdoptionDate>',  # noqa: E501
            "",
        ),
        RESUBMITTED,
    ),
    Case(
        # Measured as Arelle's NL plugin does (br_kvk.py): previous start to current end.
        # An extended first year (18 months) followed by a normal year is 30 months.
        "BR-KVK-4.17",
        build_instance(
            base_statements(previous_start=date(2023, 7, 1), previous_end=date(2024, 12, 31))
        ).decode(),
    ),
    Case("BR-KVK-4.20", replace(_adopted(), ">2026-03-01<", ">2026-02-30<")),
    Case(
        "BR-KVK-4.20",
        replace(BASE, "<xbrli:instant>2024-12-31</", "<xbrli:instant>2024-13-31</"),
    ),
    # Only for an entry point whose formulas the extract does not record; elsewhere the
    # KvK's existence assertions (kvk.formulas) say what is missing.
    Case("DEP-MANDATORY", replace(VERTICAAL, LEGAL_NAME, ""), VERTICAAL),
    Case(
        # The form of the identifier; its scheme and its equality to the KvK number fact
        # are the KvK's AllEqualToIdentifierScheme1 and AllEqualToIdentifier1.
        "DEP-IDENTIFIER",
        replace(BASE, ">12345678</xbrli:identifier>", ">1234567</xbrli:identifier>"),
    ),
    Case(
        "DEP-IDENTIFIER",
        replace(VERTICAAL, 'scheme="http://www.kvk.nl/kvk-id"', 'scheme="http://example.com/id"'),
        VERTICAAL,
    ),
    Case("DEP-KVK-NUMBER", BASE, kwargs={"expected_kvk_number": "87654321"}),
    Case("DEP-ENTRYPOINT-SIZE", BASE, kwargs={"size_class": "klein"}),
    Case(
        "DEP-GENERATION-YEAR",
        # FY2024 in NT20 is too new; FY2025 in NT19 (an earlier accepted generation) is fine.
        build_instance(statements_for(2024, generation="nt20")).decode(),
        build_instance(statements_for(2025, generation="nt19")).decode(),
    ),
    Case(
        # Only where the KvK's PrtDateEarlier24HDateLater1 does not run (see below).
        "DEP-PERIOD",
        fy_value(VERTICAAL, "FinancialReportingPeriodPreviousEndDate", "2024-12-31", "2024-12-30"),
        VERTICAAL,
    ),
    Case(
        # A first year of two years or more: no span for BR-KVK-4.17 to measure.
        "DEP-PERIOD",
        build_instance(
            _first_year(
                base_statements(
                    period_start=date(2024, 1, 1),
                    period_deviation_reason="Eerste boekjaar van twee jaar.",
                    period_deviation_impact="Geen vergelijkende cijfers.",
                )
            )
        ).decode(),
    ),
    Case(
        # micro's balance sheet (balance-sheet-micro-entities role) with every amount 0
        "DEP-CONTENTS",
        build_instance(
            base_statements(balance={k: (Decimal(0), Decimal(0)) for k in BASE_BALANCE})
        ).decode(),
    ),
    Case(
        "DEP-REFERENCE",
        replace(
            BASE,
            '<nl-cd:LegalEntityName contextRef="FY">',
            '<nl-cd:LegalEntityName contextRef="nope">',
        ),
    ),
    Case(
        # An invented concept (the old product's DirectorName) is no concept of micro.
        "DEP-CONCEPT",
        add_fact(
            BASE,
            '<jenv-bw2-i:DirectorName contextRef="FY">J. de Vries</jenv-bw2-i:DirectorName>',
        ),
        add_fact(BASE, '<kvk-i:BusinessNames contextRef="FY">Demo</kvk-i:BusinessNames>'),
    ),
    Case(
        # NT19 declares LegalEntityName in nl-cd, not in jenv-bw2-i (nt19-index.json).
        "DEP-NAMESPACE",
        replace(
            BASE,
            LEGAL_NAME,
            '<jenv-bw2-i:LegalEntityName contextRef="FY">Demo B.V.</jenv-bw2-i:LegalEntityName>',
        ),
    ),
    # Financial facts need BasisOfPreparationAxis and FinancialStatementsTypeAxis
    # (closed hypercubes of nt19-kvk-micro-klein.json, dimensions).
    Case("DEP-DIMENSIONS", replace(BASE, COMMERCIAL, "", count=2)),
    Case(
        # jenv-bw2-i:Assets has periodType instant (nt19-index.json).
        "DEP-PERIOD-TYPE",
        replace(
            BASE,
            '<jenv-bw2-i:Assets contextRef="FY_end"',
            '<jenv-bw2-i:Assets contextRef="FY_d"',
        ),
    ),
    Case(
        # jenv-codes:legalFormItemType lists the full Dutch names (nt19-index.json types).
        "DEP-VALUE",
        replace(BASE, ">Besloten vennootschap met beperkte aansprakelijkheid<", ">B.V.<"),
    ),
    Case(
        # Only where the KvK's PrtValueThnExistence3 does not run (see below).
        "DEP-ADOPTION-DATE",
        fy_value(VERTICAAL, "DocumentAdoptionStatus", "Nee", "Ja"),
        ADOPTED_VERTICAAL,
    ),
    Case("DEP-RESUBMISSION", fy_value(BASE, RESUBMISSION, "Nee", "Misschien"), RESUBMITTED),
    # --- one case more for the codes with more than one check (kvk.rules.registry) -----
    Case("FR-NL-1.05", named("Demo \udcff B.V.").encode("utf-8", "surrogateescape")),
    Case("FR-NL-3.04", before_facts(BASE, FY_CONTEXT.format(id="FY", period=FY_PERIOD))),
    Case("DEP-REFERENCE", presentation_order('unitRef="nope" decimals="INF"')),
    # nl-types:monetaryNoDecimals20ItemType has no decimals (nt19-index.json types).
    Case("DEP-VALUE", amount_decimals("2")),
    # nl-types:monetaryNoDecimals20ItemType has totalDigits 20 (nt19-index.json types,
    # from nl-types.xsd of sbr 20240301): 21 digits are too many.
    Case("DEP-VALUE", replace(BASE, 'decimals="0">53250<', 'decimals="0">' + "9" * 21 + "<")),
    Case(
        # The fact, not the context identifier: an entry point with formulas too.
        "DEP-IDENTIFIER",
        fy_value(BASE, "ChamberOfCommerceRegistrationNumber", "12345678", "1234567"),
    ),
    Case(
        # Only where the KvK's PrtDateEarlierDateLater2 does not run: the previous year
        # ends before it starts.
        "DEP-PERIOD",
        fy_value(VERTICAAL, "FinancialReportingPeriodPreviousEndDate", "2024-12-31", "2023-12-31"),
        VERTICAAL,
    ),
    Case(
        # Where the concept rules do not run (klein-verticaal): Ja or Nee.
        "DEP-ADOPTION-DATE",
        fy_value(VERTICAAL, "DocumentAdoptionStatus", "Nee", "Misschien"),
        VERTICAAL,
    ),
    Case(
        # Only where the KvK's PrtValueThnNoExistence2 does not run: a date, not adopted.
        "DEP-ADOPTION-DATE",
        add_fact(
            VERTICAAL,
            '<jenv-bw2-i:DocumentAdoptionDate contextRef="FY">2026-03-01'
            "</jenv-bw2-i:DocumentAdoptionDate>",
        ),
        VERTICAAL,
    ),
    Case(
        # Only where the KvK's PrtDateEarlierDateLater1 does not run: adopted in the year.
        "DEP-ADOPTION-DATE",
        replace(ADOPTED_VERTICAAL, ">2026-03-01<", ">2025-12-15<"),
        ADOPTED_VERTICAAL,
    ),
    Case(
        # A resubmission of accounts adopted after the filing date.
        "DEP-RESUBMISSION",
        RESUBMITTED,
        RESUBMITTED,
        filing_date=date(2026, 2, 28),
        passing_filing_date=date(2026, 3, 1),
    ),
    Case(
        # klein's income-statement-small role (nt19-kvk-klein.json) without amounts
        "DEP-CONTENTS",
        build_instance(copy_of(_klein(variant="klein"), profit_loss={})).decode(),
        build_instance(_klein(variant="klein")).decode(),
    ),
    Case(
        # klein's notes roles (nt19-kvk-klein.json) without facts
        "DEP-CONTENTS",
        build_instance(copy_of(_klein(variant="klein"), notes={})).decode(),
        build_instance(_klein(variant="klein")).decode(),
    ),
]


def _codes(findings: list[Finding]) -> set[str]:
    return {f.code for f in findings}


def _check(
    content: str | bytes,
    filename: str = "jaarrekening.xbrl",
    filing_date: date = FILING_DATE,
    kwargs: dict | None = None,
) -> list[Finding]:
    if isinstance(content, str):
        content = content.encode("utf-8")
    return check_instance(content, filename=filename, filing_date=filing_date, **(kwargs or {}))


def _hits(content: str | bytes, code: str) -> list[Finding]:
    return [f for f in _check(content) if f.code == code]


def test_base_instance_has_no_findings():
    assert _check(BASE) == []


def test_every_rule_has_a_case():
    assert {c.code for c in CASES} == set(RULES)


#: The rule codes of the domain notes, section 4 "Filing rules (what makes KvK refuse an
#: instance)" (shared/domain/KVK-SBR.md), as published: "implement them with these codes".
SECTION_4 = {
    "FR-NL": "1.01 1.02 1.03 1.04 1.05 1.06 2.03 2.04 2.05 2.06 2.07 3.01 3.02 3.03 3.04 "
    "4.01 4.02 5.01 5.03 5.06 5.11 6.01",
    "FG-NL": "03 04 05 09 11",
    "FR-KVK": "1.01 2.01 2.02 2.03 5.01 5.02",
    "BR-KVK": "2.04 3.01 4.07 4.10 4.12 4.16 4.17 4.20",
}
PUBLISHED = sorted(f"{family}-{n}" for family, ns in SECTION_4.items() for n in ns.split())


@pytest.mark.parametrize("code", PUBLISHED)
def test_every_published_rule_has_a_registered_check(code):
    """Each rule of KVK-SBR.md section 4 (SBR Filing Rules FR-NL and their guidelines
    FG-NL, the KvK Filing Rules FR-KVK and Business Rules BR-KVK) is checked under its
    published code (kvk.rules.registry) and has a breaking case here."""
    assert code in registry.codes()
    assert code in {c.code for c in CASES}


def test_the_registry_checks_exactly_the_listed_rules():
    """RULES (code -> severity, title) and the registered checks name the same codes."""
    assert registry.codes() == set(RULES)
    assert {r.stage for r in registry.registered()} == set(registry.Stage)


def test_every_registered_check_reports_on_a_breaking_case(monkeypatch):
    """Every check function of the registry, not only every code, reports on at least one
    breaking instance of CASES: a code with more than one check (DEP-PERIOD, FR-NL-3.04,
    ...) has a case for each. The rule texts are those of KVK-SBR.md section 4 and, for the
    product's own codes, RULES' titles."""
    checks = registry.registered()
    reported: set[registry.Rule] = set()

    def watched(rule: registry.Rule) -> registry.Rule:
        def check(emit, *args):
            def noting(*finding, **severity):
                reported.add(rule)
                emit(*finding, **severity)

            rule.check(noting, *args)

        return registry.Rule(rule.code, rule.stage, check)

    monkeypatch.setattr(registry, "_REGISTERED", [watched(rule) for rule in checks])
    for case in CASES:
        _check(case.breaking, case.filename, case.filing_date, case.kwargs)
    silent = [f"{r.code} ({r.check.__module__}.{r.check.__name__})" for r in checks]
    assert [s for r, s in zip(checks, silent, strict=True) if r not in reported] == []


def test_a_check_reports_only_its_own_code():
    """A check is given an emitter bound to the code it is registered for."""
    report = rules_module.report.Report()
    report.emitter("FG-NL-09")("nl", "en", 3)
    assert [(f.code, f.severity, f.line) for f in report.finish()] == [("FG-NL-09", "warning", 3)]


@pytest.mark.parametrize("case", CASES, ids=[f"{c.code}-{i}" for i, c in enumerate(CASES)])
def test_rule_breaking_instance_is_reported(case: Case):
    findings = _check(case.breaking, case.filename, case.filing_date, case.kwargs)
    hits = [f for f in findings if f.code == case.code]
    assert hits, f"{case.code} not reported; got {[(f.code, f.message_en) for f in findings]}"
    severity = RULES[case.code][0]
    for f in hits:
        assert f.severity == severity
        assert f.message_nl and f.message_en and f.message_nl != f.message_en
        assert f.message == f.message_nl
    if case.code not in ("FR-NL-1.06", "FR-KVK-1.01"):  # file name rules have no line
        assert any(isinstance(f.line, int) and f.line >= 1 for f in hits)
    if severity == "error":
        assert has_errors(findings)


@pytest.mark.parametrize("case", CASES, ids=[f"{c.code}-{i}" for i, c in enumerate(CASES)])
def test_rule_passing_instance_is_clean(case: Case):
    findings = _check(case.passing, case.passing_filename, case.passing_filing_date, {})
    assert case.code not in _codes(findings), [f.message_en for f in findings]


# --- no false errors on valid filings with the real concepts ----------------------------
def _adopt(st: FinancialStatements) -> FinancialStatements:
    """Adopted after the accounts were drawn up (15 May) and signed (20 May), before the
    filing date (kvk-document-information-for.xml, PrtDateEarlierEQDateLater1)."""
    st.adopted, st.adoption_date = True, date(2026, 5, 25)
    return st


def _resubmit(st: FinancialStatements) -> FinancialStatements:
    _adopt(st)
    st.resubmission, st.resubmission_explanation = True, "Correctie van de balans & toelichting."
    return st


def _signatories(st: FinancialStatements) -> FinancialStatements:
    st.signatories = [
        Signatory("J. de Vries", signed_on=date(2026, 5, 20), place="Utrecht"),
        Signatory(
            "A. Jansen",
            function=tx.SUPERVISORY_DIRECTOR,
            signed_on=date(2026, 5, 21),
            place="Amsterdam",
        ),
        Signatory("P. Bakker", signed=False, reason_not_signed="Langdurig afwezig."),
    ]
    return st


def _every_note(text: str):
    """A text in every note the variant has (every notes role of the extract)."""

    def change(st: FinancialStatements) -> FinancialStatements:
        st.notes = {name: text for name in st.note_concepts()}
        return st

    return change


def _english(st: FinancialStatements) -> FinancialStatements:
    st.language = "en"
    return st


def _non_calendar(st: FinancialStatements) -> FinancialStatements:
    """July to June: NT19's financial year 2024."""
    st.period_start, st.period_end = date(2024, 7, 1), date(2025, 6, 30)
    st.previous_start, st.previous_end = date(2023, 7, 1), date(2024, 6, 30)
    st.prepared_on = date(2025, 10, 1)
    st.signatories[0].signed_on = date(2025, 10, 2)
    return st


def _long_first_year(st: FinancialStatements) -> FinancialStatements:
    _first_year(st)
    st.period_start = date(2024, 7, 1)
    st.period_deviation_reason = "Eerste boekjaar, verlengd tot 31 december 2025."
    st.period_deviation_impact = "Geen: er zijn geen vergelijkende cijfers."
    return st


SITUATIONS = {
    "demo": lambda st: st,
    "first-year": _first_year,
    "long-first-year": _long_first_year,
    "non-calendar": _non_calendar,
    "adopted": _adopt,
    "resubmission": _resubmit,
    "signatories": _signatories,
    "notes-markup": _every_note("<p>Grondslagen</p><ul><li>nominaal &amp; reëel</li></ul>"),
    "notes-plain-amp-lt": _every_note("Winst & verlies < 5% van de omzet; R&D > 0."),
    "english": _english,
}


@pytest.mark.parametrize("situation", SITUATIONS)
@pytest.mark.parametrize("variant", nt.MODELLED_VARIANTS)
def test_valid_real_concept_filings_get_no_finding(variant, situation):
    """Every variant the NT19 extract models (nt19-kvk-micro-klein.json, nt19-kvk-klein.json)
    built in each situation passes every rule, the concept rules included."""
    size = tx.size_of_variant(variant)
    st = demo_statements(
        kvk_number=NUMBER, legal_name="Demo B.V.", year=2025, size=size, variant=variant
    )
    content = build_instance(SITUATIONS[situation](st))
    findings = check_instance(content, filing_date=FILING_DATE, expected_kvk_number=NUMBER)
    assert findings == [], [(f.code, f.message_en) for f in findings]


# --- DEP-CONCEPT ---------------------------------------------------------------------------
def test_a_klein_concept_in_a_micro_filing_is_no_concept_of_micro():
    """nt19-kvk-klein.json: klein's balance sheet has ShareCapitalPaidCalledUp; micro's
    abbreviated one (nt19-kvk-micro-klein.json) does not."""
    qname = "jenv-bw2-i:ShareCapitalPaidCalledUp"
    assert qname not in nt.entry_point("micro").concepts
    assert qname in nt.entry_point("klein").concepts
    broken = add_fact(
        BASE,
        f'<{qname} contextRef="FY_end" unitRef="EUR" decimals="0">18000</{qname}>',
    )
    [finding] = _hits(broken, "DEP-CONCEPT")
    assert finding.severity == "error"
    assert "ShareCapitalPaidCalledUp" in finding.message_nl and "micro" in finding.message_nl
    assert "klein" in finding.message_en  # where it does belong


def test_unknown_concepts_in_klein_are_warnings_where_the_extract_has_gaps():
    """nt19-kvk-klein.json records klein's entry point as read in part (complete: false;
    most notes and the consolidated roles not read): a concept of the generation's
    namespaces that the extract does not show may still be klein's, so it is a warning;
    a namespace outside the taxonomy is an error."""
    assert nt.entry_point("klein").complete is False
    # A name in an NT namespace that the extract does not have (klein's notes on the
    # number of employees were not read).
    assert not any(c.name == "AverageNumberOfEmployees" for c in nt.concepts().values())
    klein = build_instance(
        demo_statements(kvk_number=NUMBER, legal_name="D", year=2025, size="klein", variant="klein")
    ).decode()
    unread = add_fact(
        klein,
        '<jenv-bw2-i:AverageNumberOfEmployees contextRef="FY">3</jenv-bw2-i:AverageNumberOfEmployees>',  # noqa: E501
    )
    assert [f.severity for f in _hits(unread, "DEP-CONCEPT")] == ["warning"]
    foreign = add_fact(
        replace(klein, "<xbrli:xbrl ", '<xbrli:xbrl xmlns:my="http://example.com/my" '),
        '<my:Remark contextRef="FY">x</my:Remark>',
    )
    assert [f.severity for f in _hits(foreign, "DEP-CONCEPT")] == ["error"]


def test_entry_points_the_extract_does_not_model_skip_the_concept_rules():
    """klein-verticaal was not read (nt.GAPS): its instances get the filing rules only."""
    assert "klein-verticaal" not in nt.MODELLED_VARIANTS
    klein = build_instance(
        demo_statements(kvk_number=NUMBER, legal_name="D", year=2025, size="klein", variant="klein")
    ).decode()
    verticaal = replace(klein, "nlgaap-klein.xsd", "nlgaap-klein-verticaal.xsd")
    broken = add_fact(
        verticaal, '<jenv-bw2-i:DirectorName contextRef="FY">X</jenv-bw2-i:DirectorName>'
    )
    codes = _codes(_check(broken))
    assert not codes & {"DEP-CONCEPT", "DEP-NAMESPACE", "DEP-DIMENSIONS", "DEP-VALUE"}
    assert _codes(_check(verticaal)) == set()


# --- DEP-NAMESPACE -------------------------------------------------------------------------
def test_a_concept_in_the_wrong_namespace_names_the_right_one():
    """nt19-index.json: LegalEntityName is nl-cd's (sbr nl-common-data), not jenv-bw2-i's."""
    assert "nl-cd:LegalEntityName" in nt.concepts()
    assert "jenv-bw2-i:LegalEntityName" not in nt.concepts()
    [finding] = _hits(CASES_BY_CODE["DEP-NAMESPACE"].breaking, "DEP-NAMESPACE")
    assert NT20["nl-cd"] in finding.message_nl and "(nl-cd)" in finding.message_nl
    assert NT20["jenv-bw2-i"] in finding.message_en
    # Without an nl-cd:LegalEntityName the KvK's existence assertion misses it too.
    codes = _codes(_check(CASES_BY_CODE["DEP-NAMESPACE"].breaking))
    assert "existenceAssertion_EntityInformation_PrtExistOnce3" in codes


def test_another_generations_namespace_is_the_wrong_namespace():
    """An NT20 filing (schemaRef) whose facts use NT19's namespaces (kvk/nt19 extract)."""
    nt19 = tx.generation("nt19").namespaces
    broken = replace(BASE, f'xmlns:nl-cd="{NT20["nl-cd"]}"', f'xmlns:nl-cd="{nt19["nl-cd"]}"')
    findings = _hits(broken, "DEP-NAMESPACE")
    assert findings and all(NT20["nl-cd"] in f.message_en for f in findings)


# --- DEP-DIMENSIONS ------------------------------------------------------------------------
def _role(variant: str, short: str) -> nt.Role:
    return nt.entry_point(variant).role(short)


def test_financial_facts_take_any_usable_member_of_their_hypercube():
    """nt19-kvk-micro-klein.json: BasisOfPreparationAxis takes CommercialMember and
    FiscalMember in micro's balance sheet; FinancialStatementsTypeAxis only SeparateMember."""
    axes = {a.qname: a.members for a in _role("micro", "balance-sheet-micro-entities").axes}
    assert "jenv-bw2-dm:FiscalMember" in axes["jenv-bw2-dim:BasisOfPreparationAxis"]
    assert axes["jenv-bw2-dim:FinancialStatementsTypeAxis"] == {"jenv-bw2-dm:SeparateMember"}
    fiscal = BASE.replace("jenv-bw2-dm:CommercialMember", "jenv-bw2-dm:FiscalMember")
    assert fiscal != BASE and _hits(fiscal, "DEP-DIMENSIONS") == []
    consolidated = replace(BASE, "jenv-bw2-dm:SeparateMember", "jenv-bw2-dm:ConsolidatedMember")
    findings = _hits(consolidated, "DEP-DIMENSIONS")
    assert findings and all(f.severity == "error" for f in findings)
    assert "jenv-bw2-dm:SeparateMember" in findings[0].message_nl


def test_entity_facts_take_no_dimensions():
    """nt19-kvk-micro-klein.json: the entity-information hypercube is closed and empty."""
    assert _role("micro", "entity-information").axes == ()
    broken = replace(BASE, LEGAL_NAME, LEGAL_NAME.replace('"FY"', '"FY_d"'))
    [finding] = _hits(broken, "DEP-DIMENSIONS")
    assert "nl-cd:LegalEntityName" in finding.message_nl
    assert "geen dimensies" in finding.message_nl and "no dimensions" in finding.message_en


def test_signing_facts_need_the_typed_signatory_axis():
    """nt19-kvk-micro-klein.json: the signing role's hypercube has only the typed axis
    ManagingOrSupervisoryDirectorOrRepresentativeNamesAxis."""
    [axis] = _role("micro", "signing-financial-statements").axes
    assert axis.qname == tx.SIGNATORY_AXIS and axis.is_typed
    broken = replace(
        BASE,
        '<jenv-bw2-i:DirectorType contextRef="FY_signatory1">',
        '<jenv-bw2-i:DirectorType contextRef="FY">',
    )
    [finding] = _hits(broken, "DEP-DIMENSIONS")
    assert "ManagingOrSupervisoryDirectorOrRepresentativeNamesAxis (getypeerd)" in (
        finding.message_nl
    )


def test_dimensions_in_the_segment_do_not_fit_the_scenario_hypercubes():
    """Every hypercube of the extract is on the scenario (xbrldt:contextElement)."""
    segment = (
        '<xbrli:context id="FY_seg"><xbrli:entity><xbrli:identifier '
        f'scheme="http://www.kvk.nl/kvk-id">12345678</xbrli:identifier><xbrli:segment>'
        f"{COMMERCIAL}{SEPARATE}</xbrli:segment></xbrli:entity><xbrli:period>"
        "<xbrli:instant>2025-12-31</xbrli:instant></xbrli:period></xbrli:context>"
    )
    moved = replace(
        before_facts(BASE, segment),
        '<jenv-bw2-i:Assets contextRef="FY_end"',
        '<jenv-bw2-i:Assets contextRef="FY_seg"',
    )
    [finding] = _hits(moved, "DEP-DIMENSIONS")
    assert "jenv-bw2-i:Assets" in finding.message_nl and "segment" in finding.message_nl


def test_klein_general_notes_take_only_the_statements_type_axis():
    """nt19-kvk-klein.json: notes-general-notes has only FinancialStatementsTypeAxis; as
    the klein extract is incomplete, a mismatch there is a warning."""
    role = _role("klein", "notes-general-notes")
    assert [a.qname for a in role.axes] == ["jenv-bw2-dim:FinancialStatementsTypeAxis"]
    name = next(c.partition(":")[2] for c in role.line_items if nt.concept(c).is_formatted)
    st = demo_statements(
        kvk_number=NUMBER, legal_name="D", year=2025, size="klein", variant="klein"
    )
    st.notes = {name: "Handel in fietsen."}
    good = build_instance(st).decode()
    assert _hits(good, "DEP-DIMENSIONS") == []
    both_axes = replace(good, 'contextRef="FY_Separate"', 'contextRef="FY_d"')
    [finding] = _hits(both_axes, "DEP-DIMENSIONS")
    assert finding.severity == "warning" and name in finding.message_en


def test_a_fact_fits_when_any_of_its_roles_takes_its_dimensions(monkeypatch):
    """No concept of the extract is a line item of two roles, so a second role is added
    to LegalEntityName's here: a fact fits when one of its roles' hypercubes fits."""
    model = rules_module._entry_point_model("nt20", "micro")
    name = f"{{{NT20['nl-cd']}}}LegalEntityName"
    financial = model.shapes[f"{{{NT20['jenv-bw2-i']}}}Assets"]
    assert model.shapes[name] == ((),) and financial
    widened = copy_of(model, shapes={**model.shapes, name: ((), *financial)})
    monkeypatch.setattr(concept_rules, "_entry_point_model", lambda gen, variant: widened)
    moved = replace(BASE, LEGAL_NAME, LEGAL_NAME.replace('"FY"', '"FY_d"'))
    assert _hits(moved, "DEP-DIMENSIONS") == []
    assert _hits(replace(BASE, COMMERCIAL, "", count=2), "DEP-DIMENSIONS")


# --- DEP-VALUE -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("old", "new", "fits", "says"),
    [
        # jenv-codes:legalFormItemType: the full Dutch names.
        (">Besloten vennootschap met beperkte aansprakelijkheid<", ">BV<", ">Stichting<", "BV"),
        # nl-types:nlzipItemType: pattern ([1-9]{1}[0-9]{3}[A-Z]{2}).
        (">3511AX<", ">3511 ax<", ">9999ZZ<", "patroon"),
        # nl-types:string24ItemType: at most 24 characters.
        (">Oudegracht<", ">" + "Oudegracht" * 3 + "<", ">" + "O" * 24 + "<", "24"),
        # nl-codes:yesNoItemType: Ja, Nee.
        (
            'DocumentAdoptionStatus contextRef="FY">Nee<',
            'DocumentAdoptionStatus contextRef="FY">nee<',
            'DocumentAdoptionStatus contextRef="FY">Nee<',
            "'Ja', 'Nee'",
        ),
        # nl-types:monetaryNoDecimals20ItemType is a number ...
        ('decimals="0">53250<', 'decimals="0">53.250,00<', 'decimals="0">-53250<', "getal"),
        # ... without fraction digits (its base dtr-types:noDecimalsMonetaryItemType).
        ('decimals="0">53250<', 'decimals="0">53250.5<', 'decimals="0">53250.00<', "decimalen"),
    ],
)
def test_values_are_checked_against_their_type(old, new, fits, says):
    """Types and facets of nt19-index.json (types)."""
    [finding] = _hits(replace(BASE, old, new), "DEP-VALUE")
    assert says in finding.message_nl
    assert _hits(replace(BASE, old, fits), "DEP-VALUE") == []


def test_amounts_of_a_no_decimals_type_have_no_positive_decimals():
    """nt19-index.json types: nl-types:monetaryNoDecimals20ItemType restricts
    dtr-types:noDecimalsMonetaryItemType (Data Type Registry 2020-01-21), which allows no
    decimals attribute above 0, although FR-KVK-5.01 lists 2 for monetary facts in general."""
    assert "dtr-types:noDecimalsMonetaryItemType" in nt.concept("jenv-bw2-i:Assets").base_types
    two = _check(amount_decimals("2"))
    [finding] = [f for f in two if f.code == "DEP-VALUE"]
    assert "FR-KVK-5.01" not in _codes(two)
    assert 'decimals="0"' in finding.message_nl and "decimals='2'" in finding.message_en
    assert _hits(amount_decimals("-3"), "DEP-VALUE") == []
    # decimals="1" is FR-KVK-5.01's, reported once.
    one = _check(amount_decimals("1"))
    assert [f.code for f in one] == ["FR-KVK-5.01"]


def test_amounts_have_at_most_the_total_digits_of_their_type():
    """nt19-index.json types (read from www.nltaxonomie.nl/nt19/sbr/20240301/dictionary/
    nl-types.xsd): nl-types:monetaryNoDecimals20ItemType, the type of every amount, has the
    facet totalDigits 20. An amount of 21 digits is refused by the KvK (Arelle:
    xmlSchema:valueError), one of 20 digits (sign and decimals="0" aside) is not."""
    assert nt.concept("jenv-bw2-i:AssetsNoncurrentOther").type == (
        "nl-types:monetaryNoDecimals20ItemType"
    )
    assert nt.type_facets("nl-types:monetaryNoDecimals20ItemType")["totalDigits"] == 20
    old = 'decimals="0">53250<'
    [finding] = _hits(replace(BASE, old, f'decimals="0">{"9" * 21}<'), "DEP-VALUE")
    assert "jenv-bw2-i:AssetsNoncurrentOther" in finding.message_nl
    assert "21 cijfers; het maximum is 20" in finding.message_nl
    assert "21 digits; the maximum is 20" in finding.message_en
    assert "nl-types:monetaryNoDecimals20ItemType" in finding.message_nl
    for fits in ("9" * 20, "-" + "9" * 20, "0" + "9" * 20, "9" * 20 + ".00"):
        assert _hits(replace(BASE, old, f'decimals="0">{fits}<'), "DEP-VALUE") == [], fits
    # Not a number: said once, by the number check.
    [finding] = _hits(replace(BASE, old, f'decimals="0">{"9" * 21}x<'), "DEP-VALUE")
    assert "geen getal" in finding.message_nl


def test_a_decimal_has_at_most_the_total_digits_of_its_type():
    """nt19-index.json types (nl-types.xsd): nl-types:nonNegativeDecimal20ItemType
    (nl-cd:PresentationOrder) restricts nl-types:decimal20ItemType, totalDigits 20; its
    fraction digits count too (XSD Datatypes, totalDigits)."""
    assert nt.type_facets(nt.concept("nl-cd:PresentationOrder").type)["totalDigits"] == 20
    old = 'decimals="INF">1</nl-cd:PresentationOrder>'
    wide = "1" + "0" * 10 + "." + "5" * 10  # 21 digits
    [finding] = _hits(replace(BASE, old, old.replace(">1<", f">{wide}<")), "DEP-VALUE")
    assert "21 cijfers" in finding.message_nl
    fits = "1" + "0" * 9 + "." + "5" * 10  # 20 digits
    assert _hits(replace(BASE, old, old.replace(">1<", f">{fits}<")), "DEP-VALUE") == []


def test_arelle_codes_are_named_in_the_rules_and_are_arelles():
    """RULES' titles name the Arelle code of each concept rule, spelled as Arelle emits it."""
    arelle = pytest.importorskip("arelle")
    source = "\n".join(
        path.read_text(encoding="utf-8", errors="replace")
        for path in Path(arelle.__file__).parent.glob("*.py")
    )
    for code, theirs in rules_module.ARELLE_CODES.items():
        for arelle_code in theirs:
            if code.startswith("DEP-"):
                assert arelle_code in RULES[code][1]
            if arelle_code != code:  # the NL plugin's own codes are ours (FR-KVK-5.01)
                assert f'"{arelle_code}"' in source, arelle_code


@pytest.mark.parametrize(
    ("qname", "old", "new", "facet", "limit", "nl"),
    [
        # nt19-index.json types: jenv-codes:legalFormItemType enumerates the full Dutch
        # names; "Besloten vennootschap" alone is not one of them.
        (
            tx.LEGAL_FORM,
            ">Besloten vennootschap met beperkte aansprakelijkheid<",
            "Besloten vennootschap",
            "enumeration",
            (
                "Besloten vennootschap met beperkte aansprakelijkheid",
                "Commanditaire vennootschap",
                "Cooperatie",
                "Naamloze vennootschap",
                "Onderlinge waarborgmaatschappij",
                "Stichting",
                "Vennootschap onder firma",
                "Vereniging",
            ),
            "die staat niet in de lijst van jenv-codes:legalFormItemType: 'Besloten "
            "vennootschap met beperkte aansprakelijkheid', ",
        ),
        # nl-types:string24ItemType (nl-cd:StreetNameNL): maxLength 24.
        (
            tx.ADDRESS_CONCEPTS["street"],
            ">Oudegracht<",
            "Burgemeester Wijnaendtsln",  # 25 characters
            "maxLength",
            24,
            "die is 25 tekens lang; het maximum is 24 (nl-types:string24ItemType)",
        ),
        # nl-types:nlzipItemType (nl-cd:PostalCodeNL): pattern ([1-9]{1}[0-9]{3}[A-Z]{2}).
        (
            tx.ADDRESS_CONCEPTS["postal_code"],
            ">3511AX<",
            "3511 AX",
            "pattern",
            "([1-9]{1}[0-9]{3}[A-Z]{2})",
            "die heeft niet de vorm die nl-types:nlzipItemType vraagt (patroon "
            "([1-9]{1}[0-9]{3}[A-Z]{2}))",
        ),
    ],
)
def test_dep_value_and_the_builders_check_name_the_facet_of_the_extract(
    qname, old, new, facet, limit, nl
):
    """The builder's check (tx.value_problem) names the facet and its limit as
    nt19-index.json has them, and DEP-VALUE says the same in Dutch and English."""
    problem = tx.value_problem(qname, new)
    assert problem is not None
    assert (problem.facet, problem.limit) == (facet, limit)
    [finding] = _hits(replace(BASE, old, f">{new}<"), "DEP-VALUE")
    assert nl in finding.message_nl
    assert problem.type in finding.message_en and f"{new!r}" in finding.message_en


# --- DEP-PERIOD-TYPE -----------------------------------------------------------------------
def test_a_duration_concept_in_an_instant_context():
    """nt19-index.json: NetRevenue has periodType duration."""
    assert nt.concept("jenv-bw2-i:NetRevenue").period_type == "duration"
    broken = replace(
        BASE,
        '<jenv-bw2-i:NetRevenue contextRef="FY_d"',
        '<jenv-bw2-i:NetRevenue contextRef="FY_end"',
    )
    [finding] = _hits(broken, "DEP-PERIOD-TYPE")
    assert "'FY_end'" in finding.message_nl and "duration" in finding.message_en


# --- DEP-MANDATORY and the KvK's existence assertions ------------------------------------
def _required(variant: str) -> set[str]:
    """What the KvK's existence assertions of severity ERROR ask for at least or exactly
    once (kvk.formulas), alternatives joined by " | "."""
    return {
        a.test.var.label_en.replace(" or ", " | ")
        for a in formulas.assertions("nt20", variant)
        if type(a.test).__name__ == "_Existence" and a.test.op != "<=" and a.severity == "error"
    }


def test_micro_requires_what_the_kvk_formulas_require():
    """nt19-kvk-supplement.json formulas_micro: the existence assertions of severity ERROR
    of the micro entry point's formula linkbases."""
    assert _required("micro") == {
        "nl-cd:ChamberOfCommerceRegistrationNumber",
        "nl-cd:LegalEntityName",
        "jenv-bw2-i:LegalEntityLegalForm",
        "jenv-bw2-i:LegalEntityRegisteredOffice",
        "jenv-bw2-i:FinancialReportingPeriodCurrentStartDate",
        "jenv-bw2-i:FinancialReportingPeriodCurrentEndDate",
        "jenv-bw2-i:DocumentAdoptionStatus",
        "jenv-bw2-i:BalanceSheetBeforeAfterAppropriationResults",
        "nl-cd:EmailAddressFull",
        "nl-cd:DocumentPresentationCurrency",
        "rj-i:FinancialReportingPeriodDifferentThanAnnualStatus",
        "rj-i:FinancialStatementsDateOfPreparation",
        "jenv-bw2-i:BasisOfPreparation",
        "nl-cd:PlaceOfResidenceNL | nl-cd:PlaceOfResidenceAbroad",
        "nl-cd:PostalCodeNL | nl-cd:PlaceOfResidenceAbroad",
        "kvk-i:LegalSizeCriteriaClassificationMicro",
    }
    assert _required("micro-publicatiestukken") == _required("micro")


def test_klein_requires_its_own_size_class_and_document_facts():
    """nt19-kvk-klein-formulas.json: kvk-entity-information_k-for.xml (the Small size class)
    and, for klein but not its publicatiestukken, kvk-document-information_k_m_g-for.xml;
    no existence check on the appropriation flag."""
    klein = _required("klein")
    assert "kvk-i:LegalSizeCriteriaClassificationSmall" in klein
    assert "kvk-i:LegalSizeCriteriaClassificationMicro" not in klein
    assert "jenv-bw2-i:BalanceSheetBeforeAfterAppropriationResults" not in klein
    document = {
        "rj-i:DocumentRelatesToIndividualEntityOrGroup",
        "kvk-i:IncomeStatementClassificationType",
    }
    assert document <= klein
    assert not document & _required("klein-publicatiestukken")


def test_dep_mandatory_gives_way_to_the_kvk_existence_assertions():
    """Where the extract records an entry point's formulas, DEP-MANDATORY checks nothing;
    for klein-verticaal (not read) it keeps the facts every filing has."""
    for variant in nt.MODELLED_VARIANTS:
        assert rules_module._required_facts(variant) == ()
    assert _hits(replace(BASE, LEGAL_NAME, ""), "DEP-MANDATORY") == []
    kept = {names for names, _ in rules_module._required_facts("klein-verticaal")}
    assert kept == {(qname,) for qname in rules_module._MANDATORY}
    assert {names[0] for names in kept} <= _required("klein")


# --- DEP-PERIOD, DEP-ADOPTION-DATE and the KvK's document-information assertions --------
#: (our code, the KvK's assertion that checks the same, whether the edit starts from an
#: adopted instance, the edit). The assertions are in kvk-document-information-for.xml,
#: which every modelled entry point uses (nt19-kvk-supplement.json formulas_micro,
#: nt19-kvk-klein-formulas.json).
GIVING_WAY = [
    (
        "DEP-PERIOD",
        "PrtDateEarlier24HDateLater1",  # previous end + 1 day = current start
        False,
        (
            'PreviousEndDate contextRef="FY">2024-12-31<',
            'PreviousEndDate contextRef="FY">2024-12-30<',
        ),
    ),
    (
        "DEP-PERIOD",
        "PrtDateEarlierDateLater3",  # current start before current end
        False,
        (
            'CurrentEndDate contextRef="FY">2025-12-31<',
            'CurrentEndDate contextRef="FY">2024-12-31<',
        ),
    ),
    (
        "DEP-PERIOD",
        "PrtDateEarlierDateLater2",  # previous start before previous end
        False,
        (
            'PreviousStartDate contextRef="FY">2024-01-01<',
            'PreviousStartDate contextRef="FY">2025-01-01<',
        ),
    ),
    (
        "DEP-ADOPTION-DATE",
        "PrtValueThnExistence3",  # Ja needs a date
        False,
        (
            'DocumentAdoptionStatus contextRef="FY">Nee<',
            'DocumentAdoptionStatus contextRef="FY">Ja<',
        ),
    ),
    (
        "DEP-ADOPTION-DATE",
        "PrtValueThnNoExistence2",  # Nee forbids a date
        True,
        (
            'DocumentAdoptionStatus contextRef="FY">Ja<',
            'DocumentAdoptionStatus contextRef="FY">Nee<',
        ),
    ),
    (
        "DEP-ADOPTION-DATE",
        "PrtDateEarlierDateLater1",  # adoption after the year end
        True,
        (
            'DocumentAdoptionDate contextRef="FY">2026-03-01<',
            'DocumentAdoptionDate contextRef="FY">2025-12-31<',
        ),
    ),
]


@pytest.mark.parametrize(
    ("code", "assertion", "adopted", "edit"), GIVING_WAY, ids=[g[1] for g in GIVING_WAY]
)
def test_own_period_and_adoption_checks_give_way_to_the_kvk_assertions(
    code, assertion, adopted, edit
):
    """Where kvk.formulas runs the KvK's assertion (micro and klein's publicatiestukken
    here), it reports the fault under its id and our DEP code does not; for klein-verticaal
    (its formulas not read: nt.GAPS) our code still does."""
    assertion_id = f"valueAssertion_DocumentInformation_{assertion}"
    klein = build_instance(_adopting(_klein()) if adopted else _klein()).decode()
    for text in (_adopted() if adopted else BASE, klein):
        codes = _codes(_check(replace(text, *edit)))
        assert assertion_id in codes and code not in codes, codes
    codes = _codes(_check(replace(ADOPTED_VERTICAAL if adopted else VERTICAAL, *edit)))
    assert code in codes and assertion_id not in codes, codes


def test_an_adoption_status_outside_the_list_is_dep_value_where_the_concepts_are_checked():
    """nl-codes:yesNoItemType lists 'Ja' and 'Nee' (nt19-index.json types): DEP-VALUE says
    so for an entry point the extract models; DEP-ADOPTION-DATE for klein-verticaal."""
    edit = (
        'DocumentAdoptionStatus contextRef="FY">Nee<',
        'DocumentAdoptionStatus contextRef="FY">Misschien<',
    )
    codes = _codes(_check(replace(BASE, *edit)))
    assert "DEP-VALUE" in codes and "DEP-ADOPTION-DATE" not in codes
    codes = _codes(_check(replace(VERTICAAL, *edit)))
    assert "DEP-ADOPTION-DATE" in codes and "DEP-VALUE" not in codes


def test_a_missing_required_fact_is_named_with_the_kvk_file_that_requires_it():
    """nt19-kvk-supplement.json formulas_micro, kvk-entity-information_u-for.xml."""
    broken = replace(
        BASE,
        '<kvk-i:LegalSizeCriteriaClassificationMicro contextRef="FY">Micro</kvk-i:LegalSizeCriteriaClassificationMicro>',  # noqa: E501
        "",
    )
    [finding] = _hits(broken, "existenceAssertion_EntityInformation_PrtExistOnce8")
    assert finding.severity == "error"
    assert "kvk-i:LegalSizeCriteriaClassificationMicro" in finding.message_nl
    assert "kvk-entity-information_u-for.xml" in finding.message_en


def test_a_foreign_place_satisfies_the_address_requirement():
    """kvk-entity-address-for.xml: exactly one of PlaceOfResidenceNL and
    PlaceOfResidenceAbroad (PrtExist02XOR1), and of PostalCodeNL and PlaceOfResidenceAbroad
    (XOR2); a foreign address has no Dutch parts."""
    abroad = BASE
    for name, value in (
        ("StreetNameNL", "Oudegracht"),
        ("HouseNumberNL", "120"),
        ("PostalCodeNL", "3511AX"),
    ):
        abroad = replace(abroad, f'<nl-cd:{name} contextRef="FY">{value}</nl-cd:{name}>', "")
    abroad = replace(
        abroad,
        '<nl-cd:PlaceOfResidenceNL contextRef="FY">Utrecht</nl-cd:PlaceOfResidenceNL>',
        '<nl-cd:PlaceOfResidenceAbroad contextRef="FY">Antwerpen</nl-cd:PlaceOfResidenceAbroad>',
    )
    assert not {c for c in _codes(_check(abroad)) if "EntityAddress" in c}
    gone = replace(
        BASE, '<nl-cd:PlaceOfResidenceNL contextRef="FY">Utrecht</nl-cd:PlaceOfResidenceNL>', ""
    )
    [finding] = _hits(gone, "existenceAssertion_EntityAddress_PrtExist02XOR1")
    assert "nl-cd:PlaceOfResidenceNL of nl-cd:PlaceOfResidenceAbroad" in finding.message_nl


def test_a_first_year_needs_no_previous_period():
    """kvk-document-information-for.xml asks for at most one previous start and end date
    (".le 1"): a first financial year without them is complete."""
    assert "FinancialReportingPeriodPreviousStartDate" not in FIRST_YEAR
    assert _check(FIRST_YEAR) == []


# --- the other rules in detail ---------------------------------------------------------------
@pytest.mark.parametrize(
    ("notes", "severity"),
    [
        ('<p style="margin: 0">x</p>', "error"),
        ('<ol><li type="disc">x</li></ol>', "error"),
        ("<p>unclosed", "warning"),
    ],
)
def test_formatted_explanations_are_checked_in_detail(notes, severity):
    note = {"AdditionalInformationToArticle395aDisclosure": "<p>PLACEHOLDER</p>"}
    good = build_instance(base_statements(notes=note)).decode()
    escaped = notes.replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    broken = replace(good, "&lt;p&gt;PLACEHOLDER&lt;/p&gt;", escaped)
    hits = [f for f in _check(broken, "a.xbrl") if f.code == "FR-NL-5.11"]
    assert [f.severity for f in hits] == [severity]


def test_allowed_formatting_passes():
    notes = '<p style="color: red; font-size: 10pt">x</p><ol><li type="a">y</li></ol>'
    note = {"AdditionalInformationToArticle395aDisclosure": notes}
    content = build_instance(base_statements(notes=note))
    assert check_instance(content, filing_date=FILING_DATE) == []


def test_file_name_rules_look_at_the_name_only():
    findings = _check(BASE, "uploads/2025 q4/jaarrekening_2025.xbrl")
    assert findings == []
    findings = _check(BASE, "C:\\Mijn stukken\\jaar rekening.xbrl")
    assert _codes(findings) == {"FR-NL-1.06"}


def test_warnings_alone_are_not_errors():
    findings = _check(CASES_BY_CODE["FG-NL-05"].breaking)
    assert _codes(findings) == {"FG-NL-05"}
    assert not has_errors(findings)


def test_line_numbers_point_at_the_offending_fact():
    broken = amount_decimals("1")
    line = next(i for i, text in enumerate(broken.splitlines(), 1) if 'decimals="1"' in text)
    findings = _check(broken)
    assert [f.line for f in findings if f.code == "FR-KVK-5.01"] == [line]


def test_repeated_findings_are_capped_and_summarised():
    broken = BASE.replace('decimals="0"', 'decimals="1"')
    hits = [f for f in _check(broken) if f.code == "FR-KVK-5.01"]
    assert len(hits) == 11
    assert "more findings" in hits[-1].message_en


def test_parse_failure_becomes_an_error_finding():
    findings = check_instance(b"<xbrli:xbrl", filing_date=FILING_DATE)
    assert [f.code for f in findings] == ["DEP-PARSE-XML"]
    assert findings[0].severity == "error" and findings[0].line == 1


def test_to_dict_shape():
    finding = _check(CASES_BY_CODE["FR-KVK-2.01"].breaking, "a.xbrl")[0]
    assert finding.to_dict() == {
        "code": "FR-KVK-2.01",
        "severity": "error",
        "message": finding.message_nl,
        "line": finding.line,
    }
    assert finding.to_dict("en")["message"] == finding.message_en


def test_accepted_generations_follow_production_dates():
    assert [g.code for g in tx.accepted_generations(date(2026, 6, 1))] == [
        "nt19",
        "nt20",
    ]
    assert "nt21" in [g.code for g in tx.accepted_generations(date(2027, 1, 1))]


CASES_BY_CODE = {c.code: c for c in CASES}


def test_a_klein_filing_may_state_the_size_micro():
    """kvk-codes:legalSizeCriteriaSmallItemType lists "Klein" and "Micro" (NT19 extract,
    nt19-kvk-micro-klein.json types), and klein's only check on the concept is that it
    exists once (kvk-entity-information_k-for.xml): a klein filing by a company of micro
    size is not an entry-point mismatch. The Micro concept in a klein filing is."""
    klein = build_instance(
        demo_statements(kvk_number=NUMBER, legal_name="K", year=2025, size="klein")
    )
    stated_micro = klein.replace(
        b">Klein</kvk-i:LegalSizeCriteriaClassificationSmall>",
        b">Micro</kvk-i:LegalSizeCriteriaClassificationSmall>",
    )
    assert stated_micro != klein
    assert "DEP-ENTRYPOINT-SIZE" not in _codes(
        check_instance(stated_micro, filing_date=FILING_DATE)
    )
    wrong_concept = klein.replace(
        b"LegalSizeCriteriaClassificationSmall", b"LegalSizeCriteriaClassificationMicro"
    ).replace(b">Klein<", b">Micro<")
    assert "DEP-ENTRYPOINT-SIZE" in _codes(check_instance(wrong_concept, filing_date=FILING_DATE))


# --- BR-KVK-4.17 ---------------------------------------------------------------------------
def _with_span(previous_start: date, current_end: date) -> str:
    text = replace(
        BASE,
        'PreviousStartDate contextRef="FY">2024-01-01<',
        f'PreviousStartDate contextRef="FY">{previous_start}<',
    )
    return replace(
        text,
        'CurrentEndDate contextRef="FY">2025-12-31<',
        f'CurrentEndDate contextRef="FY">{current_end}<',
    )


def test_the_period_span_is_measured_from_the_previous_start_to_the_current_end():
    """Arelle's NL plugin (br_kvk.py, rule_br_kvk_4_17) refuses when relativedelta(current
    end, previous start) is more than two years; our rule gives the same verdict on each
    day around the limit, leap days included."""
    relativedelta = pytest.importorskip("dateutil.relativedelta").relativedelta

    def arelle_refuses(start: date, end: date) -> bool:
        delta = relativedelta(end, start)
        return (delta.years == 2 and (delta.months > 0 or delta.days > 0)) or delta.years > 2

    starts = [date(2023, 1, 1), date(2023, 7, 1), date(2024, 2, 29), date(2023, 3, 31)]
    verdicts = set()
    for start in starts:
        for days in range(725, 736):
            end = date.fromordinal(start.toordinal() + days)
            ours = bool(_hits(_with_span(start, end), "BR-KVK-4.17"))
            assert ours == arelle_refuses(start, end), (start, end)
            verdicts.add(ours)
    assert verdicts == {True, False}


def test_an_extended_first_year_as_comparative_exceeds_two_years():
    """18 months and 12 months: 30 months from the previous start to the current end."""
    [finding] = _hits(CASES_BY_CODE["BR-KVK-4.17"].breaking, "BR-KVK-4.17")
    assert "2023-07-01" in finding.message_nl and "2025-12-31" in finding.message_en
    assert "verlengd eerste boekjaar" in finding.message_nl


def test_a_first_year_of_two_years_is_a_period_finding_not_br_kvk_4_17():
    long_first = [c for c in CASES if c.code == "DEP-PERIOD"][-1].breaking
    codes = _codes(_check(long_first))
    assert "DEP-PERIOD" in codes and "BR-KVK-4.17" not in codes


# --- FR-NL-5.01 ----------------------------------------------------------------------------
def test_duplicate_facts_say_whether_their_values_agree():
    [same] = _hits(add_fact(BASE, LEGAL_NAME), "FR-NL-5.01")
    assert "dezelfde waarde" in same.message_nl and "same value" in same.message_en
    [other] = _hits(add_fact(BASE, LEGAL_NAME.replace("Demo B.V.", "Demo")), "FR-NL-5.01")
    assert "'Demo B.V.' and 'Demo'" in other.message_en


def test_the_same_concept_in_different_contexts_or_units_is_no_duplicate():
    """Assets at the current and the previous balance sheet date (two contexts)."""
    assert BASE.count("<jenv-bw2-i:Assets ") == 2
    assert _hits(BASE, "FR-NL-5.01") == []


# --- FR-NL-2.03 ----------------------------------------------------------------------------
def test_a_document_without_xml_lang_gets_its_other_findings_too():
    """Not a parse failure: FR-NL-2.03 (and FR-KVK-2.01, as Arelle's fr_kvk.py reports it
    too) beside the document's other findings."""
    broken = add_fact(replace(BASE, ' xml:lang="nl"', ""), LEGAL_NAME)
    codes = _codes(_check(broken))
    assert {"FR-NL-2.03", "FR-KVK-2.01", "FR-NL-5.01"} <= codes
    assert not any(code.startswith("DEP-PARSE") for code in codes)


def test_fr_kvk_2_01_says_the_attribute_is_missing_when_it_is():
    """FR-KVK-2.01 (KVK-SBR.md section 4: root xml:lang is nl, en, de or fr) beside
    FR-NL-2.03 for a root without xml:lang: it names the languages the KvK takes and does
    not claim the document has xml:lang='' (the 25 page showed exactly that)."""
    (missing,) = _hits(replace(BASE, ' xml:lang="nl"', ""), "FR-KVK-2.01")
    assert "geen xml:lang" in missing.message_nl and "has no xml:lang" in missing.message_en
    assert "nl, en, de of fr" in missing.message_nl
    assert "''" not in missing.message_nl + missing.message_en
    # An attribute that is there but empty is quoted as it stands.
    (empty,) = _hits(replace(BASE, 'xml:lang="nl"', 'xml:lang=""'), "FR-KVK-2.01")
    assert "xml:lang='' " in empty.message_nl and "xml:lang='' " in empty.message_en


# --- FG-NL-03 ------------------------------------------------------------------------------
def _in_generation(text: str, code: str) -> str:
    """The NT19 instance text with every NT19 namespace and the entry point moved to
    another generation's (kvk.taxonomy: EARLIER_GENERATIONS or GENERATIONS)."""
    nt19 = tx.generation("nt19")
    other = next(g for g in tx.known_generations() if g.code == code)
    for prefix, uri in nt19.namespaces.items():
        text = text.replace(f'"{uri}"', f'"{other.namespaces[prefix]}"')
    return text.replace(nt19.entry_point_root, other.entry_point_root).replace(
        "jaarverantwoording-2024-", f"jaarverantwoording-{other.financial_year}-"
    )


NT19_BASE = build_instance(statements_for(2024)).decode()


def test_recommended_prefixes_hold_in_older_generations():
    """An NT18 instance (jenv 20231213, as Arelle's NL plugin lists NT18) with a prefix of
    its own for jenv-bw2-data: FG-NL-03, as for the generations this product files."""
    nt18 = _in_generation(NT19_BASE, "nt18")
    namespace = "http://www.nltaxonomie.nl/nt18/jenv/20231213/dictionary/jenv-bw2-data"
    assert f'xmlns:jenv-bw2-i="{namespace}"' in nt18
    assert _hits(nt18, "FG-NL-03") == []
    renamed = nt18.replace("jenv-bw2-i:", "jenv:").replace("xmlns:jenv-bw2-i=", "xmlns:jenv=")
    [finding] = _hits(renamed, "FG-NL-03")
    assert namespace in finding.message_en and "'jenv-bw2-i'" in finding.message_en


def test_an_older_generations_entry_point_is_named_in_fr_kvk_2_03():
    [finding] = _hits(_in_generation(NT19_BASE, "nt18"), "FR-KVK-2.03")
    assert "NT18" in finding.message_nl and "no longer accepts" in finding.message_en


# --- FR-NL-5.11 ----------------------------------------------------------------------------
PLAIN_NOTE = "Winst & verlies < 5% van de omzet; R&D > 0."


def test_the_builder_escapes_plain_text_as_xhtml():
    """A plain note is escaped XHTML in the fact value ("&amp;" in the value, so
    "&amp;amp;" in the XML), so it stays well-formed for FR-NL-5.11."""
    note = {"AdditionalInformationToArticle395aDisclosure": PLAIN_NOTE}
    content = build_instance(base_statements(notes=note)).decode()
    assert "Winst &amp;amp; verlies &amp;lt; 5%" in content
    assert _hits(content, "FR-NL-5.11") == []


def test_an_unescaped_ampersand_in_a_formatted_explanation_is_a_warning():
    """As in Arelle's fr_nl.py: a formatted explanation that is no well-formed XHTML."""
    note = {"AdditionalInformationToArticle395aDisclosure": PLAIN_NOTE}
    content = build_instance(base_statements(notes=note)).decode()
    broken = replace(content, "Winst &amp;amp; verlies", "Winst &amp; verlies")
    [finding] = _hits(broken, "FR-NL-5.11")
    assert finding.severity == "warning" and "&amp;" in finding.message_en
    # In a plain string concept an ampersand is just text.
    assert _hits(replace(BASE, ">Utrecht<", ">Utrecht &amp; Zeist<"), "FR-NL-5.11") == []


# --- DEP-ENTRYPOINT-UNSUPPORTED ------------------------------------------------------------
@pytest.mark.parametrize("name", ["middelgroot", "middelgroot-publicatiestukken", "groot"])
def test_a_valid_kvk_entry_point_this_product_does_not_build_has_its_own_code(name):
    content = replace(BASE, "nlgaap-micro.xsd", f"nlgaap-{name}.xsd")
    codes = _codes(_check(content))
    assert "DEP-ENTRYPOINT-UNSUPPORTED" in codes and "FR-KVK-2.03" not in codes
    [finding] = _hits(content, "DEP-ENTRYPOINT-UNSUPPORTED")
    assert name in finding.message_nl and "NT20" in finding.message_en


def test_an_entry_point_name_the_kvk_does_not_publish_is_fr_kvk_2_03():
    """groot has no publicatiestukken entry point in Arelle's NL plugin's list."""
    assert "groot-publicatiestukken" not in tx.OTHER_KVK_ENTRY_POINTS
    content = replace(BASE, "nlgaap-micro.xsd", "nlgaap-groot-publicatiestukken.xsd")
    codes = _codes(_check(content))
    assert "FR-KVK-2.03" in codes and "DEP-ENTRYPOINT-UNSUPPORTED" not in codes


# --- DEP-CONTENTS --------------------------------------------------------------------------
def _variant_statements(variant: str, **changes) -> FinancialStatements:
    st = demo_statements(
        kvk_number=NUMBER,
        legal_name="Demo B.V.",
        year=2025,
        size=tx.size_of_variant(variant),
        variant=variant,
    )
    return copy_of(st, **changes)


def _contents(variant: str, **changes) -> list[Finding]:
    content = build_instance(_variant_statements(variant, **changes))
    return [f for f in _check(content) if f.code == "DEP-CONTENTS"]


@pytest.mark.parametrize("variant", nt.MODELLED_VARIANTS)
def test_every_variant_needs_a_balance_sheet_that_is_not_all_zero(variant):
    """Every modelled entry point has a balance-sheet role (nt19 extract)."""
    assert tx.line_items(variant, "balance")
    assert _contents(variant) == []
    [missing] = _contents(variant, balance={})
    assert missing.severity == "error"
    assert "balans ontbreekt" in missing.message_nl and "balance sheet" in missing.message_en
    zeros = {name: (Decimal(0), Decimal(0)) for name in tx.line_items(variant, "balance")}
    [zero] = _contents(variant, balance=zeros)
    assert zero.severity == "error" and "0" in zero.message_nl


def test_klein_needs_its_profit_and_loss_and_its_publication_pieces_do_not():
    """klein-publicatiestukken has no income-statement role (nt19-kvk-klein.json)."""
    shorts = {role.short for role in nt.entry_point("klein-publicatiestukken").roles}
    assert "income-statement-small" not in shorts
    [missing] = _contents("klein", profit_loss={})
    assert missing.severity == "error" and "winst-en-verliesrekening" in missing.message_nl
    assert "klein-publicatiestukken" in missing.message_en
    assert _contents("klein-publicatiestukken", profit_loss={}) == []


@pytest.mark.parametrize("variant", ["klein", "klein-publicatiestukken"])
def test_klein_needs_its_notes(variant):
    [missing] = _contents(variant, notes={})
    assert missing.severity == "error"
    assert "toelichting ontbreekt" in missing.message_nl and "notes" in missing.message_en


def test_klein_notes_may_be_in_roles_the_extract_did_not_read():
    """nt19-kvk-klein.json read klein only in part (complete: false): a fact the extract
    does not know may be a note of an unread role, so missing notes are a warning then."""
    assert nt.entry_point("klein").complete is False
    content = build_instance(_variant_statements("klein", notes={})).decode()
    unread = add_fact(
        content,
        '<rj-i:IntangibleAssetsDisclosure contextRef="FY">Geen.</rj-i:IntangibleAssetsDisclosure>',
    )
    assert "rj-i:IntangibleAssetsDisclosure" not in nt.concepts()
    [finding] = _hits(unread, "DEP-CONTENTS")
    assert finding.severity == "warning"


@pytest.mark.parametrize("variant", ["micro", "micro-publicatiestukken"])
def test_missing_micro_notes_are_a_warning_that_explains_why(variant):
    """The KvK's formulas for micro (nt19-kvk-supplement.json formulas_micro) have no
    existence assertion on a notes concept: art. 2:395a BW asks only what applies."""
    notes = set(tx.line_items(variant, "notes"))
    for record in nt.formula_files(variant):
        for assertion in record.get("assertions") or []:
            if assertion.get("type") == "existence":
                filters = " ".join(
                    " ".join(v.get("filters") or []) for v in assertion.get("variables") or []
                )
                assert not any(f":{name}" in filters for name in notes), assertion["id"]
    [finding] = _contents(variant, notes={})
    assert finding.severity == "warning"
    assert "2:395a" in finding.message_nl and "nothing to disclose" in finding.message_en


# --- generations ---------------------------------------------------------------------------
def test_no_generation_has_a_published_retirement_date_yet():
    assert [g.retired_from for g in tx.GENERATIONS] == [None] * len(tx.GENERATIONS)


@pytest.fixture
def nt19_retired(monkeypatch):
    """NT19 as if the KvK had published 2027-01-01 as the day it retires."""
    retired = [
        copy_of(g, retired_from=date(2027, 1, 1)) if g.code == "nt19" else g for g in tx.GENERATIONS
    ]
    monkeypatch.setattr(tx, "GENERATIONS", tuple(retired))
    monkeypatch.setattr(tx, "_ENTRY_POINTS", {})
    monkeypatch.setattr(tx, "_OTHER_ENTRY_POINTS", {})
    return retired[0]


def test_accepted_generations_honour_the_retirement_date(nt19_retired):
    assert nt19_retired.code == "nt19"
    assert "nt19" in [g.code for g in tx.accepted_generations(date(2026, 12, 31))]
    assert [g.code for g in tx.accepted_generations(date(2027, 1, 1))] == ["nt20", "nt21"]


def test_a_late_filing_uses_the_newest_accepted_generation_for_its_year(nt19_retired):
    assert tx.accepted_generation_for_year(2024, date(2026, 6, 1)).code == "nt19"
    assert tx.accepted_generation_for_year(2026, date(2026, 6, 1)).code == "nt20"
    assert tx.accepted_generation_for_year(2026, date(2026, 12, 15)).code == "nt21"
    assert tx.accepted_generation_for_year(2025, date(2027, 3, 1)).code == "nt20"
    assert tx.accepted_generation_for_year(2024, date(2027, 3, 1)) is None


def test_a_financial_year_2024_filed_after_nt19_retired_is_told_why(nt19_retired):
    content = build_instance(statements_for(2024)).decode()
    assert _hits(content, "FR-KVK-2.03") == []  # on 2026-06-01 NT19 is accepted
    [finding] = [
        f for f in _check(content, filing_date=date(2027, 3, 1)) if f.code == "FR-KVK-2.03"
    ]
    assert "NT19" in finding.message_en and "since 2027-01-01" in finding.message_en
    assert "For financial year 2024 the KvK accepts no taxonomy" in finding.message_en
    assert "Voor boekjaar 2024 accepteert de KvK" in finding.message_nl
    # Filed with NT20 instead: NT20 applies from financial year 2025 only.
    newer = build_instance(statements_for(2024, generation="nt20")).decode()
    [year] = [
        f for f in _check(newer, filing_date=date(2027, 3, 1)) if f.code == "DEP-GENERATION-YEAR"
    ]
    assert "For financial year 2024 the KvK accepts no taxonomy" in year.message_en


def test_a_financial_year_2025_in_nt19_after_it_retired_is_pointed_to_nt20(nt19_retired):
    content = build_instance(statements_for(2025, generation="nt19")).decode()
    [finding] = [
        f for f in _check(content, filing_date=date(2027, 3, 1)) if f.code == "FR-KVK-2.03"
    ]
    assert "Build the document again with NT20" in finding.message_en


# --- DEP-NAMESPACE across generations ------------------------------------------------------
def test_concepts_of_another_generation_are_named_as_such():
    """A schemaRef of NT19 with nl-cd concepts in NT20's namespace (kvk.taxonomy: NT20's
    sbr date 20250301)."""
    nt19, nt20 = tx.generation("nt19").namespaces, tx.generation("nt20").namespaces
    mixed = replace(NT19_BASE, f'xmlns:nl-cd="{nt19["nl-cd"]}"', f'xmlns:nl-cd="{nt20["nl-cd"]}"')
    findings = _hits(mixed, "DEP-NAMESPACE")
    assert findings and all(f.severity == "error" for f in findings)
    assert all("a concept of NT20 in an NT19 filing" in f.message_en for f in findings)
    assert all("een gegeven van NT20 in een NT19-jaarrekening" in f.message_nl for f in findings)
    assert all(nt19["nl-cd"] in f.message_en for f in findings)
