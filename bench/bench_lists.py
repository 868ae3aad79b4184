"""The staff message list (InSite /insite/berichten/) and the client API's updates endpoint
(/api/v1/messages/updates/) with 10,000 messages: queries per request and time.

    .venv/bin/python bench/bench_lists.py [--messages 10000]   (run_all.py prepares the
    database; on its own, run it after `bench/run_all.py --only lists --keep-database`)

1,000 messages are registered through workflow.services (the same calls the API makes) for
20 client organisations of one accountancy environment; half of them are then taken to 30
and a tenth to 25 through the processing services, the rest stay at 10. The other 9,000 are
row-for-row copies of those, audit events included (bulk inserts, to keep the set-up
short). Requests are made in process with Django's test client on the bench's PostgreSQL
database, so the time is the server's own (view, queries, template), without network or a
web server.
"""

from __future__ import annotations

import argparse
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common  # noqa: E402

ORGANISATIONS = 20
#: Messages made through the services; the rest are row-for-row copies of these (see
#: copy_messages): a message through the services costs about twenty queries, and 10,000
#: of them would take most of the bench's time budget on a small machine.
SERVICE_MADE = 1000
REPEAT = 15


def small_instance(kvk_number: str, year: int) -> bytes:
    """A minimal instance: the list never reads documents, so their size does not matter
    here, and 10,000 small ones keep the set-up short."""
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>'
        f'<xbrli:xbrl xmlns:xbrli="http://www.xbrl.org/2003/instance">'
        f'<xbrli:context id="c"><xbrli:entity><xbrli:identifier scheme="http://www.kvk.nl/kvk-id">'
        f"{kvk_number}</xbrli:identifier></xbrli:entity><xbrli:period><xbrli:startDate>"
        f"{year}-01-01</xbrli:startDate><xbrli:endDate>{year}-12-31</xbrli:endDate>"
        f"</xbrli:period></xbrli:context><!-- {uuid.uuid4()} --></xbrli:xbrl>"
    ).encode()


def _advance(services, workflow, pk: int, share: int, year: int) -> None:
    """Claim the message and finish its processing as the processing job does: to 25 with a
    reason (share 5), to 30 (shares 0-4), or leave it at 10 (shares 6-9)."""
    if share >= 6:
        return
    assert services.claim_for_processing(pk)
    if share == 5:
        reasons = [{"code": "bench", "message": "Bench: afgekeurd bij verwerken"}]
        examined = services.Examined(pk, reasons=reasons)
    else:
        examined = services.Examined(
            pk, workflow=workflow, financial_year=year, entry_point="bench"
        )
    services.finish_processing([examined])


def copy_messages(count: int) -> None:
    """Add ``count`` row-for-row copies of the service-made messages with their audit events
    (new message ids, each organisation's next sequence numbers): what the services would
    have written, in bulk."""
    from django.db import transaction

    from crm.models import Organisation
    from workflow.models import ApprovalMessage, StatusEvent

    templates = list(ApprovalMessage.objects.order_by("pk"))
    events: dict[int, list] = {}
    for event in StatusEvent.objects.order_by("sequence"):
        events.setdefault(event.message_id, []).append(event)
    sequence = dict(Organisation.objects.values_list("pk", "status_sequence"))
    # A copy replaces nothing: ``replaces`` is one-to-one (a version is replaced once).
    message_fields = [
        f.attname
        for f in ApprovalMessage._meta.concrete_fields
        if f.attname not in ("id", "replaces_id")
    ]
    event_fields = [
        f.attname
        for f in StatusEvent._meta.concrete_fields
        if f.attname not in ("id", "message_id", "sequence")
    ]
    made = 0
    while made < count:
        chunk = templates[: min(len(templates), count - made)]
        copies = []
        for template in chunk:
            copy = ApprovalMessage(**{name: getattr(template, name) for name in message_fields})
            copy.message_id = uuid.uuid4()
            copy.filename = f"kopie-{made + len(copies):05d}-{template.filename}"
            copies.append(copy)
        with transaction.atomic():
            ApprovalMessage.objects.bulk_create(copies, batch_size=500)
            new_events = []
            for template, copy in zip(chunk, copies, strict=True):
                for event in events.get(template.pk, []):
                    sequence[copy.organisation_id] += 1
                    new_events.append(
                        StatusEvent(
                            **{name: getattr(event, name) for name in event_fields},
                            message_id=copy.pk,
                            sequence=sequence[copy.organisation_id],
                        )
                    )
            StatusEvent.objects.bulk_create(new_events, batch_size=1000)
            for org_id, value in sequence.items():
                Organisation.objects.filter(pk=org_id).update(status_sequence=value)
        made += len(copies)


def seed(total: int) -> dict:
    from django.db import connection, transaction

    from connectors import services as connector_services
    from crm.models import Identification, Organisation, StaffMember
    from demo import setup
    from kvk.status import Status
    from workflow import services
    from workflow.models import Actor, ApprovalMessage

    # Seeding only: this session's commits don't wait for the disk (the measured requests
    # are reads; the other benchmarks keep PostgreSQL's default).
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO off")
    started = time.perf_counter()
    env = setup.environment()
    connector = setup.connector(env)  # message type and workflow first, then activation
    common.activate_environment(env)
    workflow = setup.default_workflow(env)
    staff = setup._user("bench-staff")
    StaffMember.objects.get_or_create(user=staff, defaults={"environment": env})
    organisations, tokens = [], {}
    for n in range(ORGANISATIONS):
        org = Organisation.objects.create(environment=env, name=f"Lijst {n:02d} B.V.")
        Identification.objects.create(organisation=org, kind="kvk", value=f"7{n:06d}0")
        _token, raw = connector_services.issue_token(organisation=org, connector=connector)
        organisations.append(org)
        tokens[org.pk] = raw
    actor = Actor.system()
    year = 2025
    ids: list[int] = []
    batch = 250
    sample = min(total, SERVICE_MADE)
    for first in range(0, sample, batch):
        with transaction.atomic():
            for n in range(first, min(sample, first + batch)):
                org = organisations[n % ORGANISATIONS]
                message, _ = services.register_message(
                    organisation=org,
                    message_id=uuid.uuid4(),
                    message_type="kvk-micro-klein",
                    filename=f"jaarrekening-{n:05d}.xbrl",
                    content=small_instance(org.kvk_number, year),
                    actor=actor,
                )
                ids.append(message.pk)
    # Half to 30 and a tenth to 25, through the same services the processing job calls.
    for first in range(0, len(ids), batch):
        with transaction.atomic():
            for position in range(first, min(len(ids), first + batch)):
                _advance(services, workflow, ids[position], position % 10, year)
    copy_messages(total - sample)
    counts = {
        str(status.value): ApprovalMessage.objects.filter(status=status).count()
        for status in (Status.RECEIVED, Status.IN_REVIEW, Status.PROCESSING_FAILED)
    }
    return {
        "staff": staff,
        "organisation": organisations[0],
        "token": tokens[organisations[0].pk],
        "messages": ApprovalMessage.objects.count(),
        "by_status": counts,
        "service_made": sample,
        "seed_seconds": round(time.perf_counter() - started, 1),
    }


def measure(make_request) -> dict:
    """Queries of one request (the same on every repeat) and its time over REPEAT runs."""
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    response = make_request()  # warm: templates, caches
    assert response.status_code == 200, response.status_code
    times, queries = [], []
    for _ in range(REPEAT):
        reset_queries()
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response = make_request()
            times.append(time.perf_counter() - start)
        assert response.status_code == 200, response.status_code
        queries.append(len(captured))
    figures = common.summary_ms(times)
    return {
        "queries": max(queries),
        "queries_min": min(queries),
        "p50_ms": figures["p50_ms"],
        "p99_ms": figures["p99_ms"],
        "bytes": len(response.content),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=10_000)
    args = parser.parse_args()
    common.setup_django()
    from django.test import Client
    from rest_framework.test import APIClient

    data = seed(args.messages)
    common.flush_redis()  # the processing kicks queued by the registrations: not measured here

    staff_client = Client()
    staff_client.force_login(data["staff"])
    pages = {
        "insite_list": "/insite/berichten/",
        "insite_list_status_30": "/insite/berichten/?status=30",
        "insite_list_page_50": "/insite/berichten/?page=50",
        "insite_list_search": "/insite/berichten/?q=Lijst+07",
    }
    results: dict = {}
    for name, url in pages.items():
        results[name] = {"url": url, **measure(lambda url=url: staff_client.get(url))}

    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {data['token']}")
    from workflow.models import StatusEvent

    org = data["organisation"]
    events = StatusEvent.objects.filter(organisation=org).order_by("sequence")
    last = events.last().sequence
    middle = events[events.count() // 2].sequence
    for name, since in (
        ("updates_from_start", 0),
        ("updates_from_middle", middle),
        ("updates_at_end", last),
    ):
        url = f"/api/v1/messages/updates/?since={since}"
        results[name] = {"url": url, **measure(lambda url=url: api.get(url))}
    results["updates_organisation_events"] = events.count()
    out = {
        "messages": data["messages"],
        "by_status": data["by_status"],
        "organisations": ORGANISATIONS,
        "service_made": data["service_made"],
        "seed_seconds": data["seed_seconds"],
        "repeat": REPEAT,
        "pages": results,
    }
    common.write_result("lists", out)
    for name, figures in results.items():
        print(f"{name:28} {figures}")


if __name__ == "__main__":
    main()
