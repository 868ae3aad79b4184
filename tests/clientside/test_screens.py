"""The client's screens: a walk from an empty administration to a sent message, guided
only by what the screens show; and who may do what."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from lxml.html import fromstring

from clientside.models import Administration, AnnualReport, CommunicationProfile, OutboundMessage
from demo.setup import report_values
from kvk.status import Status
from tests import factories
from tests.clientside.conftest import SIGNED, YEAR, make_environment, signed_by_the_director
from workflow.models import ApprovalMessage

TRIAL_BALANCE = """rekening;omschrijving;rapportagecode;saldo_huidig;saldo_vorig
0100;Inventaris;BMvaBed;48.250,00;52.100,00
0200;Deelneming;BFvaDee;5.000,00;5.000,00
3000;Voorraad;BVrdGoe;12.400,00;10.950,00
1300;Debiteuren;BVorDeb;31.780,00;28.410,00
1000;Bank;BLimBan;22.615,00;14.320,00
0500;Aandelenkapitaal;BEivGok;-18.000,00;-18.000,00
0510;Overige reserves;BEivOvr;-41.230,00;-32.155,00
0700;Voorziening;BVrzOvr;-3.000,00;-2.500,00
0800;Lening;BLasSch;-25.000,00;-30.000,00
1600;Crediteuren;BSchCre;-20.000,00;-19.050,00
8000;Omzet;WOmzNop;-100.000,00;-90.000,00
4000;Kosten;WBedOvr;87.185,00;80.925,00
"""

ALL_PERMISSIONS = [
    "view_administration",
    "add_administration",
    "change_administration",
    "prepare_report",
    "send_receive",
]


def user_with(*codenames: str):
    user = factories.UserFactory()
    user.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="clientside", codename__in=codenames)
    )
    return user


def flashes(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def figures_post(report: AnnualReport, **changes: str) -> dict:
    """The figures form as the screen posts it back, from the stored figures."""
    data = report.statements
    post = {
        "period_start": data["period_start"],
        "period_end": data["period_end"],
        "previous_start": data.get("previous_start") or "",
        "prepared_on": data.get("prepared_on") or SIGNED.isoformat(),
        "appropriation": data.get("appropriation") or "Voor",
    }
    for prefix, part in (("b", "balance"), ("p", "profit_loss")):
        for concept, (current, previous) in (data.get(part) or {}).items():
            post[f"{prefix}_{concept}_0"] = current or ""
            post[f"{prefix}_{concept}_1"] = previous or ""
    for concept, text in (data.get("notes") or {}).items():
        post[f"n_{concept}"] = text
    post.update(changes)
    return post


def follow_post(client, url: str, data: dict | None = None, **extra):
    response = client.post(url, data or {}, follow=True, **extra)
    assert response.status_code == 200, response.content[:500]
    return response


def _bookkeeper_sees(client, portal_url: str = "http://127.0.0.1:9"):
    """An environment (KvK number 12345678), the bookkeeper with every permission logged in."""
    env = make_environment(kvk_number="12345678", token="t", portal_url=portal_url)
    client.force_login(user_with(*ALL_PERMISSIONS))
    return env


def _sent_and_answered(client, status: int, code: str, sentence: str):
    """A prepared message that the portal answered with ``status`` and one reason; the
    report's page as a bookkeeper with every permission sees it."""
    from clientside import services

    env = _bookkeeper_sees(client)
    message = services.prepare(env.report)
    services._mirror(message, status, [{"code": code, "message": sentence}])
    html = client.get(f"/klant/jaarrapporten/{env.report.pk}/").content.decode()
    return env, message, html


@pytest.mark.django_db(transaction=True)
def test_walk_from_an_empty_administration_to_a_sent_message(client, client_a, portal_url):
    client.force_login(user_with(*ALL_PERMISSIONS, "change_filingactivation"))

    page = client.get("/klant/")
    assert "Er is nog geen administratie" in page.content.decode()
    assert 'href="/klant/administraties/nieuw/"' in page.content.decode()

    page = follow_post(
        client,
        "/klant/administraties/nieuw/",
        {
            "name": "Test B.V.",
            "legal_form": "Besloten vennootschap met beperkte aansprakelijkheid",
            "seat": "Utrecht",
            "kvk_number": client_a.kvk_number,
            "sbi_code": "1071",
            "street": "Dorpsstraat",
            "house_number": "1a",
            "postal_code": "3511 ax",
            "place": "Utrecht",
            "filing_email": "info@test.example.nl",
            "kvk_report": "micro",
            "contact_type": "ondernemer",
        },
    )
    administration = Administration.objects.get()
    assert (administration.house_number, administration.house_number_addition) == ("1", "a")
    assert administration.postal_code == "3511AX"
    assert any("Voeg de bestuurder(s) toe" in m for m in flashes(page))
    detail = f"/klant/administraties/{administration.pk}/"

    page = follow_post(
        client,
        detail + "ondertekenaars/",
        {"name": "J. de Vries", "function": "Bestuurder (huidig)", "order": "1"},
    )
    assert any("Jaarrapportage deponeren via accountancyportal" in m for m in flashes(page))
    # The activation (issue 11): switched on at the set-up page the next step links to.
    page = follow_post(client, f"/klant/activering/{administration.pk}/", {"active": "1"})
    assert any("Communicatie met accountant" in m for m in flashes(page))

    token = client_a.token
    page = follow_post(
        client,
        detail + "communicatie/",
        {"participant_number": "O12345AA", "portal_url_override": portal_url, "token": token},
    )
    assert any("Test verbinding" in m for m in flashes(page))
    assert token not in page.content.decode()  # write-only: never shown again
    profile = CommunicationProfile.objects.get(administration=administration)
    assert (profile.participant_number, profile.token) == ("12345", token)

    page = follow_post(client, detail + "communicatie/testen/")
    assert any("werkt" in m and "Maak een jaarrapport aan" in m for m in flashes(page))

    page = follow_post(client, detail + "jaarrapporten/", {"financial_year": str(YEAR)})
    report = AnnualReport.objects.get(administration=administration)
    assert page.redirect_chain[-1][0] == f"/klant/jaarrapporten/{report.pk}/"
    html = page.content.decode()
    assert "Balans: Totaal activa (huidig boekjaar)" in html
    assert "Datum ondertekening" in html

    report_url = f"/klant/jaarrapporten/{report.pk}/"
    upload = SimpleUploadedFile("proefbalans.csv", TRIAL_BALANCE.encode(), "text/csv")
    page = follow_post(client, report_url + "proefbalans/", {"file": upload})
    assert any("12 rekeningen verwerkt" in m for m in flashes(page))

    page = follow_post(
        client,
        report_url + "rapportagewaarden/",
        signed_by_the_director(administration.signatories.get()),
    )
    assert "Datum opmaak jaarrekening" in page.content.decode()
    report.refresh_from_db()
    page = follow_post(client, report_url + "cijfers/", figures_post(report))
    assert 'id="ready"' in page.content.decode()

    page = follow_post(client, report_url + "klaarzetten/")
    assert any("Verzenden/ontvangen" in m for m in flashes(page))
    message = OutboundMessage.objects.get()
    assert message.status == Status.PREPARED

    page = follow_post(client, detail + "verzenden-ontvangen/")
    assert any("1 verzonden, 0 mislukt" in m for m in flashes(page))
    message.refresh_from_db()
    assert message.status == Status.RECEIVED
    assert ApprovalMessage.objects.get().message_id == message.message_id
    assert re.search(r'data-status="10"', page.content.decode())


@pytest.mark.django_db
def test_prepare_on_screen_lists_every_problem_with_its_field(client):
    env = make_environment(kvk_number="12345678", token="t", portal_url="http://127.0.0.1:9")
    env.report.signed_date = None
    env.report.save()
    env.administration.signatories.all().delete()
    client.force_login(user_with(*ALL_PERMISSIONS))
    page = follow_post(client, f"/klant/jaarrapporten/{env.report.pk}/klaarzetten/")
    texts = flashes(page)
    assert any(t.startswith("Niet klaargezet: er zijn 2 punten om te herstellen") for t in texts)
    assert any(t.startswith("Ondertekenaars:") for t in texts)
    assert any(t.startswith("Datum ondertekening:") for t in texts)
    assert OutboundMessage.objects.count() == 0


@pytest.mark.django_db
def test_invalid_trial_balance_shows_dutch_errors_per_line_and_changes_nothing(client):
    env = make_environment(kvk_number="12345678", token="t", portal_url="http://127.0.0.1:9")
    before = dict(env.report.statements)
    client.force_login(user_with(*ALL_PERMISSIONS))
    content = "rekening;rapportagecode;saldo_huidig;saldo_vorig\n0100;XYZ;10;0\n0200;BLim;abc;0\n"
    upload = SimpleUploadedFile("pb.csv", content.encode(), "text/csv")
    response = client.post(f"/klant/jaarrapporten/{env.report.pk}/proefbalans/", {"file": upload})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Regel 2 (rekening 0100): rapportagecode &#x27;XYZ&#x27; is onbekend" in html
    assert "Regel 3 (rekening 0200): saldo huidig jaar" in html
    env.report.refresh_from_db()
    assert env.report.statements == before


BASE_FIGURES = {
    "period_start": f"{YEAR}-01-01",
    "period_end": f"{YEAR}-12-31",
    "previous_start": f"{YEAR - 1}-01-01",
    "prepared_on": SIGNED.isoformat(),
    "appropriation": "Voor",
}


@pytest.mark.django_db
def test_micro_figures_entered_on_screen_with_totals_computed(client):
    env = _bookkeeper_sees(client)
    html = client.get(f"/klant/jaarrapporten/{env.report.pk}/").content.decode()
    # micro's abbreviated balance sheet (NT19), with Dutch captions, and its notes
    assert 'name="b_AssetsNoncurrentOther_0"' in html
    assert 'name="b_PropertyPlantEquipment_0"' not in html
    assert "Schulden met een looptijd langer dan een jaar" in html
    assert 'name="n_AdditionalInformationToArticle395aDisclosure"' in html
    data = {
        **BASE_FIGURES,
        "n_AdditionalInformationToArticle395aDisclosure": "Opgesteld volgens art. 2:395a BW.",
        "b_AssetsCurrentOther_0": "1.000",
        "b_AssetsCurrentOther_1": "800",
        "b_Equity_0": "600",
        "b_Equity_1": "500",
        "b_LiabilitiesMaturityLessThanOneYear_0": "400",
        "b_LiabilitiesMaturityLessThanOneYear_1": "300",
    }
    follow_post(client, f"/klant/jaarrapporten/{env.report.pk}/cijfers/", data)
    env.report.refresh_from_db()
    stored = env.report.statements
    balance = stored["balance"]
    assert balance["AssetsCurrent"] == balance["Assets"] == ["1000", "800"]
    assert balance["Liabilities"] == ["400", "300"]
    assert balance["EquityAndLiabilities"] == ["1000", "800"]
    assert "AssetsNoncurrent" not in balance  # no items, no total
    assert stored["previous_end"] == f"{YEAR - 1}-12-31"
    assert stored["prepared_on"] == SIGNED.isoformat()
    assert stored["notes"] == {
        "AdditionalInformationToArticle395aDisclosure": "Opgesteld volgens art. 2:395a BW."
    }


@pytest.mark.django_db
def test_klein_figures_fill_the_equity_and_the_profit_and_loss_totals(client):
    env = make_environment(
        kvk_number="12345678", token="t", portal_url="http://127.0.0.1:9", variant="klein"
    )
    client.force_login(user_with(*ALL_PERMISSIONS))
    data = {
        **BASE_FIGURES,
        "b_ShareCapitalPaidCalledUp_0": "100",
        "b_ResultForTheYear_0": "50",
        "p_GrossMargin_0": "300",
        "p_EmployeeBenefitsExpenses_0": "200",
        "p_FinancialIncomeExpenses_0": "-20",
        "p_IncomeTaxExpense_0": "30",
    }
    follow_post(client, f"/klant/jaarrapporten/{env.report.pk}/cijfers/", data)
    env.report.refresh_from_db()
    assert env.report.statements["balance"]["Equity"] == ["150", None]
    pl = env.report.statements["profit_loss"]
    assert pl["SumOfExpenses"] == ["200", None]
    assert pl["OperatingResult"] == ["100", None]
    assert pl["ResultBeforeTax"] == ["80", None]
    assert pl["ResultAfterTax"] == ["50", None]


@pytest.mark.django_db
def test_a_first_financial_year_has_no_comparatives_and_a_short_year_a_reason(client):
    """A year that is not twelve months gives the reason and the impact on the comparative
    figures (kvk-document-information-for.xml, PrtValueThnExistence1 and 2)."""
    env = _bookkeeper_sees(client)
    url = f"/klant/jaarrapporten/{env.report.pk}/cijfers/"
    short_year = {
        **BASE_FIGURES,
        "period_start": f"{YEAR}-03-01",
        "previous_start": "",
        "first_year": "on",
        "b_AssetsCurrentOther_0": "100",
        "b_AssetsCurrentOther_1": "90",
    }
    response = client.post(url, short_year)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Het boekjaar is geen twaalf maanden; geef de reden" in html
    assert "beschrijf de gevolgen voor de vergelijkende cijfers" in html
    assert "Een eerste boekjaar heeft geen vergelijkende cijfers" in html

    short_year.pop("b_AssetsCurrentOther_1")
    short_year["period_deviation_reason"] = "Eerste boekjaar na oprichting op 1 maart."
    short_year["period_deviation_impact"] = "Geen; er zijn geen vergelijkende cijfers."
    follow_post(client, url, short_year)
    env.report.refresh_from_db()
    stored = env.report.statements
    assert stored["previous_start"] is None and stored["previous_end"] is None
    assert stored["period_deviation_reason"] == "Eerste boekjaar na oprichting op 1 maart."
    assert stored["period_deviation_impact"] == "Geen; er zijn geen vergelijkende cijfers."
    assert stored["balance"]["Assets"] == ["100", None]
    # Without "Eerste boekjaar" the previous year must be given.
    response = client.post(url, {**BASE_FIGURES, "previous_start": ""})
    assert "vink &#x27;Eerste boekjaar&#x27; aan" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("1.234,56", "Vul hele euro&#x27;s in, zonder centen"),
        ("twaalf", "is geen bedrag"),
    ],
)
def test_cents_and_text_are_refused_with_a_dutch_message(client, amount, message):
    env = make_environment(kvk_number="12345678", token="t", portal_url="http://127.0.0.1:9")
    before = dict(env.report.statements)
    client.force_login(user_with(*ALL_PERMISSIONS))
    response = client.post(
        f"/klant/jaarrapporten/{env.report.pk}/cijfers/",
        {**BASE_FIGURES, "b_AssetsCurrentOther_0": amount},
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    env.report.refresh_from_db()
    assert env.report.statements == before


#: nl-types:monetaryNoDecimals20ItemType, the type of every amount, has the facet
#: totalDigits 20 (nl-types.xsd of NT19's sbr 20240301, kvk/nt19/nt19-index.json types):
#: the KvK refuses an amount of 21 digits.
TOO_MANY_DIGITS = "Dit bedrag heeft 21 cijfers; de KvK accepteert bedragen van hoogstens 20 cijfers"


@pytest.mark.django_db
def test_an_amount_of_more_than_20_digits_is_refused_and_not_cut_short(client):
    """totalDigits 20 of nl-types:monetaryNoDecimals20ItemType (nt19-index.json): 21 digits
    are refused with a Dutch message at the field, 20 are stored; the input has no
    maxlength that would cut a longer amount silently (20 digits with thousands separators
    are 26 characters)."""
    env = _bookkeeper_sees(client)
    before = dict(env.report.statements)
    html = client.get(f"/klant/jaarrapporten/{env.report.pk}/").content.decode()
    [field] = re.findall(r'<input[^>]*name="b_Equity_0"[^>]*>', html)
    assert "maxlength" not in field
    url = f"/klant/jaarrapporten/{env.report.pk}/cijfers/"
    for amount in ("1" + "0" * 20, "100.000.000.000.000.000.000", "-" + "9" * 21):
        response = client.post(url, {**BASE_FIGURES, "b_Equity_0": amount})
        assert response.status_code == 400, amount
        assert TOO_MANY_DIGITS in response.content.decode(), amount
    env.report.refresh_from_db()
    assert env.report.statements == before
    follow_post(client, url, {**BASE_FIGURES, "b_Equity_0": "99.999.999.999.999.999.999"})
    env.report.refresh_from_db()
    assert env.report.statements["balance"]["Equity"] == ["9" * 20, None]


@pytest.mark.django_db
def test_a_trial_balance_amount_of_more_than_20_digits_is_refused(client):
    """totalDigits 20 of nl-types:monetaryNoDecimals20ItemType (nt19-index.json): the
    import refuses an account of 21 digits in Dutch and changes nothing."""
    env = make_environment(kvk_number="12345678", token="t", portal_url="http://127.0.0.1:9")
    before = dict(env.report.statements)
    client.force_login(user_with(*ALL_PERMISSIONS))
    big = "1" + "0" * 20
    content = (
        f"rekening;rapportagecode;saldo_huidig;saldo_vorig\n1000;BLim;{big};0\n0500;BEiv;-{big};0\n"
    )
    upload = SimpleUploadedFile("pb.csv", content.encode(), "text/csv")
    response = client.post(f"/klant/jaarrapporten/{env.report.pk}/proefbalans/", {"file": upload})
    assert response.status_code == 400
    html = response.content.decode()
    assert (
        "Regel 2 (rekening 1000): saldo huidig jaar heeft 21 cijfers vóór de komma; de KvK "
        "accepteert bedragen van hoogstens 20 cijfers." in html
    )
    env.report.refresh_from_db()
    assert env.report.statements == before


@pytest.mark.django_db
def test_after_appropriation_has_no_result_for_the_year(client):
    env = make_environment(
        kvk_number="12345678", token="t", portal_url="http://127.0.0.1:9", variant="klein"
    )
    client.force_login(user_with(*ALL_PERMISSIONS))
    response = client.post(
        f"/klant/jaarrapporten/{env.report.pk}/cijfers/",
        {**BASE_FIGURES, "appropriation": "Na", "b_ResultForTheYear_0": "10"},
    )
    assert response.status_code == 400
    assert "na resultaatbestemming heeft geen onverdeeld resultaat" in response.content.decode()


@pytest.mark.django_db
def test_participant_number_must_be_five_digits(client):
    env = _bookkeeper_sees(client, portal_url="")
    response = client.post(
        f"/klant/administraties/{env.administration.pk}/communicatie/",
        {"participant_number": "1234"},
    )
    assert response.status_code == 200
    assert "Vul precies vijf cijfers in" in response.content.decode()
    env.profile.refresh_from_db()
    assert env.profile.participant_number == "12345"
    assert env.profile.portal_url == "https://12345.deponeer.nl"


@pytest.mark.django_db
def test_empty_token_keeps_the_stored_one(client):
    env = make_environment(kvk_number="12345678", token="geheim-token", portal_url="")
    client.force_login(user_with(*ALL_PERMISSIONS))
    page = client.get(f"/klant/administraties/{env.administration.pk}/communicatie/")
    assert "geheim-token" not in page.content.decode()
    # Same address, another setting changed, token field left empty: the token stays.
    follow_post(
        client,
        f"/klant/administraties/{env.administration.pk}/communicatie/",
        {"participant_number": "12345", "portal_url_override": "", "blocked": "on"},
    )
    env.profile.refresh_from_db()
    assert env.profile.token == "geheim-token" and env.profile.blocked
    # Another address with the token field empty: refused, nothing changes (issue 19; the
    # stored token goes only where it was entered for, tests/clientside/test_token_address).
    page = client.post(
        f"/klant/administraties/{env.administration.pk}/communicatie/",
        {"participant_number": "54321", "portal_url_override": "https://portal.example.nl"},
    )
    assert "vul het token opnieuw in" in page.content.decode()
    env.profile.refresh_from_db()
    assert (env.profile.participant_number, env.profile.portal_url_override) == ("12345", "")


@pytest.mark.django_db
def test_a_new_token_forgets_the_last_test(client):
    """The outcome of "Test verbinding" was about the old token: with a new one the page
    shows no "Laatste test" line (it showed the old date with an empty result, in red)."""
    env = make_environment(kvk_number="12345678", token="oud-token", portal_url="")
    CommunicationProfile.objects.filter(pk=env.profile.pk).update(
        last_test_at=timezone.now(), last_test_ok=False, last_test_message="Geweigerd."
    )
    client.force_login(user_with(*ALL_PERMISSIONS))
    url = f"/klant/administraties/{env.administration.pk}/communicatie/"
    assert 'id="last-test"' in client.get(url).content.decode()

    follow_post(client, url, {"participant_number": "12345", "token": "nieuw-token"})

    env.profile.refresh_from_db()
    assert env.profile.token == "nieuw-token"
    assert (env.profile.last_test_at, env.profile.last_test_ok) == (None, None)
    assert 'id="last-test"' not in client.get(url).content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("year", "expected"),
    [
        ("", "Vul een geldig boekjaar in, bijvoorbeeld 2025."),
        # A year out of range names the years that can be chosen (the walk: 1999 got "Vul
        # een geldig boekjaar in", which did not say which would do).
        ("1800", "Vul een boekjaar in van 2000 tot en met {this}."),
        ("1999", "Vul een boekjaar in van 2000 tot en met {this}."),
        ("2101", "Vul een boekjaar in van 2000 tot en met {this}."),
        (
            "next",
            "Boekjaar {next} is nog niet begonnen; kies een boekjaar dat al loopt of voorbij is.",
        ),
    ],
)
def test_a_report_for_a_year_not_yet_begun_is_refused(client, year, expected):
    """A report for next year (or 2100) was made and became the administration's next step,
    ahead of the year that is due; now the bookkeeper reads why not, and nothing is made."""
    env = _bookkeeper_sees(client)
    this = timezone.localdate().year
    following = this + 1
    year = str(following) if year == "next" else year
    page = follow_post(
        client,
        f"/klant/administraties/{env.administration.pk}/jaarrapporten/",
        {"financial_year": year},
    )
    assert flashes(page) == [expected.format(next=following, this=this)]
    assert AnnualReport.objects.filter(administration=env.administration).count() == 1


@pytest.mark.django_db
def test_controle_names_the_rule_of_a_problem_once(client):
    """An adoption date ahead of today breaks BR-KVK-4.10 (KVK-SBR.md §4: "4.10 the
    adoption date is not after the filing date"). The code stands after the sentence, as
    for every problem; the sentence repeated it: "... toekomst (BR-KVK-4.10). (regel
    BR-KVK-4.10)"."""
    env = _bookkeeper_sees(client)
    AnnualReport.objects.filter(pk=env.report.pk).update(
        adoption_date=timezone.localdate() + timedelta(days=1)
    )
    html = client.get(f"/klant/jaarrapporten/{env.report.pk}/").content.decode()
    items = re.findall(r'<li id="[a-z]+-\d+">(.*?)</li>', html, re.S)
    [item] = [li for li in items if "BR-KVK-4.10" in li]
    assert re.sub(r"<[^>]+>", "", item) == (
        "Datum vaststelling: De datum van vaststelling ligt in de toekomst. (regel BR-KVK-4.10)"
    )


@pytest.mark.django_db
def test_send_receive_needs_its_permission(client):
    env = make_environment(kvk_number="12345678", token="t", portal_url="http://127.0.0.1:9")
    client.force_login(user_with("view_administration", "change_administration", "prepare_report"))
    url = f"/klant/administraties/{env.administration.pk}/"
    page = client.get(url)
    assert 'id="send-receive"' not in page.content.decode()
    response = client.post(url + "verzenden-ontvangen/")
    assert response.status_code == 403


@pytest.mark.django_db
def test_send_receive_returns_to_the_page_it_was_pressed_on(client):
    """The report's messages card sends the bookkeeper back to that card; the
    administration's button back to the administration's messages (the view's default)."""
    env = make_environment(kvk_number="12345678", token="t", portal_url="http://127.0.0.1:9")
    client.force_login(user_with(*ALL_PERMISSIONS))
    report_url = f"/klant/jaarrapporten/{env.report.pk}/"
    report_page = client.get(report_url).content.decode()
    assert f'name="next" value="{report_url}#berichten"' in report_page
    response = client.post(
        f"/klant/administraties/{env.administration.pk}/verzenden-ontvangen/",
        {"next": f"{report_url}#berichten"},
    )
    assert response.url == f"{report_url}#berichten"
    administration_page = client.get(f"/klant/administraties/{env.administration.pk}/")
    card = administration_page.content.decode().split('id="verzenden"')[1]
    assert 'id="send-receive"' in card and 'name="next"' not in card
    # What is sent, in words (it said "berichten met status 0 of 5").
    assert "Verzendt de berichten die klaarstaan, ook als het verzenden eerder mislukte" in card


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("codenames", "url_suffix", "method", "expected"),
    [
        ((), "", "get", 403),
        (("view_administration",), "", "get", 200),
        (("view_administration",), "bewerken/", "get", 403),
        (("view_administration",), "jaarrapporten/", "post", 403),
    ],
)
def test_screens_check_permissions(client, codenames, url_suffix, method, expected):
    env = make_environment(kvk_number="12345678", token="t", portal_url="http://127.0.0.1:9")
    client.force_login(user_with(*codenames))
    url = f"/klant/administraties/{env.administration.pk}/{url_suffix}"
    response = getattr(client, method)(
        url, {"financial_year": "2030"} if method == "post" else None
    )
    assert response.status_code == expected
    assert AnnualReport.objects.count() == 1


@pytest.mark.django_db
def test_anonymous_goes_to_login(client):
    response = client.get("/klant/")
    assert response.status_code == 302
    assert "/login/" in response["Location"]


@pytest.mark.django_db
def test_prepare_needs_its_permission(client):
    env = make_environment(kvk_number="12345678", token="t", portal_url="http://127.0.0.1:9")
    client.force_login(user_with("view_administration", "change_administration"))
    response = client.post(f"/klant/jaarrapporten/{env.report.pk}/klaarzetten/")
    assert response.status_code == 403
    assert OutboundMessage.objects.count() == 0


@pytest.mark.django_db
def test_after_filing_the_screens_lock_and_offer_a_resubmission(client):
    from clientside import services

    env = make_environment(kvk_number="12345678", token="t", portal_url="http://127.0.0.1:9")
    message = services.prepare(env.report)
    services._mirror(message, Status.FILED, [])
    client.force_login(user_with(*ALL_PERMISSIONS))
    url = f"/klant/jaarrapporten/{env.report.pk}/"
    html = client.get(url).content.decode()
    assert 'id="locked"' in html and "Heraanlevering maken" in html
    assert 'id="prepare"' not in html

    before = dict(env.report.statements)
    page = follow_post(client, url + "cijfers/", {**BASE_FIGURES, "b_Assets_0": "1"})
    assert any("gedeponeerd" in m for m in flashes(page))
    env.report.refresh_from_db()
    assert env.report.statements == before

    page = follow_post(client, url + "heraanlevering/")
    resubmission = AnnualReport.objects.get(resubmission=True)
    assert page.redirect_chain[-1][0] == f"/klant/jaarrapporten/{resubmission.pk}/"
    assert any("BR-KVK-4.16" in m for m in flashes(page))
    assert "Datum vaststelling" in page.content.decode()
    assert 'name="resubmission_explanation"' in page.content.decode()


@pytest.mark.django_db
def test_after_25_the_screen_shows_the_path_to_new_documents(client):
    env, _message, html = _sent_and_answered(
        client, Status.PROCESSING_FAILED, "kvk_number_mismatch", "KvK-nummer hoort niet bij u."
    )
    assert 'id="nieuwe-stukken"' in html and "KvK-nummer hoort niet bij u." in html
    assert 'id="prepare"' in html
    detail = client.get(f"/klant/administraties/{env.administration.pk}/").content.decode()
    assert "niet verwerken (status 25)" in detail and "#nieuwe-stukken" in detail


@pytest.mark.django_db
def test_after_40_the_bookkeeper_sees_the_reason_and_can_prepare_a_correction(client):
    """Rejected in the client portal (40): the reason is shown where the figures are
    corrected, and 'Klaarzetten' makes a new version (the portal links the two)."""
    from clientside import services

    env, message, html = _sent_and_answered(
        client, Status.REJECTED, "client_rejected", "De huurlasten ontbreken."
    )
    assert 'id="nieuwe-stukken"' in html and "De huurlasten ontbreken." in html
    assert "afgekeurd bij de beoordeling" in html
    assert "client_rejected" not in html  # a sentence, never the code
    assert 'id="prepare"' in html and "Er loopt al een bericht" not in html
    detail = client.get(f"/klant/administraties/{env.administration.pk}/").content.decode()
    assert "(status 40)" in detail and "onderweg" not in detail
    # The correction: the documents change (unchanged ones are refused, test_walk_h6).
    env.report.signing_place = "Amersfoort"
    env.report.save()
    second = services.prepare(env.report)
    assert second.pk != message.pk and second.status == Status.PREPARED


@pytest.mark.django_db
def test_klein_cockpit_shows_profit_and_loss_and_the_document(client):
    from clientside import services

    env = make_environment(
        kvk_number="12345678", token="t", portal_url="http://127.0.0.1:9", variant="klein"
    )
    client.force_login(user_with(*ALL_PERMISSIONS))
    html = client.get(f"/klant/jaarrapporten/{env.report.pk}/").content.decode()
    assert "Winst-en-verliesrekening" in html
    assert 'name="p_ResultAfterTax_0" value="12815"' in html
    assert "Brutomarge" in html and "Gestort en opgevraagd kapitaal" in html
    message = services.prepare(env.report)
    page = client.get(f"/klant/berichten/{message.pk}/document/")
    assert page.status_code == 200
    assert "12.815" in page.content.decode() or "12815" in page.content.decode()


@pytest.mark.django_db
def test_pages_do_not_query_per_row(client, django_assert_max_num_queries):
    from clientside import services

    client.force_login(user_with(*ALL_PERMISSIONS))
    envs = [
        make_environment(kvk_number=f"1234567{i}", token="t", portal_url="http://127.0.0.1:9")
        for i in range(3)
    ]
    for env in envs:
        services.prepare(env.report)
        services.create_report(administration=env.administration, financial_year=YEAR - 1)
    with django_assert_max_num_queries(10) as list_queries:
        assert client.get("/klant/").status_code == 200
    with django_assert_max_num_queries(20) as detail_queries:
        assert client.get(f"/klant/administraties/{envs[0].administration.pk}/").status_code == 200
    # Twice the rows, the same number of queries.
    for env in envs:
        services._mirror(env.report.messages.get(), Status.PROCESSING_FAILED, [])
        services.prepare(env.report)
    with django_assert_max_num_queries(len(detail_queries)):
        assert client.get(f"/klant/administraties/{envs[0].administration.pk}/").status_code == 200
    with django_assert_max_num_queries(len(list_queries)):
        assert client.get("/klant/").status_code == 200


@pytest.mark.django_db
def test_characters_the_kvk_refuses_are_named_in_dutch(client):
    # FR-NL-1.02: only Basic Latin, Latin-1 and currency symbols; "…" (U+2026) and curly
    # quotes are what a word processor adds.
    env = _bookkeeper_sees(client)
    response = client.post(
        f"/klant/jaarrapporten/{env.report.pk}/cijfers/",
        {**BASE_FIGURES, "n_AdditionalInformationToArticle395aDisclosure": "Zie bijlage…"},
    )
    assert response.status_code == 400
    assert "Het teken &#x27;…&#x27; accepteert de KvK niet (FR-NL-1.02)" in (
        response.content.decode()
    )
    accepted = client.post(
        f"/klant/jaarrapporten/{env.report.pk}/cijfers/",
        {**BASE_FIGURES, "n_AdditionalInformationToArticle395aDisclosure": "Prijs € 5, één"},
    )
    assert accepted.status_code == 302


@pytest.mark.django_db
def test_an_administration_on_klein_verticaal_is_told_it_cannot_be_made(client):
    # klein-verticaal is not in the NT19 extract (kvk.nt.GAPS): no line items to offer.
    env = make_environment(kvk_number="12345678", token="t", portal_url="http://127.0.0.1:9")
    Administration.objects.filter(pk=env.administration.pk).update(kvk_report="klein-verticaal")
    client.force_login(user_with(*ALL_PERMISSIONS))
    html = client.get(f"/klant/jaarrapporten/{env.report.pk}/").content.decode()
    assert 'id="not-buildable"' in html and 'name="b_Assets_0"' not in html
    problems = [p.field for p in services_problems(env.report)]
    assert "KvK-rapport" in problems
    saved = client.post(f"/klant/jaarrapporten/{env.report.pk}/cijfers/", BASE_FIGURES)
    assert saved.status_code == 302


def services_problems(report):
    from clientside import services

    report.refresh_from_db()
    return services.completeness_problems(report)


def _import(client, report, content: bytes):
    upload = SimpleUploadedFile("proefbalans.csv", content, "text/csv")
    return client.post(f"/klant/jaarrapporten/{report.pk}/proefbalans/", {"file": upload})


@pytest.mark.django_db
def test_a_trial_balance_with_old_mac_line_endings_is_imported(client):
    """Excel's "CSV (Macintosh)" ends lines with a bare CR (clientside.trial_balance)."""
    env = _bookkeeper_sees(client)
    response = _import(client, env.report, TRIAL_BALANCE.replace("\n", "\r").encode("cp1252"))
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert "Proefbalans geïmporteerd: 12 rekeningen verwerkt." in " ".join(flashes(page))
    env.report.refresh_from_db()
    assert env.report.statements["balance"]["AssetsNoncurrentOther"] == ["53250", "57100"]


@pytest.mark.django_db
def test_the_import_help_says_excels_separator_line_is_understood(client):
    """Excel writes a first line ``sep=;`` naming the separator, and the import reads it
    (clientside.trial_balance): the help on the report page says so, and such a file
    imports from that page."""
    env = _bookkeeper_sees(client)
    page = fromstring(client.get(f"/klant/jaarrapporten/{env.report.pk}/").content)
    help_text = " ".join(page.get_element_by_id("proefbalans").find(".//details/p").itertext())
    assert help_text.startswith(
        "CSV in UTF-8 (of Windows-1252) met ; of , als scheidingsteken (een eerste regel "
        "sep=; zoals Excel die schrijft, wordt begrepen). "
    )
    response = _import(client, env.report, ("sep=;\n" + TRIAL_BALANCE).encode())
    assert response.status_code == 302
    assert "12 rekeningen verwerkt" in " ".join(flashes(client.get(response["Location"])))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "flash", "error"),
    [
        (
            "rekening;rapportagecode;saldo_huidig;saldo_vorig\n".encode("utf-16"),
            "De proefbalans is niet geïmporteerd: 1 probleem.",
            "Het bestand is opgeslagen in UTF-16. Sla de proefbalans op als CSV in UTF-8 of "
            "Windows-1252.",
        ),
        (
            b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00[Content_Types].xml",
            "De proefbalans is niet geïmporteerd: 1 probleem.",
            "Het bestand is geen CSV-tekstbestand",
        ),
        (b"", "De proefbalans is niet geïmporteerd: 1 probleem.", "Het bestand is leeg."),
        (
            b"rekening;rapportagecode;saldo_huidig;saldo_vorig\r0100;XYZ;1;0\r0200;;1;0\r",
            "De proefbalans is niet geïmporteerd: 2 problemen.",
            "Regel 3 (rekening 0200): de rapportagecode ontbreekt.",
        ),
    ],
    ids=["utf-16", "xlsx", "empty", "two-problems"],
)
def test_an_unreadable_trial_balance_is_refused_in_dutch_and_changes_nothing(
    client, content, flash, error
):
    env = _bookkeeper_sees(client)
    before = dict(env.report.statements)
    response = _import(client, env.report, content)
    assert response.status_code == 400
    assert flashes(response) == [flash]
    errors = re.findall(
        r'<ul class="flash" id="import-errors">(.*?)</ul>', response.content.decode()
    )
    assert errors and error in errors[0]
    env.report.refresh_from_db()
    assert env.report.statements == before


@pytest.mark.django_db
@pytest.mark.parametrize("url_suffix", ["communicatie/testen/", "verzenden-ontvangen/"])
def test_an_ftp_portal_address_stored_earlier_is_named_on_screen_not_a_crash(
    client, settings, url_suffix
):
    """Test verbinding and Verzenden/ontvangen with an "Eigen portaladres" of ftp://,
    stored before the portal client (clientside.portal_client) refused it."""
    settings.CLIENTSIDE_ALLOW_LOCAL_PORTAL = True
    env = _bookkeeper_sees(client, portal_url="ftp://127.0.0.1:21")
    from clientside import services

    message = services.prepare(env.report)
    page = follow_post(client, f"/klant/administraties/{env.administration.pk}/{url_suffix}")
    assert "Het portaladres ftp://127.0.0.1:21 moet met http:// of https:// beginnen." in " ".join(
        flashes(page)
    )
    message.refresh_from_db()
    assert message.status in (Status.PREPARED, Status.SEND_FAILED)


@pytest.mark.django_db
def test_a_second_administration_with_the_same_kvk_number_is_refused(client):
    """An explorer made "Dubbel B.V." with an existing KvK number: `klaarzetten
    --administration <number>` then picked one of the two, and send/receive reported both
    under one number."""
    client.force_login(user_with(*ALL_PERMISSIONS))
    existing = make_environment(
        kvk_number="12345678", token="t", portal_url="http://127.0.0.1:9"
    ).administration
    data = {
        "name": "Dubbel B.V.",
        "legal_form": "Besloten vennootschap met beperkte aansprakelijkheid",
        "seat": "Utrecht",
        "kvk_number": existing.kvk_number,
        "sbi_code": "1071",
        "street": "Dorpsstraat",
        "house_number": "1",
        "postal_code": "3511 AX",
        "place": "Utrecht",
        "filing_email": "info@dubbel.example.nl",
        "kvk_report": "micro",
        "contact_type": "ondernemer",
    }
    page = client.post("/klant/administraties/nieuw/", data)
    # The name ("Test B.V.") is not followed by the sentence's full stop ("B.V..").
    assert (
        f"De administratie {existing.name} heeft al KvK-nummer {existing.kvk_number}. Open "
        "die administratie in plaats van een tweede te maken." in page.content.decode()
    )
    assert Administration.objects.filter(kvk_number=existing.kvk_number).count() == 1

    # Editing the administration itself keeps its own number.
    edit = client.post(
        f"/klant/administraties/{existing.pk}/bewerken/", {**data, "name": existing.name}
    )
    assert edit.status_code == 302


@pytest.mark.django_db
def test_a_message_under_way_says_in_words_when_new_documents_can_follow(client):
    """It said "nieuwe stukken kunnen pas na status 25, 40 of 90": the statuses after
    which a corrected version may be sent (kvk.status: Fout bij verwerken in portal,
    Afgekeurd door cliënt, Afgekeurd door KvK) now stand there in words."""
    from clientside import services

    env = make_environment(kvk_number="12345678", token="t", portal_url="http://127.0.0.1:9")
    services._mirror(services.prepare(env.report), Status.RECEIVED, [])
    client.force_login(user_with(*ALL_PERMISSIONS))
    words = (
        "Nieuwe stukken kunt u pas klaarzetten als dat bericht niet verwerkt kon worden, bij "
        "de beoordeling is afgekeurd of door de KvK is afgekeurd."
    )
    html = client.get(f"/klant/jaarrapporten/{env.report.pk}/").content.decode()
    assert words in html and "25, 40 of 90" not in html
    refused = flashes(follow_post(client, f"/klant/jaarrapporten/{env.report.pk}/klaarzetten/"))
    assert any(words in text for text in refused)
    assert not any("25, 40 of 90" in text for text in refused)


@pytest.mark.django_db
def test_every_next_step_continues_with_a_capital(client):
    """One style after "Volgende stap:": the steps of ``next_step`` are sentences that also
    stand alone on the "Volgende stap" card, so they begin with a capital; the flash after
    "Klaarzetten" and the one after switching the activation on went on in lower case."""
    env = make_environment(kvk_number="12345678", token="t", portal_url="http://127.0.0.1:9")
    pk = env.administration.pk
    client.force_login(user_with(*ALL_PERMISSIONS, "change_filingactivation"))
    said = flashes(follow_post(client, f"/klant/jaarrapporten/{env.report.pk}/klaarzetten/"))
    said += flashes(follow_post(client, f"/klant/administraties/{pk}/verzenden-ontvangen/"))
    CommunicationProfile.objects.filter(administration_id=pk).delete()
    setup = f"/klant/activering/{pk}/"
    follow_post(client, setup, {"active": "0"})
    said += flashes(follow_post(client, setup, {"active": "1"}))
    steps = [step for text in said for step in re.findall(r"Volgende stap: (\S)", text)]
    assert len(steps) == 3, said
    assert all(first.isupper() for first in steps), said


@pytest.mark.django_db
def test_a_message_stopped_for_the_old_kvk_number_asks_for_a_new_version(client):
    """The portal stopped the message at 70: its KvK number is not the organisation's any
    more (KVK-SBR.md section 3), and the administration has the new number. The report page
    says a new version replaces it, and "Klaarzetten" makes one."""
    from clientside import services

    env, message, _html = _sent_and_answered(
        client, 70, "kvk_number_changed", "Het KvK-nummer is niet meer dat van de organisatie."
    )
    assert 'id="new-kvk-number"' not in _html  # the same number: the office sends it again
    env.administration.kvk_number = "11223344"
    env.administration.save()
    html = client.get(f"/klant/jaarrapporten/{env.report.pk}/").content.decode()
    assert 'id="nieuwe-stukken"' in html and 'id="new-kvk-number"' in html
    assert "vermeldt niet het KvK-nummer van de organisatie (11223344)" in html
    assert services.prepare(env.report).pk != message.pk


@pytest.mark.django_db
def test_a_year_before_the_oldest_taxonomy_is_a_problem_to_fix_not_a_server_error(client):
    """NT19 is the oldest taxonomy generation the product builds (kvk/taxonomy.py
    GENERATIONS, for financial years from 2024): a 2023 report's page and "Klaarzetten" say
    so under "Boekjaar" instead of failing with LookupError (a server error)."""
    env = make_environment(kvk_number="12345678", token="t", portal_url="http://127.0.0.1:9")
    report = AnnualReport.objects.create(
        administration=env.administration,
        financial_year=2023,
        **report_values(env.administration, 2023, signing_place="Utrecht"),
    )
    client.force_login(user_with(*ALL_PERMISSIONS))
    page = client.get(f"/klant/jaarrapporten/{report.pk}/")
    assert page.status_code == 200
    assert "NT19" in page.content.decode()
    texts = flashes(follow_post(client, f"/klant/jaarrapporten/{report.pk}/klaarzetten/"))
    assert any(t.startswith("Boekjaar:") and "2024" in t for t in texts), texts
    assert OutboundMessage.objects.count() == 0
