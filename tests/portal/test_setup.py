"""InSite set-up for administrators: tokens (shown once, revoke), message types,
organisations and contacts with portal access; and the Django admin."""

from __future__ import annotations

import re

import pytest
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from connectors.models import ClientToken, MessageType, hash_token
from crm.models import Contact, Identification, Organisation
from kvk.deadlines import BV
from portal import new_tokens
from tests import factories, nt19


def _issue(admin_browser, connector, **data):
    """Create a token in InSite; returns the page it redirects to (which shows it)."""
    response = admin_browser.post(
        reverse("insite-token-create", args=[connector.pk]), data, follow=True
    )
    assert response.redirect_chain == [(reverse("insite-connector", args=[connector.pk]), 302)]
    return response


def test_token_is_shown_once_and_stored_as_hash(admin_browser, admin_staff, client_a, connector):
    response = _issue(
        admin_browser, connector, organisation=client_a.organisation.pk, description="Boekhouding"
    )
    raw = response.context["new_tokens"][0]
    page = response.content.decode()
    assert raw.startswith("dpn_") and raw in page
    assert "niet meer getoond" in page
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]
    token = ClientToken.objects.get(token_hash=hash_token(raw))
    assert token.created_by == admin_staff and token.description == "Boekhouding"
    again = admin_browser.get(reverse("insite-connector", args=[connector.pk]))
    assert raw not in again.content.decode()
    assert token.prefix in again.content.decode()


def test_reloading_the_token_page_creates_no_second_token(admin_browser, client_a, connector):
    """POST/redirect/GET: what the browser reloads after creating a token is the GET of the
    connector's page, not the POST; and that page showed the secret once already."""
    before = ClientToken.objects.count()
    response = admin_browser.post(
        reverse("insite-token-create", args=[connector.pk]),
        {"organisation": client_a.organisation.pk},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("insite-connector", args=[connector.pk])
    assert "dpn_" not in response.content.decode()
    shown = admin_browser.get(response["Location"])
    (raw,) = shown.context["new_tokens"]
    assert raw in shown.content.decode()
    assert "no-store" in shown["Cache-Control"] or "no-cache" in shown["Cache-Control"]
    reloaded = admin_browser.get(response["Location"])
    assert reloaded.context["new_tokens"] == [] and raw not in reloaded.content.decode()
    assert ClientToken.objects.count() == before + 1
    # Nor does the secret wait in the session once shown.
    assert raw not in str(dict(admin_browser.session))


def test_a_new_token_shows_on_its_own_connector_only(admin_browser, client_a, connector):
    from connectors.models import AppConnector

    other = AppConnector.objects.create(environment=connector.environment, name="Ander pakket")
    admin_browser.post(
        reverse("insite-token-create", args=[connector.pk]),
        {"organisation": client_a.organisation.pk},
    )
    elsewhere = admin_browser.get(reverse("insite-connector", args=[other.pk]))
    assert elsewhere.context["new_tokens"] == []
    assert admin_browser.get(reverse("insite-connector", args=[connector.pk])).context["new_tokens"]


@pytest.fixture
def issued(monkeypatch) -> list[str]:
    """The raw secrets of the tokens issued, as connectors.services.issue_token returned
    them (what a test needs to look for them where they must not be)."""
    from connectors import services as connector_services

    real = connector_services.issue_token
    secrets: list[str] = []

    def recording(**kwargs):
        token, raw = real(**kwargs)
        secrets.append(raw)
        return token, raw

    monkeypatch.setattr(connector_services, "issue_token", recording)
    return secrets


def _sessions_holding(secret: str) -> list[str]:
    """The rows of django_session (the session backend is the database) whose data holds
    ``secret``, as stored (signed) or decoded."""
    return [
        row.session_key
        for row in Session.objects.all()
        if secret in row.session_data or secret in str(row.get_decoded())
    ]


def test_the_secret_of_a_new_token_never_reaches_the_session_table(
    admin_browser, client_a, connector, issued
):
    """The redirect to the page that shows the token is not followed (closed tab, another
    page opened first, a failing page): the secret must not wait in django_session, which
    no clearsessions empties; it waits in the cache only (portal.new_tokens)."""
    url = reverse("insite-token-create", args=[connector.pk])
    response = admin_browser.post(url, {"organisation": client_a.organisation.pk})
    assert response.status_code == 302
    (raw,) = issued
    assert Session.objects.exists()
    assert _sessions_holding(raw) == []
    # Another page first: still nothing in the session table.
    admin_browser.get(reverse("insite-connectors"))
    assert _sessions_holding(raw) == []
    # The connector's page shows it once, and the cache forgets it.
    (waiting,) = admin_browser.session[new_tokens.SESSION_KEY]
    assert cache.get(waiting["key"])
    shown = admin_browser.get(response["Location"])
    assert shown.context["new_tokens"] == [raw]
    assert cache.get(waiting["key"]) is None
    assert _sessions_holding(raw) == []


def test_neither_the_cache_nor_the_session_alone_holds_a_new_tokens_secret(
    admin_browser, client_a, connector, issued
):
    """docker-compose runs Redis with --appendonly yes: what the cache holds reaches the
    disk. The secret waits there encrypted, with a one-time key that only the session has
    (portal.new_tokens); the page still shows it, once."""
    url = reverse("insite-token-create", args=[connector.pk])
    response = admin_browser.post(url, {"organisation": client_a.organisation.pk})
    (raw,) = issued
    (waiting,) = admin_browser.session[new_tokens.SESSION_KEY]
    sealed = cache.get(waiting["key"])
    assert sealed and raw not in str(sealed) and raw[len("dpn_") :] not in str(sealed)
    assert raw not in str(dict(admin_browser.session)) and _sessions_holding(raw) == []
    shown = admin_browser.get(response["Location"])
    assert shown.context["new_tokens"] == [raw] and raw in shown.content.decode()
    again = admin_browser.get(response["Location"])
    assert again.context["new_tokens"] == [] and raw not in again.content.decode()


def test_a_second_token_created_before_the_first_was_shown_shows_both(
    admin_browser, client_a, connector, issued
):
    before = ClientToken.objects.count()
    url = reverse("insite-token-create", args=[connector.pk])
    for description in ("Eerste", "Tweede"):
        created = admin_browser.post(
            url, {"organisation": client_a.organisation.pk, "description": description}
        )
        assert created.status_code == 302
    page = admin_browser.get(reverse("insite-connector", args=[connector.pk]))
    assert page.context["new_tokens"] == issued and len(issued) == 2
    html = page.content.decode()
    assert f'id="new-token" class="token" type="text" readonly value="{issued[0]}"' in html
    assert f'id="new-token-2" class="token" type="text" readonly value="{issued[1]}"' in html
    assert 'for="new-token"' in html and 'for="new-token-2"' in html
    again = admin_browser.get(reverse("insite-connector", args=[connector.pk]))
    assert again.context["new_tokens"] == [] and ClientToken.objects.count() == before + 2


def test_the_new_token_box_names_the_organisation_of_each_token(
    admin_browser, client_a, client_b, connector, issued
):
    """One connector serves many organisations: the box that shows a secret once says for
    which organisation's environment it is, beside each token."""
    url = reverse("insite-token-create", args=[connector.pk])
    for organisation in (client_a.organisation, client_b.organisation):
        admin_browser.post(url, {"organisation": organisation.pk})

    html = admin_browser.get(reverse("insite-connector", args=[connector.pk])).content.decode()

    first, second = client_a.organisation.name, client_b.organisation.name
    assert first != second
    assert f'<label for="new-token">Token voor {first}</label>' in html
    assert f'<label for="new-token-2">Token voor {second}</label>' in html


def test_a_token_whose_secret_expired_before_its_page_says_what_to_do(
    admin_browser, client_a, connector, issued, monkeypatch
):
    """The secret waits portal.new_tokens.TTL_SECONDS (two minutes); a page opened later
    says the token exists but cannot be shown, and to revoke it and make a new one."""
    import time as clock

    before = ClientToken.objects.count()
    timeouts = []
    real_set = cache.set

    def set_and_record(key, value, timeout=None, **kwargs):
        timeouts.append(timeout)
        return real_set(key, value, timeout=timeout, **kwargs)

    monkeypatch.setattr(cache, "set", set_and_record)
    url = reverse("insite-token-create", args=[connector.pk])
    response = admin_browser.post(url, {"organisation": client_a.organisation.pk})
    monkeypatch.undo()
    assert timeouts == [new_tokens.TTL_SECONDS]  # the cache forgets the secret by itself
    (raw,) = issued
    token = ClientToken.objects.get(token_hash=hash_token(raw))
    # Two minutes later: the cache (Redis in CI, LocMemCache here) has dropped the entry,
    # and the page's clock has moved on.
    cache.clear()
    later = clock.time() + new_tokens.TTL_SECONDS + 1
    monkeypatch.setattr(clock, "time", lambda: later)
    page = admin_browser.get(response["Location"])
    monkeypatch.undo()
    text = page.content.decode()
    assert page.context["new_tokens"] == [] and raw not in text
    assert "Token aangemaakt, maar niet meer te tonen" in text
    assert f"Het token {token.prefix}… is aangemaakt" in text
    assert "Trek het token hieronder in en maak een nieuw token aan." in text
    assert "niet gevonden" not in text
    # Said once; and the token itself is there, to be revoked.
    again = admin_browser.get(response["Location"]).content.decode()
    assert "niet meer te tonen" not in again
    assert token.is_active and ClientToken.objects.count() == before + 1


def test_a_secret_gone_before_its_time_is_not_called_expired(
    admin_browser, client_a, connector, issued, caplog
):
    """Several web processes with LocMemCache (gunicorn --workers 3 without REDIS_URL): the
    POST puts the secret in one process's memory and the redirected GET usually reaches
    another, where it is not found a second later. The page must not say it waited too
    long, but what happened and what to do; and a warning is logged."""
    url = reverse("insite-token-create", args=[connector.pk])
    response = admin_browser.post(url, {"organisation": client_a.organisation.pk})
    (raw,) = issued
    token = ClientToken.objects.get(token_hash=hash_token(raw))
    cache.clear()  # The GET's process has a cache of its own, without the secret.
    with caplog.at_level("WARNING", logger="portal.new_tokens"):
        page = admin_browser.get(response["Location"])
    text = page.content.decode()
    assert page.context["new_tokens"] == [] and raw not in text
    assert "twee minuten op deze pagina" not in text
    assert "Token aangemaakt, maar het geheim is niet gevonden" in text
    assert f"Het token {token.prefix}… is aangemaakt, maar het geheim ervan is niet" in text
    assert "geen gedeelde cache" in text and "REDIS_URL" in text
    assert "Trek het token hieronder in en maak een nieuw token aan." in text
    (warning,) = [r for r in caplog.records if r.name == "portal.new_tokens"]
    assert warning.levelname == "WARNING" and token.prefix in warning.getMessage()
    again = admin_browser.get(response["Location"]).content.decode()
    assert "niet gevonden" not in again and token.is_active


class _CacheDown:
    """A cache whose server does not answer (Redis stopped)."""

    def set(self, *args, **kwargs):
        from redis.exceptions import ConnectionError as RedisConnectionError

        raise RedisConnectionError("Error 111 connecting to redis:6379. Connection refused.")

    get = delete = set


def test_a_cache_that_is_down_issues_no_token(admin_browser, client_a, connector, monkeypatch):
    """The secret cannot be put away for its one display: no token may stay behind (active,
    and its secret seen by nobody); the page says so in Dutch and keeps what was typed."""
    before = ClientToken.objects.count()
    monkeypatch.setattr(new_tokens, "cache", _CacheDown())
    response = admin_browser.post(
        reverse("insite-token-create", args=[connector.pk]),
        {"organisation": client_a.organisation.pk, "description": "Boekhouding"},
    )
    assert response.status_code == 503
    assert ClientToken.objects.count() == before
    text = response.content.decode()
    assert "Het token is niet aangemaakt" in text and "Er is niets gewijzigd." in text
    assert 'value="Boekhouding"' in text
    assert new_tokens.SESSION_KEY not in admin_browser.session


def test_a_cache_that_is_down_when_the_page_opens_says_the_secret_was_not_found(
    admin_browser, client_a, connector, issued, monkeypatch
):
    """The token was issued and its secret put away; the cache fails before the page reads
    it: the page still opens and says to revoke the token and make a new one."""
    created = admin_browser.post(
        reverse("insite-token-create", args=[connector.pk]),
        {"organisation": client_a.organisation.pk},
    )
    (raw,) = issued
    monkeypatch.setattr(new_tokens, "cache", _CacheDown())
    page = admin_browser.get(created["Location"])
    assert page.status_code == 200
    text = page.content.decode()
    assert raw not in text and "Token aangemaakt, maar het geheim is niet gevonden" in text
    assert not admin_browser.session.get(new_tokens.SESSION_KEY)  # said once


def test_token_for_another_environments_organisation_is_refused(admin_browser, connector):
    from tests.factories import OrganisationFactory

    foreign = OrganisationFactory()
    response = admin_browser.post(
        reverse("insite-token-create", args=[connector.pk]), {"organisation": foreign.pk}
    )
    assert response.status_code == 400
    assert not ClientToken.objects.filter(organisation=foreign).exists()


def test_revoke_token_asks_first_naming_the_token_and_organisation(
    admin_browser, client_a, connector, api
):
    """Revoking cuts the client environment off at once (its next call answers 401), so
    "Intrekken" first asks, naming the token's prefix and organisation; only the
    confirming POST revokes."""
    token = ClientToken.objects.get(organisation=client_a.organisation)
    url = reverse("insite-token-revoke", args=[connector.pk, token.pk])
    page = admin_browser.get(reverse("insite-connector", args=[connector.pk])).content.decode()
    assert f'action="{url}"' in page  # the button opens the question
    question = admin_browser.get(url)
    assert question.status_code == 200
    text = question.content.decode()
    assert "Weet u het zeker?" in text and token.prefix in text
    assert client_a.organisation.name in text and "niets meer versturen" in text
    assert 'name="confirmed" value="1"' in text
    # Neither the question nor a POST without the confirmation revokes.
    assert admin_browser.post(url).status_code == 200
    token.refresh_from_db()
    assert token.revoked_at is None
    assert api(client_a.token).get("/api/v1/messages/updates/").status_code == 200

    response = admin_browser.post(url, {"confirmed": "1"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("insite-connector", args=[connector.pk])
    (note,) = [str(m) for m in response.context["messages"]]
    assert token.prefix in note and client_a.organisation.name in note
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert api(client_a.token).get("/api/v1/messages/updates/").status_code == 401
    # Asking again about a revoked token says so and changes nothing.
    again = admin_browser.get(url, follow=True)
    assert "al ingetrokken" in " ".join(str(m) for m in again.context["messages"])


def test_worker_cannot_create_or_revoke_tokens(staff_browser, client_a, connector):
    token = ClientToken.objects.get(organisation=client_a.organisation)
    url = reverse("insite-token-revoke", args=[connector.pk, token.pk])
    assert staff_browser.get(url).status_code == 403
    assert staff_browser.post(url, {"confirmed": "1"}).status_code == 403
    token.refresh_from_db()
    assert token.revoked_at is None


def test_block_a_message_type(admin_browser, message_type):
    url = reverse("insite-message-type", args=[message_type.pk])
    response = admin_browser.post(
        url, {"name": message_type.name, "blocked": "on", "workflow": message_type.workflow_id}
    )
    assert response.status_code == 302
    message_type.refresh_from_db()
    assert message_type.blocked


def test_message_type_rejects_a_workflow_without_required_actions(admin_browser, message_type):
    from workflow.models import WorkflowDefinition

    empty = WorkflowDefinition.objects.create(environment=message_type.environment, name="Leeg")
    url = reverse("insite-message-type", args=[message_type.pk])
    response = admin_browser.post(url, {"name": "x", "workflow": empty.pk})
    assert response.status_code == 400
    assert MessageType.objects.get(pk=message_type.pk).workflow_id != empty.pk


#: What "Nieuwe organisatie" asks besides the name and KvK number (tests/portal/test_onboarding.py).
DEADLINE_BASIS = {"legal_form": BV, "year_end_day": "31", "year_end_month": "12"}


def test_create_organisation_with_kvk_number(admin_browser, environment):
    response = admin_browser.post(
        reverse("insite-organisation-create"),
        {"name": "Nieuw B.V.", "kvk_number": "11223344", **DEADLINE_BASIS},
    )
    assert response.status_code == 302
    organisation = Organisation.objects.get(name="Nieuw B.V.")
    assert organisation.environment == environment
    assert organisation.kvk_number == "11223344"
    duplicate = admin_browser.post(
        reverse("insite-organisation-create"),
        {"name": "Dubbel", "kvk_number": "11223344", **DEADLINE_BASIS},
    )
    assert duplicate.status_code == 200 and not Organisation.objects.filter(name="Dubbel").exists()
    bad = admin_browser.post(
        reverse("insite-organisation-create"),
        {"name": "Fout", "kvk_number": "123", **DEADLINE_BASIS},
    )
    assert bad.status_code == 200 and not Identification.objects.filter(value="123").exists()


def test_a_new_organisation_with_a_kvk_number_the_kvk_refuses_is_refused(
    admin_browser, environment
):
    """NT19's nl-types:chamberOfCommerceRegistrationNumberItemType (tests/nt19.py): a
    number beginning with 00 is eight digits the KvK refuses in the filing, so "Nieuwe
    organisatie" refuses it under the field instead of creating an organisation whose
    filings fail later."""
    number = nt19.kvk_number_the_kvk_refuses()
    response = admin_browser.post(
        reverse("insite-organisation-create"),
        {"name": "Nul Nul B.V.", "kvk_number": number, **DEADLINE_BASIS},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["kvk_number"] == [nt19.KVK_NUMBER_REFUSED]
    assert not Organisation.objects.filter(name="Nul Nul B.V.").exists()
    assert not Identification.objects.filter(value=number).exists()


def test_contact_with_portal_access_is_invited(
    admin_browser, client_a, django_capture_on_commit_callbacks
):
    url = reverse("insite-contact-create", args=[client_a.organisation.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_browser.post(
            url,
            {"name": "Eva", "email": "eva@example.nl", "language": "en", "portal_access": "on"},
        )
    assert response.status_code == 302
    contact = Contact.objects.get(email="eva@example.nl")
    assert contact.user is not None and not contact.user.has_usable_password()
    assert len(mail.outbox) == 1
    invitation = mail.outbox[0]
    assert invitation.to == ["eva@example.nl"]
    assert "Invitation" in invitation.subject  # English, the contact's language
    assert "/wachtwoord/instellen/" in invitation.body


def test_an_email_that_is_already_someone_elses_login_is_refused_not_a_500(
    admin_browser, client_a, admin_staff
):
    """A contact's login is its e-mail address: inviting the address of a portal user of
    another accountancy environment (or of a staff member) used to end in a 500. Now the
    form says why, under the field, without naming the other firm's client, and nothing is
    saved; granting access to an existing contact with such an address is refused too.
    (The address of a contact of another organisation of the same environment is the same
    person's one login: tests/portal/test_shared_login.py.)"""
    elsewhere = factories.ContactFactory()  # of an organisation in another environment
    assert elsewhere.organisation.environment_id != client_a.organisation.environment_id
    taken = elsewhere.email
    elsewhere.user.username = taken  # invited contacts log in with their e-mail address
    elsewhere.user.save()
    admin_staff.username = "kantoor@example.nl"
    admin_staff.save()
    url = reverse("insite-contact-create", args=[client_a.organisation.pk])
    # The same addresses written in other capitals are the same logins.
    for email in (taken, "kantoor@example.nl", taken.upper(), "Kantoor@Example.NL"):
        response = admin_browser.post(
            url, {"name": "Eva", "email": email, "language": "nl", "portal_access": "on"}
        )
        assert response.status_code == 400
        assert response.context["contact_form"].errors["email"] == [
            "Dit e-mailadres is al de login van een andere portalgebruiker of medewerker. Eén "
            "persoon heeft één login; gebruik een ander e-mailadres voor deze contactpersoon."
        ]
        assert not Contact.objects.filter(organisation=client_a.organisation, name="Eva").exists()
        assert elsewhere.organisation.name not in response.content.decode()
    assert list(elsewhere.user.client_contacts.all()) == [elsewhere]

    # Without portal access the address is only an address: the contact is added.
    response = admin_browser.post(url, {"name": "Eva", "email": taken, "language": "nl"})
    assert response.status_code == 302
    eva = Contact.objects.get(organisation=client_a.organisation, name="Eva")
    access = reverse("insite-contact-access", args=[client_a.organisation.pk, eva.pk])
    response = admin_browser.post(access, {"grant": "1"}, follow=True)
    assert response.status_code == 200
    assert "Dit e-mailadres is al de login van een andere portalgebruiker" in (
        response.content.decode()
    )
    eva.refresh_from_db()
    assert not eva.portal_access and eva.user is None


def test_withdrawn_access_closes_outsite(admin_browser, browser_a, client_a, message_a):
    contact = client_a.user.client_contacts.get()
    url = reverse("insite-contact-access", args=[client_a.organisation.pk, contact.pk])
    assert admin_browser.post(url, {"grant": "0", "confirmed": "1"}).status_code == 302
    contact.refresh_from_db()
    assert not contact.portal_access
    assert browser_a.get(reverse("outsite-message", args=[message_a.pk])).status_code == 404


def test_admin_lists_every_setup_model(admin_client):
    for name in [
        "crm_organisation",
        "crm_contact",
        "crm_staffmember",
        "crm_accountancyenvironment",
        "connectors_appconnector",
        "connectors_clienttoken",
        "connectors_messagetype",
    ]:
        assert admin_client.get(reverse(f"admin:{name}_changelist")).status_code == 200, name
    # Tokens are issued in InSite (shown once there), never added in the admin.
    assert admin_client.get(reverse("admin:connectors_clienttoken_add")).status_code == 403


def test_token_with_an_end_date(admin_browser, client_a, connector):
    from datetime import date, timedelta

    end = date.today() + timedelta(days=30)
    response = _issue(
        admin_browser, connector, organisation=client_a.organisation.pk, expires_at=end.isoformat()
    )
    token = ClientToken.objects.get(token_hash=hash_token(response.context["new_tokens"][0]))
    assert token.expires_at is not None and token.expires_at.date() in (end, end - timedelta(1))
    past = admin_browser.post(
        reverse("insite-token-create", args=[connector.pk]),
        {"organisation": client_a.organisation.pk, "expires_at": "2000-01-01"},
    )
    assert past.status_code == 400


@pytest.mark.parametrize(
    "data, effect",
    [
        ({"name": "Boekhoudpakket", "blocked": "on", "commsvc": "on"}, "U blokkeert connector"),
        ({"name": "Boekhoudpakket"}, "de toegang tot CommSvcConnector af"),
    ],
    ids=["blocked", "no-commsvc"],
)
def test_closing_a_connector_asks_first_and_names_who_it_cuts_off(
    admin_browser, connector, client_a, client_b, api, data, effect
):
    """Ticking "Geblokkeerd" or unticking the CommSvcConnector access cuts off every client
    environment with a token of the connector (connectors.api, 403 connector_blocked): the
    first POST only asks "Weet u het zeker?" naming the organisations; the confirming POST
    (the form's values carried along) saves."""
    url = reverse("insite-connector", args=[connector.pk])
    response = admin_browser.post(url, data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Weet u het zeker?" in page and effect in page
    assert client_a.organisation.name in page and client_b.organisation.name in page
    connector.refresh_from_db()
    assert (connector.blocked, connector.commsvc) == (False, True)
    assert api(client_a.token).get("/api/v1/organisation/").status_code == 200

    confirmed = {
        name: value
        for name, value in re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', page)
    }
    assert confirmed["confirmed"] == "1"
    response = admin_browser.post(url, confirmed)
    assert response.status_code == 302
    connector.refresh_from_db()
    assert not (connector.commsvc and not connector.blocked)
    assert api(client_a.token).get("/api/v1/organisation/").status_code == 403


def test_opening_or_renaming_a_connector_needs_no_confirmation(admin_browser, connector):
    url = reverse("insite-connector", args=[connector.pk])
    response = admin_browser.post(url, {"name": "Nieuw", "commsvc": "on"})
    assert response.status_code == 302
    connector.refresh_from_db()
    assert connector.name == "Nieuw"
