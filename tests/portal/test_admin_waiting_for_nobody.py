"""The Django admin withdraws what a client's contact can do in OutSite without the
question InSite asks first (portal.views.insite.contact_access names the messages left to
nobody): its "toegang tot klantportal" is read-only there, but the contact rows clear the
login or delete the contact, and a contact can be deleted on its own page or with the
contact list's delete action. After such a save or delete the admin warns, naming the
messages at 30 that wait for nobody since (workflow.approvers: nobody can approve them, or
nobody can record their adoption)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from crm.models import Contact
from kvk.status import Status
from tests import factories
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


def test_deleting_the_contact_on_its_own_page_warns_too(superuser_browser, jan, client_a):
    organisation = client_a.organisation
    message = make_message(client_a)
    url = reverse("admin:crm_contact_delete", args=[jan.pk])
    response = superuser_browser.post(url, {"post": "yes"}, follow=True)
    assert not Contact.objects.filter(pk=jan.pk).exists()  # the admin did delete it
    shown = shown_messages(response)
    assert f"Dit bericht (status 30) wacht nu op niemand: {organisation.name} " in shown
    assert str(message.financial_year) in shown


def test_deleting_contacts_with_the_lists_action_warns_for_each_organisation(
    superuser_browser, jan, client_a, client_b
):
    make_message(client_a)
    make_message(client_b)
    contacts = [jan, client_b.user.client_contacts.get()]
    response = superuser_browser.post(
        reverse("admin:crm_contact_changelist"),
        {
            "action": "delete_selected",
            "_selected_action": [contact.pk for contact in contacts],
            "post": "yes",
        },
        follow=True,
    )
    assert not Contact.objects.filter(pk__in=[c.pk for c in contacts]).exists()
    shown = shown_messages(response)
    for client in (client_a, client_b):
        assert f"wacht nu op niemand: {client.organisation.name} " in shown


def test_deleting_a_contact_who_leaves_someone_to_approve_warns_nothing(
    superuser_browser, jan, client_a
):
    make_message(client_a)
    factories.ContactFactory(organisation=client_a.organisation)
    url = reverse("admin:crm_contact_delete", args=[jan.pk])
    response = superuser_browser.post(url, {"post": "yes"}, follow=True)
    assert not Contact.objects.filter(pk=jan.pk).exists()
    assert WARNING not in shown_messages(response)
