"""The interface language a client continues in after logging in (portal.views.auth.
client_language): the person's own choice with the language switch stays; otherwise the
language of his contact records when they agree; a person whom two organisations know in
different languages (one login since crm 0002: a DGA with a holding and an operating
company) keeps the language he was reading, never whichever contact came first."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client as BrowserClient
from django.urls import reverse

from tests import factories
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

OUTSITE_EN = "My approval messages"
OUTSITE_NL = "Mijn accorderingsberichten"


def _log_in(browser: BrowserClient, user, **headers):
    response = browser.post(
        reverse("login"), {"username": user.get_username(), "password": PASSWORD}, **headers
    )
    assert response.status_code == 302, "the login was refused"
    return response


def _outsite(browser: BrowserClient) -> str:
    """The page the client lands on, in the language the login left him in."""
    return browser.get(reverse("outsite-messages")).content.decode()


def _known_in(client_a, client_b, first: str, second: str):
    """Jan, the contact of A in ``first`` and of B in ``second``, with one login; A's
    contact is made first (the lower pk)."""
    user = client_a.user
    contact = user.client_contacts.get()
    contact.language = first
    contact.save()
    factories.ContactFactory(organisation=client_b.organisation, user=user, language=second)
    return user


@pytest.mark.parametrize("language", ["nl", "en"])
def test_contacts_that_agree_decide(client_a, client_b, language):
    user = _known_in(client_a, client_b, language, language)
    browser = BrowserClient()
    response = _log_in(browser, user, HTTP_ACCEPT_LANGUAGE="nl" if language == "en" else "en")
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == language
    assert (OUTSITE_EN if language == "en" else OUTSITE_NL) in _outsite(browser)


@pytest.mark.parametrize(("first", "second"), [("en", "nl"), ("nl", "en")])
@pytest.mark.parametrize("reading", ["nl", "en"])
def test_contacts_that_differ_keep_the_language_he_reads(
    client_a, client_b, first, second, reading
):
    """Which contact was made first does not matter: the login page's language (the
    browser's) stays, as both organisations know him in it."""
    user = _known_in(client_a, client_b, first, second)
    browser = BrowserClient()
    response = _log_in(browser, user, HTTP_ACCEPT_LANGUAGE=reading)
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == reading
    assert (OUTSITE_EN if reading == "en" else OUTSITE_NL) in _outsite(browser)


def test_contacts_that_differ_and_a_browser_of_neither_language_read_dutch(client_a, client_b):
    user = _known_in(client_a, client_b, "en", "nl")
    browser = BrowserClient()
    response = _log_in(browser, user, HTTP_ACCEPT_LANGUAGE="de")
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "nl"
    assert OUTSITE_NL in _outsite(browser)


def test_his_own_choice_on_the_login_page_stays(client_a, client_b):
    """Jan's records say Dutch; he chooses English with the switch on the login page."""
    user = _known_in(client_a, client_b, "nl", "nl")
    browser = BrowserClient()
    switch = browser.post(reverse("set_language"), {"language": "en", "next": reverse("login")})
    assert switch.status_code == 302
    response = _log_in(browser, user)
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies  # not overridden
    assert OUTSITE_EN in _outsite(browser)


def test_only_contacts_with_portal_access_count(client_a, client_b):
    """A contact whose access was revoked is no way he uses the portal."""
    user = _known_in(client_a, client_b, "nl", "en")
    user.client_contacts.filter(organisation=client_a.organisation).update(portal_access=False)
    browser = BrowserClient()
    response = _log_in(browser, user, HTTP_ACCEPT_LANGUAGE="nl")
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"


def test_staff_keep_the_language_they_read(staff):
    browser = BrowserClient()
    response = _log_in(browser, staff, HTTP_ACCEPT_LANGUAGE="en")
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies


def test_the_language_a_previous_login_set_is_no_choice_of_the_next_person(client_a, client_b):
    """One browser, two people (a shared computer at the client's office): Jan, known in
    English, logs in and out; then Piet, known in Dutch, logs in. The cookie Jan's login
    set is not Piet's choice (nor Jan's): Piet reads Dutch, as his contact record says."""
    jan = _known_in(client_a, client_b, "en", "en")
    piet = client_b.user
    piet.client_contacts.update(language="nl")
    browser = BrowserClient()
    _log_in(browser, jan)
    assert OUTSITE_EN in _outsite(browser)
    browser.post(reverse("logout"))

    response = _log_in(browser, piet, HTTP_ACCEPT_LANGUAGE="en")
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "nl"
    assert OUTSITE_NL in _outsite(browser)


def test_a_choice_made_after_a_login_still_stays(client_a, client_b):
    """Jan's records say English; logged in, he switches to Dutch: his next login in this
    browser keeps Dutch."""
    jan = _known_in(client_a, client_b, "en", "en")
    browser = BrowserClient()
    _log_in(browser, jan)
    browser.post(reverse("set_language"), {"language": "nl", "next": reverse("outsite-messages")})
    browser.post(reverse("logout"))

    response = _log_in(browser, jan)
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies
    assert OUTSITE_NL in _outsite(browser)
