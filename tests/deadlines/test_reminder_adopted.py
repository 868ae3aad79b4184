"""A client reminder about accounts that are adopted already (the bookkeeping sent them
adopted, or the client ticked "Jaarrekening vastgesteld" without approving) asks only for
the approval and says when they were adopted: there is nothing left to tick, as the mail
that asked for the review says (templates/portal/email/notification.txt)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core import mail

from crm.models import AdopterRule
from deadlines import reminders
from tests import factories
from tests.deadlines.conftest import at_noon, make_message

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reminder_schedule")]

TODAY = date(2026, 3, 20)
ADOPTED = date(2026, 3, 2)
TICK = "vink 'Jaarrekening vastgesteld' aan"


@pytest.fixture
def jan(environment):
    return factories.UserFactory(username="jan", email="jan@example.nl")


def _waiting(environment, jan, name: str, adopted_on: date | None):
    organisation = factories.OrganisationFactory(environment=environment, name=name)
    factories.ContactFactory(organisation=organisation, user=jan, name="Jan")
    changed = at_noon(TODAY - timedelta(days=8))
    return make_message(organisation, year=2025, changed_at=changed, adopted_on=adopted_on)


def _remind(django_capture_on_commit_callbacks) -> str:
    with django_capture_on_commit_callbacks(execute=True):
        reminders.send_client_reminders(now=at_noon(TODAY))
    (sent,) = mail.outbox
    return sent.body


def test_one_adopted_message_asks_only_for_the_approval(
    environment, jan, django_capture_on_commit_callbacks
):
    _waiting(environment, jan, "Alfa B.V.", ADOPTED)
    body = _remind(django_capture_on_commit_callbacks)
    assert TICK not in body
    assert (
        "De jaarrekening is al vastgesteld op 2 maart 2026. Controleer de stukken en keur "
        "het bericht goed." in body
    )


def test_a_list_says_which_are_adopted_and_asks_to_tick_only_while_one_is_not(
    environment, jan, django_capture_on_commit_callbacks
):
    _waiting(environment, jan, "Alfa B.V.", ADOPTED)
    _waiting(environment, jan, "Beta B.V.", None)
    body = _remind(django_capture_on_commit_callbacks)
    assert "Alfa B.V. wacht al 8 dagen. Zij is al vastgesteld op 2 maart 2026." in body
    assert "Beta B.V. wacht al 8 dagen. Zij is al vastgesteld" not in body
    assert TICK in body


def test_a_list_of_adopted_accounts_asks_only_for_the_approvals(
    environment, jan, django_capture_on_commit_callbacks
):
    _waiting(environment, jan, "Alfa B.V.", ADOPTED)
    _waiting(environment, jan, "Beta B.V.", ADOPTED)
    body = _remind(django_capture_on_commit_callbacks)
    assert TICK not in body
    assert "Controleer per bericht de stukken en keur het bericht goed." in body
    assert body.count("Zij is al vastgesteld op 2 maart 2026.") == 2


# --- the named adopter (crm.models.AdopterRule.NAMED) -----------------------------------------


def _named(organisation, adopter) -> None:
    """The organisation names ``adopter`` (a contact) to record the adoption."""
    organisation.adopter_rule, organisation.adopter = AdopterRule.NAMED, adopter
    organisation.save()


@pytest.fixture
def bert(environment):
    return factories.UserFactory(username="bert", email="bert@example.nl")


def test_a_reader_who_is_not_the_named_adopter_is_not_asked_to_tick(
    environment, jan, bert, django_capture_on_commit_callbacks
):
    """Under the named rule only Bert records the adoption (workflow.approvers.adopter):
    Jan's reminder says so, as the mail asking for the review does, instead of telling
    him to tick "Jaarrekening vastgesteld", which he cannot."""
    message = _waiting(environment, jan, "Alfa B.V.", None)
    named = factories.ContactFactory(organisation=message.organisation, user=bert, name="Bert")
    _named(message.organisation, named)
    with django_capture_on_commit_callbacks(execute=True):
        reminders.send_client_reminders(now=at_noon(TODAY))
    mails = {sent.to[0]: sent.body for sent in mail.outbox}
    assert TICK not in mails["jan@example.nl"]
    assert (
        "Bert legt de vaststelling van de jaarrekening vast; daarna kunt u het bericht "
        "goedkeuren." in mails["jan@example.nl"]
    )
    assert TICK in mails["bert@example.nl"]  # the named adopter: his to tick
    assert "legt de vaststelling" not in mails["bert@example.nl"]


def test_a_list_says_who_adopts_and_asks_to_tick_only_what_is_the_readers(
    environment, jan, bert, django_capture_on_commit_callbacks
):
    alfa = _waiting(environment, jan, "Alfa B.V.", None)
    _named(alfa.organisation, factories.ContactFactory(organisation=alfa.organisation, user=bert))
    beta = _waiting(environment, jan, "Beta B.V.", None)
    _named(beta.organisation, factories.ContactFactory(organisation=beta.organisation, user=bert))
    with django_capture_on_commit_callbacks(execute=True):
        reminders.send_client_reminders(now=at_noon(TODAY))
    (body,) = [sent.body for sent in mail.outbox if sent.to == ["jan@example.nl"]]
    assert TICK not in body
    assert body.count("bert legt de vaststelling vast; daarna kunt u goedkeuren.") == 2


ARRANGED = (
    "Uw accountant regelt eerst wie de vaststelling van de jaarrekening vastlegt; "
    "daarna kunt u goedkeuren."
)


def _named_shut_out(organisation, bert) -> None:
    """Bert is named to record the adoption but cannot act in OutSite (no portal access):
    nobody may record it (workflow.approvers.adopter: ``missing``)."""
    named = factories.ContactFactory(organisation=organisation, user=bert, portal_access=False)
    _named(organisation, named)


def test_when_nobody_can_adopt_the_reminder_says_the_accountant_arranges_it(
    environment, jan, bert, django_capture_on_commit_callbacks
):
    """The named adopter cannot record the adoption: Jan is not told to tick "Jaarrekening
    vastgesteld", which OutSite refuses him, but that the accountant first arranges who
    records it, as the mail asking for the review says."""
    message = _waiting(environment, jan, "Alfa B.V.", None)
    _named_shut_out(message.organisation, bert)
    body = _remind(django_capture_on_commit_callbacks)
    assert TICK not in body
    assert "Controleer de stukken. " + ARRANGED + " Na uw goedkeuring" in body


def test_a_list_says_the_accountant_arranges_who_adopts(
    environment, jan, bert, django_capture_on_commit_callbacks
):
    for name in ("Alfa B.V.", "Beta B.V."):
        _named_shut_out(_waiting(environment, jan, name, None).organisation, bert)
    body = _remind(django_capture_on_commit_callbacks)
    assert TICK not in body
    assert body.count("wacht al 8 dagen. " + ARRANGED) == 2
    assert "Controleer per bericht de stukken en keur het bericht goed." in body
