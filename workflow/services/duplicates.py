"""Identical documents: a document the organisation already sent, byte for byte, is not taken
into the workflow a second time while the message that brought it is still under way or
ended in a way the same bytes cannot change.

Per status of the message that has the document (its "original"):

- 10, 20, 30, 50, 60, 70 and 80: the original is still under way or filed. A copy would ask
  the client to approve the same accounts again, or file them twice. At 70 the portal
  itself tries again (automatically, or the staff's "Opnieuw verzenden"), KVK-SBR.md §2:
  "70 | transport error; retried automatically". At 80 the answer says that a correction
  goes as a heraanlevering: "A filed document is never removed. A correction is a new
  filing: either a *heraanlevering* ..." (KVK-SBR.md §1), so changed documents alone would
  be refused as a correction (correction_not_allowed).
- 40 (rejected by the client): the client rejected these very bytes. The accountant can put
  the message back into the workflow ("repair message status", KVK-SBR.md §2: "40 | rejected
  by the client (can be put back into the workflow)"), so a copy is refused and the answer
  says so; other accounts must be new documents. Once a newer version replaced the message
  it can no longer be repaired (``review.repair``), and a copy is taken.
- 90 (refused by the KvK): "Bij status 90 (Afgekeurd door KvK) zijn de stukken definitief
  afgekeurd en kunnen deze niet worden ingediend. De klant moet de stukken dan opnieuw
  aanmaken en indienen." (seed: kvk-jaarstukken-deponeren-via-accountancyportal.txt).
- 25 (processing failed): a copy is taken. The causes are often set right at the office
  rather than in the document (an unknown KvK number, a blocked message type: "het kantoor
  moet de blokkade opheffen en het bericht opnieuw laten versturen", connectors.services),
  and 25 is final, so sending the same bytes again is the way on.

Copies taken into the workflow before uploads and processing refused them may still wait at
30 (``decide_copies``): while another copy is approved, on its way, filed or refused by the
KvK (50 to 90) every copy at 30 is closed (30 -> 25, ``close_copy``), as approving one would
file the same accounts twice or send refused ones again; of copies all at 30 the first one
received goes on and the later ones are closed, unless a person acted on a later one (then
neither is closed: which one goes on is the client's choice). A copy the client rejected (40)
closes nothing: the rejection may have been the client's way of dropping the copy.

The upload is refused with the reason (``receiving.register_message``); processing checks
again under the organisation locks (``processing.finish_processing``) for what an upload
could not see: two copies uploaded at the same moment, or received before this check.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any, cast

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Exists, Field, OuterRef
from django.utils import timezone

from kvk.status import Status
from workflow.inserts import column_of
from workflow.models import ApprovalMessage, StatusEvent
from workflow.reasons import ours
from workflow.services.audit import SYSTEM, _apply, _lock_organisation, _locked
from workflow.services.corrections import FILING_STATUSES, Refusal

DUPLICATE_CODE = "duplicate_document"

#: What the message that has the document is, per refusal (the part of the catalogue key
#: after the code): the client API answers it as the "kind" of a duplicate_document.
DUPLICATE_KINDS = ("under_way", "filed", "rejected", "refused")


def duplicate_kind(key: str) -> str:
    """The kind of a duplicate_document refusal's catalogue key: ``duplicate_document`` is
    a message still under way, ``duplicate_document:filed`` one filed (80), and so on."""
    return key.partition(":")[2] or DUPLICATE_KINDS[0]


@dataclass(frozen=True)
class Identical:
    """A message of the organisation whose received document has the same SHA-256."""

    pk: int
    message_id: uuid.UUID
    status: int
    replaced: bool

    def refusal(self) -> Refusal | None:
        """Why a copy of this message's document is not taken; None when it is."""
        params = {
            "message_id": str(self.message_id),
            "status": self.status,
            "status_label": Status(self.status).label,  # lazy: in the reader's language
        }
        if self.status == Status.PROCESSING_FAILED:
            return None
        if self.status == Status.REJECTED:
            return None if self.replaced else Refusal(f"{DUPLICATE_CODE}:rejected", params)
        if self.status == Status.REFUSED:
            return Refusal(f"{DUPLICATE_CODE}:refused", params)
        if self.status == Status.FILED:
            return Refusal(f"{DUPLICATE_CODE}:filed", params)
        return Refusal(DUPLICATE_CODE, params)


def first_refusal(identical: list[Identical]) -> Refusal | None:
    """The refusal for a copy of these messages' document, naming one of them by the day
    it was received: a message still under way before one that was rejected or refused,
    the newest first."""
    ordered = sorted(identical, key=lambda m: (m.status in _ENDED, -m.pk))
    for message in ordered:
        refusal = message.refusal()
        if refusal is not None:
            # Looked up only for a refusal: every upload asks identical_messages.
            refusal.params["received_on"] = _received_on(message.pk)
            return refusal
    return None


def _received_on(pk: int) -> str:
    """The day message ``pk`` was received (ISO): how a person is told which message, a
    UUID says nothing to them."""
    received = ApprovalMessage.objects.filter(pk=pk).values_list("created_at", flat=True)
    return timezone.localdate(received.first() or timezone.now()).isoformat()


_ENDED = (Status.REJECTED, Status.REFUSED)


def identical_messages(keys: set[tuple[int, str]]) -> dict[tuple[int, str], list[Identical]]:
    """The messages per (organisation, received SHA-256) that a copy may meet, one query
    for all; those that failed processing (25) never stop a copy and are left out.

    Every upload asks this, so the statement is written here rather than compiled by the
    ORM, which costs more CPU than the indexed look-up itself (as ``workflow.inserts``)."""
    if not keys:
        return {}
    connection = connections[DEFAULT_DB_ALIAS]
    params: list[Any] = [int(Status.PROCESSING_FAILED)]
    for organisation_id, digest in keys:
        params += [organisation_id, digest]
    shape = (connection.vendor, len(keys))
    if shape not in _SQL:
        _SQL[shape] = _identical_sql(connection, len(keys))
    with connection.cursor() as cursor:
        cursor.execute(_SQL[shape], params)
        rows = cursor.fetchall()
    found: dict[tuple[int, str], list[Identical]] = {}
    for organisation_id, digest, pk, message_id, status, replaced in rows:
        found.setdefault((organisation_id, digest), []).append(
            Identical(pk, uuid.UUID(str(message_id)), status, replaced=bool(replaced))
        )
    return found


#: The statements written so far, per database vendor and number of keys.
_SQL: dict[tuple[str, int], str] = {}


def _identical_sql(connection: BaseDatabaseWrapper, keys: int) -> str:
    """SELECT organisation, received SHA-256, pk, message id, status and whether a newer
    version replaced it, of the messages not at 25 with one of ``keys`` (organisation,
    SHA-256) pairs."""
    quote = connection.ops.quote_name
    meta = ApprovalMessage._meta

    def column(name: str) -> str:
        return f"m.{quote(column_of(cast(Field, meta.get_field(name))))}"

    table = quote(meta.db_table)
    replaces = quote(column_of(cast(Field, meta.get_field("replaces"))))
    pair = f"({column('organisation')} = %s AND {column('received_sha256')} = %s)"
    # Names from the model, values as parameters.
    return (
        f"SELECT {column('organisation')}, {column('received_sha256')}, {column('id')}, "  # noqa: S608
        f"{column('message_id')}, {column('status')}, "
        f"EXISTS (SELECT 1 FROM {table} r WHERE r.{replaces} = {column('id')}) "
        f"FROM {table} m WHERE {column('status')} <> %s AND ({' OR '.join([pair] * keys)})"
    )


# --- copies at 30 from before copies were refused -------------------------------------------

#: The audit action and the reason's catalogue key of a copy closed at 30 (``close_copy``).
COPY_CLOSED = "copy_closed"
CLOSED_KEY = f"{DUPLICATE_CODE}:closed"

#: The audit actions of receiving and processing: any other on a message at 30 is a person
#: acting on it (an adoption, an approval, the accountant's review, a repair, ...).
_PROCESSING_ACTIONS = ("received", "claimed", "workflow_started")


@dataclass(frozen=True)
class Copy:
    """A message from 30 on whose received document is byte-identical to others' of its
    organisation."""

    pk: int
    message_id: uuid.UUID
    status: int
    replaced: bool  # a newer version replaced it (only a 25, 40 or 90)
    acted_on: bool  # at 30: a person acted on it in the workflow


@dataclass(frozen=True)
class CopyDecision:
    """What becomes of one document's messages: ``close`` maps each copy at 30 to be closed
    to the message that carries the document on; ``left`` holds the messages that stay with
    the document, at least one of them at 30, when more than one stays (for the staff)."""

    close: dict[int, Copy]
    left: list[Copy]


def decide_copies(group: list[Copy]) -> CopyDecision:
    """Which copies at 30 of one document (one organisation's messages from 30 on with the
    same received SHA-256) are closed, and for which message; see the module's account."""
    group = sorted(group, key=lambda copy: copy.pk)
    close = _to_close(group)
    staying = [
        copy
        for copy in group
        if copy.pk not in close and not (copy.status == Status.REJECTED and copy.replaced)
    ]
    under_review = any(copy.status == Status.IN_REVIEW for copy in staying)
    return CopyDecision(close, staying if len(staying) > 1 and under_review else [])


def _to_close(group: list[Copy]) -> dict[int, Copy]:
    """The copies at 30 to close, each with the message that goes on: the one furthest
    along (on its way or filed before refused, then the highest status), or else the first
    received of copies all at 30, closing only later ones nobody acted on."""
    waiting = [copy for copy in group if copy.status == Status.IN_REVIEW]
    further = [copy for copy in group if copy.status in (*FILING_STATUSES, Status.REFUSED)]
    if further:
        keeper = max(further, key=lambda c: (c.status in FILING_STATUSES, c.status, -c.pk))
        return {copy.pk: keeper for copy in waiting}
    return {copy.pk: waiting[0] for copy in waiting[1:] if not copy.acted_on}


def copy_group(organisation_id: int, received_sha256: str, *, lock: bool = False) -> list[Copy]:
    """The organisation's messages from 30 on with this received document, in id order;
    with ``lock``, locked until commit (inside the caller's transaction). Never another
    organisation's: the same accounts may be a client of another office too."""
    rows = ApprovalMessage.objects.filter(
        organisation_id=organisation_id,
        received_sha256=received_sha256,
        status__gte=Status.IN_REVIEW,
    ).order_by("pk")
    if lock:
        rows = rows.select_for_update()
    found = list(
        rows.annotate(
            replaced=Exists(ApprovalMessage.objects.filter(replaces=OuterRef("pk")))
        ).values_list("pk", "message_id", "status", "replaced")
    )
    at_30 = [pk for pk, _id, status, _replaced in found if status == Status.IN_REVIEW]
    acted_on = set(
        StatusEvent.objects.filter(message_id__in=at_30)
        .exclude(action__in=_PROCESSING_ACTIONS)
        .values_list("message_id", flat=True)
    )
    return [
        Copy(pk, uuid.UUID(str(message_id)), status, bool(replaced), pk in acted_on)
        for pk, message_id, status, replaced in found
    ]


def close_copy(*, message_id: int) -> Copy | None:
    """30 -> 25 for a copy of a document that another message of the organisation carries
    on (``decide_copies``), with the reason naming that message; returns that message, or
    None when this one is not to be closed (no longer at 30, or no longer a copy to close).

    A system action, decided again under the locks: the document's messages (in id order)
    and then the organisation, the order of every other action, so a client approving or
    rejecting one of them at the same moment is either seen or waits. Nothing is sent: the
    client's environment reads the 25 with its reason from the updates."""
    key = (
        ApprovalMessage.objects.filter(pk=message_id)
        .values_list("organisation_id", "received_sha256")
        .first()
    )
    if key is None or not key[1]:
        return None
    with transaction.atomic():
        keeper = decide_copies(copy_group(*key, lock=True)).close.get(message_id)
        if keeper is None:
            return None
        _lock_organisation(key[0])
        message = _locked(message_id)
        params = {
            "message_id": str(keeper.message_id),
            "received_on": _received_on(keeper.pk),
            "status": keeper.status,
            "status_label": Status(keeper.status).label,
        }
        reasons = [ours(CLOSED_KEY, params)]
        _apply(
            message,
            message.close_copy,
            SYSTEM,
            reasons,
            action=COPY_CLOSED,
            update_fields=["reasons"],
        )
    return keeper
