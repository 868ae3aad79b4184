"""A message whose document cannot be read (it failed processing, 25, before the year was
known): its page says the document cannot be shown, offers no PDF of it and names no year
it does not know; a PDF asked for anyway is not found, never an error page (500)."""

from __future__ import annotations

import pytest
from django.test import Client as BrowserClient
from django.test import override_settings
from django.urls import reverse

from connectors import services as connector_services
from kvk.status import Status
from tests.conftest import numbered, register_report
from workflow import services
from workflow.models import Actor


@pytest.fixture
def unreadable(client_a):
    message, _new = register_report(
        client_a.organisation, numbered(b"<xbrli:xbrl>kapot"), Actor.system()
    )
    assert services.claim_for_processing(message.pk)
    connector_services.process_message(message.pk)
    message.refresh_from_db()
    assert message.status == Status.PROCESSING_FAILED and message.financial_year is None
    return message


@pytest.mark.parametrize("side", ["outsite", "insite"])
def test_the_page_offers_no_pdf_and_names_no_unknown_year(
    side, unreadable, browser_a, staff_browser
):
    browser = browser_a if side == "outsite" else staff_browser
    response = browser.get(reverse(f"{side}-message", args=[unreadable.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Dit document kan niet worden weergegeven." in page
    assert reverse(f"{side}-pdf", args=[unreadable.pk]) not in page
    assert "Download PDF" not in page
    # The XBRL is what was received: it stays downloadable (staff and client read it).
    assert reverse(f"{side}-xbrl", args=[unreadable.pk]) in page
    assert "jaarrekening ?" not in page


@override_settings(DEBUG=False)
@pytest.mark.parametrize("side", ["outsite", "insite"])
def test_its_pdf_is_not_found_not_a_server_error(side, unreadable, client_a, staff):
    browser = BrowserClient(raise_request_exception=False)
    browser.force_login(client_a.user if side == "outsite" else staff)
    response = browser.get(reverse(f"{side}-pdf", args=[unreadable.pk]))
    assert response.status_code == 404
    assert "Pagina niet gevonden" in response.content.decode()
