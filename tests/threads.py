"""Running test work in several threads at once, as concurrent requests or workers would."""

from __future__ import annotations

import threading
from collections.abc import Callable

from django.db import connection


def run_in_threads(work: Callable[[], None], count: int, *, timeout: float = 60) -> None:
    """Run ``work`` in ``count`` threads at once and wait for them all. Each thread closes
    its own database connection when it ends, so none is left open for the test database's
    teardown."""

    def run() -> None:
        try:
            work()
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
