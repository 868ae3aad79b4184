"""The scheduled job "Externe berichten verwerken" and the run kicked by uploads."""

from __future__ import annotations

import logging
import os
import threading

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from connectors import services
from crm.models import EnvironmentActivation

log = logging.getLogger(__name__)

#: Messages one kicked run claims at most; with more waiting it queues the next run.
RUN_LIMIT = 1000


@shared_task(acks_late=True)
def process_external_messages() -> dict[str, int]:
    """The periodic job: resume messages a crash left at 20, then process everything at 10."""
    # Environments with the activation off are skipped (their messages wait at 10);
    # the run is noted for the active ones, for the set-up checklist.
    EnvironmentActivation.objects.filter(active=True).update(last_processing_run_at=timezone.now())
    resumed = services.resume_stuck_processing()
    counts = services.process_external_messages()
    counts["resumed"] = resumed
    return counts


@shared_task(acks_late=True, ignore_result=True)
def process_waiting_messages() -> dict[str, int]:
    """Queued after uploads (see ``kick_processing``): process what waits at 10, in
    batches, so a message need not wait for the schedule."""
    counts = services.process_external_messages(limit=RUN_LIMIT)
    if counts["claimed"] >= RUN_LIMIT:
        process_waiting_messages.delay()  # more may wait: go on in a fresh task
    return counts


class Kicker:
    """Queues one ``process_waiting_messages`` run for all uploads of a short moment.

    A kick comes after an upload has committed. The first kick starts a timer; kicks
    until it fires are covered by the run it queues, which starts after all of them
    and so sees their messages. Under load, one run per moment and process takes whole
    batches, instead of one task per message. A kick that finds the broker down is
    logged; the periodic job is the net.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pending = False
        self._pid = os.getpid()

    def kick(self) -> None:
        delay = settings.PROCESSING_KICK_DELAY_SECONDS
        if delay <= 0:
            self._queue()
            return
        with self._lock:
            if self._pid != os.getpid():  # forked: the parent's timer does not exist here
                self._pid, self._pending = os.getpid(), False
            if self._pending:
                return
            self._pending = True
        timer = threading.Timer(delay, self._fire)
        timer.daemon = False  # a process that ends right after an upload still queues
        try:
            timer.start()
        except Exception:  # no thread to be had: queue now, and let the next kick try again
            log.exception("Could not start the processing kick timer")
            self._fire()

    def _fire(self) -> None:
        with self._lock:
            self._pending = False
        self._queue()

    @staticmethod
    def _queue() -> None:
        try:
            process_waiting_messages.delay()
        except Exception:
            log.exception("Could not queue processing; the periodic job will pick it up")


kicker = Kicker()


def kick_processing() -> None:
    """A message was registered at 10 (after commit): have it processed soon."""
    kicker.kick()
