"""The addresses only a form posts to, opened with a GET: a reload of the page a refused
form gave back, a language switch from it, the browser's history, a bookmark. Each leads to
the page the form lives on (404 for what the person may not see), never a blank 405.
tests/security/test_form_addresses_get.py walks every address of the URL conf so."""

from __future__ import annotations

from django.urls import reverse

from connectors.models import ClientToken
from crm.models import StaffMember
from tests import factories
from tests.portal.conftest import browser_for


def test_a_form_address_opened_with_get_leads_to_the_page_the_form_lives_on(
    admin_browser, client_a, client_b, connector
):
    """Found in review: the organisation page's forms (approvers, identification numbers,
    contacts) and "Token aanmaken" answered a GET with a blank 405. Now the page the form is
    on, at the form (withdrawing a contact's access: its question again); changing nothing.
    An administrator of another firm, or a contact of another organisation in the address,
    finds nothing (404)."""
    organisation = client_a.organisation
    contact = organisation.contacts.get()
    page = reverse("insite-organisation", args=[organisation.pk])
    expected = {
        reverse("insite-organisation-approvers", args=[organisation.pk]): f"{page}#approvers",
        **{
            reverse(f"insite-identification-{action}", args=[organisation.pk]): (
                f"{page}#identifications"
            )
            for action in ("add", "change", "remove")
        },
        reverse("insite-contact-create", args=[organisation.pk]): f"{page}#contacts",
        reverse("insite-token-create", args=[connector.pk]): reverse(
            "insite-connector", args=[connector.pk]
        ),
    }
    other_firm = browser_for(
        factories.StaffFactory(role=StaffMember.Role.ADMINISTRATOR).user,
    )
    tokens, identifications = ClientToken.objects.count(), organisation.identifications.count()
    for address, target in expected.items():
        response = admin_browser.get(address)
        assert response.status_code == 302 and response.url == target, address
        assert admin_browser.get(address, follow=True).status_code == 200, address
        assert other_firm.get(address).status_code == 404, address
    # "Intrekken" asks "Weet u het zeker?" again (the language switch's address,
    # tests/portal/test_confirm_language_switch.py), and withdraws nothing.
    access = reverse("insite-contact-access", args=[organisation.pk, contact.pk])
    asked = admin_browser.get(access)
    assert asked.status_code == 200 and 'id="confirm-withdraw"' in asked.content.decode()
    assert other_firm.get(access).status_code == 404
    other_contact = client_b.organisation.contacts.get()
    address = reverse("insite-contact-access", args=[organisation.pk, other_contact.pk])
    assert admin_browser.get(address).status_code == 404
    assert ClientToken.objects.count() == tokens
    assert organisation.identifications.count() == identifications
    contact.refresh_from_db()
    assert contact.portal_access


def test_the_logout_address_opened_with_get_leads_home_and_does_not_log_out(admin_browser):
    """ "Uitloggen" is a button (a POST); its address from the history or a bookmark goes to
    the home page, still logged in (a link elsewhere must not end the session)."""
    response = admin_browser.get(reverse("logout"))
    assert response.status_code == 302 and response.url == reverse("home")
    assert admin_browser.get(reverse("insite-dashboard")).status_code == 200
    assert admin_browser.post(reverse("logout")).status_code == 302
    assert admin_browser.get(reverse("insite-dashboard")).status_code == 302  # to the login
