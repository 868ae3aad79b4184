"""Registering a message (status 10): idempotent on the client's message id."""

from __future__ import annotations

import uuid

import pytest
from django.db import IntegrityError, transaction

from kvk.status import Status
from tests.conftest import numbered
from tests.workflow.conftest import document, events
from workflow import services
from workflow.errors import Conflict
from workflow.models import Actor, ApprovalMessage

pytestmark = pytest.mark.django_db


def _register(flow, message_id, content):
    return services.register_message(
        organisation=flow.organisation,
        message_id=message_id,
        message_type="kvk-micro-klein",
        filename="jaarrekening.xbrl",
        content=content,
        actor=Actor.for_token(
            organisation_id=flow.organisation.pk, label="token 1", ip_address="192.0.2.3"
        ),
    )


def test_register_writes_the_received_event_with_the_token_actor(flow):
    content = document(flow.client.kvk_number)
    message, created = _register(flow, uuid.uuid4(), content)
    assert created and message.status == Status.RECEIVED
    assert events(message) == [("received", None, 10)]
    event = message.events.get()
    assert (event.actor_kind, event.actor_label, event.ip_address, event.actor_user) == (
        Actor.Kind.CLIENT_TOKEN,
        "token 1",
        "192.0.2.3",
        None,
    )
    assert event.document_sha256 == services.sha256_hex(content)


def test_same_id_same_content_is_the_same_message_other_content_a_conflict(flow):
    message_id = uuid.uuid4()
    content = document(flow.client.kvk_number)
    first, _ = _register(flow, message_id, content)
    again, created = _register(flow, message_id, content)
    assert (again.pk, created) == (first.pk, False)
    with pytest.raises(Conflict) as raised:
        _register(flow, message_id, content + b" ")
    assert raised.value.code == "message_id_reused"
    assert ApprovalMessage.objects.count() == 1 and first.events.count() == 1


def test_a_retry_inside_a_larger_transaction_leaves_it_usable(flow):
    """A known message id meets the unique constraint inside a savepoint: the caller's
    transaction goes on (on PostgreSQL a failed statement would otherwise abort it), and
    an unrelated constraint violation is not mistaken for a retry."""
    message_id = uuid.uuid4()
    content = document(flow.client.kvk_number)
    first, _ = _register(flow, message_id, content)
    with transaction.atomic():
        again, created = _register(flow, message_id, content)
        assert (again.pk, created) == (first.pk, False)
        assert ApprovalMessage.objects.filter(pk=first.pk).exists()  # still usable
    with pytest.raises(IntegrityError), transaction.atomic():
        services.register_message(
            organisation=flow.organisation,
            message_id=uuid.uuid4(),
            message_type=None,  # type: ignore[arg-type]  # NOT NULL, not the message id
            filename="jaarrekening.xbrl",
            content=numbered(content),
            actor=Actor.system(),
        )
    assert ApprovalMessage.objects.count() == 1 and first.events.count() == 1
