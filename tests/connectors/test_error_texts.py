"""The client API words its own errors (connectors.api.api_exception_handler,
SafeJSONParser, connectors.serializers.UploadSerializer): Dutch by default, never DRF's
English or its stilted Dutch, and never the key ``non_field_errors``. The English comes
from the project's catalogue with Accept-Language: en; the code stays the same."""

from __future__ import annotations

import json

import pytest

from tests.conftest import instance_for, upload_payload
from workflow.models import ApprovalMessage

pytestmark = pytest.mark.django_db

URL = "/api/v1/messages/"


def _post_raw(api, client, body: bytes | str, content_type: str = "application/json", **extra):
    return api(client.token).post(URL, body, content_type=content_type, **extra)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("{nope", "Ongeldige JSON op regel 1, kolom 2."),
        ('{\n  "a": 1,\n  "b": }', "Ongeldige JSON op regel 3, kolom 8."),
        (b"\xff\xfe not utf-8", "Ongeldige JSON: de tekst is geen UTF-8."),
        ('{"a": NaN}', "Ongeldige JSON."),
        ("null", "Het verzoek moet een JSON-object zijn."),
        ("[1, 2, 3]", "Het verzoek moet een JSON-object zijn."),
        ('"just a string"', "Het verzoek moet een JSON-object zijn."),
    ],
    ids=["syntax", "syntax-line-3", "not-utf8", "nan", "null", "array", "string"],
)
def test_a_body_that_is_no_json_object_is_told_in_dutch(api, client_a, body, expected):
    response = _post_raw(api, client_a, body)

    assert response.status_code == 400
    assert response.json()["detail"] == expected
    assert not ApprovalMessage.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("message_id", "not-a-uuid", "message_id: Dit is geen geldige UUID."),
        ("filename", "jaar\ud800.xbrl", "filename: Surrogaattekens zijn niet toegestaan: U+D800."),
    ],
)
def test_a_field_error_is_told_in_dutch(api, client_a, field, value, expected):
    payload = dict(upload_payload(instance_for(client_a.kvk_number)), **{field: value})
    # json.dumps writes the lone surrogate as the escape "\ud800", as a client would.
    response = _post_raw(api, client_a, json.dumps(payload))

    assert response.status_code == 400
    sentence = expected.partition(": ")[2]
    assert response.json() == {"code": "invalid", "detail": expected, "errors": {field: [sentence]}}


@pytest.mark.parametrize(
    ("send", "status", "code", "detail"),
    [
        pytest.param(
            lambda api: api.post(URL, "message_id=1", content_type="text/plain"),
            415,
            "unsupported_media_type",
            "Het mediatype 'text/plain' wordt niet ondersteund; stuur JSON "
            "(Content-Type: application/json).",
            id="unsupported-media-type",
        ),
        pytest.param(
            lambda api: api.get(URL + "updates/", HTTP_ACCEPT="text/html"),
            406,
            "not_acceptable",
            "Deze API antwoordt alleen met JSON; vraag in de Accept-header om application/json.",
            id="unacceptable-accept-header",
        ),
        pytest.param(
            lambda api: api.delete(URL + "updates/"),
            405,
            "method_not_allowed",
            "De methode DELETE is hier niet toegestaan.",
            id="method-the-endpoint-lacks",
        ),
    ],
)
def test_a_request_the_endpoint_cannot_serve_is_told_in_dutch(
    api, client_a, send, status, code, detail
):
    response = send(api(client_a.token))

    assert response.status_code == status
    assert response.json() == {"code": code, "detail": detail}


@pytest.mark.parametrize(
    ("body", "content_type", "expected"),
    [
        ("{nope", "application/json", "Invalid JSON at line 1, column 2."),
        ("null", "application/json", "The request must be a JSON object."),
        (
            "x",
            "text/plain",
            "The media type 'text/plain' is not supported; send JSON "
            "(Content-Type: application/json).",
        ),
    ],
    ids=["syntax", "null", "media-type"],
)
def test_the_same_errors_in_english_on_request(api, client_a, body, content_type, expected):
    response = _post_raw(api, client_a, body, content_type, HTTP_ACCEPT_LANGUAGE="en")

    assert response.json()["detail"] == expected
    assert not ApprovalMessage.objects.exists()


# --- what an integrator cannot see in what they sent ------------------------------------------


def test_a_body_with_a_byte_order_mark_is_told_so(api, client_a):
    """Some JSON writers (.NET's UTF-8 encoding with its preamble, say) put a BOM before the
    JSON; "regel 1, kolom 1" pointed at a character nobody sees."""
    body = "\ufeff" + json.dumps(upload_payload(instance_for(client_a.kvk_number)))

    response = _post_raw(api, client_a, body.encode())

    assert response.status_code == 400
    assert response.json() == {
        "code": "malformed_json",
        "detail": "Ongeldige JSON: de tekst begint met een byte order mark (BOM); stuur UTF-8 "
        "zonder BOM.",
    }
    assert not ApprovalMessage.objects.exists()


def test_base64_in_lines_is_told_to_come_in_one_line(api, client_a):
    """``base64`` on the command line and MIME encoders break the text into lines of 76;
    "geen geldige base64" did not say what was wrong with it."""
    payload = upload_payload(instance_for(client_a.kvk_number))
    content = payload["content"]
    lines = "\n".join(content[i : i + 76] for i in range(0, len(content), 76))

    response = _post_raw(api, client_a, json.dumps({**payload, "content": lines}))

    assert response.status_code == 400
    sentence = (
        "De inhoud is geen geldige base64: er staan regeleinden of spaties in. Stuur de base64 "
        "als één regel."
    )
    assert response.json() == {
        "code": "invalid",
        "detail": f"content: {sentence}",
        "errors": {"content": [sentence]},
    }
    assert not ApprovalMessage.objects.exists()
