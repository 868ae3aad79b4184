"""A rejection that comes too late reads as a sentence that says what happened.

Two contacts of one organisation both have the message open (a director and the office
manager, say). One approves; the other, still on the page, rejects. Or the client rejects a
version that a newer one of its year replaced meanwhile. The rejection is refused, and the
client reads who approved and when, or that a newer version replaced it, with what can still
be done; never a status code (docs/architecture.md, invariants: a client sees sentences,
never codes).
"""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from crm.models import Contact
from kvk.status import Status
from tests import factories
from tests.portal.conftest import browser_for, make_message
from tests.portal.test_replaced_versions import replaced_after_adoption
from workflow import services
from workflow.models import Actor

pytestmark = pytest.mark.django_db


def _reject(browser, message, reason: str = "De omzet klopt niet"):
    """ "Afkeuren bericht" and "Ja, afkeuren" from a page opened before the other decision."""
    return browser.post(
        reverse("outsite-action", args=[message.pk, "reject"]),
        {"reason": reason, "confirmed": "1"},
        follow=True,
    )


def refused_without_a_status_code(page: str, message, status: int, action: str) -> None:
    """The late decision was refused in words, no status code: the message stays at
    ``status`` with no event of ``action``."""
    assert "Het bericht heeft status" not in page
    assert "kan nu niet" not in page
    message.refresh_from_db()
    assert message.status == status
    assert not message.events.filter(action=action).exists()


def test_rejecting_after_the_other_contact_approved_names_who_approved(client_a):
    petra = factories.ContactFactory(organisation=client_a.organisation, name="Petra Mulder")
    message = make_message(client_a)
    services.adopt(
        message_id=message.pk, actor=Actor.for_user(petra.user), adoption_date=date.today()
    )
    message.refresh_from_db()
    services.approve(
        message_id=message.pk,
        actor=Actor.for_user(petra.user),
        document_sha256=message.document_sha256,
    )

    page = _reject(browser_for(client_a.user), message).content.decode()

    assert "Dit bericht is al goedgekeurd door Petra Mulder op " in page
    assert "afkeuren kan niet meer" in page
    refused_without_a_status_code(page, message, Status.APPROVED, "rejected")


def test_rejecting_a_replaced_version_says_a_newer_version_is_reviewed(client_a):
    older, _newer = replaced_after_adoption(client_a)

    page = _reject(browser_for(client_a.user), older).content.decode()

    assert "Dit bericht is vervangen door een nieuwere versie van de jaarrekening" in page
    assert "Het bericht heeft status" not in page
    older.refresh_from_db()
    assert older.status == Status.PROCESSING_FAILED


def test_rejecting_after_approving_in_another_window_speaks_to_the_reader(client_a):
    """The same person approved in another tab: "U heeft", never their own name in the
    third person (workflow.selectors CLIENT_ACTOR_ROLES: no third person about the reader)."""
    Contact.objects.filter(user=client_a.user).update(name="Jan de Vries")
    message = make_message(client_a)
    browser = browser_for(client_a.user)
    for action, data in (
        ("adopt", {"adopted": "on", "adoption_date": date.today().isoformat()}),
        ("approve", {"confirmed": "1"}),
    ):
        message.refresh_from_db()
        data = {**data, "document_sha256": message.document_sha256}
        browser.post(reverse("outsite-action", args=[message.pk, action]), data)

    page = _reject(browser, message).content.decode()

    assert "U heeft dit bericht al goedgekeurd op " in page
    assert "afkeuren kan niet meer" in page
    assert "al goedgekeurd door Jan de Vries" not in page
    refused_without_a_status_code(page, message, Status.APPROVED, "rejected")
