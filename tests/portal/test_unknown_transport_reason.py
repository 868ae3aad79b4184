"""A 70 whose reason code the catalogue does not know (a code of an earlier version, or one
a new Digipoort answer brings): each reader reads it in their own language. The staff
read the code, what Digipoort said (the reason's detail) and what to do at 70 ("Opnieuw
verzenden", or recording what was checked at Digipoort), on the message's page, in the
activity log and in the mail that a 70 waits for them; a client reads the general
sentence, without the code or Digipoort's words. The stored reason keeps its Dutch
sentence (the audit trail records what was stored)."""

from __future__ import annotations

import html
import re

import pytest
from django.urls import reverse
from django.utils import translation

from kvk.status import Status
from portal import notifications
from tests.portal.conftest import make_message
from workflow import reasons as catalogue
from workflow import services
from workflow.activity import activity_row
from workflow.models import StatusEvent

pytestmark = pytest.mark.django_db

#: A code no catalogue table knows, and what Digipoort answered (the staff's detail).
CODE = "DGP999"
DETAIL = "410 Afleveren uitvragende partij niet gelukt (DGP999); DGP999: Onbekende storing"
LANGUAGES = ["nl", "en"]


@pytest.fixture(autouse=True)
def _no_second_factor(settings):
    settings.OTP_REQUIRED_FOR_STAFF = False  # these pages are about the reasons


def at_70(client):
    message = make_message(client, Status.APPROVED)
    assert services.claim_for_submission(message.pk)
    services.record_transport_error(
        message_id=message.pk, reasons=[{"code": CODE, "detail": DETAIL}], retry=False
    )
    message.refresh_from_db()
    assert message.status == Status.TRANSPORT_ERROR
    return message


def in_language(language: str, text) -> str:
    with translation.override(language):
        return str(text)


def staff_sentence(language: str) -> str:
    """What the staff read, in ``language``: the code, Digipoort's words, what to do."""
    with translation.override(language):
        return " ".join(
            [
                str(catalogue.UNKNOWN_TRANSPORT_STAFF) % {"code": CODE},
                str(catalogue.UNKNOWN_TRANSPORT_DETAIL) % {"detail": DETAIL},
                str(catalogue.UNKNOWN_TRANSPORT_TODO),
            ]
        )


def client_sentences() -> dict[str, str]:
    return {language: in_language(language, catalogue.UNKNOWN_TRANSPORT) for language in LANGUAGES}


def page(browser, name: str, message, language: str) -> str:
    headers = {"HTTP_ACCEPT_LANGUAGE": language}
    # (The override restores the test's language after a request switched to English.)
    with translation.override(None):
        response = browser.get(reverse(name, args=[message.pk]), **headers)
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def unfolded(text: str) -> str:
    """The page without its folded technical details."""
    return re.sub(r"<details class=\"reason-detail\">.*?</details>", "", text, flags=re.S)


def test_the_stored_reason_keeps_its_dutch_sentence(client_a):
    message = at_70(client_a)
    dutch = in_language("nl", catalogue.UNKNOWN_TRANSPORT)
    stored = [{"code": CODE, "message": dutch, "detail": DETAIL}]
    assert message.reasons == stored
    event = StatusEvent.objects.get(message=message, action="transport_error")
    assert event.reasons == stored


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_staff_read_the_code_digipoorts_words_and_what_to_do(client_a, staff_browser, language):
    message = at_70(client_a)
    text = unfolded(page(staff_browser, "insite-message", message, language))
    # In the reasons block and in the timeline, not folded away.
    assert text.count(staff_sentence(language)) >= 2, language
    assert CODE in text and DETAIL in text
    # Not the client's wording ("the accountancy firm is looking into it"), in any language.
    assert not any(sentence in text for sentence in client_sentences().values())


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_staffs_activity_log_reads_the_staffs_sentence(client_a, language):
    message = at_70(client_a)
    event = StatusEvent.objects.get(message=message, action="transport_error")
    with translation.override(language):
        assert activity_row(event).reason == staff_sentence(language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_client_reads_the_general_sentence_in_their_language(
    client_a, browser_a, api, language
):
    message = at_70(client_a)
    expected = client_sentences()[language]
    other = client_sentences()["en" if language == "nl" else "nl"]
    text = page(browser_a, "outsite-message", message, language)
    with translation.override(None):
        body = api(client_a.token).get(
            f"/api/v1/messages/{message.message_id}/", HTTP_ACCEPT_LANGUAGE=language
        )
    api_text = " ".join(reason["message"] for reason in body.json()["reasons"])
    for read in (text, api_text):
        assert expected in read and other not in read, language
        assert CODE not in read and "Onbekende storing" not in read
        assert staff_sentence(language) not in read


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_staffs_70_mail_says_what_to_do_not_what_the_client_reads(client_a, language):
    message = at_70(client_a)
    staff = notifications.Recipient("kantoor@example.nl", language, "Kantoor", staff=True)
    body = notifications.render_mail(notifications.RETRIES_EXHAUSTED, message, staff)[1]
    assert f"- {staff_sentence(language)}\n" in body
    assert body.count(DETAIL) == 1  # in the sentence, not once more below it
    assert not any(sentence in body for sentence in client_sentences().values())
