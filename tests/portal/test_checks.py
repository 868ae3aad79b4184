"""portal.checks: what ``manage.py check --deploy`` warns about."""

from __future__ import annotations

import pytest
from django.core import checks

from kvk.digipoort import testpki
from portal.checks import development_defaults, shared_cache

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


# --- the development defaults in production (operator's report, item 2) -------------------

PRODUCTION_LIKE = {
    "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
    "DIGIPOORT_AANLEVER_URL": "https://digipoort.example/wus/2.0/aanleverservice/1.2",
    "DIGIPOORT_STATUS_URL": "https://digipoort.example/wus/2.0/statusinformatieservice/1.2",
    "PORTAL_BASE_URL": "https://portal.example.nl",
    "CELERY_BROKER_URL": "redis://redis:6379/0",
}


def development_defaults_used(
    settings, tmp_path, monkeypatch, engine="django.db.backends.postgresql", **overrides
) -> dict[str, str]:
    """The ids of the warnings about development defaults, with their hints, for DEBUG off
    with a production-like setup and ``overrides`` (real certificates outside the local
    Digipoort's folder; the test database's engine only named another for the check)."""
    settings.DEBUG = False
    monkeypatch.setitem(settings.DATABASES["default"], "ENGINE", engine)
    settings.DIGIPOORT_STUB_DIR = tmp_path / "digipoort"
    for name in ("DIGIPOORT_CLIENT_CERT", "DIGIPOORT_CLIENT_KEY", "DIGIPOORT_CA_BUNDLE"):
        setattr(settings, name, str(tmp_path / "pkioverheid" / name.lower()))
    for name, value in {**PRODUCTION_LIKE, **overrides}.items():
        setattr(settings, name, value)
    return {str(message.id): str(message.hint) for message in development_defaults()}


def test_production_on_its_own_services_is_not_warned_about(settings, tmp_path, monkeypatch):
    assert development_defaults_used(settings, tmp_path, monkeypatch) == {}


@pytest.mark.parametrize(
    ("overrides", "warning", "told"),
    [
        # Mail to the log: the clients get nothing, and a password reset link is in the log.
        ({"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}, "W002", "EMAIL_HOST"),
        # Behind the backend that names the site in the Message-ID (config.mail).
        (
            {
                "EMAIL_BACKEND": "config.mail.EmailBackend",
                "EMAIL_DELIVERY_BACKEND": "django.core.mail.backends.console.EmailBackend",
            },
            "W002",
            "EMAIL_HOST",
        ),
        (
            {"DIGIPOORT_AANLEVER_URL": "https://127.0.0.1:8443/wus/2.0/aanleverservice/1.2"},
            "W003",
            "DIGIPOORT_AANLEVER_URL",
        ),
        (
            {"DIGIPOORT_STATUS_URL": "https://localhost:8443/wus/2.0/statusinformatieservice/1.2"},
            "W003",
            "DIGIPOORT_STATUS_URL",
        ),
        ({"PORTAL_BASE_URL": "http://127.0.0.1:8000"}, "W005", "PORTAL_BASE_URL"),
        ({"PORTAL_BASE_URL": "http://portal.example.nl"}, "W005", "https"),
        ({"PORTAL_BASE_URL": "https://localhost"}, "W005", "PORTAL_BASE_URL"),
        ({"engine": "django.db.backends.sqlite3"}, "W006", "DATABASE_URL"),
        ({"CELERY_BROKER_URL": "filesystem://"}, "W007", "CELERY_BROKER_URL"),
    ],
)
def test_each_development_default_is_warned_about_with_what_to_set(
    settings, tmp_path, monkeypatch, overrides, warning, told
):
    warnings = development_defaults_used(settings, tmp_path, monkeypatch, **overrides)
    assert list(warnings) == [f"portal.{warning}"]
    assert told in warnings[f"portal.{warning}"]


def test_the_local_digipoorts_test_certificates_are_warned_about(settings, tmp_path, monkeypatch):
    """Where the local Digipoort puts them (the default, not yet made), or anywhere when
    they are its test certificates (docker-compose: the stub's folder on the volume)."""
    stub = tmp_path / "digipoort"
    default = {"DIGIPOORT_CLIENT_CERT": str(stub / "client.crt")}
    assert list(development_defaults_used(settings, tmp_path, monkeypatch, **default)) == [
        "portal.W004"
    ]
    elsewhere = testpki.generate(tmp_path / "copied")
    copied = {"DIGIPOORT_CA_BUNDLE": str(elsewhere.ca_cert)}
    warnings = development_defaults_used(settings, tmp_path, monkeypatch, **copied)
    assert list(warnings) == ["portal.W004"] and "DIGIPOORT_CA_BUNDLE" in warnings["portal.W004"]


def test_development_is_not_warned_about_its_defaults(settings, tmp_path):
    settings.DEBUG = True
    assert development_defaults() == []


def test_the_development_defaults_are_warned_about_with_check_deploy_only(settings):
    settings.DEBUG = False
    settings.CELERY_BROKER_URL = "filesystem://"
    assert "portal.W007" in {m.id for m in checks.run_checks(include_deployment_checks=True)}
    assert "portal.W007" not in {m.id for m in checks.run_checks()}


# --- staff logins that carry a client's address (known gap of the address rule) ----------


def _w008(**options) -> list[checks.CheckMessage]:
    return [m for m in checks.run_checks(**options) if m.id == "portal.W008"]


@pytest.mark.django_db
def test_staff_logins_that_carry_a_clients_address_are_warned_about(client_a, environment):
    """A staff login may not take a client contact's address (portal.admin.LoginAdminForm,
    crm.services.check_contact_email), but that is checked only when an address changes: a
    login given the address before the rule, or outside the admin, keeps it, and "Wachtwoord
    vergeten" with the client's address mails a link to the staff login too. The database
    check names such logins (at ``migrate`` and ``check --database default``)."""
    from crm.models import Contact
    from tests import factories

    contact = Contact.objects.get(organisation=client_a.organisation)
    factories.ContactFactory(
        organisation=client_a.organisation,
        user=None,
        name="Piet",
        email="Piet@Klant.nl",
        portal_access=False,
    )
    # Staff of the environment with a contact's address in other capitals, an admin user
    # with the name of a client's login, staff with addresses of their own or none.
    factories.StaffFactory(
        environment=environment, user__username="mila", user__email=contact.email.upper()
    )
    factories.UserFactory(username="root", email=client_a.user.username, is_superuser=True)
    factories.StaffFactory(
        environment=environment, user__username="kees", user__email="piet@klant.nl"
    )
    factories.StaffFactory(environment=environment, user__username="own")
    factories.StaffFactory(environment=environment, user__username="none", user__email="")
    # A client with an address of its own, and another client's address, are no staff.
    factories.ContactFactory(organisation=client_a.organisation)

    (warning,) = _w008(databases=["default"])
    assert warning.level == checks.WARNING
    assert "3 staff login(s)" in warning.msg
    assert warning.msg.index("kees") < warning.msg.index("mila") < warning.msg.index("root")
    for innocent in ("own", "none", client_a.user.username):
        assert f" {innocent}," not in warning.msg and not warning.msg.endswith(f" {innocent}.")
    assert "Gebruikers" in warning.hint
    # Only with a database to read: a plain `check` (and `check --deploy`) does not connect.
    assert _w008() == []


@pytest.mark.django_db
def test_no_warning_when_staff_and_clients_keep_their_own_addresses(client_a, staff):
    assert _w008(databases=["default"]) == []


@pytest.mark.django_db
def test_the_warning_is_printed_by_check_with_the_database(client_a, environment):
    from io import StringIO

    from django.core.management import call_command

    from tests import factories

    factories.StaffFactory(
        environment=environment, user__username="mila", user__email=client_a.user.email
    )
    output = StringIO()
    call_command("check", "--database", "default", stdout=output, stderr=output)
    assert "portal.W008" in output.getvalue() and "mila" in output.getvalue()
