"""The pages whose scripts and styles the Content-Security-Policy could break, working in a
real browser under it. The ``new_page`` fixture fails a test on any refusal Chromium
reports (settings.CONTENT_SECURITY_POLICY, portal.middleware)."""

from __future__ import annotations

import pytest

from tests import factories
from tests.browser.conftest import login, open_as
from tests.factories import PASSWORD
from tests.portal.conftest import make_message

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_message_page_sizes_the_accounts_frame_and_runs_htmx(live_server, new_page, client_a):
    message = make_message(client_a)
    page = new_page()
    open_as(page, live_server.url, client_a.user.username, f"/outsite/berichten/{message.pk}/")
    response = page.request.get(page.url)
    assert "script-src 'self'" in response.headers["content-security-policy"]
    # static/accounts-frame.js measured the frame; its <style> block styled the accounts.
    # Polled from here, not with wait_for_function: that compiles its predicate in the
    # page once it has to poll, which this very policy refuses (no eval).
    frame = page.locator("iframe.accounts")
    for _ in range(100):
        if frame.evaluate("node => node.offsetHeight") > 400:
            break
        page.wait_for_timeout(100)
    assert frame.evaluate("node => node.offsetHeight") > 400
    watermark = page.frame_locator("iframe.accounts").locator(".kvk-watermark")
    assert watermark.evaluate("node => getComputedStyle(node).fontWeight") == "700"
    assert page.evaluate("typeof window.htmx") == "object"


def test_the_api_docs_show_the_operations(live_server, new_page):
    page = new_page()
    page.goto(f"{live_server.url}/api/docs/")
    page.wait_for_selector(".swagger-ui .opblock")
    assert page.locator(".swagger-ui .opblock").count() >= 3


def test_the_django_admin_runs_its_scripts(live_server, new_page):
    admin = factories.UserFactory(is_staff=True, is_superuser=True)
    page = new_page()
    login(page, live_server.url, admin.username, PASSWORD)
    page.goto(f"{live_server.url}/admin/auth/user/{admin.pk}/change/")
    # The group and permission pickers are built by the admin's SelectFilter2.js.
    page.wait_for_selector(".selector-available")
    page.goto(f"{live_server.url}/admin/auth/user/")
    page.check("#action-toggle")  # actions.js ticks every row
    assert page.locator("tr.selected").count() >= 1
