"""The admin's "Jaarrapporten" leave the figures to the reporting cockpit.

Walking the admin: the figures (``statements``) could be saved in any shape there ("[1]",
'{"balance": 5}'), and the bookkeeper's page of the report (/klant/jaarrapporten/<id>/) then
gave a server error. The cockpit enters and checks them; the admin shows them only.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from clientside import services
from clientside.models import AnnualReport
from tests.clientside.conftest import YEAR
from tests.portal.test_admin_guards import (  # noqa: F401 - the fixture
    field_errors,
    page_data,
    post_change,
    superuser_browser,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("typed", ["[1]", '{"balance": 5}'])
def test_the_figures_are_not_changed_in_the_admin(
    superuser_browser,  # noqa: F811
    bookkeeper,
    env,
    typed,
):
    before = env.report.statements
    page = superuser_browser.get(
        reverse("admin:clientside_annualreport_change", args=[env.report.pk])
    )
    assert "statements" not in page.context["adminform"].form.fields

    response = post_change(
        superuser_browser,
        "clientside_annualreport",
        env.report,
        {"statements": typed, "signing_place": "Amersfoort"},
    )

    assert "errornote" not in response.content.decode(), field_errors(response)
    env.report.refresh_from_db()
    assert env.report.signing_place == "Amersfoort"  # the rest of the page is saved
    assert env.report.statements == before
    assert bookkeeper.get(f"/klant/jaarrapporten/{env.report.pk}/").status_code == 200


def test_a_report_added_in_the_admin_starts_as_the_cockpits_new_report(
    superuser_browser,  # noqa: F811
    bookkeeper,
    env,
):
    url = reverse("admin:clientside_annualreport_add")
    page = superuser_browser.get(url)
    assert "statements" not in page.context["adminform"].form.fields
    data = {
        **page_data(page),
        "administration": env.administration.pk,
        "financial_year": str(YEAR + 1),
        "statements": "[1]",
    }

    response = superuser_browser.post(url, data, follow=True)

    assert "errornote" not in response.content.decode(), field_errors(response)
    report = AnnualReport.objects.get(administration=env.administration, financial_year=YEAR + 1)
    assert report.statements == services.new_report_statements(env.administration, YEAR + 1)
    assert bookkeeper.get(f"/klant/jaarrapporten/{report.pk}/").status_code == 200
