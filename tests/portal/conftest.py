"""Portal fixtures: logged-in browsers for each role and approval messages in a given status,
brought there through the real services (never by writing the status field)."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from django.test import Client as BrowserClient

from connectors import services as connector_services
from crm.models import StaffMember
from kvk.status import Status
from tests import factories
from tests.conftest import instance_for, numbered
from workflow import services
from workflow.models import Actor


def make_message(
    client, status: int = Status.IN_REVIEW, *, year: int | None = None, kvk_number: str = ""
):
    """An approval message of ``client`` (a tests.conftest.Client) in ``status``, its
    document under ``kvk_number`` (the client's by default)."""
    year = year or date.today().year - 1
    number = kvk_number or client.kvk_number
    content = numbered(instance_for(number, year=year, name=client.organisation.name))
    message, _ = services.register_message(
        organisation=client.organisation,
        message_id=uuid.uuid4(),
        message_type="kvk-micro-klein",
        filename=f"jaarrekening-{year}.xbrl",
        content=content,
        actor=Actor.for_token(
            organisation_id=client.organisation.pk, label="test", ip_address=None
        ),
    )
    if status == Status.RECEIVED:
        return message
    assert services.claim_for_processing(message.pk)
    connector_services.process_message(message.pk)
    message.refresh_from_db()
    assert message.status == Status.IN_REVIEW, message.reasons
    client_actor = Actor.for_user(client.user)
    if status == Status.REJECTED:
        services.reject(message_id=message.pk, actor=client_actor, reason="Bedragen kloppen niet")
    elif status == Status.APPROVED:
        services.adopt(message_id=message.pk, actor=client_actor, adoption_date=date.today())
        message.refresh_from_db()
        services.approve(
            message_id=message.pk, actor=client_actor, document_sha256=message.document_sha256
        )
    message.refresh_from_db()
    assert message.status == status
    return message


def refused_by_the_kvk(client, reasons: list[dict] | None = None):
    """An approval message of ``client`` delivered and then refused by the KvK (90) with
    ``reasons`` (a KvK number that differs, by default)."""
    message = make_message(client, Status.APPROVED)
    assert services.record_delivered(message_id=message.pk, kenmerk="K-90")
    services.record_kvk_statuses(
        message_id=message.pk,
        statuses=[],
        outcome_status=Status.REFUSED,
        reasons=reasons or [{"code": "KVK002", "message": "KvK-nummer wijkt af"}],
    )
    message.refresh_from_db()
    assert message.status == Status.REFUSED
    return message


@pytest.fixture
def message_a(client_a):
    return make_message(client_a)


def browser_for(user) -> BrowserClient:
    browser = BrowserClient()
    browser.force_login(user)
    return browser


@pytest.fixture
def staff_browser(staff):
    return browser_for(staff)


@pytest.fixture
def admin_staff(environment):
    return factories.StaffFactory(environment=environment, role=StaffMember.Role.ADMINISTRATOR).user


@pytest.fixture
def admin_browser(admin_staff):
    return browser_for(admin_staff)


@pytest.fixture
def browser_a(client_a):
    return browser_for(client_a.user)


@pytest.fixture
def browser_b(client_b):
    return browser_for(client_b.user)


@pytest.fixture
def outsider_browser(outsider):
    return browser_for(outsider)


@pytest.fixture
def mail_tasks_run_here(monkeypatch):
    """Run the notification task in-process and keep the KvK submission off the broker."""
    from portal import notifications
    from workflow import tasks

    monkeypatch.setattr(
        notifications.send_notification,
        "delay",
        lambda *args: notifications.send_notification.apply(args=args).get(),
    )
    monkeypatch.setattr(tasks.submit_to_kvk, "delay", lambda *args, **kwargs: None)
