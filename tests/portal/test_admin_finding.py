"""The admin's lists find what an administrator of several offices looks for.

An administrator who set up a second accountancy office in the admin looked for a client's
messages by its KvK number or the file name its bookkeeping sent (as InSite's search finds
them), for a staff member by name, for a token by the client's KvK number, and for the
messages and contacts of one office: none of these was found or offered as a filter.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from crm.models import Contact
from tests import factories
from tests.portal.conftest import make_message
from tests.portal.test_admin_guards import superuser_browser  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db


def _found(browser, model: str, **params) -> set:
    response = browser.get(reverse(f"admin:{model}_changelist"), params)
    assert response.status_code == 200
    return {row.pk for row in response.context["cl"].result_list}


def test_messages_are_found_by_kvk_number_and_file_name(
    superuser_browser,  # noqa: F811
    client_a,
    client_b,
):
    message = make_message(client_a)
    make_message(client_b)
    model = "workflow_approvalmessage"

    assert _found(superuser_browser, model, q="1234 5678") == {message.pk}
    assert _found(superuser_browser, model, q=client_a.kvk_number) == {message.pk}
    same_name = _found(superuser_browser, model, q=message.filename)
    assert message.pk in same_name and len(same_name) == 2  # both sent the same year


def test_messages_and_contacts_are_narrowed_to_one_office(
    superuser_browser,  # noqa: F811
    client_a,
):
    message = make_message(client_a)
    other = factories.ContactFactory()  # a client of another office

    messages = _found(
        superuser_browser,
        "workflow_approvalmessage",
        organisation__environment__id__exact=client_a.organisation.environment_id,
    )
    contacts = _found(
        superuser_browser,
        "crm_contact",
        organisation__environment__id__exact=other.organisation.environment_id,
    )

    assert messages == {message.pk}
    assert contacts == {other.pk}
    assert Contact.objects.count() > 1


def test_a_staff_member_is_found_by_name(superuser_browser, environment):  # noqa: F811
    member = factories.StaffFactory(
        environment=environment,
        user=factories.UserFactory(username="svries", first_name="Sanne", last_name="de Vries"),
    )
    factories.StaffFactory(environment=environment)

    assert _found(superuser_browser, "crm_staffmember", q="de vries") == {member.pk}
    assert _found(superuser_browser, "crm_staffmember", q="Sanne") == {member.pk}


def test_a_token_is_found_by_the_clients_kvk_number(
    superuser_browser,  # noqa: F811
    client_a,
    client_b,
):
    tokens = set(client_b.organisation.tokens.values_list("pk", flat=True))

    assert _found(superuser_browser, "connectors_clienttoken", q=client_b.kvk_number) == tokens
