"""What a second walk of the client environment found (task H6): figures that drifted from
what was sent, unchanged documents prepared again after a rejection, versions of a year
that looked alike, the net turnover the trial balance did not fill in, and dates refused
in generic words."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.urls import reverse
from lxml import html

from clientside import services
from clientside.models import AnnualReport, OutboundMessage
from kvk.status import Status
from tests.clientside.conftest import make_environment, mirrored, signed_by_the_director
from tests.clientside.test_screens import TRIAL_BALANCE, figures_post

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


# --- 2. unchanged documents are not prepared again after 40 or 90 ------------------------


def _answered(report: AnnualReport, status: int) -> OutboundMessage:
    """The report prepared, sent on 2 March and answered by the portal with ``status``."""
    message = services.prepare(report)
    message.sent_at = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
    message.save(update_fields=["sent_at"])
    services._mirror(message, status, [{"code": "x", "message": "De reden."}])
    return message


@pytest.mark.parametrize(
    ("status", "what"),
    [
        # workflow.services.duplicates: the portal refuses a copy of documents the client
        # rejected (40) or the KvK refused (90, the seed: "De klant moet de stukken dan
        # opnieuw aanmaken en indienen").
        (Status.REJECTED, "dat bij de beoordeling is afgekeurd"),
        (Status.REFUSED, "dat is afgekeurd (status 90)"),
    ],
)
def test_unchanged_documents_are_not_prepared_again(bookkeeper, env, status, what):
    rejected = _answered(env.report, status)
    with pytest.raises(services.PrepareError) as refused:
        services.prepare(env.report)
    (problem,) = refused.value.problems
    assert problem.message.startswith(
        f"Er is niets veranderd sinds het bericht van 2 maart 2026, {what}"
    )
    assert list(env.report.messages.all()) == [rejected]
    # On the page: said as the reason it was not prepared.
    response = bookkeeper.post(f"/klant/jaarrapporten/{env.report.pk}/klaarzetten/", follow=True)
    assert f"Niet klaargezet: {problem.message}" in [str(m) for m in response.context["messages"]]


def test_changed_documents_are_prepared_after_a_rejection(env):
    _answered(env.report, Status.REJECTED)
    env.report.signing_place = "Amersfoort"  # in the document: where the director signed
    env.report.save()
    assert services.prepare(env.report).status == Status.PREPARED


# --- 3. versions of a year are told apart ------------------------------------------------


def test_a_new_version_of_a_year_has_its_own_file_name_and_number(bookkeeper, env):
    first = _answered(env.report, Status.REJECTED)
    env.report.signing_place = "Amersfoort"
    env.report.save()
    second = services.prepare(env.report)
    assert first.filename.endswith(f"-{env.report.financial_year}-12345678.xbrl")
    assert second.filename == first.filename.removesuffix(".xbrl") + "-v2.xbrl"
    year = env.report.financial_year
    pages = (
        (f"/klant/administraties/{env.administration.pk}/", "verzenden"),
        (f"/klant/jaarrapporten/{env.report.pk}/", "berichten"),
    )
    for url, card in pages:
        page = html.fromstring(bookkeeper.get(url).content)
        rows = page.get_element_by_id(card).xpath(".//tbody/tr")
        listed = [
            (row.find("td/a").text, row.find_class("version")[0].text_content()) for row in rows
        ]
        assert listed == [
            (second.filename, f"{year} versie 2"),
            (first.filename, f"{year} versie 1"),
        ], url


def test_preparing_again_before_sending_keeps_the_version(env):
    # "Klaarzetten" replaces a message never offered: the new one takes its place.
    first = services.prepare(env.report)
    again = services.prepare(env.report)
    assert again.filename == first.filename


# --- 4. the net turnover from the trial balance ------------------------------------------


@pytest.mark.parametrize("variant", ["klein", "klein-publicatiestukken"])
def test_the_trial_balance_fills_in_the_net_turnover_for_the_size_check(variant):
    # RGS: "WOmz" is Netto-omzet (the revenue accounts WOmzNop, ... under it); art. 2:396
    # lid 1 BW measures klein by the net turnover, which klein's profit and loss hides in
    # the gross margin (art. 2:397 BW) and publication pieces do not file.
    env = make_environment(
        kvk_number="12345678", token="t", portal_url="http://127.0.0.1:9", variant=variant
    )
    services.import_trial_balance(report=env.report, content=TRIAL_BALANCE.encode())
    env.report.refresh_from_db()
    assert (env.report.net_turnover_current, env.report.net_turnover_previous) == (100000, 90000)
    check = services.size_class_check(env.report)
    assert check is not None
    assert "netto-omzet onbekend" not in " ".join(check.lines("nl"))


def test_a_trial_balance_without_revenue_keeps_the_net_turnover_entered(env):
    env.administration.kvk_report = "klein-publicatiestukken"
    env.administration.save()
    env.report.net_turnover_current = 12345
    env.report.save()
    # The revenue booked as other operating income: no WOmz account.
    without_revenue = TRIAL_BALANCE.replace("WOmzNop", "WBedOvr")
    services.import_trial_balance(report=env.report, content=without_revenue.encode())
    env.report.refresh_from_db()
    assert env.report.net_turnover_current == 12345


# --- 5. a wrong date says the format --------------------------------------------------------

INVALID_DATE = "Vul een bestaande datum in als dag-maand-jaar, bijvoorbeeld 31-12-2025."


@pytest.mark.parametrize("typed", ["31-13-2025", "30-02-2025", "eind 2025", "2025-12-31x"])
def test_a_wrong_date_says_what_to_type(bookkeeper, env, typed):
    response = bookkeeper.post(
        f"/klant/jaarrapporten/{env.report.pk}/cijfers/",
        figures_post(env.report, period_end=typed),
    )
    assert response.status_code == 400
    assert response.context["figures_form"].errors["period_end"] == [INVALID_DATE]


def test_the_reporting_values_say_the_same(bookkeeper, env):
    signatory = env.administration.signatories.get()
    data = {**signed_by_the_director(signatory), "signed_date": "32-1-2026"}
    response = bookkeeper.post(f"/klant/jaarrapporten/{env.report.pk}/rapportagewaarden/", data)
    assert response.context["values_form"].errors["signed_date"] == [INVALID_DATE]


@pytest.mark.parametrize("language", ["nl", "en"])
def test_a_day_typed_as_the_message_says_is_taken(bookkeeper, env, language):
    # What the message promises holds whatever the screen's language (Django's English
    # formats would read 12/31/2025, not 31-12-2025).
    year = env.report.financial_year
    bookkeeper.post(reverse("set_language"), {"language": language, "next": "/klant/"})
    response = bookkeeper.post(
        f"/klant/jaarrapporten/{env.report.pk}/cijfers/",
        figures_post(env.report, period_end=f"31-12-{year}"),
    )
    served_in = response.wsgi_request.LANGUAGE_CODE
    assert served_in == language
    assert response.status_code == 302  # saved (refused, the page comes back with 400)
    env.report.refresh_from_db()
    assert env.report.statements["period_end"] == f"{year}-12-31"
