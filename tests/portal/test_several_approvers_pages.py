"""Several approvers on the pages: OutSite and InSite show "2 van 3 goedgekeurd" with who has
and who has not; a client who already approved sees that and no approve button."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from crm.models import AdopterRule, ApproverRule
from kvk.status import Status
from tests import factories
from tests.portal.conftest import browser_for
from tests.workflow.conftest import adoption_day
from workflow import services, tasks
from workflow.models import Actor

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_delivery(monkeypatch):
    monkeypatch.setattr(tasks.submit_to_kvk, "delay", lambda *args, **kwargs: None)


@pytest.fixture
def three_directors(client_a, message_type):
    """Client A's organisation with three directors who must all approve; Anna (client A's
    user) is the first."""
    factories.require_directors(message_type.workflow)
    return factories.make_directors(client_a, "Anna Eerste", "Bert Tweede", "Carla Derde")


def _adopt(message, contact):
    services.adopt(
        message_id=message.pk,
        actor=Actor.for_user(contact.user),
        adoption_date=adoption_day(message.financial_year),
    )
    message.refresh_from_db()


def _approve(message, contact):
    message.refresh_from_db()
    services.approve(
        message_id=message.pk,
        actor=Actor.for_user(contact.user),
        document_sha256=message.document_sha256,
    )


def test_outsite_shows_who_has_and_who_has_not_approved(message_a, three_directors):
    anna, bert, carla = three_directors
    _adopt(message_a, anna)
    _approve(message_a, anna)
    _approve(message_a, carla)

    page = browser_for(bert.user).get(reverse("outsite-message", args=[message_a.pk]))

    html = page.content.decode()
    assert "2 van 3 goedgekeurd" in html
    approved, pending = html.split('class="approved"'), html.split('class="pending"')
    assert len(approved) == 3 and len(pending) == 2
    assert "Bert Tweede" in pending[1].split("</li>")[0]
    assert 'id="approve"' in html  # Bert has not approved yet

    mine = browser_for(anna.user).get(reverse("outsite-message", args=[message_a.pk]))
    html = mine.content.decode()
    assert 'id="my-approval"' in html and "U heeft dit document goedgekeurd op" in html
    assert 'id="approve"' not in html
    # The status line says the same, not "keur het bericht goed of af".
    assert "gewacht op de goedkeuring van de anderen" in html
    assert "keur het bericht goed of af" not in html


def test_outsite_approving_before_the_others_says_so(message_a, three_directors):
    anna, _bert, _carla = three_directors
    _adopt(message_a, anna)
    browser = browser_for(anna.user)
    url = reverse("outsite-action", args=[message_a.pk, "approve"])

    confirm = browser.post(url, {"document_sha256": message_a.document_sha256})
    assert 'id="confirm-others"' in confirm.content.decode()
    done = browser.post(
        url, {"document_sha256": message_a.document_sha256, "confirmed": "1"}, follow=True
    )

    assert "zodra ook de anderen hebben goedgekeurd" in done.content.decode()
    message_a.refresh_from_db()
    assert message_a.status == Status.IN_REVIEW
    assert "1 van 3 goedgekeurd" in done.content.decode()


def test_insite_shows_the_progress_on_the_message_and_in_the_list(
    message_a, three_directors, staff_browser
):
    anna, bert, _carla = three_directors
    _adopt(message_a, anna)
    _approve(message_a, bert)

    detail = staff_browser.get(reverse("insite-message", args=[message_a.pk])).content.decode()
    assert "1 van 3 goedgekeurd" in detail and "Carla Derde" in detail
    listing = staff_browser.get(reverse("insite-messages")).content.decode()
    assert "1 van 3 goedgekeurd" in listing
    assert "Anna Eerste, Carla Derde" in listing  # the tag's title names who has not


def test_one_contact_shows_no_progress(message_a, browser_a, staff_browser):
    page = browser_a.get(reverse("outsite-message", args=[message_a.pk])).content.decode()
    listing = staff_browser.get(reverse("insite-messages")).content.decode()
    assert "goedgekeurd</h2>" not in page and "approvals-tag" not in listing


def test_the_page_shows_signatories_that_differ_from_the_approvers(
    message_a, three_directors, staff_browser
):
    """The demo filing is signed by J. de Vries, who is not among the three directors. The
    client reads the sentence, never the finding's code (docs/architecture.md: "A client
    sees sentences, never codes"); the staff also get the code."""
    anna, _bert, _carla = three_directors
    page = browser_for(anna.user).get(reverse("outsite-message", args=[message_a.pk]))
    html = page.content.decode()
    assert "De bestuurders die de jaarrekening ondertekenen" in html and "J. de Vries" in html
    assert "approvers_signatories" not in html
    assert "<code>" not in html.split('id="findings-h"')[1].split("</section>")[0]
    staff_page = staff_browser.get(reverse("insite-message", args=[message_a.pk])).content
    assert b"<code>approvers_signatories</code>" in staff_page


def test_insite_organisation_page_sets_who_must_approve(client_a, admin_browser, message_type):
    organisation = client_a.organisation
    bert = factories.ContactFactory(organisation=organisation, name="Bert Tweede")
    page = admin_browser.get(reverse("insite-organisation", args=[organisation.pk]))
    html = page.content.decode()
    assert 'id="approver-rule">Eén contactpersoon' in html
    assert "Volgens de workflow: Eén contactpersoon" in html

    url = reverse("insite-organisation-approvers", args=[organisation.pk])
    refused = admin_browser.post(url, {"approver_rule": "named"})
    # The organisation's page again, with the field's error and the rule as typed.
    assert refused.status_code == 400
    html = refused.content.decode()
    assert (
        '<div id="id_approvers_error"><p class="error">Kies wie moeten goedkeuren.</p></div>'
        in html
    )
    assert '<option value="named" selected>' in html
    assert "Niet opgeslagen; zie de meldingen bij de velden." in html
    saved = admin_browser.post(url, {"approver_rule": "named", "approvers": [bert.pk]}, follow=True)
    assert "Opgeslagen wie de berichten van deze organisatie goedkeuren" in saved.content.decode()

    organisation.refresh_from_db()
    assert organisation.approver_rule == ApproverRule.NAMED
    assert list(organisation.approvers.all()) == [bert]
    admin_browser.post(url, {"approver_rule": ""})
    organisation.refresh_from_db()
    assert organisation.approver_rule == ""


def test_a_worker_cannot_change_who_must_approve(client_a, staff_browser):
    url = reverse("insite-organisation-approvers", args=[client_a.organisation.pk])
    response = staff_browser.post(url, {"approver_rule": "directors"})
    assert response.status_code in (302, 403)
    client_a.organisation.refresh_from_db()
    assert client_a.organisation.approver_rule == ""


def test_a_contact_can_be_added_as_director(client_a, admin_browser):
    url = reverse("insite-contact-create", args=[client_a.organisation.pk])
    admin_browser.post(url, {"name": "Dirk", "language": "nl", "is_director": "on"})
    assert client_a.organisation.contacts.get(name="Dirk").is_director


# --- who records the adoption (issue 22: "recorded once, by whoever the definition names") --


def test_insite_organisation_page_names_who_records_the_adoption(
    client_a, admin_browser, message_type
):
    organisation = client_a.organisation
    bert = factories.ContactFactory(organisation=organisation, name="Bert Tweede")
    page = admin_browser.get(reverse("insite-organisation", args=[organisation.pk]))
    assert 'id="adopter-rule">Wie moet goedkeuren' in page.content.decode()

    url = reverse("insite-organisation-approvers", args=[organisation.pk])
    refused = admin_browser.post(url, {"adopter_rule": "named"})
    assert refused.status_code == 400
    assert "Kies wie de vaststelling vastlegt." in refused.content.decode()
    admin_browser.post(url, {"adopter_rule": "named", "adopter": bert.pk})

    organisation.refresh_from_db()
    assert (organisation.adopter_rule, organisation.adopter) == (AdopterRule.NAMED, bert)
    page = admin_browser.get(reverse("insite-organisation", args=[organisation.pk]))
    assert 'id="adopter-rule">Bert Tweede' in page.content.decode()


def test_a_refused_save_shows_the_stored_rules_above_the_form(client_a, admin_browser):
    """ "Niet opgeslagen" means nothing changed: the summary above the form says what is
    stored (the workflow's rules), while the form keeps what was typed."""
    organisation = client_a.organisation
    url = reverse("insite-organisation-approvers", args=[organisation.pk])

    refused = admin_browser.post(url, {"approver_rule": "directors", "adopter_rule": "named"})

    assert refused.status_code == 400
    html = refused.content.decode()
    assert "Niet opgeslagen; zie de meldingen bij de velden." in html
    assert 'id="approver-rule">Eén contactpersoon</strong> <span class="muted">' in html
    assert 'id="adopter-rule">Wie moet goedkeuren (de eerste die vaststelt)</strong> <span' in html
    assert 'id="adopter-missing"' not in html
    assert '<option value="directors" selected>' in html  # the form: what was typed
    organisation.refresh_from_db()
    assert (organisation.approver_rule, organisation.adopter_rule) == ("", "")


def test_insite_warns_when_the_workflow_names_an_adopter_the_organisation_lacks(
    client_a, admin_browser, message_type
):
    message_type.workflow.adopter_rule = AdopterRule.NAMED
    message_type.workflow.save()
    page = admin_browser.get(reverse("insite-organisation", args=[client_a.organisation.pk]))
    assert 'id="adopter-missing"' in page.content.decode()


def test_outsite_only_the_named_adopter_gets_the_adoption_form(message_a, three_directors):
    anna, bert, _carla = three_directors
    organisation = message_a.organisation
    organisation.adopter_rule, organisation.adopter = AdopterRule.NAMED, bert
    organisation.save()
    url = reverse("outsite-message", args=[message_a.pk])

    anna_page = browser_for(anna.user).get(url).content.decode()
    assert 'id="adopt"' not in anna_page
    assert "Bert Tweede legt de vaststelling van de jaarrekening vast." in anna_page
    assert 'id="adopt"' in browser_for(bert.user).get(url).content.decode()

    # A hand-made POST by Anna is refused with the same sentence, and nothing changes.
    anna = browser_for(anna.user)
    action = reverse("outsite-action", args=[message_a.pk, "adopt"])
    day = adoption_day(message_a.financial_year).isoformat()
    response = anna.post(action, {"adopted": "on", "adoption_date": day}, follow=True)
    assert "legt Bert Tweede vast" in response.content.decode()
    message_a.refresh_from_db()
    assert not message_a.adopted


def test_the_admin_picks_approvers_and_the_adopter_among_the_organisations_own_contacts(
    client_a, client_b, settings
):
    from django.contrib.auth import get_user_model

    settings.OTP_REQUIRED_FOR_STAFF = False  # about the choices, not the second factor
    superuser = get_user_model().objects.create_superuser("beheer", "beheer@example.nl", "x")
    own = factories.ContactFactory(organisation=client_a.organisation, name="Eigen Persoon")
    other = factories.ContactFactory(organisation=client_b.organisation, name="Ander Bedrijf")

    url = reverse("admin:crm_organisation_change", args=[client_a.organisation.pk])
    html = browser_for(superuser).get(url).content.decode()

    for field in ("approvers", "adopter"):
        select = re.search(rf'<select name="{field}".*?</select>', html, re.S)
        assert select is not None, field
        assert f'value="{own.pk}"' in select.group(0), field
        assert f'value="{other.pk}"' not in select.group(0), field
    assert "Ander Bedrijf" not in html


def test_insite_warns_when_nobody_can_approve_under_the_rule(client_a, admin_browser, message_type):
    """Reviewed: with "every director" and no director with portal access, the client can
    neither adopt nor approve (workflow.approvers); the organisation page says so."""
    url = reverse("insite-organisation", args=[client_a.organisation.pk])
    assert 'id="approvers-missing"' not in admin_browser.get(url).content.decode()

    factories.require_directors(message_type.workflow)

    assert 'id="approvers-missing"' in admin_browser.get(url).content.decode()
    factories.make_directors(client_a, "Anna Eerste")
    assert 'id="approvers-missing"' not in admin_browser.get(url).content.decode()


def test_insite_warns_when_no_contact_can_approve_under_one_contact(client_a, admin_browser):
    """Under the workflow's default, one contact approves: with the portal access of the
    organisation's only contact withdrawn, its messages wait for nobody, and the page said
    nothing (it warned under the other rules only)."""
    url = reverse("insite-organisation", args=[client_a.organisation.pk])
    assert 'id="approvers-missing"' not in admin_browser.get(url).content.decode()
    contact = client_a.user.client_contacts.get()
    admin_browser.post(
        reverse("insite-contact-access", args=[client_a.organisation.pk, contact.pk]),
        {"grant": "0", "confirmed": "1"},
    )

    html = admin_browser.get(url).content.decode()
    assert 'id="approvers-missing"' in html
    assert "geen contactpersoon heeft toegang tot de klantportal. Geef een contactpersoon" in html
    contact.portal_access = True
    contact.save()
    assert 'id="approvers-missing"' not in admin_browser.get(url).content.decode()


def test_a_refused_contact_keeps_what_was_typed_and_says_why(client_a, admin_browser):
    """The organisation page named its list of messages "messages", which hid the notes
    base.html shows (django.contrib.messages): a refused contact vanished without a word."""
    url = reverse("insite-contact-create", args=[client_a.organisation.pk])
    refused = admin_browser.post(
        url, {"name": "Eva Zonder", "language": "nl", "portal_access": "on"}
    )
    assert refused.status_code == 400
    html = refused.content.decode()
    assert "De contactpersoon is niet toegevoegd; zie de meldingen bij de velden." in html
    assert "Voor toegang tot de klantportal is een e-mailadres nodig." in html
    assert 'value="Eva Zonder"' in html and "<details open>" in html
    assert not client_a.organisation.contacts.filter(name="Eva Zonder").exists()

    added = admin_browser.post(url, {"name": "Eva", "language": "nl"}, follow=True)
    assert "Contactpersoon toegevoegd." in added.content.decode()


def test_a_named_adopter_who_is_no_approver_is_not_offered_the_approval(message_a, three_directors):
    """An explorer found the adopter (not a director) offered 'Goedkeuren' after adopting,
    refused only after confirming: the page now says who approves instead."""
    anna, _bert, _carla = three_directors
    dirk = factories.ContactFactory(organisation=message_a.organisation, name="Dirk Niet")
    organisation = message_a.organisation
    organisation.adopter_rule, organisation.adopter = AdopterRule.NAMED, dirk
    organisation.save()
    _adopt(message_a, dirk)
    url = reverse("outsite-message", args=[message_a.pk])

    dirk_page = browser_for(dirk.user).get(url).content.decode()
    assert 'id="approve"' not in dirk_page
    assert (
        "Dit bericht wordt goedgekeurd door Anna Eerste, Bert Tweede, Carla Derde; "
        "u hoeft niets te doen."
    ) in dirk_page
    assert 'id="approve"' in browser_for(anna.user).get(url).content.decode()


# --- a decided message shows what was decided then, not today's rule --------------------------


def _approvals_card(html: str) -> str:
    return html.split('id="approvals"')[1].split("</section>")[0]


def test_an_approved_message_keeps_its_approvers_after_the_rule_and_contacts_change(
    message_a, three_directors, message_type, staff_browser
):
    """The audit trail is the record of approvals (workflow.approvers): who approved a
    message past the client's decision is read from its events, not from the organisation's
    rule and contacts of today."""
    anna, bert, carla = three_directors
    _adopt(message_a, anna)
    for contact in (carla, anna, bert):
        _approve(message_a, contact)
    message_a.refresh_from_db()
    assert message_a.status == Status.APPROVED

    # Afterwards: one contact approves alone, Bert loses portal access, a new director.
    message_type.workflow.approver_rule = ApproverRule.ONE
    message_type.workflow.save()
    organisation = anna.organisation
    organisation.approver_rule = ApproverRule.DIRECTORS
    organisation.save()
    bert.portal_access = False
    bert.save()
    factories.ContactFactory(organisation=organisation, name="Dirk Vierde", is_director=True)

    url = reverse("outsite-message", args=[message_a.pk])
    card = _approvals_card(browser_for(anna.user).get(url).content.decode())
    assert "3 van 3 goedgekeurd" in card
    assert re.findall(r'class="approved">✓ <strong>([^<]+)', card) == [
        "Carla Derde",
        "Anna Eerste",
        "Bert Tweede",
    ]
    assert "Dirk Vierde" not in card and 'class="pending"' not in card
    assert "Zoals het is vastgelegd toen over dit bericht werd beslist." in card

    staff_page = staff_browser.get(reverse("insite-message", args=[message_a.pk])).content
    assert "3 van 3 goedgekeurd" in _approvals_card(staff_page.decode())

    # Under one contact now: the record still shows the three approvals.
    organisation.approver_rule = ApproverRule.ONE
    organisation.save()
    assert "3 van 3 goedgekeurd" in browser_for(anna.user).get(url).content.decode()


def test_a_rejected_message_shows_who_approved_before_and_who_rejected(
    message_a, three_directors, message_type
):
    anna, bert, _carla = three_directors
    _adopt(message_a, anna)
    _approve(message_a, anna)
    services.reject(message_id=message_a.pk, actor=Actor.for_user(bert.user), reason="Vraag")
    message_a.refresh_from_db()
    assert message_a.status == Status.REJECTED
    message_type.workflow.approver_rule = ApproverRule.ONE
    message_type.workflow.save()

    html = browser_for(anna.user).get(reverse("outsite-message", args=[message_a.pk]))
    card = _approvals_card(html.content.decode())
    assert "Goedkeuringen vóór de afkeuring" in card
    assert re.findall(r'class="approved">✓ <strong>([^<]+)', card) == ["Anna Eerste"]
    assert re.findall(r'class="rejected">✗ <strong>([^<]+)', card) == ["Bert Tweede"]
    assert 'class="pending"' not in card  # who else was asked then is not on record


def test_a_message_approved_by_one_contact_shows_no_approvers_after_the_rule_changes(
    message_a, browser_a, client_a, message_type
):
    """Approved under one contact (alone); the workflow asks every director afterwards."""
    _adopt(message_a, client_a.user.client_contacts.get())
    _approve(message_a, client_a.user.client_contacts.get())
    factories.require_directors(message_type.workflow)
    factories.make_directors(client_a, "Anna Eerste", "Bert Tweede")

    page = browser_a.get(reverse("outsite-message", args=[message_a.pk])).content.decode()
    assert 'id="approvals"' not in page


def test_a_message_rejected_before_any_approval_shows_who_rejected(
    message_a, three_directors, message_type
):
    """The first of three required directors rejects: no approval is on record, but the
    card still says who rejected (it used to vanish: no approval_given in the round)."""
    anna, bert, _carla = three_directors
    _adopt(message_a, anna)
    services.reject(message_id=message_a.pk, actor=Actor.for_user(bert.user), reason="Vraag")
    message_type.workflow.approver_rule = ApproverRule.ONE
    message_type.workflow.save()

    html = browser_for(anna.user).get(reverse("outsite-message", args=[message_a.pk]))
    card = _approvals_card(html.content.decode())
    assert re.findall(r'class="rejected">✗ <strong>([^<]+)', card) == ["Bert Tweede"]
    assert 'class="approved"' not in card and 'class="pending"' not in card


def test_a_round_repaired_and_approved_again_shows_only_the_last_round(
    message_a, three_directors, staff
):
    """Rejected, put back into the workflow by the staff (40 -> 30), then approved by all:
    the record is the round that ended in the approval, without the earlier rejection."""
    anna, bert, carla = three_directors
    _adopt(message_a, anna)
    _approve(message_a, anna)
    services.reject(message_id=message_a.pk, actor=Actor.for_user(bert.user), reason="Vraag")
    services.repair(
        message_id=message_a.pk,
        actor=Actor.for_user(staff),
        reason="De afkeuring was een vergissing",
    )
    for contact in (bert, carla, anna):
        _approve(message_a, contact)
    message_a.refresh_from_db()
    assert message_a.status == Status.APPROVED

    card = _approvals_card(
        browser_for(anna.user).get(reverse("outsite-message", args=[message_a.pk])).content.decode()
    )
    assert "3 van 3 goedgekeurd" in card and 'class="rejected"' not in card
    assert re.findall(r'class="approved">✓ <strong>([^<]+)', card) == [
        "Bert Tweede",
        "Carla Derde",
        "Anna Eerste",
    ]


def _status_line(html: str) -> str:
    match = re.search(r'<div id="message-status".*?</div>', html, flags=re.S)
    assert match is not None
    return match.group(0)


def test_with_one_named_adopter_the_others_are_not_asked_to_adopt(message_a, three_directors):
    """The adoption is recorded once, by the one the organisation names (workflow.approvers,
    AdopterRule.NAMED): the other approvers' status line and review e-mail ask them to review
    and approve, and say who records the adoption; only the named one is asked to adopt."""
    from portal import notifications

    anna, bert, _carla = three_directors
    organisation = message_a.organisation
    organisation.adopter_rule, organisation.adopter = AdopterRule.NAMED, bert
    organisation.save()
    url = reverse("outsite-message", args=[message_a.pk])

    anna_status = _status_line(browser_for(anna.user).get(url).content.decode())
    assert "stel haar vast" not in anna_status
    assert "Bert Tweede legt de vaststelling vast" in anna_status
    bert_status = _status_line(browser_for(bert.user).get(url).content.decode())
    assert "bekijk de jaarrekening en stel haar vast" in bert_status

    message_a.refresh_from_db()
    mails = {
        r.name: notifications.render_mail(notifications.AWAITING_REVIEW, message_a, r)[1]
        for r in notifications.client_recipients(message_a)
    }
    assert "de jaarrekening vaststellen" in mails["Bert Tweede"]
    for name in ("Anna Eerste", "Carla Derde"):
        assert "vaststellen" not in mails[name], name
        assert "Bert Tweede legt de vaststelling van de jaarrekening vast" in mails[name]
        assert "goedkeuren of afkeuren" in mails[name]
