"""The people's side of the road to the KvK: a message at 70 that the staff send again
("Opnieuw verzenden", workflow.services.resend) or whose delivery they record after checking
at Digipoort (workflow.services.record_delivery, the kenmerk asked of the local Digipoort
first); a message at 60 that asks attention (ApprovalMessage.attention_code); reasons whose
technical detail only the staff read (workflow.reasons.public); the e-mails about both."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client as BrowserClient
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from kvk.digipoort.outcome import RETRIES_ENDED_FOUTCODE, RETRY_420_HOURS
from kvk.status import Status
from portal import notifications
from tests.factories import PASSWORD
from tests.kvk_digipoort.conftest import build_xbrl, wait_until_final
from tests.portal.conftest import make_message
from tests.portal.test_confirm_language_switch import switch_to_english
from workflow import reasons as reason_catalogue
from workflow import services
from workflow.models import ApprovalMessage, StatusEvent

#: What a connection failure looks like in a reason's detail (requests' own wording): the
#: staff may read it, a client never.
DETAIL = (
    "CONNECTION: HTTPSConnectionPool(host='preprod-dgp.procesinfrastructuur.nl', port=443): "
    "Max retries exceeded"
)
#: The raw Digipoort answer a poll stores with an unknown status (999 is the local
#: Digipoort's code that the client's table does not know, kvk/digipoort/stub/).
ATTENTION_DETAIL = f"{reason_catalogue.ATTENTION['unknown_status']} (999 Onbekende status)"


@pytest.fixture
def submissions(monkeypatch) -> list[int]:
    """The KvK submissions queued (workflow.tasks.submit_to_kvk), instead of a broker."""
    from workflow import tasks

    queued: list[int] = []
    monkeypatch.setattr(tasks.submit_to_kvk, "delay", lambda pk, *a, **k: queued.append(pk))
    return queued


@pytest.fixture
def verified_staff(staff, settings) -> BrowserClient:
    """A staff member logged in with password and a verified second factor (TOTP), as in
    tests/portal/test_auth.py: the InSite pages require both."""
    settings.OTP_REQUIRED_FOR_STAFF = True
    device = TOTPDevice.objects.create(user=staff, name="app", confirmed=True)
    browser = BrowserClient()
    response = browser.post(reverse("login"), {"username": staff.username, "password": PASSWORD})
    assert response["Location"].startswith(reverse("otp-verify"))
    code = f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"
    assert browser.post(reverse("otp-verify"), {"token": code}).status_code == 302
    assert browser.get(reverse("insite-dashboard")).status_code == 200
    return browser


def approved(client):
    message = make_message(client, Status.APPROVED)
    assert services.claim_for_submission(message.pk)
    return message


def to_70(message, *, code: str = "digipoort_unreachable", detail: str = DETAIL):
    """A message at 70 that no automatic attempt follows (a dead end until staff act)."""
    reason = reason_catalogue.reason(code, detail=detail)
    assert not services.record_transport_error(message_id=message.pk, reasons=[reason], retry=False)
    message.refresh_from_db()
    assert message.status == Status.TRANSPORT_ERROR
    return message


def at_70(client, **reason):
    return to_70(approved(client), **reason)


def poll(message, attention: str, detail: str) -> None:
    """A poll without the KvK's verdict that marks ``attention`` (or none, ""), as
    workflow.submission records it."""
    services.record_kvk_statuses(
        message_id=message.pk,
        statuses=[],
        outcome_status=None,
        reasons=[],
        attention=attention,
        attention_detail=detail,
    )


def to_60(message, *, attention: str = "", detail: str = ""):
    assert services.record_delivered(message_id=message.pk, kenmerk="K-60")
    if attention:
        poll(message, attention, detail)
    message.refresh_from_db()
    assert message.status == Status.SENT_TO_KVK
    return message


def at_60(client, **attention):
    return to_60(approved(client), **attention)


def flashes(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def events(message, action: str):
    return list(StatusEvent.objects.filter(message=message, action=action))


def _record_delivered(staff, message, kenmerk: str, **kwargs):
    """The staff record that ``message`` was delivered under ``kenmerk`` after all."""
    return staff.post(
        reverse("insite-delivery", args=[message.pk]),
        {"outcome": "delivered", "kenmerk": kenmerk},
        **kwargs,
    )


def _assert_refused_at_70(response, message, sentence: str) -> None:
    """The form comes back (400) saying ``sentence``; the message stays at 70."""
    assert response.status_code == 400
    assert sentence in response.content.decode()
    message.refresh_from_db()
    assert message.status == Status.TRANSPORT_ERROR


# --- "Opnieuw verzenden" ------------------------------------------------------------------


def test_staff_resend_asks_first_then_queues_one_submission(
    verified_staff, staff, client_a, submissions, django_capture_on_commit_callbacks
):
    message = at_70(client_a)
    url = reverse("insite-resend", args=[message.pk])
    page = verified_staff.get(reverse("insite-message", args=[message.pk])).content.decode()
    assert f'action="{url}"' in page and "Opnieuw verzenden" in page

    # The button asks first: nothing happens until the second POST.
    question = verified_staff.post(url)
    assert question.status_code == 200
    assert "Weet u het zeker?" in question.content.decode()
    assert 'name="confirmed" value="1"' in question.content.decode()
    assert events(message, "resend") == [] and submissions == []

    with django_capture_on_commit_callbacks(execute=True):
        response = verified_staff.post(url, {"confirmed": "1"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("insite-message", args=[message.pk])
    assert any("opnieuw verzonden" in text for text in flashes(response))
    assert submissions == [message.pk]
    (event,) = events(message, "resend")
    assert (event.actor_user, event.actor_kind) == (staff, "staff")
    assert (event.from_status, event.to_status) == (Status.TRANSPORT_ERROR, Status.TRANSPORT_ERROR)
    message.refresh_from_db()
    assert message.attempts_base == message.submit_attempts  # a fresh budget of attempts


def test_a_client_cannot_resend_or_record_a_delivery(
    browser_a, client_a, submissions, django_capture_on_commit_callbacks
):
    message = at_70(client_a)
    with django_capture_on_commit_callbacks(execute=True):
        resend = browser_a.post(reverse("insite-resend", args=[message.pk]), {"confirmed": "1"})
        record = browser_a.post(
            reverse("insite-delivery", args=[message.pk]),
            {"outcome": "not_delivered"},
        )
    assert (resend.status_code, record.status_code) == (404, 404)
    assert submissions == []
    assert not StatusEvent.objects.filter(
        message=message, action__in=["resend", "resend_checked", "delivery_recorded"]
    ).exists()
    # The client's own page offers neither.
    page = browser_a.get(reverse("outsite-message", args=[message.pk])).content.decode()
    assert reverse("insite-resend", args=[message.pk]) not in page
    assert "Aflevering gecontroleerd bij Digipoort?" not in page


def test_resend_of_a_message_not_at_70_shows_the_conflict_and_changes_nothing(
    verified_staff, client_a, submissions, django_capture_on_commit_callbacks
):
    message = at_60(client_a)
    before = ApprovalMessage.objects.values().get(pk=message.pk)
    page = verified_staff.get(reverse("insite-message", args=[message.pk])).content.decode()
    assert reverse("insite-resend", args=[message.pk]) not in page  # no button at 60
    with django_capture_on_commit_callbacks(execute=True):
        response = verified_staff.post(
            reverse("insite-resend", args=[message.pk]), {"confirmed": "1"}, follow=True
        )
    # The text of workflow.services.resend's Conflict.
    assert any(
        "Alleen een bericht met status 70 kan opnieuw worden verzonden" in text
        for text in flashes(response)
    )
    assert submissions == []
    assert events(message, "resend") == []
    after = ApprovalMessage.objects.values().get(pk=message.pk)
    assert {k: v for k, v in after.items() if k != "updated_at"} == {
        k: v for k, v in before.items() if k != "updated_at"
    }


# --- "Aflevering gecontroleerd bij Digipoort?" -----------------------------------------------


def test_not_delivered_sends_again_without_asking_digipoort_first(
    verified_staff, staff, client_a, submissions, django_capture_on_commit_callbacks
):
    message = at_70(client_a, code="delivery_uncertain", detail="AMBIGUOUS: deliveries x, y")
    page = verified_staff.get(reverse("insite-message", args=[message.pk])).content.decode()
    # Digipoort's own answer could not tell: the check form is open at once.
    assert '<details id="delivery-check" open>' in page
    with django_capture_on_commit_callbacks(execute=True):
        response = verified_staff.post(
            reverse("insite-delivery", args=[message.pk]), {"outcome": "not_delivered"}
        )
    assert response.status_code == 302
    assert submissions == [message.pk]
    (event,) = events(message, "resend_checked")
    assert event.actor_user == staff
    message.refresh_from_db()
    assert message.resend_checked is True


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({}, "Kies wat u bij Digipoort heeft gezien."),
        ({"outcome": "delivered", "kenmerk": "  "}, "Vul het kenmerk in"),
        ({"outcome": "delivered", "kenmerk": "abc def"}, "geen spaties"),
        ({"outcome": "delivered", "kenmerk": "x" * 101}, "hooguit 100 tekens"),
    ],
)
def test_the_delivery_form_says_in_dutch_what_is_missing(
    verified_staff, client_a, submissions, data, error
):
    message = at_70(client_a)
    response = verified_staff.post(reverse("insite-delivery", args=[message.pk]), data)
    assert response.status_code == 400
    assert '<p class="error"' in response.content.decode()
    assert error in response.content.decode()
    message.refresh_from_db()
    assert message.status == Status.TRANSPORT_ERROR and submissions == []


def test_delivered_with_a_kenmerk_digipoort_knows_moves_to_60(
    verified_staff, staff, client_a, digipoort_settings, digipoort_stub, digipoort_client
):
    message = at_70(client_a)
    # Delivered to the KvK, whose verdict takes hours: the delivery is still open.
    digipoort_stub.set_faults(scenarios={client_a.kvk_number: "kvk_slow"})
    # A delivery the local Digipoort really received: its kenmerk is what staff would copy.
    kenmerk = digipoort_client.deliver(
        reference=message.delivery_reference,
        kvk_number=client_a.kvk_number,
        filename="jaarrekening.xbrl",
        content=build_xbrl(client_a.kvk_number),
    )
    response = _record_delivered(verified_staff, message, f" {kenmerk} ", follow=True)
    assert response.status_code == 200
    assert any(kenmerk in text for text in flashes(response))
    message.refresh_from_db()
    assert (message.status, message.digipoort_kenmerk) == (Status.SENT_TO_KVK, kenmerk)
    (event,) = events(message, "delivery_recorded")
    assert (event.actor_user, event.from_status, event.to_status) == (staff, 70, 60)


def _finished_delivery(
    digipoort_stub,
    digipoort_client,
    client,
    message,
    scenario: str,
    *,
    reference: str = "",
    filed_for: str = "",
) -> str:
    """The kenmerk of a delivery that the local Digipoort played through ``scenario`` to its
    final status: ``message``'s own (its aanleverkenmerk) unless ``reference`` says else;
    the instance names ``filed_for`` as the company (default the client's KvK number)."""
    digipoort_stub.set_faults(scenarios={client.kvk_number: scenario})
    kenmerk = digipoort_client.deliver(
        reference=reference or message.delivery_reference,
        kvk_number=client.kvk_number,
        filename="jaarrekening.xbrl",
        content=build_xbrl(filed_for or client.kvk_number),
    )
    if scenario != "retry_420_ends":
        wait_until_final(digipoort_client, kenmerk)
        return kenmerk
    # Digipoort retries for 72 hours before its last 420 (AFS600): the stub's clock moves on
    # instead of the test waiting.
    digipoort_stub.advance_clock(RETRY_420_HOURS * 3600 + 60)
    assert digipoort_client.statuses(kenmerk)[-1].error_code == RETRIES_ENDED_FOUTCODE
    return kenmerk


#: The final statuses ("einde: ja") that decide nothing about the document, from
#: Digipoort's status table in the shared domain notes (KVK-SBR.md, section 5: "200
#: authentication succeeded, 210 failed (final)", 321 technical problem, 410 delivery
#: failed; Logius, "Statussen en foutcodes Digipoort" v1.6) as kvk/digipoort/outcome.py
#: CODES holds them: the delivery is over and never reached the KvK.
ENDED_UNDECIDED = {
    "auth_failed": "210 Authenticatie mislukt",
    "ausp_problem": "230 Technisch probleem bij de autorisatieserviceprovider",
    "validation_technical": "321 Technisch probleem bij validatie",
    "delivery_failed": "410 Afleveren uitvragende partij niet gelukt",
    # 420 stays after Digipoort's 72 hours of retries, with foutcode AFS600 (Logius' metrokaart,
    # kvk/digipoort/outcome.py RETRIES_ENDED_FOUTCODE).
    "retry_420_ends": "420 Technisch probleem bij afleveren uitvragende partij (AFS600)",
}


@pytest.mark.parametrize("scenario", sorted(ENDED_UNDECIDED))
def test_a_kenmerk_whose_delivery_ended_without_the_kvk_is_refused(
    verified_staff, client_a, digipoort_settings, digipoort_stub, digipoort_client, scenario
):
    """A delivery whose Digipoort status is final without a verdict (210 and the like,
    KVK-SBR.md section 5) is not followed as if open: the form says which status Digipoort
    gave and what to do instead, and the message stays at 70."""
    message = at_70(client_a)
    kenmerk = _finished_delivery(digipoort_stub, digipoort_client, client_a, message, scenario)
    response = _record_delivered(verified_staff, message, kenmerk)
    page = response.content.decode()
    assert f"de eindstatus {ENDED_UNDECIDED[scenario]}" in page
    assert "Niet afgeleverd: opnieuw verzenden" in page
    assert ("certificaat" in page) == (scenario == "auth_failed")
    _assert_refused_at_70(response, message, 'id="id_kenmerk_error"')
    assert message.digipoort_kenmerk != kenmerk
    assert events(message, "delivery_recorded") == []


#: The local Digipoort's KvK refuses an instance that names another company than the one it
#: is filed for (kvk/digipoort/stub/verdict.py): 510.
OTHER_COMPANY = "99999999"


@pytest.mark.parametrize(
    ("scenario", "filed_for", "final", "verdict"),
    [
        # 500: validation at the receiving party (the KvK) succeeded: filed.
        ("normal", "", "500 Validatie bij de uitvragende partij gelukt", Status.FILED),
        # 510: validation at the receiving party (the KvK) failed: refused.
        (
            "normal",
            OTHER_COMPANY,
            "510 Validatie bij de uitvragende partij niet gelukt",
            Status.REFUSED,
        ),
        # 311: Digipoort's own validation refused the document (final), before the KvK
        # received it: refused, but not by the KvK.
        ("validation_failed", "", "311 Validatie mislukt", Status.REFUSED),
    ],
)
def test_a_kenmerk_of_a_decided_delivery_records_its_outcome_at_once(
    verified_staff,
    client_a,
    digipoort_settings,
    digipoort_stub,
    digipoort_client,
    scenario,
    filed_for,
    final,
    verdict,
):
    """A delivery that did reach a decided end (KVK-SBR.md section 5: the KvK's verdict, or
    311, Digipoort's own validation refusing the document) is what happened to the
    message: it is recorded and its outcome taken over at once, not followed as if still
    open (sending again could file the accounts twice). The note says whose decision it
    was: 311 is not the KvK's."""
    message = at_70(client_a)
    kenmerk = _finished_delivery(
        digipoort_stub, digipoort_client, client_a, message, scenario, filed_for=filed_for
    )
    response = _record_delivered(verified_staff, message, kenmerk, follow=True)
    (note,) = flashes(response)
    assert f"eindstatus {final}" in note and f"staat nu op {int(verdict)}" in note
    by_digipoort = final.startswith("311")
    assert ("het oordeel van de KvK" in note) is not by_digipoort
    assert ("eigen validatie" in note) is by_digipoort
    if by_digipoort:
        assert "door KvK" not in note  # not status 90's label "Afgekeurd door KvK"
    message.refresh_from_db()
    assert (message.status, message.digipoort_kenmerk) == (verdict, kenmerk)
    assert message.next_poll_at is None
    assert [e.to_status for e in message.events.order_by("sequence")][-2:] == [60, int(verdict)]


@pytest.mark.parametrize("scenario", ["normal", "kvk_slow"])
def test_a_kenmerk_of_an_earlier_delivery_of_the_same_company_is_refused(
    verified_staff, client_a, digipoort_settings, digipoort_stub, digipoort_client, scenario
):
    """getProcessen lists every delivery for the KvK number, also one another package (or
    an earlier attempt) made with another aanleverkenmerk: its kenmerk is refused, whether
    that delivery was filed (500: taking that over would show 80 for a document never
    filed) or is still open; the staff read why and what to do."""
    message = at_70(client_a)
    digipoort_stub.set_faults(scenarios={client_a.kvk_number: scenario})
    kenmerk = digipoort_client.deliver(
        reference="ander-pakket-2024",
        kvk_number=client_a.kvk_number,
        filename="jaarrekening.xbrl",
        content=build_xbrl(client_a.kvk_number),
    )
    if scenario == "normal":
        assert wait_until_final(digipoort_client, kenmerk)[-1].code == 500
    response = _record_delivered(verified_staff, message, kenmerk)
    page = response.content.decode()
    assert "hoort bij een andere aflevering voor deze onderneming, niet bij dit bericht" in page
    assert message.delivery_reference in page
    assert "Niet afgeleverd: opnieuw verzenden" in page
    _assert_refused_at_70(response, message, 'id="id_kenmerk_error"')
    assert message.digipoort_kenmerk == "" and events(message, "delivery_recorded") == []


class _OneDelivery:
    """A Digipoort with one delivery for the KvK number, filed (500), whose first status
    came at ``began`` with ``details`` (by default none: the WSDL's status answer does not
    carry the aanleverkenmerk, kvk/digipoort/client.py REFERENCE_MARKER)."""

    def __init__(self, kvk_number: str, began, details: str = "") -> None:
        from datetime import timedelta

        from kvk.digipoort.client import DigipoortStatus

        self.kvk_number = kvk_number
        self.timeline = [
            DigipoortStatus(code, began + timedelta(minutes=i), text, details=details * (i == 0))
            for i, (code, text) in enumerate(
                [
                    (100, "Aanleveren gelukt"),
                    (200, "Authenticatie gelukt"),
                    (301, "Validatie gelukt"),
                    (405, "Afleveren naar uitvragende partij bezig"),
                    (400, "Afleveren uitvragende partij gelukt"),
                    (500, "Validatie bij de uitvragende partij gelukt"),
                ]
            )
        ]

    def statuses(self, kenmerk):
        return self.timeline if kenmerk == "K-zonder-label" else []

    def processes(self, kvk_number):
        return ["K-zonder-label"] if kvk_number == self.kvk_number else []


#: workflow.submission.CLOCK_TOLERANCE, the allowance for Digipoort's clock: 5 minutes.
ALLOWANCE_MINUTES = 5


@pytest.mark.parametrize(
    ("moment", "minutes", "refusal"),
    [
        ("approved", -24 * 60 * 30, "vóórdat dit bericht op"),
        ("approved", -(ALLOWANCE_MINUTES + 1), "vóórdat dit bericht op"),
        ("approved", -(ALLOWANCE_MINUTES - 1), ""),
        ("approved", 60, ""),
        ("last_attempt", ALLOWANCE_MINUTES - 1, ""),
        ("last_attempt", ALLOWANCE_MINUTES + 1, "ná de laatste verzendpoging"),
        ("last_attempt", 60, "ná de laatste verzendpoging"),
    ],
)
def test_without_the_aanleverkenmerk_a_delivery_must_begin_while_the_attempts_were_made(
    verified_staff, client_a, monkeypatch, moment, minutes, refusal
):
    """Where Digipoort does not show the aanleverkenmerk, a delivery is this message's only
    if it began after the approval (its first attempt is queued then) and before its last
    attempt ended (its last transport error), each with the 5 minutes' allowance for
    Digipoort's clock (workflow.submission.CLOCK_TOLERANCE): 4 minutes beyond either is
    accepted and its 500 taken over, 6 minutes beyond is refused. One that began earlier
    is an earlier filing; one that began later another package's."""
    from datetime import timedelta

    from workflow import submission

    message = at_70(client_a)
    (failed,) = events(message, "transport_error")
    # Approved two hours before the attempt failed, so the two bounds are apart.
    approved_at = failed.created_at - timedelta(hours=2)
    ApprovalMessage.objects.filter(pk=message.pk).update(approved_at=approved_at)
    began = (approved_at if moment == "approved" else failed.created_at) + timedelta(
        minutes=minutes
    )
    monkeypatch.setattr(submission, "_client", lambda: _OneDelivery(client_a.kvk_number, began))
    response = _record_delivered(verified_staff, message, "K-zonder-label")
    message.refresh_from_db()
    if not refusal:
        assert response.status_code == 302, response.content.decode()
        assert (message.status, message.digipoort_kenmerk) == (Status.FILED, "K-zonder-label")
        return
    _assert_refused_at_70(response, message, refusal)
    assert "hoort bij een andere aflevering voor deze onderneming" in response.content.decode()
    assert message.digipoort_kenmerk == ""


@pytest.mark.parametrize("after", [";", "; berichtsoort=kvk-micro-klein", ").", ","])
def test_the_own_aanleverkenmerk_followed_by_punctuation_is_recognised(
    verified_staff, client_a, monkeypatch, after
):
    """Digipoort's details may put text after the aanleverkenmerk it echoes: this message's
    reference (uuid4().hex, 32 hex digits, ApprovalMessage.approve) is still read whole, so
    its own delivery is not refused as another package's and its 500 is taken over."""
    from workflow import submission

    message = at_70(client_a)
    details = f"aanleverkenmerk={message.delivery_reference}{after}"
    monkeypatch.setattr(
        submission,
        "_client",
        lambda: _OneDelivery(client_a.kvk_number, message.approved_at, details),
    )
    response = _record_delivered(verified_staff, message, "K-zonder-label")
    assert response.status_code == 302, response.content.decode()
    message.refresh_from_db()
    assert (message.status, message.digipoort_kenmerk) == (Status.FILED, "K-zonder-label")


def test_a_kenmerk_of_another_kvk_number_changes_nothing(
    verified_staff, client_a, client_b, digipoort_settings, digipoort_client
):
    message = at_70(client_a)
    # Digipoort knows the kenmerk, but it is another company's filing.
    kenmerk = digipoort_client.deliver(
        reference="elders",
        kvk_number=client_b.kvk_number,
        filename="jaarrekening.xbrl",
        content=build_xbrl(client_b.kvk_number),
    )
    response = _record_delivered(verified_staff, message, kenmerk)
    assert response.status_code == 400
    assert "hoort niet bij een aflevering voor KvK-nummer" in response.content.decode()
    message.refresh_from_db()
    assert message.status == Status.TRANSPORT_ERROR and message.digipoort_kenmerk != kenmerk


def test_delivered_with_a_kenmerk_digipoort_does_not_know_changes_nothing(
    verified_staff, client_a, digipoort_settings, digipoort_stub
):
    message = at_70(client_a)
    response = _record_delivered(verified_staff, message, "0123456789abcdef0123456789abcdef")
    assert response.status_code == 400
    page = response.content.decode()
    assert "Digipoort kent dit kenmerk niet." in page
    assert 'id="id_kenmerk_error"' in page  # under the field
    message.refresh_from_db()
    assert (message.status, message.digipoort_kenmerk) == (Status.TRANSPORT_ERROR, "")
    assert events(message, "delivery_recorded") == []


def test_a_kenmerk_without_any_status_counts_as_unknown(verified_staff, client_a, monkeypatch):
    # getStatussenProces may answer an empty list instead of a fault: no delivery either.
    from workflow import submission

    class Silent:
        def statuses(self, kenmerk):
            return []

    monkeypatch.setattr(submission, "_client", Silent)
    message = at_70(client_a)
    response = _record_delivered(verified_staff, message, "K-zonder-statussen")
    _assert_refused_at_70(response, message, "Digipoort kent dit kenmerk niet.")


def test_recording_a_delivery_is_for_70_only(verified_staff, client_a, monkeypatch):
    from workflow import submission

    def not_asked():
        raise AssertionError("Digipoort is not asked about a message that is not at 70")

    monkeypatch.setattr(submission, "_client", not_asked)
    message = at_60(client_a)
    response = _record_delivered(verified_staff, message, "K-ander", follow=True)
    assert any("status 70" in text for text in flashes(response))
    message.refresh_from_db()
    assert (message.status, message.digipoort_kenmerk) == (Status.SENT_TO_KVK, "K-60")
    assert events(message, "delivery_recorded") == []


def test_digipoort_unreachable_while_checking_changes_nothing(
    verified_staff, client_a, digipoort_settings, settings
):
    # Nothing listens on port 9 of this machine (discard): the check cannot reach Digipoort.
    settings.DIGIPOORT_STATUS_URL = "https://127.0.0.1:9/status"
    message = at_70(client_a)
    response = _record_delivered(verified_staff, message, "abc")
    _assert_refused_at_70(
        response, message, "Digipoort kon het kenmerk nu niet controleren (CONNECTION)"
    )


# --- reasons: the sentence for everyone, the detail for the staff ------------------------------


def test_staff_read_the_detail_folded_clients_only_the_sentence(
    verified_staff, browser_a, client_a, api
):
    message = at_70(client_a)
    sentence = str(reason_catalogue.TRANSPORT["digipoort_unreachable"])

    staff_page = verified_staff.get(reverse("insite-message", args=[message.pk])).content.decode()
    assert sentence in staff_page
    assert "<summary>Technische details</summary>" in staff_page
    assert "HTTPSConnectionPool" in staff_page

    client_page = browser_a.get(reverse("outsite-message", args=[message.pk])).content.decode()
    assert sentence in client_page
    assert "HTTPSConnectionPool" not in client_page

    token = api(client_a.token)
    detail = token.get(f"/api/v1/messages/{message.message_id}/")
    updates = token.get("/api/v1/messages/updates/")
    assert detail.status_code == updates.status_code == 200
    for body in (detail.content.decode(), updates.content.decode()):
        assert "HTTPSConnectionPool" not in body
    data = detail.json()
    assert data["reasons"] == [{"code": "digipoort_unreachable", "message": sentence}]
    (last,) = [e for e in data["history"] if e["action"] == "transport_error"]
    assert last["reasons"] == data["reasons"]
    (update,) = [u for u in updates.json()["updates"] if u["message_id"] == str(message.message_id)]
    assert update["reasons"] == data["reasons"]


def test_the_client_never_reads_the_attention_note(verified_staff, browser_a, client_a, api):
    message = at_60(client_a, attention="unknown_status", detail=ATTENTION_DETAIL)
    assert events(message, "kvk_attention")

    client_page = browser_a.get(reverse("outsite-message", args=[message.pk])).content.decode()
    assert "999 Onbekende status" not in client_page
    assert "Vraagt aandacht" not in client_page
    body = api(client_a.token).get(f"/api/v1/messages/{message.message_id}/").json()
    assert "kvk_attention" not in [e["action"] for e in body["history"]]
    assert "999 Onbekende status" not in str(body)

    staff_page = verified_staff.get(reverse("insite-message", args=[message.pk])).content.decode()
    assert 'id="attention"' in staff_page and "999 Onbekende status" in staff_page
    assert "Vraagt aandacht" in staff_page


# --- dashboard and list -----------------------------------------------------------------------


def test_dashboard_and_list_show_a_60_that_asks_attention(verified_staff, client_a, client_b):
    quiet = at_60(client_b)
    loud = at_60(client_a, attention="retries_overdue", detail="420 sinds 2026-12-01")
    response = verified_staff.get(reverse("insite-dashboard"))
    attention = {m.pk for m in response.context["attention"]}
    assert loud.pk in attention and quiet.pk not in attention
    assert "Digipoort probeert al langer dan 72 uur" in response.content.decode()

    listed = verified_staff.get(reverse("insite-messages"), {"attention": "on"})
    assert {m.pk for m in listed.context["page"]} == {loud.pk}
    assert "Digipoort probeert al langer dan 72 uur" in listed.content.decode()


# --- e-mail ------------------------------------------------------------------------------------


@pytest.fixture
def mail_here(monkeypatch):
    monkeypatch.setattr(
        notifications.send_notification,
        "delay",
        lambda *args: notifications.send_notification.apply(args=args).get(),
    )


def test_the_attention_mail_goes_to_staff_only(
    client_a, staff, mail_here, django_capture_on_commit_callbacks
):
    message = approved(client_a)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        to_60(message, attention="unknown_status", detail=ATTENTION_DETAIL)
    (sent,) = mail.outbox
    assert sent.to == [staff.email]
    assert "Vraagt aandacht" in sent.subject and client_a.organisation.name in sent.subject
    assert ATTENTION_DETAIL in sent.body
    assert f"/insite/berichten/{message.pk}/" in sent.body


def test_a_dead_end_70_mail_asks_the_staff_to_act(
    client_a, staff, mail_here, django_capture_on_commit_callbacks
):
    # A first attempt that no retry can help (no automatic attempt follows): not "retries
    # ran out", but the same dead end that waits for the staff.
    message = approved(client_a)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        to_70(message, code="digipoort_authentication", detail="TLS: certificate")
    (sent,) = mail.outbox
    assert sent.to == [staff.email]
    assert "Actie nodig" in sent.subject and "mislukt" in sent.subject
    assert "status 70" in sent.body and "Opnieuw verzenden" in sent.body
    assert "TLS: certificate" in sent.body  # the staff read the detail
    assert f"/insite/berichten/{message.pk}/" in sent.body


def test_switching_language_on_the_resend_question_keeps_the_question(
    verified_staff, client_a, submissions, django_capture_on_commit_callbacks
):
    """The question is the answer to a POST; the language switch's ``next`` is its address,
    whose GET asks again (and sends nothing)."""
    message = at_70(client_a)
    question = verified_staff.post(reverse("insite-resend", args=[message.pk]))

    with django_capture_on_commit_callbacks(execute=True):
        switched = switch_to_english(verified_staff, question.content.decode())

    page = switched.content.decode()
    assert '<html lang="en">' in page and 'name="confirmed" value="1"' in page
    assert events(message, "resend") == [] and submissions == []
