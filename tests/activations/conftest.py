"""Fixtures of the activation tests: the environment's activation switched off through the
service (as an administrator would), browsers per role, and a message in review."""

from __future__ import annotations

import pytest

from connectors.activation import set_environment_activation
from crm.models import EnvironmentActivationChange
from tests.portal.conftest import (  # noqa: F401 - the portal's fixtures, shared
    admin_browser,
    admin_staff,
    browser_a,
    message_a,
    staff_browser,
)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def switch(environment, admin_staff):  # noqa: F811 - the imported fixture
    """switch(True/False): the activation through the service, by the administrator."""

    def do(active: bool) -> None:
        set_environment_activation(
            environment=environment,
            active=active,
            user=admin_staff,
            source=EnvironmentActivationChange.Source.SETUP,
        )

    return do
