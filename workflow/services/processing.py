"""Processing: claims 10 -> 20, and 20 -> 30 or 25 for the messages processing examined."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from functools import partial
from typing import Any, cast

from django.db import connection, transaction
from django.db.models import Field, Q
from django.db.models.functions import Length
from django.utils import timezone

from kvk.parser import ParsedInstance, parse_instance
from kvk.status import Status
from workflow.errors import Conflict
from workflow.models import ApprovalMessage, StatusEvent, WorkflowDefinition, sha256_hex
from workflow.reasons import another_company, ours
from workflow.services.audit import (
    SYSTEM,
    _after_commit,
    _event,
    _lock_organisations,
    _move_rows,
    _record_events,
    _transition,
    record_event,
)
from workflow.services.corrections import (
    REPLACEABLE_STATUSES,
    _correction_decision,
    _earlier_messages,
)
from workflow.services.duplicates import Identical, first_refusal, identical_messages
from workflow.services.versions import (
    CLOSED_FIELDS,
    _of_years,
    close_versions,
    in_review,
    lock_stopped_versions,
    lock_waiting_versions,
    settle_versions,
    still_stopped,
)
from workflow.signals import workflow_started

#: An organisation and one of its financial years.
_Year = tuple[int, int | None]

#: What a claim reads of a message: what the status machine and the audit event need.
_CLAIM_FIELDS = ("pk", "organisation_id", "status", "document_sha256")


def claim_for_processing(message_id: int) -> bool:
    """10 -> 20 with a conditional UPDATE: True when this caller won the message."""
    with transaction.atomic():
        rows = list(
            ApprovalMessage.objects.filter(pk=message_id, status=Status.RECEIVED).only(
                *_CLAIM_FIELDS
            )
        )
        if not rows or _move_rows(rows, ApprovalMessage.claim, SYSTEM) != 1:
            return False  # another caller won it
        record_event(
            rows[0], action="claimed", actor=SYSTEM, from_status=Status.RECEIVED, reasons=[]
        )
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
    itself is exclusive (see ``_locked``). The status machine's ``claim`` moves them, saved
    with one conditional UPDATE (``_move_rows``). One "claimed" event per message.
    """
    with transaction.atomic():
        rows: list[ApprovalMessage] = list(
            ApprovalMessage.objects.select_for_update(skip_locked=True, no_key=True, of=("self",))
            .filter(status=Status.RECEIVED, organisation__environment__activation__active=True)
            .order_by("pk")
            .annotate(size=Length("received_document"))
            .only(*_CLAIM_FIELDS)[:limit]
        )
        full = len(rows) == limit
        if max_bytes is not None:
            rows, full = _within_bytes(rows, max_bytes, full=full)
        if not rows:
            return [], False
        won = _move_rows(rows, ApprovalMessage.claim, SYSTEM)
        if won != len(rows):  # cannot happen under the locks; never claim half a batch
            raise Conflict("claim_race")
        _record_events(_claimed_events(rows))
        return [row.pk for row in rows], full


def _within_bytes(
    rows: list[ApprovalMessage], max_bytes: int, *, full: bool
) -> tuple[list[ApprovalMessage], bool]:
    """The first rows whose documents together stay within ``max_bytes`` (one at least);
    the batch counts as full when rows were left out."""
    total = 0
    for count, row in enumerate(rows):
        total += row.size  # type: ignore[attr-defined]
        if count and total > max_bytes:
            return rows[:count], True
    return rows, full


def _claimed_events(rows: list[ApprovalMessage]) -> list[StatusEvent]:
    """The "claimed" events of messages the claim moved from 10 (which has no reasons)."""
    return [
        _event(row, action="claimed", actor=SYSTEM, from_status=Status.RECEIVED, reasons=[])
        for row in rows
    ]


@dataclass
class Examined:
    """What processing found out about one claimed message (status 20).

    ``reasons`` not empty, or no ``workflow``: the message goes to 25. Otherwise it enters
    the workflow (30), unless the workflow lacks a required action or KvK would refuse it
    as a correction; both are decided in ``finish_processing`` under the locks.
    """

    message_id: int
    reasons: list[dict[str, Any]] = field(default_factory=list)
    findings: list = field(default_factory=list)
    workflow: WorkflowDefinition | None = None
    financial_year: int | None = None
    entry_point: str = ""
    adopted: bool = False
    adoption_date: date | None = None
    resubmission: bool = False
    signed_on: date | None = None
    #: The period of the accounts (kvk.parser.ParsedInstance.accounts_period).
    period_start: date | None = None
    period_end: date | None = None


#: The facts of the document the workflow and the deadlines work with: fields of the same
#: name in ``Examined`` and on the message, copied when the message enters the workflow.
_DOCUMENT_FACTS = (
    "workflow",
    "financial_year",
    "entry_point",
    "adopted",
    "adoption_date",
    "resubmission",
    "signed_on",
    "period_start",
    "period_end",
)

#: What finish_processing writes: for a failed message its reasons and findings and, where
#: the document could be read that far, its financial year, so that staff find it under
#: its year, with the period its accounts state (the deadlines count from it when the 25
#: is all the year has), and whether it is a resubmission (heraanlevering), so that a
#: failed correction of a filed year still asks attention (corrections.year_moved_on); the
#: other facts may not fit their columns, and nothing needs them at 25. For a started one
#: also the document's facts.
_FAILED_FIELDS = ["status", "status_changed_at", "updated_at", "reasons", "findings"]
_STARTED_FIELDS = [*_FAILED_FIELDS, *_DOCUMENT_FACTS, "awaiting_accountant_review", "replaces"]
_FAILED_WITH_YEAR = [
    *_FAILED_FIELDS,
    "financial_year",
    "period_start",
    "period_end",
    "resubmission",
]


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
        messages = _still_processing(list(by_id))
        if not messages:
            return outcome
        years = [(m.organisation_id, by_id[m.pk].financial_year) for m in messages]
        # Locked before the organisations, the order of every action on a message.
        batch = [message.pk for message in messages]
        waiting = lock_waiting_versions(years, exclude=batch)
        stopped = lock_stopped_versions(years, exclude=batch)
        ended = _lock_ended_versions(years, exclude=batch)
        _lock_organisations({message.organisation_id for message in messages})
        # A version stopped at 70 for a changed KvK number is no filing under way: a new
        # version of its year enters the workflow and replaces it (versions).
        stopped = still_stopped(stopped)
        earlier = _earlier_messages(years, exclude=[m.pk for m in [*messages, *stopped]])
        identical = identical_messages(
            {(m.organisation_id, m.received_sha256) for m in messages if m.received_sha256}
        )
        verdicts: dict[tuple[int, int], _WorkflowVerdict] = {}
        events: list[StatusEvent] = []
        failed: list[ApprovalMessage] = []
        started: list[ApprovalMessage] = []
        now = timezone.now()
        for message in messages:
            result = by_id[message.pk]
            message.findings = result.findings
            copy = _copy_reason(message, identical, outcome)
            reasons = _reasons_against(message, result, earlier, verdicts, copy)
            if reasons or result.workflow is None:
                from_status = _fail(message, result, reasons)
                action = "processing_failed"
                failed.append(message)
            else:
                verdict = _workflow_verdict(message, result.workflow, verdicts)
                from_status = _enter_workflow(message, result, review=verdict.review)
                action = "workflow_started"
                started.append(message)
            message.updated_at = now
            events.append(_event(message, action=action, actor=SYSTEM, from_status=from_status))
            outcome[message.pk] = message.status
        closed, closures = close_versions(started, waiting, stopped)
        relinked = _link_corrections(started, [*waiting, *stopped], ended)
        _save_fields(failed, _FAILED_WITH_YEAR)
        _save_fields(started, _STARTED_FIELDS)
        _save_fields(closed, CLOSED_FIELDS)
        _save_fields(relinked, ["replaces"])
        _record_events([*events, *closures], locked=True)
    outcome.update({message.pk: message.status for message in started})
    pks = _settled(started)
    if pks:
        _after_commit(partial(workflow_started.send, sender=ApprovalMessage, pks=pks))
    return outcome


def _settled(started: list[ApprovalMessage]) -> list[int]:
    """The ids of the started messages still at 30 (not those closed at once for a newer
    version), after closing the older versions of their years that another worker brought
    to 30 at the same moment, unseen by this one (``versions.settle_versions``)."""
    pks = in_review(started)
    years = [(m.organisation_id, m.financial_year) for m in started if m.pk in pks]
    closed = {message.pk for message in settle_versions(years)}
    return [pk for pk in pks if pk not in closed]


def _still_processing(message_ids: list[int]) -> list[ApprovalMessage]:
    """These messages, locked, that are still at 20 (another worker may have finished some)."""
    return [
        message
        for message in ApprovalMessage.objects.select_for_update(of=("self",))
        .select_related("organisation")
        .defer("document", "received_document")
        .filter(pk__in=message_ids)
        .order_by("pk")
        if message.status == Status.PROCESSING
    ]


@dataclass(frozen=True)
class _WorkflowVerdict:
    """Whether a workflow may take messages of an environment, and whether it starts with
    the accountant's review."""

    problem: dict[str, Any] | None
    review: bool


def _workflow_verdict(
    message: ApprovalMessage,
    workflow: WorkflowDefinition,
    verdicts: dict[tuple[int, int], _WorkflowVerdict],
) -> _WorkflowVerdict:
    """The verdict on the message's workflow, decided once per workflow and environment
    (the same for every message of a batch, mostly)."""
    key = (workflow.pk, message.organisation.environment_id)
    if key not in verdicts:
        verdicts[key] = _WorkflowVerdict(
            _workflow_problem(message, workflow), workflow.requires_accountant_review
        )
    return verdicts[key]


def _reasons_against(
    message: ApprovalMessage,
    result: Examined,
    earlier: dict[tuple[int, int | None], list[tuple[int, int, bool]]],
    verdicts: dict[tuple[int, int], _WorkflowVerdict],
    copy: dict[str, Any] | None = None,
) -> list[dict[str, Any]]:
    """Every reason why the message may not enter the workflow: those found in the
    document, a correction KvK would refuse, a copy of a document already under way
    (``copy``), and else a problem of its workflow."""
    # The hash stored at upload; the document (deferred) is read only for a message
    # received before the hash was stored.
    received_sha256 = message.received_sha256 or sha256_hex(bytes(message.received_document))
    correction = _correction_decision(
        result.financial_year,
        result.adopted,
        result.resubmission,
        result.adoption_date,
        received_sha256,
        earlier.get((message.organisation_id, result.financial_year), []),
    )
    reasons = [*result.reasons, *(reason for reason in (correction, copy) if reason)]
    if reasons or result.workflow is None:
        return reasons
    problem = _workflow_verdict(message, result.workflow, verdicts).problem
    return [problem] if problem is not None else []


def _copy_reason(
    message: ApprovalMessage,
    identical: dict[tuple[int, str], list[Identical]],
    decided: dict[int, int],
) -> dict[str, Any] | None:
    """Why the message is a copy that may not enter the workflow (``duplicates``), as a
    reason; None when it is none.

    What an upload could not see: a copy uploaded at the same moment as its original, or
    received before uploads were checked. Of two copies still waiting the earlier one goes
    on; one decided earlier in this batch counts with the status it got (``decided``). A
    copy of a document the KvK refused is left to the corrections' own reason
    (correction_not_allowed), which says the same.
    """
    others = []
    for other in identical.get((message.organisation_id, message.received_sha256), []):
        status = decided.get(other.pk, other.status)
        waiting = status in (Status.RECEIVED, Status.PROCESSING)
        if other.pk == message.pk or (waiting and other.pk > message.pk):
            continue
        if status != Status.REFUSED:
            others.append(replace(other, status=status))
    refusal = first_refusal(others)
    return refusal.reason() if refusal is not None else None


def _fail(message: ApprovalMessage, result: Examined, reasons: list[dict[str, Any]]) -> int:
    """20 -> 25 in memory with the reasons, and the financial year, the period and the
    resubmission flag the document says, when processing could read it; returns the status
    it left. Another company's document (kvk_number_not_yours) brings none of them: its
    contents are no part of this organisation's years. The year alone makes no filing:
    corrections count only 50 to 90 (corrections.FILING_STATUSES), copies are taken after a
    25 (duplicates), and where a year stands the deadlines read a 25 only when the year has
    no other message. The flag keeps a failed heraanlevering asking attention after its
    year was filed: the correction of the public accounts did not happen
    (corrections.year_moved_on)."""
    theirs = another_company(reasons)
    message.financial_year = None if theirs else result.financial_year
    message.period_start = None if theirs else result.period_start
    message.period_end = None if theirs else result.period_end
    message.resubmission = result.resubmission and not theirs
    return _transition(message, message.fail_processing, SYSTEM, reasons)


def _enter_workflow(message: ApprovalMessage, result: Examined, *, review: bool) -> int:
    """20 -> 30 in memory with the facts processing found; returns the status it left."""
    message.workflow = result.workflow
    message.financial_year = result.financial_year
    message.period_start = result.period_start
    message.period_end = result.period_end
    message.entry_point = result.entry_point
    message.adopted = result.adopted
    message.adoption_date = result.adoption_date
    message.resubmission = result.resubmission
    message.signed_on = result.signed_on
    message.awaiting_accountant_review = review
    return _transition(message, message.start_workflow, SYSTEM)


def _link_corrections(
    started: list[ApprovalMessage],
    others: list[ApprovalMessage],
    ended: list[ApprovalMessage],
) -> list[ApprovalMessage]:
    """Link every earlier version of a started message's organisation and financial year
    that ended at 25, 40 or 90 and that no other message replaces yet (of ``ended``, locked
    by ``_lock_ended_versions``) into the chain of the version that goes on (the newest at
    30 of ``started`` and ``others``, the versions closed or checked in this batch). Returns
    the earlier versions, not in ``started``, whose link changed (to be saved with
    ``replaces``).

    A message replaces one version (``replaces`` is one-to-one), and the chain runs back in
    time: the version that goes on replaces the newest of the others, and each of them the
    one received before it (``_chained``). So every version of the year but the one that
    goes on is replaced: none is left to be put back into the workflow ("Berichtstatus
    herstellen") and filed instead of the newer accounts, or to ask the staff's attention;
    and each version's page compares it with the one received before it. (Client rejects
    A, B fails processing, C enters: C replaces B, B replaces A.) Runs under the
    organisation locks of ``finish_processing``, so two new versions never claim the same
    predecessor."""
    keys: set[_Year] = {(m.organisation_id, m.financial_year) for m in started if m.financial_year}
    ended_in = _of_these_years(ended, keys) if keys and ended else {}
    if not ended_in:
        return []
    known = {message.pk: message for message in [*others, *started]}
    rows = {m.pk: m for versions in ended_in.values() for m in versions} | known
    stored, received = _stored_links({key[0] for key in keys})
    received.update((pk, message.created_at) for pk, message in rows.items())
    links = stored | {pk: message.replaces_id for pk, message in known.items()}
    changes = [
        change
        for key, versions in ended_in.items()
        for change in _linked_year(_going_on(key, known.values()), versions, links, received)
    ]
    relinked = _relinked(changes, rows, {message.pk for message in started})
    _release_links(relinked, stored)
    return relinked


def _relinked(
    changes: list[tuple[int, int | None]], rows: dict[int, ApprovalMessage], started: set[int]
) -> list[ApprovalMessage]:
    """The new links set on the messages, each (a version, the one it now replaces); returns
    those not in ``started`` (saved with their other fields), once each."""
    relinked: dict[int, ApprovalMessage] = {}
    for pk, replaces_id in changes:
        message = rows.get(pk) or ApprovalMessage(pk=pk)
        message.replaces_id = replaces_id
        if pk not in started:
            relinked[pk] = message
    return list(relinked.values())


def _linked_year(
    head: int | None,
    ended: list[ApprovalMessage],
    links: dict[int, int | None],
    received: dict[int, datetime],
) -> list[tuple[int, int | None]]:
    """The links that take the ``ended`` versions of one year that no version replaces yet
    into the chain of the version that goes on (``head``), as ``_chained``; none when no
    version goes on or none is left to link."""
    replaced = set(links.values())
    loose = [message.pk for message in ended if message.pk not in replaced]
    return _chained(head, loose, links, received) if head is not None and loose else []


def _going_on(key: _Year, messages: Iterable[ApprovalMessage]) -> int | None:
    """The version of this organisation's year that goes on: the newest of ``messages`` at
    30, if any."""
    return max(
        (
            m.pk
            for m in messages
            if (m.organisation_id, m.financial_year) == key and m.status == Status.IN_REVIEW
        ),
        default=None,
    )


def _stored_links(
    organisation_ids: set[int],
) -> tuple[dict[int, int | None], dict[int, datetime]]:
    """The stored chains of these organisations' versions: which version each replaces, and
    when every version in a chain was received."""
    stored: dict[int, int | None] = {}
    received: dict[int, datetime] = {}
    for pk, replaces_id, created_at in ApprovalMessage.objects.filter(
        Q(replaces__isnull=False) | Q(replaced_by__isnull=False),
        organisation_id__in=organisation_ids,
    ).values_list("pk", "replaces_id", "created_at"):
        received[pk] = created_at
        if replaces_id is not None:
            stored[pk] = replaces_id
    return stored, received


def _release_links(relinked: list[ApprovalMessage], stored: dict[int, int | None]) -> None:
    """Clear the ``stored`` links that these versions give up, before their new links are
    saved: ``replaces`` is one-to-one, and a version saved first may take over the
    predecessor of one saved after it."""
    moved = [m.pk for m in relinked if stored.get(m.pk) not in (None, m.replaces_id)]
    if moved:
        ApprovalMessage.objects.filter(pk__in=moved).update(replaces=None)


def _chained(
    head: int, loose: list[int], links: dict[int, int | None], received: dict[int, datetime]
) -> list[tuple[int, int | None]]:
    """The links that put the chain that starts at ``head`` and the ``loose`` versions (each
    with the chain it starts) into one chain: ``head`` first, then the others newest first
    by when they were received, so that each version replaces the newest one received
    before it. Returns the links that changed, each (a version, the one it now replaces);
    ``links`` (version -> the one it replaces) is updated with them.

    Appending the loose versions at the end of the chain instead would run it backwards in
    time where they were received before the end of the chain: D waits at 30, a newer B
    fails (25), then C enters and closes D; C replaces B and B replaces D, not D replaces B.
    """
    members = {pk for start in [head, *loose] for pk in _chain(start, links)} - {head}
    order = [head, *sorted(members, key=lambda pk: (received[pk], pk), reverse=True)]
    added = []
    for newer, older in zip(order, [*order[1:], None], strict=True):
        if links.get(newer) != older:
            links[newer] = older
            added.append((newer, older))
    return added


def _chain(pk: int, links: dict[int, int | None]) -> list[int]:
    """The versions of the chain that starts at ``pk``: it, the one it replaces, and so on."""
    chain = [pk]
    while (earlier := links.get(pk)) is not None and earlier not in chain:
        chain.append(earlier)
        pk = earlier
    return chain


#: What processing reads of an earlier version that ended (25, 40, 90) to link it.
_ENDED_FIELDS = ("pk", "organisation_id", "financial_year", "created_at", "replaces_id", "reasons")


def _lock_ended_versions(pairs: list[_Year], *, exclude: list[int]) -> list[ApprovalMessage]:
    """The messages of these (organisation, financial year) pairs that ended at 25, 40 or
    90, replaced or not, and the organisations' messages that failed processing (25) before
    their year was stored with them, locked until commit, in id order.

    Call after ``versions.lock_stopped_versions`` and before the organisations are locked:
    linking a new version writes ``replaces`` on these rows, and PostgreSQL's foreign-key
    check of the new version's ``replaces`` locks the one it replaces. Every action locks a
    message before its organisation (``audit._lock_organisation``): locked after the
    organisation, "Berichtstatus herstellen" on a rejected version (its row, then the
    organisation) and processing (the organisation, then that row) would wait for each
    other crosswise. Which of them are still free to link is decided under the organisation
    locks (``_link_corrections``)."""
    condition = _of_years(pairs)
    if condition is None:
        return []
    return list(
        ApprovalMessage.objects.select_for_update(of=("self",))
        .filter(
            (condition & Q(status__in=REPLACEABLE_STATUSES))
            | Q(
                organisation_id__in={organisation_id for organisation_id, year in pairs if year},
                status=Status.PROCESSING_FAILED,
                financial_year__isnull=True,
            )
        )
        .exclude(pk__in=exclude)
        .only(*_ENDED_FIELDS)
        .order_by("pk")
    )


def _of_these_years(
    messages: list[ApprovalMessage], keys: set[_Year]
) -> dict[_Year, list[ApprovalMessage]]:
    """These messages per (organisation, financial year) of ``keys``. A message that failed
    processing (25) before its year was stored with it has no year; it is read back from
    the document it brought, when that can be read at all (``failed_year``)."""
    yearless = [
        m.pk for m in messages if m.financial_year is None and not another_company(m.reasons)
    ]
    documents: dict[int, bytes | memoryview] = {}
    if yearless:
        documents = dict(
            ApprovalMessage.objects.filter(pk__in=yearless).values_list("pk", "received_document")
        )
    found: dict[_Year, list[ApprovalMessage]] = {}
    for message in messages:
        year = message.financial_year
        if year is None and message.pk in documents:
            year = failed_year(message.reasons, bytes(documents[message.pk]))
        if (message.organisation_id, year) in keys:
            found.setdefault((message.organisation_id, year), []).append(message)
    return found


def _kept_from(reasons: list[dict[str, Any]] | Any, document: bytes) -> ParsedInstance | None:
    """The document as processing read it for what it keeps of it: None where it cannot
    be read, and for another company's document (its contents are no version of this
    organisation's, ``_fail``)."""
    if another_company(reasons):
        return None
    try:
        return parse_instance(document)
    except ValueError:
        return None


def failed_year(reasons: list[dict[str, Any]] | Any, document: bytes) -> int | None:
    """The financial year of a message that failed processing (25), as processing keeps it
    (``_fail``): what its document says where the document can be read, and none for
    another company's document. Also for a 25 stored before processing kept the year
    (``_link_corrections``, manage.py repair_failed_year)."""
    instance = _kept_from(reasons, document)
    return instance.financial_year if instance is not None else None


def kept_period(reasons: list[dict[str, Any]] | Any, document: bytes) -> tuple[date, date] | None:
    """The period of the accounts processing keeps with the financial year (``_fail``,
    ``_enter_workflow``: ``ParsedInstance.accounts_period``), read from ``document`` the
    same way; none for another company's document. For a message processed before the
    period was kept (workflow 0007, manage.py repair_document_period)."""
    instance = _kept_from(reasons, document)
    return instance.accounts_period() if instance is not None else None


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


def fail_processing(*, message_id: int, reasons: list[dict[str, Any]], findings: list) -> bool:
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
    signed_on: date | None = None,
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
        signed_on=signed_on,
    )
    return finish_processing([result]).get(message_id) == Status.IN_REVIEW


def _workflow_problem(
    message: ApprovalMessage, workflow: WorkflowDefinition
) -> dict[str, Any] | None:
    if workflow.environment_id != message.organisation.environment_id:
        return ours("workflow_unavailable")
    missing = workflow.missing_required_actions()
    if missing:
        return ours("workflow_unavailable:missing_actions", {"actions": ", ".join(missing)})
    return None
