"""The mail that asks a client to review a version says what kind of version it is.

Sources: KVK-SBR.md section 1: "A filed document is never removed. A correction is a new
filing: either a heraanlevering (flag DocumentResubmissionDueToUnsurmountableInaccuracies =
Ja, which requires adoption status Ja and an adoption date) ..." -- so a heraanlevering
arrives adopted, and asking the client to adopt it ("vaststellen") again is wrong. And
workflow.services.versions: a newer version of a year closes the one still waiting at 30;
an adoption or approval of the older one is bound to its document (the approved SHA-256)
and does not count for the newer one, which the client must be told.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.core import mail

from kvk.status import Status
from tests.portal.conftest import make_message
from tests.workflow.conftest import Flow, adoption_day
from workflow import services
from workflow.models import Actor

pytestmark = pytest.mark.usefixtures("mail_tasks_run_here")

ADOPTION_NO_LONGER_COUNTS = "Wat voor de eerdere versie is vastgesteld of goedgekeurd"


def _review_mails(address: str) -> list:
    return [m for m in mail.outbox if m.to == [address] and "goedkeuring" in m.subject]


def test_a_new_version_says_it_replaces_the_adopted_one(
    client_a, django_capture_on_commit_callbacks
):
    older = make_message(client_a)
    services.adopt(
        message_id=older.pk, actor=Actor.for_user(client_a.user), adoption_date=date.today()
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        newer = make_message(client_a)
    assert newer.replaces_id == older.pk

    (sent,) = _review_mails(client_a.user.email)
    assert sent.subject.startswith("Nieuwe versie van de jaarrekening")
    assert "Dit is een nieuwe versie van de jaarrekening; zij vervangt de versie" in sent.body
    assert ADOPTION_NO_LONGER_COUNTS in sent.body


def test_a_first_version_says_nothing_of_versions(client_a, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        make_message(client_a)
    (sent,) = _review_mails(client_a.user.email)
    assert not sent.subject.startswith("Nieuwe versie")
    assert "nieuwe versie" not in sent.body and ADOPTION_NO_LONGER_COUNTS not in sent.body


def test_a_new_version_after_a_rejection_without_adoption_asks_to_adopt(
    client_a, django_capture_on_commit_callbacks
):
    make_message(client_a, Status.REJECTED)
    with django_capture_on_commit_callbacks(execute=True):
        make_message(client_a)
    (sent,) = _review_mails(client_a.user.email)
    assert "Dit is een nieuwe versie" in sent.body
    assert ADOPTION_NO_LONGER_COUNTS not in sent.body
    assert "de jaarrekening vaststellen" in sent.body


def test_a_resubmission_is_not_asked_to_be_adopted_again(
    client_a, message_type, django_capture_on_commit_callbacks
):
    flow = Flow(client=client_a, workflow=message_type.workflow)
    filed = flow.at(Status.FILED)
    resubmission = flow.register()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert flow.start(resubmission, adopted=True, resubmission=True)

    (sent,) = _review_mails(client_a.user.email)
    assert sent.subject.startswith("Heraanlevering van de jaarrekening")
    assert "Dit is een heraanlevering" in sent.body
    assert "vaststellen" not in sent.body
    day = adoption_day(filed.financial_year)
    assert f"Zij is al vastgesteld op {day.day} " in sent.body
