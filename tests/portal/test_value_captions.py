"""A value of the taxonomy's lists on the accountant's pages (InSite, OutSite, the admin)
is shown with its caption in the reader's language (kvk.taxonomy.CAPTIONS, gettext), and
stays the taxonomy's value where it is stored and filed.

Source of the values: the enumeration of jenv-codes:legalFormItemType in NT19
(kvk/nt19/nt19-kvk-micro-klein.json, "types"; read by tests.nt19)."""

from __future__ import annotations

import dataclasses

import pytest
from django.urls import reverse

from kvk.builder import build_instance
from kvk.parser import parse_instance
from tests import nt19
from tests.portal.test_admin_guards import superuser_browser  # noqa: F401 (fixture)
from tests.portal.test_correction_changes import _adopted_then_rejected, _send, _statements

pytestmark = pytest.mark.django_db

BV = "Besloten vennootschap met beperkte aansprakelijkheid"
STICHTING = "Stichting"


def _english(browser):
    browser.cookies["django_language"] = "en"
    return browser


def test_the_values_are_nt19s():
    assert {BV, STICHTING} <= set(nt19.enumeration(nt19.LEGAL_FORMS))


def test_insite_organisation_page_names_the_legal_form_in_the_readers_language(
    staff_browser, client_a
):
    organisation = client_a.organisation
    assert organisation.legal_form == BV
    url = reverse("insite-organisation", args=[organisation.pk])
    dutch = staff_browser.get(url).content.decode()
    assert f'id="legal-form">{BV}<' in dutch
    english = _english(staff_browser).get(url).content.decode()
    assert 'id="legal-form">Private limited company (BV)<' in english
    organisation.refresh_from_db()
    assert organisation.legal_form == BV


def test_the_admin_offers_the_captions(superuser_browser, client_a):  # noqa: F811
    url = reverse("admin:crm_organisation_change", args=[client_a.organisation.pk])
    page = _english(superuser_browser).get(url).content.decode()
    assert f'<option value="{BV}" selected>Private limited company (BV)</option>' in page
    assert '<option value="Cooperatie">Cooperative</option>' in page


def test_outsite_names_a_changed_legal_form_in_the_readers_language(browser_a, client_a):
    """A correction that changes the legal form: "Wat is er veranderd" shows the captions,
    the documents keep NT19's values."""
    _adopted_then_rejected(client_a)
    corrected = dataclasses.replace(_statements(client_a), legal_form=STICHTING)
    second = _send(client_a, nt19_checked(corrected))
    url = reverse("outsite-message", args=[second.pk])

    def rows(response):
        return [(c.label, c.before, c.after) for c in response.context["changes"]]

    assert ("Rechtsvorm", BV, STICHTING) in rows(browser_a.get(url))
    english = _english(browser_a).get(url)
    assert ("Legal form", "Private limited company (BV)", "Foundation") in rows(english)
    assert "Foundation" in english.content.decode()


def nt19_checked(statements) -> bytes:
    """The instance of ``statements``, whose legal form is a value of NT19's list."""
    content = build_instance(statements)
    filed = parse_instance(content).first_value("LegalEntityLegalForm")
    assert filed == statements.legal_form and filed in nt19.enumeration(nt19.LEGAL_FORMS)
    return content
