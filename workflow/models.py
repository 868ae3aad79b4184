"""Approval messages (Accorderingsberichten), their status machine, the audit trail and
the workflow definitions that say who does what."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.expressions import Combinable
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMIntegerField, FSMModelMixin, transition

from crm import permissions
from crm.models import (
    AccountancyEnvironment,
    AdopterRule,
    ApproverRule,
    Organisation,
    rule_field,
)
from crm.services import stopped_for_kvk_number
from kvk.fields import owner_field
from kvk.status import Status
from workflow import reasons as reason_catalogue


def sha256_hex(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


@dataclass(frozen=True)
class Actor:
    """Who performs an action: recorded on every audit event and checked by permissions."""

    class Kind:
        STAFF = "staff"
        CLIENT_USER = "client_user"
        CLIENT_TOKEN = "client_token"
        SYSTEM = "system"

    kind: str
    user: Any = None
    organisation_id: int | None = None  # for a client token
    label: str = ""
    ip_address: str | None = None

    @classmethod
    def system(cls, label: str = "systeem") -> Actor:
        return cls(kind=cls.Kind.SYSTEM, label=label)

    @classmethod
    def for_user(cls, user: Any, ip_address: str | None = None) -> Actor:
        kind = cls.Kind.STAFF if permissions.staff_member(user) else cls.Kind.CLIENT_USER
        return cls(kind=kind, user=user, label=user.get_username(), ip_address=ip_address)

    @classmethod
    def for_token(cls, *, organisation_id: int, label: str, ip_address: str | None) -> Actor:
        return cls(
            kind=cls.Kind.CLIENT_TOKEN,
            organisation_id=organisation_id,
            label=label,
            ip_address=ip_address,
        )


# --- permissions: one function per role, used by the transitions and the services ---------
#
# The rules themselves live in crm.permissions (staff see the organisations of their own
# accountancy environment; a client user only its own organisation). These functions add
# the kind of actor: a client token may register messages but never approve or reject.
# (Typed loosely: django-fsm calls them with the model and the "user", here an Actor.)


def is_system(message: Any, actor: Any) -> bool:
    return actor.kind == Actor.Kind.SYSTEM


def is_client(message: Any, actor: Any) -> bool:
    return actor.kind == Actor.Kind.CLIENT_USER and permissions.is_client_of(
        actor.user, message.organisation
    )


def is_staff(message: Any, actor: Any) -> bool:
    return actor.kind == Actor.Kind.STAFF and permissions.is_staff_of(
        actor.user, message.organisation
    )


def is_participant(message: ApprovalMessage, actor: Actor) -> bool:
    """Staff of the environment, or a client user who may see the message (comments)."""
    if is_staff(message, actor):
        return True
    return is_client(message, actor) and client_may_see(message)


#: Statuses whose message OutSite does not show its client yet: received or being
#: processed, before anything was checked.
NOT_SHOWN_TO_CLIENTS = (Status.RECEIVED, Status.PROCESSING)

#: The messages a client may see (OutSite's pages, the mails' links, comments): not one
#: waiting for the accountant's review, nor one still received or being processed.
CLIENT_MAY_SEE = Q(awaiting_accountant_review=False) & ~Q(status__in=NOT_SHOWN_TO_CLIENTS)


def client_may_see(message: ApprovalMessage) -> bool:
    """``CLIENT_MAY_SEE`` of one message."""
    return not message.awaiting_accountant_review and message.status not in NOT_SHOWN_TO_CLIENTS


def _is_adopted(message: Any) -> bool:
    return message.adopted and message.adoption_date is not None


def _review_done(message: Any) -> bool:
    return not message.awaiting_accountant_review


def _not_adopted(message: Any) -> bool:
    return not message.adopted


def _not_on_its_way(message: Any) -> bool:
    """A version a newer one may close: one waiting for the client (30), or one the delivery
    stopped at 70 because its document's KvK number is no longer the organisation's
    (crm.services.STOPPED_FOR_KVK_NUMBER): it can never be sent under that number. Any
    other 70 may still reach the KvK."""
    if message.status != Status.TRANSPORT_ERROR:
        return True
    return stopped_for_kvk_number(message.status, message.next_attempt_at, message.reasons)


def _edge(
    source: Any, target: Status, label: Any, *, by: Any, conditions: list | None = None
) -> Any:
    """A transition of ``ApprovalMessage.status`` from ``source`` (one status or a list) to
    ``target``: who may take it (``by``), what must hold first, and the action's name in the
    generated state diagram (``label``, kept in ``custom``)."""
    return transition(
        field="status",
        source=source,
        target=target,
        conditions=conditions,
        permission=by,
        custom={"label": label},
    )


def _approval(label: Any, adoption: Any) -> Any:
    """30 -> 50 by the client once any review by the accountant is done; ``adoption`` is
    what the adoption must be for this kind of approval."""
    return _edge(
        Status.IN_REVIEW, Status.APPROVED, label, by=is_client, conditions=[adoption, _review_done]
    )


class WorkflowDefinition(models.Model):
    """The workflow an approval message of a message type follows (tasks per role)."""

    environment = owner_field(AccountancyEnvironment, "workflows")
    name = models.CharField(_("naam"), max_length=200)
    accountant_review = models.BooleanField(
        _("beoordeling door accountant vóór de cliënt"),
        default=False,
        help_text=_("Een medewerker beoordeelt het bericht voordat de cliënt het ziet."),
    )
    # Who must approve a message; an organisation may override it (Organisation.approver_rule).
    approver_rule = rule_field(_("goedkeuring door"), ApproverRule, default=ApproverRule.ONE)
    # Who records the adoption; an organisation may override it (Organisation.adopter_rule).
    adopter_rule = rule_field(_("vaststelling door"), AdopterRule, default=AdopterRule.APPROVER)

    class Meta:
        verbose_name = _("workflow")
        verbose_name_plural = _("workflows")

    def __str__(self) -> str:
        return self.name

    @property
    def requires_accountant_review(self) -> bool:
        """The accountant reviews a message before the client sees it: the flag, or a
        review task in the workflow."""
        return self.accountant_review or any(
            task.action == WorkflowTask.Action.REVIEW for task in self.tasks.all()
        )

    def is_linked(self) -> bool:
        """True when a message type uses this workflow (connectors.MessageType, which this
        app may not import: found through the reverse relation)."""
        for relation in self._meta.related_objects:
            if relation.related_model._meta.label == "connectors.MessageType":
                manager = relation.related_model._default_manager
                return manager.filter(**{relation.field.name: self}).exists()
        return False

    def missing_required_actions(self) -> list[str]:
        """The required actions this workflow lacks; it cannot be linked until none."""
        present = {task.action for task in self.tasks.all()}
        return [
            str(WorkflowTask.Action(action).label)
            for action in WorkflowTask.REQUIRED_ACTIONS
            if action not in present
        ]


def workflow_field() -> models.ForeignKey[
    WorkflowDefinition | Combinable | None, WorkflowDefinition | None
]:
    """The workflow a message type is linked to, and a message follows (none: not yet);
    a workflow in use is not deleted."""
    return models.ForeignKey(
        WorkflowDefinition,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("workflow"),
    )


class WorkflowTask(models.Model):
    class Role(models.TextChoices):
        CLIENT = "client", _("Cliënt")
        ACCOUNTANT = "accountant", _("Accountant")

    class Action(models.TextChoices):
        REVIEW = "review", _("Beoordelen door accountant")
        ADOPT = "adopt", _("Jaarrekening vastgesteld")
        APPROVE = "approve", _("Goedkeuren bericht")
        REJECT = "reject", _("Afkeuren bericht")

    REQUIRED_ACTIONS = (Action.APPROVE, Action.REJECT)

    definition = models.ForeignKey(
        WorkflowDefinition,
        on_delete=models.CASCADE,
        related_name="tasks",
        verbose_name=_("workflow"),
    )
    name = models.CharField(_("naam"), max_length=200)
    role = models.CharField(_("rol"), max_length=12, choices=Role.choices)
    action = models.CharField(_("actie"), max_length=12, choices=Action.choices)
    position = models.PositiveSmallIntegerField(_("volgorde"), default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("workflowtaak")
        verbose_name_plural = _("workflowtaken")

    #: Who performs each action; the status machine grants approve and reject to the client.
    ROLE_OF_ACTION: dict[str, str] = {
        Action.REVIEW: Role.ACCOUNTANT,
        Action.ADOPT: Role.CLIENT,
        Action.APPROVE: Role.CLIENT,
        Action.REJECT: Role.CLIENT,
    }

    def __str__(self) -> str:
        return f"{self.name} ({self.get_role_display()})"

    def clean(self) -> None:
        expected = self.ROLE_OF_ACTION.get(self.action)
        if expected is not None and self.role != expected:
            raise ValidationError(
                {
                    "role": _("De actie '%(actie)s' hoort bij de rol %(rol)s.")
                    % {
                        "actie": self.Action(self.action).label,
                        "rol": self.Role(expected).label,
                    }
                }
            )


class ApprovalMessage(FSMModelMixin, models.Model):
    """An approval message (Accorderingsbericht): one filing on the accountant side."""

    organisation = owner_field(Organisation, "approval_messages", on_delete=models.PROTECT)
    message_id = models.UUIDField(_("berichtkenmerk cliënt"))
    message_type = models.CharField(_("berichtsoort"), max_length=50)
    workflow = workflow_field()
    financial_year = models.PositiveSmallIntegerField(_("boekjaar"), null=True, blank=True)
    entry_point = models.CharField(_("entrypoint"), max_length=300, blank=True)
    filename = models.CharField(_("bestandsnaam"), max_length=255)
    # The document as received, and the document that is shown, approved and filed
    # (after adoption the portal produces the final instance).
    received_document = models.BinaryField(verbose_name=_("ontvangen document"))
    document = models.BinaryField(verbose_name=_("document"))
    document_sha256 = models.CharField(max_length=64, verbose_name=_("SHA-256 van het document"))
    # SHA-256 of received_document, which never changes (document_sha256 follows the
    # document, which adoption replaces): finds an upload of a document already received.
    # The database default '' (workflow 0002) lets code that does not know the column yet
    # (the release before, still serving while 0003 and 0004 run) insert messages.
    received_sha256 = models.CharField(
        max_length=64,
        blank=True,
        default="",
        db_default="",
        verbose_name=_("SHA-256 van het ontvangen document"),
    )
    status = FSMIntegerField(
        _("status"), choices=Status.choices, default=Status.RECEIVED, protected=True
    )
    reasons = models.JSONField(_("redenen"), default=list, blank=True)
    findings = models.JSONField(_("bevindingen"), default=list, blank=True)
    awaiting_accountant_review = models.BooleanField(
        default=False, verbose_name=_("wacht op beoordeling door de accountant")
    )
    adopted = models.BooleanField(_("jaarrekening vastgesteld"), default=False)
    adoption_date = models.DateField(_("datum vaststelling"), null=True, blank=True)
    # The adoption date the client entered in its reporting cockpit ("Datum vaststelling
    # jaarrekening"), sent with the upload (connectors.api): a proposal that fills in the
    # OutSite form where the client ticks "Jaarrekening vastgesteld", never a fact of the
    # document. The accounts are adopted, and the date put into the document, only by that
    # tick (services.adopt); until then the document stays as received.
    proposed_adoption_date = models.DateField(
        _("datum vaststelling volgens de klant"), null=True, blank=True
    )
    # The date by which every current director and supervisory director signed the received
    # document (None when one did not sign or no date is given): when all shareholders are
    # directors, signing is adoption and starts the 8 days to file (kvk.deadlines).
    signed_on = models.DateField(_("datum ondertekening"), null=True, blank=True)
    # The (first day, last day) of the accounts the document states, kept by processing
    # with the financial year (None when it states none that ends after it begins, and for
    # another company's document): the deadlines count from it (deadlines.periods; a first
    # year may be shorter or longer, art. 2:10a BW) without reading the document again.
    period_start = models.DateField(_("begin periode document"), null=True, blank=True)
    period_end = models.DateField(_("einde periode document"), null=True, blank=True)
    resubmission = models.BooleanField(_("heraanlevering"), default=False)
    # A correction: the earlier version of the same organisation and financial year that
    # ended without a filing (25, 40 or 90), or that still waited at 30 and was closed for
    # it (workflow.services.versions), and that this message replaces. Set when this one
    # enters the workflow (workflow.services.finish_processing); one successor each.
    replaces = models.OneToOneField(
        "self",
        verbose_name=_("vervangt"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaced_by",
    )
    approved_sha256 = models.CharField(
        max_length=64, blank=True, verbose_name=_("SHA-256 van het goedgekeurde document")
    )
    approved_at = models.DateTimeField(null=True, blank=True, verbose_name=_("goedgekeurd op"))
    # Digipoort: the stable delivery reference (aanleverkenmerk) is fixed at approval so a
    # retry or a recovery after a crash always asks about the same delivery.
    delivery_reference = models.CharField(
        max_length=64, blank=True, verbose_name=_("afleverkenmerk")
    )
    digipoort_kenmerk = models.CharField(
        max_length=100, blank=True, verbose_name=_("kenmerk Digipoort")
    )
    delivery_started_at = models.DateTimeField(
        null=True, blank=True, verbose_name=_("aflevering gestart op")
    )
    submit_attempts = models.PositiveSmallIntegerField(default=0, verbose_name=_("verzendpogingen"))
    next_attempt_at = models.DateTimeField(
        null=True, blank=True, verbose_name=_("volgende verzendpoging op")
    )
    digipoort_statuses = models.JSONField(
        default=list, blank=True, verbose_name=_("statussen Digipoort")
    )
    # The poll schedule at 60: when the status is next asked, and how often it was asked.
    # One periodic task claims due messages with a conditional UPDATE (workflow.polling).
    next_poll_at = models.DateTimeField(
        null=True, blank=True, verbose_name=_("volgende statusopvraging op")
    )
    poll_attempts = models.PositiveIntegerField(default=0, verbose_name=_("statusopvragingen"))
    poll_failures = models.PositiveSmallIntegerField(
        default=0, verbose_name=_("mislukte statusopvragingen op rij")
    )  # in a row
    # Automatic delivery attempts are counted from here: a staff member's "Opnieuw
    # verzenden" gives a fresh budget while submit_attempts keeps counting every attempt
    # (every attempt asks Digipoort before sending, workflow.submission.submit).
    attempts_base = models.PositiveSmallIntegerField(
        default=0, verbose_name=_("verzendpogingen vóór 'Opnieuw verzenden'")
    )
    # Staff checked at Digipoort that the last attempt did not arrive: the next attempt
    # sends without asking first (asking could not tell, see DigipoortClient.find_delivery).
    resend_checked = models.BooleanField(
        default=False, verbose_name=_("niet-aankomst gecontroleerd bij Digipoort")
    )
    # Something a person should look at while the message waits at 60 (an unknown
    # Digipoort status, retries past Digipoort's 72 hours, no verdict): code and raw detail.
    attention_code = models.CharField(
        max_length=40, blank=True, verbose_name=_("code aandachtspunt")
    )
    attention_detail = models.CharField(
        max_length=500, blank=True, verbose_name=_("details aandachtspunt")
    )
    # A staff member marked what the message asks attention for as handled, with a note
    # (audit event "attention_acknowledged", workflow.services.attention): at 60 the
    # attention code (off the list while the poll goes on; a different code clears it), at
    # 25, 40 or 90 the ended message itself. Set only in the status it was marked in: a
    # status change clears it.
    attention_acknowledged_at = models.DateTimeField(
        null=True, blank=True, verbose_name=_("aandachtspunt afgehandeld op")
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("aangemaakt op"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("gewijzigd op"))
    status_changed_at = models.DateTimeField(
        auto_now_add=True, verbose_name=_("status gewijzigd op")
    )

    class Meta:
        verbose_name = _("accorderingsbericht")
        verbose_name_plural = _("accorderingsberichten")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "message_id"], name="message_id_unique_per_org"
            ),
            # What is approved is what is filed: no status from 50 on without the hash.
            models.CheckConstraint(
                condition=models.Q(status__lt=50) | ~models.Q(approved_sha256=""),
                name="approved_requires_hash",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "created_at"]),
            models.Index(fields=["status", "next_poll_at"], name="poll_due"),
            models.Index(
                fields=["organisation", "received_sha256"], name="message_received_sha256"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} {self.financial_year or ''} ({self.message_id})"

    @property
    def status_label(self) -> str:
        """The label of the status; a 25 that a newer version closed (``superseded``) is
        called replaced, its code staying 25 (workflow.reasons.status_words)."""
        return reason_catalogue.status_words(self.status, self.reasons)

    @property
    def superseded(self) -> bool:
        """Closed at 25 because a newer version of its year entered the workflow
        (workflow.services.versions): replaced, not failed; nothing is to be corrected."""
        return self.status == Status.PROCESSING_FAILED and reason_catalogue.superseded(self.reasons)

    # --- transitions: in-memory only; the services save, audit and queue side effects ----
    # ``custom["label"]`` names the action in the generated state diagram.

    @_edge(Status.RECEIVED, Status.PROCESSING, _("Externe berichten verwerken"), by=is_system)
    def claim(self) -> None:
        """10 -> 20: claimed by "Externe berichten verwerken"."""

    @_edge(Status.PROCESSING, Status.PROCESSING_FAILED, _("Verwerking mislukt"), by=is_system)
    def fail_processing(self, reasons: list[dict[str, str]]) -> None:
        self.reasons = reasons

    @_edge(Status.PROCESSING, Status.IN_REVIEW, _("Workflow gestart"), by=is_system)
    def start_workflow(self) -> None:
        self.reasons = []

    @_edge(Status.IN_REVIEW, Status.PROCESSING_FAILED, _("Kopie gesloten"), by=is_system)
    def close_copy(self, reasons: list[dict[str, Any]]) -> None:
        """30 -> 25: a byte-identical copy of a document another message of the organisation
        carries, taken into the workflow before uploads and processing refused copies, is
        closed as processing now ends such a copy (workflow.services.duplicates.close_copy)."""
        self.reasons = reasons

    @_edge(
        [Status.IN_REVIEW, Status.TRANSPORT_ERROR],
        Status.PROCESSING_FAILED,
        _("Vervangen door nieuwe versie"),
        by=is_system,
        conditions=[_not_on_its_way],
    )
    def close_superseded(self, reasons: list[dict[str, Any]]) -> None:
        """30 -> 25: a newer version of the same organisation's accounts for the same
        financial year entered the workflow, so this older one, still waiting for the
        client, is closed and replaced (workflow.services.versions).

        70 -> 25: the same for an approved version the delivery stopped because the
        organisation's KvK number changed (the company was registered anew): the KvK takes
        accounts only under the number they contain, so the client sends a new version
        under the new number, and it replaces this one."""
        self.reasons = reasons

    @_edge(
        Status.IN_REVIEW,
        Status.REJECTED,
        _("Afkeuren bericht"),
        by=is_client,
        conditions=[_review_done],
    )
    def reject(self, reason: str) -> None:
        self.reasons = [{"code": "client_rejected", "message": reason}]

    @_edge(Status.REJECTED, Status.IN_REVIEW, _("Berichtstatus herstellen"), by=is_staff)
    def repair(self) -> None:
        """Staff repair the message status and put it back into the workflow."""
        self.reasons = []

    @_approval(_("Goedkeuren bericht"), _is_adopted)
    def approve(self) -> None:
        self._bind_approval()

    @_approval(_("Goedkeuren als niet vastgestelde jaarrekening"), _not_adopted)
    def approve_not_adopted(self) -> None:
        """30 -> 50 without adoption: the general meeting did not adopt the accounts in time,
        so the board files the drawn-up accounts as they are, DocumentAdoptionStatus Nee
        (art. 2:394 lid 2 BW; workflow.services.not_adopted). The adopted accounts follow
        later as a new message, the tweede aanlevering (KVK-SBR.md section 1)."""
        self._bind_approval()

    def _bind_approval(self) -> None:
        """What is approved is what is filed: the hash of exactly this document, and the
        delivery reference every attempt to deliver it asks Digipoort about."""
        self.approved_sha256 = self.document_sha256
        self.delivery_reference = uuid.uuid4().hex

    @_edge(
        [Status.APPROVED, Status.TRANSPORT_ERROR],
        Status.SENT_TO_KVK,
        _("Afgeleverd bij Digipoort"),
        by=is_system,
    )
    def mark_delivered(self, kenmerk: str) -> None:
        self.digipoort_kenmerk = kenmerk
        self.reasons = []

    @_edge(
        Status.TRANSPORT_ERROR,
        Status.SENT_TO_KVK,
        _("Aflevering vastgelegd door medewerker"),
        by=is_staff,
    )
    def record_delivery(self, kenmerk: str) -> None:
        """Staff checked at Digipoort that an attempt did arrive, under ``kenmerk``."""
        self.digipoort_kenmerk = kenmerk
        self.reasons = []

    @_edge(
        [Status.APPROVED, Status.SENT_TO_KVK],
        Status.TRANSPORT_ERROR,
        _("Fout bij verzenden"),
        by=is_system,
    )
    def mark_transport_error(self, reasons: list[dict[str, str]]) -> None:
        self.reasons = reasons

    @_edge(Status.SENT_TO_KVK, Status.FILED, _("Gedeponeerd"), by=is_system)
    def mark_filed(self) -> None:
        self.reasons = []

    @_edge(Status.SENT_TO_KVK, Status.REFUSED, _("Afgekeurd door KvK"), by=is_system)
    def mark_refused(self, reasons: list[dict[str, str]]) -> None:
        self.reasons = reasons

    @classmethod
    def status_transitions(cls) -> list[tuple[int, int, str, str]]:
        """Every (source, target, method name, label) of the status machine, in code order.

        The state diagram and its test read this, so the picture cannot drift from the code.
        """
        field: Any = cls._meta.get_field("status")
        edges = []
        for t in field.get_all_transitions(cls):
            edges.append((int(t.source), int(t.target), t.name, str(t.custom.get("label", ""))))
        return sorted(edges)


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs: Any) -> int:
        raise PermissionDenied("Audit events cannot be changed.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionDenied("Audit events cannot be deleted.")


class StatusEvent(models.Model):
    """One audit event per action on a message; append-only."""

    message = models.ForeignKey(
        ApprovalMessage, on_delete=models.PROTECT, related_name="events", verbose_name=_("bericht")
    )
    organisation = owner_field(Organisation, "+", on_delete=models.PROTECT)
    # Per-organisation sequence, used as the updates cursor of the client API.
    sequence = models.BigIntegerField(verbose_name=_("volgnummer"))
    action = models.CharField(_("actie"), max_length=40)
    from_status = models.PositiveSmallIntegerField(
        null=True, blank=True, choices=Status.choices, verbose_name=_("van status")
    )
    to_status = models.PositiveSmallIntegerField(
        choices=Status.choices, verbose_name=_("naar status")
    )
    actor_kind = models.CharField(max_length=20, verbose_name=_("soort uitvoerder"))
    actor_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("gebruiker"),
    )
    actor_label = models.CharField(max_length=200, blank=True, verbose_name=_("uitvoerder"))
    ip_address = models.GenericIPAddressField(null=True, blank=True, verbose_name=_("IP-adres"))
    reasons = models.JSONField(default=list, blank=True, verbose_name=_("redenen"))
    document_sha256 = models.CharField(
        max_length=64, blank=True, verbose_name=_("SHA-256 van het document")
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("aangemaakt op"))

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["sequence"]
        verbose_name = _("gebeurtenis")
        verbose_name_plural = _("gebeurtenissen")
        indexes = [models.Index(fields=["message", "sequence"])]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "sequence"], name="event_sequence")
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.from_status}->{self.to_status}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionDenied("Audit events cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise PermissionDenied("Audit events cannot be deleted.")


class Comment(models.Model):
    """A comment between client and accountant on a message."""

    message = models.ForeignKey(
        ApprovalMessage,
        on_delete=models.CASCADE,
        related_name="comments",
        verbose_name=_("bericht"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, verbose_name=_("auteur")
    )
    author_kind = models.CharField(max_length=20, verbose_name=_("soort auteur"))
    text = models.TextField(_("opmerking"), max_length=4000)
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("aangemaakt op"))

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("opmerking")
        verbose_name_plural = _("opmerkingen")

    def __str__(self) -> str:
        return self.text[:50]


class NotificationLog(models.Model):
    """One e-mail notification about a message to one recipient (portal.notifications).

    The row is inserted *before* the e-mail is sent, under a unique constraint per
    (event, message, recipient): a retry of the task, a redelivery after a worker died, or
    a batch's follow-up task, sends only to the recipients without a row, or whose row
    says the mail server failed in a way a retry may cure. ``event`` names the task that
    first carried the notification (its Celery id), so the same kind about the same message
    later (a second 70, a second comment) is a new event and is sent again.
    """

    class State(models.TextChoices):
        SENDING = "sending", _("wordt verzonden")
        SENT = "sent", _("verzonden")
        REFUSED = "refused", _("geweigerd, niet opnieuw geprobeerd")
        RETRY = "retry", _("mislukt, wordt opnieuw geprobeerd")

    event = models.CharField(max_length=64)
    message = models.ForeignKey(
        ApprovalMessage, on_delete=models.CASCADE, related_name="notification_logs"
    )
    kind = models.CharField(max_length=40)
    recipient = models.EmailField(max_length=254)
    state = models.CharField(max_length=10, choices=State.choices, default=State.SENDING)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    #: When the run now sending it took the row: a run that died while sending (its row
    #: still says SENDING long after) is taken over by the task's redelivery.
    claimed_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("verstuurde melding")
        verbose_name_plural = _("verstuurde meldingen")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "message", "recipient"], name="notification_once_per_recipient"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.message_id} {self.recipient} ({self.state})"
