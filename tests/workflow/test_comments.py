"""Comments between client and accountant on a message."""

from __future__ import annotations

import pytest

from kvk.status import Status
from workflow import services
from workflow.errors import Invalid, NotPermitted
from workflow.models import Actor, Comment, StatusEvent

pytestmark = pytest.mark.django_db


def _state(message):
    message.refresh_from_db()
    return message.status, StatusEvent.objects.filter(message=message).count()


@pytest.mark.parametrize(
    "status", [Status.IN_REVIEW, Status.REJECTED, Status.FILED, Status.REFUSED]
)
def test_client_and_staff_comment_at_any_status_without_an_audit_event(flow, staff_actor, status):
    message = flow.at(status)
    before = _state(message)
    question = services.add_comment(
        message_id=message.pk, actor=flow.client_actor(), text="  Klopt de post debiteuren?  "
    )
    answer = services.add_comment(
        message_id=message.pk, actor=staff_actor, text="Ja, gecontroleerd."
    )
    assert list(message.comments.values_list("text", "author_kind", "author")) == [
        ("Klopt de post debiteuren?", Actor.Kind.CLIENT_USER, flow.client.user.pk),
        ("Ja, gecontroleerd.", Actor.Kind.STAFF, staff_actor.user.pk),
    ]
    assert question.pk and answer.pk
    assert _state(message) == before


@pytest.mark.parametrize(
    "who", ["client of another organisation", "staff of another environment", "token", "system"]
)
def test_outsiders_cannot_comment(flow, flow_b, outsider_actor, who):
    message = flow.at(Status.IN_REVIEW)
    actor = {
        "client of another organisation": flow_b.client_actor(),
        "staff of another environment": outsider_actor,
        "token": Actor.for_token(organisation_id=flow.organisation.pk, label="t", ip_address=None),
        "system": services.SYSTEM,
    }[who]
    with pytest.raises(NotPermitted):
        services.add_comment(message_id=message.pk, actor=actor, text="Hallo")
    assert not Comment.objects.exists()


@pytest.mark.parametrize("text", ["", "   \n ", "x" * (services.COMMENT_MAX_LENGTH + 1)])
def test_empty_or_too_long_comment_is_invalid(flow, text):
    message = flow.at(Status.IN_REVIEW)
    with pytest.raises(Invalid):
        services.add_comment(message_id=message.pk, actor=flow.client_actor(), text=text)
    assert not Comment.objects.exists()


def test_client_cannot_comment_before_the_accountant_review(flow, staff_actor):
    from tests import factories

    reviewed = factories.make_workflow(flow.organisation.environment, accountant_review=True)
    message = flow.at(Status.IN_REVIEW, workflow=reviewed)
    with pytest.raises(NotPermitted):
        services.add_comment(message_id=message.pk, actor=flow.client_actor(), text="Hallo")
    services.add_comment(message_id=message.pk, actor=staff_actor, text="Intern: nog nakijken")
    services.complete_accountant_review(message_id=message.pk, actor=staff_actor)
    services.add_comment(message_id=message.pk, actor=flow.client_actor(), text="Hallo")
    assert message.comments.count() == 2


def test_comment_signal_is_sent_after_commit(flow, django_capture_on_commit_callbacks):
    from workflow.signals import comment_added

    received = []

    def receiver(sender, pk, comment_pk, **kwargs):
        received.append((pk, comment_pk))

    comment_added.connect(receiver)
    try:
        message = flow.at(Status.IN_REVIEW)
        with django_capture_on_commit_callbacks(execute=True):
            comment = services.add_comment(
                message_id=message.pk, actor=flow.client_actor(), text="Vraag"
            )
    finally:
        comment_added.disconnect(receiver)
    assert received == [(message.pk, comment.pk)]


@pytest.mark.parametrize("status", [Status.RECEIVED, Status.PROCESSING])
def test_a_client_cannot_comment_on_a_message_outsite_does_not_show_yet(flow, status):
    """OutSite does not show a message received or being processed (workflow.models.
    CLIENT_MAY_SEE); the service refused comments only while the accountant's review was
    due, so a client could comment on one it cannot open."""
    message = flow.at(status)
    with pytest.raises(NotPermitted):
        services.add_comment(message_id=message.pk, actor=flow.client_actor(), text="Vraag")
    assert not Comment.objects.filter(message=message).exists()
