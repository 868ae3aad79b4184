"""InSite "Nieuwe organisatie" asks what the legal deadlines depend on (the legal form and
the financial year end), and the organisation's page leads to the next two steps: its
"Termijngegevens" and a token for its environment.

The domain: KVK-SBR.md section 1 (the deadlines differ by legal form; a BV files within
5 + 2 months + 8 days after year end, so the year end moves every deadline) and, for the
forms other than the BV, the articles kvk/deadlines.py names: art. 2:58 lid 1 BW (a
cooperatie draws up within 6 months, adopts within one more) and art. 2:360 lid 3 BW (a
stichting files only with an enterprise above the turnover threshold).
"""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.urls import reverse

from connectors.activation import set_environment_activation
from crm import services as crm_services
from crm.models import EnvironmentActivationChange, Organisation
from deadlines import selectors
from deadlines.models import DeadlineFacts
from kvk.deadlines import BV, COOPERATIE, STICHTING
from tests import factories

pytestmark = pytest.mark.django_db

CREATE = "insite-organisation-create"


@pytest.fixture(autouse=True)
def without_second_factor(settings):
    settings.OTP_REQUIRED_FOR_STAFF = False  # the second factor has tests of its own


#: A new organisation unless a test says otherwise (a BV whose year ends on 31 December).
NEW = {"name": "Nieuw", "kvk_number": "11223344", "legal_form": BV}


def _create(browser, **fields):
    data = {**NEW, "year_end_day": "31", "year_end_month": "12", **fields}
    return browser.post(reverse(CREATE), data)


def _create_without_the_form(environment, **facts) -> Organisation:
    """What the form calls, deadlines.selectors.create_organisation, with the same defaults."""
    facts = {**NEW, "year_end_month": 12, "year_end_day": 31, **facts}
    return selectors.create_organisation(environment=environment, **facts)


def _deadlines(browser, organisation: Organisation, year: int):
    """The deadlines InSite "Termijnen" shows for the organisation's year, and its notice."""
    response = browser.get(reverse("deadlines:facts", args=[organisation.pk]), {"year": year})
    assert response.status_code == 200
    return response.context["deadlines"], response.context["notice"]


def test_the_form_asks_the_legal_form_and_the_year_end_31_december_by_default(admin_browser):
    response = admin_browser.get(reverse(CREATE))
    form = response.context["form"]
    assert list(form.fields)[:5] == [
        "name",
        "kvk_number",
        "legal_form",
        "year_end_day",
        "year_end_month",
    ]
    page = response.content.decode()
    # The taxonomy's values with their captions (kvk.taxonomy.legal_form_choices); none
    # chosen in advance, so nobody gets a BV by not looking.
    assert '<option value="Cooperatie">Coöperatie</option>' in page
    assert '<option value="Stichting">Stichting</option>' in page
    assert '<option value="" selected>---------</option>' in page
    assert 'name="year_end_day" value="31"' in page
    assert 'name="year_end_month" value="12"' in page


def test_a_stichting_created_with_its_legal_form_gets_no_bv_deadlines(admin_browser, environment):
    """Art. 2:360 lid 3 BW: a stichting files only with an enterprise above the turnover
    threshold; until the accountant says so, Termijnen shows why there is no deadline
    instead of a BV's (which it showed when the form did not ask)."""
    response = _create(admin_browser, name="Stichting Zon", legal_form=STICHTING)
    assert response.status_code == 302
    organisation = Organisation.objects.get(name="Stichting Zon")
    assert organisation.legal_form == STICHTING
    deadlines, notice = _deadlines(admin_browser, organisation, 2025)
    assert deadlines is None
    assert "Een stichting deponeert alleen een jaarrekening" in notice


def test_a_cooperatie_with_its_year_end_gets_its_own_deadlines(admin_browser, environment):
    """A cooperatie whose year ends on 30 June: financial year 2024 runs to 30 June 2025;
    it draws up within 6 months (31 December 2025, a BV: 30 November), adopts within one
    more (art. 2:58 lid 1 BW) and files 8 days later (art. 2:394 lid 1 BW)."""
    response = _create(
        admin_browser, name="Coop", legal_form=COOPERATIE, year_end_day="30", year_end_month="6"
    )
    assert response.status_code == 302
    organisation = Organisation.objects.get(name="Coop")
    facts = DeadlineFacts.objects.get(organisation=organisation)
    assert (facts.year_end_day, facts.year_end_month) == (30, 6)
    deadlines, notice = _deadlines(admin_browser, organisation, 2024)
    assert notice == ""
    assert (deadlines.year_start, deadlines.year_end) == (date(2024, 7, 1), date(2025, 6, 30))
    assert (deadlines.draw_up, deadlines.adoption, deadlines.filing) == (
        date(2025, 12, 31),
        date(2026, 1, 31),
        date(2026, 2, 8),
    )


def test_a_bv_with_the_default_year_end_keeps_the_bv_deadlines(admin_browser, environment):
    """KVK-SBR.md section 1: a BV draws up within 5 months, adopts within 2 more and files
    within 8 days after that: 31 May, 31 July, 8 August for a calendar year."""
    assert _create(admin_browser, name="Nieuw B.V.").status_code == 302
    organisation = Organisation.objects.get(name="Nieuw B.V.")
    deadlines, _notice = _deadlines(admin_browser, organisation, 2024)
    assert (deadlines.draw_up, deadlines.adoption, deadlines.filing) == (
        date(2025, 5, 31),
        date(2025, 7, 31),
        date(2025, 8, 8),
    )


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"legal_form": ""}, "Kies de rechtsvorm: de wettelijke termijnen hangen ervan af."),
        ({"legal_form": "Eenmanszaak"}, "Selecteer een geldige keuze."),
        (
            {"year_end_day": "30", "year_end_month": "2"},
            "Deze datum bestaat niet als einde van een boekjaar.",
        ),
        (
            {"year_end_day": "31", "year_end_month": "6"},
            "Deze datum bestaat niet als einde van een boekjaar.",
        ),
        # Django's own messages, in Dutch as the page is.
        ({"year_end_day": "32"}, "Zorg ervoor dat deze waarde hoogstens 31 is."),
        ({"year_end_month": "13"}, "Zorg ervoor dat deze waarde hoogstens 12 is."),
        ({"year_end_day": ""}, "Dit veld is vereist."),
    ],
)
def test_what_the_form_refuses_it_says_in_dutch(admin_browser, environment, fields, message):
    response = _create(admin_browser, name="Fout", **fields)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Organisation.objects.filter(name="Fout").exists()


@pytest.mark.parametrize("typed", ["4567 8901", " 4567 8901 ", "45 67 89 01"])
def test_a_kvk_number_typed_with_spaces_is_stored_without_them(admin_browser, environment, typed):
    """A KvK number is eight digits (KVK-SBR.md section 3: "the 8-digit KvK number"); the
    KvK prints it in groups ("4567 8901"), and the spaces go as they do when a number is
    corrected on the organisation's page (crm.services.check_identification)."""
    page = admin_browser.get(reverse(CREATE)).content.decode()
    assert re.search(r'<input type="text" name="kvk_number"[^>]*>', page)
    assert not re.search(r'<input type="text" name="kvk_number"[^>]*maxlength', page)
    response = _create(admin_browser, name="Spatie", kvk_number=typed)
    assert response.status_code == 302
    assert Organisation.objects.get(name="Spatie").kvk_number == "45678901"


def test_a_wrong_kvk_number_with_spaces_gets_one_clear_error(admin_browser, environment):
    response = _create(admin_browser, name="Fout", kvk_number="4567 89012")
    assert response.status_code == 200
    assert response.context["form"].errors["kvk_number"] == [
        "Een KvK-nummer bestaat uit precies acht cijfers."
    ]
    assert not Organisation.objects.filter(name="Fout").exists()


def test_29_february_is_the_last_day_of_february(admin_browser, environment):
    """deadlines.models.DeadlineFacts: 29 February stands for the last day of February."""
    response = _create(admin_browser, name="Schrikkel", year_end_day="29", year_end_month="2")
    assert response.status_code == 302
    organisation = Organisation.objects.get(name="Schrikkel")
    deadlines, _notice = _deadlines(admin_browser, organisation, 2024)
    assert deadlines.year_end == date(2025, 2, 28)


def test_the_service_refuses_a_year_end_that_does_not_exist_and_creates_nothing(environment):
    with pytest.raises(ValueError):
        _create_without_the_form(environment, name="Nergens", year_end_month=4, year_end_day=31)
    with pytest.raises(ValueError):
        crm_services.create_organisation(
            environment=environment, name="Nergens", kvk_number="11223344", legal_form="BV"
        )
    assert not Organisation.objects.filter(name="Nergens").exists()


def test_a_kvk_number_already_in_deponeer_names_its_organisation(admin_browser, environment):
    """The client is in Deponeer already, perhaps under another name: the form says which
    organisation has the number, as the identification numbers and the command say it."""
    factories.OrganisationFactory(environment=environment, name="Bakkerij Eerder", kvk="11223344")
    response = _create(admin_browser, name="Bakkerij Later", kvk_number="1122 3344")
    assert response.status_code == 200
    assert "KvK-nummer 11223344 hoort al bij organisatie &#x27;Bakkerij Eerder&#x27;." in (
        response.content.decode()
    )
    assert 'value="Bakkerij Later"' in response.content.decode()  # the input is kept
    assert not Organisation.objects.filter(name="Bakkerij Later").exists()


def test_a_kvk_number_taken_meanwhile_is_said_on_the_form(admin_browser, environment, monkeypatch):
    """The form checks the number; the service checks it again inside its transaction (two
    staff members creating the same client at once) and the form says what it refused."""
    monkeypatch.setattr("portal.forms.OrganisationForm.clean_kvk_number", lambda form: "11223344")
    factories.OrganisationFactory(environment=environment, name="Eerder", kvk="11223344")
    response = _create(admin_browser, name="Later")
    assert response.status_code == 200
    assert "KvK-nummer 11223344 hoort al bij organisatie &#x27;Eerder&#x27;." in (
        response.content.decode()
    )
    assert not Organisation.objects.filter(name="Later").exists()


# --- the organisation's page: the next steps -----------------------------------------------


def test_the_page_leads_an_administrator_to_the_facts_and_to_a_token(
    admin_browser, environment, connector
):
    assert _create(admin_browser, name="Stichting Zon", legal_form=STICHTING).status_code == 302
    organisation = Organisation.objects.get(name="Stichting Zon")
    page = admin_browser.get(reverse("insite-organisation", args=[organisation.pk]))
    content = page.content.decode()
    assert 'id="legal-form">Stichting<' in content
    assert 'id="year-end">31 december<' in content
    assert "Een stichting deponeert alleen een jaarrekening" in content
    facts_url = reverse("deadlines:facts", args=[organisation.pk])
    assert f'href="{facts_url}"' in content
    token_url = f"{reverse('insite-connector', args=[connector.pk])}?organisation={organisation.pk}"
    assert f'href="{token_url}#token-h"' in content
    # The connector page's token form has the organisation chosen.
    token_page = admin_browser.get(token_url)
    form = token_page.context["token_form"]
    assert str(form["organisation"].value()) == str(organisation.pk)
    # Chosen and fixed, by name (no longer the selected option of a list of every
    # organisation of the firm): the id goes along hidden, no KvK number is asked.
    assert str(form["organisation"]) == (
        f'<input type="hidden" name="organisation" value="{organisation.pk}" id="id_organisation">'
    )
    assert form.fixed_organisation == organisation and "kvk_number" not in form.fields
    assert "Organisatie: <strong>Stichting Zon</strong>" in token_page.content.decode()


def _token_link(connector) -> str:
    return f'href="{reverse("insite-connector", args=[connector.pk])}?organisation='


def test_a_worker_sees_the_facts_link_but_not_the_token_link(
    staff_browser, environment, connector, client_a
):
    """Tokens are made on the connector pages, an administrator's set-up; the facts page
    is every staff member's."""
    organisation = client_a.organisation
    content = staff_browser.get(
        reverse("insite-organisation", args=[organisation.pk])
    ).content.decode()
    assert f'href="{reverse("deadlines:facts", args=[organisation.pk])}"' in content
    assert _token_link(connector) not in content
    assert 'id="no-open-connector"' not in content


def test_no_token_link_while_the_activation_is_off_or_no_connector_takes_messages(
    admin_browser, admin_staff, environment, connector, client_a
):
    url = reverse("insite-organisation", args=[client_a.organisation.pk])
    connector.blocked = True
    connector.save()
    content = admin_browser.get(url).content.decode()
    assert _token_link(connector) not in content
    assert 'id="no-open-connector"' in content  # says what is missing, with the way there
    connector.blocked = False
    connector.save()
    assert _token_link(connector) in admin_browser.get(url).content.decode()
    set_environment_activation(
        environment=environment,
        active=False,
        user=admin_staff,
        source=EnvironmentActivationChange.Source.SETUP,
    )
    content = admin_browser.get(url).content.decode()
    assert _token_link(connector) not in content
    assert 'id="no-open-connector"' not in content
