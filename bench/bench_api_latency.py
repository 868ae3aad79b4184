"""Client API latency under 50 concurrent clients: upload (POST /api/v1/messages/) and status
(GET /api/v1/messages/<id>/), against gunicorn on PostgreSQL and Redis.

    .venv/bin/python bench/bench_api_latency.py [--clients 50] [--requests 1000]
    (run_all.py creates the database first)

Each client is one organisation with its own token and one keep-alive HTTP connection; all
start together and each alternates: upload a new message (a real instance of about 8 KB,
base64 in JSON), then ask its status. Latency is measured at the client from sending the request to
reading the whole answer, so it includes the wait in gunicorn's queue: 50 clients share
gunicorn's 3 processes x 4 threads on 2 cores. No Celery worker runs during the
measurement, so the figures are the API's own; the processing the uploads queue is dropped
afterwards.
"""

from __future__ import annotations

import argparse
import http.client
import json
import sys
import threading
import time
import uuid
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common  # noqa: E402


def prepare(clients: int) -> list[dict]:
    from connectors import services as connector_services
    from crm.models import Identification, Organisation
    from demo import setup
    from kvk.builder import build_instance
    from kvk.statements import demo_statements

    env = setup.environment()
    connector = setup.connector(env)  # message type and workflow first, then activation
    common.activate_environment(env)
    year = date.today().year - 1
    out = []
    for n in range(clients):
        kvk = f"6{n:06d}0"
        org = Organisation.objects.create(environment=env, name=f"Latentie {n:02d} B.V.")
        Identification.objects.create(organisation=org, kind="kvk", value=kvk)
        _token, raw = connector_services.issue_token(organisation=org, connector=connector)
        content = build_instance(demo_statements(kvk_number=kvk, legal_name=org.name, year=year))
        out.append({"token": raw, "content": content})
    return out


def client_loop(
    url: str, client: dict, rounds: int, start: threading.Barrier, samples: dict
) -> None:
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=120)
    headers = {"Authorization": f"Bearer {client['token']}", "Content-Type": "application/json"}

    def call(method: str, path: str, body: str | None = None) -> tuple[float, int, bytes]:
        """One request on the kept-alive connection; a connection the server closed in
        between is opened again once (counted), like any HTTP client library does."""
        nonlocal conn
        for attempt in (1, 2):
            began = time.perf_counter()
            try:
                conn.request(method, path, body=body, headers=headers)
                response = conn.getresponse()
                answer = response.read()
                return time.perf_counter() - began, response.status, answer
            except (ConnectionError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=120)
                samples["reconnects"].append(1)
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    # Open the connection before the clock starts.
    call("GET", "/api/v1/messages/updates/")
    start.wait()
    try:
        for n in range(rounds):
            message_id = str(uuid.uuid4())
            body = json.dumps(
                {
                    "message_id": message_id,
                    "message_type": "kvk-micro-klein",
                    "filename": f"jaarrekening-{n}.xbrl",
                    "content": common.copy_of(client["content"]),
                }
            )
            seconds, status, _answer = call("POST", "/api/v1/messages/", body)
            samples["upload"].append(seconds)
            if status != 201:
                samples["upload_errors"].append(status)
            seconds, status, answer = call("GET", f"/api/v1/messages/{message_id}/")
            samples["status"].append(seconds)
            if status != 200 or json.loads(answer).get("status") != 10:
                samples["status_errors"].append(status)
    except Exception as error:  # noqa: BLE001 - counted; the run fails on any error
        samples["upload_errors"].append(repr(error))
    finally:
        conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--requests", type=int, default=1000, help="uploads in total")
    parser.add_argument("--web-workers", type=int, default=3)
    parser.add_argument("--web-threads", type=int, default=4)
    args = parser.parse_args()
    common.setup_django()
    clients = prepare(args.clients)
    rounds = max(1, args.requests // args.clients)
    samples: dict[str, list] = {
        "upload": [],
        "status": [],
        "upload_errors": [],
        "status_errors": [],
        "reconnects": [],
    }
    with common.Children() as children:
        url = children.gunicorn(workers=args.web_workers, threads=args.web_threads)
        start = threading.Barrier(args.clients + 1)
        threads = [
            threading.Thread(
                target=client_loop, args=(url, client, rounds, start, samples), daemon=True
            )
            for client in clients
        ]
        for thread in threads:
            thread.start()
        start.wait(timeout=120)
        began = time.perf_counter()
        for thread in threads:
            thread.join(timeout=600)
        wall = time.perf_counter() - began
    from workflow.models import ApprovalMessage

    registered = ApprovalMessage.objects.count()
    result = {
        "concurrency": args.clients,
        "web": f"gunicorn gthread, {args.web_workers} workers x {args.web_threads} threads",
        "wall_seconds": round(wall, 1),
        "registered": registered,
        "reconnects": len(samples["reconnects"]),
    }
    for kind in ("upload", "status"):
        figures = common.summary_ms(samples[kind])
        figures["errors"] = len(samples[f"{kind}_errors"])
        figures["per_second"] = round(len(samples[kind]) / wall, 1)
        result[kind] = figures
        print(f"{kind:7} {figures}")
    if result["upload"]["errors"] or result["status"]["errors"]:
        print("errors:", samples["upload_errors"][:5], samples["status_errors"][:5])
    if registered != rounds * args.clients:
        raise SystemExit(f"expected {rounds * args.clients} messages, found {registered}")
    common.write_result("api", result)


if __name__ == "__main__":
    main()
