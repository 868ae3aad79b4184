"""The Django admin behind the portal's login (django-axes lockout, TOTP for staff)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import admin
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


def needs_second_factor(user) -> bool:
    """True when this user must still pass the TOTP step before using staff pages."""
    if not getattr(settings, "OTP_REQUIRED_FOR_STAFF", True):
        return False
    return not (getattr(user, "is_verified", lambda: False)())


class DeponeerAdminSite(admin.AdminSite):
    site_header = _("Deponeer beheer")
    site_title = _("Deponeer beheer")
    index_title = _("Inrichting en audittrail")

    def each_context(self, request: HttpRequest) -> dict:
        # "Website bekijken": InSite, which tells a superuser without a StaffMember what to
        # do (portal.views.common.no_staff_member); "/" sent him back here (views.home).
        return {**super().each_context(request), "site_url": reverse("insite-dashboard")}

    def has_permission(self, request: HttpRequest) -> bool:
        return super().has_permission(request) and not needs_second_factor(request.user)

    def login(self, request: HttpRequest, extra_context=None) -> HttpResponse:
        # One login for the whole site: the portal's, with lockout and the second factor.
        target = request.GET.get("next") or reverse("admin:index")
        return HttpResponseRedirect(reverse("login") + "?" + urlencode({"next": target}))
