"""Counting events in fixed windows in the shared cache (Redis in production), for the
limits that are not DRF throttles: failed token authentications (connectors.authentication)
and "Wachtwoord vergeten" mails (portal.views.auth)."""

from __future__ import annotations

import time

from django.core.cache import cache


def parse_rate(rate: str | None) -> tuple[int, int]:
    """'60/min' -> (60 events, 60 seconds); '3/h' -> (3, 3600); no rate -> (0, 0), meaning
    no limit."""
    if not rate:
        return 0, 0
    number, period = rate.split("/")
    return int(number), {"s": 1, "m": 60, "h": 3600, "d": 86400}[period[0]]


def hit(key: str, *, window: int, now: float | None = None) -> tuple[int, float]:
    """Count one event under ``key`` in the current window of ``window`` seconds: (events
    in this window so far, this one included; seconds until the window ends). One atomic
    increment (Redis INCR), so processes counting at once never lose a count."""
    now = time.time() if now is None else now
    slot = int(now // window)
    name = f"{key}:{slot}"
    cache.add(name, 0, window * 2)
    try:
        count = cache.incr(name)
    except ValueError:  # expired between add and incr
        cache.add(name, 1, window * 2)
        count = 1
    return count, (slot + 1) * window - now
