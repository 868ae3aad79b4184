"""The client side as a user has it: an administration with its KvK data, a signatory, a
communication profile pointing at the real portal API (``live_server``) and an annual
report with valid figures."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date

import pytest

from clientside.models import (
    Administration,
    AnnualReport,
    CommunicationProfile,
    FilingActivation,
    OutboundMessage,
    Signatory,
)
from demo.setup import report_values, signing_day
from kvk import taxonomy as tx

YEAR = date.today().year - 1
#: The day the demo accounts were drawn up and signed: after the year, not in the future.
SIGNED = signing_day(YEAR)


def signed_by_the_director(signatory) -> dict[str, str]:
    """The reporting values' form: the director signs, with ``signatory``, in Utrecht on
    SIGNED."""
    return {
        "signed_by": "bestuurder",
        "signed_date": SIGNED.isoformat(),
        "signing_place": "Utrecht",
        f"signed_{signatory.pk}": "on",
    }


@dataclass
class ClientEnvironment:
    administration: Administration
    profile: CommunicationProfile
    report: AnnualReport


def make_environment(
    *,
    kvk_number: str,
    token: str,
    portal_url: str,
    name: str = "Test B.V.",
    size: str = "micro",
    variant: str = "",
) -> ClientEnvironment:
    """A complete administration (KvK tab with the address and e-mail address, one
    director) with an annual report of NT19 figures, ready to prepare."""
    variant = variant or ("micro" if size == "micro" else "klein-publicatiestukken")
    administration = Administration.objects.create(
        name=name,
        legal_form=tx.LEGAL_FORM_BV,
        seat="Utrecht",
        kvk_number=kvk_number,
        street="Oudegracht",
        house_number="120",
        postal_code="3511AX",
        place="Utrecht",
        filing_email="administratie@example.nl",
        kvk_report=variant,
    )
    Signatory.objects.create(administration=administration, name="J. de Vries")
    FilingActivation.objects.create(administration=administration, active=True)
    profile = CommunicationProfile.objects.create(
        administration=administration,
        participant_number="12345",
        portal_url_override=portal_url,
        token=token,
    )
    report = AnnualReport.objects.create(
        administration=administration,
        financial_year=YEAR,
        **report_values(administration, YEAR, signing_place="Utrecht"),
    )
    return ClientEnvironment(administration, profile, report)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Users are made per test; the production hasher is deliberately slow."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def no_processing_kick(monkeypatch):
    """The portal queues processing after each upload; the tests process explicitly with
    connectors.services.process_external_messages() instead of a worker."""
    monkeypatch.setattr("connectors.tasks.kick_processing", lambda: None)


@pytest.fixture
def portal_url(live_server, no_processing_kick) -> str:
    return live_server.url


@pytest.fixture
def env_a(client_a, portal_url) -> ClientEnvironment:
    return make_environment(
        kvk_number=client_a.kvk_number, token=client_a.token, portal_url=portal_url
    )


@pytest.fixture
def env() -> ClientEnvironment:
    """An environment whose portal address is nowhere (for screens that send nothing)."""
    return make_environment(kvk_number="12345678", token="t", portal_url="http://127.0.0.1:9")


@pytest.fixture
def bookkeeper(client):
    """A browser logged in as a user with every permission of the client environment."""
    from tests.clientside.test_screens import ALL_PERMISSIONS, user_with

    client.force_login(user_with(*ALL_PERMISSIONS))
    return client


def mirrored(report: AnnualReport, status: int, reasons: list | None = None) -> OutboundMessage:
    """A message of ``report`` whose status (and reasons) the portal reported."""
    document = f"<xbrl>{report.financial_year} {status}</xbrl>".encode()
    return OutboundMessage.objects.create(
        administration=report.administration,
        report=report,
        filename=f"jaarrekening-{report.financial_year}.xbrl",
        document=document,
        document_sha256=hashlib.sha256(document).hexdigest(),
        status=status,
        reasons=reasons or [],
    )


@pytest.fixture
def closed_port_url() -> str:
    """An address where nothing listens."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"
