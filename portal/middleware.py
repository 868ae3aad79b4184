"""Middleware of the portal."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.cache import patch_cache_control

from portal.admin_site import needs_second_factor
from portal.views.auth import uses_second_factor
from portal.views.common import healthz, liveness, second_factor_url

#: Paths a session that still owes its second factor may use: the login steps themselves,
#: logging out, the language switch, static files, the health checks and the token API
#: (which never uses the session).
OPEN_PATHS = ("/login/", "/logout/", "/i18n/", "/static/", "/healthz", "/api/")


#: The health checks' paths (config.urls) and their views; HealthCheckMiddleware answers
#: them: readiness (database, broker, scheduled jobs) and liveness (the process answers).
HEALTH_CHECKS = {"/healthz": healthz, "/healthz/live": liveness}


class HealthCheckMiddleware:
    """Answers the health checks before Django's host check (CommonMiddleware asks for the
    host first), so the compose health check and a load balancer, which probe the web
    process by its own address, get the answer instead of 400 DisallowedHost. Only these
    paths, read only (any other method goes the usual way, CSRF check included): every
    other request keeps the check against ALLOWED_HOSTS. The answer names no
    host and takes nothing from the request. Placed after SecurityMiddleware, which lets
    them through on plain http (SECURE_REDIRECT_EXEMPT)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        check = HEALTH_CHECKS.get(request.path_info)
        if check is not None and request.method in ("GET", "HEAD"):
            return check(request)
        return self.get_response(request)


class SecondFactorMiddleware:
    """Every page, partial and download of a user who logs in with a second factor (staff,
    the Django admin's users) leads to the verification step until it is passed. One guard
    for the whole site, so no view (InSite, /klant/, the admin) can forget it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(OPEN_PATHS) and self._owes_second_factor(request):
            target = second_factor_url(request)
            if request.headers.get("HX-Request") == "true":
                # A partial: let htmx load the verification page as a whole page.
                return HttpResponse(status=204, headers={"HX-Redirect": target})
            return redirect(target)
        return self.get_response(request)

    @staticmethod
    def _owes_second_factor(request: HttpRequest) -> bool:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return False
        return uses_second_factor(user) and needs_second_factor(user)


class PrivateResponsesMiddleware:
    """Nothing shown to a logged-in user is kept by a browser or a proxy: the message pages
    and the downloads of InSite and OutSite carry a company's figures, /klant/ its books
    (OWASP ASVS 4.0.3 V8.2.1). Anonymous pages (the login, "Wachtwoord vergeten") stay as
    they are, and static files never reach this middleware (WhiteNoise answers them first).

    Asked after the view: a login makes the user known, a logout forgets them."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, no_store=True, private=True)
        return response


class ContentSecurityPolicyMiddleware:
    """The Content-Security-Policy of every answer (settings.CONTENT_SECURITY_POLICY; OWASP
    ASVS 4.0.3 V14.4.3): scripts only from the site's own files, never inline, and no page of
    the site in another's frame. An answer that brings its own policy keeps it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.policy = "; ".join(
            f"{directive} {' '.join(sources)}".strip()
            for directive, sources in settings.CONTENT_SECURITY_POLICY.items()
        )

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if self.policy:
            response.headers.setdefault("Content-Security-Policy", self.policy)
        return response
