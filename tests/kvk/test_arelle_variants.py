"""Arelle with its NL plugin over every variant and situation the builder makes, against
the test taxonomy package generated from the NT19 extract (kvk.arelle_package), and over
mutated instances that Arelle and our own rules must both refuse.

All instances of one generation share one Arelle process (kvk.arelle.validate_full_batch):
starting Arelle and loading the taxonomy is most of the time.
"""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

import pytest

from kvk import arelle
from kvk import taxonomy as tx
from kvk.arelle_package import write_test_package
from kvk.builder import build_instance
from kvk.rules import ERROR, check_instance, has_errors
from kvk.statements import FinancialStatements, Signatory, demo_statements

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not arelle.arelle_installed(), reason="arelle-release missing"),
]

NUMBER = "12345678"
MARKUP = (
    "<p>De jaarrekening is opgesteld volgens Titel 9 Boek 2 BW.</p>"
    "<ul><li>Activa tegen nominale waarde</li><li>Geen voorzieningen</li></ul>"
)
PLAIN_WITH_SPECIALS = "Huur & lease: looptijd < 5 jaar, bedragen > EUR 1.000 (R&D-kosten)."


def statements(variant: str, year: int = 2025) -> FinancialStatements:
    size = tx.size_of_variant(variant) or ""
    return demo_statements(
        kvk_number=NUMBER, legal_name="Demo B.V.", year=year, size=size, variant=variant
    )


def non_calendar(st: FinancialStatements) -> FinancialStatements:
    """2025-07-01 .. 2026-06-30: twelve months, so no period_deviation_reason."""
    return dataclasses.replace(
        st,
        period_start=date(2025, 7, 1),
        period_end=date(2026, 6, 30),
        previous_start=date(2024, 7, 1),
        previous_end=date(2025, 6, 30),
        prepared_on=date(2026, 9, 15),
        signatories=[Signatory("J. de Vries", signed_on=date(2026, 9, 20), place="Utrecht")],
    )


def first_year(st: FinancialStatements) -> FinancialStatements:
    def current_only(values):
        return {name: (current, None) for name, (current, _) in values.items()}

    return dataclasses.replace(
        st,
        previous_start=None,
        previous_end=None,
        balance=current_only(st.balance),
        profit_loss=current_only(st.profit_loss),
    )


def adopted(st: FinancialStatements) -> FinancialStatements:
    return dataclasses.replace(st, adopted=True, adoption_date=date(2026, 6, 1))


def resubmission(st: FinancialStatements) -> FinancialStatements:
    return dataclasses.replace(
        adopted(st),
        resubmission=True,
        resubmission_explanation="Het eigen vermogen was onjuist gedeponeerd.",
    )


def english(st: FinancialStatements) -> FinancialStatements:
    return dataclasses.replace(st, language="en")


def signatories(st: FinancialStatements) -> FinancialStatements:
    return dataclasses.replace(
        st,
        signatories=[
            Signatory("J. de Vries", tx.DIRECTOR, signed_on=date(2026, 5, 20), place="Utrecht"),
            Signatory("A. Jansen", tx.DIRECTOR, signed_on=date(2026, 5, 21), place="Amersfoort"),
            Signatory(
                "P. Bakker", tx.SUPERVISORY_DIRECTOR, signed_on=date(2026, 5, 22), place="Utrecht"
            ),
            Signatory(
                "M. Visser",
                tx.SUPERVISORY_DIRECTOR,
                signed=False,
                reason_not_signed="Met ziekteverlof tijdens de ondertekening.",
            ),
            Signatory(
                "K. de Boer",
                tx.DIRECTOR,
                signed=False,
                reason_not_signed="Oneens met de waardering van de voorraden.",
            ),
        ],
    )


def notes(text: str):
    def change(st: FinancialStatements) -> FinancialStatements:
        return dataclasses.replace(st, notes={st.note_concepts()[0]: text})

    return change


SITUATIONS = {
    "calendar": lambda st: st,
    "non-calendar": non_calendar,
    "first-year": first_year,
    "adopted": adopted,
    "resubmission": resubmission,
    "english": english,
    "signatories": signatories,
    "notes-markup": notes(MARKUP),
    "notes-plain": notes(PLAIN_WITH_SPECIALS),
}


def matrix() -> dict[str, FinancialStatements]:
    """File name -> statements: every buildable variant in every situation (NT20, the
    2025 financial year), plus every variant as NT19 (2024)."""
    result = {}
    for variant in tx.BUILDABLE_VARIANTS:
        for situation, change in SITUATIONS.items():
            result[f"{variant}-{situation}.xbrl"] = change(statements(variant))
        result[f"{variant}-nt19.xbrl"] = statements(variant, year=2024)
    return result


@pytest.fixture(scope="module")
def package_for(tmp_path_factory):
    folder = tmp_path_factory.mktemp("packages")
    paths = {
        code: str(write_test_package(code, folder / f"{code}.zip")) for code in ("nt19", "nt20")
    }
    return lambda code: [paths[code]]


@pytest.fixture(scope="module")
def built():
    return {name: build_instance(st) for name, st in matrix().items()}


@pytest.fixture(scope="module")
def arelle_findings(built, package_for):
    """Arelle's findings per file: one run per generation (the disclosure systems differ)."""
    findings = {}
    for code in ("nt19", "nt20"):
        batch = {n: c for n, c in built.items() if (n.endswith("-nt19.xbrl")) == (code == "nt19")}
        findings.update(arelle.validate_full_batch(batch, packages=package_for(code)))
    return findings


def test_the_matrix_covers_what_the_issue_asks(built):
    st = matrix()
    assert {s.variant for s in st.values()} == {
        "micro",
        "micro-publicatiestukken",
        "klein",
        "klein-publicatiestukken",
    }
    assert {s.taxonomy_generation().code for s in st.values()} == {"nt19", "nt20"}
    micro = built["micro-signatories.xbrl"]
    assert micro.count(b"<jenv-bw2-i:DirectorType") == 5
    assert b"Commissaris (huidig)" in micro and b"DirectorReasonNoSignature" in micro
    # plain text is escaped XHTML in the fact value, so escaped once more in the XML
    assert b"Huur &amp;amp; lease: looptijd &amp;lt; 5 jaar" in built["klein-notes-plain.xbrl"]
    assert b"&lt;ul&gt;" in built["micro-notes-markup.xbrl"]
    assert b'xml:lang="en"' in built["klein-english.xbrl"]
    assert b"PreviousStartDate" not in built["klein-first-year.xbrl"]
    assert b"2026-06-30" in built["micro-non-calendar.xbrl"]
    assert (
        b"DocumentResubmissionDueToUnsurmountableInaccuraciesExplanation"
        in (built["micro-publicatiestukken-resubmission.xbrl"])
    )


def test_arelle_finds_no_error_in_any_variant(arelle_findings):
    """XBRL 2.1, XDT (closed hypercubes, typed signatory axis) and the NL plugin's rules.
    Warnings are not asserted on; with arelle-release 2.47 there were none."""
    assert len(arelle_findings) == 4 * (len(SITUATIONS) + 1)
    errors = {
        name: [(f.code, f.message_en) for f in findings if f.severity == ERROR]
        for name, findings in arelle_findings.items()
    }
    assert {name: e for name, e in errors.items() if e} == {}


def test_our_rules_agree_that_every_variant_is_valid(built):
    """The same instances through kvk.rules: a valid filing with real concepts gets no
    false error (filed a month after the accounts were drawn up)."""
    errors = {}
    for name, st in matrix().items():
        filing_date = st.prepared_on + timedelta(days=30)
        findings = check_instance(built[name], filing_date=filing_date)
        found = [f.code for f in findings if f.severity == ERROR]
        if found:
            errors[name] = found
    assert errors == {}


# --- mutations: refused by Arelle and by our rules -----------------------------------------
BASE = build_instance(statements("micro"))


def mutate(old: bytes, new: bytes, content: bytes = BASE) -> bytes:
    assert old in content, old
    return content.replace(old, new)


def drop_member(content: bytes, context_id: bytes, axis: bytes) -> bytes:
    """The context without its explicit member for one axis."""
    start = content.index(b'<xbrli:context id="' + context_id + b'">')
    end = content.index(b"</xbrli:context>", start)
    context = content[start:end]
    member = context.index(b'<xbrldi:explicitMember dimension="' + axis + b'"')
    member_end = context.index(b"</xbrldi:explicitMember>", member) + len(
        b"</xbrldi:explicitMember>"
    )
    return content[:start] + context[:member] + context[member_end:] + content[end:]


MUTATIONS = {
    # a concept no NT schema declares, as one more fact (nothing else changes)
    "invented-concept.xbrl": (
        mutate(
            b"</xbrli:xbrl>",
            b'<jenv-bw2-i:ProvisionsForEverything contextRef="FY">Ja'
            b"</jenv-bw2-i:ProvisionsForEverything>\n</xbrli:xbrl>",
        ),
        "xbrl:schemaImportMissing",
    ),
    # a balance-sheet fact whose context lacks the FinancialStatementsTypeAxis member its
    # closed hypercube requires
    "missing-dimension.xbrl": (
        drop_member(BASE, b"FY_end", b"jenv-bw2-dim:FinancialStatementsTypeAxis"),
        "xbrldie:PrimaryItemDimensionallyInvalidError",
    ),
    # not one of jenv-codes:legalFormItemType's values (the full name is required)
    "wrong-enumeration.xbrl": (
        mutate(
            b">Besloten vennootschap met beperkte aansprakelijkheid<",
            b">Besloten vennootschap<",
        ),
        "xmlSchema:valueError",
    ),
    # nl-cd:LegalEntityName written in the jenv-bw2-i namespace, where NT19 has no such
    # concept (the product's old mistake)
    "wrong-namespace.xbrl": (
        mutate(b"nl-cd:LegalEntityName", b"jenv-bw2-i:LegalEntityName"),
        "xbrl:schemaImportMissing",
    ),
}


@pytest.fixture(scope="module")
def mutation_findings(package_for):
    instances = {"base.xbrl": BASE, **{name: content for name, (content, _) in MUTATIONS.items()}}
    return arelle.validate_full_batch(instances, packages=package_for("nt20"))


def test_each_mutation_changes_the_instance():
    for content, _ in MUTATIONS.values():
        assert content != BASE
    assert BASE.count(b"jenv-bw2-dim:FinancialStatementsTypeAxis") > MUTATIONS[
        "missing-dimension.xbrl"
    ][0].count(b"jenv-bw2-dim:FinancialStatementsTypeAxis")


def test_the_unmutated_instance_is_valid_for_both(mutation_findings):
    assert not has_errors(mutation_findings["base.xbrl"])
    assert not has_errors(check_instance(BASE, filing_date=date(2026, 6, 1)))


@pytest.mark.parametrize("name", MUTATIONS)
def test_arelle_refuses_the_mutation(mutation_findings, name):
    _, code = MUTATIONS[name]
    assert code in {f.code for f in mutation_findings[name] if f.severity == ERROR}


@pytest.mark.parametrize("name", MUTATIONS)
def test_our_rules_refuse_the_mutation(name):
    content, _ = MUTATIONS[name]
    assert has_errors(check_instance(content, filing_date=date(2026, 6, 1)))
