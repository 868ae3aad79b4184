"""The command-line switches: ``activering`` (accountant) and ``activering_deponeren``
(client); each switch recorded with source "Opdrachtregel", the checklist printed."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from clientside.models import FilingActivation, FilingActivationChange
from crm.models import EnvironmentActivation, EnvironmentActivationChange
from tests import factories
from tests.clientside.conftest import make_environment


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_accountant_command_switches_and_prints_the_checklist(db):
    environment = factories.EnvironmentFactory(activated=False, participant_number="12345")
    admin = factories.StaffFactory(environment=environment, role="admin").user
    output = run("activering", "--aan", "--door", admin.username)
    assert "ingeschakeld" in output and "[ ] App connector met gebruikersgroep" in output
    assert EnvironmentActivation.objects.get(environment=environment).active
    change = EnvironmentActivationChange.objects.get(environment=environment)
    assert (change.source, change.changed_by) == ("command", admin)
    output = run("activering", "--environment", "12345", "--uit")
    assert "uitgeschakeld" in output
    assert not EnvironmentActivation.objects.get(environment=environment).active
    with pytest.raises(CommandError, match="bestaat niet"):
        run("activering", "--aan", "--door", "niemand")
    with pytest.raises(CommandError, match="deelnemernummer 99999"):
        run("activering", "--environment", "99999")


def test_client_command_switches(db):
    env = make_environment(kvk_number="12345678", token="t", portal_url="http://127.0.0.1:9")
    output = run("activering_deponeren", "--administration", "12345678", "--uit")
    assert "uitgeschakeld" in output and "[x] Token van de accountant" in output
    assert not FilingActivation.objects.get(administration=env.administration).active
    assert FilingActivationChange.objects.get().source == "command"
    with pytest.raises(CommandError, match="87654321"):
        run("activering_deponeren", "--administration", "87654321")
