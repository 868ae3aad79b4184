"""manage.py repair_failed_year: a message that failed processing (25) before processing kept
its financial year gets the year its document says, as processing now keeps it
(workflow.services.processing.failed_year): where the document can be read and is not
another company's (KVK-SBR.md section 2, "25 | processing failed (unknown KvK number,
invalid XBRL, ...)")."""

from __future__ import annotations

import pytest

from tests.conftest import Repair, instance_for, message_at_25, message_at_30, numbered
from tests.portal.test_failed_year import _failing
from workflow.models import ApprovalMessage

pytestmark = pytest.mark.django_db


def _old(message: ApprovalMessage) -> ApprovalMessage:
    """The 25 without its year, as the release before kept it."""
    ApprovalMessage.objects.filter(pk=message.pk).update(financial_year=None)
    return ApprovalMessage.objects.get(pk=message.pk)


REPAIR = Repair("repair_failed_year", "financial_year")


def test_a_failed_message_gets_the_year_its_document_says(client_a):
    readable = _old(message_at_25(client_a, _failing(client_a, 2025)))
    other_year = _old(message_at_25(client_a, _failing(client_a, 2024)))
    broken = _old(message_at_25(client_a, b"<xbrli:xbrl>\n  <unclosed>\n"))
    another_company = _old(message_at_25(client_a, instance_for("99999999", year=2024)))
    with_year = message_at_25(client_a, numbered(_failing(client_a, 2025)))
    before = REPAIR.state()

    dry = REPAIR.run("--dry-run")
    assert "Dry run: examined 4, would set financial_year on 2, left empty 2" in dry
    assert REPAIR.state() == before

    out = REPAIR.run()
    assert "4 message(s) without financial_year to examine." in out
    assert "examined 4, set financial_year on 2, left empty 2 (the document gives none)." in out
    after = REPAIR.state()
    assert after[readable.pk][1] == 2025 and after[other_year.pk][1] == 2024
    assert after[broken.pk][1] is None and after[another_company.pk][1] is None
    assert after[with_year.pk][1] == 2025
    REPAIR.assert_only_field_changed(before, after)

    assert "examined 2, set financial_year on 0, left empty 2" in REPAIR.run()
    assert REPAIR.state() == after


def test_only_messages_at_25_are_read(client_a):
    """A message in the workflow keeps what processing set, even an empty year."""
    message = message_at_30(client_a)
    ApprovalMessage.objects.filter(pk=message.pk).update(financial_year=None)
    assert "0 message(s) without financial_year" in REPAIR.run()
    assert ApprovalMessage.objects.get(pk=message.pk).financial_year is None
