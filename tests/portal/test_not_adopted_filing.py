"""Filing accounts that were not adopted, through OutSite and the local Digipoort.

Art. 2:394 lid 2 BW: when the general meeting has not adopted the accounts within two
months after the term for drawing them up, the board files the drawn-up accounts without
delay. KVK-SBR.md section 1: "A correction is a new filing: either a heraanlevering (...)
or a tweede aanlevering (the adopted accounts after an earlier non-adopted filing). KvK
refuses a second adopted filing for the same year otherwise." The adoption deadline is the
one "Termijnen" shows (kvk.deadlines: a BV's is 5 + 2 months after year end, later with an
extension of the draw-up term).
"""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from django.urls import reverse

from connectors import services as connector_services
from crm.models import Organisation
from deadlines import periods
from deadlines import selectors as deadline_selectors
from deadlines.models import DeadlineExtension
from kvk import taxonomy as tx
from kvk.builder import build_instance
from kvk.parser import parse_instance
from kvk.rules import check_instance, has_errors
from kvk.statements import demo_statements
from kvk.status import Status
from tests.conftest import instance_for, message_at_30, numbered, register_report
from tests.polling import poll_until_final
from workflow import services, submission
from workflow.errors import Conflict, Invalid
from workflow.models import Actor, ApprovalMessage
from workflow.services.corrections import not_adopted_refusal

pytestmark = pytest.mark.django_db

#: A year whose adoption deadline (31 July of the year after) has passed whatever today is.
PAST = date.today().year - 2
#: Last year: with the draw-up term extended by 5 months its adoption deadline is
#: 31 December of this year, so it has not passed yet.
LAST = date.today().year - 1


def _action(browser, message: ApprovalMessage, action: str, **data):
    return browser.post(reverse("outsite-action", args=[message.pk, action]), data, follow=True)


def _file_not_adopted(browser, message: ApprovalMessage):
    """Tick and confirm "Deponeren als niet vastgestelde jaarrekening" in OutSite."""
    confirm = _action(browser, message, "not_adopted", understood="on")
    assert 'id="confirm-not-adopted"' in confirm.content.decode()
    assert message.document_sha256 in confirm.content.decode()  # the fingerprint approved
    return _action(
        browser,
        message,
        "not_adopted",
        understood="on",
        confirmed="1",
        document_sha256=message.document_sha256,
    )


def _filed(message: ApprovalMessage) -> ApprovalMessage:
    """Deliver the approved message to the local Digipoort and poll until its verdict."""
    assert submission.submit(message.pk) == "delivered"
    return poll_until_final(message)


def _adopted_version(client, *, name: str) -> ApprovalMessage:
    """The adopted accounts of PAST sent from the client's environment (adoption status Ja
    and its date in the document), taken through the real processing."""
    statements = demo_statements(kvk_number=client.kvk_number, legal_name=name, year=PAST)
    statements.adopted, statements.adoption_date = True, date(PAST + 1, 9, 1)
    message, _ = services.register_message(
        organisation=client.organisation,
        message_id=uuid.uuid4(),
        message_type="kvk-micro-klein",
        filename=f"jaarrekening-{PAST}.xbrl",
        content=build_instance(statements),
        actor=Actor.for_token(organisation_id=client.organisation.pk, label="t", ip_address=None),
    )
    assert services.claim_for_processing(message.pk)
    connector_services.process_message(message.pk)
    message.refresh_from_db()
    return message


def _row(client, year: int):
    organisations = Organisation.objects.filter(pk=client.organisation.pk)
    (row,) = deadline_selectors.year_rows(organisations, year)
    return row


def test_before_the_adoption_deadline_it_is_not_offered_and_refused_in_dutch(browser_a, client_a):
    message = message_at_30(client_a, year=LAST)
    DeadlineExtension.objects.create(
        organisation=client_a.organisation, financial_year=LAST, months=5
    )
    page = browser_a.get(reverse("outsite-message", args=[message.pk])).content.decode()
    assert 'id="not-adopted"' not in page and 'id="adopt"' in page

    # Posted anyway (an old page, a crafted request): refused, with the date it opens.
    for data in ({"understood": "on"}, {"understood": "on", "confirmed": "1"}):
        response = _action(
            browser_a, message, "not_adopted", document_sha256=message.document_sha256, **data
        )
        text = response.content.decode()
        assert "De termijn om de jaarrekening vast te stellen loopt nog tot en met" in text
        assert f"31 december {LAST + 1}" in text and "art. 2:394 lid 2 BW" in text
    message.refresh_from_db()
    assert message.status == Status.IN_REVIEW and message.approved_sha256 == ""
    assert [e.action for e in message.events.all()][-1] == "workflow_started"


def test_the_offer_says_the_accounts_filed_as_not_adopted_are_public(browser_a, client_a):
    """Filing is publishing (art. 2:394 lid 1 BW: openbaarmaking by deposit with the
    handelsregister); lid 2 files the drawn-up accounts the same way, stating that they are
    not adopted yet. The offer and its confirmation must not read as "not made public"."""
    message = message_at_30(client_a, year=PAST)
    page = browser_a.get(reverse("outsite-message", args=[message.pk])).content.decode()
    confirm = _action(browser_a, message, "not_adopted", understood="on").content.decode()
    for text in (page, confirm):
        assert "niet openbaar gemaakt" not in text
        assert (
            "Zij wordt gedeponeerd en is daarna openbaar, met de vermelding dat zij niet is "
            "vastgesteld." in text
        )


def test_after_the_deadline_the_accounts_are_filed_as_not_adopted_and_reach_80(
    browser_a, staff_browser, client_a, digipoort_settings, digipoort_stub
):
    message = message_at_30(client_a, year=PAST)
    received = message.received_sha256
    page = browser_a.get(reverse("outsite-message", args=[message.pk])).content.decode()
    assert 'id="not-adopted"' in page
    assert f"31 juli {PAST + 1} verstreken" in page and "art. 2:394 lid 2 BW" in page
    assert "tweede aanlevering" in page

    # The tick is required.
    refused = _action(browser_a, message, "not_adopted")
    assert refused.status_code == 400
    assert "Vink aan dat u de jaarrekening als niet vastgestelde" in refused.content.decode()

    _file_not_adopted(browser_a, message)
    message.refresh_from_db()
    assert message.status == Status.APPROVED and message.adopted is False
    # What is approved is the document as received, bound by its hash.
    assert message.approved_sha256 == message.document_sha256 == received
    event = message.events.order_by("-sequence").first()
    assert (event.action, event.from_status, event.to_status) == ("approved_not_adopted", 30, 50)
    assert event.actor_user == client_a.user and event.document_sha256 == received

    # The document filed says "not adopted", has no adoption date, and passes the KvK's rules.
    document = bytes(message.document)
    parsed = parse_instance(document)
    assert parsed.first_value("DocumentAdoptionStatus") == tx.NO
    assert parsed.first_value("DocumentAdoptionDate") is None
    assert not has_errors(check_instance(document, filename=message.filename))

    message = _filed(message)
    assert message.status == Status.FILED
    (delivery,) = digipoort_stub.state.all(kvk_number=client_a.kvk_number)
    assert delivery.sha256 == received and delivery.verdict["adopted"] is False

    # The staff read it in the timeline and the status line; Termijnen says what follows.
    staff_page = staff_browser.get(reverse("insite-message", args=[message.pk])).content.decode()
    assert "Goedgekeurd als niet vastgestelde jaarrekening (art. 2:394 lid 2 BW)" in staff_page
    assert 'id="filed-not-adopted"' in staff_page and 'id="not-adopted-tag"' in staff_page
    assert "openbaar bij de KvK" not in staff_page
    row = _row(client_a, PAST)
    assert row.situation == deadline_selectors.Situation.FILED_NOT_ADOPTED
    assert row.situation.label == "Niet vastgesteld gedeponeerd; vastgestelde jaarrekening volgt"


def test_the_adopted_accounts_follow_as_tweede_aanlevering_and_a_third_is_refused(
    browser_a, client_a, digipoort_settings, digipoort_stub
):
    first = message_at_30(client_a, year=PAST)
    _file_not_adopted(browser_a, first)
    assert _filed(ApprovalMessage.objects.get(pk=first.pk)).status == Status.FILED

    # The adopted accounts: taken into the workflow, approved, filed (tweede aanlevering).
    second = _adopted_version(client_a, name="Test B.V.")
    assert second.status == Status.IN_REVIEW, second.reasons
    assert second.adopted and second.adoption_date == date(PAST + 1, 9, 1)
    page = browser_a.get(reverse("outsite-message", args=[second.pk])).content.decode()
    assert 'id="not-adopted"' not in page  # adopted: only "Goedkeuren bericht"
    _action(browser_a, second, "approve", document_sha256=second.document_sha256, confirmed="1")
    second.refresh_from_db()
    assert second.status == Status.APPROVED
    assert second.events.order_by("-sequence").first().action == "approved"
    assert _filed(second).status == Status.FILED
    assert [d.verdict["adopted"] for d in digipoort_stub.state.all()] == [False, True]
    assert _row(client_a, PAST).situation == deadline_selectors.Situation.FILED

    # A third filing, adopted again: refused as KvK would (only a heraanlevering now).
    third = _adopted_version(client_a, name="Test Drie B.V.")
    assert third.status == Status.PROCESSING_FAILED
    assert [r["code"] for r in third.reasons] == [services.CORRECTION_REASON_CODE]
    assert (
        f"Voor boekjaar {PAST} is al een vastgestelde jaarrekening gedeponeerd"
        in (third.reasons[0]["message"])
    )


def _not_adopted_at_30(client) -> ApprovalMessage:
    """Another version of PAST's accounts, not adopted, taken into the workflow."""
    content = numbered(instance_for(client.kvk_number, year=PAST))
    message, _ = register_report(client.organisation, content, Actor.system())
    assert services.claim_for_processing(message.pk)
    assert connector_services.process_message(message.pk) == Status.IN_REVIEW
    return ApprovalMessage.objects.get(pk=message.pk)


def test_only_the_first_filing_of_a_year_may_be_the_not_adopted_one(client_a):
    """What follows a filing is the adopted accounts (KVK-SBR.md section 1); the service
    says so instead of filing accounts not adopted again."""
    actor = Actor.for_user(client_a.user)
    first = message_at_30(client_a, year=PAST)
    deadlines = periods.message_deadlines(first)
    services.approve_not_adopted(
        message_id=first.pk, actor=actor, document_sha256=first.document_sha256, deadlines=deadlines
    )

    def refusal(message: ApprovalMessage) -> Conflict:
        with pytest.raises(Conflict) as refused:
            services.approve_not_adopted(
                message_id=message.pk,
                actor=actor,
                document_sha256=message.document_sha256,
                deadlines=deadlines,
            )
        return refused.value

    # A version that says adopted: approve it as such.
    assert refusal(_adopted_version(client_a, name="Andere B.V.")).key == "not_adopted:adopted"
    again = _not_adopted_at_30(client_a)
    refused = refusal(again)
    assert refused.key == "not_adopted:filed"
    assert f"Voor boekjaar {PAST} is al een niet vastgestelde jaarrekening" in refused.message
    again.refresh_from_db()
    assert again.status == Status.IN_REVIEW and again.approved_sha256 == ""
    assert [e.action for e in again.events.all()][-1] == "workflow_started"


def test_accounts_not_adopted_are_refused_after_an_adopted_filing(client_a):
    actor = Actor.for_user(client_a.user)
    message = message_at_30(client_a, year=PAST)
    services.adopt(message_id=message.pk, actor=actor, adoption_date=date(PAST + 1, 9, 1))
    message.refresh_from_db()
    services.approve(message_id=message.pk, actor=actor, document_sha256=message.document_sha256)
    refusal = not_adopted_refusal(client_a.organisation.pk, PAST, exclude_message_id=0)
    assert refusal is not None and refusal.key == "not_adopted:adopted_filed"


def test_a_legal_form_without_a_computed_deadline_gets_no_such_filing(browser_a, client_a):
    """A vennootschap onder firma files no accounts unless all fully liable partners are
    capital companies (art. 2:360 lid 2 BW); we compute no deadline for it (kvk.deadlines),
    so OutSite does not offer it and the service refuses it."""
    Organisation.objects.filter(pk=client_a.organisation.pk).update(
        legal_form="Vennootschap onder firma"
    )
    message = message_at_30(client_a, year=PAST)
    page = browser_a.get(reverse("outsite-message", args=[message.pk])).content.decode()
    assert 'id="not-adopted"' not in page
    assert periods.message_deadlines(message) is None
    with pytest.raises(Invalid) as refused:
        services.approve_not_adopted(
            message_id=message.pk,
            actor=Actor.for_user(client_a.user),
            document_sha256=message.document_sha256,
            deadlines=None,
        )
    assert refused.value.key == "not_adopted:no_deadline"
