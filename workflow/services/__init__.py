"""The services that change approval messages: one function per action.

Each action locks the message row, checks permission and the status machine, performs the
transition in memory, saves the changed fields, writes exactly one audit event in the same
transaction and queues side effects (tasks, e-mail) after commit. Nothing else changes a
status: views, the API, admin actions, tasks and commands call these functions.

One module per concern; callers import from this package:

- ``audit``: locks, the status machine's checks, audit events and their sequence numbers;
- ``corrections``: whether KvK would take a message as a correction of an earlier filing;
- ``receiving``: an upload registered at 10;
- ``processing``: claims (10 -> 20) and the outcome of processing (20 -> 30 or 25);
- ``duplicates``: byte-identical copies of a document, and closing a copy left at 30;
- ``review``: the accountant's review, adoption, approval, rejection, repair, comments;
- ``not_adopted``: the approval of accounts not adopted in time (art. 2:394 lid 2 BW);
- ``delivery``: delivery to the KvK, its statuses and the staff acting on 70;
- ``attention``: the staff marking what asks attention as handled (60, 25, 40, 90), and undo.
"""

from __future__ import annotations

from workflow.models import sha256_hex
from workflow.services.attention import (
    ATTENTION_NOTE_MAX_LENGTH,
    acknowledge_attention,
    can_be_handled,
    can_be_handled_ids,
    reopen_attention,
    still_open,
)
from workflow.services.audit import (
    HEAVY_FIELDS,
    SYSTEM,
    _lock_organisation,
    record_event,
)
from workflow.services.corrections import (
    CORRECTION_REASON_CODE,
    FILING_STATUSES,
    REPLACEABLE_STATUSES,
    correction_reason,
    is_replaced,
    newer_version,
    year_moved_on,
)
from workflow.services.delivery import (
    KENMERK_MAX_LENGTH,
    POLL_FAILURES_FOR_ATTENTION,
    SubmissionClaim,
    backoff,
    claim_for_submission,
    kvk_numbers_differ,
    poll_delay,
    record_delivered,
    record_delivery,
    record_kvk_statuses,
    record_poll_failure,
    record_transport_error,
    release_poll,
    resend,
    resend_refusal,
    resend_refusals,
    verify_document,
)
from workflow.services.duplicates import close_copy
from workflow.services.not_adopted import adoption_term_problem, approve_not_adopted
from workflow.services.processing import (
    Examined,
    claim_batch,
    claim_for_processing,
    fail_processing,
    finish_processing,
    start_workflow,
)
from workflow.services.receiving import register_message
from workflow.services.review import (
    COMMENT_MAX_LENGTH,
    REASON_MAX_LENGTH,
    SIZE_CLASS_OVERRIDE_CODE,
    SIZE_CLASS_OVERRIDE_STATUSES,
    add_comment,
    adopt,
    approve,
    complete_accountant_review,
    override_size_class_warning,
    reject,
    repair,
    repair_refusal,
)

__all__ = [
    "ATTENTION_NOTE_MAX_LENGTH",
    "COMMENT_MAX_LENGTH",
    "CORRECTION_REASON_CODE",
    "FILING_STATUSES",
    "HEAVY_FIELDS",
    "KENMERK_MAX_LENGTH",
    "POLL_FAILURES_FOR_ATTENTION",
    "REASON_MAX_LENGTH",
    "REPLACEABLE_STATUSES",
    "SIZE_CLASS_OVERRIDE_CODE",
    "SIZE_CLASS_OVERRIDE_STATUSES",
    "SYSTEM",
    "Examined",
    "SubmissionClaim",
    "_lock_organisation",
    "acknowledge_attention",
    "add_comment",
    "adopt",
    "adoption_term_problem",
    "approve",
    "approve_not_adopted",
    "backoff",
    "can_be_handled",
    "can_be_handled_ids",
    "claim_batch",
    "claim_for_processing",
    "claim_for_submission",
    "close_copy",
    "complete_accountant_review",
    "correction_reason",
    "fail_processing",
    "finish_processing",
    "is_replaced",
    "kvk_numbers_differ",
    "newer_version",
    "override_size_class_warning",
    "poll_delay",
    "record_delivered",
    "record_delivery",
    "record_event",
    "record_kvk_statuses",
    "record_poll_failure",
    "record_transport_error",
    "register_message",
    "reject",
    "release_poll",
    "reopen_attention",
    "repair",
    "repair_refusal",
    "resend",
    "resend_refusal",
    "resend_refusals",
    "sha256_hex",
    "start_workflow",
    "still_open",
    "verify_document",
    "year_moved_on",
]
