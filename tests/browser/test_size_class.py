"""The size-class warning in a real browser: the accountant opens a message whose figures
exceed micro (art. 2:395a BW) on both balance sheet dates, sees the warning with the
figures, overrides it with a reason, and finds the override in the timeline."""

from __future__ import annotations

import pytest

from tests.browser.conftest import open_as, unlabelled_fields
from tests.portal.test_size_class import warned_message
from workflow.models import StatusEvent

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REASON = "Gemiddeld 4 werknemers; 2023 viel nog binnen micro (zie dossier)."


def test_staff_see_the_size_class_warning_and_override_it(
    live_server, new_page, screenshot, staff, client_a
):
    message = warned_message(client_a)
    page = new_page()
    open_as(page, live_server.url, staff.username, f"/insite/berichten/{message.pk}/")
    warning = page.locator("#size-class")
    assert warning.get_attribute("data-outcome") == "not-supported"
    text = warning.inner_text()
    assert "De cijfers passen niet bij de opgegeven grootteklasse micro" in text
    assert "€ 1.200.450" in text and "€ 450.000" in text and "overschreden" in text
    assert "gemiddeld aantal werknemers onbekend" in text
    assert unlabelled_fields(page) == []
    warning.scroll_into_view_if_needed()
    screenshot(page, "14-insite-size-class-warning")

    page.fill("#id_reason", REASON)
    page.click("#override-size-class")
    page.wait_for_selector("#size-class-override")
    assert REASON in page.inner_text("#size-class-override")
    assert "Waarschuwing grootteklasse terzijde gelegd" in page.inner_text(".timeline")
    assert page.locator("#override-size-class").count() == 0
    event = StatusEvent.objects.get(message=message, action="size_class_overridden")
    assert event.actor_user_id == staff.pk
    assert event.reasons == [{"code": "size_class_override", "message": REASON}]
    screenshot(page, "15-insite-size-class-overridden")
