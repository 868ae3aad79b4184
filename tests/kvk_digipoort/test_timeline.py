"""Reading a delivery's timeline (kvk/digipoort/client.py) without a Digipoort: the
aanleverkenmerk it echoes and the time of each status."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from kvk.digipoort.client import DigipoortClient, DigipoortStatus, delivery_references

#: A Deponeer aanleverkenmerk: uuid4().hex, 32 hex digits (ApprovalMessage.approve); fixed,
#: so the test ids are the same in every pytest-xdist worker.
OURS = "3f2b8c1d9e4a4f6b8a7c5d3e2f1a0b9c"


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


@pytest.mark.parametrize(
    ("tijdstempel", "utc"),
    [
        # Without an offset: Dutch local time, CET (UTC+1) in winter, CEST (UTC+2) in summer.
        ("2025-01-15T10:00:00", datetime(2025, 1, 15, 9, 0, tzinfo=UTC)),
        ("2025-07-15T10:00:00.250", datetime(2025, 7, 15, 8, 0, 0, 250000, tzinfo=UTC)),
        # With an offset it says itself.
        ("2025-07-15T10:00:00Z", datetime(2025, 7, 15, 10, 0, tzinfo=UTC)),
        ("2025-07-15T10:00:00+02:00", datetime(2025, 7, 15, 8, 0, tzinfo=UTC)),
    ],
)
def test_a_status_time_without_an_offset_is_dutch_time(tijdstempel, utc):
    """tijdstempelStatus is a plain xsd:dateTime (kvk/digipoort/wsdl/digipoort-koppelvlak-1.2.xsd),
    whose zone is optional (XML Schema Part 2, 3.2.7): without one it is Digipoort's local
    time, Europe/Amsterdam. Parsed as zeep parses the answer."""
    from types import SimpleNamespace

    from zeep.xsd.types.builtins import DateTime

    item = SimpleNamespace(
        statuscode="100",
        tijdstempelStatus=DateTime().pythonvalue(tijdstempel),
        statusomschrijving="Aanleveren gelukt",
        statusdetails=None,
        statusFoutcode=None,
    )
    (status,) = DigipoortClient._to_statuses([item])
    assert status.timestamp == utc
    assert status.timestamp.utcoffset() == timedelta(0)
