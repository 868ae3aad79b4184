"""Helpers for the deadline and reminder tests: messages in a given status and age."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from deadlines import reminders
from deadlines.models import DeadlineExtension, DeadlineFacts
from kvk.status import Status
from tests import factories
from workflow.models import ApprovalMessage


def make_message(
    organisation,
    *,
    year: int,
    status: int = Status.IN_REVIEW,
    changed_at: datetime | None = None,
    adopted_on: date | None = None,
    awaiting_accountant_review: bool = False,
) -> ApprovalMessage:
    """A message of ``organisation`` at ``status`` since ``changed_at`` (test set-up only:
    the product moves statuses through workflow.services)."""
    message = ApprovalMessage.objects.create(
        organisation=organisation,
        message_id=uuid.uuid4(),
        message_type="kvk-micro-klein",
        financial_year=year,
        filename=f"jaarrekening-{year}.xbrl",
        received_document=b"<xbrl/>",
        document=b"<xbrl/>",
        document_sha256="a" * 64,
        approved_sha256="a" * 64 if status >= Status.APPROVED else "",
        status=status,
        adopted=adopted_on is not None,
        adoption_date=adopted_on,
        awaiting_accountant_review=awaiting_accountant_review,
    )
    if changed_at is not None:
        ApprovalMessage.objects.filter(pk=message.pk).update(status_changed_at=changed_at)
        message.refresh_from_db()
    return message


#: The day a test's clients came to Deponeer, where a test counts years without a
#: message as overdue: before those years' deadlines (a year whose deadline passed before
#: the client came is not at risk, DeadlineRow.predates_onboarding).
LONG_AGO = date(2024, 1, 5)


def onboarded(*organisations, on: date = LONG_AGO) -> None:
    """The organisations were added to Deponeer ``on`` that day (the factories add them
    at the moment the test runs)."""
    for organisation in organisations:
        type(organisation).objects.filter(pk=organisation.pk).update(created_at=at_noon(on))
        organisation.created_at = at_noon(on)


def facts(organisation, *, end_month=12, end_day=31, all_directors=False, title_9=False):
    return DeadlineFacts.objects.create(
        organisation=organisation,
        year_end_month=end_month,
        year_end_day=end_day,
        all_shareholders_are_directors=all_directors,
        title_9_applies=title_9,
    )


def extension(organisation, year: int, months: int):
    return DeadlineExtension.objects.create(
        organisation=organisation, financial_year=year, months=months
    )


def freeze_today(monkeypatch, day: date) -> None:
    """``timezone.localdate()`` answers ``day`` (the deadlines count from today); with an
    argument it converts as before."""
    real = timezone.localdate

    def localdate(value=None, timezone=None):
        return day if value is None else real(value, timezone)

    monkeypatch.setattr("django.utils.timezone.localdate", localdate)


@pytest.fixture
def frozen_today(request, monkeypatch, settings):
    """Today is the test module's ``TODAY``; staff pass without a second factor (it has
    tests of its own)."""
    settings.OTP_REQUIRED_FOR_STAFF = False
    freeze_today(monkeypatch, request.module.TODAY)


def break_mail(monkeypatch) -> None:
    """The in-memory mail backend fails, as a mail server that is down (``monkeypatch.undo``
    repairs it)."""

    def broken(self, messages):
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", broken)


def refuse_mail_to(monkeypatch, address: str) -> None:
    """The mail server refuses the reminder mails to ``address`` and sends the others
    (``monkeypatch.undo`` repairs it)."""
    real = reminders.get_connection

    class Refusing:
        def send_messages(self, emails):
            if any(address in email.to for email in emails):
                raise ConnectionRefusedError("recipient refused")
            return real().send_messages(emails)

    monkeypatch.setattr(reminders, "get_connection", Refusing)


def at_noon(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, datetime.min.time()) + timedelta(hours=12))


def fix_today(monkeypatch, settings, today: date) -> None:
    """``timezone.localdate()`` answers ``today`` (a date given stays converted), and staff
    pages open without the second factor (it has its own tests)."""
    settings.OTP_REQUIRED_FOR_STAFF = False
    real = timezone.localdate

    def localdate(value=None, timezone=None):
        return today if value is None else real(value, timezone)

    monkeypatch.setattr("django.utils.timezone.localdate", localdate)


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    # The factories hash a password per user; the default hasher is slow on purpose.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


@pytest.fixture
def org(environment):
    return factories.OrganisationFactory(environment=environment, name="Alfa B.V.")


@pytest.fixture
def reminder_schedule(settings):
    """Reminders 3, 7 and 14 days before, escalations 30 and 14; mail kept in memory."""
    settings.REMINDER_DAYS = [3, 7, 14]
    settings.REMINDER_ESCALATION_DAYS = [30, 14]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def add_clients(environment, count: int) -> None:
    """``count`` clients of ``environment`` (year end 30 June, an extension of 2025, two
    messages of 2025 each): the rows of the query count tests."""
    for n in range(count):
        organisation = factories.OrganisationFactory(environment=environment)
        facts(organisation, end_month=6, end_day=30)
        extension(organisation, 2025, 1 + n % 5)
        make_message(organisation, year=2025, status=Status.IN_REVIEW)
        make_message(organisation, year=2025, status=Status.REJECTED)
