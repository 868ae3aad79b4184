"""The Django admin withdraws what a client's contact can do in OutSite without the
question InSite asks first (portal.views.insite.contact_access names the messages left to
nobody): its "toegang tot klantportal" is read-only there, but the contact rows clear the
login or delete the contact. After such a save the admin warns, naming the messages at 30
that wait for nobody since (workflow.approvers: nobody can approve them, or nobody can
record their adoption)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kvk.status import Status
from tests.portal.conftest import make_message
from tests.portal.test_admin_guards import (
    jan,
    page_data,
    post_change,
    shown_messages,
    superuser_browser,
)

pytestmark = pytest.mark.django_db

__all__ = ["jan", "superuser_browser"]  # the fixtures, used by name

WARNING = "wacht nu op niemand"


def _user_field(browser, organisation, contact) -> str:
    """The name of ``contact``'s login field in the organisation's contact rows."""
    data = page_data(browser.get(reverse("admin:crm_organisation_change", args=[organisation.pk])))
    [name] = [
        key
        for key, value in data.items()
        if key.endswith("-user") and str(value) == str(contact.user_id)
    ]
    return name


def test_clearing_the_only_login_in_the_contact_rows_names_the_message_left_to_nobody(
    superuser_browser, jan, client_a
):
    organisation = client_a.organisation
    message = make_message(client_a)
    assert message.status == Status.IN_REVIEW

    field = _user_field(superuser_browser, organisation, jan)
    response = post_change(superuser_browser, "crm_organisation", organisation, {field: ""})

    jan.refresh_from_db()
    assert jan.user is None  # the admin did withdraw it
    shown = shown_messages(response)
    assert f"Dit bericht (status 30) wacht nu op niemand: {organisation.name} " in shown
    assert str(message.financial_year) in shown
    # Saved again: nothing newly left to nobody, no warning again.
    again = post_change(superuser_browser, "crm_organisation", organisation, {"name": "Anders"})
    assert WARNING not in shown_messages(again)


def test_a_save_that_leaves_someone_to_approve_warns_nothing(superuser_browser, jan, client_a):
    make_message(client_a)
    response = post_change(superuser_browser, "crm_organisation", client_a.organisation, {})
    assert WARNING not in shown_messages(response)


def test_clearing_the_login_on_the_contact_page_warns_too(superuser_browser, jan, client_a):
    make_message(client_a)
    response = post_change(superuser_browser, "crm_contact", jan, {"user": ""})
    jan.refresh_from_db()
    assert jan.user is None
    assert WARNING in shown_messages(response)
