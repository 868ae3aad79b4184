"""Security headers of the portal's answers (OWASP ASVS 4.0.3 level 2)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from django.test import Client as BrowserClient
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db

APPS = ["kvk", "crm", "workflow", "connectors", "deadlines", "portal", "clientside", "demo"]


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


# --- Content-Security-Policy (V14.4.3; V5.3.3 defence in depth against XSS) -------------------


def directives(response) -> dict[str, list[str]]:
    header = response.get("Content-Security-Policy", "")
    parsed = {}
    for part in filter(None, (p.strip() for p in header.split(";"))):
        name, *sources = part.split()
        parsed[name] = sources
    return parsed


def test_every_page_has_a_policy_that_allows_no_inline_script_and_no_framing(
    browser_a, staff_browser, message_a
):
    pages = [
        BrowserClient().get(reverse("login")),
        browser_a.get(reverse("outsite-message", args=[message_a.pk])),
        staff_browser.get(reverse("insite-message", args=[message_a.pk])),
        BrowserClient().get(reverse("api-docs")),
    ]
    for page in pages:
        assert page.status_code == 200
        policy = directives(page)
        assert policy["default-src"] == ["'self'"]
        assert policy["script-src"] == ["'self'"]  # no 'unsafe-inline', no 'unsafe-eval'
        assert policy["frame-ancestors"] == ["'none'"]
        assert policy["object-src"] == ["'none'"]
        assert policy["base-uri"] == ["'self'"]
        assert policy["form-action"] == ["'self'"]


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|\son[a-z]+\s*=|javascript:", re.I)


def test_no_template_has_an_inline_script_an_event_handler_or_a_javascript_link():
    """The policy refuses them: each would silently stop working in the browser."""
    offenders = [
        f"{path.relative_to(settings.BASE_DIR)}: {match.group(0)}"
        for folder in ["templates", *(f"{app}/templates" for app in APPS)]
        for path in (Path(settings.BASE_DIR) / folder).rglob("*.html")
        for match in INLINE_SCRIPT.finditer(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_the_api_docs_load_their_start_up_script_from_the_site():
    page = BrowserClient().get(reverse("api-docs")).content.decode()
    assert INLINE_SCRIPT.search(page) is None
    sources = re.findall(r'<script src="([^"]+)"', page)
    start_up = [src for src in sources if "script" in src.partition("?")[2]]
    assert len(start_up) == 1
    script = BrowserClient().get(start_up[0].replace("&amp;", "&"))
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert b"SwaggerUIBundle" in script.content


def test_the_api_docs_name_the_language_of_their_texts():
    """Swagger UI and the schema speak English; WCAG 3.1.1 wants the page to say so."""
    page = BrowserClient().get(reverse("api-docs")).content.decode()
    assert re.search(r'<html lang="en">', page)
