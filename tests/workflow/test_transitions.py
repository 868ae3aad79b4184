"""Every transition of the status machine through its service: allowed (one audit event with
actor, from, to and document hash), forbidden from every other status, and refused to every
actor without permission. A refusal changes nothing and writes no event."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from django_fsm import has_transition_perm

from crm.models import Identification
from kvk.deadlines import compute_deadlines
from kvk.status import Status
from tests.workflow.conftest import YEAR, Flow, adoption_day, copy_at_30, start_workflow
from workflow import services
from workflow.errors import Conflict, Invalid, NotPermitted, WorkflowError
from workflow.models import Actor, ApprovalMessage, StatusEvent

pytestmark = pytest.mark.django_db

ALL = [s for s in Status if s >= Status.RECEIVED]
REASON = [{"code": "digipoort_unavailable", "message": "Digipoort is niet bereikbaar"}]
REPAIR_REASON = "De afkeuring was een vergissing"


@dataclass(frozen=True)
class Move:
    """One service action: the transition it performs and how to call it."""

    action: str  # the audit event's action
    source: tuple[int, ...]
    target: int
    role: str  # "system", "client" or "staff"
    call: Callable[[Flow, ApprovalMessage, Actor], Any]


def _approve(flow: Flow, message: ApprovalMessage, actor: Actor) -> Any:
    return services.approve(
        message_id=message.pk, actor=actor, document_sha256=message.document_sha256
    )


#: The deadlines of a year long past: its adoption deadline (31 July 2001) has passed, so
#: the accounts may be filed as not adopted (art. 2:394 lid 2 BW).
LONG_PAST = compute_deadlines(date(2000, 1, 1), date(2000, 12, 31))


def _approve_not_adopted(flow: Flow, message: ApprovalMessage, actor: Actor) -> Any:
    return services.approve_not_adopted(
        message_id=message.pk,
        actor=actor,
        document_sha256=message.document_sha256,
        deadlines=LONG_PAST,
    )


MOVES = {
    "claimed": Move(
        "claimed",
        (Status.RECEIVED,),
        Status.PROCESSING,
        "system",
        lambda f, m, a: services.claim_for_processing(m.pk),
    ),
    "processing_failed": Move(
        "processing_failed",
        (Status.PROCESSING,),
        Status.PROCESSING_FAILED,
        "system",
        lambda f, m, a: services.fail_processing(message_id=m.pk, reasons=REASON, findings=[]),
    ),
    "workflow_started": Move(
        "workflow_started",
        (Status.PROCESSING,),
        Status.IN_REVIEW,
        "system",
        lambda f, m, a: start_workflow(m.pk, f.workflow, year=2025),
    ),
    # A copy left at 30 from before copies were refused, while the first one received is
    # also at 30 (``_ready`` makes it; manage.py repair_copies).
    "copy_closed": Move(
        "copy_closed",
        (Status.IN_REVIEW,),
        Status.PROCESSING_FAILED,
        "system",
        lambda f, m, a: services.close_copy(message_id=m.pk) is not None or False,
    ),
    # A version the delivery stopped at 70 because the organisation's KvK number changed
    # (``_ready`` makes it), closed when a new version of its year enters the workflow
    # (workflow.services.versions); the new version's own events come with it.
    "version_superseded": Move(
        "version_superseded",
        (Status.TRANSPORT_ERROR,),
        Status.PROCESSING_FAILED,
        "system",
        lambda f, m, a: _new_version_started(f, m),
    ),
    "rejected": Move(
        "rejected",
        (Status.IN_REVIEW,),
        Status.REJECTED,
        "client",
        lambda f, m, a: services.reject(message_id=m.pk, actor=a, reason="Bedragen kloppen niet"),
    ),
    "repaired": Move(
        "repaired",
        (Status.REJECTED,),
        Status.IN_REVIEW,
        "staff",
        lambda f, m, a: services.repair(message_id=m.pk, actor=a, reason=REPAIR_REASON),
    ),
    "approved": Move("approved", (Status.IN_REVIEW,), Status.APPROVED, "client", _approve),
    "approved_not_adopted": Move(
        "approved_not_adopted", (Status.IN_REVIEW,), Status.APPROVED, "client", _approve_not_adopted
    ),
    "delivered": Move(
        "delivered",
        (Status.APPROVED, Status.TRANSPORT_ERROR),
        Status.SENT_TO_KVK,
        "system",
        lambda f, m, a: services.record_delivered(message_id=m.pk, kenmerk="KVK-42"),
    ),
    # A failed delivery attempt (50), and Digipoort ending a delivery without a verdict (60).
    "transport_error": Move(
        "transport_error",
        (Status.APPROVED,),
        Status.TRANSPORT_ERROR,
        "system",
        lambda f, m, a: services.record_transport_error(
            message_id=m.pk, reasons=REASON, retry=True, max_attempts=5
        ),
    ),
    "delivery_ended_without_verdict": Move(
        "transport_error",
        (Status.SENT_TO_KVK,),
        Status.TRANSPORT_ERROR,
        "system",
        lambda f, m, a: services.record_kvk_statuses(
            message_id=m.pk, statuses=[], outcome_status=Status.TRANSPORT_ERROR, reasons=REASON
        ),
    ),
    "filed": Move(
        "filed",
        (Status.SENT_TO_KVK,),
        Status.FILED,
        "system",
        lambda f, m, a: services.record_kvk_statuses(
            message_id=m.pk, statuses=[], outcome_status=Status.FILED, reasons=[]
        ),
    ),
    "refused_by_kvk": Move(
        "refused_by_kvk",
        (Status.SENT_TO_KVK,),
        Status.REFUSED,
        "system",
        lambda f, m, a: services.record_kvk_statuses(
            message_id=m.pk,
            statuses=[],
            outcome_status=Status.REFUSED,
            reasons=[{"code": "BR-KVK-2.01", "message": "afgekeurd"}],
        ),
    ),
}


def _new_version_started(flow: Flow, message: ApprovalMessage) -> ApprovalMessage:
    """A new version of the message's year received and taken into the workflow; returns
    the message as it is then."""
    year = message.financial_year or YEAR
    flow.start(flow.register(year=year), year=year)
    return ApprovalMessage.objects.get(pk=message.pk)


def _stopped_for_kvk_number(flow: Flow) -> ApprovalMessage:
    """An approved message whose organisation's KvK number then changed, stopped at 70 by
    the delivery for it (workflow.submission: kvk_number_changed, no attempt planned)."""
    message = flow.at(Status.APPROVED)
    Identification.objects.filter(organisation=flow.organisation, kind="kvk").update(
        value="11223344"
    )
    services.record_transport_error(
        message_id=message.pk, reasons=[{"code": "kvk_number_changed"}], retry=False
    )
    return ApprovalMessage.objects.get(pk=message.pk)


def _ready(flow: Flow, move: Move, status: int) -> ApprovalMessage:
    if move.action == "copy_closed" and status == Status.IN_REVIEW:
        return copy_at_30(flow, flow.at(status))
    if move.action == "version_superseded" and status == Status.TRANSPORT_ERROR:
        return _stopped_for_kvk_number(flow)
    message = flow.at(status)
    if move.action == "approved" and status == Status.IN_REVIEW:
        flow.adopt(message)
        message.refresh_from_db()
    return message


def _actor(move: Move, flow: Flow, staff_actor: Actor) -> Actor:
    return {
        "system": services.SYSTEM,
        "client": flow.client_actor(ip="192.0.2.55"),
        "staff": staff_actor,
    }[move.role]


def _snapshot(message: ApprovalMessage) -> tuple[int, int]:
    return (
        ApprovalMessage.objects.get(pk=message.pk).status,
        StatusEvent.objects.filter(message=message).count(),
    )


def test_the_table_covers_every_transition_of_the_model():
    model_edges = {(s, t) for s, t, _name, _label in ApprovalMessage.status_transitions()}
    table_edges = {(s, m.target) for m in MOVES.values() for s in m.source}
    assert model_edges == table_edges


@pytest.mark.parametrize(
    ("name", "source"), [(name, s) for name, m in MOVES.items() for s in m.source]
)
def test_allowed_transition_writes_one_audit_event(flow, staff_actor, name, source):
    move = MOVES[name]
    message = _ready(flow, move, source)
    actor = _actor(move, flow, staff_actor)
    before = list(StatusEvent.objects.filter(organisation=flow.organisation))

    move.call(flow, message, actor)

    message.refresh_from_db()
    assert message.status == move.target
    new = list(
        StatusEvent.objects.filter(organisation=flow.organisation).exclude(
            pk__in=[e.pk for e in before]
        )
    )
    # The events of the new version that closed the message (version_superseded).
    others = [e for e in new if e.message_id != message.pk and name == "version_superseded"]
    new = [e for e in new if e not in others]
    assert len(new) == 1
    event = new[0]
    assert (event.message_id, event.action, event.from_status, event.to_status) == (
        message.pk,
        move.action,
        source,
        move.target,
    )
    assert event.sequence == max(e.sequence for e in [*before, *others]) + 1
    assert event.actor_kind == actor.kind
    assert event.actor_user == actor.user
    assert event.ip_address == actor.ip_address
    assert event.document_sha256 == message.document_sha256
    if move.action == "repaired":  # the staff's reason for the client, on the event only
        assert event.reasons == [{"code": "repair_reason", "message": REPAIR_REASON}]
        assert message.reasons == []
    else:
        assert event.reasons == message.reasons


@pytest.mark.parametrize(
    ("name", "status"),
    [
        (name, s)
        for name, m in MOVES.items()
        for s in ALL
        if s not in m.source
        and not (name == "transport_error" and s == Status.TRANSPORT_ERROR)
        # A new version closes an older one waiting at 30 too (test_versions_at_30).
        and not (name == "version_superseded" and s == Status.IN_REVIEW)
    ],
)
def test_transition_from_a_wrong_status_is_refused_and_changes_nothing(
    flow, staff_actor, name, status
):
    move = MOVES[name]
    message = flow.at(status)
    before = _snapshot(message)
    try:
        result = move.call(flow, message, _actor(move, flow, staff_actor))
    except WorkflowError as error:
        assert isinstance(error, Conflict), error
        assert error.message
    else:
        # System services answer "not done" (False) or return the unchanged message;
        # rejecting a rejected message is the one idempotent human action.
        assert result is False or isinstance(result, ApprovalMessage)
        assert not (name == "rejected" and status != Status.REJECTED and result is not False)
    assert _snapshot(message) == before


def test_another_transport_error_at_70_is_recorded_without_a_status_change(flow):
    message = flow.at(Status.TRANSPORT_ERROR)
    before = _snapshot(message)
    assert MOVES["transport_error"].call(flow, message, services.SYSTEM) is True
    assert _snapshot(message) == (Status.TRANSPORT_ERROR, before[1] + 1)
    event = message.events.order_by("-sequence").first()
    assert (event.action, event.from_status, event.to_status) == ("transport_error", 70, 70)


def test_approve_from_a_later_status_says_it_was_already_approved(flow):
    message = flow.at(Status.SENT_TO_KVK)
    with pytest.raises(Conflict) as raised:
        _approve(flow, message, flow.client_actor())
    assert raised.value.code == "already_approved"
    # The same client approved it: in the second person, not by their own name.
    assert raised.value.message.startswith("U heeft dit bericht al goedgekeurd op ")
    assert _snapshot(message) == (Status.SENT_TO_KVK, 6)


def test_approve_without_adoption_is_a_condition_conflict(flow):
    message = flow.at(Status.IN_REVIEW)
    with pytest.raises(Conflict) as raised:
        _approve(flow, message, flow.client_actor())
    assert raised.value.code == "condition_not_met"
    assert "Jaarrekening vastgesteld" in raised.value.message
    assert _snapshot(message) == (Status.IN_REVIEW, 3)


def test_approve_of_another_document_than_shown_is_refused(flow):
    message = flow.at(Status.IN_REVIEW)
    flow.adopt(message)
    with pytest.raises(Conflict) as raised:
        services.approve(message_id=message.pk, actor=flow.client_actor(), document_sha256="0" * 64)
    assert raised.value.code == "document_changed"
    assert _snapshot(message) == (Status.IN_REVIEW, 4)


# --- without permission --------------------------------------------------------------------


def _other_actors(role: str, flow: Flow, flow_b: Flow, staff_actor, outsider_actor):
    token = Actor.for_token(organisation_id=flow.organisation.pk, label="token", ip_address=None)
    others = {
        "client of another organisation": flow_b.client_actor(),
        "staff of another environment": outsider_actor,
        "client token of the organisation": token,
        "system": services.SYSTEM,
    }
    if role == "client":
        others["staff of the environment"] = staff_actor
    else:
        others["client of the organisation"] = flow.client_actor()
    return others


HUMAN_MOVES = [name for name, m in MOVES.items() if m.role != "system"]


@pytest.mark.parametrize("name", HUMAN_MOVES)
@pytest.mark.parametrize(
    "who",
    [
        "client of another organisation",
        "staff of another environment",
        "client token of the organisation",
        "system",
        "the other role",
    ],
)
def test_transition_without_permission_is_refused_and_changes_nothing(
    flow, flow_b, staff_actor, outsider_actor, name, who
):
    move = MOVES[name]
    message = _ready(flow, move, move.source[0])
    others = _other_actors(move.role, flow, flow_b, staff_actor, outsider_actor)
    if who == "the other role":
        who = "staff of the environment" if move.role == "client" else "client of the organisation"
    before = _snapshot(message)
    with pytest.raises(NotPermitted):
        move.call(flow, message, others[who])
    assert _snapshot(message) == before


@pytest.mark.parametrize("name", [name for name in HUMAN_MOVES if MOVES[name].role == "client"])
def test_client_user_without_portal_access_has_no_permission(flow, staff_actor, name):
    move = MOVES[name]
    message = _ready(flow, move, move.source[0])
    contact = flow.client.user.client_contacts.get()
    contact.portal_access = False
    contact.save()
    with pytest.raises(NotPermitted):
        move.call(flow, message, flow.client_actor())
    assert _snapshot(message)[0] == move.source[0]


@pytest.mark.parametrize("name", [name for name, m in MOVES.items() if m.role == "system"])
def test_system_transitions_are_refused_to_people_by_the_model(
    flow, flow_b, staff_actor, outsider_actor, name
):
    """The system services take no actor; their transitions grant only the system."""
    move = MOVES[name]
    method = {
        "claimed": "claim",
        "processing_failed": "fail_processing",
        "workflow_started": "start_workflow",
        "copy_closed": "close_copy",
        "version_superseded": "close_superseded",
        "delivered": "mark_delivered",
        "transport_error": "mark_transport_error",
        "delivery_ended_without_verdict": "mark_transport_error",
        "filed": "mark_filed",
        "refused_by_kvk": "mark_refused",
    }[name]
    message = _ready(flow, move, move.source[0])
    transition = getattr(message, method)
    assert has_transition_perm(transition, services.SYSTEM)
    for actor in [flow.client_actor(), flow_b.client_actor(), staff_actor, outsider_actor]:
        assert not has_transition_perm(transition, actor)


def test_only_a_70_stopped_for_a_changed_kvk_number_may_be_closed_for_a_newer_version(flow):
    """The model's own guard (workflow.models._not_on_its_way): any other 70 may still reach
    the KvK and is never closed as a superseded version."""
    retrying = flow.at(Status.TRANSPORT_ERROR, year=YEAR - 1)  # an attempt planned
    stopped = _stopped_for_kvk_number(flow)
    assert has_transition_perm(stopped.close_superseded, services.SYSTEM)
    retrying.refresh_from_db()
    assert retrying.next_attempt_at is not None
    assert not has_transition_perm(retrying.close_superseded, services.SYSTEM)
    services.record_transport_error(
        message_id=retrying.pk, reasons=[{"code": "digipoort_authentication"}], retry=False
    )
    dead_end = ApprovalMessage.objects.get(pk=retrying.pk)  # waits for the staff
    assert dead_end.next_attempt_at is None
    assert not has_transition_perm(dead_end.close_superseded, services.SYSTEM)


# --- actions inside 30 that are not transitions ------------------------------------------------


def test_adopt_produces_the_final_document_and_an_event(flow):
    message = flow.at(Status.IN_REVIEW)
    received = message.document_sha256
    flow.adopt(message)
    message.refresh_from_db()
    assert message.adopted and message.adoption_date == adoption_day()
    assert message.document_sha256 != received
    assert b"DocumentAdoptionStatus" in bytes(message.document)
    event = message.events.order_by("-sequence").first()
    assert (event.action, event.from_status, event.to_status) == ("adopted", 30, 30)
    assert event.document_sha256 == message.document_sha256


def test_adopt_with_a_date_inside_the_financial_year_is_refused_with_a_reason(flow):
    message = flow.at(Status.IN_REVIEW)
    before = _snapshot(message)
    inside_year = date(message.financial_year, 12, 31)
    with pytest.raises(Invalid) as refused:
        services.adopt(message_id=message.pk, actor=flow.client_actor(), adoption_date=inside_year)
    assert refused.value.code == "adoption_date_in_year"
    assert "na het einde van het boekjaar" in refused.value.message
    assert _snapshot(message) == before


@pytest.mark.parametrize("status", [s for s in ALL if s != Status.IN_REVIEW])
def test_adopt_outside_review_is_refused(flow, status):
    message = flow.at(status)
    before = _snapshot(message)
    with pytest.raises(Conflict):
        flow.adopt(message)
    assert _snapshot(message) == before


def test_adopt_by_another_organisations_client_or_staff_is_refused(
    flow, flow_b, staff_actor, outsider_actor
):
    message = flow.at(Status.IN_REVIEW)
    for actor in [flow_b.client_actor(), staff_actor, outsider_actor]:
        with pytest.raises(NotPermitted):
            services.adopt(message_id=message.pk, actor=actor, adoption_date=adoption_day())
    assert _snapshot(message) == (Status.IN_REVIEW, 3)


def test_unknown_message_is_not_permitted(flow):
    with pytest.raises(NotPermitted) as raised:
        services.reject(message_id=999999, actor=flow.client_actor(), reason="x")
    assert raised.value.code == "not_found"


def test_repair_without_a_reason_is_refused_and_changes_nothing(flow, staff_actor):
    """The client rejected this very document: putting it back needs a reason it can read."""
    message = flow.at(Status.REJECTED)
    count = message.events.count()
    with pytest.raises(Invalid) as refused:
        services.repair(message_id=message.pk, actor=staff_actor, reason="   ")
    assert refused.value.code == "repair_reason_required"
    message.refresh_from_db()
    assert message.status == Status.REJECTED and message.events.count() == count
