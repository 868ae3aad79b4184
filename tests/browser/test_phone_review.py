"""A client reviewing on a phone (390 x 844, the size of a common phone), as a client's
director walked it on 2026-12-07: after a refused action the error is in view, the pages
reflow at 200 % zoom, the keyboard focus is visible, and the tick box is big enough to hit.

The criteria are WCAG 2.2's: 1.4.10 Reflow (content reflows without scrolling in two
directions), 1.4.11 Non-text contrast (a focus indicator at least 3:1 against what is next
to it), 2.4.7 Focus visible, 2.5.8 Target size (minimum 24 by 24 CSS px), and 3.3.1 Error
identification (the error is identified and described)."""

from __future__ import annotations

import contextlib
from datetime import date, timedelta

import pytest
from django.urls import reverse
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from kvk.status import Status
from tests.browser.conftest import WIDEST, login
from tests.factories import PASSWORD
from tests.portal.conftest import make_message

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}

#: Whether an element lies (at least partly) inside the visible part of the page.
IN_VIEW = """(e) => { const r = e.getBoundingClientRect();
  return r.bottom > 0 && r.top < window.innerHeight; }"""


def _focused_id(page, expected: str) -> str:
    """The id of the element with the focus, once it is ``expected`` or after 5 s: the
    browser applies ``autofocus`` after the new page has loaded, which a busy machine may
    not have done yet when the click returns."""
    with contextlib.suppress(PlaywrightTimeoutError):
        page.wait_for_function(
            "id => document.activeElement && document.activeElement.id === id",
            arg=expected,
            timeout=5000,
        )
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
    assert _focused_id(page, "error-summary") == "error-summary"
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
    assert _focused_id(page, "id_reason") == "id_reason"
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


def _contrast(a: tuple[int, ...], b: tuple[int, ...]) -> float:
    def luminance(rgb: tuple[int, ...]) -> float:
        def channel(c: int) -> float:
            s = c / 255
            return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4

        r, g, b = (channel(c) for c in rgb[:3])
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


RGB = """(e) => { const s = getComputedStyle(e); return {
  outline: s.outlineColor.match(/\\d+/g).map(Number), width: parseFloat(s.outlineWidth),
  style: s.outlineStyle }; }"""


def test_the_keyboard_focus_is_visible_and_the_tick_box_big_enough(live_server, new_page, client_a):
    """The focus ring has 3:1 against the white page and the blue top bar (WCAG 1.4.11,
    2.4.7); the accounts' frame shows it too; "Jaarrekening vastgesteld" is at least 24 by
    24 CSS px (WCAG 2.5.8)."""
    message = make_message(client_a)
    page = new_page()
    page.set_viewport_size(PHONE)
    login(page, live_server.url, client_a.user.username, PASSWORD)
    page.goto(live_server.url + reverse("outsite-message", args=[message.pk]))
    white, topbar = (255, 255, 255), (11, 79, 138)  # --brand, the top bar
    page.focus("#adopt")
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")  # a keyboard focus: :focus-visible
    ring = page.locator("#adopt").evaluate(RGB)
    assert ring["style"] != "none" and ring["width"] >= 2
    assert _contrast(tuple(ring["outline"]), white) >= 3, ring
    page.focus("#lang")
    bar_ring = page.locator("#lang").evaluate(RGB)
    assert bar_ring["style"] != "none" and bar_ring["width"] >= 2
    assert _contrast(tuple(bar_ring["outline"]), topbar) >= 3, bar_ring

    page.focus("#doc-h + .downloads a:last-child")
    page.keyboard.press("Tab")  # from the last download on, into the accounts' frame
    frame = page.locator("iframe.accounts").evaluate(RGB)
    assert frame["style"] != "none" and frame["width"] >= 2, frame
    assert _contrast(tuple(frame["outline"]), white) >= 3, frame


def test_the_tick_box_is_big_enough_to_hit(live_server, new_page, client_a):
    """ "Jaarrekening vastgesteld" is at least 24 by 24 CSS px (WCAG 2.5.8 Target size)."""
    message = make_message(client_a)
    page = new_page()
    page.set_viewport_size(PHONE)
    login(page, live_server.url, client_a.user.username, PASSWORD)
    page.goto(live_server.url + reverse("outsite-message", args=[message.pk]))
    box = page.locator("#id_adopted").bounding_box()
    assert box is not None and box["width"] >= 24 and box["height"] >= 24, box
