"""Helpers for the fault tests: real worker processes on the test database, waiting."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
WORKER_OPTIONS = ["-P", "solo", "--without-mingle", "--without-gossip", "--loglevel=INFO"]


def database_url() -> str:
    """The URL of the test database this test runs on, for a worker process."""
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    user = db["USER"] or ""
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return (
        f"postgres://{user}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    )


def wait_for(
    condition: Callable[[], bool], seconds: float, what: str, log: Callable[[], str] | None = None
) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    detail = ("\n" + log()[-3000:]) if log else ""
    raise AssertionError(f"timed out after {seconds:.0f} s waiting for {what}{detail}")


class Workers:
    """Worker processes started by a test; each is stopped (or killed) when the test ends."""

    def __init__(self, tmp_path: Path) -> None:
        self.tmp_path = tmp_path
        self.procs: list[subprocess.Popen] = []

    def start(self, name: str, args: list[str], **env: str) -> subprocess.Popen:
        log = open(self.tmp_path / f"{name}.log", "wb")  # noqa: SIM115 - closed below
        proc = subprocess.Popen(
            [sys.executable, *args],
            cwd=ROOT,
            env={**os.environ, "DATABASE_URL": database_url(), **env},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        self.procs.append(proc)
        return proc

    def celery(self, name: str, **env: str) -> subprocess.Popen:
        return self.start(
            name,
            ["-m", "celery", "-A", "config", "worker", "-n", f"{name}@%h", *WORKER_OPTIONS],
            **env,
        )

    def log(self, name: str) -> str:
        path = self.tmp_path / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def stop_all(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(20)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait(10)


@pytest.fixture
def workers(tmp_path):
    handle = Workers(tmp_path)
    yield handle
    handle.stop_all()
