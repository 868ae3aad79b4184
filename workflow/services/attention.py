"""The staff mark what asks attention as handled ("Afgehandeld"), with a note, and undo that
("Weer op de aandachtslijst"): a message at 60 that the poll of Digipoort marked for
attention, and a message that ended without a filing (25, 40, 90) from which nothing more
will come, e.g. an upload with a wrong KvK number that the client sends again, or a year the
client filed elsewhere.

Neither changes the status (the KvK's status codes are a fixed list): the message keeps
its status, leaves the attention list (``ApprovalMessage.attention_acknowledged_at``) and
the note is an audit event for the staff only (workflow.selectors.STAFF_ONLY_ACTIONS).

What puts a handled message back on the list: the staff's undo; any status change (the
only way out of 25, 40 and 90 is the repair of a 40, which clears the mark, so a later
rejection asks attention anew; at 60 a delivery, the KvK's outcome or a different
attention code clears it, workflow.services.delivery). A newer version of the year, or the
filing of the year, takes an ended message off the list for good (``still_open``). A
client's comment does not: it waits as an open question on the dashboard until a staff
member answers (workflow.selectors.unanswered)."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kvk.status import Status
from workflow.errors import Conflict, Invalid
from workflow.models import Actor, ApprovalMessage
from workflow.services.audit import _locked, _require_staff, record_event, record_note
from workflow.services.corrections import REPLACEABLE_STATUSES, year_moved_on

ATTENTION_NOTE_MAX_LENGTH = 1000

#: The code of the note on an ended message (25, 40, 90); at 60 the note carries the
#: attention code it handled. Not a code of the KvK's or of the transport catalogue, whose
#: sentences would stand in for the note (workflow.reasons.sentence).
STAFF_NOTE_CODE = "staff_note"

ACKNOWLEDGED = "attention_acknowledged"
REOPENED = "attention_reopened"


def still_open() -> Q:
    """The messages that ended without a filing (25, 40, 90), or stopped at 70, that
    nothing made moot: no correction replaced them and their year did not move on
    (``year_moved_on``). A message without a year (an unknown KvK number) never moves on:
    only a staff member's "Afgehandeld" takes it off the attention list."""
    return Q(replaced_by__isnull=True) & ~year_moved_on()


def can_be_handled(message: ApprovalMessage) -> bool:
    """Whether the message asks attention that a staff member may mark as handled: a 60
    with an attention code, or a 25, 40 or 90 still open; not one marked already."""
    return message.pk in can_be_handled_ids([message])


def can_be_handled_ids(messages: Sequence[ApprovalMessage]) -> set[int]:
    """The ids of ``messages`` that ``can_be_handled``: at most one query however many."""
    able, ended = set(), []
    for message in messages:
        if message.attention_acknowledged_at is not None:
            continue
        if message.status == Status.SENT_TO_KVK:
            if message.attention_code:
                able.add(message.pk)
        elif message.status in REPLACEABLE_STATUSES:
            ended.append(message.pk)
    if ended:
        able.update(
            ApprovalMessage.objects.filter(still_open(), pk__in=ended)
            .values_list("pk", flat=True)
            .order_by()
        )
    return able


@transaction.atomic
def acknowledge_attention(*, message_id: int, actor: Actor, note: str) -> ApprovalMessage:
    """ "Afgehandeld": a staff member notes why nothing more needs to happen now.

    At 60 (an unknown Digipoort status, Digipoort's retries past 72 hours, no verdict yet,
    status requests failing) what was checked, e.g. "Logius: de KvK beoordeelt nog"; the
    poll goes on and the KvK's verdict still decides. At 25, 40 or 90 why the message asks
    nothing more, e.g. "verkeerd KvK-nummer, klant stuurt opnieuw". The status stays; the
    message leaves the attention list (see the module for what brings it back)."""
    note = note.strip()
    if not note or len(note) > ATTENTION_NOTE_MAX_LENGTH:
        raise Invalid("attention_note")
    message = _locked(message_id)
    _require_staff(message, actor, _("een bericht als afgehandeld markeren"))
    if message.attention_acknowledged_at is not None:
        raise Conflict("attention_acknowledged")
    if not can_be_handled(message):
        raise Conflict("no_attention")
    message.attention_acknowledged_at = timezone.now()
    message.save(update_fields=["attention_acknowledged_at", "updated_at"])
    code = message.attention_code if message.status == Status.SENT_TO_KVK else STAFF_NOTE_CODE
    record_note(message, action=ACKNOWLEDGED, actor=actor, code=code, note=note)
    return message


@transaction.atomic
def reopen_attention(*, message_id: int, actor: Actor) -> ApprovalMessage:
    """ "Weer op de aandachtslijst": undo "Afgehandeld"; the message asks attention again
    and can be marked handled again. The note stays in the audit trail, this undo beside
    it."""
    message = _locked(message_id)
    _require_staff(message, actor, _("een bericht weer op de aandachtslijst zetten"))
    if message.attention_acknowledged_at is None:
        raise Conflict("attention_not_acknowledged")
    message.attention_acknowledged_at = None
    message.save(update_fields=["attention_acknowledged_at", "updated_at"])
    record_event(message, action=REOPENED, actor=actor, from_status=message.status, reasons=[])
    return message
