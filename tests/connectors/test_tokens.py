"""Per-client tokens: stored as a hash, shown once, prefix visible, revocable with immediate
effect, last-used time, optional expiry."""

from datetime import timedelta

import pytest
from django.utils import timezone

from connectors import services
from connectors.models import ClientToken, hash_token
from tests import factories

pytestmark = pytest.mark.django_db

UPDATES = "/api/v1/messages/updates/"


def test_only_the_hash_and_the_prefix_are_stored(client_a):
    token = ClientToken.objects.get(organisation=client_a.organisation)
    assert token.token_hash == hash_token(client_a.token)
    stored = [str(v) for v in ClientToken.objects.values_list().get(pk=token.pk)]
    assert client_a.token not in stored
    assert client_a.token.startswith(token.prefix) and len(token.prefix) == 8
    assert client_a.token not in str(token)


def test_expired_token_is_401_and_a_future_expiry_works(api, client_a):
    token = ClientToken.objects.get(organisation=client_a.organisation)
    token.expires_at = timezone.now() + timedelta(minutes=5)
    token.save()
    assert api(client_a.token).get(UPDATES).status_code == 200
    ClientToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    response = api(client_a.token).get(UPDATES)
    assert response.status_code == 401
    assert response.json()["code"] == "token_expired"
    assert response["WWW-Authenticate"] == "Bearer"
    assert not ClientToken.objects.active().filter(pk=token.pk).exists()


def test_expired_token_cannot_upload(api, client_a):
    from tests.conftest import instance_for, upload_payload
    from workflow.models import ApprovalMessage

    ClientToken.objects.filter(organisation=client_a.organisation).update(
        expires_at=timezone.now() - timedelta(days=1)
    )
    response = api(client_a.token).post(
        "/api/v1/messages/", upload_payload(instance_for(client_a.kvk_number)), format="json"
    )
    assert (response.status_code, response.json()["code"]) == (401, "token_expired")
    assert not ApprovalMessage.objects.exists()


def test_last_used_is_recorded_at_most_once_a_minute(api, client_a):
    token = ClientToken.objects.get(organisation=client_a.organisation)
    assert token.last_used_at is None
    api(client_a.token).get(UPDATES)
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None and timezone.now() - first < timedelta(seconds=5)
    api(client_a.token).get(UPDATES)
    token.refresh_from_db()
    assert token.last_used_at == first  # no write on every call
    ClientToken.objects.filter(pk=token.pk).update(last_used_at=first - timedelta(minutes=2))
    api(client_a.token).get(UPDATES)
    token.refresh_from_db()
    assert token.last_used_at > first - timedelta(seconds=1)


def test_revoke_is_immediate_and_idempotent(api, client_a, client_b):
    token = ClientToken.objects.get(organisation=client_a.organisation)
    revoked = services.revoke_token(token=token)
    at = revoked.revoked_at
    assert at is not None and not revoked.is_active
    assert services.revoke_token(token=token).revoked_at == at
    assert api(client_a.token).get(UPDATES).json()["code"] == "token_revoked"
    # Other clients' tokens are untouched.
    assert api(client_b.token).get(UPDATES).status_code == 200


def test_issue_token_refuses_a_connector_of_another_environment(client_a):
    other = factories.make_connector(factories.EnvironmentFactory())
    with pytest.raises(ValueError):
        services.issue_token(organisation=client_a.organisation, connector=other)
    assert ClientToken.objects.count() == 1


def test_each_token_is_a_new_secret(client_a, connector):
    raws = {
        services.issue_token(organisation=client_a.organisation, connector=connector)[1]
        for _ in range(5)
    }
    assert len(raws) == 5
    assert ClientToken.objects.filter(organisation=client_a.organisation).count() == 6
