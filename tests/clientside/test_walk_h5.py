"""What the walk of the client environment as its users found (task H5): a bookkeeper at a
small BV preparing the accounts for the first time, correcting after a rejection, and
making the usual mistakes, over HTTP against a running portal.

Each test posts the form as a browser does: every field as the page shows it (a list
without a chosen option sends its first option), with only what the user types changed.
"""

from __future__ import annotations

from datetime import date

import pytest
from lxml import html

from clientside.models import Administration
from kvk.status import Status
from tests.clientside.conftest import mirrored
from tests.clientside.test_kvk_tab import VALID
from tests.clientside.test_screens import ALL_PERMISSIONS, user_with

pytestmark = pytest.mark.django_db


def browser_form(client, url: str, field: str) -> dict[str, str]:
    """What a browser sends from the form on ``url`` that has ``field``, untouched."""
    page = html.fromstring(client.get(url).content)
    form = next(f for f in page.forms if field in f.fields)
    return dict(form.form_values())


def test_a_new_administration_keeps_the_calendar_year_when_the_year_end_is_left_alone(client):
    # art. 2:10a BW: the financial year is the calendar year unless the statutes name
    # another. The walk: the new-administration form showed no month chosen, so the
    # browser sent the list's first month and the administration ended its year on
    # 31 January.
    client.force_login(user_with(*ALL_PERMISSIONS))
    data = browser_form(client, "/klant/administraties/nieuw/", "year_end_month")
    data.update({key: value for key, value in VALID.items() if key not in data or not data[key]})
    client.post("/klant/administraties/nieuw/", data)
    administration = Administration.objects.get(kvk_number=VALID["kvk_number"])
    assert (administration.year_end_day, administration.year_end_month) == (31, 12)


def test_a_filed_report_shows_the_adoption_date_the_client_gave_in_the_portal(bookkeeper, env):
    # The client ticks "Jaarrekening vastgesteld" with its date in the portal (README;
    # KVK-SBR.md section 1: the filed accounts are the adopted ones); the status mirror
    # brings the date back with the message. The walk: at 80 the report said "Datum
    # vaststelling: nog niet vastgesteld" under a message saying "Vastgesteld op ...".
    message = mirrored(env.report, Status.FILED)
    message.adopted, message.adoption_date = True, date(2026, 6, 15)
    message.save()
    env.report.locked = True
    env.report.save()
    page = html.fromstring(bookkeeper.get(f"/klant/jaarrapporten/{env.report.pk}/").content)
    values = " ".join(page.get_element_by_id("rapportagewaarden").text_content().split())
    assert "Datum vaststelling: 15 juni 2026" in values
    assert "nog niet vastgesteld" not in values


@pytest.mark.parametrize("code", ["token_revoked", "token_expired", "token_unknown"])
def test_after_the_portal_refused_the_token_the_next_step_is_a_new_token(bookkeeper, env, code):
    # The walk: with a revoked token, send/receive said "Het token is ingetrokken ... vul
    # een nieuw token in", and then "Volgende stap: Klik op 'Verzenden/ontvangen'", which
    # fails the same way until the token is replaced.
    mirrored(env.report, Status.SEND_FAILED, [{"code": code, "message": "Het token ..."}])
    page = html.fromstring(
        bookkeeper.get(f"/klant/administraties/{env.administration.pk}/").content
    )
    step = page.get_element_by_id("volgende-stap").find(".//a")
    assert step.get("href") == f"/klant/administraties/{env.administration.pk}/communicatie/"
    assert "Vul bij 'Communicatie met accountant' het token in" in step.text_content()


@pytest.mark.parametrize("form", ["rapportagewaarden", "cijfers"])
def test_saving_a_page_opened_before_the_filing_says_the_report_is_filed(bookkeeper, env, form):
    # KVK-SBR.md section 1: filed documents are never changed; a correction is a
    # heraanlevering. The walk: saving the reporting values from a tab opened before the
    # report was filed answered "De rapportagewaarden zijn niet opgeslagen." on a page that
    # shows no form, so no field said why.
    env.report.locked = True
    env.report.save()
    response = bookkeeper.post(
        f"/klant/jaarrapporten/{env.report.pk}/{form}/", {"signing_place": "Utrecht"}, follow=True
    )
    said = [str(m) for m in response.context["messages"]]
    assert said == [
        "Dit jaarrapport is gedeponeerd bij de KvK en kan niet meer worden gewijzigd. Een "
        "correctie kan alleen als heraanlevering."
    ]


@pytest.mark.parametrize("target", ["/\\evil.example", "//evil.example", "https://evil.example/"])
def test_send_receive_goes_back_only_to_a_page_of_this_site(bookkeeper, env, target):
    # Browsers read "/\evil.example" as "//evil.example": another site.
    response = bookkeeper.post(
        f"/klant/administraties/{env.administration.pk}/verzenden-ontvangen/", {"next": target}
    )
    assert response["Location"] == f"/klant/administraties/{env.administration.pk}/#verzenden"


def test_send_receive_goes_back_to_the_report_it_was_clicked_on(bookkeeper, env):
    response = bookkeeper.post(
        f"/klant/administraties/{env.administration.pk}/verzenden-ontvangen/",
        {"next": f"/klant/jaarrapporten/{env.report.pk}/#berichten"},
    )
    assert response["Location"] == f"/klant/jaarrapporten/{env.report.pk}/#berichten"


def _refusing(monkeypatch, code: str | None) -> None:
    """The portal answers the token check with ``code`` (refused), or is down (None)."""
    from clientside.portal_client import PortalClient, PortalError

    def check_connection(self):
        if code is None:
            raise PortalError("unavailable", "Het accountancyportal heeft een storing.", True)
        raise PortalError(code, "Het token is ingetrokken door uw accountant.", False)

    monkeypatch.setattr(PortalClient, "check_connection", check_connection)


def _send_receive_flashes(client, env) -> list[str]:
    url = f"/klant/administraties/{env.administration.pk}/verzenden-ontvangen/"
    return [str(m) for m in client.post(url, follow=True).context["messages"]]


def test_a_token_revoked_while_a_message_is_under_way_is_not_followed_by_wait(
    bookkeeper, env, monkeypatch
):
    """The walk (cock): a message at 10, then the accountant revoked the token. Send/receive
    said "Het token is ingetrokken ..." and then "Volgende stap: Het bericht is onderweg
    ... Klik later op 'Verzenden/ontvangen'", which fails the same way until the token is
    replaced: the refusal is the next step."""
    mirrored(env.report, Status.RECEIVED)
    _refusing(monkeypatch, "token_revoked")
    said = _send_receive_flashes(bookkeeper, env)
    assert "Het token is ingetrokken door uw accountant." in said
    assert not any(text.startswith("Volgende stap") for text in said), said


def test_a_portal_that_is_down_is_still_followed_by_the_next_step(bookkeeper, env, monkeypatch):
    mirrored(env.report, Status.RECEIVED)
    _refusing(monkeypatch, None)
    said = _send_receive_flashes(bookkeeper, env)
    assert any(text.startswith("Volgende stap") for text in said), said
