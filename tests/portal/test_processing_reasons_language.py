"""The reasons of a 25 in the reader's language: Dutch by default, English with the English
UI, on the staff's detail page, the client's page and the client API.

Where the source words a reason in both languages (the hardened parser and the KvK checks
give every finding a Dutch and an English text, kvk.parser.XbrlParseError and
kvk.rules.report.Finding) both are kept; where the sentence is ours (a correction the KvK
would refuse, workflow.errors) it is read from the catalogue in the reader's language. A
reason stored before, with its Dutch sentence only, still reads in Dutch. What the audit
trail recorded stays as it was recorded."""

from __future__ import annotations

import html

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from config.dates import format_day
from kvk.rules import check_instance
from kvk.status import Status
from tests.conftest import instance_for, message_at_25, numbered
from tests.portal.conftest import make_message
from workflow.errors import SENTENCES
from workflow.models import ApprovalMessage, StatusEvent
from workflow.reasons import DOCUMENT_FINDINGS
from workflow.services import receiving

pytestmark = pytest.mark.django_db

BROKEN_XML = b'<?xml version="1.0" encoding="UTF-8"?>\n<xbrli:xbrl>\n  <unclosed>\n'


@pytest.fixture(autouse=True)
def _no_second_factor(settings):
    settings.OTP_REQUIRED_FOR_STAFF = False  # these pages are about the reasons


def pages(message, client, staff_browser, browser, api, language: str | None) -> list[str]:
    """What the staff, the client and the client API show of the message, in ``language``
    (the browser's Accept-Language; none: the default)."""
    headers = {"HTTP_ACCEPT_LANGUAGE": language} if language else {}
    # (The override restores the test's language after a request switched to English.)
    with translation.override(None):
        staff_page = staff_browser.get(reverse("insite-message", args=[message.pk]), **headers)
        client_page = browser.get(reverse("outsite-message", args=[message.pk]), **headers)
        token = api(client.token)
        detail = token.get(f"/api/v1/messages/{message.message_id}/", **headers)
        updates = token.get("/api/v1/messages/updates/", **headers)
    assert {r.status_code for r in (staff_page, client_page, detail, updates)} == {200}
    (update,) = [u for u in updates.json()["updates"] if u["message_id"] == str(message.message_id)]
    api_text = " ".join(r["message"] for r in [*detail.json()["reasons"], *update["reasons"]])
    return [
        html.unescape(staff_page.content.decode()),
        html.unescape(client_page.content.decode()),
        api_text,
    ]


def assert_read(
    message, texts: dict[str, str], *fixtures, client_texts: dict[str, str] | None = None
) -> None:
    """``texts``: language -> a sentence every reader in that language reads, and no
    reader of the other. With ``client_texts`` the client reads that instead, and none of
    ``texts`` (the findings of the document's checks are technical: the client's portal
    says them in plain words, workflow.reasons.in_plain_words; the staff and the client's
    bookkeeping environment, which corrects the document, read them as found)."""
    for language, expected in texts.items():
        staff, client, api_text = pages(
            message, *fixtures, language=None if language == "nl" else language
        )
        readers = [staff, api_text] if client_texts else [staff, client, api_text]
        if client_texts:
            _assert_reads(client, client_texts, language)
            assert not any(text in client for text in texts.values()), language
        for page in readers:
            _assert_reads(page, texts, language)


def _assert_reads(page: str, texts: dict[str, str], language: str) -> None:
    expected = texts[language]
    assert expected in page, (language, page[:300])
    # (A sentence the English catalogue does not word yet reads the same in both.)
    others = [text for other, text in texts.items() if other != language and text != expected]
    assert not any(text in page for text in others), language


def plain_findings() -> dict[str, str]:
    """What the client's portal says for findings of the document's checks, per language."""
    texts = {}
    for language in ("nl", "en"):
        with translation.override(language):
            texts[language] = str(DOCUMENT_FINDINGS)
    return texts


def test_a_broken_document_is_read_in_the_readers_language(client_a, staff_browser, browser_a, api):
    message = message_at_25(client_a, BROKEN_XML)
    # kvk.parser: a document that is no well-formed XML, with its line.
    texts = {
        "nl": "Het bestand is geen geldige XML (regel",
        "en": "The file is not well-formed XML",
    }
    assert_read(
        message, texts, client_a, staff_browser, browser_a, api, client_texts=plain_findings()
    )


def test_a_kvk_check_failure_is_read_in_the_readers_language(
    client_a, staff_browser, browser_a, api
):
    # An amount with decimals where its type has none: the KvK checks' DEP-VALUE.
    content = instance_for(client_a.kvk_number).replace(
        b'decimals="0">53250<', b'decimals="0">53250.5<', 1
    )
    (finding,) = [f for f in check_instance(content) if f.code == "DEP-VALUE"]
    message = message_at_25(client_a, content)
    assert [r["code"] for r in message.reasons] == ["DEP-VALUE"]
    texts = {"nl": finding.message_nl, "en": finding.message_en}
    assert_read(
        message, texts, client_a, staff_browser, browser_a, api, client_texts=plain_findings()
    )


def _refused_correction(client) -> tuple[ApprovalMessage, int]:
    """A second adopted filing of a year whose adopted accounts are approved and on their
    way to the KvK, not flagged as a heraanlevering: KvK refuses it (KVK-SBR.md section 1,
    "KvK refuses a second adopted filing for the same year otherwise")."""
    approved = make_message(client, Status.APPROVED)
    content = numbered(instance_for(client.kvk_number, year=approved.financial_year))
    return message_at_25(client, content), approved.financial_year


def test_a_refused_correction_is_read_in_the_readers_language(
    client_a, staff_browser, browser_a, api
):
    message, year = _refused_correction(client_a)
    assert [r["code"] for r in message.reasons] == ["correction_not_allowed"]
    sentence = SENTENCES["correction_not_allowed:approved"]
    with translation.override("nl"):
        dutch = str(sentence) % {"year": year}
    with translation.override("en"):
        english = str(sentence) % {"year": year}
    assert english != dutch  # the catalogue has its English words
    assert_read(message, {"nl": dutch, "en": english}, client_a, staff_browser, browser_a, api)


def test_the_reasons_are_stored_in_dutch_and_recorded_as_they_were(client_a):
    """Processing that runs with English active stores the Dutch sentence as the message,
    and the audit event keeps the reasons the message got, word for word."""
    with translation.override("en"):
        message, year = _refused_correction(client_a)
    (reason,) = message.reasons
    with translation.override("nl"):
        assert reason["message"] == str(SENTENCES["correction_not_allowed:approved"]) % {
            "year": year
        }
    event = StatusEvent.objects.get(message=message, action="processing_failed")
    assert event.reasons == message.reasons


def test_a_reason_stored_with_its_dutch_sentence_only_still_reads(
    client_a, staff_browser, browser_a, api
):
    """A 25 of before: its reasons carry the Dutch sentence and nothing else. English
    readers read that sentence rather than nothing (and no page fails)."""
    message, _year = _refused_correction(client_a)
    old = "Voor boekjaar 2025 is al een vastgestelde jaarrekening gedeponeerd (oude tekst)."
    ApprovalMessage.objects.filter(pk=message.pk).update(
        reasons=[{"code": "correction_not_allowed", "message": old}]
    )
    for language in (None, "en"):
        for page in pages(message, client_a, staff_browser, browser_a, api, language=language):
            assert old in page


def test_a_copy_is_read_in_the_readers_language_with_its_status(
    client_a, staff_browser, browser_a, api, monkeypatch
):
    """A copy of a document under way that got past the upload (two uploads at the same
    moment do not see each other) ends at 25 naming the original and its status; the
    status label too is read in the reader's language."""
    original = make_message(client_a)  # at 30
    monkeypatch.setattr(receiving, "identical_messages", lambda keys, **kwargs: {})
    copy = message_at_25(client_a, bytes(original.received_document))
    assert [r["code"] for r in copy.reasons] == ["duplicate_document"]
    texts = {}
    for language in ("nl", "en"):
        with translation.override(language):
            texts[language] = str(SENTENCES["duplicate_document"]) % {
                # The original by the day it was received (workflow.errors, DAY_PARAMS).
                "received_on": format_day(timezone.localdate(original.created_at)),
                "status": Status.IN_REVIEW,
                "status_label": Status.IN_REVIEW.label,
            }
    assert_read(copy, texts, client_a, staff_browser, browser_a, api)
