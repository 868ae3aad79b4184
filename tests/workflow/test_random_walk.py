"""A property-based random walk over the service actions (hypothesis, rule based).

Whatever the order of actions, actors and inputs:
- every message stays in the states of the machine, and each status change follows an
  edge of the model;
- every status change writes exactly one audit event whose from/to match the change, and a
  refused action writes nothing and changes nothing;
- the audit events of a message form an unbroken chain from "received" to its status;
- the organisation's event sequence numbers increase by one, without gaps;
- from 50 on the approved hash is the document's hash.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from kvk.status import Status
from tests import factories
from tests.conftest import numbered, register_report
from tests.workflow.conftest import YEAR, adoption_day, document, start_workflow
from workflow import services
from workflow.errors import WorkflowError
from workflow.models import Actor, ApprovalMessage, StatusEvent

pytestmark = pytest.mark.django_db

STATES = {s.value for s in Status if s >= Status.RECEIVED}
EDGES = {(s, t) for s, t, _n, _l in ApprovalMessage.status_transitions()}
ACTORS = ["client", "client_b", "staff", "outsider", "token", "system"]
RARELY = st.sampled_from([False, False, False, True])
#: Walks per run; raise it for a thorough search: WORKFLOW_WALKS=500 pytest ...
WALKS = int(os.environ.get("WORKFLOW_WALKS", "10"))


def _newer_goes_on(message: ApprovalMessage) -> bool:
    """A version of the message's year received after it that is in review, approved, on
    its way to the KvK or filed (not one that ended at 25, 40 or 90)."""
    return (
        ApprovalMessage.objects.filter(
            organisation_id=message.organisation_id,
            financial_year=message.financial_year,
            pk__gt=message.pk,
            status__in=[
                Status.IN_REVIEW,
                Status.APPROVED,
                Status.SENT_TO_KVK,
                Status.TRANSPORT_ERROR,
                Status.FILED,
            ],
        ).exists()
        if message.financial_year is not None
        else False
    )


def test_no_sequence_of_actions_leaves_the_machine_or_skips_an_audit_event(
    client_a, client_b, staff, outsider, message_type
):
    organisation = client_a.organisation
    plain = message_type.workflow
    reviewed = factories.make_workflow(organisation.environment, accountant_review=True)
    actors = {
        "client": Actor.for_user(client_a.user, ip_address="192.0.2.1"),
        "client_b": Actor.for_user(client_b.user),
        "staff": Actor.for_user(staff, ip_address="198.51.100.1"),
        "outsider": Actor.for_user(outsider),
        "token": Actor.for_token(organisation_id=organisation.pk, label="t", ip_address=None),
        "system": services.SYSTEM,
    }
    content = document(client_a.kvk_number)

    class Walk(RuleBasedStateMachine):
        messages = Bundle("messages")

        walks = 0

        def __init__(self) -> None:
            super().__init__()
            self.known: list[int] = []
            # Messages of earlier walks stay in the database (one test transaction); each walk
            # files for its own financial year so their corrections do not block this one.
            Walk.walks += 1
            self.year = YEAR - Walk.walks

        # --- the step: run an action, then check what it did --------------------------------

        def step(self, pk: int, run, *, must: bool | None) -> None:
            """Run one action; ``must`` True/False says it has to succeed/be refused."""
            before = ApprovalMessage.objects.get(pk=pk)
            before_events = set(
                StatusEvent.objects.filter(message_id=pk).values_list("pk", flat=True)
            )
            try:
                result = run(before)
                refused = result is False
            except WorkflowError:
                refused = True
            after = ApprovalMessage.objects.get(pk=pk)
            new = list(StatusEvent.objects.filter(message_id=pk).exclude(pk__in=before_events))
            changes = [e for e in new if e.from_status != e.to_status]
            if refused and not (
                before.status == Status.PROCESSING and after.status != before.status
            ):
                # (start_workflow refuses a correction by moving 20 -> 25 itself: checked below)
                assert after.status == before.status
                assert new == [], [(e.action, e.from_status, e.to_status) for e in new]
            if must is True:
                assert not refused, "an allowed action was refused"
            if must is False:
                assert refused and after.status == before.status, "a forbidden action ran"
            if after.status != before.status:
                # One move; or an older version entering the workflow after a newer one was
                # already there, closed at once (20 -> 30 -> 25, workflow.services.versions).
                assert len(changes) == 1 or [e.action for e in changes[1:]] == [
                    "version_superseded"
                ]
                assert (changes[0].from_status, changes[-1].to_status) == (
                    before.status,
                    after.status,
                )
                for previous, event in zip(changes, changes[1:], strict=False):
                    assert event.from_status == previous.to_status
                assert all((e.from_status, e.to_status) in EDGES for e in changes)
            else:
                assert changes == []

        # --- rules -------------------------------------------------------------------------

        @precondition(lambda self: len(self.known) < 3)
        @rule(target=messages)
        def register(self):
            message, created = register_report(organisation, numbered(content), actors["token"])
            assert created and message.status == Status.RECEIVED
            self.known.append(message.pk)
            return message.pk

        def claim(self, pk):
            self.step(pk, lambda m: services.claim_for_processing(pk), must=None)

        def fail_processing(self, pk):
            reasons = [{"code": "x", "message": "kapot"}]
            self.step(
                pk,
                lambda m: services.fail_processing(message_id=pk, reasons=reasons, findings=[]),
                must=None,
            )

        def start(self, pk, review, adopted, resub):
            def run(m):
                return start_workflow(
                    pk,
                    reviewed if review else plain,
                    year=self.year,
                    adopted=adopted,
                    adoption_date=adoption_day() if adopted else None,
                    resubmission=resub,
                )

            current = ApprovalMessage.objects.get(pk=pk).status
            self.step(pk, run, must=None if current == Status.PROCESSING else False)

        def review(self, pk, who):
            self.step(
                pk,
                lambda m: services.complete_accountant_review(message_id=pk, actor=actors[who]),
                must=None if who == "staff" else False,
            )

        def adopt(self, pk, who):
            def run(m):
                return services.adopt(
                    message_id=pk, actor=actors[who], adoption_date=adoption_day()
                )

            m = ApprovalMessage.objects.get(pk=pk)
            # The adoption is recorded once (issue 22): a second one is refused.
            ready = (
                m.status == Status.IN_REVIEW and not m.awaiting_accountant_review and not m.adopted
            )
            self.step(pk, run, must=(ready if who == "client" else False))

        def approve(self, pk, who, same_document):
            def run(m):
                digest = m.document_sha256 if same_document else "f" * 64
                return services.approve(message_id=pk, actor=actors[who], document_sha256=digest)

            self.step(pk, run, must=None if who == "client" and same_document else False)

        def reject(self, pk, who):
            m = ApprovalMessage.objects.get(pk=pk)
            ready = m.status == Status.IN_REVIEW and not m.awaiting_accountant_review
            self.step(
                pk,
                lambda m: services.reject(message_id=pk, actor=actors[who], reason="nee"),
                must=(ready or None) if who == "client" else False,
            )

        def repair(self, pk, who):
            m = ApprovalMessage.objects.get(pk=pk)
            self.step(
                pk,
                lambda m: services.repair(
                    message_id=pk, actor=actors[who], reason="De afkeuring was een vergissing"
                ),
                # A rejected version that a correction replaced stays closed, as does one
                # beside a newer version of its year that goes on (in review, approved, on
                # its way or filed): repairing it would let the client approve figures its
                # environment replaced (the rule of review.repair_refusal).
                must=(
                    m.status == Status.REJECTED
                    and not services.is_replaced(m)
                    and not _newer_goes_on(m)
                )
                if who == "staff"
                else False,
            )

        def delivered(self, pk):
            m = ApprovalMessage.objects.get(pk=pk)
            ready = m.status in (Status.APPROVED, Status.TRANSPORT_ERROR)
            self.step(
                pk, lambda m: services.record_delivered(message_id=pk, kenmerk="K"), must=ready
            )

        def transport_error(self, pk, retry):
            def run(m):
                # Its answer says whether a retry is planned, not whether it was refused.
                services.record_transport_error(
                    message_id=pk,
                    reasons=[{"code": "t", "message": "weg"}],
                    retry=retry,
                    max_attempts=3,
                )

            self.step(pk, run, must=None)

        def kvk_outcome(self, pk, outcome):
            def run(m):
                return services.record_kvk_statuses(
                    message_id=pk,
                    statuses=[],
                    outcome_status=outcome,
                    reasons=[{"code": "r", "message": "kvk"}],
                )

            self.step(pk, run, must=None)

        def comment(self, pk, who):
            self.step(
                pk,
                lambda m: services.add_comment(message_id=pk, actor=actors[who], text="Vraag"),
                must=None if who in ("client", "staff") else False,
            )

        @rule(
            pk=messages,
            pick=st.integers(min_value=0, max_value=9),
            review=st.booleans(),
            resub=RARELY,
        )
        def advance(self, pk, pick, review, resub):
            self._advance(pk, pick, review, resub)

        # The journey forward is three times as likely as any one stray action.
        @rule(pk=messages, pick=st.integers(0, 9), review=st.booleans(), resub=RARELY)
        def advance_again(self, pk, pick, review, resub):
            self._advance(pk, pick, review, resub)

        @rule(pk=messages, pick=st.integers(0, 9), review=st.booleans(), resub=RARELY)
        def advance_once_more(self, pk, pick, review, resub):
            self._advance(pk, pick, review, resub)

        @rule(
            pk=messages,
            action=st.sampled_from(
                [
                    "claim",
                    "fail_processing",
                    "start",
                    "review",
                    "adopt",
                    "approve",
                    "reject",
                    "repair",
                    "delivered",
                    "transport_error",
                    "kvk_outcome",
                    "comment",
                ]
            ),
            who=st.sampled_from(ACTORS),
            flag=st.booleans(),
            outcome=st.sampled_from(
                [None, Status.SENT_TO_KVK, Status.TRANSPORT_ERROR, Status.FILED, Status.REFUSED]
            ),
        )
        def stray(self, pk, action, who, flag, outcome):
            """Any action, by anyone, at any moment."""
            if action in ("claim", "fail_processing", "delivered"):
                getattr(self, action)(pk)
            elif action == "start":
                self.start(pk, flag, not flag, flag and who == "system")
            elif action == "approve":
                self.approve(pk, who, flag)
            elif action == "transport_error":
                self.transport_error(pk, flag)
            elif action == "kvk_outcome":
                self.kvk_outcome(pk, outcome)
            else:
                getattr(self, action)(pk, who)

        def _advance(self, pk, pick, review, resub):
            """The next action the journey expects, by the right actor, so walks go deep:
            mostly forward, sometimes a rejection or a transport error or KvK's refusal."""
            m = ApprovalMessage.objects.get(pk=pk)
            if m.status == Status.RECEIVED:
                self.claim(pk)
            elif m.status == Status.PROCESSING:
                self.start(pk, review, pick < 3, resub)
            elif m.status == Status.IN_REVIEW and m.awaiting_accountant_review:
                self.review(pk, "staff")
            elif m.status == Status.IN_REVIEW and pick < 2:
                self.reject(pk, "client")
            elif m.status == Status.IN_REVIEW and not m.adopted:
                self.adopt(pk, "client")
            elif m.status == Status.IN_REVIEW:
                self.approve(pk, "client", True)
            elif m.status == Status.REJECTED:
                self.repair(pk, "staff")
            elif m.status in (Status.APPROVED, Status.TRANSPORT_ERROR) and pick < 3:
                self.transport_error(pk, pick < 2)
            elif m.status in (Status.APPROVED, Status.TRANSPORT_ERROR):
                self.delivered(pk)
            elif m.status == Status.SENT_TO_KVK:
                outcome = [None, Status.TRANSPORT_ERROR, Status.REFUSED][pick % 3]
                self.kvk_outcome(pk, Status.FILED if pick >= 4 else outcome)

        # --- invariants --------------------------------------------------------------------

        @invariant()
        def every_message_is_in_the_machine_with_an_unbroken_audit_chain(self):
            for message in ApprovalMessage.objects.filter(pk__in=self.known):
                assert message.status in STATES
                chain = list(message.events.order_by("sequence"))
                assert (chain[0].action, chain[0].from_status, chain[0].to_status) == (
                    "received",
                    None,
                    Status.RECEIVED,
                )
                for previous, event in zip(chain, chain[1:], strict=False):
                    assert event.from_status == previous.to_status
                    assert event.sequence > previous.sequence
                    if event.from_status != event.to_status:
                        assert (event.from_status, event.to_status) in EDGES
                assert chain[-1].to_status == message.status
                if message.status in (50, 60, 70, 80, 90):
                    assert message.approved_sha256 == message.document_sha256 != ""
                else:
                    assert message.approved_sha256 == ""

        @invariant()
        def sequence_numbers_have_no_gaps(self):
            numbers = list(
                StatusEvent.objects.filter(organisation=organisation)
                .order_by("sequence")
                .values_list("sequence", flat=True)
            )
            assert numbers == list(range(1, len(numbers) + 1))
            organisation.refresh_from_db()
            assert organisation.status_sequence == len(numbers)

    run_state_machine_as_test(
        Walk,
        settings=settings(
            max_examples=WALKS,
            stateful_step_count=35,
            deadline=None,
            database=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
