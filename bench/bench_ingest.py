"""Ingest throughput: messages per second from POST /api/v1/messages/ to status 30, with
concurrent clients, side by side with the bare cost of the framework.

    .venv/bin/python bench/bench_ingest.py [--clients 16] [--messages 2000] [--bare 600]
        [--web-workers 2] [--web-threads 4] [--celery-workers 3] [--keep-database]

Everything is real and local (127.0.0.1 only): a fresh PostgreSQL database
(``deponeer_bench_ingest``), Redis as Celery broker and cache (database 5), gunicorn serving
the project, and Celery worker processes; all started here and stopped at the end.

Two phases, same servers, same clients, same token authentication:

* bare: each client POSTs small JSON bodies to a benchmark-only endpoint (bench/ingest_views.py)
  that authenticates the token like the client API and inserts one row. Requests per second.
* end to end: each client uploads valid XBRL instances (its own KvK number) with new message
  ids; the upload commits at 10 and kicks processing (one queued run per web process per
  PROCESSING_KICK_DELAY_SECONDS, not one task per upload); the workers claim waiting messages
  in batches (up to 50), parse, run the KvK rules, match the organisation and start the workflow
  (30), one write transaction per batch. Throughput is the number of messages over the time
  from the first POST to the last message reaching 30 (the database's own timestamps).

The ratio end-to-end / bare says how much of the framework's capacity the domain work keeps.
Prints a table and writes bench/results-ingest.json. Nothing here asserts timings.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import sys
import threading
import time
import uuid
from collections.abc import Callable
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
# Our own database, so run_all.py's other benchmarks never share or drop it under us.
# Our own database and Redis database, so run_all.py's other benchmarks (database
# deponeer_bench, Redis 5), run at the same time or not, never share or flush them under us.
os.environ.setdefault("BENCH_DATABASE", "deponeer_bench_ingest")
os.environ.setdefault("BENCH_REDIS", "redis://127.0.0.1:6379/6")

from bench import common  # noqa: E402

RESULTS = ROOT / "bench" / "results-ingest.json"
SETTINGS = "bench.ingest_settings"
TIME_LIMIT = 90  # seconds per measured phase at most; the run ends by itself


def prepare(clients: int) -> list[dict]:
    """Environment, message type with workflow, and one organisation with a token per client."""
    from django.db import connection

    from bench.ingest_views import CREATE_TABLE
    from connectors import services
    from crm import services as crm_services
    from demo import setup as demo_setup
    from kvk.builder import build_instance
    from kvk.statements import demo_statements

    with connection.cursor() as cursor:
        cursor.execute(CREATE_TABLE)
    environment = demo_setup.environment()
    demo_setup.connector(environment)  # app connector, message type and its workflow
    _activate(environment)
    connector = services.default_connector(environment)
    year = date.today().year - 1
    prepared = []
    for n in range(clients):
        kvk_number = f"{70000000 + n:08d}"
        name = f"Benchklant {n} B.V."
        organisation = crm_services.create_organisation(
            environment=environment, name=name, kvk_number=kvk_number
        )
        _token, raw = services.issue_token(organisation=organisation, connector=connector)
        content = build_instance(demo_statements(kvk_number=kvk_number, legal_name=name, year=year))
        prepared.append({"token": raw, "content": content, "kvk": kvk_number})
    return prepared


def _activate(environment) -> None:
    """Switch the environment's feature activation on, where the project has it."""
    try:
        from connectors.activation import set_environment_activation
        from crm.models import EnvironmentActivationChange
    except ImportError:
        return
    from django.db import transaction

    with transaction.atomic():
        set_environment_activation(
            environment=environment,
            active=True,
            source=EnvironmentActivationChange.Source.DEMO,
        )


class Client(threading.Thread):
    """One client environment: sequential requests over one keep-alive connection."""

    def __init__(self, port: int, token: str, bodies: list[bytes], path: str) -> None:
        super().__init__(daemon=True)
        self.port, self.token, self.bodies, self.path = port, token, bodies, path
        self.latencies: list[float] = []
        self.statuses: dict[int, int] = {}
        self.errors: list[str] = []

    def run(self) -> None:
        headers = {"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"}
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        for body in self.bodies:
            started = time.perf_counter()
            try:
                conn.request("POST", self.path, body=body, headers=headers)
                response = conn.getresponse()
                response.read()
                code = response.status
            except (OSError, http.client.HTTPException) as error:
                self.errors.append(repr(error))
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
                continue
            self.latencies.append(time.perf_counter() - started)
            self.statuses[code] = self.statuses.get(code, 0) + 1
        conn.close()


def run_clients(port: int, work: list[tuple[str, list[bytes]]], path: str) -> dict:
    threads = [Client(port, token, bodies, path) for token, bodies in work]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TIME_LIMIT)
    seconds = time.perf_counter() - started
    statuses: dict[int, int] = {}
    for thread in threads:
        for code, count in thread.statuses.items():
            statuses[code] = statuses.get(code, 0) + count
    latencies = [s for thread in threads for s in thread.latencies]
    return {
        "requests": len(latencies),
        "seconds": round(seconds, 2),
        "per_second": round(len(latencies) / seconds, 1),
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
        "errors": sum(len(t.errors) for t in threads),
        "latency": common.summary_ms(latencies),
    }


def cpu_seconds(process_groups: list[int]) -> float:
    """CPU time (user + system) used so far by every process in these process groups (the
    gunicorn master and its workers; each Celery worker). Shows the cost per message apart
    from how busy the machine is with other work."""
    return _cpu(lambda _command, group: group in process_groups)


def service_cpu_seconds() -> float:
    """CPU time used so far by PostgreSQL and Redis (every process of theirs: the machine's
    servers are the bench's, and nothing else uses them during a run)."""
    return _cpu(lambda command, _group: command in ("postgres", "redis-server"))


def _cpu(counted: Callable[[str, int], bool]) -> float:
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                head, tail = handle.read().rsplit(")", 1)
        except OSError:
            continue
        fields = tail.split()
        # After the command: state, ppid, pgrp, ... utime (14th field overall), stime (15th).
        if counted(head.split("(", 1)[1], int(fields[2])):
            total += int(fields[11]) + int(fields[12])
    return total / ticks


def own_cpu_seconds() -> float:
    """CPU time of this process: the load generator's client threads (and its polling)."""
    times = os.times()
    return times.user + times.system


def batch_size() -> int:
    from connectors.services import BATCH_SIZE

    return BATCH_SIZE


def kick_delay() -> float:
    from django.conf import settings

    return float(settings.PROCESSING_KICK_DELAY_SECONDS)


def load_average() -> float:
    return round(os.getloadavg()[0], 1)


def split(total: int, clients: int) -> list[int]:
    return [total // clients + (1 if n < total % clients else 0) for n in range(clients)]


def upload_bodies(client: dict, count: int) -> list[bytes]:
    return [
        json.dumps(
            {
                "message_id": str(uuid.uuid4()),
                "message_type": "kvk-micro-klein",
                "filename": f"jaarrekening-{client['kvk']}.xbrl",
                "content": common.copy_of(client["content"]),
            }
        ).encode()
        for _ in range(count)
    ]


def ping_bodies(count: int) -> list[bytes]:
    return [json.dumps({"note": f"ping {n}"}).encode() for n in range(count)]


#: The key ``statuses_in_db`` counts a 25 under when a newer version of its organisation's
#: year closed it (its reason's code ``version_superseded``, workflow.services.versions):
#: processed like a 30, then closed. Not every such 25 is linked as ``replaces``: each
#: version replaces one, the one received just before it.
REPLACED = -25


def statuses_in_db() -> dict[int, int]:
    """By status, how many messages stand at it; a 25 a newer version replaced counts under
    ``REPLACED``, not as a failure (each client sends several versions of one year)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT CASE WHEN m.status = 25 AND m.reasons @> %s::jsonb THEN %s"
            " ELSE m.status END AS shown, count(*) FROM workflow_approvalmessage m GROUP BY shown",
            ['[{"code": "version_superseded"}]', REPLACED],
        )
        return dict(cursor.fetchall())


def processed(counts: dict[int, int]) -> int:
    """The messages processing took into the workflow: at 30, or at 30 until a newer version
    of their year replaced them."""
    return counts.get(30, 0) + counts.get(REPLACED, 0)


def wait_until_processed(expected: int) -> dict[int, int]:
    deadline = time.monotonic() + TIME_LIMIT
    counts: dict[int, int] = {}
    while time.monotonic() < deadline:
        counts = statuses_in_db()
        if sum(v for k, v in counts.items() if k not in (10, 20)) >= expected:
            break
        time.sleep(0.05)
    return counts


def end_to_end_window(since_pk: int) -> dict:
    """First upload to last arrival at 30, and per-message POST-to-30 times, from the
    database's own clock: the moment each message entered the workflow (its audit event
    to 30), also for a version a newer one replaced afterwards."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT EXTRACT(EPOCH FROM e.created_at - m.created_at), m.created_at, e.created_at"
            " FROM workflow_approvalmessage m JOIN workflow_statusevent e ON e.message_id = m.id"
            " WHERE m.id > %s AND e.to_status = 30",
            [since_pk],
        )
        rows = cursor.fetchall()
    per_message = [float(row[0]) for row in rows]
    first = min((row[1] for row in rows), default=None)
    last = max((row[2] for row in rows), default=None)
    return {
        "seconds": (last - first).total_seconds() if first and last else None,
        "post_to_30": common.summary_ms(per_message),
    }


def max_message_pk() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(max(id), 0) FROM workflow_approvalmessage")
        return int(cursor.fetchone()[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--bare", type=int, default=600)
    parser.add_argument("--web-workers", type=int, default=2)
    parser.add_argument("--web-threads", type=int, default=4)
    parser.add_argument("--celery-workers", type=int, default=3)
    parser.add_argument("--keep-database", action="store_true")
    args = parser.parse_args()
    run_started = time.monotonic()

    common.flush_redis()
    common.create_database()
    common.setup_django(DJANGO_SETTINGS_MODULE=SETTINGS)
    clients = prepare(args.clients)
    env = common.bench_env(DJANGO_SETTINGS_MODULE=SETTINGS)
    result: dict = {}
    try:
        with common.Children() as children:
            url = children.gunicorn(workers=args.web_workers, threads=args.web_threads, env=env)
            port = int(url.rsplit(":", 1)[1])
            for n in range(args.celery_workers):
                children.worker(f"ingest{n}", env)

            # Warm-up: every process imports, connects and fills its caches before timing.
            warm = [(c["token"], upload_bodies(c, 2)) for c in clients[:4]]
            for path, work in [
                ("/api/v1/messages/", warm),
                ("/bench/ping/", [(c["token"], ping_bodies(5)) for c in clients]),
            ]:
                outcome = run_clients(port, work, path)
                if set(outcome["statuses"]) - {"200", "201"} or outcome["errors"]:
                    raise RuntimeError(f"warm-up of {path} failed: {outcome}")
            counts = wait_until_processed(8)
            if processed(counts) < 8:
                raise RuntimeError(f"warm-up messages not processed: {counts}; see the logs")

            bare_work = [
                (c["token"], ping_bodies(k))
                for c, k in zip(clients, split(args.bare, len(clients)), strict=True)
            ]
            groups = [proc.pid for _name, proc in children.procs]
            load_before = load_average()
            cpu_start = cpu_seconds(groups)
            bare = run_clients(port, bare_work, "/bench/ping/")
            cpu_bare = cpu_seconds(groups) - cpu_start

            before = max_message_pk()
            already = sum(statuses_in_db().values())
            upload_work = [
                (c["token"], upload_bodies(c, k))
                for c, k in zip(clients, split(args.messages, len(clients)), strict=True)
            ]
            web_group = [children.procs[0][1].pid]  # gunicorn, started first
            cpu_start, web_start = cpu_seconds(groups), cpu_seconds(web_group)
            services_start, own_start = service_cpu_seconds(), own_cpu_seconds()
            uploads = run_clients(port, upload_work, "/api/v1/messages/")
            counts = wait_until_processed(already + args.messages)
            cpu_e2e = cpu_seconds(groups) - cpu_start
            cpu_web = cpu_seconds(web_group) - web_start
            cpu_services = service_cpu_seconds() - services_start
            cpu_own = own_cpu_seconds() - own_start
            window = end_to_end_window(before)
            load_after = load_average()
        reached_30 = processed(counts) - 8
        e2e_rate = round(reached_30 / window["seconds"], 1) if window["seconds"] else None
        result = {
            "messages_per_second": e2e_rate,
            "bare_requests_per_second": bare["per_second"],
            "ratio": round(e2e_rate / bare["per_second"], 2) if e2e_rate else None,
            "uploads_per_second": uploads["per_second"],
            "messages": args.messages,
            "reached_30": reached_30,
            "ended_in_25": counts.get(25, 0),
            "left_at_10_or_20": counts.get(10, 0) + counts.get(20, 0),
            "clients": args.clients,
            "target_messages_per_second": 200,
            # CPU of our server processes (gunicorn + Celery; not PostgreSQL, Redis or the
            # load generator) per request or message, and what 2 cores could do at that cost.
            "cpu_ms_per_bare_request": round(cpu_bare * 1000 / max(bare["requests"], 1), 2),
            "cpu_ms_per_message": round(cpu_e2e * 1000 / args.messages, 2),
            "cpu_ms_per_message_web": round(cpu_web * 1000 / args.messages, 2),
            "cpu_ms_per_message_workers": round((cpu_e2e - cpu_web) * 1000 / args.messages, 2),
            # The rest of the machine's budget: the database and Redis, and the load
            # generator (this process) sending the uploads and polling for status 30.
            "cpu_ms_per_message_postgres_redis": round(cpu_services * 1000 / args.messages, 2),
            "cpu_ms_per_message_load_generator": round(cpu_own * 1000 / args.messages, 2),
            "load_average_before_and_after": [load_before, load_after],
            "setup": {
                "gunicorn": f"{args.web_workers} workers x {args.web_threads} threads (gthread)",
                "celery": f"{args.celery_workers} worker processes (solo pool)",
                "processing": f"batches of up to {batch_size()}, kick delay {kick_delay()} s",
                "database": "PostgreSQL, persistent connections (DB_CONN_MAX_AGE=60)",
                "broker_and_cache": "Redis",
            },
            "bare": bare,
            "upload_phase": uploads,
            "end_to_end": {**window, "statuses_at_end": {str(k): v for k, v in counts.items()}},
            "machine": common.machine(),
            "seconds": round(time.monotonic() - run_started, 1),
        }
    finally:
        if not args.keep_database:
            from django.db import connections

            connections.close_all()
            common.drop_database()
        common.flush_redis()
    RESULTS.write_text(json.dumps(result, indent=2, default=str) + "\n")
    print_table(result)


def print_table(r: dict) -> None:
    rows = [
        (
            "bare: token-authenticated POST inserting one row",
            f"{r['bare_requests_per_second']}/s",
            f"p50 {r['bare']['latency']['p50_ms']} ms, p99 {r['bare']['latency']['p99_ms']} ms",
        ),
        (
            "end to end: POST to status 30",
            f"{r['messages_per_second']} msg/s",
            f"POST->30 p50 {r['end_to_end']['post_to_30']['p50_ms']} ms, "
            f"p99 {r['end_to_end']['post_to_30']['p99_ms']} ms",
        ),
        (
            "  of which the uploads alone",
            f"{r['uploads_per_second']}/s",
            f"p50 {r['upload_phase']['latency']['p50_ms']} ms, "
            f"p99 {r['upload_phase']['latency']['p99_ms']} ms",
        ),
        (
            "ratio end to end / bare",
            f"{r['ratio']}",
            f"target >= {r['target_messages_per_second']} msg/s",
        ),
        (
            "server CPU per bare request / per message",
            f"{r['cpu_ms_per_bare_request']} / {r['cpu_ms_per_message']} ms",
            f"web {r['cpu_ms_per_message_web']} + workers "
            f"{r['cpu_ms_per_message_workers']} ms per message",
        ),
        (
            "  the rest of the machine per message",
            f"{r['cpu_ms_per_message_postgres_redis']} + "
            f"{r['cpu_ms_per_message_load_generator']} ms",
            "PostgreSQL and Redis + the load generator (this process)",
        ),
        (
            "load average before / after",
            " / ".join(str(x) for x in r["load_average_before_and_after"]),
            "other work on the machine at the same time",
        ),
        (
            "messages at 30 / 25 / stuck",
            f"{r['reached_30']} / {r['ended_in_25']} / {r['left_at_10_or_20']}",
            f"{r['clients']} concurrent clients",
        ),
    ]
    width = max(len(row[0]) for row in rows)
    print(
        f"\nIngest benchmark ({r['machine']['cores']} cores, {r['setup']['gunicorn']}, "
        f"{r['setup']['celery']}, {r['setup']['processing']})"
    )
    for name, value, note in rows:
        print(f"  {name:<{width}}  {value:>14}  {note}")
    print(f"Written {RESULTS.relative_to(ROOT)} (run took {r['seconds']} s).")


if __name__ == "__main__":
    main()
