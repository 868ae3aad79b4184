"""Attempts and polls in the corners: the staff's "checked: not delivered" counts for one
attempt only, staff actions wait for a running attempt, failing status requests back off
and reach the staff, a late poll changes nothing, and no message at 60 is left unpolled."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from kvk.digipoort.client import DigipoortStatus
from kvk.digipoort.outcome import Attention, outcome
from kvk.status import Status
from workflow import services, submission
from workflow.errors import Conflict, Invalid
from workflow.models import Actor, ApprovalMessage

pytestmark = pytest.mark.django_db


def at_70(message: ApprovalMessage, **fields) -> ApprovalMessage:
    """Put an approved message at 70 after a failed attempt that asked for no retry."""
    assert services.claim_for_submission(message.pk) is not None
    services.record_transport_error(
        message_id=message.pk,
        reasons=[{"code": "delivery_uncertain", "message": "?"}],
        retry=False,
    )
    ApprovalMessage.objects.filter(pk=message.pk).update(**fields)
    message.refresh_from_db()
    assert message.status == Status.TRANSPORT_ERROR
    return message


def due(message: ApprovalMessage) -> None:
    ApprovalMessage.objects.filter(pk=message.pk).update(
        next_attempt_at=timezone.now() - timedelta(seconds=1)
    )


def test_checked_not_delivered_counts_for_one_attempt_only(approved, staff):
    message = at_70(approved())
    services.resend(message_id=message.pk, actor=Actor.for_user(staff), checked_not_delivered=True)
    first = services.claim_for_submission(message.pk)
    assert first is not None and first.checked_not_delivered and first.attempts_before == 1
    # That attempt fails with a timeout: the automatic retry asks Digipoort again.
    services.record_transport_error(
        message_id=message.pk, reasons=[{"code": "digipoort_unreachable"}], retry=True
    )
    due(message)
    second = services.claim_for_submission(message.pk)
    assert second is not None and not second.checked_not_delivered


def test_staff_cannot_resend_while_an_attempt_runs(approved, staff):
    message = at_70(approved())
    due(message)
    assert services.claim_for_submission(message.pk) is not None  # an attempt talks now
    with pytest.raises(Conflict) as running:
        services.resend(message_id=message.pk, actor=Actor.for_user(staff))
    assert running.value.code == "attempt_running"
    with pytest.raises(Conflict):
        services.record_delivery(message_id=message.pk, actor=Actor.for_user(staff), kenmerk="k1")


def test_a_second_resend_before_the_first_ran_is_refused(approved, staff):
    message = at_70(approved())
    services.resend(message_id=message.pk, actor=Actor.for_user(staff))
    message.refresh_from_db()
    assert message.next_attempt_at is not None, "due at once, so the sweeper covers a lost task"
    with pytest.raises(Conflict) as queued:
        services.resend(message_id=message.pk, actor=Actor.for_user(staff))
    assert queued.value.code == "resend_queued"
    assert message.events.filter(action="resend").count() == 1


def test_a_kenmerk_of_another_message_is_refused(approved, staff):
    other = approved(year=timezone.now().year - 2)
    ApprovalMessage.objects.filter(pk=other.pk).update(digipoort_kenmerk="al-in-gebruik")
    message = at_70(approved())
    with pytest.raises(Invalid) as taken:
        services.record_delivery(
            message_id=message.pk, actor=Actor.for_user(staff), kenmerk="al-in-gebruik"
        )
    assert taken.value.code == "kenmerk_taken"
    message.refresh_from_db()
    assert message.status == Status.TRANSPORT_ERROR


def test_an_attempt_that_recorded_no_outcome_counts_as_the_last_attempt(approved):
    """not_this_messages_delivery without an echoed aanleverkenmerk: the delivery must have
    begun by the message's last attempt plus the 5 minutes' allowance (CLOCK_TOLERANCE).
    The last attempt is its last transport error, or a later attempt that recorded no
    outcome (its worker died after sending: delivery_started_at stays set)."""

    def began(at):
        return [DigipoortStatus(100, at, "Aanleveren gelukt")]

    message = approved()
    assert submission.last_attempt_at(message) is None  # no attempt yet: no upper bound
    message = at_70(message)
    failed = message.events.get(action="transport_error").created_at
    assert submission.last_attempt_at(message) == failed
    assert submission.not_this_messages_delivery(message, began(failed + timedelta(minutes=6)))
    started = failed + timedelta(hours=1)
    message.delivery_started_at = started
    assert submission.last_attempt_at(message) == started
    for minutes, why in [(4, ""), (6, submission.LATER)]:
        statuses = began(started + timedelta(minutes=minutes))
        assert submission.not_this_messages_delivery(message, statuses) == why


def test_failing_status_requests_back_off_and_reach_the_staff(
    approved, digipoort_stub, digipoort_settings, settings, django_capture_on_commit_callbacks
):
    message = approved()
    assert submission.submit(message.pk) == "delivered"
    ApprovalMessage.objects.filter(pk=message.pk).update(digipoort_kenmerk="weg-bij-digipoort")
    moment = timezone.now()
    waits = []
    for _ in range(services.POLL_FAILURES_FOR_ATTENTION):
        moment += timedelta(hours=2)
        with django_capture_on_commit_callbacks(execute=True):
            assert submission.poll_due(now=moment) == 1
        message.refresh_from_db()
        waits.append((message.next_poll_at - moment).total_seconds())
    assert waits == sorted(waits) and waits[-1] > waits[0], "the schedule's back-off"
    assert message.status == Status.SENT_TO_KVK
    assert message.attention_code == "status_unavailable"
    assert "130" in message.attention_detail  # the local Digipoort's "kenmerk onbekend"
    assert message.events.filter(action="kvk_attention").count() == 1


def test_a_message_at_60_without_a_poll_time_is_polled(
    approved, digipoort_stub, digipoort_settings
):
    message = approved()
    assert submission.submit(message.pk) == "delivered"
    # Delivered by a worker of an earlier version, after the migration: no next-poll time.
    ApprovalMessage.objects.filter(pk=message.pk).update(next_poll_at=None)
    digipoort_stub.set_clock(60)
    assert submission.poll_due(now=timezone.now() + timedelta(seconds=60)) == 1
    message.refresh_from_db()
    assert message.status == Status.FILED


def test_a_late_poll_does_not_replace_the_deciding_timeline(
    approved, digipoort_stub, digipoort_settings
):
    message = approved()
    submission.submit(message.pk)
    digipoort_stub.set_clock(60)
    submission.poll_due(now=timezone.now() + timedelta(seconds=60))
    message.refresh_from_db()
    assert message.status == Status.FILED
    deciding = message.digipoort_statuses
    services.record_kvk_statuses(
        message_id=message.pk,
        statuses=deciding[:2],
        outcome_status=None,
        reasons=[],
        kenmerk=message.digipoort_kenmerk,
    )
    message.refresh_from_db()
    assert message.digipoort_statuses == deciding


def test_a_final_error_reported_by_the_poll_sends_the_next_attempt_without_asking(
    approved, digipoort_stub, digipoort_settings
):
    """Digipoort ended that delivery itself (410): asking whether it arrived could not tell
    it from a new one, so the one next attempt sends at once."""
    message = approved()
    digipoort_stub.set_faults(scenarios={message.organisation.kvk_number: "delivery_failed"})
    submission.submit(message.pk)
    digipoort_stub.set_clock(60)
    submission.poll_due(now=timezone.now() + timedelta(seconds=60))
    message.refresh_from_db()
    assert message.status == Status.TRANSPORT_ERROR and message.resend_checked
    digipoort_stub.set_faults(scenarios={})
    due(message)
    asked = digipoort_stub.stats()["operations"]["getProcessen"]
    assert asked == 1  # the first attempt asked (workflow.submission.submit)
    assert submission.submit(message.pk) == "delivered"
    assert digipoort_stub.stats()["operations"]["getProcessen"] == asked


def test_no_verdict_counts_from_the_delivery_whatever_the_last_status():
    sent = timezone.now() - timedelta(hours=30)
    stuck = [DigipoortStatus(code=405, timestamp=sent, description="bezig")]
    result = outcome(stuck, now=timezone.now(), no_verdict_after=timedelta(hours=24), sent_at=sent)
    assert result.attention is Attention.NO_VERDICT and result.status == Status.SENT_TO_KVK
    empty = outcome([], now=timezone.now(), no_verdict_after=timedelta(hours=24), sent_at=sent)
    assert empty.attention is Attention.NO_VERDICT


@pytest.mark.parametrize("checked", [False, True])
def test_a_resend_is_recorded_without_the_failure_that_left_the_message_at_70(
    approved, staff, checked
):
    """The timeline, Activiteit and its CSV showed "Opnieuw verzonden door een medewerker"
    with "Verzenden naar de KvK is niet gelukt…", as if the resend had failed; the failure
    stays with the event that brought the message to 70, and with the message itself."""
    message = at_70(approved())
    services.resend(
        message_id=message.pk, actor=Actor.for_user(staff), checked_not_delivered=checked
    )
    message.refresh_from_db()
    event = message.events.get(action="resend_checked" if checked else "resend")
    assert event.reasons == []
    assert message.status == Status.TRANSPORT_ERROR and message.reasons
