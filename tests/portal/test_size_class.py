"""InSite's message page shows the size-class warning (art. 2:395a and 2:396 BW) with the
figures the document carries and what is unknown; the accountant overrides it with a
reason, which lands in the audit trail and the timeline. Clients cannot."""

from __future__ import annotations

import pytest
from django.urls import reverse

from connectors import services as connector_services
from kvk.builder import build_instance
from kvk.statements import demo_statements
from kvk.status import Status
from tests.conftest import register_report
from tests.workflow.conftest import YEAR
from tests.workflow.test_size_class import too_large_for_micro
from workflow import services
from workflow.models import Actor, ApprovalMessage, StatusEvent

REASON = "Gemiddeld 4 werknemers; vorig jaar nog micro."


def processed(client, content: bytes) -> ApprovalMessage:
    """A message of ``client`` with this document at 30, processed like any upload."""
    message, _ = register_report(
        client.organisation,
        content,
        Actor.for_token(organisation_id=client.organisation.pk, label="test", ip_address=None),
    )
    assert services.claim_for_processing(message.pk)
    connector_services.process_message(message.pk)
    message.refresh_from_db()
    assert message.status == Status.IN_REVIEW, message.reasons
    return message


def warned_message(client) -> ApprovalMessage:
    """A message at 30 whose figures exceed micro's assets and net turnover on both
    balance sheet dates."""
    return processed(client, too_large_for_micro(client.kvk_number))


@pytest.fixture
def warned(client_a):
    return warned_message(client_a)


def _override(browser, message, reason=REASON, **extra):
    return browser.post(
        reverse("insite-size-class", args=[message.pk]), {"reason": reason}, **extra
    )


def test_staff_page_shows_the_warning_with_the_figures(staff_browser, warned):
    html = staff_browser.get(reverse("insite-message", args=[warned.pk])).content.decode()
    assert 'id="size-class"' in html and 'data-outcome="not-supported"' in html
    assert "Waarschuwing: grootteklasse" in html
    assert "De cijfers passen niet bij de opgegeven grootteklasse micro" in html
    assert "€ 1.200.450" in html and "€ 1.843.000" in html and "€ 900.000" in html
    assert "gemiddeld aantal werknemers onbekend" in html
    assert 'id="override-size-class"' in html


def test_staff_page_in_english(staff_browser, warned):
    staff_browser.cookies["django_language"] = "en"
    html = staff_browser.get(reverse("insite-message", args=[warned.pk])).content.decode()
    assert "The figures do not support the declared size class micro" in html
    assert "EUR 1,200,450" in html and "average number of employees unknown" in html


def test_a_message_that_fits_shows_no_warning(staff_browser, message_a):
    html = staff_browser.get(reverse("insite-message", args=[message_a.pk])).content.decode()
    assert 'id="size-class"' not in html


def test_staff_override_with_reason_is_audited_and_in_the_timeline(staff_browser, staff, warned):
    response = _override(staff_browser, warned, follow=True)
    assert response.status_code == 200
    event = StatusEvent.objects.get(message=warned, action="size_class_overridden")
    assert event.actor_user == staff and event.from_status == event.to_status == 30
    assert event.reasons == [{"code": "size_class_override", "message": REASON}]
    html = response.content.decode()
    assert "terzijde gelegd" in html
    assert 'id="size-class-override"' in html and REASON in html
    assert "Waarschuwing grootteklasse terzijde gelegd" in html  # the timeline entry
    assert 'id="override-size-class"' not in html  # the form is gone
    warned.refresh_from_db()
    assert warned.status == Status.IN_REVIEW


def test_override_needs_a_reason(staff_browser, warned):
    response = _override(staff_browser, warned, reason="")
    assert response.status_code == 400
    assert not StatusEvent.objects.filter(action="size_class_overridden").exists()


def test_a_client_cannot_override(browser_a, warned):
    assert _override(browser_a, warned).status_code == 404
    assert not StatusEvent.objects.filter(action="size_class_overridden").exists()


def test_staff_of_another_environment_cannot_override(outsider_browser, warned):
    assert _override(outsider_browser, warned).status_code == 404
    assert not StatusEvent.objects.filter(action="size_class_overridden").exists()


def test_override_of_a_message_without_warning_is_refused(staff_browser, message_a):
    response = _override(staff_browser, message_a, follow=True)
    assert "geen waarschuwing over de grootteklasse" in response.content.decode()
    assert not StatusEvent.objects.filter(action="size_class_overridden").exists()


def test_the_client_portal_does_not_show_the_staff_section(browser_a, warned):
    html = browser_a.get(reverse("outsite-message", args=[warned.pk])).content.decode()
    assert 'id="override-size-class"' not in html and 'id="size-class"' not in html


def test_a_klein_filing_says_what_the_document_lacks(staff_browser, client_a):
    """klein-publicatiestukken carry only the balance-sheet total: turnover and employees
    are unknown, so the check cannot settle the class and asks for no override."""
    statements = demo_statements(
        kvk_number=client_a.kvk_number, legal_name="Test B.V.", year=YEAR, size="klein"
    )
    message = processed(client_a, build_instance(statements))
    html = staff_browser.get(reverse("insite-message", args=[message.pk])).content.decode()
    assert 'data-outcome="undetermined"' in html
    assert "netto-omzet" in html and "gemiddeld aantal werknemers" in html
    assert 'id="override-size-class"' not in html
