"""App connectors, per-client tokens and message types (berichtsoorten)."""

from __future__ import annotations

import hashlib
import secrets

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crm.models import AccountancyEnvironment, Organisation
from kvk.fields import owner_field, user_field
from workflow.models import workflow_field

TOKEN_PREFIX_LENGTH = 8


def hash_token(raw: str) -> str:
    # Tokens carry 256 bits of randomness, so a plain SHA-256 is enough (no key stretching).
    return hashlib.sha256(raw.encode()).hexdigest()


class AppConnector(models.Model):
    """An app connector: the gate through which client environments call web services."""

    environment = owner_field(AccountancyEnvironment, "app_connectors")
    name = models.CharField(_("naam"), max_length=200)
    user_group = models.ForeignKey(
        Group, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("gebruikersgroep")
    )
    blocked = models.BooleanField(_("geblokkeerd"), default=False)
    commsvc = models.BooleanField(
        _("toegang tot CommSvcConnector"),
        default=True,
        help_text=_("Geeft cliëntomgevingen toegang tot het uploaden en volgen van berichten."),
    )

    class Meta:
        verbose_name = _("app connector")
        verbose_name_plural = _("app connectoren")

    def __str__(self) -> str:
        return self.name


class ClientTokenQuerySet(models.QuerySet):
    def active(self) -> ClientTokenQuerySet:
        now = timezone.now()
        return self.filter(revoked_at__isnull=True).filter(
            models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=now)
        )


class ClientToken(models.Model):
    """One token per client environment, bound to one organisation; stored only as a hash."""

    connector = models.ForeignKey(
        AppConnector, on_delete=models.CASCADE, related_name="tokens", verbose_name=_("connector")
    )
    organisation = owner_field(Organisation, "tokens")
    description = models.CharField(_("omschrijving"), max_length=200, blank=True)
    prefix = models.CharField(_("begin van het token"), max_length=TOKEN_PREFIX_LENGTH)
    token_hash = models.CharField(
        max_length=64, unique=True, editable=False, verbose_name=_("hash van het token")
    )
    created_at = models.DateTimeField(_("aangemaakt"), auto_now_add=True)
    created_by = user_field(_("aangemaakt door"))
    last_used_at = models.DateTimeField(_("laatst gebruikt"), null=True, blank=True)
    expires_at = models.DateTimeField(_("verloopt"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("ingetrokken"), null=True, blank=True)

    objects = ClientTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("token")
        verbose_name_plural = _("tokens")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.organisation})"

    @staticmethod
    def generate() -> str:
        return "dpn_" + secrets.token_urlsafe(32)

    @property
    def is_active(self) -> bool:
        if self.revoked_at is not None:
            return False
        return self.expires_at is None or self.expires_at > timezone.now()


#: The message type codes this portal knows how to process (documented in the API schema).
MESSAGE_TYPE_CODES = ("kvk-micro-klein",)


class MessageType(models.Model):
    """A message type (berichtsoort) with its blocked flag and linked workflow."""

    KVK_MICRO_KLEIN = "kvk-micro-klein"

    environment = owner_field(AccountancyEnvironment, "message_types")
    code = models.SlugField(_("code"), max_length=50)
    name = models.CharField(_("naam"), max_length=200)
    blocked = models.BooleanField(_("geblokkeerd"), default=False)
    workflow = workflow_field()

    class Meta:
        verbose_name = _("berichtsoort")
        verbose_name_plural = _("berichtsoorten")
        constraints = [
            models.UniqueConstraint(fields=["environment", "code"], name="message_type_code")
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        workflow = self.workflow
        if workflow is not None:
            if workflow.environment_id != self.environment_id:
                raise ValidationError(
                    {"workflow": _("Deze workflow hoort bij een andere omgeving.")}
                )
            missing = workflow.missing_required_actions()
            if missing:
                raise ValidationError(
                    {
                        "workflow": _("De workflow mist de verplichte acties: %(acties)s.")
                        % {"acties": ", ".join(missing)}
                    }
                )
