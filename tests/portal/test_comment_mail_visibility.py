"""A staff comment reaches the client's contacts only on a message the client can open in
OutSite (portal.views.common.client_messages): not one still received (10) or being
processed (20), whose link in the mail would answer 404."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from kvk.status import Status
from tests.portal.conftest import browser_for, make_message

pytestmark = pytest.mark.usefixtures("mail_tasks_run_here")


def test_no_mail_to_the_client_about_a_message_it_cannot_open_yet(
    client_a, staff, staff_browser, django_capture_on_commit_callbacks
):
    message = make_message(client_a, Status.RECEIVED)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_browser.post(
            reverse("insite-comment", args=[message.pk]), {"text": "Nog even geduld."}
        )
    assert response.status_code == 302
    assert message.comments.count() == 1
    assert [m.to for m in mail.outbox] == []
    # The client's page of it answers 404: the link would lead nowhere.
    page = browser_for(client_a.user).get(reverse("outsite-message", args=[message.pk]))
    assert page.status_code == 404
