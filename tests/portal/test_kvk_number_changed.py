"""A document is never delivered under another KvK number than its own.

Source: KVK-SBR.md section 3, "entity identifier scheme http://www.kvk.nl/kvk-id with the
8-digit KvK number": the KvK number is in the document, and the KvK files annual accounts
only under the number they contain (section 2 names the failure "the KvK number in the XBRL
does not match the client record"); section 5: a delivery goes to Digipoort under
identiteitBelanghebbende{nummer, type KvK}, the organisation's number. When the
organisation's KvK number changes after its document was made, approving that document is
refused, and so is delivering it (a message approved before the change), with a sentence in
the reader's language instead of a delivery under the new number.
"""

from __future__ import annotations

import html
from datetime import date

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from crm import services as crm_services
from crm.models import Identification
from kvk.status import Status
from tests.portal.conftest import browser_for, make_message
from workflow import reasons as catalogue
from workflow import services, submission
from workflow.errors import SENTENCES, Invalid
from workflow.models import Actor, ApprovalMessage, StatusEvent

pytestmark = pytest.mark.django_db

NEW_NUMBER = "11223344"


@pytest.fixture(autouse=True)
def _no_second_factor(settings):
    settings.OTP_REQUIRED_FOR_STAFF = False  # these pages are about the refusal


def sentence(key: str, old: str, language: str) -> str:
    with translation.override(language):
        return str(SENTENCES[key]) % {"document": old, "organisation": NEW_NUMBER}


@pytest.mark.parametrize("language", ["nl", "en"])
def test_approving_a_document_with_the_old_number_is_refused(
    language, client_a, admin_staff, digipoort_stub
):
    message = make_message(client_a)  # at 30, its document names client A's number
    services.adopt(
        message_id=message.pk, actor=Actor.for_user(client_a.user), adoption_date=date.today()
    )
    message.refresh_from_db()
    crm_services.change_identification(
        organisation_id=client_a.organisation.pk, kind="kvk", value=NEW_NUMBER, user=admin_staff
    )
    browser = browser_for(client_a.user)
    browser.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    with translation.override(None):
        response = browser.post(
            reverse("outsite-action", args=[message.pk, "approve"]),
            {"document_sha256": message.document_sha256, "confirmed": "1"},
            follow=True,
        )
    assert response.status_code == 200
    expected = sentence("kvk_number_changed:approve", client_a.kvk_number, language)
    assert expected in response.content.decode()
    message.refresh_from_db()
    assert message.status == Status.IN_REVIEW and not message.approved_sha256
    assert not message.events.filter(action__in=["approved", "approval_given"]).exists()
    assert digipoort_stub.state.all() == []


def approved_then_changed(client) -> int:
    """A message approved under the organisation's KvK number, after which the number
    changed. InSite and the Django admin refuse that change while a message is on its way to
    the KvK (crm.services.check_not_on_the_way; test_the_admin_refuses_the_change_too), and
    approval locks the organisation row; a database changed by hand, or a release before
    that check, does not pass through it."""
    message = make_message(client, Status.APPROVED)
    Identification.objects.filter(organisation=client.organisation, kind="kvk").update(
        value=NEW_NUMBER
    )
    return message.pk


def test_a_message_approved_before_the_change_is_not_delivered(
    client_a, staff, digipoort_stub, digipoort_settings
):
    pk = approved_then_changed(client_a)
    assert submission.submit(pk) == "refused_locally"
    assert digipoort_stub.state.all() == [], "nothing went to Digipoort, under any number"

    message = ApprovalMessage.objects.get(pk=pk)
    assert message.status == Status.TRANSPORT_ERROR
    assert message.next_attempt_at is None, "no automatic attempt: sending cannot help"
    (reason,) = message.reasons
    assert reason["code"] == "kvk_number_changed"
    assert reason["message"] == catalogue.reason("kvk_number_changed")["message"]
    assert client_a.kvk_number in reason["detail"] and NEW_NUMBER in reason["detail"]
    event = StatusEvent.objects.get(message_id=pk, action="transport_error")
    assert event.reasons == message.reasons

    # "Opnieuw verzenden" is refused too, saying what to do.
    with translation.override(None):
        response = browser_for(staff).post(
            reverse("insite-resend", args=[pk]), {"confirmed": "1"}, follow=True
        )
    assert sentence("kvk_number_changed", client_a.kvk_number, "nl") in response.content.decode()
    assert ApprovalMessage.objects.get(pk=pk).next_attempt_at is None
    assert digipoort_stub.state.all() == []


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_refusal_reads_in_the_readers_language(
    language, client_a, staff, digipoort_stub, digipoort_settings
):
    pk = approved_then_changed(client_a)
    assert submission.submit(pk) == "refused_locally"
    with translation.override(language):
        expected = str(catalogue.TRANSPORT["kvk_number_changed"])
    for browser, name in (
        (browser_for(client_a.user), "outsite-message"),
        (browser_for(staff), "insite-message"),
    ):
        browser.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        with translation.override(None):
            page = browser.get(reverse(name, args=[pk])).content.decode()
        assert expected in html.unescape(page)  # the English has an apostrophe


def test_the_change_page_says_the_message_can_no_longer_be_approved(admin_browser, client_a):
    make_message(client_a)  # at 30
    page = admin_browser.post(
        reverse("insite-identification-change", args=[client_a.organisation.pk]),
        {"kind": "kvk", "value": NEW_NUMBER},
    ).content.decode()
    assert "kan het niet meer worden goedgekeurd of verzonden" in page
    assert "wordt het ingediend onder het KvK-nummer dat de organisatie dan heeft" not in page


def test_the_admin_refuses_the_change_too(rf, client_a, admin_user):
    """The Django admin's identification numbers follow InSite's rule: no KvK change while
    a message is on its way to the KvK (50, 60, 70)."""
    from django.contrib import admin

    from portal.admin import IdentificationInline

    organisation = client_a.organisation
    make_message(client_a, Status.APPROVED)
    kvk = Identification.objects.get(organisation=organisation, kind="kvk")
    request = rf.post("/")
    request.user = admin_user  # a superuser: the admin shows him the fields
    formset_class = IdentificationInline(type(organisation), admin.site).get_formset(
        request, organisation
    )
    prefix = formset_class.get_default_prefix()
    data = {
        f"{prefix}-TOTAL_FORMS": "1",
        f"{prefix}-INITIAL_FORMS": "1",
        f"{prefix}-0-id": str(kvk.pk),
        f"{prefix}-0-organisation": str(organisation.pk),
        f"{prefix}-0-kind": "kvk",
        f"{prefix}-0-value": NEW_NUMBER,
    }
    changed = formset_class(data, instance=organisation, prefix=prefix)
    assert not changed.is_valid()
    assert "onderweg naar de KvK" in " ".join(changed.non_form_errors())
    removed = formset_class(
        {**data, f"{prefix}-0-value": kvk.value, f"{prefix}-0-DELETE": "on"},
        instance=organisation,
        prefix=prefix,
    )
    assert not removed.is_valid()
    # Unchanged, the form is valid; with nothing on its way the change goes through.
    assert formset_class(
        {**data, f"{prefix}-0-value": kvk.value}, instance=organisation, prefix=prefix
    ).is_valid()
    # With nothing on its way (test set-up: the message filed), the change goes through.
    ApprovalMessage.objects.filter(organisation=organisation).update(status=Status.FILED)
    assert formset_class(data, instance=organisation, prefix=prefix).is_valid()


# --- before approval: the pages say it, and offer no approval that will be refused ------------


def adopted_then_changed(client, admin_staff) -> ApprovalMessage:
    """A message at 30, adopted, its document naming the client's KvK number; then InSite
    changes the organisation's number (allowed: nothing is on its way)."""
    message = make_message(client)
    services.adopt(
        message_id=message.pk, actor=Actor.for_user(client.user), adoption_date=date.today()
    )
    crm_services.change_identification(
        organisation_id=client.organisation.pk, kind="kvk", value=NEW_NUMBER, user=admin_staff
    )
    message.refresh_from_db()
    return message


def test_the_client_is_told_before_approving_and_gets_no_approve_button(client_a, admin_staff):
    """KVK-SBR.md section 3: the KvK files accounts only under the number they contain; the
    client reads why before pressing "Goedkeuren" (which review.approve refuses) and what
    to do, and no approve button is offered. Rejecting stays possible."""
    message = adopted_then_changed(client_a, admin_staff)
    with translation.override("nl"):
        page = browser_for(client_a.user).get(reverse("outsite-message", args=[message.pk]))
    text = html.unescape(page.content.decode())
    assert 'id="kvk-number-changed"' in text
    assert f"Deze jaarrekening vermeldt KvK-nummer {client_a.kvk_number}" in text
    assert f"nu bekend onder KvK-nummer {NEW_NUMBER}" in text
    assert "stuur vanuit uw administratie een nieuwe versie met dat KvK-nummer" in text
    assert "vraag uw accountant dan het KvK-nummer van uw organisatie te corrigeren" in text
    assert 'id="approve"' not in text and 'id="approval-blocked"' in text
    assert 'id="reject"' in text


def test_with_the_right_number_the_client_approves_as_before(client_a):
    message = make_message(client_a)
    services.adopt(
        message_id=message.pk, actor=Actor.for_user(client_a.user), adoption_date=date.today()
    )
    page = browser_for(client_a.user).get(reverse("outsite-message", args=[message.pk]))
    text = page.content.decode()
    assert 'id="approve"' in text
    assert 'id="kvk-number-changed"' not in text and 'id="approval-blocked"' not in text


def test_the_staff_see_it_on_the_message_with_the_way_out(client_a, admin_staff, staff):
    message = adopted_then_changed(client_a, admin_staff)
    with translation.override("nl"):
        page = browser_for(staff).get(reverse("insite-message", args=[message.pk]))
    text = html.unescape(page.content.decode())
    assert f"Het document vermeldt KvK-nummer {client_a.kvk_number}" in text
    assert f"heeft nu KvK-nummer {NEW_NUMBER}" in text
    assert "de cliënt deze versie niet goedkeuren" in text
    assert "corrigeer dan het KvK-nummer van de organisatie" in text
    identifications = reverse("insite-organisation", args=[client_a.organisation.pk])
    assert f'href="{identifications}#identifications"' in text


def test_for_a_rejected_message_the_staff_are_told_to_put_it_back_first(
    client_a, admin_staff, staff
):
    """At 40 the client can approve only after the staff put the message back into the
    workflow ("Berichtstatus herstellen", KVK-SBR.md section 2)."""
    message = adopted_then_changed(client_a, admin_staff)
    services.reject(message_id=message.pk, actor=Actor.for_user(client_a.user), reason="Fout")
    with translation.override("nl"):
        page = browser_for(staff).get(reverse("insite-message", args=[message.pk]))
    text = html.unescape(page.content.decode())
    assert 'kies daarna "Berichtstatus herstellen"; dan kan de cliënt' in text
    assert "daarna kan de cliënt deze versie goedkeuren" not in text


def test_the_list_does_not_read_the_documents(client_a, admin_staff, monkeypatch):
    """The KvK numbers are compared on the detail page only: a list parses no document."""
    adopted_then_changed(client_a, admin_staff)

    def no_parse(*args, **kwargs):
        raise AssertionError("a list page parsed a document")

    monkeypatch.setattr("workflow.services.delivery.parse_instance", no_parse)
    assert browser_for(client_a.user).get(reverse("outsite-messages")).status_code == 200


# --- a 70 stopped for the changed number: restore the number, send again -----------------------


def stopped_at_70(client) -> int:
    """A message approved under the organisation's number, whose number then changed (as
    approved_then_changed), which the delivery stopped at 70 (kvk_number_changed)."""
    pk = approved_then_changed(client)
    assert submission.submit(pk) == "refused_locally"
    return pk


def restored_and_sent_again(client, admin_staff) -> int:
    """A stopped 70 (stopped_at_70) after InSite restored the number its document carries
    and a staff member chose "Opnieuw verzenden": its attempt is queued."""
    pk = stopped_at_70(client)
    restore_number(client, admin_staff)
    services.resend(message_id=pk, actor=Actor.for_user(admin_staff))
    return pk


def restore_number(client, admin_staff) -> None:
    """InSite puts back the KvK number the client's documents carry (a typing error
    corrected)."""
    crm_services.change_identification(
        organisation_id=client.organisation.pk,
        kind="kvk",
        value=client.kvk_number,
        user=admin_staff,
    )


def test_the_number_can_be_restored_and_the_message_sent_again(
    client_a, admin_staff, digipoort_stub, digipoort_settings
):
    """The stopped 70 travels no more, so it does not hold the KvK number: staff restore
    the number its document carries and "Opnieuw verzenden" delivers it under that
    number, its own (KVK-SBR.md section 5: identiteitBelanghebbende is the KvK number)."""
    pk = restored_and_sent_again(client_a, admin_staff)
    assert submission.submit(pk) == "delivered"
    (delivery,) = digipoort_stub.state.all()
    assert delivery.kvk_number == client_a.kvk_number
    assert ApprovalMessage.objects.get(pk=pk).status == Status.SENT_TO_KVK


def test_changing_to_yet_another_number_still_sends_nothing(
    client_a, admin_staff, digipoort_stub, digipoort_settings
):
    """The invariant holds whatever the number becomes: only the document's own number
    lets the message go."""
    pk = stopped_at_70(client_a)
    crm_services.change_identification(
        organisation_id=client_a.organisation.pk, kind="kvk", value="55667788", user=admin_staff
    )
    with pytest.raises(Invalid) as refused:
        services.resend(message_id=pk, actor=Actor.for_user(admin_staff))
    assert refused.value.code == "kvk_number_changed"
    assert submission.submit(pk) == "refused_locally"  # a stray attempt: refused again
    assert digipoort_stub.state.all() == []


def put_on_its_way(client, admin_staff, where: str) -> None:
    """A message of ``client`` really on its way to the KvK under the current number: at
    50, at 60 (delivered to the local Digipoort), at 70 for a transport error, or a
    stopped 70 sent again after the number was restored (its attempt is queued)."""
    if where == "70 sent again":
        restored_and_sent_again(client, admin_staff)
        return
    message = make_message(client, Status.APPROVED)
    if where == "60":
        assert submission.submit(message.pk) == "delivered"
    elif where == "70 transport error":
        services.record_transport_error(
            message_id=message.pk, reasons=[{"code": "digipoort_unreachable"}], retry=False
        )
    assert ApprovalMessage.objects.get(pk=message.pk).status == int(where[:2])


@pytest.mark.parametrize("where", ["50", "60", "70 transport error", "70 sent again"])
def test_a_message_on_its_way_still_holds_the_number(
    where, client_a, admin_staff, digipoort_stub, digipoort_settings
):
    put_on_its_way(client_a, admin_staff, where)
    number = Identification.objects.get(organisation=client_a.organisation, kind="kvk").value
    with pytest.raises(crm_services.IdentificationError) as refused:
        crm_services.change_identification(
            organisation_id=client_a.organisation.pk, kind="kvk", value="55667788", user=admin_staff
        )
    assert refused.value.code == "kvk_on_the_way"
    assert Identification.objects.get(organisation=client_a.organisation, kind="kvk").value == (
        number
    )


def test_a_stopped_70_beside_one_on_its_way_still_holds_the_number(
    client_a, admin_staff, digipoort_stub, digipoort_settings
):
    stopped_at_70(client_a)
    Identification.objects.filter(organisation=client_a.organisation, kind="kvk").update(
        value=client_a.kvk_number
    )
    make_message(client_a, Status.APPROVED, year=date.today().year - 2)
    with pytest.raises(crm_services.IdentificationError) as refused:
        crm_services.check_not_on_the_way(client_a.organisation, "kvk")
    assert "1 bericht van deze organisatie is onderweg" in refused.value.message


def test_insite_restores_the_number_and_sends_the_message_again(
    admin_browser, client_a, digipoort_stub, digipoort_settings
):
    """Through the InSite pages: the change page says what the stopped message needs, the
    change goes through, and "Opnieuw verzenden" delivers it under its own number."""
    pk = stopped_at_70(client_a)
    with translation.override("nl"):
        page = admin_browser.get(reverse("insite-message", args=[pk])).content.decode()
    assert f"Is KvK-nummer {client_a.kvk_number} juist" in html.unescape(page)
    change = reverse("insite-identification-change", args=[client_a.organisation.pk])
    form = {"kind": "kvk", "value": client_a.kvk_number}
    with translation.override("nl"):
        confirm = admin_browser.post(change, form).content.decode()
    assert 'id="effect-stopped"' in confirm
    assert "onderweg naar de KvK" not in confirm
    admin_browser.post(change, {**form, "confirmed": "1"}, follow=True)
    assert client_a.organisation.identifications.get(kind="kvk").value == client_a.kvk_number

    response = admin_browser.post(reverse("insite-resend", args=[pk]), {"confirmed": "1"})
    assert response.status_code == 302
    assert submission.submit(pk) == "delivered"
    assert [d.kvk_number for d in digipoort_stub.state.all()] == [client_a.kvk_number]


def test_insite_refuses_the_change_while_a_message_is_really_on_its_way(
    admin_browser, client_a, admin_staff, digipoort_stub, digipoort_settings
):
    put_on_its_way(client_a, admin_staff, "70 transport error")
    change = reverse("insite-identification-change", args=[client_a.organisation.pk])
    with translation.override("nl"):
        page = admin_browser.post(
            change, {"kind": "kvk", "value": "55667788", "confirmed": "1"}, follow=True
        ).content.decode()
    assert "onderweg naar de KvK" in html.unescape(page)
    assert client_a.organisation.identifications.get(kind="kvk").value == client_a.kvk_number
