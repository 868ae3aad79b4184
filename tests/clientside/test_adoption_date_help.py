"""The cockpit's help at "Datum vaststelling" says what the portal will do with the date of
a first filing: it goes with the upload and fills in the portal's "Jaarrekening
vastgesteld" form (proposed_adoption_date), except where signing is the adoption, which the
portal decides from a fact the accountant records there (portal.views.outsite
_adopted_by_signing_on, kvk.adoption.signing_is_adoption): then it fills in the signing
date. KVK-SBR.md section 1: "If all shareholders are also directors, signing counts as
adoption" (art. 2:210 lid 5 BW, a BV only). A heraanlevering carries the date in its
document: nothing is filled in then."""

from __future__ import annotations

import pytest

from clientside import services
from kvk import deadlines as d
from tests.clientside.test_resubmission_adoption import _adoption_help

pytestmark = pytest.mark.django_db

FILLED_IN = "daar staat deze datum dan al ingevuld"
SIGNING = "dan geldt de ondertekening als vaststelling en staat daar de datum waarop"


def test_a_bv_hears_of_both_dates_the_portal_may_fill_in(bookkeeper, env):
    assert env.administration.legal_form == d.BV
    said = _adoption_help(bookkeeper, env.report)
    # The fault: the help promised the cockpit's date, while a BV whose shareholders are all
    # directors finds the signing date filled in.
    assert FILLED_IN in said and "alle aandeelhouders ook bestuurder" in said
    assert SIGNING in said


@pytest.mark.parametrize("legal_form", [d.STICHTING, d.NV])
def test_where_signing_is_no_adoption_only_the_cockpit_date_is_promised(
    bookkeeper, env, legal_form
):
    env.administration.legal_form = legal_form
    env.administration.save()
    said = _adoption_help(bookkeeper, env.report)
    assert FILLED_IN in said
    assert "ondertekening" not in said


def test_a_heraanlevering_promises_no_filled_in_date(bookkeeper, env):
    """Accounts filed elsewhere (a previous accountant): the portal brought no date back."""
    resubmission = services.create_resubmission_for_year(
        administration=env.administration,
        financial_year=env.report.financial_year - 1,
        adoption_date=env.report.signed_date,
    )
    said = _adoption_help(bookkeeper, resubmission)
    assert FILLED_IN not in said
    assert "bij een heraanlevering is deze datum verplicht" in said
