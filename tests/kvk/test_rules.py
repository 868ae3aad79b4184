"""Each filing rule with an instance that breaks it and one that does not.

Instances are derived from a valid built instance by one textual change; every change
asserts that it really changed something, so a changed builder cannot make a test pass
vacuously. The concept rules (DEP-CONCEPT, DEP-NAMESPACE, DEP-DIMENSIONS, DEP-PERIOD-TYPE,
DEP-VALUE, DEP-MANDATORY) are anchored in the NT19 extract (kvk/nt19/*.json, read through
kvk.nt): each test names the file the fact it relies on comes from.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from dataclasses import replace as copy_of
from datetime import date
from pathlib import Path

import pytest

from kvk import nt
from kvk import rules as rules_module
from kvk import taxonomy as tx
from kvk.builder import build_instance
from kvk.rules import RULES, Finding, check_instance, has_errors
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


def replace(text: str, old: str, new: str, count: int = 1) -> str:
    assert old in text, f"{old!r} not in instance"
    return text.replace(old, new, count)


def before_facts(text: str, xml: str) -> str:
    """Insert contexts/units just after the schemaRef (keeps FG-NL-04 satisfied)."""
    marker = 'micro.xsd"/>\n'
    return replace(text, marker, marker + xml + "\n")


def add_fact(text: str, xml: str) -> str:
    return replace(text, "</xbrli:xbrl>", xml + "\n</xbrli:xbrl>")


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


def _adopted(**extra) -> str:
    return build_instance(
        base_statements(adopted=True, adoption_date=date(2026, 3, 1), **extra)
    ).decode()


def _first_year(st: FinancialStatements) -> FinancialStatements:
    """The same statements as a first financial year: no previous year, no comparatives."""
    st.previous_start = st.previous_end = None
    st.balance = {k: (current, None) for k, (current, _) in st.balance.items()}
    st.profit_loss = {k: (current, None) for k, (current, _) in st.profit_loss.items()}
    return st


FIRST_YEAR = build_instance(_first_year(base_statements())).decode()


CASES = [
    Case("FR-NL-1.01", "\ufeff" + BASE),
    Case(
        "FR-NL-1.02",
        replace(BASE, ">Demo B.V.<", ">Demo \u2603 B.V.<"),
        replace(BASE, ">Demo B.V.<", ">Café € B.V.<"),
    ),
    Case(
        "FR-NL-1.03",
        replace(BASE, "?>\n", "?>\n<!DOCTYPE xbrl>\n"),
    ),
    Case(
        "FR-NL-1.04",
        replace(BASE, ">Demo B.V.<", ">Demo &#x2603; B.V.<"),
        replace(BASE, ">Demo B.V.<", ">Demo &amp; Zn &#233; &#x20AC; B.V.<"),
    ),
    Case(
        "FR-NL-1.05",
        replace(BASE, "encoding='UTF-8'", "encoding='ISO-8859-1'").encode("utf-8"),
    ),
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
    Case("FR-NL-2.06", replace(BASE, ">Demo B.V.<", "><![CDATA[Demo B.V.]]><")),
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
    Case(
        "FR-NL-3.03",
        before_facts(BASE, FY_CONTEXT.format(id="unused", period=FY_PERIOD)),
    ),
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
    Case(
        "FR-NL-5.01",
        add_fact(BASE, LEGAL_NAME.replace("Demo B.V.", "Demo")),
    ),
    Case("FR-NL-5.03", replace(BASE, ">Demo B.V.<", "><")),
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
    Case("FG-NL-03", BASE.replace("kvk-i:", "kvk:").replace("xmlns:kvk-i=", "xmlns:kvk=")),
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
    Case(
        "FR-KVK-2.03",
        # NT21 before its production date is not accepted; after it, it is.
        build_instance(base_statements(generation="nt21")).decode(),
        build_instance(base_statements(generation="nt21")).decode(),
        filing_date=date(2026, 12, 1),
        passing_filing_date=date(2026, 12, 15),
    ),
    Case(
        "FR-KVK-5.01",
        replace(BASE, 'decimals="0">53250', 'decimals="1">53250'),
        replace(BASE, 'decimals="0">53250', 'decimals="-3">53250'),
    ),
    Case(
        "FR-KVK-5.02",
        replace(BASE, 'unitRef="pure" decimals="INF"', 'unitRef="pure" decimals="0"'),
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
    Case(
        "BR-KVK-4.07",
        BASE,
        filing_date=date(2025, 12, 31),
        passing_filing_date=date(2026, 1, 1),
    ),
    Case(
        "BR-KVK-4.10",
        _adopted(),
        _adopted(),
        filing_date=date(2026, 2, 28),
        passing_filing_date=date(2026, 3, 1),
    ),
    Case(
        "BR-KVK-4.12",
        replace(
            BASE,
            'Inaccuracies contextRef="FY">Nee<',
            'Inaccuracies contextRef="FY">Ja<',
        ),
        _adopted(resubmission=True, resubmission_explanation="Correctie."),
    ),
    Case(
        "BR-KVK-4.16",
        replace(
            replace(
                _adopted(),
                'Inaccuracies contextRef="FY">Nee<',
                'Inaccuracies contextRef="FY">Ja<',
            ),
            '<jenv-bw2-i:DocumentAdoptionDate contextRef="FY">2026-03-01</jenv-bw2-i:DocumentAdoptionDate>',  # noqa: E501
            "",
        ),
        _adopted(resubmission=True, resubmission_explanation="Correctie."),
    ),
    Case(
        "BR-KVK-4.17",
        replace(
            BASE,
            'PreviousStartDate contextRef="FY">2024-01-01<',
            'PreviousStartDate contextRef="FY">2022-12-31<',
        ),
        replace(
            BASE,
            'PreviousStartDate contextRef="FY">2024-01-01<',
            'PreviousStartDate contextRef="FY">2023-01-02<',
        ),
    ),
    Case("BR-KVK-4.20", replace(_adopted(), ">2026-03-01<", ">2026-02-30<")),
    Case(
        "BR-KVK-4.20",
        replace(BASE, "<xbrli:instant>2024-12-31</", "<xbrli:instant>2024-13-31</"),
    ),
    Case("DEP-MANDATORY", replace(BASE, LEGAL_NAME, "")),
    Case(
        # nl-cd:EmailAddressFull: existence assertion of severity ERROR in
        # kvk-document-information-for.xml (nt19-kvk-supplement.json formulas_micro).
        "DEP-MANDATORY",
        replace(
            BASE,
            '<nl-cd:EmailAddressFull contextRef="FY">administratie@example.nl</nl-cd:EmailAddressFull>',  # noqa: E501
            "",
        ),
    ),
    Case(
        "DEP-IDENTIFIER",
        replace(BASE, 'scheme="http://www.kvk.nl/kvk-id"', 'scheme="http://example.com/id"'),
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
        "DEP-PERIOD",
        replace(
            BASE,
            'PreviousEndDate contextRef="FY">2024-12-31<',
            'PreviousEndDate contextRef="FY">2024-12-30<',
        ),
        FIRST_YEAR,
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
    Case(
        # Financial facts need BasisOfPreparationAxis and FinancialStatementsTypeAxis
        # (closed hypercubes of nt19-kvk-micro-klein.json, dimensions).
        "DEP-DIMENSIONS",
        replace(BASE, COMMERCIAL, "", count=2),
    ),
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
    Case("DEP-BALANCE", replace(BASE, 'decimals="0">120045<', 'decimals="0">120046<')),
    Case(
        "DEP-BALANCE",
        # Subtotal wrong while the totals still agree.
        replace(BASE, 'decimals="0">53250<', 'decimals="0">53251<'),
    ),
    Case(
        "DEP-ADOPTION-DATE",
        replace(
            BASE,
            'DocumentAdoptionStatus contextRef="FY">Nee<',
            'DocumentAdoptionStatus contextRef="FY">Ja<',
        ),
        _adopted(),
    ),
    Case(
        "DEP-RESUBMISSION",
        replace(
            BASE,
            'Inaccuracies contextRef="FY">Nee<',
            'Inaccuracies contextRef="FY">Misschien<',
        ),
        _adopted(resubmission=True, resubmission_explanation="Correctie."),
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
    st.adopted, st.adoption_date = True, date(2026, 3, 1)
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
    assert "DEP-MANDATORY" not in _codes(_check(CASES_BY_CODE["DEP-NAMESPACE"].breaking))


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
    monkeypatch.setattr(rules_module, "_entry_point_model", lambda gen, variant: widened)
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
    two = _check(replace(BASE, 'decimals="0">53250<', 'decimals="2">53250<'))
    [finding] = [f for f in two if f.code == "DEP-VALUE"]
    assert "FR-KVK-5.01" not in _codes(two)
    assert 'decimals="0"' in finding.message_nl and "decimals='2'" in finding.message_en
    assert _hits(replace(BASE, 'decimals="0">53250<', 'decimals="-3">53250<'), "DEP-VALUE") == []
    # decimals="1" is FR-KVK-5.01's, reported once.
    one = _check(replace(BASE, 'decimals="0">53250<', 'decimals="1">53250<'))
    assert [f.code for f in one] == ["FR-KVK-5.01"]


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


# --- DEP-MANDATORY -------------------------------------------------------------------------
def _required(variant: str) -> set[str]:
    return {" | ".join(names) for names, _ in rules_module._required_facts(variant)}


def test_micro_requires_what_the_kvk_formulas_require():
    """nt19-kvk-supplement.json formulas_micro: the existence assertions of severity ERROR
    of the micro entry point's formula linkbases, plus the rule's own base list."""
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


def test_a_missing_required_fact_is_named_with_the_kvk_file_that_requires_it():
    """nt19-kvk-supplement.json formulas_micro, kvk-entity-information_u-for.xml."""
    broken = replace(
        BASE,
        '<kvk-i:LegalSizeCriteriaClassificationMicro contextRef="FY">Micro</kvk-i:LegalSizeCriteriaClassificationMicro>',  # noqa: E501
        "",
    )
    [finding] = _hits(broken, "DEP-MANDATORY")
    assert "kvk-i:LegalSizeCriteriaClassificationMicro" in finding.message_nl
    assert "kvk-entity-information_u-for.xml" in finding.message_en


def test_a_foreign_place_satisfies_the_address_requirement():
    """kvk-entity-address-for.xml: PlaceOfResidenceNL or PlaceOfResidenceAbroad."""
    abroad = replace(
        BASE,
        '<nl-cd:PlaceOfResidenceNL contextRef="FY">Utrecht</nl-cd:PlaceOfResidenceNL>',
        '<nl-cd:PlaceOfResidenceAbroad contextRef="FY">Antwerpen</nl-cd:PlaceOfResidenceAbroad>',
    )
    assert _hits(abroad, "DEP-MANDATORY") == []
    gone = replace(
        BASE, '<nl-cd:PlaceOfResidenceNL contextRef="FY">Utrecht</nl-cd:PlaceOfResidenceNL>', ""
    )
    [finding] = _hits(gone, "DEP-MANDATORY")
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
    broken = replace(BASE, 'decimals="0">53250', 'decimals="1">53250')
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
