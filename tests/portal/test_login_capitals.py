"""A login is found without regard to capitals (crm.logins).

A client's login is its e-mail address, and an e-mail address is one address in any
capitals (the domain by RFC 5321 section 2.4 and RFC 1035; the local part in practice of
every mailbox provider, and Django's own password reset finds users by ``email__iexact``).
"Jan@Example.nl" typed on a phone must log in to "jan@example.nl". Everything else about the
login stays: inactive users are refused, staff pass the second factor, failed attempts lock
out (all spellings of one login together), and two old logins that differ only in capitals
never hand one person's login to the other.
"""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import SESSION_KEY, get_user_model
from django.core import mail
from django.test import Client as BrowserClient
from django.urls import reverse

from crm.models import Contact
from tests import factories
from tests.factories import PASSWORD
from tests.portal.test_shared_login import _add_piet

pytestmark = pytest.mark.django_db

REFUSED = "het wachtwoord is hoofdlettergevoelig, de gebruikersnaam niet"


def _log_in(browser: BrowserClient, username: str, password: str = PASSWORD):
    return browser.post(reverse("login"), {"username": username, "password": password})


def _logged_in_as(browser: BrowserClient):
    """The user the browser's session belongs to, or None."""
    user_id = browser.session.get(SESSION_KEY)
    return None if user_id is None else get_user_model().objects.get(pk=user_id)


@pytest.fixture
def jan(client_a):
    """Client A's contact Jan, whose login is his e-mail address as InSite makes it."""
    user = client_a.user
    user.username = user.email = "jan@example.nl"
    user.save()
    return user


@pytest.mark.parametrize("typed", ["Jan@Example.nl", "JAN@EXAMPLE.NL", "jan@example.nl"])
def test_a_client_logs_in_with_his_address_in_any_capitals(jan, typed):
    browser = BrowserClient()
    response = _log_in(browser, typed)
    assert response.status_code == 302, "the login was refused"
    assert _logged_in_as(browser) == jan
    assert browser.get(reverse("outsite-messages")).status_code == 200


def test_a_login_stored_with_capitals_takes_the_address_in_lowercase(client_a):
    """An old login made as "Jan@Example.nl" (before logins were stored in lowercase)."""
    user = client_a.user
    user.username = "Jan@Example.nl"
    user.save()
    browser = BrowserClient()
    assert _log_in(browser, "jan@example.nl").status_code == 302
    assert _logged_in_as(browser) == user


def test_the_wrong_password_is_refused_in_any_capitals(jan):
    browser = BrowserClient()
    response = _log_in(browser, "Jan@Example.nl", "niet-het-wachtwoord")
    assert response.status_code == 200 and REFUSED in response.content.decode()
    assert _logged_in_as(browser) is None


def test_an_inactive_login_is_refused_in_any_capitals(jan):
    jan.is_active = False
    jan.save()
    browser = BrowserClient()
    response = _log_in(browser, "Jan@Example.nl")
    assert response.status_code == 200 and REFUSED in response.content.decode()
    assert _logged_in_as(browser) is None


def test_two_logins_differing_only_in_capitals_never_guess(client_a, client_b):
    """Old data may hold "jan@example.nl" and "Jan@example.nl", two people. Each logs in
    with his login written exactly; another spelling logs in to neither, whichever password
    it carries, and one's password never opens the other's login."""
    lower, upper = client_a.user, client_b.user
    lower.username, upper.username = "jan@example.nl", "Jan@example.nl"
    lower.set_password("wachtwoord-van-de-een")
    upper.set_password("wachtwoord-van-de-ander")
    lower.save()
    upper.save()

    for user, password in ((lower, "wachtwoord-van-de-een"), (upper, "wachtwoord-van-de-ander")):
        browser = BrowserClient()
        assert _log_in(browser, user.username, password).status_code == 302
        assert _logged_in_as(browser) == user
    for typed, password in (
        ("JAN@EXAMPLE.NL", "wachtwoord-van-de-een"),
        ("JAN@EXAMPLE.NL", "wachtwoord-van-de-ander"),
        ("jan@example.nl", "wachtwoord-van-de-ander"),
        ("Jan@example.nl", "wachtwoord-van-de-een"),
    ):
        browser = BrowserClient()
        response = _log_in(browser, typed, password)
        assert response.status_code == 200 and REFUSED in response.content.decode(), typed
        assert _logged_in_as(browser) is None


def test_failed_attempts_in_other_capitals_count_for_one_login(jan, settings):
    """The lockout (django-axes) counts "JAN@..." and "jan@..." as the one login they open:
    otherwise every spelling of an address would get the full number of attempts."""
    browser = BrowserClient()
    spellings = ["jan@example.nl", "Jan@example.nl", "JAN@example.nl", "jAn@Example.nl"]
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        _log_in(browser, spellings[attempt % len(spellings)], "fout")
    response = _log_in(browser, "jan@example.nl")
    assert response.status_code == 429 and "geblokkeerd" in response.content.decode()
    assert _logged_in_as(browser) is None
    assert AccessAttempt.objects.get(username="jan@example.nl").failures_since_start >= (
        settings.AXES_FAILURE_LIMIT
    )


def test_staff_in_other_capitals_still_pass_the_second_factor(environment, settings):
    settings.OTP_REQUIRED_FOR_STAFF = True
    member = factories.StaffFactory(
        environment=environment, user=factories.UserFactory(username="Els.Bakker")
    )
    browser = BrowserClient()
    response = _log_in(browser, "els.bakker")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("otp-setup"))
    assert _logged_in_as(browser) == member.user
    blocked = browser.get(reverse("insite-dashboard"))
    assert blocked.status_code == 302 and blocked["Location"].startswith(reverse("otp-setup"))


def test_insite_stores_a_new_login_in_lowercase(
    admin_browser, client_a, django_capture_on_commit_callbacks
):
    """A new contact "Piet@Example.NL" gets the login "piet@example.nl" (one form, so no
    new login differing only in capitals can arise); he logs in with what he was sent."""
    _add_piet(admin_browser, client_a, "Piet@Example.NL", django_capture_on_commit_callbacks)
    contact = Contact.objects.get(organisation=client_a.organisation, name="Piet")
    assert contact.user.username == "piet@example.nl"
    assert [m.to for m in mail.outbox] == [["Piet@Example.NL"]]  # his address as given
    contact.user.set_password(PASSWORD)
    contact.user.save()
    for typed in ("Piet@Example.NL", "piet@example.nl"):
        browser = BrowserClient()
        assert _log_in(browser, typed).status_code == 302
        assert _logged_in_as(browser) == contact.user


def test_insite_refuses_an_address_two_old_logins_share(admin_browser, client_a, client_b):
    """Two old logins "jan@..." and "Jan@..." and a new contact "JAN@...": which person is
    meant cannot be told, so InSite refuses the address instead of linking one of them."""
    client_a.user.username, client_b.user.username = "jan@example.nl", "Jan@example.nl"
    client_a.user.save()
    client_b.user.save()
    third = factories.OrganisationFactory(environment=client_a.organisation.environment)
    url = reverse("insite-contact-create", args=[third.pk])
    response = admin_browser.post(
        url, {"name": "Jan", "email": "JAN@example.nl", "language": "nl", "portal_access": "on"}
    )
    assert response.status_code == 400
    assert "Dit e-mailadres is al de login" in response.context["contact_form"].errors["email"][0]
    assert not third.contacts.exists()
