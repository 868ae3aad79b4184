"""Tenant isolation over every URL of the project (enumerated from the resolver) and the
client API, for client A (the owner), A's staff, client B of the same office, one person
who is the contact of B and of another organisation of the office (one login), staff of
another office and anonymous visitors.

Each object URL of organisation A answers, for everyone but A and A's staff, exactly what
it answers for an object that does not exist (404, or 403/405 decided before any lookup),
and anonymous visitors are sent to the login. No page shown to B or the other office
contains A's data. Nothing anyone else posts changes A's message.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from crm.models import ApproverRule, Contact, Organisation, StaffMember
from kvk.status import Status
from tests import factories
from tests.conftest import Client as Client_
from tests.portal.conftest import make_message
from tests.security.conftest import MARKER
from tests.security.urls import pages, url_for
from workflow import services
from workflow.errors import NotPermitted
from workflow.models import Actor, ApprovalMessage, Comment, StatusEvent

pytestmark = pytest.mark.django_db

REFUSED = {403, 404, 405}


def login(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def others(world) -> dict[str, Client]:
    return {
        "client B": login(world.b.user),
        "contact of B and another organisation": login(world.dga),
        "other office": login(world.outsider),
    }


def object_pages(area: str):
    return [p for p in pages() if p.area == area and p.params]


def test_the_matrix_covers_every_portal_and_api_url(world):
    names = {p.name for p in pages()}
    # A sample of what must be there: if the enumeration broke, the matrix would be empty.
    for name in ("insite-message", "outsite-message", "deadlines:facts", "api-message"):
        assert name in names
    for page in object_pages("portal") + object_pages("api"):
        assert url_for(page, world), f"no URL could be made for {page.route}"


def test_owner_and_own_staff_reach_a_s_objects(world):
    """The URLs really point at A's objects: the owner side gets them (so every refusal
    below is a refusal, not a wrong URL)."""
    client_a, staff = login(world.a.user), login(world.staff_admin)
    problems = []
    for page in object_pages("portal"):
        url = url_for(page, world)
        owner = client_a if page.route.startswith("outsite/") else staff
        code = owner.get(url).status_code
        if code not in (200, 302, 405):
            problems.append(f"{url}: owner side got {code}")
    assert problems == []
    for name in ("insite-message", "insite-organisation", "deadlines:facts", "outsite-message"):
        page = next(p for p in pages() if p.name == name)
        owner = client_a if name.startswith("outsite") else staff
        assert owner.get(url_for(page, world)).status_code == 200, name


def test_object_urls_of_a_look_like_missing_objects_to_everyone_else(world):
    problems = []
    for page in object_pages("portal"):
        url, missing = url_for(page, world), url_for(page, world, missing=True)
        for role, client in others(world).items():
            for method in ("get", "post"):
                code = getattr(client, method)(url).status_code
                absent = getattr(client, method)(missing).status_code
                if code not in REFUSED or code != absent:
                    problems.append(f"{role} {method.upper()} {url}: {code} (missing: {absent})")
                if method == "get" and page.name.endswith(("-message", "facts")) and code != 404:
                    problems.append(f"{role} GET {url}: {code}, expected 404")
        anonymous = login(None).get(url)
        if anonymous.status_code != 302 or "/login/" not in anonymous["Location"]:
            problems.append(f"anonymous GET {url}: {anonymous.status_code}, expected the login")
    assert problems == [], "\n".join(problems)

    # Nothing the others posted changed anything of A.
    message = ApprovalMessage.objects.get(pk=world.message.pk)
    assert message.status == Status.IN_REVIEW
    assert message.document_sha256 == world.message.document_sha256
    assert StatusEvent.objects.filter(message=message).count() == 3
    assert not Comment.objects.filter(message=message).exists()
    world.token.refresh_from_db()
    assert world.token.revoked_at is None
    world.contact.refresh_from_db()
    assert world.contact.portal_access is True


def test_pages_shown_to_others_never_contain_a_s_data(world):
    problems = []
    roles = {**others(world), "anonymous": login(None)}
    for page in pages():
        if page.params or page.area in ("admin", "api"):
            continue
        url = url_for(page, world)
        for role, client in roles.items():
            response = client.get(url)
            body = b"".join(response) if response.streaming else response.content
            text = body.decode("utf-8", "replace").lower()
            if MARKER.lower() in text or world.a.kvk_number in text:
                problems.append(f"{role} GET {url}: shows A's data")
    assert problems == [], "\n".join(problems)
    # The owner's own list does show it: the marker is a real one.
    assert MARKER in login(world.a.user).get("/outsite/berichten/").content.decode()


def test_admin_and_client_environment_pages_refuse_portal_users(world):
    problems = []
    roles = {
        "client A": login(world.a.user),
        "staff of A": login(world.staff_admin),
        **others(world),
        "anonymous": login(None),
    }
    for page in pages():
        if page.area not in ("admin", "clientside"):
            continue
        url = url_for(page, world)
        if url is None:
            continue
        for role, client in roles.items():
            code = client.get(url).status_code
            if code not in (302, *REFUSED):
                problems.append(f"{role} GET {url}: {code}")
    assert problems == [], "\n".join(problems)


def test_client_api_is_scoped_to_the_token_s_organisation(world, api):
    url = f"/api/v1/messages/{world.message.message_id}/"
    assert api(world.a.token).get(url).status_code == 200
    as_b = api(world.b.token).get(url)
    assert as_b.status_code == 404
    missing = api(world.b.token).get("/api/v1/messages/00000000-0000-4000-8000-000000000000/")
    assert as_b.json() == missing.json()
    assert api(None).get(url).status_code == 401
    # A portal login is no API credential.
    session = APIClient()
    session.force_login(world.a.user)
    assert session.get(url).status_code == 401
    # B's updates never mention A's message.
    updates = api(world.b.token).get("/api/v1/messages/updates/")
    assert updates.status_code == 200
    assert str(world.message.message_id) not in updates.content.decode()
    # B choosing A's message id gets its own message: ids are per organisation, and a
    # conflict would reveal that A uses that id.
    from tests.conftest import instance_for, upload_payload

    payload = upload_payload(instance_for(world.b.kvk_number), message_id=world.message.message_id)
    response = api(world.b.token).post("/api/v1/messages/", payload, format="json")
    assert response.status_code == 201, response.json()
    assert ApprovalMessage.objects.filter(message_id=world.message.message_id).count() == 2
    a_message = ApprovalMessage.objects.get(pk=world.message.pk)
    assert a_message.organisation_id == world.a.organisation.pk
    assert bytes(a_message.received_document) == bytes(world.message.received_document)


def test_the_contact_of_two_organisations_sees_both_and_acts_only_as_each_one_s_contact(world):
    """One login for the contact of B and of a holding (tests.security.conftest): both
    organisations' messages, never A's; on B's message he is B's contact only, so what he
    may do as the holding's (a director who must approve there) gives him nothing on B's."""
    holding = Client_(world.dga_organisation, world.dga_organisation.kvk_number, world.dga, "")
    message_b, message_holding = make_message(world.b), make_message(holding)
    browser = login(world.dga)
    page = browser.get("/outsite/berichten/").content.decode()
    for message in (message_b, message_holding):
        assert reverse("outsite-message", args=[message.pk]) in page
    assert MARKER not in page and world.a.kvk_number not in page
    assert browser.get(reverse("outsite-message", args=[world.message.pk])).status_code == 404

    # Directors must approve B's messages; he is a director at the holding, not at B.
    Contact.objects.filter(user=world.dga, organisation=world.dga_organisation).update(
        is_director=True
    )
    factories.ContactFactory(organisation=world.b.organisation, name="Bea", is_director=True)
    Organisation.objects.filter(pk=world.b.organisation.pk).update(
        approver_rule=ApproverRule.DIRECTORS
    )
    dga = Actor.for_user(world.dga)
    with pytest.raises(NotPermitted):
        services.reject(message_id=message_b.pk, actor=dga, reason="Nee")
    # Without access at B he cannot touch B's message at all, holding or not.
    Contact.objects.filter(user=world.dga, organisation=world.b.organisation).update(
        portal_access=False
    )
    with pytest.raises(NotPermitted):
        services.add_comment(message_id=message_b.pk, actor=dga, text="Vraag")
    with pytest.raises(NotPermitted):
        services.reject(message_id=message_b.pk, actor=dga, reason="Nee")
    assert browser.get(reverse("outsite-message", args=[message_b.pk])).status_code == 404
    assert browser.get(reverse("outsite-message", args=[message_holding.pk])).status_code == 200
    message_b.refresh_from_db()
    assert message_b.status == Status.IN_REVIEW
    assert not Comment.objects.filter(message=message_b).exists()


def test_ids_of_a_s_objects_in_a_form_change_nothing_for_everyone_else(world):
    """The forms whose address names no object (the bulk actions, "Token aanmaken",
    "Nieuwe organisatie", the language switch, ...) take the objects from the posted fields.
    Every address of the project, posted by everyone else with A's ids and KvK number in
    every field such a form reads: nothing of A changes, and no token is issued for A."""
    from connectors.models import ClientToken

    a = world.a.organisation
    fields = {
        "ids": [world.message.pk],
        "on_page": [world.message.pk],
        "all_on_page": "1",
        "organisation": a.pk,
        "organisation_id": a.pk,
        "contact": world.contact.pk,
        "message": world.message.pk,
        "token": world.token.pk,
        "kvk_number": world.a.kvk_number,
        "confirmed": "1",
        "description": "x",
        "text": "x",
        "reason": "x",
        "adopted": "on",
        "portal_access": "",
    }
    other_office_admin = factories.StaffFactory(
        environment=world.outsider.staff_member.environment, role=StaffMember.Role.ADMINISTRATOR
    ).user
    roles = {**others(world), "administrator of the other office": login(other_office_admin)}
    # The other office's own connector: its token form, posted with A's KvK number.
    own_connector = factories.make_connector(world.outsider.staff_member.environment)
    tokens_before = ClientToken.objects.filter(organisation=a).count()
    problems = []
    for page in pages():
        if page.area not in ("portal", "public") or page.name == "logout":
            continue  # (logged out, the roles would post the rest as anonymous visitors)
        url = url_for(page, world, missing=True) if page.params else url_for(page, world)
        if page.name == "insite-token-create":
            url = reverse(page.name, args=[own_connector.pk])
        for role, client in roles.items():
            response = client.post(url, fields)
            if response.status_code >= 500:
                problems.append(f"{role} POST {url}: {response.status_code}")
    assert problems == [], "\n".join(problems)
    for client in roles.values():  # they were logged in all along
        assert "_auth_user_id" in client.session
    message = ApprovalMessage.objects.get(pk=world.message.pk)
    assert message.status == Status.IN_REVIEW
    assert StatusEvent.objects.filter(message=message).count() == 3
    assert not Comment.objects.filter(message=message).exists()
    assert ClientToken.objects.filter(organisation=a).count() == tokens_before
    world.token.refresh_from_db()
    assert world.token.revoked_at is None
    world.contact.refresh_from_db()
    assert world.contact.portal_access is True
