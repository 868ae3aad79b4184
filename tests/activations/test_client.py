"""The activation "Jaarrapportage deponeren via accountancyportal" in both positions over
every affected client screen, command and the scheduled send/receive; switching it on the
set-up page and in the admin, with the change log."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.core.management import CommandError, call_command
from django.urls import reverse

from clientside import activation, services, tasks
from clientside.models import (
    Administration,
    CommunicationProfile,
    FilingActivation,
    FilingActivationChange,
    OutboundMessage,
)
from tests import factories
from tests.clientside.conftest import make_environment

NOT_ACTIVATED = 'id="not-activated"'
ALL = ["view_administration", "change_administration", "prepare_report", "send_receive"]
SWITCH = "change_filingactivation"


def user_with(*codenames: str):
    user = factories.UserFactory()
    user.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="clientside", codename__in=codenames)
    )
    return user


@pytest.fixture
def env(db):
    return make_environment(kvk_number="12345678", token="t", portal_url="http://127.0.0.1:9")


@pytest.fixture
def switcher(db):
    return user_with(*ALL, SWITCH)


@pytest.fixture
def switch(env, switcher):
    def do(active: bool) -> None:
        activation.set_administration_activation(
            administration=env.administration,
            active=active,
            user=switcher,
            source=FilingActivationChange.Source.SETUP,
        )

    return do


@pytest.fixture
def user_client(client, db):
    client.force_login(user_with(*ALL))
    return client


@pytest.mark.parametrize("active", [True, False], ids=["on", "off"])
def test_screens(user_client, env, switch, active):
    message = services.prepare(env.report)
    switch(active)
    pk = env.administration.pk
    responses = {
        "profile": user_client.get(f"/klant/administraties/{pk}/communicatie/"),
        "profile-save": user_client.post(
            f"/klant/administraties/{pk}/communicatie/",
            {
                "participant_number": "54321",
                "portal_url_override": "http://127.0.0.1:9",
                "token": "dpn_nieuw",  # a new address takes the token again (issue 19)
            },
        ),
        "profile-test": user_client.post(f"/klant/administraties/{pk}/communicatie/testen/"),
        "send-receive": user_client.post(f"/klant/administraties/{pk}/verzenden-ontvangen/"),
        "document": user_client.get(f"/klant/berichten/{message.pk}/document/"),
    }
    message.refresh_from_db()
    status_after_sending = message.status
    # Last: with nothing ever offered to the portal, preparing again replaces the message.
    responses["prepare"] = user_client.post(f"/klant/jaarrapporten/{env.report.pk}/klaarzetten/")
    profile = CommunicationProfile.objects.get(pk=env.profile.pk)
    if active:
        assert {n: r.status_code for n, r in responses.items()} == {
            "profile": 200,
            "profile-save": 302,
            "profile-test": 302,
            "send-receive": 302,
            "prepare": 302,
            "document": 200,
        }
        assert profile.participant_number == "54321" and profile.last_test_at is not None
        assert status_after_sending == 5  # sending was tried (nothing listens there)
    else:
        for name, response in responses.items():
            assert response.status_code == 403, name
            html = response.content.decode()
            assert NOT_ACTIVATED in html, name
            assert "Jaarrapportage deponeren via accountancyportal" in html
        assert profile.participant_number == "12345" and profile.last_test_at is None
        message.refresh_from_db()
        assert message.status == 0 and message.sent_at is None
        assert OutboundMessage.objects.count() == 1


def test_not_activated_page_names_who_can_switch(user_client, env, switch, switcher):
    switcher.first_name, switcher.last_name = "Kees", "Klant"
    switcher.save()
    switch(False)
    html = user_client.get(
        f"/klant/administraties/{env.administration.pk}/communicatie/"
    ).content.decode()
    assert "Kees Klant" in html and "Activering wijzigen" in html
    assert 'id="activate-link"' not in html


def test_not_activated_page_sends_a_switcher_to_the_setup(client, env, switch, switcher):
    switch(False)
    client.force_login(switcher)
    html = client.get(f"/klant/administraties/{env.administration.pk}/communicatie/").content
    assert reverse("clientside-activation", args=[env.administration.pk]).encode() in html


@pytest.mark.parametrize("active", [True, False], ids=["on", "off"])
def test_buttons_and_next_step(user_client, env, switch, active):
    switch(active)
    pk = env.administration.pk
    detail = user_client.get(f"/klant/administraties/{pk}/").content.decode()
    report = user_client.get(f"/klant/jaarrapporten/{env.report.pk}/").content.decode()
    assert (f'href="/klant/administraties/{pk}/communicatie/"' in detail) is active
    assert ('id="send-receive"' in detail) is active
    assert (f'action="/klant/administraties/{pk}/verzenden-ontvangen/"' in report) is active
    assert ('id="prepare"' in report) is active
    assert ('id="filing-inactive"' in detail) is not active
    setup_url = reverse("clientside-activation", args=[pk])
    assert (f'href="{setup_url}"' in detail) is True  # the way to the switch is always there
    assert ("Schakel de activering" in detail) is not active


@pytest.mark.parametrize("active", [True, False], ids=["on", "off"])
def test_scheduled_send_receive(env, switch, active, monkeypatch):
    services.prepare(env.report)
    other = make_environment(
        kvk_number="87654321", token="t", portal_url="http://127.0.0.1:9", name="Ander B.V."
    )
    switch(active)
    results = tasks.send_receive_all()
    assert set(results) == ({"12345678", "87654321"} if active else {"87654321"})
    message = env.report.messages.get()
    assert message.status == (5 if active else 0)
    assert other.administration.filing_activation.active


@pytest.mark.parametrize("active", [True, False], ids=["on", "off"])
def test_commands(env, switch, active):
    switch(active)
    if active:
        call_command("klaarzetten", administration="12345678", year=env.report.financial_year)
        assert OutboundMessage.objects.count() == 1
        with pytest.raises(CommandError, match="Niet alles is gelukt"):
            call_command("verzenden_ontvangen", administration="12345678")
    else:
        with pytest.raises(CommandError, match="Jaarrapportage deponeren via accountancyportal"):
            call_command("klaarzetten", administration="12345678", year=env.report.financial_year)
        assert not OutboundMessage.objects.exists()
        with pytest.raises(CommandError, match="activering"):
            call_command("verzenden_ontvangen", administration="12345678")


def test_send_receive_service_refuses_when_off(env, switch):
    message = services.prepare(env.report)
    switch(False)
    result = services.send_receive(env.administration)
    assert result.errors and "staat uit" in result.errors[0]
    message.refresh_from_db()
    assert message.status == 0


def test_switching_off_keeps_everything(env, switch):
    message = services.prepare(env.report)
    before = (
        list(OutboundMessage.objects.values()),
        list(CommunicationProfile.objects.values()),
    )
    switch(False)
    switch(True)
    after = (
        list(OutboundMessage.objects.values()),
        list(CommunicationProfile.objects.values()),
    )
    assert before == after and message.pk == OutboundMessage.objects.get().pk


# --- the set-up page and the admin ----------------------------------------------------------


def test_new_administration_starts_off(client, db):
    client.force_login(user_with(*ALL, "add_administration"))
    response = client.post(
        "/klant/administraties/nieuw/",
        {
            "name": "Nieuw B.V.",
            "legal_form": "Besloten vennootschap met beperkte aansprakelijkheid",
            "seat": "Utrecht",
            "kvk_number": "11223344",
            "street": "Voorstraat",
            "house_number": "1",
            "postal_code": "3512AK",
            "place": "Utrecht",
            "filing_email": "info@nieuw.example.nl",
            "kvk_report": "micro",
            "contact_type": "ondernemer",
        },
    )
    assert response.status_code == 302
    assert Administration.objects.filter(kvk_number="11223344").exists()
    assert not FilingActivation.objects.filter(active=True).exists()


def test_setup_page_switches_and_records(client, env, switcher):
    client.force_login(switcher)
    url = reverse("clientside-activation", args=[env.administration.pk])
    page = client.get(url).content.decode()
    assert 'id="switch-off"' in page and 'id="checklist-done"' in page
    assert client.post(url, {"active": "0"}).status_code == 302
    state = FilingActivation.objects.get(administration=env.administration)
    assert not state.active and state.changed_by == switcher
    change = FilingActivationChange.objects.get(administration=env.administration)
    assert (change.active, change.source, change.changed_by) == (False, "setup", switcher)
    page = client.get(url).content.decode()
    assert 'id="switch-on"' in page and switcher.username in page
    assert 'id="check-activation" data-done="0"' in page


def test_setup_page_rights(client, env):
    url = reverse("clientside-activation", args=[env.administration.pk])
    client.force_login(user_with(*ALL))
    page = client.get(url)
    assert page.status_code == 200 and 'id="activation-form"' not in page.content.decode()
    assert client.post(url, {"active": "0"}).status_code == 403
    assert FilingActivation.objects.get(administration=env.administration).active
    client.force_login(factories.UserFactory())
    assert client.get(url).status_code == 403


def test_admin_switch_is_recorded(admin_client, admin_user, env):
    state = FilingActivation.objects.get(administration=env.administration)
    url = reverse("admin:clientside_filingactivation_change", args=[state.pk])
    assert admin_client.get(url).status_code == 200
    assert admin_client.post(url, {"active": ""}).status_code == 302
    state.refresh_from_db()
    assert not state.active and state.changed_by == admin_user
    change = FilingActivationChange.objects.get(administration=env.administration)
    assert (change.active, change.source) == (False, "admin")


def test_checklist_items(client, switcher, env):
    client.force_login(switcher)
    url = reverse("clientside-activation", args=[env.administration.pk])
    CommunicationProfile.objects.filter(pk=env.profile.pk).update(blocked=True, token="")
    page = client.get(url).content.decode()
    assert 'id="check-profile" data-done="0"' in page
    assert 'id="check-participant_number" data-done="1"' in page
    assert 'id="check-token" data-done="0"' in page
    assert f'href="/klant/administraties/{env.administration.pk}/communicatie/"' in page
