"""Workflow definitions: required actions, roles, and the optional accountant review
before the client sees the message."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from connectors.models import MessageType
from kvk.status import Status
from tests import factories
from tests.workflow.conftest import events
from workflow import selectors, services
from workflow.errors import Conflict, NotPermitted
from workflow.models import WorkflowDefinition, WorkflowTask

pytestmark = pytest.mark.django_db


def _workflow(environment, *actions, review=False) -> WorkflowDefinition:
    workflow = WorkflowDefinition.objects.create(
        environment=environment, name="Test", accountant_review=review
    )
    for position, action in enumerate(actions):
        WorkflowTask.objects.create(
            definition=workflow,
            name=str(action.label),
            role=WorkflowTask.ROLE_OF_ACTION[action],
            action=action,
            position=position,
        )
    return workflow


@pytest.mark.parametrize(
    ("actions", "missing"),
    [
        ((), ["Goedkeuren bericht", "Afkeuren bericht"]),
        ((WorkflowTask.Action.APPROVE,), ["Afkeuren bericht"]),
        ((WorkflowTask.Action.REJECT, WorkflowTask.Action.ADOPT), ["Goedkeuren bericht"]),
        ((WorkflowTask.Action.APPROVE, WorkflowTask.Action.REJECT), []),
    ],
)
def test_missing_required_actions(environment, actions, missing):
    assert _workflow(environment, *actions).missing_required_actions() == missing


def test_workflow_without_the_required_actions_cannot_be_linked_to_a_message_type(environment):
    incomplete = _workflow(environment, WorkflowTask.Action.APPROVE)
    message_type = MessageType(environment=environment, code="x", name="X", workflow=incomplete)
    with pytest.raises(ValidationError) as raised:
        message_type.full_clean()
    assert "Afkeuren bericht" in str(raised.value.message_dict["workflow"])

    complete = _workflow(environment, WorkflowTask.Action.APPROVE, WorkflowTask.Action.REJECT)
    message_type.workflow = complete
    message_type.full_clean()  # no error


def test_workflow_of_another_environment_cannot_be_linked(environment):
    other = _workflow(
        factories.EnvironmentFactory(), WorkflowTask.Action.APPROVE, WorkflowTask.Action.REJECT
    )
    message_type = MessageType(environment=environment, code="x", name="X", workflow=other)
    with pytest.raises(ValidationError):
        message_type.full_clean()


def test_a_workflow_that_lost_a_required_action_sends_messages_to_25(flow):
    flow.workflow.tasks.filter(action=WorkflowTask.Action.REJECT).delete()
    message = flow.register()
    assert flow.start(message) is False
    message.refresh_from_db()
    assert message.status == Status.PROCESSING_FAILED
    assert message.reasons[0]["code"] == "workflow_unavailable"
    assert "Afkeuren bericht" in message.reasons[0]["message"]


@pytest.mark.parametrize(
    ("action", "role", "valid"),
    [
        (WorkflowTask.Action.APPROVE, WorkflowTask.Role.CLIENT, True),
        (WorkflowTask.Action.APPROVE, WorkflowTask.Role.ACCOUNTANT, False),
        (WorkflowTask.Action.REJECT, WorkflowTask.Role.ACCOUNTANT, False),
        (WorkflowTask.Action.REVIEW, WorkflowTask.Role.ACCOUNTANT, True),
        (WorkflowTask.Action.REVIEW, WorkflowTask.Role.CLIENT, False),
    ],
)
def test_task_role_must_fit_its_action(environment, action, role, valid):
    task = WorkflowTask(
        definition=_workflow(environment), name="t", role=role, action=action, position=0
    )
    if valid:
        task.full_clean()
    else:
        with pytest.raises(ValidationError):
            task.full_clean()


def test_is_linked(environment, message_type):
    assert message_type.workflow.is_linked()
    assert not _workflow(environment).is_linked()


# --- the optional accountant review ------------------------------------------------------------


@pytest.fixture
def reviewed(environment):
    return factories.make_workflow(environment, accountant_review=True)


@pytest.mark.parametrize("how", ["flag", "task"])
def test_accountant_review_hides_the_message_from_the_client_until_done(
    flow, staff_actor, environment, how
):
    if how == "flag":
        workflow = factories.make_workflow(environment, accountant_review=True)
    else:
        workflow = _workflow(
            environment,
            WorkflowTask.Action.REVIEW,
            WorkflowTask.Action.ADOPT,
            WorkflowTask.Action.APPROVE,
            WorkflowTask.Action.REJECT,
        )
    message = flow.at(Status.IN_REVIEW, workflow=workflow)
    assert message.awaiting_accountant_review is True
    client_user = flow.client.user
    assert selectors.message_for(client_user, message.pk) is None
    assert selectors.message_for(staff_actor.user, message.pk) == message

    for attempt in (
        lambda: flow.adopt(message),
        lambda: services.reject(message_id=message.pk, actor=flow.client_actor(), reason="x"),
    ):
        with pytest.raises(Conflict) as raised:
            attempt()
        assert raised.value.code == "awaiting_accountant_review"
    with pytest.raises(NotPermitted):
        services.complete_accountant_review(message_id=message.pk, actor=flow.client_actor())
    assert events(message)[-1] == ("workflow_started", 20, 30)

    services.complete_accountant_review(message_id=message.pk, actor=staff_actor)

    message.refresh_from_db()
    assert message.awaiting_accountant_review is False and message.status == Status.IN_REVIEW
    event = message.events.order_by("-sequence").first()
    assert (event.action, event.from_status, event.to_status, event.actor_user) == (
        "accountant_reviewed",
        30,
        30,
        staff_actor.user,
    )
    assert selectors.message_for(client_user, message.pk) == message
    flow.adopt(message)
    flow.approve(message)
    message.refresh_from_db()
    assert message.status == Status.APPROVED


def test_review_by_staff_of_another_environment_is_refused(flow, reviewed, outsider_actor):
    message = flow.at(Status.IN_REVIEW, workflow=reviewed)
    with pytest.raises(NotPermitted):
        services.complete_accountant_review(message_id=message.pk, actor=outsider_actor)
    message.refresh_from_db()
    assert message.awaiting_accountant_review is True


def test_review_twice_or_without_review_is_a_conflict(flow, reviewed, staff_actor):
    message = flow.at(Status.IN_REVIEW, workflow=reviewed)
    services.complete_accountant_review(message_id=message.pk, actor=staff_actor)
    count = message.events.count()
    with pytest.raises(Conflict):
        services.complete_accountant_review(message_id=message.pk, actor=staff_actor)
    plain = flow.at(Status.IN_REVIEW, year=message.financial_year - 1)
    with pytest.raises(Conflict):
        services.complete_accountant_review(message_id=plain.pk, actor=staff_actor)
    assert message.events.count() == count


def test_without_review_the_client_sees_the_message_at_once(flow):
    message = flow.at(Status.IN_REVIEW)
    assert message.awaiting_accountant_review is False
    assert selectors.message_for(flow.client.user, message.pk) == message
