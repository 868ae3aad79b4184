"""Hostile and malformed XML through the client API and the processing job: each document
is refused with a specific reason (400 at the API, or 25 after processing), nothing outside
is ever fetched, each case finishes quickly, and processing keeps working afterwards."""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from connectors import services as connector_services
from kvk.status import Status
from tests.conftest import instance_for, upload_payload
from tests.security.hostile_xml import corpus
from workflow import services
from workflow.models import ApprovalMessage

pytestmark = pytest.mark.django_db

#: The reason each case must be refused with. Where the rule check is what refuses, the
#: codes of the rules that must be among the reasons.
EXPECTED = {
    "xxe_file": "DEP-PARSE-DTD",
    "xxe_network": "DEP-PARSE-DTD",
    "xxe_parameter_entity": "DEP-PARSE-DTD",
    "billion_laughs": "DEP-PARSE-DTD",
    "quadratic_blowup": "DEP-PARSE-DTD",
    "external_dtd": "DEP-PARSE-DTD",
    "doctype_lowercase_spaced": "DEP-PARSE-DTD",
    "deep_nesting": "DEP-PARSE-DEPTH",
    "huge_text": "DEP-PARSE-TEXT",
    "many_elements": "DEP-PARSE-SIZE",
    "xinclude": "DEP-REFERENCE",
    "utf16": "DEP-PARSE-ENCODING",
    "latin1_bytes": "DEP-PARSE-ENCODING",
    "bom_then_garbage": "DEP-PARSE-XML",
    "cdata_end_marker": "DEP-PARSE-XML",
    "not_xml": "DEP-PARSE-ENCODING",
    "truncated": "DEP-PARSE-XML",
    "empty_root": "DEP-PARSE-ROOT",
    "whitespace_only": "DEP-PARSE-XML",
}
#: Not refused by the instance-level rules today: a processing instruction and an unknown
#: element carrying xsi:schemaLocation inside the root. Neither is ever followed (the canary
#: proves it); whether KvK's rules refuse them is for the kvk app to decide (reported in
#: issue 10). Until then they may go on to the workflow or be refused, nothing else.
HARMLESS = {"processing_instruction", "schema_location"}
SECONDS_PER_CASE = 10


class Canary:
    """A local HTTP server that records every request: a hostile document that makes the
    parser fetch anything (XXE, external DTD, XInclude, stylesheet) would show up here."""

    def __init__(self) -> None:
        hits = self.hits = []

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - stdlib name
                hits.append(self.path)
                self.send_response(200)
                self.end_headers()
                self.wfile.write(b"<!ENTITY x 'pwned'>")

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def canary():
    server = Canary()
    yield server
    server.stop()


def upload_and_process(api, client, content: bytes) -> tuple[int, dict, ApprovalMessage | None]:
    response = api(client.token).post("/api/v1/messages/", upload_payload(content), format="json")
    body = response.json()
    if response.status_code != 201:
        return response.status_code, body, None
    message = ApprovalMessage.objects.get(message_id=body["message_id"])
    assert services.claim_for_processing(message.pk)
    connector_services.process_message(message.pk)
    message.refresh_from_db()
    return response.status_code, body, message


@pytest.mark.parametrize("case", sorted(EXPECTED) + sorted(HARMLESS))
def test_hostile_document_is_refused_with_a_specific_reason(case, client_a, api, canary):
    content = corpus(client_a.kvk_number, canary.url)[case]
    started = time.perf_counter()
    status_code, body, message = upload_and_process(api, client_a, content)
    took = time.perf_counter() - started

    assert took < SECONDS_PER_CASE, f"{case} took {took:.1f} s"
    assert canary.hits == [], f"{case} made the server fetch {canary.hits}"
    if status_code == 400:
        assert body["code"] not in ("", "invalid", "error"), body
        assert not ApprovalMessage.objects.exists()
        return
    assert status_code == 201, body
    codes = [reason["code"] for reason in message.reasons]
    if case in HARMLESS:
        assert message.status in (Status.IN_REVIEW, Status.PROCESSING_FAILED), codes
        return
    assert message.status == Status.PROCESSING_FAILED, (case, message.status, codes)
    assert EXPECTED[case] in codes, (case, codes)
    assert all(reason["message"] for reason in message.reasons)
    # What was received is kept as received: nothing expanded, nothing rewritten.
    assert bytes(message.received_document) == content


def test_processing_keeps_working_after_the_hostile_corpus(client_a, api, canary):
    for content in corpus(client_a.kvk_number, canary.url).values():
        upload_and_process(api, client_a, content)
    status_code, _body, message = upload_and_process(
        api, client_a, instance_for(client_a.kvk_number)
    )
    assert status_code == 201
    assert message.status == Status.IN_REVIEW, message.reasons
    assert canary.hits == []
