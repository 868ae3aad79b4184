"""manage.py repair_signed_on: messages that entered the workflow before processing kept the
directors' signing date get it from their stored document, as processing would have set it.

KVK-SBR.md section 1: "If all shareholders are also directors, signing counts as adoption
(so: 10 months + 8 days)"; the date is the latest of the current directors' signing dates
(kvk.parser.signed_by_all_on), and none when one of them did not sign."""

from __future__ import annotations

from datetime import date

import pytest

from connectors import services as connector_services
from kvk.statements import Signatory
from kvk.status import Status
from tests.conftest import Repair, message_at_25, numbered, register_report, signed_instance
from workflow import services
from workflow.models import Actor, ApprovalMessage

pytestmark = pytest.mark.django_db

JANSEN = Signatory("A. Jansen", signed_on=date(2026, 3, 1), place="Utrecht")
SMIT = Signatory("B. Smit", signed_on=date(2026, 3, 4), place="Utrecht")
SMIT_ILL = Signatory("B. Smit", signed=False, reason_not_signed="Ziek")


def _old_message_at_30(client, content: bytes) -> ApprovalMessage:
    """A message taken to 30 by the real processing, then without its signing date, as the
    release before workflow 0005 left it."""
    message, _ = register_report(client.organisation, numbered(content), Actor.system())
    assert services.claim_for_processing(message.pk)
    assert connector_services.process_message(message.pk) == Status.IN_REVIEW
    # Its own year, so the next version does not close it (workflow.services.versions).
    ApprovalMessage.objects.filter(pk=message.pk).update(signed_on=None, financial_year=message.pk)
    return ApprovalMessage.objects.get(pk=message.pk)


REPAIR = Repair("repair_signed_on", "signed_on")


def test_the_signing_date_is_filled_where_processing_would_have_set_it(client_a):
    signed = signed_instance(client_a.kvk_number, JANSEN, SMIT)
    at_30 = _old_message_at_30(client_a, signed)
    rejected = _old_message_at_30(client_a, signed)
    services.reject(message_id=rejected.pk, actor=Actor.for_user(client_a.user), reason="Nee")
    not_signed = _old_message_at_30(
        client_a, signed_instance(client_a.kvk_number, JANSEN, SMIT_ILL)
    )
    kept = _old_message_at_30(client_a, signed)
    ApprovalMessage.objects.filter(pk=kept.pk).update(signed_on=date(2026, 2, 2))
    # A 25 never entered the workflow: processing kept no date on it, nor does the repair.
    failed = message_at_25(
        client_a, signed.replace(b'decimals="0">53250<', b'decimals="0">53250.5<', 1)
    )
    assert failed.signed_on is None
    before = REPAIR.state()

    dry = REPAIR.run("--dry-run")
    assert "3 message(s) without signed_on to examine." in dry
    assert "Dry run: examined 3, would set signed_on on 2, left empty 1" in dry
    assert REPAIR.state() == before

    out = REPAIR.run("--batch-size", "2")
    assert "batch 1: examined 2/3" in out and "batch 2: examined 3/3" in out
    assert "examined 3, set signed_on on 2, left empty 1 (the document gives none)." in out
    after = REPAIR.state()
    assert after[at_30.pk][1] == after[rejected.pk][1] == date(2026, 3, 4)
    assert after[not_signed.pk][1] is None
    assert after[kept.pk][1] == date(2026, 2, 2)
    assert after[failed.pk][1] is None
    # Only the date: no status, no audit event, no "last change" moved.
    REPAIR.assert_only_field_changed(before, after)

    again = REPAIR.run()
    assert "examined 1, set signed_on on 0, left empty 1" in again
    assert REPAIR.state() == after


def test_the_date_is_the_one_processing_keeps(client_a):
    """The repair reads the document as processing does: the same date for the same bytes."""
    content = signed_instance(client_a.kvk_number, JANSEN, SMIT)
    message, _ = register_report(client_a.organisation, content, Actor.system())
    assert services.claim_for_processing(message.pk)
    connector_services.process_message(message.pk)
    message.refresh_from_db()
    assert connector_services.signed_on_of(content) == message.signed_on == date(2026, 3, 4)
