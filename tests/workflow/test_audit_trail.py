"""The audit trail is append-only: through the ORM, in the admin, and (PostgreSQL) in the
database itself; and what is approved is what is filed."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction

from kvk.status import Status
from tests import factories
from workflow import services
from workflow.errors import Invalid
from workflow.models import ApprovalMessage, Comment, StatusEvent

pytestmark = pytest.mark.django_db

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="database guards exist on PostgreSQL only"
)


@pytest.fixture
def filed(flow):
    return flow.at(Status.FILED)


def test_events_cannot_be_changed_or_deleted_through_the_orm(filed):
    event = filed.events.first()
    event.actor_label = "iemand anders"
    with pytest.raises(PermissionDenied):
        event.save()
    with pytest.raises(PermissionDenied):
        event.delete()
    with pytest.raises(PermissionDenied):
        StatusEvent.objects.filter(message=filed).update(actor_label="x")
    with pytest.raises(PermissionDenied):
        StatusEvent.objects.filter(message=filed).delete()
    assert StatusEvent.objects.get(pk=event.pk).actor_label != "iemand anders"
    assert filed.events.count() == 7


@on_postgresql
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE workflow_statusevent SET actor_label = 'x' WHERE message_id = %s",
        "DELETE FROM workflow_statusevent WHERE message_id = %s",
    ],
)
def test_postgresql_refuses_changing_events_even_with_raw_sql(filed, sql):
    refused = pytest.raises(IntegrityError, match="append-only")
    with refused, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, [filed.pk])
    assert filed.events.count() == 7
    assert not filed.events.filter(actor_label="x").exists()


@on_postgresql
def test_postgresql_refuses_changing_the_approved_document(flow):
    message = flow.at(Status.APPROVED)
    with pytest.raises(IntegrityError, match="approved document"), transaction.atomic():
        ApprovalMessage.objects.filter(pk=message.pk).update(document=b"<andere/>")
    # Other fields of an approved message still change (the delivery bookkeeping).
    ApprovalMessage.objects.filter(pk=message.pk).update(submit_attempts=3)
    message.refresh_from_db()
    assert message.submit_attempts == 3 and message.approved_sha256 == message.document_sha256


# --- admin -------------------------------------------------------------------------------------


@pytest.fixture
def superuser_client(client, settings):
    settings.OTP_REQUIRED_FOR_STAFF = False
    user = factories.UserFactory(username="beheer", is_staff=True, is_superuser=True)
    client.force_login(user)
    return client


@pytest.mark.parametrize("model", [StatusEvent, ApprovalMessage, Comment])
def test_admin_has_no_add_change_or_delete(model, rf):
    model_admin = admin.site._registry[model]
    request = rf.get("/")
    request.user = factories.UserFactory(username="root", is_staff=True, is_superuser=True)
    assert model_admin.has_view_permission(request)
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)
    assert not model_admin.get_actions(request)


def test_admin_shows_the_trail_but_refuses_add_change_and_delete(superuser_client, filed):
    event = filed.events.first()
    base = "/admin/workflow/statusevent/"
    listing = superuser_client.get(base)
    assert listing.status_code == 200
    assert "received" in listing.content.decode()
    assert superuser_client.get(base + "add/").status_code == 403
    detail = superuser_client.get(f"{base}{event.pk}/change/")
    assert detail.status_code == 200 and 'name="_save"' not in detail.content.decode()
    changed = superuser_client.post(f"{base}{event.pk}/change/", {"actor_label": "x"})
    assert changed.status_code == 403
    deleted = superuser_client.post(f"{base}{event.pk}/delete/", {"post": "yes"})
    assert deleted.status_code == 403
    bulk = superuser_client.post(
        base, {"action": "delete_selected", "_selected_action": [event.pk]}
    )
    assert bulk.status_code in (200, 302)
    assert StatusEvent.objects.get(pk=event.pk).actor_label == event.actor_label
    assert filed.events.count() == 7


def test_admin_message_page_is_read_only_with_its_events(superuser_client, filed):
    page = superuser_client.get(f"/admin/workflow/approvalmessage/{filed.pk}/change/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "approved" in body and 'name="_save"' not in body
    refused = superuser_client.post(
        f"/admin/workflow/approvalmessage/{filed.pk}/change/", {"status": 30}
    )
    assert refused.status_code == 403
    filed.refresh_from_db()
    assert filed.status == Status.FILED


def test_admin_keeps_the_required_actions_of_a_linked_workflow(superuser_client, message_type):
    workflow = message_type.workflow
    tasks = list(workflow.tasks.order_by("position"))
    data = {
        "environment": workflow.environment_id,
        "name": workflow.name,
        "tasks-TOTAL_FORMS": len(tasks),
        "tasks-INITIAL_FORMS": len(tasks),
        "tasks-MIN_NUM_FORMS": 0,
        "tasks-MAX_NUM_FORMS": 1000,
    }
    for i, task in enumerate(tasks):
        data |= {
            f"tasks-{i}-id": task.pk,
            f"tasks-{i}-definition": workflow.pk,
            f"tasks-{i}-position": task.position,
            f"tasks-{i}-name": task.name,
            f"tasks-{i}-role": task.role,
            f"tasks-{i}-action": task.action,
        }
        if task.action == "reject":
            data[f"tasks-{i}-DELETE"] = "on"
    response = superuser_client.post(
        f"/admin/workflow/workflowdefinition/{workflow.pk}/change/", data
    )
    assert response.status_code == 200  # the form again, with the error
    assert "verplichte" in response.content.decode()
    assert workflow.tasks.filter(action="reject").exists()


# --- what is approved is what is filed -------------------------------------------------------


def test_verify_document_accepts_the_approved_document(flow):
    message = flow.at(Status.APPROVED)
    services.verify_document(message)  # no error


def test_document_changed_after_approval_cannot_be_submitted(flow):
    message = flow.at(Status.APPROVED)
    message.document = bytes(message.document).replace(b"Test B.V.", b"Test B.V. (gewijzigd)")
    with pytest.raises(Invalid) as raised:
        services.verify_document(message)
    assert raised.value.code == "document_mismatch"


def test_unapproved_message_cannot_be_submitted(flow):
    message = flow.at(Status.IN_REVIEW)
    with pytest.raises(Invalid):
        services.verify_document(message)


def test_submission_of_a_changed_document_sends_nothing_and_records_why(flow, monkeypatch):
    """Through the submission job: the tampered document never reaches Digipoort."""
    from workflow import submission

    message = flow.at(Status.APPROVED)
    tampered = bytes(message.document).replace(b"Test B.V.", b"Test B.V. (gewijzigd)")
    if connection.vendor == "postgresql":
        # The database itself refuses the change; tamper only in memory on the way out.
        original_get = ApprovalMessage.objects.select_related

        class Tampered:
            """The query set on the way out, with the document changed on ``get``."""

            def __init__(self, queryset):
                self.queryset = queryset

            def __getattr__(self, name):
                attribute = getattr(self.queryset, name)
                if name == "get":

                    def get(**lookup):
                        row = attribute(**lookup)
                        row.document = tampered
                        return row

                    return get
                return lambda *args, **kwargs: Tampered(attribute(*args, **kwargs))

        def tampering(*args, **kwargs):
            return Tampered(original_get(*args, **kwargs))

        monkeypatch.setattr(ApprovalMessage.objects, "select_related", tampering)
    else:
        ApprovalMessage.objects.filter(pk=message.pk).update(document=tampered)
    sent = []

    class FakeDigipoort:
        def deliver(self, **kwargs):
            sent.append(kwargs)
            return "KVK-1"

        def find_delivery(self, **kwargs):
            return None

    monkeypatch.setattr(submission, "_client", FakeDigipoort)
    assert submission.submit(message.pk) == "refused_locally"
    monkeypatch.undo()
    assert sent == []
    message.refresh_from_db()
    assert message.status == Status.TRANSPORT_ERROR
    assert message.reasons[0]["code"] == "document_mismatch"
    assert message.events.order_by("-sequence").first().action == "transport_error"
