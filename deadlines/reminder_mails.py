"""The e-mails of the reminder job (``ReminderMail``, one per address): claiming an
environment's reminders and their e-mails together, taking an e-mail to send it, recording
what became of it, and summing that up on the reminders it is about (``ReminderLog``).

Two runs at once (the beat task and a manual ``send_reminders``, two workers) claim the
reminders of an accountancy environment one after the other: ``claiming`` locks the
environment's row, so the second run waits until the first committed and then finds its
reminders claimed. A person's reminders are therefore always in one mail of one run. The
mail is sent by the run whose conditional update takes it (``take``), so a run that finds
another's mail still waiting may send it, and only one of them does.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone

from crm.models import AccountancyEnvironment
from deadlines.models import ReminderLog, ReminderMail

State = ReminderMail.State
STAFF_KINDS = (ReminderLog.Kind.STAFF_ESCALATION, ReminderLog.Kind.STAFF_OVERDUE)

#: How long a mail may say SENDING before its run counts as dead: the task's hard time
#: limit (the worker is killed then) and a margin; sending one mail takes seconds.
SENDING_DIED_AFTER = timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 60)

#: Why a mail whose run died while sending it is not sent again: the mail server may have
#: accepted it, and a second mail is what the claim exists to prevent.
DIED = (
    "onderbroken tijdens het verzenden (het proces stopte); onbekend of de e-mail is "
    "aangekomen, daarom niet opnieuw verzonden"
)


@contextmanager
def claiming(environment_ids: Collection[int]) -> Iterator[None]:
    """A transaction that holds the rows of the accountancy environments: their reminders
    and the e-mails those go in are claimed by one run at a time. A second run waits for
    the first to commit (claims are quick inserts; the mails are sent after the commit),
    then finds the reminders claimed. It does not skip a locked environment
    (``skip_locked``): the run holding it may be a preview, whose claims are rolled back.
    ``no_key``: adding an organisation or staff member to the environment is not held up.
    SQLite has no row locks; its transactions (BEGIN IMMEDIATE) run one at a time."""
    with transaction.atomic():
        locked = AccountancyEnvironment.objects.select_for_update(no_key=True)
        list(locked.filter(pk__in=set(environment_ids)).order_by("pk").values_list("pk"))
        yield


def plan(
    *, environment_id: int, kind: str, address: str, entry_ids: Sequence[int], language: str = ""
) -> ReminderMail:
    """The e-mail to ``address`` about the reminders ``entry_ids``, waiting to be sent;
    made while ``claiming`` their environment."""
    mail = ReminderMail.objects.create(
        environment_id=environment_id, kind=kind, address=address, language=language
    )
    through = ReminderMail.entries.through
    through.objects.bulk_create(
        [through(remindermail_id=mail.pk, reminderlog_id=entry_id) for entry_id in entry_ids]
    )
    return mail


def waiting(kinds: Sequence[str]):
    """The mails of ``kinds`` to send: those claimed and not yet taken (also those a run
    that died left), and the staff digests whose sending failed with attempts left."""
    return ReminderMail.objects.filter(kind__in=kinds).filter(
        Q(state=State.PENDING) | Q(state=State.RETRY, kind__in=STAFF_KINDS)
    )


def any_to_deliver(kinds: Sequence[str], *, now: datetime | None = None) -> bool:
    """Whether a delivery has anything to do: mails of ``kinds`` waiting, or a mail whose
    sending run died."""
    return waiting(kinds).exists() or ReminderMail.objects.filter(_died(now)).exists()


def _died(now: datetime | None) -> Q:
    """The mails whose sending run died: still SENDING past ``SENDING_DIED_AFTER``."""
    return Q(state=State.SENDING, claimed_at__lt=(now or timezone.now()) - SENDING_DIED_AFTER)


def take(mail: ReminderMail) -> bool:
    """Take ``mail`` to send it now: True for the one run whose conditional update moves
    it from the state it was read in to SENDING."""
    now = timezone.now()
    taken = ReminderMail.objects.filter(pk=mail.pk, state=mail.state).update(
        state=State.SENDING, claimed_at=now, attempts=F("attempts") + 1
    )
    return bool(taken)


def record(mails: Sequence[ReminderMail], error: BaseException | str | None = None) -> None:
    """What became of ``mails`` (taken and sent, one e-mail): sent, or the error; a staff
    digest that failed waits for the next run while it has attempts left."""
    pks = [mail.pk for mail in mails]
    if error is None:
        ReminderMail.objects.filter(pk__in=pks).update(
            state=State.SENT, sent_at=timezone.now(), error=""
        )
        return
    text = error if isinstance(error, str) else f"{type(error).__name__}: {error}"
    again = Q(kind__in=STAFF_KINDS, attempts__lt=ReminderMail.MAX_ATTEMPTS)
    ReminderMail.objects.filter(pk__in=pks).update(
        state=Case(When(again, then=Value(State.RETRY)), default=Value(State.FAILED)),
        error=text[:2000],
    )


def give_up_dead(*, now: datetime | None = None) -> list[ReminderMail]:
    """Mark UNKNOWN each mail whose sending run died (still SENDING past
    ``SENDING_DIED_AFTER``), and return those this run marked, with their entries, for
    their reminders to say so. Not sent again (``DIED`` says why)."""
    dead = ReminderMail.objects.filter(_died(now)).prefetch_related("entries")
    return [
        mail
        for mail in dead
        if ReminderMail.objects.filter(pk=mail.pk, state=State.SENDING).update(
            state=State.UNKNOWN, error=DIED
        )
    ]


def summarise(entry_ids: Collection[int]) -> None:
    """Sum the mails of staff escalations up on their reminders: who got it
    (``recipients``), when it first went (``sent_at``), and a line per address that did
    not get it, with why (``error``). A reminder without mails (nobody to send it to) keeps
    what it says. One update per different outcome, not per reminder (a digest in the
    season lists hundreds)."""
    got: dict[int, set[str]] = defaultdict(set)
    first: dict[int, datetime] = {}
    errors: dict[int, list[str]] = defaultdict(list)
    rows = (
        ReminderMail.entries.through.objects.filter(reminderlog_id__in=entry_ids)
        .values_list(
            "reminderlog_id",
            "remindermail__address",
            "remindermail__state",
            "remindermail__error",
            "remindermail__sent_at",
        )
        .order_by("remindermail__address")
    )
    seen = set()
    for entry_id, address, state, error, sent_at in rows:
        seen.add(entry_id)
        if state == State.SENT and sent_at is not None:
            got[entry_id].add(address)
            first[entry_id] = min(first.get(entry_id, sent_at), sent_at)
        elif state in (State.RETRY, State.FAILED, State.UNKNOWN):
            errors[entry_id].append(f"{address}: {error}")
    outcomes: dict[tuple[tuple[str, ...], datetime | None, str], list[int]] = defaultdict(list)
    for entry_id in seen:
        key = (tuple(sorted(got[entry_id])), first.get(entry_id), "\n".join(errors[entry_id]))
        outcomes[key].append(entry_id)
    for (recipients, sent_at, error), pks in outcomes.items():
        ReminderLog.objects.filter(pk__in=pks).update(
            recipients=list(recipients), sent_at=sent_at, error=error[:2000]
        )
