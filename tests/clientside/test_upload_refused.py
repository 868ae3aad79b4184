"""An upload the portal refused before storing anything leaves the message replaceable; an
upload that may have arrived does not. Against the real portal API over HTTP (live_server).

What the portal answers when (connectors.authentication, connectors.api): HTTP 401 for the
token (missing, malformed, unknown, revoked, expired) before the view runs; HTTP 403 for the
activation switched off at the accountant (uploads only) and a blocked connector before the
view runs, and for a blocked message type or one without a workflow before the message is
registered; HTTP 400 for an unknown message type and 413 for a document over the size
limit, also before it is registered. ``send_receive`` checks the token with a read first,
so a token refused on the upload itself is one revoked in between; the activation and the
message type are refused on the upload only.
"""

from __future__ import annotations

import pytest
import requests

from clientside import services
from clientside.models import OutboundMessage
from clientside.portal_client import PortalError
from connectors import services as connector_services
from connectors.models import ClientToken, MessageType
from crm.models import EnvironmentActivation
from kvk.status import Status
from workflow.models import ApprovalMessage

pytestmark = pytest.mark.django_db(transaction=True)


def _revoke_after_the_check(monkeypatch, client_a) -> None:
    """The accountant revokes the token between send/receive's check and the upload."""
    check = services.check_token

    def check_then_revoke(administration, client):
        check(administration, client)
        token = ClientToken.objects.get(organisation=client_a.organisation, revoked_at=None)
        connector_services.revoke_token(token=token)

    monkeypatch.setattr(services, "check_token", check_then_revoke)


def _refuse_uploads(setup: str, monkeypatch, client_a, environment, settings) -> None:
    if setup == "token_revoked":
        _revoke_after_the_check(monkeypatch, client_a)
    elif setup == "feature_inactive":
        EnvironmentActivation.objects.filter(environment=environment).update(active=False)
    elif setup == "message_type_blocked":
        MessageType.objects.filter(environment=environment).update(blocked=True)
    elif setup == "throttled":
        _throttle_uploads(monkeypatch)
    elif setup == "unknown_message_type":
        # The accountant removed the message type the administration sends.
        MessageType.objects.filter(environment=environment).delete()
    elif setup == "payload_too_large":
        # The portal (live_server, this process) takes documents up to 1 KB.
        settings.API_MAX_UPLOAD_BYTES = 1024


def _throttle_uploads(monkeypatch) -> None:
    """The portal's throttle (connectors.api.ClientTokenThrottle) refuses the upload: its
    token has asked too often. The check before it (GET organisation) still passes."""
    from connectors.api import ClientTokenThrottle

    allow = ClientTokenThrottle.allow_request

    def allow_but_uploads(throttle, request, view):
        if request.method == "POST":
            throttle.history, throttle.now, throttle.num_requests = [0.0], 0.0, 1
            throttle.duration = 30
            return False
        return allow(throttle, request, view)

    monkeypatch.setattr(ClientTokenThrottle, "allow_request", allow_but_uploads)


def _lose_the_answer(monkeypatch) -> None:
    """The upload reaches the portal, and the connection breaks before its answer arrives;
    the portal stays out of reach for the rest of the run."""
    real = requests.Session.request
    uploaded: list[str] = []

    def request(session, method, url, **kwargs):
        if uploaded:
            raise requests.ConnectionError("connection refused")
        response = real(session, method, url, **kwargs)
        if method == "POST":
            uploaded.append(url)
            raise requests.ConnectionError("connection reset while reading the answer")
        return response

    monkeypatch.setattr(requests.Session, "request", request)


@pytest.mark.parametrize(
    ("setup", "status"),
    [
        ("token_revoked", 401),
        ("feature_inactive", 403),
        ("message_type_blocked", 403),
        ("throttled", 429),
        ("unknown_message_type", 400),
        ("payload_too_large", 413),
    ],
)
def test_a_refusal_before_storing_leaves_the_report_open_to_corrections(
    env_a, client_a, environment, monkeypatch, settings, setup, status
):
    # The fault: the message waited at 5 with sent_at set, so edit_lock called the report
    # "verzonden naar uw accountant" and its figures could not be corrected, although the
    # portal had stored nothing.
    message = services.prepare(env_a.report)
    _refuse_uploads(setup, monkeypatch, client_a, environment, settings)
    answered = []
    real = requests.Session.request

    def request(session, method, url, **kwargs):
        response = real(session, method, url, **kwargs)
        if method == "POST":
            answered.append(response.status_code)
        return response

    monkeypatch.setattr(requests.Session, "request", request)

    result = services.send_receive(env_a.administration)

    assert (result.sent, result.failed) == (0, 1)
    assert answered == [status]
    message.refresh_from_db()
    assert message.status == Status.SEND_FAILED
    assert [r["code"] for r in message.reasons] == [setup]
    assert not ApprovalMessage.objects.exists()
    assert message.sent_at is None and services.replaceable(message)
    assert services.sent_message(env_a.report) is None
    assert services.edit_lock(env_a.report) is None
    # "Klaarzetten" replaces it with the corrected report's documents.
    again = services.prepare(env_a.report)
    assert not OutboundMessage.objects.filter(pk=message.pk).exists()
    assert again.status == Status.PREPARED


def test_a_broken_connection_after_the_upload_began_counts_as_possibly_sent(env_a, monkeypatch):
    message = services.prepare(env_a.report)
    _lose_the_answer(monkeypatch)

    services.send_receive(env_a.administration)

    message.refresh_from_db()
    assert message.status == Status.SEND_FAILED and message.sent_at is not None
    assert ApprovalMessage.objects.filter(message_id=message.message_id).exists()
    assert services.sent_message(env_a.report) == message
    assert "verzonden naar uw accountant" in services.edit_lock(env_a.report)


def test_a_refusal_after_an_upload_that_may_have_arrived_keeps_the_message_sent(
    env_a, client_a, monkeypatch
):
    # This refusal proves only that this upload stored nothing: the earlier one, whose
    # answer was lost, reached the portal, which has the message under way.
    message = services.prepare(env_a.report)
    with monkeypatch.context() as patch:
        _lose_the_answer(patch)
        services.send_receive(env_a.administration)
    _revoke_after_the_check(monkeypatch, client_a)

    services.send_receive(env_a.administration)

    message.refresh_from_db()
    assert [r["code"] for r in message.reasons] == ["token_revoked"]
    assert message.sent_at is not None and not services.replaceable(message)
    assert ApprovalMessage.objects.filter(message_id=message.message_id).exists()
    assert "verzonden naar uw accountant" in services.edit_lock(env_a.report)
    with pytest.raises(services.PrepareError):
        services.prepare(env_a.report)


@pytest.mark.parametrize(
    ("code", "http_status", "proves"),
    [
        ("token_expired", 401, True),
        ("connector_blocked", 403, True),
        ("message_type_without_workflow", 403, True),
        # The API's throttle answers before the view runs (connectors.api, DRF's initial()).
        ("throttled", 429, True),
        ("http_429", 429, False),
        # The request itself, refused before the message is registered (connectors.api).
        ("invalid", 400, True),
        ("unknown_message_type", 400, True),
        ("length_required", 411, True),
        ("payload_too_large", 413, True),
        ("unsupported_encoding", 415, True),
        # A code with another status than the API gives it is not the API's answer.
        ("payload_too_large", 400, False),
        ("token_revoked", 403, False),
        # A proxy's 413 page (no CommSvc body).
        ("not_a_portal", 413, False),
        # A 401 or 403 page that is not the CommSvc API's (a proxy's): not the portal's word.
        ("not_a_portal", 403, False),
        # The portal has a message with this id already, with other content.
        ("message_id_reused", 409, False),
        ("http_502", 502, False),
        ("timeout", None, False),
        ("unreachable", None, False),
    ],
)
def test_only_the_portals_refusals_before_storing_prove_nothing_stored(code, http_status, proves):
    error = PortalError(code, "", retryable=False, http_status=http_status)
    assert error.stored_nothing is proves
