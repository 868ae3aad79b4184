"""Corrections: whether KvK would take a message for an organisation and financial year that
has an earlier filing, and whether a newer version replaced a message or goes on beside it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, ParamSpec

from django.db.models import Exists, OuterRef, Q

from crm.models import Organisation
from kvk.status import Status
from workflow.models import ApprovalMessage, sha256_hex
from workflow.reasons import ours

#: Statuses in which a message counts as filed, or as on its way to the KvK.
FILING_STATUSES = (Status.APPROVED, Status.SENT_TO_KVK, Status.TRANSPORT_ERROR, Status.FILED)

CORRECTION_REASON_CODE = "correction_not_allowed"

#: An earlier version that ended in one of these statuses without a filing is replaced by
#: the next message for the same organisation and financial year (a correction).
REPLACEABLE_STATUSES = (Status.PROCESSING_FAILED, Status.REJECTED, Status.REFUSED)

P = ParamSpec("P")


@dataclass(frozen=True)
class Refusal:
    """Why KvK would refuse a message as a correction: a key of the workflow errors'
    catalogue (workflow.errors) and its params."""

    key: str
    params: dict[str, Any] = field(default_factory=dict)

    def reason(self) -> dict[str, Any]:
        """The refusal as a stored reason ``{"code", "message", "key", "params"}``: the
        message in Dutch whatever the language of the request that stores it, the key and
        params for a reader of another language (workflow.reasons.ours)."""
        return ours(self.key, self.params)


def _as_reason(refusal_of: Callable[P, Refusal | None]) -> Callable[P, dict[str, Any] | None]:
    """``refusal_of`` answering with the refusal as a stored reason (``Refusal.reason``),
    or None when it finds no refusal."""

    def reason_of(*args: P.args, **kwargs: P.kwargs) -> dict[str, Any] | None:
        refusal = refusal_of(*args, **kwargs)
        return refusal.reason() if refusal is not None else None

    return reason_of


def correction_refusal(
    organisation: Organisation | int,
    financial_year: int | None,
    adopted: bool,
    resubmission: bool,
    adoption_date: date | None = None,
    *,
    received_sha256: str | None = None,
    exclude_message_id: int | None = None,
) -> Refusal | None:
    """Why a message for this organisation and financial year may not enter the workflow
    (or be approved), as a ``Refusal``; None when it may.

    A filed document is never removed, so a correction is a new filing, accepted only as
    - a resubmission (heraanlevering, KvK's flag DocumentResubmissionDueToUnsurmountable-
      Inaccuracies = Ja), which requires adoption status Ja (BR-KVK-4.12) and an adoption
      date (BR-KVK-4.16); or
    - the adopted filing after a non-adopted one (tweede aanlevering).
    KvK refuses a second adopted filing for the same year otherwise. A message that is
    approved or on its way to the KvK (50, 60, 70) counts as filed: it may still become 80.
    After 90 the client must send new documents: the refused document itself is refused.
    """
    organisation_id = organisation if isinstance(organisation, int) else organisation.pk
    key = (organisation_id, financial_year)
    exclude = [exclude_message_id] if exclude_message_id is not None else []
    earlier = _earlier_messages([key], exclude) if financial_year is not None else {}
    return _decide(
        financial_year,
        adopted,
        resubmission,
        adoption_date,
        received_sha256,
        earlier.get(key, []),
    )


def _earlier_messages(
    keys: list[tuple[int, int | None]], exclude: list[int]
) -> dict[tuple[int, int | None], list[tuple[int, int, bool]]]:
    """(pk, status, adopted) of the messages that count for corrections (filed, on their
    way to the KvK, or refused), per (organisation, financial year); one query for all."""
    wanted = [(organisation_id, year) for organisation_id, year in set(keys) if year is not None]
    if not wanted:
        return {}
    condition = Q()
    for organisation_id, year in wanted:
        condition |= Q(organisation_id=organisation_id, financial_year=year)
    rows = (
        ApprovalMessage.objects.filter(condition)
        .filter(status__in=(*FILING_STATUSES, Status.REFUSED))
        .exclude(pk__in=exclude)
        .values_list("organisation_id", "financial_year", "pk", "status", "adopted")
    )
    found: dict[tuple[int, int | None], list[tuple[int, int, bool]]] = {}
    for row in rows:
        found.setdefault((row[0], row[1]), []).append((row[2], row[3], row[4]))
    return found


def _decide(
    financial_year: int | None,
    adopted: bool,
    resubmission: bool,
    adoption_date: date | None,
    received_sha256: str | None,
    earlier: list[tuple[int, int, bool]],
) -> Refusal | None:
    """The rule of ``correction_refusal``, given the earlier messages that count."""
    problem = _resubmission_problem(adopted, resubmission, adoption_date)
    if problem is not None or financial_year is None:
        return problem
    return _refused_again(received_sha256, earlier) or _second_adopted_filing(
        financial_year, resubmission, earlier
    )


#: Why a message for this organisation and financial year may not enter the workflow (or be
#: approved), as a reason ``{"code", "message"}``; None when it may. The rule and the
#: arguments are ``correction_refusal``'s.
correction_reason = _as_reason(correction_refusal)
#: The reason of ``correction_reason``, given the earlier messages that count.
_correction_decision = _as_reason(_decide)


def _resubmission_problem(
    adopted: bool, resubmission: bool, adoption_date: date | None
) -> Refusal | None:
    """A resubmission must be adopted (BR-KVK-4.12) and carry its adoption date (4.16)."""
    if resubmission and not adopted:
        return Refusal("BR-KVK-4.12")
    if resubmission and adoption_date is None:
        return Refusal("BR-KVK-4.16")
    return None


def _refused_again(
    received_sha256: str | None, earlier: list[tuple[int, int, bool]]
) -> Refusal | None:
    """The very document the KvK refused (90) is refused again: new documents are needed."""
    refused = [pk for pk, status, _adopted in earlier if status == Status.REFUSED]
    if not received_sha256 or not refused:
        return None
    # The stored hashes; only a message without one (received before workflow 0003 filled
    # it) has its document read and hashed.
    hashes = dict(
        ApprovalMessage.objects.filter(pk__in=refused)
        .filter(Q(received_sha256=received_sha256) | Q(received_sha256=""))
        .values_list("pk", "received_sha256")
    )
    unhashed = [pk for pk, digest in hashes.items() if not digest]
    documents = (
        ApprovalMessage.objects.filter(pk__in=unhashed)
        .values_list("received_document", flat=True)
        .iterator()
    )
    if received_sha256 in hashes.values() or any(
        sha256_hex(bytes(document)) == received_sha256 for document in documents
    ):
        return Refusal("correction_not_allowed:refused")
    return None


def _second_adopted_filing(
    financial_year: int, resubmission: bool, earlier: list[tuple[int, int, bool]]
) -> Refusal | None:
    """A second adopted filing for the year is only taken as a resubmission."""
    filings = [
        (was_adopted, status) for _pk, status, was_adopted in earlier if status in FILING_STATUSES
    ]
    if not filings or resubmission:
        return None
    if any(was_adopted for was_adopted, _status in filings):
        filed = any(status == Status.FILED for _adopted, status in filings)
        key = "correction_not_allowed:filed" if filed else "correction_not_allowed:approved"
        return Refusal(key, {"year": financial_year})
    # Every earlier filing was non-adopted: this one is (or becomes, when the client ticks
    # "Jaarrekening vastgesteld") the adopted filing.
    return None


def not_adopted_refusal(
    organisation_id: int, financial_year: int | None, *, exclude_message_id: int
) -> Refusal | None:
    """Why accounts not adopted may not be filed for this organisation and year, as a
    ``Refusal``; None when they may.

    The non-adopted filing comes first and once (art. 2:394 lid 2 BW): what follows it is
    the adopted filing, the tweede aanlevering (KVK-SBR.md section 1). So it is refused
    once the year has a filing, approved, on its way or filed (50 to 80): an adopted one,
    after which only a heraanlevering (adoption status Ja) corrects it, or a non-adopted
    one. A refusal by the KvK (90) is no filing."""
    earlier = _earlier_messages([(organisation_id, financial_year)], [exclude_message_id])
    filings = [
        was_adopted
        for _pk, status, was_adopted in earlier.get((organisation_id, financial_year), [])
        if status in FILING_STATUSES
    ]
    if not filings:
        return None
    key = "not_adopted:adopted_filed" if any(filings) else "not_adopted:filed"
    return Refusal(key, {"year": financial_year})


def is_replaced(message: ApprovalMessage) -> bool:
    """True when a newer version of the accounts replaced this message (a correction)."""
    return ApprovalMessage.objects.filter(replaces_id=message.pk).exists()


def newer_version(message: ApprovalMessage) -> ApprovalMessage | None:
    """The newest version of the message's accounts (its organisation and financial year)
    received after it that has not ended without a filing (REPLACEABLE_STATUSES): one in
    review, approved, on its way to the KvK or filed. None for a message without a year, or
    when every later version ended too.

    That version is what the client's environment and the office work on now. A message
    still waiting for processing (10, 20) has no year yet and does not count: when it
    enters the workflow it closes any older version at 30 (workflow.services.versions)."""
    if message.financial_year is None:
        return None
    return (
        ApprovalMessage.objects.filter(
            organisation_id=message.organisation_id,
            financial_year=message.financial_year,
            pk__gt=message.pk,
            status__gte=Status.IN_REVIEW,
        )
        .exclude(status__in=REPLACEABLE_STATUSES)
        .only("pk", "message_id", "status", "financial_year")
        .order_by("-pk")
        .first()
    )


def year_moved_on() -> Q:
    """The messages that ended without a filing (REPLACEABLE_STATUSES) whose year moved on
    without them: a newer message of the organisation's year was received after them, or
    the year was filed (80) and they are no resubmission. Nothing is left to do about
    them: the newer message, or the filing, is what counts for the year. A resubmission
    that ended after the filing still does (the correction of the public accounts did not
    happen), also one that failed processing (a 25 keeps the flag, processing._fail). A
    message without a year (another company's document, or one that could not be read)
    never matches."""
    same_year = ApprovalMessage.objects.filter(
        organisation_id=OuterRef("organisation_id"), financial_year=OuterRef("financial_year")
    )
    newer = Exists(same_year.filter(pk__gt=OuterRef("pk")))
    filed = Exists(same_year.filter(status=Status.FILED))
    return Q(status__in=REPLACEABLE_STATUSES) & (newer | (Q(resubmission=False) & filed))
