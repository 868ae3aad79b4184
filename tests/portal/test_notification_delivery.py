"""Each recipient of a notification gets it at most once, whatever the mail server does:
a refused address is logged and skipped (the others are still served, the task ends well),
a dropped connection is retried only for those not yet served. The real Celery tasks run
in-process (``.apply()``, retries included) against a locmem backend that fails on cue."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from kvk.status import Status
from portal import notifications
from tests import factories
from tests.mailserver import DROPS, HANGS, REFUSED, failing_mail  # noqa: F401 (the fixture)
from tests.portal.conftest import make_message
from workflow import services
from workflow.models import NotificationLog


def _count(address: str) -> int:
    return sum(1 for m in mail.outbox if m.to == [address])


@pytest.fixture
def filed(client_a, staff):
    """A message filed at the KvK (its contacts and the staff hear it) with a second contact."""
    second = factories.ContactFactory(organisation=client_a.organisation)
    message = make_message(client_a, Status.APPROVED)
    assert services.claim_for_submission(message.pk)
    assert services.record_delivered(message_id=message.pk, kenmerk="K-1")
    services.record_kvk_statuses(
        message_id=message.pk, statuses=[], outcome_status=Status.FILED, reasons=[]
    )
    mail.outbox.clear()
    return message, [client_a.user.email, second.email, staff.email]


def test_a_refused_address_is_skipped_and_everyone_else_is_served_once(filed):
    message, (first, second, staff) = filed
    REFUSED.add(second)

    result = notifications.send_notification.apply(args=(notifications.FILED, message.pk))

    assert result.state == "SUCCESS" and result.get() == 2
    assert (_count(first), _count(second), _count(staff)) == (1, 0, 1)
    refused = NotificationLog.objects.get(message=message, recipient=second)
    assert refused.state == NotificationLog.State.REFUSED and "User unknown" in refused.error


def test_a_dropped_connection_is_retried_for_those_not_yet_served(filed):
    message, (first, second, staff) = filed
    DROPS.append(second)

    result = notifications.send_notification.apply(args=(notifications.FILED, message.pk))

    assert result.state == "SUCCESS"
    assert (_count(first), _count(second), _count(staff)) == (1, 1, 1)
    assert set(
        NotificationLog.objects.filter(message=message).values_list("recipient", "state")
    ) == {(address, NotificationLog.State.SENT) for address in (first, second, staff)}


def test_a_mail_server_that_hangs_until_the_time_limit_is_tried_again_not_refused(filed):
    """The task's soft time limit ends a hung send: a retry may cure that, so the recipient
    is not marked refused and gets the mail from the retry, once."""
    message, (first, second, staff) = filed
    HANGS.append(second)

    notifications.send_notification.apply(args=(notifications.FILED, message.pk))

    assert (_count(first), _count(second), _count(staff)) == (1, 1, 1)
    assert NotificationLog.objects.get(recipient=second).state == NotificationLog.State.SENT


def test_a_task_delivered_again_sends_nothing_twice(filed):
    """acks_late: a worker that dies after sending gets the same task (same id) again."""
    message, addresses = filed
    for _ in range(2):
        notifications.send_notification.apply(
            args=(notifications.FILED, message.pk), task_id="one-task"
        )
    assert [_count(address) for address in addresses] == [1, 1, 1]


def test_a_send_whose_worker_died_is_taken_over_by_the_redelivered_task(filed, settings):
    """A worker killed while sending (out of memory, the hard time limit) leaves its row at
    SENDING; Celery delivers the task again (acks_late, CELERY_TASK_REJECT_ON_WORKER_LOST).
    Within the hard time limit the row may still be another run's: left alone. After it,
    the mail goes out instead of being lost for good."""
    message, (first, second, staff) = filed
    claimed = timezone.now()
    NotificationLog.objects.create(
        event="one-task",
        kind=notifications.FILED,
        message=message,
        recipient=second,
        claimed_at=claimed,
    )

    notifications.send_notification.apply(
        args=(notifications.FILED, message.pk), task_id="one-task"
    )
    assert (_count(first), _count(second), _count(staff)) == (1, 0, 1)

    limit = timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 61)
    NotificationLog.objects.filter(recipient=second).update(claimed_at=claimed - limit)
    notifications.send_notification.apply(
        args=(notifications.FILED, message.pk), task_id="one-task"
    )
    assert (_count(first), _count(second), _count(staff)) == (1, 1, 1)
    assert NotificationLog.objects.get(recipient=second).state == NotificationLog.State.SENT


@pytest.fixture
def queue_runs(monkeypatch):
    """send_notification.delay runs the task here and now (a worker would run it later)."""
    monkeypatch.setattr(
        notifications.send_notification,
        "delay",
        lambda *args: notifications.send_notification.apply(args=args, task_id=args[3]),
    )


def test_the_sweep_takes_over_a_send_whose_worker_died_and_no_redelivery_came(
    filed, settings, queue_runs
):
    """The filesystem broker delivers nothing again (the IT operator's walk of 2026-12-07,
    item 4): the periodic sweep hands the row back to a task, past the hard time limit
    only, and once, however often it runs."""
    message, (first, second, staff) = filed
    NotificationLog.objects.create(
        event="dead-task", kind=notifications.FILED, message=message, recipient=second
    )

    assert notifications.resume_dead_sends() == 0  # still within the limit: maybe alive
    assert NotificationLog.objects.get(recipient=second).state == NotificationLog.State.SENDING
    assert len(mail.outbox) == 0

    later = timezone.now() + timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 61)
    assert notifications.resume_dead_sends(now=later) == 1
    assert notifications.resume_dead_sends(now=later) == 0
    assert (_count(first), _count(second), _count(staff)) == (1, 1, 1)
    row = NotificationLog.objects.get(recipient=second)
    assert (row.state, row.event, row.error) == (NotificationLog.State.SENT, "dead-task", "")


def test_the_sweep_shows_a_dead_comment_mail_as_not_sent(filed, settings, queue_runs):
    """The row does not name the comment, so it cannot be sent again: the staff's list of
    e-mails shows it failed instead of "wordt verzonden" for good."""
    message, (first, second, staff) = filed
    NotificationLog.objects.create(
        event="dead-task", kind=notifications.COMMENT, message=message, recipient=second
    )
    later = timezone.now() + timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 61)

    assert notifications.resume_dead_sends(now=later) == 0

    row = NotificationLog.objects.get(recipient=second)
    assert row.state == NotificationLog.State.REFUSED and "WorkerLost" in row.error
    assert len(mail.outbox) == 0
    assert [m.failed for m in notifications.sent_mails(message)] == [True]


def test_the_sweep_does_not_send_a_dead_send_of_more_than_a_day_ago(filed, queue_runs):
    """Found in review: after a restore from a backup (or on the first run after a crash
    long ago) such a row may stand for news that went out since; it is shown as not sent
    instead of mailed again."""
    message, (first, second, staff) = filed
    NotificationLog.objects.create(
        event="dead-task", kind=notifications.FILED, message=message, recipient=second
    )

    assert notifications.resume_dead_sends(now=timezone.now() + timedelta(days=1, minutes=1)) == 0

    assert _count(second) == 0
    row = NotificationLog.objects.get(recipient=second)
    assert row.state == NotificationLog.State.REFUSED and "over a day ago" in row.error


def test_a_batch_hands_a_failing_message_on_without_repeating_it(client_a, client_b, monkeypatch):
    second = factories.ContactFactory(organisation=client_a.organisation)
    messages = [make_message(client_a), make_message(client_b)]
    mail.outbox.clear()
    monkeypatch.setattr(
        notifications.send_notification,
        "delay",
        lambda *args: notifications.send_notification.apply(args=args).get(),
    )
    DROPS.append(second.email)

    notifications.send_notifications.apply(
        args=(notifications.AWAITING_REVIEW, [m.pk for m in messages])
    )

    assert [_count(a) for a in (client_a.user.email, second.email, client_b.user.email)] == [
        1,
        1,
        1,
    ]
