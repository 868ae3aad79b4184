"""Simultaneous actions through two real database connections (threads; transaction=True).

The first approval holds the message row (PostgreSQL: SELECT ... FOR UPDATE; SQLite:
BEGIN IMMEDIATE) a little longer than usual, so the second one certainly arrives while the
first is still busy; the second must wait, see the committed result and answer Conflict.
"""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection

from kvk.status import Status
from tests.workflow.conftest import second_version_at_30
from workflow import services, signals, tasks
from workflow.errors import Conflict
from workflow.models import ApprovalMessage, StatusEvent

pytestmark = pytest.mark.django_db(transaction=True)

HOLD = 0.3  # seconds the first approval keeps its lock


@pytest.fixture(autouse=True)
def _no_side_effects(monkeypatch):
    """After commit the services queue tasks and send signals; none of that is tested here."""
    monkeypatch.setattr(tasks.submit_to_kvk, "delay", lambda *args, **kwargs: None)
    for name in dir(signals):
        signal = getattr(signals, name)
        if isinstance(signal, signals.Signal):
            monkeypatch.setattr(signal, "send", lambda *args, **kwargs: [])


@pytest.fixture
def slow_lock(monkeypatch):
    """Hold the lock of the first caller for HOLD seconds (after the message row is locked)."""
    original = services._lock_organisation
    first = threading.Event()

    def slow(organisation_id):
        original(organisation_id)
        if not first.is_set():
            first.set()
            time.sleep(HOLD)

    monkeypatch.setattr(services.review, "_lock_organisation", slow)  # where approve looks it up


def _race(*calls):
    """Run the calls at the same moment, each on its own connection; return their results."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait()
            started = time.monotonic()
            call()
            results[index] = ("ok", time.monotonic() - started)
        except Conflict as error:
            results[index] = (error.code, error.message)
        except Exception as error:  # noqa: BLE001 - reported in the assertion
            results[index] = ("error", repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def _approve(flow, message):
    return lambda: services.approve(
        message_id=message.pk, actor=flow.client_actor(), document_sha256=message.document_sha256
    )


def test_two_simultaneous_approvals_end_in_one_approval_and_one_conflict(flow, slow_lock):
    message = flow.at(Status.IN_REVIEW)
    flow.adopt(message)
    message.refresh_from_db()

    results = _race(_approve(flow, message), _approve(flow, message))

    codes = sorted(code for code, _detail in results)
    assert codes == ["already_approved", "ok"], results
    conflict = next(detail for code, detail in results if code == "already_approved")
    # The same person approved first (another window): "U", never their own name.
    assert "U heeft dit bericht al goedgekeurd op " in conflict
    assert flow.client.user.get_username() not in conflict
    message.refresh_from_db()
    assert message.status == Status.APPROVED
    assert message.approved_sha256 == message.document_sha256
    approvals = StatusEvent.objects.filter(message=message, action="approved")
    assert [(e.from_status, e.to_status) for e in approvals] == [(30, 50)]
    numbers = list(
        StatusEvent.objects.filter(organisation=flow.organisation).values_list(
            "sequence", flat=True
        )
    )
    assert numbers == list(range(1, len(numbers) + 1))


def test_approval_and_rejection_at_the_same_moment_leave_one_decision(flow, slow_lock):
    message = flow.at(Status.IN_REVIEW)
    flow.adopt(message)
    message.refresh_from_db()
    reject = lambda: services.reject(  # noqa: E731
        message_id=message.pk, actor=flow.client_actor(), reason="Toch niet"
    )

    results = _race(_approve(flow, message), reject)

    codes = [code for code, _ in results]
    assert codes.count("ok") == 1, results
    # The one that comes second reads the first decision (who took it, and when).
    assert set(codes) - {"ok"} <= {"already_rejected", "already_approved"}, results
    message.refresh_from_db()
    decisions = StatusEvent.objects.filter(message=message, action__in=["approved", "rejected"])
    assert decisions.count() == 1
    assert message.status == {"approved": 50, "rejected": 40}[decisions.get().action]


def test_two_messages_of_one_year_approved_at_once_give_one_filing(flow, slow_lock):
    """The correction rule holds under concurrency: the organisation row is locked while
    the rule is checked, so the second approval sees the first one's 50."""
    first = flow.at(Status.IN_REVIEW)
    second = second_version_at_30(flow, first)  # from before older versions were closed
    for message in (first, second):
        flow.adopt(message)
        message.refresh_from_db()

    results = _race(_approve(flow, first), _approve(flow, second))

    codes = sorted(code for code, _ in results)
    assert codes == ["correction_not_allowed", "ok"], results
    statuses = sorted(
        ApprovalMessage.objects.filter(pk__in=[first.pk, second.pk]).values_list(
            "status", flat=True
        )
    )
    assert statuses == [Status.IN_REVIEW, Status.APPROVED]
