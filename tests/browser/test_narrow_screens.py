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
