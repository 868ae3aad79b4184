"""The staff digest of the filing deadlines (deadlines.reminders.deliver_staff_escalation),
split by the organisations' responsible staff members: each gets the rows of their own
clients and of the clients without one; a member without rows gets no mail. The log row
stays one per organisation, year and step (at most once), and says who got it.

The deadline: a BV with a calendar year files the accounts of 2025 by 8 August 2026
(KVK-SBR.md section 1: 5 + 2 months + 8 days after year end); 19 July 2026 is the 30-day
step of the schedule.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.core import mail
from django.core.mail import EmailMessage

from crm.models import Organisation
from deadlines import reminders
from deadlines.models import ReminderLog
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


def test_a_mail_that_fails_is_recorded_for_its_rows_and_never_sent_again(
    environment, eva, tom, monkeypatch, django_capture_on_commit_callbacks
):
    _client(environment, "Alfa B.V.", eva)
    _client(environment, "Beta B.V.", tom)
    _client(environment, "Gamma B.V.")
    real_send = EmailMessage.send

    def send(email, *args, **kwargs):
        if "tom@kantoor.nl" in email.to:
            raise OSError("mail server away")
        return real_send(email, *args, **kwargs)

    monkeypatch.setattr(EmailMessage, "send", send)
    _run(django_capture_on_commit_callbacks)

    assert [email.to for email in mail.outbox] == [["eva@kantoor.nl"]]
    entries = {e.organisation.name: e for e in ReminderLog.objects.select_related("organisation")}
    assert entries["Alfa B.V."].sent_at and not entries["Alfa B.V."].error
    assert entries["Beta B.V."].sent_at is None
    assert entries["Beta B.V."].error == "OSError: mail server away"
    # Gamma reached Eva, not Tom: its row says both.
    assert entries["Gamma B.V."].recipients == ["eva@kantoor.nl"]
    assert entries["Gamma B.V."].error == "OSError: mail server away"

    monkeypatch.setattr(EmailMessage, "send", real_send)
    assert _run(django_capture_on_commit_callbacks) == 0
    assert len(mail.outbox) == 1
