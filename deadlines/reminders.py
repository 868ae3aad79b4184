"""Reminders by e-mail: to clients whose message awaits their review, and to staff when a
filing deadline comes near.

Never twice: each reminder first inserts its ``ReminderLog`` row in its own transaction,
under a unique constraint (per message and step, or per organisation, year and step).
Only the run that inserted the row sends the e-mail, after that insert committed; a
second or concurrent run hits the constraint and sends nothing. The price is "at most
once": when sending fails, the row keeps the error and the reminder is not retried.

One e-mail per person: the client reminders a run claimed go to each person (an e-mail
address, whatever its case, within one accountancy environment) in one mail that lists
them all, so a director of five companies gets one mail, not five. A message whose
contacts are several people is in a mail to each; its row is sent when one of those went
and keeps the error (with the address) of any that failed. Staff get one digest per
environment and kind. Each mail is delivered after commit with the ids of its rows
(``deliver_client_reminder``, ``deliver_staff_escalation``).

Schedules (settings): ``REMINDER_DAYS`` = days a message has waited for the client
(status 30) before a reminder; ``REMINDER_ESCALATION_DAYS`` = days before the filing
deadline at which staff are warned. When the job missed days, only the latest step that
is due is sent, not every step that was skipped. Once a deadline has passed with the year
still at risk, staff hear it once more, as overdue (``STAFF_OVERDUE``), whether or not a
warning went before. The claims of a run are delivered per environment and split among its
staff there: an organisation's responsible staff member gets its rows, everyone the rows of
an organisation without one; the row of the log says who got it.

Called by the Celery task ``portal.tasks.send_reminders`` (daily, see
``CELERY_BEAT_SCHEDULE``) and the command ``manage.py send_reminders``, whose ``--today``
and ``--dry-run`` are a preview (``preview_reminders``): nothing sent, nothing written.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import partial

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.db.models import Exists, Max, OuterRef, Prefetch, Q, Value
from django.db.models.functions import Concat, Left
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext

from config.dates import format_day
from crm import logins
from crm import services as crm_services
from crm.models import Contact, Organisation, StaffMember
from deadlines import periods, reminder_mails, selectors
from deadlines.models import ReminderLog, ReminderMail
from kvk.status import Status
from workflow.approvers import (
    Adopter,
    adoption_arranged,
    approval_progress_many,
    named_adopter,
)
from workflow.models import ApprovalMessage
from workflow.services import FILING_STATUSES

log = logging.getLogger(__name__)

DEFAULT_REMINDER_DAYS = (3, 7, 14)
DEFAULT_ESCALATION_DAYS = (30, 14)


@dataclass(frozen=True)
class ClientMail:
    """One client reminder e-mail of a run: to one person (an e-mail address, whatever
    its case, within one accountancy environment) about the reminders ``entry_ids``."""

    address: str
    entry_ids: tuple[int, ...]


@dataclass(frozen=True)
class Outcome:
    client_reminders: int  # reminders claimed: one per message and step
    staff_escalations: int
    client_mails: tuple[ClientMail, ...] = ()  # the e-mails they go in, one per person

    def as_dict(self) -> dict[str, int]:
        return {
            "client_reminders": self.client_reminders,
            "staff_escalations": self.staff_escalations,
        }


def reminder_step(days_waiting: int, schedule: Sequence[int]) -> int | None:
    """The latest client reminder step that is due after ``days_waiting`` days."""
    due = [step for step in schedule if step <= days_waiting]
    return max(due) if due else None


def escalation_step(days_left: int, schedule: Sequence[int]) -> int | None:
    """The most urgent escalation step whose threshold ``days_left`` has reached."""
    if days_left < 0:
        return None  # overdue: its own escalation, once (STAFF_OVERDUE)
    due = [step for step in schedule if days_left <= step]
    return min(due) if due else None


def _claim(**fields) -> ReminderLog | None:
    """Insert the log row in its own transaction; None when another run already did."""
    try:
        with transaction.atomic():
            return ReminderLog.objects.create(**fields)
    except IntegrityError:
        return None


def _absolute(path: str) -> str:
    return settings.PORTAL_BASE_URL.rstrip("/") + path


def _url(name: str, *args: object) -> str:
    try:
        return _absolute(reverse(name, args=args))
    except NoReverseMatch:
        return _absolute("/")


def _long_date(day: date) -> str:
    return format_day(day)


# --- client reminders ------------------------------------------------------------------------

# The e-mail texts of client reminders, in the contact's language (Contact.language):
# gettext with that language active, as every text of the portal.


def _single_text(adopted: bool = False, adopter: str = "", arranged: str = "") -> tuple[str, str]:
    """Subject and body of a reminder about one message; call with the language active.
    ``adopted``: the accounts are adopted already (``%(adopted_on)s``), so the client only
    approves; there is no "Jaarrekening vastgesteld" left to tick. ``adopter``: the named
    contact who records the adoption when that is not the reader (``%(adopter)s``), as the
    mail that asked for the review says (templates/portal/email/notification.txt).
    ``arranged``: nobody can record it yet (workflow.approvers.adoption_arranged), said in
    its place (``%(arranged)s``) as that mail says it."""
    subject = gettext(
        "Herinnering: de jaarrekening %(year)s van %(organisation)s wacht op uw beoordeling"
    )
    if arranged and not adopted:
        return subject, gettext(
            "Beste %(name)s,\n\n"
            "De jaarrekening %(year)s van %(organisation)s staat al %(days)s dagen voor u klaar "
            "in de klantportal en wacht op uw beoordeling.\n"
            "Controleer de stukken. %(arranged)s Na uw goedkeuring deponeren wij de "
            "jaarrekening bij de KvK.\n\n"
            "%(deadline_paragraph)s"
            "Naar het bericht: %(url)s\n\n"
            "Met vriendelijke groet,\n%(sender)s\n"
        )
    if adopter and not adopted:
        return subject, gettext(
            "Beste %(name)s,\n\n"
            "De jaarrekening %(year)s van %(organisation)s staat al %(days)s dagen voor u klaar "
            "in de klantportal en wacht op uw beoordeling.\n"
            "Controleer de stukken. %(adopter)s legt de vaststelling van de jaarrekening vast; "
            "daarna kunt u het bericht goedkeuren. Na uw goedkeuring deponeren wij de "
            "jaarrekening bij de KvK.\n\n"
            "%(deadline_paragraph)s"
            "Naar het bericht: %(url)s\n\n"
            "Met vriendelijke groet,\n%(sender)s\n"
        )
    if adopted:
        return subject, gettext(
            "Beste %(name)s,\n\n"
            "De jaarrekening %(year)s van %(organisation)s staat al %(days)s dagen voor u klaar "
            "in de klantportal en wacht op uw beoordeling.\n"
            "De jaarrekening is al vastgesteld op %(adopted_on)s. Controleer de stukken en keur "
            "het bericht goed. Daarna deponeren wij de jaarrekening bij de KvK.\n\n"
            "%(deadline_paragraph)s"
            "Naar het bericht: %(url)s\n\n"
            "Met vriendelijke groet,\n%(sender)s\n"
        )
    return (
        subject,
        gettext(
            "Beste %(name)s,\n\n"
            "De jaarrekening %(year)s van %(organisation)s staat al %(days)s dagen voor u klaar "
            "in de klantportal en wacht op uw beoordeling.\n"
            "Controleer de stukken, vink 'Jaarrekening vastgesteld' aan en keur het bericht "
            "goed. Daarna deponeren wij de jaarrekening bij de KvK.\n\n"
            "%(deadline_paragraph)s"
            "Naar het bericht: %(url)s\n\n"
            "Met vriendelijke groet,\n%(sender)s\n"
        ),
    )


def _list_text(count: int, adopted: bool = False) -> tuple[str, str]:
    """Subject and body of a reminder about several messages (one person, several
    organisations or years), ``%(items)s`` a line each (``_list_line``). ``adopted``: the
    reader adopts none of them (each line says when it was adopted, who adopts it, or that
    the accountant first arranges who does), so the client only approves."""
    subject = ngettext(
        "Herinnering: %(count)s jaarrekening wacht op uw beoordeling",
        "Herinnering: %(count)s jaarrekeningen wachten op uw beoordeling",
        count,
    )
    if adopted:
        return subject, ngettext(
            "Beste %(name)s,\n\n"
            "Deze jaarrekening staat voor u klaar in de klantportal en wacht op uw "
            "beoordeling:\n\n"
            "%(items)s\n"
            "Controleer de stukken en keur het bericht goed. Daarna deponeren wij de "
            "jaarrekening bij de KvK.\n\n"
            "Met vriendelijke groet,\n%(sender)s\n",
            "Beste %(name)s,\n\n"
            "Deze %(count)s jaarrekeningen staan voor u klaar in de klantportal en wachten op "
            "uw beoordeling:\n\n"
            "%(items)s\n"
            "Controleer per bericht de stukken en keur het bericht goed. Daarna deponeren wij "
            "de jaarrekeningen bij de KvK.\n\n"
            "Met vriendelijke groet,\n%(sender)s\n",
            count,
        )
    return (
        subject,
        ngettext(
            "Beste %(name)s,\n\n"
            "Deze jaarrekening staat voor u klaar in de klantportal en wacht op uw "
            "beoordeling:\n\n"
            "%(items)s\n"
            "Controleer de stukken, vink 'Jaarrekening vastgesteld' aan en keur het "
            "bericht goed. Daarna deponeren wij de jaarrekening bij de KvK.\n\n"
            "Met vriendelijke groet,\n%(sender)s\n",
            "Beste %(name)s,\n\n"
            "Deze %(count)s jaarrekeningen staan voor u klaar in de klantportal en wachten op "
            "uw beoordeling:\n\n"
            "%(items)s\n"
            "Controleer per bericht de stukken, vink 'Jaarrekening vastgesteld' aan en keur het "
            "bericht goed. Daarna deponeren wij de jaarrekening bij de KvK.\n\n"
            "Met vriendelijke groet,\n%(sender)s\n",
            count,
        ),
    )


def _list_line(days: int) -> str:
    """One message's line in a reminder about several; call with the language active."""
    return ngettext(
        "- De jaarrekening %(year)s van %(organisation)s wacht al %(days)s dag."
        "%(deadline_sentence)s\n"
        "  Naar het bericht: %(url)s\n",
        "- De jaarrekening %(year)s van %(organisation)s wacht al %(days)s dagen."
        "%(deadline_sentence)s\n"
        "  Naar het bericht: %(url)s\n",
        days,
    )


def _client_messages():
    # Messages still with the accountant (accountant review first) are not the client's yet.
    # Nor is one a newer version replaced, or one (not a resubmission) of a year whose
    # adopted accounts are approved or filed already: it can no longer be approved (rows
    # from before older versions were closed at 30). A resubmission, or the adopted
    # accounts after a non-adopted filing, may be (corrections._second_adopted_filing).
    year_filing = ApprovalMessage.objects.filter(
        organisation_id=OuterRef("organisation_id"),
        financial_year=OuterRef("financial_year"),
        status__in=FILING_STATUSES,
        adopted=True,
    )
    return (
        ApprovalMessage.objects.filter(status=Status.IN_REVIEW, awaiting_accountant_review=False)
        .filter(organisation__environment__activation__active=True)  # skip inactive ones
        .filter(replaced_by__isnull=True)
        .exclude(Q(resubmission=False) & Exists(year_filing))
        .select_related("organisation")
        .only(
            "id",
            "organisation_id",
            "financial_year",
            "status_changed_at",
            # Who must approve (workflow.approvers): the rule and the document approved.
            "workflow_id",
            "document_sha256",
            "organisation__approver_rule",
            "organisation__environment_id",  # a person's mail stays within an environment
        )
        .order_by("pk")
    )


def _recipients(contacts: Sequence[Contact], pending: set[int] | None = None) -> list[Contact]:
    """The contacts to remind: with portal access and an e-mail address; with several
    approvers only those who have not approved yet (``pending`` user ids)."""
    return [
        contact
        for contact in contacts
        if contact.portal_access
        and contact.email
        and (contact.user is None or contact.user.is_active)  # a deactivated login: none
        and (pending is None or contact.user_id in pending)
    ]


def _due_client_messages(today: date) -> list[tuple[ApprovalMessage, int]]:
    """The messages waiting for the client with the reminder step each is due for."""
    schedule = getattr(settings, "REMINDER_DAYS", DEFAULT_REMINDER_DAYS)
    due = []
    for message in _client_messages():
        step = reminder_step((today - timezone.localdate(message.status_changed_at)).days, schedule)
        if step is not None:
            due.append((message, step))
    return due


def _claim_client_reminders(today: date) -> list[ClientMail]:
    """Claim a reminder per due message and step, and gather the claims by person: one
    mail per address (case-insensitive) within an accountancy environment, never mixing
    two environments' clients. The claims and the mails they go in are made while the
    environments are locked (``reminder_mails.claiming``): a run at the same moment finds
    them claimed, so it never mails one person about the rest."""
    due = _due_client_messages(today)
    if not due:
        return []
    contacts: dict[int, list[Contact]] = defaultdict(list)
    for contact in (
        Contact.objects.filter(
            organisation_id__in={message.organisation_id for message, _step in due}
        )
        .select_related("user")
        .order_by("pk")
    ):
        contacts[contact.organisation_id].append(contact)
    progress = approval_progress_many(message for message, _step in due)
    wanted = []
    for message, step in due:
        approvals = progress.get(message.pk)
        pending = {a.user_id for a in approvals.pending} if approvals is not None else None
        recipients = _recipients(contacts[message.organisation_id], pending)
        if recipients:  # nobody to remind: a contact added later still gets the next step
            wanted.append((message, step, recipients))
    with reminder_mails.claiming({m.organisation.environment_id for m, _s, _r in wanted}):
        return _claim_client_mails(wanted)


def _claim_client_mails(
    wanted: list[tuple[ApprovalMessage, int, list[Contact]]],
) -> list[ClientMail]:
    """Claim the reminders ``wanted`` that no run claimed before, and plan a mail per
    person about theirs; call while ``claiming`` their environments."""
    claimed = set(
        ReminderLog.objects.filter(
            kind=ReminderLog.Kind.CLIENT_REVIEW,
            message_id__in=[message.pk for message, _step, _recipients in wanted],
        ).values_list("message_id", "step")
    )
    mails: dict[tuple[int, str], tuple[str, list[int]]] = {}
    for message, step, recipients in wanted:
        if (message.pk, step) in claimed:
            continue  # another run claimed it
        entry = _claim(
            organisation_id=message.organisation_id,
            message_id=message.pk,
            financial_year=message.financial_year,
            kind=ReminderLog.Kind.CLIENT_REVIEW,
            step=step,
            recipients=[contact.email for contact in recipients],
        )
        if entry is None:
            continue
        for contact in recipients:
            key = (message.organisation.environment_id, logins.address_key(contact.email))
            _address, entry_ids = mails.setdefault(key, (contact.email, []))
            if entry.pk not in entry_ids:  # two contacts of one message, one address
                entry_ids.append(entry.pk)
    for (environment_id, _key), (address, entry_ids) in mails.items():
        reminder_mails.plan(
            environment_id=environment_id,
            kind=ReminderLog.Kind.CLIENT_REVIEW,
            address=address,
            entry_ids=entry_ids,
        )
    return [ClientMail(address, tuple(entry_ids)) for address, entry_ids in mails.values()]


def _send_client_reminders(now: datetime) -> list[ClientMail]:
    today = timezone.localdate(now)
    mails = _claim_client_reminders(today)
    # Also the mails of a run that died before it sent them.
    if mails or reminder_mails.any_to_deliver([ReminderLog.Kind.CLIENT_REVIEW]):
        transaction.on_commit(partial(deliver_client_reminders, today=today))
    return mails


def _claimed(mails: Sequence[ClientMail]) -> int:
    """How many reminders (messages and steps) the mails are about."""
    return len({entry_id for mail in mails for entry_id in mail.entry_ids})


def send_client_reminders(*, now: datetime | None = None) -> int:
    """Claim and send the due reminders for messages waiting for the client, one e-mail
    per person listing all of theirs; returns how many reminders this run claimed."""
    return _claimed(_send_client_reminders(now or timezone.now()))


@dataclass(frozen=True)
class _Waiting:
    """One message in a client reminder e-mail."""

    message: ApprovalMessage
    organisation: Organisation
    days: int
    deadline: date | None
    #: Under the named rule, whether the reader records the adoption (workflow.approvers).
    adopter: Adopter | None = None


def _deadline_sentence(deadline: date | None, today: date) -> str:
    """The sentence on the filing deadline, to come or passed (a reminder sent after it);
    empty without a computed deadline (a stichting without Title 9, a vof:
    kvk.deadlines.RULES). Call it with the reader's language active."""
    if deadline is None:
        return ""
    if deadline < today:
        text = gettext("De wettelijke deponeertermijn is verlopen op %(deadline)s.")
    else:
        text = gettext("De wettelijke deponeertermijn verloopt op %(deadline)s.")
    return text % {"deadline": _long_date(deadline)}


def _waiting_fields(item: _Waiting, today: date) -> dict[str, object]:
    """The fields of one message in a client reminder (``_single_text``, ``_list_line``);
    call with the reader's language active."""
    sentence = _deadline_sentence(item.deadline, today)
    adopted_on = _adopted_on(item.message)
    # Another contact is named to record the adoption: the reader does not tick it.
    other = item.adopter.name if item.adopter and not item.adopter.may else ""
    # Nobody can record it: the accountant first arranges who does; nothing to tick either.
    arranged = adoption_arranged(item.adopter)
    # A line of a list says it is adopted, or who adopts it, before the deadline.
    if adopted_on:
        said = gettext("Zij is al vastgesteld op %(date)s.") % {"date": adopted_on}
    elif other:
        said = gettext("%(adopter)s legt de vaststelling vast; daarna kunt u goedkeuren.") % {
            "adopter": other
        }
    else:
        said = arranged
    listed = "".join(f" {part}" for part in (said, sentence) if part)
    return {
        "year": item.message.financial_year or "",
        "organisation": item.organisation.name,
        "days": item.days,
        "url": _url("outsite-message", item.message.pk),
        "adopted_on": adopted_on,
        "adopter": other,
        "arranged": arranged,
        "deadline_paragraph": sentence + "\n\n" if sentence else "",
        "deadline_sentence": listed,
    }


def _adopted_on(message: ApprovalMessage) -> str:
    """The day the accounts of ``message`` were adopted, in the reader's language; "" when
    they are not (yet): the client then adopts them in the portal."""
    return _long_date(message.adoption_date) if message.adopted and message.adoption_date else ""


def _client_email(contact: Contact, waiting: list[_Waiting], *, today: date) -> EmailMessage:
    """The reminder to ``contact`` about the messages ``waiting``, in the contact's
    language: the text for one, a list with a line per message for several. A reply goes
    to the organisations' responsible staff (crm.services.reply_to)."""
    languages = dict(settings.LANGUAGES)
    language = contact.language if contact.language in languages else "nl"
    person = {"name": contact.name, "sender": waiting[0].organisation.environment.name}
    with translation.override(language):
        items = [_waiting_fields(item, today) for item in waiting]
        # Nothing for the reader to tick: adopted already, by another contact, or by
        # whoever the accountant arranges.
        adopted = all(
            fields["adopted_on"] or fields["adopter"] or fields["arranged"] for fields in items
        )
        if len(items) == 1:
            first = items[0]
            subject, body = _single_text(
                bool(first["adopted_on"]), str(first["adopter"]), str(first["arranged"])
            )
            fields = person | first
        else:
            subject, body = _list_text(len(items), adopted)
            lines = "".join(
                _list_line(item.days) % fields for item, fields in zip(waiting, items, strict=True)
            )
            fields = person | {"count": len(items), "items": lines}
    organisations = {item.organisation.pk: item.organisation for item in waiting}
    return EmailMessage(
        subject=subject % fields,
        body=body % fields,
        to=[contact.email],
        reply_to=crm_services.reply_to(organisations.values()),
    )


def _filing_deadline(message) -> date | None:
    """The year's filing deadline as Termijnen shows it: from the adoption of all the
    year's versions, not only this message's (selectors.adoption_of)."""
    deadlines = periods.message_deadlines(message)
    return deadlines.filing if deadlines is not None else None  # None: no computed deadline


def _record_error(entry_ids: Sequence[int], error: str) -> None:
    """Keep ``error`` on each entry, after an error an earlier mail about it left (a
    message whose contacts are several people is in a mail to each)."""
    entries = ReminderLog.objects.filter(pk__in=entry_ids)
    entries.exclude(error="").update(error=Left(Concat("error", Value("\n" + error)), 2000))
    entries.filter(error="").update(error=error[:2000])


def _send_recorded(
    entry_ids: Sequence[int],
    build: Callable[[], list[EmailMessage]],
    *,
    what: str,
    prefix: str = "",
) -> Exception | None:
    """Build and send the e-mails of claimed reminders; when that fails each entry keeps
    the error (after ``prefix``) and nothing is resent (at most once). Returns the error,
    None when they went."""
    try:
        get_connection().send_messages(build())
    except Exception as error:  # noqa: BLE001 - at most once: record, never resend
        log.exception("%s could not be sent", what)
        _record_error(entry_ids, f"{prefix}{type(error).__name__}: {error}")
        return error
    return None


def _waiting(
    entries: list[ReminderLog], today: date, readers: Mapping[int, list[int | None]]
) -> list[_Waiting]:
    """The messages of claimed client reminders, by organisation and year. ``readers``:
    per organisation the logins of the reader's contacts there (whether he or she records
    the adoption)."""
    messages = ApprovalMessage.objects.only(
        "id",
        "financial_year",
        "organisation_id",
        "workflow_id",
        "status_changed_at",
        "adopted",
        "adoption_date",
    ).in_bulk([entry.message_id for entry in entries])
    waiting = []
    for entry in entries:
        assert entry.message_id is not None  # client reminders are about a message
        message = messages[entry.message_id]
        message.organisation = entry.organisation
        days = (today - timezone.localdate(message.status_changed_at)).days
        waiting.append(
            _Waiting(
                message=message,
                organisation=entry.organisation,
                days=max(entry.step, days),
                deadline=_filing_deadline(message),
                adopter=_reader_adopter(message, readers.get(entry.organisation_id, [])),
            )
        )
    return sorted(
        waiting, key=lambda item: (item.organisation.name, item.message.financial_year or 0)
    )


def _reader_adopter(message: ApprovalMessage, user_ids: list[int | None]) -> Adopter | None:
    """workflow.approvers.named_adopter for a reader with ``user_ids`` (a login per contact
    of the organisation with the reader's address): the adopter when one of them is."""
    found = [named_adopter(message, user_id) for user_id in user_ids or [None]]
    return next((one for one in found if one is not None and one.may), found[0])


def deliver_client_reminders(*, today: date | None = None) -> None:
    """Send the client reminder mails that wait (``reminder_mails.waiting``): those this
    run claimed, and those a run that died before sending them left; each by the one run
    that takes it. A mail whose run died while sending it is not sent again; its
    reminders say so."""
    today = today or timezone.localdate()
    _give_up_dead_mails()
    for mail in reminder_mails.waiting([ReminderLog.Kind.CLIENT_REVIEW]):
        if reminder_mails.take(mail):
            deliver_client_reminder(mail, today=today)


def deliver_client_reminder(mail: ReminderMail, *, today: date) -> None:
    """Send one person (``mail.address``, case-insensitive) one e-mail about the claimed
    client reminders of ``mail`` (taken to send it): those of the organisations where the
    address is still a contact with portal access; each other one keeps why it was not
    sent (the person left that organisation since the claim: its accounts are no longer
    theirs to see). The name and language are those of the person's oldest contact among
    the organisations concerned, so the same person gets the same language whichever
    messages wait."""
    address = mail.address
    entries = list(
        # The responsible staff member (the reply address) and the named adopter with the
        # organisation, not a query each per organisation.
        ReminderLog.objects.filter(mails=mail).select_related(
            "organisation__environment", "organisation__responsible__user", "organisation__adopter"
        )
    )
    contacts = list(
        Contact.objects.filter(
            organisation_id__in={entry.organisation_id for entry in entries},
            email__iexact=address,
            portal_access=True,
        ).order_by("pk")
    )
    theirs = {contact.organisation_id for contact in contacts}
    gone = [entry.pk for entry in entries if entry.organisation_id not in theirs]
    if gone:  # removed, or the address or access changed, since the claim
        _record_error(gone, f"{address}: {_GONE}")
    entries = [entry for entry in entries if entry.organisation_id in theirs]
    if not entries:
        reminder_mails.record([mail], _GONE)
        return
    found, ids = contacts[0], [entry.pk for entry in entries]  # narrowed for the closure
    readers: dict[int, list[int | None]] = defaultdict(list)
    for contact in contacts:
        readers[contact.organisation_id].append(contact.user_id)
    error = _send_recorded(
        ids,
        lambda: [_client_email(found, _waiting(entries, today, readers), today=today)],
        what=f"Reminder to {address} ({len(ids)} messages)",
        prefix=f"{address}: ",
    )
    reminder_mails.record([mail], error)
    if error is None:
        ReminderLog.objects.filter(pk__in=ids).update(sent_at=timezone.now())


def _give_up_dead_mails() -> None:
    """The mails whose run died while sending them are not sent again (the mail server may
    have accepted them); their reminders say so."""
    for dead in reminder_mails.give_up_dead():
        ids = [entry.pk for entry in dead.entries.all()]
        if dead.kind == ReminderLog.Kind.CLIENT_REVIEW:
            _record_error(ids, f"{dead.address}: {reminder_mails.DIED}")
        else:
            reminder_mails.summarise(ids)


_GONE = (
    "niet verzonden, want geen contactpersoon met dit e-mailadres heeft nog toegang tot de "
    "klantportal."
)


# --- staff escalation ------------------------------------------------------------------------


def _due_escalation(row: selectors.DeadlineRow, schedule: Sequence[int], today: date):
    """The kind and step of the escalation a year is due for, or None."""
    # Not at risk either: a year without any message whose deadline passed before the
    # organisation came to the portal, as far as we know filed another way
    # (DeadlineRow.predates_onboarding, as Termijnen and the dashboard count it).
    if not row.at_risk or row.days_left is None or row.year_end >= today:
        return None  # nothing at risk, no computed deadline, or the year is still on
    if row.days_left < 0:
        # Once per year, also when no warning went before: a client onboarded late, a
        # deadline that moved into the past, a filing that ended at 25, 40 or 90 after it.
        return ReminderLog.Kind.STAFF_OVERDUE, 0
    step = escalation_step(row.days_left, schedule)
    return None if step is None else (ReminderLog.Kind.STAFF_ESCALATION, step)


def _due_escalations(
    today: date, schedule: Sequence[int]
) -> list[tuple[Organisation, int, str, int]]:
    """The organisations, years, kinds and steps of the escalations due ``today``."""
    due = []
    for financial_year in selectors.years_near_deadline(today):
        rows = selectors.year_rows(
            Organisation.objects.filter(environment__activation__active=True),  # skip inactive
            financial_year,
            today=today,
        )
        # As Termijnen counts them: a year an earlier year's accounts cover is that year's
        # to warn of.
        rows = periods.with_covered_years([row for row in rows if row.at_risk], today=today)
        for row in rows:
            if row.covering_year is not None:
                continue
            step = _due_escalation(row, schedule, today)
            if step is not None:
                due.append((row.organisation, financial_year, *step))
    return due


def send_staff_escalations(*, today: date | None = None) -> int:
    """Warn the staff of each environment about financial years at risk whose filing
    deadline is near, and once about each whose deadline has passed: per environment and
    kind a digest to each staff member of the rows that are theirs (``_digests``), claimed
    with their mails while the environments are locked (``reminder_mails.claiming``), and
    sent after the commit (``deliver_staff_escalations``). Returns how many escalations
    this run claimed."""
    today = today or timezone.localdate()
    schedule = getattr(settings, "REMINDER_ESCALATION_DAYS", DEFAULT_ESCALATION_DAYS)
    if not schedule:
        return 0
    due = _due_escalations(today, schedule)
    claimed = 0
    if due:
        with reminder_mails.claiming({organisation.environment_id for organisation, *_ in due}):
            claimed = _claim_escalations(due)
    # Also the digests a dead run left, and those that failed before.
    if claimed or reminder_mails.any_to_deliver(reminder_mails.STAFF_KINDS):
        transaction.on_commit(partial(deliver_staff_escalations, today=today))
    return claimed


def _claim_escalations(due: list[tuple[Organisation, int, str, int]]) -> int:
    """Claim the escalations ``due`` that no run claimed before, and plan the staff's
    digests of them; call while ``claiming`` their environments."""
    organisation_ids = {organisation.pk for organisation, *_ in due}
    claimed_before = set(
        ReminderLog.objects.filter(
            message__isnull=True, organisation_id__in=organisation_ids
        ).values_list("organisation_id", "financial_year", "kind", "step")
    )
    claimed: dict[tuple[int, str], list[ReminderLog]] = defaultdict(list)
    for organisation, financial_year, kind, step in due:
        if (organisation.pk, financial_year, kind, step) in claimed_before:
            continue  # another run claimed it
        entry = _claim(
            organisation_id=organisation.pk,
            message_id=None,
            financial_year=financial_year,
            kind=kind,
            step=step,
        )
        if entry is not None:
            claimed[(organisation.environment_id, kind)].append(entry)
    responsible = dict(
        Organisation.objects.filter(pk__in=organisation_ids).values_list("pk", "responsible_id")
    )
    for (environment_id, kind), entries in claimed.items():
        readers = _readers(environment_id)
        if not readers:
            _record_error([entry.pk for entry in entries], "Geen medewerkers met een e-mailadres.")
            continue
        for address, (language, entry_ids) in _digests(entries, readers, responsible).items():
            reminder_mails.plan(
                environment_id=environment_id,
                kind=kind,
                address=address,
                entry_ids=entry_ids,
                language=language,
            )
    return sum(len(entries) for entries in claimed.values())


def _escalation_line(row: selectors.DeadlineRow) -> str:
    fields = {
        "organisation": row.organisation.name,
        "year": row.financial_year,
        "deadline": _long_date(row.deadlines.filing) if row.deadlines else "-",
        "situation": row.situation.label,
    }
    days = row.days_left or 0
    if days < 0:
        return ngettext(
            "- {organisation}, boekjaar {year}: de deponeertermijn is verstreken op "
            "{deadline} ({days} dag geleden); {situation}",
            "- {organisation}, boekjaar {year}: de deponeertermijn is verstreken op "
            "{deadline} ({days} dagen geleden); {situation}",
            -days,
        ).format(days=-days, **fields)
    return ngettext(
        "- {organisation}, boekjaar {year}: deponeren uiterlijk {deadline} "
        "(nog {days} dag); {situation}",
        "- {organisation}, boekjaar {year}: deponeren uiterlijk {deadline} "
        "(nog {days} dagen); {situation}",
        days,
    ).format(days=days, **fields)


def _escalation_heading(kind: str, count: int) -> tuple[str, str]:
    """The subject and first sentence of a digest of ``count`` escalations of ``kind``."""
    if kind == ReminderLog.Kind.STAFF_OVERDUE:
        subject = ngettext(
            "Deponeertermijn verstreken: {count} cliënt zonder gedeponeerde jaarrekening",
            "Deponeertermijn verstreken: {count} cliënten zonder gedeponeerde jaarrekening",
            count,
        )
        intro = gettext(
            "De wettelijke deponeertermijn is verstreken voor deze cliënten, en hun "
            "jaarrekening is nog niet gedeponeerd. Deponeer zo snel mogelijk: te laat "
            "deponeren is een economisch delict."
        )
        return subject.format(count=count), intro
    subject = ngettext(
        "Deponeertermijn nadert: {count} cliënt zonder goedgekeurde jaarrekening",
        "Deponeertermijn nadert: {count} cliënten zonder goedgekeurde jaarrekening",
        count,
    )
    intro = gettext(
        "De wettelijke deponeertermijn nadert voor deze cliënten, en hun jaarrekening "
        "is nog niet goedgekeurd of gedeponeerd:"
    )
    return subject.format(count=count), intro


def _escalation_rows(entries: list[ReminderLog], today: date) -> list[selectors.DeadlineRow]:
    """Each entry's row, in the entries' order, counted as Termijnen counts it
    (``periods.year_rows``): one set of queries per financial year the entries name, not
    per entry (a digest in the season lists hundreds)."""
    organisations_of: dict[int, list[int]] = defaultdict(list)
    for entry in entries:
        organisations_of[_escalation_year(entry, today)].append(entry.organisation_id)
    rows = {
        (row.organisation.pk, year): row
        for year, ids in organisations_of.items()
        for row in periods.year_rows(Organisation.objects.filter(pk__in=ids), year, today=today)
    }
    return [rows[(entry.organisation_id, _escalation_year(entry, today))] for entry in entries]


def _escalation_year(entry: ReminderLog, today: date) -> int:
    return entry.financial_year or today.year  # escalations always name their year


def _escalation_text(
    kind: str, rows: list[selectors.DeadlineRow], language: str
) -> tuple[str, str]:
    """Subject and body of a staff escalation digest of ``kind`` (a row per entry), in
    ``language``."""
    with translation.override(language):
        lines = [_escalation_line(row) for row in rows]
        # Termijnen opens on the year whose filing is due now; an overdue year is often an
        # earlier one: each link opens a year the lines name.
        links = [
            gettext("Termijnen boekjaar {year}: {url}").format(
                year=year, url=f"{_url('deadlines:list')}?year={year}"
            )
            for year in sorted({row.financial_year for row in rows})
        ]
        # The subject counts clients, as it says: a client with two years overdue is one.
        clients = len({row.organisation.pk for row in rows})
        subject, intro = _escalation_heading(kind, clients)
        body = intro + "\n\n" + "\n".join(lines) + "\n\n" + "\n".join(links) + "\n"
    return subject, body


@dataclass(frozen=True)
class _Reader:
    """A staff member who can receive the digest."""

    pk: int
    email: str
    language: str


def _readers(environment_id: int) -> list[_Reader]:
    staff = StaffMember.objects.filter(environment_id=environment_id, user__is_active=True)
    return [
        _Reader(member.pk, member.user.email, member.language or settings.LANGUAGE_CODE)
        for member in staff.select_related("user").order_by("pk")
        if member.user.email
    ]


def _digests(
    entries: list[ReminderLog], readers: list[_Reader], responsible: Mapping[int, int | None]
) -> dict[str, tuple[str, list[int]]]:
    """Who reads which rows: a client's responsible staff member its rows alone, everyone
    the rows of a client without one (or whose responsible member cannot receive mail, as
    portal.notifications.staff_recipients). By address, the language and the ids of the
    entries its digest lists; a reader with no rows gets none. ``responsible``: each
    organisation's responsible member."""
    receiving = {reader.pk for reader in readers}
    # By address whatever its capitals (two logins of one person), as the client mails.
    digests: dict[str, tuple[str, str, list[int]]] = {}
    for reader in readers:
        ids = [
            entry.pk
            for entry in entries
            if responsible[entry.organisation_id] == reader.pk
            # Nobody responsible (None), or a member who cannot receive mail: everyone.
            or responsible[entry.organisation_id] not in receiving
        ]
        if ids:
            _address, _language, theirs = digests.setdefault(
                logins.address_key(reader.email), (reader.email, reader.language, [])
            )
            theirs.extend(entry_id for entry_id in ids if entry_id not in theirs)
    return {address: (language, ids) for address, language, ids in digests.values()}


def deliver_staff_escalations(*, today: date) -> None:
    """Send the staff digests that wait (``reminder_mails.waiting``): those this run
    claimed, those a run that died before sending them left, and those whose sending
    failed before (to those addresses only, while they have attempts left). Staff who read
    the same rows in the same language share one e-mail; each address's mail records what
    became of it, and each reminder sums that up: who got it, who did not and why."""
    _give_up_dead_mails()
    ordered = ReminderLog.objects.select_related("organisation").order_by(
        "organisation__name", "pk"
    )
    mails = list(
        reminder_mails.waiting(reminder_mails.STAFF_KINDS).prefetch_related(
            Prefetch("entries", queryset=ordered)
        )
    )
    if not mails:
        return
    entries = {entry.pk: entry for mail in mails for entry in mail.entries.all()}
    rows = dict(zip(entries, _escalation_rows(list(entries.values()), today), strict=True))
    shared: dict[tuple[str, str, tuple[int, ...]], list[ReminderMail]] = defaultdict(list)
    for mail in mails:
        ids = tuple(entry.pk for entry in mail.entries.all())
        shared[(mail.kind, mail.language or settings.LANGUAGE_CODE, ids)].append(mail)
    for (kind, language, ids), group in sorted(shared.items()):
        taken = [mail for mail in group if reminder_mails.take(mail)]
        if taken:  # else another run sends them
            _send_digest(taken, kind, [rows[i] for i in ids], language)
    reminder_mails.summarise(list(entries))


def _send_digest(
    mails: list[ReminderMail], kind: str, rows: list[selectors.DeadlineRow], language: str
) -> None:
    """One e-mail of ``rows`` to the addresses of ``mails`` (taken), and what became of it."""
    subject, body = _escalation_text(kind, rows, language)
    addresses = sorted({mail.address for mail in mails})
    try:
        EmailMessage(subject=subject, body=body, to=addresses).send()
    except Exception as error:  # noqa: BLE001 - recorded; the next run tries again
        log.exception("Escalation to %s could not be sent", ", ".join(addresses))
        reminder_mails.record(mails, error)
    else:
        reminder_mails.record(mails)


def send_reminders(*, now: datetime | None = None) -> Outcome:
    """The daily job: client reminders, then staff escalations."""
    now = now or timezone.now()
    mails = _send_client_reminders(now)
    return Outcome(
        client_reminders=_claimed(mails),
        staff_escalations=send_staff_escalations(today=timezone.localdate(now)),
        client_mails=tuple(mails),
    )


def preview_reminders(*, now: datetime | None = None) -> tuple[Outcome, list[ReminderLog]]:
    """What ``send_reminders`` would claim at ``now``, sending and writing nothing: the run
    happens in a transaction that is rolled back, so its claims are undone and the e-mails
    that would follow their commit never go. The reminders already sent count as in a
    real run. Returns the outcome and the claims (no longer in the database)."""
    with transaction.atomic():
        last = ReminderLog.objects.aggregate(last=Max("pk"))["last"] or 0
        outcome = send_reminders(now=now)
        entries = list(
            ReminderLog.objects.filter(pk__gt=last)
            .select_related("organisation")
            .order_by("organisation__name", "financial_year", "kind")
        )
        transaction.set_rollback(True)
    return outcome, entries
