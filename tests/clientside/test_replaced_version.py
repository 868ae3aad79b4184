"""A message the portal closed because a newer version of its year replaced it there reads
as replaced in the client environment, which learns it over the real API: status 25 with
the reason code version_superseded (workflow.services.versions).

Source: KVK-SBR.md section 2: 25 "Fout bij verwerken in portal" is "processing failed
(unknown KvK number, invalid XBRL, ...)", after which the client corrects and sends again.
A version another version replaced did not fail: the portal goes on with the newer one, and
the administration is not asked to correct anything.
"""

from __future__ import annotations

import pytest
from django.test import Client as BrowserClient
from django.urls import reverse

from clientside import services
from clientside.views import next_step
from connectors import services as connector_services
from kvk.status import Status
from tests.clientside.conftest import YEAR
from tests.clientside.test_screens import ALL_PERMISSIONS, user_with
from tests.portal.conftest import make_message

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_version_replaced_in_the_portal_asks_for_no_correction(env_a, client_a):
    message = services.prepare(env_a.report)
    services.send_receive(env_a.administration)
    connector_services.process_external_messages()
    # A newer version of the year reaches the portal from elsewhere (another environment of
    # the client): the version waiting at 30 is closed for it.
    make_message(client_a, year=YEAR)

    result = services.send_receive(env_a.administration)

    assert result.errors == []
    message.refresh_from_db()
    assert message.status == Status.PROCESSING_FAILED
    assert [reason["code"] for reason in message.reasons] == ["version_superseded"]

    text, link = next_step(env_a.administration)
    assert "nieuwere versie" in text and "hoeft u niets te doen" in text
    assert "Klaarzetten" not in text and link.endswith("#berichten")

    browser = BrowserClient()
    browser.force_login(user_with(*ALL_PERMISSIONS))
    page = browser.get(reverse("clientside:report", args=[env_a.report.pk])).content.decode()
    assert "25 Vervangen door een nieuwere versie" in page
    assert "Fout bij verwerken in portal" not in page
    assert 'id="nieuwe-stukken"' not in page and "Correctie nodig" not in page
