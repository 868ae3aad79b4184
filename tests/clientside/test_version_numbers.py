"""One numbering of a year's documents: the "-vN" of a file name is the "versie N" the
messages list shows beside it, counted over all of the year's reports (the year's report,
its tweede aanlevering and its heraanlevering), and a name, once given, stays (it is part
of what was sent)."""

from __future__ import annotations

from datetime import date

import pytest
from lxml import html

from clientside import services
from clientside.models import AnnualReport, OutboundMessage
from kvk.status import Status
from tests.clientside.conftest import YEAR, mirrored

pytestmark = pytest.mark.django_db

#: After the accounts were drawn up (conftest.SIGNED), never in the future.
ADOPTED = min(date(YEAR + 1, 4, 1), date.today())


def _prepared_and_answered(report: AnnualReport, status: int) -> OutboundMessage:
    """The report's next document, sent, and answered by the portal with ``status``."""
    message = services.prepare(report)
    OutboundMessage.objects.filter(pk=message.pk).update(sent_at=message.created_at)
    message.refresh_from_db()
    services._mirror(message, status, [{"code": "x", "message": "De reden."}])
    return message


def _listed(bookkeeper, url: str, card: str) -> dict[str, str]:
    """File name -> the version the messages list shows beside it."""
    page = html.fromstring(bookkeeper.get(url).content)
    rows = page.get_element_by_id(card).xpath(".//tbody/tr")
    return {row.find("td/a").text: row.find_class("version")[0].text_content() for row in rows}


def test_a_heraanlevering_names_its_documents_with_the_years_version(bookkeeper, env):
    # The fault: the file was named "-v2", counting the heraanlevering's documents only,
    # beside "versie 3" in the list, which counts the year's documents.
    filed = mirrored(env.report, Status.FILED)
    filed.adoption_date = ADOPTED
    filed.save()
    env.report.locked = True
    env.report.save()
    resubmission = services.create_resubmission(report=env.report)
    resubmission.resubmission_explanation = "De voorraad was te hoog gewaardeerd."
    resubmission.save()
    first = _prepared_and_answered(resubmission, Status.REJECTED)
    first_name = first.filename
    resubmission.signing_place = "Amersfoort"
    resubmission.save()

    second = services.prepare(resubmission)

    assert first_name.endswith(f"-{YEAR}-12345678-heraanlevering.xbrl")
    assert second.filename == first_name.removesuffix(".xbrl") + "-v3.xbrl"
    assert OutboundMessage.objects.get(pk=first.pk).filename == first_name  # it stays
    for url, card in (
        (f"/klant/administraties/{env.administration.pk}/", "verzenden"),
        (f"/klant/jaarrapporten/{resubmission.pk}/", "berichten"),
    ):
        listed = _listed(bookkeeper, url, card)
        assert listed[second.filename] == f"{YEAR} versie 3", url
        assert listed[first_name] == f"{YEAR} versie 2", url


def test_preparing_again_keeps_the_number_and_the_name(env):
    # "Klaarzetten" replaces a document never offered: the new one takes its number.
    first = _prepared_and_answered(env.report, Status.REJECTED)
    env.report.signing_place = "Amersfoort"
    env.report.save()
    second = services.prepare(env.report)
    env.report.signing_place = "Utrecht-Noord"
    env.report.save()
    again = services.prepare(env.report)

    assert not OutboundMessage.objects.filter(pk=second.pk).exists()
    assert again.filename == second.filename == first.filename.removesuffix(".xbrl") + "-v2.xbrl"
    numbers = services.versions(OutboundMessage.objects.all())
    assert (numbers[first.pk], numbers[again.pk]) == (1, 2)
