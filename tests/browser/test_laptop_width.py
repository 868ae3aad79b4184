"""At 1024 px (a laptop, a tablet held sideways) the staff's wide pages do not scroll
sideways: "Termijnen" (nine columns, also with "Alle organisaties") and an organisation's
page (contacts, tokens, messages). A wide table scrolls inside its own box or its columns
wrap; the page itself stays within the window, as tests/browser/test_narrow_screens.py
requires at 375 px for the client's pages."""

from __future__ import annotations

import pytest
from django.urls import reverse

from connectors import services as connector_services
from kvk.status import Status
from tests import factories
from tests.browser.conftest import login
from tests.factories import PASSWORD
from tests.portal.conftest import make_message

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTH = 1024
#: How far the document sticks out sideways past the window (0 or less: it fits).
OVERFLOW = "() => document.documentElement.scrollWidth - window.innerWidth"


def _overflow(page, url: str, screenshot, name: str) -> int:
    """Open ``url`` at 1024 px and photograph it; how many px it sticks out sideways."""
    page.goto(url)
    screenshot(page, name)
    return page.evaluate(OVERFLOW)


def test_staff_pages_fit_a_laptop(
    live_server, new_page, screenshot, staff, client_a, client_b, connector
):
    organisation = client_a.organisation
    organisation.name = "Handelsonderneming De Zuidelijke Nederlanden Beheer en Exploitatie B.V."
    organisation.save(update_fields=["name"])
    for n in range(2):
        factories.ContactFactory(
            organisation=organisation,
            name=f"Johanna Wilhelmina van der Heijden-Oosterhuis {n}",
            email=f"johanna.wilhelmina.vanderheijden-oosterhuis{n}@zuidelijke-nederlanden.example",
        )
    connector_services.issue_token(
        organisation=organisation,
        connector=connector,
        description="Boekhoudpakket op de administratieserver van het hoofdkantoor",
    )
    make_message(client_a, Status.APPROVED)
    make_message(client_a, Status.REJECTED, year=2024)
    make_message(client_b)
    page = new_page()
    page.set_viewport_size({"width": WIDTH, "height": 900})
    login(page, live_server.url, staff.username, PASSWORD)
    deadlines = live_server.url + reverse("deadlines:list")
    organisation_page = live_server.url + reverse("insite-organisation", args=[organisation.pk])
    too_wide = {
        url: overflow
        for url, name in [
            (deadlines, "50-insite-deadlines-1024"),
            (deadlines + "?situation=all", "51-insite-deadlines-all-1024"),
            (organisation_page, "52-insite-organisation-1024"),
        ]
        if (overflow := _overflow(page, url, screenshot, name)) > 0
    }
    assert too_wide == {}, f"wider than {WIDTH}px (by px): {too_wide}"
