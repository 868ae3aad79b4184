"""Bearer-token authentication for client environments (CommSvc API)."""

from __future__ import annotations

import time
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ObjectDoesNotExist
from django.utils import timezone
from rest_framework import authentication, exceptions

from connectors import selectors
from connectors.models import ClientToken, hash_token


class TokenAuthenticationFailed(exceptions.AuthenticationFailed):
    def __init__(self, detail: str, code: str) -> None:
        super().__init__(detail=detail, code=code)
        self.error_code = code


def _parse_rate(rate: str | None) -> tuple[int, int]:
    """'60/min' -> (60 requests, 60 seconds); no rate -> (0, 0), meaning no limit."""
    if not rate:
        return 0, 0
    number, period = rate.split("/")
    return int(number), {"s": 1, "m": 60, "h": 3600, "d": 86400}[period[0]]


class FailedAuthenticationGuard:
    """Throttles token guessing: after too many failed authentications from one address
    within the window of the ``anon_auth`` rate, that address gets 429 until it passes.

    DRF's throttles run after authentication, so a caller with a wrong token would never
    reach them; this guard runs inside authentication instead.
    """

    def __init__(self, request) -> None:
        self.key = f"auth-failures:{request.META.get('REMOTE_ADDR', '')}"
        rates = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
        rate = rates.get("anon_auth") if isinstance(rates, dict) else None
        self.limit, self.window = _parse_rate(rate)

    def _recent(self, now: float) -> list[float]:
        return [t for t in cache.get(self.key, []) if t > now - self.window]

    def check(self) -> None:
        if not self.limit:
            return
        now = time.time()
        recent = self._recent(now)
        if len(recent) >= self.limit:
            raise exceptions.Throttled(
                wait=max(recent[0] + self.window - now, 1),
                detail="Te veel mislukte pogingen met een token vanaf dit adres; probeer het "
                "later opnieuw.",
            )

    def record_failure(self) -> None:
        if not self.limit:
            return
        now = time.time()
        cache.set(self.key, [*self._recent(now), now], self.window)


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
        guard = FailedAuthenticationGuard(request)
        guard.check()
        try:
            return self._authenticate(request)
        except TokenAuthenticationFailed:
            guard.record_failure()
            raise

    def _authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1")
        if not header:
            raise TokenAuthenticationFailed(
                "Geen token meegestuurd: gebruik de header 'Authorization: Bearer <token>'.",
                "token_missing",
            )
        parts = header.split()
        if len(parts) != 2 or parts[0] != self.keyword:
            raise TokenAuthenticationFailed(
                "De Authorization-header moet de vorm 'Bearer <token>' hebben.", "token_malformed"
            )
        # One query for everything a request needs: the organisation, the connector and
        # the environment's activation (no row means off), which feature_active() then
        # reads without a query of its own.
        token = selectors.token_for_hash(hash_token(parts[1]))
        if token is None:
            raise TokenAuthenticationFailed("Onbekend token.", "token_unknown")
        if token.revoked_at is not None:
            raise TokenAuthenticationFailed(
                "Dit token is ingetrokken; vraag uw accountant om een nieuw token.",
                "token_revoked",
            )
        if token.expires_at is not None and token.expires_at <= timezone.now():
            raise TokenAuthenticationFailed(
                "Dit token is verlopen; vraag uw accountant om een nieuw token.", "token_expired"
            )
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at > self.touch_interval:
            ClientToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return (None, token)

    def authenticate_header(self, request) -> str:
        return self.keyword
