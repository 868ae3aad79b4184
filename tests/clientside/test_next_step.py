"""The administration's "Volgende stap" speaks about the report that asks for something,
and says which year, when the administration has several: a catch-up year sent after the
newest one (KVK-SBR.md section 1: each financial year's accounts are filed, a year late
too) is not hidden behind the newest year's status."""

from __future__ import annotations

import pytest
from django.urls import reverse

from clientside.models import AnnualReport
from clientside.views import next_step
from kvk.status import Status
from tests.clientside.conftest import YEAR, mirrored

pytestmark = pytest.mark.django_db

CATCH_UP = YEAR - 1


def _catch_up(env) -> AnnualReport:
    return AnnualReport.objects.create(administration=env.administration, financial_year=CATCH_UP)


def test_a_catch_up_year_in_review_is_not_hidden_behind_the_filed_newest_year(env):
    mirrored(env.report, Status.FILED)
    mirrored(_catch_up(env), Status.IN_REVIEW)

    text, _link = next_step(env.administration)

    assert text.startswith(f"Jaarrapport {CATCH_UP}: Het bericht ligt ter beoordeling")
    assert "Gedeponeerd" not in text


def test_a_prepared_catch_up_year_asks_to_send_it_while_the_newest_is_in_review(env):
    mirrored(env.report, Status.IN_REVIEW)
    mirrored(_catch_up(env), Status.PREPARED)

    text, link = next_step(env.administration)

    assert text == (
        f"Jaarrapport {CATCH_UP}: Klik op 'Verzenden/ontvangen accountancyportal' om het "
        "bericht te verzenden."
    )
    assert link.endswith("#verzenden")


def test_a_new_catch_up_report_asks_for_its_figures_after_the_newest_was_filed(env):
    mirrored(env.report, Status.FILED)
    catch_up = _catch_up(env)

    text, link = next_step(env.administration)

    assert text.startswith(f"Vul in het jaarrapport {CATCH_UP} de cijfers")
    assert link == reverse("clientside:report", args=[catch_up.pk])


def test_the_older_year_comes_first_when_both_ask_for_something(env):
    mirrored(env.report, Status.PREPARED)
    mirrored(_catch_up(env), Status.PREPARED)

    text, _link = next_step(env.administration)

    assert text.startswith(f"Jaarrapport {CATCH_UP}: ")


def test_when_every_year_is_filed_the_step_is_about_the_newest(env):
    mirrored(env.report, Status.FILED)
    mirrored(_catch_up(env), Status.FILED)

    text, _link = next_step(env.administration)

    assert text.startswith(f"Jaarrapport {YEAR}: Gedeponeerd bij de KvK.")


def test_one_report_keeps_its_step_without_the_year(env):
    mirrored(env.report, Status.IN_REVIEW)

    text, _link = next_step(env.administration)

    assert text.startswith("Het bericht ligt ter beoordeling")
