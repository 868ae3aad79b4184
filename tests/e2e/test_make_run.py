"""`make run`'s process (scripts/run_all.py) on other ports than the defaults: the demo
reaches 80 through the local Digipoort on its port, and a stop by signal, repeated and sent
to the whole group as a terminal or a supervisor does, leaves no child behind (issue 19). It
runs like production: DEBUG off, static files served (issue 20)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [pytest.mark.worker, pytest.mark.slow]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def processes() -> dict[int, tuple[int, int]]:
    """pid -> (parent pid, process group) of every process now."""
    result = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                text = (entry / "stat").read_text()
            except OSError:
                continue
            fields = text[text.rindex(")") + 2 :].split()
            result[int(entry.name)] = (int(fields[1]), int(fields[2]))
    return result


def healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - local
            return response.status == 200
    except OSError:
        return False


def fetch(url: str) -> tuple[int, str]:
    """The status and text of a page, following redirects; error pages too."""
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - local
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads the process table from /proc")
def test_make_run_on_other_ports_files_and_stops_cleanly(tmp_path):
    port, stub_port = free_port(), free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "CELERY_BROKER_URL", "REDIS_URL", "PORTAL_BASE_URL"}
        and not key.startswith("DIGIPOORT_")
    }
    env.update(
        DEPONEER_VAR_DIR=str(tmp_path / "var"),
        DEPONEER_PORT=str(port),
        DIGIPOORT_STUB_PORT=str(stub_port),
        KVK_POLL_INTERVAL_SECONDS="1",
        KVK_POLL_SCHEDULE="1,1,2",
        PROCESSING_INTERVAL_SECONDS="2",
        DJANGO_SETTINGS_MODULE="config.settings",
    )
    manage = [sys.executable, "manage.py"]
    subprocess.run(
        [*manage, "migrate", "--noinput"],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=300,
        capture_output=True,
    )
    subprocess.run(
        [*manage, "load_demo"], cwd=ROOT, env=env, check=True, timeout=300, capture_output=True
    )
    log = (tmp_path / "run.log").open("wb")
    run = subprocess.Popen(
        [sys.executable, "scripts/run_all.py"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 90
        while not healthy(f"http://127.0.0.1:{port}/healthz"):
            assert run.poll() is None, (tmp_path / "run.log").read_text()
            assert time.monotonic() < deadline, "the web server did not start"
            time.sleep(0.5)
        # Like production (issue 20): DEBUG off, so the house 404 page instead of Django's
        # technical one, and WhiteNoise serves the files collectstatic gathered.
        base = f"http://127.0.0.1:{port}"
        status, page = fetch(f"{base}/bestaat-niet/")
        assert status == 404 and "Pagina niet gevonden" in page and "URLconf" not in page
        assert fetch(f"{base}/static/deponeer.css")[0] == 200
        status, icon = fetch(f"{base}/favicon.ico")
        assert status == 200 and icon.startswith("<svg")
        assert (tmp_path / "var" / "secret_key").is_file()
        flow = subprocess.run(
            [*manage, "demo_flow", "--timeout", "120"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=180,
        )
        assert flow.returncode == 0, flow.stdout + flow.stderr
        assert " 80  " in flow.stdout
        table = processes()
        children = {pid for pid, (parent, _group) in table.items() if parent == run.pid}
        groups = children | {run.pid}
        assert len(children) == 4  # the local Digipoort, worker, beat and web server
    finally:
        # Ctrl-C in a terminal, then a supervisor's SIGTERM, both to the whole group.
        for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGINT):
            try:
                os.killpg(run.pid, signum)
            except ProcessLookupError:
                break
            time.sleep(0.2)
        started = time.monotonic()
        run.wait(timeout=30)
        log.close()
    assert time.monotonic() - started < 15
    time.sleep(0.5)
    left = [pid for pid, (_parent, group) in processes().items() if group in groups]
    assert left == [], (tmp_path / "run.log").read_text()[-3000:]
