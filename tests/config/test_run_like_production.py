"""`make run` runs like production for people trying it (issue 20): DEBUG off unless asked
for, a secret key of the checkout's own, plain http on this machine, and the static files
served by WhiteNoise from what collectstatic gathered (as under gunicorn in docker-compose)."""

from __future__ import annotations

import importlib.util
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client as BrowserClient
from django.test import override_settings

ROOT = Path(__file__).resolve().parents[2]

_spec = importlib.util.spec_from_file_location("run_all", ROOT / "scripts" / "run_all.py")
assert _spec and _spec.loader
run_all = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(run_all)

DEVELOPMENT_KEY = "insecure-development-key-change-me-" + "x" * 20


def test_debug_is_off_unless_asked_for(tmp_path):
    env = run_all.child_environment({"DEPONEER_VAR_DIR": str(tmp_path)})
    assert env["DEBUG"] == "false"
    assert (
        run_all.child_environment({"DEPONEER_VAR_DIR": str(tmp_path), "DEBUG": "true"})["DEBUG"]
        == "true"
    )


def test_the_demo_keeps_working_over_http_on_this_machine(tmp_path):
    env = run_all.child_environment({"DEPONEER_VAR_DIR": str(tmp_path)})
    assert env["SECURE"] == "false"  # no secure cookies, HSTS or https redirect on http
    assert env["OTP_REQUIRED_FOR_STAFF"] == "false"  # the demo logins need no authenticator
    assert env["CLIENTSIDE_ALLOW_LOCAL_PORTAL"] == "true"  # the demo client sends locally
    assert "ALLOWED_HOSTS" not in env  # the settings' default covers 127.0.0.1 and localhost


def test_what_the_caller_sets_wins(tmp_path):
    given = {
        "DEPONEER_VAR_DIR": str(tmp_path),
        "SECURE": "true",
        "OTP_REQUIRED_FOR_STAFF": "true",
        "CLIENTSIDE_ALLOW_LOCAL_PORTAL": "false",
        "SECRET_KEY": "my-own-secret-" + "s" * 40,
        "ALLOWED_HOSTS": "portal.example.nl",
    }
    env = run_all.child_environment(given)
    assert {key: env[key] for key in given} == given
    assert not (tmp_path / "secret_key").exists()


def test_another_host_is_allowed(tmp_path):
    env = run_all.child_environment({"DEPONEER_VAR_DIR": str(tmp_path), "DEPONEER_HOST": "0.0.0.0"})
    assert env["ALLOWED_HOSTS"].split(",")[-1] == "0.0.0.0"


def test_the_secret_key_is_the_checkouts_own_and_kept(tmp_path):
    first = run_all.child_environment({"DEPONEER_VAR_DIR": str(tmp_path / "a")})["SECRET_KEY"]
    again = run_all.child_environment({"DEPONEER_VAR_DIR": str(tmp_path / "a")})["SECRET_KEY"]
    other = run_all.child_environment({"DEPONEER_VAR_DIR": str(tmp_path / "b")})["SECRET_KEY"]
    assert first == again != other  # sessions survive a restart; no two checkouts share it
    assert len(first) >= 50 and first != DEVELOPMENT_KEY
    kept = tmp_path / "a" / "secret_key"
    assert kept.read_text().strip() == first
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600


@pytest.mark.slow
def test_the_settings_start_with_make_runs_environment(tmp_path):
    """config/settings.py refuses DEBUG=false without a key of its own; make run's
    environment passes, with DEBUG off, http and the collected static files."""
    base = {
        key: value
        for key, value in os.environ.items()
        if key
        not in {
            "SECRET_KEY",
            "DEBUG",
            "SECURE",
            "OTP_REQUIRED_FOR_STAFF",
            "CLIENTSIDE_ALLOW_LOCAL_PORTAL",
            "ALLOWED_HOSTS",
        }
    }
    env = run_all.child_environment({**base, "DEPONEER_VAR_DIR": str(tmp_path)})
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, s.OTP_REQUIRED_FOR_STAFF, "
        "s.CLIENTSIDE_ALLOW_LOCAL_PORTAL, s.WHITENOISE_USE_FINDERS, "
        "'whitenoise.middleware.WhiteNoiseMiddleware' in s.MIDDLEWARE)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "config.settings"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "False", "False", "False", "True", "False", "True"]


def body(response) -> bytes:
    return b"".join(response.streaming_content)


@pytest.mark.django_db
def test_with_debug_off_whitenoise_serves_the_collected_files(tmp_path):
    """Under gunicorn or make run with DEBUG off nothing but WhiteNoise serves /static/: the
    files collectstatic gathered, the favicon included; before collectstatic, nothing."""
    static_root = tmp_path / "staticfiles"
    static_root.mkdir()
    production = override_settings(
        DEBUG=False,
        STATIC_ROOT=static_root,
        WHITENOISE_USE_FINDERS=False,
        WHITENOISE_AUTOREFRESH=False,
    )
    with production:
        assert BrowserClient().get("/static/deponeer.css").status_code == 404
        call_command("collectstatic", interactive=False, verbosity=0)
        browser = BrowserClient()  # WhiteNoise reads the folder when the site starts
        css = browser.get("/static/deponeer.css")
        assert css.status_code == 200 and css["Content-Type"].startswith("text/css")
        assert body(css) == (ROOT / "static" / "deponeer.css").read_bytes()
        icon = browser.get("/static/favicon.svg")
        assert icon.status_code == 200 and icon["Content-Type"].startswith("image/svg+xml")
        assert browser.get("/static/admin/css/base.css").status_code == 200  # the admin's too


def test_the_web_server_counts_as_started_when_its_health_check_says_503():
    """/healthz answers 503 until the worker and beat ran the first scheduled job
    (connectors.schedule), which can take longer than the web server's start: `make run`
    must not give up on a server that answers."""
    import http.server
    import threading

    class Unhealthy(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(503)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Unhealthy)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_port}/healthz"
        assert run_all.wait_for(url, seconds=5) is True
    finally:
        server.shutdown()
        server.server_close()
