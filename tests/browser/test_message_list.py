"""InSite's message list in a real browser, with and without JavaScript: the organisation is
typed (name or KvK number), one chosen by a link is unticked, "Wis filters" follows
the filters when htmx swaps the rows in, and several rows are chosen for one action."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from kvk.status import Status
from tests.browser.conftest import open_as
from tests.portal.conftest import make_message
from tests.portal.test_bulk_actions import EARLIER, at_70
from tests.portal.test_transport_errors import submissions

__all__ = ["submissions"]  # the fixture, used by name

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


def test_several_sent_again_after_htmx_filtering(
    live_server, new_page, screenshot, staff, client_a, client_b, submissions
):
    """The rows htmx swapped in carry the selection form: "Alle berichten op deze pagina"
    ticks them (select-all.js), the confirmation lists them, and both go (portal/views/bulk.py)."""
    first, second = at_70(client_a), at_70(client_b)
    make_message(client_a, Status.REJECTED, year=EARLIER)
    submissions.clear()  # the approvals' own (on commit, this test commits)
    page = new_page()
    open_as(page, live_server.url, staff.username, "/insite/berichten/")
    _rows_are(page, 3)
    page.select_option("#id_status", "70")
    _rows_are(page, 2)
    page.check("#bulk-all")
    expect(page.locator("#results input[name=ids]:checked")).to_have_count(2)
    screenshot(page, "03c-insite-messages-chosen")
    page.click("#bulk-resend")
    page.wait_for_load_state()
    expect(page.locator("#bulk-able tbody tr")).to_have_count(2)
    screenshot(page, "03d-insite-messages-bulk-confirm")
    page.click("#confirm-bulk")
    page.wait_for_load_state()
    assert "2 berichten worden opnieuw verzonden." in page.inner_text("main")
    assert "status=70" in page.url  # back on the list as filtered
    assert sorted(submissions) == sorted([first.pk, second.pk])


def test_several_marked_handled_without_javascript(
    live_server, chromium, staff, client_a, client_b
):
    first = make_message(client_a, Status.REJECTED)
    second = make_message(client_b, Status.REJECTED)
    context = chromium.new_context(java_script_enabled=False, locale="nl-NL")
    try:
        page = context.new_page()
        open_as(page, live_server.url, staff.username, "/insite/berichten/?status=40")
        page.check("#bulk-all")  # no script ticks the rows: the server reads the box
        page.click("#bulk-attention")
        page.wait_for_load_state()
        expect(page.locator("#bulk-able tbody tr")).to_have_count(2)
        page.fill("#id_note", "Klant stuurt nieuwe versies.")
        page.click("#confirm-bulk")
        page.wait_for_load_state()
        assert "2 berichten zijn als afgehandeld gemarkeerd" in page.inner_text("main")
    finally:
        context.close()
    for message in (first, second):
        message.refresh_from_db()
        assert message.attention_acknowledged_at is not None
