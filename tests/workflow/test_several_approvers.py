"""Several approvers: every required approver approves the same document before it goes to
the KvK (art. 2:101 BW: all directors sign). The audit trail is the record of approvals
(workflow.approvers); the message moves 30 -> 50 with the last required approval."""

from __future__ import annotations

import dataclasses
import threading
import time
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from crm.models import AdopterRule, ApproverRule, Contact
from deadlines import reminders
from kvk.builder import build_instance
from kvk.statements import Signatory, demo_statements
from kvk.status import Status
from tests import factories
from tests.workflow.conftest import YEAR, adoption_day, events
from workflow import approvers, services, signals, tasks
from workflow.errors import Conflict, NotPermitted
from workflow.models import Actor, ApprovalMessage, StatusEvent


def _directors(flow, count: int) -> list[Contact]:
    """``count`` directors of client A's organisation with portal access; the existing
    client user is the first one."""
    others = (f"Bestuurder {n}" for n in range(2, count + 1))
    return factories.make_directors(flow.client, "Anna Eerste", *others)


def _require_directors(flow) -> None:
    factories.require_directors(flow.workflow)


def _adopted_by_directors(flow, count: int) -> tuple[ApprovalMessage, list[Contact]]:
    """The workflow asks the directors' approval; ``count`` directors; a message adopted (30)."""
    _require_directors(flow)
    directors = _directors(flow, count)
    return _adopted(flow), directors


def _actor(contact: Contact) -> Actor:
    return Actor.for_user(contact.user, ip_address="192.0.2.20")


def _approve(message: ApprovalMessage, contact: Contact) -> ApprovalMessage:
    message.refresh_from_db()
    return services.approve(
        message_id=message.pk, actor=_actor(contact), document_sha256=message.document_sha256
    )


def _adopted(flow) -> ApprovalMessage:
    message = flow.at(Status.IN_REVIEW)
    flow.adopt(message)
    message.refresh_from_db()
    return message


def _approvals(message: ApprovalMessage) -> list[tuple]:
    return [
        (e.action, e.from_status, e.to_status, e.actor_user.get_username())
        for e in message.events.filter(action__in=approvers.APPROVAL_ACTIONS).order_by("sequence")
    ]


@pytest.fixture(autouse=True)
def _no_delivery(monkeypatch):
    """The delivery after approval is not what these tests look at."""
    monkeypatch.setattr(tasks.submit_to_kvk, "delay", lambda *args, **kwargs: None)


# --- one required approver: today's behaviour -------------------------------------------------


@pytest.mark.django_db
def test_one_contact_is_the_default_and_approves_alone(flow):
    assert flow.workflow.approver_rule == ApproverRule.ONE
    message = _adopted(flow)
    assert approvers.required_approvers(message) is None
    assert approvers.approval_progress(message) is None

    flow.approve(message)

    message.refresh_from_db()
    assert message.status == Status.APPROVED
    assert [a for a, *_ in events(message)][-1] == "approved"
    assert not message.events.filter(action=approvers.APPROVAL_GIVEN).exists()


@pytest.mark.django_db
def test_one_director_required_approves_alone(flow):
    message, (director,) = _adopted_by_directors(flow, 1)

    _approve(message, director)

    message.refresh_from_db()
    assert message.status == Status.APPROVED
    assert _approvals(message) == [("approved", 30, 50, director.user.get_username())]


# --- two and three ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_two_directors_the_message_moves_with_the_second_approval(flow):
    message, (first, second) = _adopted_by_directors(flow, 2)

    _approve(message, first)
    message.refresh_from_db()
    assert message.status == Status.IN_REVIEW
    assert message.approved_sha256 == ""
    progress = approvers.approval_progress(message)
    assert (progress.count, progress.total) == (1, 2)
    assert [a.name for a in progress.approved] == [first.name]
    assert [a.name for a in progress.pending] == [second.name]

    _approve(message, second)
    message.refresh_from_db()
    assert message.status == Status.APPROVED
    assert message.approved_sha256 == message.document_sha256
    assert _approvals(message) == [
        ("approval_given", 30, 30, first.user.get_username()),
        ("approved", 30, 50, second.user.get_username()),
    ]
    # Both approvals are bound to the document that is filed.
    shas = message.events.filter(action__in=approvers.APPROVAL_ACTIONS).values_list(
        "document_sha256", flat=True
    )
    assert set(shas) == {message.approved_sha256}
    # The adoption was recorded once.
    assert message.events.filter(action="adopted").count() == 1


@pytest.mark.django_db
def test_three_directors_in_any_order(flow):
    message, (first, second, third) = _adopted_by_directors(flow, 3)

    for contact, expected in ((third, 30), (first, 30), (second, 50)):
        _approve(message, contact)
        message.refresh_from_db()
        assert message.status == expected
    assert [action for action, *_ in _approvals(message)] == [
        "approval_given",
        "approval_given",
        "approved",
    ]
    progress = approvers.approval_progress(message)
    assert (progress.count, progress.total, progress.pending) == (3, 3, [])


@pytest.mark.django_db
def test_a_named_set_on_the_organisation_overrides_the_workflow(flow):
    first, second, third = _directors(flow, 3)  # the workflow still says one contact
    flow.organisation.approver_rule = ApproverRule.NAMED
    flow.organisation.save()
    flow.organisation.approvers.set([first, third])
    message = _adopted(flow)

    _approve(message, first)
    with pytest.raises(NotPermitted) as refused:
        _approve(message, second)
    assert refused.value.code == "not_a_required_approver"
    _approve(message, third)

    message.refresh_from_db()
    assert message.status == Status.APPROVED


@pytest.mark.django_db
def test_the_same_person_approving_twice_is_a_conflict(flow):
    message, (first, _second) = _adopted_by_directors(flow, 2)
    _approve(message, first)

    with pytest.raises(Conflict) as conflict:
        _approve(message, first)

    assert conflict.value.code == "approval_already_given"
    assert "al goedgekeurd" in conflict.value.message
    assert message.events.filter(action=approvers.APPROVAL_GIVEN).count() == 1


@pytest.mark.django_db
def test_a_director_without_portal_access_is_not_required(flow):
    _require_directors(flow)
    first, second = _directors(flow, 2)
    second.portal_access = False
    second.save()
    message = _adopted(flow)

    _approve(message, first)

    message.refresh_from_db()
    assert message.status == Status.APPROVED


@pytest.mark.django_db
def test_no_required_approver_at_all_is_a_conflict(flow):
    message = _adopted(flow)
    _require_directors(flow)  # and nobody is a director

    with pytest.raises(Conflict) as conflict:
        flow.approve(message)
    assert conflict.value.code == "no_required_approvers"

    with pytest.raises(NotPermitted) as refused:
        flow.adopt(flow.at(Status.IN_REVIEW))
    assert refused.value.code == "no_adopter_named"


@pytest.mark.django_db
def test_an_approval_before_the_adoption_is_refused_as_today(flow):
    _require_directors(flow)
    first, _second = _directors(flow, 2)
    message = flow.at(Status.IN_REVIEW)

    with pytest.raises(Conflict) as conflict:
        _approve(message, first)

    assert conflict.value.code == "condition_not_met"
    assert not message.events.filter(action=approvers.APPROVAL_GIVEN).exists()


# --- rejection ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_rejection_by_the_second_director_moves_to_40_with_their_reason(flow):
    message, (first, second) = _adopted_by_directors(flow, 2)
    _approve(message, first)

    services.reject(message_id=message.pk, actor=_actor(second), reason="Mijn naam ontbreekt")

    message.refresh_from_db()
    assert message.status == Status.REJECTED
    assert message.reasons == [{"code": "client_rejected", "message": "Mijn naam ontbreekt"}]
    rejected = message.events.get(action="rejected")
    assert rejected.actor_user == second.user


@pytest.mark.django_db
def test_only_a_required_approver_may_reject(flow):
    _require_directors(flow)
    (director,) = _directors(flow, 1)
    bystander = factories.ContactFactory(organisation=flow.organisation, name="Geen bestuurder")
    message = _adopted(flow)

    with pytest.raises(NotPermitted) as refused:
        services.reject(message_id=message.pk, actor=_actor(bystander), reason="Nee")

    assert refused.value.code == "not_a_required_approver"
    message.refresh_from_db()
    assert message.status == Status.IN_REVIEW
    _approve(message, director)


@pytest.mark.django_db
def test_a_repaired_message_needs_every_approval_again(flow, staff_actor):
    message, (first, second) = _adopted_by_directors(flow, 2)
    _approve(message, first)
    services.reject(message_id=message.pk, actor=_actor(second), reason="Vraag")
    services.repair(
        message_id=message.pk, actor=staff_actor, reason="De afkeuring was een vergissing"
    )
    message.refresh_from_db()
    assert approvers.approval_progress(message).count == 0

    _approve(message, second)
    message.refresh_from_db()
    assert message.status == Status.IN_REVIEW
    _approve(message, first)
    message.refresh_from_db()
    assert message.status == Status.APPROVED


# --- the adoption: once, by whoever the definition names ----------------------------------


@pytest.mark.django_db
def test_the_adoption_is_recorded_once(flow):
    """Issue 22: the adoption (vastgesteld, date) is recorded once; a second director's
    adoption with another date is refused and the first approval keeps counting."""
    message, (first, second) = _adopted_by_directors(flow, 2)
    adopted_sha = message.document_sha256
    _approve(message, first)

    with pytest.raises(Conflict) as conflict:
        services.adopt(
            message_id=message.pk,
            actor=_actor(second),
            adoption_date=adoption_day(message.financial_year) - timedelta(days=1),
        )

    assert conflict.value.code == "already_adopted"
    assert "door Anna Eerste" in conflict.value.message
    message.refresh_from_db()
    assert message.document_sha256 == adopted_sha
    assert message.events.filter(action="adopted").count() == 1
    assert approvers.approval_progress(message).count == 1


def _name_adopter(flow, contact: Contact | None) -> None:
    flow.workflow.adopter_rule = AdopterRule.NAMED
    flow.workflow.save()
    flow.organisation.adopter = contact
    flow.organisation.save()


@pytest.mark.django_db
def test_a_named_adopter_records_the_adoption_and_nobody_else(flow):
    _require_directors(flow)
    first, second = _directors(flow, 2)
    _name_adopter(flow, second)
    message = flow.at(Status.IN_REVIEW)

    with pytest.raises(NotPermitted) as refused:
        flow.adopt(message)  # the first director
    assert second.name in refused.value.message
    services.adopt(message_id=message.pk, actor=_actor(second), adoption_date=adoption_day())

    message.refresh_from_db()
    assert message.adopted
    event = message.events.get(action="adopted")
    assert event.actor_user == second.user
    # Both still approve; the adopter's adoption is no approval.
    assert approvers.approval_progress(message).count == 0


@pytest.mark.django_db
def test_a_named_adopter_moved_to_another_organisation_counts_as_nobody(flow):
    """Reviewed: a contact named as adopter and then moved to another client (the admin
    can change a contact's organisation) must not be named to this client, nor adopt."""
    elsewhere = factories.ContactFactory(name="Elders Werkzaam")
    _name_adopter(flow, elsewhere)
    message = flow.at(Status.IN_REVIEW)

    allowed = approvers.adopter(message, elsewhere.user.pk)

    assert (allowed.may, allowed.name, allowed.missing) == (False, "", True)
    with pytest.raises(NotPermitted) as refused:
        flow.adopt(message)
    assert refused.value.code == "no_adopter_named"
    assert "Elders" not in refused.value.message


@pytest.mark.django_db
def test_the_organisation_refuses_an_adopter_of_another_organisation(flow):
    from django.core.exceptions import ValidationError

    flow.organisation.adopter = factories.ContactFactory(name="Elders Werkzaam")
    with pytest.raises(ValidationError) as invalid:
        flow.organisation.full_clean()
    assert "adopter" in invalid.value.message_dict


def test_an_approval_counts_only_for_the_document_it_was_given_for():
    """The SHA-256 binding of approvals (workflow.approvers._count), walked over audit
    rows as the database returns them: an approval for another document does not count,
    and an entry into 30 starts a new round."""
    moment = timezone.now()

    def row(action, user, sha, to_status=30, from_status=30):
        return {
            "action": action,
            "actor_user_id": user,
            "document_sha256": sha,
            "to_status": to_status,
            "from_status": from_status,
            "created_at": moment,
        }

    events = [
        row("workflow_started", None, "a" * 64, from_status=20),
        row(approvers.APPROVAL_GIVEN, 1, "a" * 64),
        row(approvers.APPROVAL_GIVEN, 2, "b" * 64),
    ]
    assert approvers._count(events, "a" * 64) == {1: moment}
    assert approvers._count(events, "b" * 64) == {2: moment}
    again = [*events, row("repaired", None, "a" * 64, from_status=40)]
    assert approvers._count(again, "a" * 64) == {}


@pytest.mark.django_db
def test_a_named_rule_without_a_named_contact_refuses_with_a_reason(flow):
    _name_adopter(flow, None)
    message = flow.at(Status.IN_REVIEW)

    with pytest.raises(NotPermitted) as refused:
        flow.adopt(message)

    assert refused.value.code == "no_adopter_named"
    assert "accountant" in refused.value.message
    assert not ApprovalMessage.objects.get(pk=message.pk).adopted


@pytest.mark.django_db
def test_the_organisations_adopter_rule_overrides_the_workflows(flow):
    _name_adopter(flow, None)
    flow.organisation.adopter_rule = AdopterRule.APPROVER
    flow.organisation.save()

    message = _adopted(flow)

    assert message.adopted


@pytest.mark.django_db
def test_a_contact_who_need_not_approve_cannot_adopt(flow):
    _require_directors(flow)
    _directors(flow, 2)
    outsider = flow.client.user.client_contacts.get()
    outsider.is_director = False
    outsider.save()
    message = flow.at(Status.IN_REVIEW)

    with pytest.raises(NotPermitted):
        flow.adopt(message)

    assert not ApprovalMessage.objects.get(pk=message.pk).adopted


@pytest.mark.django_db
def test_a_correction_starts_without_approvals(flow, staff_actor):
    """A correction after 40 is a new message replacing the rejected one: the approvals of
    the rejected version do not carry over."""
    rejected, (first, second) = _adopted_by_directors(flow, 2)
    _approve(rejected, first)
    services.reject(message_id=rejected.pk, actor=_actor(second), reason="Fout in de balans")

    correction = flow.at(Status.IN_REVIEW)
    assert correction.replaces_id == rejected.pk
    flow.adopt(correction)
    correction.refresh_from_db()
    assert approvers.approval_progress(correction).count == 0
    _approve(correction, second)
    correction.refresh_from_db()
    assert correction.status == Status.IN_REVIEW


# --- two directors at the same moment (PostgreSQL) ----------------------------------------------

HOLD = 0.3  # seconds the first approval keeps the message row locked


@pytest.fixture
def _quiet_signals(monkeypatch):
    for name in dir(signals):
        signal = getattr(signals, name)
        if isinstance(signal, signals.Signal):
            monkeypatch.setattr(signal, "send", lambda *args, **kwargs: [])


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="two connections that really run at once need PostgreSQL's row locks; SQLite "
    "serialises every writer with BEGIN IMMEDIATE",
)
def test_two_directors_approving_at_the_same_moment(flow, monkeypatch, _quiet_signals):
    message, (first, second) = _adopted_by_directors(flow, 2)

    # The first caller holds the message row a little, so the second certainly waits on it.
    original = services.review.required_approvers
    held = threading.Event()

    def slow(locked_message):
        result = original(locked_message)
        if not held.is_set():
            held.set()
            time.sleep(HOLD)
        return result

    monkeypatch.setattr(services.review, "required_approvers", slow)
    barrier = threading.Barrier(2)
    results: list = [None, None]

    def run(index: int, contact: Contact) -> None:
        try:
            barrier.wait()
            services.approve(
                message_id=message.pk,
                actor=_actor(contact),
                document_sha256=message.document_sha256,
            )
            results[index] = "ok"
        except Exception as error:  # noqa: BLE001 - reported in the assertion
            results[index] = repr(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate((first, second))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert results == ["ok", "ok"]
    message.refresh_from_db()
    assert message.status == Status.APPROVED
    approvals = StatusEvent.objects.filter(message=message, action__in=approvers.APPROVAL_ACTIONS)
    assert sorted(e.action for e in approvals) == ["approval_given", "approved"]
    assert {e.actor_user_id for e in approvals} == {first.user_id, second.user_id}
    transitions = StatusEvent.objects.filter(message=message, to_status=Status.APPROVED)
    assert transitions.count() == 1


# --- reminders go to those who have not approved ------------------------------------------------


@pytest.mark.django_db
def test_reminders_go_only_to_the_approvers_who_have_not_approved(
    flow, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.REMINDER_DAYS = [3]
    message, (first, second, third) = _adopted_by_directors(flow, 3)
    _approve(message, first)

    with django_capture_on_commit_callbacks(execute=True):
        claimed = reminders.send_client_reminders(now=timezone.now() + timedelta(days=3))

    assert claimed == 1
    assert sorted(address for email in mail.outbox for address in email.to) == sorted(
        [second.email, third.email]
    )


# --- the filing's signatories and the approvers -------------------------------------------------


def _signed_by(flow, *names: str) -> bytes:
    statements = demo_statements(
        kvk_number=flow.client.kvk_number, legal_name="Test B.V.", year=YEAR
    )
    signed_on = statements.signatories[0].signed_on
    people = [Signatory(name=name, signed_on=signed_on, place="Utrecht") for name in names]
    return build_instance(dataclasses.replace(statements, signatories=people))


@pytest.mark.django_db
def test_signatories_that_differ_from_the_approvers_are_a_finding(flow):
    _require_directors(flow)
    first, second = _directors(flow, 2)  # "Anna Eerste" and "Bestuurder 2"
    message = flow.register(content=_signed_by(flow, "Anna Eerste", "Piet Anders"))
    flow.start(message)
    message.refresh_from_db()

    finding = approvers.signatory_difference(message)

    assert finding is not None and finding["code"] == "approvers_signatories"
    assert finding["severity"] == "warning"
    assert "Bestuurder 2" in finding["message_nl"] and "Piet Anders" in finding["message_nl"]
    assert "Anna Eerste" not in finding["message_nl"]


@pytest.mark.django_db
def test_signatories_that_match_the_approvers_give_no_finding(flow):
    _require_directors(flow)
    _directors(flow, 2)
    message = flow.register(content=_signed_by(flow, "bestuurder 2", " Anna  Eerste"))
    flow.start(message)
    message.refresh_from_db()

    assert approvers.signatory_difference(message) is None


@pytest.mark.django_db
def test_one_contact_compares_no_signatories(flow):
    message = flow.at(Status.IN_REVIEW)
    assert approvers.signatory_difference(message) is None


# The signatories' names are free text (NT19: jenv-bw2-i:LegalEntityNameManagingSupervisoryDirector
# is an nl-types:string1000ItemType, kvk/nt19/nt19-index.json), and Dutch
# accounts often sign with initials and the surname with its tussenvoegsel ("J. de Vries"),
# while the contact carries the full name ("Jan de Vries").
@pytest.mark.django_db
@pytest.mark.parametrize(
    ("directors", "signed"),
    [
        (("Jan de Vries", "Anna van der Berg"), ("J. de Vries", "A. van der Berg")),
        (("Jan Pieter de Vries", "Anna Eerste"), ("J.P. de Vries", "a. eerste")),
        (("J. de Vries", "Anna Eerste"), ("Jan de Vries", "Anna Eerste")),
        (("José Núñez", "Anna Eerste"), ("JOSE NUNEZ", "Anna Eerste")),
        (("Jan de Vries", "Johan de Vries"), ("Johan de Vries", "J. de Vries")),
    ],
)
def test_signatories_with_initials_match_the_approvers_full_names(flow, directors, signed):
    _require_directors(flow)
    factories.make_directors(flow.client, *directors)
    message = flow.register(content=_signed_by(flow, *signed))
    flow.start(message)
    message.refresh_from_db()

    assert approvers.signatory_difference(message) is None


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("directors", "signed", "unsigned", "unasked"),
    [
        # The initial is another person's: Piet is not Jan.
        (
            ("Jan de Vries", "Anna Eerste"),
            ("P. de Vries", "Anna Eerste"),
            "Jan de Vries",
            "P. de Vries",
        ),
        # The tussenvoegsel is part of the surname: "J. Vries" is not "Jan de Vries".
        (("Jan de Vries", "Anna Eerste"), ("J. Vries", "Anna Eerste"), "Jan de Vries", "J. Vries"),
        # One "J. de Vries" signs for one of the two.
        (("Jan de Vries", "Johan de Vries"), ("J. de Vries",), "Johan de Vries", "–"),
    ],
)
def test_initials_of_another_person_stay_a_finding(flow, directors, signed, unsigned, unasked):
    _require_directors(flow)
    factories.make_directors(flow.client, *directors)
    message = flow.register(content=_signed_by(flow, *signed))
    flow.start(message)
    message.refresh_from_db()

    finding = approvers.signatory_difference(message)

    assert finding is not None and finding["code"] == "approvers_signatories"
    assert f"Moet goedkeuren maar ondertekent niet: {unsigned}." in finding["message_nl"]
    assert f"Ondertekent maar hoeft niet goed te keuren: {unasked}." in finding["message_nl"]
