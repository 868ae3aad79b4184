"""Who adopts the annual accounts, and the article the directors sign under, follow the
organisation's legal form in OutSite and InSite (kvk.adoption).

Anchored in Boek 2 BW: a BV's general meeting of shareholders adopts (art. 2:210 lid 1;
KVK-SBR.md section 1, "shareholders adopt"); a coöperatie's accounts are "vastgesteld door
de algemene vergadering" of its members (art. 2:58 lid 1); a stichting has no shareholders
nor members: the organ its statutes name adopts (art. 2:300 lid 1 and 3).
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from portal import notifications
from tests.portal.conftest import make_message

pytestmark = pytest.mark.django_db

BV = "Besloten vennootschap met beperkte aansprakelijkheid"


def _legal_form(client, legal_form: str) -> None:
    client.organisation.legal_form = legal_form
    client.organisation.save(update_fields=["legal_form"])


@pytest.mark.parametrize(
    "legal_form,says,article",
    [
        (BV, "De algemene vergadering van aandeelhouders stelt de jaarrekening vast", "2:210"),
        ("Cooperatie", "De algemene vergadering van leden stelt de jaarrekening vast", "2:58"),
        ("Stichting", "Het orgaan dat de statuten daarvoor aanwijzen", "2:300"),
    ],
)
def test_the_adoption_step_names_who_adopts_for_the_legal_form(
    browser_a, client_a, legal_form, says, article
):
    message = make_message(client_a)
    _legal_form(client_a, legal_form)
    html = browser_a.get(reverse("outsite-message", args=[message.pk])).content.decode()
    assert 'id="adopt"' in html  # the adoption step is on the page
    assert says in html and f"(art. {article} BW)" in html
    if legal_form != BV:
        assert "aandeelhouders" not in html
    # An empty adoption names no body: it fits every legal form.
    refused = browser_a.post(reverse("outsite-action", args=[message.pk, "adopt"]), {})
    assert "aandeelhouders" not in refused.content.decode() or legal_form == BV


@pytest.mark.parametrize(
    "legal_form,article", [(BV, "2:210"), ("Cooperatie", "2:58"), ("Stichting", "2:300")]
)
def test_the_director_help_cites_the_legal_forms_article(
    admin_browser, client_a, legal_form, article
):
    """The contact form ("Contactpersoon toevoegen", administrators): the directors sign
    under the article of the organisation's own legal form, not the NV's art. 2:101."""
    _legal_form(client_a, legal_form)
    url = reverse("insite-organisation", args=[client_a.organisation.pk])
    html = admin_browser.get(url).content.decode()
    assert f"Bestuurders ondertekenen de jaarrekening (art. {article} BW)." in html
    assert "2:101" not in html


@pytest.mark.parametrize(
    "legal_form,says",
    [
        ("Cooperatie", "De algemene vergadering van leden stelt de jaarrekening vast (art. 2:58"),
        ("Stichting", "Het orgaan dat de statuten daarvoor aanwijzen stelt de jaarrekening vast"),
    ],
)
def test_the_review_mail_names_who_adopts_for_the_legal_form(client_a, legal_form, says):
    message = make_message(client_a)
    _legal_form(client_a, legal_form)
    message.refresh_from_db()
    (recipient,) = notifications.client_recipients(message)
    _subject, body = notifications.render_mail(notifications.AWAITING_REVIEW, message, recipient)
    assert says in body and "aandeelhouders" not in body
