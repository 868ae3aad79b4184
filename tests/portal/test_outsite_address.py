"""``/outsite/`` as people type or bookmark it, as they do ``/insite/``: it opens where the
person belongs instead of answering 404."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

OUTSITE = "/outsite/"


def test_a_client_lands_on_its_messages(browser_a):
    response = browser_a.get(OUTSITE)
    assert response.status_code == 302
    assert response.url == reverse("outsite-messages")
    assert browser_a.get(OUTSITE, follow=True).status_code == 200


def test_staff_land_on_the_insite_dashboard(staff_browser, settings):
    settings.OTP_REQUIRED_FOR_STAFF = False
    response = staff_browser.get(OUTSITE)
    assert response.status_code == 302
    assert response.url == reverse("insite-dashboard")


def test_someone_not_logged_in_logs_in_first(client):
    response = client.get(OUTSITE)
    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={OUTSITE}"
