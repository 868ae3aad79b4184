"""InSite: an organisation's identification numbers ("Nieuw": Type, Identificatienummer, as
the seed's per-client set-up adds the KvK number), corrected and removed, through
crm.services; and what a changed KvK number means for messages received and under way."""

from __future__ import annotations

import json

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from connectors import services as connector_services
from crm import services as crm_services
from crm.models import Identification, Organisation, StaffMember
from kvk.status import Status
from tests import factories, nt19
from tests.conftest import instance_for, numbered, register_report
from tests.portal.conftest import browser_for, make_message
from workflow import services
from workflow.models import Actor, ApprovalMessage


def _url(action: str, organisation) -> str:
    return reverse(f"insite-identification-{action}", args=[organisation.pk])


def _numbers(organisation) -> dict[str, str]:
    return dict(organisation.identifications.values_list("kind", "value"))


def _history(organisation) -> list[str]:
    """The organisation's history as the admin shows it (LogEntry, change messages)."""
    entries = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Organisation),
        object_id=str(organisation.pk),
        action_flag=CHANGE,
    ).order_by("pk")
    return [entry.change_message for entry in entries]


@pytest.fixture
def bare(environment):
    """An organisation without any identification number yet."""
    return Organisation.objects.create(environment=environment, name="Nog Zonder B.V.")


def test_an_administrator_adds_an_rsin_without_a_confirmation(admin_browser, admin_staff, bare):
    response = admin_browser.post(_url("add", bare), {"kind": "rsin", "value": "123456782"})
    assert response.status_code == 302
    assert response["Location"].endswith("#identifications")
    assert _numbers(bare) == {"rsin": "123456782"}
    [entry] = LogEntry.objects.filter(object_id=str(bare.pk))
    assert entry.user == admin_staff
    assert json.loads(entry.change_message) == [
        {"added": {"name": "identificatienummer", "object": "RSIN 123456782"}}
    ]
    page = admin_browser.get(reverse("insite-organisation", args=[bare.pk])).content.decode()
    assert "123456782" in page


def test_adding_a_kvk_number_asks_first_then_saves_and_audits(admin_browser, bare):
    first = admin_browser.post(_url("add", bare), {"kind": "kvk", "value": "1234 5678"})
    assert first.status_code == 200
    assert "Weet u het zeker?" in first.content.decode()
    assert _numbers(bare) == {}  # only the confirmation saves

    confirmed = admin_browser.post(
        _url("add", bare), {"kind": "kvk", "value": "12345678", "confirmed": "1"}
    )
    assert confirmed.status_code == 302
    assert _numbers(bare) == {"kvk": "12345678"}
    assert bare.kvk_number == "12345678"
    assert [json.loads(m) for m in _history(bare)] == [
        [{"added": {"name": "identificatienummer", "object": "KvK-nummer 12345678"}}]
    ]


def test_a_kvk_number_is_eight_digits_said_under_the_field(admin_browser, bare):
    # KVK-SBR.md section 3: the entity identifier carries the 8-digit KvK number.
    response = admin_browser.post(
        _url("add", bare), {"kind": "kvk", "value": "1234567", "confirmed": "1"}
    )
    assert response.status_code == 400
    form = response.context["identification_form"]
    assert form.errors["value"] == ["Een KvK-nummer bestaat uit precies acht cijfers."]
    assert _numbers(bare) == {}
    assert _history(bare) == []


def test_a_kvk_number_the_kvk_refuses_is_refused_under_the_field(admin_browser, client_a, bare):
    """NT19's nl-types:chamberOfCommerceRegistrationNumberItemType (tests/nt19.py): eight
    digits beginning with 00 are refused in a filing; added or corrected, the number is
    refused here, where it is typed."""
    number = nt19.kvk_number_the_kvk_refuses()
    added = admin_browser.post(
        _url("add", bare), {"kind": "kvk", "value": number, "confirmed": "1"}
    )
    assert added.status_code == 400
    assert added.context["identification_form"].errors["value"] == [nt19.KVK_NUMBER_REFUSED]
    assert _numbers(bare) == {}

    organisation = client_a.organisation
    changed = admin_browser.post(
        _url("change", organisation), {"kind": "kvk", "value": number, "confirmed": "1"}
    )
    assert changed.status_code == 400
    [row] = changed.context["identification_rows"]
    assert row["form"].errors["value"] == [nt19.KVK_NUMBER_REFUSED]
    assert _numbers(organisation) == {"kvk": client_a.kvk_number}
    assert _history(organisation) == []


def test_a_number_of_another_organisation_is_refused_naming_it(admin_browser, client_a, bare):
    response = admin_browser.post(
        _url("add", bare), {"kind": "kvk", "value": client_a.kvk_number, "confirmed": "1"}
    )
    assert response.status_code == 400
    assert response.context["identification_form"].errors["value"] == [
        f"KvK-nummer {client_a.kvk_number} hoort al bij organisatie '{client_a.organisation.name}'."
    ]
    assert _numbers(bare) == {}


def test_a_number_in_use_by_an_organisation_the_user_may_not_see_is_only_said_in_use(
    admin_staff, client_a, bare, monkeypatch
):
    monkeypatch.setattr(
        crm_services.permissions,
        "visible_organisations",
        lambda user: Organisation.objects.none(),
    )
    with pytest.raises(crm_services.IdentificationError) as refused:
        crm_services.add_identification(
            organisation_id=bare.pk, kind="kvk", value=client_a.kvk_number, user=admin_staff
        )
    assert refused.value.code == "in_use"
    assert refused.value.message == (
        f"KvK-nummer {client_a.kvk_number} is al in gebruik bij een andere organisatie."
    )
    assert client_a.organisation.name not in refused.value.message


def test_a_second_number_of_one_type_is_refused(admin_browser, client_a):
    # The model keeps one number of each type per organisation (identification_one_per_kind).
    response = admin_browser.post(
        _url("add", client_a.organisation), {"kind": "kvk", "value": "11223344", "confirmed": "1"}
    )
    assert response.status_code == 400
    [error] = response.context["identification_form"].errors["kind"]
    assert error.startswith(f"Deze organisatie heeft al een KvK-nummer ({client_a.kvk_number})")
    assert _numbers(client_a.organisation) == {"kvk": client_a.kvk_number}


def test_changing_the_kvk_number_matches_nothing_received_again(
    admin_browser, admin_staff, client_a
):
    """A message already received stays with the organisation, as it is; an upload still
    waiting is processed against the new number, so its document with the old number is
    refused (25), not filed under a number that is not in it."""
    organisation = client_a.organisation
    in_review = make_message(client_a)
    waiting, _new = register_report(
        organisation,
        numbered(instance_for(client_a.kvk_number, year=in_review.financial_year - 1)),
        Actor.system(),
    )
    ask = admin_browser.post(_url("change", organisation), {"kind": "kvk", "value": "11223344"})
    assert ask.status_code == 200
    page = ask.content.decode()
    assert "KvK-nummer wijzigen van 12345678 in 11223344" in page
    assert ask.context["effects"] == crm_services.KvkChangeEffects(
        received=1, waiting=1, before_approval=1, on_the_way=0
    )
    assert 'id="effect-waiting"' in page and 'id="effect-review"' in page
    assert _numbers(organisation) == {"kvk": "12345678"}

    done = admin_browser.post(
        _url("change", organisation), {"kind": "kvk", "value": "11223344", "confirmed": "1"}
    )
    assert done.status_code == 302
    assert _numbers(organisation) == {"kvk": "11223344"}
    assert [json.loads(m) for m in _history(organisation)] == [
        [
            {
                "changed": {
                    "name": "identificatienummer",
                    "object": "KvK-nummer 12345678 → 11223344",
                    "fields": ["nummer"],
                }
            }
        ]
    ]
    kept = ApprovalMessage.objects.get(pk=in_review.pk)
    assert (kept.organisation_id, kept.status) == (organisation.pk, Status.IN_REVIEW)
    assert kept.events.count() == in_review.events.count()

    assert services.claim_for_processing(waiting.pk)
    assert connector_services.process_message(waiting.pk) == Status.PROCESSING_FAILED
    waiting.refresh_from_db()
    assert [r["code"] for r in waiting.reasons] == ["kvk_number_not_yours"]


def test_the_kvk_number_stays_while_a_message_is_on_its_way_to_the_kvk(admin_browser, client_a):
    """At 50, 60 and 70 the delivery and the search for it go to Digipoort under the
    organisation's KvK number (identiteitBelanghebbende, KVK-SBR.md section 5)."""
    make_message(client_a, Status.APPROVED)
    organisation = client_a.organisation
    change = admin_browser.post(
        _url("change", organisation), {"kind": "kvk", "value": "11223344", "confirmed": "1"}
    )
    assert change.status_code == 400
    [error] = change.context["identification_rows"][0]["form"].non_field_errors()
    assert error.startswith("Het KvK-nummer kan nu niet worden gewijzigd of verwijderd: 1 bericht")
    remove = admin_browser.post(
        _url("remove", organisation), {"kind": "kvk", "confirmed": "1"}, follow=True
    )
    assert "onderweg naar de KvK" in remove.content.decode()
    assert _numbers(organisation) == {"kvk": client_a.kvk_number}
    assert _history(organisation) == []


def test_removing_asks_first_then_removes_and_audits(admin_browser, client_a):
    organisation = client_a.organisation
    ask = admin_browser.post(_url("remove", organisation), {"kind": "kvk"})
    assert ask.status_code == 200
    assert "KvK-nummer 12345678 verwijderen" in ask.content.decode()
    assert _numbers(organisation) == {"kvk": "12345678"}
    done = admin_browser.post(_url("remove", organisation), {"kind": "kvk", "confirmed": "1"})
    assert done.status_code == 302
    assert _numbers(organisation) == {}
    assert [json.loads(m) for m in _history(organisation)] == [
        [{"deleted": {"name": "identificatienummer", "object": "KvK-nummer 12345678"}}]
    ]


def test_the_same_number_again_changes_nothing(admin_browser, client_a):
    organisation = client_a.organisation
    response = admin_browser.post(
        _url("change", organisation), {"kind": "kvk", "value": "12345678", "confirmed": "1"}
    )
    assert response.status_code == 302
    assert _history(organisation) == []


def _answers(browser, organisation) -> dict[str, int]:
    """The status of a confirmed POST to each of the three actions."""
    data = {"kind": "kvk", "value": "11223344", "confirmed": "1"}
    return {
        action: browser.post(_url(action, organisation), data).status_code
        for action in ("add", "change", "remove")
    }


def test_workers_see_the_numbers_but_may_not_change_them(staff_browser, staff, client_a):
    organisation = client_a.organisation
    page = staff_browser.get(reverse("insite-organisation", args=[organisation.pk]))
    assert client_a.kvk_number in page.content.decode()
    assert _url("change", organisation) not in page.content.decode()
    assert _answers(staff_browser, organisation) == {"add": 403, "change": 403, "remove": 403}
    with pytest.raises(crm_services.IdentificationError) as refused:
        crm_services.add_identification(
            organisation_id=organisation.pk, kind="rsin", value="123456782", user=staff
        )
    assert refused.value.code == "not_permitted"
    assert _numbers(organisation) == {"kvk": client_a.kvk_number}


def test_another_environment_s_organisation_is_404(client_a):
    other_admin = factories.StaffFactory(role=StaffMember.Role.ADMINISTRATOR).user
    browser = browser_for(other_admin)
    organisation = client_a.organisation
    assert _answers(browser, organisation) == {"add": 404, "change": 404, "remove": 404}
    with pytest.raises(crm_services.IdentificationError) as refused:
        crm_services.remove_identification(
            organisation_id=organisation.pk, kind="kvk", user=other_admin
        )
    assert refused.value.code == "not_found"
    assert Identification.objects.filter(organisation=organisation).count() == 1
