"""The filesystem broker writes each message whole before a worker can see it
(config/broker.py). Kombu's own transport creates the file in the queue folder first and
writes it after, so a worker listing the folder in between read an empty file and stopped
with "Unrecoverable error: JSONDecodeError" (seen on a loaded machine, issue 19)."""

from __future__ import annotations

import os

import pytest
from kombu import Connection
from kombu.transport import filesystem

from config import broker


def _connection(tmp_path, transport):
    queue = tmp_path / "queue"
    queue.mkdir()
    options = {"data_folder_in": str(queue), "data_folder_out": str(queue)}
    return Connection(transport=transport, transport_options=options), queue


def _seen_while_writing(monkeypatch, module, tmp_path, transport) -> list[str]:
    """What a worker listing the queue folder would see in the middle of a put."""
    seen: list[str] = []
    original = module.str_to_bytes
    connection, queue = _connection(tmp_path, transport)

    def writing(text):
        seen.extend(os.listdir(queue))
        return original(text)

    monkeypatch.setattr(module, "str_to_bytes", writing)
    with connection:
        connection.SimpleQueue("work").put({"task": "x"})
    return seen


def test_a_message_is_invisible_until_it_is_whole(monkeypatch, tmp_path):
    assert _seen_while_writing(monkeypatch, broker, tmp_path, broker.Transport) == []


def test_kombus_own_transport_shows_the_empty_file_the_fix_is_for(monkeypatch, tmp_path):
    seen = _seen_while_writing(monkeypatch, filesystem, tmp_path, filesystem.Transport)
    assert len(seen) == 1 and seen[0].endswith(".work.msg")


def test_every_message_arrives_whole(tmp_path):
    connection, _queue = _connection(tmp_path, broker.Transport)
    with connection:
        queue = connection.SimpleQueue("work")
        for number in range(20):
            queue.put({"n": number})
        received = [queue.get(timeout=1) for _ in range(20)]
        for message in received:
            message.ack()
    # Within one millisecond the order is the uuid's, as with kombu's own transport.
    assert sorted(m.payload["n"] for m in received) == list(range(20))
    assert not os.listdir(tmp_path / "staging")  # nothing left half-way


@pytest.mark.django_db
def test_the_project_uses_it_for_filesystem_urls(settings):
    from config.celery import app

    if not settings.CELERY_BROKER_URL.startswith("filesystem://"):
        pytest.skip("the broker is not the filesystem one here (CI runs Redis too)")
    with app.connection_for_write() as connection:
        assert isinstance(connection.transport, broker.Transport)
