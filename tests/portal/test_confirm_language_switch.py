"""The language switch on "Weet u het zeker?" keeps the reader on that question.

The confirmation of approving, filing as not adopted and rejecting is the answer to a POST
(templates/portal/outsite_confirm.html); a GET of its address gives the message page. The
switch (base.html) posts to Django's set_language, which redirects to its ``next`` with a
GET: that ``next`` is the same confirmation by GET (outsite-confirm), in the other language.
A typed reason stays out of the address and is typed again there.
"""

from __future__ import annotations

import html
import re
from datetime import date

import pytest
from django.urls import reverse

from kvk.status import Status
from tests.conftest import message_at_30
from tests.portal.conftest import make_message
from tests.portal.test_late_approval import adopted
from workflow import services
from workflow.models import Actor

pytestmark = pytest.mark.django_db

#: A year whose adoption deadline has passed whatever today is (not adopted may be filed).
PAST = date.today().year - 2


def switch_to_english(browser, page: str):
    """ "Taal: English" on ``page``: set_language with the page's own ``next``."""
    found = re.search(r'name="next" value="([^"]*)"', page)
    assert found is not None
    switch = {"language": "en", "next": html.unescape(found.group(1))}
    return browser.post(reverse("set_language"), switch, follow=True)


def _asked(browser, message, action: str, **data) -> str:
    return browser.post(reverse("outsite-action", args=[message.pk, action]), data).content.decode()


def _confirmed(browser, message, action: str, **data) -> int:
    """ "Ja" on the question: the action is done; the message's status after it."""
    data = {"confirmed": "1", **data}
    response = browser.post(reverse("outsite-action", args=[message.pk, action]), data)
    assert response.status_code == 302
    message.refresh_from_db()
    return message.status


def test_switching_language_on_the_approval_question_keeps_the_question(browser_a, client_a):
    message = adopted(client_a)
    asked = _asked(browser_a, message, "approve", document_sha256=message.document_sha256)
    assert 'id="confirm-approve-button"' in asked

    switched = switch_to_english(browser_a, asked)

    page = switched.content.decode()
    assert switched.status_code == 200
    assert '<html lang="en">' in page
    assert 'id="confirm-approve-button"' in page
    assert f'name="document_sha256" value="{message.document_sha256}"' in page
    message.refresh_from_db()
    assert message.status == Status.IN_REVIEW  # asking again approves nothing
    sha = message.document_sha256
    assert _confirmed(browser_a, message, "approve", document_sha256=sha) == Status.APPROVED


def test_switching_language_on_the_rejection_question_keeps_the_question(browser_a, client_a):
    message = make_message(client_a)
    asked = _asked(browser_a, message, "reject", reason="De omzet klopt niet")
    assert 'id="confirm-reject-button"' in asked

    switched = switch_to_english(browser_a, asked)

    page = switched.content.decode()
    assert '<html lang="en">' in page
    assert 'id="confirm-reject-button"' in page
    assert "De omzet klopt niet" not in switched.redirect_chain[-1][0]  # never in an address
    assert '<textarea name="reason"' in page  # typed again
    message.refresh_from_db()
    assert message.status == Status.IN_REVIEW
    reason = "The turnover is wrong"
    assert _confirmed(browser_a, message, "reject", reason=reason) == Status.REJECTED


def test_switching_language_on_the_not_adopted_question_keeps_the_question(browser_a, client_a):
    message = message_at_30(client_a, year=PAST)
    asked = _asked(browser_a, message, "not_adopted", understood="on")
    assert 'id="confirm-not-adopted-button"' in asked

    page = switch_to_english(browser_a, asked).content.decode()

    assert '<html lang="en">' in page
    assert 'id="confirm-not-adopted-button"' in page
    message.refresh_from_db()
    assert message.status == Status.IN_REVIEW


def test_the_question_by_get_only_while_the_message_waits(browser_a, browser_b, client_a):
    """Another fingerprint, or a message decided meanwhile: the message page; another
    organisation's message: not found."""
    message = adopted(client_a)
    address = reverse("outsite-confirm", args=[message.pk, "approve"])
    detail = reverse("outsite-message", args=[message.pk])

    other = browser_a.get(address, {"document_sha256": "0" * 64})
    assert (other.status_code, other.url) == (302, detail)
    assert browser_b.get(address, {"document_sha256": message.document_sha256}).status_code == 404
    adopt = browser_a.get(reverse("outsite-confirm", args=[message.pk, "adopt"]))
    assert (adopt.status_code, adopt.url) == (302, detail)
    assert browser_a.get(reverse("outsite-confirm", args=[message.pk, "x"])).status_code == 404
    services.approve(
        message_id=message.pk,
        actor=Actor.for_user(client_a.user),
        document_sha256=message.document_sha256,
    )
    decided = browser_a.get(address, {"document_sha256": message.document_sha256})
    assert (decided.status_code, decided.url) == (302, detail)


# --- InSite: the questions a GET of their own address asks again ---------------------------


def test_switching_language_on_the_repair_question_keeps_the_question(staff_browser, client_a):
    """ "Berichtstatus herstellen" asks for the reason on its question page: a GET of the
    action's address (the switch's ``next``) asks again and repairs nothing."""
    message = make_message(client_a, Status.REJECTED)
    asked = staff_browser.post(reverse("insite-action", args=[message.pk, "repair"]))
    assert 'name="confirmed" value="1"' in asked.content.decode()

    switched = switch_to_english(staff_browser, asked.content.decode())

    page = switched.content.decode()
    assert switched.redirect_chain == [(reverse("insite-action", args=[message.pk, "repair"]), 302)]
    assert '<html lang="en">' in page and 'name="confirmed" value="1"' in page
    message.refresh_from_db()
    assert message.status == Status.REJECTED


def test_a_get_of_another_staff_action_still_does_nothing(staff_browser, client_a):
    """Only the repair's question is asked by GET: the accountant review's address still
    gives the message page, and no review is done."""
    message = make_message(client_a)
    message.awaiting_accountant_review = True
    message.save(update_fields=["awaiting_accountant_review"])

    response = staff_browser.get(reverse("insite-action", args=[message.pk, "review"]))

    assert (response.status_code, response.url) == (
        302,
        reverse("insite-message", args=[message.pk]),
    )
    message.refresh_from_db()
    assert message.awaiting_accountant_review is True


def _withdrawal(client_a) -> str:
    contact = client_a.user.client_contacts.get()
    return reverse("insite-contact-access", args=[contact.organisation_id, contact.pk])


def test_switching_language_on_the_withdrawal_question_keeps_the_question(
    admin_browser, client_a, settings
):
    """ "Intrekken" of a contact's portal access asks "Weet u het zeker?" in answer to a
    POST: a GET of its address (the switch's ``next``) asks again and withdraws nothing."""
    settings.OTP_REQUIRED_FOR_STAFF = False  # the second factor has tests of its own
    make_message(client_a)
    address = _withdrawal(client_a)
    asked = admin_browser.post(address, {"grant": "0"})
    assert 'id="confirm-withdraw"' in asked.content.decode()

    switched = switch_to_english(admin_browser, asked.content.decode())

    page = switched.content.decode()
    assert switched.redirect_chain == [(address, 302)]
    assert '<html lang="en">' in page and 'id="confirm-withdraw"' in page
    contact = client_a.user.client_contacts.get()
    assert contact.portal_access  # asking again withdraws nothing
    assert admin_browser.post(address, {"grant": "0", "confirmed": "1"}).status_code == 302
    contact.refresh_from_db()
    assert not contact.portal_access


def test_a_get_of_the_withdrawal_changes_nothing_and_says_nothing(
    admin_browser, client_a, settings
):
    """Nothing is granted or withdrawn by a GET, whatever its query says; once the access
    is withdrawn, a GET (a reload, the history) goes to the organisation page without the
    "al geen toegang" note a POST gets."""
    settings.OTP_REQUIRED_FOR_STAFF = False
    address = _withdrawal(client_a)
    contact = client_a.user.client_contacts.get()
    organisation_page = reverse("insite-organisation", args=[contact.organisation_id])

    assert admin_browser.get(address, {"grant": "0", "confirmed": "1"}).status_code == 200
    contact.refresh_from_db()
    assert contact.portal_access
    admin_browser.post(address, {"grant": "0", "confirmed": "1"})
    assert admin_browser.get(address, {"grant": "1"}).status_code == 302
    contact.refresh_from_db()
    assert not contact.portal_access

    reloaded = admin_browser.get(address, follow=True)
    assert reloaded.redirect_chain == [(organisation_page + "#contacts", 302)]
    assert "al geen toegang" not in reloaded.content.decode()
    posted = admin_browser.post(address, {"grant": "0"}, follow=True)
    assert "al geen toegang" in posted.content.decode()
