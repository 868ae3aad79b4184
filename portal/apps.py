from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Portal")
    default = True

    def ready(self) -> None:
        from portal import notifications

        notifications.connect()


class PortalAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with the portal's admin site: login through the portal, so the
    lockout and the staff second factor guard the admin too."""

    default = False
    default_site = "portal.admin_site.DeponeerAdminSite"
