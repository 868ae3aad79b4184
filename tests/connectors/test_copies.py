"""A document sent again under a new message id (UploadMessage): refused while the message
that brought it is under way, was rejected by the client or refused by the KvK; taken again
after processing failed (workflow.services.duplicates says why, per status, citing
KVK-SBR.md §2 and the seed's "Bij status 90 ... De klant moet de stukken dan opnieuw
aanmaken en indienen."). Copies that got past the upload end at 25 with the reason, never
at 30 beside their original."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest

from connectors import services
from kvk.rules.report import Finding
from kvk.status import Status
from tests.conftest import instance_for, upload_payload, versions
from workflow.models import ApprovalMessage, StatusEvent
from workflow.services import receiving  # noqa

pytestmark = pytest.mark.django_db

URL = "/api/v1/messages/"


def _upload(client, content: bytes, message_id: uuid.UUID | None = None, **headers):
    return client.post(
        URL, upload_payload(content, message_id=message_id), format="json", **headers
    )


def _original(api, client_a, content: bytes, status: int = Status.RECEIVED) -> ApprovalMessage:
    """The first message with ``content``, put at ``status`` (its document approved from 50
    on, as the status machine would have it)."""
    assert _upload(api(client_a.token), content).status_code == 201
    message = ApprovalMessage.objects.get()
    ApprovalMessage.objects.filter(pk=message.pk).update(
        created_at=RECEIVED,
        status=status,
        approved_sha256=message.document_sha256 if status >= Status.APPROVED else "",
    )
    return message


#: The day the original was received, as a sentence names it (config.dates.format_day).
RECEIVED = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
RECEIVED_DAY = "2 maart 2026"


def _names_the_original(body: dict, original: ApprovalMessage) -> None:
    """The refusal names the original by the day it was received, as a person knows it; its
    message id (a UUID, which says nothing to a person) only in the answer's field for
    machines."""
    assert f"in het bericht van {RECEIVED_DAY}" in body["detail"], body["detail"]
    assert str(original.message_id) not in body["detail"]
    assert body["message_id"] == str(original.message_id)


# --- the same message id: a retry, as before ---------------------------------------------


def test_the_same_bytes_under_the_same_id_stay_idempotent(api, client_a):
    client = api(client_a.token)
    content = instance_for(client_a.kvk_number)
    message_id = uuid.uuid4()
    assert _upload(client, content, message_id).status_code == 201
    for _ in range(2):
        again = _upload(client, content, message_id)
        assert again.status_code == 200, again.content
        assert again.json()["message_id"] == str(message_id)
    assert ApprovalMessage.objects.count() == 1


def test_a_retry_of_the_original_is_answered_as_a_retry_after_a_copy_was_refused(api, client_a):
    client = api(client_a.token)
    content = instance_for(client_a.kvk_number)
    message_id = uuid.uuid4()
    assert _upload(client, content, message_id).status_code == 201
    assert _upload(client, content).status_code == 409
    assert _upload(client, content, message_id).status_code == 200


# --- a new message id with the same bytes --------------------------------------------------


@pytest.mark.parametrize(
    "status",
    [
        Status.RECEIVED,
        Status.PROCESSING,
        Status.IN_REVIEW,
        Status.APPROVED,
        Status.SENT_TO_KVK,
        Status.TRANSPORT_ERROR,  # the portal sends it again itself (KVK-SBR.md §2)
    ],
)
def test_a_copy_of_a_message_under_way_is_refused_naming_it(api, client_a, status):
    content = instance_for(client_a.kvk_number)
    original = _original(api, client_a, content, status)
    events = StatusEvent.objects.count()

    response = _upload(api(client_a.token), content)

    assert response.status_code == 409, response.content
    body = response.json()
    assert (body["code"], body["kind"]) == ("duplicate_document", "under_way")
    _names_the_original(body, original)
    assert f"status {int(status)}: {Status(status).label}" in body["detail"]
    assert "Volg de status van dat bericht" in body["detail"]
    # Nothing stored: no message, no event, nothing to process.
    assert ApprovalMessage.objects.count() == 1
    assert StatusEvent.objects.count() == events


@pytest.mark.parametrize(
    ("status", "kind", "what_to_do"),
    [
        # KVK-SBR.md §2: a rejected message "can be put back into the workflow".
        (
            Status.REJECTED,
            "rejected",
            ["door de cliënt afgekeurd", "terug te zetten in de workflow"],
        ),
        # The seed: after 90 "De klant moet de stukken dan opnieuw aanmaken en indienen."
        (Status.REFUSED, "refused", ["door de KvK afgekeurd", "Maak nieuwe stukken"]),
    ],
)
def test_a_copy_of_a_rejected_or_refused_document_says_what_to_do(
    api, client_a, status, kind, what_to_do
):
    content = instance_for(client_a.kvk_number)
    original = _original(api, client_a, content, status)
    response = _upload(api(client_a.token), content)
    assert (response.status_code, response.json()["code"]) == (409, "duplicate_document")
    # The kind tells a client what the original is without reading the sentence.
    assert response.json()["kind"] == kind
    detail = response.json()["detail"]
    _names_the_original(response.json(), original)
    assert all(sentence in detail for sentence in what_to_do), detail
    assert ApprovalMessage.objects.count() == 1


def test_a_copy_of_filed_documents_says_a_correction_is_a_resubmission(api, client_a):
    """KVK-SBR.md §1: "A filed document is never removed. A correction is a new filing:
    either a *heraanlevering* ..."; changed documents sent as a plain filing would be
    refused as a correction (correction_not_allowed:filed)."""
    content = instance_for(client_a.kvk_number)
    original = _original(api, client_a, content, Status.FILED)
    response = _upload(api(client_a.token), content)
    assert (response.status_code, response.json()["code"]) == (409, "duplicate_document")
    assert response.json()["kind"] == "filed"
    detail = response.json()["detail"]
    _names_the_original(response.json(), original)
    assert "status 80: Gedeponeerd bij KvK" in detail
    assert "er hoeft niets meer te gebeuren" in detail
    assert "een correctie kan alleen nog als heraanlevering" in detail
    assert "aangepaste stukken" not in detail
    assert ApprovalMessage.objects.count() == 1


def test_a_copy_after_processing_failed_is_taken(api, client_a):
    """25 is final and often set right at the office (a KvK number added, a message type
    unblocked: connectors.services asks to 'het bericht opnieuw laten versturen')."""
    content = instance_for(client_a.kvk_number)
    _original(api, client_a, content, Status.PROCESSING_FAILED)
    assert _upload(api(client_a.token), content).status_code == 201
    assert ApprovalMessage.objects.count() == 2


def test_a_copy_of_a_rejected_version_that_a_newer_one_replaced_is_taken(api, client_a):
    """The rejected message can no longer be put back (review.repair: 'replaced'), so
    sending those documents again is the only way to them."""
    old, new = versions(client_a.kvk_number, 2)
    rejected = _original(api, client_a, old, Status.REJECTED)
    assert _upload(api(client_a.token), new).status_code == 201
    ApprovalMessage.objects.exclude(pk=rejected.pk).update(replaces=rejected)
    assert _upload(api(client_a.token), old).status_code == 201


def test_other_documents_of_the_same_year_are_not_copies(api, client_a):
    first, second = versions(client_a.kvk_number, 2)
    _original(api, client_a, first, Status.IN_REVIEW)
    assert _upload(api(client_a.token), second).status_code == 201


def test_another_organisations_message_is_never_met(api, client_a, client_b):
    """The same bytes from another organisation are not a copy, and its answer says nothing
    about the first organisation's messages."""
    content = instance_for(client_a.kvk_number)
    _original(api, client_a, content, Status.IN_REVIEW)
    response = _upload(api(client_b.token), content)
    assert response.status_code == 201, response.content


def test_the_refusal_in_english_on_request(api, client_a):
    content = instance_for(client_a.kvk_number)
    _original(api, client_a, content, Status.IN_REVIEW)
    response = _upload(api(client_a.token), content, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "duplicate_document"
    # The status in the reader's language (the sentence follows the project's catalogue).
    assert "Offered for review by client" in body["detail"]
    assert "Aangeboden ter beoordeling" not in body["detail"]


# --- copies that got past the upload --------------------------------------------------------


@pytest.fixture
def unchecked_uploads(monkeypatch):
    """Uploads that do not see each other, as two at the same moment do (or messages
    received before uploads were checked)."""
    monkeypatch.setattr(receiving, "identical_messages", lambda keys, **kwargs: {})


def _detail(api, client, message_id: str) -> dict:
    response = api(client.token).get(f"{URL}{message_id}/")
    assert response.status_code == 200
    return response.json()


def test_two_copies_processed_together_give_one_message_in_review(api, client_a, unchecked_uploads):
    content = instance_for(client_a.kvk_number)
    ids = [_upload(api(client_a.token), content).json()["message_id"] for _ in range(3)]
    ApprovalMessage.objects.filter(message_id=ids[0]).update(created_at=RECEIVED)

    services.process_external_messages()

    first, *copies = (_detail(api, client_a, message_id) for message_id in ids)
    assert first["status"] == Status.IN_REVIEW
    for copy in copies:
        assert copy["status"] == Status.PROCESSING_FAILED
        assert [r["code"] for r in copy["reasons"]] == ["duplicate_document"]
        # The original by the day it was received, not by its message id.
        assert f"in het bericht van {RECEIVED_DAY}" in copy["reasons"][0]["message"]
        assert ids[0] not in copy["reasons"][0]["message"]
        assert "status 30" in copy["reasons"][0]["message"]


def test_a_copy_waiting_beside_its_original_in_review_ends_at_25(api, client_a, monkeypatch):
    content = instance_for(client_a.kvk_number)
    original = _upload(api(client_a.token), content).json()["message_id"]
    ApprovalMessage.objects.filter(message_id=original).update(created_at=RECEIVED)
    services.process_external_messages()
    monkeypatch.setattr(receiving, "identical_messages", lambda keys, **kwargs: {})
    copy = _upload(api(client_a.token), content).json()["message_id"]

    services.process_external_messages()

    assert _detail(api, client_a, original)["status"] == Status.IN_REVIEW
    detail = _detail(api, client_a, copy)
    assert detail["status"] == Status.PROCESSING_FAILED
    assert f"in het bericht van {RECEIVED_DAY}" in detail["reasons"][0]["message"]
    assert original not in detail["reasons"][0]["message"]


def test_a_copy_of_a_failed_message_in_one_batch_is_processed_on_its_own(
    api, client_a, unchecked_uploads, monkeypatch
):
    """The earlier copy failed in the same batch: the later one is not refused for it."""
    content = instance_for(client_a.kvk_number)
    ids = [_upload(api(client_a.token), content).json()["message_id"] for _ in range(2)]
    ApprovalMessage.objects.filter(message_id=ids[0]).update(filename="kapot.xbrl")
    real_check = services.check_parsed
    broken = Finding(code="TEST", severity="error", message_nl="Kapot.", message_en="Broken.")

    def failing_first(parsed, **kwargs):
        findings = real_check(parsed, **kwargs)
        return [*findings, broken] if kwargs["filename"] == "kapot.xbrl" else findings

    monkeypatch.setattr(services, "check_parsed", failing_first)
    services.process_external_messages()

    assert _detail(api, client_a, ids[0])["status"] == Status.PROCESSING_FAILED
    assert _detail(api, client_a, ids[1])["status"] == Status.IN_REVIEW


def test_the_schema_documents_the_kind_of_a_copy(api):
    """The 409 of UploadMessage declares the "kind" a client words its answer by."""
    schema = api(None).get("/api/schema/", HTTP_ACCEPT="application/json").json()
    conflict = schema["paths"]["/api/v1/messages/"]["post"]["responses"]["409"]
    ref = conflict["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    body = schema["components"]["schemas"][ref]
    assert set(body["required"]) == {"code", "detail"}
    kind = body["properties"]["kind"]
    if "$ref" in kind or "allOf" in kind:
        kind = schema["components"]["schemas"][
            (kind.get("$ref") or kind["allOf"][0]["$ref"]).rsplit("/", 1)[-1]
        ]
    assert set(kind["enum"]) == {"under_way", "filed", "rejected", "refused"}
