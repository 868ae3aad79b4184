"""A heraanlevering of accounts the client adopted in the portal takes the adoption date the
portal brought back.

KVK-SBR.md section 1: a heraanlevering (DocumentResubmissionDueToUnsurmountableInaccuracies
Ja) "requires adoption status Ja and an adoption date"; BR-KVK-4.12 and BR-KVK-4.16
(KVK-SBR.md section 5) check it. A first filing is adopted in the portal ("Jaarrekening
vastgesteld"), so the report here has no date of its own: the status mirror brings the
filed document's date back with the message (OutboundMessage.adoption_date).
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from lxml import html

from clientside import services
from clientside.models import AnnualReport
from config.dates import format_day
from kvk.status import Status
from tests.clientside.conftest import YEAR, mirrored

pytestmark = pytest.mark.django_db

#: The day the client adopted the accounts in the portal: after they were drawn up
#: (conftest.SIGNED), never in the future.
ADOPTED = min(date(YEAR + 1, 4, 1), date.today())


def _filed_adopted_in_portal(report: AnnualReport, adopted_on: date) -> None:
    """The portal reported ``report`` filed (80), adopted in the portal on ``adopted_on``."""
    message = mirrored(report, Status.FILED)
    message.adopted, message.adoption_date = True, adopted_on
    message.save()
    report.locked = True
    report.save()


def _adoption_help(bookkeeper, report: AnnualReport) -> str:
    page = html.fromstring(bookkeeper.get(f"/klant/jaarrapporten/{report.pk}/").content)
    return " ".join(page.get_element_by_id("id_adoption_date_helptext").text_content().split())


def test_heraanlevering_maken_takes_the_adoption_date_the_portal_brought_back(bookkeeper, env):
    # The fault: "Heraanlevering maken" copied the report's own (empty) adoption date, and
    # "Klaarzetten" then refused with "Een heraanlevering vereist de datum van
    # vaststelling" until the user typed a date again, perhaps another one.
    assert env.report.adoption_date is None
    _filed_adopted_in_portal(env.report, ADOPTED)

    response = bookkeeper.post(f"/klant/jaarrapporten/{env.report.pk}/heraanlevering/", follow=True)

    resubmission = AnnualReport.objects.get(administration=env.administration, resubmission=True)
    assert resubmission.adoption_date == ADOPTED
    assert "BR-KVK-4.16" not in [p.code for p in services.check_report(resubmission).problems]
    day = format_day(ADOPTED)
    said = " ".join(str(m) for m in response.context["messages"])
    assert "met de datum van vaststelling" in said and day in said
    # The page says where the date came from, and that it may be changed.
    help_text = _adoption_help(bookkeeper, resubmission)
    assert (
        f"Overgenomen uit het portal van uw accountant: daar is de gedeponeerde jaarrekening "
        f"vastgesteld op {day}." in help_text
    )
    assert "pas de datum dan aan" in help_text


def test_a_date_the_user_changed_stays_and_the_portals_is_named_beside_it(bookkeeper, env):
    _filed_adopted_in_portal(env.report, ADOPTED)
    resubmission = services.create_resubmission(report=env.report)
    typed = ADOPTED - timedelta(days=1)
    resubmission.adoption_date = typed
    resubmission.save()

    assert services.create_resubmission(report=env.report).adoption_date == typed
    assert (
        "In het portal van uw accountant is de gedeponeerde jaarrekening vastgesteld op "
        f"{format_day(ADOPTED)};" in _adoption_help(bookkeeper, resubmission)
    )


def test_without_a_date_from_the_portal_the_heraanlevering_asks_for_one(bookkeeper, env):
    # A portal of an earlier release gave no date: nothing is made up.
    _filed_adopted_in_portal(env.report, None)  # type: ignore[arg-type]
    resubmission = services.create_resubmission(report=env.report)
    assert resubmission.adoption_date is None
    assert "BR-KVK-4.16" in [p.code for p in services.check_report(resubmission).problems]
    assert "Overgenomen" not in _adoption_help(bookkeeper, resubmission)
