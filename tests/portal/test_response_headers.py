"""Security headers of the portal's answers (OWASP ASVS 4.0.3 level 2)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.test import Client as BrowserClient
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db


# --- Cache-Control: nothing a logged-in user sees is kept (V8.2.1) ----------------------------


def private(response) -> bool:
    directives = {d.strip() for d in response.get("Cache-Control", "").split(",")}
    return {"no-store", "private"} <= directives


def test_pages_and_downloads_of_a_logged_in_client_are_not_stored(browser_a, message_a):
    for name in ["outsite-messages", "outsite-message", "outsite-pdf", "outsite-xbrl"]:
        args = [] if name == "outsite-messages" else [message_a.pk]
        response = browser_a.get(reverse(name, args=args))
        assert response.status_code == 200, name
        assert private(response), (name, response.get("Cache-Control"))


def test_pages_and_downloads_of_staff_are_not_stored(staff_browser, message_a):
    for name in ["insite-message", "insite-pdf", "insite-xbrl"]:
        response = staff_browser.get(reverse(name, args=[message_a.pk]))
        assert response.status_code == 200, name
        assert private(response), (name, response.get("Cache-Control"))


def test_the_clients_own_environment_is_not_stored():
    user = factories.UserFactory()
    user.user_permissions.add(Permission.objects.get(codename="view_administration"))
    browser = BrowserClient()
    browser.force_login(user)
    response = browser.get(reverse("clientside:home"))
    assert response.status_code == 200
    assert private(response)


def test_anonymous_pages_and_static_files_stay_cacheable(browser_a):
    # (The login page is Django's never_cache view, whoever asks.)
    for name in ["password_reset", "password_reset_done", "api-docs"]:
        page = BrowserClient().get(reverse(name))
        assert page.status_code == 200 and "no-store" not in page.get("Cache-Control", ""), name
    # Static files, also for a logged-in user: WhiteNoise answers them before the session.
    style = browser_a.get("/static/deponeer.css")
    assert style.status_code == 200
    assert "no-store" not in style.get("Cache-Control", "")
