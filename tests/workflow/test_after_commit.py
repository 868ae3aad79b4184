"""Side effects run after commit and cannot undo or fail a committed action."""

import pytest

from kvk.status import Status
from workflow import tasks

pytestmark = pytest.mark.django_db


def test_approval_stands_when_the_broker_is_down_after_commit(
    flow, monkeypatch, django_capture_on_commit_callbacks, caplog
):
    message = flow.at(Status.IN_REVIEW)
    flow.adopt(message)
    message.refresh_from_db()

    def broker_down(*args, **kwargs):
        raise ConnectionError("broker unreachable")

    monkeypatch.setattr(tasks.submit_to_kvk, "delay", broker_down)
    with django_capture_on_commit_callbacks(execute=True) as effects:
        flow.approve(message)  # no exception reaches the client
    message.refresh_from_db()
    assert message.status == Status.APPROVED
    assert len(effects) == 2  # the submission and the approval event both ran
    assert "broker unreachable" in caplog.text
    # The sweeper re-queues approved messages whose submission never started.
    assert message.submit_attempts == 0 and message.next_attempt_at is None
