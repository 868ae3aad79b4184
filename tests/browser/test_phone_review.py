"""A client reviewing on a phone (390 x 844, the size of a common phone), as a client's
director walked it on 2026-12-07: after a refused action the error is in view, the pages
reflow at 200 % zoom, the keyboard focus is visible, and the tick box is big enough to hit.

The criteria are WCAG 2.2's: 1.4.10 Reflow (content reflows without scrolling in two
directions), 1.4.11 Non-text contrast (a focus indicator at least 3:1 against what is next
to it), 2.4.7 Focus visible and 2.4.11 Focus not obscured, 2.5.8 Target size (minimum 24 by
24 CSS px), and 3.3.1 Error identification (the error is identified and described)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse

from kvk.status import Status
from tests.browser.conftest import WIDEST, login
from tests.factories import PASSWORD
from tests.portal.conftest import make_message

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}

#: Whether an element lies (at least partly) inside the visible part of the page.
IN_VIEW = """(e) => { const r = e.getBoundingClientRect();
  return r.bottom > 0 && r.top < window.innerHeight; }"""


def _focused_id(page) -> str:
    return page.evaluate("() => document.activeElement && document.activeElement.id")


def test_after_a_refused_action_the_error_is_in_view_with_a_link_to_its_field(
    live_server, new_page, client_a
):
    """A wrong adoption date, an empty comment: the page comes back with a summary of the
    errors at the top, focused, each linking to its field (WCAG 3.3.1). "Nee, reden
    aanpassen" brings the client to the reason field, not to the top of a long page."""
    message = make_message(client_a)
    page = new_page()
    page.set_viewport_size(PHONE)
    login(page, live_server.url, client_a.user.username, PASSWORD)
    detail = live_server.url + reverse("outsite-message", args=[message.pk])

    page.goto(detail)
    page.check("#id_adopted")
    page.fill("#id_adoption_date", (date.today() + timedelta(days=3)).isoformat())
    page.click("#adopt")
    summary = page.locator("#error-summary")
    assert summary.evaluate(IN_VIEW), "the error summary is not in view"
    assert _focused_id(page) == "error-summary"
    link = summary.locator("a[href='#id_adoption_date']")
    assert link.count() == 1
    link.click()
    assert page.locator("#id_adoption_date").evaluate(IN_VIEW)

    page.goto(detail)
    page.fill("#id_text", "   ")  # blank: past the browser's own check of an empty field
    page.click("#comments button[type=submit]")
    assert page.locator("#error-summary").evaluate(IN_VIEW)
    assert page.locator("#error-summary a[href='#id_text']").count() == 1

    page.goto(detail)
    page.fill("#id_reason", "De bedragen kloppen niet.")
    page.click("#reject")
    page.click("#confirm-back")
    assert _focused_id(page) == "id_reason"
    assert page.locator("#id_reason").evaluate(IN_VIEW)
    assert page.input_value("#id_reason") == "De bedragen kloppen niet."


#: The width of a 390 px phone at 200 % zoom, in CSS pixels.
ZOOMED = {"width": 195, "height": 422}

#: The widest word of each H1 against the H1's width: a word wider than its heading is
#: broken in the middle.
WORD_TOO_WIDE = """(h) => { const s = getComputedStyle(h);
  const probe = document.createElement('span'); probe.style.font = s.font;
  probe.style.whiteSpace = 'nowrap'; probe.style.position = 'absolute';
  document.body.appendChild(probe);
  const wide = h.innerText.split(/\\s+/).filter(w => { probe.textContent = w;
    return probe.getBoundingClientRect().width > h.clientWidth; });
  probe.remove(); return wide; }"""

OVERFLOW = "(w) => w.document.documentElement.scrollWidth - w.innerWidth"


def test_at_200_percent_zoom_on_a_phone_nothing_scrolls_sideways(live_server, new_page, client_a):
    """390 px at 200 % zoom is 195 CSS px: the list and a message reflow (WCAG 1.4.10), no
    word of the organisation's name is broken in the middle, and the accounts fit their
    frame."""
    client_a.organisation.name = "Fietsenmakerij De Snelle Spaak B.V."
    client_a.organisation.save(update_fields=["name"])
    message = make_message(client_a, Status.APPROVED)
    page = new_page()
    login(page, live_server.url, client_a.user.username, PASSWORD)
    page.set_viewport_size(ZOOMED)
    for path in (reverse("outsite-messages"), reverse("outsite-message", args=[message.pk])):
        page.goto(live_server.url + path)
        page.wait_for_timeout(200)
        too_wide = page.evaluate(f"() => ({OVERFLOW})(window)")
        assert too_wide <= 0, f"{path}: {too_wide}px too wide: {page.evaluate(WIDEST)}"
    # The organisation's name: no word of it broken in the middle. (A single word longer
    # than the width, "accorderingsberichten", is hyphenated where the browser knows Dutch
    # hyphenation: hyphens:auto.)
    assert page.locator("h1").evaluate(WORD_TOO_WIDE) == []
    frame = page.evaluate(
        f"() => ({OVERFLOW})(document.querySelector('iframe.accounts').contentWindow)"
    )
    assert frame <= 0, f"the accounts are {frame}px wider than their frame"
