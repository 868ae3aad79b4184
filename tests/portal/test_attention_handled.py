"""A 25, 40 or 90 from which nothing more will come, marked "Afgehandeld" by the staff.

KVK-SBR.md, "Status codes": 25 is processing failed (an unknown KvK number among the
causes), 40 rejected by the client (can be put back into the workflow), 90 refused by the
KvK; the codes are one fixed list shared by both sides, so "Afgehandeld" is no status:
the message keeps its code, leaves "Vraagt aandacht" (dashboard and ``?attention=on``), and
the note is an audit event only the staff read. "Weer op de aandachtslijst" undoes it; a
repair and a new rejection put a 40 back; a client's comment does not (it is an open
question on the dashboard)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kvk.status import Status
from tests.conftest import instance_for, message_at_25
from tests.portal.conftest import make_message, refused_by_the_kvk
from tests.portal.test_transport_errors import at_60, flashes
from workflow import services
from workflow.errors import NotPermitted
from workflow.models import Actor, ApprovalMessage

pytestmark = pytest.mark.django_db

#: No organisation of the office has this KvK number.
UNKNOWN_KVK_NUMBER = "99999999"
NOTE = "Verkeerd KvK-nummer; de klant stuurt de jaarrekening opnieuw."


def _on_dashboard(browser, message) -> bool:
    return message.pk in {
        m.pk for m in browser.get(reverse("insite-dashboard")).context["attention"]
    }


def _in_attention_filter(browser, message) -> bool:
    listed = browser.get(reverse("insite-messages"), {"attention": "on"}).context["page"]
    return message.pk in {m.pk for m in listed}


def _asks_attention(browser, message) -> bool:
    """On the dashboard's "Vraagt aandacht" and in the list's filter, which always agree."""
    on_dashboard = _on_dashboard(browser, message)
    assert _in_attention_filter(browser, message) == on_dashboard
    return on_dashboard


def _handle(browser, message, note: str = NOTE, **kwargs):
    return browser.post(reverse("insite-attention", args=[message.pk]), {"note": note}, **kwargs)


def test_staff_mark_a_25_with_an_unknown_kvk_number_handled_and_undo_it(
    staff_browser, browser_a, client_a, staff
):
    """An upload with a KvK number the office does not know ends at 25 without a year: no
    newer version ever replaces it, so only the staff can take it off the list."""
    failed = message_at_25(client_a, instance_for(UNKNOWN_KVK_NUMBER))
    assert failed.financial_year is None
    assert _asks_attention(staff_browser, failed)
    page = staff_browser.get(reverse("insite-message", args=[failed.pk])).content.decode()
    assert 'id="attention-acknowledge"' in page
    assert "Niets meer te doen? Als afgehandeld markeren" in page

    # Without a note: refused on the page, nothing changes.
    refused = _handle(staff_browser, failed, "   ")
    assert refused.status_code == 400
    assert "Schrijf op wat u heeft gecontroleerd of afgesproken." in refused.content.decode()
    assert _asks_attention(staff_browser, failed)

    response = _handle(staff_browser, failed, follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0].endswith(
        reverse("insite-message", args=[failed.pk]) + "#attention"
    )
    (flashed,) = flashes(response)
    assert "als afgehandeld gemarkeerd" in flashed and "De status blijft 25" in flashed
    html = response.content.decode()
    # Who marked it and why, with the undo.
    assert 'id="attention-acknowledged"' in html and 'id="attention-acknowledge"' not in html
    handled = response.context["attention_handled"]
    assert handled.note == NOTE and handled.by == staff.get_username()
    assert f"Afgehandeld door {staff.get_username()} op" in html and NOTE in html
    assert reverse("insite-attention-reopen", args=[failed.pk]) in html

    failed.refresh_from_db()
    assert failed.status == Status.PROCESSING_FAILED  # no status change
    assert not _asks_attention(staff_browser, failed)
    event = failed.events.get(action="attention_acknowledged")
    assert event.from_status == event.to_status == Status.PROCESSING_FAILED
    assert event.actor_user == staff
    assert event.reasons == [{"code": "staff_note", "message": NOTE}]
    # The status counts still count it: the code did not change.
    counts = staff_browser.get(reverse("insite-dashboard")).context["status_counts"]
    assert {row["code"]: row["count"] for row in counts}[Status.PROCESSING_FAILED] == 1

    # The client reads neither the note nor that it was handled.
    client_page = browser_a.get(reverse("outsite-message", args=[failed.pk])).content.decode()
    assert NOTE not in client_page and "Weer op de aandachtslijst" not in client_page

    # Marking it again: refused, nothing written.
    again = _handle(staff_browser, failed, "nog eens", follow=True)
    assert "Dit aandachtspunt is al afgehandeld" in again.content.decode()
    assert failed.events.filter(action="attention_acknowledged").count() == 1

    # Undo: back on the list, the form offered again; the note stays in the audit trail.
    reopen = reverse("insite-attention-reopen", args=[failed.pk])
    undone = staff_browser.post(reopen, follow=True)
    assert flashes(undone) == ["Het bericht staat weer op de lijst 'Vraagt aandacht'."]
    assert 'id="attention-acknowledge"' in undone.content.decode()
    assert _asks_attention(staff_browser, failed)
    assert [e.action for e in failed.events.order_by("sequence")][-2:] == [
        "attention_acknowledged",
        "attention_reopened",
    ]
    assert failed.events.get(action="attention_reopened").actor_user == staff
    client_page = browser_a.get(reverse("outsite-message", args=[failed.pk])).content.decode()
    assert "aandachtslijst" not in client_page and "afgehandeld" not in client_page.lower()
    # Undoing what is not marked: refused, nothing written.
    twice = staff_browser.post(reopen, follow=True)
    assert "niet als afgehandeld gemarkeerd" in twice.content.decode()
    assert failed.events.filter(action="attention_reopened").count() == 1


def test_a_90_of_a_year_filed_elsewhere_leaves_the_list(staff_browser, client_a):
    refused = refused_by_the_kvk(client_a)
    assert _asks_attention(staff_browser, refused)
    note = "Klant heeft de jaarrekening zelf bij de KvK gedeponeerd."
    assert _handle(staff_browser, refused, note).status_code == 302
    assert not _asks_attention(staff_browser, refused)
    event = refused.events.get(action="attention_acknowledged")
    # The note is what the timeline shows, not a KvK refusal's catalogue sentence.
    assert event.reasons == [{"code": "staff_note", "message": note}]
    refused.refresh_from_db()
    assert refused.status == Status.REFUSED


def test_a_handled_40_comes_back_with_a_new_rejection_not_with_a_comment(
    staff_browser, browser_a, client_a, staff
):
    """A client's comment is an open question on the dashboard, not a reason to put the
    rejection back; a repair ends the mark, so the next rejection asks attention anew."""
    rejected = make_message(client_a, Status.REJECTED)
    assert _handle(staff_browser, rejected, "Klant belt terug.").status_code == 302
    assert not _asks_attention(staff_browser, rejected)

    comment = browser_a.post(
        reverse("outsite-comment", args=[rejected.pk]), {"text": "Wat moet ik nu doen?"}
    )
    assert comment.status_code == 302
    dashboard = staff_browser.get(reverse("insite-dashboard")).context
    assert rejected.pk in {question.message.pk for question in dashboard["questions"]}
    assert not _asks_attention(staff_browser, rejected)

    services.repair(message_id=rejected.pk, actor=Actor.for_user(staff), reason="Graag opnieuw")
    rejected.refresh_from_db()
    assert rejected.status == Status.IN_REVIEW and rejected.attention_acknowledged_at is None
    services.reject(
        message_id=rejected.pk, actor=Actor.for_user(client_a.user), reason="Nog steeds fout"
    )
    assert _asks_attention(staff_browser, rejected)
    page = staff_browser.get(reverse("insite-message", args=[rejected.pk])).content.decode()
    assert 'id="attention-acknowledge"' in page and 'id="attention-acknowledged"' not in page


def test_what_asks_no_attention_cannot_be_marked(staff_browser, client_a):
    """A message at 30, or a 25 a newer version replaced: no form, and a POST is refused
    with the sentence that says which can be marked."""
    waiting = make_message(client_a, Status.IN_REVIEW)
    page = staff_browser.get(reverse("insite-message", args=[waiting.pk]))
    assert page.context["can_acknowledge"] is False
    assert 'id="attention-acknowledge"' not in page.content.decode()
    response = _handle(staff_browser, waiting, follow=True)
    (flashed,) = flashes(response)
    assert flashed.startswith("Dit bericht vraagt geen aandacht (meer)")
    assert "status 25, 40 of 90" in flashed
    assert not waiting.events.filter(action="attention_acknowledged").exists()


def test_the_client_and_another_firm_cannot_mark_or_undo(
    staff_browser, browser_a, outsider_browser, outsider, client_a
):
    failed = message_at_25(client_a, instance_for(UNKNOWN_KVK_NUMBER))
    for name in ("insite-attention", "insite-attention-reopen"):
        url = reverse(name, args=[failed.pk])
        assert browser_a.post(url, {"note": NOTE}).status_code == 404, name
        assert outsider_browser.post(url, {"note": NOTE}).status_code == 404, name
    # Past the views too: the service refuses anyone but the organisation's staff.
    for actor in (Actor.for_user(client_a.user), Actor.for_user(outsider)):
        with pytest.raises(NotPermitted):
            services.acknowledge_attention(message_id=failed.pk, actor=actor, note=NOTE)
    assert _handle(staff_browser, failed).status_code == 302
    for actor in (Actor.for_user(client_a.user), Actor.for_user(outsider)):
        with pytest.raises(NotPermitted):
            services.reopen_attention(message_id=failed.pk, actor=actor)
    failed.refresh_from_db()
    assert failed.attention_acknowledged_at is not None
    assert set(failed.events.values_list("action", flat=True)) >= {"attention_acknowledged"}
    assert not failed.events.filter(action="attention_reopened").exists()


def test_a_get_of_the_action_addresses_opens_the_message_page(
    staff_browser, outsider_browser, browser_a, client_a
):
    """kvk.views.post_else: a reload of a refused form's page is a GET of its address."""
    failed = message_at_25(client_a, instance_for(UNKNOWN_KVK_NUMBER))
    detail = reverse("insite-message", args=[failed.pk])
    for name in ("insite-attention", "insite-attention-reopen"):
        url = reverse(name, args=[failed.pk])
        response = staff_browser.get(url)
        assert response.status_code == 302 and response.url == detail, name
        assert outsider_browser.get(url).status_code == 404, name
        assert browser_a.get(url).status_code == 404, name
    assert not ApprovalMessage.objects.get(pk=failed.pk).attention_acknowledged_at


def test_a_handled_60_shows_who_and_why_and_can_be_undone(staff_browser, client_a, staff):
    """The same "Afgehandeld" at 60 (an unknown Digipoort status): the page names who
    marked it, and the undo puts it back while the poll goes on."""
    message = at_60(client_a, attention="unknown_status", detail="999 Onbekende status")
    note = "Logius gebeld: de KvK beoordeelt het bericht nog."
    handled = _handle(staff_browser, message, note, follow=True)
    html = handled.content.decode()
    assert f"Afgehandeld door {staff.get_username()} op" in html and note in html
    assert not _asks_attention(staff_browser, message)
    staff_browser.post(reverse("insite-attention-reopen", args=[message.pk]))
    assert _asks_attention(staff_browser, message)
    message.refresh_from_db()
    assert message.status == Status.SENT_TO_KVK and message.attention_code == "unknown_status"


# --- the hint fits the status -------------------------------------------------------------------

#: What the hint and example note of a 60 or of a wrong KvK number say.
LOGIUS, KVK_NUMBER = "Logius", "KvK-nummer"


def _acknowledge_form(page: str) -> str:
    start = page.index('id="attention-acknowledge"')
    return page[start : page.index("</details>", start)]


def test_the_hint_on_a_rejected_message_is_about_the_rejection(staff_browser, client_a):
    """A 40 is the client's rejection (KVK-SBR.md, "Status codes": 40 rejected by the
    client): the hint and the example note speak of it, not of Logius or a KvK number, and
    name the way back if the version must be approved after all."""
    rejected = make_message(client_a, Status.REJECTED)
    url = reverse("insite-message", args=[rejected.pk])

    for page in (
        staff_browser.get(url).content.decode(),
        _handle(staff_browser, rejected, "  ").content.decode(),  # refused, shown again
    ):
        form = _acknowledge_form(page)
        assert "Heeft de cliënt dit bericht afgekeurd" in form
        assert "Afkeuring met de cliënt besproken" in form
        assert "Berichtstatus herstellen" in form
        assert LOGIUS not in form and KVK_NUMBER not in form


@pytest.mark.parametrize(
    ("made", "example"),
    [
        (lambda client: message_at_25(client, instance_for(UNKNOWN_KVK_NUMBER)), KVK_NUMBER),
        (lambda client: at_60(client, attention="unknown_status", detail="999"), LOGIUS),
        (refused_by_the_kvk, "door de KvK afgekeurd"),
    ],
    ids=["25", "60", "90"],
)
def test_the_example_note_fits_the_status(staff_browser, client_a, made, example):
    message = made(client_a)
    page = staff_browser.get(reverse("insite-message", args=[message.pk])).content.decode()
    form = _acknowledge_form(page)
    help_text = form[form.index('id="id_note_helptext"') :]
    assert example in help_text
    assert "Afkeuring met de cliënt" not in form
    if example != LOGIUS:
        assert LOGIUS not in form
