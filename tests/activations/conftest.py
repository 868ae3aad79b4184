"""Fixtures of the activation tests: the environment's activation switched off through the
service (as an administrator would), browsers per role, and a message in review."""

from __future__ import annotations

import pytest

from connectors.activation import set_environment_activation
from crm.models import EnvironmentActivationChange, StaffMember
from tests import factories
from tests.portal.conftest import browser_for, make_message


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def admin_staff(environment):
    return factories.StaffFactory(environment=environment, role=StaffMember.Role.ADMINISTRATOR).user


@pytest.fixture
def admin_browser(admin_staff):
    return browser_for(admin_staff)


@pytest.fixture
def staff_browser(staff):
    return browser_for(staff)


@pytest.fixture
def browser_a(client_a):
    return browser_for(client_a.user)


@pytest.fixture
def message_a(client_a):
    return make_message(client_a)


@pytest.fixture
def switch(environment, admin_staff):
    """switch(True/False): the activation through the service, by the administrator."""

    def do(active: bool) -> None:
        set_environment_activation(
            environment=environment,
            active=active,
            user=admin_staff,
            source=EnvironmentActivationChange.Source.SETUP,
        )

    return do
