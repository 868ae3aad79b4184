"""Bearer-token authentication for client environments (CommSvc API)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from rest_framework import authentication, exceptions

from connectors.models import ClientToken, hash_token


class TokenAuthenticationFailed(exceptions.AuthenticationFailed):
    def __init__(self, detail: str, code: str) -> None:
        super().__init__(detail=detail, code=code)
        self.error_code = code


class ClientTokenAuthentication(authentication.BaseAuthentication):
    """``Authorization: Bearer <token>``; the request's auth is the ClientToken."""

    keyword = "Bearer"
    #: Writing last_used_at on every call would make every request a write; a minute is
    #: precise enough for "last used".
    touch_interval = timedelta(seconds=60)

    def authenticate(self, request):  # type: ignore[override]
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
        token = (
            ClientToken.objects.select_related("organisation", "connector")
            .filter(token_hash=hash_token(parts[1]))
            .first()
        )
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
