from __future__ import annotations

from typing import TYPE_CHECKING

from axes import apps as axes_apps
from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp import apps as totp_apps

if TYPE_CHECKING:
    from django.db.models import Model
    from django_stubs_ext import StrOrPromise


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Accountancyportal")
    default = True

    def ready(self) -> None:
        from portal import checks, notifications

        notifications.connect()
        checks.register()


class PortalAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with the portal's admin site: login through the portal, so the
    lockout and the staff second factor guard the admin too."""

    default = False
    default_site = "portal.admin_site.DeponeerAdminSite"


def name_model(model: type[Model], singular: StrOrPromise, plural: StrOrPromise) -> None:
    """Give a third-party model a Dutch name in the admin (its package has no Dutch
    catalogue). Only the model's current options change, not the ones its migrations are
    made from (``Meta.original_attrs``), so no migration of the package follows."""
    model._meta.verbose_name = singular
    model._meta.verbose_name_plural = plural


class AxesConfig(axes_apps.AppConfig):
    """django-axes (login lockout) under Dutch names in the admin."""

    verbose_name = _("Inlogbeveiliging")

    def ready(self) -> None:
        super().ready()
        from axes.models import AccessAttempt, AccessFailureLog, AccessLog

        name_model(AccessAttempt, _("mislukte inlogpoging"), _("mislukte inlogpogingen"))
        name_model(AccessLog, _("aanmelding"), _("aanmeldingen"))
        name_model(AccessFailureLog, _("mislukte aanmelding"), _("mislukte aanmeldingen"))


class TotpConfig(totp_apps.DefaultConfig):
    """django-otp's TOTP devices (the staff's second factor) under Dutch names in the admin."""

    verbose_name = _("Tweestapsverificatie")

    def ready(self) -> None:
        super().ready()
        from django_otp.plugins.otp_totp.models import TOTPDevice

        name_model(TOTPDevice, _("TOTP-apparaat"), _("TOTP-apparaten"))
