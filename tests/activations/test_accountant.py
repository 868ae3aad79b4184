"""The activation "Communicatieconnector accordering OutSite" in both positions over every
affected InSite and OutSite page, the CommSvc API and the scheduled jobs; switching it in
the set-up page and the admin, with the change log; the set-up paths per role."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from connectors import services as connector_services
from connectors import tasks as connector_tasks
from connectors.models import ClientToken, MessageType
from crm.models import EnvironmentActivation, EnvironmentActivationChange
from kvk.status import Status
from tests import factories
from tests.conftest import instance_for, upload_payload
from tests.portal.conftest import browser_for, make_message
from workflow import tasks as workflow_tasks
from workflow.models import ApprovalMessage, Comment

NOT_ACTIVATED = 'id="not-activated"'

# (url name, arguments from the test's objects); every InSite page of the feature.
INSITE_GET = [
    ("insite-dashboard", lambda o: []),
    ("insite-messages", lambda o: []),
    ("insite-message", lambda o: [o["message"].pk]),
    ("insite-status", lambda o: [o["message"].pk]),
    ("insite-pdf", lambda o: [o["message"].pk]),
    ("insite-xbrl", lambda o: [o["message"].pk]),
    ("insite-connectors", lambda o: []),
    ("insite-connector", lambda o: [o["connector"].pk]),
    ("insite-message-types", lambda o: []),
    ("insite-message-type", lambda o: [o["message_type"].pk]),
]
OUTSITE_GET = [
    ("outsite-messages", lambda o: []),
    ("outsite-message", lambda o: [o["message"].pk]),
    ("outsite-status", lambda o: [o["message"].pk]),
    ("outsite-pdf", lambda o: [o["message"].pk]),
    ("outsite-xbrl", lambda o: [o["message"].pk]),
]


def _page(browser, switch, active: bool, url: str) -> bytes:
    """The page at ``url`` with the activation switched on or off: 200 when on, 403 when off."""
    switch(active)
    response = browser.get(url)
    assert response.status_code == (200 if active else 403)
    return response.content


@pytest.fixture
def objects(message_a, connector, message_type):
    return {"message": message_a, "connector": connector, "message_type": message_type}


@pytest.mark.parametrize("active", [True, False], ids=["on", "off"])
@pytest.mark.parametrize("name,args", INSITE_GET, ids=[n for n, _a in INSITE_GET])
def test_insite_pages(admin_browser, objects, switch, active, name, args):
    content = _page(admin_browser, switch, active, reverse(name, args=args(objects)))
    if active:
        assert NOT_ACTIVATED.encode() not in content
    else:
        html = content.decode()
        assert NOT_ACTIVATED in html
        assert "Communicatieconnector accordering OutSite" in html
        assert reverse("insite-setup") in html  # an administrator is sent to the switch


@pytest.mark.parametrize("active", [True, False], ids=["on", "off"])
@pytest.mark.parametrize("name,args", OUTSITE_GET, ids=[n for n, _a in OUTSITE_GET])
def test_outsite_pages(browser_a, objects, switch, active, name, args):
    content = _page(browser_a, switch, active, reverse(name, args=args(objects)))
    if not active:
        html = content.decode()
        assert NOT_ACTIVATED in html
        assert "neem contact op met uw accountant" in html
        assert objects["message"].organisation.environment.name in html


def test_a_client_reads_that_the_portal_is_off_in_plain_words(browser_a, message_a, switch):
    """An OutSite client is no administrator of the office's set-up: the page names no
    activation, and does not say "nog niet" to a client whose portal was on before."""
    switch(False)
    response = browser_a.get(reverse("outsite-message", args=[message_a.pk]))
    assert response.status_code == 403
    html = response.content.decode()
    assert "<h1>De klantportal is nu niet beschikbaar</h1>" in html
    assert "staat bij uw accountant" in html and "neem contact op met uw accountant" in html
    for jargon in ("Communicatieconnector", "activering", "functionaliteit", "nog niet"):
        assert jargon not in html.split('id="not-activated"')[1], jargon
    assert "Berichten die u al hebt verstuurd" not in html  # the client sent nothing


def test_worker_is_told_who_can_activate(staff_browser, admin_staff, message_a, switch):
    admin_staff.first_name, admin_staff.last_name = "Bea", "Beheer"
    admin_staff.save()
    switch(False)
    response = staff_browser.get(reverse("insite-dashboard"))
    html = response.content.decode()
    assert response.status_code == 403
    assert "Alleen een beheerder inrichting" in html and "Bea Beheer" in html
    assert reverse("insite-setup") not in html


@pytest.mark.parametrize("active", [True, False], ids=["on", "off"])
def test_insite_writes(admin_browser, client_a, objects, switch, active):
    """Comments, tokens, revocations and message types change only with the feature on."""
    switch(active)
    message, connector, message_type = (
        objects["message"],
        objects["connector"],
        objects["message_type"],
    )
    token = ClientToken.objects.get(organisation=client_a.organisation)
    responses = [
        admin_browser.post(reverse("insite-comment", args=[message.pk]), {"text": "Klopt"}),
        admin_browser.post(
            reverse("insite-token-create", args=[connector.pk]),
            {"organisation": client_a.organisation.pk},
        ),
        admin_browser.post(
            reverse("insite-token-revoke", args=[connector.pk, token.pk]), {"confirmed": "1"}
        ),
        admin_browser.post(
            reverse("insite-message-type", args=[message_type.pk]),
            {"name": "Anders", "blocked": "on", "workflow": message_type.workflow_id},
        ),
        admin_browser.post(reverse("insite-action", args=[message.pk, "review"])),
    ]
    token.refresh_from_db()
    message_type.refresh_from_db()
    if active:
        assert [r.status_code for r in responses[:4]] == [302, 302, 302, 302]
        assert responses[4].status_code != 403
        assert Comment.objects.filter(message=message).count() == 1
        assert ClientToken.objects.filter(organisation=client_a.organisation).count() == 2
        assert token.revoked_at is not None and message_type.blocked
    else:
        assert all(r.status_code == 403 for r in responses)
        assert not Comment.objects.filter(message=message).exists()
        assert ClientToken.objects.filter(organisation=client_a.organisation).count() == 1
        assert token.revoked_at is None and not message_type.blocked
        message.refresh_from_db()
        assert message.status == Status.IN_REVIEW


@pytest.mark.parametrize("active", [True, False], ids=["on", "off"])
def test_outsite_writes(browser_a, message_a, switch, active):
    switch(active)
    comment = browser_a.post(reverse("outsite-comment", args=[message_a.pk]), {"text": "Vraag"})
    reject = browser_a.post(
        reverse("outsite-action", args=[message_a.pk, "reject"]),
        {"reason": "Fout bedrag", "confirmed": "1"},
    )
    message_a.refresh_from_db()
    if active:
        assert (comment.status_code, reject.status_code) == (302, 302)
        assert message_a.status == Status.REJECTED
        assert Comment.objects.filter(message=message_a).count() == 1
    else:
        assert (comment.status_code, reject.status_code) == (403, 403)
        assert message_a.status == Status.IN_REVIEW
        assert not Comment.objects.filter(message=message_a).exists()


@pytest.mark.parametrize("active", [True, False], ids=["on", "off"])
def test_menu_items(admin_browser, browser_a, message_a, switch, active):
    switch(active)
    staff_page = admin_browser.get(reverse("insite-organisations")).content.decode()
    for name in [
        "insite-dashboard",
        "insite-messages",
        "insite-connectors",
        "insite-message-types",
    ]:
        assert (f'href="{reverse(name)}"' in staff_page) is active, name
    assert f'href="{reverse("insite-setup")}"' in staff_page  # the switch is always there
    assert f'href="{reverse("insite-organisations")}"' in staff_page  # the CRM stays
    client_page = browser_a.get(reverse("password_reset")).content.decode()
    assert (f'href="{reverse("outsite-messages")}"' in client_page) is active


def test_worker_never_sees_the_setup_menu(staff_browser, environment):
    page = staff_browser.get(reverse("insite-organisations")).content.decode()
    assert f'href="{reverse("insite-setup")}"' not in page


# --- the CommSvc API ----------------------------------------------------------------------


@pytest.mark.parametrize("active", [True, False], ids=["on", "off"])
def test_api_endpoints(api, client_a, message_a, switch, active):
    switch(active)
    client = api(client_a.token)
    payload = upload_payload(instance_for(client_a.kvk_number))
    responses = {
        "upload": client.post("/api/v1/messages/", payload, format="json"),
        "status": client.get(f"/api/v1/messages/{message_a.message_id}/"),
        "updates": client.get("/api/v1/messages/updates/"),
        "organisation": client.get("/api/v1/organisation/"),
    }
    if active:
        assert [r.status_code for r in responses.values()] == [201, 200, 200, 200]
        assert ApprovalMessage.objects.filter(message_id=payload["message_id"]).exists()
    else:
        # Switched off, nothing new is taken; a client still follows what it sent.
        upload = responses["upload"]
        assert upload.status_code == 403
        assert upload.json()["code"] == "feature_inactive"
        assert "Communicatieconnector accordering OutSite" in upload.json()["detail"]
        assert "aangeleverd" in upload.json()["detail"]
        reads = ("status", "updates", "organisation")
        assert [responses[name].status_code for name in reads] == [200, 200, 200]
        assert not ApprovalMessage.objects.filter(message_id=payload["message_id"]).exists()


def test_api_still_refuses_unknown_tokens_first(api, environment, switch):
    switch(False)
    assert api("dpn_onbekend").get("/api/v1/messages/updates/").status_code == 401


# --- scheduled jobs -----------------------------------------------------------------------


@pytest.mark.parametrize("active", [True, False], ids=["on", "off"])
def test_processing_job(client_a, client_b, switch, active, environment):
    """ "Externe berichten verwerken" skips an inactive environment; another environment's
    messages are processed meanwhile."""
    waiting = make_message(client_a, Status.RECEIVED)
    other_env = factories.EnvironmentFactory(activated=True)
    from tests.conftest import _client

    other = _client(other_env, factories.make_connector(other_env), "11112222")
    factories.make_message_type(other_env)
    elsewhere = make_message(other, Status.RECEIVED)
    switch(active)
    counts = connector_tasks.process_external_messages()
    waiting.refresh_from_db()
    elsewhere.refresh_from_db()
    assert elsewhere.status == Status.IN_REVIEW
    state = EnvironmentActivation.objects.get(environment=environment)
    if active:
        assert waiting.status == Status.IN_REVIEW and counts["claimed"] == 2
        assert state.last_processing_run_at is not None
    else:
        assert waiting.status == Status.RECEIVED and counts["claimed"] == 1
        assert state.last_processing_run_at is None


@pytest.mark.parametrize("active", [True, False], ids=["on", "off"])
def test_processing_kick_after_upload(client_a, switch, active):
    waiting = make_message(client_a, Status.RECEIVED)
    switch(active)
    connector_tasks.process_waiting_messages()
    waiting.refresh_from_db()
    assert waiting.status == (Status.IN_REVIEW if active else Status.RECEIVED)


@pytest.mark.parametrize("active", [True, False], ids=["on", "off"])
def test_resume_stuck_processing(client_a, switch, active):
    from workflow import services as workflow_services

    stuck = make_message(client_a, Status.RECEIVED)
    assert workflow_services.claim_for_processing(stuck.pk)
    ApprovalMessage.objects.filter(pk=stuck.pk).update(
        status_changed_at=timezone.now() - timedelta(hours=1)
    )
    switch(active)
    resumed = connector_services.resume_stuck_processing()
    stuck.refresh_from_db()
    assert resumed == (1 if active else 0)
    assert stuck.status == (Status.IN_REVIEW if active else Status.PROCESSING)


@pytest.mark.parametrize("active", [True, False], ids=["on", "off"])
def test_kvk_jobs(client_a, switch, active, monkeypatch, digipoort_settings, digipoort_stub):
    """The KvK status poll and the sweeper leave an inactive environment alone."""
    from workflow import submission

    sent = make_message(client_a, Status.APPROVED)
    assert submission.submit(sent.pk) == "delivered"
    stuck = make_message(client_a, Status.APPROVED, year=timezone.now().year - 2)
    ApprovalMessage.objects.filter(pk=stuck.pk).update(
        status_changed_at=timezone.now() - timedelta(hours=1), next_attempt_at=None
    )
    queued: list[int] = []
    monkeypatch.setattr(workflow_tasks.submit_to_kvk, "delay", queued.append)
    ApprovalMessage.objects.filter(pk=sent.pk).update(next_poll_at=timezone.now())
    polled: list[int] = []
    monkeypatch.setattr(
        submission, "poll_claimed", lambda message_id, kenmerk, **kw: polled.append(message_id)
    )
    switch(active)
    assert workflow_tasks.poll_kvk_statuses() == (1 if active else 0)
    assert polled == ([sent.pk] if active else [])
    swept = workflow_tasks.sweep_stuck_messages()
    assert queued == ([stuck.pk] if active else [])
    assert swept["submissions"] == (1 if active else 0)
    sent.refresh_from_db()
    stuck.refresh_from_db()
    assert (sent.status, stuck.status) == (Status.SENT_TO_KVK, Status.APPROVED)


def test_nothing_received_is_lost_or_changed_by_switching_off(client_a, switch):
    messages = [make_message(client_a), make_message(client_a, Status.RECEIVED)]
    before = list(ApprovalMessage.objects.order_by("pk").values())
    tokens_before = list(ClientToken.objects.values("pk", "revoked_at"))
    switch(False)
    connector_tasks.process_external_messages()
    assert list(ApprovalMessage.objects.order_by("pk").values()) == before
    assert list(ClientToken.objects.values("pk", "revoked_at")) == tokens_before
    switch(True)
    connector_tasks.process_external_messages()
    messages[1].refresh_from_db()
    assert messages[1].status == Status.IN_REVIEW  # waited, then processed


# --- switching: set-up page, admin, change log, roles ----------------------------------------


def test_new_environment_starts_off(db):
    environment = factories.EnvironmentFactory(activated=False)
    assert not EnvironmentActivation.objects.filter(environment=environment, active=True).exists()


def test_setup_page_switches_and_records(admin_browser, admin_staff, environment, message_type):
    page = admin_browser.get(reverse("insite-setup"))
    assert page.status_code == 200 and 'id="switch-off"' in page.content.decode()
    response = admin_browser.post(reverse("insite-setup"), {"active": "0", "confirmed": "1"})
    assert response.status_code == 302
    state = EnvironmentActivation.objects.get(environment=environment)
    assert not state.active and state.changed_by == admin_staff
    change = EnvironmentActivationChange.objects.get(environment=environment)
    assert (change.active, change.changed_by, change.source) == (False, admin_staff, "setup")
    assert change.changed_by_name == admin_staff.username
    # The same switch again records nothing; the other way records a second row.
    admin_browser.post(reverse("insite-setup"), {"active": "0", "confirmed": "1"})
    assert EnvironmentActivationChange.objects.filter(environment=environment).count() == 1
    admin_browser.post(reverse("insite-setup"), {"active": "1"})
    assert EnvironmentActivation.objects.get(environment=environment).active
    page = admin_browser.get(reverse("insite-setup")).content.decode()
    assert page.count("Inrichtingsscherm InSite") == 2 and admin_staff.username in page


def test_switching_off_asks_first_and_says_what_it_does(
    admin_browser, environment, client_a, client_b
):
    """ "Uitschakelen" blocks every client's uploads: the first POST only asks "Weet u het
    zeker?" and names the effect; Annuleren leaves it on; the confirming POST switches."""
    response = admin_browser.post(reverse("insite-setup"), {"active": "0"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Weet u het zeker?" in page
    # client_a and client_b each have an active token (tests/conftest.py).
    assert "de 2 organisaties met een actief token" in page
    assert 'name="confirmed" value="1"' in page and 'id="confirm-switch-off"' in page
    assert EnvironmentActivation.objects.get(environment=environment).active
    assert not EnvironmentActivationChange.objects.filter(environment=environment).exists()
    admin_browser.post(reverse("insite-setup"), {"active": "0", "confirmed": "1"})
    assert not EnvironmentActivation.objects.get(environment=environment).active
    # Switching on again needs no confirmation: it blocks nothing.
    assert admin_browser.post(reverse("insite-setup"), {"active": "1"}).status_code == 302
    assert EnvironmentActivation.objects.get(environment=environment).active


def test_setup_page_refuses_bad_input(admin_browser, environment):
    response = admin_browser.post(reverse("insite-setup"), {"active": "misschien"}, follow=True)
    assert "Kies aan of uit" in response.content.decode()
    assert not EnvironmentActivationChange.objects.filter(environment=environment).exists()


def test_setup_page_per_role(staff_browser, browser_a, outsider, environment):
    assert staff_browser.get(reverse("insite-setup")).status_code == 403
    assert staff_browser.post(reverse("insite-setup"), {"active": "0"}).status_code == 403
    assert browser_a.get(reverse("insite-setup")).status_code == 404
    assert EnvironmentActivation.objects.get(environment=environment).active


def test_setup_page_switches_only_the_own_environment(environment):
    other = factories.EnvironmentFactory(activated=True)
    other_admin = factories.StaffFactory(environment=other, role="admin").user
    browser_for(other_admin).post(reverse("insite-setup"), {"active": "0", "confirmed": "1"})
    assert EnvironmentActivation.objects.get(environment=environment).active
    assert not EnvironmentActivation.objects.get(environment=other).active


@pytest.mark.parametrize("active", [True, False], ids=["on", "off"])
def test_setup_paths_only_for_administrators(staff_browser, admin_browser, objects, switch, active):
    """After switching on, the set-up paths open for administrators, never for workers."""
    switch(active)
    for name, args in INSITE_GET[6:]:
        url = reverse(name, args=args(objects))
        worker = staff_browser.get(url)
        assert worker.status_code == 403 and NOT_ACTIVATED.encode() not in worker.content, name
        assert admin_browser.get(url).status_code == (200 if active else 403), name


def test_admin_switch_is_recorded(admin_client, admin_user, environment):
    state = EnvironmentActivation.objects.get(environment=environment)
    url = reverse("admin:crm_environmentactivation_change", args=[state.pk])
    assert admin_client.get(url).status_code == 200
    response = admin_client.post(url, {"active": ""})
    assert response.status_code == 302
    state.refresh_from_db()
    assert not state.active and state.changed_by == admin_user
    change = EnvironmentActivationChange.objects.get(environment=environment)
    assert (change.active, change.source, change.changed_by) == (False, "admin", admin_user)
    log = admin_client.get(reverse("admin:crm_environmentactivationchange_changelist"))
    assert log.status_code == 200 and environment.name in log.content.decode()
    assert admin_client.get(reverse("admin:crm_environmentactivationchange_add")).status_code == 403


def test_admin_add_switches_on_with_the_conversion(admin_client, admin_user, db):
    environment = factories.EnvironmentFactory(activated=False)
    response = admin_client.post(
        reverse("admin:crm_environmentactivation_add"),
        {"environment": environment.pk, "active": "on"},
    )
    assert response.status_code == 302
    assert EnvironmentActivation.objects.get(environment=environment).active
    change = EnvironmentActivationChange.objects.get(environment=environment)
    assert (change.active, change.changed_by) == (True, admin_user)
    # The conversion: the message type exists, blocked, until the administrator unblocks it.
    message_type = MessageType.objects.get(environment=environment)
    assert message_type.blocked and message_type.workflow is None


def test_checklist_links_only_after_switching_on(admin_browser, environment, switch):
    switch(False)
    page = admin_browser.get(reverse("insite-setup")).content.decode()
    assert 'id="check-organisation" data-done="0"' in page
    assert reverse("insite-organisation-create") not in page
    switch(True)
    page = admin_browser.get(reverse("insite-setup")).content.decode()
    assert reverse("insite-organisation-create") in page


def test_checklist_says_what_is_missing(admin_browser, environment, client_a, settings):
    page = admin_browser.get(reverse("insite-setup")).content.decode()
    # Fixtures: workflow linked, type unblocked, connector without a user group.
    assert 'id="check-workflow" data-done="1"' in page
    assert 'id="check-message_type" data-done="1"' in page
    assert 'id="check-connector" data-done="0"' in page
    assert 'id="check-processing_job" data-done="1"' in page
    assert "externe-berichten-verwerken" in page and "Nog niet gedraaid" in page
    settings.CELERY_BEAT_SCHEDULE = {}
    page = admin_browser.get(reverse("insite-setup")).content.decode()
    assert 'id="check-processing_job" data-done="0"' in page
    assert "niet in het schema" in page
