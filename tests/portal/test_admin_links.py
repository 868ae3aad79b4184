"""The Django admin ("het beheer") and InSite point at each other only where the user can
follow: InSite's links to the admin are shown to those the admin lets in and shows the
model to (DeponeerAdminSite.has_permission: an active is_staff login with its second
factor; the model's view or change permission), and a superuser without a StaffMember,
who has no InSite, gets a page that says so and what to do instead of a 404, also from
the admin's "Website bekijken"."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.urls import reverse

from tests.portal.conftest import browser_for

pytestmark = pytest.mark.django_db

WORKFLOWS = reverse("admin:workflow_workflowdefinition_changelist")
CONNECTORS = reverse("admin:connectors_appconnector_changelist")


@pytest.fixture(autouse=True)
def _no_second_factor(settings):
    settings.OTP_REQUIRED_FOR_STAFF = False  # about who may use the admin, not the factor


def _grant(user, *codenames: str) -> None:
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))


def test_no_admin_links_for_a_staff_member_who_cannot_use_the_admin(admin_staff, admin_browser):
    assert not admin_staff.is_staff  # an InSite administrator, not a user of the admin
    assert admin_browser.get(reverse("admin:index")).status_code == 302  # to the login

    types = admin_browser.get(reverse("insite-message-types")).content.decode()
    connectors = admin_browser.get(reverse("insite-connectors")).content.decode()

    assert "Workflows bewerken in het beheer" not in types
    assert "Naar het beheer" not in connectors
    for page in (types, connectors):
        assert 'href="/admin/' not in page
    assert "vraag dat aan iemand met toegang tot het beheer" in types
    assert "vraag dat aan iemand met toegang tot het beheer" in connectors


def test_no_admin_links_for_an_admin_user_without_the_models_permissions(
    admin_staff, admin_browser
):
    admin_staff.is_staff = True
    admin_staff.save()
    assert admin_browser.get(reverse("admin:index")).status_code == 200

    types = admin_browser.get(reverse("insite-message-types")).content.decode()
    connectors = admin_browser.get(reverse("insite-connectors")).content.decode()

    assert "Workflows bewerken in het beheer" not in types
    assert "Naar het beheer" not in connectors


def test_the_admin_links_lead_who_may_use_them_to_the_models_list(admin_staff, admin_browser):
    admin_staff.is_staff = True
    admin_staff.save()
    _grant(admin_staff, "change_workflowdefinition", "view_appconnector")

    types = admin_browser.get(reverse("insite-message-types")).content.decode()
    connectors = admin_browser.get(reverse("insite-connectors")).content.decode()

    assert f'<a href="{WORKFLOWS}">Workflows bewerken in het beheer</a>' in types
    assert f'<a href="{CONNECTORS}">Naar het beheer</a>' in connectors
    assert admin_browser.get(WORKFLOWS).status_code == 200
    assert admin_browser.get(CONNECTORS).status_code == 200


@pytest.fixture
def beheerder():
    """The Django superuser of an installation, without a StaffMember (demo: "beheerder")."""
    return get_user_model().objects.create_superuser("beheerder", "beheer@kantoor.nl", "x")


@pytest.mark.parametrize("name", ["insite-dashboard", "insite-messages", "insite-connectors"])
def test_a_superuser_without_a_staff_member_is_told_what_to_do_on_insite(beheerder, name):
    response = browser_for(beheerder).get(reverse(name))

    assert response.status_code == 403
    page = response.content.decode()
    assert "Deze login is geen medewerker van een accountantsomgeving" in page
    assert f'href="{reverse("admin:crm_staffmember_add")}"' in page
    assert f'href="{reverse("admin:index")}"' in page
    assert "is niet bedoeld voor uw account" not in page


def test_website_bekijken_in_the_admin_leads_a_superuser_out_of_the_admin(beheerder):
    browser = browser_for(beheerder)
    site_url = browser.get(reverse("admin:index")).context["site_url"]

    response = browser.get(site_url, follow=True)

    assert not response.request["PATH_INFO"].startswith("/admin/")
    assert "Deze login is geen medewerker van een accountantsomgeving" in response.content.decode()


def test_a_login_without_any_role_still_gets_404_on_insite(db):
    nobody = get_user_model().objects.create_user("niemand", "niemand@example.nl", "x")
    assert browser_for(nobody).get(reverse("insite-dashboard")).status_code == 404
