"""InSite's lists that ask for action, ordered and labelled by the legal deadline: the
dashboard's "Vraagt aandacht" and the message list's "Deponeren uiterlijk".

The season-peak walk of 7 December 2026: a refusal of boekjaar 2024, 486 days past its
filing deadline, stood below this year's refusals (ordered by the last change), and the
message list showed no deadline at all.

KVK-SBR.md section 1 (BV): the board draws up the accounts within 5 months after year end
(extension by at most 5 months), shareholders adopt within 2 months after that, and filing
is due within 8 days after adoption and in any case within 12 months after year end. For a
calendar year 2025: 31 May + 2 months = 31 July 2026, + 8 days = 8 August 2026; with the
full extension 31 December 2026 + 8 days, capped at 31 December 2026; adopted on 1 March
2026: 9 March 2026.
"""

from __future__ import annotations

import html
import re
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kvk.deadlines import VOF
from kvk.status import Status
from portal.views import insite
from tests import factories
from tests.deadlines.conftest import at_noon, extension, make_message
from workflow.models import ApprovalMessage

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]

TODAY = date(2026, 12, 7)
DASHBOARD = reverse("insite-dashboard")
MESSAGES = reverse("insite-messages")


def organisation(environment, name: str, **kwargs):
    return factories.OrganisationFactory(environment=environment, name=name, **kwargs)


def refused(environment, name: str, year: int, *, changed_on: date):
    return make_message(
        organisation(environment, name),
        year=year,
        status=Status.REFUSED,
        changed_at=at_noon(changed_on),
    )


def test_an_older_overdue_refusal_comes_first_on_the_dashboard(staff_client, environment):
    """Two refusals by the KvK (the same severity): this year's, refused yesterday, and
    2024's, refused long ago. 2024's deadline (8 August 2025) passed first."""
    recent = refused(environment, "Nieuw B.V.", 2025, changed_on=TODAY - timedelta(days=1))
    old = refused(environment, "Oud B.V.", 2024, changed_on=date(2025, 10, 1))

    response = staff_client.get(DASHBOARD)

    assert [m.pk for m in response.context["attention"]] == [old.pk, recent.pk]
    deadlines = [m.deadline for m in response.context["attention"]]
    assert [d.filing for d in deadlines] == [date(2025, 8, 8), date(2026, 8, 8)]
    page = html.unescape(response.content.decode())
    assert "486 dagen verlopen" in page and "121 dagen verlopen" in page


def test_the_deadline_orders_within_a_severity_not_across(staff_client, environment):
    """A rejection by the client (severity 1) of 2024 stays below a refusal by the KvK
    (severity 0) of 2025, however much older its deadline."""
    refusal = refused(environment, "Nieuw B.V.", 2025, changed_on=TODAY)
    rejection = make_message(
        organisation(environment, "Oud B.V."), year=2024, status=Status.REJECTED
    )

    response = staff_client.get(DASHBOARD)

    assert [m.pk for m in response.context["attention"]] == [refusal.pk, rejection.pk]


@pytest.fixture
def season(environment):
    """Messages of 2025 (calendar years, BV unless said otherwise) whose deadlines
    KVK-SBR.md section 1 gives, and one of a legal form without computed deadlines."""
    waiting = make_message(organisation(environment, "Alfa B.V."), year=2025)
    extended_org = organisation(environment, "Beta B.V.")
    extension(extended_org, 2025, 5)
    extended = make_message(extended_org, year=2025, status=Status.REJECTED)
    adopted = make_message(
        organisation(environment, "Gamma B.V."),
        year=2025,
        status=Status.SENT_TO_KVK,
        adopted_on=date(2026, 3, 1),
    )
    # 2024 refused, then filed by a corrected version: the year is filed.
    delta = organisation(environment, "Delta B.V.")
    corrected = make_message(delta, year=2024, status=Status.REFUSED)
    filed = make_message(delta, year=2024, status=Status.FILED, adopted_on=date(2025, 5, 20))
    partnership = make_message(organisation(environment, "Firma", legal_form=VOF), year=2025)
    return {
        "waiting": waiting,
        "extended": extended,
        "adopted": adopted,
        "corrected": corrected,
        "filed": filed,
        "partnership": partnership,
    }


def deadline_cells(page: str) -> dict[int, str]:
    """The text of each row's "Deponeren uiterlijk" cell, by message id."""
    cells = {}
    for row in re.findall(r"<tr><td data-label=\"Organisatie\">(.*?)</tr>", page, flags=re.S):
        pk = int(re.search(r'<a href="/insite/berichten/(\d+)/">', row).group(1))
        cell = re.search(
            r'data-label="Deponeren uiterlijk" class="deadline">(.*?)</td>', row, flags=re.S
        )
        cells[pk] = " ".join(re.sub(r"<[^>]+>", " ", cell.group(1)).split())
    return cells


def test_the_message_list_shows_each_years_filing_deadline(staff_client, season):
    response = staff_client.get(MESSAGES)

    by_pk = {m.pk: m.deadline for m in response.context["page"]}
    filing = {
        key: by_pk[message.pk] and by_pk[message.pk].filing for key, message in season.items()
    }
    assert filing == {
        "waiting": date(2026, 8, 8),  # 5 + 2 months + 8 days
        "extended": date(2026, 12, 31),  # at most 12 months after year end
        "adopted": date(2026, 3, 9),  # 8 days after the adoption
        "corrected": date(2025, 5, 28),  # the year's adoption, 20 May 2025, + 8 days
        "filed": date(2025, 5, 28),
        "partnership": None,  # a VOF files no accounts (art. 2:360 lid 2 BW)
    }
    cells = deadline_cells(html.unescape(response.content.decode()))
    assert {key: cells[message.pk] for key, message in season.items()} == {
        "waiting": "8 augustus 2026 121 dagen verlopen",
        "extended": "31 december 2026",
        # At 60 the filing reached the KvK: late or not, nothing more to do here.
        "adopted": "9 maart 2026",
        # The refused version of a year filed since asks nothing more.
        "corrected": "28 mei 2025",
        "filed": "28 mei 2025",
        "partnership": "–",
    }


def order(staff_client, **params) -> list[int]:
    response = staff_client.get(MESSAGES, params)
    assert response.status_code == 200
    return [m.pk for m in response.context["page"]]


def test_the_attention_list_sorts_by_the_deadline(staff_client, environment, monkeypatch):
    """Earliest (most overdue) first across pages, the latest first the other way; a message
    without a year last in both directions."""
    monkeypatch.setattr(insite, "PAGE_SIZE", 2)
    recent = refused(environment, "Nieuw B.V.", 2025, changed_on=TODAY)
    old = refused(environment, "Oud B.V.", 2024, changed_on=date(2025, 10, 1))
    extended_org = organisation(environment, "Verlengd B.V.")
    extension(extended_org, 2025, 5)
    extended = make_message(extended_org, year=2025, status=Status.REJECTED)
    # A 25 without a year: a document processing could not read.
    unread = make_message(
        organisation(environment, "Onleesbaar B.V."), year=2025, status=Status.PROCESSING_FAILED
    )
    ApprovalMessage.objects.filter(pk=unread.pk).update(financial_year=None)

    ascending = order(staff_client, attention="on", sort="deadline")
    ascending += order(staff_client, attention="on", sort="deadline", page=2)
    assert ascending == [old.pk, recent.pk, extended.pk, unread.pk]
    descending = order(staff_client, attention="on", sort="-deadline")
    descending += order(staff_client, attention="on", sort="-deadline", page=2)
    assert descending == [extended.pk, recent.pk, old.pk, unread.pk]

    page = staff_client.get(MESSAGES, {"attention": "on"}).content.decode()
    assert 'href="?attention=on&amp;sort=deadline" class="sort">Deponeren uiterlijk' in page


def test_only_the_attention_list_offers_the_deadline_sort(staff_client, environment):
    """Sorting all messages by their deadline would compute every message's deadline: the
    full list keeps its order and shows the column without a sort link."""
    recent = refused(environment, "Nieuw B.V.", 2025, changed_on=TODAY)
    old = refused(environment, "Oud B.V.", 2024, changed_on=date(2025, 10, 1))

    assert order(staff_client, sort="deadline") == [recent.pk, old.pk]  # the last change
    page = staff_client.get(MESSAGES, {"sort": "deadline"}).content.decode()
    assert '<th scope="col">Deponeren uiterlijk</th>' in page
    assert 'class="sort">Deponeren uiterlijk' not in page


def queries(staff_client, url: str, **params) -> int:
    with CaptureQueriesContext(connection) as context:
        response = staff_client.get(url, params)
    assert response.status_code == 200
    return len(context.captured_queries)


@pytest.mark.parametrize(
    ("url", "params"),
    [
        (MESSAGES, {}),
        (MESSAGES, {"sort": "organisation"}),
        (MESSAGES, {"attention": "on", "sort": "deadline"}),
        (DASHBOARD, {}),
    ],
)
def test_the_deadlines_take_the_same_queries_for_5_or_40_messages(
    staff_client, environment, url, params
):
    """The deadlines of the rows shown cost a fixed number of queries per financial year
    among them (here 2024 and 2025 on every page), whatever the number of messages."""
    counter = iter(range(1000))

    def add(count: int) -> None:
        for _ in range(count):
            n = next(counter)
            make_message(
                organisation(environment, f"Cliënt {n:03d} B.V."),
                year=2024 + n % 2,
                status=Status.REJECTED,
            )

    add(5)
    few = queries(staff_client, url, **params)
    add(35)
    assert queries(staff_client, url, **params) == few
