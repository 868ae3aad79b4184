"""The portal's views: InSite (staff), OutSite (clients) and the login."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect

from crm import permissions
from portal.views.common import healthz, liveness

__all__ = ["healthz", "home", "liveness", "outsite_home"]


@login_required
def home(request: HttpRequest) -> HttpResponse:
    if permissions.staff_member(request.user):
        return redirect("insite-dashboard")
    if permissions.is_client(request.user):
        return redirect("outsite-messages")
    if request.user.is_superuser:
        return redirect("admin:index")
    if request.user.has_perm("clientside.prepare_report") or request.user.has_perm(
        "clientside.send_receive"
    ):
        # Someone of the client's own environment (bookkeeping side), not a portal user.
        return redirect("clientside:home")
    raise Http404


@login_required
def outsite_home(request: HttpRequest) -> HttpResponse:
    """``/outsite/``, typed or bookmarked: a client to "Mijn accorderingsberichten"; anyone
    else where the site's home sends them (staff to InSite's dashboard)."""
    if permissions.is_client(request.user):
        return redirect("outsite-messages")
    return home(request)
