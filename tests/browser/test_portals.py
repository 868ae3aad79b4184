"""The portals in a real browser: logins, the client's approval and rejection, isolation
between organisations, and screenshots of the main pages."""

from __future__ import annotations

import base64
from datetime import date

import pytest
from django.core import mail
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from kvk.status import Status
from tests.browser.conftest import login, open_as
from tests.factories import PASSWORD
from tests.portal.conftest import make_message
from tests.portal.test_auth import enrolment_link
from workflow.models import ApprovalMessage

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _code(secret_base32: str) -> str:
    key = base64.b32decode(secret_base32.replace(" ", ""))
    return f"{totp(key):06d}"


def test_staff_login_with_two_factor_setup(
    live_server, new_page, screenshot, staff, client_a, client_b, settings
):
    settings.OTP_REQUIRED_FOR_STAFF = True
    make_message(client_a)
    make_message(client_b, Status.REJECTED)
    page = new_page()
    login(page, live_server.url, staff.username, PASSWORD)
    # First login: a link to link an authenticator app goes to the staff member's e-mail.
    assert "/login/verificatie/instellen/" in page.url
    assert page.locator("#otp-link-sent").count() == 1 and page.locator(".qr svg").count() == 0
    page.goto(live_server.url + enrolment_link(mail.outbox))
    # The link opens the set-up page: QR code and the key to type in.
    assert "/login/verificatie/instellen/" in page.url
    assert page.locator(".qr svg").count() == 1
    screenshot(page, "01-staff-otp-setup")
    page.fill("#id_token", _code(page.inner_text("#otp-secret")))
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server.url}/insite/")
    assert TOTPDevice.objects.get(user=staff).confirmed
    assert page.locator("h1").inner_text() == "Overzicht"
    assert "Bedragen kloppen niet" not in page.content()  # reasons live on the detail page
    screenshot(page, "02-insite-dashboard")
    page.click("nav >> text=Accorderingsberichten")
    page.wait_for_url("**/insite/berichten/")
    assert page.locator("table.messages tbody tr").count() == 2
    page.select_option("#id_status", "40")
    page.click(".filters button[type=submit]")
    # A locator's wait, not wait_for_function: once it has to poll, it compiles its
    # predicate in the page, which the Content-Security-Policy refuses (no eval).
    expect(page.locator("table.messages tbody tr")).to_have_count(1)
    screenshot(page, "03-insite-messages-filtered")


def test_client_login_sees_own_messages(live_server, new_page, screenshot, client_a, client_b):
    mine = make_message(client_a)
    make_message(client_b)
    page = new_page()
    login(page, live_server.url, client_a.user.username, PASSWORD)
    page.wait_for_url("**/outsite/berichten/")
    assert page.locator("h1").inner_text() == "Mijn accorderingsberichten"
    links = page.locator(".message-cards a")
    assert links.count() == 1
    assert links.first.get_attribute("href") == f"/outsite/berichten/{mine.pk}/"
    screenshot(page, "04-outsite-messages")


def _approve(page, base_url: str, message) -> None:
    page.goto(f"{base_url}/outsite/berichten/{message.pk}/")
    assert page.locator("#what-h").inner_text() == "Wat keurt u goed?"
    accounts = page.frame_locator("iframe.accounts")
    assert "CONCEPT" in accounts.locator("body").inner_text()  # the watermark
    page.check("#id_adopted")
    page.fill("#id_adoption_date", date.today().isoformat())
    page.click("#adopt")
    page.wait_for_selector("#approve")
    # Adoption writes its status and date into the document: the fingerprint shown is the
    # adopted document's, the one approved and filed.
    message.refresh_from_db()
    assert message.document_sha256 in page.inner_text("#fingerprint")


def test_client_approves(live_server, new_page, screenshot, client_a):
    message = make_message(client_a)
    page = new_page()
    login(page, live_server.url, client_a.user.username, PASSWORD)
    _approve(page, live_server.url, message)
    screenshot(page, "05-outsite-detail-adopted")
    page.click("#approve")
    # The confirmation says what happens before anything does.
    assert "openbaar" in page.inner_text("#confirm-approve")
    screenshot(page, "05b-outsite-confirm-approve")
    page.click("#confirm-approve-button")
    page.wait_for_selector('#status[data-status="50"]')
    message.refresh_from_db()
    assert message.status == Status.APPROVED
    assert message.approved_sha256 == message.document_sha256
    # While the message travels to the KvK the status partial keeps polling (htmx).
    assert page.locator("#message-status[hx-trigger]").count() == 1
    screenshot(page, "06-outsite-approved")


def test_client_rejects_with_reason_and_staff_see_it(
    live_server, new_page, screenshot, client_a, staff
):
    message = make_message(client_a)
    client_page = new_page()
    open_as(
        client_page, live_server.url, client_a.user.username, f"/outsite/berichten/{message.pk}/"
    )
    client_page.fill("#id_reason", "De huurlasten ontbreken in de toelichting.")
    client_page.click("#reject")
    assert "De huurlasten ontbreken" in client_page.inner_text("#confirm-reason")
    client_page.click("#confirm-reject-button")
    client_page.wait_for_selector('#status[data-status="40"]')
    message.refresh_from_db()
    assert message.status == Status.REJECTED
    staff_page = new_page()
    open_as(staff_page, live_server.url, staff.username, "/insite/")
    assert "Afgekeurd door cliënt" in staff_page.inner_text("#attention-h + p + ul")
    staff_page.goto(f"{live_server.url}/insite/berichten/{message.pk}/")
    assert "De huurlasten ontbreken in de toelichting." in staff_page.inner_text(".alert.warn")
    screenshot(staff_page, "07-insite-detail-rejected")


def test_client_of_b_gets_404_on_a_message_of_a(live_server, new_page, client_a, client_b):
    message = make_message(client_a)
    page = new_page()
    login(page, live_server.url, client_b.user.username, PASSWORD)
    for suffix in ["", "pdf/", "xbrl/", "status/"]:
        response = page.goto(f"{live_server.url}/outsite/berichten/{message.pk}/{suffix}")
        assert response.status == 404, suffix
    assert ApprovalMessage.objects.get(pk=message.pk).status == Status.IN_REVIEW


def test_english_interface(live_server, new_page, screenshot, client_a):
    message = make_message(client_a)
    page = new_page()
    login(page, live_server.url, client_a.user.username, PASSWORD)
    page.select_option("#lang", "en")
    page.click("form.lang button")
    page.wait_for_load_state()
    page.goto(f"{live_server.url}/outsite/berichten/{message.pk}/")
    assert page.locator("#what-h").inner_text() == "What are you approving?"
    assert page.locator("html").get_attribute("lang") == "en"
    screenshot(page, "08-outsite-detail-english")


def test_keyboard_only_login(live_server, new_page, client_a):
    page = new_page()
    page.goto(f"{live_server.url}/login/")
    # The skip link is the first focusable element; the username field has the focus.
    first = page.evaluate("document.querySelector('a[href], button, input, select').className")
    assert first == "skip-link"
    assert page.evaluate("document.activeElement.id") == "id_username"
    page.keyboard.type(client_a.user.username)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url("**/outsite/berichten/")
    # Every form field on the page has a label.
    unlabeled = page.evaluate(
        """() => [...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
              .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label'))
              .map(el => el.name)"""
    )
    assert unlabeled == []
