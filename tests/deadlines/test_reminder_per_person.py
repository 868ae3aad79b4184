"""Client reminders: one e-mail per person per run, listing every message that waits for
them (deadlines.reminders), while each message and step is still claimed once in the log.

The deadlines the mails name: KVK-SBR.md section 1, filing "within 8 days after adoption
and in any case within 12 months after year end"; a calendar year 2025 without adoption
is due 8 August 2026, 2024 was due 8 August 2025.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.management import call_command

from deadlines import reminders
from deadlines.models import ReminderLog
from tests import factories
from tests.deadlines.conftest import at_noon, break_mail, make_message, refuse_mail_to

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reminder_schedule")]

TODAY = date(2026, 3, 20)

NAMES = ["Alfa B.V.", "Beta B.V.", "Gamma B.V.", "Delta B.V.", "Epsilon B.V."]


def run(django_capture_on_commit_callbacks, day: date = TODAY):
    with django_capture_on_commit_callbacks(execute=True):
        return reminders.send_reminders(now=at_noon(day))


def waiting_since(organisation, days: int, year: int = 2025):
    return make_message(organisation, year=year, changed_at=at_noon(TODAY - timedelta(days=days)))


@pytest.fixture
def dga(environment):
    """Jan, director (DGA) of five companies with one login: each company's 2025 accounts
    wait for him, 3 to 7 days."""
    user = factories.UserFactory(username="jan", email="jan@example.nl")
    messages = []
    for days, name in enumerate(NAMES, start=3):
        organisation = factories.OrganisationFactory(environment=environment, name=name)
        factories.ContactFactory(organisation=organisation, user=user, name="Jan")
        messages.append(waiting_since(organisation, days))
    return messages


def _name(message) -> str:
    return message.organisation.name


def links(body: str) -> list[str]:
    return re.findall(r"/outsite/berichten/(\d+)/", body)


def test_one_person_with_five_companies_gets_one_mail_listing_all_five(
    dga, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        outcome = reminders.send_reminders(now=at_noon(TODAY))
    assert outcome.client_reminders == 5
    assert len(callbacks) == 1  # one delivery, with the five claims
    for callback in callbacks:
        callback()
    (email,) = mail.outbox
    assert email.to == ["jan@example.nl"]
    assert email.subject == "Herinnering: 5 jaarrekeningen wachten op uw beoordeling"
    assert email.body.startswith("Beste Jan,")
    assert links(email.body) == [str(message.pk) for message in sorted(dga, key=_name)]
    for days, name in enumerate(NAMES, start=3):
        assert f"- De jaarrekening 2025 van {name} wacht al {days} dagen." in email.body
    assert email.body.count("De wettelijke deponeertermijn verloopt op 8 augustus 2026.") == 5
    entries = ReminderLog.objects.order_by("message_id")
    assert [entry.message_id for entry in entries] == [message.pk for message in dga]
    assert all(entry.sent_at is not None and entry.error == "" for entry in entries)
    assert all(entry.recipients == ["jan@example.nl"] for entry in entries)
    # The same day again: everything is claimed, nothing is sent.
    assert run(django_capture_on_commit_callbacks).client_reminders == 0
    assert len(mail.outbox) == 1 and ReminderLog.objects.count() == 5


def test_each_message_names_its_own_year_and_deadline(
    environment, django_capture_on_commit_callbacks
):
    """Two years of one company wait: 2024's deadline has passed, 2025's is to come."""
    organisation = factories.OrganisationFactory(environment=environment, name="Alfa B.V.")
    factories.ContactFactory(organisation=organisation, name="Anna", email="anna@example.nl")
    waiting_since(organisation, 14, year=2024)
    waiting_since(organisation, 3, year=2025)
    run(django_capture_on_commit_callbacks)
    (email,) = mail.outbox
    assert email.subject == "Herinnering: 2 jaarrekeningen wachten op uw beoordeling"
    assert (
        "- De jaarrekening 2024 van Alfa B.V. wacht al 14 dagen. De wettelijke "
        "deponeertermijn is verlopen op 8 augustus 2025." in email.body
    )
    assert (
        "- De jaarrekening 2025 van Alfa B.V. wacht al 3 dagen. De wettelijke "
        "deponeertermijn verloopt op 8 augustus 2026." in email.body
    )
    client = ReminderLog.objects.filter(kind=ReminderLog.Kind.CLIENT_REVIEW)
    assert sorted(client.values_list("financial_year", "step")) == [
        (2024, 14),
        (2025, 3),
    ]


def test_two_people_on_one_message_get_a_mail_each(
    org, environment, django_capture_on_commit_callbacks
):
    """Anna and Piet are both contacts of Alfa; Anna is also Beta's. Anna's mail lists both
    companies, Piet's keeps the wording of a single reminder."""
    beta = factories.OrganisationFactory(environment=environment, name="Beta B.V.")
    factories.ContactFactory(organisation=org, name="Anna", email="anna@example.nl", user=None)
    factories.ContactFactory(organisation=org, name="Piet", email="piet@example.nl", user=None)
    factories.ContactFactory(organisation=beta, name="Anna", email="anna@example.nl", user=None)
    alfa_message, beta_message = waiting_since(org, 3), waiting_since(beta, 7)
    outcome = run(django_capture_on_commit_callbacks)
    assert outcome.client_reminders == 2
    by_address = {email.to[0]: email for email in mail.outbox}
    assert sorted(by_address) == ["anna@example.nl", "piet@example.nl"]
    anna, piet = by_address["anna@example.nl"], by_address["piet@example.nl"]
    assert anna.subject == "Herinnering: 2 jaarrekeningen wachten op uw beoordeling"
    assert links(anna.body) == [str(alfa_message.pk), str(beta_message.pk)]
    assert piet.subject == (
        "Herinnering: de jaarrekening 2025 van Alfa B.V. wacht op uw beoordeling"
    )
    assert links(piet.body) == [str(alfa_message.pk)]
    assert sorted(
        (entry.organisation.name, sorted(entry.recipients))
        for entry in ReminderLog.objects.select_related("organisation")
    ) == [
        ("Alfa B.V.", ["anna@example.nl", "piet@example.nl"]),
        ("Beta B.V.", ["anna@example.nl"]),
    ]


def test_a_person_is_an_address_whatever_its_case(environment, django_capture_on_commit_callbacks):
    """Two companies entered the same person's address differently, without a login."""
    for name, address in [("Alfa B.V.", "Jan@Example.nl"), ("Beta B.V.", "jan@example.nl")]:
        organisation = factories.OrganisationFactory(environment=environment, name=name)
        factories.ContactFactory(organisation=organisation, name="Jan", email=address, user=None)
        waiting_since(organisation, 3)
    run(django_capture_on_commit_callbacks)
    (email,) = mail.outbox
    assert email.to == ["Jan@Example.nl"]  # as the oldest contact writes it
    assert "Alfa B.V." in email.body and "Beta B.V." in email.body


def test_an_address_in_two_accountancy_environments_gets_a_mail_from_each(
    environment, django_capture_on_commit_callbacks
):
    """One accountancy firm's mail never names another firm's client."""
    other_environment = factories.EnvironmentFactory(activated=True, name="Ander Kantoor")
    for env, name in [(environment, "Alfa B.V."), (other_environment, "Beta B.V.")]:
        organisation = factories.OrganisationFactory(environment=env, name=name)
        factories.ContactFactory(
            organisation=organisation, name="Jan", email="jan@example.nl", user=None
        )
        waiting_since(organisation, 3)
    run(django_capture_on_commit_callbacks)
    bodies = sorted(email.body for email in mail.outbox)
    assert len(bodies) == 2
    alfa, beta = sorted(bodies, key=lambda body: "Beta" in body)
    assert "Beta" not in alfa and environment.name in alfa
    assert "Alfa" not in beta and "Ander Kantoor" in beta


def test_a_failed_mail_records_the_error_on_each_of_its_reminders(
    dga, monkeypatch, django_capture_on_commit_callbacks
):
    break_mail(monkeypatch)
    run(django_capture_on_commit_callbacks)
    entries = list(ReminderLog.objects.all())
    assert len(entries) == 5
    for entry in entries:
        assert entry.sent_at is None
        assert entry.error == "jan@example.nl: ConnectionRefusedError: mail server down"
    monkeypatch.undo()
    run(django_capture_on_commit_callbacks)  # at most once: never resent
    assert mail.outbox == [] and ReminderLog.objects.count() == 5


def test_a_message_whose_mail_failed_for_one_person_keeps_that_error(
    org, monkeypatch, django_capture_on_commit_callbacks
):
    """Anna's mail fails, Piet's goes: the reminder went out, and says to whom it did not."""
    factories.ContactFactory(organisation=org, name="Anna", email="anna@example.nl", user=None)
    factories.ContactFactory(organisation=org, name="Piet", email="piet@example.nl", user=None)
    waiting_since(org, 3)
    refuse_mail_to(monkeypatch, "anna@example.nl")
    run(django_capture_on_commit_callbacks)
    assert [email.to for email in mail.outbox] == [["piet@example.nl"]]
    entry = ReminderLog.objects.get()
    assert entry.sent_at is not None
    assert entry.error == "anna@example.nl: ConnectionRefusedError: recipient refused"


def test_a_message_whose_mails_all_failed_keeps_each_error(
    org, monkeypatch, django_capture_on_commit_callbacks
):
    factories.ContactFactory(organisation=org, name="Anna", email="anna@example.nl", user=None)
    factories.ContactFactory(organisation=org, name="Piet", email="piet@example.nl", user=None)
    waiting_since(org, 3)
    break_mail(monkeypatch)
    run(django_capture_on_commit_callbacks)
    entry = ReminderLog.objects.get()
    assert entry.sent_at is None
    assert sorted(entry.error.splitlines()) == [
        "anna@example.nl: ConnectionRefusedError: mail server down",
        "piet@example.nl: ConnectionRefusedError: mail server down",
    ]


def test_a_contact_gone_before_the_mail_records_why(org, django_capture_on_commit_callbacks):
    contact = factories.ContactFactory(
        organisation=org, name="Anna", email="anna@example.nl", user=None
    )
    waiting_since(org, 3)
    with django_capture_on_commit_callbacks() as callbacks:
        reminders.send_reminders(now=at_noon(TODAY))
    contact.delete()  # between the claim and the delivery
    for callback in callbacks:
        callback()
    assert mail.outbox == []
    entry = ReminderLog.objects.get()
    assert entry.sent_at is None
    assert entry.error == (
        "anna@example.nl: niet verzonden, want geen contactpersoon met dit e-mailadres heeft "
        "nog toegang tot de klantportal."
    )


def test_the_dry_run_shows_the_mails_and_sends_nothing(
    dga, org, capsys, django_capture_on_commit_callbacks
):
    factories.ContactFactory(organisation=org, name="Anna", email="anna@example.nl", user=None)
    waiting_since(org, 4)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_reminders", "--dry-run")
    out = capsys.readouterr().out
    assert "client reminders: 6" in out
    assert "client reminder e-mails: 2" in out
    assert (
        "  mail to jan@example.nl: 5 messages (Alfa B.V. 2025, Beta B.V. 2025, "
        "Gamma B.V. 2025, Delta B.V. 2025, Epsilon B.V. 2025)" in out
    )
    assert "  mail to anna@example.nl: 1 message (Alfa B.V. 2025)" in out
    assert mail.outbox == [] and not ReminderLog.objects.exists()
    outcome, _entries = reminders.preview_reminders(now=at_noon(TODAY))
    assert sorted((m.address, len(m.entry_ids)) for m in outcome.client_mails) == [
        ("anna@example.nl", 1),
        ("jan@example.nl", 5),
    ]
    assert mail.outbox == [] and not ReminderLog.objects.exists()


def test_the_mail_is_in_the_persons_language(dga, environment, django_capture_on_commit_callbacks):
    """Jan's oldest contact (Alfa's) reads English: his one mail is English, with English
    dates; Anna reads Dutch."""
    jan = dga[0].organisation.contacts.get()
    jan.language = "en"
    jan.save()
    for message in dga[1:]:
        assert message.organisation.contacts.get().language == "nl"
    other = factories.OrganisationFactory(environment=environment, name="Zeta B.V.")
    factories.ContactFactory(organisation=other, name="Anna", email="anna@example.nl", user=None)
    factories.ContactFactory(
        organisation=dga[0].organisation, name="Anna", email="anna@example.nl", user=None
    )
    waiting_since(other, 3)
    run(django_capture_on_commit_callbacks)
    by_address = {email.to[0]: email for email in mail.outbox}
    english, dutch = by_address["jan@example.nl"], by_address["anna@example.nl"]
    assert english.subject == "Reminder: 5 annual accounts await your review"
    assert english.body.startswith("Dear Jan,")
    assert "- The 2025 annual accounts of Alfa B.V. have been waiting for 3 days." in english.body
    assert english.body.count("The legal filing deadline is 8 August 2026.") == 5
    assert english.body.count("Go to the message: ") == 5
    assert dutch.subject == "Herinnering: 2 jaarrekeningen wachten op uw beoordeling"
    assert dutch.body.count("De wettelijke deponeertermijn verloopt op 8 augustus 2026.") == 2


def test_a_company_the_person_left_before_the_mail_is_not_in_it(
    dga, django_capture_on_commit_callbacks
):
    """Jan stopped being the contact of Alfa between the claim and the delivery (his
    access there taken away): the mail to him names the four companies he is still the
    contact of, not Alfa's accounts; Alfa's reminder records why it was not sent."""
    alfa = dga[0]
    with django_capture_on_commit_callbacks() as callbacks:
        reminders.send_reminders(now=at_noon(TODAY))
    alfa.organisation.contacts.update(portal_access=False)
    for callback in callbacks:
        callback()
    (email,) = mail.outbox
    assert "Alfa B.V." not in email.body
    assert links(email.body) == [str(message.pk) for message in sorted(dga[1:], key=_name)]
    assert email.subject == "Herinnering: 4 jaarrekeningen wachten op uw beoordeling"
    gone = ReminderLog.objects.get(message=alfa)
    assert gone.sent_at is None
    assert gone.error == (
        "jan@example.nl: niet verzonden, want geen contactpersoon met dit e-mailadres heeft "
        "nog toegang tot de klantportal."
    )
    assert ReminderLog.objects.filter(sent_at__isnull=False).count() == 4
