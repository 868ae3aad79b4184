from datetime import date

import pytest

from connectors import services
from kvk.statements import Signatory
from kvk.status import Status
from tests.conftest import instance_for, signed_instance, upload_payload
from workflow.models import ApprovalMessage

pytestmark = pytest.mark.django_db


def _upload(api, client, content):
    response = api(client.token).post("/api/v1/messages/", upload_payload(content), format="json")
    assert response.status_code == 201, response.content
    return ApprovalMessage.objects.get(message_id=response.json()["message_id"])


def _actions(message):
    return [(e.action, e.from_status, e.to_status) for e in message.events.all()]


def test_valid_message_goes_10_20_30(api, client_a):
    message = _upload(api, client_a, instance_for(client_a.kvk_number))
    counts = services.process_external_messages()
    assert counts == {"claimed": 1, "in_review": 1, "failed": 0}
    message.refresh_from_db()
    assert message.status == Status.IN_REVIEW
    assert message.financial_year is not None
    assert _actions(message) == [
        ("received", None, 10),
        ("claimed", 10, 20),
        ("workflow_started", 20, 30),
    ]


def test_kvk_number_of_another_organisation_ends_in_25_with_reason(api, client_a, client_b):
    message = _upload(api, client_a, instance_for(client_b.kvk_number))
    services.process_external_messages()
    message.refresh_from_db()
    assert message.status == Status.PROCESSING_FAILED
    (reason,) = message.reasons
    assert reason["code"] == "kvk_number_not_yours"
    assert "andere organisatie" in reason["detail"], "the staff read which it is"


def test_unknown_kvk_number_ends_in_25(api, client_a):
    message = _upload(api, client_a, instance_for("99999999"))
    services.process_external_messages()
    message.refresh_from_db()
    assert message.status == Status.PROCESSING_FAILED
    (reason,) = message.reasons
    assert reason["code"] == "kvk_number_not_yours"
    assert "onbekend bij het kantoor" in reason["detail"]


def test_the_sender_cannot_tell_another_clients_number_from_an_unknown_one(api, client_a, client_b):
    """Issue 19: a token holder must not learn whether a KvK number is a client of the firm."""
    other = _upload(api, client_a, instance_for(client_b.kvk_number))
    unknown = _upload(api, client_a, instance_for("99999999"))
    services.process_external_messages()
    seen = []
    for message, number in ((other, client_b.kvk_number), (unknown, "99999999")):
        body = api(client_a.token).get(f"/api/v1/messages/{message.message_id}/").json()
        seen.append(str(body["reasons"]).replace(number, "<nummer>"))
    assert seen[0] == seen[1]
    assert "detail" not in seen[0]


@pytest.mark.parametrize(
    "content",
    [
        b"not xml at all",
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>',
        "<?xml version='1.0' encoding='latin-1'?><x>caf\xe9</x>".encode("latin-1"),
    ],
    ids=["not-xml", "external-entity", "not-utf8"],
)
def test_hostile_or_broken_documents_end_in_25_and_processing_goes_on(api, client_a, content):
    bad = _upload(api, client_a, content)
    good = _upload(api, client_a, instance_for(client_a.kvk_number))
    services.process_external_messages()
    bad.refresh_from_db()
    good.refresh_from_db()
    assert bad.status == Status.PROCESSING_FAILED
    assert bad.reasons and all(r["message"] for r in bad.reasons)
    assert good.status == Status.IN_REVIEW


def test_claim_is_taken_once(api, client_a):
    from workflow import services as workflow_services

    message = _upload(api, client_a, instance_for(client_a.kvk_number))
    assert workflow_services.claim_for_processing(message.pk) is True
    assert workflow_services.claim_for_processing(message.pk) is False
    assert services.process_external_messages()["claimed"] == 0


def test_message_left_at_20_by_a_crash_is_resumed(api, client_a):
    from workflow import services as workflow_services

    message = _upload(api, client_a, instance_for(client_a.kvk_number))
    workflow_services.claim_for_processing(message.pk)  # ...and the process died here
    assert services.resume_stuck_processing(older_than_seconds=0) == 1
    message.refresh_from_db()
    assert message.status == Status.IN_REVIEW
    assert [e.action for e in message.events.all()].count("workflow_started") == 1


@pytest.mark.parametrize(
    "people,signed_on",
    [
        (
            [
                Signatory("A. Jansen", signed_on=date(2026, 3, 1), place="Utrecht"),
                Signatory("B. Smit", signed_on=date(2026, 3, 4), place="Utrecht"),
            ],
            date(2026, 3, 4),
        ),
        (
            [
                Signatory("A. Jansen", signed_on=date(2026, 3, 1), place="Utrecht"),
                Signatory("B. Smit", signed=False, reason_not_signed="Ziek"),
            ],
            None,
        ),
        (
            [
                Signatory("A. Jansen", signed_on=date(2026, 3, 1), place="Utrecht"),
                Signatory(
                    "C. Oud",
                    function="Bestuurder (voormalig)",
                    signed=False,
                    reason_not_signed="Afgetreden",
                ),
            ],
            date(2026, 3, 1),
        ),
    ],
)
def test_processing_keeps_the_date_every_director_signed(api, client_a, people, signed_on):
    # KVK-SBR.md section 1: when all shareholders are directors, signing counts as adoption,
    # so the deadlines need the date the last current director signed (kvk.deadlines).
    message = _upload(api, client_a, signed_instance(client_a.kvk_number, *people))
    services.process_external_messages()
    message.refresh_from_db()
    assert message.status == Status.IN_REVIEW, message.reasons
    assert message.signed_on == signed_on
