"""A real worker killed while it sends a notification (the IT operator's walk of 2026-12-07,
item 4: an SMTP server that never answered, kill -9): with the filesystem broker nothing
delivers the task again (it takes a task's file off the queue when it starts it), so the
recipient's row stayed "wordt verzonden" for good and the mail was lost. The periodic sweep
takes the row over once the dead run's claim is past the task's hard time limit, as a
redelivered task would: every recipient gets the mail, each once."""

from __future__ import annotations

import signal
from datetime import timedelta

import pytest
from django.conf import settings
from django.db.models import F

from config.celery import app
from kvk.status import Status
from portal import notifications
from tests import factories
from tests.faults.conftest import wait_for
from tests.portal.conftest import make_message
from workflow.models import NotificationLog

pytestmark = [pytest.mark.worker, pytest.mark.slow]

BACKENDS = "tests.faults.mail_backends"
SWEEP = "portal.tasks.resume_stuck_notifications"


@pytest.mark.django_db(transaction=True)
def test_a_mail_whose_worker_died_while_sending_goes_out_once(
    client_a, staff, environment, workers, tmp_path
):
    second = factories.StaffFactory(environment=environment).user
    message = make_message(client_a, Status.APPROVED)
    app.control.purge()  # the mails and the delivery the approval queued: not this test's

    marker = tmp_path / "sending"
    first = workers.celery(
        "eerste", EMAIL_BACKEND=f"{BACKENDS}.HangingBackend", TEST_MAIL_MARKER=str(marker)
    )
    notifications.send_notification.delay(notifications.APPROVED, message.pk)
    wait_for(marker.exists, 60, "the worker inside the send", lambda: workers.log("eerste"))
    first.send_signal(signal.SIGKILL)
    first.wait(10)
    (stuck,) = NotificationLog.objects.filter(message=message)
    assert stuck.state == NotificationLog.State.SENDING

    # Within the hard time limit the row may still be a live run's; past it, it is dead.
    # (Test set-up: the claim is dated back instead of waiting.)
    dead = timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 61)
    NotificationLog.objects.filter(pk=stuck.pk).update(claimed_at=F("claimed_at") - dead)

    sweeps = [e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"] == SWEEP]
    assert sweeps, "beat runs no sweep of notifications left at 'sending'"
    sent = tmp_path / "sent.txt"
    workers.celery("tweede", EMAIL_BACKEND=f"{BACKENDS}.RecordingBackend", TEST_MAIL_LOG=str(sent))
    app.send_task(SWEEP)
    app.send_task(SWEEP)  # two beat ticks that overlap take it over once

    def all_sent() -> bool:
        states = list(NotificationLog.objects.filter(message=message).values_list("state"))
        return states == [(NotificationLog.State.SENT,)] * 2

    wait_for(all_sent, 60, "both staff members served", lambda: workers.log("tweede"))
    workers.stop_all()
    recipients = sorted(line.split("\t")[0] for line in sent.read_text().splitlines())
    assert recipients == sorted([staff.email, second.email])
