"""What an integrator met when calling the CommSvc API over real HTTP: how a body is
framed (Content-Length, RFC 9112 §6), the trailing slash, unknown paths, the Bearer scheme's
case (RFC 7235 §2.1, RFC 6750 §2.1) and what a refused copy tells a client."""

from __future__ import annotations

import http.client
import json
import uuid
from urllib.parse import urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kvk.status import Status
from tests.conftest import instance_for, upload_payload
from workflow.models import ApprovalMessage

URL = "/api/v1/messages/"


# --- 1. a body without Content-Length ---------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_chunked_upload_over_http_is_411_length_required(live_server, client_a, monkeypatch):
    """Transfer-Encoding: chunked (RFC 9112 §7.1) without Content-Length: Django reads no
    body then, so the API must not answer as if every field were missing."""
    monkeypatch.setattr("connectors.tasks.kick_processing", lambda: None)
    address = urlsplit(live_server.url)
    body = json.dumps(upload_payload(instance_for(client_a.kvk_number))).encode()
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=30)
    try:
        connection.request(
            "POST",
            URL,
            body=iter([body]),  # an iterable without a length: http.client sends it chunked
            headers={
                "Authorization": f"Bearer {client_a.token}",
                "Content-Type": "application/json",
                "Connection": "close",
            },
            encode_chunked=True,
        )
        response = connection.getresponse()
        status, answer = response.status, json.loads(response.read())
    finally:
        connection.close()
    assert status == 411, answer
    assert answer["code"] == "length_required"
    assert "Content-Length" in answer["detail"]
    assert not ApprovalMessage.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_TRANSFER_ENCODING": "chunked", "CONTENT_LENGTH": ""},
        {"CONTENT_LENGTH": "veel"},
    ],
    ids=["chunked", "not-a-number"],
)
def test_a_body_without_a_usable_content_length_is_411(api, client_a, headers):
    payload = json.dumps(upload_payload(instance_for(client_a.kvk_number)))
    response = api(client_a.token).generic(
        "POST", URL, payload, content_type="application/json", **headers
    )
    assert (response.status_code, response.json()["code"]) == (411, "length_required")


# --- 2. the trailing slash and unknown paths ------------------------------------------------


@pytest.mark.django_db
def test_the_trailing_slash_is_optional(api, client_a):
    """A 301 to the slashed address makes clients send the POST again as a GET, or without
    its body; every route answers without the slash as with it."""
    client = api(client_a.token)
    created = client.post(
        URL.rstrip("/"), upload_payload(instance_for(client_a.kvk_number)), format="json"
    )
    assert created.status_code == 201, created.content
    message_id = created.json()["message_id"]
    assert client.get(f"{URL}{message_id}").json()["message_id"] == message_id
    assert client.get(f"{URL}updates?since=0").json()["updates"][0]["message_id"] == message_id
    assert client.get("/api/v1/organisation").json() == {"kvk_number": client_a.kvk_number}


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/v1/berichten/", "/api/v1/messages/x/y/", "/api/v2"])
@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("accept", [None, "application/json"])
def test_an_unknown_api_path_is_a_json_404(api, client_a, path, method, accept):
    headers = {"HTTP_ACCEPT": accept} if accept else {}
    response = getattr(api(client_a.token), method)(path, **headers)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == "not_found"
    assert "/api/docs/" in response.json()["detail"]


@pytest.mark.django_db
def test_the_schema_names_each_route_once_with_its_slash(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    assert set(schema["paths"]) == {
        "/api/v1/messages/",
        "/api/v1/messages/{message_id}/",
        "/api/v1/messages/updates/",
        "/api/v1/organisation/",
    }
    assert client.get("/api/schema").status_code == 302, "the docs are still found without /"


# --- 3. a refused copy names the message that has the document -------------------------------


@pytest.mark.django_db
def test_a_refused_copy_gives_the_message_id_and_status_as_fields(api, client_a):
    client = api(client_a.token)
    content = instance_for(client_a.kvk_number)
    original = client.post(URL, upload_payload(content), format="json").json()
    ApprovalMessage.objects.update(status=Status.IN_REVIEW)

    copy = client.post(URL, upload_payload(content, message_id=uuid.uuid4()), format="json")

    assert copy.status_code == 409
    body = copy.json()
    assert body["code"] == "duplicate_document"
    assert (body["message_id"], body["status"]) == (original["message_id"], Status.IN_REVIEW)
    assert body["kind"] == "under_way"


@pytest.mark.django_db
def test_the_schema_documents_the_message_of_a_refused_copy(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    conflict = schema["paths"]["/api/v1/messages/"]["post"]["responses"]["409"]
    ref = conflict["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    properties = schema["components"]["schemas"][ref]["properties"]
    assert properties["message_id"]["format"] == "uuid"
    assert properties["status"]["type"] == "integer"


# --- 7. the Bearer scheme's case -----------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("scheme", ["bearer", "BEARER", "Bearer"])
def test_the_bearer_scheme_is_case_insensitive(api, client_a, scheme):
    """RFC 7235 §2.1: the auth-scheme is a case-insensitive token (RFC 6750 §2.1)."""
    client = api(None)
    client.credentials(HTTP_AUTHORIZATION=f"{scheme} {client_a.token}")
    response = client.get("/api/v1/organisation/")
    assert response.status_code == 200, response.content


# --- 4. a cursor beyond the portal's last change --------------------------------------------


@pytest.mark.django_db
def test_a_cursor_beyond_the_last_change_is_400_cursor_ahead(api, client_a):
    """After a restore of the portal a client's cursor can lie beyond every change; 200 with
    nothing would leave it waiting forever. The refusal gives the last cursor."""
    client = api(client_a.token)
    client.post(URL, upload_payload(instance_for(client_a.kvk_number)), format="json")
    last = client.get(f"{URL}updates/?since=0").json()["cursor"]
    assert client.get(f"{URL}updates/?since={last}").status_code == 200

    ahead = client.get(f"{URL}updates/?since={last + 1000}")

    assert ahead.status_code == 400
    body = ahead.json()
    assert (body["code"], body["cursor"]) == ("cursor_ahead", last)
    assert "0" in body["detail"] and str(last) in body["detail"]
    assert client.get(f"{URL}updates/?since={body['cursor']}").status_code == 200


@pytest.mark.django_db
def test_cursor_ahead_costs_no_query_of_its_own(api, client_a, django_assert_num_queries):
    """The organisation's last sequence number comes with the token's one query."""
    client = api(client_a.token)
    client.get("/api/v1/organisation/")  # last_used_at is written once; not again soon
    with CaptureQueriesContext(connection) as unknown:
        assert client.get(f"{URL}updates/?x=1").status_code == 400
    with django_assert_num_queries(len(unknown)):
        assert client.get(f"{URL}updates/?since=99").json()["code"] == "cursor_ahead"


@pytest.mark.django_db
def test_the_schema_documents_cursor_ahead(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    refused = schema["paths"]["/api/v1/messages/updates/"]["get"]["responses"]["400"]
    ref = refused["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    assert schema["components"]["schemas"][ref]["properties"]["cursor"]["type"] == "integer"
    assert "cursor_ahead" in refused["description"]


@pytest.mark.django_db
def test_a_filename_over_the_schemas_max_length_is_refused_before_trimming(api, client_a):
    """The schema says maxLength 200 for the text as sent (found by schemathesis): a name
    of 201 characters with a leading space was trimmed first and accepted."""
    payload = dict(upload_payload(instance_for(client_a.kvk_number)), filename=" " + "a" * 200)
    response = api(client_a.token).post(URL, payload, format="json")
    assert (response.status_code, response.json()["code"]) == (400, "invalid")
    assert not ApprovalMessage.objects.exists()


# --- 6. the schema says what the responses hold ----------------------------------------------


def _component(schema: dict, node: dict) -> dict:
    ref = node.get("$ref") or (node.get("items") or {}).get("$ref") or node["allOf"][0]["$ref"]
    return schema["components"]["schemas"][ref.rsplit("/", 1)[-1]]


@pytest.mark.django_db
def test_the_schema_describes_reasons_error_codes_and_retry_after(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    components = schema["components"]["schemas"]
    for name in ("Message", "MessageDetail", "Update", "Event"):
        reasons = components[name]["properties"]["reasons"]
        assert reasons["type"] == "array", name
        assert set(_component(schema, reasons)["properties"]) == {"code", "message"}
    codes = set(_component(schema, components["Error"]["properties"]["code"])["enum"])
    assert {"length_required", "cursor_ahead", "unsupported_encoding", "not_found"} <= codes
    assert {"token_malformed", "duplicate_document", "throttled", "invalid"} <= codes
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            assert {"405", "406", "429"} <= set(responses), (path, method)
            assert "Retry-After" in responses["429"]["headers"], (path, method)
    assert "415" in schema["paths"]["/api/v1/messages/"]["post"]["responses"]


@pytest.mark.django_db
def test_every_error_code_the_api_raises_is_in_the_schemas_enum(client):
    """Read from the source: each code an ApiError or a token refusal names is listed."""
    import re
    from pathlib import Path

    import connectors

    source = "".join(
        (Path(connectors.__file__).parent / name).read_text()
        for name in ("api.py", "authentication.py")
    )
    raised = set(re.findall(r'ApiError\(\s*\d{3},\s*"([a-z_]+)"', source))
    raised |= set(re.findall(r'\s"(token_[a-z_]+)",\n', source))
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    error = schema["components"]["schemas"]["Error"]["properties"]["code"]
    assert raised and raised <= set(_component(schema, error)["enum"])


@pytest.mark.django_db
def test_a_validation_error_also_lists_the_sentences_per_field(api, client_a):
    payload = dict(upload_payload(b"<x/>"), message_id="geen-uuid", content="@@@")
    body = api(client_a.token).post(URL, payload, format="json").json()
    assert body["code"] == "invalid"
    assert body["errors"] == {
        "message_id": ["Dit is geen geldige UUID."],
        "content": ["De inhoud is geen geldige base64."],
    }
    assert "message_id: Dit is geen geldige UUID." in body["detail"], "detail is kept"


@pytest.mark.django_db
def test_a_gzip_body_is_415_unsupported_encoding(api, client_a):
    import gzip

    body = gzip.compress(json.dumps(upload_payload(instance_for(client_a.kvk_number))).encode())
    response = api(client_a.token).generic(
        "POST", URL, body, content_type="application/json", HTTP_CONTENT_ENCODING="gzip"
    )
    assert (response.status_code, response.json()["code"]) == (415, "unsupported_encoding")
    assert "gzip" in response.json()["detail"]
