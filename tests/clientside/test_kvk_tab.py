"""The KvK tab: legal form from the taxonomy's list, the Dutch address and the filing's
e-mail address, refused with a Dutch message where the NT19 type refuses the value.

The limits are the facets of the NT19 types (kvk/nt19 via kvk.nt.type_facets):
nl-types:string24ItemType for the street, houseNumberNLItemType [0-9]{1,5},
string4ItemType for the addition, nlzipItemType [1-9][0-9]{3}[A-Z]{2}, emailItemType.
"""

from __future__ import annotations

import pytest

from clientside import services
from clientside.forms import AdministrationForm
from clientside.models import Administration
from kvk import nt
from kvk import taxonomy as tx
from kvk.parser import parse_instance
from kvk.render import render_html
from tests.clientside.conftest import make_environment
from tests.clientside.test_screens import ALL_PERMISSIONS, user_with

VALID = {
    "name": "Test B.V.",
    "legal_form": "Besloten vennootschap met beperkte aansprakelijkheid",
    "seat": "Utrecht",
    "kvk_number": "12345678",
    "street": "Oudegracht",
    "house_number": "120",
    "house_number_addition": "",
    "postal_code": "3511AX",
    "place": "Utrecht",
    "filing_email": "administratie@example.nl",
    "kvk_report": "micro",
    "contact_type": "ondernemer",
}


def errors_of(**changes: str) -> dict[str, list[str]]:
    form = AdministrationForm({**VALID, **changes})
    form.is_valid()
    return {name: list(messages) for name, messages in form.errors.items()}


def test_the_limits_are_those_of_the_nt19_types():
    # Anchors: if the extract said otherwise, the messages below would be wrong.
    assert nt.type_facets("nl-types:string24ItemType")["maxLength"] == 24
    assert nt.type_facets("nl-types:houseNumberNLItemType")["pattern"] == "[0-9]{1,5}"
    assert nt.type_facets("nl-types:string4ItemType")["maxLength"] == 4
    assert nt.type_facets("nl-types:nlzipItemType")["pattern"] == "([1-9]{1}[0-9]{3}[A-Z]{2})"


@pytest.mark.django_db
def test_a_valid_kvk_tab_is_stored_with_the_postal_code_normalised():
    form = AdministrationForm({**VALID, "postal_code": "3511 ax", "house_number": "120a"})
    assert form.is_valid(), form.errors
    administration = form.save()
    assert administration.postal_code == "3511AX"
    assert (administration.house_number, administration.house_number_addition) == ("120", "a")
    assert administration.address_lines == ["Oudegracht 120 a", "3511AX Utrecht"]


@pytest.mark.django_db
def test_a_kvk_number_typed_with_spaces_is_stored_without_them():
    """A KvK number is eight digits (KVK-SBR.md section 3: "the 8-digit KvK number"); the
    KvK prints it in groups ("4567 8901"). The spaces go before the checks, and the field
    lets them be typed (no maxlength of eight characters)."""
    assert "maxlength" not in str(AdministrationForm()["kvk_number"])
    form = AdministrationForm({**VALID, "kvk_number": "4567 8901"})
    assert form.is_valid(), form.errors
    assert form.save().kvk_number == "45678901"
    assert errors_of(kvk_number="4567 89012") == {
        "kvk_number": ["Een KvK-nummer bestaat uit precies acht cijfers."]
    }


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"street": "Burgemeester de Withstraat"},  # 26 characters
            "street",
            "De straatnaam heeft 26 tekens; de KvK accepteert er hoogstens 24.",
        ),
        (
            {"house_number": "123456"},
            "house_number",
            "Vul alleen het huisnummer in: 1 tot 5 cijfers.",
        ),
        ({"house_number": "12", "house_number_addition": "boven"}, "house_number_addition", "4"),
        ({"house_number": "12 abcde"}, "house_number", "1 tot 5 cijfers"),
        ({"postal_code": "0123 AB"}, "postal_code", "Vul een Nederlandse postcode in"),
        ({"postal_code": "3511 A"}, "postal_code", "bijvoorbeeld 3511 AX"),
        ({"filing_email": "geen-adres"}, "filing_email", "e-mailadres"),
        ({"legal_form": "Besloten vennootschap"}, "legal_form", "keuze"),
        ({"street": ""}, "street", "vereist"),
        ({"filing_email": ""}, "filing_email", "vereist"),
    ],
)
def test_what_the_taxonomy_refuses_is_refused_in_dutch(changes, field, message):
    errors = errors_of(**changes)
    assert field in errors, errors
    assert any(message in text for text in errors[field]), errors[field]


def test_the_legal_forms_are_the_taxonomys_full_names():
    choices = [value for value, _text in AdministrationForm().fields["legal_form"].choices]
    assert choices == list(tx.LEGAL_FORMS)
    assert "Besloten vennootschap met beperkte aansprakelijkheid" in choices


def test_klein_verticaal_is_not_offered():
    # Not in the NT19 extract (kvk.nt.GAPS): this product cannot build it.
    reports = [value for value, _text in AdministrationForm().fields["kvk_report"].choices]
    assert reports == list(tx.BUILDABLE_VARIANTS)


@pytest.mark.django_db
def test_an_administration_without_address_is_asked_for_it(client):
    env = make_environment(kvk_number="12345678", token="t", portal_url="http://127.0.0.1:9")
    Administration.objects.filter(pk=env.administration.pk).update(
        street="", house_number="", postal_code="", place="", address="Dorpsstraat 1 Utrecht"
    )
    env.report.refresh_from_db()
    fields = [p.field for p in services.completeness_problems(env.report)]
    assert fields[:4] == ["Straat", "Huisnummer", "Postcode", "Plaats"]
    client.force_login(user_with(*ALL_PERMISSIONS))
    detail = client.get(f"/klant/administraties/{env.administration.pk}/").content.decode()
    assert 'id="address-missing"' in detail and "Dorpsstraat 1 Utrecht" in detail
    assert f"/klant/administraties/{env.administration.pk}/bewerken/" in detail  # next step
    edit = client.get(f"/klant/administraties/{env.administration.pk}/bewerken/")
    assert 'id="old-address"' in edit.content.decode()


@pytest.mark.django_db
def test_an_unknown_legal_form_is_a_problem_with_the_field():
    env = make_environment(kvk_number="12345678", token="t", portal_url="http://127.0.0.1:9")
    Administration.objects.filter(pk=env.administration.pk).update(legal_form="Eenmanszaak")
    env.report.refresh_from_db()
    problems = services.completeness_problems(env.report)
    assert [p.field for p in problems] == ["Rechtsvorm"]
    assert "Kies de rechtsvorm uit de lijst" in problems[0].message


#: The value of jenv-codes:legalFormItemType in NT19 (kvk/nt19, read from
#: jenv-codes.xsd): without the diaeresis. The extract has the enumeration facets and no
#: labels for them, so NT19 has no "Coöperatie"; the caption is the law's word (Boek 2
#: BW, Titel 3, art. 2:53 "coöperatie").
NT19_COOPERATIE = "Cooperatie"


@pytest.mark.django_db
def test_cooperatie_is_shown_with_its_diaeresis_and_filed_as_nt19_has_it(client):
    nt19 = nt.type_facets("jenv-codes:legalFormItemType")
    assert NT19_COOPERATIE in nt19["enumeration"]
    assert "Coöperatie" not in nt19["enumeration"] and set(nt19) >= {"enumeration"}
    assert not any("label" in key for key in nt19), "NT19 gives no label of its own"

    choices = dict(AdministrationForm().fields["legal_form"].choices)
    assert choices[NT19_COOPERATIE] == "Coöperatie"
    form = AdministrationForm({**VALID, "legal_form": NT19_COOPERATIE})
    assert form.is_valid(), form.errors
    assert form.save().legal_form == NT19_COOPERATIE

    env = make_environment(kvk_number="12345678", token="t", portal_url="http://127.0.0.1:9")
    Administration.objects.filter(pk=env.administration.pk).update(legal_form=NT19_COOPERATIE)
    client.force_login(user_with(*ALL_PERMISSIONS))
    page = client.get(f"/klant/administraties/{env.administration.pk}/").content.decode()
    assert "<td>Coöperatie</td>" in page
    edit = client.get(f"/klant/administraties/{env.administration.pk}/bewerken/").content.decode()
    assert '<option value="Cooperatie" selected>Coöperatie</option>' in edit

    env.report.refresh_from_db()
    content = services.prepare(env.report).document
    assert b"<jenv-bw2-i:LegalEntityLegalForm" in bytes(content)
    assert parse_instance(bytes(content)).first_value("LegalEntityLegalForm") == NT19_COOPERATIE
    assert "Coöperatie" in render_html(bytes(content))


@pytest.mark.django_db
def test_a_kvk_number_the_kvk_refuses_is_refused_on_the_kvk_tab():
    """nl-types:chamberOfCommerceRegistrationNumberItemType (NT19, sbr 20240301 nl-types.xsd;
    the KvK's domain facts in nt19-kvk-micro-klein.json) has the pattern
    ([1-9][0-9]{7})|([0-9][1-9][0-9]{6}): eight digits that do not begin with 00. Such a
    number was stored, and only "Klaarzetten" said it cannot be filed. A number without a
    valid check digit is accepted: a KvK number has no check digit to test (KVK-SBR.md: "the
    8-digit KvK number"), and one beginning with a single 0 is valid."""
    assert nt.type_facets("nl-types:chamberOfCommerceRegistrationNumberItemType")["pattern"] == (
        "([1-9][0-9]{7})|([0-9][1-9][0-9]{6})"
    )
    assert errors_of(kvk_number="00123456") == {
        "kvk_number": ["Een KvK-nummer bestaat uit precies acht cijfers en begint niet met 00."]
    }
    # One message for a number that is not eight digits, not two.
    assert errors_of(kvk_number="0012345") == {
        "kvk_number": ["Een KvK-nummer bestaat uit precies acht cijfers."]
    }
    assert errors_of(kvk_number="01234567") == {}
    assert errors_of(kvk_number="87654321") == {}
