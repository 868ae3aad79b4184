import logging

import pytest

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
