"""InSite's message list in a real browser, with and without JavaScript: the organisation is
typed (name or KvK number), one chosen by a link is unticked, and "Wis filters" follows
the filters when htmx swaps the rows in."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from kvk.status import Status
from tests.browser.conftest import open_as
from tests.portal.conftest import make_message

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROWS = "table.messages tbody tr"
CLEAR = "#results a:text('Wis filters')"


def _rows_are(page, count: int) -> None:
    # A locator's wait, not wait_for_function: the Content-Security-Policy refuses eval.
    expect(page.locator(ROWS)).to_have_count(count)


def test_with_htmx(live_server, new_page, screenshot, staff, client_a, client_b):
    make_message(client_a)
    make_message(client_b, Status.REJECTED)
    page = new_page()
    path = f"/insite/berichten/?organisation={client_a.organisation.pk}"
    open_as(page, live_server.url, staff.username, path)
    assert page.locator(ROWS).count() == 1 and page.locator(CLEAR).count() == 1
    screenshot(page, "03b-insite-messages-one-organisation")
    page.uncheck("#id_organisation")
    _rows_are(page, 2)
    assert page.locator(CLEAR).count() == 0
    page.locator("#id_organisation_q").press_sequentially(client_b.kvk_number)
    _rows_are(page, 1)
    assert client_b.organisation.name in page.inner_text("#results")
    assert page.locator(CLEAR).count() == 1
    assert f"organisation_q={client_b.kvk_number}" in page.url
    assert "organisation=" not in page.url.replace("organisation_q=", "")


def test_without_javascript(live_server, chromium, staff, client_a, client_b):
    make_message(client_a)
    make_message(client_b, Status.REJECTED)
    context = chromium.new_context(java_script_enabled=False, locale="nl-NL")
    try:
        page = context.new_page()
        path = f"/insite/berichten/?organisation={client_a.organisation.pk}"
        open_as(page, live_server.url, staff.username, path)
        assert page.locator(ROWS).count() == 1
        page.uncheck("#id_organisation")
        page.click(".filters button[type=submit]")
        page.wait_for_load_state()
        assert page.locator(ROWS).count() == 2 and page.locator(CLEAR).count() == 0
        page.fill("#id_organisation_q", client_b.organisation.name)
        page.click(".filters button[type=submit]")
        page.wait_for_load_state()
        assert page.locator(ROWS).count() == 1 and page.locator(CLEAR).count() == 1
        assert client_b.organisation.name in page.inner_text("#results")
    finally:
        context.close()
