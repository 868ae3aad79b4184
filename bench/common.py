"""Shared helpers for the benchmarks: the bench database and Redis database, Django set-up in
the driver process, and child processes (gunicorn, Celery workers) on 127.0.0.1 that always
stop, whatever happens to the driver.

Everything runs on PostgreSQL and Redis on 127.0.0.1. The bench uses its own database
(``deponeer_bench``, created and dropped here) and its own Redis database number (7), so it
never touches the data of a developer or of CI (databases 0 and 1), nor that of
bench_ingest.py when that one runs on its own at the same time (it sets its own).
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import platform
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent

PG_SERVER = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")
BENCH_DB = os.environ.get("BENCH_DATABASE", "deponeer_bench")
BENCH_REDIS = os.environ.get("BENCH_REDIS", "redis://127.0.0.1:6379/7")
# Per-benchmark JSON and the children's logs: outside the tree, so a run leaves only
# bench/results.json and BENCHMARKS.md behind.
OUT_DIR = Path(os.environ.get("BENCH_VAR_DIR") or tempfile.gettempdir()) / "deponeer-bench" / "out"

# One secret per bench run, shared by every process of the run (sessions made in the
# driver must be valid in gunicorn).
_SECRET = os.environ.get("BENCH_SECRET_KEY") or secrets.token_urlsafe(50)


def copy_of(content: bytes) -> str:
    """``content`` as another document (a unique comment after its root), in base64: the
    portal refuses a byte-identical copy of a message still under way
    (workflow.services.duplicates), and each upload of a benchmark is a filing of its own."""
    return base64.b64encode(content + f"<!-- {uuid.uuid4()} -->\n".encode()).decode()


def database_url() -> str:
    return f"{PG_SERVER}/{BENCH_DB}"


def bench_env(**extra: str) -> dict[str, str]:
    """The environment of every process of a bench run: production switches (DEBUG off)
    except HTTPS, PostgreSQL, Redis as broker and cache, generous API throttles (the bench
    measures throughput, not the limiter) and a private runtime folder."""
    var_dir = OUT_DIR.parent / "var"
    var_dir.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": database_url(),
        "DB_CONN_MAX_AGE": "60",
        "CELERY_BROKER_URL": BENCH_REDIS,
        "REDIS_URL": BENCH_REDIS,
        "DEBUG": "false",
        "SECURE": "false",
        "SECRET_KEY": _SECRET,
        "BENCH_SECRET_KEY": _SECRET,
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "OTP_REQUIRED_FOR_STAFF": "false",
        "CLIENTSIDE_ALLOW_LOCAL_PORTAL": "true",  # the portal runs on 127.0.0.1
        "API_THROTTLE_RATE": "1000000/min",
        "API_ANON_THROTTLE_RATE": "1000000/min",
        "LOG_LEVEL": "WARNING",
        "DEPONEER_VAR_DIR": str(var_dir),
        "PYTHONUNBUFFERED": "1",
    }
    env.update(extra)
    return env


def setup_django(**extra: str) -> None:
    """Configure this process like the bench's servers and set Django up."""
    os.environ.update(bench_env(**extra))
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    # The bench creates hundreds of portal users; the production hasher (PBKDF2 with a
    # million rounds) would make that part of the set-up take minutes. The database is
    # dropped after the run, and no figure depends on password hashing.
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def activate_environment(environment) -> None:
    """Switch the accountancy environment's feature activation on, when the project has one
    (crm.activation): a new environment starts with the portal and API switched off."""
    try:
        from connectors.activation import set_environment_activation
        from crm.models import EnvironmentActivationChange
    except ImportError:
        return
    set_environment_activation(
        environment=environment, active=True, source=EnvironmentActivationChange.Source.COMMAND
    )


# --- PostgreSQL and Redis ---------------------------------------------------------------------


def _admin_connection():
    import psycopg

    return psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True)


def drop_database() -> None:
    with _admin_connection() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')


def create_database() -> None:
    drop_database()
    with _admin_connection() as conn:
        conn.execute(f'CREATE DATABASE "{BENCH_DB}"')
    run_manage("migrate", "--noinput", timeout=300)


def flush_redis() -> None:
    """Empty the bench's own Redis database (queues, throttle counters)."""
    import redis

    redis.Redis.from_url(BENCH_REDIS).flushdb()


def run_manage(*args: str, timeout: float = 300) -> None:
    subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=bench_env(),
        check=True,
        timeout=timeout,
        stdout=subprocess.DEVNULL,
    )


def versions() -> dict[str, str]:
    import django
    import psycopg
    import redis

    info: dict[str, str] = {
        "python": platform.python_version(),
        "django": django.get_version(),
    }
    with contextlib.suppress(Exception), psycopg.connect(f"{PG_SERVER}/postgres") as conn:
        info["postgresql"] = str(conn.execute("SHOW server_version").fetchone()[0])
    with contextlib.suppress(Exception):
        info["redis"] = str(redis.Redis.from_url(BENCH_REDIS).info("server")["redis_version"])
    return info


def python_loop_ms() -> float:
    """How fast one core runs Python right now: the best of five timings of a fixed loop
    (``sum(range(10**6))``). Shared virtual machines differ, and one machine's speed varies
    with its neighbours; this number lets figures of different runs be compared."""
    timings = []
    for _ in range(5):
        started = time.perf_counter()
        sum(range(10**6))
        timings.append(time.perf_counter() - started)
    return round(min(timings) * 1000, 1)


def machine() -> dict[str, Any]:
    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory_gb = None
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory_gb = round(int(line.split()[1]) / 1024 / 1024, 1)
    return {
        "cores": os.cpu_count(),
        "memory_gb": memory_gb,
        "cpu": cpu,
        "python_loop_ms": python_loop_ms(),
        "os": f"{platform.system()} {platform.release()}",
        **versions(),
    }


# --- CPU per component ------------------------------------------------------------------------

_TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _proc_stats() -> list[tuple[int, str, int, int, float]]:
    """(pid, command, ppid, process group, CPU seconds incl. reaped children) of every
    process; those that vanish while read are skipped."""
    rows = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            text = (entry / "stat").read_text()
        except OSError:
            continue
        command = text[text.index("(") + 1 : text.rindex(")")]
        fields = text[text.rindex(")") + 2 :].split()
        # fields[0] is field 3 (state): ppid 4, pgrp 5, utime 14, stime 15, cutime 16, cstime 17
        ticks = sum(int(value) for value in fields[11:15])
        rows.append((int(entry.name), command, int(fields[1]), int(fields[2]), ticks / _TICK))
    return rows


def cpu_seconds(groups: dict[str, list[int]]) -> dict[str, float]:
    """CPU seconds used so far per component: each named list of process-group ids (our
    children each lead their own group), plus "postgresql" and "redis" (the servers with
    every backend, exited ones counted through the parent) and "driver" (this process)."""
    import resource

    rows = _proc_stats()
    result: dict[str, float] = {}
    for name, pgids in groups.items():
        result[name] = sum(cpu for _pid, _c, _pp, pgrp, cpu in rows if pgrp in pgids)
    for name, command in (("postgresql", "postgres"), ("redis", "redis-server")):
        result[name] = sum(cpu for _pid, c, _pp, _g, cpu in rows if c == command)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    result["driver"] = usage.ru_utime + usage.ru_stime
    return result


def cpu_used(before: dict[str, float], after: dict[str, float]) -> dict[str, float]:
    return {name: round(after[name] - before.get(name, 0.0), 2) for name in after}


# --- child processes --------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(condition: Callable[[], bool], seconds: float, what: str, every: float = 0.2) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(every)
    raise TimeoutError(f"timed out after {seconds:.0f} s waiting for {what}")


class Children:
    """Child processes that are stopped when the block ends, also on an exception or a
    SIGTERM/SIGINT to the driver: SIGTERM first, SIGKILL after a grace period."""

    def __init__(self, log_dir: Path | None = None) -> None:
        self.procs: list[tuple[str, subprocess.Popen]] = []
        self.log_dir = log_dir or OUT_DIR / "logs"
        self.log_dir.mkdir(parents=True, exist_ok=True)

    def __enter__(self) -> Children:
        self._old = {}
        for sig in (signal.SIGTERM, signal.SIGINT):
            self._old[sig] = signal.getsignal(sig)
            signal.signal(sig, self._on_signal)
        return self

    def _on_signal(self, signum, frame) -> None:  # noqa: ANN001
        self.stop_all()
        raise SystemExit(128 + signum)

    def __exit__(self, *exc: object) -> None:
        self.stop_all()
        for sig, handler in self._old.items():
            signal.signal(sig, handler)

    def start(self, name: str, args: list[str], env: dict[str, str]) -> subprocess.Popen:
        log = open(self.log_dir / f"{name}.log", "wb")  # noqa: SIM115 - closed by the child's end
        proc = subprocess.Popen(
            args, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        log.close()
        self.procs.append((name, proc))
        return proc

    def stop(self, proc: subprocess.Popen, grace: float = 20) -> None:
        if proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(grace)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(10)

    def stop_all(self) -> None:
        for _name, proc in reversed(self.procs):
            self.stop(proc)
        self.procs.clear()

    def gunicorn(
        self, *, workers: int = 3, threads: int = 4, env: dict[str, str] | None = None
    ) -> str:
        """Start gunicorn on a free port; returns its base URL once /healthz answers."""
        port = free_port()
        proc = self.start(
            "gunicorn",
            [
                str(BIN / "gunicorn"),
                "config.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(workers),
                "--threads",
                str(threads),
                "--worker-class",
                "gthread",
                "--backlog",
                "256",
                "--timeout",
                "120",
                # Clients keep their connection open between requests (as client
                # environments polling do); gunicorn's default closes it after 2 s idle.
                "--keep-alive",
                "75",
                "--log-level",
                "warning",
            ],
            env or bench_env(),
        )
        url = f"http://127.0.0.1:{port}"

        def healthy() -> bool:
            if proc.poll() is not None:
                raise RuntimeError(f"gunicorn stopped; see its log in {self.log_dir}")
            try:
                with urllib.request.urlopen(url + "/healthz", timeout=2) as response:
                    return response.status == 200
            except OSError:
                return False

        wait_for(healthy, 60, "gunicorn")
        return url

    def worker(self, name: str, env: dict[str, str]) -> subprocess.Popen:
        """One Celery worker process (solo pool: one task at a time, one process)."""
        return self.start(
            f"worker-{name}",
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "-P",
                "solo",
                "-n",
                f"{name}@%h",
                "--without-mingle",
                "--without-gossip",
                "--without-heartbeat",
                "--loglevel=WARNING",
            ],
            env,
        )


@contextlib.contextmanager
def timed() -> Iterator[dict[str, float]]:
    box: dict[str, float] = {}
    start = time.perf_counter()
    try:
        yield box
    finally:
        box["seconds"] = time.perf_counter() - start


# --- figures ----------------------------------------------------------------------------------


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile (no interpolation): p99 of 1,000 samples is the 990th."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, min(len(ordered), int(-(-pct * len(ordered) // 100))))
    return ordered[rank - 1]


def summary_ms(seconds: list[float]) -> dict[str, float | int]:
    ms = [s * 1000 for s in seconds]
    return {
        "count": len(ms),
        "p50_ms": round(percentile(ms, 50), 1),
        "p99_ms": round(percentile(ms, 99), 1),
        "mean_ms": round(statistics.fmean(ms), 1) if ms else float("nan"),
        "max_ms": round(max(ms), 1) if ms else float("nan"),
    }


def write_result(name: str, data: dict[str, Any]) -> Path:
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    path = OUT_DIR / f"{name}.json"
    path.write_text(json.dumps(data, indent=2, default=str) + "\n")
    return path
