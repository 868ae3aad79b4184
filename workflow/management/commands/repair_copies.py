"""After upgrading to the release that refuses copies (workflow.services.duplicates): close
the byte-identical copies that were taken into the workflow before it and still wait at 30.

    python manage.py repair_copies [--dry-run]

Before uploads and processing refused copies, the same document (the same organisation and
received SHA-256) could enter the workflow under several message ids. A copy at 30 could be
approved and file the same accounts twice. Per document (``decide_copies``):

- another copy is approved, on its way, filed or refused by the KvK (50 to 90): every copy
  at 30 is closed;
- all copies are at 30: the first one received goes on, the later ones are closed, unless a
  person acted on a later one (an adoption, an approval, ...): then none is closed;
- a copy the client rejected (40) closes nothing (the rejection may have been the client's
  way of dropping the copy).

Closing is the status machine's system action 30 -> 25 (``close_copy``) with an audit event
and a reason naming the message that goes on, as processing ends a later copy. Only messages
of one organisation are compared. What still leaves a document with more than one message,
one at 30, is listed for the staff to settle with the client; nothing else changes. Safe to
interrupt and run again: each copy is decided again under its locks when it is closed.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import Count, Q

from crm.models import Organisation
from kvk.commands import DryRunCommand
from kvk.status import Status
from workflow.models import ApprovalMessage
from workflow.services import close_copy
from workflow.services.duplicates import Copy, copy_group, decide_copies

#: Documents read per query.
PAGE = 500


def _documents() -> Iterator[tuple[int, str]]:
    """(organisation, received SHA-256) of every document with more than one message from 30
    on, one of them at 30; read a page at a time, after the last one read."""
    last: tuple[int, str] = (0, "")
    while True:
        page = list(
            ApprovalMessage.objects.filter(status__gte=Status.IN_REVIEW)
            .exclude(received_sha256="")
            .filter(
                Q(organisation_id__gt=last[0])
                | Q(organisation_id=last[0], received_sha256__gt=last[1])
            )
            .values("organisation_id", "received_sha256")
            .annotate(messages=Count("pk"), waiting=Count("pk", filter=Q(status=30)))
            .filter(messages__gt=1, waiting__gt=0)
            .order_by("organisation_id", "received_sha256")
            .values_list("organisation_id", "received_sha256")[:PAGE]
        )
        yield from page
        if len(page) < PAGE:
            return
        last = page[-1]


def _named(copy: Copy) -> str:
    return f"message {copy.pk} ({copy.message_id}, status {copy.status})"


class Command(DryRunCommand):
    help = (
        "Close byte-identical copies left at 30 from before copies were refused (30 -> 25 "
        "with an audit event), keeping the message furthest along; list the rest for staff."
    )
    dry_run_help = "Report what would be closed and listed; change nothing."

    def handle(self, *args, dry_run: bool, **options: Any) -> None:
        counts = {"documents": 0, "closed": 0, "skipped": 0, "listed": 0}
        for organisation_id, digest in _documents():
            counts["documents"] += 1
            organisation = Organisation.objects.get(pk=organisation_id)
            decision = decide_copies(copy_group(organisation_id, digest))
            for pk, keeper in sorted(decision.close.items()):
                if dry_run or close_copy(message_id=pk) is not None:
                    counts["closed"] += 1
                    verb = "would close" if dry_run else "closed"
                    self.stdout.write(
                        f"{organisation} ({organisation_id}): {verb} message {pk} (30 -> 25), "
                        f"a copy of {_named(keeper)}"
                    )
                else:
                    counts["skipped"] += 1  # changed since it was read: left as it is
            if decision.left:
                counts["listed"] += 1
                self.stdout.write(
                    f"{organisation} ({organisation_id}): for staff, one document in "
                    + ", ".join(_named(copy) for copy in decision.left)
                    + "; settle with the client which one goes on"
                )
        self._summary(counts, dry_run=dry_run)

    def _summary(self, counts: dict[str, int], *, dry_run: bool) -> None:
        unhashed = ApprovalMessage.objects.filter(
            status=Status.IN_REVIEW, received_sha256=""
        ).count()
        self.summary(
            f"documents with copies: {counts['documents']}, "
            f"{'would close' if dry_run else 'closed'}: {counts['closed']}, "
            f"changed meanwhile (left): {counts['skipped']}, listed for staff: {counts['listed']}",
            dry_run=dry_run,
        )
        if unhashed:
            self.stdout.write(
                f"{unhashed} message(s) at 30 have no stored document hash and were not "
                "compared (the migrations of release 3e25ac6 fill it on upgrade)."
            )
