"""What a second walk of the client environment found (task H6): figures that drifted from
what was sent, unchanged documents prepared again after a rejection, versions of a year
that looked alike, the net turnover the trial balance did not fill in, and dates refused
in generic words."""

from __future__ import annotations

import pytest
from lxml import html

from clientside import services
from clientside.models import AnnualReport, OutboundMessage
from kvk.status import Status
from tests.clientside.conftest import mirrored
from tests.clientside.test_screens import figures_post

pytestmark = pytest.mark.django_db


def _page(client, report: AnnualReport):
    return html.fromstring(client.get(f"/klant/jaarrapporten/{report.pk}/").content)


# --- 1. a sent report stays as it was sent -------------------------------------------------

#: KVK-SBR.md section 2: from 10 the portal has the document; 30 is the client's review, 50
#: to 70 its way to the KvK, 80 filed. What the portal approves and files is the document it
#: received, so the figures here must stay that document's.
UNDER_WAY = [
    Status.RECEIVED,
    Status.PROCESSING,
    Status.IN_REVIEW,
    Status.APPROVED,
    Status.SENT_TO_KVK,
    Status.TRANSPORT_ERROR,
]


@pytest.mark.parametrize("status", UNDER_WAY)
def test_the_figures_of_a_sent_report_cannot_be_changed(bookkeeper, env, status):
    message = mirrored(env.report, status)
    before = dict(env.report.statements)
    response = bookkeeper.post(
        f"/klant/jaarrapporten/{env.report.pk}/cijfers/",
        figures_post(env.report, b_Assets_0="999999"),
        follow=True,
    )
    env.report.refresh_from_db()
    assert env.report.statements == before
    said = [str(m) for m in response.context["messages"]]
    assert len(said) == 1
    assert f"verzonden naar uw accountant (status {int(status)}:" in said[0]
    assert "'Heraanlevering maken'" in said[0]
    # The message keeps the document it was sent with.
    assert OutboundMessage.objects.get(pk=message.pk).document == message.document


@pytest.mark.parametrize("form", ["rapportagewaarden", "proefbalans"])
def test_neither_the_reporting_values_nor_an_import_change_a_sent_report(bookkeeper, env, form):
    mirrored(env.report, Status.IN_REVIEW)
    place = env.report.signing_place
    before = dict(env.report.statements)
    bookkeeper.post(f"/klant/jaarrapporten/{env.report.pk}/{form}/", {"signing_place": "Elders"})
    env.report.refresh_from_db()
    assert (env.report.signing_place, env.report.statements) == (place, before)
    with pytest.raises(services.ReportLocked):
        services.import_trial_balance(report=env.report, content=b"rekening;rapportagecode\n")


def test_a_sent_report_page_is_read_only_says_why_and_links_the_sent_document(bookkeeper, env):
    message = mirrored(env.report, Status.IN_REVIEW)
    page = _page(bookkeeper, env.report)
    assert page.get_element_by_id("cijfers").find(".//fieldset").get("disabled") is not None
    assert not page.xpath("//*[@id='save-figures'] | //*[@id='proefbalans']")
    assert not page.xpath("//form[contains(@action, 'rapportagewaarden')]")
    explanation = " ".join(page.get_element_by_id("vergrendeld").text_content().split())
    assert "liggen de cijfers en rapportagewaarden vast" in explanation
    link = page.get_element_by_id("sent-document").find(".//a")
    assert link.get("href") == f"/klant/berichten/{message.pk}/document/"


@pytest.mark.parametrize("status", [Status.PROCESSING_FAILED, Status.REJECTED, Status.REFUSED])
def test_after_a_rejection_or_refusal_the_figures_can_be_corrected(bookkeeper, env, status):
    # KVK-SBR.md section 2: after 40 and 90 corrected documents follow as a new version.
    mirrored(env.report, status)
    bookkeeper.post(
        f"/klant/jaarrapporten/{env.report.pk}/cijfers/",
        figures_post(env.report, b_Assets_0="999999"),
    )
    env.report.refresh_from_db()
    assert env.report.statements["balance"]["Assets"][0] == "999999"
    assert not _page(bookkeeper, env.report).xpath("//*[@id='vergrendeld']")


def test_a_change_after_preparing_withdraws_the_prepared_document(bookkeeper, env):
    # Prepared (0) and never offered: a send/receive run would send the old figures.
    message = services.prepare(env.report)
    response = bookkeeper.post(
        f"/klant/jaarrapporten/{env.report.pk}/cijfers/",
        figures_post(env.report, b_Assets_0="999999"),
        follow=True,
    )
    assert not OutboundMessage.objects.filter(pk=message.pk).exists()
    said = [str(m) for m in response.context["messages"]]
    assert any(f"Het klaargezette bericht {message.filename} is vervallen" in m for m in said)
