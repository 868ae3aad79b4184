"""Writes of the connectors app: tokens, and the processing of external messages."""

from __future__ import annotations

import logging
from dataclasses import asdict
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from connectors.models import AppConnector, ClientToken, MessageType, hash_token
from kvk.parser import XbrlParseError, parse_instance
from kvk.rules import check_parsed
from kvk.status import Status
from portal.models import AccountancyEnvironment, Identification, Organisation, kvk_number_validator
from workflow import services as workflow_services
from workflow.models import ApprovalMessage, sha256_hex

log = logging.getLogger(__name__)


class TokenError(Exception):
    def __init__(self, code: str, detail: str) -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail


class OnboardingError(Exception):
    """Scripted onboarding cannot go on; the message says what to do, in Dutch."""


# --- scripted onboarding -------------------------------------------------------------------

DEFAULT_CONNECTOR_NAME = "Cliëntomgevingen (CommSvc)"


def find_environment(participant_number: str | None = None) -> AccountancyEnvironment:
    """The environment with this participant number, or the only one when none is given."""
    if participant_number:
        environment = AccountancyEnvironment.objects.filter(
            participant_number=participant_number
        ).first()
        if environment is None:
            raise OnboardingError(
                _("Er is geen accountantsomgeving met deelnemernummer %(nummer)s.")
                % {"nummer": participant_number}
            )
        return environment
    environments = list(AccountancyEnvironment.objects.order_by("pk")[:2])
    if not environments:
        raise OnboardingError(
            _("Er is nog geen accountantsomgeving; maak die eerst aan (bijvoorbeeld in de admin).")
        )
    if len(environments) > 1:
        raise OnboardingError(
            _(
                "Er zijn meerdere accountantsomgevingen; kies er één met "
                "--environment DEELNEMERNUMMER."
            )
        )
    return environments[0]


def _check_kvk_number(kvk_number: str) -> None:
    try:
        kvk_number_validator(kvk_number)
    except ValidationError:
        raise OnboardingError(
            _(
                "'%(nummer)s' is geen geldig KvK-nummer: een KvK-nummer bestaat uit precies "
                "acht cijfers."
            )
            % {"nummer": kvk_number}
        )


@transaction.atomic
def create_organisation(
    *, environment: AccountancyEnvironment, name: str, kvk_number: str
) -> Organisation:
    """A client organisation with its KvK number, the identification messages are matched on."""
    name = name.strip()
    if not name:
        raise OnboardingError(_("Geef de naam van de organisatie op."))
    _check_kvk_number(kvk_number)
    existing = (
        Identification.objects.select_related("organisation")
        .filter(environment=environment, kind=Identification.Kind.KVK, value=kvk_number)
        .first()
    )
    if existing is not None:
        raise OnboardingError(
            _("KvK-nummer %(nummer)s hoort al bij organisatie '%(naam)s'.")
            % {"nummer": kvk_number, "naam": existing.organisation.name}
        )
    organisation = Organisation.objects.create(environment=environment, name=name)
    Identification.objects.create(
        organisation=organisation, kind=Identification.Kind.KVK, value=kvk_number
    )
    return organisation


def find_organisation(*, kvk_number: str, participant_number: str | None = None) -> Organisation:
    """The client organisation with this KvK number (in one environment)."""
    _check_kvk_number(kvk_number)
    identifications = Identification.objects.select_related("organisation").filter(
        kind=Identification.Kind.KVK, value=kvk_number
    )
    if participant_number:
        identifications = identifications.filter(environment__participant_number=participant_number)
    found = list(identifications[:2])
    if not found:
        raise OnboardingError(
            _(
                "Er is geen organisatie met KvK-nummer %(nummer)s; maak die eerst aan met "
                "create_organisation."
            )
            % {"nummer": kvk_number}
        )
    if len(found) > 1:
        raise OnboardingError(
            _(
                "KvK-nummer %(nummer)s komt in meerdere accountantsomgevingen voor; kies er één "
                "met --environment DEELNEMERNUMMER."
            )
            % {"nummer": kvk_number}
        )
    return found[0].organisation


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


def _with_line(message: str, line: int | None) -> str:
    """The message with its line number, unless the message already names it."""
    if not line or f"regel {line}" in message:
        return message
    return f"{message} (regel {line})"


def _reason(code: str, message: str) -> dict[str, str]:
    return {"code": code, "message": message}


def process_message(message_id: int) -> int:
    """Process one claimed message (status 20): 30 when it may enter the workflow, else 25
    with every reason a person needs to fix it. Returns the status it ends in (-1: no such
    message).

    The checks, in the order a person would fix them: the message type (known, not blocked,
    with a workflow), the document itself (the hardened parser: no DTD or entities, size,
    depth and text limits, UTF-8), the KvK number (present, known at the office, of the
    sending organisation), the KvK filing rules, and whether KvK would take this filing as a
    correction of an earlier one. Nothing is written until the end, in one service call.

    Safe to run twice (the sweeper may resume it after a crash): the transition out of 20
    happens under a row lock, and the loser sees a status other than 20 and stops. An
    unexpected exception leaves the message at 20 for the sweeper.
    """
    message = ApprovalMessage.objects.select_related("organisation").filter(pk=message_id).first()
    if message is None:
        return -1
    if message.status != Status.PROCESSING:
        return message.status
    organisation = message.organisation
    content = bytes(message.document)
    message_type, reasons = _message_type(message, organisation)

    try:
        parsed = parse_instance(content)
    except XbrlParseError as error:
        reasons.append(_reason(error.code, _with_line(error.message_nl, error.line)))
        workflow_services.fail_processing(message_id=message_id, reasons=reasons, findings=[])
        return Status.PROCESSING_FAILED

    own_kvk_number, kvk_reasons = _kvk_number(parsed.kvk_number, organisation)
    reasons += kvk_reasons
    findings = check_parsed(
        parsed,
        content=content,
        filename=message.filename,
        expected_kvk_number=own_kvk_number,
    )
    # The KvK-number rule is already reported above, with the organisation's own number.
    for finding in findings:
        if finding.severity == "error" and finding.code != "DEP-KVK-NUMBER":
            reasons.append(_reason(finding.code, _with_line(finding.message_nl, finding.line)))
    # Would KvK take this as a correction of an earlier filing? Asked even when other
    # problems were found, so the client learns everything to fix in one go.
    correction = workflow_services.correction_reason(
        organisation.pk,
        parsed.financial_year,
        bool(parsed.adopted),
        parsed.resubmission,
        parsed.adoption_date,
        received_sha256=sha256_hex(bytes(message.received_document)),
        exclude_message_id=message.pk,
    )
    if correction is not None:
        reasons.append(correction)

    finding_dicts = [asdict(f) for f in findings]
    if reasons or message_type is None or message_type.workflow is None:
        workflow_services.fail_processing(
            message_id=message_id, reasons=reasons, findings=finding_dicts
        )
        return Status.PROCESSING_FAILED
    started = workflow_services.start_workflow(
        message_id=message_id,
        workflow=message_type.workflow,
        financial_year=parsed.financial_year,
        entry_point=parsed.schema_ref,
        adopted=bool(parsed.adopted),
        adoption_date=parsed.adoption_date,
        resubmission=parsed.resubmission,
        findings=finding_dicts,
    )
    if started:
        return Status.IN_REVIEW
    return ApprovalMessage.objects.values_list("status", flat=True).get(pk=message_id)


def _message_type(
    message: ApprovalMessage, organisation: Organisation
) -> tuple[MessageType | None, list[dict[str, str]]]:
    """The message's type when it may be processed, else None with the reason. Checked at
    upload too; checked again because staff may block a type or unlink its workflow while
    messages wait."""
    message_type = (
        MessageType.objects.filter(
            environment_id=organisation.environment_id, code=message.message_type
        )
        .select_related("workflow")
        .first()
    )
    if message_type is None:
        return None, [
            _reason(
                "message_type_unknown",
                f"Berichtsoort '{message.message_type}' is bij het kantoor niet bekend.",
            )
        ]
    if message_type.blocked:
        return None, [
            _reason(
                "message_type_blocked",
                f"Berichtsoort '{message_type.name}' is geblokkeerd bij het kantoor; het "
                "kantoor moet de blokkade opheffen en het bericht opnieuw laten versturen.",
            )
        ]
    if message_type.workflow is None:
        return None, [
            _reason(
                "message_type_without_workflow",
                f"Aan berichtsoort '{message_type.name}' is geen workflow gekoppeld; het "
                "kantoor moet eerst een workflow koppelen.",
            )
        ]
    return message_type, []


def _kvk_number(
    document_kvk_number: str | None, organisation: Organisation
) -> tuple[str | None, list[dict[str, str]]]:
    """The sending organisation's own KvK number, and the reasons the document's number
    does not match it. One query answers both: whose number is in the document, and ours."""
    rows = Identification.objects.filter(
        environment_id=organisation.environment_id, kind=Identification.Kind.KVK
    ).filter(Q(organisation_id=organisation.pk) | Q(value=document_kvk_number or ""))
    owners = {value: owner for owner, value in rows.values_list("organisation_id", "value")}
    own = next((v for v, owner in owners.items() if owner == organisation.pk), None)
    if document_kvk_number is None:
        return own, [
            _reason(
                "kvk_number_missing",
                "Het document bevat geen KvK-nummer (entity identifier van de contexten).",
            )
        ]
    owner = owners.get(document_kvk_number)
    if owner is None:
        return own, [
            _reason(
                "kvk_number_unknown",
                f"KvK-nummer {document_kvk_number} in het document is bij het kantoor niet "
                f"bekend (de verzendende organisatie heeft KvK-nummer {own or 'onbekend'}).",
            )
        ]
    if owner != organisation.pk:
        return own, [
            _reason(
                "kvk_number_mismatch",
                f"KvK-nummer {document_kvk_number} in het document hoort niet bij de "
                f"verzendende organisatie (KvK-nummer {own or 'onbekend'}).",
            )
        ]
    return own, []


def _process_claimed(message_id: int) -> int | None:
    """process_message for a caller that goes on with other messages: an unexpected error
    is logged and leaves the message at 20 (the sweeper resumes it); None then."""
    try:
        return process_message(message_id)
    except Exception:
        log.exception("Processing message %s failed unexpectedly; left at 20", message_id)
        return None


def process_external_messages(limit: int = 500) -> dict[str, int]:
    """Claim every message at 10 (10 -> 20) and process it; returns counts per outcome."""
    counts = {"claimed": 0, "in_review": 0, "failed": 0}
    ids = list(
        ApprovalMessage.objects.filter(status=Status.RECEIVED)
        .filter(organisation__environment__activation__active=True)  # skip inactive ones
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
    for message_id in ids:
        if not workflow_services.claim_for_processing(message_id):
            continue  # another worker took it
        counts["claimed"] += 1
        result = _process_claimed(message_id)
        if result is not None:
            counts["in_review" if result == Status.IN_REVIEW else "failed"] += 1
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
