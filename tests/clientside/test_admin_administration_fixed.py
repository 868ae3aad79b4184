"""The admin keeps a report and a communication profile with their administration.

Moved in the admin to another administration, a report still named the signatories and
listed the messages of the one it left, and a profile sent that administration's reports
with a token the portal gave another organisation. As the portal's admin keeps a row's
environment (crm.admin_mixins), the administration is chosen when they are added only.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from clientside.models import Administration, AnnualReport, Signatory
from tests.clientside.conftest import YEAR
from tests.portal.test_admin_guards import (  # noqa: F401 - the fixture
    assert_fixed_after_creation,
    field_errors,
    post_change,
    superuser_browser,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("model", "row"),
    [("clientside_annualreport", "report"), ("clientside_communicationprofile", "profile")],
)
def test_the_administration_is_fixed_after_creation(
    superuser_browser,  # noqa: F811
    env,
    model,
    row,
):
    other = Administration.objects.create(name="Ander B.V.", seat="Utrecht", kvk_number="87654321")

    assert_fixed_after_creation(
        superuser_browser, model, getattr(env, row), "administration", other
    )


def test_a_report_is_signed_only_by_its_own_administrations_signatories(
    superuser_browser,  # noqa: F811
    env,
):
    """The report's signatures in the admin offer its administration's signatories, not
    another administration's (the cockpit offers no others either); a new report, without
    an administration yet, offers none."""
    other = Administration.objects.create(name="Ander B.V.", seat="Utrecht", kvk_number="87654321")
    stranger = Signatory.objects.create(administration=other, name="P. Vreemd")
    own = list(Signatory.objects.filter(administration=env.administration))
    assert own

    page = superuser_browser.get(
        reverse("admin:clientside_annualreport_change", args=[env.report.pk])
    )
    offered = page.context["inline_admin_formsets"][0].formset.form.base_fields["signatory"]

    assert list(offered.queryset) == own and stranger not in offered.queryset
    page = superuser_browser.get(reverse("admin:clientside_annualreport_add"))
    offered = page.context["inline_admin_formsets"][0].formset.form.base_fields["signatory"]
    assert not offered.queryset.exists()


def test_a_report_changed_onto_a_year_its_administration_has_is_refused_in_words(
    superuser_browser,  # noqa: F811
    env,
):
    """Read-only, the administration is not in the form, and Django skipped the report's
    unique constraint (administration, year, kind): the database refused the save with a
    server error (kvk.admin_mixins)."""
    other = AnnualReport.objects.create(administration=env.administration, financial_year=YEAR + 1)

    response = post_change(
        superuser_browser, "clientside_annualreport", other, {"financial_year": str(YEAR)}
    )

    assert "Jaarrapport met deze " in field_errors(response)
    other.refresh_from_db()
    assert other.financial_year == YEAR + 1
