"""The portal's views: InSite (staff), OutSite (clients) and the login."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect

from portal import permissions
from portal.views.common import healthz

__all__ = ["healthz", "home"]


@login_required
def home(request: HttpRequest) -> HttpResponse:
    if permissions.staff_member(request.user):
        return redirect("insite-dashboard")
    if permissions.client_contact(request.user):
        return redirect("outsite-messages")
    if request.user.is_superuser:
        return redirect("admin:index")
    raise Http404
