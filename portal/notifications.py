"""E-mail about approval messages, in each recipient's language.

Who hears what:
- the client's contacts with portal access: a message awaits their review (30), and the
  outcome at the KvK (80 filed, 90 refused);
- the staff of the accountancy environment (the organisation's responsible staff member
  alone, when it has one who can receive mail): the client approved (50) or rejected (40),
  the outcome at the KvK (80, 90), a 70 that no automatic attempt follows (it waits for
  them: "Opnieuw verzenden" or recording the delivery), and a message at 60 that the poll
  of Digipoort marked for attention (an unknown status, retries past 72 hours, no verdict);
- a comment goes to the other side: a client's comment to staff, a staff comment to the
  client's contacts.

The workflow sends its signals after commit; the receivers here only queue a Celery task
(so a slow or failing mail server never holds up a request or a worker's transaction), and
the task renders and sends. Clients get mail in ``Contact.language``, staff in
``StaffMember.language``.
"""

from __future__ import annotations

import logging
import smtplib
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from crm import logins
from crm import services as crm_services
from crm.models import Contact, StaffMember
from deadlines import periods
from deadlines.models import ReminderLog
from deadlines.selectors import DeadlineRow
from kvk.status import Status
from portal.templatetags.portal import attention_label, attention_text
from workflow import signals
from workflow.approvers import Adopter, approvals_given, named_adopter
from workflow.models import ApprovalMessage, Comment, NotificationLog, client_may_see
from workflow.reasons import ATTENTION, in_plain_words, refused_by_digipoort
from workflow.selectors import client_status, repair_reason

log = logging.getLogger(__name__)

AWAITING_REVIEW = "awaiting_review"
APPROVED = "approved"
REJECTED = "rejected"
FILED = "filed"
REFUSED = "refused"
RETRIES_EXHAUSTED = "retries_exhausted"  # any 70 that no automatic attempt follows
KVK_ATTENTION = "kvk_attention"
COMMENT = "comment"

CLIENT_KINDS = {AWAITING_REVIEW, FILED, REFUSED}
STAFF_KINDS = {APPROVED, REJECTED, FILED, REFUSED, RETRIES_EXHAUSTED, KVK_ATTENTION}


@dataclass(frozen=True)
class Recipient:
    email: str
    language: str
    name: str
    staff: bool
    user_id: int | None = None  # a client's login: whether he or she records the adoption


def connect() -> None:
    """Called from PortalConfig.ready."""
    signals.workflow_started.connect(_on_workflow_started, dispatch_uid="portal-mail-started")
    signals.message_approved.connect(_on_approved, dispatch_uid="portal-mail-approved")
    signals.message_rejected.connect(_on_rejected, dispatch_uid="portal-mail-rejected")
    signals.kvk_outcome.connect(_on_kvk_outcome, dispatch_uid="portal-mail-kvk-outcome")
    signals.retries_exhausted.connect(_on_retries_exhausted, dispatch_uid="portal-mail-retries")
    kvk_attention = getattr(signals, "kvk_attention", None)
    if kvk_attention is not None:
        kvk_attention.connect(_on_kvk_attention, dispatch_uid="portal-mail-kvk-attention")
    comment_added = getattr(signals, "comment_added", None)
    if comment_added is not None:
        comment_added.connect(_on_comment_added, dispatch_uid="portal-mail-comment")


def _queue(kind: str, pk: int, comment_pk: int | None = None) -> None:
    send_notification.delay(kind, pk, comment_pk)


def _on_workflow_started(sender, pks: list[int], **kwargs) -> None:
    # Sent at 30 and again when the accountant completes the review; the task checks that
    # the message is really the client's to review now. A processed batch is one task.
    if len(pks) == 1:
        _queue(AWAITING_REVIEW, pks[0])
    else:
        send_notifications.delay(AWAITING_REVIEW, pks)


def _on_approved(sender, pk: int, **kwargs) -> None:
    _queue(APPROVED, pk)


def _on_rejected(sender, pk: int, **kwargs) -> None:
    _queue(REJECTED, pk)


def _on_kvk_outcome(sender, pk: int, **kwargs) -> None:
    status = ApprovalMessage.objects.filter(pk=pk).values_list("status", flat=True).first()
    if status == Status.FILED:
        _queue(FILED, pk)
    elif status == Status.REFUSED:
        _queue(REFUSED, pk)


def _on_retries_exhausted(sender, pk: int, **kwargs) -> None:
    _queue(RETRIES_EXHAUSTED, pk)


def _on_kvk_attention(sender, pk: int, **kwargs) -> None:
    _queue(KVK_ATTENTION, pk)


def _on_comment_added(sender, pk: int, comment_pk: int | None = None, **kwargs) -> None:
    if comment_pk is not None:
        _queue(COMMENT, pk, comment_pk)


# --- who and what --------------------------------------------------------------------------


def client_recipients(message) -> list[Recipient]:
    recipients = []
    contacts = getattr(message.organisation, "portal_contacts", None)  # prefetched for a batch
    if contacts is None:
        contacts = message.organisation.contacts.filter(portal_access=True).select_related("user")
    for contact in contacts:
        if contact.user is not None and not contact.user.is_active:
            continue  # their login was deactivated: they no longer hear from the portal
        email = contact.email or (contact.user.email if contact.user else "")
        if email:
            recipients.append(
                Recipient(email, contact.language or "nl", contact.name, False, contact.user_id)
            )
    return recipients


def staff_recipients(message) -> list[Recipient]:
    """The organisation's responsible staff member (crm.models.Organisation.responsible);
    every staff member of the environment when it has none, or when theirs cannot receive
    mail (a deactivated login, no e-mail address): the mail never goes nowhere."""
    members = [
        m
        for m in StaffMember.objects.filter(
            environment_id=message.organisation.environment_id
        ).select_related("user")
        if m.receives_mail
    ]
    responsible = [m for m in members if m.pk == message.organisation.responsible_id]
    return [
        Recipient(
            email=m.user.email,
            language=m.language or settings.LANGUAGE_CODE,
            name=m.user.get_full_name() or m.user.username,
            staff=True,
        )
        for m in responsible or members
    ]


def _relevant(kind: str, message) -> bool:
    """The state may have moved on between the signal and the task: mail only what is
    still true, so nobody is asked to review a message that is already approved."""
    if kind == AWAITING_REVIEW:
        return message.status == Status.IN_REVIEW and not message.awaiting_accountant_review
    if kind == KVK_ATTENTION:
        return (
            message.status == Status.SENT_TO_KVK
            and bool(message.attention_code)
            and message.attention_acknowledged_at is None
        )
    expected = {
        APPROVED: {
            Status.APPROVED,
            Status.SENT_TO_KVK,
            Status.TRANSPORT_ERROR,
            Status.FILED,
            Status.REFUSED,
        },
        REJECTED: {Status.REJECTED},
        FILED: {Status.FILED},
        REFUSED: {Status.REFUSED},
        RETRIES_EXHAUSTED: {Status.TRANSPORT_ERROR},
    }
    return message.status in expected.get(kind, set())


def _subject(kind: str, message) -> str:
    names = {"organisation": message.organisation.name, "year": message.financial_year or ""}
    subjects = {
        AWAITING_REVIEW: _("Jaarrekening %(year)s van %(organisation)s wacht op uw goedkeuring"),
        APPROVED: _("%(organisation)s heeft de jaarrekening %(year)s goedgekeurd"),
        REJECTED: _("%(organisation)s heeft de jaarrekening %(year)s afgekeurd"),
        FILED: _("Jaarrekening %(year)s van %(organisation)s is gedeponeerd bij de KvK"),
        REFUSED: _("KvK heeft de jaarrekening %(year)s van %(organisation)s afgekeurd"),
        RETRIES_EXHAUSTED: _(
            "Actie nodig: verzenden naar de KvK mislukt voor de jaarrekening %(year)s van "
            "%(organisation)s"
        ),
        KVK_ATTENTION: _(
            "Vraagt aandacht: jaarrekening %(year)s van %(organisation)s, verzonden naar de KvK"
        ),
        COMMENT: _("Nieuwe opmerking bij de jaarrekening %(year)s van %(organisation)s"),
    }
    if kind == AWAITING_REVIEW and message.resubmission:
        return (
            _(
                "Heraanlevering van de jaarrekening %(year)s van %(organisation)s wacht op uw "
                "goedkeuring"
            )
            % names
        )
    if kind == AWAITING_REVIEW and message.replaces_id:
        return (
            _(
                "Nieuwe versie van de jaarrekening %(year)s van %(organisation)s wacht op uw "
                "goedkeuring"
            )
            % names
        )
    if kind == REFUSED and refused_by_digipoort(message.reasons):
        # Digipoort's own check (311), before the KvK received anything: not the KvK's verdict.
        return (
            _(
                "Digipoort heeft de jaarrekening %(year)s van %(organisation)s afgekeurd bij de "
                "controle"
            )
            % names
        )
    return subjects[kind] % names


def _link(message, staff: bool) -> str:
    name = "insite-message" if staff else "outsite-message"
    return settings.PORTAL_BASE_URL.rstrip("/") + reverse(name, args=[message.pk])


def _one_full_stop(text: str, name: str) -> str:
    """A name that ends in a full stop (Korenschoof B.V.) ends the sentence with it: never
    "B.V.." in any language's wording."""
    return text.replace(name + ".", name) if name.endswith(".") else text


def _adopter(kind: str, message, recipient: Recipient) -> Adopter | None:
    """For a client asked to review: whether he or she records the adoption, when the
    organisation names one contact to do so (workflow.approvers.named_adopter); None
    otherwise, and the mail asks every reader to adopt as before."""
    if kind != AWAITING_REVIEW or recipient.staff:
        return None
    return named_adopter(message, recipient.user_id)


@dataclass(frozen=True)
class EarlierVersion:
    """The version a message asked to be reviewed replaces (ApprovalMessage.replaces)."""

    received: datetime
    #: Adopted or (partly) approved: bound to its own document, none of it counts for the
    #: new version (workflow.services.versions), which the mail says.
    consented: bool


def _earlier_version(kind: str, message) -> EarlierVersion | None:
    if kind != AWAITING_REVIEW or not message.replaces_id:
        return None
    earlier = (
        ApprovalMessage.objects.filter(pk=message.replaces_id)
        .only("created_at", "adopted", "document_sha256")
        .first()
    )
    if earlier is None:
        return None
    return EarlierVersion(earlier.created_at, earlier.adopted or bool(approvals_given(earlier)))


def filing_deadline(kind: str, message) -> DeadlineRow | None:
    """For a mail asking the client to review: the year's filing deadline as Termijnen
    counts it (deadlines.periods.message_row), once for all its recipients; None for other
    mails and where no deadline is computed (a legal form without one: no line)."""
    return periods.message_row(message) if kind == AWAITING_REVIEW else None


def render_mail(
    kind: str, message, recipient: Recipient, comment=None, *, filing: DeadlineRow | None = None
) -> tuple[str, str]:
    """The subject and body of one notification to ``recipient``. ``filing``: the year's
    row as Termijnen counts it (``filing_deadline``), for a mail that asks for a review."""
    with translation.override(recipient.language):
        # A client never reads the technical detail of a reason, nor the findings of the
        # document's checks but in plain words; the staff do. Both read the sentences in
        # the recipient's language (workflow.reasons.sentence).
        reasons = message.reasons if recipient.staff else in_plain_words(message.reasons)
        subject = _subject(kind, message)
        body = render_to_string(
            "portal/email/notification.txt",
            {
                "kind": kind,
                "message": message,
                "recipient": recipient,
                "link": _link(message, recipient.staff),
                "reasons": reasons,
                "status_label": (
                    f"{message.status} {message.status_label}"
                    if recipient.staff
                    else client_status(message.status, message.reasons)
                ),
                "comment": comment,
                # The same document again after the client rejected it: the staff's reason.
                "repair_reason": repair_reason(message) if kind == AWAITING_REVIEW else "",
                "adopter": _adopter(kind, message, recipient),
                # A new version: what it replaces, and whether an adoption or approval of
                # that one no longer counts.
                "earlier": _earlier_version(kind, message),
                # The explanation says what the short label says (and more): the label
                # only heads the detail of a code without one of its own.
                "attention_label": (
                    ""
                    if message.attention_code in ATTENTION
                    else attention_label(message.attention_code)
                ),
                "attention": attention_text(message.attention_code, message.attention_detail),
                "filing": filing,
            },
        )
    name = message.organisation.name
    return _one_full_stop(subject, name), _one_full_stop(body, name)


@shared_task(
    bind=True,
    autoretry_for=(OSError, SoftTimeLimitExceeded),
    retry_backoff=30,
    max_retries=5,
    acks_late=True,
    ignore_result=True,
)
def send_notification(
    self, kind: str, pk: int, comment_pk: int | None = None, event: str | None = None
) -> int:
    """Render and send one notification to everyone concerned; returns the number sent.

    Each recipient gets it at most once (``NotificationLog``): a retry after the mail
    server failed, or a redelivery of the task, sends only to those not yet served. A
    refused address is logged and skipped. ``event`` is given by a batch that hands a
    message on; otherwise this task's own id names the notification."""
    message = _messages([pk]).first()
    if message is None:
        return 0
    return _send(kind, message, comment_pk, event=event or _event(self))


def _event(task) -> str:
    """The key of a notification across retries: the Celery id stays with the task."""
    return task.request.id or uuid.uuid4().hex


def _messages(pks: list[int]):
    return (
        ApprovalMessage.objects.select_related("organisation")
        .defer("document", "received_document")
        .filter(pk__in=pks)
    )


def _recipients(kind: str, message, comment) -> list[Recipient]:
    recipients: list[Recipient] = []
    if kind == COMMENT:
        # The other side hears about it; the author never gets their own comment.
        if comment.author_kind == "staff":
            recipients = client_recipients(message) if client_may_see(message) else []
        else:
            recipients = staff_recipients(message)
        author = logins.address_key(comment.author.email)
        recipients = [r for r in recipients if logins.address_key(r.email) != author]
    if kind in CLIENT_KINDS:
        recipients += client_recipients(message)
    if kind in STAFF_KINDS:
        recipients += staff_recipients(message)
    # One mail per address whatever its capitals: two contacts "Jan@x.nl" and "jan@x.nl"
    # are one person, as the reminders count them (crm.logins.address_key).
    unique: dict[str, Recipient] = {}
    for recipient in recipients:
        unique.setdefault(logins.address_key(recipient.email), recipient)
    return list(unique.values())


def _send(kind: str, message, comment_pk: int | None = None, *, event: str) -> int:
    comment = None
    if kind == COMMENT:
        if comment_pk is None:
            return 0
        comment = Comment.objects.select_related("author").filter(pk=comment_pk).first()
        if comment is None:
            return 0
    elif not _relevant(kind, message):
        return 0
    sent = 0
    filing = filing_deadline(kind, message)
    # A client's reply goes to the responsible staff member, not to the no-reply sender.
    reply_to = crm_services.reply_to([message.organisation])
    for recipient in _recipients(kind, message, comment):
        subject, body = render_mail(kind, message, recipient, comment, filing=filing)
        # One mail per recipient: each in its own language, no addresses shared.
        mail = EmailMessage(
            subject, body, to=[recipient.email], reply_to=None if recipient.staff else reply_to
        )
        sent += _deliver(mail, kind=kind, message=message, event=event)
    log.info("notification %s for message %s sent to %d recipient(s)", kind, message.pk, sent)
    return sent


def _claim(*, event: str, kind: str, message, recipient: str) -> int | None:
    """The log row of this recipient, inserted before sending; None when this notification
    already reached them, was refused, or is being sent by another run."""
    try:
        with transaction.atomic():
            return NotificationLog.objects.create(
                event=event, kind=kind, message=message, recipient=recipient
            ).pk
    except IntegrityError:
        pass
    # Sent before: only a mail server failure that a retry may cure is tried again, and a
    # send whose run died before it could record the outcome (still SENDING after the
    # task's hard time limit: the worker was killed, and Celery delivers the task again or
    # the sweep hands it back, resume_dead_sends); the run whose conditional update takes
    # the row sends it. A mail the dead run did
    # send goes out twice then: rarer and less harmful than one never sent.
    row = (
        NotificationLog.objects.filter(event=event, message=message, recipient=recipient)
        .values_list("pk", "state")
        .first()
    )
    if row is None:
        return None
    pk, state = row
    now = timezone.now()
    died = Q(state=NotificationLog.State.SENDING, claimed_at__lt=now - _SENDING_DIED_AFTER)
    taken = NotificationLog.objects.filter(Q(state=NotificationLog.State.RETRY) | died, pk=pk)
    if not taken.update(state=NotificationLog.State.SENDING, claimed_at=now):
        return None
    if state == NotificationLog.State.SENDING:
        log.warning("notification %s for message %s to %s: taken over", kind, message.pk, recipient)
    return pk


#: How long a row may say SENDING before its run counts as dead: the task's hard time limit
#: (the worker is killed then) and a margin.
_SENDING_DIED_AFTER = timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 60)

#: Notifications one sweep hands back at most; the next sweep takes the rest.
_SWEEP_LIMIT = 500


def resume_dead_sends(*, now: datetime | None = None) -> int:
    """Hand back to a task every notification whose sending run died: rows still SENDING
    past the task's hard time limit (the worker was killed: out of memory, kill -9, the
    limit itself). With the filesystem broker nothing delivers that task again (the
    transport takes a task's file off the queue when a worker starts it); with Redis the
    redelivery may come too, and whichever run takes the row in ``_claim`` sends it, so
    each recipient still gets it at most once. Returns how many notifications were queued.

    Called by the periodic sweep (portal.tasks.resume_stuck_notifications)."""
    now = now or timezone.now()
    # Older rows are not sent again: a database restored from a backup, or a crash long
    # ago, would mail news that may have gone out since. Staff see them as not sent.
    NotificationLog.objects.filter(
        state=NotificationLog.State.SENDING, claimed_at__lt=now - _SWEEP_WINDOW
    ).update(state=NotificationLog.State.REFUSED, error=_DIED_LONG_AGO)
    stale = NotificationLog.objects.filter(
        state=NotificationLog.State.SENDING,
        claimed_at__lt=now - _SENDING_DIED_AFTER,
    )
    dead = stale.values_list("event", "kind", "message_id").order_by().distinct()
    queued = 0
    for event, kind, message_id in dead[:_SWEEP_LIMIT]:
        rows = stale.filter(event=event, message_id=message_id)
        if kind == COMMENT:
            # The row does not name the comment, so it cannot be rendered again: staff see
            # the mail as not sent in the message's list of e-mails.
            rows.update(state=NotificationLog.State.REFUSED, error=_DIED_COMMENT)
            log.warning("notification comment for message %s: its run died", message_id)
            continue
        with transaction.atomic():
            # RETRY is what _claim takes on; the conditional update lets one of two
            # overlapping sweeps queue it, and a broker that refuses leaves it for the next.
            if rows.update(state=NotificationLog.State.RETRY, error=_DIED):
                send_notification.delay(kind, message_id, None, event)
                queued += 1
    return queued


_DIED = "WorkerLost: the worker stopped while sending; sent again by the sweep"
_DIED_COMMENT = "WorkerLost: the worker stopped while sending; a comment is not sent again"
_DIED_LONG_AGO = "WorkerLost: the worker stopped while sending over a day ago; not sent again"
#: How old a dead send may be to be sent again by the sweep.
_SWEEP_WINDOW = timedelta(days=1)


def _record(pk: int, state: str, error: BaseException | None = None) -> None:
    NotificationLog.objects.filter(pk=pk).update(
        state=state,
        error=f"{type(error).__name__}: {error}"[:2000] if error else "",
        sent_at=timezone.now() if state == NotificationLog.State.SENT else None,
    )


def _deliver(mail: EmailMessage, *, kind: str, message, event: str) -> int:
    """Send ``mail`` to its one recipient unless this notification already reached them;
    1 when sent now. A refused address is recorded and skipped; any other failure of the
    mail server is recorded and raised, so the task retries those not yet served."""
    (address,) = mail.to
    pk = _claim(event=event, kind=kind, message=message, recipient=address)
    if pk is None:
        return 0
    try:
        mail.send()
    except smtplib.SMTPRecipientsRefused as error:
        log.warning("notification %s for message %s: %s refused", kind, message.pk, address)
        _record(pk, NotificationLog.State.REFUSED, error)
        return 0
    except (OSError, SoftTimeLimitExceeded) as error:  # a retry may cure it
        _record(pk, NotificationLog.State.RETRY, error)
        raise
    except Exception as error:  # a bad address or header: a retry would not help
        log.exception("notification %s for message %s to %s failed", kind, message.pk, address)
        _record(pk, NotificationLog.State.REFUSED, error)
        return 0
    _record(pk, NotificationLog.State.SENT)
    return 1


@shared_task(bind=True, acks_late=True, ignore_result=True)
def send_notifications(self, kind: str, pks: list[int]) -> int:
    """``send_notification`` for several messages in one task (a processed batch). A
    message whose mail fails (mail server away, anything) goes to a task of its own under
    the same event, which retries or fails visibly for the recipients not yet served; the
    others are still sent, and never twice."""
    from django.db.models import Prefetch

    event = _event(self)
    contacts = Contact.objects.filter(portal_access=True).select_related("user")
    messages = _messages(pks).prefetch_related(
        Prefetch("organisation__contacts", queryset=contacts, to_attr="portal_contacts")
    )
    sent = 0
    for message in messages:
        pk = message.pk
        try:
            sent += _send(kind, message, event=event)
        except Exception:
            log.exception("notification %s for message %s failed; retried on its own", kind, pk)
            send_notification.delay(kind, pk, None, event)
    return sent


def link_days() -> int:
    """How many days a link to choose a password works (PASSWORD_RESET_TIMEOUT), as the
    invitation and the "Wachtwoord vergeten" mail say it."""
    return max(1, settings.PASSWORD_RESET_TIMEOUT // 86400)


def send_invitation(contact, link: str) -> None:
    """The invitation to the client portal, with the link to choose a password, how long it
    works and what to do once it expired ("Wachtwoord vergeten?" reaches an invited client
    without a password too: portal.forms.PasswordResetForm)."""
    with translation.override(contact.language or settings.LANGUAGE_CODE):
        subject = _("Uitnodiging voor de klantportal van %(firm)s") % {
            "firm": contact.organisation.environment.name
        }
        body = render_to_string(
            "portal/email/invitation.txt",
            {"contact": contact, "link": link, "days": link_days()},
        )
    EmailMessage(
        subject, body, to=[contact.email], reply_to=crm_services.reply_to([contact.organisation])
    ).send()


#: What each notification is about, as staff read it in the message's list of e-mails.
KIND_LABELS = {
    AWAITING_REVIEW: gettext_lazy("Wacht op goedkeuring"),
    APPROVED: gettext_lazy("Goedgekeurd door de cliënt"),
    REJECTED: gettext_lazy("Afgekeurd door de cliënt"),
    FILED: gettext_lazy("Gedeponeerd bij de KvK"),
    REFUSED: gettext_lazy("Afgekeurd door de KvK"),
    RETRIES_EXHAUSTED: gettext_lazy("Verzenden naar de KvK mislukt"),
    KVK_ATTENTION: gettext_lazy("Vraagt aandacht na verzending"),
    COMMENT: gettext_lazy("Nieuwe opmerking"),
}


@dataclass(frozen=True)
class SentMail:
    """One row of a message's e-mails in InSite: a notification or a reminder."""

    at: Any
    about: str
    recipients: str
    state: str
    failed: bool
    error: str


def sent_mails(message) -> list[SentMail]:
    """The e-mails about ``message``, newest first: who got which notification or reminder,
    and which address the mail server refused (staff answer "did the client get it?")."""
    rows = [
        SentMail(
            at=log.sent_at or log.created_at,
            about=str(KIND_LABELS.get(log.kind, log.kind)),
            recipients=log.recipient,
            state=log.get_state_display(),
            failed=log.state in (NotificationLog.State.REFUSED, NotificationLog.State.RETRY),
            error=log.error,
        )
        for log in NotificationLog.objects.filter(message=message)
    ]
    rows += [
        SentMail(
            at=reminder.sent_at or reminder.created_at,
            about=reminder.get_kind_display(),
            recipients=", ".join(reminder.recipients),
            state=reminder.outcome(),
            failed=bool(reminder.error),
            error=reminder.error,
        )
        for reminder in ReminderLog.objects.filter(message=message)
    ]
    return sorted(rows, key=lambda row: row.at, reverse=True)
