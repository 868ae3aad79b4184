"""The client side as a user has it: an administration with its KvK data, a signatory, a
communication profile pointing at the real portal API (``live_server``) and an annual
report with valid figures."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from clientside.models import (
    Administration,
    AnnualReport,
    CommunicationProfile,
    FilingActivation,
    Signatory,
)
from kvk.statements import demo_statements

YEAR = date.today().year - 1


@dataclass
class ClientEnvironment:
    administration: Administration
    profile: CommunicationProfile
    report: AnnualReport


def make_environment(
    *, kvk_number: str, token: str, portal_url: str, name: str = "Test B.V.", size: str = "micro"
) -> ClientEnvironment:
    administration = Administration.objects.create(
        name=name,
        seat="Utrecht",
        kvk_number=kvk_number,
        kvk_report="micro" if size == "micro" else "klein-publicatiestukken",
    )
    Signatory.objects.create(administration=administration, name="J. de Vries")
    FilingActivation.objects.create(administration=administration, active=True)
    profile = CommunicationProfile.objects.create(
        administration=administration,
        participant_number="12345",
        portal_url_override=portal_url,
        token=token,
    )
    statements = demo_statements(kvk_number=kvk_number, legal_name=name, year=YEAR, size=size)
    report = AnnualReport.objects.create(
        administration=administration,
        financial_year=YEAR,
        statements=statements.to_dict(),
        signed_date=date(YEAR + 1, 3, 1),
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
def closed_port_url() -> str:
    """An address where nothing listens."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"
