"""A real Celery worker process killed in the middle of a submission: every approved
message still ends at 80 and the local Digipoort receives each exactly once."""

from __future__ import annotations

import signal
import subprocess
from pathlib import Path

import pytest

from config.celery import app
from kvk.status import Status
from tests.conftest import _client as make_client
from tests.faults.conftest import Workers, wait_for
from workflow.models import ApprovalMessage
from workflow.tasks import poll_kvk_statuses, sweep_stuck_messages

pytestmark = [pytest.mark.worker, pytest.mark.slow]


def start_worker(stub, tmp_path: Path, name: str) -> subprocess.Popen:
    """A worker on the test database that talks to the local Digipoort, with short leases
    and polls; the test stops it itself."""
    return Workers(tmp_path).celery(
        name,
        **stub.environ(),
        KVK_SUBMIT_LEASE_SECONDS="1",
        KVK_POLL_INTERVAL_SECONDS="1",
        KVK_POLL_SCHEDULE="0.5,1",
    )


@pytest.mark.django_db(transaction=True)
def test_worker_killed_during_submission_loses_nothing_and_sends_nothing_twice(
    approved, digipoort_stub, tmp_path, environment, connector, message_type
):
    app.control.purge()
    # Digipoort stores each delivery, then answers only after 5 s: the window in which
    # the worker is killed, between "sent" and "recorded".
    digipoort_stub.set_faults(delay_seconds=5.0, delay_count=-1)
    # Three clients, each approval queueing its submission after commit.
    clients = [make_client(environment, connector, f"5555000{n}") for n in range(3)]
    messages = [approved(client=client) for client in clients]
    first = start_worker(digipoort_stub, tmp_path, "eerste")
    try:
        wait_for(lambda: digipoort_stub.counts(), 60, "the first delivery")
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait(10)
    assert ApprovalMessage.objects.filter(status=Status.APPROVED).count() == 3

    digipoort_stub.set_faults(delay_seconds=0.0, delay_count=0)
    second = start_worker(digipoort_stub, tmp_path, "tweede")
    try:

        def all_filed() -> bool:
            # What beat would do: the sweeper re-queues submissions whose lease ran out,
            # and the poll asks Digipoort about everything at 60.
            sweep_stuck_messages.delay()
            poll_kvk_statuses.delay()
            return ApprovalMessage.objects.filter(status=Status.FILED).count() == 3

        wait_for(all_filed, 90, "all messages at 80")
    finally:
        second.send_signal(signal.SIGTERM)
        second.wait(30)
    counts = digipoort_stub.counts()
    for message in messages:
        message.refresh_from_db()
        assert counts.get(message.delivery_reference) == 1, counts
    assert sum(counts.values()) == 3
