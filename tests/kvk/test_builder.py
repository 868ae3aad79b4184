"""kvk.builder: statements -> instance. The concepts, members and values are anchored in
the NT19 extract (kvk/nt19, official NT19 files, through kvk.nt); tests/kvk/test_concepts.py
checks every fact of every variant against it."""

from __future__ import annotations

import dataclasses
import json
from datetime import date
from pathlib import Path

import pytest
from lxml import etree

from kvk import nt
from kvk import taxonomy as tx
from kvk.builder import adopt_instance, build_instance
from kvk.parser import parse_instance
from kvk.rules import check_instance
from kvk.statements import FinancialStatements, Signatory, demo_statements

FILING = date(2026, 12, 1)
EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"
XBRLDI = "http://xbrl.org/2006/xbrldi"


def _example(name: str) -> FinancialStatements:
    return FinancialStatements.from_dict(json.loads((EXAMPLES / name).read_text("utf-8")))


def _facts(content: bytes) -> list[tuple]:
    return sorted(
        f.key()
        for f in parse_instance(content).facts
        if f.local_name not in ("DocumentAdoptionStatus", "DocumentAdoptionDate")
    )


def test_build_is_deterministic_and_utf8_without_bom():
    st = demo_statements(kvk_number="12345678", legal_name="Café € B.V.", year=2025)
    content = build_instance(st)
    assert content == build_instance(st)
    assert content.startswith(b"<?xml") and "Café € B.V.".encode() in content


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.json")), ids=lambda p: p.stem)
def test_the_parser_reads_back_what_the_builder_wrote(path):
    st = _example(path.name)
    back = parse_instance(build_instance(st)).statements()
    assert back == dataclasses.replace(st, generation=st.taxonomy_generation().code)


@pytest.mark.parametrize("variant", tx.BUILDABLE_VARIANTS)
def test_size_class_uses_the_concept_of_the_variant(variant):
    size = tx.size_of_variant(variant)
    st = demo_statements(
        kvk_number="12345678", legal_name="D", year=2024, size=size or "", variant=variant
    )
    inst = parse_instance(build_instance(st))
    concept = tx.SIZE_CONCEPTS[size or ""]
    assert concept in nt.entry_point(variant).concepts  # the official entry point's
    (fact,) = inst.facts_named(concept.partition(":")[2])
    assert fact.value in nt.concept(concept).enumeration
    other = {"micro": "klein", "klein": "micro"}[size or ""]
    assert inst.facts_named(tx.SIZE_CONCEPTS[other].partition(":")[2]) == []
    # the legal form is the full Dutch name from the official value list
    assert inst.first_value("LegalEntityLegalForm") == tx.LEGAL_FORM_BV
    assert tx.LEGAL_FORM_BV in nt.concept(tx.LEGAL_FORM).enumeration


def test_each_signatory_has_its_own_typed_member_and_order():
    st = _example("klein-2024-signatories.json")
    content = build_instance(st)
    inst = parse_instance(content)
    root = etree.fromstring(content)
    typed = [m for m in root.iter(f"{{{XBRLDI}}}typedMember")]
    assert [m[0].text for m in typed] == ["1", "2", "3", "4"]
    assert {etree.QName(m[0]).localname for m in typed} == {
        "ManagingOrSupervisoryDirectorOrRepresentativeTypedMember"
    }
    assert [p.name for p in inst.signatories()] == [s.name for s in st.signatories]
    assert [f.value for f in inst.facts_named("PresentationOrder")] == ["1", "2", "3", "4"]
    not_signed = next(s for s in st.signatories if not s.signed)
    context = next(
        f.context_ref
        for f in inst.facts_named("LegalEntityNameManagingSupervisoryDirector")
        if f.value == not_signed.name
    )
    facts = {f.local_name: f.value for f in inst.facts if f.context_ref == context}
    assert facts["DirectorSignedStatus"] == tx.NO
    assert facts["DirectorReasonNoSignature"] == not_signed.reason_not_signed
    assert "SignatureManagingSupervisoryDirectorsDate" not in facts
    assert facts["DirectorType"] == tx.SUPERVISORY_DIRECTOR


def test_a_first_year_has_no_previous_facts():
    st = _example("klein-2024-first-year.json")
    inst = parse_instance(build_instance(st))
    assert inst.previous_start is None and inst.previous_end is None
    contexts = {f.context_ref for f in inst.facts}
    assert not any(c.startswith("PY") for c in contexts)
    assert inst.first_value("FinancialReportingPeriodDifferentThanAnnualStatus") == tx.YES
    assert "opgericht" in (
        inst.first_value("FinancialReportingPeriodDifferentThanAnnualReasonDescription") or ""
    )
    assert "vergelijkende cijfers" in (
        inst.first_value("FinancialReportingPeriodDifferentThanAnnualImpactComparativesDescription")
        or ""
    )


def test_the_impact_of_a_year_not_twelve_months_is_formatted_text_and_reads_back():
    """rj-i:FinancialReportingPeriodDifferentThanAnnualImpactComparativesDescription is of
    nl-types:formattedExplanationItemType (nt19-index.json): plain text is written escaped.
    A year of twelve months has neither reason nor impact (PrtValueThnNoExistence1 and 3)."""
    assert nt.concept(tx.PERIOD_DEVIATION_IMPACT).is_formatted
    st = _example("klein-2024-first-year.json")
    st.period_deviation_impact = "Geen vergelijkende cijfers & geen <aanpassingen>."
    content = build_instance(st)
    assert b"Geen vergelijkende cijfers &amp;amp; geen &amp;lt;aanpassingen&amp;gt;." in content
    assert parse_instance(content).statements().period_deviation_impact == (
        st.period_deviation_impact
    )
    annual = parse_instance(build_instance(_example("micro-2024-adopted.json")))
    assert (
        annual.facts_named(
            "FinancialReportingPeriodDifferentThanAnnualImpactComparativesDescription"
        )
        == []
    )


def test_notes_are_escaped_xhtml_or_escaped_plain_text():
    st = _example("micro-2024-adopted.json")
    st.notes["LiabilitiesDisclosure"] = "<p>Zekerheden <b>geen</b></p>"
    content = build_instance(st)
    inst = parse_instance(content)
    plain = inst.first_value("AdditionalInformationToArticle395aDisclosure") or ""
    assert "R&amp;D-kosten" in plain and "&lt; 2%" in plain  # well-formed XHTML
    assert inst.first_value("LiabilitiesDisclosure") == "<p>Zekerheden <b>geen</b></p>"
    assert b"&lt;p&gt;Zekerheden &lt;b&gt;geen&lt;/b&gt;&lt;/p&gt;" in content
    assert check_instance(content, filing_date=FILING) == []


def test_profit_and_loss_and_its_classification_only_when_filed():
    klein = parse_instance(build_instance(_example("klein-2024-signatories.json")))
    assert klein.first_value("IncomeStatementClassificationType") == tx.CLASSIFICATION_BY_NATURE
    assert klein.facts_named("GrossMargin")
    publication = parse_instance(
        build_instance(_example("klein-publicatiestukken-2024-resubmission.json"))
    )
    assert publication.facts_named("IncomeStatementClassificationType") == []
    assert publication.facts_named("GrossMargin") == []
    assert publication.first_value("DocumentResubmissionDueToUnsurmountableInaccuracies") == tx.YES
    assert publication.first_value("BalanceSheetBeforeAfterAppropriationResults") == "Na"


def test_language_is_written_on_the_root():
    content = build_instance(_example("micro-2024-english.json"))
    root = etree.fromstring(content)
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "en"


def test_adopt_replaces_an_existing_date_and_keeps_everything_else():
    # adopted after the demo's accounts were drawn up (15 May 2026): the KvK asks for
    # preparation not after adoption (PrtDateEarlierEQDateLater1)
    st = demo_statements(kvk_number="12345678", legal_name="Demo B.V.", year=2025)
    assert st.prepared_on == date(2026, 5, 15)
    original = build_instance(st)
    first = adopt_instance(original, adoption_date=date(2026, 5, 25))
    second = adopt_instance(first, adoption_date=date(2026, 6, 2))
    parsed = parse_instance(second)
    assert parsed.adopted is True and parsed.adoption_date == date(2026, 6, 2)
    assert len(parsed.facts_named("DocumentAdoptionDate")) == 1
    assert _facts(second) == _facts(original)
    assert check_instance(second, filing_date=FILING) == []


def test_adopt_refuses_a_date_inside_the_year_and_non_instances():
    content = build_instance(demo_statements(kvk_number="12345678", legal_name="D", year=2025))
    with pytest.raises(ValueError, match="after the financial year end"):
        adopt_instance(content, adoption_date=date(2025, 12, 31))
    with pytest.raises(ValueError):
        adopt_instance(b"<html/>", adoption_date=date(2026, 1, 1))


def test_build_refuses_invalid_statements():
    st = demo_statements(kvk_number="12345678", legal_name="D", year=2025)
    st.variant = "klein"  # does not fit size micro
    with pytest.raises(ValueError, match="variant"):
        build_instance(st)
    st = demo_statements(kvk_number="12345678", legal_name="D", year=2025)
    st.signatories = [Signatory(name="X", function="Directeur")]
    with pytest.raises(ValueError, match="function"):
        build_instance(st)
