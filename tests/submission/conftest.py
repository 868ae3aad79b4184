from __future__ import annotations

from datetime import date

import pytest

from connectors import services as connector_services
from tests.conftest import instance_for
from workflow import services
from workflow.models import Actor, ApprovalMessage


@pytest.fixture
def approved(client_a, digipoort_settings):
    """Make an approved message (50) of client A along the real services."""

    def make(year: int | None = None, client=None) -> ApprovalMessage:
        import uuid

        client = client or client_a
        message, _ = services.register_message(
            organisation=client.organisation,
            message_id=uuid.uuid4(),
            message_type="kvk-micro-klein",
            filename="jaarrekening.xbrl",
            content=instance_for(client.kvk_number, year=year),
            actor=Actor.system(),
        )
        assert services.claim_for_processing(message.pk)
        connector_services.process_message(message.pk)
        actor = Actor.for_user(client.user)
        services.adopt(message_id=message.pk, actor=actor, adoption_date=date.today())
        message.refresh_from_db()
        services.approve(
            message_id=message.pk, actor=actor, document_sha256=message.document_sha256
        )
        message.refresh_from_db()
        assert message.status == 50
        return message

    return make
