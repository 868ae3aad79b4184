"""The machinery every action shares: locks, the status machine, and the audit trail with
its per-organisation sequence numbers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NotRequired, TypedDict, Unpack

from django.db import connection, transaction
from django.utils import timezone
from django_fsm import can_proceed, has_transition_perm

from crm.models import Organisation
from workflow.errors import Conflict, NotPermitted
from workflow.inserts import Insert
from workflow.models import Actor, ApprovalMessage, StatusEvent, client_may_see, is_client, is_staff

SYSTEM = Actor.system()
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
        raise NotPermitted("not_found:organisation")
    return int(row[0])


class EventFacts(TypedDict):
    """What an audit event records besides its message and the status the message is in
    now: the action, who took it, the status it came from and the reasons (by default the
    message's own)."""

    action: str
    actor: Actor
    from_status: int | None
    reasons: NotRequired[list[dict[str, str]] | None]


def record_event(message: ApprovalMessage, **facts: Unpack[EventFacts]) -> StatusEvent:
    """Write the audit event for an action; call inside the action's transaction."""
    event = _event(message, **facts)
    event.sequence = _next_sequence(message.organisation_id)
    _EVENT_INSERT.execute(event)
    return event


def record_note(
    message: ApprovalMessage, *, action: str, actor: Actor, code: str, note: str
) -> StatusEvent:
    """Audit a staff action that changes no status, with the words the person wrote (a
    reason, a note) under ``code``."""
    return record_event(
        message,
        action=action,
        actor=actor,
        from_status=message.status,
        reasons=[{"code": code, "message": note}],
    )


def _event(message: ApprovalMessage, **facts: Unpack[EventFacts]) -> StatusEvent:
    """The audit event for an action that brought the message to its status, not yet
    numbered or saved."""
    actor = facts["actor"]
    reasons = facts.get("reasons")
    user = actor.user if getattr(actor.user, "pk", None) else None
    return StatusEvent(
        message=message,
        organisation_id=message.organisation_id,
        action=facts["action"],
        from_status=facts["from_status"],
        to_status=message.status,
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
        raise NotPermitted("not_found:organisation")
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
        raise NotPermitted("not_found:message")


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
    _check_transition(message, transition, actor)
    from_status = message.status
    transition(*args, **kwargs)
    message.status_changed_at = timezone.now()
    return from_status


def _check_transition(
    message: ApprovalMessage, transition: Callable[..., Any], actor: Actor
) -> None:
    """Check that the actor may perform a transition now, without performing it."""
    if not can_proceed(transition, check_conditions=False):
        raise Conflict("status_conflict", _status_params(message))
    if not has_transition_perm(transition, actor):  # type: ignore[arg-type]  # an Actor
        if not can_proceed(transition):
            raise Conflict(_condition_key(message))
        raise NotPermitted("action_not_permitted")


def _move_rows(rows: list[ApprovalMessage], transition: Callable[..., Any], actor: Actor) -> int:
    """Perform one transition on many messages at once (a batch claim); returns how many
    rows it moved, fewer than given when another transaction moved some meanwhile.

    The status machine checks and performs the transition on every row in memory, as
    ``_transition`` does for one message; then one conditional UPDATE per (source, target)
    saves the new status of the rows still at their source. Only the status is saved: for
    transitions whose method changes no other field (``ApprovalMessage.claim``).
    """
    moves: dict[tuple[int, int], list[int]] = {}
    for row in rows:
        from_status = _transition(row, getattr(row, transition.__name__), actor)
        moves.setdefault((from_status, row.status), []).append(row.pk)
    now = timezone.now()
    return sum(
        ApprovalMessage.objects.filter(pk__in=pks, status=source).update(
            status=target, status_changed_at=now, updated_at=now
        )
        for (source, target), pks in moves.items()
    )


def _status_params(message: ApprovalMessage) -> dict[str, Any]:
    """The params of a status conflict: the status and its label in the reader's language
    (a 25 that a newer version closed is called replaced, ApprovalMessage.status_label)."""
    return {"status": message.status, "status_label": message.status_label}


def _condition_key(message: ApprovalMessage) -> str:
    """The sentence of the condition a transition misses (code ``condition_not_met``)."""
    if message.awaiting_accountant_review:
        return "condition_not_met:review"
    if not message.adopted or message.adoption_date is None:
        return "condition_not_met:adoption"
    return "condition_not_met"


def _require_client(message: ApprovalMessage, actor: Actor, what: Any) -> None:
    """Only the organisation's client may do ``what`` (lazy words for the sentence)."""
    if not is_client(message, actor):
        raise NotPermitted("client_only", {"action": what})
    if not client_may_see(message):
        raise Conflict("awaiting_accountant_review")


def _require_staff(message: ApprovalMessage, actor: Actor, what: Any) -> None:
    """Only staff of the organisation's environment may do ``what`` (lazy words)."""
    if not is_staff(message, actor):
        raise NotPermitted("staff_only", {"action": what})
