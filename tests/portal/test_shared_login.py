"""One person, one login: the contact of several organisations of one accountancy environment.

A director-major-shareholder (DGA) often runs a holding and an operating company, both clients
of the same accountant. InSite links the login he already has when he becomes the contact of
the second company (no second invitation); OutSite shows him both companies' messages, and
every action on a message acts as his contact at that message's organisation."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.urls import reverse

from crm.models import Contact
from kvk.status import Status
from tests import factories
from tests.portal.conftest import browser_for, make_message
from tests.workflow.conftest import adoption_day
from workflow import selectors

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("mail_tasks_run_here")]

SHARED = "Deze persoon heeft al een login voor de klantportal"


@dataclass
class Dga:
    user: object
    holding: Contact  # his contact at client A's organisation
    operating: Contact  # his contact at client B's organisation


@pytest.fixture
def dga(client_a, client_b) -> Dga:
    """Jan, the contact of A (the holding) and of B (the operating company), one login; each
    organisation knows him under its own name."""
    user = factories.UserFactory(username="jan@example.nl", email="jan@example.nl")
    holding = factories.ContactFactory(
        organisation=client_a.organisation, user=user, name="Jan de Vries"
    )
    operating = factories.ContactFactory(
        organisation=client_b.organisation, user=user, name="J. de Vries (DGA)"
    )
    return Dga(user, holding, operating)


def _login_of(client) -> str:
    """Client's login as InSite makes it: the e-mail address."""
    contact = client.user.client_contacts.get()
    client.user.username = contact.email
    client.user.save()
    return contact.email


def _add_piet(admin_browser, client, email, capture):
    """InSite adds Piet with portal access and ``email`` to ``client``'s organisation."""
    url = reverse("insite-contact-create", args=[client.organisation.pk])
    with capture(execute=True):
        response = admin_browser.post(
            url,
            {"name": "Piet", "email": email, "language": "nl", "portal_access": "on"},
            follow=True,
        )
    assert response.status_code == 200
    return response


def test_insite_links_the_login_of_a_contact_of_another_organisation_of_the_environment(
    admin_browser, client_a, client_b, django_capture_on_commit_callbacks
):
    email = _login_of(client_b)
    response = _add_piet(admin_browser, client_a, email, django_capture_on_commit_callbacks)
    assert SHARED in response.content.decode()
    contact = Contact.objects.get(organisation=client_a.organisation, name="Piet")
    assert contact.user == client_b.user and contact.portal_access
    assert mail.outbox == []  # no second invitation with a password link
    assert client_b.user.has_usable_password()  # his password stays his

    # "Uitnodigen" for an existing contact without access links the same way.
    client_c = factories.OrganisationFactory(environment=client_a.organisation.environment)
    later = factories.ContactFactory(organisation=client_c, user=None, email=email, name="Piet")
    access = reverse("insite-contact-access", args=[client_c.pk, later.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_browser.post(access, {"grant": "1"}, follow=True)
    assert SHARED in response.content.decode()
    later.refresh_from_db()
    assert later.user == client_b.user and later.portal_access
    assert mail.outbox == []

    # He sees the messages of all three organisations.
    messages = [make_message(c) for c in (client_a, client_b)]
    page = browser_for(client_b.user).get(reverse("outsite-messages")).content.decode()
    for message in messages:
        assert reverse("outsite-message", args=[message.pk]) in page


def test_a_login_named_otherwise_is_found_by_its_e_mail_address(
    admin_browser, client_a, client_b, staff, django_capture_on_commit_callbacks
):
    """A login whose username is not its e-mail address (made by a command or the admin,
    as the demo's "klant-a") is the person's login all the same: "Wachtwoord vergeten"
    with the address reaches it. Linking it keeps one person at one login; a staff
    member's address stays refused."""
    contact_b = client_b.user.client_contacts.get()
    assert client_b.user.username != contact_b.email
    client_b.user.email = contact_b.email
    client_b.user.save()
    response = _add_piet(
        admin_browser, client_a, contact_b.email.upper(), django_capture_on_commit_callbacks
    )
    assert SHARED in response.content.decode()
    assert Contact.objects.get(organisation=client_a.organisation, name="Piet").user == (
        client_b.user
    )

    staff.email = "jan.staf@kantoor.nl"
    staff.save()
    url = reverse("insite-contact-create", args=[client_a.organisation.pk])
    refused = admin_browser.post(
        url,
        {"name": "Jan", "email": "Jan.Staf@kantoor.nl", "language": "nl", "portal_access": "on"},
    )
    assert refused.status_code == 400
    assert "al de login van een andere portalgebruiker of medewerker" in refused.content.decode()


def test_a_linked_login_never_activated_gets_the_invitation(
    admin_browser, client_a, client_b, django_capture_on_commit_callbacks
):
    """A login whose owner never chose a password (the first invitation expired, say) is not
    'already in use': linking it sends the invitation again, or nobody could ever get in
    (Django's password reset skips users without a usable password)."""
    email = _login_of(client_b)
    client_b.user.set_unusable_password()
    client_b.user.save()
    response = _add_piet(admin_browser, client_a, email, django_capture_on_commit_callbacks)
    assert SHARED not in response.content.decode()
    assert Contact.objects.get(organisation=client_a.organisation, name="Piet").user == (
        client_b.user
    )
    assert [message.to for message in mail.outbox] == [[email]]


def test_a_new_login_is_still_invited(admin_browser, client_a, django_capture_on_commit_callbacks):
    """Linking is for a login that exists: a new address gets its invitation as before."""
    url = reverse("insite-contact-create", args=[client_a.organisation.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_browser.post(
            url, {"name": "Eva", "email": "eva@example.nl", "language": "nl", "portal_access": "on"}
        )
    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [["eva@example.nl"]]


def test_the_same_person_twice_at_one_organisation_is_refused(admin_browser, client_a, client_b):
    """A user is the contact of an organisation once (the database says so too), also when
    the address is written in other capitals."""
    email = _login_of(client_b)
    url = reverse("insite-contact-create", args=[client_b.organisation.pk])
    response = admin_browser.post(
        url, {"name": "Nog eens", "email": email.upper(), "language": "nl", "portal_access": "on"}
    )
    assert response.status_code == 400
    assert response.context["contact_form"].errors["email"] == [
        "Deze persoon is met dit e-mailadres al contactpersoon van deze organisatie."
    ]
    assert client_b.organisation.contacts.count() == 1
    with pytest.raises(IntegrityError), transaction.atomic():
        Contact.objects.create(organisation=client_b.organisation, user=client_b.user, name="x")


def test_revoking_one_of_two_keeps_the_other_organisation(admin_browser, dga, client_a, client_b):
    message_a, message_b = make_message(client_a), make_message(client_b)
    browser = browser_for(dga.user)
    url = reverse("insite-contact-access", args=[client_a.organisation.pk, dga.holding.pk])
    assert admin_browser.post(url, {"grant": "0", "confirmed": "1"}).status_code == 302

    assert browser.get(reverse("outsite-message", args=[message_a.pk])).status_code == 404
    assert browser.get(reverse("outsite-message", args=[message_b.pk])).status_code == 200
    page = browser.get(reverse("outsite-messages")).content.decode()
    assert reverse("outsite-message", args=[message_b.pk]) in page
    assert reverse("outsite-message", args=[message_a.pk]) not in page
    dga.operating.refresh_from_db()
    assert dga.operating.portal_access


def test_outsite_lists_both_organisations_with_a_filter(dga, client_a, client_b, environment):
    message_a, message_b = make_message(client_a), make_message(client_b)
    # Organisation C of the same environment, of which Jan is not a contact.
    other = factories.OrganisationFactory(environment=environment, name="Derde B.V.")
    browser = browser_for(dga.user)
    url = reverse("outsite-messages")

    page = browser.get(url).content.decode()
    for message in (message_a, message_b):
        assert reverse("outsite-message", args=[message.pk]) in page
        assert f'<p class="organisation">{message.organisation.name}</p>' in page
    assert 'name="organisatie"' in page and "Derde B.V." not in page

    only_a = browser.get(url, {"organisatie": client_a.organisation.pk})
    assert list(only_a.context["page"]) == [message_a]
    # Another organisation's id is no way in: the list stays Jan's own.
    foreign = browser.get(url, {"organisatie": other.pk})
    assert set(foreign.context["page"]) == {message_a, message_b}

    # One organisation: its name above the list, no filter.
    page = browser_for(client_a.user).get(url).content.decode()
    assert 'name="organisatie"' not in page
    assert f'<p class="lead">{client_a.organisation.name}</p>' in page


def _decide(browser, message) -> None:
    action = reverse("outsite-action", args=[message.pk, "adopt"])
    day = adoption_day(message.financial_year).isoformat()
    assert browser.post(action, {"adopted": "on", "adoption_date": day}).status_code == 302
    message.refresh_from_db()
    assert message.adopted, "the adoption was refused"
    approve = reverse("outsite-action", args=[message.pk, "approve"])
    browser.post(approve, {"document_sha256": message.document_sha256, "confirmed": "1"})
    message.refresh_from_db()


def test_one_person_approves_both_companies_each_as_that_company_s_contact(dga, client_a, client_b):
    message_a, message_b = make_message(client_a), make_message(client_b)
    browser = browser_for(dga.user)
    for message in (message_a, message_b):
        _decide(browser, message)
        assert message.status == Status.APPROVED

    for message, contact in ((message_a, dga.holding), (message_b, dga.operating)):
        approved = message.events.get(action="approved")
        assert approved.actor_user == dga.user
        assert approved.document_sha256 == message.document_sha256
        entries = {str(e.title): e for e in selectors.timeline(message)}
        assert entries["Goedgekeurd"].actor_name == contact.name
        assert entries["Jaarrekening vastgesteld"].actor_name == contact.name
        # The page names the contact of this organisation, never the other one's name.
        page = browser.get(reverse("outsite-message", args=[message.pk])).content.decode()
        other = dga.operating if contact == dga.holding else dga.holding
        assert contact.name in page and other.name not in page


def test_each_organisation_s_mail_reaches_him_once(
    dga, client_a, client_b, staff, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        message_a = make_message(client_a)
        make_message(client_b)
    jan = [m for m in mail.outbox if m.to == ["jan@example.nl"]]
    assert sorted(m.subject for m in jan) == sorted(
        f"Jaarrekening {message_a.financial_year} van {c.organisation.name} wacht op uw goedkeuring"
        for c in (client_a, client_b)
    )
    mail.outbox.clear()
    # A staff member's comment on A's message: Jan hears it once, about A only.
    with django_capture_on_commit_callbacks(execute=True):
        browser_for(staff).post(reverse("insite-comment", args=[message_a.pk]), {"text": "Vraag"})
    (comment,) = [m for m in mail.outbox if m.to == ["jan@example.nl"]]
    assert client_a.organisation.name in comment.subject


def test_the_admin_keeps_a_shared_login_within_one_environment(dga, client_a, staff):
    """The admin validates a contact (full_clean): a login of a contact in another
    environment or of a staff member is refused; a second organisation of the same
    environment is fine."""
    from django.core.exceptions import ValidationError

    elsewhere = factories.OrganisationFactory()  # another environment
    for user in (dga.user, staff):
        contact = Contact(organisation=elsewhere, user=user, name="Jan")
        with pytest.raises(ValidationError) as refused:
            contact.full_clean()
        assert "user" in refused.value.message_dict
    third = factories.OrganisationFactory(environment=client_a.organisation.environment)
    Contact(organisation=third, user=dga.user, name="Jan").full_clean()


def _shared_note(page: str, contact_name: str) -> str:
    """The note under ``contact_name`` in the contacts table ('' when there is none)."""
    row = re.search(rf"<tr><td>{re.escape(contact_name)}.*?</tr>", page, flags=re.S)
    assert row, f"no row for {contact_name}"
    note = re.search(r'<p class="help shared-login">(.*?)</p>', row[0], flags=re.S)
    return note[1] if note else ""


def test_insite_names_the_other_organisations_of_a_shared_login(
    staff_browser, dga, client_a, client_b, environment
):
    """Staff see on A's page that Jan's login also opens B (linked), so revoking his access
    at A is understood to leave B; an organisation of another accountancy environment is
    never named, not even when old data links the login there."""
    dga.operating.portal_access = False  # revoked at B: B is still named, so marked
    dga.operating.save()
    elsewhere = factories.OrganisationFactory(name="Ander Kantoor Holding B.V.")
    assert elsewhere.environment != environment
    Contact.objects.create(organisation=elsewhere, user=dga.user, name="Jan")  # old data
    piet = factories.ContactFactory(organisation=client_a.organisation, name="Piet")

    page = staff_browser.get(reverse("insite-organisation", args=[client_a.organisation.pk]))
    html = page.content.decode()
    note = _shared_note(html, dga.holding.name)
    assert note.startswith("Deze login hoort ook bij:")
    link = reverse("insite-organisation", args=[client_b.organisation.pk])
    assert f'<a href="{link}">{client_b.organisation.name}</a> (geen toegang)' in note
    assert elsewhere.name not in html
    assert _shared_note(html, piet.name) == ""  # a login of one organisation: no note

    # And on B's page, A is named the other way round.
    page = staff_browser.get(reverse("insite-organisation", args=[client_b.organisation.pk]))
    note = _shared_note(page.content.decode(), dga.operating.name)
    link = reverse("insite-organisation", args=[client_a.organisation.pk])
    assert f'<a href="{link}">{client_a.organisation.name}</a>' in note
    assert "geen toegang" not in note
