"""A KvK number that really changed: a new version under the new number replaces the message
stopped at 70 for it.

Sources: KVK-SBR.md section 3, the entity identifier is "the 8-digit KvK number", and the KvK
files annual accounts only under the number they contain; so a message approved under the old
number and stopped at 70 when the organisation's number changed (the company was registered
anew) can never be filed (tests/portal/test_kvk_number_changed.py). Section 1: "A filed
document is never removed. A correction is a new filing ... KvK refuses a second adopted
filing for the same year otherwise": the stopped message is no filing under way, so the
client's new version of that year, under the new number, is taken and replaces it (70 -> 25,
"Vervangen door nieuwe versie", as an older version at 30 is closed for a newer one). A 70
for any other reason may still reach the KvK and keeps counting as the year's filing.
"""

from __future__ import annotations

import html
import threading
import time
from datetime import date

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone, translation

from config.dates import format_day
from connectors import services as connector_services
from crm.models import Identification
from kvk.status import Status
from tests.portal.conftest import browser_for, make_message
from tests.portal.test_kvk_number_changed import (
    NEW_NUMBER,
    approved_then_changed,
    restore_number,
    stopped_at_70,
)
from tests.workflow.conftest import assert_names_the_newer_version
from workflow import services, submission
from workflow.errors import Conflict
from workflow.models import Actor, ApprovalMessage, StatusEvent
from workflow.services import processing

pytestmark = pytest.mark.django_db

YEAR = date.today().year - 1  # the year of tests.portal.conftest.make_message


@pytest.fixture(autouse=True)
def _no_second_factor(settings):
    settings.OTP_REQUIRED_FOR_STAFF = False  # these pages are about the messages


def register(client, number: str = NEW_NUMBER) -> ApprovalMessage:
    """A new version of the year's accounts from the client's environment, its document
    under KvK number ``number``, received (10)."""
    return make_message(client, Status.RECEIVED, year=YEAR, kvk_number=number)


def process(message: ApprovalMessage) -> ApprovalMessage:
    """Processed as "Externe berichten verwerken" does it (10 -> 20 -> 30 or 25)."""
    assert services.claim_for_processing(message.pk)
    connector_services.process_message(message.pk)
    return ApprovalMessage.objects.get(pk=message.pk)


def new_version(client, number: str = NEW_NUMBER) -> ApprovalMessage:
    return process(register(client, number))


def actions(pk: int) -> list[tuple[str, int | None, int]]:
    return [
        (e.action, e.from_status, e.to_status)
        for e in StatusEvent.objects.filter(message_id=pk).order_by("sequence")
    ]


def test_a_new_version_under_the_new_number_replaces_the_stopped_message(
    client_a, digipoort_stub, digipoort_settings
):
    old_pk = stopped_at_70(client_a)

    new = new_version(client_a)

    assert new.status == Status.IN_REVIEW, new.reasons
    assert new.replaces_id == old_pk
    old = ApprovalMessage.objects.get(pk=old_pk)
    assert old.status == Status.PROCESSING_FAILED
    assert actions(old_pk)[-1] == ("version_superseded", Status.TRANSPORT_ERROR, 25)
    event = StatusEvent.objects.filter(message_id=old_pk).order_by("sequence").last()
    assert event.actor_kind == Actor.Kind.SYSTEM and event.reasons == old.reasons
    (reason,) = old.reasons
    assert reason["code"] == "version_superseded"
    assert reason["key"] == "version_superseded:kvk_number_changed"
    text = assert_names_the_newer_version(reason, new, YEAR)
    assert "niet meer verzonden" in text

    # The new version goes the whole way, under the new number; the old one never goes.
    actor = Actor.for_user(client_a.user)
    services.adopt(message_id=new.pk, actor=actor, adoption_date=date.today())
    new.refresh_from_db()
    services.approve(message_id=new.pk, actor=actor, document_sha256=new.document_sha256)
    assert submission.submit(new.pk) == "delivered"
    assert submission.submit(old_pk) == "skipped"
    assert [d.kvk_number for d in digipoort_stub.state.all()] == [NEW_NUMBER]


def test_without_the_stop_the_new_version_is_refused_as_a_second_filing(client_a):
    """The rule the stopped message is let out of: while the approved message may still be
    filed (50), a new, not resubmitted version of the year is refused (section 1)."""
    make_message(client_a, Status.APPROVED)
    Identification.objects.filter(organisation=client_a.organisation, kind="kvk").update(
        value=NEW_NUMBER
    )
    refused = new_version(client_a)
    assert refused.status == Status.PROCESSING_FAILED
    assert [r["code"] for r in refused.reasons] == ["correction_not_allowed"]
    assert refused.replaces_id is None


@pytest.mark.parametrize("reason", ["digipoort_authentication", "retries_exhausted"])
def test_a_70_for_another_reason_is_not_replaced(reason, client_a, admin_staff):
    """A 70 that Digipoort or the retries stopped may still be sent ("Opnieuw verzenden"):
    it counts as the year's filing, even when the number differs (changed in the database
    by hand: InSite refuses the change while it is on its way)."""
    pk = approved_then_changed(client_a)
    services.record_transport_error(message_id=pk, reasons=[{"code": reason}], retry=False)

    refused = new_version(client_a)

    assert refused.status == Status.PROCESSING_FAILED
    assert [r["code"] for r in refused.reasons] == ["correction_not_allowed"]
    message = ApprovalMessage.objects.get(pk=pk)
    assert message.status == Status.TRANSPORT_ERROR
    assert message.reasons[0]["code"] == reason
    assert not ApprovalMessage.objects.filter(replaces_id=pk).exists()


def test_a_stopped_message_whose_number_was_restored_is_not_replaced(
    client_a, admin_staff, digipoort_stub, digipoort_settings
):
    """A typing error corrected: the number its document carries is the organisation's
    again, so "Opnieuw verzenden" can send it, and it still counts as the year's filing."""
    pk = stopped_at_70(client_a)
    restore_number(client_a, admin_staff)

    refused = new_version(client_a, client_a.kvk_number)

    assert refused.status == Status.PROCESSING_FAILED
    assert [r["code"] for r in refused.reasons] == ["correction_not_allowed"]
    assert ApprovalMessage.objects.get(pk=pk).status == Status.TRANSPORT_ERROR
    services.resend(message_id=pk, actor=Actor.for_user(admin_staff))
    assert submission.submit(pk) == "delivered"


def test_a_new_version_that_fails_processing_leaves_the_stopped_message(
    client_a, digipoort_stub, digipoort_settings
):
    pk = stopped_at_70(client_a)
    failed = new_version(client_a, "55667788")  # not the organisation's number
    assert failed.status == Status.PROCESSING_FAILED
    assert ApprovalMessage.objects.get(pk=pk).status == Status.TRANSPORT_ERROR
    assert new_version(client_a).replaces_id == pk


def test_resending_the_replaced_message_is_refused(
    client_a, staff, digipoort_stub, digipoort_settings
):
    old_pk = stopped_at_70(client_a)
    new = new_version(client_a)

    with pytest.raises(Conflict) as refused:
        services.resend(message_id=old_pk, actor=Actor.for_user(staff))
    assert refused.value.key == "replaced:resend"
    with translation.override("nl"):
        expected = refused.value.message
    assert str(new.message_id) in expected and "niet meer verzonden" in expected

    browser = browser_for(staff)
    for form in ({}, {"confirmed": "1"}):  # the confirmation page, and the resend itself
        with translation.override(None):
            page = browser.post(
                reverse("insite-resend", args=[old_pk]), form, follow=True
            ).content.decode()
        assert expected in html.unescape(page)
    assert ApprovalMessage.objects.get(pk=old_pk).status == Status.PROCESSING_FAILED
    assert actions(old_pk)[-1][0] == "version_superseded"
    assert digipoort_stub.state.all() == []


def test_the_pages_say_what_to_do_on_the_stopped_message_and_then_what_replaced_it(
    client_a, staff, digipoort_stub, digipoort_settings
):
    pk = stopped_at_70(client_a)
    pages = (
        (browser_for(staff), "insite-message", "laat de cliënt dan vanuit de administratie"),
        (browser_for(client_a.user), "outsite-message", "stuur dan vanuit uw administratie"),
    )
    for browser, name, advice in pages:
        with translation.override("nl"):
            text = html.unescape(browser.get(reverse(name, args=[pk])).content.decode())
        assert 'id="kvk-number-new-version"' in text
        assert f"Is {'KvK-nummer ' if name.startswith('insite') else ''}{NEW_NUMBER}" in text
        assert advice in text and "een nieuwe versie van de jaarrekening" in text

    new = new_version(client_a)
    for browser, name, _advice in pages:
        with translation.override("nl"):
            text = html.unescape(browser.get(reverse(name, args=[pk])).content.decode())
        assert 'id="kvk-number-new-version"' not in text
        assert 'id="replaced"' in text and f'href="{reverse(name, args=[new.pk])}"' in text
        assert f"nieuwe versie van de jaarrekening over {YEAR} ontvangen" in text
        # The new version named by the day it was received, not by its UUID.
        assert f"ontvangen, op {format_day(timezone.localdate(new.created_at))}" in text
        assert str(new.message_id) not in text


@pytest.mark.django_db(transaction=True)
def test_two_new_versions_processed_at_once_replace_the_stopped_message_once(
    client_a, digipoort_stub, digipoort_settings, monkeypatch
):
    """Two workers process two new versions at the same moment. The first locks the stopped
    message (PostgreSQL: SELECT ... FOR UPDATE; SQLite: BEGIN IMMEDIATE) and holds it a
    little; the second waits, then finds it closed: it is closed once, with one successor,
    and of the two versions the one received last goes on (versions.settle_versions)."""
    pk = stopped_at_70(client_a)
    first, second = register(client_a), register(client_a)
    held = threading.Event()
    lock = processing.lock_stopped_versions

    def slow_lock(pairs, *, exclude):
        locked = lock(pairs, exclude=exclude)
        if locked and not held.is_set():
            held.set()
            time.sleep(0.3)
        return locked

    monkeypatch.setattr(processing, "lock_stopped_versions", slow_lock)
    errors: list[BaseException] = []

    def run(message):
        try:
            process(message)
        except BaseException as error:  # noqa: BLE001 - reported in the assertion
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(m,)) for m in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert [a for a in actions(pk) if a[0] == "version_superseded"] == [
        ("version_superseded", Status.TRANSPORT_ERROR, Status.PROCESSING_FAILED)
    ]
    assert ApprovalMessage.objects.filter(replaces_id=pk).count() == 1
    statuses = dict(
        ApprovalMessage.objects.filter(pk__in=[first.pk, second.pk]).values_list("pk", "status")
    )
    assert statuses == {first.pk: Status.PROCESSING_FAILED, second.pk: Status.IN_REVIEW}
