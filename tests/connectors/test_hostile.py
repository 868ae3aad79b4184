"""Hostile and broken input: every case ends in 400 at upload or in 25 with a specific
reason after processing, and processing goes on with the next message."""

from __future__ import annotations

import base64
import threading
import uuid
from unittest import mock

import pytest

from connectors import services, tasks
from kvk.status import Status
from tests.conftest import instance_for, upload_payload
from tests.threads import run_in_threads
from workflow.models import ApprovalMessage

URL = "/api/v1/messages/"
XBRLI = 'xmlns:xbrli="http://www.xbrl.org/2003/instance"'

BILLION_LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    b'<!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    b'<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">'
    b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
    b"<xbrli:xbrl " + XBRLI.encode() + b">&lol3;</xbrli:xbrl>"
)

HOSTILE = {
    "external-entity": (
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
        b"<xbrli:xbrl " + XBRLI.encode() + b">&e;</xbrli:xbrl>",
        "DEP-PARSE-DTD",
    ),
    "external-dtd": (
        b'<?xml version="1.0"?><!DOCTYPE x SYSTEM "http://127.0.0.1:9/evil.dtd">'
        b"<xbrli:xbrl " + XBRLI.encode() + b"/>",
        "DEP-PARSE-DTD",
    ),
    "entity-expansion-bomb": (BILLION_LAUGHS, "DEP-PARSE-DTD"),
    "deep-nesting": (
        b"<xbrli:xbrl " + XBRLI.encode() + b">" + b"<a>" * 200 + b"</a>" * 200 + b"</xbrli:xbrl>",
        "DEP-PARSE-DEPTH",
    ),
    # Deeper than libxml2's own limit: refused while reading, with the same depth reason.
    "very-deep-nesting": (
        b"<xbrli:xbrl " + XBRLI.encode() + b">" + b"<a>" * 5000 + b"</a>" * 5000 + b"</xbrli:xbrl>",
        "DEP-PARSE-DEPTH",
    ),
    "huge-text-node": (
        b"<xbrli:xbrl " + XBRLI.encode() + b"><a>" + b"A" * 2_000_000 + b"</a></xbrli:xbrl>",
        "DEP-PARSE-TEXT",
    ),
    "latin-1": (
        "<?xml version='1.0' encoding='latin-1'?><xbrli:xbrl "
        + XBRLI
        + "><a>caf\xe9</a></xbrli:xbrl>".encode("latin-1").decode("latin-1"),
        "DEP-PARSE-ENCODING",
    ),
    "invalid-utf-8": (
        b"<xbrli:xbrl " + XBRLI.encode() + b"><a>caf\xe9 \xff\xfe</a></xbrli:xbrl>",
        "DEP-PARSE-ENCODING",
    ),
    "not-xml": (b"%PDF-1.7 this is not xml at all", "DEP-PARSE-XML"),
    "binary": (bytes(range(256)) * 4, "DEP-PARSE-ENCODING"),
    "html-not-xbrl": (b"<html><body>jaarrekening</body></html>", "DEP-PARSE-ROOT"),
}


def _content(value) -> bytes:
    return value.encode("latin-1") if isinstance(value, str) else value


def _upload(api, client, content: bytes) -> ApprovalMessage:
    response = api(client.token).post(URL, upload_payload(content), format="json")
    assert response.status_code == 201, response.content
    return ApprovalMessage.objects.get(message_id=response.json()["message_id"])


@pytest.mark.django_db
@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_document_ends_in_25_with_a_specific_reason(api, client_a, case):
    content, code = HOSTILE[case]
    bad = _upload(api, client_a, _content(content))
    good = _upload(api, client_a, instance_for(client_a.kvk_number))
    counts = services.process_external_messages()
    assert counts == {"claimed": 2, "in_review": 1, "failed": 1}
    bad.refresh_from_db()
    good.refresh_from_db()
    assert bad.status == Status.PROCESSING_FAILED
    assert [r["code"] for r in bad.reasons] == [code]
    assert all(r["message"] for r in bad.reasons)
    if case == "very-deep-nesting":
        assert "dieper genest" in bad.reasons[0]["message"]
    # A line number is named once, not twice.
    assert all(r["message"].count("(regel") <= 1 for r in bad.reasons)
    assert good.status == Status.IN_REVIEW
    assert [e.action for e in bad.events.all()] == ["received", "claimed", "processing_failed"]


@pytest.mark.django_db
def test_the_worker_task_survives_every_hostile_document(api, client_a):
    """The Celery task itself, called as the worker calls it: no exception escapes."""
    messages = [_upload(api, client_a, _content(c)) for c, _code in HOSTILE.values()]
    tasks.process_waiting_messages()
    assert set(
        ApprovalMessage.objects.filter(pk__in=[m.pk for m in messages]).values_list(
            "status", flat=True
        )
    ) == {Status.PROCESSING_FAILED}
    good = _upload(api, client_a, instance_for(client_a.kvk_number))
    tasks.process_waiting_messages()
    good.refresh_from_db()
    assert good.status == Status.IN_REVIEW


@pytest.mark.django_db
def test_valid_instance_of_another_organisation_ends_in_25(api, client_a, client_b):
    bad = _upload(api, client_a, instance_for(client_b.kvk_number, name="Ander B.V."))
    services.process_external_messages()
    bad.refresh_from_db()
    assert bad.status == Status.PROCESSING_FAILED
    assert [r["code"] for r in bad.reasons] == ["kvk_number_not_yours"]
    assert client_b.kvk_number in bad.reasons[0]["message"]
    assert client_a.kvk_number in bad.reasons[0]["message"]
    assert bad.organisation == client_a.organisation


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "code"),
    [
        ("{" * 100_000, "malformed_json"),
        ("[" * 100_000 + "]" * 100_000, "malformed_json"),
        ("[1, 2, 3]", "invalid"),
        ('"just a string"', "invalid"),
        ("\xff\xfe not utf-8", "malformed_json"),
    ],
    ids=["deep-unclosed", "deep-nested", "array", "string", "not-utf8"],
)
def test_hostile_request_bodies_are_400(api, client_a, body, code):
    client = api(client_a.token)
    raw = body.encode("latin-1")
    response = client.post(URL, raw, content_type="application/json")
    assert response.status_code == 400, response.content
    assert response.json()["code"] == code
    assert not ApprovalMessage.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("filename", "../../etc/passwd"),
        ("filename", "jaar\x00rekening.xbrl"),
        ("filename", "a" * 201),
        ("message_id", 12345),
        ("message_id", "not-a-uuid"),
        ("content", 12345),
        ("content", "@@@@"),
        ("content", ""),
        ("message_type", None),
    ],
)
def test_malformed_fields_are_400(api, client_a, field, value):
    payload = dict(upload_payload(instance_for(client_a.kvk_number)), **{field: value})
    response = api(client_a.token).post(URL, payload, format="json")
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "invalid"
    assert field in response.json()["detail"]
    assert not ApprovalMessage.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_same_message_uploaded_in_parallel_ends_in_one_message(api, client_a):
    payload = upload_payload(instance_for(client_a.kvk_number))
    statuses: list[int] = []
    barrier = threading.Barrier(6)

    def send() -> None:
        client = api(client_a.token)
        barrier.wait(10)
        statuses.append(client.post(URL, payload, format="json").status_code)

    with mock.patch.object(tasks, "kick_processing") as kick:
        run_in_threads(send, 6)
    assert sorted(statuses) == [200] * 5 + [201]
    message = ApprovalMessage.objects.get()
    assert str(message.message_id) == payload["message_id"]
    assert [e.action for e in message.events.all()] == ["received"]
    assert kick.call_count == 1  # processed once


@pytest.mark.django_db
def test_message_ids_are_scoped_per_organisation(api, client_a, client_b):
    message_id = uuid.uuid4()
    a = api(client_a.token).post(
        URL, upload_payload(instance_for(client_a.kvk_number), message_id=message_id), format="json"
    )
    b = api(client_b.token).post(
        URL, upload_payload(instance_for(client_b.kvk_number), message_id=message_id), format="json"
    )
    assert (a.status_code, b.status_code) == (201, 201)
    assert ApprovalMessage.objects.filter(message_id=message_id).count() == 2


def test_b64_helper_roundtrip():
    # upload_payload encodes standard base64 with padding, as the schema documents.
    assert base64.b64decode(upload_payload(b"abc")["content"], validate=True) == b"abc"


# --- libxml2's own words stay with the staff ----------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "code", "line", "libxml2"),
    [
        (b"<xbrli:xbrl " + XBRLI.encode() + b"/>extra", "DEP-PARSE-XML", 1, "Extra content"),
        (
            b"<xbrli:xbrl " + XBRLI.encode() + b">\n<a>\n</xbrli:xbrl>",
            "DEP-PARSE-XML",
            3,
            "mismatch",
        ),
        # Past libxml2's own limit (10,000,000 characters; XML_PARSE_HUGE lifts it), which
        # refuses the text before our own limit can look at it.
        (
            b"<xbrli:xbrl " + XBRLI.encode() + b"><a>" + b"A" * 10_500_000 + b"</a></xbrli:xbrl>",
            "DEP-PARSE-TEXT",
            1,
            "XML_PARSE_HUGE",
        ),
    ],
    ids=["extra-content", "tag-mismatch", "beyond-libxml2-text-limit"],
)
def test_a_client_reads_our_sentence_and_the_staff_keep_libxml2s_words(
    api, client_a, settings, content, code, line, libxml2
):
    """A document that is no well-formed XML: the client reads our sentence with the line,
    in Dutch or English, never libxml2's English text; the staff keep that as the detail
    (as with Digipoort's own words on a 70 or a 311)."""
    settings.API_MAX_UPLOAD_BYTES = 20 * 1024 * 1024
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 30 * 1024 * 1024
    message = _upload_and_process(api, client_a, content)
    (stored,) = message.reasons
    assert stored["code"] == code
    assert libxml2 in stored["detail"]
    starts = {
        "nl": ("Het bestand is geen geldige XML", "Een tekst"),
        "en": ("The file is not well-formed XML", "A text"),
    }
    for language, at in {"nl": f"(regel {line})", "en": f"(line {line})"}.items():
        response = api(client_a.token).get(
            f"{URL}{message.message_id}/", HTTP_ACCEPT_LANGUAGE=language
        )
        (reason,) = response.json()["reasons"]
        assert reason["message"].startswith(starts[language]), (language, reason)
        assert at in reason["message"], (language, reason)
        assert libxml2 not in reason["message"] and "libxml2" not in reason["message"]
        assert "detail" not in reason


def _upload_and_process(api, client_a, content: bytes) -> ApprovalMessage:
    with mock.patch.object(tasks, "kick_processing"):
        response = api(client_a.token).post(URL, upload_payload(content), format="json")
    assert response.status_code == 201, response.content
    services.process_external_messages()
    message = ApprovalMessage.objects.get(message_id=response.json()["message_id"])
    assert message.status == Status.PROCESSING_FAILED
    return message
