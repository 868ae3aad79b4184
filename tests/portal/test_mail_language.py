"""Each e-mail is in the language of the person it is for (StaffMember.language for staff:
"the language of the e-mail this staff member receives"), not in that of whoever made the
request that sends it: the mail reaches the owner of the login, who may not be the person
at the keyboard."""

from __future__ import annotations

import pytest
from django.test import Client as BrowserClient
from django.urls import reverse

from crm.models import StaffMember
from tests.factories import PASSWORD


@pytest.fixture
def otp_required(settings):
    settings.OTP_REQUIRED_FOR_STAFF = True


def _set_up_page(user, accept_language: str) -> None:
    browser = BrowserClient(headers={"accept-language": accept_language})
    login = browser.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert login["Location"].startswith(reverse("otp-setup"))
    browser.get(reverse("otp-setup"))  # sends the enrolment link


@pytest.mark.parametrize(
    ("language", "page", "subject"),
    [
        ("en", "nl", "Set up two-step verification for your Deponeer login"),
        ("nl", "en", "Tweestapsverificatie instellen voor uw login bij Deponeer"),
    ],
)
def test_the_enrolment_link_is_in_the_staff_members_language(
    staff, otp_required, mailoutbox, language, page, subject
):
    StaffMember.objects.filter(user=staff).update(language=language)
    _set_up_page(staff, page)
    (sent,) = mailoutbox
    assert sent.to == [staff.email]
    assert sent.subject == subject
