"""OutSite and InSite "Wat is er veranderd": a correction compared with the version it
replaces shows what changed in the accounts the client approves, not the workflow.

Source: KVK-SBR.md §1 (a correction is a new filing; the client adopts, "vaststellen", and
approves) and NT19's signing facts (jenv-bw2-i:SignatureManagingSupervisoryDirectorsLocation).
The portal writes the adoption into the version the client adopts
(workflow.services.review.adopt); that step of the earlier version is not a change the
correction made."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest
from django.urls import reverse

from connectors import services as connector_services
from kvk.builder import build_instance
from kvk.statements import demo_statements
from kvk.status import Status
from tests.conftest import numbered, register_report
from workflow import services
from workflow.models import Actor, ApprovalMessage

pytestmark = pytest.mark.django_db

YEAR = date.today().year - 1


def _statements(client):
    return demo_statements(
        kvk_number=client.kvk_number, legal_name=client.organisation.name, year=YEAR
    )


def _send(client, content: bytes) -> ApprovalMessage:
    """A document from the client's environment, processed to 30."""
    token = Actor.for_token(organisation_id=client.organisation.pk, label="t", ip_address=None)
    message, created = register_report(client.organisation, content, token)
    assert created and services.claim_for_processing(message.pk)
    connector_services.process_message(message.pk)
    message.refresh_from_db()
    assert message.status == Status.IN_REVIEW, message.reasons
    return message


def _adopted_then_rejected(client) -> ApprovalMessage:
    """The client adopted the first version in OutSite, then rejected it (40)."""
    first = _send(client, numbered(build_instance(_statements(client))))
    actor = Actor.for_user(client.user)
    services.adopt(message_id=first.pk, actor=actor, adoption_date=date.today())
    services.reject(message_id=first.pk, actor=actor, reason="De plaats klopt niet")
    return first


def test_only_the_signing_place_changed(browser_a, staff_browser, client_a):
    first = _adopted_then_rejected(client_a)
    statements = _statements(client_a)
    moved = [dataclasses.replace(statements.signatories[0], place="Amersfoort")]
    second = _send(client_a, build_instance(dataclasses.replace(statements, signatories=moved)))
    assert second.replaces_id == first.pk
    expected = [
        ("Ondertekening", "Plaats van ondertekening (J. de Vries)", "Utrecht", "Amersfoort")
    ]
    for browser, name in ((browser_a, "outsite-message"), (staff_browser, "insite-message")):
        response = browser.get(reverse(name, args=[second.pk]))
        rows = [(c.part_label, c.label, c.before, c.after) for c in response.context["changes"]]
        assert rows == expected  # not "Vastgesteld ja -> nee", the first version's adoption
        assert "Amersfoort" in response.content.decode()


def test_a_correction_without_a_difference_says_so(browser_a, client_a):
    """The same accounts sent again after the rejection (another document, the same
    content): nothing to list, although the first version was adopted in OutSite."""
    first = _adopted_then_rejected(client_a)
    second = _send(client_a, numbered(build_instance(_statements(client_a))))
    assert second.replaces_id == first.pk
    response = browser_a.get(reverse("outsite-message", args=[second.pk]))
    html = response.content.decode()
    assert response.context["changes"] == []
    assert 'id="no-changes"' in html and "Geen inhoudelijke wijzigingen" in html
