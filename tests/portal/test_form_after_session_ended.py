"""A client who presses "Ja, goedkeuren en deponeren" after the session ended, or on a page
whose security token no longer holds (logged in again in another window), is told that
nothing was done and what to do; the message is as it was. A page that polls its status
line when the session ended goes to the login as a whole, and back to itself after it."""

from __future__ import annotations

import re

import pytest
from django.test import Client as BrowserClient
from django.test import override_settings
from django.urls import reverse

from kvk.status import Status
from tests.factories import PASSWORD
from tests.portal.conftest import make_message


@pytest.fixture
def waiting(client_a):
    return make_message(client_a)


def _approve_form(message) -> dict[str, str]:
    return {"document_sha256": message.document_sha256, "confirmed": "1"}


def test_after_the_session_ended_the_login_page_says_the_approval_was_not_done(client_a, waiting):
    events = waiting.events.count()
    browser = BrowserClient()  # the session cookie no longer names a session
    action = reverse("outsite-action", args=[waiting.pk, "approve"])
    response = browser.post(action, _approve_form(waiting), follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("login"))
    page = response.content.decode()
    assert "U was niet meer ingelogd. Wat u verstuurde is niet opgeslagen" in page
    waiting.refresh_from_db()
    assert waiting.status == Status.IN_REVIEW and waiting.events.count() == events
    # Logged in again, the person lands on the message, still waiting, without the notice.
    login = browser.post(
        response.redirect_chain[-1][0],
        {"username": client_a.user.username, "password": PASSWORD},
        follow=True,
    )
    assert login.redirect_chain[-1][0] == reverse("outsite-message", args=[waiting.pk])
    assert "U was niet meer ingelogd" not in login.content.decode()


def test_a_page_opened_while_logged_out_gets_no_notice(db):
    response = BrowserClient().get(reverse("outsite-messages"), follow=True)
    assert "U was niet meer ingelogd" not in response.content.decode()


@override_settings(DEBUG=False)
def test_a_form_with_a_stale_token_gets_the_house_page_that_leads_back(client_a, waiting):
    browser = BrowserClient(enforce_csrf_checks=True)
    browser.force_login(client_a.user)
    detail = reverse("outsite-message", args=[waiting.pk])
    page = browser.get(detail).content.decode()
    assert re.search(r'name="csrfmiddlewaretoken" value="[^"]+"', page)
    # The token of a page shown before a new login in another window: no longer valid.
    stale = "x" * 64
    response = browser.post(
        reverse("outsite-action", args=[waiting.pk, "approve"]),
        {**_approve_form(waiting), "csrfmiddlewaretoken": stale},
        HTTP_REFERER=f"http://testserver{detail}",
    )
    assert response.status_code == 403
    html = response.content.decode()
    assert "<h1>Pagina verlopen</h1>" in html
    assert "Wat u verstuurde is niet verwerkt" in html
    assert f'href="http://testserver{detail}">Pagina opnieuw openen</a>' in html
    assert 'class="topbar"' in html and "Foutcode 403" in html
    assert "CSRF-verificatie" not in html and "Verboden" not in html
    waiting.refresh_from_db()
    assert waiting.status == Status.IN_REVIEW


@override_settings(DEBUG=False)
def test_a_stale_token_from_elsewhere_leads_home(client_a):
    browser = BrowserClient(enforce_csrf_checks=True)
    browser.force_login(client_a.user)
    browser.get(reverse("outsite-messages"))
    response = browser.post(
        reverse("logout"), {"csrfmiddlewaretoken": "x" * 64}, HTTP_REFERER="https://evil.example/"
    )
    assert response.status_code == 403
    assert 'href="/">Pagina opnieuw openen</a>' in response.content.decode()


@pytest.mark.parametrize("side", ["outsite", "insite"])
def test_the_polled_status_line_sends_the_whole_page_to_the_login_and_back(side, waiting):
    page = reverse(f"{side}-message", args=[waiting.pk])
    response = BrowserClient().get(
        reverse(f"{side}-status", args=[waiting.pk]),
        headers={"HX-Request": "true", "HX-Current-URL": f"http://testserver{page}"},
    )
    # Not the login page as the new status line: htmx loads the login as the whole page.
    assert response.status_code == 200 and "Location" not in response
    assert response["HX-Redirect"] == f"{reverse('login')}?next={page}"
    assert b"Inloggen" not in response.content


def test_a_poll_from_elsewhere_sends_the_page_to_the_login_and_home(waiting):
    response = BrowserClient().get(
        reverse("outsite-status", args=[waiting.pk]),
        headers={"HX-Request": "true", "HX-Current-URL": "https://evil.example/x"},
    )
    assert response["HX-Redirect"] == f"{reverse('login')}?next=/"
