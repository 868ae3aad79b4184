"""GET /messages/updates/: no change is ever skipped, also when transactions commit out of
order. Real concurrent transactions (threads, each with its own database connection):
writers register and claim messages of one organisation (one by one, and in batches as the
processing job does) while a reader polls the API with
its cursor. Runs on SQLite and PostgreSQL (DATABASE_URL)."""

from __future__ import annotations

import itertools
import random
import threading
import time
from unittest import mock

import pytest
from django.db import connection, transaction

from connectors import tasks
from crm.models import Organisation
from tests.conftest import instance_for, numbered, register_report
from workflow import services as workflow_services
from workflow.models import Actor, StatusEvent

WRITERS = 4
MESSAGES_PER_WRITER = 8


@pytest.fixture
def fast_polling(settings):
    rest = dict(settings.REST_FRAMEWORK)
    rest["DEFAULT_THROTTLE_RATES"] = {
        **rest["DEFAULT_THROTTLE_RATES"],
        "client_token": "1000000/min",
    }
    settings.REST_FRAMEWORK = rest


def _writer(organisation_id: int, content: bytes, errors: list, batches: bool) -> None:
    """Registers messages; claims each (claim_for_processing) or, with ``batches``, claims
    whatever waits in batches, as the processing job does (claim_batch)."""
    actor = Actor.for_token(organisation_id=organisation_id, label="test", ip_address=None)
    rng = random.Random()
    try:
        organisation = Organisation.objects.get(pk=organisation_id)
        for _ in range(MESSAGES_PER_WRITER):
            with transaction.atomic():
                message, _created = register_report(organisation, numbered(content), actor)
                # Hold the transaction open after the sequence number was taken, so that
                # without the organisation lock a later number could commit first.
                time.sleep(rng.uniform(0, 0.01))
            if batches:
                while workflow_services.claim_batch(3)[0]:
                    pass
            else:
                workflow_services.claim_for_processing(message.pk)
    except Exception as error:  # noqa: BLE001 - reported by the test
        errors.append(error)
    finally:
        connection.close()


def _reader(client, stop: threading.Event, polls: list, errors: list) -> None:
    cursor = 0
    try:
        while True:
            finished = stop.is_set()  # read before polling: the last poll sees everything
            response = client.get(f"/api/v1/messages/updates/?since={cursor}")
            assert response.status_code == 200, response.content
            body = response.json()
            polls.append((cursor, body["cursor"], body["updates"]))
            cursor = body["cursor"]
            if finished and not body["updates"]:
                return
            time.sleep(0.001)
    except Exception as error:  # noqa: BLE001
        errors.append(error)
    finally:
        connection.close()


def run_writers_and_reader(api, client, *, batches: bool = True) -> tuple[list, list]:
    content = instance_for(client.kvk_number)
    # The token's first use records last_used_at (a write); do it before the race so the
    # reader's polls are reads only.
    assert api(client.token).get("/api/v1/messages/updates/").status_code == 200
    stop, errors, polls = threading.Event(), [], []
    reader = threading.Thread(target=_reader, args=(api(client.token), stop, polls, errors))
    writers = [
        threading.Thread(
            target=_writer,
            args=(client.organisation.pk, content, errors, batches and n % 2 == 1),
        )
        for n in range(WRITERS)
    ]
    with mock.patch.object(tasks, "kick_processing"):  # no broker in this test
        reader.start()
        for w in writers:
            w.start()
        for w in writers:
            w.join(60)
        stop.set()
        reader.join(60)
    assert not errors, errors
    return polls, list(
        StatusEvent.objects.filter(organisation=client.organisation).values_list(
            "sequence", "message__message_id", "to_status"
        )
    )


def missed_events(polls: list, events: list) -> list:
    """Every event must be reported by the poll whose window (since, cursor] holds its
    sequence, as that message's latest change in the window (same or later sequence)."""
    missed = []
    for sequence, message_id, _status in events:
        window = next((p for p in polls if p[0] < sequence <= p[1]), None)
        if window is None:
            missed.append(sequence)
            continue
        reported = {u["message_id"]: u["sequence"] for u in window[2]}
        if reported.get(str(message_id), -1) < sequence:
            missed.append(sequence)
    return missed


@pytest.mark.django_db(transaction=True)
def test_reader_never_misses_a_change_of_concurrent_writers(api, client_a, fast_polling):
    polls, events = run_writers_and_reader(api, client_a)
    assert len(events) == WRITERS * MESSAGES_PER_WRITER * 2  # received + claimed
    assert sorted(s for s, _m, _t in events) == list(range(1, len(events) + 1))
    assert missed_events(polls, events) == []
    # The reader's final picture equals the database: every message at 20.
    latest = {}
    for _since, _cursor, updates in polls:
        for update in updates:
            latest[update["message_id"]] = update["status"]
    assert len(latest) == WRITERS * MESSAGES_PER_WRITER
    assert set(latest.values()) == {20}
    assert len(polls) > 3  # the reader really polled during the writes


@pytest.mark.django_db(transaction=True)
def test_the_check_catches_numbers_taken_outside_the_lock(api, client_a, fast_polling):
    """Control: with a sequence taken from a counter in memory (no lock on the
    organisation row), commits come out of order and the reader misses events. Shows the
    test above can fail. Only meaningful where writers run concurrently (PostgreSQL);
    SQLite serialises whole write transactions."""
    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises write transactions; numbers are in commit order")
    counter = itertools.count(1)
    lock = threading.Lock()

    def unlocked_sequence(organisation_id: int) -> int:
        with lock:
            number = next(counter)
        # Some writers take a while between their number and their commit, as any writer
        # may (a slow disk, a busy core): later numbers then commit first.
        time.sleep(0.02 * (number % 3))
        return number

    # The numbers of the memory counter never reach the organisation's row: its last
    # number is set beyond them, or the API would refuse the reader's cursor as ahead.
    Organisation.objects.filter(pk=client_a.organisation.pk).update(status_sequence=10**6)
    with mock.patch.object(workflow_services.audit, "_next_sequence", unlocked_sequence):
        # One by one only: batches number their events in the organisation row itself.
        polls, events = run_writers_and_reader(api, client_a, batches=False)
    assert missed_events(polls, events) != []
