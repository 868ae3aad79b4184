"""The real parts together: a live portal over HTTP, a Celery worker on the configured
broker (Redis in CI, the filesystem broker locally) and the local Digipoort over HTTPS."""

from __future__ import annotations

import pytest
from celery.contrib.testing.worker import start_worker

from config.celery import app


@pytest.fixture
def celery_worker_thread(transactional_db, settings):
    """A real worker in a thread; the queue is emptied first so no earlier test's task runs."""
    settings.KVK_POLL_INTERVAL_SECONDS = 1.0
    app.control.purge()
    with start_worker(
        app,
        pool="threads",
        concurrency=2,
        perform_ping_check=False,
        loglevel="WARNING",
        shutdown_timeout=30,
    ) as worker:
        yield worker
