"""A real worker process killed in the middle of processing a message (after the claim,
10 -> 20, before the workflow starts): the sweeper resumes the message, it ends at 30 once,
with one claim and one workflow_started event, and a redelivered task changes nothing."""

from __future__ import annotations

import signal

import pytest

from config.celery import app
from connectors import services as connector_services
from connectors import tasks as connector_tasks
from kvk.status import Status
from tests.conftest import instance_for, register_report
from tests.faults.conftest import WORKER_OPTIONS, wait_for
from tests.threads import run_in_threads
from workflow.models import Actor, ApprovalMessage

pytestmark = [pytest.mark.worker, pytest.mark.slow]


@pytest.mark.django_db(transaction=True)
def test_message_left_at_20_by_a_killed_worker_is_resumed_once(client_a, workers, tmp_path):
    app.control.purge()
    marker = tmp_path / "inside-processing"
    worker = workers.start(
        "langzaam",
        ["tests/faults/slow_worker.py", str(marker), "120", "-n", "langzaam@%h", *WORKER_OPTIONS],
    )
    # Processing is queued as after an upload; the worker claims the message, parses, checks
    # and hangs before starting the workflow.
    message, created = register_report(
        client_a.organisation, instance_for(client_a.kvk_number), Actor.system()
    )
    assert created
    connector_tasks.kick_processing()  # what the upload API queues on commit
    wait_for(marker.exists, 60, "the worker inside processing", lambda: workers.log("langzaam"))
    worker.send_signal(signal.SIGKILL)
    worker.wait(10)

    message.refresh_from_db()
    assert message.status == Status.PROCESSING
    assert [e.action for e in message.events.order_by("sequence")] == ["received", "claimed"]

    # The sweeper (process_external_messages resumes what is at 20 for a while; here at
    # once), run by two processes at the same moment: one of them finishes the message.
    run_in_threads(lambda: connector_services.resume_stuck_processing(older_than_seconds=0), 2)

    # The killed worker's task delivered again (acks_late): nothing more happens.
    connector_tasks.process_waiting_messages()
    connector_tasks.process_external_messages()

    message.refresh_from_db()
    assert message.status == Status.IN_REVIEW
    actions = [e.action for e in message.events.order_by("sequence")]
    assert actions == ["received", "claimed", "workflow_started"]
    assert ApprovalMessage.objects.count() == 1
