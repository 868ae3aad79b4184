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

The upload is refused with the reason (``receiving.register_message``); processing checks
again under the organisation locks (``processing.finish_processing``) for what an upload
could not see: two copies uploaded at the same moment, or received before this check.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any, cast

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Field

from kvk.status import Status
from workflow.inserts import column_of
from workflow.models import ApprovalMessage
from workflow.services.corrections import Refusal

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
    """The refusal for a copy of these messages' document, naming one of them: a message
    still under way before one that was rejected or refused, the newest first."""
    ordered = sorted(identical, key=lambda m: (m.status in _ENDED, -m.pk))
    return next((r for r in (m.refusal() for m in ordered) if r is not None), None)


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
