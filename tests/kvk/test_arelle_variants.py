"""Arelle with its NL plugin over every variant and situation the builder makes, against
the test taxonomy package generated from the NT19 extract (kvk.arelle_package), and over
mutated instances that Arelle and our own rules must both refuse; each for NT19 (read
from the official files) and NT20 (derived from them).

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
from kvk.rules import ARELLE_CODES, ERROR, check_instance, has_errors
from kvk.statements import FinancialStatements, Signatory, demo_statements

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not arelle.arelle_installed(), reason="arelle-release missing"),
]

NUMBER = "12345678"
#: generation -> the financial year its statements are for (kvk.taxonomy.generation_for_year)
YEARS = {"nt19": 2024, "nt20": 2025}
MARKUP = (
    "<p>De jaarrekening is opgesteld volgens Titel 9 Boek 2 BW.</p>"
    "<ul><li>Activa tegen nominale waarde</li><li>Geen voorzieningen</li></ul>"
)
PLAIN_WITH_SPECIALS = "Huur & lease: looptijd < 5 jaar, bedragen > EUR 1.000 (R&D-kosten)."


def statements(variant: str, year: int) -> FinancialStatements:
    size = tx.size_of_variant(variant) or ""
    return demo_statements(
        kvk_number=NUMBER, legal_name="Demo B.V.", year=year, size=size, variant=variant
    )


def non_calendar(st: FinancialStatements) -> FinancialStatements:
    """1 July .. 30 June: twelve months, so no period_deviation_reason; it begins in the
    same year, so the generation stays the same."""
    year = st.period_start.year
    return dataclasses.replace(
        st,
        period_start=date(year, 7, 1),
        period_end=date(year + 1, 6, 30),
        previous_start=date(year - 1, 7, 1),
        previous_end=date(year, 6, 30),
        prepared_on=date(year + 1, 9, 15),
        signatories=[Signatory("J. de Vries", signed_on=date(year + 1, 9, 20), place="Utrecht")],
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
    return dataclasses.replace(st, adopted=True, adoption_date=date(st.period_end.year + 1, 6, 1))


def resubmission(st: FinancialStatements) -> FinancialStatements:
    return dataclasses.replace(
        adopted(st),
        resubmission=True,
        resubmission_explanation="Het eigen vermogen was onjuist gedeponeerd.",
    )


def english(st: FinancialStatements) -> FinancialStatements:
    return dataclasses.replace(st, language="en")


def signatories(st: FinancialStatements) -> FinancialStatements:
    year = st.period_end.year + 1
    return dataclasses.replace(
        st,
        signatories=[
            Signatory("J. de Vries", tx.DIRECTOR, signed_on=date(year, 5, 20), place="Utrecht"),
            Signatory("A. Jansen", tx.DIRECTOR, signed_on=date(year, 5, 21), place="Amersfoort"),
            Signatory(
                "P. Bakker", tx.SUPERVISORY_DIRECTOR, signed_on=date(year, 5, 22), place="Utrecht"
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


def matrix() -> dict[tuple[str, str], FinancialStatements]:
    """(generation, file name) -> statements: every buildable variant in every situation,
    for each generation."""
    return {
        (code, f"{variant}-{situation}.xbrl"): change(statements(variant, year))
        for code, year in YEARS.items()
        for variant in tx.BUILDABLE_VARIANTS
        for situation, change in SITUATIONS.items()
    }


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


def validate_per_generation(instances, package_for):
    """Arelle's findings per (generation, file name): one Arelle run per generation (its
    own test package and disclosure system)."""
    findings = {}
    for code in YEARS:
        batch = {name: content for (c, name), content in instances.items() if c == code}
        for name, found in arelle.validate_full_batch(batch, packages=package_for(code)).items():
            findings[code, name] = found
    return findings


@pytest.fixture(scope="module")
def arelle_findings(built, package_for):
    return validate_per_generation(built, package_for)


def test_the_matrix_covers_what_the_issue_asks(built):
    st = matrix()
    assert {s.variant for s in st.values()} == {
        "micro",
        "micro-publicatiestukken",
        "klein",
        "klein-publicatiestukken",
    }
    assert {(code, s.taxonomy_generation().code) for (code, _), s in st.items()} == {
        ("nt19", "nt19"),
        ("nt20", "nt20"),
    }
    for code in YEARS:
        micro = built[code, "micro-signatories.xbrl"]
        assert micro.count(b"<jenv-bw2-i:DirectorType") == 5
        assert b"Commissaris (huidig)" in micro and b"DirectorReasonNoSignature" in micro
        # plain text is escaped XHTML in the fact value, so escaped once more in the XML
        assert (
            b"Huur &amp;amp; lease: looptijd &amp;lt; 5 jaar"
            in (built[code, "klein-notes-plain.xbrl"])
        )
        assert b"&lt;ul&gt;" in built[code, "micro-notes-markup.xbrl"]
        assert b'xml:lang="en"' in built[code, "klein-english.xbrl"]
        assert b"PreviousStartDate" not in built[code, "klein-first-year.xbrl"]
        assert (
            b"DocumentResubmissionDueToUnsurmountableInaccuraciesExplanation"
            in (built[code, "micro-publicatiestukken-resubmission.xbrl"])
        )
    assert b"2025-06-30" in built["nt19", "micro-non-calendar.xbrl"]
    assert b"2026-06-30" in built["nt20", "micro-non-calendar.xbrl"]
    # each generation's instance names its own namespaces
    for code in YEARS:
        namespace = tx.generation(code).namespaces["jenv-bw2-i"].encode()
        assert all(namespace in c for (g, _), c in built.items() if g == code)


def test_arelle_finds_no_error_in_any_variant(arelle_findings):
    """XBRL 2.1, XDT (closed hypercubes, typed signatory axis) and the NL plugin's rules.
    Warnings are not asserted on; with arelle-release 2.47 there were none."""
    assert len(arelle_findings) == len(YEARS) * 4 * len(SITUATIONS)
    errors = {
        name: [(f.code, f.message_en) for f in findings if f.severity == ERROR]
        for name, findings in arelle_findings.items()
    }
    assert {name: e for name, e in errors.items() if e} == {}


def test_our_rules_agree_that_every_variant_is_valid(built):
    """The same instances through kvk.rules: a valid filing with real concepts gets no
    false error (filed a month after the accounts were drawn up)."""
    errors = {}
    for key, st in matrix().items():
        filing_date = st.prepared_on + timedelta(days=30)
        findings = check_instance(built[key], filing_date=filing_date)
        found = [f.code for f in findings if f.severity == ERROR]
        if found:
            errors[key] = found
    assert errors == {}


# --- mutations: refused by Arelle and by our rules -----------------------------------------
#: generation -> the valid micro instance the mutations change
BASES = {code: build_instance(statements("micro", year)) for code, year in YEARS.items()}


def replace(old: bytes, new: bytes):
    def change(content: bytes) -> bytes:
        assert old in content, old
        return content.replace(old, new)

    return change


def drop_member(context_id: bytes, axis: bytes):
    """The context without its explicit member for one axis."""

    def change(content: bytes) -> bytes:
        start = content.index(b'<xbrli:context id="' + context_id + b'">')
        end = content.index(b"</xbrli:context>", start)
        context = content[start:end]
        member = context.index(b'<xbrldi:explicitMember dimension="' + axis + b'"')
        member_end = context.index(b"</xbrldi:explicitMember>", member) + len(
            b"</xbrldi:explicitMember>"
        )
        return content[:start] + context[:member] + context[member_end:] + content[end:]

    return change


#: file name -> (change, Arelle's error code, our rule's code); kvk.rules.ARELLE_CODES
#: says which Arelle codes each of our codes stands for.
MUTATIONS = {
    # a concept no NT schema declares, as one more fact (nothing else changes)
    "invented-concept.xbrl": (
        replace(
            b"</xbrli:xbrl>",
            b'<jenv-bw2-i:ProvisionsForEverything contextRef="FY">Ja'
            b"</jenv-bw2-i:ProvisionsForEverything>\n</xbrli:xbrl>",
        ),
        "xbrl:schemaImportMissing",
        "DEP-CONCEPT",
    ),
    # a balance-sheet fact whose context lacks the FinancialStatementsTypeAxis member its
    # closed hypercube requires
    "missing-dimension.xbrl": (
        drop_member(b"FY_end", b"jenv-bw2-dim:FinancialStatementsTypeAxis"),
        "xbrldie:PrimaryItemDimensionallyInvalidError",
        "DEP-DIMENSIONS",
    ),
    # not one of jenv-codes:legalFormItemType's values (the full name is required)
    "wrong-enumeration.xbrl": (
        replace(
            b">Besloten vennootschap met beperkte aansprakelijkheid<",
            b">Besloten vennootschap<",
        ),
        "xmlSchema:valueError",
        "DEP-VALUE",
    ),
    # an amount of 21 digits: nl-types:monetaryNoDecimals20ItemType has totalDigits 20
    # (nl-types.xsd of sbr 20240301, nt19-index.json types)
    "too-many-digits.xbrl": (
        replace(b'decimals="0">53250<', b'decimals="0">' + b"9" * 21 + b"<"),
        "xmlSchema:valueError",
        "DEP-VALUE",
    ),
    # nl-cd:LegalEntityName written in the jenv-bw2-i namespace, where NT19 has no such
    # concept (the product's old mistake)
    "wrong-namespace.xbrl": (
        replace(b"nl-cd:LegalEntityName", b"jenv-bw2-i:LegalEntityName"),
        "xbrl:schemaImportMissing",
        "DEP-NAMESPACE",
    ),
}
CASES = [(code, name) for code in YEARS for name in MUTATIONS]


def mutated(code: str, name: str) -> bytes:
    return MUTATIONS[name][0](BASES[code])


def filing_date(code: str) -> date:
    return date(YEARS[code] + 1, 6, 1)


@pytest.fixture(scope="module")
def mutation_findings(package_for):
    instances = {(code, "base.xbrl"): base for code, base in BASES.items()}
    instances.update({case: mutated(*case) for case in CASES})
    return validate_per_generation(instances, package_for)


def test_each_mutation_changes_the_instance():
    for code, name in CASES:
        assert mutated(code, name) != BASES[code]
    for code, base in BASES.items():
        axis = b"jenv-bw2-dim:FinancialStatementsTypeAxis"
        assert base.count(axis) > mutated(code, "missing-dimension.xbrl").count(axis)


@pytest.mark.parametrize("code", YEARS)
def test_the_unmutated_instance_is_valid_for_both(mutation_findings, code):
    assert not has_errors(mutation_findings[code, "base.xbrl"])
    assert not has_errors(check_instance(BASES[code], filing_date=filing_date(code)))


@pytest.mark.parametrize(("code", "name"), CASES)
def test_arelle_refuses_the_mutation(mutation_findings, code, name):
    _, arelle_code, ours = MUTATIONS[name]
    assert arelle_code in {f.code for f in mutation_findings[code, name] if f.severity == ERROR}
    assert arelle_code in ARELLE_CODES[ours]


@pytest.mark.parametrize(("code", "name"), CASES)
def test_our_rules_refuse_the_mutation(code, name):
    """With the code of our rule that stands for Arelle's error, not just any error."""
    _, _, ours = MUTATIONS[name]
    findings = check_instance(mutated(code, name), filing_date=filing_date(code))
    assert ours in {f.code for f in findings if f.severity == ERROR}
