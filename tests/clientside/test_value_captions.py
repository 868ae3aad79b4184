"""A value of the taxonomy's lists on the client's own pages (the KvK tab, the signatories,
the report's values) is shown with its caption in the reader's language
(kvk.taxonomy.CAPTIONS, gettext); what is stored and filed stays the taxonomy's value.

Source of the values: the enumerations of jenv-codes:legalFormItemType,
jenv-codes:directorItemType and jenv-codes:profitAppropriationItemType in NT19
(kvk/nt19/nt19-kvk-micro-klein.json, "types"; read by tests.nt19)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from clientside.models import AnnualReport, OutboundMessage, Signatory
from kvk.parser import parse_instance
from tests import nt19

pytestmark = pytest.mark.django_db

BV = "Besloten vennootschap met beperkte aansprakelijkheid"
DIRECTOR = "Bestuurder (huidig)"
SUPERVISORY = "Commissaris (huidig)"


def test_the_values_are_nt19s():
    assert BV in nt19.enumeration(nt19.LEGAL_FORMS)
    assert {DIRECTOR, SUPERVISORY} <= set(nt19.enumeration(nt19.DIRECTOR_TYPES))
    assert set(nt19.enumeration(nt19.APPROPRIATIONS)) == {"Voor", "Na"}


def _page(client, name: str, pk: int) -> str:
    response = client.get(reverse(f"clientside:{name}", args=[pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_dutch_pages_show_the_dutch_text_as_before(bookkeeper, env):
    page = _page(bookkeeper, "administration", env.administration.pk)
    assert f"<td>{BV}</td>" in page and f"J. de Vries ({DIRECTOR})" in page
    assert f'<option value="{SUPERVISORY}">{SUPERVISORY}</option>' in page
    report = _page(bookkeeper, "report", env.report.pk)
    assert f"({DIRECTOR})" in report
    assert '<option value="Voor" selected>Vóór resultaatbestemming</option>' in report


def test_english_pages_show_the_captions_and_the_filing_keeps_the_values(bookkeeper, env):
    bookkeeper.cookies["django_language"] = "en"
    page = _page(bookkeeper, "administration", env.administration.pk)
    assert "<td>Private limited company (BV)</td>" in page
    assert "J. de Vries (Director (current))" in page
    assert f'<option value="{SUPERVISORY}">Supervisory director (current)</option>' in page
    edit = _page(bookkeeper, "administration-edit", env.administration.pk)
    assert f'<option value="{BV}" selected>Private limited company (BV)</option>' in edit

    added = bookkeeper.post(
        reverse("clientside:signatory-add", args=[env.administration.pk]),
        {"name": "K. Toezicht", "function": SUPERVISORY, "order": "2"},
        follow=True,
    )
    assert "K. Toezicht (Supervisory director (current)) added." in added.content.decode()
    assert Signatory.objects.get(name="K. Toezicht").function == SUPERVISORY
    # The supervisory director signs this report too (the report's choice).
    env.report.signed_by = AnnualReport.SignedBy.DIRECTORS_AND_SUPERVISORY
    env.report.save()

    report = _page(bookkeeper, "report", env.report.pk)
    assert "(Director (current))" in report and "(Supervisory director (current))" in report
    assert '<option value="Voor" selected>Before appropriation of the result</option>' in report

    bookkeeper.post(reverse("clientside:report-prepare", args=[env.report.pk]))
    message = OutboundMessage.objects.get(report=env.report)
    filed = parse_instance(bytes(message.document))
    legal_form = filed.first_value("LegalEntityLegalForm")
    functions = [person.function for person in filed.statements().signatories]
    assert legal_form == BV and legal_form in nt19.enumeration(nt19.LEGAL_FORMS)
    assert functions == [DIRECTOR, SUPERVISORY]
    assert set(functions) <= set(nt19.enumeration(nt19.DIRECTOR_TYPES))
    assert filed.statements().appropriation in nt19.enumeration(nt19.APPROPRIATIONS)
    assert b"Director (current)" not in bytes(message.document)
