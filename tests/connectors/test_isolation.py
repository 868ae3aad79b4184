"""Tenant isolation: every endpoint of the client API, called with client A's token, client
B's token, a revoked token and no token. A client sees and touches only its own
organisation's messages; another organisation's message is 404, never revealed."""

import pytest

from connectors import services as connector_services
from connectors.models import ClientToken
from tests.conftest import instance_for, upload_payload
from workflow.models import ApprovalMessage

pytestmark = pytest.mark.django_db

CALLERS = ["a", "b", "revoked", "none"]


@pytest.fixture
def world(api, client_a, client_b, connector):
    """A's message (registered by A), and a revoked token that belonged to A."""
    payload = upload_payload(instance_for(client_a.kvk_number))
    response = api(client_a.token).post("/api/v1/messages/", payload, format="json")
    assert response.status_code == 201
    token, raw = connector_services.issue_token(
        organisation=client_a.organisation, connector=connector
    )
    connector_services.revoke_token(token=token)
    tokens = {"a": client_a.token, "b": client_b.token, "revoked": raw, "none": None}
    return {"a_message": payload, "tokens": tokens, "a": client_a, "b": client_b}


def _state():
    return sorted(ApprovalMessage.objects.values_list("organisation__name", "message_id", "status"))


EXPECTED = {
    # endpoint: status per caller
    "upload_own": {"a": 200, "b": 201, "revoked": 401, "none": 401},
    "detail_of_a": {"a": 200, "b": 404, "revoked": 401, "none": 401},
    "updates": {"a": 200, "b": 200, "revoked": 401, "none": 401},
}


@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize("endpoint", sorted(EXPECTED))
def test_matrix(api, world, endpoint, caller):
    client = api(world["tokens"][caller])
    a_message_id = world["a_message"]["message_id"]
    before = _state()
    expected = EXPECTED[endpoint][caller]

    if endpoint == "upload_own":
        # Every caller sends A's message id; B sends its own document under that id.
        sender = world["b"] if caller == "b" else world["a"]
        payload = (
            dict(world["a_message"])
            if caller != "b"
            else upload_payload(instance_for(sender.kvk_number), message_id=a_message_id)
        )
        response = client.post("/api/v1/messages/", payload, format="json")
        assert response.status_code == expected, response.content
        after = _state()
        if caller == "b":
            # B got its own message under the same id; A's is untouched.
            assert len(after) == len(before) + 1
            mine = ApprovalMessage.objects.get(
                organisation=world["b"].organisation, message_id=a_message_id
            )
            assert response.json()["message_id"] == str(mine.message_id)
        else:
            assert after == before
    elif endpoint == "detail_of_a":
        response = client.get(f"/api/v1/messages/{a_message_id}/")
        assert response.status_code == expected, response.content
        if caller == "a":
            assert response.json()["message_id"] == a_message_id
        else:
            assert a_message_id not in response.content.decode()
        assert _state() == before
    else:
        response = client.get("/api/v1/messages/updates/?since=0")
        assert response.status_code == expected, response.content
        seen = [u["message_id"] for u in response.json().get("updates", [])]
        assert seen == ([a_message_id] if caller == "a" else [])
        assert _state() == before

    if expected == 401:
        body = response.json()
        assert body["code"] == ("token_revoked" if caller == "revoked" else "token_missing")
        assert set(body) == {"code", "detail"}


def test_b_cannot_tell_a_foreign_message_from_a_missing_one(api, world):
    import uuid

    b = api(world["tokens"]["b"])
    foreign = b.get(f"/api/v1/messages/{world['a_message']['message_id']}/")
    missing = b.get(f"/api/v1/messages/{uuid.uuid4()}/")
    assert foreign.status_code == missing.status_code == 404
    assert foreign.json() == missing.json()


def test_revoked_token_still_counts_as_revoked_when_other_tokens_are_active(api, world):
    assert ClientToken.objects.filter(organisation=world["a"].organisation).count() == 2
    response = api(world["tokens"]["revoked"]).get("/api/v1/messages/updates/")
    assert response.json()["code"] == "token_revoked"
