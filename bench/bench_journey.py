"""Peak season: N filings through the whole journey with two Celery worker processes, on
PostgreSQL and Redis, against the local Digipoort.

    .venv/bin/python bench/bench_journey.py [--filings 200] (run_all.py creates the database)

Set-up (not timed): N clients on both sides (demo.setup.add_client: organisation, portal
user and token at the accountant; administration, profile and annual report at the client)
and each client's message prepared ("Klaarzetten", status 0). Then, timed:

1. every client environment sends ("Verzenden/ontvangen" over HTTP to gunicorn), 8 at a time;
2. the upload queues processing; two worker processes claim (20), parse, check the KvK rules
   and start the workflow (30);
3. as soon as a message is at 30, its client adopts it ("Jaarrekening vastgesteld") and
   approves exactly that document, through workflow.services with the client's own user;
4. the approval queues the submission: a worker signs and delivers it to the local
   Digipoort over two-way TLS (60) and polls until KvK's verdict (80);
5. every client environment runs "Verzenden/ontvangen" again and mirrors 80.

Like beat in production, the driver queues the periodic jobs: the status poll every
POLL_TICK seconds (it asks Digipoort about the messages whose poll is due on the schedule
KVK_POLL_SCHEDULE), and every 15 s the nets (process what is at 10, re-queue stuck
submissions), which find nothing to do when nothing was lost.

The local Digipoort runs as its own process, so the CPU of each component (web, workers,
local Digipoort, PostgreSQL, Redis, and this driver, which plays the client environments
and the approving clients) is read from /proc over the timed part; the local Digipoort
counts the status polls.

Filings per minute = N / (time from the first upload to the last client having mirrored
80). Checked: all N at 80 on both sides; each audit trail is exactly received, claimed,
workflow_started, adopted, approved, delivered, filed; the local Digipoort received each
delivery reference exactly once and nothing else.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common  # noqa: E402

EXPECTED_TRAIL = [
    "received",
    "claimed",
    "workflow_started",
    "adopted",
    "approved",
    "delivered",
    "filed",
]
SENDERS = 8
APPROVERS = 2
STEP_SECONDS = 0.1  # the local Digipoort's pace from 200 to 500
# The poll schedule: first poll 1 s after the delivery (the verdict is in after 0.5 s), then
# 1 s, 2 s, 5 s; the driver's beat queues the poll task every POLL_TICK seconds.
POLL_SCHEDULE = "1,1,2,5"
POLL_TICK = 0.5
BEAT_SECONDS = 15  # how often the driver queues the periodic nets, as beat would


def set_up_clients(filings: int, portal_url: str) -> list:
    from clientside import services as client_services
    from demo import setup

    env = setup.environment()
    setup.connector(env)  # the message type with its workflow, before the activation
    common.activate_environment(env)
    year = date.today().year - 1
    administrations = []
    for n in range(filings):
        _org, administration, report = setup.add_client(
            name=f"Piek {n:04d} B.V.",
            kvk_number=f"5{n:06d}0",
            username=f"piek-{n:04d}",
            portal_url=portal_url,
            year=year,
        )
        client_services.prepare(report)
        administrations.append(administration)
    return administrations


def approve_when_ready(stop: threading.Event, approved: set[int], errors: list[str]) -> None:
    """The clients: adopt and approve every message that reached 30, as its own user."""
    from django.db import close_old_connections, connection

    from crm.models import Contact
    from kvk.status import Status
    from workflow import services
    from workflow.models import Actor, ApprovalMessage

    users = {c.organisation_id: c.user for c in Contact.objects.select_related("user")}
    lock = threading.Lock()

    def one(pk: int, organisation_id: int) -> None:
        try:
            actor = Actor.for_user(users[organisation_id])
            services.adopt(message_id=pk, actor=actor, adoption_date=date.today())
            sha = ApprovalMessage.objects.values_list("document_sha256", flat=True).get(pk=pk)
            services.approve(message_id=pk, actor=actor, document_sha256=sha)
        except Exception as error:  # noqa: BLE001 - reported, and the run fails its checks
            errors.append(f"approve {pk}: {error!r}")

    # Each approving thread keeps its database connection, as a web server's thread would;
    # they are closed when the run ends.
    with ThreadPoolExecutor(APPROVERS) as pool:
        while not stop.is_set():
            ready = list(
                ApprovalMessage.objects.filter(status=Status.IN_REVIEW)
                .exclude(pk__in=approved)
                .values_list("pk", "organisation_id")
            )
            with lock:
                approved.update(pk for pk, _ in ready)
            list(pool.map(lambda row: one(*row), ready))
            close_old_connections()
            if not ready:
                stop.wait(0.3)
        close_thread_connections(pool, APPROVERS)
    connection.close()


def run_beat(stop: threading.Event, poll_tick: float, poll, process, sweep) -> None:
    """What beat does in production, from the first upload on: the status poll every
    ``poll_tick`` seconds (0: never), and every BEAT_SECONDS the nets for lost kicks and
    crashed submissions (idempotent; they find nothing when all is well)."""
    tick = nets = 0.0
    while not stop.is_set():
        moment = time.perf_counter()
        if poll_tick and moment - tick >= poll_tick:
            poll.delay()
            tick = moment
        if moment - nets >= BEAT_SECONDS:
            process.delay()
            sweep.delay()
            nets = moment
        stop.wait(min(poll_tick or BEAT_SECONDS, BEAT_SECONDS) / 4)


def close_thread_connections(pool: ThreadPoolExecutor, threads: int) -> None:
    """Close the database connection of each of the pool's threads (one call per thread:
    each waits at the barrier until all threads have one)."""
    from django.db import connection

    barrier = threading.Barrier(threads)

    def close(_n: int) -> None:
        connection.close()
        barrier.wait(30)

    list(pool.map(close, range(threads)))


def send_receive_all(administrations: list) -> list[str]:
    """Every client environment runs "Verzenden/ontvangen", 8 at a time; each sending
    thread keeps its database connection, as a client environment's process would."""
    from clientside import services as client_services

    with ThreadPoolExecutor(SENDERS) as pool:
        errors = [
            error
            for errors in pool.map(
                lambda administration: client_services.send_receive(administration).errors,
                administrations,
            )
            for error in errors
        ]
        close_thread_connections(pool, SENDERS)
    return errors


def check(filings: int, stub, sent_at: float) -> dict:
    from django.db.models import Count

    from clientside.models import OutboundMessage
    from kvk.status import Status
    from workflow.models import ApprovalMessage, StatusEvent

    messages = list(ApprovalMessage.objects.all())
    trails: dict[int, list[tuple[str, object]]] = {}
    for event in StatusEvent.objects.order_by("message_id", "sequence"):
        trails.setdefault(event.message_id, []).append((event.action, event.created_at))
    complete = sum(1 for m in messages if [a for a, _ in trails.get(m.pk, [])] == EXPECTED_TRAIL)
    counts = stub.counts()
    once = sum(1 for m in messages if counts.get(m.delivery_reference) == 1)

    def span(m, first: str, last: str) -> float:
        moments = dict(trails[m.pk])
        return (moments[last] - moments[first]).total_seconds()

    filed = [m for m in messages if m.status == Status.FILED]
    mirrored = OutboundMessage.objects.filter(status=Status.FILED).count()
    by_status = dict(
        ApprovalMessage.objects.values_list("status").annotate(n=Count("pk")).order_by()
    )
    return {
        "messages": len(messages),
        "filed": len(filed),
        "mirrored_80_on_client_side": mirrored,
        "by_status": {str(k): v for k, v in by_status.items()},
        "complete_audit_trail": complete,
        "delivered_exactly_once": once,
        "deliveries_received": sum(counts.values()),
        "to_30": common.summary_ms([span(m, "received", "workflow_started") for m in filed]),
        "approval_to_80": common.summary_ms([span(m, "approved", "filed") for m in filed]),
        "ok": len(filed) == filings == mirrored == complete == once == sum(counts.values()),
    }


class LocalDigipoort:
    """The local Digipoort as a child process (so its CPU is its own), and its admin API."""

    def __init__(self, children: common.Children, cert_dir: Path) -> None:
        from kvk.digipoort import testpki

        self.pki = testpki.ensure(cert_dir)
        port = common.free_port()
        self.url = f"https://127.0.0.1:{port}"
        self.proc = children.start(
            "digipoort",
            [
                sys.executable,
                "manage.py",
                "digipoort_stub",
                "--port",
                str(port),
                "--cert-dir",
                str(cert_dir),
                "--step-seconds",
                str(STEP_SECONDS),
                "--reset",
            ],
            common.bench_env(),
        )

        def healthy() -> bool:
            try:
                return self._get("/stub/health").get("ok") is True
            except OSError:
                return False

        common.wait_for(healthy, 60, "the local Digipoort")

    def _get(self, path: str) -> dict:
        import requests

        response = requests.get(
            self.url + path,
            cert=(str(self.pki.client_cert), str(self.pki.client_key)),
            verify=str(self.pki.ca_cert),
            timeout=60,
        )
        response.raise_for_status()
        return response.json()

    def counts(self) -> dict[str, int]:
        return self._get("/stub/deliveries")["counts"]

    def polls(self) -> int | None:
        """Status requests received (getStatussenProces and getNieuweStatussenProces)."""
        try:
            operations = self._get("/stub/stats")["operations"]
        except OSError:
            return None  # a local Digipoort without counters
        return int(operations.get("getStatussenProces", 0)) + int(
            operations.get("getNieuweStatussenProces", 0)
        )

    def environ(self) -> dict[str, str]:
        return {
            "DIGIPOORT_AANLEVER_URL": self.url + "/wus/2.0/aanleverservice/1.2",
            "DIGIPOORT_STATUS_URL": self.url + "/wus/2.0/statusinformatieservice/1.2",
            "DIGIPOORT_CLIENT_CERT": str(self.pki.client_cert),
            "DIGIPOORT_CLIENT_KEY": str(self.pki.client_key),
            "DIGIPOORT_CA_BUNDLE": str(self.pki.ca_cert),
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--filings", type=int, default=200)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=360)
    parser.add_argument(
        "--poll-tick",
        type=float,
        default=POLL_TICK,
        help="seconds between two queued status polls, as beat; 0: never (code before the "
        "poll schedule, whose polls re-queued themselves)",
    )
    args = parser.parse_args()
    poll_env = {"KVK_POLL_INTERVAL_SECONDS": "2", "KVK_POLL_SCHEDULE": POLL_SCHEDULE}
    common.setup_django(**poll_env)
    from connectors.tasks import process_external_messages
    from kvk.status import Status
    from workflow.models import ApprovalMessage
    from workflow.tasks import poll_kvk_statuses, sweep_stuck_messages

    errors: list[str] = []
    with common.Children() as children:
        stub = LocalDigipoort(children, Path(tempfile.mkdtemp(prefix="deponeer-bench-digipoort-")))
        url = children.gunicorn()
        began = time.perf_counter()
        administrations = set_up_clients(args.filings, url)
        setup_seconds = time.perf_counter() - began
        worker_env = common.bench_env(**stub.environ(), **poll_env)
        workers = [children.worker(f"piek{n + 1}", worker_env) for n in range(args.workers)]
        time.sleep(3)  # the workers connect to Redis before the clock starts
        groups = {
            "web": [
                pid for name, proc in children.procs if name == "gunicorn" for pid in [proc.pid]
            ],
            "workers": [proc.pid for proc in workers],
            "digipoort": [stub.proc.pid],
        }
        polls_before = stub.polls()
        cpu_before = common.cpu_seconds(groups)

        stop = threading.Event()
        approved: set[int] = set()
        approver = threading.Thread(
            target=approve_when_ready, args=(stop, approved, errors), daemon=True
        )
        beat = threading.Thread(
            target=run_beat,
            args=(
                stop,
                args.poll_tick,
                poll_kvk_statuses,
                process_external_messages,
                sweep_stuck_messages,
            ),
            daemon=True,
        )
        t0 = time.perf_counter()
        beat.start()
        approver.start()
        errors += send_receive_all(administrations)
        sent = time.perf_counter() - t0
        # A refused upload will not reach 80 by waiting: stop at once.
        deadline = t0 + (args.timeout if not errors else 0)
        final = [Status.FILED, Status.REFUSED, Status.PROCESSING_FAILED]
        while time.perf_counter() < deadline:
            if ApprovalMessage.objects.filter(status__in=final).count() >= args.filings:
                break
            time.sleep(0.25)
        stop.set()
        approver.join(60)
        beat.join(10)
        at_80 = time.perf_counter() - t0
        errors += send_receive_all(administrations)
        total = time.perf_counter() - t0
        cpu = common.cpu_used(cpu_before, common.cpu_seconds(groups))
        polls_after = stub.polls()
        polls = None if polls_before is None or polls_after is None else polls_after - polls_before
        result = {
            "filings": args.filings,
            "workers": args.workers,
            "web": "gunicorn gthread, 3 workers x 4 threads",
            "setup_seconds": round(setup_seconds, 1),
            "send_seconds": round(sent, 1),
            "last_at_80_seconds": round(at_80, 1),
            "seconds": round(total, 1),
            "filings_per_second": round(args.filings / total, 1),
            "filings_per_minute": round(args.filings / total * 60, 1),
            "cpu_seconds": cpu,
            "cpu_ms_per_filing": {
                name: round(value * 1000 / args.filings, 1) for name, value in cpu.items()
            },
            "polls": polls,
            "polls_per_filing": None if polls is None else round(polls / args.filings, 2),
            **check(args.filings, stub, t0),
            "errors": errors[:20],
        }
    common.write_result("journey", result)
    for key, value in result.items():
        print(f"{key:28} {value}")
    if not result["ok"]:
        raise SystemExit("the peak-season run did not end with every filing at 80 exactly once")


if __name__ == "__main__":
    main()
