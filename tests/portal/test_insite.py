"""InSite: roles, dashboard, the message list (filters, search, pinned query count), the
detail page and the staff actions."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kvk.status import Status
from tests.portal.conftest import browser_for, make_message
from workflow.models import ApprovalMessage, Comment, StatusEvent


def test_anonymous_is_sent_to_login(client, db):
    response = client.get(reverse("insite-messages"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("name", ["insite-dashboard", "insite-messages", "insite-organisations"])
def test_clients_and_unknown_users_get_404_on_insite(browser_a, name):
    assert browser_a.get(reverse(name)).status_code == 404


def test_worker_may_not_open_the_set_up(staff_browser):
    for name in ["insite-connectors", "insite-message-types", "insite-organisation-create"]:
        assert staff_browser.get(reverse(name)).status_code == 403, name


def test_staff_of_another_environment_sees_nothing(outsider_browser, message_a):
    assert outsider_browser.get(reverse("insite-message", args=[message_a.pk])).status_code == 404
    response = outsider_browser.get(reverse("insite-messages"))
    assert response.status_code == 200
    assert message_a.organisation.name not in response.content.decode()


def test_dashboard_counts_and_attention(staff_browser, client_a, client_b):
    make_message(client_a)
    rejected = make_message(client_b, Status.REJECTED)
    # Another year: a new version of the same year would replace the rejected one.
    old = make_message(client_b, year=timezone.now().year - 2)
    # The client has been silent for a month: the timestamp is test set-up, not a status.
    ApprovalMessage.objects.filter(pk=old.pk).update(
        status_changed_at=timezone.now() - timedelta(days=30)
    )
    response = staff_browser.get(reverse("insite-dashboard"))
    assert response.status_code == 200
    counts = {row["code"]: row["count"] for row in response.context["status_counts"]}
    assert counts[Status.IN_REVIEW] == 2
    assert counts[Status.REJECTED] == 1
    assert response.context["waiting"] == 1
    attention = {m.pk for m in response.context["attention"]}
    assert attention == {rejected.pk, old.pk}


def test_each_dashboard_tile_opens_the_list_of_what_it_counts(staff_browser, client_a, client_b):
    """The tiles "wachten op beoordeling door de accountant" and "wachten langer dan 14
    dagen op de cliënt" each lead to a list of just the messages they count (both used to
    open the same list: every message asking attention at 30)."""
    review = make_message(client_a)
    ApprovalMessage.objects.filter(pk=review.pk).update(awaiting_accountant_review=True)
    silent = make_message(client_b, year=timezone.now().year - 2)
    # The client has been silent for a month: the timestamp is test set-up, not a status.
    ApprovalMessage.objects.filter(pk=silent.pk).update(
        status_changed_at=timezone.now() - timedelta(days=30)
    )
    make_message(client_b)  # in review since today: on neither tile
    dashboard = staff_browser.get(reverse("insite-dashboard"))
    assert (dashboard.context["review"], dashboard.context["waiting"]) == (1, 1)
    html = dashboard.content.decode()
    tiles = re.findall(r'class="tile[^"]*" href="([^"]+)"><strong>(\d+)</strong>', html)
    assert len(tiles) == 4
    shown = {}
    for href, count in tiles[:2]:
        response = staff_browser.get(href.replace("&amp;", "&"))
        assert response.status_code == 200
        listed = {m.pk for m in response.context["page"]}
        assert len(listed) == int(count)
        shown.update(dict.fromkeys(listed, href))
    assert set(shown) == {review.pk, silent.pk}
    assert shown[review.pk] != shown[silent.pk]


def _asked(browser, message, text: str, minutes_ago: int) -> Comment:
    """A comment placed through the portal, dated ``minutes_ago`` (test set-up: the order
    of the questions must not hang on the clock's resolution)."""
    response = browser.post(reverse("outsite-comment", args=[message.pk]), {"text": text})
    assert response.status_code == 302
    comment = Comment.objects.filter(message=message).latest("pk")
    Comment.objects.filter(pk=comment.pk).update(
        created_at=timezone.now() - timedelta(minutes=minutes_ago)
    )
    return comment


def _open_questions(browser) -> list[tuple[int, str, int]]:
    response = browser.get(reverse("insite-dashboard"))
    assert response.status_code == 200
    return [(q.message.pk, q.latest.text, q.count) for q in response.context["questions"]]


def test_dashboard_shows_open_client_questions_newest_first(
    staff_browser, browser_a, browser_b, outsider_browser, client_a, client_b
):
    """A client's question on a message (OutSite, "Plaats opmerking") shows on the staff's
    start page with a link to the message, newest first, until a staff member comments on
    that message after it; a new comment of the client opens it again."""
    message_a, message_b = make_message(client_a), make_message(client_b)
    assert _open_questions(staff_browser) == []
    assert (
        "Geen open vragen van cliënten."
        in staff_browser.get(reverse("insite-dashboard")).content.decode()
    )
    _asked(browser_a, message_a, "Moet de datum van vaststelling er al in?", minutes_ago=30)
    _asked(browser_a, message_a, "Klopt het bedrag van de voorraad?", minutes_ago=20)
    _asked(browser_b, message_b, "Wanneer wordt dit gedeponeerd?", minutes_ago=10)

    assert _open_questions(staff_browser) == [
        (message_b.pk, "Wanneer wordt dit gedeponeerd?", 1),
        (message_a.pk, "Klopt het bedrag van de voorraad?", 2),
    ]
    page = staff_browser.get(reverse("insite-dashboard"))
    text = page.content.decode()
    assert reverse("insite-message", args=[message_a.pk]) + "#comments" in text
    assert "Klopt het bedrag van de voorraad?" in text and client_a.organisation.name in text
    assert page.context["question_count"] == 2
    # Another accountancy environment sees none of them.
    assert _open_questions(outsider_browser) == []

    # The staff answer on message A: its questions are closed, B's still waits.
    response = staff_browser.post(
        reverse("insite-comment", args=[message_a.pk]), {"text": "Ja, dat klopt."}
    )
    assert response.status_code == 302
    assert _open_questions(staff_browser) == [(message_b.pk, "Wanneer wordt dit gedeponeerd?", 1)]

    # The client of A asks again after the answer: open again, counting only the new one.
    _asked(browser_a, message_a, "En de toelichting?", minutes_ago=0)
    assert _open_questions(staff_browser) == [
        (message_a.pk, "En de toelichting?", 1),
        (message_b.pk, "Wanneer wordt dit gedeponeerd?", 1),
    ]


def test_list_filters_and_search(staff_browser, client_a, client_b):
    a = make_message(client_a)
    b = make_message(client_b, Status.REJECTED)
    url = reverse("insite-messages")

    def pks(**params):
        response = staff_browser.get(url, params)
        assert response.status_code == 200
        return {m.pk for m in response.context["page"]}

    assert pks() == {a.pk, b.pk}
    assert pks(status=40) == {b.pk}
    assert pks(organisation=client_a.organisation.pk) == {a.pk}
    assert pks(q=client_b.kvk_number) == {b.pk}
    assert pks(q=client_a.organisation.name) == {a.pk}
    assert pks(q=str(b.message_id)) == {b.pk}
    assert pks(year=a.financial_year) == {a.pk, b.pk}
    assert pks(year=1999) == {a.pk, b.pk}  # not a year of these messages: ignored
    assert pks(message_type="kvk-micro-klein") == {a.pk, b.pk}
    assert pks(attention="on") == {b.pk}


def test_list_rows_for_htmx_are_a_partial(staff_browser, message_a):
    response = staff_browser.get(reverse("insite-messages"), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "<html" not in response.content.decode()
    assert message_a.organisation.name in response.content.decode()


def _list_queries(browser) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = browser.get(reverse("insite-messages"))
    assert response.status_code == 200
    return len(queries)


def test_list_query_count_does_not_grow_with_rows(staff_browser, client_a, client_b):
    make_message(client_a)
    one = _list_queries(staff_browser)
    for _ in range(4):
        make_message(client_a)
        make_message(client_b)
    many = _list_queries(staff_browser)
    assert many == one
    # Pinned: session, user, staff, types, years, orgs, count, rows, kvk; and the filing
    # deadlines of the page's one financial year: its versions, their standing messages,
    # the organisations with their facts, extensions and KvK numbers
    # (deadlines.selectors.year_rows).
    assert one <= 16


def test_detail_shows_accounts_findings_timeline(staff_browser, message_a):
    response = staff_browser.get(reverse("insite-message", args=[message_a.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    # The accounts are a whole HTML document inside srcdoc: escaped, so no markup of the
    # document can end the attribute and land in the portal page.
    assert 'srcdoc="&lt;!DOCTYPE html&gt;' in html
    assert "CONCEPT" in html
    assert message_a.document_sha256 in html
    assert response.context["rendered"]
    assert "Bericht ontvangen" in html or "received" in html


def test_detail_links_to_its_organisation_for_staff_only(staff_browser, browser_a, message_a):
    """From a message the staff reach the client's page (contacts, approvers, tokens,
    deadline facts): there was no way but searching the organisation list again."""
    organisation = reverse("insite-organisation", args=[message_a.organisation.pk])
    html = staff_browser.get(reverse("insite-message", args=[message_a.pk])).content.decode()
    assert f'href="{organisation}" id="to-organisation"' in html
    client_page = browser_a.get(reverse("outsite-message", args=[message_a.pk]))
    assert "to-organisation" not in client_page.content.decode()


def test_staff_repairs_a_rejected_message_after_confirming_with_a_reason(
    staff_browser, client_a, django_capture_on_commit_callbacks, mail_tasks_run_here
):
    """ "Berichtstatus herstellen" asks first, with a required reason; the client, who rejected
    this very document, reads that reason in the mail and on the message page."""
    message = make_message(client_a, Status.REJECTED)
    page = staff_browser.get(reverse("insite-message", args=[message.pk])).content.decode()
    assert "Bedragen kloppen niet" in page
    url = reverse("insite-action", args=[message.pk, "repair"])

    asked = staff_browser.post(url)
    assert asked.status_code == 200 and "Weet u het zeker?" in asked.content.decode()
    without_reason = staff_browser.post(url, {"confirmed": "1", "reason": "  "})
    assert without_reason.status_code == 200
    assert "Geef de reden waarom het bericht terug in de workflow gaat" in (
        without_reason.content.decode()
    )
    message.refresh_from_db()
    assert message.status == Status.REJECTED

    reason = "Na overleg op 3 maart: de bedragen kloppen toch, zie de toelichting."
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_browser.post(url, {"confirmed": "1", "reason": reason})
    assert response.status_code == 302
    message.refresh_from_db()
    assert message.status == Status.IN_REVIEW
    event = StatusEvent.objects.filter(message=message).order_by("-sequence").first()
    assert (event.action, event.from_status, event.to_status) == ("repaired", 40, 30)
    assert event.reasons == [{"code": "repair_reason", "message": reason}]

    (sent,) = [m for m in mail.outbox if m.to == [client_a.user.email]]
    assert "wacht op uw goedkeuring" in sent.subject
    assert reason in sent.body and "eerder afgekeurd" in sent.body
    outsite = browser_for(client_a.user).get(reverse("outsite-message", args=[message.pk]))
    assert reason in outsite.content.decode()
    assert 'id="repaired"' in outsite.content.decode()


def test_repair_in_the_wrong_status_changes_nothing(staff_browser, message_a):
    before = StatusEvent.objects.filter(message=message_a).count()
    response = staff_browser.post(
        reverse("insite-action", args=[message_a.pk, "repair"]), follow=True
    )
    assert response.status_code == 200
    assert list(response.context["messages"])  # the conflict is explained
    message_a.refresh_from_db()
    assert message_a.status == Status.IN_REVIEW
    assert StatusEvent.objects.filter(message=message_a).count() == before


def test_unknown_action_is_404(staff_browser, message_a):
    # A client's action (approve) is no staff action: no address of InSite names it.
    assert staff_browser.post(f"/insite/berichten/{message_a.pk}/approve/").status_code == 404


def test_staff_comment(staff_browser, staff, message_a):
    response = staff_browser.post(
        reverse("insite-comment", args=[message_a.pk]), {"text": "Klopt de datum?"}
    )
    assert response.status_code == 302
    comment = Comment.objects.get(message=message_a)
    assert (comment.author, comment.author_kind, comment.text) == (
        staff,
        "staff",
        "Klopt de datum?",
    )
    assert (
        staff_browser.post(reverse("insite-comment", args=[message_a.pk]), {"text": ""}).status_code
        == 400
    )


def test_downloads(staff_browser, message_a):
    xbrl = staff_browser.get(reverse("insite-xbrl", args=[message_a.pk]))
    assert xbrl.status_code == 200
    assert bytes(xbrl.content) == bytes(message_a.document)
    assert "attachment" in xbrl["Content-Disposition"]
    pdf = staff_browser.get(reverse("insite-pdf", args=[message_a.pk]))
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF")


def test_state_diagram_marks_the_status(staff_browser, browser_a, message_a):
    response = staff_browser.get(reverse("insite-diagram", args=[message_a.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "30 Aangeboden ter beoordeling door cliënt" in html
    assert ("<svg" in html) or ('class="current"' in html)
    assert browser_a.get(reverse("insite-diagram", args=[message_a.pk])).status_code == 404


def test_staff_detail_polls_while_in_flight(staff_browser, client_a):
    message = make_message(client_a, Status.APPROVED)
    html = staff_browser.get(reverse("insite-message", args=[message.pk])).content.decode()
    assert reverse("insite-status", args=[message.pk]) in html and "every 3s" in html
    partial = staff_browser.get(reverse("insite-status", args=[message.pk]))
    assert partial.status_code == 200 and 'data-status="50"' in partial.content.decode()
