"""InSite "Activiteit" in a browser: reached from the menu, every filter labelled, no
sideways scroll on a phone, and a row leads to its message."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.browser.conftest import both_widths, login, unlabelled_fields
from tests.factories import PASSWORD
from tests.portal.conftest import make_message
from workflow import services
from workflow.models import Actor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_activity_from_the_menu_to_the_message(live_server, new_page, screenshot, client_a, staff):
    message = make_message(client_a)
    services.reject(
        message_id=message.pk,
        actor=Actor.for_user(client_a.user),
        reason="De vergelijkende cijfers van vorig jaar ontbreken in de balans en de toelichting",
    )
    page = new_page()
    login(page, live_server.url, staff.username, PASSWORD)
    page.click("nav.mainnav >> text=Activiteit")
    page.wait_for_load_state()
    assert page.url.endswith(reverse("insite-activity"))
    assert page.locator("tr.activity-row").count() == 4
    assert unlabelled_fields(page) == []
    both_widths(page, screenshot, "43-insite-activity")
    page.locator("tr.activity-row a", has_text="Afgekeurd").click()
    page.wait_for_load_state()
    assert page.url.endswith(reverse("insite-message", args=[message.pk]))
