import logging
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

pytestmark = pytest.mark.django_db

#: A broker address where nothing listens, with a user and password in it.
DEAD_BROKER = "redis://geheim-gebruiker:geheim-wachtwoord@127.0.0.1:1/0"


def test_healthz_is_200_when_database_and_broker_answer(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.fixture
def dead_broker(monkeypatch):
    from config.celery import app

    # Celery prefers the environment variable.
    monkeypatch.setenv("CELERY_BROKER_URL", DEAD_BROKER)
    monkeypatch.setitem(app.conf, "broker_url", DEAD_BROKER)
    monkeypatch.setitem(app.conf, "broker_transport_options", {})


def test_healthz_is_503_naming_the_broker_when_it_does_not_answer(client, dead_broker):
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert set(body["failures"]) == {"broker"}


def test_healthz_tells_an_anonymous_caller_no_internal_detail(client, dead_broker, caplog):
    """OWASP ASVS 4.0.3 V7.4.1: a generic message to the caller, the detail in the log."""
    with caplog.at_level(logging.ERROR, logger="portal.views.common"):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "failures": {"broker": "unavailable"}}
    body = response.content.decode()
    for detail in ("127.0.0.1", "geheim", "redis", "Error", "refused"):
        assert detail not in body
    assert "broker" in caplog.text and "Traceback" in caplog.text


def test_healthz_hides_the_database_error_too(client, monkeypatch, caplog):
    from portal.views import common

    class Unreachable:
        def cursor(self):
            raise OSError('connection to server at "db.intern" (10.0.0.5), port 5432 failed')

    monkeypatch.setattr(common, "connection", Unreachable())
    with caplog.at_level(logging.ERROR, logger="portal.views.common"):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["failures"] == {"database": "unavailable"}
    assert "db.intern" not in response.content.decode()
    assert "db.intern" in caplog.text


def test_healthz_is_503_not_an_error_while_the_tables_are_not_there_yet(
    client, monkeypatch, caplog
):
    """Found in review: compose starts web while migrate still runs; the schedule's table
    is not there yet, and the health check answered 500 with a traceback."""
    from django.db import ProgrammingError

    from connectors import schedule

    def no_table(*args, **kwargs):
        raise ProgrammingError('relation "portal_environmentactivation" does not exist')

    monkeypatch.setattr(schedule, "late_since", no_table)
    with caplog.at_level(logging.ERROR, logger="portal.views.common"):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["failures"] == {"database": "unavailable"}


def test_liveness_is_200_while_the_database_and_the_broker_do_not_answer(
    client, dead_broker, monkeypatch
):
    """/healthz/live asks nothing but the web process itself: restarting the web or taking
    it out of rotation mends neither, so the liveness probe must not call for it."""
    from portal.views import common

    class Unreachable:
        def cursor(self):
            raise OSError("connection refused")

    monkeypatch.setattr(common, "connection", Unreachable())
    assert client.get("/healthz").status_code == 503
    response = client.get("/healthz/live")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert client.head("/healthz/live").status_code == 200


# --- probed by address: the compose health check and a load balancer -----------------------

ROOT = Path(__file__).resolve().parents[2]


def _env_example() -> dict[str, str]:
    lines = (ROOT / ".env.example").read_text().splitlines()
    return dict(line.split("=", 1) for line in lines if line and not line.startswith("#"))


def _compose_probe_url() -> str:
    """The address docker-compose.yml's health check of the web service asks."""
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    test = " ".join(compose["services"]["web"]["healthcheck"]["test"])
    match = re.search(r"https?://[^'\"\s]+", test)
    assert match, test
    return match.group(0)


@pytest.fixture
def production_shaped(settings):
    """The web process as .env.example configures it (the host check, https only)."""
    env = _env_example()
    settings.DEBUG = env["DEBUG"] == "true"
    settings.ALLOWED_HOSTS = env["ALLOWED_HOSTS"].split(",")
    settings.SECURE_SSL_REDIRECT = env["SECURE"] == "true"
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    assert settings.SECURE_SSL_REDIRECT and "127.0.0.1" not in settings.ALLOWED_HOSTS


def test_the_compose_health_check_passes_with_the_example_settings(client, production_shaped):
    """docker-compose.yml probes http://127.0.0.1:8000/healthz inside the container: plain
    http, its own address as the host. It is answered, not refused (400) or sent to https."""
    url = urlsplit(_compose_probe_url())
    response = client.get(url.path, HTTP_HOST=url.netloc)
    assert response.status_code == 200, response
    assert response.json() == {"status": "ok"}


def test_the_compose_health_check_is_the_liveness_probe(client, production_shaped, dead_broker):
    """Swarm replaces an unhealthy container and a proxy that reads container health stops
    routing to it: the web service's health check must not fail because the broker (or
    beat) is down, while /healthz tells monitoring so."""
    url = urlsplit(_compose_probe_url())
    assert url.path == "/healthz/live"
    assert client.get("/healthz", HTTP_HOST=url.netloc).status_code == 503
    assert client.get(url.path, HTTP_HOST=url.netloc).status_code == 200


@pytest.mark.parametrize("path", ["/healthz", "/healthz/live"])
def test_a_load_balancer_probing_by_address_is_answered(client, production_shaped, caplog, path):
    with caplog.at_level(logging.ERROR):
        response = client.get(path, HTTP_HOST="10.0.0.7:8000")
    assert response.status_code == 200
    assert "DisallowedHost" not in caplog.text


def test_every_other_path_keeps_the_host_check_and_the_redirect_to_https(client, production_shaped):
    for path in (
        "/login/",
        "/api/v1/organisation/",
        "/healthz/",
        "/healthzz",
        "/healthz/live/",
        "/admin/",
    ):
        response = client.get(path, HTTP_HOST="127.0.0.1:8000", secure=True)
        assert response.status_code == 400, path
    response = client.get("/login/", HTTP_HOST="portal.example.nl")
    assert response.status_code == 301
    assert response["Location"] == "https://portal.example.nl/login/"


@pytest.mark.parametrize("path", ["/healthz", "/healthz/live"])
def test_a_post_to_the_health_check_still_meets_the_host_and_csrf_checks(
    production_shaped, settings, path
):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    assert client.post(path, HTTP_HOST="127.0.0.1:8000", secure=True).status_code == 400
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "127.0.0.1"]
    assert client.post(path, HTTP_HOST="127.0.0.1:8000", secure=True).status_code == 403
