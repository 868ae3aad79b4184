"""Run the whole product on embedded defaults: web server, Celery worker and beat, and the
local Digipoort; Ctrl-C stops everything this started."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
HOST = os.environ.get("DEPONEER_HOST", "127.0.0.1")
PORT = os.environ.get("DEPONEER_PORT", "8000")
STUB_PORT = os.environ.get("DIGIPOORT_STUB_PORT", "8443")

PROCESSES = {
    "digipoort": [sys.executable, "manage.py", "digipoort_stub", "--port", STUB_PORT],
    "worker": [
        str(BIN / "celery"),
        "-A",
        "config",
        "worker",
        "--loglevel=INFO",
        "--concurrency=2",
        "-n",
        "worker@%h",
    ],
    "beat": [str(BIN / "celery"), "-A", "config", "beat", "--loglevel=INFO"],
    "web": [sys.executable, "manage.py", "runserver", f"{HOST}:{PORT}", "--noreload"],
}


def wait_for(url: str, seconds: float = 30.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 - our own local URL
                return True
        except OSError:
            time.sleep(0.3)
    return False


def _stop(signum: int, frame: object) -> None:
    # The first signal starts the shutdown; repeated ones must not interrupt it.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    raise KeyboardInterrupt


def main() -> int:
    # Also when started in the background (where SIGINT is ignored) or stopped with SIGTERM.
    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    children: dict[str, subprocess.Popen] = {}
    try:
        for name, command in PROCESSES.items():
            children[name] = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
            if name == "digipoort":
                time.sleep(1.5)
        base = f"http://{HOST}:{PORT}"
        if not wait_for(f"{base}/healthz"):
            print("De webserver start niet; zie de uitvoer hierboven.", file=sys.stderr)
            return 1
        print(
            f"""
Deponeer draait / is running:
  Inloggen (InSite en OutSite):  {base}/login/
  Django admin:                  {base}/admin/
  API-documentatie:              {base}/api/docs/
  Gezondheid:                    {base}/healthz
  Lokale Digipoort:              https://127.0.0.1:{STUB_PORT}/
Demo-logins (wachtwoord deponeer-demo): medewerker, klant-a, klant-b, klant-c, boekhouder,
  beheerder
Eén aanlevering van begin tot eind:  .venv/bin/python manage.py demo_flow
Stoppen: Ctrl-C
""",
            flush=True,
        )
        while True:
            for name, child in children.items():
                if child.poll() is not None:
                    print(
                        f"{name} stopte met code {child.returncode}; alles wordt gestopt.",
                        file=sys.stderr,
                    )
                    return 1
            time.sleep(1)
    except KeyboardInterrupt:
        return 0
    finally:
        stop_children(children)


#: How long the children get to stop after SIGTERM before they are killed.
GRACE_SECONDS = 10


def stop_children(children: dict[str, subprocess.Popen]) -> None:
    """Stop every child (and its own process group) within GRACE_SECONDS, then kill what is
    left. Further Ctrl-C or SIGTERM while this runs (a terminal or a supervisor repeats the
    signal, or sends it to the whole group) no longer interrupt it."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    for child in children.values():
        _signal_group(child, signal.SIGTERM)
    deadline = time.monotonic() + GRACE_SECONDS
    for child in children.values():
        with contextlib.suppress(subprocess.TimeoutExpired):
            child.wait(timeout=max(deadline - time.monotonic(), 0.1))
    for child in children.values():
        # Also the group's other members (the worker's pool processes), even when the
        # group's leader already stopped.
        _signal_group(child, signal.SIGKILL)
        try:
            child.wait(timeout=5)
        except subprocess.TimeoutExpired:
            print(f"proces {child.pid} stopt niet", file=sys.stderr)


def _signal_group(child: subprocess.Popen, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(child.pid, signum)


if __name__ == "__main__":
    sys.exit(main())
