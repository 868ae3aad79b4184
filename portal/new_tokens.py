"""A new API token's secret on its way to its one display (InSite: token_create ->
redirect -> connector_detail).

The secret never goes into the database: not with the token (only its hash is kept) and
not in the session either (the session backend is the database, and a session outlives an
unfollowed redirect or a failing page). It waits in the cache (Redis in production) under a
random one-time key for at most ``TTL_SECONDS``, encrypted (Fernet) with a one-time key of
its own that the session holds: Redis may write its data to disk (docker-compose runs it
with ``--appendonly yes``), and neither the cache nor the session alone reveals the secret.
The session holds that key, the cache key, the connector, the token's prefix and when the
secret was put away. Each new token has its own entry, so a second token created before the
first was shown does not lose the first.

A secret that is gone before its time was not expired: the cache is not shared between the
web processes (Django's LocMemCache under several gunicorn workers: the redirected GET
lands on another process than the POST) or was emptied. The page says so, and a warning is
logged (``portal.checks`` warns about the LocMemCache at ``manage.py check --deploy``).
"""

from __future__ import annotations

import logging
import secrets
import time
from dataclasses import dataclass

from cryptography.fernet import Fernet, InvalidToken
from django.core.cache import cache
from django.http import HttpRequest

from connectors.models import AppConnector, ClientToken

logger = logging.getLogger(__name__)

#: The session key under which the pending displays wait: a list of {"connector": pk,
#: "key": cache key, "fernet": the key the cached secret is encrypted with, "prefix": the
#: token's prefix, "organisation": the name of the organisation the token is for, "created":
#: when the secret was put in the cache (seconds since epoch)}.
SESSION_KEY = "insite_new_tokens"
#: How long the secret waits in the cache for the page that shows it (the page tells the
#: staff "twee minuten": templates/portal/insite_connector.html).
TTL_SECONDS = 120
CACHE_PREFIX = "insite-new-token:"


class CacheUnavailable(Exception):
    """The cache did not take the secret (Redis down, say): the token must not stay."""


@dataclass(frozen=True)
class NewToken:
    """A secret shown now, once, and the organisation whose environment it is for."""

    secret: str
    organisation: str


@dataclass(frozen=True)
class Shown:
    """What the connector's page shows of the tokens just created: the secrets still
    waiting (shown now, once, with their organisations), and the prefixes of those whose
    secret is gone: ``expired`` (waited longer than ``TTL_SECONDS``) or ``missing`` (gone
    before its time: the cache is not shared between the web processes, or was restarted)."""

    tokens: list[NewToken]
    expired: list[str]
    missing: list[str]

    @property
    def secrets(self) -> list[str]:
        return [token.secret for token in self.tokens]


def hold(request: HttpRequest, token: ClientToken, raw: str) -> None:
    """Keep ``raw`` (the secret of ``token``, just issued) for its one display. Raises
    CacheUnavailable when the cache fails; call it in the transaction that issued the token,
    so that the token goes too."""
    created = time.time()  # Before the cache's clock starts: never "missing" at the limit.
    key = CACHE_PREFIX + secrets.token_urlsafe(24)
    fernet_key = Fernet.generate_key()
    sealed = Fernet(fernet_key).encrypt(raw.encode()).decode()
    try:
        cache.set(key, sealed, timeout=TTL_SECONDS)
    except Exception as error:  # Any backend's failure (redis-py's errors, OSError, ...).
        raise CacheUnavailable(str(error)) from error
    waiting = _pending(request)
    waiting.append(
        {
            "connector": token.connector_id,
            "key": key,
            "fernet": fernet_key.decode(),
            "prefix": token.prefix,
            "organisation": token.organisation.name,
            "created": created,
        }
    )
    request.session[SESSION_KEY] = waiting


def take(request: HttpRequest, connector: AppConnector) -> Shown:
    """The secrets waiting for ``connector``'s page, removed as they are read (shown once);
    those no longer in the cache come back as expired or missing."""
    waiting = _pending(request)
    mine = [entry for entry in waiting if entry.get("connector") == connector.pk]
    if not mine:
        return Shown([], [], [])
    request.session[SESSION_KEY] = [entry for entry in waiting if entry not in mine]
    found, expired, missing = [], [], []
    for entry in mine:
        raw = _unseal(entry)
        prefix = str(entry.get("prefix", ""))
        if raw:
            found.append(NewToken(raw, str(entry.get("organisation", ""))))
        elif _expired(entry):
            expired.append(prefix)
        else:
            logger.warning(
                "The secret of the new API token %s… is not in the cache although it was "
                "put there %.0f s ago (the limit is %d s): the cache is not shared between "
                "the web processes (set REDIS_URL) or was emptied.",
                prefix,
                time.time() - float(entry["created"]),
                TTL_SECONDS,
            )
            missing.append(prefix)
    return Shown(found, expired, missing)


def _unseal(entry: dict) -> str | None:
    """The secret of ``entry``, taken out of the cache (read once), or None if gone."""
    key = str(entry.get("key", ""))
    if not key.startswith(CACHE_PREFIX):
        return None
    try:
        sealed = cache.get(key)
        cache.delete(key)
    except Exception:  # Any backend's failure: the secret cannot be reached, as if gone.
        logger.warning("The cache could not be read for a new API token's secret.", exc_info=True)
        return None
    if not sealed:
        return None
    try:
        return Fernet(str(entry.get("fernet", "")).encode()).decrypt(str(sealed)).decode()
    except (InvalidToken, ValueError):
        return None


def _expired(entry: dict) -> bool:
    """Whether ``entry`` waited as long as TTL_SECONDS (an entry without a time, from
    before the time was kept, counts as expired)."""
    created = entry.get("created")
    if not isinstance(created, int | float):
        return True
    return time.time() - created >= TTL_SECONDS


def _pending(request: HttpRequest) -> list[dict]:
    waiting = request.session.get(SESSION_KEY)
    if not isinstance(waiting, list):
        return []
    return [entry for entry in waiting if isinstance(entry, dict)]
