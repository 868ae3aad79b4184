"""What the reporting cockpit says after "Jaarrapport maken" and "Klaarzetten
accountancyportal": what happened, in words that fit it.

Sources: the seed (../seed/, "Aangifte klaarzetten (KLANT)"): the client opens the report of
the year in the Rapportagecockpit and sets it ready; a new version can only follow once the
message under way has ended (KVK-SBR.md section 2, the status codes: after 25, 40 or 90 new
documents follow). One report per financial year (clientside.models.AnnualReport, a
heraanlevering apart).
"""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from clientside import services
from clientside.models import AnnualReport, OutboundMessage
from kvk.status import Status
from tests.clientside.conftest import YEAR, mirrored

pytestmark = pytest.mark.django_db


def said(response) -> list[str]:
    """The messages shown on the page the post led to."""
    return [str(m) for m in response.context["messages"]]


def landed(response) -> str:
    return response.redirect_chain[-1][0]


def test_making_a_report_for_a_year_that_has_one_says_so(bookkeeper, env):
    url = reverse("clientside:report-create", args=[env.administration.pk])
    response = bookkeeper.post(url, {"financial_year": YEAR}, follow=True)

    assert landed(response) == reverse("clientside:report", args=[env.report.pk])
    (text,) = said(response)
    assert text.startswith(f"Er is al een jaarrapport {YEAR}")
    assert "staat klaar" not in text
    assert AnnualReport.objects.filter(administration=env.administration).count() == 1

    response = bookkeeper.post(url, {"financial_year": YEAR - 1}, follow=True)
    (text,) = said(response)
    assert text.startswith(f"Jaarrapport {YEAR - 1} staat klaar")
    assert AnnualReport.objects.filter(administration=env.administration).count() == 2


def test_a_message_under_way_is_named_not_a_field(bookkeeper, env):
    mirrored(env.report, Status.IN_REVIEW)
    url = reverse("clientside:report-prepare", args=[env.report.pk])
    response = bookkeeper.post(url, follow=True)

    assert landed(response).endswith("#berichten")
    (text,) = said(response)
    assert text.startswith("Niet klaargezet: Er loopt al een bericht voor dit jaarrapport")
    assert "velden" not in text and "probleem" not in text and "Controle" not in text


@pytest.mark.parametrize("broken", [1, 2])
def test_the_points_to_fix_are_counted_in_proper_dutch(bookkeeper, env, broken):
    env.report.signed_date = None
    if broken == 2:
        env.report.statements["balance"].pop("Assets")
    env.report.save()
    count = len(services.check_report(env.report).problems)
    assert (count == 1) is (broken == 1)

    url = reverse("clientside:report-prepare", args=[env.report.pk])
    response = bookkeeper.post(url, follow=True)

    assert landed(response).endswith("#controle")
    first, *problems = said(response)
    if count == 1:
        assert first.startswith("Niet klaargezet: er is 1 punt om te herstellen. Herstel het ")
    else:
        assert first.startswith(f"Niet klaargezet: er zijn {count} punten om te herstellen.")
    assert "probleem/problemen" not in first and len(problems) == count


def test_the_command_says_the_same(env):
    """manage.py klaarzetten, the operator's "Klaarzetten accountancyportal"."""
    services.prepare(env.report)
    OutboundMessage.objects.filter(report=env.report).update(
        status=Status.RECEIVED, sent_at=timezone.now()
    )
    with pytest.raises(CommandError) as refused:
        call_command("klaarzetten", "--administration", "12345678", "--year", str(YEAR))
    assert str(refused.value).startswith("Niet klaargezet: Er loopt al een bericht")
    assert "velden" not in str(refused.value)

    OutboundMessage.objects.all().delete()
    env.report.signed_date = None
    env.report.save()
    with pytest.raises(CommandError) as refused:
        call_command(
            "klaarzetten", "--administration", "12345678", "--year", str(YEAR), stderr=StringIO()
        )
    assert str(refused.value).startswith("Niet klaargezet: 1 punt om te herstellen")
