"""Reading a delivery's timeline (kvk/digipoort/client.py) without a Digipoort: the
aanleverkenmerk it echoes and the time of each status."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest

from kvk.digipoort.client import DigipoortStatus, delivery_references

#: Deponeer's aanleverkenmerk: uuid4().hex, 32 hex digits (ApprovalMessage.approve).
OURS = uuid.uuid4().hex


def _timeline(*details: str) -> list[DigipoortStatus]:
    at = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
    return [DigipoortStatus(100, at, "Aanleveren gelukt", details=text) for text in details]


@pytest.mark.parametrize(
    "details",
    [
        f"aanleverkenmerk={OURS}",
        f"aanleverkenmerk={OURS};",
        f"aanleverkenmerk={OURS}; berichtsoort=kvk-micro-klein",
        f"Ontvangen (aanleverkenmerk={OURS}).",
        f"aanleverkenmerk={OURS},kenmerk=K-1",
    ],
)
def test_punctuation_after_the_reference_is_not_part_of_it(details):
    assert delivery_references(_timeline(details)) == {OURS}


def test_another_packages_reference_is_read_as_another_reference():
    timeline = _timeline("aanleverkenmerk=ander-pakket_2024;", f"aanleverkenmerk={OURS}")
    assert delivery_references(timeline) == {"ander-pakket_2024", OURS}


@pytest.mark.parametrize(
    "details", ["", "Aanleveren gelukt", "aanleverkenmerk=", "aanleverkenmerk= x"]
)
def test_a_timeline_without_an_echoed_reference_shows_none(details):
    assert delivery_references(_timeline(details)) == set()
