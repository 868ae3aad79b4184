"""A version that a newer version of its year replaced reads as replaced, on both portals.

Source: KVK-SBR.md section 2, the shared status codes: 25 "Fout bij verwerken in portal" is
"processing failed (unknown KvK number, invalid XBRL, ...)". A version still waiting at 30
that a newer version of its year closes ends at 25 too (workflow.services.versions: the
code list has no other status for it), but it did not fail and nobody corrects it: its
status keeps the code 25 and is called "Vervangen door een nieuwere versie" wherever a
person reads it.
"""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.urls import reverse

from kvk.status import Status
from tests.portal.conftest import make_message, refused_by_the_kvk
from workflow import services
from workflow.models import Actor, ApprovalMessage

pytestmark = pytest.mark.django_db

REPLACED = "Vervangen door een nieuwere versie"
#: What a decision on a replaced version reads (workflow.errors, "replaced").
REPLACED_SENTENCE = (
    "Dit bericht is vervangen door een nieuwere versie van de jaarrekening; die versie wordt "
    "beoordeeld."
)
#: What a processing error says (templates/portal/_status.html, workflow.selectors).
FAILED = ("Fout bij verwerken in portal", "Niet in behandeling genomen", "konden niet worden")


@pytest.fixture(autouse=True)
def _no_second_factor(settings):
    settings.OTP_REQUIRED_FOR_STAFF = False  # these pages are about the wording


def replaced_after_adoption(client) -> tuple[ApprovalMessage, ApprovalMessage]:
    """A version the client adopted at 30, then closed by a newer version of its year."""
    older = make_message(client)
    services.adopt(
        message_id=older.pk, actor=Actor.for_user(client.user), adoption_date=date.today()
    )
    newer = make_message(client)
    older.refresh_from_db()
    assert older.status == Status.PROCESSING_FAILED
    assert [reason["code"] for reason in older.reasons] == ["version_superseded"]
    return older, newer


def status_line(page: str) -> str:
    found = re.search(r'<div id="message-status".*?</div>', page, flags=re.S)
    assert found, "the page shows the status line"
    return found.group(0)


def test_the_client_reads_the_adopted_version_as_replaced(client_a, browser_a):
    older, newer = replaced_after_adoption(client_a)
    page = browser_a.get(reverse("outsite-message", args=[older.pk])).content.decode()
    line = status_line(page)
    assert REPLACED in line
    assert "Er is een nieuwere versie van de jaarrekening ontvangen" in line
    for failed in FAILED:
        assert failed not in page
    listed = browser_a.get(reverse("outsite-messages")).content.decode()
    assert REPLACED in listed
    assert "Niet in behandeling genomen" not in listed


def test_the_staff_read_the_version_as_replaced_with_its_code(client_a, staff_browser):
    older, newer = replaced_after_adoption(client_a)
    page = staff_browser.get(reverse("insite-message", args=[older.pk])).content.decode()
    line = status_line(page)
    assert f"25 {REPLACED}" in line
    assert "Geen verwerkingsfout" in line
    for failed in FAILED:
        assert failed not in page  # the timeline too
    rows = staff_browser.get(reverse("insite-messages"), HTTP_HX_REQUEST="true").content.decode()
    assert f"25 {REPLACED}" in rows and "Fout bij verwerken in portal" not in rows


def test_a_stale_approval_says_the_version_was_replaced(client_a, browser_a):
    """The client opened the version before the newer one arrived and approves it now."""
    older, _newer = replaced_after_adoption(client_a)
    url = reverse("outsite-action", args=[older.pk, "approve"])
    data = {"document_sha256": older.document_sha256}
    # No "Weet u het zeker?" for a version that can no longer be approved.
    response = browser_a.post(url, data, follow=True)
    page = response.content.decode()
    assert "Weet u het zeker?" not in page
    # The sentence of a late rejection of a replaced version, not its status (a client
    # reads no status codes).
    assert REPLACED_SENTENCE in page
    assert "Het bericht heeft status" not in page
    response = browser_a.post(url, {**data, "confirmed": "1"}, follow=True)
    assert REPLACED_SENTENCE in response.content.decode()
    for failed in FAILED:
        assert failed not in response.content.decode()
    older.refresh_from_db()
    assert older.status == Status.PROCESSING_FAILED


# --- a version a correction followed -------------------------------------------------------


@pytest.mark.parametrize(
    ("ended", "waiting"),
    [
        (lambda client: make_message(client, Status.REJECTED), "wacht op gecorrigeerde stukken"),
        (refused_by_the_kvk, "levert gecorrigeerde stukken aan"),
    ],
    ids=["rejected", "refused"],
)
def test_the_staff_read_that_the_corrected_version_arrived(
    client_a, staff_browser, browser_a, ended, waiting
):
    """The status line of a 40 or 90 no longer waits for corrected documents once they are
    in (the version that replaces it: ApprovalMessage.replaces), on InSite as on OutSite."""
    old = ended(client_a)
    staff_url = reverse("insite-message", args=[old.pk])
    assert waiting in status_line(staff_browser.get(staff_url).content.decode())

    corrected = make_message(client_a)
    assert corrected.replaces_id == old.pk

    staff_line = status_line(staff_browser.get(staff_url).content.decode())
    assert "de gecorrigeerde versie is binnen" in staff_line
    assert waiting not in staff_line
    client_page = browser_a.get(reverse("outsite-message", args=[old.pk])).content.decode()
    assert "de gecorrigeerde versie is binnen" in status_line(client_page)


def row_of(rows: str, message: ApprovalMessage) -> str:
    # The row starts with InSite's selection box and its page's id (portal/views/bulk.py).
    link = reverse("insite-message", args=[message.pk])
    found = re.search(
        rf'<tr><td[^>]*>(?:<input[^>]*>)* ?<a href="{link}">.*?</tr>',
        rows,
        flags=re.S,
    )
    assert found, "the list shows the message"
    return found.group(0)


def test_the_staff_list_marks_a_replaced_version(client_a, staff_browser, browser_a):
    """As OutSite's list does (templates/portal/outsite_messages.html)."""
    rejected = make_message(client_a, Status.REJECTED)
    corrected = make_message(client_a)
    assert corrected.replaces_id == rejected.pk
    rows = staff_browser.get(reverse("insite-messages"), HTTP_HX_REQUEST="true").content.decode()
    assert REPLACED in row_of(rows, rejected)
    assert REPLACED not in row_of(rows, corrected)
    client_list = browser_a.get(reverse("outsite-messages")).content.decode()
    assert client_list.count(REPLACED) == 1


def test_the_dashboard_counts_a_replaced_version_as_replaced_not_as_failed(client_a, staff_browser):
    """ "Berichten per status" reads a replaced version as every other page does: no
    processing error to chase (no highlighted row), one version replaced."""
    make_message(client_a, year=date.today().year - 2)  # an older year, in review
    older, _newer = replaced_after_adoption(client_a)

    response = staff_browser.get(reverse("insite-dashboard"))

    counts = {row["code"]: row["count"] for row in response.context["status_counts"]}
    assert counts[Status.PROCESSING_FAILED] == 0
    assert counts[Status.IN_REVIEW] == 2
    assert response.context["replaced"] == 1
    assert response.context["total"] == 3
    table = re.search(r'id="counts-h".*?</table>', response.content.decode(), flags=re.S)
    assert table is not None
    rows = re.findall(r"<tr[^>]*>.*?</tr>", table.group(0), flags=re.S)
    failed = next(row for row in rows if "Fout bij verwerken in portal" in row)
    assert 'class="attention"' not in failed
    assert re.search(r'<td class="num">0</td>', failed)
    replaced = next(row for row in rows if REPLACED in row)
    assert re.search(r'<td class="num">1</td>', replaced)
