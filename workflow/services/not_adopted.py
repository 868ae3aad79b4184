"""Accounts not adopted: the client files the drawn-up accounts as they are, without
adoption, because the general meeting did not adopt them in time.

Art. 2:394 lid 2 BW: when the accounts are not adopted within two months after the term
for drawing them up, the board files the drawn-up accounts without delay. KVK-SBR.md
section 1: the adopted accounts then follow as a new filing, the *tweede aanlevering*
(workflow.services.corrections lets it through; a second adopted filing it still
refuses).

The adoption deadline is the one "Termijnen" shows (deadlines.periods.message_deadlines,
a layer above this one: the portal passes the year's ``Deadlines`` in). A legal form for
which no deadline is computed gets no such filing here. What is filed is the document as
received: its DocumentAdoptionStatus says Nee and it has no adoption date, and the KvK's
rules (kvk.rules) find no error in it; the approval binds it by its SHA-256, as every
approval does.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kvk import taxonomy as tx
from kvk.deadlines import Deadlines
from kvk.parser import XbrlParseError, parse_instance
from kvk.rules import check_instance, has_errors
from kvk.status import Status
from workflow.errors import Conflict, Invalid, WorkflowError
from workflow.models import Actor, ApprovalMessage
from workflow.services.audit import _lock_organisation, _locked, _require_client
from workflow.services.corrections import not_adopted_refusal
from workflow.services.review import _approve


def adoption_term_problem(
    message: ApprovalMessage, deadlines: Deadlines | None, *, today: date | None = None
) -> WorkflowError | None:
    """Why the message's accounts may not (yet) be filed as not adopted, judged by the
    year's ``deadlines``; None when they may. OutSite offers the choice only then."""
    if message.adopted:
        return Conflict("not_adopted:adopted", {"date": message.adoption_date})
    if deadlines is None:
        return Invalid("not_adopted:no_deadline")
    if deadlines.adopted_on is not None:
        # All shareholders are directors and they signed: signing is the adoption
        # (art. 2:210 lid 5 BW, kvk.deadlines).
        return Conflict("not_adopted:signed", {"date": deadlines.adopted_on})
    if (today or timezone.localdate()) <= deadlines.adoption:
        return Invalid("not_adopted:too_early", {"date": deadlines.adoption})
    return None


def _document_problem(message: ApprovalMessage) -> Invalid | None:
    """The document filed must say that the accounts are not adopted (adoption status Nee
    and no adoption date, as the taxonomy's assertion PrtValueThnNoExistence2 asks) and
    pass the KvK's rules."""
    content = bytes(message.document)
    try:
        parsed = parse_instance(content)
    except XbrlParseError:
        return Invalid("not_adopted:document")
    if parsed.first_value("DocumentAdoptionStatus") != tx.NO or parsed.adoption_date:
        return Invalid("not_adopted:document")
    findings = check_instance(content, filename=message.filename)
    if has_errors(findings):
        errors = "; ".join(f"{f.code}: {f.message}" for f in findings if f.severity == "error")
        return Invalid("not_adopted:document_invalid", {"findings": errors})
    return None


@transaction.atomic
def approve_not_adopted(
    *, message_id: int, actor: Actor, document_sha256: str, deadlines: Deadlines | None
) -> ApprovalMessage:
    """30 -> 50: the client approves exactly the document with this fingerprint for filing
    as accounts not adopted (audit action ``approved_not_adopted``). ``deadlines`` are the
    year's as "Termijnen" computes them with this message's dates
    (deadlines.periods.message_deadlines); None when none is computed.

    Refused while the adoption deadline has not passed, when the accounts are adopted (or
    signing adopted them), when the year already has a filing (``not_adopted_refusal``) and
    when the document does not say "not adopted" or breaks a KvK rule. Otherwise as
    ``approve``: several approvers each approve, the last one moves it to 50.
    """
    message = _locked(message_id)
    _require_client(message, actor, _("dit bericht goedkeuren"))
    if message.status == Status.IN_REVIEW:
        problem = adoption_term_problem(message, deadlines)
        if problem is not None:
            raise problem
        _lock_organisation(message.organisation_id)
        refusal = not_adopted_refusal(
            message.organisation_id, message.financial_year, exclude_message_id=message.pk
        )
        if refusal is not None:
            raise Conflict(refusal.key, refusal.params)
        problem = _document_problem(message)
        if problem is not None:
            raise problem
    return _approve(message, actor, document_sha256, not_adopted=True)
