"""The client environment's addresses only a form posts to, opened with a GET: a reload of
the page a refused form gave back (the figures, the reporting values, the trial balance, a
signatory), a language switch from it, the browser's history, a bookmark. Each leads to the
page the form lives on, at the form, never a blank 405; that page answers as to anyone
(the login, 403, 404). tests/security/test_form_addresses_get.py walks every address so."""

from __future__ import annotations

import pytest
from django.urls import reverse

from clientside.models import AnnualReport, OutboundMessage, Signatory
from tests.clientside.conftest import make_environment
from tests.clientside.test_screens import ALL_PERMISSIONS, user_with

pytestmark = pytest.mark.django_db


def _form_addresses(env) -> dict[str, str]:
    """Each address only a form posts to, and the page (with the form's section) it is on."""
    administration, report = env.administration.pk, env.report.pk
    signatory = env.administration.signatories.get().pk

    def on(page: str, pk: int, section: str = "") -> str:
        return reverse(f"clientside:{page}", args=[pk]) + section

    signatories = on("administration", administration, "#ondertekenaars")
    return {
        on("signatory-add", administration): signatories,
        reverse("clientside:signatory-delete", args=[administration, signatory]): signatories,
        on("profile-test", administration): on("profile", administration),
        on("report-create", administration): on("administration", administration, "#jaarrapporten"),
        on("resubmission-create", administration): on(
            "administration", administration, "#heraanlevering"
        ),
        on("send-receive", administration): on("administration", administration, "#verzenden"),
        on("report-figures", report): on("report", report, "#cijfers"),
        on("report-import", report): on("report", report, "#proefbalans"),
        on("report-values", report): on("report", report, "#rapportagewaarden"),
        on("report-prepare", report): on("report", report, "#controle"),
        on("report-resubmission", report): on("report", report, "#heraanlevering"),
    }


def test_a_form_address_opened_with_get_leads_to_the_page_the_form_lives_on(client):
    """Found in review: these 11 addresses answered a GET with a blank 405. Now the page the
    form is on, at the form, changing nothing: for the bookkeeper, and for someone who may
    only look (the page, without its forms; 403 for the "Communicatie met accountant" page,
    which is only for who may change it). Without the right to look: 403; not logged in:
    the login page; an administration or report that does not exist: 404."""
    env = make_environment(kvk_number="12345678", token="t", portal_url="http://127.0.0.1:9")
    expected = _form_addresses(env)
    counts = (Signatory.objects.count(), AnnualReport.objects.count())
    client.force_login(user_with(*ALL_PERMISSIONS))
    for address, target in expected.items():
        response = client.get(address)
        assert response.status_code == 302 and response.url == target, address
        assert client.get(address, follow=True).status_code == 200, address
    client.force_login(user_with("view_administration"))
    profile = reverse("clientside:profile", args=[env.administration.pk])
    for address, target in expected.items():
        # "Communicatie met accountant" is for who may change it; the rest may be looked at.
        status = 403 if target == profile else 200
        assert client.get(address, follow=True).status_code == status, address
    client.force_login(user_with())
    for address in expected:
        assert client.get(address, follow=True).status_code == 403, address
    client.logout()
    for address in expected:
        response = client.get(address, follow=True)
        assert "/login/" in response.redirect_chain[-1][0], address
    assert (Signatory.objects.count(), AnnualReport.objects.count()) == counts
    assert OutboundMessage.objects.count() == 0
    env.profile.refresh_from_db()
    assert env.profile.last_test_at is None
    client.force_login(user_with(*ALL_PERMISSIONS))
    env.administration.delete()
    for address in expected:
        assert client.get(address, follow=True).status_code == 404, address


def test_a_refused_form_reloaded_or_in_another_language_shows_the_report(client):
    """The figures refused (an amount with cents) give the report page back at the form's
    address, /cijfers/; "Wijzig taal" there (base.html posts the address as ``next``) and a
    reload open that address with a GET: the report page, not a 405."""
    env = make_environment(kvk_number="12345678", token="t", portal_url="http://127.0.0.1:9")
    client.force_login(user_with(*ALL_PERMISSIONS))
    address = reverse("clientside:report-figures", args=[env.report.pk])
    refused = client.post(address, {"b_AssetsCurrentOther_0": "12,50"})
    assert refused.status_code == 400
    assert f'name="next" value="{address}"' in refused.content.decode()
    switch = {"language": "en", "next": address}
    switched = client.post(reverse("set_language"), switch, follow=True)
    report = reverse("clientside:report", args=[env.report.pk])
    assert switched.status_code == 200
    assert switched.redirect_chain[-1] == (f"{report}#cijfers", 302)
    assert '<html lang="en">' in switched.content.decode()
    reloaded = client.get(address, follow=True)
    assert reloaded.status_code == 200
    assert reloaded.redirect_chain == [(f"{report}#cijfers", 302)]
