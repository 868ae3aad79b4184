"""A message at 30 whose adoption is still to be recorded by a named adopter who cannot act
in OutSite (crm.models.AdopterRule.NAMED, workflow.approvers.can_adopt) waits for nobody:
the approval follows the adoption (workflow.models: approving needs the adoption). Like a
message nobody can approve (test_contact_access_withdrawal), it asks the staff's attention
at once, on the dashboard, in the list and on its page, with what to do; and leaves the
list once the adoption is recorded."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from crm.models import AdopterRule, Contact
from tests import factories
from tests.portal.conftest import browser_for, make_message
from workflow import services
from workflow.approvers import nobody_can_adopt, nobody_can_adopt_q, nobody_can_approve_q
from workflow.models import Actor, ApprovalMessage

pytestmark = pytest.mark.django_db

TO_DO = "Geef de vaststeller toegang tot de klantportal"
TAG = "niemand kan de vaststelling vastleggen"


def _named_adopter(client, *, where: str = "organisation", message_type=None) -> Contact:
    """``client``'s own contact named as the one who records the adoption, under the
    organisation's rule or its workflow's; another contact keeps access, so the message
    can still be approved by someone."""
    contact = client.user.client_contacts.get()
    organisation = client.organisation
    organisation.adopter = contact
    if where == "organisation":
        organisation.adopter_rule = AdopterRule.NAMED
    else:
        message_type.workflow.adopter_rule = AdopterRule.NAMED
        message_type.workflow.save()
    organisation.save()
    factories.ContactFactory(organisation=organisation, name="Els de Wit")
    return contact


def _shut_out(contact: Contact) -> None:
    contact.portal_access = False
    contact.save(update_fields=["portal_access"])


def _attention(browser) -> tuple[str, str]:
    dashboard = browser.get(reverse("insite-dashboard")).content.decode()
    listed = browser.get(reverse("insite-messages") + "?attention=on").content.decode()
    return dashboard, listed


def test_a_message_its_named_adopter_cannot_adopt_asks_attention_at_once(staff_browser, client_a):
    adopter = _named_adopter(client_a)
    message = make_message(client_a)
    link = reverse("insite-message", args=[message.pk])
    assert all(link not in page for page in _attention(staff_browser))

    # The fault: the adopter lost access; nobody could adopt and so nobody approve, yet the
    # message waited quietly until the rule of the silent client caught it.
    _shut_out(adopter)

    dashboard, listed = _attention(staff_browser)
    assert link in dashboard and TAG in dashboard and TO_DO in dashboard
    assert "wacht al" not in dashboard.split(link)[1].split("</li>")[0]
    assert link in listed and TAG in listed
    assert "niemand kan goedkeuren" not in listed  # Els de Wit can approve
    page = staff_browser.get(link).content.decode()
    assert 'id="nobody-adopts"' in page and TO_DO in page
    assert "#approvers" in page.split('id="nobody-adopts"')[1]
    assert 'id="nobody-approves"' not in page


def test_once_the_adoption_is_recorded_it_asks_nothing_more(staff_browser, client_a):
    adopter = _named_adopter(client_a)
    message = make_message(client_a)
    services.adopt(
        message_id=message.pk, actor=Actor.for_user(client_a.user), adoption_date=date.today()
    )
    _shut_out(adopter)

    link = reverse("insite-message", args=[message.pk])
    assert all(link not in page for page in _attention(staff_browser))
    assert 'id="nobody-adopts"' not in staff_browser.get(link).content.decode()


@pytest.mark.parametrize("where", ["workflow", "organisation"])
def test_the_filter_agrees_with_the_message_page(client_a, client_b, message_type, where):
    """nobody_can_adopt_q (the lists) says what nobody_can_adopt (the message page) says,
    for each way a named adopter cannot record the adoption (workflow.approvers.can_adopt)
    and whether the rule is the workflow's or the organisation's."""
    adopter = _named_adopter(client_a, where=where, message_type=message_type)
    message = make_message(client_a)
    organisation = client_a.organisation

    def stuck() -> bool:
        found = ApprovalMessage.objects.filter(nobody_can_adopt_q(), pk=message.pk).exists()
        assert found == nobody_can_adopt(ApprovalMessage.objects.get(pk=message.pk))
        return found

    assert not stuck()
    _shut_out(adopter)
    assert stuck()
    adopter.portal_access = True
    adopter.user = None
    adopter.save()
    assert stuck()
    # A contact of another organisation named (moved since) cannot adopt here.
    organisation.adopter = client_b.user.client_contacts.get()
    organisation.save()
    assert stuck()
    organisation.adopter = None
    organisation.save()
    assert stuck()
    # Under "whoever approves" the approvers adopt: nobody_can_approve_q speaks for them.
    organisation.adopter_rule = AdopterRule.APPROVER
    organisation.save()
    assert not stuck()
    assert not ApprovalMessage.objects.filter(nobody_can_approve_q(), pk=message.pk).exists()


def test_the_flag_costs_the_list_no_query_per_row(staff_browser, client_a, client_b):
    adopters = [_named_adopter(client_a), _named_adopter(client_b)]
    for client in (client_a, client_b):
        make_message(client)
        make_message(client, year=date.today().year - 2)

    def queries(flagged: int) -> int:
        with CaptureQueriesContext(connection) as captured:
            page = staff_browser.get(reverse("insite-messages")).content.decode()
        assert page.count(TAG) == flagged
        return len(captured)

    able = queries(0)
    for adopter in adopters:
        _shut_out(adopter)
    assert queries(4) == able


ARRANGED = (
    "Uw accountant regelt eerst wie de vaststelling van de jaarrekening vastlegt; "
    "daarna kunt u goedkeuren."
)


def test_the_client_is_told_the_accountant_arranges_it_not_asked_to_adopt(client_a):
    """Els de Wit can approve, but only the named adopter, shut out, may record the
    adoption (workflow.approvers.adopter: ``missing``); OutSite refuses her the tick. Her
    review request and the status line of the message's page say that the accountant first
    arranges who records it, as the staff's attention list asks them to, and do not ask her
    to adopt."""
    from portal import notifications

    _shut_out(_named_adopter(client_a))
    message = make_message(client_a)
    (els,) = [r for r in notifications.client_recipients(message) if r.name == "Els de Wit"]

    body = notifications.render_mail(notifications.AWAITING_REVIEW, message, els)[1]
    assert "vaststellen" not in body
    assert "goedkeuren of afkeuren? " + ARRANGED in body

    contact = Contact.objects.get(name="Els de Wit")
    page = browser_for(contact.user).get(reverse("outsite-message", args=[message.pk]))
    status = page.content.decode().split('id="message-status"')[1].split("</div>")[0]
    assert "stel haar vast" not in status
    assert "Wacht op uw beoordeling: bekijk de jaarrekening. " + ARRANGED in status
    assert 'id="adopt"' not in page.content.decode()  # nothing she cannot use
