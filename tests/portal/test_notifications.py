"""E-mail notifications, hooked on the workflow's after-commit signals, in each recipient's
language; sent by a Celery task (run in-process here) into Django's locmem outbox."""

from __future__ import annotations

from datetime import date

import pytest
from django.core import mail

from kvk.status import Status
from portal import notifications
from tests.portal.conftest import make_message
from workflow import services
from workflow.models import Actor, ApprovalMessage

pytestmark = pytest.mark.usefixtures("mail_tasks_run_here")


def _to(address: str) -> list:
    return [m for m in mail.outbox if m.to == [address]]


def test_client_hears_that_a_message_awaits_review(
    client_a, staff, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        message = make_message(client_a)
    mails = _to(client_a.user.email)
    assert len(mails) == 1
    assert "wacht op uw goedkeuring" in mails[0].subject
    assert f"/outsite/berichten/{message.pk}/" in mails[0].body
    assert not _to(staff.email)  # staff are not told about their own routine


def test_english_contact_gets_english_mail(client_a, django_capture_on_commit_callbacks):
    contact = client_a.user.client_contacts.get()
    contact.language = "en"
    contact.save()
    with django_capture_on_commit_callbacks(execute=True):
        make_message(client_a)
    (sent,) = _to(client_a.user.email)
    assert "await your approval" in sent.subject


def test_staff_hear_approval_and_rejection(
    client_a, client_b, staff, django_capture_on_commit_callbacks
):
    approved = make_message(client_a)
    rejected = make_message(client_b)
    actor_a = Actor.for_user(client_a.user)
    services.adopt(message_id=approved.pk, actor=actor_a, adoption_date=date.today())
    approved.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        services.approve(
            message_id=approved.pk, actor=actor_a, document_sha256=approved.document_sha256
        )
        services.reject(
            message_id=rejected.pk, actor=Actor.for_user(client_b.user), reason="Naam fout"
        )
    staff_mails = _to(staff.email)
    assert len(staff_mails) == 2
    subjects = " | ".join(m.subject for m in staff_mails)
    assert "goedgekeurd" in subjects and "afgekeurd" in subjects
    assert any("Naam fout" in m.body for m in staff_mails)
    assert any(f"/insite/berichten/{rejected.pk}/" in m.body for m in staff_mails)


def test_staff_mail_is_in_the_staff_members_language(
    client_a, staff, django_capture_on_commit_callbacks
):
    from crm.models import StaffMember

    StaffMember.objects.filter(user=staff).update(language="en")
    message = make_message(client_a)
    with django_capture_on_commit_callbacks(execute=True):
        services.reject(
            message_id=message.pk, actor=Actor.for_user(client_a.user), reason="Naam fout"
        )
    (mail_to_staff,) = _to(staff.email)
    assert "afgekeurd" not in mail_to_staff.subject.lower()
    assert "reject" in mail_to_staff.subject.lower()


def _sent_to_kvk(client):
    message = make_message(client, Status.APPROVED)
    assert services.claim_for_submission(message.pk)
    assert services.record_delivered(message_id=message.pk, kenmerk="K-1")
    return message


@pytest.mark.parametrize(
    ("outcome", "word"), [(Status.FILED, "gedeponeerd"), (Status.REFUSED, "afgekeurd")]
)
def test_both_hear_the_kvk_outcome(
    client_a, staff, django_capture_on_commit_callbacks, outcome, word
):
    message = _sent_to_kvk(client_a)
    reasons = [{"code": "KVK-1", "message": "Balans sluit niet"}] if outcome == 90 else []
    with django_capture_on_commit_callbacks(execute=True):
        services.record_kvk_statuses(
            message_id=message.pk, statuses=[], outcome_status=outcome, reasons=reasons
        )
    message.refresh_from_db()
    assert message.status == outcome
    for address in (client_a.user.email, staff.email):
        (sent,) = _to(address)
        assert word in sent.subject.lower()
    if outcome == Status.REFUSED:
        assert "Balans sluit niet" in _to(client_a.user.email)[0].body


def test_staff_hear_when_retries_run_out(client_a, staff, django_capture_on_commit_callbacks):
    message = make_message(client_a, Status.APPROVED)
    assert services.claim_for_submission(message.pk)
    with django_capture_on_commit_callbacks(execute=True):
        will_retry = services.record_transport_error(
            message_id=message.pk,
            reasons=[{"code": "timeout", "message": "Digipoort antwoordt niet"}],
            retry=True,
            max_attempts=1,
        )
    assert will_retry is False
    (sent,) = _to(staff.email)
    assert "mislukt" in sent.subject and "Digipoort antwoordt niet" in sent.body
    assert not _to(client_a.user.email)


def test_nothing_is_sent_when_the_state_moved_on(client_a, staff):
    message = make_message(client_a, Status.REJECTED)
    assert (
        notifications.send_notification.apply(
            args=[notifications.AWAITING_REVIEW, message.pk]
        ).get()
        == 0
    )
    assert mail.outbox == []


def test_comments_reach_the_other_side(
    client_a, staff, browser_a, staff_browser, message_a, django_capture_on_commit_callbacks
):
    from django.urls import reverse

    with django_capture_on_commit_callbacks(execute=True):
        browser_a.post(reverse("outsite-comment", args=[message_a.pk]), {"text": "Klopt dit?"})
    (to_staff,) = _to(staff.email)
    assert "opmerking" in to_staff.subject.lower() and "Klopt dit?" in to_staff.body
    assert not _to(client_a.user.email)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        staff_browser.post(reverse("insite-comment", args=[message_a.pk]), {"text": "Ja, klopt."})
    (to_client,) = _to(client_a.user.email)
    assert "Ja, klopt." in to_client.body
    assert not _to(staff.email)


def test_a_processed_batch_is_announced_in_one_task(
    client_a, client_b, monkeypatch, django_capture_on_commit_callbacks
):
    from connectors import services as connector_services

    batches = []

    def run_here(kind, pks):
        batches.append((kind, list(pks)))
        return notifications.send_notifications.apply(args=(kind, pks)).get()

    monkeypatch.setattr(notifications.send_notifications, "delay", run_here)
    first = make_message(client_a, Status.RECEIVED)
    second = make_message(client_b, Status.RECEIVED)
    with django_capture_on_commit_callbacks(execute=True):
        connector_services.process_external_messages()
    assert batches == [(notifications.AWAITING_REVIEW, [first.pk, second.pk])]
    assert len(_to(client_a.user.email)) == 1
    assert len(_to(client_b.user.email)) == 1


@pytest.mark.parametrize(
    "failure", [OSError("mail server away"), ValueError("newline in header")], ids=str
)
def test_a_batch_mail_that_fails_is_retried_on_its_own(client_a, monkeypatch, failure):
    messages = []
    for year in (2001, 2002, 2003):  # three years: a newer version would close an older one
        messages.append(make_message(client_a))
        ApprovalMessage.objects.filter(pk=messages[-1].pk).update(financial_year=year)
    mail.outbox.clear()
    retried = []
    real_send = notifications._send

    def flaky(kind, message, comment_pk=None, *, event):
        if message.pk == messages[1].pk:
            raise failure
        return real_send(kind, message, comment_pk, event=event)

    monkeypatch.setattr(notifications, "_send", flaky)
    monkeypatch.setattr(notifications.send_notification, "delay", lambda *a: retried.append(a))
    pks = [m.pk for m in messages]
    result = notifications.send_notifications.apply(
        args=(notifications.AWAITING_REVIEW, pks), task_id="batch"
    )
    assert result.get() == 2
    # The same event: the task of its own serves only whom the batch did not.
    assert retried == [(notifications.AWAITING_REVIEW, messages[1].pk, None, "batch")]
    assert len(_to(client_a.user.email)) == 2


def test_client_mail_speaks_to_the_client(client_a, staff, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        make_message(client_a)
    (sent,) = _to(client_a.user.email)
    # No status code and no third person about the reader; "klantportal", as the product
    # names it (seed: kvk-jaarstukken-deponeren-via-accountancyportal.txt).
    assert "Status: Wacht op uw beoordeling" in sent.body
    assert "door cliënt" not in sent.body and "30" not in sent.body.split("Status:")[1]
    assert "in de klantportal." in sent.body


def test_staff_mail_keeps_the_status_code(client_a, staff, django_capture_on_commit_callbacks):
    message = make_message(client_a)
    with django_capture_on_commit_callbacks(execute=True):
        services.reject(message_id=message.pk, actor=Actor.for_user(client_a.user), reason="X")
    (sent,) = _to(staff.email)
    assert "Status: 40 Afgekeurd door cliënt" in sent.body


def test_a_name_ending_in_a_full_stop_ends_the_sentence_once(
    client_a, staff, django_capture_on_commit_callbacks
):
    client_a.organisation.name = "Korenschoof B.V."
    client_a.organisation.save()
    contact = client_a.user.client_contacts.get()
    contact.language = "en"
    contact.save()
    message = _sent_to_kvk(client_a)
    with django_capture_on_commit_callbacks(execute=True):
        services.record_kvk_statuses(
            message_id=message.pk,
            statuses=[],
            outcome_status=Status.REFUSED,
            reasons=[{"code": "KVK-1", "message": "Balans sluit niet"}],
        )
    (sent,) = _to(client_a.user.email)
    assert "Korenschoof B.V.." not in sent.body
    # The English of templates/portal/email/notification.txt's refused branch.
    assert "of Korenschoof B.V. Your administration corrects the documents" in sent.body


def test_a_contact_whose_login_was_deactivated_hears_nothing(
    client_a, django_capture_on_commit_callbacks
):
    from tests import factories

    other = factories.ContactFactory(organisation=client_a.organisation)
    client_a.user.is_active = False
    client_a.user.save()
    with django_capture_on_commit_callbacks(execute=True):
        make_message(client_a)
    assert not _to(client_a.user.email)
    assert len(_to(other.email)) == 1


def test_the_invitation_says_how_long_its_link_works_and_what_to_do_after(client_a, settings):
    """An invited client whose link expired must know the way on: "Wachtwoord vergeten?"
    sends a new link to an invited client without a password too."""
    settings.PASSWORD_RESET_TIMEOUT = 3 * 86400  # Django's default
    contact = client_a.user.client_contacts.get()
    notifications.send_invitation(contact, "https://portaal.example/wachtwoord/")
    (sent,) = _to(contact.email)
    assert "De link werkt één keer en vervalt na 3 dagen." in sent.body
    assert "'Wachtwoord vergeten?'" in sent.body and "nieuwe link" in sent.body


def test_the_invitation_names_the_klantportal(client_a):
    contact = client_a.user.client_contacts.get()
    notifications.send_invitation(contact, "https://portaal.example/wachtwoord/")
    (sent,) = _to(contact.email)
    assert "klantportal van" in sent.subject and "voor de klantportal." in sent.body


def test_two_contacts_whose_addresses_differ_in_capitals_get_one_mail(
    client_a, django_capture_on_commit_callbacks
):
    """ "Jan@x.nl" and "jan@x.nl" are one person, as the reminders count them
    (crm.logins.address_key): one mail, not two."""
    from tests import factories

    address = client_a.user.email
    factories.ContactFactory(
        organisation=client_a.organisation, user=None, name="Jan", email=address.upper()
    )
    with django_capture_on_commit_callbacks(execute=True):
        make_message(client_a)
    sent = [m for m in mail.outbox if m.to[0].lower() == address.lower()]
    assert len(sent) == 1
