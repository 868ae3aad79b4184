"""InSite's worklists as a staff member reads them: the dashboard's "Vraagt aandacht" (the
most urgent first, with the rest a click away), the open client questions behind their
tile, and what a staff member does with a message at 60 that asks attention."""

from __future__ import annotations

import re
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from connectors import services as connector_services
from kvk.status import Status
from tests.conftest import numbered, register_report
from tests.portal.conftest import make_message
from tests.portal.test_transport_errors import at_60, at_70, poll
from workflow import services
from workflow.models import Actor, ApprovalMessage


def _failed(client, days_ago: int) -> ApprovalMessage:
    """A 25 without a financial year: a document processing could not read."""
    message, _new = register_report(client.organisation, numbered(b"<not-xbrl"), Actor.system())
    assert services.claim_for_processing(message.pk)
    connector_services.process_message(message.pk)
    message.refresh_from_db()
    assert message.status == Status.PROCESSING_FAILED and message.financial_year is None
    # When it failed: test set-up, not a status change.
    ApprovalMessage.objects.filter(pk=message.pk).update(
        status_changed_at=timezone.now() - timedelta(days=days_ago)
    )
    return message


def _attention_rows(html: str) -> list[str]:
    section = html.split('id="attention-h"', 1)[1].split("</section>", 1)[0]
    return re.findall(r"<li>(.*?)</li>", section, flags=re.S)


def test_a_new_70_is_not_hidden_behind_old_25s(staff_browser, client_a, client_b):
    """Sixteen old processing failures (25) and one new transport error (70): the 70 comes
    first (the filing to the KvK waits on the staff), the list says how many more there are
    and links to all of them, and the 25s without a year can be told apart."""
    failed = [_failed(client_a, days_ago=30 + i) for i in range(16)]
    urgent = at_70(client_b)
    response = staff_browser.get(reverse("insite-dashboard"))
    assert response.status_code == 200
    shown = [m.pk for m in response.context["attention"]]
    assert shown[0] == urgent.pk
    assert len(shown) == 15
    # Newest first among the 25s.
    assert shown[1:] == [m.pk for m in failed[:14]]
    html = response.content.decode()
    assert re.search(r'href="/insite/berichten/\?attention=on">en 2 meer', html)
    rows = _attention_rows(html)
    assert len(rows) == 15
    # Without a year each 25 names when it arrived and its message id: no identical lines.
    texts = [re.sub(r"<[^>]+>|\s+", " ", row).strip() for row in rows]
    assert len(set(texts)) == 15
    assert str(failed[0].message_id)[:8] in texts[1]


def test_no_more_link_when_everything_fits(staff_browser, client_a):
    at_70(client_a)
    html = staff_browser.get(reverse("insite-dashboard")).content.decode()
    assert " meer →" not in html and "Alles wat aandacht vraagt" in html


def test_a_60_with_attention_comes_before_a_rejection(staff_browser, client_a, client_b):
    rejected = make_message(client_b, Status.REJECTED)
    loud = at_60(client_a, attention="unknown_status", detail="999 Onbekende status")
    ApprovalMessage.objects.filter(pk=rejected.pk).update(
        status_changed_at=timezone.now() - timedelta(days=3)
    )
    response = staff_browser.get(reverse("insite-dashboard"))
    assert [m.pk for m in response.context["attention"]] == [loud.pk, rejected.pk]


def _ask(browser, message, text: str) -> None:
    response = browser.post(reverse("outsite-comment", args=[message.pk]), {"text": text})
    assert response.status_code == 302


def test_the_open_questions_tile_opens_the_list_of_all_of_them(
    staff_browser, browser_a, client_a, client_b
):
    """More messages with an open client question than the dashboard lists (10): the tile's
    number and the list behind it agree, by the same rule (a staff reply closes a question)."""
    asked = [make_message(client_a) for _ in range(12)]
    for message in asked:
        _ask(browser_a, message, "Klopt de voorraad?")
    answered = asked.pop()
    response = staff_browser.post(
        reverse("insite-comment", args=[answered.pk]), {"text": "Ja, dat klopt."}
    )
    assert response.status_code == 302
    make_message(client_b)  # no question
    dashboard = staff_browser.get(reverse("insite-dashboard"))
    assert dashboard.context["question_count"] == 11
    assert len(dashboard.context["questions"]) == 10
    html = dashboard.content.decode()
    href, count = re.search(
        r'class="tile[^"]*" href="([^"]+)"><strong>(\d+)</strong> berichten met een open vraag',
        html,
    ).groups()
    assert count == "11"
    listed = staff_browser.get(href.replace("&amp;", "&"))
    assert listed.status_code == 200
    assert {m.pk for m in listed.context["page"]} == {m.pk for m in asked}
    assert 'value="question" selected' in listed.content.decode()


# --- a 60 that asks attention: the staff note what they found -------------------------------


def _on_attention_list(browser, message) -> bool:
    listed = browser.get(reverse("insite-messages"), {"attention": "on"}).context["page"]
    dashboard = browser.get(reverse("insite-dashboard")).context["attention"]
    on_list, on_dashboard = (
        message.pk in {m.pk for m in listed},
        message.pk in {m.pk for m in dashboard},
    )
    assert on_list == on_dashboard
    return on_list


def test_staff_handle_a_60_that_asks_attention_with_a_note(staff_browser, browser_a, client_a):
    """README "To the KvK": an unknown Digipoort status keeps the message at 60, still
    polled, on the attention list. The staff member checks at Digipoort and records what
    was found: the message leaves the list, stays at 60 and is still polled; the note is an
    audit event the client never reads; a different attention code puts it back."""
    message = at_60(client_a, attention="unknown_status", detail="999 Onbekende status")
    assert _on_attention_list(staff_browser, message)
    url = reverse("insite-message", args=[message.pk])
    page = staff_browser.get(url).content.decode()
    assert 'id="attention-acknowledge"' in page
    action = reverse("insite-attention", args=[message.pk])

    refused = staff_browser.post(action, {"note": "  "})
    assert refused.status_code == 400
    assert "Schrijf op wat u heeft gecontroleerd of afgesproken." in refused.content.decode()
    assert _on_attention_list(staff_browser, message)

    note = "Logius gebeld: de KvK beoordeelt het bericht nog."
    response = staff_browser.post(action, {"note": note}, follow=True)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Het aandachtspunt is afgehandeld" in html and note in html
    assert 'id="attention-acknowledged"' in html and 'id="attention-acknowledge"' not in html
    message.refresh_from_db()
    assert message.status == Status.SENT_TO_KVK and message.next_poll_at is not None
    assert not _on_attention_list(staff_browser, message)
    event = message.events.get(action="attention_acknowledged")
    assert event.from_status == event.to_status == Status.SENT_TO_KVK
    assert event.reasons == [{"code": "unknown_status", "message": note}]
    # The client reads neither the attention nor the note.
    client_page = browser_a.get(reverse("outsite-message", args=[message.pk])).content.decode()
    assert note not in client_page

    # A second time: refused, nothing written.
    again = staff_browser.post(action, {"note": "nog eens"}, follow=True)
    assert "Dit aandachtspunt is al afgehandeld" in again.content.decode()
    assert message.events.filter(action="attention_acknowledged").count() == 1

    # The next poll says the same: it stays handled.
    poll(message, "unknown_status", "999 Onbekende status")
    assert not _on_attention_list(staff_browser, message)
    # Something else goes wrong: back on the list, to be handled again.
    poll(message, "no_verdict", "Geen oordeel na 24 uur")
    assert _on_attention_list(staff_browser, message)
    assert 'id="attention-acknowledge"' in staff_browser.get(url).content.decode()


def test_only_a_60_with_attention_can_be_handled(staff_browser, client_a):
    quiet = at_60(client_a)
    response = staff_browser.post(
        reverse("insite-attention", args=[quiet.pk]), {"note": "gezien"}, follow=True
    )
    assert "Dit bericht vraagt geen aandacht (meer)" in response.content.decode()
    assert not quiet.events.filter(action="attention_acknowledged").exists()
