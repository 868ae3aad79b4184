"""Pages and parts of pages the walk of every URL (test_pages) does not reach, because only
a state shows them: a question asked after a POST or by GET, a list long enough for pages
and sorted, the history an action leaves, the warning when nobody can approve or adopt, the
outcome of a send/receive that did not get through, the lockout, the page of an expired
form. Each state is arranged as a person gets there; each page shows what the state is
about (an XPath, so that an empty list of problems means the part was looked at) and meets
test_pages' criteria, in Dutch and in English."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from lxml import html as lxml_html

from clientside.models import CommunicationProfile, RunProblem
from kvk.status import Status
from tests.a11y.test_pages import _browser, page_problems
from workflow.models import ApprovalMessage

pytestmark = pytest.mark.django_db


def _withdrawal_asked(world, language):
    browser = _browser(world.staff_admin, language)
    url = reverse("insite-contact-access", args=[world.a.organisation.pk, world.contact.pk])
    return [(browser.post(url, {"grant": "0"}), '//*[@id="withdraw-nobody-left"]')]


def _access_withdrawn(world, language):
    """The only contact's access withdrawn: the organisation's history ("Wijzigingen") and
    the message nobody can approve, on its page, the dashboard and the list."""
    browser = _browser(world.staff_admin, language)
    organisation = world.a.organisation
    url = reverse("insite-contact-access", args=[organisation.pk, world.contact.pk])
    assert browser.post(url, {"grant": "0", "confirmed": "1"}).status_code == 302
    nobody = '//*[contains(@class, "nobody-approves")]'
    return [
        (
            browser.get(reverse("insite-organisation", args=[organisation.pk])),
            "//*[@id='history']//time",
        ),
        (
            browser.get(reverse("insite-message", args=[world.message.pk])),
            '//*[@id="nobody-approves"]',
        ),
        (browser.get(reverse("insite-dashboard")), nobody),
        (browser.get(reverse("insite-messages"), {"attention": "on"}), nobody),
    ]


def _nobody_adopts(world, language):
    from tests.portal.test_nobody_adopts import _named_adopter, _shut_out

    _shut_out(_named_adopter(world.a))
    browser = _browser(world.staff_admin, language)
    return [
        (
            browser.get(reverse("insite-message", args=[world.message.pk])),
            '//*[@id="nobody-adopts"]',
        ),
        (browser.get(reverse("insite-dashboard")), '//*[contains(@class, "nobody-adopts")]'),
    ]


def _deadlines_sorted_in_pages(world, language, monkeypatch):
    """Termijnen of the world's three organisations, one a page: the count, the sorted
    header and the pages."""
    from portal import deadline_views

    monkeypatch.setattr(deadline_views, "PAGE_SIZE", 1)
    browser = _browser(world.staff_admin, language)
    url = reverse("deadlines:list")
    every = {"situation": "all"}
    return [
        (
            browser.get(url, {**every, "sort": "-organisation"}),
            '//*[@id="row-count"]/following::th[@aria-sort="descending"]'
            '/following::nav//a[@rel="next"]',
        ),
        (
            browser.get(url, {**every, "sort": "organisation", "page": "2"}),
            '//th[@aria-sort="ascending"]/following::nav//a[@rel="prev"]',
        ),
    ]


def _page_expired(world, language):
    """ "Pagina verlopen": a form sent with a security token no longer valid."""
    browser = _browser(world.a.user, language, enforce_csrf_checks=True)
    detail = reverse("outsite-message", args=[world.message.pk])
    action = reverse("outsite-action", args=[world.message.pk, "reject"])
    sent = browser.post(
        action,
        {"reason": "x", "csrfmiddlewaretoken": "x" * 64},
        HTTP_REFERER=f"http://testserver{detail}",
    )
    return [(sent, '//*[@id="error-page"]')]


def _outsite_asked_by_get(world, language):
    """OutSite's "Weet u het zeker?" by GET (outsite-confirm), where the language switch
    leads: rejecting, and approving once adopted."""
    from workflow import services
    from workflow.models import Actor

    message = world.message
    browser = _browser(world.a.user, language)
    reject = browser.get(reverse("outsite-confirm", args=[message.pk, "reject"]))
    services.adopt(
        message_id=message.pk, actor=Actor.for_user(world.a.user), adoption_date=date.today()
    )
    message.refresh_from_db()
    approve = browser.get(
        reverse("outsite-confirm", args=[message.pk, "approve"]),
        {"document_sha256": message.document_sha256},
    )
    return [
        (reject, '//*[@id="confirm-reject-button"]'),
        (approve, '//*[@id="confirm-approve-button"]'),
    ]


def _insite_asked_by_get(world, language):
    """InSite's repair and resend questions by GET."""
    from tests.portal.conftest import make_message
    from tests.portal.test_transport_errors import at_70

    browser = _browser(world.staff_admin, language)
    rejected = make_message(world.a, Status.REJECTED)
    repair = browser.get(reverse("insite-action", args=[rejected.pk, "repair"]))
    resend = browser.get(reverse("insite-resend", args=[at_70(world.a).pk]))
    return [(repair, '//*[@id="confirm-repair"]'), (resend, '//*[@id="confirm-resend"]')]


def _with_proposed_adoption_date(world) -> None:
    """The client's administration sent the adoption date with the upload."""
    ApprovalMessage.objects.filter(pk=world.message.pk).update(
        proposed_adoption_date=date.today() - timedelta(days=3)
    )


def _adopt_form_filled_in(world, language):
    _with_proposed_adoption_date(world)
    browser = _browser(world.a.user, language)
    page = browser.get(reverse("outsite-message", args=[world.message.pk]))
    return [(page, '//*[@id="proposed-adoption-date"]/following::input[@name="adoption_date"]')]


def _locked_out(world, language, settings):
    browser = _browser(None, language)
    for _attempt in range(settings.AXES_FAILURE_LIMIT + 1):
        response = browser.post(
            reverse("login"), {"username": world.a.user.username, "password": "fout"}
        )
    return [(response, '//*[@id="cooloff"]')]


def _send_receive_stopped(world, language):
    """Each outcome of a send/receive that asks the bookkeeper to act ("Token invullen",
    "Contact opnemen met accountant", "Portaladres controleren"): the administration's page
    and the list."""
    env = world.client_environment
    browser = _browser(world.bookkeeper, language)
    pages = []
    for problem in (RunProblem.TOKEN_REFUSED, RunProblem.REFUSED, RunProblem.ADDRESS):
        CommunicationProfile.objects.filter(pk=env.profile.pk).update(
            last_run_at=timezone.now(), last_run_problem=problem, last_run_message="Geweigerd."
        )
        detail = reverse("clientside:administration", args=[env.administration.pk])
        target = "#verzenden" if problem == RunProblem.REFUSED else "/communicatie/"
        pages += [
            (browser.get(detail), f'//*[@id="volgende-stap"]//a[contains(@href, "{target}")]'),
            (
                browser.get(reverse("clientside:home")),
                '//td[@class="step"]/*[contains(@class, "run-note")]',
            ),
        ]
    return pages


STATES: dict[str, Callable] = {
    "contact access withdrawal asked": _withdrawal_asked,
    "contact access withdrawn": _access_withdrawn,
    "nobody can adopt": _nobody_adopts,
    "Termijnen sorted, in pages": _deadlines_sorted_in_pages,
    "Pagina verlopen": _page_expired,
    "OutSite question by GET": _outsite_asked_by_get,
    "InSite repair and resend questions by GET": _insite_asked_by_get,
    "adopt form filled in with the proposed date": _adopt_form_filled_in,
    "lockout": _locked_out,
    "send/receive stopped": _send_receive_stopped,
}

#: What a state answers besides 200: the expired page 403, the lockout 429.
STATUSES = {"Pagina verlopen": 403, "lockout": 429}


@pytest.fixture
def bookkeeper_world(world, client_environment):
    from tests.clientside.test_screens import ALL_PERMISSIONS, user_with

    world.bookkeeper = user_with(*ALL_PERMISSIONS)
    return world


@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize("state", list(STATES))
def test_pages_only_a_state_shows_meet_the_criteria(bookkeeper_world, request, state, language):
    arrange = STATES[state]
    code = arrange.__code__
    fixtures = {
        name: request.getfixturevalue(name) for name in code.co_varnames[2 : code.co_argcount]
    }
    problems = []
    for response, shows in arrange(bookkeeper_world, language, **fixtures):
        assert response.status_code == STATUSES.get(state, 200), response
        body = response.content.decode("utf-8")
        assert lxml_html.document_fromstring(body).xpath(shows), f"{state}: no {shows}"
        problems += [f"{response.request['PATH_INFO']}: {p}" for p in page_problems(body, language)]
    assert problems == [], "\n".join(problems)


def test_the_adoption_date_filled_in_names_where_it_comes_from(bookkeeper_world):
    """Who reaches the date field by the keyboard hears with it that the date is already
    filled in from the client's administration, and the dates allowed (WCAG 1.3.1, 3.3.2),
    not only who reads the page from the top; errors stay named too (3.3.1)."""
    world = bookkeeper_world
    _with_proposed_adoption_date(world)
    browser = _browser(world.a.user, "nl")
    page = browser.get(reverse("outsite-message", args=[world.message.pk])).content.decode()
    (field,) = lxml_html.document_fromstring(page).xpath('//input[@name="adoption_date"]')
    assert field.get("aria-describedby", "").split()[:2] == ["adopted-by", "adoption-bounds"]

    action = reverse("outsite-action", args=[world.message.pk, "adopt"])
    refused = browser.post(action, {"adopted": "on", "adoption_date": "2000-01-01"})
    (field,) = lxml_html.document_fromstring(refused.content).xpath(
        '//input[@name="adoption_date"]'
    )
    assert f"{field.get('id')}_error" in field.get("aria-describedby", "").split()
