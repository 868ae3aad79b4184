"""'Wachtwoord vergeten' for staff and clients.

An invited client who let the invitation's link expire (PASSWORD_RESET_TIMEOUT) before
choosing a password must be able to ask for a new link: Django's reset form reaches only
logins with a usable password, and InSite's invitation makes them without one
(crm.services.grant_portal_access). The mail is ours, in the reader's language, with the
link on the site's own address (PORTAL_BASE_URL) as every other mail of the portal.
"""

from __future__ import annotations

import logging
import re
import time

import pytest
from django.core import mail
from django.test import Client as BrowserClient
from django.urls import reverse

from config import ratelimit
from crm.models import Contact
from tests import factories

pytestmark = pytest.mark.django_db


def invite(admin_browser, client, email: str, django_capture_on_commit_callbacks) -> Contact:
    url = reverse("insite-contact-create", args=[client.organisation.pk])
    with django_capture_on_commit_callbacks(execute=True):
        admin_browser.post(
            url, {"name": "Eva", "email": email, "language": "nl", "portal_access": "on"}
        )
    mail.outbox.clear()
    return Contact.objects.get(email=email)


def ask_reset(email: str, language: str = "nl") -> None:
    browser = BrowserClient(headers={"accept-language": language})
    response = browser.post(reverse("password_reset"), {"email": email})
    assert response.status_code == 302


def link_in(body: str) -> str:
    match = re.search(r"(\S+/wachtwoord/instellen/\S+/)", body)
    assert match, body
    return match.group(1)


def open_link(path: str) -> tuple[BrowserClient, str]:
    """Open a reset link as its reader does; the browser and the form's own address (Django
    swaps the token in the link for one in the session)."""
    browser = BrowserClient()
    form_page = browser.get(path, follow=True)
    return browser, form_page.redirect_chain[-1][0]


def test_an_invited_client_without_a_password_gets_a_link_and_can_log_in(
    admin_browser, client_a, settings, django_capture_on_commit_callbacks
):
    settings.PORTAL_BASE_URL = "https://portaal.example.nl"
    contact = invite(admin_browser, client_a, "eva@example.nl", django_capture_on_commit_callbacks)
    assert not contact.user.has_usable_password()

    ask_reset("Eva@Example.nl")

    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == ["eva@example.nl"]
    assert sent.subject == "Een nieuw wachtwoord voor uw login bij Deponeer"
    assert "nieuw wachtwoord voor de login eva@example.nl" in sent.body
    assert "vervalt na 3 dagen" in sent.body  # Django's default PASSWORD_RESET_TIMEOUT
    assert "you are" not in sent.body and "testserver" not in sent.body
    link = link_in(sent.body)
    assert link.startswith("https://portaal.example.nl/wachtwoord/instellen/")

    browser, form_url = open_link(link.removeprefix("https://portaal.example.nl"))
    new = "Nieuw-wachtwoord-42"
    done = browser.post(form_url, {"new_password1": new, "new_password2": new})
    assert done.status_code == 302
    login = BrowserClient().post(reverse("login"), {"username": "eva@example.nl", "password": new})
    assert login.status_code == 302 and reverse("login") not in login["Location"]


def test_the_mail_is_in_the_readers_language(
    admin_browser, client_a, django_capture_on_commit_callbacks
):
    invite(admin_browser, client_a, "eva@example.nl", django_capture_on_commit_callbacks)
    ask_reset("eva@example.nl", language="en")
    sent = mail.outbox[0]
    assert sent.subject == "A new password for your Deponeer login"
    assert "The link works once and expires after 3 days." in sent.body


def test_no_link_for_a_login_without_access_or_without_password_for_another_reason(
    admin_browser, client_a, django_capture_on_commit_callbacks
):
    contact = invite(admin_browser, client_a, "eva@example.nl", django_capture_on_commit_callbacks)
    Contact.objects.filter(pk=contact.pk).update(portal_access=False)  # access revoked
    ask_reset("eva@example.nl")
    assert mail.outbox == []
    # The same answer page as for an address we know: nothing tells who has a login.
    page = BrowserClient().post(reverse("password_reset"), {"email": "niemand@example.nl"})
    assert page.status_code == 302 and mail.outbox == []


def test_a_login_with_a_password_still_gets_its_link(client_a):
    user = client_a.user
    user.email = "klant@example.nl"
    user.save()
    ask_reset("klant@example.nl")
    assert [m.to for m in mail.outbox] == [["klant@example.nl"]]


def test_a_password_needs_at_least_12_characters_said_in_dutch(client_a):
    """OWASP ASVS 4.0.3 V2.1.1: "user set passwords are at least 12 characters in length"."""
    user = client_a.user
    user.email = "klant@example.nl"
    user.save()
    ask_reset("klant@example.nl")
    browser, form_url = open_link(link_in(mail.outbox[0].body))

    short = "Kort-maar-1"  # 11 characters, neither common nor numeric
    refused = browser.post(form_url, {"new_password1": short, "new_password2": short})
    assert refused.status_code == 200
    page = refused.content.decode()
    assert "Dit wachtwoord is te kort. Het moet minstens 12 tekens bevatten." in page
    assert "Uw wachtwoord moet minstens 12 tekens lang zijn." in page  # the help text

    twelve = "Kort-maar-12"
    assert len(twelve) == 12
    done = browser.post(form_url, {"new_password1": twelve, "new_password2": twelve})
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password(twelve)


# --- a limit on the mails (OWASP ASVS 4.0.3 V2.2.1: anti-automation) ---------------------


def ask_from(email: str, address: str) -> None:
    """Ask for a link as a browser at client address ``address`` does."""
    response = BrowserClient(REMOTE_ADDR=address).post(reverse("password_reset"), {"email": email})
    # The same answer as always: nothing tells a limit was reached, or who has a login.
    assert response.status_code == 302 and response["Location"] == reverse("password_reset_done")


def logins_with_mail(count: int) -> list[str]:
    addresses = []
    for number in range(count):
        user = factories.UserFactory(email=f"klant{number}@example.nl")
        addresses.append(user.email)
    return addresses


def test_at_most_3_mails_an_hour_for_one_address_from_any_number_of_places(
    client_a, caplog, monkeypatch
):
    user = client_a.user
    user.email = "klant@example.nl"
    user.save()
    with caplog.at_level(logging.WARNING, logger="portal.views.auth"):
        for attempt in range(25):
            ask_from("Klant@Example.nl" if attempt % 2 else "klant@example.nl", f"10.0.0.{attempt}")
    assert len(mail.outbox) == 3
    assert "Password reset limited (address)" in caplog.text
    assert "klant@example.nl" not in caplog.text.lower()

    # An hour later the address may ask again.
    later = time.time() + 3600
    monkeypatch.setattr(ratelimit.time, "time", lambda: later)
    ask_from("klant@example.nl", "10.0.1.1")
    assert len(mail.outbox) == 4


def test_at_most_20_requests_an_hour_from_one_client_address(db, caplog):
    addresses = logins_with_mail(25)
    with caplog.at_level(logging.WARNING, logger="portal.views.auth"):
        for email in addresses:
            ask_from(email, "192.0.2.7")
    assert len(mail.outbox) == 20
    assert "Password reset limited (ip)" in caplog.text and "192.0.2.7" in caplog.text
    # Another client address is not held back.
    ask_from(addresses[-1], "192.0.2.8")
    assert len(mail.outbox) == 21


def test_a_new_password_lifts_the_lockout_the_lockout_page_points_to(client_a):
    """The lockout page says "Probeer het later opnieuw, of kies een nieuw wachtwoord" with
    a link to "Wachtwoord vergeten": whoever chose a new password through the mailed link
    (so owns the mailbox) logs in with it at once, in any spelling of the login, instead
    of meeting the lockout again until the cool-off ends. Other logins stay locked."""
    from axes.models import AccessAttempt

    user = client_a.user
    user.email = "klant@example.nl"
    user.save()
    other = factories.UserFactory(username="ander@example.nl")
    locked_browser = BrowserClient()
    for username in (user.username.upper(), other.username):
        for _attempt in range(5):
            locked_browser.post(reverse("login"), {"username": username, "password": "fout"})
    locked = locked_browser.post(reverse("login"), {"username": user.username, "password": "x"})
    assert locked.status_code == 429
    assert reverse("password_reset") in locked.content.decode()

    ask_reset("klant@example.nl")
    browser, form_url = open_link(link_in(mail.outbox[0].body))
    new = "Nieuw-wachtwoord-42"
    assert browser.post(form_url, {"new_password1": new, "new_password2": new}).status_code == 302

    login = locked_browser.post(reverse("login"), {"username": user.username, "password": new})
    assert login.status_code == 302 and reverse("login") not in login["Location"]
    assert AccessAttempt.objects.filter(username=other.username).exists()
    still = locked_browser.post(reverse("login"), {"username": other.username, "password": "x"})
    assert still.status_code == 429
