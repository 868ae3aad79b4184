"""What an upload costs, pinned so a regression fails: the number of queries, the surrogate
check that must not walk the base64 content in Python, and the response built without a new
ModelSerializer; plus the behaviour those shortcuts must keep."""

from __future__ import annotations

import base64
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.renderers import JSONRenderer
from rest_framework.validators import ProhibitSurrogateCharactersValidator

from connectors import services as connector_services
from connectors.serializers import MessageSerializer, message_data
from crm.models import EnvironmentActivation
from tests import factories
from tests.conftest import instance_for, upload_payload, upload_twice, versions
from workflow.models import ApprovalMessage

pytestmark = pytest.mark.django_db

URL = "/api/v1/messages/"
UPDATES = "/api/v1/messages/updates/"


def _sql(queries: CaptureQueriesContext) -> str:
    return "\n".join(query["sql"] for query in queries.captured_queries)


# --- queries ------------------------------------------------------------------------------


def test_a_successful_upload_costs_a_fixed_number_of_queries(api, client_a):
    client = api(client_a.token)
    first, content = versions(client_a.kvk_number, 2)
    # The first call of a token also writes last_used_at (at most once a minute).
    assert client.post(URL, upload_payload(first), format="json").status_code == 201
    with CaptureQueriesContext(connection) as queries:
        response = client.post(URL, upload_payload(content), format="json")
    assert response.status_code == 201, response.content
    sql = [query["sql"] for query in queries.captured_queries]
    # 1: the token with its organisation, environment, activation and connector;
    # 2: the message type; then the registration (workflow.services.register_message):
    # its transaction (a savepoint here, inside the test's transaction), the look-up of a
    # message with the same document (workflow.services.duplicates), the insert (a known
    # message id meets the unique constraint and is skipped, so no savepoint of its own and
    # no look-up first), the organisation's next status sequence and the audit event.
    assert len(sql) == 8, _sql(queries)
    assert "received_sha256" in sql[3] and "workflow_approvalmessage" in sql[3]
    assert "ON CONFLICT" in sql[4] and "workflow_approvalmessage" in sql[4]
    assert "connectors_clienttoken" in sql[0] and "portal_environmentactivation" in sql[0]
    assert "connectors_messagetype" in sql[1]
    assert not any("portal_environmentactivation" in statement for statement in sql[1:])


def test_the_activation_check_needs_no_query_of_its_own(api, client_a):
    client = api(client_a.token)
    assert client.get(UPDATES).status_code == 200  # writes last_used_at
    with CaptureQueriesContext(connection) as queries:
        assert client.get(UPDATES).status_code == 200
    # The token (with the activation) and the status events.
    assert len(queries.captured_queries) == 2, _sql(queries)


# --- the activation, now read with the token ----------------------------------------------


@pytest.fixture
def inactive_client(db):
    """A client whose environment has no activation row at all (a new environment)."""
    environment = factories.EnvironmentFactory(activated=False)
    assert not EnvironmentActivation.objects.filter(environment=environment).exists()
    factories.make_message_type(environment)
    organisation = factories.OrganisationFactory(environment=environment, kvk="24681357")
    token, raw = connector_services.issue_token(
        organisation=organisation, connector=factories.make_connector(environment)
    )
    return token, raw


def test_no_activation_row_is_403_feature_inactive(api, inactive_client):
    _token, raw = inactive_client
    response = api(raw).post(URL, upload_payload(instance_for("24681357")), format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "feature_inactive"
    assert not ApprovalMessage.objects.exists()


def test_activation_switched_off_is_403_feature_inactive(api, client_a, environment):
    EnvironmentActivation.objects.filter(environment=environment).update(active=False)
    response = api(client_a.token).post(
        URL, upload_payload(instance_for(client_a.kvk_number)), format="json"
    )
    assert response.status_code == 403
    assert response.json()["code"] == "feature_inactive"


def test_revoked_token_is_401_before_the_activation_is_looked_at(api, inactive_client):
    token, raw = inactive_client
    connector_services.revoke_token(token=token)
    response = api(raw).post(URL, upload_payload(instance_for("24681357")), format="json")
    assert response.status_code == 401
    assert response.json()["code"] == "token_revoked"


# --- the surrogate check ------------------------------------------------------------------


def test_ascii_fields_skip_drfs_character_by_character_surrogate_walk(api, client_a, monkeypatch):
    def walk(self, value):
        raise AssertionError("DRF's ProhibitSurrogateCharactersValidator walked the text")

    monkeypatch.setattr(ProhibitSurrogateCharactersValidator, "__call__", walk)
    response = api(client_a.token).post(
        URL, upload_payload(instance_for(client_a.kvk_number)), format="json"
    )
    assert response.status_code == 201, response.content


def _post_raw(api, token: str, **fields) -> dict:
    payload = dict(upload_payload(instance_for("12345678")), **fields)
    # json.dumps writes a lone surrogate as a \ud800 escape, as a client could send it.
    body = json.dumps(payload)
    response = api(token).post(URL, body, content_type="application/json")
    assert response.status_code == 400, response.content
    return response.json()


@pytest.mark.parametrize(
    "content",
    ["QUJD€REVG", "QUJDREV\u00e9", "\u00e9" * 12],
)
def test_non_ascii_content_is_invalid_base64(api, client_a, content):
    body = _post_raw(api, client_a.token, content=content)
    assert body == {
        "code": "invalid",
        "detail": "content: De inhoud is geen geldige base64.",
        "errors": {"content": ["De inhoud is geen geldige base64."]},
    }


@pytest.mark.parametrize("field", ["content", "filename", "message_type"])
def test_a_surrogate_is_still_named_with_its_code_point(api, client_a, field):
    body = _post_raw(api, client_a.token, **{field: "QUJD\ud83dREVG"})
    assert body["code"] == "invalid"
    assert body["detail"].startswith(f"{field}: ")
    assert "U+D83D" in body["detail"]
    assert "base64" not in body["detail"]


def test_surrogate_pair_escapes_are_one_character_and_no_surrogate(api, client_a):
    # "\ud83d\ude00" in JSON is one character (U+1F600), which is not base64.
    body = _post_raw(api, client_a.token, content="QUJD\U0001f600")
    assert body["detail"] == "content: De inhoud is geen geldige base64."


def test_null_character_in_content_keeps_drfs_message(api, client_a):
    body = _post_raw(api, client_a.token, content="QUJD\x00REVG")
    assert body["code"] == "invalid"
    assert body["detail"].startswith("content: ")
    assert "base64" not in body["detail"]


# --- the response -------------------------------------------------------------------------


def _as_json(data) -> object:
    return json.loads(JSONRenderer().render(data))


def test_upload_response_is_what_message_serializer_gives(api, client_a):
    payload, created, again = upload_twice(api(client_a.token), instance_for(client_a.kvk_number))
    message = ApprovalMessage.objects.get(message_id=payload["message_id"])
    expected = _as_json(MessageSerializer(message).data)
    assert created.json() == expected
    assert again.json() == expected
    assert base64.b64decode(payload["content"]) == bytes(message.received_document)


def test_message_data_matches_message_serializer_for_every_field(client_a):
    from tests.portal.conftest import make_message

    message = make_message(client_a)
    message.financial_year = 2024
    message.reasons = [{"code": "X", "message": "Reden"}]
    assert message_data(message) == MessageSerializer(message).data
    assert list(message_data(message)) == MessageSerializer.Meta.fields
