"""A new API token's secret on its way to its one display (InSite: token_create ->
redirect -> connector_detail).

The secret never goes into the database: not with the token (only its hash is kept) and
not in the session either (the session backend is the database, and a session outlives an
unfollowed redirect or a failing page). It waits in the cache (Redis in production) under a
random one-time key for at most ``TTL_SECONDS``; the session holds only that key, the
connector and the token's prefix, none of which reveals the secret. Each new token has its
own entry, so a second token created before the first was shown does not lose the first.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.core.cache import cache
from django.http import HttpRequest

from connectors.models import AppConnector, ClientToken

#: The session key under which the pending displays wait: a list of
#: {"connector": pk, "key": cache key, "prefix": the token's prefix}.
SESSION_KEY = "insite_new_tokens"
#: How long the secret waits in the cache for the page that shows it (the page tells the
#: staff "twee minuten": templates/portal/insite_connector.html).
TTL_SECONDS = 120
CACHE_PREFIX = "insite-new-token:"


@dataclass(frozen=True)
class Shown:
    """What the connector's page shows of the tokens just created: the secrets still
    waiting (shown now, once), and the prefixes of those whose secret is gone."""

    secrets: list[str]
    lost: list[str]


def hold(request: HttpRequest, token: ClientToken, raw: str) -> None:
    """Keep ``raw`` (the secret of ``token``, just issued) for its one display."""
    key = CACHE_PREFIX + secrets.token_urlsafe(24)
    cache.set(key, raw, timeout=TTL_SECONDS)
    waiting = _pending(request)
    waiting.append({"connector": token.connector_id, "key": key, "prefix": token.prefix})
    request.session[SESSION_KEY] = waiting


def take(request: HttpRequest, connector: AppConnector) -> Shown:
    """The secrets waiting for ``connector``'s page, removed as they are read (shown once);
    those no longer in the cache (expired, or the cache restarted) come back as lost."""
    waiting = _pending(request)
    mine = [entry for entry in waiting if entry.get("connector") == connector.pk]
    if not mine:
        return Shown([], [])
    request.session[SESSION_KEY] = [entry for entry in waiting if entry not in mine]
    found, lost = [], []
    for entry in mine:
        key = str(entry.get("key", ""))
        raw = cache.get(key) if key.startswith(CACHE_PREFIX) else None
        cache.delete(key)
        if raw:
            found.append(str(raw))
        else:
            lost.append(str(entry.get("prefix", "")))
    return Shown(found, lost)


def _pending(request: HttpRequest) -> list[dict]:
    waiting = request.session.get(SESSION_KEY)
    if not isinstance(waiting, list):
        return []
    return [entry for entry in waiting if isinstance(entry, dict)]
