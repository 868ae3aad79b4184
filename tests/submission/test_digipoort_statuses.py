"""Every status Digipoort documents for this berichtsoort lands where Logius says, through
the real client, the local Digipoort's scenarios and our poll schedule.

Source of the expectations: Logius, "Statussen en foutcodes Digipoort" (v1.6, 2022), the
table of statuses with "einde ja/nee": 210 and 230 end the process at authentication, 311
ends it at validation (the document is refused), 321 and 410 end it with a technical
problem, 420 means Digipoort retries delivery to the KvK for 72 hours and then stays 420
with foutcode AFS600. 500/510 are the receiving party's (KvK) verdict as Digipoort's
conformance environment words it. The expected outcomes below are written out here from
that text, not read from kvk.digipoort.outcome.CODES.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from kvk.status import Status
from workflow import signals, submission
from workflow.models import ApprovalMessage

pytestmark = pytest.mark.django_db

HOUR = 3600.0


def at(stub, message: ApprovalMessage, seconds: float) -> ApprovalMessage:
    """Move both clocks (the local Digipoort's and ours) to ``seconds`` after the delivery,
    run the periodic poll as beat would, and return the message as it then is."""
    stub.set_clock(seconds)
    submission.poll_due(now=timezone.now() + timedelta(seconds=seconds))
    message.refresh_from_db()
    return message


def delivered(approved, stub, scenario: str) -> ApprovalMessage:
    message = approved()
    stub.set_faults(scenarios={message.organisation.kvk_number: scenario})
    assert submission.submit(message.pk) == "delivered"
    message.refresh_from_db()
    assert message.status == Status.SENT_TO_KVK and message.next_poll_at is not None
    return message


# scenario -> (status a minute after the delivery, or after the wait named, and whether an
# automatic new delivery is planned for a 70)
FINAL_AT_ONCE = {
    "normal": Status.FILED,
    "validation_failed": Status.REFUSED,  # 311: einde ja, the document is refused
    "auth_failed": Status.TRANSPORT_ERROR,  # 210: einde ja, the sender was not authorised
    "ausp_problem": Status.TRANSPORT_ERROR,  # 230: einde ja, technical (AuSP)
    "validation_technical": Status.TRANSPORT_ERROR,  # 321: einde ja, technical
    "delivery_failed": Status.TRANSPORT_ERROR,  # 410: einde ja, not delivered to the KvK
}
SENT_AGAIN_BY_ITSELF = {"ausp_problem", "validation_technical", "delivery_failed"}


@pytest.mark.parametrize("scenario", sorted(FINAL_AT_ONCE))
def test_final_statuses(
    scenario, approved, digipoort_stub, digipoort_settings, django_capture_on_commit_callbacks
):
    dead_ends: list[int] = []
    signals.retries_exhausted.connect(
        lambda sender, pk, **kw: dead_ends.append(pk), weak=False, dispatch_uid=scenario
    )
    try:
        message = delivered(approved, digipoort_stub, scenario)
        with django_capture_on_commit_callbacks(execute=True):
            message = at(digipoort_stub, message, 60)
    finally:
        signals.retries_exhausted.disconnect(dispatch_uid=scenario)
    assert message.status == FINAL_AT_ONCE[scenario]
    assert message.next_poll_at is None, "a final status ends the polling"
    if message.status == Status.TRANSPORT_ERROR:
        assert message.reasons and message.reasons[0]["message"]
        assert "detail" in message.reasons[0], "the raw Digipoort status stays for the staff"
        by_itself = message.next_attempt_at is not None
        assert by_itself == (scenario in SENT_AGAIN_BY_ITSELF)
        # A 70 nothing automatic follows is announced to the staff (e-mail, dashboard).
        assert dead_ends == ([] if by_itself else [message.pk])


def test_420_that_recovers_keeps_waiting_then_files(approved, digipoort_stub, digipoort_settings):
    message = delivered(approved, digipoort_stub, "retry_420_recovers")
    assert at(digipoort_stub, message, 60).status == Status.SENT_TO_KVK
    waiting = at(digipoort_stub, message, 5 * HOUR)
    assert waiting.status == Status.SENT_TO_KVK and not waiting.attention_code
    assert 420 in [s["code"] for s in waiting.digipoort_statuses]
    assert at(digipoort_stub, message, 11 * HOUR).status == Status.FILED


def test_420_ends_after_72_hours_as_a_transport_error(approved, digipoort_stub, digipoort_settings):
    message = delivered(approved, digipoort_stub, "retry_420_ends")
    assert at(digipoort_stub, message, 71 * HOUR).status == Status.SENT_TO_KVK
    ended = at(digipoort_stub, message, 73 * HOUR)
    assert ended.status == Status.TRANSPORT_ERROR
    assert ended.reasons[0]["code"] == "kvk_not_delivered"
    assert "AFS600" in ended.reasons[0]["detail"]
    assert ended.next_attempt_at is not None, "Digipoort gave up: we send a new delivery"


def test_unknown_code_is_put_before_the_staff_and_still_followed(
    approved, digipoort_stub, digipoort_settings
):
    message = delivered(approved, digipoort_stub, "unknown_code")
    odd = at(digipoort_stub, message, 60)
    assert odd.status == Status.SENT_TO_KVK
    assert odd.attention_code == "unknown_status"
    assert "999" in odd.attention_detail
    assert odd.next_poll_at is not None, "never waits silently: it is still polled"
    assert [e.action for e in odd.events.order_by("sequence")][-1] == "kvk_attention"
    # Asked again later: no second attention event for the same finding.
    at(digipoort_stub, message, 2 * HOUR)
    assert odd.events.filter(action="kvk_attention").count() == 1
    filed = at(digipoort_stub, message, 49 * HOUR)
    assert filed.status == Status.FILED and not filed.attention_code


def test_kvk_that_never_answers_is_put_before_the_staff(
    approved, digipoort_stub, digipoort_settings, settings
):
    settings.KVK_NO_VERDICT_ATTENTION_HOURS = 24
    message = delivered(approved, digipoort_stub, "silent")
    assert not at(digipoort_stub, message, 23 * HOUR).attention_code
    late = at(digipoort_stub, message, 25 * HOUR)
    assert late.status == Status.SENT_TO_KVK
    assert late.attention_code == "no_verdict" and late.next_poll_at is not None


def test_slow_kvk_is_followed_until_its_verdict(approved, digipoort_stub, digipoort_settings):
    message = delivered(approved, digipoort_stub, "kvk_slow")
    assert at(digipoort_stub, message, 3 * HOUR).status == Status.SENT_TO_KVK
    assert at(digipoort_stub, message, 7 * HOUR).status == Status.FILED


def test_a_dead_end_70_is_sent_again_by_the_staff_and_filed_once(
    approved, digipoort_stub, digipoort_settings, staff
):
    """210 (authentication failed) stops everything automatic; once the certificate is in
    order, "Opnieuw verzenden" delivers a new attempt that ends at 80."""
    from workflow import services
    from workflow.models import Actor

    message = delivered(approved, digipoort_stub, "auth_failed")
    message = at(digipoort_stub, message, 60)
    assert message.status == Status.TRANSPORT_ERROR and message.next_attempt_at is None
    digipoort_stub.set_faults(scenarios={})
    services.resend(message_id=message.pk, actor=Actor.for_user(staff))
    assert submission.submit(message.pk) == "delivered"
    message.refresh_from_db()
    message = at(digipoort_stub, message, 120)
    assert message.status == Status.FILED
    counts = digipoort_stub.counts()
    assert sum(counts.values()) == 2, "the refused attempt and the new one, nothing more"
    actions = [e.action for e in message.events.order_by("sequence")]
    assert actions[-4:] == ["transport_error", "resend", "delivered", "filed"]
