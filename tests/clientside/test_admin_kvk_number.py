"""The Django admin of the client side checks a KvK number typed as the KvK tab does
(tests/clientside/test_kvk_tab.py): it does not use the tab's form, and stored an
administration with a number its filing can never carry."""

from __future__ import annotations

import pytest

from clientside.models import Administration
from tests import nt19
from tests.portal.test_admin_guards import (  # noqa: F401 - the fixture
    field_errors,
    post_change,
    superuser_browser,
)

pytestmark = pytest.mark.django_db


def test_a_kvk_number_the_kvk_refuses_is_refused_in_the_admin(
    superuser_browser,  # noqa: F811
    env,
):
    """NT19's nl-types:chamberOfCommerceRegistrationNumberItemType (tests/nt19.py): eight
    digits beginning with 00 are refused in a filing; the admin refuses them in the tab's
    sentence. A number that is not eight digits gets the one format message."""
    number = nt19.kvk_number_the_kvk_refuses()
    administration = env.administration
    before = administration.kvk_number
    refused = post_change(
        superuser_browser, "clientside_administration", administration, {"kvk_number": number}
    )
    assert refused.context["adminform"].form.errors["kvk_number"] == [nt19.KVK_NUMBER_REFUSED]
    short = post_change(
        superuser_browser, "clientside_administration", administration, {"kvk_number": "0012345"}
    )
    assert short.context["adminform"].form.errors["kvk_number"] == [
        "Een KvK-nummer bestaat uit precies acht cijfers."
    ]
    administration.refresh_from_db()
    assert administration.kvk_number == before

    accepted = post_change(
        superuser_browser, "clientside_administration", administration, {"kvk_number": "01234567"}
    )
    assert "errornote" not in accepted.content.decode(), field_errors(accepted)
    administration.refresh_from_db()
    assert administration.kvk_number == "01234567"


def test_a_stored_kvk_number_the_kvk_refuses_does_not_block_another_change(
    superuser_browser,  # noqa: F811
    env,
):
    """A number stored before the check stays while another field is corrected: only a
    number typed is refused (the tab's "Klaarzetten" still says it cannot be filed)."""
    number = nt19.kvk_number_the_kvk_refuses()
    Administration.objects.filter(pk=env.administration.pk).update(kvk_number=number)
    response = post_change(
        superuser_browser, "clientside_administration", env.administration, {"seat": "Zeist"}
    )
    assert "errornote" not in response.content.decode(), field_errors(response)
    env.administration.refresh_from_db()
    assert (env.administration.seat, env.administration.kvk_number) == ("Zeist", number)
