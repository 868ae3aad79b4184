"""Every address of the portals (enumerated from the resolver) opened with a GET: an
address only a form posts to is opened so too (a reload of the page a refused form gave
back, a language switch from it, the history, a bookmark) and leads to a page, not a blank
405 (tests/portal/test_form_addresses.py: which page). Addresses added later are walked
without touching this test."""

from __future__ import annotations

import pytest
from django.test import Client

from kvk.status import Status
from tests.security.urls import pages, url_for
from workflow.models import ApprovalMessage, StatusEvent

pytestmark = pytest.mark.django_db

#: Left out: Django's own admin site; the client environments' API, to which a 405 is the
#: answer HTTP prescribes for a wrong method (its schema documents it); and the client's
#: own environment (``klant/``, clientside), a deployment of its own.
NOT_WALKED = ("admin", "api", "clientside")


def test_no_address_answers_a_get_with_405_or_a_server_error(world):
    """Opened by A's administrator, by client A, by staff of another office and by someone
    not logged in; followed to the end of its redirects. A GET changes nothing."""
    browsers = [Client() for _ in range(4)]
    for browser, user in zip(browsers, (world.staff_admin, world.a.user, world.outsider)):
        browser.force_login(user)
    problems, walked = [], set()
    for page in pages():
        url = url_for(page, world)
        if page.area in NOT_WALKED or url is None:
            continue
        walked.add(page.name)
        for browser in browsers:
            response = browser.get(url, follow=True)
            answers = [*(status for _url, status in response.redirect_chain), response.status_code]
            if 405 in answers or max(answers) >= 500:
                problems.append(f"GET {url}: {answers}")
    assert problems == [], "\n".join(problems)
    # The walk reached the addresses only a form posts to (if the enumeration broke, it
    # would pass on nothing).
    assert {
        "logout",
        "insite-organisation-approvers",
        "insite-identification-remove",
        "insite-contact-access",
        "insite-token-create",
        "insite-action",
        "outsite-action",
        "outsite-comment",
    } <= walked
    message = ApprovalMessage.objects.get(pk=world.message.pk)
    assert message.status == Status.IN_REVIEW
    assert StatusEvent.objects.filter(message=message).count() == 3
    world.token.refresh_from_db()
    assert world.token.revoked_at is None
