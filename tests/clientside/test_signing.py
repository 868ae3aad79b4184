"""Signing per report: the signatories' function from the taxonomy's list, their order,
and per report who signed (date and place) or did not (with the reason, art. 2:101 BW),
as NT19 writes them on the ManagingOrSupervisoryDirectorOrRepresentativeNamesAxis."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from clientside import services
from clientside.models import ReportSignature, Signatory
from config.dates import format_day
from kvk import taxonomy as tx
from kvk.parser import parse_instance
from tests.clientside.conftest import SIGNED, make_environment
from tests.clientside.test_screens import ALL_PERMISSIONS, follow_post, user_with

pytestmark = pytest.mark.django_db


@pytest.fixture
def env():
    environment = make_environment(
        kvk_number="12345678", token="t", portal_url="http://127.0.0.1:9"
    )
    Signatory.objects.create(
        administration=environment.administration,
        name="A. Bakker",
        function="Bestuurder (voormalig)",
        order=2,
    )
    return environment


def values(env, **changes: str) -> dict:
    data = {
        "signed_by": "bestuurder",
        "signed_date": SIGNED.isoformat(),
        "signing_place": "Utrecht",
    }
    for signatory in env.administration.signatories.all():
        data[f"signed_{signatory.pk}"] = "on"
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_the_functions_are_the_taxonomys_director_types():
    choices = [value for value, _text in Signatory._meta.get_field("function").choices]
    assert choices == list(tx.DIRECTOR_TYPES)


def test_not_signing_needs_a_reason_in_dutch(client, env):
    former = env.administration.signatories.get(name="A. Bakker")
    client.force_login(user_with(*ALL_PERMISSIONS))
    url = f"/klant/jaarrapporten/{env.report.pk}/rapportagewaarden/"
    response = client.post(url, values(env, **{f"signed_{former.pk}": None}))
    assert response.status_code == 400
    assert "Geef de reden waarom A. Bakker niet heeft ondertekend" in response.content.decode()
    assert not ReportSignature.objects.exists()

    follow_post(
        client,
        url,
        values(env, **{f"signed_{former.pk}": None, f"reason_{former.pk}": "Afgetreden."}),
    )
    signature = ReportSignature.objects.get()
    assert (signature.signatory, signature.reason_not_signed) == (former, "Afgetreden.")
    # Signed again: the default, no row.
    follow_post(client, url, values(env))
    assert not ReportSignature.objects.exists()


def test_the_instance_carries_who_signed_where_and_who_did_not(env):
    former = env.administration.signatories.get(name="A. Bakker")
    services.save_reporting_values(
        report=env.report,
        adoption_date=None,
        signed_by="bestuurder",
        signed_date=SIGNED,
        signing_place="Amersfoort",
        signatures={former.pk: (False, "Afgetreden.")},
    )
    message = services.prepare(env.report)
    people = parse_instance(bytes(message.document)).signatories()
    assert [(p.name, p.function, p.signed) for p in people] == [
        ("J. de Vries", "Bestuurder (huidig)", True),
        ("A. Bakker", "Bestuurder (voormalig)", False),
    ]
    assert (people[0].signed_on, people[0].place) == (SIGNED, "Amersfoort")
    # NT19 signing assertions: no date and no place for who did not sign, but a reason.
    assert (people[1].signed_on, people[1].place, people[1].reason_not_signed) == (
        None,
        "",
        "Afgetreden.",
    )


def test_a_signing_place_is_required_and_someone_must_sign(env):
    env.report.signing_place = ""
    env.report.save()
    for person in env.administration.signatories.all():
        ReportSignature.objects.create(
            report=env.report, signatory=person, reason_not_signed="Weg."
        )
    problems = services.completeness_problems(env.report)
    texts = [str(p) for p in problems]
    assert "Ondertekenaars: Niemand heeft ondertekend; ten minste één bestuurder tekent." in texts
    assert any(t.startswith("Plaats ondertekening:") for t in texts)


def test_a_supervisory_director_signs_only_when_the_report_says_so(env):
    Signatory.objects.create(
        administration=env.administration, name="K. Toezicht", function=tx.SUPERVISORY_DIRECTOR
    )
    assert [s.name for s in services.signatories_of(env.report)] == ["J. de Vries", "A. Bakker"]
    env.report.signed_by = "bestuurder_en_commissaris"
    assert "K. Toezicht" in [s.name for s in services.signatories_of(env.report)]


def test_a_signatory_is_added_with_function_and_order(client, env):
    client.force_login(user_with(*ALL_PERMISSIONS))
    url = f"/klant/administraties/{env.administration.pk}/ondertekenaars/"
    follow_post(
        client, url, {"name": "K. Toezicht", "function": "Commissaris (huidig)", "order": "3"}
    )
    added = Signatory.objects.get(name="K. Toezicht")
    assert (added.function, added.order, added.supervisory) == ("Commissaris (huidig)", 3, True)
    page = client.post(url, {"name": "X", "function": "Directeur", "order": "1"})
    assert page.status_code == 400 and "has-error" in _field(page.content.decode(), "function")
    assert not Signatory.objects.filter(name="X").exists()


def _field(html: str, name: str) -> str:
    """The form field block (templates/clientside/_field.html) of the input ``name``."""
    at = html.index(f'name="{name}"')
    start = html.rindex('<div class="field', 0, at)
    following = [i for i in (html.find('<div class="field', at), html.find("</form>", at)) if i > 0]
    return html[start : min(following)]


def test_a_refused_signatory_keeps_what_was_typed_with_the_error_at_its_field(client, env):
    """The error stood in a flash without the field's name ("De ondertekenaar is niet
    toegevoegd: Voer een geheel getal in.") and the form came back empty."""
    client.force_login(user_with(*ALL_PERMISSIONS))
    url = f"/klant/administraties/{env.administration.pk}/ondertekenaars/"
    data = {"name": "K. Toezicht", "function": "Commissaris (huidig)", "order": "derde"}
    response = client.post(url, data)
    assert response.status_code == 400
    html = response.content.decode()
    order = _field(html, "order")
    assert "has-error" in order and "Voer een geheel getal in." in order
    assert "Voer een geheel getal in." not in _field(html, "name")
    assert 'value="K. Toezicht"' in html and 'value="derde"' in html
    texts = [str(m) for m in response.context["messages"]]
    assert texts == ["De ondertekenaar is niet toegevoegd; zie de meldingen bij de velden."]
    assert not Signatory.objects.filter(name="K. Toezicht").exists()


def test_a_new_signatory_signs_after_the_ones_there_are(client, env):
    """'Volgorde' is the order of the signatures in the document (nl-cd:PresentationOrder);
    it offered 1 for every new signatory."""
    client.force_login(user_with(*ALL_PERMISSIONS))
    page = f"/klant/administraties/{env.administration.pk}/"
    assert sorted(env.administration.signatories.values_list("order", flat=True)) == [1, 2]
    form = client.get(page).context["signatory_form"]
    assert form["order"].value() == 3
    assert 'name="order" value="3"' in _field(client.get(page).content.decode(), "order")


@pytest.mark.parametrize(
    "legal_form,says,article",
    [
        (tx.LEGAL_FORM_BV, "De algemene vergadering van aandeelhouders", "2:210"),
        ("Cooperatie", "De algemene vergadering van leden", "2:58"),
        ("Stichting", "Het orgaan dat de statuten daarvoor aanwijzen", "2:300"),
    ],
)
def test_who_adopts_and_the_signing_article_follow_the_legal_form(
    client, env, legal_form, says, article
):
    """A stichting has no shareholders: the organ its statutes name adopts (art. 2:300 lid 1
    and 3 BW); a coöperatie's general meeting of members adopts (art. 2:58 lid 1 BW); a BV's
    general meeting of shareholders (art. 2:210 BW). The directors sign under the same
    article, not the NV's art. 2:101 (kvk.adoption)."""
    env.administration.legal_form = legal_form
    env.administration.save(update_fields=["legal_form"])
    client.force_login(user_with(*ALL_PERMISSIONS))
    html = client.get(f"/klant/jaarrapporten/{env.report.pk}/").content.decode()
    assert f"{says} stelt de jaarrekening vast (art. {article} BW)." in html
    assert f"staat met de reden in het document (art. {article} BW)" in html
    assert "2:101" not in html
    if legal_form != tx.LEGAL_FORM_BV:
        assert "aandeelhouders" not in html
    former = env.administration.signatories.get(name="A. Bakker")
    url = f"/klant/jaarrapporten/{env.report.pk}/rapportagewaarden/"
    refused = client.post(url, values(env, **{f"signed_{former.pk}": None})).content.decode()
    assert f"niet heeft ondertekend; die staat in het document (art. {article} BW)." in refused


@pytest.mark.parametrize("today_is", ["in the year", "its last day"])
def test_dates_before_the_end_of_a_year_not_ended_say_that_it_has_not_ended(env, today_is):
    """The board draws up the accounts after the year's end (art. 2:210 lid 1 and 2:101
    lid 1 BW) and signs them then. The walk: a year not ended yet got "De datum van
    opmaak ligt niet na het einde van het boekjaar", as if another date would do."""
    end = date.fromisoformat(env.report.statements["period_end"])
    today = end - timedelta(days=30) if today_is == "in the year" else end
    env.report.signed_date = today - timedelta(days=1)
    env.report.statements["prepared_on"] = env.report.signed_date.isoformat()
    env.report.save()

    texts = [str(p) for p in services.completeness_problems(env.report, today=today)]

    not_ended = (
        f"Het boekjaar loopt nog tot en met {format_day(end)}. De jaarrekening wordt pas na "
        "het einde van het boekjaar opgemaakt en ondertekend; vul de datum dan in."
    )
    assert f"Datum ondertekening: {not_ended}" in texts
    assert f"Datum opmaak jaarrekening: {not_ended}" in texts
    assert not any("ligt niet na het einde" in text for text in texts), texts


def test_dates_before_the_end_of_a_year_that_has_ended_are_said_to_be_too_early(env):
    end = date.fromisoformat(env.report.statements["period_end"])
    env.report.signed_date = end
    env.report.statements["prepared_on"] = end.isoformat()
    env.report.save()

    texts = [str(p) for p in services.completeness_problems(env.report, today=SIGNED)]

    assert (
        "Datum ondertekening: De datum van ondertekening ligt niet na het einde van het boekjaar."
    ) in texts
    assert (
        "Datum opmaak jaarrekening: De datum van opmaak ligt niet na het einde van het boekjaar."
        in texts
    )
