"""The real parts together: a live portal over HTTP, a Celery worker on the configured
broker (Redis in CI, the filesystem broker locally) and the local Digipoort over HTTPS."""

from __future__ import annotations

import threading

import pytest
from celery.contrib.testing.worker import start_worker

from config.celery import app
from workflow.tasks import poll_kvk_statuses


@pytest.fixture
def celery_worker_thread(transactional_db, settings):
    """A real worker in a thread, and beat's status poll once a second; the queue is emptied
    first so no earlier test's task runs."""
    settings.KVK_POLL_INTERVAL_SECONDS = 1.0
    settings.KVK_POLL_SCHEDULE = [1.0, 1.0, 2.0]
    app.control.purge()
    stop = threading.Event()

    def beat() -> None:
        while not stop.wait(settings.KVK_POLL_INTERVAL_SECONDS):
            poll_kvk_statuses.delay()

    ticker = threading.Thread(target=beat, daemon=True)
    ticker.start()
    try:
        with start_worker(
            app,
            pool="threads",
            concurrency=2,
            perform_ping_check=False,
            loglevel="WARNING",
            shutdown_timeout=30,
        ) as worker:
            yield worker
    finally:
        stop.set()
        ticker.join(5)
