from __future__ import annotations

from datetime import date

import pytest

from tests.conftest import message_at_30
from workflow import services
from workflow.models import Actor, ApprovalMessage


@pytest.fixture
def approved(client_a, digipoort_settings):
    """Make an approved message (50) of client A along the real services."""

    def make(year: int | None = None, client=None) -> ApprovalMessage:
        client = client or client_a
        message = message_at_30(client, year=year)
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
