"""Bearer-token authentication for client environments (CommSvc API)."""

from __future__ import annotations

import time
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import authentication, exceptions

from config.clientip import client_ip
from config.ratelimit import hit, parse_rate
from connectors import selectors
from connectors.models import TOKEN_PREFIX_LENGTH, ClientToken, hash_token


class TokenAuthenticationFailed(exceptions.AuthenticationFailed):
    def __init__(self, detail: str, code: str) -> None:
        super().__init__(detail=detail, code=code)
        self.error_code = code


class TooManyFailedAttempts(exceptions.Throttled):
    """429 for token guessing (FailedAuthenticationGuard); the API's exception handler
    words it, with the wait."""


class FailedAuthenticationGuard:
    """Throttles token guessing without ever refusing a valid token.

    Only failed authentications are counted: per client address (config.clientip, so
    behind the TLS proxy each client has its own), and per token the caller named (its
    visible beginning), so one token cannot be guessed from many addresses either. Each
    count is one atomic increment in the cache (Redis INCR in production) in a fixed window
    of the ``anon_auth`` rate; past the limit a failed attempt answers 429 instead of 401.
    DRF's throttles run after authentication, so this guard runs inside it.
    """

    def __init__(self, request, presented: str = "") -> None:

        rates = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
        rate = rates.get("anon_auth") if isinstance(rates, dict) else None
        self.limit, self.window = parse_rate(rate)
        self.scopes = [f"address:{client_ip(request)}"]
        if presented.startswith("dpn_"):
            self.scopes.append(f"token:{presented[:TOKEN_PREFIX_LENGTH]}")

    def _count(self, scope: str, now: float) -> tuple[int, float]:
        """Add one failure in ``scope``'s current window: (failures so far, seconds left)."""
        return hit(f"auth-failures:{scope}", window=self.window, now=now)

    def record_failure(self) -> None:
        """Count the failure; raise Throttled once a scope is past its limit."""
        if not self.limit:
            return
        now = time.time()
        counts = [self._count(scope, now) for scope in self.scopes]
        if any(count > self.limit for count, _left in counts):
            raise TooManyFailedAttempts(wait=max(max(left for _count, left in counts), 1))


def feature_active(token: ClientToken) -> bool:
    """Whether the activation "Communicatieconnector accordering OutSite" is on for the
    token's accountancy environment. Free when the token came from ClientTokenAuthentication
    (the activation is loaded with it); one query otherwise."""
    environment = token.organisation.environment
    try:
        activation = environment.activation
    except ObjectDoesNotExist:
        return False
    return activation.active


class ClientTokenAuthentication(authentication.BaseAuthentication):
    """``Authorization: Bearer <token>``; the request's auth is the ClientToken."""

    keyword = "Bearer"
    #: Writing last_used_at on every call would make every request a write; a minute is
    #: precise enough for "last used".
    touch_interval = timedelta(seconds=60)

    def authenticate(self, request):  # type: ignore[override]
        try:
            return self._authenticate(request)
        except TokenAuthenticationFailed:
            presented = authentication.get_authorization_header(request).decode("latin-1")
            guard = FailedAuthenticationGuard(request, presented.partition(" ")[2].strip())
            guard.record_failure()
            raise

    def _authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1")
        if not header:
            raise TokenAuthenticationFailed(
                _("Geen token meegestuurd: gebruik de header 'Authorization: Bearer <token>'."),
                "token_missing",
            )
        parts = header.split()
        # The scheme is case-insensitive (RFC 7235 section 2.1, RFC 6750): "bearer" too.
        if len(parts) != 2 or parts[0].lower() != self.keyword.lower():
            raise TokenAuthenticationFailed(
                _("De Authorization-header moet de vorm 'Bearer <token>' hebben."),
                "token_malformed",
            )
        # One query for everything a request needs: the organisation, the connector and
        # the environment's activation (no row means off), which feature_active() then
        # reads without a query of its own.
        token = selectors.token_for_hash(hash_token(parts[1]))
        if token is None:
            raise TokenAuthenticationFailed(_("Onbekend token."), "token_unknown")
        if token.revoked_at is not None:
            raise TokenAuthenticationFailed(
                _("Dit token is ingetrokken; vraag uw accountant om een nieuw token."),
                "token_revoked",
            )
        if token.expires_at is not None and token.expires_at <= timezone.now():
            raise TokenAuthenticationFailed(
                _("Dit token is verlopen; vraag uw accountant om een nieuw token."),
                "token_expired",
            )
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at > self.touch_interval:
            ClientToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return (None, token)

    def authenticate_header(self, request) -> str:
        return self.keyword
