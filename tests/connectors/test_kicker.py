"""The kick after an upload: uploads of one moment share one queued processing run."""

from __future__ import annotations

import threading

import pytest

from connectors import tasks
from connectors.tasks import Kicker


@pytest.fixture
def queued(monkeypatch):
    """Every run the kicker queues, instead of a broker."""
    runs: list[str] = []
    done = threading.Event()

    def delay() -> None:
        runs.append(threading.current_thread().name)
        done.set()

    monkeypatch.setattr(tasks.process_waiting_messages, "delay", delay)
    return runs, done


def test_kicks_of_one_moment_queue_one_run(settings, queued):
    settings.PROCESSING_KICK_DELAY_SECONDS = 0.2
    runs, done = queued
    kicker = Kicker()
    for _ in range(25):
        kicker.kick()
    assert runs == []  # not before the moment has passed
    assert done.wait(5)
    done.clear()
    assert len(runs) == 1

    kicker.kick()  # a later upload gets a run of its own
    assert done.wait(5)
    assert len(runs) == 2


def test_without_delay_every_kick_queues_at_once(settings, queued):
    settings.PROCESSING_KICK_DELAY_SECONDS = 0
    runs, _done = queued
    kicker = Kicker()
    kicker.kick()
    kicker.kick()
    assert len(runs) == 2


def test_a_forked_process_does_not_wait_for_its_parents_timer(settings, queued, monkeypatch):
    settings.PROCESSING_KICK_DELAY_SECONDS = 0.2
    runs, done = queued
    kicker = Kicker()
    kicker._pending = True  # a timer pending in the parent when it forked
    monkeypatch.setattr(tasks.os, "getpid", lambda: -1)  # this is the child
    kicker.kick()
    assert done.wait(5)
    assert len(runs) == 1


def test_a_broker_that_is_down_is_logged_not_raised(settings, monkeypatch, caplog):
    settings.PROCESSING_KICK_DELAY_SECONDS = 0

    def down() -> None:
        raise ConnectionError("broker down")

    monkeypatch.setattr(tasks.process_waiting_messages, "delay", down)
    Kicker().kick()
    assert "periodic job" in caplog.text


def test_a_timer_that_cannot_start_neither_loses_the_kick_nor_later_ones(
    settings, queued, monkeypatch
):
    settings.PROCESSING_KICK_DELAY_SECONDS = 0.2
    runs, done = queued
    kicker = Kicker()

    def no_thread(self):
        raise RuntimeError("can't start new thread")

    monkeypatch.setattr(tasks.threading.Timer, "start", no_thread)
    kicker.kick()
    assert len(runs) == 1  # queued at once instead
    monkeypatch.undo()
    monkeypatch.setattr(tasks.process_waiting_messages, "delay", lambda: runs.append("x"))
    kicker.kick()
    for _ in range(50):
        if len(runs) == 2:
            break
        threading.Event().wait(0.1)
    assert len(runs) == 2  # the next kick still starts a timer
