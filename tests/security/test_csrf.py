"""CSRF on every form: a POST without the CSRF token to any URL of the project (enumerated
from the resolver) is refused with 403 before any view runs, for a logged-in user who may
use that page. The client API is the exception by design: it accepts only the Bearer
token, never the session cookie (see test_tenant_isolation), so there is nothing to forge;
its schema and docs pages accept no POST at all."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from kvk.status import Status
from tests.security.urls import pages, url_for
from workflow.models import ApprovalMessage, Comment, StatusEvent

pytestmark = pytest.mark.django_db


def browser(user=None) -> Client:
    client = Client(enforce_csrf_checks=True)
    if user is not None:
        client.force_login(user)
    return client


def test_every_post_without_csrf_token_is_refused(world):
    staff, client_a, anonymous = (
        browser(world.staff_admin),
        browser(world.a.user),
        browser(),
    )
    problems, checked = [], 0
    for page in pages():
        url = url_for(page, world)
        if url is None:
            continue
        if page.route.startswith("api/"):
            # DRF views: the client API (token only) and its read-only schema and docs.
            if page.area != "api" and anonymous.post(url).status_code != 405:
                problems.append(f"POST {url}: the API schema/docs accept a POST")
            continue
        if page.route.startswith("outsite/"):
            user_client = client_a
        elif page.area == "public":
            user_client = anonymous
        else:
            user_client = staff
        response = user_client.post(url, {"text": "x", "adopted": "on", "reason": "x"})
        checked += 1
        if response.status_code != 403 or b"CSRF" not in response.content:
            problems.append(f"POST {url}: {response.status_code}")
    assert problems == [], "\n".join(problems)
    assert checked > 30
    message = ApprovalMessage.objects.get(pk=world.message.pk)
    assert message.status == Status.IN_REVIEW
    assert StatusEvent.objects.filter(message=message).count() == 3
    assert not Comment.objects.exists()


def test_the_same_form_with_its_token_works(world):
    """The control: with the token from the page the same POST goes through."""
    client = browser(world.a.user)
    page = client.get(f"/outsite/berichten/{world.message.pk}/")
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.content).group(1)
    response = client.post(
        f"/outsite/berichten/{world.message.pk}/opmerking/",
        {"text": "Graag nog even kijken", "csrfmiddlewaretoken": token.decode()},
    )
    assert response.status_code in (200, 302)
    assert Comment.objects.filter(message=world.message).count() == 1
