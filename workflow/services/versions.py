"""Versions of one year's accounts at 30: when a newer version of an organisation's accounts
for a financial year enters the workflow while an older one still waits for the client at
30, the older one is closed (30 -> 25, ``close_superseded``) and the newer one replaces it.

Without this both would wait at 30: approving the newer one files the year, after which the
older can never be approved (a second adopted filing, BR-KVK-4.12's correction rules), yet
the client is still asked and reminded to approve it. The client environment sent the newer
document last: that is the accounts the office and the client now work on.

An adoption or (partial) approval recorded on the older one is not carried over and does not
keep it open: each is bound to the document it was given for (the approved SHA-256, the
final instance produced at adoption), and the newer document is other accounts. The reason
of the closed message says so, and the newer one asks the client again.

The newest version, by the order in which the messages were received, goes on; every older
one at 30 of that organisation and year is closed, and each version replaces the one received
before it where that one is not replaced yet (one successor each). Decided in
``processing.finish_processing`` under its locks: the messages at 30 are locked before the
organisations, the order of every action on a message (message, then organisation), so a
client approving an older version at the same moment is either seen or waits.

One approved version is closed the same way (70 -> 25): one the delivery stopped at 70
because its document's KvK number is no longer the organisation's (the company was
registered anew under another number; crm.services.STOPPED_FOR_KVK_NUMBER). The KvK takes
accounts only under the number they contain (KVK-SBR.md section 3), so that version can
never be filed: the client sends a new version under the new number, and when it enters the
workflow it replaces the stopped one, which no longer counts as a filing under way for the
year (``lock_stopped_versions``). Any other 70 may still reach the KvK and keeps counting.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from crm.services import STOPPED_FOR_KVK_NUMBER
from kvk.status import Status
from workflow.models import ApprovalMessage, StatusEvent
from workflow.reasons import VERSION_SUPERSEDED, ours
from workflow.services.audit import (
    HEAVY_FIELDS,
    SYSTEM,
    _event,
    _lock_organisation,
    _record_events,
    _transition,
)
from workflow.services.delivery import kvk_numbers_differ

# VERSION_SUPERSEDED (workflow.reasons): the audit action, and the reason's code and key, of
# an older version closed at 30; every reader tells such a 25 by it (reasons.superseded).
#: The reason's key of a version stopped at 70 for a changed KvK number, closed for a newer one.
STOPPED_VERSION_SUPERSEDED = "version_superseded:kvk_number_changed"

#: What closing writes on an older version that was already at 30.
CLOSED_FIELDS = ["status", "status_changed_at", "updated_at", "reasons", "replaces"]

Key = tuple[int, int]


def _of_years(pairs: list[tuple[int, int | None]]) -> Q | None:
    """The messages of these (organisation, financial year) pairs, those without a year left
    out; None when no pair has a year."""
    keys = {(organisation_id, year) for organisation_id, year in pairs if year}
    if not keys:
        return None
    condition = Q()
    for organisation_id, year in keys:
        condition |= Q(organisation_id=organisation_id, financial_year=year)
    return condition


def lock_waiting_versions(
    pairs: list[tuple[int, int | None]], *, exclude: list[int]
) -> list[ApprovalMessage]:
    """The messages at 30 of these (organisation, financial year) pairs (those without a
    year left out), locked until commit, in id order; call before the organisations are
    locked."""
    condition = _of_years(pairs)
    if condition is None:
        return []
    return list(
        ApprovalMessage.objects.select_for_update(of=("self",))
        .filter(condition, status=Status.IN_REVIEW)
        .exclude(pk__in=exclude)
        .defer(*HEAVY_FIELDS)
        .order_by("pk")
    )


def _naming(newest: ApprovalMessage, year: int | None) -> dict[str, Any]:
    """The params of a closed version's reason: the year, and the version that goes on, by
    the day it was received (for people) and by its message id (for machines)."""
    return {
        "message_id": str(newest.message_id),
        "year": year,
        "received_on": timezone.localdate(newest.created_at).isoformat(),
    }


def close_older_versions(
    started: list[ApprovalMessage], waiting: list[ApprovalMessage]
) -> tuple[list[ApprovalMessage], list[StatusEvent]]:
    """Close, in memory, every version at 30 older than the newest of its organisation and
    year (``started`` just entered the workflow, ``waiting`` were at 30 before, locked) and
    link each version to the one before it. Returns the ``waiting`` messages that changed
    (to be saved with ``CLOSED_FIELDS``) and the audit events of the closures."""
    versions: dict[Key, list[ApprovalMessage]] = defaultdict(list)
    for message in [*waiting, *started]:
        if message.financial_year and message.status == Status.IN_REVIEW:
            versions[(message.organisation_id, message.financial_year)].append(message)
    changed: list[ApprovalMessage] = []
    events: list[StatusEvent] = []
    started_pks = {message.pk for message in started}
    for (_organisation_id, year), messages in versions.items():
        messages.sort(key=lambda message: message.pk)
        newest = messages[-1]
        reasons = [ours(VERSION_SUPERSEDED, _naming(newest, year))]
        for older, newer in zip(messages, messages[1:], strict=False):
            from_status = _transition(older, older.close_superseded, SYSTEM, reasons)
            events.append(
                _event(older, action=VERSION_SUPERSEDED, actor=SYSTEM, from_status=from_status)
            )
            if newer.replaces_id is None:
                newer.replaces_id = older.pk
                if newer.pk not in started_pks:
                    changed.append(newer)
            if older.pk not in started_pks:
                changed.append(older)
    return list({message.pk: message for message in changed}.values()), events


def lock_stopped_versions(
    pairs: list[tuple[int, int | None]], *, exclude: list[int]
) -> list[ApprovalMessage]:
    """The messages of these (organisation, financial year) pairs stopped at 70 for a changed
    KvK number, locked until commit, in id order; call after ``lock_waiting_versions`` and
    before the organisations are locked. A staff member's "Opnieuw verzenden" locks the
    message too: either it went first (an attempt is planned, the message is no longer
    stopped and not returned) or it waits and then finds the message closed."""
    condition = _of_years(pairs)
    if condition is None:
        return []
    return list(
        ApprovalMessage.objects.select_for_update(of=("self",))
        .filter(condition)
        .filter(STOPPED_FOR_KVK_NUMBER)
        .exclude(pk__in=exclude)
        .defer("received_document")
        .order_by("pk")
    )


def still_stopped(stopped: list[ApprovalMessage]) -> list[ApprovalMessage]:
    """Of these stopped versions, those whose document's KvK number is still not the
    organisation's; call under the organisation locks. One whose number the staff restored
    (a typing error corrected) can be sent again ("Opnieuw verzenden"), so it still counts
    as a filing under way and is not replaced."""
    return [message for message in stopped if kvk_numbers_differ(message) is not None]


def close_stopped_versions(
    started: list[ApprovalMessage],
    waiting: list[ApprovalMessage],
    stopped: list[ApprovalMessage],
) -> tuple[list[ApprovalMessage], list[StatusEvent]]:
    """Close, in memory, every version ``stopped`` at 70 for a changed KvK number (locked,
    ``still_stopped``) of a year for which a version ``started`` just entered the workflow;
    call after ``close_older_versions``. Its reason names the version of that year that goes
    on; the first version of the year's chain that replaces none (the oldest one started or
    waiting) replaces it. Returns the messages that changed (to be saved with
    ``CLOSED_FIELDS``) and the audit events of the closures."""
    changed: list[ApprovalMessage] = []
    events: list[StatusEvent] = []
    started_pks = {message.pk for message in started}
    for old in stopped:
        key = (old.organisation_id, old.financial_year)
        versions = sorted(
            (m for m in [*waiting, *started] if (m.organisation_id, m.financial_year) == key),
            key=lambda message: message.pk,
        )
        if not started_pks.intersection(message.pk for message in versions):
            continue  # no new version of this year entered the workflow
        goes_on = [message for message in versions if message.status == Status.IN_REVIEW]
        newest = (goes_on or versions)[-1]
        reasons = [ours(STOPPED_VERSION_SUPERSEDED, _naming(newest, old.financial_year))]
        from_status = _transition(old, old.close_superseded, SYSTEM, reasons)
        events.append(_event(old, action=VERSION_SUPERSEDED, actor=SYSTEM, from_status=from_status))
        changed.append(old)
        first = versions[0]
        if first.replaces_id is None:
            first.replaces_id = old.pk
            if first.pk not in started_pks:
                changed.append(first)
    return changed, events


def close_versions(
    started: list[ApprovalMessage],
    waiting: list[ApprovalMessage],
    stopped: list[ApprovalMessage],
) -> tuple[list[ApprovalMessage], list[StatusEvent]]:
    """``close_older_versions``, then ``close_stopped_versions``: the messages that changed,
    once each, and the audit events of the closures."""
    closed, closures = close_older_versions(started, waiting)
    replaced, replacements = close_stopped_versions(started, waiting, stopped)
    changed = {message.pk: message for message in [*closed, *replaced]}
    return list(changed.values()), [*closures, *replacements]


def in_review(messages: list[ApprovalMessage]) -> list[int]:
    """The ids of these messages that are at 30."""
    return [message.pk for message in messages if message.status == Status.IN_REVIEW]


def close_superseded(*, organisation_id: int, financial_year: int | None) -> list[ApprovalMessage]:
    """Close the older versions of one organisation's year that still wait at 30 beside a
    newer one (rows from before processing closed them; manage.py repair_versions), the
    way processing closes them; returns the closed messages. Decided again under the locks
    (the messages at 30, then the organisation), so running it twice closes nothing more."""
    return settle_versions([(organisation_id, financial_year)])


def settle_versions(pairs: list[tuple[int, int | None]]) -> list[ApprovalMessage]:
    """``close_superseded`` for several (organisation, year) pairs in one transaction.

    Processing calls it after its commit for the years it brought to 30: two workers that
    finish two versions of one year at the same moment each read "nothing waiting" before
    the other committed (the waiting versions are locked before the organisation, as every
    action locks them), so both would stay at 30. Afterwards both are committed, and this
    closes the older; run twice at once, the locks make the second find nothing."""
    if not any(year for _organisation_id, year in pairs):
        return []
    with transaction.atomic():
        waiting = lock_waiting_versions(pairs, exclude=[])
        per_year = Counter((m.organisation_id, m.financial_year) for m in waiting)
        organisations = sorted({key[0] for key, count in per_year.items() if count > 1})
        if not organisations:  # one version a year at 30: nothing to close
            return []
        waiting = [m for m in waiting if m.organisation_id in organisations]
        for organisation_id in organisations:
            _lock_organisation(organisation_id)
        changed, events = close_older_versions([], waiting)
        for message in changed:
            message.save(update_fields=CLOSED_FIELDS)
        _record_events(events, locked=True)
    return [message for message in changed if message.status != Status.IN_REVIEW]
