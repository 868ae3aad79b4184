"""Scripted onboarding: issue_token (create_organisation: tests/deadlines/)."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from connectors.models import AppConnector, ClientToken, hash_token
from crm.models import Identification
from tests import factories

pytestmark = pytest.mark.django_db


def run(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_issue_token_prints_it_once_and_creates_a_default_connector(environment, api):
    run("create_organisation", "--name", "Bakkerij B.V.", "--kvk", "11223344")
    assert not AppConnector.objects.exists()
    out, err = run("issue_token", "--kvk", "11223344")
    raw = out.strip()
    assert raw.startswith("dpn_") and "\n" not in raw
    token = ClientToken.objects.get()
    assert token.token_hash == hash_token(raw)
    assert token.prefix == raw[: len(token.prefix)]
    assert token.prefix in err and raw not in err
    assert token.organisation.kvk_number == "11223344"
    assert token.expires_at is None
    connector = AppConnector.objects.get()
    assert (connector.environment, connector.commsvc, connector.blocked) == (
        environment,
        True,
        False,
    )
    # The printed token works against the API.
    assert api(raw).get("/api/v1/messages/updates/").status_code == 200
    # A second token reuses the connector and is a different secret.
    out2, _ = run("issue_token", "--kvk", "11223344", "--expires-in-days", "30")
    assert out2.strip() != raw
    assert AppConnector.objects.count() == 1
    assert ClientToken.objects.filter(expires_at__isnull=False).count() == 1


def test_issue_token_skips_a_blocked_connector(environment):
    factories.OrganisationFactory(environment=environment, kvk="11223344")
    blocked = AppConnector.objects.create(environment=environment, name="Oud", blocked=True)
    run("issue_token", "--kvk", "11223344")
    assert ClientToken.objects.get().connector != blocked


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--kvk", "99999999"], "geen organisatie met KvK-nummer 99999999"),
        (["--kvk", "abc"], "geen geldig KvK-nummer"),
        (["--kvk", "11223344", "--expires-in-days", "0"], "minstens 1"),
    ],
)
def test_issue_token_refuses_with_a_dutch_error(environment, args, message):
    factories.OrganisationFactory(environment=environment, kvk="11223344")
    with pytest.raises(CommandError, match=message):
        run("issue_token", *args)
    assert not ClientToken.objects.exists()


def test_issue_token_for_a_kvk_number_in_two_environments(environment):
    factories.OrganisationFactory(environment=environment, kvk="11223344")
    other = factories.EnvironmentFactory(participant_number="54321")
    factories.OrganisationFactory(environment=other, kvk="11223344")
    with pytest.raises(CommandError, match="meerdere accountantsomgevingen"):
        run("issue_token", "--kvk", "11223344")
    run("issue_token", "--kvk", "11223344", "--environment", "54321")
    assert ClientToken.objects.get().organisation.environment == other
    assert Identification.objects.count() == 2


def test_process_external_messages_command_runs_the_job(api, client_a):
    from kvk.status import Status
    from tests.conftest import instance_for, upload_payload
    from workflow.models import ApprovalMessage

    response = api(client_a.token).post(
        "/api/v1/messages/", upload_payload(instance_for(client_a.kvk_number)), format="json"
    )
    assert response.status_code == 201
    out, _err = run("process_external_messages")
    assert "opgepakt: 1" in out and "in behandeling (30): 1" in out
    assert ApprovalMessage.objects.get().status == Status.IN_REVIEW
