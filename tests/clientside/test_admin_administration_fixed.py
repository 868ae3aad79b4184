"""The admin keeps a report and a communication profile with their administration.

Moved in the admin to another administration, a report still named the signatories and
listed the messages of the one it left, and a profile sent that administration's reports
with a token the portal gave another organisation. As the portal's admin keeps a row's
environment (crm.admin_mixins), the administration is chosen when they are added only.
"""

from __future__ import annotations

import pytest

from clientside.models import Administration
from tests.portal.test_admin_guards import (  # noqa: F401 - the fixture
    assert_fixed_after_creation,
    superuser_browser,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("model", "row"),
    [("clientside_annualreport", "report"), ("clientside_communicationprofile", "profile")],
)
def test_the_administration_is_fixed_after_creation(
    superuser_browser,  # noqa: F811
    env,
    model,
    row,
):
    other = Administration.objects.create(name="Ander B.V.", seat="Utrecht", kvk_number="87654321")

    assert_fixed_after_creation(
        superuser_browser, model, getattr(env, row), "administration", other
    )
