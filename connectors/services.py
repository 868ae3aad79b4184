"""Writes of the connectors app: tokens, and the processing of external messages."""

from __future__ import annotations

import logging
from dataclasses import asdict
from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from connectors.models import AppConnector, ClientToken, MessageType, hash_token
from crm.models import AccountancyEnvironment, Identification, Organisation
from kvk.parser import ParsedInstance, XbrlParseError, parse_instance
from kvk.rules import check_parsed
from kvk.rules.report import Finding
from kvk.status import Status
from workflow import services as workflow_services
from workflow.models import ApprovalMessage
from workflow.reasons import KVK_NUMBER_NOT_YOURS, another_company, bilingual, ours

log = logging.getLogger(__name__)


# --- scripted onboarding -------------------------------------------------------------------

DEFAULT_CONNECTOR_NAME = "Cliëntomgevingen (CommSvc)"


@transaction.atomic
def default_connector(environment: AccountancyEnvironment) -> AppConnector:
    """The environment's app connector for client environments; created when there is none."""
    connector = (
        AppConnector.objects.filter(environment=environment, commsvc=True, blocked=False)
        .order_by("pk")
        .first()
    )
    if connector is None:
        connector = AppConnector.objects.create(
            environment=environment, name=DEFAULT_CONNECTOR_NAME, commsvc=True
        )
    return connector


# --- tokens ----------------------------------------------------------------------------------


@transaction.atomic
def issue_token(
    *,
    organisation: Organisation,
    connector: AppConnector,
    created_by=None,
    description: str = "",
    expires_at: datetime | None = None,
) -> tuple[ClientToken, str]:
    """Create a token for one client environment; the raw token is returned only here."""
    if connector.environment_id != organisation.environment_id:
        raise ValueError("connector and organisation belong to different environments")
    raw = ClientToken.generate()
    token = ClientToken.objects.create(
        connector=connector,
        organisation=organisation,
        description=description,
        prefix=raw[: len("dpn_") + 4],
        token_hash=hash_token(raw),
        created_by=created_by,
        expires_at=expires_at,
    )
    return token, raw


def revoke_token(*, token: ClientToken) -> ClientToken:
    """Revoke with immediate effect: the next request with this token answers 401."""
    ClientToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    token.refresh_from_db()
    return token


# --- processing: "Externe berichten verwerken" ---------------------------------------------


def _with_line(message: str, line: int | None, word: str) -> str:
    """The message with its line number, unless the message already names it."""
    if not line or f"{word} {line}" in message:
        return message
    return f"{message} ({word} {line})"


def _found(found: Finding | XbrlParseError) -> dict[str, str]:
    """A reason found in the document, in both languages its source gives (the parser and
    the KvK checks word every finding in Dutch and English), with the line it is on; the
    technical cause (libxml2's words) as the staff's detail (workflow.reasons.public
    leaves it out for the client)."""
    entry = bilingual(
        found.code,
        _with_line(found.message_nl, found.line, "regel"),
        _with_line(found.message_en, found.line, "line"),
    )
    if found.detail:
        entry["detail"] = found.detail
    return entry


#: Messages claimed and decided together: one claim, one update and one insert of events
#: per batch instead of per message. A batch holds the row locks of its organisations only
#: during its final, short transaction.
BATCH_SIZE = 50
#: A batch stops before its documents together exceed this size (one message at least):
#: examining a document takes several times its size in memory, one document at a time,
#: but the batch reads all its documents at once.
BATCH_MAX_BYTES = 20 * 1024 * 1024


def process_message(message_id: int) -> int:
    """Process one claimed message (status 20); see ``process_claimed``. Returns the status
    it ends in: 30, 25, the status it already had when it was not at 20 (another worker
    finished it), or -1 when there is no such message."""
    outcome = process_claimed([message_id])
    if message_id in outcome:
        return outcome[message_id]
    status = ApprovalMessage.objects.filter(pk=message_id).values_list("status", flat=True).first()
    return -1 if status is None else int(status)


def process_claimed(message_ids: list[int]) -> dict[int, int]:
    """Process claimed messages (status 20): 30 when a message may enter the workflow, else
    25 with every reason a person needs to fix it. Returns the status each message ended in;
    messages not at 20 are left alone, and so is a message whose examination failed
    unexpectedly (logged, left at 20 for the sweeper).

    The checks, in the order a person would fix them: the message type (known, not blocked,
    with a workflow), the document itself (the hardened parser: no DTD or entities, size,
    depth and text limits, UTF-8), the KvK number (present, known at the office, of the
    sending organisation), the KvK filing rules, and whether KvK would take this filing as a
    correction of an earlier one (decided when the batch is written, under its locks).
    Reading and checking run outside any transaction; everything is written at the end, in
    one transaction for the whole batch (workflow.services.finish_processing).

    Safe to run twice (the sweeper may resume after a crash): the transition out of 20
    happens under row locks, and a message no longer at 20 is skipped.
    """
    messages = list(
        ApprovalMessage.objects.select_related("organisation")
        .defer("document")
        .filter(pk__in=message_ids, status=Status.PROCESSING)
        .order_by("pk")
    )
    if not messages:
        return {}
    message_types = {
        (message_type.environment_id, message_type.code): message_type
        for message_type in MessageType.objects.filter(
            environment_id__in={m.organisation.environment_id for m in messages},
            code__in={m.message_type for m in messages},
        )
        .select_related("workflow")
        .prefetch_related("workflow__tasks")
    }
    owners = KvkOwners(messages)
    results = []
    for message in messages:
        # One document at a time: its parsed tree (many times the document's size) is gone
        # before the next is read; only what was found about it is kept.
        try:
            results.append(_examine(message, message_types, owners))
        except Exception:
            log.exception("Processing message %s failed unexpectedly; left at 20", message.pk)
        message.received_document = b""  # examined: the batch need not hold it any longer
    return workflow_services.finish_processing(results)


def _examine(
    message: ApprovalMessage,
    message_types: dict[tuple[int, str], MessageType],
    owners: KvkOwners,
) -> workflow_services.Examined:
    """Everything the office's set-up and the document say about one message. The document
    and its parsed tree live only as long as this call."""
    content = bytes(message.received_document)  # one copy, for the parser and the rules
    parsed = read_document(content)
    organisation = message.organisation
    message_type, reasons = _message_type(message, organisation, message_types)
    if isinstance(parsed, XbrlParseError):
        reasons.append(_found(parsed))
        return workflow_services.Examined(message.pk, reasons=reasons)
    own_kvk_number, kvk_reasons = _kvk_number(
        parsed.kvk_number,
        organisation,
        owners.of_environment(organisation.environment_id, parsed.kvk_number),
    )
    reasons += kvk_reasons
    if another_company(kvk_reasons):
        # Another company's document: its contents go nowhere, not even quoted in a
        # finding's sentence, to the organisation that sent it (OutSite, the API's updates).
        return workflow_services.Examined(message.pk, reasons=reasons)
    findings = check_parsed(
        parsed,
        content=content,
        filename=message.filename,
        expected_kvk_number=own_kvk_number,
    )
    # The KvK-number rule is already reported above, with the organisation's own number.
    for finding in findings:
        if finding.severity == "error" and finding.code != "DEP-KVK-NUMBER":
            reasons.append(_found(finding))
    return workflow_services.Examined(
        message.pk,
        reasons=reasons,
        findings=[asdict(f) for f in findings],
        workflow=message_type.workflow if message_type is not None else None,
        **document_facts(parsed),
    )


def read_document(content: bytes) -> ParsedInstance | XbrlParseError:
    """A received document as processing reads it: parsed by the hardened parser, or the
    parser's refusal."""
    try:
        return parse_instance(content)
    except XbrlParseError as error:
        return error


def document_facts(parsed: ParsedInstance) -> dict[str, Any]:
    """What a read document says that a message keeps when it enters the workflow (the
    fields of the same name in workflow.services.Examined and on the message)."""
    start, end = parsed.accounts_period() or (None, None)
    return {
        "financial_year": parsed.financial_year,
        "period_start": start,
        "period_end": end,
        "entry_point": parsed.schema_ref,
        "adopted": bool(parsed.adopted),
        "adoption_date": parsed.adoption_date,
        "resubmission": parsed.resubmission,
        "signed_on": parsed.signed_by_all_on(),
    }


def signed_on_of(content: bytes) -> date | None:
    """The signing date processing keeps on a message that enters the workflow
    (``ApprovalMessage.signed_on``), read from its received document; None where the
    document gives none or cannot be read. For messages that entered the workflow before
    processing kept it (manage.py repair_signed_on)."""
    parsed = read_document(content)
    return None if isinstance(parsed, XbrlParseError) else document_facts(parsed)["signed_on"]


def _message_type(
    message: ApprovalMessage,
    organisation: Organisation,
    message_types: dict[tuple[int, str], MessageType],
) -> tuple[MessageType | None, list[dict[str, Any]]]:
    """The message's type when it may be processed, else None with the reason. Checked at
    upload too; checked again because staff may block a type or unlink its workflow while
    messages wait."""
    message_type = message_types.get((organisation.environment_id, message.message_type))
    if message_type is None:
        return None, [ours("message_type_unknown", {"code": message.message_type})]
    if message_type.blocked:
        return None, [ours("message_type_blocked", {"name": message_type.name})]
    if message_type.workflow is None:
        return None, [ours("message_type_without_workflow", {"name": message_type.name})]
    return message_type, []


class KvkOwners:
    """Which organisation owns a KvK number, per environment. The senders' own numbers are
    read for the whole batch at once (one query); a number in a document that is not among
    them (another company's, or unknown) is looked up when it is met."""

    def __init__(self, messages: list[ApprovalMessage]) -> None:
        self._known: dict[int, dict[str, int]] = {}
        self._looked_up: set[tuple[int, str]] = set()
        self._read(
            Identification.objects.filter(
                environment_id__in={m.organisation.environment_id for m in messages},
                organisation_id__in={m.organisation_id for m in messages},
            )
        )

    def _read(self, identifications) -> None:
        rows = identifications.filter(kind=Identification.Kind.KVK).values_list(
            "environment_id", "organisation_id", "value"
        )
        for environment_id, owner, value in rows:
            self._known.setdefault(environment_id, {})[value] = owner

    def of_environment(self, environment_id: int, number: str | None) -> dict[str, int]:
        """The owners known in the environment, ``number`` included when it has one."""
        known = self._known.setdefault(environment_id, {})
        if number and number not in known and (environment_id, number) not in self._looked_up:
            self._looked_up.add((environment_id, number))
            self._read(Identification.objects.filter(environment_id=environment_id, value=number))
        return known


def _kvk_number(
    document_kvk_number: str | None, organisation: Organisation, owners: dict[str, int]
) -> tuple[str | None, list[dict[str, Any]]]:
    """The sending organisation's own KvK number, and the reasons the document's number
    does not match it; ``owners`` maps KvK numbers of the environment to organisations."""
    own = next((v for v, owner in owners.items() if owner == organisation.pk), None)
    if document_kvk_number is None:
        return own, [ours("kvk_number_missing")]
    owner = owners.get(document_kvk_number)
    if owner != organisation.pk:
        # One answer whatever the reason: the sender must not learn whether the number
        # belongs to another client of the firm. The staff read which it is in the detail.
        detail = (
            "onbekend bij het kantoor"
            if owner is None
            else f"hoort bij een andere organisatie van het kantoor (id {owner})"
        )
        key = KVK_NUMBER_NOT_YOURS if own else f"{KVK_NUMBER_NOT_YOURS}:own_unknown"
        reason = ours(key, {"number": document_kvk_number, "own": own or ""})
        return own, [{**reason, "detail": f"KvK-nummer {document_kvk_number}: {detail}."}]
    return own, []


def _process_claimed(message_id: int) -> int | None:
    """process_message for a caller that goes on with other messages: an unexpected error
    is logged and leaves the message at 20 (the sweeper resumes it); None then."""
    try:
        return process_message(message_id)
    except Exception:
        log.exception("Processing message %s failed unexpectedly; left at 20", message_id)
        return None


def process_external_messages(limit: int = 500, batch_size: int = BATCH_SIZE) -> dict[str, int]:
    """Claim waiting messages in batches (10 -> 20) and process them, until none wait or
    ``limit`` were claimed; returns counts per outcome.

    A batch that cannot be written as a whole is retried one message at a time, so one bad
    message cannot hold up the others; what still fails stays at 20 for the sweeper.
    """
    counts = {"claimed": 0, "in_review": 0, "failed": 0}
    while counts["claimed"] < limit:
        size = min(batch_size, limit - counts["claimed"])
        ids, full = workflow_services.claim_batch(size, max_bytes=BATCH_MAX_BYTES)
        counts["claimed"] += len(ids)
        if ids:
            try:
                outcome = process_claimed(ids)
            except Exception:
                # The batch could not be written as a whole: one message at a time, so one
                # that cannot be written does not hold up the others (it stays at 20).
                log.exception("Processing a batch of %d messages failed; one by one", len(ids))
                ended = {pk: _process_claimed(pk) for pk in ids}
                done = (Status.IN_REVIEW, Status.PROCESSING_FAILED)
                outcome = {pk: status for pk, status in ended.items() if status in done}
            for status in outcome.values():
                counts["in_review" if status == Status.IN_REVIEW else "failed"] += 1
        if not full:
            # Nothing more waited when this batch was claimed; a message registered since
            # has queued a run of its own (connectors.tasks.kick_processing).
            break
    return counts


def resume_stuck_processing(older_than_seconds: int = 300) -> int:
    """Resume messages left at 20 by a crashed process; one failing message does not stop
    the others."""
    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    ids = list(
        ApprovalMessage.objects.filter(status=Status.PROCESSING, status_changed_at__lt=cutoff)
        .filter(organisation__environment__activation__active=True)  # skip inactive ones
        .values_list("pk", flat=True)[:500]
    )
    for message_id in ids:
        _process_claimed(message_id)
    return len(ids)
