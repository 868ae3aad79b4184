"""A refusal by Digipoort's own validation (status 311) in words a person can act on.

Source: KVK-SBR.md section 5 (Digipoort WUS 2.0): "301 validation succeeded, 311 failed
(final)", and only after validation "405 offered to the receiving party (KvK)", followed by
"KvK's own verdict (accepted / refused with reasons)". So a 311 is Digipoort's refusal
before the KvK received anything: the staff and the client read our sentence for it, in
their language, and the staff keep Digipoort's answer as the detail. What Digipoort found
(the foutcode and text a 311 carries: statusFoutcode, statusdetails,
digipoort-koppelvlak-1.2.xsd) reaches the client and its bookkeeping environment too,
labelled as Digipoort's: they correct the document; a 70's stays the staff's. A verdict
of the KvK (510, with the KvK's reasons) keeps the KvK's reasons. Driven through the local
Digipoort's scenario "validation_failed" (200, 311 with VAS500; kvk/digipoort/stub).
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from kvk.digipoort.client import DigipoortStatus
from kvk.status import Status
from portal import notifications
from tests.portal.conftest import make_message, refused_by_the_kvk
from tests.portal.test_processing_reasons_language import pages
from workflow import reasons as catalogue
from workflow import services, submission
from workflow.models import ApprovalMessage, StatusEvent
from workflow.selectors import timeline

pytestmark = pytest.mark.django_db

#: Digipoort's wording of 311 (Logius, "Statussen en foutcodes Digipoort").
DIGIPOORT_WORDS = "Validatie mislukt"
#: The 311 as Digipoort answered it (statuscode, statusomschrijving, statusFoutcode): the
#: staff's technical detail.
RAW_STATUS = "311 Validatie mislukt (VAS500)"
#: Digipoort's finding as every reader reads it: labelled as Digipoort's, in its words.
FINDING = "Melding van Digipoort: Validatie mislukt (code VAS500)"


@pytest.fixture(autouse=True)
def _no_second_factor(settings):
    settings.OTP_REQUIRED_FOR_STAFF = False  # these pages are about the reasons


def refused_by_digipoort(client, stub, scenario: str = "validation_failed") -> ApprovalMessage:
    """An approved message of ``client`` delivered to the local Digipoort in ``scenario``
    and polled a minute later, as beat would."""
    message = make_message(client, Status.APPROVED)
    stub.set_faults(scenarios={client.kvk_number: scenario})
    assert submission.submit(message.pk) == "delivered"
    stub.set_clock(60)
    submission.poll_due(now=timezone.now() + timedelta(seconds=60))
    message.refresh_from_db()
    assert message.status == Status.REFUSED
    return message


def decided(client, first: tuple, final: tuple) -> ApprovalMessage:
    """An approved message of ``client``, delivered, whose timeline is the status ``first``
    and a second later ``final`` (code, description, foutcode, details), as a poll reads
    them."""
    message = make_message(client, Status.APPROVED)
    assert services.record_delivered(message_id=message.pk, kenmerk="K-1")
    now = timezone.now()
    timeline = [
        DigipoortStatus(first[0], now, first[1]),
        DigipoortStatus(final[0], now + timedelta(seconds=1), *final[1:]),
    ]
    submission.record_timeline(message.pk, "K-1", timeline)
    message.refresh_from_db()
    return message


def reasons_block(page: str) -> str:
    found = re.search(r'id="reasons">(.*?)</div>', page, flags=re.S)
    assert found, "the page shows the reasons"
    return found.group(1)


def test_a_311_stores_our_sentence_with_digipoorts_words_as_detail(
    client_a, digipoort_stub, digipoort_settings
):
    message = refused_by_digipoort(client_a, digipoort_stub)
    (reason,) = message.reasons
    assert reason["code"] == "digipoort_validation"
    assert reason["message"] == catalogue.reason("digipoort_validation")["message"]
    assert "VAS500" in reason["detail"] and DIGIPOORT_WORDS in reason["detail"]
    event = StatusEvent.objects.get(message=message, action="refused_by_kvk")
    assert event.reasons == message.reasons


def test_a_311_is_read_in_the_readers_language(
    client_a, staff_browser, browser_a, api, digipoort_stub, digipoort_settings
):
    message = refused_by_digipoort(client_a, digipoort_stub)
    texts = {}
    for language in ("nl", "en"):
        with translation.override(language):
            texts[language] = str(catalogue.TRANSPORT["digipoort_validation"])
    assert texts["nl"] != texts["en"]
    for language, expected in texts.items():
        other = texts["en" if language == "nl" else "nl"]
        staff, client, api_text = pages(
            message, client_a, staff_browser, browser_a, api, None if language == "nl" else "en"
        )
        for shown in (reasons_block(staff), reasons_block(client), api_text):
            assert expected in shown and other not in shown, language
        # Digipoort's finding follows, with its foutcode and as Digipoort words it, for the
        # client and its bookkeeping environment too (they correct the document); the
        # staff's technical detail (the status as Digipoort answered it) stays the staff's.
        for shown in (reasons_block(client), api_text):
            assert f"{DIGIPOORT_WORDS} (code VAS500)" in shown
            assert RAW_STATUS not in shown
        if language == "nl":
            assert FINDING in reasons_block(client) and FINDING in api_text
        assert RAW_STATUS in reasons_block(staff)


def test_each_finding_of_digipoorts_validation_reaches_the_client(client_a):
    """A 311 whose statusdetails list several findings ("CODE: text" a line, as the local
    Digipoort answers for a document that is no well-formed XBRL): each reaches the client
    and the client's environment as Digipoort worded it, after our sentence."""
    details = "XBRL001: Het bericht is geen goed gevormde XML\nXBRL002: Geen xbrli:xbrl"
    message = decided(
        client_a, (200, "Authenticatie gelukt"), (311, DIGIPOORT_WORDS, "VAS500", details)
    )
    assert message.status == Status.REFUSED
    shown = catalogue.in_plain_words(message.reasons)
    assert shown == [
        {"code": "digipoort_validation", "message": catalogue.sentence(message.reasons[0])},
        {
            "code": "XBRL001",
            "message": "Melding van Digipoort: Het bericht is geen goed gevormde XML "
            "(code XBRL001)",
        },
        {"code": "XBRL002", "message": "Melding van Digipoort: Geen xbrli:xbrl (code XBRL002)"},
    ]
    assert catalogue.public(message.reasons) == shown


def test_a_transport_error_keeps_digipoorts_words_for_the_staff(
    client_a, browser_a, api, digipoort_stub, digipoort_settings
):
    """A 70 (here 410 with AFS400: Digipoort could not deliver to the KvK) is no finding
    on the document: its foutcode and words stay the staff's technical detail."""
    message = make_message(client_a, Status.APPROVED)
    digipoort_stub.set_faults(scenarios={client_a.kvk_number: "delivery_failed"})
    assert submission.submit(message.pk) == "delivered"
    digipoort_stub.set_clock(600)
    submission.poll_due(now=timezone.now() + timedelta(seconds=600))
    message.refresh_from_db()
    assert message.status == Status.TRANSPORT_ERROR
    assert "AFS400" in message.reasons[0]["detail"]
    page = browser_a.get(reverse("outsite-message", args=[message.pk])).content.decode()
    detail = api(client_a.token).get(f"/api/v1/messages/{message.message_id}/").json()
    for shown in (page, str(detail["reasons"])):
        assert "AFS400" not in shown and "Melding van Digipoort" not in shown


def test_the_kvks_verdict_keeps_the_kvks_reasons(client_a):
    """A 510 is the KvK's verdict: its reasons (here as the local Digipoort words a KvK
    number in the document that is not the one it was delivered under) stay as the KvK
    gave them."""
    words = "KvK-nummer in de instance (11223344) wijkt af van de belanghebbende (12345678)"
    refused = (510, "Validatie bij de uitvragende partij niet gelukt", "KVK002", f"KVK002: {words}")
    message = decided(client_a, (301, "Validatie gelukt"), refused)
    assert message.status == Status.REFUSED
    assert message.reasons == [{"code": "KVK002", "message": words}]


def test_a_311_stored_before_keeps_what_it_showed(
    client_a, browser_a, staff_browser, api, digipoort_stub, digipoort_settings
):
    message = refused_by_digipoort(client_a, digipoort_stub)
    old = [{"code": "VAS500", "message": DIGIPOORT_WORDS}]
    ApprovalMessage.objects.filter(pk=message.pk).update(reasons=old)
    for language in (None, "en"):
        staff, client, api_text = pages(message, client_a, staff_browser, browser_a, api, language)
        for shown in (reasons_block(staff), reasons_block(client), api_text):
            assert DIGIPOORT_WORDS in shown


# --- who refused, and who acts next, in the mails and the status line -------------------------

CLIENT = notifications.Recipient("klant@example.nl", "nl", "Klant", staff=False)
STAFF = notifications.Recipient("kantoor@example.nl", "nl", "Kantoor", staff=True)
#: Who acts after a refusal: the client's own administration corrects and sends again
#: (KVK-SBR.md section 2: the client prepares the annual report in its own environment).
CLIENT_ACTS = "Uw administratie corrigeert de stukken en stuurt ze opnieuw naar uw accountant"
STAFF_ACTS = "De administratie van de cliënt levert gecorrigeerde stukken aan"


def test_a_311_mail_says_digipoort_refused_it_before_the_kvk(
    client_a, digipoort_stub, digipoort_settings
):
    message = refused_by_digipoort(client_a, digipoort_stub)
    for recipient, acts in ((CLIENT, CLIENT_ACTS), (STAFF, STAFF_ACTS)):
        subject, body = notifications.render_mail(notifications.REFUSED, message, recipient)
        assert subject.startswith(f"Digipoort heeft de jaarrekening {message.financial_year}")
        assert "KvK heeft" not in subject and "De KvK heeft" not in body
        assert "afgekeurd bij de controle, voordat de KvK haar ontving" in body
        assert acts in body


def test_a_kvk_refusal_mail_says_who_delivers_new_documents(client_a):
    message = refused_by_the_kvk(client_a)
    for recipient, acts in ((CLIENT, CLIENT_ACTS), (STAFF, STAFF_ACTS)):
        subject, body = notifications.render_mail(notifications.REFUSED, message, recipient)
        assert subject.startswith("KvK heeft de jaarrekening")
        assert "Digipoort" not in subject + body
        assert acts in body and "Er moeten nieuwe stukken worden aangeleverd" not in body


def test_the_status_line_of_a_311_names_digipoort(
    client_a, staff_browser, browser_a, digipoort_stub, digipoort_settings
):
    message = refused_by_digipoort(client_a, digipoort_stub)
    staff = staff_browser.get(reverse("insite-message", args=[message.pk])).content.decode()
    client = browser_a.get(reverse("outsite-message", args=[message.pk])).content.decode()
    for page in (staff, client):
        line = re.search(r'<div id="message-status".*?</div>', page, flags=re.S).group(0)
        assert "Digipoort heeft de stukken bij de controle afgekeurd" in line
        assert "De KvK heeft de stukken afgekeurd" not in line
    assert "Afgekeurd bij de controle door Digipoort" in re.search(
        r'<span class="badge s90".*?</span>', client, flags=re.S
    ).group(0)


def _titles(message: ApprovalMessage, *, for_staff: bool) -> list[str]:
    return [str(entry.title) for entry in timeline(message, for_staff=for_staff)]


def test_the_timeline_of_a_311_names_digipoort_not_the_kvk(client_a):
    """The timeline's step of a 311 says who refused, as the status line above it does:
    Digipoort, before the KvK received the document (KVK-SBR.md section 5)."""
    message = decided(client_a, (200, "Authenticatie gelukt"), (311, DIGIPOORT_WORDS, "VAS500", ""))
    for for_staff in (True, False):
        titles = _titles(message, for_staff=for_staff)
        assert titles[-1] == "Afgekeurd bij de controle door Digipoort"
        assert "Afgekeurd door KvK" not in titles and "Afgekeurd door de KvK" not in titles


def test_the_timeline_of_a_kvk_verdict_names_the_kvk_as_the_client_reads_it(client_a):
    refused = (510, "Validatie bij de uitvragende partij niet gelukt", "KVK002", "KVK002: x")
    message = decided(client_a, (301, "Validatie gelukt"), refused)
    assert _titles(message, for_staff=False)[-1] == "Afgekeurd door de KvK"
    assert _titles(message, for_staff=True)[-1] == "Afgekeurd door KvK"  # the staff's label
