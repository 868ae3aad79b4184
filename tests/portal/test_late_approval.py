"""An approval that comes too late reads as a sentence that says what happened.

Two contacts of one organisation both have the message open. One rejects it; the other,
still on the page, approves. Or the client approves a version that a newer one of its year
replaced meanwhile. The approval is refused, and the client reads who rejected it and when
and what follows (a new version), or that a newer version replaced it; never a status code
(docs/architecture.md, invariants: a client sees sentences, never codes). The reverse case,
a rejection after the approval: tests/portal/test_late_rejection.py.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from crm.models import Contact
from kvk.status import Status
from tests import factories
from tests.portal.conftest import browser_for, make_message
from tests.portal.test_late_rejection import refused_without_a_status_code
from tests.portal.test_replaced_versions import REPLACED_SENTENCE
from workflow import services
from workflow.models import Actor

pytestmark = pytest.mark.django_db


def _approve(browser, message, *, document_sha256: str | None = None):
    """ "Goedkeuren bericht" and "Ja, goedkeuren" from a page opened before the rejection."""
    return browser.post(
        reverse("outsite-action", args=[message.pk, "approve"]),
        {"document_sha256": document_sha256 or message.document_sha256, "confirmed": "1"},
        follow=True,
    )


def adopted(client):
    """A message of ``client`` at 30, adopted: what the client approves."""
    message = make_message(client)
    services.adopt(
        message_id=message.pk, actor=Actor.for_user(client.user), adoption_date=date.today()
    )
    message.refresh_from_db()
    return message


def test_approving_after_the_other_contact_rejected_names_who_rejected(client_a):
    petra = factories.ContactFactory(organisation=client_a.organisation, name="Petra Mulder")
    message = adopted(client_a)
    services.reject(
        message_id=message.pk, actor=Actor.for_user(petra.user), reason="De omzet klopt niet"
    )

    page = _approve(browser_for(client_a.user), message).content.decode()

    assert "Dit bericht is al afgekeurd door Petra Mulder op " in page
    assert "goedkeuren kan niet meer" in page
    assert "stuurt een nieuwe versie ter goedkeuring" in page
    refused_without_a_status_code(page, message, Status.REJECTED, "approved")


def test_approving_a_rejected_version_a_newer_one_replaced_says_so(client_a):
    """The rejection was followed by a corrected version: that one is what to approve."""
    rejected = adopted(client_a)
    services.reject(
        message_id=rejected.pk, actor=Actor.for_user(client_a.user), reason="Omzet klopt niet"
    )
    corrected = make_message(client_a)
    assert corrected.replaces_id == rejected.pk

    page = _approve(browser_for(client_a.user), rejected).content.decode()

    assert REPLACED_SENTENCE in page
    assert "al afgekeurd" not in page
    assert "Het bericht heeft status" not in page
    rejected.refresh_from_db()
    assert rejected.status == Status.REJECTED


def test_approving_as_not_adopted_after_a_rejection_names_who_rejected(client_a):
    """Filing as accounts not adopted is an approval too (workflow.services.not_adopted)."""
    petra = factories.ContactFactory(organisation=client_a.organisation, name="Petra Mulder")
    message = make_message(client_a)
    services.reject(message_id=message.pk, actor=Actor.for_user(petra.user), reason="Nee")

    page = (
        browser_for(client_a.user)
        .post(
            reverse("outsite-action", args=[message.pk, "not_adopted"]),
            {"document_sha256": message.document_sha256, "confirmed": "1", "understood": "on"},
            follow=True,
        )
        .content.decode()
    )

    assert "Dit bericht is al afgekeurd door Petra Mulder op " in page
    assert "Het bericht heeft status" not in page


@pytest.mark.parametrize(
    ("first", "sentence"),
    [
        ({"reason": "De omzet klopt niet"}, "U heeft dit bericht al afgekeurd op "),
        ({}, "U heeft dit bericht al goedgekeurd op "),
    ],
    ids=["rejected", "approved"],
)
def test_approving_after_deciding_in_another_window_speaks_to_the_reader(client_a, first, sentence):
    """The same person decided in another tab: "U heeft", never their own name in the
    third person (workflow.selectors CLIENT_ACTOR_ROLES: no third person about the reader)."""
    Contact.objects.filter(user=client_a.user).update(name="Jan de Vries")
    message = adopted(client_a)
    browser = browser_for(client_a.user)
    action = "reject" if first else "approve"
    browser.post(
        reverse("outsite-action", args=[message.pk, action]),
        {"document_sha256": message.document_sha256, "confirmed": "1", **first},
    )

    page = _approve(browser, message).content.decode()

    assert sentence in page
    assert "door Jan de Vries" not in page
    assert message.events.filter(action="approved").count() == (0 if first else 1)


def test_approving_after_the_other_contact_approved_names_who_approved(client_a):
    """Another contact approved first: named in the third person, as before."""
    petra = factories.ContactFactory(organisation=client_a.organisation, name="Petra Mulder")
    message = adopted(client_a)
    _approve(browser_for(petra.user), message)

    page = _approve(browser_for(client_a.user), message).content.decode()

    assert "Dit bericht is al goedgekeurd door Petra Mulder op " in page
