"""Redis restarted in the middle of a run: a worker process keeps working once Redis is
back, and every message ends at 30 exactly once: the ones processed before the restart, and
the ones whose processing task was lost with Redis (the periodic job picks those up).

Runs only when the broker is Redis (as in CI). It never touches the machine's Redis: it
starts its own redis-server on a free port, without persistence, and restarts that one.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings

from config.celery import app
from connectors import tasks as connector_tasks
from kvk.status import Status
from tests.conftest import instance_for, numbered
from tests.faults.conftest import wait_for
from workflow import services
from workflow.models import Actor, ApprovalMessage

pytestmark = [
    pytest.mark.worker,
    pytest.mark.slow,
    pytest.mark.skipif(
        not settings.CELERY_BROKER_URL.startswith(("redis://", "rediss://")),
        reason="the Celery broker is not Redis (CELERY_BROKER_URL="
        + settings.CELERY_BROKER_URL.split(":", 1)[0]
        + "://...); CI runs this with Redis",
    ),
    pytest.mark.skipif(shutil.which("redis-server") is None, reason="redis-server not installed"),
]


class OwnRedis:
    def __init__(self, port: int, log: Path) -> None:
        self.port = port
        self.log = log
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen(
                [
                    "redis-server",
                    "--port",
                    str(self.port),
                    "--bind",
                    "127.0.0.1",
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                    "--daemonize",
                    "no",
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        wait_for(self.answers, 10, f"redis-server on port {self.port}")

    def answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)


@pytest.fixture
def own_redis(tmp_path) -> Iterator[OwnRedis]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    redis = OwnRedis(port, tmp_path / "redis.log")
    redis.start()
    yield redis
    redis.stop()


def send(task, args: tuple, broker_url: str) -> None:
    """Queue a task on the test's own Redis, not on the configured broker."""
    with app.connection_for_write(broker_url) as conn, conn.Producer() as producer:
        task.apply_async(args, producer=producer)


def register(client, *years_back: int) -> list[ApprovalMessage]:
    """A message for each financial year ``years_back`` before this one, each of another
    year: a newer version of one year would close the older one at 30
    (workflow.services.versions)."""
    return [
        services.register_message(
            organisation=client.organisation,
            message_id=uuid.uuid4(),
            message_type="kvk-micro-klein",
            filename=f"jaarrekening-{year}.xbrl",
            content=numbered(instance_for(client.kvk_number, year=year)),
            actor=Actor.system(),
        )[0]
        for year in (date.today().year - back for back in years_back)
    ]


def at_30(messages: list[ApprovalMessage]) -> bool:
    pks = [m.pk for m in messages]
    return ApprovalMessage.objects.filter(pk__in=pks, status=Status.IN_REVIEW).count() == len(pks)


@pytest.mark.django_db(transaction=True)
def test_worker_survives_redis_restart_and_nothing_is_lost_or_done_twice(
    client_a, client_b, own_redis, workers, monkeypatch
):
    # This test drives its own Redis: nothing may kick processing on the configured broker.
    monkeypatch.setattr(connector_tasks, "kick_processing", lambda: None)
    worker = workers.celery("herstart", CELERY_BROKER_URL=own_redis.url)
    before = register(client_a, 1, 2)
    send(connector_tasks.process_waiting_messages, (), own_redis.url)
    wait_for(
        lambda: at_30(before), 60, "processing before the restart", lambda: workers.log("herstart")
    )

    own_redis.stop()
    during = register(client_b, 1, 2)  # uploads while Redis is away: their kicks are lost
    time.sleep(2)
    own_redis.start()  # empty: nothing was saved

    # Beat's periodic "Externe berichten verwerken" is the net for lost kicks.
    last_sent = [0.0]

    def processed_after_restart() -> bool:
        if time.monotonic() - last_sent[0] > 2:  # as beat would, every few seconds
            send(connector_tasks.process_external_messages, (), own_redis.url)
            last_sent[0] = time.monotonic()
        return at_30(during)

    wait_for(
        processed_after_restart, 60, "processing after the restart", lambda: workers.log("herstart")
    )
    assert worker.poll() is None, "the worker stopped when Redis went away"
    for message in before + during:
        actions = [e.action for e in message.events.order_by("sequence")]
        assert actions == ["received", "claimed", "workflow_started"], (message.pk, actions)
