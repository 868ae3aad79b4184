"""At 375 px (a phone) no page of the client portal (OutSite) or of the client's bookkeeping
environment (/klant/) is wider than the screen: a wide table scrolls in its own box, long
words and codes wrap. Every page is photographed at 1280 and 375 px."""

from __future__ import annotations

import pytest
from django.urls import reverse

from clientside import services as client_services
from kvk.status import Status
from tests.browser.conftest import assert_plain, both_widths, login
from tests.clientside.conftest import make_environment
from tests.clientside.test_screens import ALL_PERMISSIONS, user_with
from tests.factories import PASSWORD
from tests.portal.conftest import make_message

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_outsite_pages_fit_a_phone(live_server, new_page, screenshot, client_a):
    waiting = make_message(client_a)
    rejected = make_message(client_a, Status.REJECTED)
    approved = make_message(client_a, Status.APPROVED)
    page = new_page()
    login(page, live_server.url, client_a.user.username, PASSWORD)
    pages = {
        "30-outsite-list": reverse("outsite-messages"),
        "31-outsite-in-review": reverse("outsite-message", args=[waiting.pk]),
        "32-outsite-rejected": reverse("outsite-message", args=[rejected.pk]),
        "33-outsite-approved": reverse("outsite-message", args=[approved.pk]),
    }
    for name, path in pages.items():
        page.goto(live_server.url + path)
        assert_plain(page, name)
        both_widths(page, screenshot, name)


def test_bookkeeping_pages_fit_a_phone(live_server, new_page, screenshot):
    env = make_environment(kvk_number="12345678", token="t", portal_url="https://portal.example")
    message = client_services.prepare(env.report)
    page = new_page()
    login(page, live_server.url, user_with(*ALL_PERMISSIONS).username, PASSWORD)
    administration = env.administration.pk
    pages = {
        "34-klant-administrations": reverse("clientside:home"),
        "35-klant-administration": reverse("clientside:administration", args=[administration]),
        "36-klant-administration-edit": reverse(
            "clientside:administration-edit", args=[administration]
        ),
        "37-klant-profile": reverse("clientside:profile", args=[administration]),
        "38-klant-report": reverse("clientside:report", args=[env.report.pk]),
        "39-klant-document": reverse("clientside:message-document", args=[message.pk]),
    }
    for name, path in pages.items():
        page.goto(live_server.url + path)
        both_widths(page, screenshot, name)


#: How far a document sticks out sideways past its window (0 or less: it fits).
OVERFLOW = "(w) => w.document.documentElement.scrollWidth - w.innerWidth"


def test_the_accounts_and_the_insite_list_fit_a_phone_without_scrolling_sideways(
    live_server, new_page, screenshot, client_a, staff
):
    """At 375 px the rendered accounts (in their frame on the OutSite page) show both years'
    amounts and the InSite message list shows each message's status without a sideways
    scroll: not of the page, and not inside the frame or the table either."""
    approved = make_message(client_a, Status.APPROVED)
    make_message(client_a, year=2024)  # NT19 is the oldest generation (kvk/taxonomy.py)
    page = new_page()
    page.set_viewport_size({"width": 375, "height": 800})
    login(page, live_server.url, client_a.user.username, PASSWORD)
    page.goto(live_server.url + reverse("outsite-message", args=[approved.pk]))
    assert page.evaluate(f"() => ({OVERFLOW})(window)") <= 0
    frame = page.frame_locator("iframe.accounts")
    # The balance sheet has this year's and last year's column (comparatives).
    assert frame.locator("table.kvk-amounts thead th.num").count() >= 2
    sticks_out = page.evaluate(
        f"() => ({OVERFLOW})(document.querySelector('iframe.accounts').contentWindow)"
    )
    assert sticks_out <= 0, f"the accounts are {sticks_out}px too wide for their frame"
    screenshot(page, "40-outsite-accounts-375")

    staff_page = new_page()
    staff_page.set_viewport_size({"width": 375, "height": 800})
    login(staff_page, live_server.url, staff.username, PASSWORD)
    staff_page.goto(live_server.url + reverse("insite-messages"))
    assert staff_page.evaluate(f"() => ({OVERFLOW})(window)") <= 0
    table = staff_page.locator("table.messages")
    assert table.evaluate("(t) => t.scrollWidth - t.clientWidth") <= 0
    badges = staff_page.locator("table.messages .badge")
    assert badges.count() == 2
    for n in range(2):
        box = badges.nth(n).bounding_box()
        assert box is not None and box["x"] + box["width"] <= 375, box
    screenshot(staff_page, "41-insite-messages-375")


@pytest.mark.parametrize("width", [1024, 1280])
def test_the_dashboards_counts_per_status_stay_inside_their_card(
    live_server, new_page, screenshot, staff, client_a, width
):
    """On a laptop or tablet (1024 px) the dashboard shows "Berichten per status" beside
    "Vraagt aandacht": the longest status badge (50, "Goedgekeurd door cliënt en klaargezet
    voor verzending naar KvK") wraps instead of pushing the count column out of the card,
    where the next card covered it."""
    make_message(client_a)
    page = new_page()
    page.set_viewport_size({"width": width, "height": 900})
    login(page, live_server.url, staff.username, PASSWORD)
    page.goto(live_server.url + reverse("insite-dashboard"))
    card = page.locator("section:has(#counts-h)")
    right = card.evaluate("(c) => c.getBoundingClientRect().right")
    counts = page.locator("section:has(#counts-h) td.num")
    assert counts.count() == 10  # statuses 10 to 90
    for n in range(counts.count()):
        box = counts.nth(n).bounding_box()
        assert box is not None and box["x"] + box["width"] <= right, (n, box, right)
    assert card.evaluate("(c) => c.scrollWidth - c.clientWidth") <= 0
    screenshot(page, f"42-insite-dashboard-{width}")
