"""The services that change approval messages: one function per action.

Each action locks the message row, checks permission and the status machine, performs the
transition in memory, saves the changed fields, writes exactly one audit event in the same
transaction and queues side effects (tasks, e-mail) after commit. Nothing else changes a
status: views, the API, admin actions, tasks and commands call these functions.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import partial
from typing import Any, cast

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Field, Q
from django.db.models.functions import Length
from django.utils import timezone
from django_fsm import can_proceed, has_transition_perm

from config.dates import format_moment
from kvk.parser import parse_instance
from kvk.status import Status
from portal.models import Organisation
from workflow.errors import Conflict, Invalid, NotPermitted
from workflow.inserts import Insert
from workflow.models import (
    Actor,
    ApprovalMessage,
    Comment,
    StatusEvent,
    WorkflowDefinition,
    client_may_see,
    is_client,
    is_participant,
    is_staff,
    sha256_hex,
)
from workflow.selectors import (
    SIZE_CLASS_OVERRIDDEN,
    actor_words,
    adoption_bounds,
    size_class_check,
    size_class_override,
)

SYSTEM = Actor.system()
_MESSAGE_INSERT = Insert(ApprovalMessage, skip_conflicts_on=("organisation", "message_id"))
_EVENT_INSERT = Insert(StatusEvent)


def _after_commit(effect: Callable[[], Any]) -> None:
    """Queue a side effect (task, event) to run after commit.

    Robust: the action has committed by then, so a failing effect (the broker down, say) is
    logged and must not turn it into an error for the user; the periodic jobs and the
    sweeper pick up what a lost task would have done.
    """

    def run_effect() -> None:
        effect()

    # Django names a failing robust hook by __qualname__, which a partial lacks.
    target = getattr(effect, "func", effect)
    run_effect.__qualname__ = getattr(target, "__qualname__", repr(target))
    transaction.on_commit(run_effect, robust=True)


def _next_sequence(organisation_id: int) -> int:
    """Take the organisation's next status sequence number.

    The UPDATE locks the organisation row until commit, so two transactions that change
    messages of one organisation commit in sequence order: a client reading "changes after
    cursor N" can never miss a lower number that commits later.
    """
    table = connection.ops.quote_name(Organisation._meta.db_table)
    with connection.cursor() as cursor:
        # One round trip: PostgreSQL and SQLite (3.35+) both return the new value.
        cursor.execute(
            f"UPDATE {table} SET status_sequence = status_sequence + 1 "  # noqa: S608
            "WHERE id = %s RETURNING status_sequence",
            [organisation_id],
        )
        row = cursor.fetchone()
    if row is None:
        raise NotPermitted("Deze organisatie bestaat niet.", code="not_found")
    return int(row[0])


def record_event(
    message: ApprovalMessage,
    *,
    action: str,
    actor: Actor,
    from_status: int | None,
    reasons: list[dict[str, str]] | None = None,
) -> StatusEvent:
    """Write the audit event for an action; call inside the action's transaction."""
    event = _event(message, action=action, actor=actor, from_status=from_status, reasons=reasons)
    event.sequence = _next_sequence(message.organisation_id)
    _EVENT_INSERT.execute(event)
    return event


def _event(
    message: ApprovalMessage,
    *,
    action: str,
    actor: Actor,
    from_status: int | None,
    reasons: list[dict[str, str]] | None = None,
    to_status: int | None = None,
) -> StatusEvent:
    """The audit event for an action, not yet numbered or saved; ``to_status`` defaults to
    the message's status."""
    user = actor.user if getattr(actor.user, "pk", None) else None
    return StatusEvent(
        message=message,
        organisation_id=message.organisation_id,
        action=action,
        from_status=from_status,
        to_status=message.status if to_status is None else to_status,
        actor_kind=actor.kind,
        actor_user=user,
        actor_label=actor.label,
        ip_address=actor.ip_address,
        reasons=reasons if reasons is not None else list(message.reasons),
        document_sha256=message.document_sha256,
    )


def _record_events(events: list[StatusEvent], *, locked: bool = False) -> None:
    """Number and save the audit events of a batch: one statement for the sequence numbers
    of all organisations involved and one insert, instead of two statements per event.

    The organisation rows are locked in id order and stay locked until commit, as in
    ``_next_sequence``: changes of one organisation still commit in sequence order, and two
    batches that share organisations never wait for each other crosswise.
    """
    if not events:
        return
    counts: dict[int, int] = {}
    for event in events:
        counts[event.organisation_id] = counts.get(event.organisation_id, 0) + 1
    ids = sorted(counts)
    if not locked:  # the caller holds the locks already
        _lock_organisations(ids)
    table = connection.ops.quote_name(Organisation._meta.db_table)
    cases = " ".join("WHEN %s THEN %s" for _ in ids)
    placeholders = ", ".join("%s" for _ in ids)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET status_sequence = status_sequence + CASE id {cases} END "  # noqa: S608
            f"WHERE id IN ({placeholders}) RETURNING id, status_sequence",
            [*(value for pk in ids for value in (pk, counts[pk])), *ids],
        )
        last = dict(cursor.fetchall())
    if len(last) != len(ids):
        raise NotPermitted("Deze organisatie bestaat niet.", code="not_found")
    following = {pk: int(last[pk]) - counts[pk] + 1 for pk in ids}
    for event in events:
        event.sequence = following[event.organisation_id]
        following[event.organisation_id] += 1
    StatusEvent.objects.bulk_create(events)


#: The documents: loaded only by the actions that read them (a deferred field loads on
#: first access), not with every lock on the row.
HEAVY_FIELDS = ("received_document", "document")


def _locked(message_id: int) -> ApprovalMessage:
    """The message, locked until commit.

    PostgreSQL takes a row lock (SELECT ... FOR UPDATE): a second action on the same message
    waits, then sees the committed status. SQLite has no row locks; there every atomic block
    starts with BEGIN IMMEDIATE (config/settings.py), which serialises writers the same way.
    """
    try:
        return (
            ApprovalMessage.objects.select_for_update()
            .select_related("organisation")
            .defer(*HEAVY_FIELDS)
            .get(pk=message_id)
        )
    except ApprovalMessage.DoesNotExist:
        raise NotPermitted("Dit bericht bestaat niet.", code="not_found")


def _lock_organisation(organisation_id: int) -> None:
    """Serialise the actions that decide per organisation and financial year (corrections).

    Always taken after the message lock, the same order as ``record_event``, so two actions
    never wait for each other crosswise.
    """
    _lock_organisations([organisation_id])


def _lock_organisations(organisation_ids) -> None:
    """Lock organisation rows in id order (a no-op on SQLite, see ``_locked``)."""
    list(
        Organisation.objects.select_for_update()
        .filter(pk__in=organisation_ids)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _apply(
    message: ApprovalMessage,
    transition: Callable[..., Any],
    actor: Actor,
    *args: Any,
    action: str,
    update_fields: list[str],
    **kwargs: Any,
) -> StatusEvent:
    """Perform one transition: check it, change the fields, save them and audit the move."""
    from_status = _transition(message, transition, actor, *args, **kwargs)
    message.save(update_fields=["status", "status_changed_at", "updated_at", *update_fields])
    return record_event(message, action=action, actor=actor, from_status=from_status)


def _transition(
    message: ApprovalMessage,
    transition: Callable[..., Any],
    actor: Actor,
    *args: Any,
    **kwargs: Any,
) -> int:
    """Check a transition and perform it in memory; returns the status it left. The caller
    saves the message and audits the move."""
    if not can_proceed(transition, check_conditions=False):
        raise Conflict(
            f"Het bericht heeft status {message.status} ({message.status_label}); "
            f"deze actie kan nu niet.",
            code="status_conflict",
        )
    if not has_transition_perm(transition, actor):  # type: ignore[arg-type]  # an Actor
        if not can_proceed(transition):
            raise Conflict(_condition_message(message), code="condition_not_met")
        raise NotPermitted("U heeft geen recht op deze actie voor dit bericht.")
    from_status = message.status
    transition(*args, **kwargs)
    message.status_changed_at = timezone.now()
    return from_status


def _condition_message(message: ApprovalMessage) -> str:
    if message.awaiting_accountant_review:
        return "De accountant moet het bericht eerst beoordelen."
    if not message.adopted or message.adoption_date is None:
        return "Vink eerst 'Jaarrekening vastgesteld' aan en vul de datum van vaststelling in."
    return "Niet aan de voorwaarden voor deze actie is voldaan."


def _require_client(message: ApprovalMessage, actor: Actor, what: str) -> None:
    if not is_client(message, actor):
        raise NotPermitted(f"Alleen de cliënt kan {what}.")
    if not client_may_see(message):
        raise Conflict(
            "De accountant moet het bericht eerst beoordelen.", code="awaiting_accountant_review"
        )


def _require_staff(message: ApprovalMessage, actor: Actor, what: str) -> None:
    if not is_staff(message, actor):
        raise NotPermitted(f"Alleen medewerkers van het kantoor kunnen {what}.")


# --- corrections -----------------------------------------------------------------------------

#: Statuses in which a message counts as filed, or as on its way to the KvK.
FILING_STATUSES = (Status.APPROVED, Status.SENT_TO_KVK, Status.TRANSPORT_ERROR, Status.FILED)

CORRECTION_REASON_CODE = "correction_not_allowed"


def correction_reason(
    organisation: Organisation | int,
    financial_year: int | None,
    adopted: bool,
    resubmission: bool,
    adoption_date: date | None = None,
    *,
    received_sha256: str | None = None,
    exclude_message_id: int | None = None,
) -> dict[str, str] | None:
    """Why a message for this organisation and financial year may not enter the workflow
    (or be approved), as a reason ``{"code", "message"}``; None when it may.

    A filed document is never removed, so a correction is a new filing, accepted only as
    - a resubmission (heraanlevering, KvK's flag DocumentResubmissionDueToUnsurmountable-
      Inaccuracies = Ja), which requires adoption status Ja (BR-KVK-4.12) and an adoption
      date (BR-KVK-4.16); or
    - the adopted filing after a non-adopted one (tweede aanlevering).
    KvK refuses a second adopted filing for the same year otherwise. A message that is
    approved or on its way to the KvK (50, 60, 70) counts as filed: it may still become 80.
    After 90 the client must send new documents: the refused document itself is refused.
    """
    organisation_id = organisation if isinstance(organisation, int) else organisation.pk
    key = (organisation_id, financial_year)
    exclude = [exclude_message_id] if exclude_message_id is not None else []
    earlier = _earlier_messages([key], exclude) if financial_year is not None else {}
    return _correction_decision(
        financial_year,
        adopted,
        resubmission,
        adoption_date,
        received_sha256,
        earlier.get(key, []),
    )


def _earlier_messages(
    keys: list[tuple[int, int | None]], exclude: list[int]
) -> dict[tuple[int, int | None], list[tuple[int, int, bool]]]:
    """(pk, status, adopted) of the messages that count for corrections (filed, on their
    way to the KvK, or refused), per (organisation, financial year); one query for all."""
    wanted = [(organisation_id, year) for organisation_id, year in set(keys) if year is not None]
    if not wanted:
        return {}
    condition = Q()
    for organisation_id, year in wanted:
        condition |= Q(organisation_id=organisation_id, financial_year=year)
    rows = (
        ApprovalMessage.objects.filter(condition)
        .filter(status__in=(*FILING_STATUSES, Status.REFUSED))
        .exclude(pk__in=exclude)
        .values_list("organisation_id", "financial_year", "pk", "status", "adopted")
    )
    found: dict[tuple[int, int | None], list[tuple[int, int, bool]]] = {}
    for row in rows:
        found.setdefault((row[0], row[1]), []).append((row[2], row[3], row[4]))
    return found


def _correction_decision(
    financial_year: int | None,
    adopted: bool,
    resubmission: bool,
    adoption_date: date | None,
    received_sha256: str | None,
    earlier: list[tuple[int, int, bool]],
) -> dict[str, str] | None:
    """The rule of ``correction_reason``, given the earlier messages that count."""
    if resubmission and not adopted:
        return {
            "code": "BR-KVK-4.12",
            "message": "Een heraanlevering moet een vastgestelde jaarrekening zijn "
            "(vaststelling 'Ja').",
        }
    if resubmission and adoption_date is None:
        return {
            "code": "BR-KVK-4.16",
            "message": "Een heraanlevering vraagt om de status én de datum van vaststelling.",
        }
    if financial_year is None:
        return None
    refused = [pk for pk, status, _adopted in earlier if status == Status.REFUSED]
    if received_sha256 and refused:
        documents = ApprovalMessage.objects.filter(pk__in=refused).values_list(
            "received_document", flat=True
        )
        if any(sha256_hex(bytes(document)) == received_sha256 for document in documents):
            return {
                "code": CORRECTION_REASON_CODE,
                "message": "Deze stukken zijn door de KvK afgekeurd. Maak nieuwe stukken "
                "en verstuur die.",
            }
    filings = [
        (was_adopted, status) for _pk, status, was_adopted in earlier if status in FILING_STATUSES
    ]
    if not filings or resubmission:
        return None
    if any(was_adopted for was_adopted, _status in filings):
        filed = any(status == Status.FILED for _adopted, status in filings)
        where = "gedeponeerd" if filed else "goedgekeurd en onderweg naar de KvK"
        return {
            "code": CORRECTION_REASON_CODE,
            "message": f"Voor boekjaar {financial_year} is al een vastgestelde jaarrekening "
            f"{where}. Een correctie kan alleen als heraanlevering.",
        }
    # Every earlier filing was non-adopted: this one is (or becomes, when the client ticks
    # "Jaarrekening vastgesteld") the adopted filing.
    return None


# --- receiving -----------------------------------------------------------------------------


@transaction.atomic
def register_message(
    *,
    organisation: Organisation,
    message_id: uuid.UUID,
    message_type: str,
    filename: str,
    content: bytes,
    actor: Actor,
) -> tuple[ApprovalMessage, bool]:
    """Register an uploaded message at status 10; idempotent on the client's message id.

    Returns (message, created). The same id with the same content returns the existing
    message; the same id with other content raises Conflict.
    """
    digest = sha256_hex(content)
    message = ApprovalMessage(
        organisation=organisation,
        message_id=message_id,
        message_type=message_type,
        filename=filename,
        received_document=content,
        document=content,
        document_sha256=digest,
    )
    # A new message id is the common case: insert at once. A retry, or two uploads of one
    # message id at the same moment, meet at the unique constraint: the insert skips the
    # row (the later one waits for the earlier to commit) and the answer is the message
    # already registered.
    if not _MESSAGE_INSERT.execute(message):
        existing = ApprovalMessage.objects.filter(
            organisation=organisation, message_id=message_id
        ).first()
        if existing is None:
            # Messages are never deleted, and the conflicting row has committed by now.
            raise RuntimeError(f"message id {message_id} conflicted but is not there")
        if sha256_hex(bytes(existing.received_document)) != digest:
            raise Conflict(
                "Dit berichtkenmerk is al gebruikt voor een ander document.",
                code="message_id_reused",
            )
        return existing, False
    record_event(message, action="received", actor=actor, from_status=None)
    from workflow.signals import message_received

    _after_commit(partial(message_received.send, sender=ApprovalMessage, pk=message.pk))
    return message, True


def claim_for_processing(message_id: int) -> bool:
    """10 -> 20 with a conditional UPDATE: True when this caller won the message."""
    with transaction.atomic():
        now = timezone.now()
        won = ApprovalMessage.objects.filter(pk=message_id, status=Status.RECEIVED).update(
            status=Status.PROCESSING, status_changed_at=now, updated_at=now
        )
        if won != 1:
            return False
        message = ApprovalMessage.objects.select_related("organisation").get(pk=message_id)
        record_event(message, action="claimed", actor=SYSTEM, from_status=Status.RECEIVED)
        return True


def claim_batch(limit: int, max_bytes: int | None = None) -> tuple[list[int], bool]:
    """10 -> 20 for up to ``limit`` waiting messages of environments whose activation is on,
    oldest first, in one transaction. Returns the ids this caller won, and whether more may
    be waiting (the batch is full). With ``max_bytes``, the batch stops before its
    documents together exceed that size (one message at least), so a batch of large
    documents cannot exhaust a worker's memory.

    On PostgreSQL the rows are taken with FOR NO KEY UPDATE SKIP LOCKED, so workers
    claiming at the same time get disjoint batches and never wait for each other (and a
    comment or event being added to a message does not hide it); on SQLite the transaction
    itself is exclusive (see ``_locked``). One "claimed" event per message.
    """
    with transaction.atomic():
        rows = list(
            ApprovalMessage.objects.select_for_update(skip_locked=True, no_key=True, of=("self",))
            .filter(status=Status.RECEIVED, organisation__environment__activation__active=True)
            .order_by("pk")
            .annotate(size=Length("received_document"))
            .only("pk", "organisation_id", "document_sha256")[:limit]
        )
        full = len(rows) == limit
        if max_bytes is not None:
            total = 0
            for count, row in enumerate(rows):
                total += row.size  # type: ignore[attr-defined]
                if count and total > max_bytes:
                    rows, full = rows[:count], True
                    break
        if not rows:
            return [], False
        now = timezone.now()
        won = ApprovalMessage.objects.filter(
            pk__in=[row.pk for row in rows], status=Status.RECEIVED
        ).update(status=Status.PROCESSING, status_changed_at=now, updated_at=now)
        if won != len(rows):  # cannot happen under the locks; never claim half a batch
            raise Conflict("Berichten zijn tijdens het claimen gewijzigd.", code="claim_race")
        _record_events(
            [
                _event(
                    row,
                    action="claimed",
                    actor=SYSTEM,
                    from_status=Status.RECEIVED,
                    reasons=[],
                    to_status=Status.PROCESSING,
                )
                for row in rows
            ]
        )
        return [row.pk for row in rows], full


@dataclass
class Examined:
    """What processing found out about one claimed message (status 20).

    ``reasons`` not empty, or no ``workflow``: the message goes to 25. Otherwise it enters
    the workflow (30), unless the workflow lacks a required action or KvK would refuse it
    as a correction; both are decided in ``finish_processing`` under the locks.
    """

    message_id: int
    reasons: list[dict[str, str]] = field(default_factory=list)
    findings: list = field(default_factory=list)
    workflow: WorkflowDefinition | None = None
    financial_year: int | None = None
    entry_point: str = ""
    adopted: bool = False
    adoption_date: date | None = None
    resubmission: bool = False
    #: SHA-256 of the received document; read from the message when not given.
    received_sha256: str | None = None


#: What finish_processing writes: for a failed message only its reasons and findings (the
#: document's facts may be another company's, or not fit their columns), for a started one
#: also the facts the workflow and the deadlines work with.
_FAILED_FIELDS = ["status", "status_changed_at", "updated_at", "reasons", "findings"]
_STARTED_FIELDS = [
    *_FAILED_FIELDS,
    "workflow",
    "financial_year",
    "entry_point",
    "adopted",
    "adoption_date",
    "resubmission",
    "awaiting_accountant_review",
    "replaces",
]

#: An earlier version that ended in one of these statuses without a filing is replaced by
#: the next message for the same organisation and financial year (a correction).
REPLACEABLE_STATUSES = (Status.PROCESSING_FAILED, Status.REJECTED, Status.REFUSED)


def finish_processing(results: list[Examined]) -> dict[int, int]:
    """20 -> 30 or 25 for examined messages, all in one transaction; returns the status each
    message ended in. Messages no longer at 20 (another worker finished them) are left
    alone and missing from the answer.

    Every reason is reported at once: the reasons found in the document, plus whether KvK
    would take it as a correction of an earlier filing (BR-KVK-4.12/4.16, see
    ``correction_reason``), decided here under the organisation locks so that two
    messages of one organisation and year cannot both slip through. Then one update for
    all messages, one insert for their events, and "workflow started" after commit.
    """
    by_id = {result.message_id: result for result in results}
    outcome: dict[int, int] = {}
    with transaction.atomic():
        messages = [
            message
            for message in ApprovalMessage.objects.select_for_update(of=("self",))
            .select_related("organisation")
            .defer("document", "received_document")
            .filter(pk__in=list(by_id))
            .order_by("pk")
            if message.status == Status.PROCESSING
        ]
        if not messages:
            return outcome
        _lock_organisations({message.organisation_id for message in messages})
        earlier = _earlier_messages(
            [(m.organisation_id, by_id[m.pk].financial_year) for m in messages],
            exclude=[m.pk for m in messages],
        )
        decided: dict[tuple[int, int], tuple[dict[str, str] | None, bool]] = {}
        events: list[StatusEvent] = []
        failed: list[ApprovalMessage] = []
        started: list[ApprovalMessage] = []
        now = timezone.now()
        for message in messages:
            result = by_id[message.pk]
            if result.received_sha256 is None:
                result.received_sha256 = sha256_hex(bytes(message.received_document))
            message.findings = result.findings
            correction = _correction_decision(
                result.financial_year,
                result.adopted,
                result.resubmission,
                result.adoption_date,
                result.received_sha256,
                earlier.get((message.organisation_id, result.financial_year), []),
            )
            reasons = [*result.reasons, *([correction] if correction else [])]
            workflow = result.workflow
            if workflow is not None and not reasons:
                key = (workflow.pk, message.organisation.environment_id)
                if key not in decided:  # the same for every message of a batch, mostly
                    decided[key] = (
                        _workflow_problem(message, workflow),
                        workflow.requires_accountant_review,
                    )
                problem, review = decided[key]
                reasons = [problem] if problem is not None else []
            if reasons or workflow is None:
                from_status = _transition(message, message.fail_processing, SYSTEM, reasons)
                action = "processing_failed"
                failed.append(message)
            else:
                message.workflow = workflow
                message.financial_year = result.financial_year
                message.entry_point = result.entry_point
                message.adopted = result.adopted
                message.adoption_date = result.adoption_date
                message.resubmission = result.resubmission
                message.awaiting_accountant_review = review
                from_status = _transition(message, message.start_workflow, SYSTEM)
                action = "workflow_started"
                started.append(message)
            message.updated_at = now
            events.append(_event(message, action=action, actor=SYSTEM, from_status=from_status))
            outcome[message.pk] = message.status
        _link_corrections(started)
        _save_fields(failed, _FAILED_FIELDS)
        _save_fields(started, _STARTED_FIELDS)
        _record_events(events, locked=True)
    from workflow.signals import workflow_started

    if started:
        pks = [message.pk for message in started]
        _after_commit(partial(workflow_started.send, sender=ApprovalMessage, pks=pks))
    return outcome


def _link_corrections(started: list[ApprovalMessage]) -> None:
    """Link each message that enters the workflow to the version it corrects: the newest
    earlier message of its organisation and financial year that ended at 25, 40 or 90 and
    that no other message replaces yet. Runs under the organisation locks of
    ``finish_processing``, so two new versions never claim the same predecessor."""
    keys = {(m.organisation_id, m.financial_year) for m in started if m.financial_year}
    if not keys:
        return
    condition = Q()
    for organisation_id, year in keys:
        condition |= Q(organisation_id=organisation_id, financial_year=year)
    candidates: dict[tuple[int, int | None], list[int]] = {}
    rows = (
        ApprovalMessage.objects.filter(condition, status__in=REPLACEABLE_STATUSES)
        .filter(replaced_by__isnull=True)
        .exclude(pk__in=[m.pk for m in started])
        .order_by("-created_at", "-pk")
        .values_list("organisation_id", "financial_year", "pk")
    )
    for organisation_of, year_of, pk in rows:
        candidates.setdefault((organisation_of, year_of), []).append(pk)
    # A message that failed processing (25) stored no facts; its year is read back from the
    # document it brought, when that can be read at all.
    for failed in (
        ApprovalMessage.objects.filter(
            organisation_id__in={organisation_id for organisation_id, _year in keys},
            status=Status.PROCESSING_FAILED,
            financial_year__isnull=True,
            replaced_by__isnull=True,
        )
        .exclude(pk__in=[m.pk for m in started])
        .order_by("-created_at", "-pk")
        .only("pk", "organisation_id", "received_document")
    ):
        year_read = _year_of(bytes(failed.received_document))
        if (failed.organisation_id, year_read) in keys:
            candidates.setdefault((failed.organisation_id, year_read), []).append(failed.pk)
    for message in sorted(started, key=lambda m: m.pk):
        waiting = candidates.get((message.organisation_id, message.financial_year))
        if waiting:
            message.replaces_id = waiting.pop(0)


def _year_of(document: bytes) -> int | None:
    try:
        return parse_instance(document).financial_year
    except ValueError:
        return None


def is_replaced(message: ApprovalMessage) -> bool:
    """True when a newer version of the accounts replaced this message (a correction)."""
    return ApprovalMessage.objects.filter(replaces_id=message.pk).exists()


def _save_fields(messages: list[ApprovalMessage], names: list[str]) -> None:
    """Save these fields of many messages: one UPDATE statement run for every row
    (executemany). Django's bulk_update builds a CASE expression per field and row, which
    for a batch costs more than the processing itself."""
    if not messages:
        return
    fields = [cast(Field, ApprovalMessage._meta.get_field(name)) for name in names]
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(str(f.column))} = %s" for f in fields)
    rows = [
        [f.get_db_prep_save(getattr(m, f.attname), connection) for f in fields] + [m.pk]
        for m in messages
    ]
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {quote(ApprovalMessage._meta.db_table)} SET {assignments} "  # noqa: S608
            f"WHERE {quote('id')} = %s",
            rows,
        )


def fail_processing(*, message_id: int, reasons: list[dict[str, str]], findings: list) -> bool:
    """20 -> 25 with every reason a person needs to fix the documents."""
    result = Examined(message_id, reasons=reasons, findings=findings)
    return finish_processing([result]).get(message_id) == Status.PROCESSING_FAILED


def start_workflow(
    *,
    message_id: int,
    workflow: WorkflowDefinition,
    financial_year: int | None,
    entry_point: str,
    adopted: bool,
    adoption_date: date | None,
    resubmission: bool,
    findings: list,
) -> bool:
    """20 -> 30: the message enters the workflow of its message type, with the facts the
    processing job parsed from the document.

    Returns False when the message was not at 20 (another worker finished it), and also
    when the message may not enter the workflow: a correction that KvK would refuse (see
    ``correction_reason``) or a workflow without the required actions. Then the message
    goes to 25 with the reason, so nothing is left waiting at 20.
    """
    result = Examined(
        message_id,
        findings=findings,
        workflow=workflow,
        financial_year=financial_year,
        entry_point=entry_point,
        adopted=adopted,
        adoption_date=adoption_date,
        resubmission=resubmission,
    )
    return finish_processing([result]).get(message_id) == Status.IN_REVIEW


def _workflow_problem(
    message: ApprovalMessage, workflow: WorkflowDefinition
) -> dict[str, str] | None:
    if workflow.environment_id != message.organisation.environment_id:
        return {
            "code": "workflow_unavailable",
            "message": "De workflow van deze berichtsoort hoort bij een ander kantoor.",
        }
    missing = workflow.missing_required_actions()
    if missing:
        return {
            "code": "workflow_unavailable",
            "message": "De workflow van deze berichtsoort mist de verplichte acties: "
            + ", ".join(missing)
            + ".",
        }
    return None


# --- the workflow ----------------------------------------------------------------------------


@transaction.atomic
def complete_accountant_review(*, message_id: int, actor: Actor) -> ApprovalMessage:
    """The optional accountant review: staff release the message to the client (stays 30)."""
    message = _locked(message_id)
    _require_staff(message, actor, "dit bericht beoordelen")
    if message.status != Status.IN_REVIEW or not message.awaiting_accountant_review:
        raise Conflict(
            "Dit bericht wacht niet op beoordeling door de accountant.", code="status_conflict"
        )
    message.awaiting_accountant_review = False
    message.save(update_fields=["awaiting_accountant_review", "updated_at"])
    record_event(message, action="accountant_reviewed", actor=actor, from_status=message.status)
    from workflow.signals import workflow_started

    _after_commit(partial(workflow_started.send, sender=ApprovalMessage, pks=[message.pk]))
    return message


@transaction.atomic
def adopt(*, message_id: int, actor: Actor, adoption_date: date) -> ApprovalMessage:
    """The client ticks "Jaarrekening vastgesteld": the portal produces the final instance
    (adoption status Ja and the date) that is shown, approved and filed (stays 30)."""
    from kvk.builder import adopt_instance
    from kvk.rules import check_instance, has_errors

    message = _locked(message_id)
    _require_client(message, actor, "de jaarrekening vaststellen")
    if message.status != Status.IN_REVIEW:
        raise Conflict(
            "De jaarrekening kan alleen worden vastgesteld tijdens de beoordeling.",
            code="status_conflict",
        )
    if adoption_date > timezone.localdate():
        raise Invalid("De datum van vaststelling kan niet in de toekomst liggen.")
    if adoption_date < date(message.financial_year or 1900, 1, 1):
        raise Invalid("De datum van vaststelling ligt vóór het begin van het boekjaar.")
    bounds = adoption_bounds(message)
    if bounds.period_end is not None and adoption_date <= bounds.period_end:
        raise Invalid(
            "De datum van vaststelling moet na het einde van het boekjaar liggen.",
            code="adoption_date_in_year",
        )
    if bounds.signed_on is not None and adoption_date < bounds.signed_on:
        # The directors sign what the general meeting then adopts (art. 2:101 BW).
        raise Invalid(
            "De datum van vaststelling ligt vóór de datum waarop de bestuurders de "
            "jaarrekening ondertekenden.",
            code="adoption_before_signing",
        )
    try:
        final = adopt_instance(bytes(message.received_document), adoption_date=adoption_date)
    except ValueError:
        # Accounts are adopted after the year they cover has ended.
        raise Invalid(
            "De datum van vaststelling moet na het einde van het boekjaar liggen.",
            code="adoption_date_in_year",
        )
    findings = check_instance(final, filename=message.filename)
    if has_errors(findings):
        raise Invalid(
            "Het vastgestelde document voldoet niet aan de KvK-regels: "
            + "; ".join(f"{f.code}: {f.message}" for f in findings if f.severity == "error")
        )
    message.document = final
    message.document_sha256 = sha256_hex(final)
    message.adopted = True
    message.adoption_date = adoption_date
    message.save(
        update_fields=["document", "document_sha256", "adopted", "adoption_date", "updated_at"]
    )
    record_event(message, action="adopted", actor=actor, from_status=message.status)
    return message


@transaction.atomic
def approve(*, message_id: int, actor: Actor, document_sha256: str) -> ApprovalMessage:
    """30 -> 50: the client approves exactly the document with this fingerprint.

    Two approvals at the same moment: the row lock makes the second wait until the first
    commits; it then finds the message approved and gets a Conflict ("already_approved")
    that says who approved it and when. Exactly one approval event is written.
    """
    message = _locked(message_id)
    _require_client(message, actor, "dit bericht goedkeuren")
    if message.status in (*FILING_STATUSES, Status.REFUSED):
        raise Conflict(_already_approved_message(message), code="already_approved")
    if message.status != Status.IN_REVIEW:
        raise Conflict(
            f"Het bericht heeft status {message.status} ({message.status_label}); "
            "goedkeuren kan nu niet.",
            code="status_conflict",
        )
    if document_sha256 != message.document_sha256:
        raise Conflict(
            "Het document is gewijzigd sinds u het opende. Bekijk het opnieuw en keur het "
            "daarna goed.",
            code="document_changed",
        )
    _lock_organisation(message.organisation_id)
    # A second message for the same year may have been approved since this one started.
    refusal = correction_reason(
        message.organisation_id,
        message.financial_year,
        True,
        message.resubmission,
        message.adoption_date,
        exclude_message_id=message.pk,
    )
    if refusal is not None and message.adopted and message.adoption_date is not None:
        raise Conflict(refusal["message"], code=refusal["code"])
    message.approved_at = timezone.now()
    _apply(
        message,
        message.approve,
        actor,
        action="approved",
        update_fields=["approved_sha256", "approved_at", "delivery_reference"],
    )
    from workflow import tasks
    from workflow.signals import message_approved

    _after_commit(partial(tasks.submit_to_kvk.delay, message.pk))
    _after_commit(partial(message_approved.send, sender=ApprovalMessage, pk=message.pk))
    return message


def _already_approved_message(message: ApprovalMessage) -> str:
    event = message.events.filter(action="approved").order_by("-sequence").first()
    if event is None:
        return "Dit bericht is al goedgekeurd."
    who = actor_words(event.actor_kind, event.actor_label, event.actor_user)[0]
    return f"Dit bericht is al goedgekeurd door {who} op {format_moment(event.created_at)}."


@transaction.atomic
def reject(*, message_id: int, actor: Actor, reason: str) -> ApprovalMessage:
    """30 -> 40 with the client's reason; rejecting a rejected message changes nothing."""
    reason = reason.strip()
    if not reason:
        raise Invalid("Geef een reden op waarom u het bericht afkeurt.")
    if len(reason) > 2000:
        raise Invalid("De reden is te lang (hoogstens 2000 tekens).")
    message = _locked(message_id)
    _require_client(message, actor, "dit bericht afkeuren")
    if message.status == Status.REJECTED:
        return message
    _apply(message, message.reject, actor, reason, action="rejected", update_fields=["reasons"])
    from workflow.signals import message_rejected

    _after_commit(partial(message_rejected.send, sender=ApprovalMessage, pk=message.pk))
    return message


@transaction.atomic
def repair(*, message_id: int, actor: Actor) -> ApprovalMessage:
    """40 -> 30: staff repair the message status and put it back into the workflow."""
    message = _locked(message_id)
    _require_staff(message, actor, "de status herstellen")
    if is_replaced(message):
        raise Conflict(
            "Dit bericht is vervangen door een nieuwere versie van de jaarrekening; "
            "die versie wordt beoordeeld.",
            code="replaced",
        )
    _apply(message, message.repair, actor, action="repaired", update_fields=["reasons"])
    from workflow.signals import workflow_started

    _after_commit(partial(workflow_started.send, sender=ApprovalMessage, pks=[message.pk]))
    return message


#: The statuses in which the accountant may still override the size-class warning: before
#: the client's approval (afterwards the document is on its way to the KvK).
SIZE_CLASS_OVERRIDE_STATUSES = (Status.IN_REVIEW, Status.REJECTED)
SIZE_CLASS_OVERRIDE_CODE = "size_class_override"
REASON_MAX_LENGTH = 2000


@transaction.atomic
def override_size_class_warning(*, message_id: int, actor: Actor, reason: str) -> ApprovalMessage:
    """The accountant accepts the size class the document declares although its figures do
    not support it (art. 2:395a and 2:396 BW, kvk.sizeclass), with a reason. Changes no
    status; writes one audit event with the reason, shown in the timeline.

    Staff of the organisation's environment only; while the message is at 30 or 40, and only
    when the check asks for attention. Overriding an overridden warning changes nothing.
    """
    reason = reason.strip()
    if not reason:
        raise Invalid("Geef de reden waarom de grootteklasse toch klopt.")
    if len(reason) > REASON_MAX_LENGTH:
        raise Invalid(f"De reden is te lang (hoogstens {REASON_MAX_LENGTH} tekens).")
    message = _locked(message_id)
    _require_staff(message, actor, "een waarschuwing over de grootteklasse terzijde leggen")
    if size_class_override(message) is not None:
        return message
    if message.status not in SIZE_CLASS_OVERRIDE_STATUSES:
        raise Conflict(
            f"Het bericht heeft status {message.status} ({message.status_label}); de "
            "waarschuwing over de grootteklasse kan alleen vóór de goedkeuring terzijde "
            "worden gelegd.",
            code="status_conflict",
        )
    check = size_class_check(message)
    if check is None or not check.attention:
        raise Conflict(
            "Bij dit bericht is er geen waarschuwing over de grootteklasse.",
            code="no_size_class_warning",
        )
    record_event(
        message,
        action=SIZE_CLASS_OVERRIDDEN,
        actor=actor,
        from_status=message.status,
        reasons=[{"code": SIZE_CLASS_OVERRIDE_CODE, "message": reason}],
    )
    return message


COMMENT_MAX_LENGTH = 4000


@transaction.atomic
def add_comment(*, message_id: int, actor: Actor, text: str) -> Comment:
    """A comment between client and accountant on a message (any status).

    Staff of the organisation's environment and the organisation's client users may comment;
    a client cannot comment while the message still waits for the accountant's review (it
    cannot see it yet). A comment changes no status and writes no status event.
    """
    text = text.strip()
    message = _locked(message_id)
    if not is_participant(message, actor) or getattr(actor.user, "pk", None) is None:
        raise NotPermitted("U kunt bij dit bericht geen opmerking plaatsen.")
    if not text:
        raise Invalid("Een opmerking kan niet leeg zijn.")
    if len(text) > COMMENT_MAX_LENGTH:
        raise Invalid(f"Een opmerking is hoogstens {COMMENT_MAX_LENGTH} tekens lang.")
    comment = Comment.objects.create(
        message=message, author=actor.user, author_kind=actor.kind, text=text
    )
    from workflow.signals import comment_added

    _after_commit(
        partial(comment_added.send, sender=ApprovalMessage, pk=message.pk, comment_pk=comment.pk)
    )
    return comment


# --- Digipoort -------------------------------------------------------------------------------


def backoff(attempt: int) -> timedelta:
    """Exponential backoff for transport retries, capped well below the visibility timeout."""
    return timedelta(seconds=min(30 * 2 ** max(attempt - 1, 0), 1800))


def poll_delay(attempt: int) -> timedelta:
    """How long after poll number ``attempt`` (0: the delivery) the status is asked next.

    KVK_POLL_SCHEDULE lists the waits in seconds; its last one repeats (the cap). Logius asks
    senders to ask the statusinformatieservice sparingly; the KvK usually answers within
    minutes, so the schedule is frequent at first and then slows down.
    """
    schedule = settings.KVK_POLL_SCHEDULE
    return timedelta(seconds=schedule[min(attempt, len(schedule) - 1)])


def _attempts_left(message: ApprovalMessage) -> bool:
    return message.submit_attempts - message.attempts_base < settings.KVK_SUBMIT_MAX_RETRIES


@dataclass(frozen=True)
class SubmissionClaim:
    """What the attempt that won the claim must know: how many attempts came before it
    (any earlier one means: ask Digipoort before sending), and whether a person checked
    that the previous attempt did not arrive (then this one attempt sends without asking)."""

    attempts_before: int
    checked_not_delivered: bool


def claim_for_submission(message_id: int, *, now: datetime | None = None) -> SubmissionClaim | None:
    """Take a short lease on an approved message so only one worker talks to Digipoort.

    The lease (``next_attempt_at``) and the start of the attempt (``delivery_started_at``)
    are set, the attempt is counted and the staff's "checked: not delivered" is used up, in
    one transaction: the attempt that wins is the one that decides. None when not won.
    """
    now = now or timezone.now()
    with transaction.atomic():
        row = (
            ApprovalMessage.objects.select_for_update(of=("self",))
            .filter(pk=message_id, status__in=[Status.APPROVED, Status.TRANSPORT_ERROR])
            .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
            .values_list("submit_attempts", "resend_checked")
            .first()
        )
        if row is None:
            return None
        ApprovalMessage.objects.filter(pk=message_id).update(
            next_attempt_at=now + timedelta(seconds=settings.KVK_SUBMIT_LEASE_SECONDS),
            submit_attempts=F("submit_attempts") + 1,
            delivery_started_at=now,
            resend_checked=False,
        )
    return SubmissionClaim(attempts_before=row[0], checked_not_delivered=row[1])


def _attempt_running(message: ApprovalMessage, now: datetime) -> bool:
    """An attempt holds its lease: it may be talking to Digipoort right now."""
    started = message.delivery_started_at
    lease = timedelta(seconds=settings.KVK_SUBMIT_LEASE_SECONDS)
    return started is not None and started > now - lease


def _start_polling(message: ApprovalMessage, now: datetime) -> list[str]:
    message.next_poll_at = now + poll_delay(0)
    message.poll_attempts = 0
    message.attention_code = ""
    message.attention_detail = ""
    message.resend_checked = False
    return ["next_poll_at", "poll_attempts", "attention_code", "attention_detail"]


@transaction.atomic
def record_delivered(*, message_id: int, kenmerk: str) -> bool:
    message = _locked(message_id)
    if message.status not in (Status.APPROVED, Status.TRANSPORT_ERROR):
        return False
    message.next_attempt_at = None
    message.delivery_started_at = None
    fields = _start_polling(message, timezone.now())
    _apply(
        message,
        message.mark_delivered,
        SYSTEM,
        kenmerk,
        action="delivered",
        update_fields=[
            "digipoort_kenmerk",
            "reasons",
            "next_attempt_at",
            "resend_checked",
            "delivery_started_at",
            *fields,
        ],
    )
    return True


def _announce_dead_end(message: ApprovalMessage) -> None:
    """A 70 that no automatic attempt will follow: staff must act (e-mail, dashboard)."""
    from workflow.signals import retries_exhausted

    _after_commit(partial(retries_exhausted.send, sender=ApprovalMessage, pk=message.pk))


@transaction.atomic
def record_transport_error(
    *, message_id: int, reasons: list[dict[str, str]], retry: bool, max_attempts: int | None = None
) -> bool:
    """-> 70 (or stay in 70) and plan the next attempt; False when no attempt follows.

    Only for a message still waiting to be delivered (50 or 70): a worker whose lease ran
    out while another one delivered must not pull a delivered message back. Automatic
    attempts are counted since the last staff resend (``attempts_base``).
    """
    from workflow.reasons import transport

    reasons = transport(reasons)  # the catalogue's sentences; any other text is staff detail
    message = _locked(message_id)
    if message.status not in (Status.APPROVED, Status.TRANSPORT_ERROR):
        return False
    limit = settings.KVK_SUBMIT_MAX_RETRIES if max_attempts is None else max_attempts
    will_retry = retry and message.submit_attempts - message.attempts_base < limit
    message.next_attempt_at = (
        timezone.now() + backoff(message.submit_attempts - message.attempts_base)
        if will_retry
        else None
    )
    message.delivery_started_at = None
    if message.status == Status.TRANSPORT_ERROR:
        message.reasons = reasons
        message.save(
            update_fields=["reasons", "next_attempt_at", "delivery_started_at", "updated_at"]
        )
        record_event(message, action="transport_error", actor=SYSTEM, from_status=message.status)
    else:
        _apply(
            message,
            message.mark_transport_error,
            SYSTEM,
            reasons,
            action="transport_error",
            update_fields=["reasons", "next_attempt_at", "delivery_started_at"],
        )
    if not will_retry:
        _announce_dead_end(message)
    return will_retry


def _announce_attention(message: ApprovalMessage) -> None:
    """A message at 60 got an attention code: audit it and tell the staff (after commit)."""
    record_event(
        message,
        action="kvk_attention",
        actor=SYSTEM,
        from_status=message.status,
        reasons=[{"code": message.attention_code, "message": message.attention_detail}],
    )
    from workflow.signals import kvk_attention

    _after_commit(partial(kvk_attention.send, sender=ApprovalMessage, pk=message.pk))


@transaction.atomic
def record_kvk_statuses(
    *,
    message_id: int,
    statuses: list[dict[str, Any]],
    outcome_status: int | None,
    reasons: list[dict[str, str]],
    kenmerk: str | None = None,
    retryable: bool = True,
    attention: str = "",
    attention_detail: str = "",
    now: datetime | None = None,
) -> ApprovalMessage:
    """Store the Digipoort timeline, move to 80, 90 or 70 when the outcome says so, and
    otherwise plan the next poll (KVK_POLL_SCHEDULE).

    ``kenmerk`` is the delivery the timeline belongs to: a slow poll of an earlier delivery
    must not decide about a newer one that replaced it meanwhile.
    """
    message = _locked(message_id)
    if kenmerk is not None and message.digipoort_kenmerk != kenmerk:
        return message
    if message.status != Status.SENT_TO_KVK:
        return message  # decided already: a late poll changes nothing, not even the timeline
    message.digipoort_statuses = statuses
    message.poll_failures = 0
    fields = ["digipoort_statuses", "poll_failures"]
    if outcome_status in (None, Status.SENT_TO_KVK):
        message.next_poll_at = (now or timezone.now()) + poll_delay(message.poll_attempts)
        fields.append("next_poll_at")
        if (message.attention_code, message.attention_detail) != (attention, attention_detail):
            newly = attention and attention != message.attention_code
            message.attention_code, message.attention_detail = attention, attention_detail[:500]
            fields += ["attention_code", "attention_detail"]
            if newly:
                _announce_attention(message)
    message.save(update_fields=[*fields, "updated_at"])
    if outcome_status in (None, Status.SENT_TO_KVK):
        return message
    message.next_poll_at = None
    message.attention_code = message.attention_detail = ""
    poll_fields = ["next_poll_at", "attention_code", "attention_detail"]
    if outcome_status == Status.FILED:
        _apply(
            message,
            message.mark_filed,
            SYSTEM,
            action="filed",
            update_fields=["reasons", *poll_fields],
        )
    elif outcome_status == Status.REFUSED:
        _apply(
            message,
            message.mark_refused,
            SYSTEM,
            reasons,
            action="refused_by_kvk",
            update_fields=["reasons", *poll_fields],
        )
    elif outcome_status == Status.TRANSPORT_ERROR:
        from workflow.reasons import transport

        reasons = transport(reasons)  # the catalogue's sentences; other text is staff detail
        # Digipoort ended this delivery without a verdict (230, 321, 410, 420 given up): the
        # next attempt is a new delivery with a new reference, planned and bounded like any
        # transport retry; one that cannot help by itself (210) waits for the staff.
        will_retry = retryable and _attempts_left(message)
        message.next_attempt_at = (
            timezone.now() + backoff(message.submit_attempts - message.attempts_base)
            if will_retry
            else None
        )
        message.delivery_reference = uuid.uuid4().hex
        # Digipoort itself ended that delivery: the next attempt need not ask whether it
        # arrived (asking could not tell it from a new one, see find_delivery); only this
        # one attempt, the claim uses it up.
        message.resend_checked = True
        _apply(
            message,
            message.mark_transport_error,
            SYSTEM,
            reasons,
            action="transport_error",
            update_fields=[
                "reasons",
                "next_attempt_at",
                "delivery_reference",
                "resend_checked",
                *poll_fields,
            ],
        )
        if not will_retry:
            _announce_dead_end(message)
    from workflow.signals import kvk_outcome

    _after_commit(partial(kvk_outcome.send, sender=ApprovalMessage, pk=message.pk))
    return message


def release_poll(*, message_id: int, kenmerk: str, now: datetime | None = None) -> None:
    """A claimed poll that was not made: due again shortly (no failure counted)."""
    ApprovalMessage.objects.filter(
        pk=message_id, status=Status.SENT_TO_KVK, digipoort_kenmerk=kenmerk
    ).update(next_poll_at=(now or timezone.now()) + poll_delay(0))


#: Status requests that failed in a row before the message is put before the staff.
POLL_FAILURES_FOR_ATTENTION = 5


@transaction.atomic
def record_poll_failure(
    *, message_id: int, kenmerk: str, error: str = "", now: datetime | None = None
) -> None:
    """The status could not be asked: ask again on the schedule, and after
    POLL_FAILURES_FOR_ATTENTION failures in a row put the message before the staff."""
    message = (
        ApprovalMessage.objects.select_for_update(of=("self",))
        .select_related("organisation")
        .defer(*HEAVY_FIELDS)
        .filter(pk=message_id, status=Status.SENT_TO_KVK, digipoort_kenmerk=kenmerk)
        .first()
    )
    if message is None:
        return
    message.next_poll_at = (now or timezone.now()) + poll_delay(message.poll_attempts)
    message.poll_failures += 1
    fields = ["next_poll_at", "poll_failures"]
    if message.poll_failures >= POLL_FAILURES_FOR_ATTENTION and not message.attention_code:
        from workflow.reasons import ATTENTION

        message.attention_code = "status_unavailable"
        message.attention_detail = f"{ATTENTION['status_unavailable']} ({error})"[:500]
        fields += ["attention_code", "attention_detail"]
        _announce_attention(message)
    message.save(update_fields=[*fields, "updated_at"])


# --- the staff act on 70 ---------------------------------------------------------------------


def _queue_submission(message: ApprovalMessage) -> None:
    from workflow.tasks import submit_to_kvk

    _after_commit(partial(submit_to_kvk.delay, message.pk))


@transaction.atomic
def resend(
    *, message_id: int, actor: Actor, checked_not_delivered: bool = False
) -> ApprovalMessage:
    """ "Opnieuw verzenden": a staff member sends a message at 70 again, with a fresh budget
    of automatic attempts.

    The next attempt still asks Digipoort first whether an earlier attempt arrived (so
    nothing is filed twice), unless the staff member checked at Digipoort that it did not
    (``checked_not_delivered``: the case Digipoort's own answer could not tell).
    """
    message = _locked(message_id)
    _require_staff(message, actor, "het bericht opnieuw verzenden")
    if message.status != Status.TRANSPORT_ERROR:
        raise Conflict(
            f"Alleen een bericht met status 70 kan opnieuw worden verzonden; dit bericht heeft "
            f"status {message.status} ({message.status_label}).",
            code="status_conflict",
        )
    _refuse_while_an_attempt_runs(message)
    if message.attempts_base == message.submit_attempts and message.next_attempt_at is not None:
        raise Conflict(
            "Er staat al een nieuwe verzendpoging klaar voor dit bericht.", code="resend_queued"
        )
    verify_document(message)
    message.attempts_base = message.submit_attempts
    # Due at once: the queued task sends it, and if that task is lost the sweeper does.
    message.next_attempt_at = timezone.now()
    message.resend_checked = checked_not_delivered
    message.save(update_fields=["attempts_base", "next_attempt_at", "resend_checked", "updated_at"])
    action = "resend_checked" if checked_not_delivered else "resend"
    record_event(message, action=action, actor=actor, from_status=message.status)
    _queue_submission(message)
    return message


def _refuse_while_an_attempt_runs(message: ApprovalMessage) -> None:
    if _attempt_running(message, timezone.now()):
        raise Conflict(
            "Er loopt op dit moment een verzendpoging; wacht het resultaat af.",
            code="attempt_running",
        )


KENMERK_MAX_LENGTH = 100


@transaction.atomic
def record_delivery(*, message_id: int, actor: Actor, kenmerk: str) -> ApprovalMessage:
    """70 -> 60: a staff member checked at Digipoort that an attempt did arrive, under
    ``kenmerk`` (Digipoort's process id); its statuses are followed from now on.

    The caller checks the kenmerk with Digipoort first (portal), so a typing error does not
    leave the message following someone else's delivery or none.
    """
    kenmerk = kenmerk.strip()
    if not kenmerk or len(kenmerk) > KENMERK_MAX_LENGTH or any(c.isspace() for c in kenmerk):
        raise Invalid(
            "Vul het kenmerk in dat Digipoort aan de aflevering gaf (zonder spaties).",
            code="invalid_kenmerk",
        )
    message = _locked(message_id)
    _require_staff(message, actor, "de aflevering vastleggen")
    _refuse_while_an_attempt_runs(message)
    taken = (
        ApprovalMessage.objects.filter(digipoort_kenmerk=kenmerk).exclude(pk=message.pk).exists()
    )
    if taken:
        raise Invalid(
            "Dit kenmerk hoort bij een ander bericht; controleer het kenmerk.",
            code="kenmerk_taken",
        )
    message.next_attempt_at = None
    fields = _start_polling(message, timezone.now())
    message.next_poll_at = timezone.now()  # ask at once
    _apply(
        message,
        message.record_delivery,
        actor,
        kenmerk,
        action="delivery_recorded",
        update_fields=[
            "digipoort_kenmerk",
            "reasons",
            "next_attempt_at",
            "resend_checked",
            *fields,
        ],
    )
    return message


def verify_document(message: ApprovalMessage) -> None:
    """What is approved is what is filed: refuse any other document."""
    if (
        not message.approved_sha256
        or sha256_hex(bytes(message.document)) != message.approved_sha256
    ):
        raise Invalid(
            "Het document wijkt af van het goedgekeurde document en wordt niet verzonden.",
            code="document_mismatch",
        )
