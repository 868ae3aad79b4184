"""One-off repairs an operator runs after an upgrade (manage.py repair_*): they fill what a
newer release keeps on a message for the messages received before it, from the documents
those messages brought, read the way processing reads them.

Every repair is safe to interrupt and to run again: it reads the messages in batches of ids
(never all rows, nor more than ``BATCH_BYTES`` of documents at once), writes each batch in a
short transaction of its own, and writes a column only where it is still empty, checked in
the UPDATE itself. A message's status is never changed here, nor ``updated_at`` (nothing a
person did). ``--dry-run`` reads and reports, and writes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.db.models.functions import Length

from kvk.commands import DryRunCommand
from workflow.models import ApprovalMessage
from workflow.services.processing import _within_bytes, kept_period

#: Messages per batch, and at most this many bytes of their documents (one larger document
#: is a batch of its own).
BATCH_ROWS = 200
BATCH_BYTES = 32 * 1024 * 1024

#: What a repair reads of a message: the document it brought and what processing stored.
_READ_FIELDS = ("pk", "organisation_id", "status", "reasons", "received_document")


@dataclass
class Fill:
    """What a fill found: messages examined, filled (or, in a dry run, to be filled), and
    those whose document gives no value (processing would have set none either)."""

    examined: int = 0
    filled: int = 0
    without: int = 0
    batches: int = 0


def batches(
    candidates: QuerySet[ApprovalMessage], *, rows: int = BATCH_ROWS, max_bytes: int = BATCH_BYTES
) -> Iterator[list[int]]:
    """The ids of ``candidates`` in ascending batches, each read when the one before was
    handled: a message filled meanwhile drops out, and one left empty is not met again."""
    last = 0
    while True:
        found: list[ApprovalMessage] = list(
            candidates.filter(pk__gt=last)
            .order_by("pk")
            .annotate(size=Length("received_document"))
            .only("pk")[:rows]
        )
        if not found:
            return
        within, _full = _within_bytes(found, max_bytes, full=False)
        last = within[-1].pk
        yield [row.pk for row in within]


def fill_from_documents(
    candidates: QuerySet[ApprovalMessage],
    field: str | tuple[str, ...],
    value_of: Callable[[ApprovalMessage], Any],
    *,
    dry_run: bool,
    progress: Callable[[Fill], None],
    rows: int = BATCH_ROWS,
) -> Fill:
    """Fill ``field`` of the ``candidates`` (a query that selects the messages where it is
    still empty) with ``value_of`` each message, batch by batch; for several fields
    ``value_of`` gives a tuple, a value of each. The UPDATE repeats the candidates'
    conditions, so a message that changed meanwhile (filled by another run, or no longer in
    the statuses asked for) is left as it is. On the candidates' database (a migration's
    too)."""
    fields = (field,) if isinstance(field, str) else field
    fill = Fill()
    for ids in batches(candidates, rows=rows):
        found = {}
        for message in candidates.filter(pk__in=ids).only(*_READ_FIELDS).order_by("pk"):
            value = value_of(message)
            message.received_document = b""  # read: the batch need not hold it any longer
            if value is None:
                fill.without += 1
            else:
                found[message.pk] = dict(
                    zip(fields, value if len(fields) > 1 else [value], strict=True)
                )
        fill.examined += len(ids)
        fill.batches += 1
        if dry_run:
            fill.filled += len(found)
        else:
            with transaction.atomic(using=candidates.db):
                fill.filled += sum(
                    candidates.filter(pk=pk).update(**values) for pk, values in found.items()
                )
        progress(fill)
    return fill


#: What processing keeps of the period the accounts state (``processing.kept_period``).
PERIOD_FIELDS = ("period_start", "period_end")


def fill_document_periods(
    messages: QuerySet[ApprovalMessage], *, dry_run: bool = False, **options: Any
) -> Fill:
    """Fill the period of the accounts (``PERIOD_FIELDS``) of the ``messages`` processed
    before processing kept it: those with a financial year (processing keeps the period
    with it) and no period yet, from their received documents (``kept_period``). Run by
    workflow 0007 (release 3e25ac6) on the messages of the upgraded database and by manage.py
    repair_document_period on one restored from before it; ``options`` as
    ``fill_from_documents``'s."""
    options.setdefault("progress", lambda fill: None)
    return fill_from_documents(
        period_candidates(messages),
        PERIOD_FIELDS,
        period_of,
        dry_run=dry_run,
        **options,
    )


def period_candidates(messages: QuerySet[ApprovalMessage]) -> QuerySet[ApprovalMessage]:
    """Of ``messages``, those with a financial year and no period yet."""
    return messages.filter(financial_year__isnull=False, period_start__isnull=True)


def period_of(message: ApprovalMessage) -> tuple[date, date] | None:
    """``kept_period`` of a message read by ``fill_from_documents``."""
    return kept_period(message.reasons, bytes(message.received_document))


class RepairCommand(DryRunCommand):
    """A fill as a command: ``--dry-run`` and ``--batch-size``, a line of progress per batch
    and a summary. A subclass names the ``field`` (or fields), the ``candidates`` (the
    messages where it is still empty) and the ``value_of`` each."""

    field: str | tuple[str, ...]
    dry_run_help = "Read and report what would change; write nothing."

    def candidates(self) -> QuerySet[ApprovalMessage]:
        raise NotImplementedError

    def value_of(self, message: ApprovalMessage) -> Any:
        raise NotImplementedError

    def add_arguments(self, parser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--batch-size",
            type=int,
            default=BATCH_ROWS,
            help=f"Messages read per batch (default {BATCH_ROWS}).",
        )

    def handle(self, *args: Any, dry_run: bool, batch_size: int, **options: Any) -> None:
        verb = "would set" if dry_run else "set"
        candidates = self.candidates()
        total = candidates.count()
        field = self.field if isinstance(self.field, str) else " and ".join(self.field)
        self.stdout.write(f"{total} message(s) without {field} to examine.")

        def progress(fill: Fill) -> None:
            self.stdout.write(
                f"batch {fill.batches}: examined {fill.examined}/{total}, {verb} {fill.filled}"
            )

        fill = fill_from_documents(
            candidates,
            self.field,
            self.value_of,
            dry_run=dry_run,
            progress=progress,
            rows=batch_size,
        )
        self.summary(
            f"examined {fill.examined}, {verb} {field} on {fill.filled}, "
            f"left empty {fill.without} (the document gives none).",
            dry_run=dry_run,
        )
