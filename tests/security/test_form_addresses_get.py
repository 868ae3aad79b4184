"""Every address of the portals (enumerated from the resolver) opened with a GET: an
address only a form posts to is opened so too (a reload of the page a refused form gave
back, a language switch from it, the history, a bookmark) and leads to a page, not a blank
405 (tests/portal/test_form_addresses.py and tests/clientside/test_form_addresses.py: which
page). Addresses added later are walked without touching this test."""

from __future__ import annotations

import pytest
from django.test import Client

from clientside.models import AnnualReport
from kvk.status import Status
from tests.clientside.test_screens import ALL_PERMISSIONS, user_with
from tests.security.urls import pages, url_for
from workflow.models import ApprovalMessage, StatusEvent

pytestmark = pytest.mark.django_db

#: The portals' areas (tests.security.urls.Page.area); the client's own environment
#: (``clientside``) is walked by its own users. Left out: Django's own admin site; and the
#: client environments' API, to which a 405 is the answer HTTP prescribes for a wrong
#: method (its schema documents it).
PORTALS = ("public", "portal")


def _walk(world, users, areas: tuple[str, ...]) -> tuple[list[str], set[str]]:
    """GET every address of ``areas`` as each of ``users`` and as someone not logged in,
    following its redirects: the answers with a 405 or a server error, and the URL names
    walked."""
    browsers = [Client() for _ in range(len(users) + 1)]
    for browser, user in zip(browsers, users):
        browser.force_login(user)
    problems, walked = [], set()
    for page in pages():
        url = url_for(page, world)
        if page.area not in areas or url is None:
            continue
        walked.add(page.name)
        for browser in browsers:
            response = browser.get(url, follow=True)
            answers = [*(status for _url, status in response.redirect_chain), response.status_code]
            if 405 in answers or max(answers) >= 500:
                problems.append(f"GET {url}: {answers}")
    return problems, walked


def test_no_address_answers_a_get_with_405_or_a_server_error(world):
    """The portals, opened by A's administrator, by client A, by staff of another office and
    by someone not logged in. A GET changes nothing."""
    problems, walked = _walk(world, (world.staff_admin, world.a.user, world.outsider), PORTALS)
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
        "insite-bulk-resend",
        "insite-bulk-attention",
        "outsite-action",
        "outsite-comment",
    } <= walked
    message = ApprovalMessage.objects.get(pk=world.message.pk)
    assert message.status == Status.IN_REVIEW
    assert StatusEvent.objects.filter(message=message).count() == 3
    world.token.refresh_from_db()
    assert world.token.revoked_at is None


def test_no_address_of_the_client_environment_answers_a_get_with_405(world, client_environment):
    """The client's own environment (``klant/``, clientside, a deployment of its own),
    opened by its bookkeeper (every right), by someone who may only look, by someone without
    any right there and by someone not logged in. A GET changes nothing."""
    bookkeeper = user_with(*ALL_PERMISSIONS, "change_filingactivation")
    problems, walked = _walk(
        world, (bookkeeper, user_with("view_administration"), user_with()), ("clientside",)
    )
    assert problems == [], "\n".join(problems)
    assert {
        "clientside:signatory-delete",
        "clientside:profile-test",
        "clientside:report-create",
        "clientside:report-figures",
        "clientside:report-import",
        "clientside:report-values",
        "clientside:report-prepare",
        "clientside:send-receive",
        "clientside:message-document",
    } <= walked
    assert client_environment.report.messages.get().status == Status.PREPARED
    assert client_environment.administration.signatories.count() == 1
    assert AnnualReport.objects.count() == 1
