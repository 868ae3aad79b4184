"""The house error pages (issue 20): with DEBUG off, a client who opens a staff URL, a user
without the right to /klant/ and a page that fails see a page in the portal's style that
says what to do next, never Django's technical page or a bare "403 Forbidden"."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.http import HttpRequest
from django.test import Client as BrowserClient
from django.test import override_settings
from django.urls import path

from tests import factories
from tests.portal.conftest import browser_for


def boom(request: HttpRequest):
    raise RuntimeError("a bug")


# The 500 test's URL map (pytest.mark.urls): one view that fails.
urlpatterns = [path("boom/", boom)]

TECHNICAL = ("Using the URLconf", "Page not found at", "Traceback", "Forbidden</h1>")


def assert_house_page(response, status: int, heading: str) -> str:
    assert response.status_code == status
    html = response.content.decode()
    assert f"<h1>{heading}</h1>" in html
    assert 'class="topbar"' in html and "deponeer.css" in html  # the portal's layout
    assert f"Foutcode {status}" in html
    for text in TECHNICAL:
        assert text not in html
    return html


@override_settings(DEBUG=False)
def test_a_client_opening_a_staff_url_sees_the_house_404(client_a):
    browser = BrowserClient(raise_request_exception=False)
    browser.force_login(client_a.user)
    html = assert_house_page(browser.get("/insite/berichten/"), 404, "Pagina niet gevonden")
    assert "Naar uw startpagina" in html and 'href="/"' in html


@override_settings(DEBUG=False)
def test_an_unknown_address_shows_the_house_404_also_to_anonymous_visitors(db):
    response = BrowserClient().get("/bestaat-niet/")
    assert_house_page(response, 404, "Pagina niet gevonden")
    assert "404.html" in [t.name for t in response.templates]


@override_settings(DEBUG=False)
@pytest.mark.parametrize("who", ["client", "staff"])
def test_klant_without_the_right_answers_the_house_403_with_what_to_do(client_a, staff, who):
    """/klant/ (clientside.views.permission) refuses a logged-in user without
    clientside.view_administration with PermissionDenied; that must be the house page."""
    browser = browser_for(client_a.user if who == "client" else staff)
    html = assert_house_page(browser.get("/klant/"), 403, "Geen toegang")
    assert 'id="bookkeeping-help"' in html
    assert "De boekhoudomgeving (/klant/) is voor de boekhouders van de klant." in html
    assert "Naar uw startpagina" in html


@override_settings(DEBUG=False)
def test_the_bookkeeper_reaches_klant(db):
    bookkeeper = factories.UserFactory()
    bookkeeper.user_permissions.add(
        Permission.objects.get(content_type__app_label="clientside", codename="view_administration")
    )
    assert browser_for(bookkeeper).get("/klant/").status_code == 200


@override_settings(DEBUG=False)
def test_a_403_with_a_reason_shows_the_reason(staff_browser):
    """A worker opening the set-up (administrators only) sees why, from PermissionDenied."""
    html = assert_house_page(staff_browser.get("/insite/inrichting/"), 403, "Geen toegang")
    assert "Alleen beheerders van de inrichting mogen dit." in html
    assert 'id="bookkeeping-help"' not in html  # that sentence is for /klant/ only


@override_settings(DEBUG=False)
@pytest.mark.urls("tests.portal.test_house_pages")
@pytest.mark.parametrize("language", ["nl", "en"])
def test_a_failing_page_shows_the_static_500_in_the_visitors_language(db, language):
    browser = BrowserClient(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE=language)
    response = browser.get("/boom/")
    assert response.status_code == 500
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    assert 'id="error-page"' in html and "deponeer.css" in html and "500" in html
    assert "a bug" not in html and "Traceback" not in html
    if language == "nl":
        assert "<h1>Er ging iets mis</h1>" in html and "Foutcode 500" in html


@override_settings(DEBUG=True)
def test_debug_on_still_shows_the_technical_page_for_developers(client_a):
    """The switch is DEBUG: the house page replaces the technical one only when it is off."""
    browser = BrowserClient(raise_request_exception=False)
    browser.force_login(client_a.user)
    assert "Using the URLconf" in browser.get("/bestaat-niet/").content.decode()
