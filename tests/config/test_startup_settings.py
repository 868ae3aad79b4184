"""Settings read at start-up: no production start with a known secret key, and the ports
`make run` is given reach everything that names them (issue 19)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow

PRINT = (
    "import django; django.setup(); from django.conf import settings as s; "
    "print(s.DIGIPOORT_AANLEVER_URL); print(s.DIGIPOORT_STATUS_URL); print(s.PORTAL_BASE_URL)"
)


def run(tmp_path: Path, code: str, **env: str) -> subprocess.CompletedProcess:
    base = {
        key: value
        for key, value in os.environ.items()
        if key not in {"SECRET_KEY", "DEBUG", "PORTAL_BASE_URL"} and not key.startswith("DIGIPOORT")
    }
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={
            **base,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DEPONEER_VAR_DIR": str(tmp_path),
            **env,
        },
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    "secret",
    [None, "insecure-development-key-change-me-" + "x" * 20],
    ids=["missing", "development-key"],
)
def test_production_refuses_to_start_without_its_own_secret_key(tmp_path, secret):
    env = {"DEBUG": "false", "ALLOWED_HOSTS": "portal.example.nl"}
    if secret is not None:
        env["SECRET_KEY"] = secret
    result = run(tmp_path, PRINT, **env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and "SECRET_KEY" in result.stderr


def test_production_starts_with_a_secret_key_of_its_own(tmp_path):
    result = run(tmp_path, PRINT, DEBUG="false", SECRET_KEY="a-real-secret-" + "q" * 40)
    assert result.returncode == 0, result.stderr


def test_development_keeps_its_key(tmp_path):
    assert run(tmp_path, PRINT, DEBUG="true").returncode == 0


def test_the_ports_of_make_run_reach_digipoort_urls_and_links(tmp_path):
    result = run(tmp_path, PRINT, DIGIPOORT_STUB_PORT="9443", DEPONEER_PORT="8123")
    assert result.returncode == 0, result.stderr
    aanlever, status, site = result.stdout.split()
    assert aanlever.startswith("https://127.0.0.1:9443/") and status.startswith(
        "https://127.0.0.1:9443/"
    )
    assert site == "http://127.0.0.1:8123"


def test_explicit_addresses_win_over_the_ports(tmp_path):
    result = run(
        tmp_path,
        PRINT,
        DIGIPOORT_STUB_PORT="9443",
        DIGIPOORT_AANLEVER_URL="https://digipoort.example/wus/2.0/aanleverservice/1.2",
        PORTAL_BASE_URL="https://portal.example.nl",
        DEPONEER_PORT="8123",
    )
    aanlever, _status, site = result.stdout.split()
    assert aanlever == "https://digipoort.example/wus/2.0/aanleverservice/1.2"
    assert site == "https://portal.example.nl"


def test_parallel_test_workers_get_their_own_broker_folder(tmp_path):
    """Two pytest-xdist workers sharing one filesystem queue took each other's tasks
    (issue 19: the test that failed only on a busy machine)."""
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.CELERY_BROKER_TRANSPORT_OPTIONS['data_folder_in'])"
    )
    env = {"CELERY_BROKER_URL": "filesystem://"}
    folders = {
        run(tmp_path, code, PYTEST_XDIST_WORKER=name, **env).stdout.strip()
        for name in ("gw0", "gw1")
    }
    assert len(folders) == 2 and all(folder.startswith(str(tmp_path)) for folder in folders)
