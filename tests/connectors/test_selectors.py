"""The API's hand-written reads (connectors.selectors) give the same instances as the ORM,
with everything a request reads attached, so nothing further is loaded."""

from __future__ import annotations

import gc
import threading
import weakref
from datetime import timedelta

import pytest
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.models import Model
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from connectors import selectors
from connectors.authentication import feature_active
from connectors.models import ClientToken, MessageType
from crm.models import EnvironmentActivation
from tests import factories

pytestmark = pytest.mark.django_db


def _fields(instance: Model) -> dict:
    return {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields}


def test_the_token_comes_with_everything_a_request_reads(client_a):
    stored = ClientToken.objects.get(organisation=client_a.organisation)
    # Values the converters must get right: an aware datetime, a null.
    ClientToken.objects.filter(pk=stored.pk).update(
        last_used_at=timezone.now() - timedelta(hours=3), expires_at=None
    )
    stored.refresh_from_db()
    expected_connector = _fields(stored.connector)
    with CaptureQueriesContext(connection) as queries:
        token = selectors.token_for_hash(stored.token_hash)
        assert token is not None
        assert _fields(token) == _fields(stored)
        assert token.last_used_at.tzinfo is not None
        assert _fields(token.organisation) == _fields(client_a.organisation)
        assert token.organisation.environment.pk == client_a.organisation.environment_id
        assert _fields(token.connector) == expected_connector
        assert feature_active(token) is True
        assert token.organisation.environment.activation.environment is (
            token.organisation.environment
        )
    assert len(queries) == 1, [q["sql"] for q in queries.captured_queries]


def test_an_environment_without_activation_row_reads_as_off_without_a_query(client_a):
    EnvironmentActivation.objects.filter(environment=client_a.organisation.environment).delete()
    stored = ClientToken.objects.get(organisation=client_a.organisation)
    token = selectors.token_for_hash(stored.token_hash)
    assert token is not None
    with CaptureQueriesContext(connection) as queries:
        assert feature_active(token) is False
    assert len(queries) == 0


def test_an_unknown_hash_finds_nothing(client_a):
    assert selectors.token_for_hash("0" * 64) is None


def test_message_type_by_environment_and_code(message_type, environment):
    found = selectors.message_type(environment_id=environment.pk, code=message_type.code)
    assert found is not None
    assert _fields(found) == _fields(MessageType.objects.get(pk=message_type.pk))
    assert selectors.message_type(environment_id=environment.pk, code="onbekend") is None
    other = factories.EnvironmentFactory()
    assert selectors.message_type(environment_id=other.pk, code=message_type.code) is None


@pytest.mark.django_db(transaction=True)
def test_what_is_prepared_once_keeps_no_threads_connection_alive(client_a):
    """Prepared per database vendor, not per connection: a thread's connection is freed
    with the thread (a server that starts a thread per request must not collect them)."""
    token_hash = ClientToken.objects.get(organisation=client_a.organisation).token_hash
    seen: list[weakref.ref] = []
    found: list[bool] = []

    def request() -> None:
        found.append(selectors.token_for_hash(token_hash) is not None)
        seen.append(weakref.ref(connections[DEFAULT_DB_ALIAS]))
        connections.close_all()

    for _ in range(3):
        thread = threading.Thread(target=request)
        thread.start()
        thread.join()
    gc.collect()
    assert found == [True, True, True]
    assert [ref() for ref in seen] == [None, None, None]
