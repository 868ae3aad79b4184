"""The client side against the real portal API over HTTP (live_server)."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from clientside import services
from clientside.models import Administration, OutboundMessage
from clientside.portal_client import PortalClient, PortalError
from clientside.views import next_step
from config.dates import format_day
from connectors import services as connector_services
from connectors.models import ClientToken
from crm.models import Identification
from kvk.status import Status
from tests.clientside.conftest import make_environment
from workflow import services as workflow_services
from workflow.models import Actor, ApprovalMessage
from workflow.reasons import reason

pytestmark = pytest.mark.django_db(transaction=True)


def _statuses(message: OutboundMessage) -> list[int]:
    return [entry["status"] for entry in message.history]


def test_happy_path_to_30_and_a_later_status_is_mirrored(env_a, client_a):
    message = services.prepare(env_a.report)
    assert message.status == Status.PREPARED

    result = services.send_receive(env_a.administration)
    assert (result.sent, result.failed, result.errors) == (1, 0, [])
    message.refresh_from_db()
    assert message.status == Status.RECEIVED
    assert message.sent_at is not None
    portal_message = ApprovalMessage.objects.get(message_id=message.message_id)
    assert portal_message.organisation == client_a.organisation
    assert bytes(portal_message.received_document) == bytes(message.document)

    counts = connector_services.process_external_messages()
    assert counts["in_review"] == 1
    result = services.send_receive(env_a.administration)
    assert result.sent == 0 and result.errors == []
    message.refresh_from_db()
    assert message.status == Status.IN_REVIEW
    assert _statuses(message) == [Status.PREPARED, Status.RECEIVED, Status.IN_REVIEW]

    # The client rejects in OutSite: the client side learns it with the reason.
    workflow_services.reject(
        message_id=portal_message.pk,
        actor=Actor.for_user(client_a.user),
        reason="De voorraad klopt niet.",
    )
    result = services.send_receive(env_a.administration)
    assert result.updated == 1
    message.refresh_from_db()
    assert message.status == Status.REJECTED
    assert "De voorraad klopt niet." in str(message.reasons)

    # Repeating changes nothing and sends nothing.
    again = services.send_receive(env_a.administration)
    assert (again.sent, again.updated, again.errors) == (0, 0, [])
    assert ApprovalMessage.objects.count() == 1
    assert OutboundMessage.objects.get(pk=message.pk).history == message.history


def test_a_cursor_the_portal_does_not_know_reads_all_updates_again(env_a, client_a):
    """After the portal was restored from a backup its last change is older than the
    client's cursor; the portal answers cursor_ahead (connectors.api) and the client
    reads all changes again instead of stopping with an error."""
    message = services.prepare(env_a.report)
    services.send_receive(env_a.administration)
    connector_services.process_external_messages()
    profile = env_a.administration.communication_profile
    profile.updates_cursor = 10**12
    profile.save(update_fields=["updates_cursor"])

    result = services.send_receive(env_a.administration)

    assert result.errors == [] and result.updated == 1
    message.refresh_from_db()
    assert message.status == Status.IN_REVIEW
    profile.refresh_from_db()
    assert 0 < profile.updates_cursor < 10**12


def test_portal_unreachable_gives_5_and_a_later_send_makes_exactly_one_message(
    env_a, closed_port_url, portal_url
):
    message = services.prepare(env_a.report)
    env_a.profile.portal_url_override = closed_port_url
    env_a.profile.save()

    result = services.send_receive(env_a.administration)
    assert (result.sent, result.failed) == (0, 1)
    assert "niet bereikbaar" in result.errors[0]
    message.refresh_from_db()
    assert message.status == Status.SEND_FAILED
    assert message.reasons[0]["code"] == "unreachable"
    assert ApprovalMessage.objects.count() == 0
    document = bytes(message.document)

    env_a.profile.portal_url_override = portal_url
    env_a.profile.save()
    result = services.send_receive(env_a.administration)
    assert (result.sent, result.failed, result.errors) == (1, 0, [])
    message.refresh_from_db()
    assert message.status == Status.RECEIVED
    assert message.reasons == []
    assert bytes(message.document) == document
    assert ApprovalMessage.objects.filter(message_id=message.message_id).count() == 1
    assert _statuses(message) == [Status.PREPARED, Status.SEND_FAILED, Status.RECEIVED]


def test_answer_lost_after_the_portal_registered_makes_no_second_message(env_a, monkeypatch):
    """The upload reaches the portal but its answer never arrives: the message goes to 5,
    the status updates of the same run tell the truth (10), and retrying the upload with
    the same message id returns the portal's existing message."""
    message = services.prepare(env_a.report)
    real_upload = PortalClient.upload

    def upload_then_lose_answer(self, **kwargs):
        real_upload(self, **kwargs)
        raise PortalError("timeout", "Het portal antwoordt niet op tijd.", retryable=True)

    monkeypatch.setattr(PortalClient, "upload", upload_then_lose_answer)
    result = services.send_receive(env_a.administration)
    assert (result.sent, result.failed, result.updated) == (0, 1, 1)
    message.refresh_from_db()
    assert _statuses(message) == [Status.PREPARED, Status.SEND_FAILED, Status.RECEIVED]
    assert ApprovalMessage.objects.count() == 1

    # An explicit retry of the same upload (as after a crash) is answered with the same
    # portal message.
    monkeypatch.setattr(PortalClient, "upload", real_upload)
    body = services.client_for(env_a.profile).upload(
        message_id=message.message_id,
        message_type=message.message_type,
        filename=message.filename,
        content=bytes(message.document),
    )
    assert body["status"] == Status.RECEIVED
    assert ApprovalMessage.objects.count() == 1


def test_revoked_token_gives_5_with_that_reason(env_a, client_a):
    message = services.prepare(env_a.report)
    connector_services.revoke_token(
        token=ClientToken.objects.get(organisation=client_a.organisation)
    )

    result = services.send_receive(env_a.administration)
    assert result.failed == 1
    message.refresh_from_db()
    assert message.status == Status.SEND_FAILED
    assert message.reasons[0]["code"] == "token_revoked"
    assert "ingetrokken" in message.reasons[0]["message"]
    assert ApprovalMessage.objects.count() == 0


def test_kvk_number_mismatch_is_mirrored_as_25_and_new_documents_can_follow(
    client_a, client_b, portal_url
):
    # Documents prepared with client B's KvK number; then the administration is corrected to
    # client A's, whose token it holds, and the older document is sent all the same.
    env = make_environment(
        kvk_number=client_b.kvk_number, token=client_a.token, portal_url=portal_url
    )
    message = services.prepare(env.report)
    env.administration.kvk_number = client_a.kvk_number
    env.administration.save()
    services.send_receive(env.administration)
    connector_services.process_external_messages()
    result = services.send_receive(env.administration)
    assert result.errors == []
    message.refresh_from_db()
    assert message.status == Status.PROCESSING_FAILED
    assert "kvk_number_not_yours" in [r["code"] for r in message.reasons]
    assert client_b.kvk_number in message.reasons[0]["message"]

    # After 25 the client prepares new documents for the same report.
    second = services.prepare(env.report)
    assert second.pk != message.pk and second.status == Status.PREPARED
    services.send_receive(env.administration)
    connector_services.process_external_messages()
    services.send_receive(env.administration)
    second.refresh_from_db()
    assert second.status == Status.IN_REVIEW


# A token issued for another organisation (clientside.services.test_connection and
# send_receive, connectors.api.OrganisationView): pasted into the wrong administration it
# would send one company's accounts to another.


def _other_organisations_token(client_a, client_b, portal_url):
    """Client A's administration holding the token issued for client B."""
    return make_environment(
        kvk_number=client_a.kvk_number, token=client_b.token, portal_url=portal_url
    )


def test_test_connection_refuses_a_token_of_another_organisation(client_a, client_b, portal_url):
    env = _other_organisations_token(client_a, client_b, portal_url)
    outcome = services.test_connection(env.profile)
    assert outcome.ok is False
    assert outcome.message == (
        f"Dit token hoort bij een organisatie met KvK-nummer {client_b.kvk_number}, niet bij "
        f"{client_a.kvk_number} van deze administratie. Is {client_a.kvk_number} verkeerd "
        "ingevuld, herstel het dan bij 'KvK-gegevens wijzigen'; anders: vraag uw accountant "
        "om het juiste token."
    )
    env.profile.refresh_from_db()
    assert env.profile.last_test_ok is False
    assert env.profile.last_test_message == outcome.message


def test_send_refuses_a_token_of_another_organisation(client_a, client_b, portal_url):
    """The document never leaves: nothing is registered at the portal, the message waits
    at 5 with the reason, and once the right token is in it goes through."""
    env = _other_organisations_token(client_a, client_b, portal_url)
    message = services.prepare(env.report)
    result = services.send_receive(env.administration)
    assert (result.sent, result.failed) == (0, 1)
    assert f"KvK-nummer {client_b.kvk_number}, niet bij {client_a.kvk_number}" in result.errors[0]
    message.refresh_from_db()
    assert message.status == Status.SEND_FAILED and message.sent_at is None
    assert [r["code"] for r in message.reasons] == ["token_of_another_organisation"]
    assert ApprovalMessage.objects.count() == 0
    # Never offered to the portal, so the report can be prepared again (a review found
    # "Klaarzetten" refused, as if the message might have reached the portal).
    message = services.prepare(env.report)
    assert message.status == Status.PREPARED

    services.set_token(profile=env.profile, token=client_a.token)
    result = services.send_receive(Administration.objects.get(pk=env.administration.pk))
    assert (result.sent, result.failed, result.errors) == (1, 0, [])
    assert ApprovalMessage.objects.get().organisation == client_a.organisation


@pytest.mark.parametrize(
    ("setup", "expected"),
    [
        ("ok", "werkt"),
        ("unreachable", "niet bereikbaar"),
        ("unknown_token", "Het token wordt geweigerd"),
        ("revoked", "Het token is ingetrokken"),
        ("connector_blocked", "De connector is geblokkeerd"),
        ("not_a_portal", "antwoordt geen accountancyportal"),
        ("profile_blocked", "geblokkeerd"),
    ],
)
def test_test_connection_says_precisely_what_is_wrong(
    env_a, client_a, connector, closed_port_url, portal_url, setup, expected
):
    profile = env_a.profile
    if setup == "unreachable":
        profile.portal_url_override = closed_port_url
    elif setup == "unknown_token":
        profile.token = "dpn_not-a-real-token"
    elif setup == "revoked":
        connector_services.revoke_token(
            token=ClientToken.objects.get(organisation=client_a.organisation)
        )
    elif setup == "connector_blocked":
        connector.blocked = True
        connector.save()
    elif setup == "not_a_portal":
        profile.portal_url_override = portal_url + "/geen-portal"
    elif setup == "profile_blocked":
        profile.blocked = True
    profile.save()

    outcome = services.test_connection(profile)
    assert outcome.ok is (setup == "ok")
    assert expected in outcome.message
    profile.refresh_from_db()
    assert profile.last_test_ok is outcome.ok
    assert profile.last_test_message == outcome.message
    assert ApprovalMessage.objects.count() == 0


def _adopt_and_approve(portal_message: ApprovalMessage, actor: Actor) -> None:
    """The client adopts today and approves the message in the portal (to 50)."""
    workflow_services.adopt(message_id=portal_message.pk, actor=actor, adoption_date=date.today())
    portal_message.refresh_from_db()
    workflow_services.approve(
        message_id=portal_message.pk, actor=actor, document_sha256=portal_message.document_sha256
    )


def test_the_adoption_date_set_in_the_portal_comes_back_with_the_status(env_a, client_a):
    message = services.prepare(env_a.report)
    services.send_receive(env_a.administration)
    connector_services.process_external_messages()
    portal_message = ApprovalMessage.objects.get(message_id=message.message_id)
    _adopt_and_approve(portal_message, Actor.for_user(client_a.user))
    services.send_receive(env_a.administration)
    message.refresh_from_db()
    assert message.status == Status.APPROVED
    assert message.adoption_date == date.today()


def test_documents_the_client_rejected_sent_again_unchanged_are_refused_with_the_reason(
    env_a, client_a
):
    """The portal refuses a copy of documents its client rejected (40) at upload
    (workflow.services.duplicates): the message stays at 5 with the portal's reason in
    Dutch, and "Klaarzetten" may replace it once the report is changed."""
    first = services.prepare(env_a.report)
    services.send_receive(env_a.administration)
    connector_services.process_external_messages()
    original = ApprovalMessage.objects.get(message_id=first.message_id)
    workflow_services.reject(
        message_id=original.pk, actor=Actor.for_user(client_a.user), reason="Nog niet."
    )
    services.send_receive(env_a.administration)

    # Nothing changed: "Klaarzetten" says so (test_walk_h6); a copy prepared before it did
    # (an earlier release) is what the portal refuses.
    with pytest.raises(services.PrepareError, match="Er is niets veranderd"):
        services.prepare(env_a.report)
    copy = _prepared_copy(first)
    result = services.send_receive(env_a.administration)

    assert (result.sent, result.failed) == (0, 1)
    copy.refresh_from_db()
    assert copy.status == Status.SEND_FAILED
    assert [(r["code"], r["kind"]) for r in copy.reasons] == [("duplicate_document", "rejected")]
    reason = copy.reasons[0]["message"]
    assert reason.startswith("Het accountancyportal neemt deze stukken niet nog een keer aan:")
    # The original by the day it was received, not its message id (a UUID).
    assert _received(original) in reason and "Afgekeurd door cliënt" in reason
    assert str(first.message_id) not in reason
    assert "Klaarzetten accountancyportal" in reason
    assert "Dit bericht wordt daarom niet opnieuw verzonden." in reason
    assert ApprovalMessage.objects.count() == 1  # the portal stored nothing

    # Sending the same documents again cannot help: later runs leave the message alone
    # (no upload, no failure) until the report is prepared again.
    history = copy.history
    again = services.send_receive(env_a.administration)
    assert (again.sent, again.failed, again.errors) == (0, 0, [])
    copy.refresh_from_db()
    assert (copy.status, copy.history, copy.sent_at) == (Status.SEND_FAILED, history, None)
    step, link = next_step(env_a.administration)
    assert "heeft deze stukken al" in step and "Klaarzetten accountancyportal" in step
    assert link == reverse("clientside:report", args=[env_a.report.pk])
    # The page the reason sends the client to offers that button (it is not "under way").
    page = _browser_for_report().get(link).content.decode()
    assert 'id="prepare"' in page
    assert "Er loopt al een bericht voor dit jaarrapport" not in page

    # Changed documents replace the refused message; the portal takes them.
    env_a.report.signing_place = "Zwolle"
    env_a.report.save()
    corrected = services.prepare(env_a.report)
    assert not OutboundMessage.objects.filter(pk=copy.pk).exists()
    assert bytes(corrected.document) != bytes(first.document)
    assert services.send_receive(env_a.administration).sent == 1
    corrected.refresh_from_db()
    assert corrected.status == Status.RECEIVED


def test_a_copy_of_filed_documents_says_they_are_filed_not_to_prepare_again(env_a, client_a):
    """The portal has these documents filed (80) in a message of its own (sent from
    elsewhere): its 409 says kind "filed", and the client environment says that nothing
    more is needed and a correction is a heraanlevering (KVK-SBR.md §1: "A filed document
    is never removed. A correction is a new filing: either a *heraanlevering* ..."), never
    to prepare the same report again."""
    import uuid

    copy = services.prepare(env_a.report)
    services.client_for(env_a.profile).upload(
        message_id=uuid.uuid4(),
        message_type=copy.message_type,
        filename=copy.filename,
        content=bytes(copy.document),
    )
    filed = ApprovalMessage.objects.get()
    # Filed, its document approved (as the status machine would have it).
    ApprovalMessage.objects.filter(pk=filed.pk).update(
        status=Status.FILED, approved_sha256=filed.document_sha256
    )

    result = services.send_receive(env_a.administration)

    assert (result.sent, result.failed) == (0, 1)
    copy.refresh_from_db()
    assert copy.status == Status.SEND_FAILED and services.refused_as_copy(copy)
    assert [(r["code"], r["kind"]) for r in copy.reasons] == [("duplicate_document", "filed")]
    reason = copy.reasons[0]["message"]
    assert _received(filed) in reason and "er hoeft niets meer te gebeuren" in reason
    assert str(filed.message_id) not in reason
    assert "Klaarzetten" not in reason
    step, link = next_step(env_a.administration)
    assert "al bij de KvK gedeponeerd" in step and "heraanlevering" in step
    assert "Klaarzetten" not in step
    assert link == reverse("clientside:report", args=[env_a.report.pk])
    assert ApprovalMessage.objects.count() == 1  # the portal stored nothing


def test_repair_after_a_refused_copy_follows_the_repaired_message(env_a, client_a, staff):
    """The client rejects message A (40); the same documents prepared again (B) are refused
    as a copy, and the portal says to ask the accountant to put A back into the workflow
    (KVK-SBR.md §2: "40 | rejected by the client (can be put back into the workflow)").
    Once the accountant did and A is at 30 here too, B no longer drives the next step or
    "Klaarzetten": it stays listed as refused, and A is followed to the end."""
    first = services.prepare(env_a.report)
    services.send_receive(env_a.administration)
    connector_services.process_external_messages()
    original = ApprovalMessage.objects.get(message_id=first.message_id)
    client_actor = Actor.for_user(client_a.user)
    workflow_services.reject(message_id=original.pk, actor=client_actor, reason="Nog niet.")
    services.send_receive(env_a.administration)
    copy = _prepared_copy(first)
    assert services.send_receive(env_a.administration).failed == 1
    copy.refresh_from_db()
    assert services.refused_as_copy(copy)

    workflow_services.repair(
        message_id=original.pk,
        actor=Actor.for_user(staff),
        reason="De afkeuring was een vergissing",
    )
    result = services.send_receive(env_a.administration)

    assert (result.sent, result.failed, result.updated, result.errors) == (0, 0, 1, [])
    first.refresh_from_db()
    copy.refresh_from_db()
    assert first.status == Status.IN_REVIEW
    # The copy keeps its status and reason (the portal refused it), marked superseded.
    assert copy.status == Status.SEND_FAILED and services.refused_as_copy(copy)
    assert copy.superseded_at is not None
    assert services.open_message(env_a.report) == first
    step, _link = next_step(env_a.administration)
    assert "ter beoordeling" in step and "heeft deze stukken al" not in step
    # "Klaarzetten" no longer replaces the copy: A is under way.
    with pytest.raises(services.PrepareError, match="Er loopt al een bericht"):
        services.prepare(env_a.report)
    assert OutboundMessage.objects.filter(pk=copy.pk).exists()

    # The report page lists the copy as superseded and advises by A.
    browser = _browser_for_report()
    page = browser.get(reverse("clientside:report", args=[env_a.report.pk])).content.decode()
    assert "Vervallen: het accountancyportal behandelt het eerdere bericht" in page
    assert 'id="nieuwe-stukken"' not in page

    # A goes on to its end; the copy stays where it is.
    original.refresh_from_db()
    _adopt_and_approve(original, client_actor)
    services.send_receive(env_a.administration)
    first.refresh_from_db()
    assert first.status == Status.APPROVED
    step, _link = next_step(env_a.administration)
    assert "onderweg (status 50" in step
    assert OutboundMessage.objects.get(pk=copy.pk).status == Status.SEND_FAILED


def _prepared_copy(message: OutboundMessage) -> OutboundMessage:
    """``message``'s very documents prepared again, as before "Klaarzetten" refused
    documents unchanged since a rejection: what the portal refuses as a copy."""
    document = bytes(message.document)
    return OutboundMessage.objects.create(
        administration=message.administration,
        report=message.report,
        filename=message.filename,
        document=document,
        document_sha256=message.document_sha256,
        history=[{"status": Status.PREPARED, "at": timezone.now().isoformat()}],
    )


def _received(original: ApprovalMessage) -> str:
    """How the portal names ``original`` in a copy's refusal: "in het bericht van" the day
    it was received."""
    return f"in het bericht van {format_day(timezone.localdate(original.created_at))}"


def _browser_for_report():
    from django.test import Client as BrowserClient

    from tests.clientside.test_screens import ALL_PERMISSIONS, user_with

    browser = BrowserClient()
    browser.force_login(user_with(*ALL_PERMISSIONS))
    return browser


def test_after_a_new_kvk_number_a_new_version_replaces_the_message_stopped_at_70(env_a, client_a):
    """The company is registered anew under another KvK number after it approved its
    accounts: the portal stops the approved message at 70 (the KvK files accounts only
    under the number they contain, KVK-SBR.md section 3). The client environment, with the
    new number in the administration, prepares and sends a new version, which the portal
    takes and which replaces the stopped message (it ends at 25 here too)."""
    old = services.prepare(env_a.report)
    services.send_receive(env_a.administration)
    connector_services.process_external_messages()
    stopped = ApprovalMessage.objects.get(message_id=old.message_id)
    actor = Actor.for_user(client_a.user)
    workflow_services.adopt(message_id=stopped.pk, actor=actor, adoption_date=date.today())
    stopped.refresh_from_db()
    workflow_services.approve(
        message_id=stopped.pk, actor=actor, document_sha256=stopped.document_sha256
    )
    new_number = "11223344"
    Identification.objects.filter(organisation=client_a.organisation, kind="kvk").update(
        value=new_number
    )
    # What the delivery does with it (workflow.submission: verify_document refuses it).
    workflow_services.record_transport_error(
        message_id=stopped.pk, reasons=[reason("kvk_number_changed")], retry=False
    )
    env_a.administration.kvk_number = new_number
    env_a.administration.save()
    services.send_receive(env_a.administration)
    old.refresh_from_db()
    assert old.status == Status.TRANSPORT_ERROR
    text, link = next_step(env_a.administration)
    assert "nieuwe versie met het nieuwe KvK-nummer" in text and link.endswith("#nieuwe-stukken")

    new = services.prepare(env_a.report)
    assert new.pk != old.pk
    services.send_receive(env_a.administration)
    connector_services.process_external_messages()
    services.send_receive(env_a.administration)
    new.refresh_from_db()
    old.refresh_from_db()
    assert new.status == Status.IN_REVIEW
    assert old.status == Status.PROCESSING_FAILED
    replacing = ApprovalMessage.objects.get(message_id=new.message_id)
    assert replacing.replaces_id == stopped.pk
    # The reason names the new version by the day the portal received it, not by its UUID.
    received_on = format_day(timezone.localdate(replacing.created_at))
    assert f"ontvangen, op {received_on}" in old.reasons[0]["message"]
    assert str(new.message_id) not in old.reasons[0]["message"]
