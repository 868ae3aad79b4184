"""The adoption date entered in the reporting cockpit reaches OutSite as the proposed
adoption date, against the real portal over HTTP (live_server).

The seed (kvk-jaarstukken-deponeren-via-accountancyportal.txt, "Aangifte klaarzetten
(KLANT)" step 4): the client selects the date at "Datum vaststelling jaarrekening" but does
not tick "Jaarrekening vastgesteld"; that happens in the workflow, where the client "het
veld Jaarrekening vastgesteld aanvinken" and approves. So the date travels beside the
document, never in it: accounts that are not adopted carry no adoption date. NT19's own
check valueAssertion_DocumentInformation_PrtValueThnNoExistence2 (ERROR, nt19-kvk-klein-
formulas.json and the micro formulas in nt19-kvk-supplement.json): with
jenv-bw2-i:DocumentAdoptionStatus "Nee" there is no jenv-bw2-i:DocumentAdoptionDate; and
BR-KVK-4.16 (KVK-SBR.md section 4) asks status and date only of a resubmission.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse
from lxml import html

from clientside import services
from clientside.models import AnnualReport, OutboundMessage
from config.dates import format_day
from kvk import taxonomy as tx
from kvk.parser import parse_instance
from kvk.status import Status
from tests.clientside.conftest import (
    SIGNED,
    YEAR,
    mirrored,
    signed_by_the_director,
)
from tests.clientside.test_resubmission_adoption import _adoption_help
from tests.clientside.test_second_filing import _sent_and_processed
from tests.portal.conftest import browser_for
from tests.portal.test_not_adopted_filing import _action
from workflow.models import ApprovalMessage

pytestmark = pytest.mark.django_db(transaction=True)

#: The day the general meeting adopted the accounts, as the client enters it in the
#: cockpit: after they were drawn up and signed (SIGNED), never in the future.
ADOPTED = min(SIGNED + timedelta(days=20), date.today())


def _cockpit_date(bookkeeper, report: AnnualReport, day: date | None, **changes: str) -> None:
    """The cockpit's "Rapportagewaarde" tab: "Datum vaststelling jaarrekening" set to
    ``day`` (empty for None), "Jaarrekening vastgesteld" not ticked (there is no such tick
    in the cockpit), the director's signature."""
    values = {
        **signed_by_the_director(report.administration.signatories.get()),
        "adoption_date": day.isoformat() if day else "",
        **changes,
    }
    response = bookkeeper.post(reverse("clientside:report-values", args=[report.pk]), values)
    assert response.status_code == 302, response.content.decode()[:2000]
    report.refresh_from_db()
    assert report.adoption_date == day


def _form_date(outsite, message: ApprovalMessage) -> str:
    """The value OutSite's "Jaarrekening vastgesteld" form shows in "Datum vaststelling"."""
    page = html.fromstring(outsite.get(reverse("outsite-message", args=[message.pk])).content)
    return page.get_element_by_id("id_adoption_date").get("value") or ""


def _not_adopted_document(document: bytes) -> None:
    """The document of accounts not yet adopted: no adoption status Ja and no
    DocumentAdoptionDate (PrtValueThnNoExistence2)."""
    parsed = parse_instance(document)
    assert parsed.first_value("DocumentAdoptionStatus") != tx.YES
    assert parsed.adoption_date is None
    assert b"DocumentAdoptionDate" not in document


def test_the_cockpit_date_fills_in_the_outsite_tick_and_staff_see_it(
    env_a, client_a, bookkeeper, staff
):
    # The fault: the cockpit's date went nowhere for a first filing, so the director typed
    # it again in OutSite, into an empty field.
    _cockpit_date(bookkeeper, env_a.report, ADOPTED)
    # The cockpit says where the date goes.
    assert "daar staat deze datum dan al ingevuld" in _adoption_help(bookkeeper, env_a.report)

    portal_message = _sent_and_processed(bookkeeper, env_a.report)

    sent = OutboundMessage.objects.get(message_id=portal_message.message_id)
    assert sent.proposed_adoption_date == ADOPTED
    # Beside the document, not in it: what the portal received is accounts not adopted.
    _not_adopted_document(bytes(sent.document))
    assert bytes(portal_message.received_document) == bytes(sent.document)
    assert portal_message.status == Status.IN_REVIEW, portal_message.reasons
    assert portal_message.proposed_adoption_date == ADOPTED
    assert (portal_message.adopted, portal_message.adoption_date) == (False, None)
    _not_adopted_document(bytes(portal_message.document))

    # Staff see what the client proposed on the message page.
    insite = browser_for(staff)
    page = html.fromstring(insite.get(reverse("insite-message", args=[portal_message.pk])).content)
    shown = page.get_element_by_id("proposed-adoption-date")
    assert shown.getprevious().text_content() == "Datum vaststelling volgens de klant"
    assert shown.text_content() == format_day(ADOPTED)

    # OutSite: the tick form is filled in with it, and says where it came from.
    outsite = browser_for(client_a.user)
    assert _form_date(outsite, portal_message) == ADOPTED.isoformat()
    page = outsite.get(reverse("outsite-message", args=[portal_message.pk])).content.decode()
    assert "De datum van vaststelling die in uw administratie is ingevuld" in page
    # Only the tick adopts, with the date the client leaves there: then the document
    # carries status Ja and the date.
    _action(outsite, portal_message, "adopt", adopted="on", adoption_date=ADOPTED.isoformat())
    adopted = ApprovalMessage.objects.get(pk=portal_message.pk)
    assert (adopted.adopted, adopted.adoption_date) == (True, ADOPTED)
    parsed = parse_instance(bytes(adopted.document))
    assert parsed.first_value("DocumentAdoptionStatus") == tx.YES
    assert parsed.adoption_date == ADOPTED
    # The received document is kept as it came.
    assert bytes(adopted.received_document) == bytes(sent.document)


def test_the_client_may_change_the_date_and_the_adoption_checks_still_apply(
    env_a, client_a, bookkeeper
):
    _cockpit_date(bookkeeper, env_a.report, ADOPTED)
    portal_message = _sent_and_processed(bookkeeper, env_a.report)
    outsite = browser_for(client_a.user)
    assert _form_date(outsite, portal_message) == ADOPTED.isoformat()

    # A day in the year the accounts cover is refused, as any typed date is.
    in_year = date(YEAR, 12, 1)
    refused = _action(
        outsite, portal_message, "adopt", adopted="on", adoption_date=in_year.isoformat()
    )
    assert "na het einde van het boekjaar" in refused.content.decode()
    assert not ApprovalMessage.objects.get(pk=portal_message.pk).adopted

    # Another valid day is recorded instead of the proposal.
    other = ADOPTED - timedelta(days=1)
    _action(outsite, portal_message, "adopt", adopted="on", adoption_date=other.isoformat())
    adopted = ApprovalMessage.objects.get(pk=portal_message.pk)
    assert (adopted.adopted, adopted.adoption_date) == (True, other)
    assert adopted.proposed_adoption_date == ADOPTED
    assert parse_instance(bytes(adopted.document)).adoption_date == other


def test_without_a_cockpit_date_nothing_is_proposed(env_a, client_a, bookkeeper, staff):
    _cockpit_date(bookkeeper, env_a.report, None)

    portal_message = _sent_and_processed(bookkeeper, env_a.report)

    assert (
        OutboundMessage.objects.get(message_id=portal_message.message_id).proposed_adoption_date
        is None
    )
    assert portal_message.proposed_adoption_date is None
    outsite = browser_for(client_a.user)
    assert _form_date(outsite, portal_message) == ""
    assert (
        "Vul de datum van de vaststelling in."
        in outsite.get(reverse("outsite-message", args=[portal_message.pk])).content.decode()
    )
    insite = browser_for(staff)
    page = insite.get(reverse("insite-message", args=[portal_message.pk])).content.decode()
    assert "Datum vaststelling volgens de klant" not in page


def test_a_new_version_carries_its_own_date(env_a, client_a, bookkeeper):
    """After a rejection the client corrects the report and sends a new version: it
    proposes the date the cockpit has then, not the earlier version's."""
    _cockpit_date(bookkeeper, env_a.report, ADOPTED)
    first = _sent_and_processed(bookkeeper, env_a.report)
    outsite = browser_for(client_a.user)
    _action(
        outsite, first, "reject", reason="De plaats van ondertekening klopt niet.", confirmed="1"
    )
    assert ApprovalMessage.objects.get(pk=first.pk).status == Status.REJECTED
    bookkeeper.post(reverse("clientside:send-receive", args=[env_a.administration.pk]))

    later = ADOPTED - timedelta(days=2)
    _cockpit_date(bookkeeper, env_a.report, later, signing_place="Amersfoort")
    second = _sent_and_processed(bookkeeper, env_a.report)

    assert second.pk != first.pk and second.status == Status.IN_REVIEW, second.reasons
    assert second.proposed_adoption_date == later
    assert ApprovalMessage.objects.get(pk=first.pk).proposed_adoption_date == ADOPTED
    assert _form_date(outsite, second) == later.isoformat()


def test_a_heraanlevering_carries_the_adoption_in_its_document_and_proposes_nothing(
    env_a, client_a, bookkeeper
):
    """A heraanlevering corrects adopted accounts: its document carries adoption status Ja
    and the date (BR-KVK-4.12, 4.16), so the portal takes it as adopted and there is no
    tick to fill in."""
    filed = mirrored(env_a.report, Status.FILED)
    filed.adopted, filed.adoption_date = True, ADOPTED
    filed.save()
    env_a.report.locked = True
    env_a.report.save()
    resubmission = services.create_resubmission(report=env_a.report)
    _cockpit_date(
        bookkeeper,
        resubmission,
        ADOPTED,
        resubmission_explanation="Een bedrag in de balans was onjuist.",
    )

    portal_message = _sent_and_processed(bookkeeper, resubmission)

    sent = OutboundMessage.objects.get(message_id=portal_message.message_id)
    assert sent.proposed_adoption_date is None
    assert parse_instance(bytes(sent.document)).adoption_date == ADOPTED
    assert portal_message.proposed_adoption_date is None
    assert (portal_message.adopted, portal_message.adoption_date) == (True, ADOPTED)
