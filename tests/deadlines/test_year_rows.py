"""Where a financial year stands against its filing deadline (deadlines.selectors), when
the year has more than one message.

Anchored in KVK-SBR.md section 1: "A filed document is never removed. A correction is a new
filing" (heraanlevering); the deadline is met by filing the adopted accounts (filing is due
within 8 days after adoption and in any case within 12 months after year end).
"""

from __future__ import annotations

from datetime import date

import pytest
from django.core import mail

from crm.models import Organisation
from deadlines import reminders, selectors
from kvk.status import Status
from tests import factories
from tests.deadlines.conftest import at_noon, facts, make_message
from workflow.models import ApprovalMessage

pytestmark = pytest.mark.django_db

ADOPTED = date(2026, 3, 1)


def _row(org, *, today: date):
    (row,) = selectors.year_rows(Organisation.objects.filter(pk=org.pk), 2025, today=today)
    return row


def _correction(org, status: int) -> ApprovalMessage:
    message = make_message(org, year=2025, status=status, adopted_on=ADOPTED)
    ApprovalMessage.objects.filter(pk=message.pk).update(resubmission=True)
    return message


@pytest.mark.parametrize(
    "correction_status", [Status.IN_REVIEW, Status.REJECTED, Status.REFUSED, Status.SENT_TO_KVK]
)
def test_a_correction_after_the_adopted_filing_leaves_the_year_filed(org, correction_status):
    filed = make_message(org, year=2025, status=Status.FILED, adopted_on=ADOPTED)
    _correction(org, correction_status)
    row = _row(org, today=date(2026, 9, 1))  # after the filing deadline of 9 March 2026
    assert row.situation == selectors.Situation.FILED
    assert row.message.pk == filed.pk
    assert not row.at_risk and not row.overdue
    assert row.deadlines.filing == date(2026, 3, 9)


def test_the_adopted_accounts_after_a_filing_not_adopted_are_still_watched(org):
    # A filing of accounts not (yet) adopted is followed by the adopted accounts (tweede
    # aanlevering): the newer message is the one that counts.
    make_message(org, year=2025, status=Status.FILED)
    second = make_message(org, year=2025, status=Status.IN_REVIEW)
    row = _row(org, today=date(2026, 7, 1))
    assert row.message.pk == second.pk
    assert row.situation == selectors.Situation.WAITING_FOR_CLIENT and row.at_risk


def test_without_a_filing_the_latest_message_counts(org):
    make_message(org, year=2025, status=Status.REFUSED, adopted_on=ADOPTED)
    latest = make_message(org, year=2025, status=Status.IN_REVIEW)
    row = _row(org, today=date(2026, 7, 1))
    assert row.message.pk == latest.pk and row.situation == selectors.Situation.WAITING_FOR_CLIENT


@pytest.mark.usefixtures("reminder_schedule")
def test_no_escalation_for_a_filed_year_while_its_correction_waits(
    org, environment, django_capture_on_commit_callbacks
):
    factories.StaffFactory(environment=environment, user__email="eva@kantoor.nl")
    make_message(org, year=2025, status=Status.FILED, adopted_on=ADOPTED)
    _correction(org, Status.IN_REVIEW)
    with django_capture_on_commit_callbacks(execute=True):
        # 4 days before the filing deadline of 9 March 2026 (adopted 1 March + 8 days)
        assert reminders.send_staff_escalations(today=date(2026, 3, 5)) == 0
    assert mail.outbox == []


# --- all shareholders are directors: signing is adoption -------------------------------------
# KVK-SBR.md section 1: "If all shareholders are also directors, signing counts as adoption";
# "filing is due within 8 days after adoption".


def _signed(org, *, status=Status.IN_REVIEW, signed_on=date(2026, 3, 1)) -> ApprovalMessage:
    message = make_message(org, year=2025, status=status)
    ApprovalMessage.objects.filter(pk=message.pk).update(signed_on=signed_on)
    return message


def test_the_signing_date_starts_the_eight_days_when_all_shareholders_are_directors(org):
    facts(org, all_directors=True)
    _signed(org)
    row = _row(org, today=date(2026, 3, 5))
    assert row.deadlines.filing == date(2026, 3, 9) and row.days_left == 4


def test_the_signing_date_changes_nothing_when_the_shareholders_adopt(org):
    _signed(org)
    assert _row(org, today=date(2026, 3, 5)).deadlines.filing == date(2026, 8, 8)


def test_a_later_adoption_recorded_in_the_workflow_does_not_move_a_missed_deadline(org):
    facts(org, all_directors=True)
    message = _signed(org)
    # Every director signed on 1 March: filing was due on 9 March. Ticking "Jaarrekening
    # vastgesteld" in December does not give the year until 9 December.
    ApprovalMessage.objects.filter(pk=message.pk).update(
        adopted=True, adoption_date=date(2026, 12, 1)
    )
    row = _row(org, today=date(2026, 12, 2))
    assert row.deadlines.filing == date(2026, 3, 9)
    assert row.overdue and row.days_left < 0


@pytest.mark.usefixtures("reminder_schedule")
def test_the_client_reminder_names_the_deadline_from_the_signing_date(
    org, django_capture_on_commit_callbacks
):
    facts(org, all_directors=True)
    factories.ContactFactory(organisation=org, name="Anna", email="anna@example.nl")
    message = _signed(org)
    ApprovalMessage.objects.filter(pk=message.pk).update(
        status_changed_at=at_noon(date(2026, 3, 2))
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders.send_client_reminders(now=at_noon(date(2026, 3, 5))) == 1
    (email,) = mail.outbox
    assert "verloopt op 9 maart 2026" in email.body
