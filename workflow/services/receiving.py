"""Receiving: an uploaded message is registered at status 10."""

from __future__ import annotations

import uuid
from datetime import date

from django.db import transaction

from crm.models import Organisation
from workflow.errors import Conflict
from workflow.inserts import Insert
from workflow.models import Actor, ApprovalMessage, sha256_hex
from workflow.services.audit import record_event
from workflow.services.duplicates import first_refusal, identical_messages

_MESSAGE_INSERT = Insert(ApprovalMessage, skip_conflicts_on=("organisation", "message_id"))


@transaction.atomic
def register_message(
    *,
    organisation: Organisation,
    message_id: uuid.UUID,
    message_type: str,
    filename: str,
    content: bytes,
    actor: Actor,
    proposed_adoption_date: date | None = None,
) -> tuple[ApprovalMessage, bool]:
    """Register an uploaded message at status 10; idempotent on the client's message id.

    Returns (message, created). The same id with the same content returns the existing
    message; the same id with other content raises Conflict. So does a new id whose
    document the organisation already sent in a message still under way, rejected by the
    client or refused by the KvK (workflow.services.duplicates): nothing is stored then.

    ``proposed_adoption_date``: the adoption date the client entered with accounts not yet
    adopted, kept beside the document (ApprovalMessage.proposed_adoption_date) to fill in
    the adoption form; a retry keeps the date of the first upload.
    """
    digest = sha256_hex(content)
    key = (organisation.pk, digest)
    # The message itself, when this is a retry, is among them: _known tells a retry apart.
    identical = identical_messages({key}).get(key)
    refusal = first_refusal(identical) if identical else None
    if refusal is not None and not _known(organisation, message_id):
        # Two copies uploaded at the same moment both get past this look-up; processing
        # refuses the later one (finish_processing, under the organisation locks).
        raise Conflict(refusal.key, refusal.params)
    message = ApprovalMessage(
        organisation=organisation,
        message_id=message_id,
        message_type=message_type,
        filename=filename,
        received_document=content,
        document=content,
        document_sha256=digest,
        received_sha256=digest,
        proposed_adoption_date=proposed_adoption_date,
    )
    # A new message id is the common case: insert at once. A retry, or two uploads of one
    # message id at the same moment, meet at the unique constraint: the insert skips the
    # row (the later one waits for the earlier to commit) and the answer is the message
    # already registered.
    if not _MESSAGE_INSERT.execute(message):
        existing = (
            ApprovalMessage.objects.filter(organisation=organisation, message_id=message_id)
            .defer("document", "received_document")
            .first()
        )
        if existing is None:
            # Messages are never deleted, and the conflicting row has committed by now.
            raise RuntimeError(f"message id {message_id} conflicted but is not there")
        # The hash stored at upload; the document is read only for a message without one.
        stored = existing.received_sha256 or sha256_hex(bytes(existing.received_document))
        if stored != digest:
            raise Conflict("message_id_reused")
        return existing, False
    record_event(message, action="received", actor=actor, from_status=None)
    return message, True


def _known(organisation: Organisation, message_id: uuid.UUID) -> bool:
    """A message with this id is registered already: the upload is a retry, answered as
    before (the message, or message_id_reused), never as a copy of another message."""
    return ApprovalMessage.objects.filter(organisation=organisation, message_id=message_id).exists()
