"""deadlines.reminders: client reminders and staff escalations, never twice."""

from __future__ import annotations

import re
import threading
from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from deadlines import reminders
from deadlines.models import ReminderLog
from kvk.status import Status
from portal import tasks
from tests import factories
from tests.deadlines.conftest import at_noon, break_mail, extension, facts, make_message
from tests.threads import run_in_threads

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reminder_schedule")]

TODAY = date(2026, 3, 20)


@pytest.fixture
def waiting(org):
    contact = factories.ContactFactory(organisation=org, name="Anna", email="anna@example.nl")
    message = make_message(org, year=2025, changed_at=at_noon(TODAY - timedelta(days=3)))
    return message, contact


def run(django_capture_on_commit_callbacks, day: date = TODAY):
    with django_capture_on_commit_callbacks(execute=True):
        return reminders.send_reminders(now=at_noon(day))


def test_reminder_when_a_message_has_waited_three_days(waiting, django_capture_on_commit_callbacks):
    message, contact = waiting
    outcome = run(django_capture_on_commit_callbacks)
    assert outcome.client_reminders == 1
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == ["anna@example.nl"]
    assert "Alfa B.V." in email.subject and "2025" in email.subject
    assert "3 dagen" in email.body
    assert "8 augustus 2026" in email.body  # the filing deadline of calendar year 2025
    assert f"/outsite/berichten/{message.pk}/" in email.body
    entry = ReminderLog.objects.get()
    assert (entry.message_id, entry.kind, entry.step) == (message.pk, "client_review", 3)
    assert entry.sent_at is not None and entry.error == ""
    assert entry.recipients == ["anna@example.nl"]


def test_a_second_run_sends_nothing(waiting, django_capture_on_commit_callbacks):
    run(django_capture_on_commit_callbacks)
    outcome = run(django_capture_on_commit_callbacks)
    assert outcome.client_reminders == 0
    assert len(mail.outbox) == 1
    assert ReminderLog.objects.count() == 1


def test_schedule_steps(org, waiting, django_capture_on_commit_callbacks):
    message, _contact = waiting
    ReminderLog.objects.all().delete()
    run(django_capture_on_commit_callbacks, TODAY - timedelta(days=1))  # waited 2 days
    assert mail.outbox == []
    run(django_capture_on_commit_callbacks, TODAY + timedelta(days=5))  # waited 8 days
    run(django_capture_on_commit_callbacks, TODAY + timedelta(days=6))
    run(django_capture_on_commit_callbacks, TODAY + timedelta(days=11))  # waited 14 days
    steps = sorted(ReminderLog.objects.values_list("step", flat=True))
    assert steps == [7, 14]  # the skipped step 3 is not sent late
    assert len(mail.outbox) == 2


def test_a_late_run_sends_the_latest_step_with_the_real_wait(
    waiting, django_capture_on_commit_callbacks
):
    run(django_capture_on_commit_callbacks, TODAY + timedelta(days=6))  # waited 9 days
    (email,) = mail.outbox
    assert "9 dagen" in email.body
    assert list(ReminderLog.objects.values_list("step", flat=True)) == [7]


def test_english_contact_gets_english(org, django_capture_on_commit_callbacks):
    factories.ContactFactory(organisation=org, email="bob@example.com", language="en")
    make_message(org, year=2025, changed_at=at_noon(TODAY - timedelta(days=7)))
    run(django_capture_on_commit_callbacks)
    (email,) = mail.outbox
    assert email.subject.startswith("Reminder: the 2025 annual accounts")
    assert "7 days" in email.body and "8 August 2026" in email.body


@pytest.mark.parametrize(
    "kwargs",
    [
        {"status": Status.REJECTED},
        {"status": Status.APPROVED},
        {"status": Status.IN_REVIEW, "awaiting_accountant_review": True},
    ],
    ids=["rejected", "approved", "accountant-review-first"],
)
def test_no_reminder_unless_the_client_must_act(org, kwargs, django_capture_on_commit_callbacks):
    factories.ContactFactory(organisation=org)
    make_message(org, year=2025, changed_at=at_noon(TODAY - timedelta(days=20)), **kwargs)
    outcome = run(django_capture_on_commit_callbacks)
    assert outcome.client_reminders == 0 and mail.outbox == []
    assert not ReminderLog.objects.exists()


def test_contacts_without_portal_access_or_email_are_skipped(
    org, django_capture_on_commit_callbacks
):
    factories.ContactFactory(organisation=org, portal_access=False)
    factories.ContactFactory(organisation=org, email="")
    make_message(org, year=2025, changed_at=at_noon(TODAY - timedelta(days=4)))
    run(django_capture_on_commit_callbacks)
    assert mail.outbox == [] and not ReminderLog.objects.exists()


def test_failed_send_is_recorded_and_never_retried(
    waiting, monkeypatch, django_capture_on_commit_callbacks
):
    break_mail(monkeypatch)
    run(django_capture_on_commit_callbacks)
    entry = ReminderLog.objects.get()
    assert entry.sent_at is None and "mail server down" in entry.error
    monkeypatch.undo()
    run(django_capture_on_commit_callbacks)
    assert mail.outbox == [] and ReminderLog.objects.count() == 1


def test_the_log_refuses_a_duplicate(waiting):
    message, _contact = waiting
    fields = dict(organisation=message.organisation, message=message, kind="client_review", step=3)
    ReminderLog.objects.create(**fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        ReminderLog.objects.create(**fields)
    year = dict(organisation=message.organisation, financial_year=2025, kind="staff_escalation")
    ReminderLog.objects.create(step=30, **year)
    with pytest.raises(IntegrityError), transaction.atomic():
        ReminderLog.objects.create(step=30, **year)


# --- staff escalation ----------------------------------------------------------------------


@pytest.fixture
def staff_members(environment):
    return [
        factories.StaffFactory(environment=environment, user__email="eva@kantoor.nl"),
        factories.StaffFactory(environment=environment, user__email="tom@kantoor.nl"),
    ]


def test_escalation_before_the_filing_deadline(
    environment, org, staff_members, outsider, django_capture_on_commit_callbacks
):
    # Calendar year 2025: filing due 8 August 2026. 20 days before: the 30-day step.
    filed = factories.OrganisationFactory(environment=environment, name="Gedeponeerd B.V.")
    make_message(filed, year=2025, status=Status.FILED)
    june = factories.OrganisationFactory(environment=environment, name="Juni B.V.")
    facts(june, end_month=6, end_day=30)  # year 2025 ends 30 June 2026: not yet near
    day = date(2026, 7, 19)
    outcome = run(django_capture_on_commit_callbacks, day)
    assert outcome.staff_escalations == 1
    (email,) = mail.outbox
    assert sorted(email.to) == ["eva@kantoor.nl", "tom@kantoor.nl"]
    assert outsider.email not in email.to
    assert "Alfa B.V., boekjaar 2025" in email.body and "8 augustus 2026" in email.body
    assert "Gedeponeerd" not in email.body and "Juni" not in email.body
    entry = ReminderLog.objects.get()
    assert (entry.organisation_id, entry.financial_year, entry.kind, entry.step) == (
        org.pk,
        2025,
        "staff_escalation",
        30,
    )
    assert entry.sent_at is not None

    run(django_capture_on_commit_callbacks, day + timedelta(days=1))
    assert len(mail.outbox) == 1  # nothing new until the 14-day step
    run(django_capture_on_commit_callbacks, date(2026, 7, 26))  # 13 days left
    assert len(mail.outbox) == 2
    assert sorted(ReminderLog.objects.values_list("step", flat=True)) == [14, 30]


def test_escalation_reaches_each_staff_member_in_their_language(
    org, staff_members, django_capture_on_commit_callbacks
):
    staff_members[1].language = "en"
    staff_members[1].save()
    run(django_capture_on_commit_callbacks, date(2026, 7, 19))
    by_address = {email.to[0]: email for email in mail.outbox}
    assert sorted(by_address) == ["eva@kantoor.nl", "tom@kantoor.nl"]
    assert "Deponeertermijn nadert" in by_address["eva@kantoor.nl"].subject
    assert "Filing deadline approaching" in by_address["tom@kantoor.nl"].subject
    assert "financial year 2025" in by_address["tom@kantoor.nl"].body
    entry = ReminderLog.objects.get()
    assert sorted(entry.recipients) == ["eva@kantoor.nl", "tom@kantoor.nl"]


def test_escalation_follows_the_facts(org, staff_members, django_capture_on_commit_callbacks):
    # An extension of 3 months moves the deadline of 2025 to 8 November 2026.
    extension(org, 2025, 3)
    run(django_capture_on_commit_callbacks, date(2026, 7, 19))
    assert mail.outbox == []
    run(django_capture_on_commit_callbacks, date(2026, 10, 20))
    (email,) = mail.outbox
    assert "8 november 2026" in email.body


def test_escalation_for_all_shareholders_directors(
    org, staff_members, django_capture_on_commit_callbacks
):
    facts(org, all_directors=True)  # 2025: due 8 June 2026
    run(django_capture_on_commit_callbacks, date(2026, 5, 25))
    (email,) = mail.outbox
    assert "8 juni 2026" in email.body


def test_escalation_follows_the_legal_form(
    environment, org, staff_members, django_capture_on_commit_callbacks
):
    # A stichting under Title 9 (art. 2:300 lid 1): 2025 due 8 September 2026; a
    # vennootschap onder firma (art. 2:360 lid 2) has no computed deadline: no escalation.
    org.legal_form = "Stichting"
    org.save()
    facts(org, title_9=True)
    firm = factories.OrganisationFactory(
        environment=environment, name="Firma VOF", legal_form="Vennootschap onder firma"
    )
    make_message(firm, year=2025, changed_at=at_noon(date(2026, 7, 1)))
    run(django_capture_on_commit_callbacks, date(2026, 7, 19))
    assert mail.outbox == []  # a BV would be 20 days from 8 August now
    run(django_capture_on_commit_callbacks, date(2026, 8, 20))
    (email,) = mail.outbox
    assert "Alfa B.V., boekjaar 2025" in email.body and "8 september 2026" in email.body
    assert "Firma" not in email.body
    assert not ReminderLog.objects.filter(organisation=firm).exists()


@pytest.mark.parametrize(
    "legal_form,language,before,after",
    [
        # kvk.deadlines.RULES: no term computed for a vof (art. 2:360 lid 2 BW), nor for a
        # stichting without Title 9 (art. 2:360 lid 3 BW)
        ("Vennootschap onder firma", "nl", "bij de KvK.", "Naar het bericht:"),
        ("Stichting", "nl", "bij de KvK.", "Naar het bericht:"),
        ("Stichting", "en", "(KvK).", "Go to the message:"),
    ],
)
def test_client_reminder_without_a_computed_deadline_leaves_the_deadline_out(
    environment, django_capture_on_commit_callbacks, legal_form, language, before, after
):
    """No "De wettelijke deponeertermijn verloopt op -.": without a date, no sentence."""
    firm = factories.OrganisationFactory(
        environment=environment, name="Zonder Termijn", legal_form=legal_form
    )
    factories.ContactFactory(
        organisation=firm, name="Anna", email="anna@example.nl", language=language
    )
    make_message(firm, year=2025, changed_at=at_noon(TODAY - timedelta(days=3)))
    outcome = run(django_capture_on_commit_callbacks)
    assert outcome.client_reminders == 1
    (email,) = mail.outbox
    assert "deponeertermijn" not in email.body and "filing deadline" not in email.body
    assert " -." not in email.body
    assert f"{before}\n\n{after}" in email.body  # one blank line, as between the others
    assert ReminderLog.objects.get().error == ""


def test_command_and_task(waiting, capsys, django_capture_on_commit_callbacks, settings):
    call_command("send_reminders", "--today", TODAY.isoformat())  # a preview: none sent
    assert "client reminders: 1" in capsys.readouterr().out
    assert mail.outbox == []
    run(django_capture_on_commit_callbacks, TODAY)
    assert len(mail.outbox) == 1
    # The task runs with the real clock: the message has waited longer by now, so the
    # latest step is due once, and a second run of the task sends nothing.
    with django_capture_on_commit_callbacks(execute=True):
        first = tasks.send_reminders()
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.send_reminders() == {"client_reminders": 0, "staff_escalations": 0}
    assert first["client_reminders"] == 1
    assert ReminderLog.objects.filter(kind="client_review").count() == 2
    beat = settings.CELERY_BEAT_SCHEDULE["herinneringen-versturen"]
    assert beat["task"] == "portal.tasks.send_reminders"


# --- concurrency ---------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_concurrent_runs_send_each_reminder_once(environment, staff_members):
    org = factories.OrganisationFactory(environment=environment, name="Alfa B.V.")
    factories.ContactFactory(organisation=org, email="anna@example.nl")
    other = factories.OrganisationFactory(environment=environment, name="Beta B.V.")
    factories.ContactFactory(organisation=other, email="piet@example.nl")
    day = date(2026, 7, 26)  # 13 days before the 2025 deadline: escalation step 14
    for organisation in (org, other):
        make_message(organisation, year=2025, changed_at=at_noon(day - timedelta(days=7)))
    make_message(
        factories.OrganisationFactory(environment=environment, name="Gamma B.V."),
        year=2025,
        status=Status.FILED,
    )
    barrier = threading.Barrier(4)
    outcomes, errors = [], []

    def job():
        try:
            barrier.wait()
            outcomes.append(reminders.send_reminders(now=at_noon(day)))
        except Exception as error:  # noqa: BLE001
            errors.append(error)

    run_in_threads(job, 4, timeout=30)
    assert errors == []
    assert sum(o.client_reminders for o in outcomes) == 2
    assert sum(o.staff_escalations for o in outcomes) == 2
    client_mail = [m for m in mail.outbox if "wacht op uw beoordeling" in m.subject]
    assert sorted(m.to[0] for m in client_mail) == ["anna@example.nl", "piet@example.nl"]
    assert ReminderLog.objects.filter(kind="client_review", step=7).count() == 2
    assert ReminderLog.objects.filter(kind="staff_escalation", step=14).count() == 2
    assert not ReminderLog.objects.filter(sent_at__isnull=True).exists()


def test_one_person_contact_of_two_organisations_gets_one_mail_naming_both(
    org, environment, django_capture_on_commit_callbacks
):
    """One login for a DGA who is the contact of a holding and an operating company: each
    organisation's waiting message is its own reminder (its own log row), and both go in
    one mail to him, naming both organisations."""
    other = factories.OrganisationFactory(environment=environment, name="Beta B.V.")
    user = factories.UserFactory(username="jan@example.nl", email="jan@example.nl")
    for organisation in (org, other):
        factories.ContactFactory(organisation=organisation, user=user, name="Jan")
        make_message(organisation, year=2025, changed_at=at_noon(TODAY - timedelta(days=3)))
    outcome = run(django_capture_on_commit_callbacks)
    assert outcome.client_reminders == 2
    (email,) = mail.outbox
    assert email.to == ["jan@example.nl"]
    assert "Alfa B.V." in email.body and "Beta B.V." in email.body
    assert ReminderLog.objects.filter(sent_at__isnull=False).count() == 2
    assert run(django_capture_on_commit_callbacks).client_reminders == 0
    assert len(mail.outbox) == 1


# --- overdue -------------------------------------------------------------------------------
# KVK-SBR.md section 1: filing is due "within 8 days after adoption and in any case within
# 12 months after year end"; "Late filing is an economic offence". Calendar year 2025: due
# 8 August 2026 (5 + 2 months + 8 days).

AFTER = date(2026, 8, 20)  # 12 days after the deadline of 2025


def test_a_rejection_after_the_deadline_escalates_once_as_overdue(
    org, staff_members, capsys, django_capture_on_commit_callbacks
):
    # No warning went before (the client had approved; it rejected after the deadline).
    make_message(org, year=2025, status=Status.REJECTED, changed_at=at_noon(AFTER))
    call_command("send_reminders", "--today", AFTER.isoformat())  # the preview: none sent
    for _ in range(2):
        run(django_capture_on_commit_callbacks, AFTER)
    (email,) = mail.outbox
    assert sorted(email.to) == ["eva@kantoor.nl", "tom@kantoor.nl"]
    assert "Deponeertermijn verstreken: 1 cliënt" in email.subject
    assert "nadert" not in email.subject + email.body
    assert (
        "Alfa B.V., boekjaar 2025: de deponeertermijn is verstreken op 8 augustus 2026 "
        "(12 dagen geleden)" in email.body
    )
    assert "staff escalations: 1" in capsys.readouterr().out
    entry = ReminderLog.objects.get()
    assert (entry.kind, entry.financial_year, entry.step) == ("staff_overdue", 2025, 0)
    assert entry.sent_at is not None


def test_overdue_after_a_warning_and_for_a_client_that_came_within_the_twelve_months(
    environment, org, staff_members, django_capture_on_commit_callbacks
):
    # Alfa was in the portal before the deadline and sent nothing: warned, then overdue.
    type(org).objects.filter(pk=org.pk).update(created_at=at_noon(date(2026, 1, 5)))
    run(django_capture_on_commit_callbacks, date(2026, 8, 1))  # 7 days left
    # Beta came the day after 2025 was expected, without a message; it may be filed until
    # 31 December 2026 (twelve months after the year end, KVK-SBR.md), so it may well not
    # be: overdue too (DeadlineRow.predates_onboarding).
    beta = factories.OrganisationFactory(environment=environment, name="Beta B.V.")
    type(beta).objects.filter(pk=beta.pk).update(created_at=at_noon(date(2026, 8, 9)))
    run(django_capture_on_commit_callbacks, date(2026, 8, 9))  # 1 day overdue
    warning, overdue = mail.outbox
    assert "nadert" in warning.subject and "verstreken" in overdue.subject
    assert "(1 dag geleden)" in overdue.body and "Beta B.V., boekjaar 2025" in overdue.body
    assert sorted(ReminderLog.objects.values_list("kind", "step", "organisation")) == sorted(
        [
            ("staff_escalation", 14, org.pk),
            ("staff_overdue", 0, org.pk),
            ("staff_overdue", 0, beta.pk),
        ]
    )


def test_the_overdue_digest_links_to_termijnen_of_the_years_it_lists(
    environment, org, staff_members, client, django_capture_on_commit_callbacks, settings
):
    """On 7 December 2026 Termijnen opens on 2025 (the year whose filing is due now) while
    the digest lists 2024 (due 8 August 2025) beside 2025 (due 8 August 2026): the links
    name the years (Termijnen's ``year`` parameter)."""
    type(org).objects.filter(pk=org.pk).update(created_at=at_noon(date(2024, 1, 5)))
    make_message(org, year=2025, status=Status.REJECTED, changed_at=at_noon(date(2026, 7, 1)))
    make_message(org, year=2024, status=Status.REJECTED, changed_at=at_noon(date(2025, 7, 1)))
    run(django_capture_on_commit_callbacks, date(2026, 12, 7))
    (email,) = mail.outbox
    assert "Alfa B.V., boekjaar 2024" in email.body and "Alfa B.V., boekjaar 2025" in email.body
    base = settings.PORTAL_BASE_URL.rstrip("/")
    links = [line.split(": ", 1)[1] for line in email.body.splitlines() if "/termijnen/" in line]
    assert links == [f"{base}/insite/termijnen/?year=2024", f"{base}/insite/termijnen/?year=2025"]
    # The link opens the year it names, with the client in it.
    settings.OTP_REQUIRED_FOR_STAFF = False
    client.force_login(staff_members[0].user)
    response = client.get(links[0].removeprefix(base))
    assert response.context["year"] == 2024
    assert [row.organisation for row in response.context["rows"]] == [org]


# --- the season's digest: hundreds of clients ----------------------------------------------
# On 7 December 2026 boekjaar 2024 (due 8 August 2025) and boekjaar 2025 (due 8 August 2026)
# have both passed (KVK-SBR.md section 1): a client that filed neither is two lines.

SEASON = date(2026, 12, 7)


def _overdue_clients(environment, count: int, years=(2024, 2025)) -> list:
    """``count`` clients in the portal since January 2024 whose accounts of ``years`` were
    rejected and never filed."""
    clients = []
    for _ in range(count):
        client = factories.OrganisationFactory(environment=environment)
        type(client).objects.filter(pk=client.pk).update(created_at=at_noon(date(2024, 1, 5)))
        for year in years:
            make_message(
                client, year=year, status=Status.REJECTED, changed_at=at_noon(date(year + 1, 7, 1))
            )
        clients.append(client)
    return clients


def _digest_queries(django_capture_on_commit_callbacks) -> int:
    """The queries of building and sending the overdue digest of the run of SEASON."""
    with django_capture_on_commit_callbacks() as callbacks:
        reminders.send_staff_escalations(today=SEASON)
    (deliver,) = callbacks
    with CaptureQueriesContext(connection) as context:
        deliver()
    return len(context.captured_queries)


def test_the_digest_costs_the_same_queries_for_5_clients_as_for_40(
    environment, staff_members, django_capture_on_commit_callbacks
):
    """The walk of the season: a digest of 204 client-years cost 816 queries, four for each
    line, again for each staff language. Now one set per financial year it lists."""
    staff_members[1].language = "en"  # a digest in each language
    staff_members[1].save()
    _overdue_clients(environment, 5)
    few = _digest_queries(django_capture_on_commit_callbacks)
    assert _lines_per_language() == {"eva@kantoor.nl": 10, "tom@kantoor.nl": 10}
    ReminderLog.objects.all().delete()
    mail.outbox.clear()
    _overdue_clients(environment, 35)
    assert _digest_queries(django_capture_on_commit_callbacks) == few
    assert _lines_per_language() == {"eva@kantoor.nl": 80, "tom@kantoor.nl": 80}


def _lines_per_language() -> dict[str, int]:
    """By the address of each digest (one per language), its lines of a client's year."""
    return {
        email.to[0]: len(re.findall(r"^- .*, (?:boekjaar|financial year) 202", email.body, re.M))
        for email in mail.outbox
    }


def test_the_digest_subject_counts_clients_not_their_years(
    environment, staff_members, django_capture_on_commit_callbacks
):
    """Alfa has 2024 and 2025 overdue, Beta 2025 only: three lines, two clients."""
    staff_members[1].language = "en"
    staff_members[1].save()
    (alfa,) = _overdue_clients(environment, 1, years=(2024, 2025))
    (beta,) = _overdue_clients(environment, 1, years=(2025,))
    # Beta came after the last day 2024 could be filed (31 December 2025, twelve months
    # after the year end): no alarm for a year the portal did not see pass.
    type(beta).objects.filter(pk=beta.pk).update(created_at=at_noon(date(2026, 1, 5)))
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders.send_staff_escalations(today=SEASON) == 3
    by_address = {email.to[0]: email for email in mail.outbox}
    dutch, english = by_address["eva@kantoor.nl"], by_address["tom@kantoor.nl"]
    assert dutch.subject == (
        "Deponeertermijn verstreken: 2 cliënten zonder gedeponeerde jaarrekening"
    )
    assert english.subject == "Filing deadline passed: 2 clients without filed annual accounts"
    for year, client in [(2024, alfa), (2025, alfa), (2025, beta)]:
        assert f"- {client.name}, boekjaar {year}: de deponeertermijn is verstreken" in dutch.body
    assert f"{beta.name}, boekjaar 2024" not in dutch.body


# --- wording and who hears it --------------------------------------------------------------


def test_a_reminder_after_the_deadline_says_it_has_passed(org, django_capture_on_commit_callbacks):
    # Calendar year 2025: filing was due 8 August 2026 (KVK-SBR.md section 1).
    factories.ContactFactory(organisation=org, name="Anna", email="anna@example.nl")
    english = factories.ContactFactory(organisation=org, name="Ann", email="ann@example.com")
    english.language = "en"
    english.save()
    make_message(org, year=2025, changed_at=at_noon(date(2026, 8, 17)))
    run(django_capture_on_commit_callbacks, date(2026, 8, 20))  # waited 3 days
    by_address = {email.to[0]: email.body for email in mail.outbox}
    assert (
        "De wettelijke deponeertermijn is verlopen op 8 augustus 2026."
        in by_address["anna@example.nl"]
    )
    assert "verloopt op" not in by_address["anna@example.nl"]
    assert "The legal filing deadline passed on 8 August 2026." in by_address["ann@example.com"]


def test_one_day_left_is_one_day(org, staff_members, django_capture_on_commit_callbacks):
    run(django_capture_on_commit_callbacks, date(2026, 8, 7))  # the deadline is 8 August
    (email,) = mail.outbox
    assert "(nog 1 dag);" in email.body


def test_a_contact_whose_login_was_deactivated_is_not_reminded(
    waiting, django_capture_on_commit_callbacks
):
    _message, contact = waiting
    factories.ContactFactory(organisation=contact.organisation, email="piet@example.nl")
    contact.user.is_active = False
    contact.user.save()
    run(django_capture_on_commit_callbacks)
    assert [email.to for email in mail.outbox] == [["piet@example.nl"]]


# --- previews (operator's report, item 5) ----------------------------------------------------


def test_a_preview_of_another_day_sends_nothing_and_uses_up_nothing(
    waiting, staff_members, capsys, django_capture_on_commit_callbacks
):
    """`send_reminders --today` sent a real escalation and stored its reminders with the
    real time, so on the real day the escalations never went out."""
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_reminders", "--today", AFTER.isoformat())
    out = capsys.readouterr().out
    assert "preview of 2026-08-20" in out and "nothing sent" in out
    assert "client reminders: 1, staff escalations: 1" in out
    assert "Alfa B.V., 2025: client_review after 14 days, to anna@example.nl" in out
    assert "Alfa B.V., 2025: staff_overdue" in out
    assert mail.outbox == [] and not ReminderLog.objects.exists()
    # The real day still has everything to send.
    outcome = run(django_capture_on_commit_callbacks, AFTER)
    assert (outcome.client_reminders, outcome.staff_escalations) == (1, 1)
    assert len(mail.outbox) == 2


def test_a_dry_run_of_today_sends_nothing(waiting, capsys, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_reminders", "--dry-run")
    out = capsys.readouterr().out
    assert "preview of" in out and "client reminders: 1" in out
    assert mail.outbox == [] and not ReminderLog.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_reminders")
    assert len(mail.outbox) == 1
    assert ReminderLog.objects.filter(kind="client_review").count() == 1


def test_a_preview_under_way_is_not_counted_by_a_real_run(waiting):
    """The preview's claims live only in its own transaction, rolled back."""
    outcome, entries = reminders.preview_reminders(now=at_noon(TODAY))
    assert outcome.client_reminders == 1 and [entry.step for entry in entries] == [3]
    assert not ReminderLog.objects.exists()


def test_one_address_written_with_other_capitals_gets_one_digest(
    environment, staff_members, django_capture_on_commit_callbacks
):
    """Two staff logins of one person, "eva@kantoor.nl" and "Eva@Kantoor.nl": one digest
    to that address, as the client reminders group their addresses."""
    factories.StaffFactory(environment=environment, user__email="Eva@Kantoor.nl")
    _overdue_clients(environment, 1, years=(2025,))
    with django_capture_on_commit_callbacks(execute=True):
        reminders.send_staff_escalations(today=SEASON)
    addresses = sorted(address.lower() for email in mail.outbox for address in email.to)
    assert addresses == ["eva@kantoor.nl", "tom@kantoor.nl"]
