"""Browser tests: Playwright driving Debian's Chromium (headless) against pytest-django's
live server. They skip, with the reason, only when Chromium is not installed; CI installs
it (.ci/run). Screenshots of the main pages go to test-artifacts/screenshots/."""

from __future__ import annotations

import os
import shutil
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings

from tests.e2e.conftest import celery_worker_thread  # noqa: F401 - for TO_THE_KVK
from tests.factories import PASSWORD

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOTS = Path(settings.BASE_DIR) / "test-artifacts" / "screenshots"

#: The marks of a walk that reaches the KvK: the real worker (Celery, in a thread) submits
#: to the local Digipoort.
TO_THE_KVK = [
    pytest.mark.browser,
    pytest.mark.worker,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("celery_worker_thread", "digipoort_settings"),
]


def pytest_collection_modifyitems(items):
    missing = not Path(CHROMIUM).exists()
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)
            if missing:
                item.add_marker(
                    pytest.mark.skip(
                        reason=f"Chromium is not installed ({CHROMIUM}); "
                        "apt-get install -y chromium chromium-driver"
                    )
                )


@pytest.fixture(scope="module")
def chromium():
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the test's own ORM calls are
    # still synchronous, so Django's async-safety guard would refuse them. Only for the
    # browser tests (one browser per module), and restored afterwards.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        yield from _launch(sync_playwright)
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def _launch(sync_playwright):
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def new_page(chromium):
    """A fresh browser context (own cookies) per call; all closed after the test. Whatever
    the Content-Security-Policy refused on any page (a script, a style, a frame: Chromium
    says so in the console) fails the test: it would be a part of a page that silently
    stopped working."""
    contexts = []
    refused: list[str] = []

    def make(locale: str = "nl-NL"):
        context = chromium.new_context(locale=locale, viewport={"width": 1280, "height": 900})
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        page.on(
            "console",
            lambda message: (
                refused.append(f"{page.url}: {message.text}")
                if "Content Security Policy" in message.text
                else None
            ),
        )
        return page

    yield make
    for context in contexts:
        context.close()
    assert refused == []


@pytest.fixture
def screenshot():
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(page, name: str) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


def login(page, base_url: str, username: str, password: str) -> None:
    page.goto(f"{base_url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("main button[type=submit]")
    page.wait_for_load_state()


def open_as(page, base_url: str, username: str, path: str) -> None:
    """Log ``username`` in (with the factories' password) and open ``path``."""
    login(page, base_url, username, PASSWORD)
    page.goto(f"{base_url}{path}")


def adopt_and_approve(page) -> None:
    """On an OutSite message: adopt it as of today and press approve; the confirmation
    stays open for the caller."""
    page.check("#id_adopted")
    page.fill("#id_adoption_date", date.today().isoformat())
    page.click("#adopt")
    page.click("#approve")


def unlabelled_fields(page) -> list[str]:
    """Names of visible form fields without a label (for accessibility checks)."""
    return page.evaluate(
        """() => [...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
              .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label'))
              .map(el => el.name || el.id)"""
    )


#: What must never reach a person who is not staff: our reason codes, Digipoort's raw
#: codes and Python's exception text.
RAW = (
    "client_rejected",
    "digipoort_",
    "correction_not_allowed",
    "unreachable",
    "HTTPSConnectionPool",
    "Traceback",
    "Exception",
    "Error(",
)


#: The elements that stick out furthest to the right (for the failure message).
WIDEST = """() => { const w = document.documentElement.clientWidth;
  return [...document.querySelectorAll('body *')]
    .filter(e => e.getBoundingClientRect().right > w + 1
                 && e.parentElement.getBoundingClientRect().right <= w + 1)
    .slice(0, 5)
    .map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') +
              (e.className ? '.' + String(e.className).split(' ').join('.') : '') + ' ' +
              Math.round(e.getBoundingClientRect().right) + ' in ' +
              e.parentElement.tagName.toLowerCase() + '#' + e.parentElement.id); }"""


def both_widths(page, screenshot, name: str) -> None:
    """Photograph the page at desktop width and at 375 px; at 375 px nothing may stick out
    sideways (the page scrolls vertically only)."""
    screenshot(page, f"{name}-1280")
    page.set_viewport_size({"width": 375, "height": 800})
    try:
        page.wait_for_timeout(200)
        overflow = page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        screenshot(page, f"{name}-375")
        assert overflow <= 0, f"{name}: {overflow}px too wide: {page.evaluate(WIDEST)}"
    finally:
        page.set_viewport_size({"width": 1280, "height": 900})


def assert_plain(page, where: str) -> None:
    text = page.inner_text("body")
    for raw in RAW:
        assert raw not in text, f"{where} shows {raw!r}"
