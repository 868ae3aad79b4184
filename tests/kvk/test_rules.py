"""Each filing rule with an instance that breaks it and one that does not.

Instances are derived from a valid built instance by one textual change; every change
asserts that it really changed something, so a changed builder cannot make a test pass
vacuously.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pytest

from kvk import taxonomy as tx
from kvk.builder import build_instance
from kvk.rules import RULES, Finding, check_instance, has_errors
from kvk.statements import demo_statements

FILING_DATE = date(2026, 6, 1)
NUMBER = "12345678"


def base_statements(**changes):
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
    marker = '-micro.xsd"/>\n'
    return replace(text, marker, marker + xml + "\n")


def add_fact(text: str, xml: str) -> str:
    return replace(text, "</xbrli:xbrl>", xml + "\n</xbrli:xbrl>")


FY_CONTEXT = (
    '<xbrli:context id="{id}"><xbrli:entity><xbrli:identifier scheme="http://www.kvk.nl/kvk-id">'
    "12345678</xbrli:identifier></xbrli:entity><xbrli:period>{period}</xbrli:period>"
    "</xbrli:context>"
)
FY_PERIOD = "<xbrli:startDate>2025-01-01</xbrli:startDate><xbrli:endDate>2025-12-31</xbrli:endDate>"


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


def statements_for(year: int, **changes):
    st = demo_statements(kvk_number=NUMBER, legal_name="Demo B.V.", year=year)
    for key, value in changes.items():
        setattr(st, key, value)
    return st


def _adopted(**extra):
    return build_instance(
        base_statements(adopted=True, adoption_date=date(2026, 3, 1), **extra)
    ).decode()


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
            '<jenv-bw2-i:LegalEntityName contextRef="FY">',
            '<jenv-bw2-i:LegalEntityName contextRef="FY" xsi:nil="false">',
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
            '<jenv-bw2-i:BusinessNames contextRef="F">Demo</jenv-bw2-i:BusinessNames>',
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
        add_fact(
            BASE,
            '<jenv-bw2-i:LegalEntityName contextRef="FY">Demo</jenv-bw2-i:LegalEntityName>',
        ),
    ),
    Case("FR-NL-5.03", replace(BASE, ">Demo B.V.<", "><")),
    Case(
        "FR-NL-5.06",
        replace(
            BASE,
            'unitRef="EUR" decimals="0">48250',
            'unitRef="EUR" precision="5">48250',
        ),
    ),
    Case(
        "FR-NL-5.11",
        replace(BASE, ">Utrecht<", ">&lt;b&gt;Utrecht&lt;/b&gt;<"),
        build_instance(
            base_statements(notes="<p>Grondslagen</p><ul><li>nominaal</li></ul>")
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
            '<jenv-bw2-i:LegalEntityName contextRef="FY">',
            '<jenv-bw2-i:LegalEntityName id="f1" contextRef="FY">',
        ),
    ),
    Case(
        "FG-NL-11",
        add_fact(
            before_facts(
                BASE,
                '<xbrli:unit id="p"><xbrli:measure>xbrli:people</xbrli:measure></xbrli:unit>',
            ),
            '<jenv-bw2-i:AverageNumberOfEmployees contextRef="FY" unitRef="p" decimals="INF">3</jenv-bw2-i:AverageNumberOfEmployees>',  # noqa: E501
        ),
        add_fact(
            before_facts(
                BASE,
                '<xbrli:unit id="p"><xbrli:measure>xbrli:pure</xbrli:measure></xbrli:unit>',
            ),
            '<jenv-bw2-i:AverageNumberOfEmployees contextRef="FY" unitRef="p" decimals="INF">3</jenv-bw2-i:AverageNumberOfEmployees>',  # noqa: E501
        ),
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
            '<jenv-bw2-i:LegalEntityName contextRef="FY">',
            '<jenv-bw2-i:LegalEntityName contextRef="FY" xml:lang="en">',
        ),
        replace(
            BASE,
            '<jenv-bw2-i:LegalEntityName contextRef="FY">',
            '<jenv-bw2-i:LegalEntityName contextRef="FY" xml:lang="nl">',
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
        replace(BASE, 'decimals="0">48250', 'decimals="1">48250'),
        replace(BASE, 'decimals="0">48250', 'decimals="-3">48250'),
    ),
    Case(
        "FR-KVK-5.02",
        add_fact(
            before_facts(
                BASE,
                '<xbrli:unit id="p"><xbrli:measure>xbrli:pure</xbrli:measure></xbrli:unit>',
            ),
            '<jenv-bw2-i:AverageNumberOfEmployees contextRef="FY" unitRef="p" decimals="0">3</jenv-bw2-i:AverageNumberOfEmployees>',  # noqa: E501
        ),
        add_fact(
            before_facts(
                BASE,
                '<xbrli:unit id="p"><xbrli:measure>xbrli:pure</xbrli:measure></xbrli:unit>',
            ),
            '<jenv-bw2-i:AverageNumberOfEmployees contextRef="FY" unitRef="p" decimals="INF">3</jenv-bw2-i:AverageNumberOfEmployees>',  # noqa: E501
        ),
    ),
    Case(
        "BR-KVK-2.04",
        replace(BASE, "<xbrli:instant>2025-12-31</", "<xbrli:instant>2025-06-30</"),
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
        _adopted(resubmission=True),
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
        _adopted(resubmission=True),
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
    Case(
        "DEP-MANDATORY",
        replace(
            BASE,
            '<jenv-bw2-i:LegalEntityName contextRef="FY">Demo B.V.</jenv-bw2-i:LegalEntityName>',
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
    ),
    Case(
        "DEP-REFERENCE",
        replace(
            BASE,
            '<jenv-bw2-i:LegalEntityName contextRef="FY">',
            '<jenv-bw2-i:LegalEntityName contextRef="nope">',
        ),
    ),
    Case(
        "DEP-DIMENSIONS",
        replace(
            BASE,
            '<xbrldi:explicitMember dimension="jenv-bw2-dim:BasisOfPreparationAxis">jenv-bw2-dm:CommercialMember</xbrldi:explicitMember>',  # noqa: E501
            "",
            count=2,
        ),
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
        _adopted(resubmission=True),
    ),
]


def _codes(findings: list[Finding]) -> set[str]:
    return {f.code for f in findings}


def _check(content: str | bytes, filename: str, filing_date: date, kwargs: dict) -> list[Finding]:
    if isinstance(content, str):
        content = content.encode("utf-8")
    return check_instance(content, filename=filename, filing_date=filing_date, **kwargs)


def test_base_instance_has_no_findings():
    assert _check(BASE, "jaarrekening.xbrl", FILING_DATE, {}) == []


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


@pytest.mark.parametrize(
    ("notes", "severity"),
    [
        ('<p style="margin: 0">x</p>', "error"),
        ('<ol><li type="disc">x</li></ol>', "error"),
        ("<p>unclosed", "warning"),
    ],
)
def test_formatted_explanations_are_checked_in_detail(notes, severity):
    good = build_instance(base_statements(notes="<p>PLACEHOLDER</p>")).decode()
    escaped = notes.replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    broken = replace(good, "&lt;p&gt;PLACEHOLDER&lt;/p&gt;", escaped)
    hits = [f for f in _check(broken, "a.xbrl", FILING_DATE, {}) if f.code == "FR-NL-5.11"]
    assert [f.severity for f in hits] == [severity]


def test_allowed_formatting_passes():
    notes = '<p style="color: red; font-size: 10pt">x</p><ol><li type="a">y</li></ol>'
    content = build_instance(base_statements(notes=notes))
    assert check_instance(content, filing_date=FILING_DATE) == []


def test_file_name_rules_look_at_the_name_only():
    findings = _check(BASE, "uploads/2025 q4/jaarrekening_2025.xbrl", FILING_DATE, {})
    assert findings == []
    findings = _check(BASE, "C:\\Mijn stukken\\jaar rekening.xbrl", FILING_DATE, {})
    assert _codes(findings) == {"FR-NL-1.06"}


def test_warnings_alone_are_not_errors():
    findings = _check(CASES_BY_CODE["FG-NL-05"].breaking, "jaarrekening.xbrl", FILING_DATE, {})
    assert _codes(findings) == {"FG-NL-05"}
    assert not has_errors(findings)


def test_line_numbers_point_at_the_offending_fact():
    broken = replace(BASE, 'decimals="0">48250', 'decimals="1">48250')
    line = next(i for i, text in enumerate(broken.splitlines(), 1) if 'decimals="1"' in text)
    findings = _check(broken, "jaarrekening.xbrl", FILING_DATE, {})
    assert [f.line for f in findings if f.code == "FR-KVK-5.01"] == [line]


def test_repeated_findings_are_capped_and_summarised():
    broken = BASE.replace('decimals="0"', 'decimals="1"')
    hits = [
        f for f in _check(broken, "jaarrekening.xbrl", FILING_DATE, {}) if f.code == "FR-KVK-5.01"
    ]
    assert len(hits) == 11
    assert "more findings" in hits[-1].message_en


def test_parse_failure_becomes_an_error_finding():
    findings = check_instance(b"<xbrli:xbrl", filing_date=FILING_DATE)
    assert [f.code for f in findings] == ["DEP-PARSE-XML"]
    assert findings[0].severity == "error" and findings[0].line == 1


def test_to_dict_shape():
    finding = _check(CASES_BY_CODE["FR-KVK-2.01"].breaking, "a.xbrl", FILING_DATE, {})[0]
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
