"""Throttling (429 "throttled") and message types enforced at upload and at processing."""

import pytest
from django.core.cache import cache

from connectors import services
from connectors.models import ClientToken, MessageType
from kvk.status import Status
from tests.conftest import instance_for, upload_payload
from workflow.models import ApprovalMessage

pytestmark = pytest.mark.django_db

URL = "/api/v1/messages/"


@pytest.fixture
def low_rate(settings):
    rest = dict(settings.REST_FRAMEWORK)
    rest["DEFAULT_THROTTLE_RATES"] = {**rest["DEFAULT_THROTTLE_RATES"], "client_token": "3/min"}
    settings.REST_FRAMEWORK = rest  # DRF reloads api_settings; our throttle reads it per call


def _clear_throttle(*clients):
    # The cache may be Redis shared across runs (CI): start each token from zero.
    for client in clients:
        token = ClientToken.objects.get(organisation=client.organisation)
        cache.delete(f"throttle_token_{token.pk}")


def test_fourth_request_in_a_minute_is_429_throttled(api, client_a, client_b, low_rate):
    _clear_throttle(client_a, client_b)
    a = api(client_a.token)
    assert [a.get(URL + "updates/").status_code for _ in range(3)] == [200, 200, 200]
    response = a.post(URL, upload_payload(instance_for(client_a.kvk_number)), format="json")
    assert response.status_code == 429
    body = response.json()
    assert body["code"] == "throttled"
    assert set(body) == {"code", "detail"}
    assert int(response["Retry-After"]) > 0
    assert not ApprovalMessage.objects.exists()  # the refused upload changed nothing
    # The limit is per token: client B is not affected.
    assert api(client_b.token).get(URL + "updates/").status_code == 200


def test_the_429_says_in_dutch_how_many_seconds_to_wait(api, client_a, low_rate, monkeypatch):
    """connectors.api: the throttle's own sentence, not DRF's ("Aanvraag was verstikt.
    Expected available in 60 seconds.")."""
    from connectors.api import ClientTokenThrottle

    # The clock held still: the three requests fill the window, which has 60 s to run.
    monkeypatch.setattr(ClientTokenThrottle, "timer", staticmethod(lambda: 1_800_000_000.0))
    _clear_throttle(client_a)
    a = api(client_a.token)
    for _ in range(3):
        a.get(URL + "updates/")
    response = a.get(URL + "updates/")
    assert response.status_code == 429
    assert response["Retry-After"] == "60"
    assert response.json() == {
        "code": "throttled",
        "detail": "Te veel verzoeken met dit token; probeer het over 60 seconden opnieuw.",
    }


@pytest.mark.parametrize(
    ("wait", "expected"),
    [
        (1, "Te veel verzoeken met dit token; probeer het over 1 seconde opnieuw."),
        (0.2, "Te veel verzoeken met dit token; probeer het over 1 seconde opnieuw."),
        (34, "Te veel verzoeken met dit token; probeer het over 34 seconden opnieuw."),
        (None, "Te veel verzoeken met dit token; probeer het later opnieuw."),
    ],
)
def test_the_wait_has_its_plural_form(wait, expected):
    from rest_framework.exceptions import Throttled

    from connectors.api import api_exception_handler

    response = api_exception_handler(Throttled(wait=wait), {})
    assert response is not None
    assert response.data == {"code": "throttled", "detail": expected}


def test_default_rate_does_not_throttle_normal_use(api, client_a):
    _clear_throttle(client_a)
    a = api(client_a.token)
    assert {a.get(URL + "updates/").status_code for _ in range(20)} == {200}


def test_upload_of_a_type_without_workflow_is_403(api, client_a, message_type):
    MessageType.objects.filter(pk=message_type.pk).update(workflow=None)
    response = api(client_a.token).post(
        URL, upload_payload(instance_for(client_a.kvk_number)), format="json"
    )
    assert response.status_code == 403
    assert response.json()["code"] == "message_type_without_workflow"
    assert "KvK-stukken (micro en klein)" in response.json()["detail"]
    assert not ApprovalMessage.objects.exists()


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"workflow": None}, "message_type_without_workflow"),
        ({"blocked": True}, "message_type_blocked"),
        ({"code": "iets-anders"}, "message_type_unknown"),
    ],
    ids=["workflow-unlinked", "blocked", "removed"],
)
def test_type_changed_while_waiting_ends_in_25(api, client_a, message_type, change, code):
    response = api(client_a.token).post(
        URL, upload_payload(instance_for(client_a.kvk_number)), format="json"
    )
    assert response.status_code == 201
    MessageType.objects.filter(pk=message_type.pk).update(**change)
    counts = services.process_external_messages()
    assert counts == {"claimed": 1, "in_review": 0, "failed": 1}
    message = ApprovalMessage.objects.get()
    assert message.status == Status.PROCESSING_FAILED
    assert [r["code"] for r in message.reasons] == [code]
    assert message.workflow is None


def test_type_problem_is_reported_with_the_document_problems(api, client_a, message_type):
    """Every reason at once: the person fixing it sees the type and the document problem."""
    api(client_a.token).post(URL, upload_payload(instance_for("99999999")), format="json")
    MessageType.objects.filter(pk=message_type.pk).update(blocked=True)
    services.process_external_messages()
    message = ApprovalMessage.objects.get()
    assert [r["code"] for r in message.reasons] == ["message_type_blocked", "kvk_number_not_yours"]
    assert client_a.kvk_number in message.reasons[1]["message"]


def test_unexpected_error_leaves_the_message_at_20_and_the_run_goes_on(api, client_a, monkeypatch):
    first, second = (
        api(client_a.token).post(URL, upload_payload(content), format="json")
        for content in (instance_for(client_a.kvk_number, year=y) for y in (2024, 2025))
    )  # two years: a newer version of one year would close the older (workflow.services.versions)
    ids = [first.json()["message_id"], second.json()["message_id"]]
    real = services.check_parsed
    calls = []

    def flaky(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("database went away")
        return real(*args, **kwargs)

    monkeypatch.setattr(services, "check_parsed", flaky)
    counts = services.process_external_messages()
    assert counts == {"claimed": 2, "in_review": 1, "failed": 0}
    statuses = dict(ApprovalMessage.objects.values_list("message_id", "status"))
    assert sorted(statuses.values()) == [Status.PROCESSING, Status.IN_REVIEW]
    stuck = next(m for m in ids if statuses[__import__("uuid").UUID(m)] == Status.PROCESSING)
    # The sweeper resumes it.
    assert services.resume_stuck_processing(older_than_seconds=0) == 1
    assert ApprovalMessage.objects.get(message_id=stuck).status == Status.IN_REVIEW


def test_correction_problem_is_reported_with_the_other_reasons(api, client_a):
    """KvK's correction rule (here: a second adopted filing for a year already filed) is
    decided with every other reason, so the client learns everything to fix at once."""
    client = api(client_a.token)
    client.post(URL, upload_payload(instance_for(client_a.kvk_number)), format="json")
    services.process_external_messages()
    filed = ApprovalMessage.objects.get()
    assert filed.status == Status.IN_REVIEW and filed.financial_year is not None
    ApprovalMessage.objects.filter(pk=filed.pk).update(
        status=Status.FILED, adopted=True, approved_sha256=filed.document_sha256
    )

    # A fault of the document itself: an amount with decimals where the type has none.
    # (Another company's document would not do: nothing of it is examined further.)
    invalid = instance_for(client_a.kvk_number).replace(
        b'decimals="0">53250<', b'decimals="0">53250.5<', 1
    )
    client.post(URL, upload_payload(invalid), format="json")
    services.process_external_messages()
    message = ApprovalMessage.objects.exclude(pk=filed.pk).get()
    assert message.status == Status.PROCESSING_FAILED
    codes = [r["code"] for r in message.reasons]
    assert "DEP-VALUE" in codes and codes[-1] == "correction_not_allowed", codes
    assert str(filed.financial_year) in message.reasons[-1]["message"]


@pytest.mark.parametrize(
    "name, accepted",
    [
        ("jaarrekening 2025.xbrl", True),
        ("  jaarrekening.xbrl  ", True),  # trimmed, then fine
        ("   ", False),  # nothing left after trimming
        ("\u00a0\u2003", False),  # Unicode white space only
        ("\x85", False),  # a C1 control character (NEL) that str.strip() also removes
        ("map/jaarrekening.xbrl", False),
        ("a\\b.xbrl", False),
        ("a\x01b.xbrl", False),
    ],
)
def test_the_upload_schema_and_the_server_agree_on_file_names(name, accepted):
    """A name the published schema allows is one the server accepts, and the other way
    round (schemathesis found a name of spaces that the schema allowed and the server
    refused)."""
    import re

    from connectors.serializers import FILENAME_PATTERN, UploadSerializer

    serializer = UploadSerializer()
    field = serializer.fields["filename"]
    assert bool(re.fullmatch(FILENAME_PATTERN, name)) is accepted
    try:
        field.run_validation(name)
        server_accepts = True
    except Exception:  # noqa: BLE001 - any validation error means refused
        server_accepts = False
    assert server_accepts is accepted
