"""The client side's two actions: "Klaarzetten accountancyportal" (prepare) and
"Verzenden/ontvangen accountancyportal" (send and receive)."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from clientside.models import Administration, AnnualReport, OutboundMessage
from clientside.portal_client import PortalClient, PortalError
from kvk.builder import build_instance
from kvk.rules import Finding, check_instance
from kvk.statements import FinancialStatements
from kvk.status import Status


class PrepareError(Exception):
    """The report is not ready; ``problems`` lists every issue in Dutch with its field."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def _filename(administration: Administration, year: int) -> str:
    stem = re.sub(r"[^0-9a-zA-Z_-]+", "-", administration.name).strip("-") or "jaarrekening"
    return f"{stem}-{year}-{administration.kvk_number}.xbrl"


def statements_for(report: AnnualReport) -> FinancialStatements:
    administration = report.administration
    data = dict(report.statements)
    data.update(
        kvk_number=administration.kvk_number,
        legal_name=administration.name,
        legal_form=administration.legal_form,
        seat=administration.seat,
        variant=administration.kvk_report,
        size="micro" if administration.kvk_report.startswith("micro") else "klein",
        resubmission=report.resubmission,
        # "Jaarrekening vastgesteld" is ticked in the accountant's workflow, not here.
        adopted=False,
        adoption_date=None,
    )
    return FinancialStatements.from_dict(data)


@transaction.atomic
def prepare(report: AnnualReport) -> OutboundMessage:
    """Check completeness and the KvK rules; when clean, build the instance (status 0)."""
    if report.locked:
        raise PrepareError(["Dit jaarrapport is gedeponeerd en kan niet meer worden gewijzigd."])
    open_message = report.messages.exclude(
        status__in=[Status.PROCESSING_FAILED, Status.REFUSED, Status.FILED]
    ).first()
    if open_message is not None:
        raise PrepareError(
            [
                f"Er loopt al een bericht voor dit jaar (status {open_message.status}: "
                f"{open_message.status_label})."
            ]
        )
    try:
        statements = statements_for(report)
    except (KeyError, ValueError, TypeError) as error:
        raise PrepareError([f"De cijfers van het jaarrapport zijn onvolledig: {error}"])
    content = build_instance(statements)
    filename = _filename(report.administration, report.financial_year)
    findings: list[Finding] = check_instance(
        content, filename=filename, expected_kvk_number=report.administration.kvk_number
    )
    errors = [f for f in findings if f.severity == "error"]
    if errors:
        raise PrepareError([f"{f.code}: {f.message_nl}" for f in errors])
    return OutboundMessage.objects.create(
        administration=report.administration,
        report=report,
        filename=filename,
        document=content,
        document_sha256=hashlib.sha256(content).hexdigest(),
        history=[{"status": Status.PREPARED, "at": timezone.now().isoformat()}],
    )


def _mirror(message: OutboundMessage, status: int, reasons: list) -> None:
    if message.status == status and message.reasons == reasons:
        return
    history = [*message.history, {"status": status, "at": timezone.now().isoformat()}]
    OutboundMessage.objects.filter(pk=message.pk).update(
        status=status, reasons=reasons, history=history, status_changed_at=timezone.now()
    )
    if status == Status.FILED:
        AnnualReport.objects.filter(pk=message.report_id).update(locked=True)


@dataclass
class SendReceiveResult:
    sent: int = 0
    failed: int = 0
    updated: int = 0
    errors: list[str] = field(default_factory=list)


def client_for(administration: Administration) -> PortalClient:
    profile = administration.communication_profile
    return PortalClient(profile.portal_url, profile.token)


def send_receive(administration: Administration) -> SendReceiveResult:
    """Send every message at 0 or 5, then mirror the portal's status changes.

    Safe to repeat at any time: the message id is fixed, so a retried upload returns the
    existing message instead of making a second one.
    """
    result = SendReceiveResult()
    profile = getattr(administration, "communication_profile", None)
    if profile is None or profile.blocked or not profile.token:
        result.errors.append(
            "Het communicatieprofiel 'Communicatie met accountant' ontbreekt, is geblokkeerd "
            "of heeft geen token."
        )
        return result
    client = client_for(administration)
    for message in administration.outbound_messages.filter(
        status__in=[Status.PREPARED, Status.SEND_FAILED]
    ):
        try:
            body = client.upload(
                message_id=message.message_id,
                message_type=message.message_type,
                filename=message.filename,
                content=bytes(message.document),
            )
        except PortalError as error:
            result.failed += 1
            result.errors.append(error.message)
            _mirror(message, Status.SEND_FAILED, [{"code": error.code, "message": error.message}])
            continue
        result.sent += 1
        OutboundMessage.objects.filter(pk=message.pk).update(sent_at=timezone.now())
        _mirror(message, int(body["status"]), body.get("reasons") or [])
    try:
        cursor = profile.updates_cursor
        while True:
            updates, next_cursor = client.updates(cursor)
            by_id = {
                str(m.message_id): m
                for m in administration.outbound_messages.filter(
                    message_id__in=[u["message_id"] for u in updates]
                )
            }
            for update in updates:
                message = by_id.get(str(update["message_id"]))
                if message is not None:
                    _mirror(message, int(update["status"]), update.get("reasons") or [])
                    result.updated += 1
            if next_cursor == cursor:
                break
            cursor = next_cursor
            type(profile).objects.filter(pk=profile.pk).update(updates_cursor=cursor)
    except PortalError as error:
        result.errors.append(error.message)
    return result
