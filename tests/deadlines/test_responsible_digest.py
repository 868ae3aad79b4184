"""The staff digest of the filing deadlines (deadlines.reminders.deliver_staff_escalation),
split by the organisations' responsible staff members: each gets the rows of their own
clients and of the clients without one; a member without rows gets no mail. The log row
stays one per organisation, year and step, and says who got it; a member whose digest
failed gets it from the next run, and nobody gets theirs twice.

The deadline: a BV with a calendar year files the accounts of 2025 by 8 August 2026
(KVK-SBR.md section 1: 5 + 2 months + 8 days after year end); 19 July 2026 is the 30-day
step of the schedule.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.mail import EmailMessage
from django.test import Client
from django.urls import reverse

from crm.models import Organisation
from deadlines import reminders
from deadlines.models import ReminderLog, ReminderMail
from tests import factories

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reminder_schedule")]

DAY = date(2026, 7, 19)  # 20 days before the filing deadline of 2025


@pytest.fixture
def eva(environment):
    return factories.StaffFactory(environment=environment, user__email="eva@kantoor.nl")


@pytest.fixture
def tom(environment):
    member = factories.StaffFactory(environment=environment, user__email="tom@kantoor.nl")
    member.language = "en"
    member.save()
    return member


def _client(environment, name: str, responsible=None) -> Organisation:
    return factories.OrganisationFactory(
        environment=environment, name=name, responsible=responsible
    )


def _run(django_capture_on_commit_callbacks) -> int:
    with django_capture_on_commit_callbacks(execute=True):
        return reminders.send_staff_escalations(today=DAY)


def _mail_to(address: str) -> EmailMessage:
    (sent,) = [email for email in mail.outbox if address in email.to]
    return sent


def _recipients() -> dict[str, list[str]]:
    return {
        entry.organisation.name: sorted(entry.recipients)
        for entry in ReminderLog.objects.select_related("organisation")
    }


def test_each_staff_member_gets_their_own_clients_and_those_without_one(
    environment, eva, tom, django_capture_on_commit_callbacks
):
    _client(environment, "Alfa B.V.", eva)
    _client(environment, "Beta B.V.", tom)
    _client(environment, "Gamma B.V.")

    assert _run(django_capture_on_commit_callbacks) == 3

    assert len(mail.outbox) == 2
    to_eva, to_tom = _mail_to("eva@kantoor.nl"), _mail_to("tom@kantoor.nl")
    assert to_eva.to == ["eva@kantoor.nl"] and to_tom.to == ["tom@kantoor.nl"]
    assert "Alfa B.V., boekjaar 2025" in to_eva.body and "Gamma B.V." in to_eva.body
    assert "Beta" not in to_eva.body
    assert "Beta B.V., financial year 2025" in to_tom.body and "Gamma B.V." in to_tom.body
    assert "Alfa" not in to_tom.body
    # Each subject counts the clients of its own mail.
    assert to_eva.subject == ("Deponeertermijn nadert: 2 cliënten zonder goedgekeurde jaarrekening")
    # One row per organisation, year and step, as before; each says who got it.
    assert _recipients() == {
        "Alfa B.V.": ["eva@kantoor.nl"],
        "Beta B.V.": ["tom@kantoor.nl"],
        "Gamma B.V.": ["eva@kantoor.nl", "tom@kantoor.nl"],
    }
    assert all(entry.sent_at and not entry.error for entry in ReminderLog.objects.all())

    # At most once: the next run claims and sends nothing.
    assert _run(django_capture_on_commit_callbacks) == 0
    assert len(mail.outbox) == 2


def test_a_staff_member_without_rows_gets_no_mail(
    environment, eva, tom, django_capture_on_commit_callbacks
):
    _client(environment, "Alfa B.V.", eva)
    _run(django_capture_on_commit_callbacks)
    assert [email.to for email in mail.outbox] == [["eva@kantoor.nl"]]


def test_the_rows_of_a_responsible_who_cannot_receive_mail_go_to_everyone(
    environment, eva, tom, django_capture_on_commit_callbacks
):
    _client(environment, "Alfa B.V.", eva)
    type(eva.user).objects.filter(pk=eva.user_id).update(is_active=False)
    _run(django_capture_on_commit_callbacks)
    assert [email.to for email in mail.outbox] == [["tom@kantoor.nl"]]
    assert "Alfa B.V." in mail.outbox[0].body


def test_staff_who_read_the_same_rows_in_one_language_share_one_mail(
    environment, eva, tom, django_capture_on_commit_callbacks
):
    tom.language = "nl"
    tom.save()
    ann = factories.StaffFactory(environment=environment, user__email="ann@kantoor.nl")
    _client(environment, "Alfa B.V.", ann)
    _client(environment, "Gamma B.V.")
    _run(django_capture_on_commit_callbacks)
    assert sorted(sorted(email.to) for email in mail.outbox) == [
        ["ann@kantoor.nl"],
        ["eva@kantoor.nl", "tom@kantoor.nl"],
    ]


def _failing_for(monkeypatch, address: str) -> None:
    """The mail server refuses every mail to ``address`` (``monkeypatch.undo`` repairs it)."""
    real_send = EmailMessage.send

    def send(email, *args, **kwargs):
        if address in email.to:
            raise OSError("mail server away")
        return real_send(email, *args, **kwargs)

    monkeypatch.setattr(EmailMessage, "send", send)


def _entries() -> dict[str, ReminderLog]:
    return {e.organisation.name: e for e in ReminderLog.objects.select_related("organisation")}


def test_a_digest_that_failed_for_one_member_is_sent_again_to_that_member_only(
    environment, eva, tom, monkeypatch, django_capture_on_commit_callbacks
):
    """Tom's digest fails and Eva's goes: the log says per member what went, and the next
    run sends Tom his digest, not Eva hers a second time. (Before, the rows Tom shared with
    Eva read as unsent, and nobody sent Tom's again.)"""
    _client(environment, "Alfa B.V.", eva)
    _client(environment, "Beta B.V.", tom)
    _client(environment, "Gamma B.V.")
    _failing_for(monkeypatch, "tom@kantoor.nl")
    assert _run(django_capture_on_commit_callbacks) == 3

    assert [email.to for email in mail.outbox] == [["eva@kantoor.nl"]]
    entries = _entries()
    assert entries["Alfa B.V."].sent_at and not entries["Alfa B.V."].error
    # Beta reached nobody; Gamma reached Eva, not Tom: each says so.
    assert entries["Beta B.V."].sent_at is None
    assert entries["Beta B.V."].recipients == []
    assert entries["Beta B.V."].error == "tom@kantoor.nl: OSError: mail server away"
    assert entries["Gamma B.V."].sent_at is not None
    assert entries["Gamma B.V."].recipients == ["eva@kantoor.nl"]
    assert entries["Gamma B.V."].error == "tom@kantoor.nl: OSError: mail server away"
    states = dict(ReminderMail.objects.values_list("address", "state"))
    assert states == {"eva@kantoor.nl": "sent", "tom@kantoor.nl": "retry"}

    monkeypatch.undo()
    assert _run(django_capture_on_commit_callbacks) == 0  # nothing new claimed

    assert [email.to for email in mail.outbox] == [["eva@kantoor.nl"], ["tom@kantoor.nl"]]
    again = mail.outbox[1]
    assert "Beta B.V., financial year 2025" in again.body and "Gamma B.V." in again.body
    assert "Alfa" not in again.body
    assert _recipients() == {
        "Alfa B.V.": ["eva@kantoor.nl"],
        "Beta B.V.": ["tom@kantoor.nl"],
        "Gamma B.V.": ["eva@kantoor.nl", "tom@kantoor.nl"],
    }
    assert all(entry.sent_at and not entry.error for entry in ReminderLog.objects.all())

    _run(django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 2  # each got theirs once


def test_a_digest_that_keeps_failing_is_tried_three_times_and_then_says_so(
    environment, eva, tom, monkeypatch, django_capture_on_commit_callbacks
):
    _client(environment, "Beta B.V.", tom)
    _failing_for(monkeypatch, "tom@kantoor.nl")
    tries = []
    for _day in range(5):
        _run(django_capture_on_commit_callbacks)
        tries.append(ReminderMail.objects.get().attempts)
    assert tries == [1, 2, 3, 3, 3]
    failed = ReminderMail.objects.get()
    assert (failed.state, failed.error) == ("failed", "OSError: mail server away")
    assert failed.get_state_display() == "mislukt, niet opnieuw geprobeerd"
    entry = ReminderLog.objects.get()
    assert entry.sent_at is None
    assert entry.error == "tom@kantoor.nl: OSError: mail server away"


def test_the_admin_reads_a_partly_sent_digest_per_member(
    environment, eva, tom, monkeypatch, django_capture_on_commit_callbacks, settings
):
    """The digests are about an organisation's year, not a message: the admin's list of
    reminders is where they are read. Gamma's reached Eva and not Tom; it read as unsent."""
    settings.OTP_REQUIRED_FOR_STAFF = False
    _client(environment, "Beta B.V.", tom)
    _client(environment, "Gamma B.V.")
    _failing_for(monkeypatch, "tom@kantoor.nl")
    _run(django_capture_on_commit_callbacks)
    admin = get_user_model().objects.create_superuser("beheer", "beheer@example.nl", "x")
    browser = Client()
    browser.force_login(admin)

    page = browser.get(reverse("admin:deadlines_reminderlog_changelist")).content.decode()

    rows = {name: row for row in page.split("<tr")[1:] for name in ("Beta", "Gamma") if name in row}
    assert "deels verzonden" in rows["Gamma"]
    assert (
        "eva@kantoor.nl: verzonden; tom@kantoor.nl: mislukt, wordt opnieuw geprobeerd"
        in rows["Gamma"]
    )
    assert "mislukt" in rows["Beta"] and "deels" not in rows["Beta"]
    assert "tom@kantoor.nl: mislukt, wordt opnieuw geprobeerd" in rows["Beta"]
