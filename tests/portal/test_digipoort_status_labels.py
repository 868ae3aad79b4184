"""The statuses Digipoort answers, in our words on both portals, in the reader's language.

Digipoort words its statuses in its own jargon, in Dutch (Logius, "Statussen en foutcodes
Digipoort"; KVK-SBR.md section 5: "405 offered to the receiving party (KvK), 400 delivered
to it"): "Afleveren naar uitvragende partij bezig", where the "uitvragende partij" is the
KvK. Staff and clients read our label for each code (kvk.digipoort.outcome.LABELS), the
staff also Digipoort's own words with the code; a code we have no label for is shown as
Digipoort words it. Driven through the local Digipoort (kvk/digipoort/stub, scenarios).
"""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from kvk.digipoort.outcome import CODES, LABELS
from kvk.digipoort.stub.scenarios import DESCRIPTIONS, UNKNOWN_CODE
from kvk.status import Status
from tests.portal.conftest import make_message
from workflow import submission
from workflow.models import ApprovalMessage

pytestmark = pytest.mark.django_db

#: Digipoort's words for 405 and 400: the KvK as "uitvragende partij".
OFFERING, DELIVERED = DESCRIPTIONS[405], DESCRIPTIONS[400]


@pytest.fixture(autouse=True)
def _no_second_factor(settings):
    settings.OTP_REQUIRED_FOR_STAFF = False  # these pages are about the statuses


def followed(client, stub, scenario: str, seconds: float) -> ApprovalMessage:
    """An approved message delivered to the local Digipoort in ``scenario`` and polled
    ``seconds`` later, as beat would."""
    message = make_message(client, Status.APPROVED)
    stub.set_faults(scenarios={client.kvk_number: scenario})
    assert submission.submit(message.pk) == "delivered"
    stub.set_clock(seconds)
    submission.poll_due(now=timezone.now() + timedelta(seconds=seconds))
    message.refresh_from_db()
    return message


def statuses_card(browser, name: str, message, language: str | None) -> str:
    """The "Statussen van Digipoort" card of the detail page, as the reader sees it."""
    headers = {"HTTP_ACCEPT_LANGUAGE": language} if language else {}
    # (The override restores the test's language after a request switched to English.)
    with translation.override(None):
        response = browser.get(reverse(name, args=[message.pk]), **headers)
    assert response.status_code == 200
    found = re.search(r'id="digipoort-h">.*?</ol>', response.content.decode(), flags=re.S)
    assert found, "the page shows Digipoort's statuses"
    return html.unescape(found.group(0))


def our_label(code: int, language: str) -> str:
    with translation.override(language):
        return str(LABELS[code])


def test_every_code_we_know_has_a_label_without_jargon():
    assert set(LABELS) == set(CODES)
    with translation.override("nl"):
        for code, text in LABELS.items():
            assert "uitvragende partij" not in str(text), code
            assert str(text) != CODES[code].label, code


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_client_reads_our_labels_only(
    language, client_a, browser_a, digipoort_stub, digipoort_settings
):
    message = followed(client_a, digipoort_stub, "normal", 60)
    assert message.status == Status.FILED
    card = statuses_card(browser_a, "outsite-message", message, language)
    for code in (405, 400, 500):
        assert our_label(code, language) in card
    for jargon in (OFFERING, DELIVERED, "uitvragende partij"):
        assert jargon not in card
    assert "<code>" not in card


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_staff_read_our_labels_and_digipoorts_own_words(
    language, client_a, staff_browser, digipoort_stub, digipoort_settings
):
    message = followed(client_a, digipoort_stub, "normal", 60)
    card = statuses_card(staff_browser, "insite-message", message, language)
    for code in (405, 400):
        assert our_label(code, language) in card
    assert f"<code>405</code> {OFFERING}" in card and f"<code>400</code> {DELIVERED}" in card


def test_a_code_without_a_label_shows_digipoorts_words(
    client_a, browser_a, staff_browser, digipoort_stub, digipoort_settings
):
    message = followed(client_a, digipoort_stub, "unknown_code", 60)
    assert UNKNOWN_CODE not in LABELS
    unknown = DESCRIPTIONS[UNKNOWN_CODE]
    for browser, name in ((browser_a, "outsite-message"), (staff_browser, "insite-message")):
        assert unknown in statuses_card(browser, name, message, None)
    staff_card = statuses_card(staff_browser, "insite-message", message, None)
    assert f"<code>{UNKNOWN_CODE}</code>" in staff_card
    assert staff_card.count(unknown) == 1, "Digipoort's words once, not twice"
