"""The local Digipoort's stand-in for KvK's verdict: our own simple rules."""

from __future__ import annotations

import pytest

from kvk.digipoort.stub import judge

from .conftest import build_xbrl


def codes(verdict) -> list[str]:
    return [code for code, _ in verdict.reasons]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (build_xbrl("12345678"), []),
        (build_xbrl("12345678", adopted=False), []),
        (build_xbrl("87654321"), ["KVK002"]),
        (build_xbrl(""), ["KVK001"]),
        (b"<xbrli:xbrl", ["VAS500"]),
        (b"<html/>", ["VAS500"]),
        (b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>', ["VAS500"]),
    ],
)
def test_rules(content, expected):
    verdict = judge(content, "12345678", already_filed=set())

    assert codes(verdict) == expected
    assert verdict.accepted is (expected == [])


def test_registration_number_fact_must_match_too():
    content = build_xbrl("12345678").replace(
        b"</xbrli:xbrl>",
        b"<nl-cd:ChamberOfCommerceRegistrationNumber xmlns:nl-cd='urn:nl-cd' contextRef='c'>"
        b"11111111</nl-cd:ChamberOfCommerceRegistrationNumber></xbrli:xbrl>",
    )

    assert codes(judge(content, "12345678", already_filed=set())) == ["KVK002"]


def test_second_adopted_filing_is_refused_but_not_a_resubmission_or_an_unadopted_one():
    filed = {("12345678", 2025)}

    assert codes(judge(build_xbrl(year=2025), "12345678", filed)) == ["KVK003"]
    assert codes(judge(build_xbrl(year=2024), "12345678", filed)) == []
    assert codes(judge(build_xbrl(year=2025, adopted=False), "12345678", filed)) == []
    assert codes(judge(build_xbrl(year=2025, resubmission=True), "12345678", filed)) == []


def test_financial_year_is_the_year_it_begins():
    content = build_xbrl(year=2025).replace(b"2025-12-31", b"2026-06-30")

    assert judge(content, "12345678", set()).year == 2025
