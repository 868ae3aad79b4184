"""A heraanlevering of accounts that were filed elsewhere (e.g. by a previous accountant),
so there is no filed report here to start it from.

Source: KVK-SBR.md section 1: "A filed document is never removed. A correction is a new
filing: either a heraanlevering (flag DocumentResubmissionDueToUnsurmountableInaccuracies =
Ja, which requires adoption status Ja and an adoption date) ..."; BR-KVK-4.12 and 4.16
(section 4). The seed docs (../seed/) do not mention heraanlevering.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from clientside import services
from clientside.models import AnnualReport
from kvk.parser import parse_instance
from kvk.status import Status
from tests.clientside.conftest import SIGNED, YEAR

pytestmark = pytest.mark.django_db

ADOPTED = min(SIGNED + timedelta(days=10), date.today())


def post(client, env, **changes):
    data = {"financial_year": YEAR, "adoption_date": ADOPTED.isoformat(), "filed_elsewhere": "on"}
    data.update(changes)
    url = f"/klant/administraties/{env.administration.pk}/heraanlevering/"
    return client.post(url, {k: v for k, v in data.items() if v is not None})


def test_the_administration_offers_a_resubmission_without_a_filed_report(bookkeeper, env):
    assert not AnnualReport.objects.filter(locked=True).exists()
    page = bookkeeper.get(f"/klant/administraties/{env.administration.pk}/").content.decode()
    assert f'action="/klant/administraties/{env.administration.pk}/heraanlevering/"' in page
    assert 'name="adoption_date"' in page and 'name="filed_elsewhere"' in page


def test_a_resubmission_of_accounts_filed_elsewhere_is_filed_as_one(bookkeeper, env):
    response = post(bookkeeper, env)

    resubmission = AnnualReport.objects.get(resubmission=True)
    assert (
        response.status_code == 302 and response.url == f"/klant/jaarrapporten/{resubmission.pk}/"
    )
    assert (resubmission.financial_year, resubmission.adoption_date) == (YEAR, ADOPTED)
    # The figures of this year's report here are the start.
    assert resubmission.statements == env.report.statements
    page = bookkeeper.get(response.url).content.decode()
    assert f"Heraanlevering {YEAR}" in page

    with pytest.raises(services.PrepareError) as error:
        services.prepare(resubmission)  # the explanation is still missing
    assert [p.field for p in error.value.problems] == ["Toelichting heraanlevering"]
    resubmission.resubmission_explanation = "De voorraad was te hoog gewaardeerd."
    resubmission.save()
    parsed = parse_instance(bytes(services.prepare(resubmission).document))
    assert parsed.first_value("DocumentResubmissionDueToUnsurmountableInaccuracies") == "Ja"
    assert parsed.first_value("DocumentAdoptionStatus") == "Ja"
    assert parsed.adoption_date == ADOPTED

    again = post(bookkeeper, env)
    assert again.url == response.url  # one resubmission per year


def test_a_year_filed_here_starts_from_the_filed_report(env):
    message = services.prepare(env.report)
    services._mirror(message, Status.FILED, [])

    resubmission = services.create_resubmission_for_year(
        administration=env.administration, financial_year=YEAR, adoption_date=ADOPTED
    )

    assert resubmission == services.create_resubmission(report=env.report)


@pytest.mark.parametrize(
    ("changes", "text"),
    [
        (
            {"financial_year": timezone.localdate().year},
            "nog niet voorbij, dus daarover kan nog geen vastgestelde jaarrekening zijn "
            "gedeponeerd",
        ),
        ({"adoption_date": (date.today() + timedelta(days=1)).isoformat()}, "in de toekomst"),
        ({"adoption_date": None}, "Een heraanlevering vereist de datum van vaststelling."),
        ({"filed_elsewhere": None}, "bevestig dat die er is"),
    ],
)
def test_what_cannot_be_a_resubmission_is_refused_with_the_reason(bookkeeper, env, changes, text):
    response = post(bookkeeper, env, **changes)

    assert response.status_code == 400
    assert text in response.content.decode()
    assert not AnnualReport.objects.filter(resubmission=True).exists()


def test_no_resubmission_while_a_filing_of_the_year_is_under_way(bookkeeper, env):
    message = services.prepare(env.report)
    services._mirror(message, Status.IN_REVIEW, [])

    response = post(bookkeeper, env)

    assert response.status_code == 400
    assert "staat hier al een bericht klaar of onderweg (status 30" in response.content.decode()
    assert not AnnualReport.objects.filter(resubmission=True).exists()


def test_a_copy_the_portal_refused_as_filed_leads_to_the_resubmission(bookkeeper, env):
    """The portal refused this year's documents as a copy of ones already filed there (not
    from this environment: no filed report here). The next step says to make the
    heraanlevering under 'Jaarrapporten' (views._copy_step); that form must take it, as
    the refused copy is no filing under way (sending it again cannot help,
    services.refused_as_copy)."""
    message = services.prepare(env.report)
    copy = {"code": "duplicate_document", "message": "Al gedeponeerd.", "kind": "filed"}
    services._mirror(message, Status.SEND_FAILED, [copy])
    message.refresh_from_db()
    assert services.refused_as_copy(message)
    page = bookkeeper.get(f"/klant/administraties/{env.administration.pk}/").content.decode()
    assert "maak de heraanlevering dan bij de administratie onder" in page

    response = post(bookkeeper, env)

    resubmission = AnnualReport.objects.get(resubmission=True)
    assert response.status_code == 302
    assert response.url == f"/klant/jaarrapporten/{resubmission.pk}/"
