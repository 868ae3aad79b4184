import uuid
from datetime import date

import pytest

from connectors import services as connector_services
from connectors.models import ClientToken, MessageType
from kvk.status import Status
from tests.conftest import instance_for, upload_payload, upload_twice, versions
from workflow.models import ApprovalMessage, StatusEvent

pytestmark = pytest.mark.django_db

URL = "/api/v1/messages/"


def test_upload_registers_message_at_10_with_audit_event(api, client_a):
    response = api(client_a.token).post(
        URL, upload_payload(instance_for(client_a.kvk_number)), format="json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == 10
    assert body["status_label"] == "Verzonden naar portal"
    message = ApprovalMessage.objects.get(message_id=body["message_id"])
    assert message.organisation == client_a.organisation
    event = StatusEvent.objects.get(message=message)
    assert (event.action, event.to_status, event.actor_kind) == ("received", 10, "client_token")


def test_same_message_id_is_idempotent_and_other_content_conflicts(api, client_a):
    content = instance_for(client_a.kvk_number)
    payload, _first, _again = upload_twice(api(client_a.token), content)
    assert ApprovalMessage.objects.count() == 1
    other = dict(payload, content=upload_payload(content + b"\n")["content"])
    conflict = api(client_a.token).post(URL, other, format="json")
    assert conflict.status_code == 409
    assert conflict.json() == {"code": "message_id_reused", "detail": conflict.json()["detail"]}
    assert ApprovalMessage.objects.count() == 1


@pytest.mark.parametrize(
    ("header", "code"),
    [
        (None, "token_missing"),
        ("Bearer nonsense", "token_unknown"),
        ("Basic abc", "token_malformed"),
    ],
)
def test_missing_or_bad_token_is_401(api, client_a, header, code):
    client = api(None)
    if header:
        client.credentials(HTTP_AUTHORIZATION=header)
    response = client.post(URL, upload_payload(b"<x/>"), format="json")
    assert response.status_code == 401
    assert response.json()["code"] == code
    assert ApprovalMessage.objects.count() == 0


def test_revoked_token_is_refused_immediately(api, client_a):
    token = ClientToken.objects.get(organisation=client_a.organisation)
    assert api(client_a.token).get(URL + "updates/").status_code == 200
    connector_services.revoke_token(token=token)
    response = api(client_a.token).get(URL + "updates/")
    assert response.status_code == 401
    assert response.json()["code"] == "token_revoked"


def test_blocked_connector_and_message_type_are_403(api, client_a, connector, message_type):
    connector.blocked = True
    connector.save()
    response = api(client_a.token).post(URL, upload_payload(b"<x/>"), format="json")
    assert (response.status_code, response.json()["code"]) == (403, "connector_blocked")
    connector.blocked = False
    connector.save()
    MessageType.objects.filter(pk=message_type.pk).update(blocked=True)
    response = api(client_a.token).post(URL, upload_payload(b"<x/>"), format="json")
    assert (response.status_code, response.json()["code"]) == (403, "message_type_blocked")
    assert ApprovalMessage.objects.count() == 0


def test_unknown_type_bad_base64_and_bad_json_are_400(api, client_a):
    client = api(client_a.token)
    unknown = client.post(URL, dict(upload_payload(b"<x/>"), message_type="iets"), format="json")
    assert (unknown.status_code, unknown.json()["code"]) == (400, "unknown_message_type")
    bad64 = client.post(URL, dict(upload_payload(b"<x/>"), content="@@@"), format="json")
    assert bad64.status_code == 400 and "base64" in bad64.json()["detail"]
    badjson = client.post(URL, "{nope", content_type="application/json")
    assert (badjson.status_code, badjson.json()["code"]) == (400, "malformed_json")
    assert ApprovalMessage.objects.count() == 0


def test_oversized_upload_is_413(api, client_a, settings):
    settings.API_MAX_UPLOAD_BYTES = 1000
    response = api(client_a.token).post(URL, upload_payload(b"x" * 2000), format="json")
    assert response.status_code == 413
    assert response.json()["code"] == "payload_too_large"
    assert ApprovalMessage.objects.count() == 0


def test_message_of_another_organisation_is_404(api, client_a, client_b):
    created = (
        api(client_a.token)
        .post(URL, upload_payload(instance_for(client_a.kvk_number)), format="json")
        .json()
    )
    own = api(client_a.token).get(f"{URL}{created['message_id']}/")
    assert own.status_code == 200
    assert [h["status"] for h in own.json()["history"]] == [10]
    other = api(client_b.token).get(f"{URL}{created['message_id']}/")
    missing = api(client_b.token).get(f"{URL}{uuid.uuid4()}/")
    assert other.status_code == missing.status_code == 404
    assert other.json() == missing.json()


def test_updates_return_changes_after_cursor_only_for_caller(api, client_a, client_b):
    a = api(client_a.token)
    first = a.post(URL, upload_payload(instance_for(client_a.kvk_number)), format="json").json()
    api(client_b.token).post(URL, upload_payload(instance_for(client_b.kvk_number)), format="json")
    page = a.get(URL + "updates/?since=0").json()
    assert [u["message_id"] for u in page["updates"]] == [first["message_id"]]
    assert page["updates"][0]["status"] == Status.RECEIVED
    assert page["more"] is False, "one event: nothing more to ask for"
    later = a.get(f"{URL}updates/?since={page['cursor']}").json()
    assert later == {"updates": [], "cursor": page["cursor"], "more": False}
    bad = a.get(URL + "updates/?since=-1")
    assert (bad.status_code, bad.json()["code"]) == (400, "invalid_cursor")


def test_updates_say_whether_the_accounts_are_adopted(api, client_a):
    """False until the client adopts them. For accounts filed as not adopted (art. 2:394
    lid 2 BW) it stays false at 80: the client environment offers the tweede aanlevering
    (KVK-SBR.md section 1; tests/clientside/test_second_filing.py)."""
    from workflow import services as workflow_services
    from workflow.models import Actor

    a = api(client_a.token)
    sent = a.post(URL, upload_payload(instance_for(client_a.kvk_number)), format="json").json()
    connector_services.process_external_messages()
    (update,) = a.get(URL + "updates/?since=0").json()["updates"]
    assert (update["status"], update["adopted"], update["adoption_date"]) == (30, False, None)
    message = ApprovalMessage.objects.get(message_id=sent["message_id"])
    actor = Actor.for_user(client_a.user)
    workflow_services.adopt(message_id=message.pk, actor=actor, adoption_date=date.today())
    message.refresh_from_db()
    workflow_services.approve(
        message_id=message.pk, actor=actor, document_sha256=message.document_sha256
    )
    (update,) = a.get(URL + "updates/?since=0").json()["updates"]
    assert (update["status"], update["adopted"]) == (Status.APPROVED, True)
    assert update["adoption_date"] == date.today().isoformat()


def test_an_event_that_keeps_the_status_does_not_reach_the_clients_updates(api, client_a):
    """A same-status audit event (a staff note such as a size-class override) has nothing
    to mirror; its reasons must not replace the reasons of the status the client shows."""
    from django.db import transaction

    from workflow.models import Actor
    from workflow.services import record_event

    a = api(client_a.token)
    sent = a.post(URL, upload_payload(instance_for(client_a.kvk_number)), format="json").json()
    cursor = a.get(URL + "updates/?since=0").json()["cursor"]
    message = ApprovalMessage.objects.get(message_id=sent["message_id"])
    with transaction.atomic():
        record_event(
            message,
            action="size_class_overridden",
            actor=Actor.system(),
            from_status=message.status,
            reasons=[{"code": "size_class_override", "message": "interne notitie"}],
        )
    page = a.get(f"{URL}updates/?since={cursor}").json()
    assert page["updates"] == []
    assert page["cursor"] > cursor


def test_a_full_page_says_more_follow(api, client_a, monkeypatch):
    from connectors import api as api_module

    monkeypatch.setattr(api_module, "UPDATES_PAGE_SIZE", 1)
    a = api(client_a.token)
    for content in versions(client_a.kvk_number, 2):
        a.post(URL, upload_payload(content), format="json")
    first = a.get(URL + "updates/?since=0").json()
    second = a.get(f"{URL}updates/?since={first['cursor']}").json()
    assert (len(first["updates"]), first["more"]) == (1, True)
    assert (len(second["updates"]), second["more"]) == (1, True)
    last = a.get(f"{URL}updates/?since={second['cursor']}").json()
    assert (last["updates"], last["more"]) == ([], False)


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (None, "Dit token is ingetrokken; vraag uw accountant om een nieuw token."),
        ("nl", "Dit token is ingetrokken; vraag uw accountant om een nieuw token."),
        ("en", "This token has been revoked; ask your accountant for a new token."),
    ],
)
def test_api_errors_speak_dutch_first_and_english_on_request(api, client_a, language, expected):
    """The error's code stays the same; its sentence follows Accept-Language (Dutch when
    none is asked for), from the one translation catalogue."""
    token = ClientToken.objects.get(organisation=client_a.organisation)
    connector_services.revoke_token(token=token)
    headers = {"HTTP_ACCEPT_LANGUAGE": language} if language else {}

    response = api(client_a.token).get(URL + "updates/", **headers)

    assert response.json() == {"code": "token_revoked", "detail": expected}


def test_organisation_tells_the_kvk_number_of_the_tokens_own_organisation(api, client_a, client_b):
    """GET /organisation/ (connectors.api.OrganisationView): each token reads its own
    organisation's KvK number only, so a client environment can tell a token meant for
    another company; it is documented and needs a valid token."""
    for client in (client_a, client_b):
        response = api(client.token).get("/api/v1/organisation/")
        assert response.status_code == 200
        assert response.json() == {"kvk_number": client.kvk_number}
    assert api(None).get("/api/v1/organisation/").status_code == 401
    assert api(client_a.token).get("/api/v1/organisation/?id=2").status_code == 400
    schema = api(None).get("/api/schema/", HTTP_ACCEPT="application/json").json()
    operation = schema["paths"]["/api/v1/organisation/"]["get"]
    assert set(operation["responses"]) == {"200", "400", "401", "403", "405", "406", "429"}


def test_the_schema_requires_every_field_a_message_is_always_answered_with(api, client_a):
    """An integrator generating a client from /api/schema/ got ``status`` and
    ``financial_year`` as optional (the model gives them a default or allows none), though
    every answer carries both (``financial_year`` null until processing reads it)."""
    schema = api(None).get("/api/schema/", HTTP_ACCEPT="application/json").json()["components"]
    created = api(client_a.token).post(
        URL, upload_payload(instance_for(client_a.kvk_number)), format="json"
    )
    detail = api(client_a.token).get(f"{URL}{created.json()['message_id']}/")

    for name, answer in (("Message", created), ("MessageDetail", detail)):
        assert set(answer.json()) == set(schema["schemas"][name]["required"]), name
    assert created.json()["financial_year"] is None
    assert schema["schemas"]["Message"]["properties"]["financial_year"]["nullable"] is True
