"""Reasons as sentences: a client reads the sentence of workflow.reasons' catalogue, never a
reason code or an exception's text; the staff read the sentence and, folded away in
"Technische details", the code and the detail. What a 70 stores, on the message and in
its audit event (kept for good), is the catalogue's sentence with the raw text as detail."""

from __future__ import annotations

import html
import re

import pytest
from django.urls import reverse
from django.utils import translation

from kvk.status import Status
from portal import notifications
from tests.conftest import instance_for, message_at_25
from tests.portal.conftest import make_message, refused_by_the_kvk
from workflow import reasons as catalogue
from workflow import services
from workflow.models import StatusEvent

pytestmark = pytest.mark.django_db

#: requests' words for a refused connection (no quotes, so the HTML shows it unescaped).
RAW = (
    "HTTPSConnectionPool(host=preprod-dgp.procesinfrastructuur.nl, port=443): Max retries "
    "exceeded with url: /wus/2.0/aanleverservice/1.2 (Caused by NewConnectionError: "
    "[Errno 111] Connection refused)"
)
SENTENCE = str(catalogue.TRANSPORT["digipoort_unreachable"])


@pytest.fixture(autouse=True)
def _no_second_factor(settings):
    settings.OTP_REQUIRED_FOR_STAFF = False  # these pages are about the reasons


def at_70(client, reasons):
    message = make_message(client, Status.APPROVED)
    assert services.claim_for_submission(message.pk)
    services.record_transport_error(message_id=message.pk, reasons=reasons, retry=False)
    message.refresh_from_db()
    assert message.status == Status.TRANSPORT_ERROR
    return message


def folded(page: str) -> str:
    """The page without its folded technical details."""
    return re.sub(r"<details class=\"reason-detail\">.*?</details>", "", page, flags=re.S)


def test_a_70_stores_the_sentence_and_keeps_the_exception_text_as_detail(client_a):
    # A caller that put the exception's text in the message (as an earlier version did).
    message = at_70(client_a, [{"code": "digipoort_unreachable", "message": RAW}])
    expected = [{"code": "digipoort_unreachable", "message": SENTENCE, "detail": RAW}]
    assert message.reasons == expected
    event = StatusEvent.objects.filter(message=message, action="transport_error").get()
    assert event.reasons == expected


def test_a_code_the_catalogue_does_not_know_gets_a_sentence_not_the_code(client_a):
    message = at_70(client_a, [{"code": "socket_error", "message": RAW}])
    (reason,) = message.reasons
    assert reason["message"] == str(catalogue.UNKNOWN_TRANSPORT)
    assert "socket_error" not in reason["message"] and RAW in reason["detail"]
    assert catalogue.reason("socket_error")["message"] == str(catalogue.UNKNOWN_TRANSPORT)


def test_the_client_reads_the_sentence_only(client_a, browser_a, api):
    message = at_70(client_a, [{"code": "digipoort_unreachable", "message": RAW}])
    page = browser_a.get(reverse("outsite-message", args=[message.pk])).content.decode()
    assert SENTENCE in page
    for hidden in ("HTTPSConnectionPool", "Connection refused", "digipoort_unreachable"):
        assert hidden not in page
    assert "Technische details" not in page

    token = api(client_a.token)
    for url in (f"/api/v1/messages/{message.message_id}/", "/api/v1/messages/updates/"):
        body = token.get(url).content.decode()
        assert "HTTPSConnectionPool" not in body and "Connection refused" not in body


def test_the_staff_read_the_code_and_the_exception_folded_away(client_a, staff_browser):
    message = at_70(client_a, [{"code": "digipoort_unreachable", "message": RAW}])
    page = staff_browser.get(reverse("insite-message", args=[message.pk])).content.decode()
    assert SENTENCE in page
    assert "<summary>Technische details</summary>" in page
    assert RAW in page and "<code>digipoort_unreachable</code>" in page
    # In the reasons block and in the timeline, but only inside the folded details.
    assert page.count(RAW) >= 2
    assert RAW not in folded(page) and "digipoort_unreachable" not in folded(page)


def test_a_client_rejection_shows_no_code(client_a, browser_a, staff_browser):
    message = make_message(client_a, Status.REJECTED)
    client_page = browser_a.get(reverse("outsite-message", args=[message.pk])).content.decode()
    staff_page = staff_browser.get(reverse("insite-message", args=[message.pk])).content.decode()
    assert "Bedragen kloppen niet" in client_page and "Bedragen kloppen niet" in staff_page
    assert "client_rejected" not in client_page
    assert "client_rejected" not in folded(staff_page)


def test_the_reason_is_read_in_the_readers_language(client_a, staff_browser):
    message = at_70(client_a, [catalogue.reason("digipoort_unreachable", detail=RAW)])
    # (The override restores the test's language after the request switched to English.)
    with translation.override("en"):
        english = str(catalogue.TRANSPORT["digipoort_unreachable"])
        page = staff_browser.get(
            reverse("insite-message", args=[message.pk]), HTTP_ACCEPT_LANGUAGE="en"
        ).content.decode()
    assert english != SENTENCE and english in page
    # Stored in Dutch whatever language the request that stores it speaks.
    with translation.override("en"):
        assert catalogue.reason("digipoort_unreachable")["message"] == SENTENCE
        assert catalogue.transport([{"code": "digipoort_unreachable"}])[0]["message"] == SENTENCE


def test_the_refusal_mail_names_the_code_to_the_staff_only(client_a):
    message = refused_by_the_kvk(client_a, [{"code": "KVK002", "message": "KvK-nummer wijkt af"}])
    client = notifications.Recipient("klant@example.nl", "nl", "Klant", staff=False)
    staff = notifications.Recipient("kantoor@example.nl", "nl", "Kantoor", staff=True)
    client_body = notifications.render_mail(notifications.REFUSED, message, client)[1]
    staff_body = notifications.render_mail(notifications.REFUSED, message, staff)[1]
    assert "KvK-nummer wijkt af" in client_body and "KVK002" not in client_body
    assert "KvK-nummer wijkt af (KVK002)" in staff_body


def test_a_25_for_the_kvks_checks_reads_plainly_to_the_client(client_a, browser_a, staff_browser):
    """The findings of the document's checks name concepts and the KvK's formula files:
    the staff read them (and the client's bookkeeping environment, over the API, where the
    document is corrected); the client reviewing in OutSite reads a plain sentence."""
    # An amount with decimals where its type has none (DEP-VALUE), and with it the sum of
    # the balance sheet the KvK's formula checks (kvk-balance-sheet_u-for.xml).
    content = instance_for(client_a.kvk_number).replace(
        b'decimals="0">53250<', b'decimals="0">53250.5<', 1
    )
    message = message_at_25(client_a, content)
    technical = ("jenv-bw2-i:", "-for.xml", "nl-types:")
    client_page = html.unescape(
        browser_a.get(reverse("outsite-message", args=[message.pk])).content.decode()
    )
    assert str(catalogue.DOCUMENT_FINDINGS) in client_page
    assert client_page.count(str(catalogue.DOCUMENT_FINDINGS)) == 2  # reasons and timeline
    assert not any(words in client_page for words in technical)
    staff_page = html.unescape(
        staff_browser.get(reverse("insite-message", args=[message.pk])).content.decode()
    )
    assert "jenv-bw2-i:AssetsNoncurrentOther" in staff_page and "-for.xml" in staff_page
