"""Named role fixtures: the accountancy environment, client A and B with their portal users
and tokens, staff, and an outsider; plus helpers to upload and process messages."""

from __future__ import annotations

import base64
import itertools
import uuid
from dataclasses import dataclass
from datetime import date
from io import StringIO

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.utils import translation
from rest_framework.response import Response
from rest_framework.test import APIClient

from connectors import services as connector_services
from kvk.builder import build_instance
from kvk.statements import Signatory, demo_statements
from kvk.status import Status
from tests import factories
from tests.kvk_digipoort.conftest import (  # noqa: F401 - the local Digipoort, for every test
    _digipoort_stub_session,
    digipoort_client,
    digipoort_settings,
    digipoort_stub,
)
from workflow import services
from workflow.models import Actor, ApprovalMessage


@pytest.fixture(autouse=True)
def _fresh_cache_and_fast_hashing(settings):
    """Throttle counters must not leak from one test into the next, and hashing demo
    passwords with the production hasher would make every role fixture slow."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _default_language():
    """A request with Accept-Language: en leaves English active in the thread after it
    (LocaleMiddleware activates, nothing deactivates); code outside a request, such as a
    management command, would then speak English in the next test."""
    yield
    translation.deactivate()


@dataclass
class Client:
    organisation: object
    kvk_number: str
    user: object
    token: str


@pytest.fixture
def environment(db):
    # With the activation on: the tests of the feature need it (tests/activations/ cover off).
    return factories.EnvironmentFactory(activated=True)


@pytest.fixture
def message_type(environment):
    return factories.make_message_type(environment)


@pytest.fixture
def connector(environment):
    return factories.make_connector(environment)


def _client(environment, connector, kvk: str) -> Client:
    organisation = factories.OrganisationFactory(environment=environment, kvk=kvk)
    contact = factories.ContactFactory(organisation=organisation)
    _token, raw = connector_services.issue_token(organisation=organisation, connector=connector)
    return Client(organisation, kvk, contact.user, raw)


@pytest.fixture
def client_a(environment, connector, message_type) -> Client:
    return _client(environment, connector, "12345678")


@pytest.fixture
def client_b(environment, connector, message_type) -> Client:
    return _client(environment, connector, "87654321")


@pytest.fixture
def staff(environment):
    return factories.StaffFactory(environment=environment).user


@pytest.fixture
def outsider(db):
    """Staff of another accountancy environment."""
    return factories.StaffFactory().user


def instance_for(kvk_number: str, *, year: int | None = None, name: str = "Test B.V.") -> bytes:
    year = year or date.today().year - 1
    return build_instance(demo_statements(kvk_number=kvk_number, legal_name=name, year=year))


def first_year_instance(
    kvk_number: str, start: date, end: date, *, name: str = "Test B.V."
) -> bytes:
    """The accounts of a first year ``start``..``end`` (art. 2:10a BW: shorter or longer
    than twelve months): no comparative figures, and the reason the year is not twelve
    months. Processing names the year after ``start`` (KVK-SBR.md section 3)."""
    statements = demo_statements(kvk_number=kvk_number, legal_name=name, year=start.year)
    statements.period_start, statements.period_end = start, end
    statements.previous_start = statements.previous_end = None
    statements.balance = {key: (now, None) for key, (now, _before) in statements.balance.items()}
    statements.profit_loss = {
        key: (now, None) for key, (now, _before) in statements.profit_loss.items()
    }
    statements.period_deviation_reason = "Eerste boekjaar na oprichting"
    statements.period_deviation_impact = "Geen vergelijkende cijfers"
    return build_instance(statements)


def signed_instance(kvk_number: str, *people: Signatory, year: int = 2025) -> bytes:
    """The client's accounts of ``year`` with these signatories (directors by default)."""
    statements = demo_statements(kvk_number=kvk_number, legal_name="Test B.V.", year=year)
    statements.signatories = list(people)
    return build_instance(statements)


_numbers = itertools.count(1)


def numbered(content: bytes) -> bytes:
    """The document with a numbered comment after its root: the same accounts, yet another
    document, for a test that needs several messages and no copies (a byte-identical copy
    of a document still under way is refused, workflow.services.duplicates)."""
    return content + b"<!-- %d -->\n" % next(_numbers)


def versions(kvk_number: str, count: int, *, year: int | None = None) -> list[bytes]:
    """``count`` different documents of one company and year (the legal name numbered), as
    a company sends new versions of its accounts: a byte-identical copy of a document still
    under way is refused (workflow.services.duplicates)."""
    return [instance_for(kvk_number, year=year, name=f"Test {i} B.V.") for i in range(count)]


def register_report(organisation, content: bytes, actor: Actor):
    """``services.register_message`` of an annual report under a fresh message id: the
    message and whether it was new."""
    return services.register_message(
        organisation=organisation,
        message_id=uuid.uuid4(),
        message_type="kvk-micro-klein",
        filename="jaarrekening.xbrl",
        content=content,
        actor=actor,
    )


def message_at_30(client: Client, *, year: int | None = None, content: bytes | None = None):
    """A message of ``client`` taken to 30 along the real services (upload, claim, process),
    with ``content`` or else the client's accounts of ``year``."""
    content = content or instance_for(client.kvk_number, year=year)
    message, _ = register_report(client.organisation, content, Actor.system())
    assert services.claim_for_processing(message.pk)
    assert connector_services.process_message(message.pk) == Status.IN_REVIEW
    message.refresh_from_db()
    return message


def message_at_25(client: Client, content: bytes):
    """A message of ``client`` with ``content`` that the real processing ended at 25."""
    message, _ = register_report(
        client.organisation,
        content,
        Actor.for_token(organisation_id=client.organisation.pk, label="test", ip_address=None),
    )
    assert services.claim_for_processing(message.pk)
    assert connector_services.process_message(message.pk) == Status.PROCESSING_FAILED
    message.refresh_from_db()
    return message


def upload_payload(content: bytes, *, message_id: uuid.UUID | None = None) -> dict:
    return {
        "message_id": str(message_id or uuid.uuid4()),
        "message_type": "kvk-micro-klein",
        "filename": "jaarrekening-2025.xbrl",
        "content": base64.b64encode(content).decode(),
    }


def upload_twice(client: APIClient, content: bytes) -> tuple[dict, Response, Response]:
    """The same upload posted twice, one message id: created (201), then answered as the
    idempotent repeat (200). Returns the payload and both answers."""
    payload = upload_payload(content)
    first = client.post("/api/v1/messages/", payload, format="json")
    again = client.post("/api/v1/messages/", payload, format="json")
    assert (first.status_code, again.status_code) == (201, 200)
    return payload, first, again


def command_output(name: str, *args: str) -> str:
    """What a management command run with ``args`` wrote to standard output."""
    out = StringIO()
    call_command(name, *args, stdout=out)
    return out.getvalue()


@dataclass(frozen=True)
class Repair:
    """A repair command under test (workflow.repairs): ``command`` fills ``field``."""

    command: str
    field: str

    def run(self, *args: str) -> str:
        return command_output(self.command, *args)

    def state(self) -> dict[int, tuple]:
        """Every message's status, ``field``, last change and number of audit events: what
        the repair may change of them (only ``field``)."""
        return {
            m.pk: (m.status, getattr(m, self.field), m.updated_at, m.events.count())
            for m in ApprovalMessage.objects.all()
        }

    @staticmethod
    def assert_only_field_changed(before: dict[int, tuple], after: dict[int, tuple]) -> None:
        """Between two ``state()``s no message went or came, and no status, last change or
        audit event moved."""
        assert before.keys() == after.keys()
        for pk, (status, _value, updated_at, events) in after.items():
            assert (status, updated_at, events) == (before[pk][0], before[pk][2], before[pk][3])


@pytest.fixture
def api():
    def make(token: str | None) -> APIClient:
        client = APIClient()
        if token:
            client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
        return client

    return make
