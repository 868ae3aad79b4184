"""Issue 19: a session that still owes its second factor reaches no page, partial or
download: the whole URL map is walked (GET and POST) as a staff member and as the admin
superuser who logged in with their password only; each answer leads to the verification
step. /klant/ included, where a communication profile could otherwise send the client's
token to an address of the caller's choice."""

from __future__ import annotations

import uuid

import pytest
from django.contrib.auth import get_user_model
from django.test import Client as BrowserClient
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from portal.middleware import OPEN_PATHS
from tests import factories

SAMPLE = {"int": "1", "uuid": str(uuid.uuid4()), "slug": "x", "str": "x", "path": "x"}


def every_path() -> list[str]:
    """One concrete path per URL pattern, with sample values for its parameters."""
    paths: list[str] = []

    def walk(resolver: URLResolver, prefix: str) -> None:
        for entry in resolver.url_patterns:
            pattern = entry.pattern
            route = getattr(pattern, "_route", None)
            if route is None:  # a regular expression (the admin's catch-all): skip
                continue
            for name, converter in pattern.converters.items():
                kind = type(converter).__name__.replace("Converter", "").lower()
                for token in (f"<{kind}:{name}>", f"<{name}>"):
                    route = route.replace(token, SAMPLE.get(kind, "1"))
            if isinstance(entry, URLResolver):
                walk(entry, prefix + route)
            elif isinstance(entry, URLPattern):
                paths.append("/" + (prefix + route).lstrip("/"))

    walk(get_resolver(), "")
    return sorted(set(paths))


PATHS = [path for path in every_path() if not path.startswith(OPEN_PATHS)]


@pytest.fixture
def owes_second_factor(settings, db):
    settings.OTP_REQUIRED_FOR_STAFF = True

    def login(kind: str) -> BrowserClient:
        if kind == "staff":
            user = factories.StaffFactory().user
        else:
            user = get_user_model().objects.create_superuser("beheer", "b@example.nl", "geheim")
        browser = BrowserClient()
        browser.force_login(user)  # the password step passed, the second factor not yet
        return browser

    return login


def test_the_walk_covers_the_client_environment_and_insite():
    assert any(path.startswith("/klant/") for path in PATHS)
    assert any(path.startswith("/insite/") for path in PATHS)
    assert any(path.startswith("/admin/") for path in PATHS)
    assert len(PATHS) > 50


@pytest.mark.parametrize("kind", ["staff", "superuser"])
def test_every_page_leads_to_the_second_factor(owes_second_factor, kind):
    browser = owes_second_factor(kind)
    verification = (reverse("otp-verify"), reverse("otp-setup"))
    leaked = []
    for path in PATHS:
        for method in ("get", "post"):
            response = getattr(browser, method)(path)
            target = response.get("Location", "") or response.get("HX-Redirect", "")
            if response.status_code not in (302, 204) or not target.startswith(verification):
                leaked.append(f"{method.upper()} {path} -> {response.status_code} {target}")
    assert leaked == []


def test_a_partial_asks_htmx_to_load_the_verification_page(owes_second_factor):
    browser = owes_second_factor("staff")
    response = browser.get("/insite/berichten/", HTTP_HX_REQUEST="true")
    assert response.status_code == 204
    assert response["HX-Redirect"].startswith(reverse("otp-setup"))


def test_a_verified_session_passes(owes_second_factor, settings):
    settings.OTP_REQUIRED_FOR_STAFF = False
    browser = owes_second_factor("staff")
    assert browser.get("/insite/berichten/").status_code == 200
