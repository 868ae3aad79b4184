"""System checks of the deployment (``manage.py check --deploy``)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks

LOCMEM = "django.core.cache.backends.locmem.LocMemCache"


def register() -> None:
    """Register the checks (PortalConfig.ready)."""
    checks.register(shared_cache, checks.Tags.caches, deploy=True)


def shared_cache(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """Warn when production runs on Django's LocMemCache: each web process (gunicorn runs
    several) then has a cache of its own, so a new API token's secret put away by one
    process is not found by the next request's (portal.new_tokens), and the API's
    throttles (a client token's rate, the failed-token guard of connectors.authentication)
    count per process, so each allows a multiple of its rate. (The login lockout,
    django-axes, counts in the database and is not affected.)"""
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if settings.DEBUG or backend != LOCMEM:
        return []
    return [
        checks.Warning(
            "The default cache is LocMemCache: it is not shared between the web processes.",
            hint=(
                "Set REDIS_URL (see .env.example). Without a shared cache a new API token's "
                "secret is often not found on the page that should show it, and the API's "
                "throttles count per process."
            ),
            id="portal.W001",
        )
    ]
