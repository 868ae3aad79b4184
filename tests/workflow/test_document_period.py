"""Processing keeps the period a message's accounts state (``ApprovalMessage.period_start``
and ``period_end``) with its financial year, so the deadlines count from it without reading
the document again (deadlines.periods); manage.py repair_document_period and workflow 0007
fill it for messages processed before.

Sources:
- art. 2:10a BW: a first year may be shorter or longer than twelve months; KVK-SBR.md
  section 1: the deadlines count from the end of the financial year.
- KVK-SBR.md section 3: a financial year is named after the calendar year in which it
  begins, so the name alone does not give the period.
- KVK-SBR.md section 2 (25, "unknown KvK number"): another company's document is no
  version of this organisation's accounts; nothing of it is kept.
"""

from __future__ import annotations

from datetime import date

import pytest

from kvk.status import Status
from tests.conftest import (
    Repair,
    first_year_instance,
    instance_for,
    message_at_25,
    message_at_30,
    numbered,
)
from tests.portal.test_failed_year import _failing
from workflow.models import ApprovalMessage

pytestmark = pytest.mark.django_db

SHORT_FIRST_YEAR = (date(2025, 3, 1), date(2025, 6, 30))


def _short_first_year(client) -> ApprovalMessage:
    return message_at_30(client, content=first_year_instance(client.kvk_number, *SHORT_FIRST_YEAR))


def _period(message: ApprovalMessage) -> tuple[date | None, date | None]:
    message.refresh_from_db()
    return message.period_start, message.period_end


def test_processing_keeps_the_period_of_a_short_first_year(client_a):
    message = message_at_30(
        client_a, content=first_year_instance(client_a.kvk_number, *SHORT_FIRST_YEAR)
    )
    assert message.status == Status.IN_REVIEW, message.reasons
    assert message.financial_year == 2025
    assert _period(message) == SHORT_FIRST_YEAR


def test_a_failed_message_keeps_the_period_with_its_year(client_a):
    message = message_at_25(client_a, _failing(client_a, 2024))
    assert (message.financial_year, *_period(message)) == (
        2024,
        date(2024, 1, 1),
        date(2024, 12, 31),
    )


def test_another_companys_document_brings_no_period(client_a):
    message = message_at_25(client_a, instance_for("99999999", year=2024))
    assert message.financial_year is None
    assert _period(message) == (None, None)


def _old(message: ApprovalMessage) -> ApprovalMessage:
    """The message as processing kept it before it kept the period."""
    ApprovalMessage.objects.filter(pk=message.pk).update(period_start=None, period_end=None)
    return ApprovalMessage.objects.get(pk=message.pk)


REPAIR = Repair("repair_document_period", "period_end")


def test_the_repair_fills_the_period_of_messages_processed_before(client_a, client_b):
    short = _old(_short_first_year(client_a))
    failed = _old(message_at_25(client_a, numbered(_failing(client_a, 2024))))
    theirs = _old(message_at_25(client_b, instance_for("99999999", year=2024)))
    # A failed message with a year whose document states no period: nothing to fill.
    broken = message_at_25(client_b, b"<xbrli:xbrl>\n  <unclosed>\n")
    ApprovalMessage.objects.filter(pk=broken.pk).update(financial_year=2024)
    before = REPAIR.state()

    dry = REPAIR.run("--dry-run")
    assert "3 message(s) without period_start and period_end to examine." in dry
    assert "Dry run: examined 3, would set period_start and period_end on 2, left empty 1" in dry
    assert REPAIR.state() == before

    out = REPAIR.run()
    assert "examined 3, set period_start and period_end on 2, left empty 1" in out
    assert _period(short) == SHORT_FIRST_YEAR
    assert _period(failed) == (date(2024, 1, 1), date(2024, 12, 31))
    assert _period(theirs) == (None, None) and _period(broken) == (None, None)
    REPAIR.assert_only_field_changed(before, REPAIR.state())
    assert "examined 1, set period_start and period_end on 0, left empty 1" in REPAIR.run()
