"""The accountant overrides the size-class warning (art. 2:395a and 2:396 BW) with a reason:
one audit event with the reason, no status change; staff of the organisation only, before
the approval, and only when the document's figures ask for it."""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from functools import cache

import pytest

from kvk import sizeclass
from kvk.builder import build_instance
from kvk.statements import demo_statements
from kvk.status import Status
from tests.workflow.conftest import YEAR, events
from workflow import selectors, services
from workflow.errors import Conflict, Invalid, NotPermitted
from workflow.models import Actor, StatusEvent

pytestmark = pytest.mark.django_db

REASON = "Gemiddeld 4 werknemers; 2023 viel nog binnen micro (zie dossier)."


@cache
def too_large_for_micro(kvk_number: str, year: int = YEAR) -> bytes:
    """The demo micro filing with every amount times ten: assets EUR 1,200,450 and
    1,107,800, net turnover EUR 1,843,000 and 1,712,500; above art. 2:395a BW's EUR 450,000
    and EUR 900,000 on both balance sheet dates (the sums still add up)."""
    statements = demo_statements(kvk_number=kvk_number, legal_name="Test B.V.", year=year)

    def times_ten(amounts):
        return {
            name: tuple(None if v is None else v * 10 for v in pair)
            for name, pair in amounts.items()
        }

    return build_instance(
        dataclasses.replace(
            statements,
            balance=times_ten(statements.balance),
            profit_loss=times_ten(statements.profit_loss),
        )
    )


@pytest.fixture
def warned(flow):
    """A message at 30 whose figures do not support micro."""
    message = flow.register(content=too_large_for_micro(flow.client.kvk_number))
    assert flow.start(message)
    message.refresh_from_db()
    return message


def test_the_document_figures_do_not_support_micro(warned):
    check = selectors.size_class_check(warned)
    assert check.declared == "micro" and check.warning
    assert check.years[0].assets == Decimal(1_200_450)
    assert check.years[0].turnover == Decimal(1_843_000)
    # Not in the instance: NT19's concept for it is not in the extract.
    assert check.years[0].employees is None
    assert check.supported_class == "klein"


def test_the_demo_document_fits_micro(flow):
    message = flow.at(Status.IN_REVIEW)
    assert selectors.size_class_check(message).outcome == sizeclass.SUPPORTED


def test_staff_override_writes_one_audit_event_with_the_reason(warned, staff_actor):
    before = events(warned)
    services.override_size_class_warning(
        message_id=warned.pk, actor=staff_actor, reason=f"  {REASON}  "
    )
    warned.refresh_from_db()
    assert warned.status == Status.IN_REVIEW  # no status change
    assert events(warned) == [*before, ("size_class_overridden", 30, 30)]
    event = selectors.size_class_override(warned)
    assert event.reasons == [{"code": "size_class_override", "message": REASON}]
    assert event.actor_kind == Actor.Kind.STAFF and event.actor_user == staff_actor.user
    assert event.ip_address == "198.51.100.7"
    assert event.document_sha256 == warned.document_sha256
    timeline = selectors.timeline(warned, for_staff=True)
    entry = next(e for e in timeline if e.title == "Waarschuwing grootteklasse terzijde gelegd")
    assert entry.reasons[0]["message"] == REASON and not entry.changes_status


def test_a_second_override_changes_nothing(warned, staff_actor):
    services.override_size_class_warning(message_id=warned.pk, actor=staff_actor, reason=REASON)
    services.override_size_class_warning(message_id=warned.pk, actor=staff_actor, reason="Anders")
    assert StatusEvent.objects.filter(message=warned, action="size_class_overridden").count() == 1


def test_a_client_cannot_override(warned, flow):
    with pytest.raises(NotPermitted):
        services.override_size_class_warning(
            message_id=warned.pk, actor=flow.client_actor(), reason=REASON
        )
    assert selectors.size_class_override(warned) is None


def test_staff_of_another_environment_cannot_override(warned, outsider_actor):
    with pytest.raises(NotPermitted):
        services.override_size_class_warning(
            message_id=warned.pk, actor=outsider_actor, reason=REASON
        )
    assert selectors.size_class_override(warned) is None


def test_the_reason_is_required(warned, staff_actor):
    with pytest.raises(Invalid):
        services.override_size_class_warning(message_id=warned.pk, actor=staff_actor, reason=" ")
    with pytest.raises(Invalid):
        services.override_size_class_warning(
            message_id=warned.pk, actor=staff_actor, reason="x" * 2001
        )
    assert selectors.size_class_override(warned) is None


def test_no_warning_nothing_to_override(flow, staff_actor):
    message = flow.at(Status.IN_REVIEW)
    with pytest.raises(Conflict) as raised:
        services.override_size_class_warning(
            message_id=message.pk, actor=staff_actor, reason=REASON
        )
    assert raised.value.code == "no_size_class_warning"
    assert selectors.size_class_override(message) is None


def test_after_approval_it_is_too_late(warned, flow, staff_actor):
    flow.adopt(warned)
    flow.approve(warned)
    with pytest.raises(Conflict) as raised:
        services.override_size_class_warning(message_id=warned.pk, actor=staff_actor, reason=REASON)
    assert raised.value.code == "status_conflict"


def test_a_rejected_message_can_still_be_overridden(warned, flow, staff_actor):
    services.reject(message_id=warned.pk, actor=flow.client_actor(), reason="Klopt niet")
    services.override_size_class_warning(message_id=warned.pk, actor=staff_actor, reason=REASON)
    warned.refresh_from_db()
    assert warned.status == Status.REJECTED
    assert selectors.size_class_override(warned) is not None
