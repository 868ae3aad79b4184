"""The parser refuses hostile and broken input with a specific code, and reads good input."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kvk import parser
from kvk.builder import build_instance
from kvk.parser import XbrlParseError, parse_instance
from kvk.rules import check_instance
from kvk.statements import demo_statements

GOOD = build_instance(demo_statements(kvk_number="12345678", legal_name="Demo B.V.", year=2025))


def refused(content: bytes) -> XbrlParseError:
    with pytest.raises(XbrlParseError) as info:
        parse_instance(content)
    err = info.value
    assert err.message_nl and err.message_en and err.message_nl != err.message_en
    return err


def test_reads_what_the_builder_wrote():
    inst = parse_instance(GOOD)
    assert inst.kvk_number == "12345678"
    assert inst.generation == "nt20" and inst.entry_point_variant == "micro"
    assert inst.financial_year == 2025
    assert (inst.period_start, inst.period_end) == (date(2025, 1, 1), date(2025, 12, 31))
    assert inst.adopted is False and inst.adoption_date is None and inst.resubmission is False
    assert inst.language == "nl"
    assets = [f for f in inst.facts if f.local_name == "Assets"]
    assert {f.value for f in assets} == {"120045", "110780"}
    assert all(f.unit_ref == "EUR" and f.decimals == "0" and f.line for f in assets)


def test_a_document_without_xml_lang_is_read_not_refused():
    """FR-NL-2.03 is a filing rule (kvk.rules reports it with the document's other
    findings), not a reason to refuse reading the document."""
    content = GOOD.replace(b' xml:lang="nl"', b"")
    assert content != GOOD
    inst = parse_instance(content)
    assert inst.language == ""
    assert inst.kvk_number == "12345678" and inst.entry_point_variant == "micro"
    assert len(inst.facts) == len(parse_instance(GOOD).facts)


def test_xxe_external_entity_is_refused_without_fetching(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRET")
    content = (
        f'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file://{secret}">]>'
        '<xbrli:xbrl xmlns:xbrli="http://www.xbrl.org/2003/instance">&e;</xbrli:xbrl>'
    ).encode()
    err = refused(content)
    assert err.code == "DEP-PARSE-DTD"
    assert "TOPSECRET" not in err.message_en
    codes = {f.code for f in check_instance(content)}
    assert {"DEP-PARSE-DTD", "FR-NL-1.03"} <= codes


def test_billion_laughs_is_refused():
    entities = '<!ENTITY l0 "lol">' + "".join(
        f'<!ENTITY l{i} "{("&l" + str(i - 1) + ";") * 10}">' for i in range(1, 10)
    )
    content = f'<?xml version="1.0"?><!DOCTYPE x [{entities}]><x>&l9;</x>'.encode()
    assert refused(content).code == "DEP-PARSE-DTD"


def test_entity_declaration_without_doctype_keyword_case_is_refused():
    assert refused(b'<?xml version="1.0"?><!doctype x><x/>').code == "DEP-PARSE-DTD"


def test_undeclared_entity_reference_is_malformed():
    assert refused(b"<x>&undefined;</x>").code == "DEP-PARSE-XML"


def test_deep_nesting_is_refused():
    depth = parser.MAX_DEPTH + 5
    content = b"<a>" * depth + b"</a>" * depth
    err = refused(content)
    assert err.code == "DEP-PARSE-DEPTH"


def test_very_deep_nesting_beyond_libxml_limit_is_refused():
    depth = 100_000
    content = b"<a>" * depth + b"</a>" * depth
    assert refused(content).code == "DEP-PARSE-DEPTH"


def test_huge_text_node_is_refused(monkeypatch):
    monkeypatch.setattr(parser, "MAX_TEXT_CHARS", 1000)
    content = GOOD.replace(b">Demo B.V.<", b">" + b"A" * 2000 + b"<")
    err = refused(content)
    assert err.code == "DEP-PARSE-TEXT" and err.line is not None


def test_oversized_file_is_refused(monkeypatch):
    monkeypatch.setattr(parser, "MAX_BYTES", 1000)
    assert refused(GOOD).code == "DEP-PARSE-SIZE"


def test_too_many_elements_is_refused(monkeypatch):
    monkeypatch.setattr(parser, "MAX_ELEMENTS", 10)
    assert refused(GOOD).code == "DEP-PARSE-SIZE"


def test_non_utf8_bytes_are_refused_with_line():
    content = GOOD.replace(b">Demo B.V.<", b">Caf\xe9 B.V.<")  # Latin-1 é
    err = refused(content)
    assert err.code == "DEP-PARSE-ENCODING"
    line = GOOD.split(b"\n").index(next(x for x in GOOD.split(b"\n") if b">Demo B.V.<" in x)) + 1
    assert err.line == line
    codes = {f.code for f in check_instance(content)}
    assert {"DEP-PARSE-ENCODING", "FR-NL-1.05"} <= codes


def test_utf16_is_refused():
    content = GOOD.decode().replace("UTF-8", "UTF-16").encode("utf-16")
    assert refused(content).code == "DEP-PARSE-ENCODING"


@pytest.mark.parametrize(
    "content",
    [b"", b"   ", b"not xml at all", b"%PDF-1.7 binary", b"<a><b></a>", b"\x00\x01\x02"],
)
def test_not_xml_is_refused(content):
    assert refused(content).code in ("DEP-PARSE-XML", "DEP-PARSE-ENCODING")
    findings = check_instance(content)
    assert findings and any(f.code.startswith("DEP-PARSE") for f in findings)


def test_other_root_element_is_refused():
    assert refused(b"<html><body/></html>").code == "DEP-PARSE-ROOT"


def test_no_network_for_xinclude_or_schema_location():
    content = GOOD.replace(
        b"<xbrli:xbrl ",
        b'<xbrli:xbrl xmlns:xi="http://www.w3.org/2001/XInclude" ',
    ).replace(b"</xbrli:xbrl>", b'<xi:include href="http://127.0.0.1:9/x"/></xbrli:xbrl>')
    inst = parse_instance(content)  # parsed without resolving the include
    assert not any(f.local_name == "x" for f in inst.facts)


def test_check_instance_never_raises_for_non_bytes():
    findings = check_instance("a string, not bytes")  # type: ignore[arg-type]
    assert findings and findings[0].severity == "error"


def test_oversized_file_gets_only_the_size_finding(monkeypatch):
    monkeypatch.setattr(parser, "MAX_BYTES", 1000)
    findings = check_instance(b"\xef\xbb\xbf" + GOOD)
    assert [f.code for f in findings] == ["DEP-PARSE-SIZE"]


@settings(max_examples=150, deadline=None)
@given(
    st.binary(max_size=2000)
    | st.builds(
        lambda i, b: GOOD[:i] + b + GOOD[i + 1 :],
        st.integers(0, len(GOOD) - 1),
        st.binary(max_size=8),
    )
)
def test_check_instance_never_raises_on_arbitrary_bytes(content):
    findings = check_instance(content, filing_date=date(2026, 6, 1))
    assert all(f.severity in ("error", "warning") and f.message_nl for f in findings)


def test_reads_a_first_year_without_previous_period():
    st = demo_statements(kvk_number="12345678", legal_name="Demo B.V.", year=2025)
    st.previous_start = st.previous_end = None
    st.balance = {k: (current, None) for k, (current, _) in st.balance.items()}
    st.profit_loss = {k: (current, None) for k, (current, _) in st.profit_loss.items()}
    inst = parse_instance(build_instance(st))
    assert (inst.previous_start, inst.previous_end) == (None, None)
    assert inst.statements().has_comparatives is False


def test_dimensions_in_the_segment_are_told_apart_from_the_scenario():
    """The NT hypercubes are on the scenario; the rules need to know where a dimension
    was given."""
    inst = parse_instance(GOOD)
    assert any(c.dimensions for c in inst.context_list)
    assert all(c.segment_dimensions == () for c in inst.context_list)
    text = GOOD.decode()
    start = text.index("<xbrli:scenario>")
    end = text.index("</xbrli:scenario>") + len("</xbrli:scenario>")
    members = text[start + len("<xbrli:scenario>") : end - len("</xbrli:scenario>")]
    # The first dimensional context with its members moved into the entity's segment.
    entity_end = text.rindex("</xbrli:entity>", 0, start)
    moved = (
        text[:entity_end]
        + f"<xbrli:segment>{members}</xbrli:segment>"
        + text[entity_end:start]
        + text[end:]
    )
    ctx = next(c for c in parse_instance(moved.encode()).context_list if c.dimensions)
    assert set(ctx.segment_dimensions) == {d for d, _ in ctx.dimensions}
    assert len(ctx.dimensions) == 2
