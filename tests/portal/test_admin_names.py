"""The Django admin in Dutch (issue 20): every app and model it shows has a Dutch name,
ours from their AppConfig and Meta, the third-party ones (django-axes, django-otp) from
portal.apps; the admin index and every model's change list are walked as a superuser."""

from __future__ import annotations

import re

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.test import Client as BrowserClient
from django.urls import reverse
from django.utils.text import camel_case_to_spaces, capfirst
from django.utils.translation import override

#: English words of the headings the admin showed before (issue 20: "Access attempts",
#: "App connectors") and of the names Django makes up when an app or model has none.
ENGLISH = {
    "access", "attempt", "attempts", "log", "logs", "failure", "failures", "expiration",
    "expirations", "device", "devices", "connectors", "user", "users", "group", "groups",
    "message", "messages", "event", "events", "comment", "comments", "definition", "type",
    "types", "environment", "environments", "activation", "activations", "change", "changes",
    "member", "members", "staff", "contact", "contacts", "organisation", "organisations",
    "report", "reports", "profile", "profiles", "administration", "administrations",
    "outbound", "annual", "communication", "otp", "axes", "clientside", "portal",
    "authentication", "authorization", "select", "home",
}  # fmt: skip


def english_words(text: str) -> set[str]:
    return {word for word in re.split(r"[^a-zà-ÿ]+", text.lower()) if word in ENGLISH}


def registered() -> list[tuple[type, str]]:
    return [(model, model._meta.app_label) for model in admin.site._registry]


def headings(html: str) -> list[str]:
    """The texts of the page's title, headings, breadcrumbs, app captions and model rows."""
    parts = re.findall(
        r"<title>(.*?)</title>|<h1[^>]*>(.*?)</h1>|<h2[^>]*>(.*?)</h2>"
        r'|<div class="breadcrumbs">(.*?)</div>|<caption>(.*?)</caption>'
        r'|<th scope="row"[^>]*>(.*?)</th>',
        html,
        flags=re.S,
    )
    texts = [next(p for p in found if p) for found in parts if any(found)]
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", t)).strip() for t in texts]


def english_in(texts: list[str]) -> list[str]:
    return [f"{t!r}: {sorted(english_words(t))}" for t in texts if english_words(t)]


@pytest.fixture
def superuser_browser(db, settings):
    settings.OTP_REQUIRED_FOR_STAFF = False  # the walk is about names, not the second factor
    user = get_user_model().objects.create_superuser("beheer", "beheer@example.nl", "geheim")
    browser = BrowserClient()
    browser.force_login(user)
    return browser


def test_the_admin_shows_the_third_party_apps_too():
    labels = {label for _model, label in registered()}
    assert {"auth", "axes", "otp_totp", "crm", "workflow", "connectors", "clientside"} <= labels


@pytest.mark.parametrize(
    "model", [model for model, _label in registered()], ids=lambda model: model._meta.label
)
def test_every_model_and_its_app_have_a_dutch_name(model):
    opts = model._meta
    app = apps.get_app_config(opts.app_label)
    with override("nl"):
        names = [str(app.verbose_name), str(opts.verbose_name), str(opts.verbose_name_plural)]
    # Not the names Django makes up from the label and the class name (an app or a model
    # without a name of its own), and no English word.
    assert names[0] != opts.app_label.title()
    assert names[2] != camel_case_to_spaces(model.__name__) + "s"
    assert english_in(names) == []


def test_the_admin_index_lists_every_app_and_model_by_its_dutch_name(superuser_browser):
    html = superuser_browser.get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE="nl")
    assert html.status_code == 200
    page = html.content.decode()
    with override("nl"):
        for model, label in registered():
            assert str(apps.get_app_config(label).verbose_name) in page
            assert str(capfirst(model._meta.verbose_name_plural)) in page
        texts = headings(page)
    assert "Inlogbeveiliging" in texts and "Mislukte inlogpogingen" in texts
    assert english_in(texts) == []


def test_every_change_list_is_headed_in_dutch(superuser_browser):
    pages = []
    for model, label in registered():
        url = reverse(f"admin:{label}_{model._meta.model_name}_changelist")
        response = superuser_browser.get(url, HTTP_ACCEPT_LANGUAGE="nl")
        assert response.status_code == 200, url
        texts = headings(response.content.decode())
        with override("nl"):
            assert str(apps.get_app_config(label).verbose_name) in " ".join(texts), url
        pages += [f"{url}: {english}" for english in english_in(texts)]
    assert pages == []


def test_the_check_finds_an_english_heading(superuser_browser, monkeypatch):
    """The walk above can fail: an English plural (the old "access attempts") is caught."""
    from axes.models import AccessAttempt

    monkeypatch.setattr(AccessAttempt._meta, "verbose_name_plural", "access attempts")
    page = superuser_browser.get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE="nl")
    assert english_in(headings(page.content.decode())) == [
        "'Access attempts': ['access', 'attempts']"
    ]
