"""Reminder runs that overlap or die (deadlines.reminders, deadlines.reminder_mails): two
runs at the same moment (the beat task and a manual ``send_reminders``, two workers) never
send one person two mails about one day's reminders, and a run that dies loses nothing: a
mail it claimed and did not send is sent by the next run, one it was sending when it died
is marked as interrupted (not sent again: it may have gone) and InSite says so.

The deadline: a BV with a calendar year files the accounts of 2025 by 8 August 2026
(KVK-SBR.md section 1: 5 + 2 months + 8 days after year end); on 26 July 2026 it is 13 days
away, the 14-day step of the escalation schedule.
"""

from __future__ import annotations

import threading
import time
from datetime import date, timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection, transaction
from django.db.models.signals import post_save
from django.urls import reverse

from deadlines import reminder_mails, reminders
from deadlines.models import ReminderLog, ReminderMail
from tests import factories
from tests.deadlines.conftest import at_noon, make_message, refuse_mail_to
from tests.threads import run_in_threads

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reminder_schedule")]

DAY = date(2026, 7, 26)
NAMES = ["Alfa B.V.", "Beta B.V.", "Gamma B.V.", "Delta B.V.", "Epsilon B.V."]
HOLD = 0.5  # seconds the first run pauses after its first claim of a kind committed


@pytest.fixture
def jan(environment):
    """Jan, director of five companies with one login, whose 2025 accounts have waited a
    week for him; Eva, the firm's one staff member, responsible for none of them."""
    factories.StaffFactory(environment=environment, user__email="eva@kantoor.nl")
    user = factories.UserFactory(username="jan", email="jan@example.nl")
    for name in NAMES:
        organisation = factories.OrganisationFactory(environment=environment, name=name)
        factories.ContactFactory(organisation=organisation, user=user, name="Jan")
        make_message(organisation, year=2025, changed_at=at_noon(DAY - timedelta(days=7)))
    return user


def run(django_capture_on_commit_callbacks) -> reminders.Outcome:
    with django_capture_on_commit_callbacks(execute=True):
        return reminders.send_reminders(now=at_noon(DAY))


def _to(address: str) -> list:
    return [email for email in mail.outbox if email.to == [address]]


def _two_runs_at_once(hook, prepare=lambda: None) -> tuple[list, list]:
    """Two runs of the job in two threads (each with its own connection) that start
    together, with ``hook`` on every ReminderLog saved; their outcomes and errors."""
    post_save.connect(hook, sender=ReminderLog, dispatch_uid="runs-at-once")
    barrier = threading.Barrier(2)
    outcomes, errors = [], []

    def job():
        prepare()
        try:
            barrier.wait()
            outcomes.append(reminders.send_reminders(now=at_noon(DAY)))
        except Exception as error:  # noqa: BLE001
            errors.append(error)

    try:
        run_in_threads(job, 2, timeout=60)
    finally:
        post_save.disconnect(sender=ReminderLog, dispatch_uid="runs-at-once")
    return outcomes, errors


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="two connections that really run at once need PostgreSQL's row locks; SQLite "
    "serialises every writer with BEGIN IMMEDIATE",
)
def test_two_runs_at_once_send_one_person_one_mail(jan):
    """Each run claimed what the other had not yet: Jan got two mails with part of his
    companies each, and Eva two digests. The first run pauses once its first claim of a
    kind committed, so the second certainly claims while the first is under way."""
    held: set[str] = set()
    guard = threading.Lock()

    def pause_after_first_claim(sender, instance, created, **kwargs):
        with guard:
            first = created and instance.kind not in held
            held.add(instance.kind)
        if first:
            transaction.on_commit(lambda: time.sleep(HOLD))

    outcomes, errors = _two_runs_at_once(pause_after_first_claim)

    assert errors == []
    (to_jan,) = _to("jan@example.nl")
    assert all(name in to_jan.body for name in NAMES)
    (to_eva,) = _to("eva@kantoor.nl")
    assert all(name in to_eva.body for name in NAMES)
    assert sum(outcome.client_reminders for outcome in outcomes) == 5
    assert sum(outcome.staff_escalations for outcome in outcomes) == 5
    assert not ReminderLog.objects.filter(sent_at__isnull=True).exists()
    assert sorted(ReminderMail.objects.values_list("address", "state")) == [
        ("eva@kantoor.nl", "sent"),
        ("jan@example.nl", "sent"),
    ]


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="two connections that really run at once need PostgreSQL's row locks; SQLite "
    "serialises every writer with BEGIN IMMEDIATE",
)
def test_two_runs_that_claim_in_a_different_order_wait_for_each_other(jan, monkeypatch):
    """Two runs whose lists of due reminders come in a different order: without the lock
    on the environment each held a claim the other waited for (PostgreSQL ends one run
    with a deadlock error). Each run pauses inside its claims after the first one."""
    turns = iter([False, True])
    guard = threading.Lock()
    local = threading.local()
    real_due = reminders._due_client_messages

    def due(today):
        found = real_due(today)
        return found[::-1] if local.reverse else found

    def pause_in_first_claim(sender, instance, created, **kwargs):
        if created and not getattr(local, "paused", False):
            local.paused = True
            time.sleep(HOLD)

    monkeypatch.setattr(reminders, "_due_client_messages", due)
    monkeypatch.setattr(settings, "REMINDER_ESCALATION_DAYS", [])  # clients only

    def take_turn():
        with guard:
            local.reverse = next(turns)

    _outcomes, errors = _two_runs_at_once(pause_in_first_claim, take_turn)

    assert errors == []
    (to_jan,) = _to("jan@example.nl")
    assert all(name in to_jan.body for name in NAMES)
    assert ReminderLog.objects.filter(sent_at__isnull=False).count() == 5


def test_a_mail_claimed_by_a_run_that_died_before_sending_it_is_sent_by_the_next(
    jan, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks():  # the run dies after its claims committed
        outcome = reminders.send_reminders(now=at_noon(DAY))
    assert (outcome.client_reminders, outcome.staff_escalations) == (5, 5)
    assert mail.outbox == []
    assert set(ReminderMail.objects.values_list("state", flat=True)) == {"pending"}

    outcome = run(django_capture_on_commit_callbacks)

    assert (outcome.client_reminders, outcome.staff_escalations) == (0, 0)  # claimed before
    (to_jan,) = _to("jan@example.nl")
    assert all(name in to_jan.body for name in NAMES)
    (to_eva,) = _to("eva@kantoor.nl")
    assert all(name in to_eva.body for name in NAMES)
    assert not ReminderLog.objects.filter(sent_at__isnull=True).exists()
    run(django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 2


class Died(BaseException):
    """The process ends in the middle of sending (killed, out of memory)."""


def test_a_mail_whose_run_died_while_sending_is_marked_and_not_sent_again(
    jan, environment, monkeypatch, django_capture_on_commit_callbacks, client
):
    def die(self, messages):
        raise Died()

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", die)
    with pytest.raises(Died), django_capture_on_commit_callbacks(execute=True):
        reminders.send_reminders(now=at_noon(DAY))
    monkeypatch.undo()
    sending = ReminderMail.objects.get(address="jan@example.nl")
    assert sending.state == "sending"

    # A run while the dead one could still be sending leaves its mail alone.
    run(django_capture_on_commit_callbacks)
    assert _to("jan@example.nl") == []
    assert ReminderMail.objects.get(pk=sending.pk).state == "sending"

    # Past the task's time limit the run is dead: its mail is marked, not sent again.
    long_ago = sending.claimed_at - reminder_mails.SENDING_DIED_AFTER
    ReminderMail.objects.filter(pk=sending.pk).update(claimed_at=long_ago)
    run(django_capture_on_commit_callbacks)

    assert _to("jan@example.nl") == []
    interrupted = ReminderMail.objects.get(pk=sending.pk)
    assert interrupted.state == "unknown"
    assert interrupted.get_state_display() == (
        "onderbroken tijdens verzenden, niet opnieuw verzonden"
    )
    entry = ReminderLog.objects.filter(kind="client_review").first()
    assert entry is not None and entry.sent_at is None
    assert entry.error == f"jan@example.nl: {reminder_mails.DIED}"
    # InSite's list of e-mails about the message says it failed, and why.
    staff = factories.StaffFactory(environment=environment)
    client.force_login(staff.user)
    html = client.get(reverse("insite-message", args=[entry.message_id])).content.decode()
    section = html[html.index('id="sent-mails"') :]
    assert "mislukt" in section and "onbekend of de e-mail is aangekomen" in section


def test_a_client_mail_that_reached_one_person_and_not_another_reads_partly_sent(
    environment, monkeypatch, django_capture_on_commit_callbacks, client
):
    """InSite showed 'mislukt' for a reminder that reached Piet and not Anna."""
    organisation = factories.OrganisationFactory(environment=environment, name="Alfa B.V.")
    factories.ContactFactory(
        organisation=organisation, name="Anna", email="anna@example.nl", user=None
    )
    factories.ContactFactory(
        organisation=organisation, name="Piet", email="piet@example.nl", user=None
    )
    message = make_message(organisation, year=2025, changed_at=at_noon(DAY - timedelta(days=3)))
    refuse_mail_to(monkeypatch, "anna@example.nl")
    run(django_capture_on_commit_callbacks)
    staff = factories.StaffFactory(environment=environment)
    client.force_login(staff.user)

    html = client.get(reverse("insite-message", args=[message.pk])).content.decode()

    section = html[html.index('id="sent-mails"') :]
    assert "deels verzonden" in section
    assert "anna@example.nl: ConnectionRefusedError: recipient refused" in section
    assert dict(ReminderMail.objects.values_list("address", "state")) == {
        "anna@example.nl": "failed",
        "piet@example.nl": "sent",
    }
