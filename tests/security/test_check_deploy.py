"""`manage.py check --deploy` is clean with production variables."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow


#: The services of production instead of the development defaults (portal.checks warns
#: about each default). Not reached: the checks do not connect.
PRODUCTION_SERVICES = {
    "DATABASE_URL": "postgres://deponeer@db:5432/deponeer",
    "CELERY_BROKER_URL": "redis://redis:6379/0",
    "EMAIL_HOST": "smtp.example.nl",
    "PORTAL_BASE_URL": "https://portal.example.nl",
    "DIGIPOORT_AANLEVER_URL": "https://digipoort.example/wus/2.0/aanleverservice/1.2",
    "DIGIPOORT_STATUS_URL": "https://digipoort.example/wus/2.0/statusinformatieservice/1.2",
    "DIGIPOORT_CLIENT_CERT": "/etc/deponeer/pkioverheid/client.crt",
    "DIGIPOORT_CLIENT_KEY": "/etc/deponeer/pkioverheid/client.key",
    "DIGIPOORT_CA_BUNDLE": "/etc/deponeer/pkioverheid/ca.crt",
}


def check_deploy(
    tmp_path: Path, fail_level: str = "WARNING", **overrides: str
) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "portal.example.nl",
        "SECURE": "true",
        "REDIS_URL": "redis://redis:6379/1",  # Not reached: the checks do not connect.
        "DEPONEER_VAR_DIR": str(tmp_path),
        **PRODUCTION_SERVICES,
        **overrides,
    }
    for name in [
        name for name, value in env.items() if value == "" and name in PRODUCTION_SERVICES
    ]:
        del env[name]  # "" here: not set, the development default
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", fail_level],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_production_variables(tmp_path):
    result = check_deploy(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_notices_a_development_setting(tmp_path):
    # The same check fails when a production switch is missing: it really checks.
    result = check_deploy(tmp_path, SECURE="false")
    assert result.returncode != 0
    assert "security.W" in result.stdout + result.stderr


def test_check_deploy_warns_about_a_cache_of_each_web_process(tmp_path):
    """Without REDIS_URL the cache is LocMemCache, one per gunicorn worker (the Dockerfile
    runs three): portal.checks warns (a new token's secret is lost, the API's throttles
    count per process)."""
    result = check_deploy(tmp_path, REDIS_URL="")
    assert result.returncode != 0
    assert "portal.W001" in result.stdout + result.stderr
    assert "LocMemCache" in result.stdout + result.stderr


def env_example() -> dict[str, str]:
    """The production environment docker-compose reads (.env.example), as a dict."""
    values = {}
    for line in (ROOT / ".env.example").read_text().splitlines():
        key, sep, value = line.partition("=")
        if sep and not line.lstrip().startswith("#"):
            values[key.strip()] = value.strip()
    return values


def test_check_deploy_is_clean_with_the_compose_production_environment(tmp_path):
    """Issue 19: the environment docker-compose runs with, its placeholder secret replaced
    by a real one as the README asks, passes `check --deploy`."""
    production = env_example()
    assert production["DEBUG"] == "false" and production["TRUSTED_PROXY_COUNT"] == "1"
    production["SECRET_KEY"] = secrets.token_urlsafe(64)
    production["DEPONEER_VAR_DIR"] = str(tmp_path)
    result = check_deploy(tmp_path, **production)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_compose_placeholder_secret_is_refused(tmp_path):
    production = {**env_example(), "DEPONEER_VAR_DIR": str(tmp_path)}
    result = check_deploy(tmp_path, **production)
    assert result.returncode != 0


def test_check_deploy_warns_about_each_development_default(tmp_path):
    """Operator's report, item 2: without EMAIL_HOST, DIGIPOORT_*, PORTAL_BASE_URL,
    DATABASE_URL and CELERY_BROKER_URL production ran on console mail (reset links in the
    log), the local Digipoort, links to 127.0.0.1, SQLite and the filesystem broker, and
    `check --deploy` said nothing. Warnings, not errors: the same setup still starts."""
    unset = {name: "" for name in PRODUCTION_SERVICES}
    result = check_deploy(tmp_path, **unset)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    for warning in ("W002", "W003", "W004", "W005", "W006", "W007"):
        assert f"portal.{warning}" in output
    assert "portal.E" not in output
    errors_only = check_deploy(tmp_path, fail_level="ERROR", **unset)
    assert errors_only.returncode == 0, errors_only.stdout + errors_only.stderr
