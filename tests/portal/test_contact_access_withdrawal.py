"""Withdrawing a contact's portal access in InSite ("Intrekken"): it asks first, naming the
messages waiting at 30 that the contact approves or whose adoption it records and whether
nobody would be left who can; granting and withdrawing are recorded in the organisation's
history; and a message at 30 that nobody can approve asks attention at once, on the
dashboard, in the list and on its page, instead of after the days of a silent client."""

from __future__ import annotations

import pytest
from django.contrib.admin.models import LogEntry
from django.urls import reverse

from crm import services as crm_services
from crm.models import AdopterRule, ApproverRule, Contact, StaffMember
from tests import factories
from tests.portal.conftest import browser_for, make_message
from workflow.approvers import nobody_can_approve, nobody_can_approve_q
from workflow.models import ApprovalMessage

pytestmark = pytest.mark.django_db

NOBODY_LEFT = 'id="withdraw-nobody-left"'
TO_DO = "Geef een contactpersoon toegang tot de klantportal"


@pytest.fixture(autouse=True)
def without_second_factor(settings):
    settings.OTP_REQUIRED_FOR_STAFF = False  # the second factor has tests of its own


def _contact(client) -> Contact:
    return client.user.client_contacts.get()


def _access_url(contact: Contact) -> str:
    return reverse("insite-contact-access", args=[contact.organisation_id, contact.pk])


def _withdraw(browser, contact: Contact, *, confirmed: bool):
    data = {"grant": "0", **({"confirmed": "1"} if confirmed else {})}
    return browser.post(_access_url(contact), data)


def _has_access(contact: Contact) -> bool:
    contact.refresh_from_db()
    return contact.portal_access


def test_withdrawing_asks_first_naming_the_messages_that_would_wait_for_nobody(
    admin_browser, client_a
):
    message = make_message(client_a)
    contact = _contact(client_a)
    contact.name = "Jan Jansen"
    contact.save()

    page = _withdraw(admin_browser, contact, confirmed=False)

    assert page.status_code == 200
    html = page.content.decode()
    assert "Toegang tot de klantportal intrekken voor Jan Jansen" in html
    assert reverse("insite-message", args=[message.pk]) in html
    assert "Daarna kan niemand dit bericht goedkeuren." in html
    assert NOBODY_LEFT in html
    # One name for the act the named adopter does, as on the approvers' form.
    assert "niet meer zien, goedkeuren of de vaststelling vastleggen." in html
    assert "kan goedkeuren of de vaststelling vastleggen: ze wachten dan op niemand" in html
    assert "wie goedkeurt en wie de vaststelling vastlegt." in html
    assert "vaststellen" not in html and "wie vaststelt" not in html
    assert 'name="confirmed" value="1"' in html
    assert _has_access(contact)  # nothing changed yet

    assert _withdraw(admin_browser, contact, confirmed=True).status_code == 302
    assert not _has_access(contact)


def test_with_another_contact_left_the_page_lists_the_message_without_the_warning(
    admin_browser, client_a
):
    message = make_message(client_a)
    factories.ContactFactory(organisation=client_a.organisation, name="Els de Wit")

    html = _withdraw(admin_browser, _contact(client_a), confirmed=False).content.decode()

    assert reverse("insite-message", args=[message.pk]) in html
    assert "goedkeurder" in html
    assert NOBODY_LEFT not in html and "Daarna kan niemand" not in html


def test_under_every_director_only_the_last_director_leaves_nobody(
    admin_browser, client_a, message_type
):
    factories.require_directors(message_type.workflow)
    anna, bert = factories.make_directors(client_a, "Anna Eerste", "Bert Tweede")
    make_message(client_a)
    clerk = factories.ContactFactory(organisation=client_a.organisation, name="Kees Klerk")

    assert NOBODY_LEFT not in _withdraw(admin_browser, bert, confirmed=False).content.decode()
    # Not a director: no message waits on him.
    html = _withdraw(admin_browser, clerk, confirmed=False).content.decode()
    assert 'id="withdraw-no-effects"' in html

    _withdraw(admin_browser, bert, confirmed=True)
    assert NOBODY_LEFT in _withdraw(admin_browser, anna, confirmed=False).content.decode()


def test_the_named_adopter_is_named_and_nobody_left_to_adopt(admin_browser, client_a):
    make_message(client_a)
    factories.ContactFactory(organisation=client_a.organisation, name="Els de Wit")
    contact = _contact(client_a)
    organisation = client_a.organisation
    organisation.adopter_rule, organisation.adopter = AdopterRule.NAMED, contact
    organisation.save()

    html = _withdraw(admin_browser, contact, confirmed=False).content.decode()

    assert "goedkeurder en vaststeller" in html
    assert "Daarna kan niemand de vaststelling vastleggen." in html
    assert NOBODY_LEFT in html


def test_granting_access_needs_no_confirmation(admin_browser, client_a):
    eva = Contact.objects.create(
        organisation=client_a.organisation, name="Eva", email="eva@example.nl"
    )
    response = admin_browser.post(_access_url(eva), {"grant": "1"})
    assert response.status_code == 302
    assert _has_access(eva)


def test_granting_and_withdrawing_are_recorded_in_the_organisations_history(
    admin_browser, admin_staff, client_a
):
    organisation = client_a.organisation
    eva = Contact.objects.create(organisation=organisation, name="Eva", email="eva@example.nl")
    admin_browser.post(_access_url(eva), {"grant": "1"})
    admin_browser.post(_access_url(eva), {"grant": "1"})  # "Opnieuw uitnodigen": no change
    _withdraw(admin_browser, eva, confirmed=True)

    entries = LogEntry.objects.filter(
        object_id=str(organisation.pk), content_type__model="organisation"
    ).order_by("pk")
    assert [e.user for e in entries] == [admin_staff, admin_staff]
    given, withdrawn = (e.get_change_message() for e in entries)
    assert given == "Klantportaltoegang ‘Eva (eva@example.nl)’ toegevoegd."
    assert withdrawn == "Klantportaltoegang ‘Eva (eva@example.nl)’ verwijderd."

    page = admin_browser.get(reverse("insite-organisation", args=[organisation.pk]))
    history = page.content.decode().split('id="history"')[1]
    assert withdrawn in history and given in history and admin_staff.username in history


def test_a_new_contact_with_access_is_recorded_as_given(admin_browser, admin_staff, client_a):
    admin_browser.post(
        reverse("insite-contact-create", args=[client_a.organisation.pk]),
        {"name": "Piet", "email": "piet@example.nl", "language": "nl", "portal_access": "on"},
    )
    entry = LogEntry.objects.get(object_id=str(client_a.organisation.pk))
    assert entry.user == admin_staff
    assert entry.get_change_message() == "Klantportaltoegang ‘Piet (piet@example.nl)’ toegevoegd."


def test_only_administrators_of_the_environment_may_withdraw(staff_browser, staff, client_a):
    contact = _contact(client_a)
    assert _withdraw(staff_browser, contact, confirmed=False).status_code == 403
    assert _withdraw(staff_browser, contact, confirmed=True).status_code == 403
    elsewhere = factories.StaffFactory(role=StaffMember.Role.ADMINISTRATOR).user
    assert _withdraw(browser_for(elsewhere), contact, confirmed=True).status_code == 404
    with pytest.raises(crm_services.ContactAccessError) as refused:
        crm_services.withdraw_portal_access(contact_id=contact.pk, user=staff)
    assert refused.value.code == "not_permitted"
    assert _has_access(contact)
    assert not LogEntry.objects.exists()


def test_a_message_nobody_can_approve_asks_attention_at_once(admin_browser, client_a):
    message = make_message(client_a)
    dashboard = reverse("insite-dashboard")
    assert reverse("insite-message", args=[message.pk]) not in (
        admin_browser.get(dashboard).content.decode()
    )

    _withdraw(admin_browser, _contact(client_a), confirmed=True)

    html = admin_browser.get(dashboard).content.decode()
    assert reverse("insite-message", args=[message.pk]) in html
    assert "niemand kan goedkeuren" in html and TO_DO in html
    listed = admin_browser.get(reverse("insite-messages") + "?attention=on").content.decode()
    assert reverse("insite-message", args=[message.pk]) in listed
    assert "niemand kan goedkeuren" in listed
    page = admin_browser.get(reverse("insite-message", args=[message.pk])).content.decode()
    assert 'id="nobody-approves"' in page and TO_DO in page


@pytest.mark.parametrize("where", ["workflow", "organisation"])
@pytest.mark.parametrize("rule", list(ApproverRule))
def test_the_filter_agrees_with_the_organisation_pages_rule(client_a, message_type, rule, where):
    """nobody_can_approve_q (the lists) says what nobody_can_approve (the organisation page
    and the message page) says, whether the rule is the workflow's or the organisation's."""
    message = make_message(client_a)
    organisation = client_a.organisation
    if where == "workflow":
        message_type.workflow.approver_rule = rule
        message_type.workflow.save()
    else:
        organisation.approver_rule = rule
        organisation.save()
    contact = _contact(client_a)
    stuck = ApprovalMessage.objects.filter(nobody_can_approve_q(), pk=message.pk).exists

    def agree() -> bool:
        return stuck() == nobody_can_approve(rule, organisation)

    assert agree()
    contact.is_director = True
    contact.save()
    organisation.approvers.add(contact)
    assert agree() and not stuck()
    contact.portal_access = False
    contact.save()
    assert agree() and stuck()


def test_a_message_without_a_workflow_falls_under_one_contact_in_the_filter(client_a):
    """A message whose message type has no workflow falls under the default rule, one
    contact (``approver_rule``): the lists call it stuck exactly when no contact of the
    organisation can act in OutSite, as the organisation page says."""
    message = make_message(client_a)
    ApprovalMessage.objects.filter(pk=message.pk).update(workflow=None)
    organisation = client_a.organisation
    assert organisation.approver_rule == ""
    stuck = ApprovalMessage.objects.filter(nobody_can_approve_q(), pk=message.pk).exists

    assert not stuck() and not nobody_can_approve(ApproverRule.ONE, organisation)
    contact = _contact(client_a)
    contact.portal_access = False
    contact.save()
    assert stuck() and nobody_can_approve(ApproverRule.ONE, organisation)
