"""The portal's views: InSite (staff), OutSite (clients) and the login."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from crm import permissions
from portal.views import auth
from portal.views.common import healthz, liveness

__all__ = ["csrf_failure", "healthz", "home", "liveness", "outsite_home"]


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


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: a form sent from a page whose security token no longer holds (the
    person logged in again or out in another window, or the page stood open across a new
    login). A house page that says nothing was done and leads back to the page the form was
    on, instead of Django's bare "CSRF-verificatie mislukt"."""
    back = auth.safe_url(request, request.headers.get("Referer", ""))
    return render(request, "csrf_failure.html", {"back": back}, status=403)
