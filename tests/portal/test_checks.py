"""portal.checks: what ``manage.py check --deploy`` warns about."""

from __future__ import annotations

from django.core import checks

from portal.checks import shared_cache

LOCMEM = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
REDIS = {"default": {"BACKEND": "config.cache.RedisCache", "LOCATION": "redis://redis:6379/1"}}


def test_production_on_the_local_memory_cache_is_warned_about(settings):
    """gunicorn runs several web processes (Dockerfile: --workers 3); LocMemCache gives each
    its own cache, so a new token's secret put away by one is not found by another."""
    settings.DEBUG = False
    settings.CACHES = LOCMEM
    (warning,) = shared_cache()
    assert warning.id == "portal.W001" and warning.level == checks.WARNING
    assert "REDIS_URL" in warning.hint


def test_a_shared_cache_or_development_is_not_warned_about(settings):
    settings.DEBUG = False
    settings.CACHES = REDIS
    assert shared_cache() == []
    settings.DEBUG = True
    settings.CACHES = LOCMEM
    assert shared_cache() == []


def test_the_warning_comes_with_check_deploy_only(settings):
    """Registered for ``check --deploy`` (its run in a process of its own, with production
    variables: tests/security/test_check_deploy.py), not for every ``check``."""
    settings.DEBUG = False
    settings.CACHES = LOCMEM
    assert "portal.W001" in {m.id for m in checks.run_checks(include_deployment_checks=True)}
    assert "portal.W001" not in {m.id for m in checks.run_checks()}
