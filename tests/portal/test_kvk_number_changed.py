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
from workflow.errors import SENTENCES
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
