"""The same message uploaded by several connections at the same moment (a client retrying
while its first request is still under way), over real HTTP: exactly one message, one
audit event and one processing task; the first answer is 201, every other one 200."""

from __future__ import annotations

import threading
import uuid

import pytest
import requests

from connectors import tasks as connector_tasks
from tests.conftest import instance_for, upload_payload
from workflow.models import ApprovalMessage, StatusEvent

PARALLEL = 8


@pytest.mark.django_db(transaction=True)
def test_same_message_uploaded_in_parallel_is_registered_once(live_server, client_a, monkeypatch):
    kicked: list[bool] = []
    monkeypatch.setattr(connector_tasks, "kick_processing", lambda: kicked.append(True))
    payload = upload_payload(instance_for(client_a.kvk_number), message_id=uuid.uuid4())
    url = f"{live_server.url}/api/v1/messages/"
    headers = {"Authorization": f"Bearer {client_a.token}"}
    start = threading.Barrier(PARALLEL)
    answers: list[tuple[int, dict]] = []

    def upload() -> None:
        with requests.Session() as session:
            start.wait(10)
            response = session.post(url, json=payload, headers=headers, timeout=60)
            answers.append((response.status_code, response.json()))

    threads = [threading.Thread(target=upload) for _ in range(PARALLEL)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(90)

    codes = sorted(code for code, _ in answers)
    assert codes == [200] * (PARALLEL - 1) + [201], answers
    assert {body["message_id"] for _, body in answers} == {payload["message_id"]}
    message = ApprovalMessage.objects.get()
    assert str(message.message_id) == payload["message_id"]
    assert StatusEvent.objects.filter(message=message).count() == 1
    assert kicked == [True]  # processing queued once, for the one registered message
