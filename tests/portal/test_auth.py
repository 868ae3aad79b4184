"""Login: lockout after repeated failures (django-axes), TOTP for staff (django-otp),
language of the client, the admin behind the same login."""

from __future__ import annotations

import re
import time

import pytest
from axes.models import AccessAttempt
from django.core import mail, signing
from django.test import Client as BrowserClient
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests import factories
from tests.factories import PASSWORD


def _login(browser, username, password=PASSWORD, **extra):
    return browser.post(reverse("login"), {"username": username, "password": password}, **extra)


def test_client_logs_in_and_lands_on_outsite(client_a):
    browser = BrowserClient()
    response = _login(browser, client_a.user.username)
    assert response.status_code == 302
    assert browser.get(response["Location"], follow=True).request["PATH_INFO"] == reverse(
        "outsite-messages"
    )


def test_client_gets_the_language_of_its_contact(client_a):
    contact = client_a.user.client_contacts.get()
    contact.language = "en"
    contact.save()
    response = _login(BrowserClient(), client_a.user.username)
    assert response.cookies["django_language"].value == "en"


def test_lockout_after_repeated_failures(client_a, settings):
    browser = BrowserClient()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = _login(browser, client_a.user.username, "fout")
        assert response.status_code in (200, 429)
    # Now even the right password is refused, with the lockout page.
    response = _login(browser, client_a.user.username)
    assert response.status_code == 429
    assert "geblokkeerd" in response.content.decode()
    assert "_auth_user_id" not in browser.session
    assert AccessAttempt.objects.get(username=client_a.user.username).failures_since_start >= (
        settings.AXES_FAILURE_LIMIT
    )


@pytest.fixture
def otp_required(settings):
    settings.OTP_REQUIRED_FOR_STAFF = True


def _code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def link_path(text: str) -> str:
    """The path of the enrolment link in ``text``."""
    match = re.search(r"https?://[^/\s]+(/login/verificatie/koppelen/\S+/)", text)
    assert match, text
    return match.group(1)


def enrolment_link(outbox) -> str:
    """The path of the enrolment link in the last mail."""
    return link_path(outbox[-1].body)


def test_staff_without_device_must_set_one_up(staff, otp_required, mailoutbox):
    browser = BrowserClient()
    response = _login(browser, staff.username)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("otp-setup"))
    # Staff pages are closed until the second factor is verified.
    blocked = browser.get(reverse("insite-messages"))
    assert blocked.status_code == 302 and blocked["Location"].startswith(reverse("otp-setup"))
    # The set-up page needs the link mailed to the staff member first.
    browser.get(reverse("otp-setup"))
    browser.get(enrolment_link(mailoutbox))
    page = browser.get(reverse("otp-setup"))
    assert page.status_code == 200 and "<svg" in page.content.decode()
    device = TOTPDevice.objects.get(user=staff, confirmed=False)
    wrong = browser.post(reverse("otp-setup"), {"token": "000000"})
    assert wrong.status_code == 200
    device.refresh_from_db()
    assert not device.confirmed
    device.throttle_reset()  # a wrong code slows the next attempt down; skip the wait
    response = browser.post(
        reverse("otp-setup") + "?next=" + reverse("insite-messages"), {"token": _code(device)}
    )
    assert response.status_code == 302 and response["Location"] == reverse("insite-messages")
    device.refresh_from_db()
    assert device.confirmed
    assert browser.get(reverse("insite-messages")).status_code == 200


# --- linking the app needs the one-time link mailed to the staff member (ASVS V2.5.x/V2.8) ---


def test_a_password_alone_does_not_show_the_key_of_a_new_device(staff, otp_required, mailoutbox):
    """Whoever knows a staff member's password must not be able to link an app of their own
    to an account without one: the key comes only after the link mailed to the staff member."""
    browser = BrowserClient()
    _login(browser, staff.username)
    page = browser.get(reverse("otp-setup"))
    html = page.content.decode()
    assert page.status_code == 200
    assert "<svg" not in html and 'id="otp-secret"' not in html
    assert "Wij hebben een link naar uw e-mailadres gestuurd" in html
    assert not TOTPDevice.objects.filter(user=staff).exists()
    # Posting a code without the link links nothing either.
    assert browser.post(reverse("otp-setup"), {"token": "123456"}).status_code == 200
    assert not TOTPDevice.objects.filter(user=staff).exists()
    # The mail went to the staff member, once however often the page is asked for.
    browser.get(reverse("otp-setup"))
    assert [m.to for m in mailoutbox] == [[staff.email]]
    assert mailoutbox[0].subject == "Tweestapsverificatie instellen voor uw login bij Deponeer"
    assert "vervalt na 30 minuten" in mailoutbox[0].body


def test_the_link_works_once(staff, otp_required, mailoutbox):
    browser = BrowserClient()
    _login(browser, staff.username)
    browser.get(reverse("otp-setup"))
    link = enrolment_link(mailoutbox)
    assert browser.get(link)["Location"] == reverse("otp-setup")
    assert 'id="otp-secret"' in browser.get(reverse("otp-setup")).content.decode()
    # Again, in this session or in another one logged in with the password: refused.
    assert browser.get(link).status_code == 400
    other = BrowserClient()
    _login(other, staff.username)
    refused = other.get(link)
    assert refused.status_code == 400
    assert "Deze link werkt niet meer" in refused.content.decode()
    assert 'id="otp-secret"' not in other.get(reverse("otp-setup")).content.decode()


def test_the_link_works_only_for_its_own_login(staff, otp_required, mailoutbox, environment):
    browser = BrowserClient()
    _login(browser, staff.username)
    browser.get(reverse("otp-setup"))
    link = enrolment_link(mailoutbox)
    intruder = factories.StaffFactory(environment=environment).user
    theirs = BrowserClient()
    _login(theirs, intruder.username)
    assert theirs.get(link).status_code == 400
    # Without a login the link leads to the login, and from there back to the link.
    anonymous = BrowserClient()
    to_login = anonymous.get(link)
    assert to_login.status_code == 302 and to_login["Location"].startswith(reverse("login"))
    response = anonymous.post(
        to_login["Location"], {"username": staff.username, "password": PASSWORD}
    )
    assert response["Location"] == link
    assert anonymous.get(link)["Location"] == reverse("otp-setup")
    assert 'id="otp-secret"' in anonymous.get(reverse("otp-setup")).content.decode()


def test_the_link_expires(staff, otp_required, mailoutbox, settings, monkeypatch):
    browser = BrowserClient()
    _login(browser, staff.username)
    browser.get(reverse("otp-setup"))
    link = enrolment_link(mailoutbox)
    later = time.time() + settings.OTP_ENROLMENT_LINK_MINUTES * 60 + 5
    monkeypatch.setattr(signing.time, "time", lambda: later)
    assert browser.get(link).status_code == 400


def test_a_staff_member_without_e_mail_address_is_told_to_ask_the_administrator(
    staff, otp_required, mailoutbox
):
    staff.email = ""
    staff.save()
    browser = BrowserClient()
    _login(browser, staff.username)
    html = browser.get(reverse("otp-setup")).content.decode()
    assert "Bij uw login staat geen e-mailadres" in html
    assert mailoutbox == []


def test_staff_with_device_must_enter_a_code(staff, otp_required):
    device = TOTPDevice.objects.create(user=staff, name="app", confirmed=True)
    browser = BrowserClient()
    response = _login(browser, staff.username)
    assert response["Location"].startswith(reverse("otp-verify"))
    assert browser.get(reverse("insite-dashboard")).status_code == 302
    assert browser.post(reverse("otp-verify"), {"token": "123456"}).status_code == 200
    assert browser.get(reverse("insite-dashboard")).status_code == 302
    device.refresh_from_db()
    device.throttle_reset()
    code = f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"
    response = browser.post(reverse("otp-verify"), {"token": code})
    assert response.status_code == 302
    assert browser.get(reverse("insite-dashboard")).status_code == 200


def test_otp_not_required_lets_staff_in_after_password(staff, settings):
    settings.OTP_REQUIRED_FOR_STAFF = False
    browser = BrowserClient()
    response = _login(browser, staff.username)
    assert response.status_code == 302 and not response["Location"].startswith("/login/")
    assert browser.get(reverse("insite-dashboard")).status_code == 200


def test_clients_never_see_the_otp_pages(browser_a):
    assert browser_a.get(reverse("otp-setup")).status_code == 404
    assert browser_a.get(reverse("otp-verify")).status_code == 404


def test_admin_login_goes_through_the_portal_login(db):
    response = BrowserClient().get(reverse("admin:index"))
    assert response.status_code == 302
    follow = BrowserClient().get(response["Location"])
    assert follow.status_code == 302
    assert follow["Location"].startswith(reverse("login"))


def test_admin_requires_the_second_factor(admin_user, settings):
    settings.OTP_REQUIRED_FOR_STAFF = True
    browser = BrowserClient()
    browser.force_login(admin_user)
    assert browser.get(reverse("admin:index")).status_code == 302
    settings.OTP_REQUIRED_FOR_STAFF = False
    assert browser.get(reverse("admin:index")).status_code == 200


def test_language_switch(client_a, browser_a, message_a):
    response = browser_a.post(
        reverse("set_language"), {"language": "en", "next": reverse("outsite-messages")}
    )
    assert response.status_code == 302
    page = browser_a.get(reverse("outsite-messages")).content.decode()
    assert 'lang="en"' in page
    assert "My approval messages" in page


def test_otp_reset_command(staff, settings):
    from io import StringIO

    from django.core.management import call_command

    TOTPDevice.objects.create(user=staff, name="app", confirmed=True)
    out = StringIO()
    call_command("otp_reset", staff.username, stdout=out)
    assert not TOTPDevice.objects.filter(user=staff).exists()
    assert staff.username in out.getvalue()
    # The printed link opens the set-up page after a password login.
    settings.OTP_REQUIRED_FOR_STAFF = True
    browser = BrowserClient()
    _login(browser, staff.username)
    assert browser.get(link_path(out.getvalue()))["Location"] == reverse("otp-setup")
    assert 'id="otp-secret"' in browser.get(reverse("otp-setup")).content.decode()


def test_admin_superuser_is_led_to_the_second_factor(admin_user, settings):
    settings.OTP_REQUIRED_FOR_STAFF = True
    browser = BrowserClient()
    response = _login(browser, admin_user.username, "password")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("otp-setup"))
    assert browser.get(reverse("otp-setup")).status_code == 200


def _lock_out(browser, username: str, settings) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(browser, username, "fout")


def test_the_lockout_page_says_how_long_in_minutes(client_a, settings):
    settings.AXES_COOLOFF_TIME = 1.0  # hours, the default
    browser = BrowserClient()
    _lock_out(browser, client_a.user.username, settings)
    page = _login(browser, client_a.user.username).content.decode()
    assert "U kunt het over 60 minuten opnieuw proberen." in page
    assert "PT1H" not in page and "PT" not in re.sub(r"<[^>]+>", "", page)


def test_a_new_password_through_the_mailed_link_lifts_the_lockout(client_a, settings):
    """The lockout page offers "kies een nieuw wachtwoord" as the way out: it must work."""
    user = client_a.user
    user.email = "klant@example.nl"
    user.save()
    browser = BrowserClient()
    _lock_out(browser, user.username.upper(), settings)  # all spellings count for one login
    assert _login(browser, user.username).status_code == 429

    BrowserClient().post(reverse("password_reset"), {"email": "klant@example.nl"})
    path = re.search(r"https?://[^/\s]+(/wachtwoord/instellen/\S+/)", mail.outbox[0].body)
    reset = BrowserClient()
    form_url = reset.get(path.group(1), follow=True).redirect_chain[-1][0]
    new = "Nieuw-wachtwoord-42"
    assert reset.post(form_url, {"new_password1": new, "new_password2": new}).status_code == 302

    response = _login(browser, user.username, new)
    assert response.status_code == 302 and reverse("login") not in response["Location"]
