"""The daily reminder job (client reminders and staff escalations) skips an environment
whose activation "Communicatieconnector accordering OutSite" is off."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core import mail

from deadlines import reminders
from deadlines.models import ReminderLog
from tests import factories
from tests.deadlines.conftest import (  # noqa: F401 - the fixture, for every test here
    at_noon,
    make_message,
    reminder_schedule,
)

pytestmark = pytest.mark.usefixtures("reminder_schedule")

TODAY = date(2026, 3, 20)


@pytest.mark.parametrize("active", [True, False], ids=["on", "off"])
def test_reminder_job(environment, switch, active, django_capture_on_commit_callbacks):
    org = factories.OrganisationFactory(environment=environment, name="Alfa B.V.")
    factories.ContactFactory(organisation=org, email="anna@example.nl")
    factories.StaffFactory(environment=environment, user__email="eva@kantoor.nl")
    make_message(org, year=2025, changed_at=at_noon(TODAY - timedelta(days=3)))
    switch(active)
    with django_capture_on_commit_callbacks(execute=True):
        client_outcome = reminders.send_reminders(now=at_noon(TODAY))
    with django_capture_on_commit_callbacks(execute=True):
        staff_outcome = reminders.send_reminders(now=at_noon(date(2026, 7, 19)))
    expected = 1 if active else 0
    assert (client_outcome.client_reminders, staff_outcome.staff_escalations) == (
        expected,
        expected,
    )
    # On: the 3-day reminder, in July the latest client step and the staff escalation.
    assert len(mail.outbox) == ReminderLog.objects.count() == (3 if active else 0)
