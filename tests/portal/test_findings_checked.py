"""InSite's message detail page: where the KvK's checks found nothing, the page says that
they ran and which they were, but only for a message they really ran on."""

from __future__ import annotations

import pytest
from django.urls import reverse

from connectors import services as connector_services
from connectors.models import MessageType
from kvk import taxonomy as tx
from kvk.status import Status
from tests.conftest import instance_for, numbered, register_report
from workflow import services
from workflow.models import Actor, ApprovalMessage

NO_FINDINGS = 'id="no-findings"'


def _processed(organisation, content: bytes):
    message, _new = register_report(organisation, numbered(content), Actor.system())
    assert services.claim_for_processing(message.pk)
    connector_services.process_message(message.pk)
    message.refresh_from_db()
    return message


def _page(browser, message) -> str:
    response = browser.get(reverse("insite-message", args=[message.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_a_message_the_checks_passed_says_they_ran_and_found_nothing(staff_browser, client_a):
    message = _processed(client_a.organisation, instance_for(client_a.kvk_number))
    assert message.status == Status.IN_REVIEW
    assert message.findings == []  # what the checks stored: nothing found
    page = _page(staff_browser, message)
    assert NO_FINDINGS in page
    # The rule families of KVK-SBR.md section 4 that the processing runs (kvk.rules).
    assert "FR-NL, FG-NL, FR-KVK, BR-KVK" in page


def test_a_25_after_the_checks_says_they_ran(staff_browser, client_a, message_type):
    MessageType.objects.filter(pk=message_type.pk).update(blocked=True)
    message = _processed(client_a.organisation, instance_for(client_a.kvk_number))
    assert message.status == Status.PROCESSING_FAILED
    assert [r["code"] for r in message.reasons] == ["message_type_blocked"]
    assert NO_FINDINGS in _page(staff_browser, message)


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(b"<not-xbrl", id="unreadable"),
        pytest.param(instance_for("87654321"), id="another company"),
    ],
)
def test_a_25_before_the_checks_says_nothing_about_them(staff_browser, client_a, content):
    message = _processed(client_a.organisation, content)
    assert message.status == Status.PROCESSING_FAILED
    assert message.findings == []
    assert NO_FINDINGS not in _page(staff_browser, message)


def test_a_message_not_yet_processed_says_nothing_about_the_checks(staff_browser, client_a):
    message, _new = register_report(
        client_a.organisation, numbered(instance_for(client_a.kvk_number)), Actor.system()
    )
    assert message.status == Status.RECEIVED
    assert NO_FINDINGS not in _page(staff_browser, message)
    assert services.claim_for_processing(message.pk)
    assert NO_FINDINGS not in _page(staff_browser, message)


def test_the_note_leaves_out_the_formulas_where_they_did_not_run(staff_browser, client_a):
    """kvk.formulas runs the taxonomy's formulas only where the NT19 extract records them
    (formulas.applies): not for klein-verticaal (kvk.nt.MODELLED_VARIANTS)."""
    message = _processed(client_a.organisation, instance_for(client_a.kvk_number))
    assert "de formules van de taxonomie en de eigen controles" in _page(staff_browser, message)
    generation, _variant = tx.lookup_entry_point(message.entry_point)
    vertical = next(
        url for url, variant in generation.entry_points().items() if variant == "klein-verticaal"
    )
    # Test set-up: the same message as if its document used the klein-verticaal entry point.
    ApprovalMessage.objects.filter(pk=message.pk).update(entry_point=vertical)
    page = _page(staff_browser, message)
    assert NO_FINDINGS in page
    assert "formules van de taxonomie zijn voor dit entrypoint niet getoetst" in page
