"""Run the whole product on embedded defaults: web server, Celery worker and beat, and the
local Digipoort; Ctrl-C stops everything this started.

It runs like production for people trying it (DEBUG off: the house error pages, static files
collected and served by WhiteNoise), on plain http on this machine; ``DEBUG=true make run``
turns DEBUG on."""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
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


#: Where the settings' ALLOWED_HOSTS default already lets the web server be reached.
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1", "[::1]")


def child_environment(environ: Mapping[str, str]) -> dict[str, str]:
    """The environment of every process ``make run`` starts: production's switches unless the
    caller set them (DEBUG off; ``DEBUG=true`` turns it on), with what a demo on this machine
    needs: plain http, the demo logins without an authenticator app, the client side sending
    to the portal on this machine, and this checkout's own secret key."""
    env = {**environ, "PYTHONUNBUFFERED": "1"}
    env.setdefault("DEBUG", "false")
    if not env.get("SECRET_KEY"):
        var_dir = Path(env.get("DEPONEER_VAR_DIR") or ROOT / "var")
        env["SECRET_KEY"] = checkout_secret(var_dir)
    env.setdefault("SECURE", "false")  # http on this machine: no secure cookies, HSTS, redirect
    env.setdefault("OTP_REQUIRED_FOR_STAFF", "false")
    env.setdefault("CLIENTSIDE_ALLOW_LOCAL_PORTAL", "true")
    host = env.get("DEPONEER_HOST", "127.0.0.1")
    if "ALLOWED_HOSTS" not in env and host not in LOCAL_HOSTS:
        env["ALLOWED_HOSTS"] = ",".join(["localhost", "127.0.0.1", "[::1]", host])
    return env


def checkout_secret(var_dir: Path) -> str:
    """This checkout's SECRET_KEY for ``make run``: made once and kept in the runtime folder
    (never in the repository), so sessions survive a restart and no two machines share it."""
    path = var_dir / "secret_key"
    with contextlib.suppress(FileNotFoundError):
        secret = path.read_text().strip()
        if secret:
            return secret
    var_dir.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_urlsafe(50)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as file:
        file.write(secret + "\n")
    return secret


def wait_for(url: str, seconds: float = 30.0) -> bool:
    """Whether the web server answers ``url`` within ``seconds``. Any answer counts: the
    health check says 503 until the worker and beat have run the first scheduled job,
    which may take longer than the web server takes to start."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 - our own local URL
                return True
        except urllib.error.HTTPError:
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
    env = child_environment(os.environ)
    children: dict[str, subprocess.Popen] = {}
    try:
        # With DEBUG off WhiteNoise serves the collected files only, as in production.
        collected = subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
            cwd=ROOT,
            env=env,
        )
        if collected.returncode != 0:
            print("collectstatic mislukte; zie de uitvoer hierboven.", file=sys.stderr)
            return 1
        for name, command in PROCESSES.items():
            children[name] = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
            if name == "digipoort":
                time.sleep(1.5)
        base = f"http://{HOST}:{PORT}"
        debug = env["DEBUG"].strip().lower() in {"1", "true", "yes", "on"}
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
DEBUG staat {"aan" if debug else "uit (zoals in productie); aanzetten: DEBUG=true make run"}.
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
