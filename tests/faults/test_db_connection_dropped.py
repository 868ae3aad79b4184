"""The database connection dropped in the middle of a transition (the approval, 30 -> 50):
the transaction rolls back as a whole (status unchanged, no audit event, nothing queued)
and the same action succeeds once when tried again."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import Error as DatabaseError
from django.db import connection

from kvk.status import Status
from tests.conftest import message_at_30
from workflow import services
from workflow.models import Actor, StatusEvent


def cut_connection() -> None:
    """Drop this process's database connection from the outside, like a network cut or a
    database restart: PostgreSQL ends the server process; SQLite loses the handle."""
    if connection.vendor == "postgresql":
        import psycopg

        pid = connection.connection.info.backend_pid
        db = connection.settings_dict
        with psycopg.connect(
            host=db["HOST"] or "127.0.0.1",
            port=db["PORT"] or 5432,
            user=db["USER"],
            password=db["PASSWORD"] or None,
            dbname=db["NAME"],
            autocommit=True,
        ) as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", [pid])
    else:
        connection.connection.close()


@pytest.mark.django_db(transaction=True)
def test_connection_cut_inside_approval_rolls_back_and_retry_succeeds(client_a, monkeypatch):
    message = message_at_30(client_a)
    actor = Actor.for_user(client_a.user)
    services.adopt(message_id=message.pk, actor=actor, adoption_date=date.today())
    message.refresh_from_db()
    events_before = StatusEvent.objects.filter(message=message).count()

    queued: list[int] = []
    from workflow import tasks

    monkeypatch.setattr(tasks.submit_to_kvk, "delay", lambda pk: queued.append(pk))
    record_event = services.record_event

    def cut_then_record(*args, **kwargs):
        # Inside the approval's transaction: the status is already updated, not committed.
        cut_connection()
        return record_event(*args, **kwargs)

    monkeypatch.setattr(services.audit, "record_event", cut_then_record)
    with pytest.raises(DatabaseError):
        services.approve(
            message_id=message.pk, actor=actor, document_sha256=message.document_sha256
        )
    connection.close()  # what Django does at the end of the failed request

    message.refresh_from_db()
    assert message.status == Status.IN_REVIEW
    assert message.approved_sha256 == ""
    assert StatusEvent.objects.filter(message=message).count() == events_before
    assert queued == []

    monkeypatch.setattr(services.audit, "record_event", record_event)
    services.approve(message_id=message.pk, actor=actor, document_sha256=message.document_sha256)
    message.refresh_from_db()
    assert message.status == Status.APPROVED
    assert message.approved_sha256 == message.document_sha256
    assert StatusEvent.objects.filter(message=message, action="approved").count() == 1
    assert queued == [message.pk]
