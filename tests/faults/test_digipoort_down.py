"""The local Digipoort down for a while: the approved message goes to 70 with the reason,
each later attempt waits for its turn, and once Digipoort is back the message is delivered
exactly once and ends at 80."""

from __future__ import annotations

import socket
from datetime import date, timedelta

import pytest
from django.utils import timezone

from kvk.status import Status
from tests.conftest import message_at_30
from tests.polling import poll_until_final
from workflow import services, submission, tasks
from workflow.models import Actor


def closed_port() -> int:
    """A port on 127.0.0.1 where nothing listens (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def clock(monkeypatch, *, hours: int) -> None:
    """Move the clock the services read forward (timestamps, backoff, leases)."""
    real_now = timezone.now.__wrapped__ if hasattr(timezone.now, "__wrapped__") else timezone.now

    def later():
        return real_now() + timedelta(hours=hours)

    later.__wrapped__ = real_now  # type: ignore[attr-defined]
    monkeypatch.setattr(timezone, "now", later)


@pytest.fixture
def scheduled(monkeypatch) -> list[tuple[str, tuple, dict]]:
    """Tasks the code queues (submissions, polls), recorded instead of sent to a broker."""
    calls: list[tuple[str, tuple, dict]] = []
    for task in (tasks.submit_to_kvk,):
        name = task.name.rsplit(".", 1)[-1]
        monkeypatch.setattr(
            task,
            "apply_async",
            lambda args=(), kwargs=None, name=name, **options: calls.append((name, args, options)),
        )
    return calls


@pytest.mark.django_db(transaction=True)
def test_digipoort_down_then_back_delivers_exactly_once(
    client_a, digipoort_settings, digipoort_stub, scheduled, monkeypatch
):
    message = message_at_30(client_a)
    actor = Actor.for_user(client_a.user)
    services.adopt(message_id=message.pk, actor=actor, adoption_date=date.today())
    message.refresh_from_db()
    services.approve(message_id=message.pk, actor=actor, document_sha256=message.document_sha256)
    assert [name for name, *_ in scheduled] == ["submit_to_kvk"]

    up = (digipoort_settings.DIGIPOORT_AANLEVER_URL, digipoort_settings.DIGIPOORT_STATUS_URL)
    down = f"https://127.0.0.1:{closed_port()}"
    digipoort_settings.DIGIPOORT_AANLEVER_URL = down + "/wus/2.0/aanleverservice/1.2"
    digipoort_settings.DIGIPOORT_STATUS_URL = down + "/wus/2.0/statusinformatieservice/1.2"

    assert submission.submit(message.pk) == "transport_error"
    message.refresh_from_db()
    assert message.status == Status.TRANSPORT_ERROR
    assert message.reasons and message.reasons[0]["code"].startswith("digipoort_")
    assert message.next_attempt_at is not None
    retry = scheduled[-1]
    assert retry[0] == "submit_to_kvk" and retry[2]["countdown"] > 0

    # Before its turn a second attempt does nothing: no hammering, no second delivery.
    assert submission.submit(message.pk) == "skipped"

    # An hour later (the backoff has passed), still down: another transport error, still 70.
    clock(monkeypatch, hours=1)
    assert submission.submit(message.pk) == "transport_error"
    message.refresh_from_db()
    assert message.status == Status.TRANSPORT_ERROR
    assert digipoort_stub.counts() == {}

    # Two hours later it is back up: the attempt asks Digipoort about the reference first
    # (nothing there), then delivers.
    clock(monkeypatch, hours=2)
    digipoort_settings.DIGIPOORT_AANLEVER_URL, digipoort_settings.DIGIPOORT_STATUS_URL = up
    assert submission.submit(message.pk) == "delivered"
    assert submission.submit(message.pk) == "skipped"
    message = poll_until_final(message, seconds=20)
    assert message.status == Status.FILED
    assert digipoort_stub.counts() == {message.delivery_reference: 1}
    actions = [e.action for e in message.events.order_by("sequence")]
    assert actions.count("delivered") == 1
    assert actions.count("filed") == 1
    assert actions[-2:] == ["delivered", "filed"]
    assert "transport_error" in actions
