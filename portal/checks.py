"""System checks of the deployment (``manage.py check --deploy``) and of its data."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import checks
from django.db import connections

from config import mail
from crm import logins
from crm.models import Contact, StaffMember
from kvk.digipoort import testpki

LOCMEM = "django.core.cache.backends.locmem.LocMemCache"
#: E-mail backends that deliver nothing to anyone (Django's own).
UNDELIVERED_MAIL = {
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.filebased.EmailBackend",
    "django.core.mail.backends.locmem.EmailBackend",
    "django.core.mail.backends.dummy.EmailBackend",
}
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1", "0.0.0.0"}  # noqa: S104 - names, no bind


def register() -> None:
    """Register the checks (PortalConfig.ready)."""
    checks.register(shared_cache, checks.Tags.caches, deploy=True)
    checks.register(development_defaults, "deponeer", deploy=True)
    # Reads the database: with ``check --database default`` and at every ``migrate``.
    checks.register(staff_logins_with_clients_address, checks.Tags.database)


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


# --- development defaults in production ---------------------------------------------------
# Without its variables the product runs on a fresh machine (config/settings.py): console
# e-mail, the local Digipoort, links to this machine, SQLite, a filesystem broker. Each is
# a warning, not an error: `make run` runs with DEBUG off on these defaults on purpose.


def _is_local(url: str) -> bool:
    return (urlsplit(url).hostname or "").lower() in LOCAL_HOSTS


def _mail() -> list[checks.CheckMessage]:
    backend = mail.delivery_backend()
    if backend not in UNDELIVERED_MAIL:
        return []
    return [
        checks.Warning(
            f"E-mail is not sent but written to the log ({backend}): clients "
            "and staff receive nothing, and password reset and two-factor enrolment links "
            "end up in the log.",
            hint="Set EMAIL_HOST to the SMTP server (and EMAIL_PORT, EMAIL_HOST_USER, "
            "EMAIL_HOST_PASSWORD, EMAIL_USE_TLS as it needs).",
            id="portal.W002",
        )
    ]


def _digipoort_address() -> list[checks.CheckMessage]:
    local = [
        name
        for name in ("DIGIPOORT_AANLEVER_URL", "DIGIPOORT_STATUS_URL")
        if _is_local(getattr(settings, name))
    ]
    if not local:
        return []
    return [
        checks.Warning(
            "Filings go to the local Digipoort on this machine, not to the KvK: "
            + ", ".join(f"{name}={getattr(settings, name)}" for name in local),
            hint=f"Set {' and '.join(local)} to Logius' Digipoort endpoints.",
            id="portal.W003",
        )
    ]


def _test_certificate(name: str) -> bool:
    """Whether the file of setting ``name`` is (or will be) the local Digipoort's test PKI:
    issued by its CA, or not there yet in the folder where the local Digipoort makes it."""
    path = Path(getattr(settings, name))
    if testpki.is_test_certificate(path):
        return True
    return not path.exists() and path.is_relative_to(settings.DIGIPOORT_STUB_DIR)


def _digipoort_certificates() -> list[checks.CheckMessage]:
    names = ("DIGIPOORT_CLIENT_CERT", "DIGIPOORT_CLIENT_KEY", "DIGIPOORT_CA_BUNDLE")
    test = [name for name in names if _test_certificate(name)]
    if not test:
        return []
    return [
        checks.Warning(
            "Digipoort is reached with the local Digipoort's test certificates "
            f"({', '.join(test)}): the real Digipoort refuses them.",
            hint=f"Set {', '.join(test)} to the PKIoverheid services certificate, its key "
            "and the CA bundle of Digipoort's chain.",
            id="portal.W004",
        )
    ]


def _portal_address() -> list[checks.CheckMessage]:
    url = settings.PORTAL_BASE_URL
    if urlsplit(url).scheme == "https" and not _is_local(url):
        return []
    return [
        checks.Warning(
            f"Links in e-mails point to {url}, which clients cannot open or which is not https.",
            hint="Set PORTAL_BASE_URL to the portal's public https address, e.g. "
            "https://portal.example.nl.",
            id="portal.W005",
        )
    ]


def _database() -> list[checks.CheckMessage]:
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
        return []
    return [
        checks.Warning(
            "The database is SQLite: the web processes, worker and beat wait for each "
            "other's writes on one file, on one machine.",
            hint="Set DATABASE_URL to PostgreSQL, e.g. postgres://user@host:5432/deponeer.",
            id="portal.W006",
        )
    ]


def _broker() -> list[checks.CheckMessage]:
    if not settings.CELERY_BROKER_URL.startswith("filesystem://"):
        return []
    return [
        checks.Warning(
            "The task queue is a folder (Kombu's filesystem transport): a task a worker "
            "took is gone when that worker dies, and the queue serves one machine only.",
            hint="Set CELERY_BROKER_URL to Redis, e.g. redis://host:6379/0.",
            id="portal.W007",
        )
    ]


def development_defaults(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """Warn when production (DEBUG off) runs on a development default of config/settings.py."""
    if settings.DEBUG:
        return []
    found: list[checks.CheckMessage] = []
    for check in (
        _mail,
        _digipoort_address,
        _digipoort_certificates,
        _portal_address,
        _database,
        _broker,
    ):
        found += check()
    return found


# --- the data ------------------------------------------------------------------------------

#: How many logins a warning names; it counts the others.
NAMED_LOGINS = 10


def staff_logins_with_clients_address(
    app_configs: Any = None, databases: Any = None, **kwargs: Any
) -> list[checks.CheckMessage]:
    """Warn about staff logins that carry a client's e-mail address (crm.logins): such an
    address is refused when it is entered, but logins given it before that rule (or outside
    the admin) keep it, and "Wachtwoord vergeten" with the client's address would mail a
    link to the staff login as well. A database check: it runs at ``migrate`` and with
    ``check --database default``, on a database that has the tables (before the first
    ``migrate`` it has none)."""
    found: list[checks.CheckMessage] = []
    tables = {model._meta.db_table for model in (get_user_model(), Contact, StaffMember)}
    for alias in databases or ():
        if not tables <= set(connections[alias].introspection.table_names()):
            continue
        names = [user.get_username() for user in logins.staff_logins_with_clients_address(alias)]
        if not names:
            continue
        listed = ", ".join(names[:NAMED_LOGINS])
        if len(names) > NAMED_LOGINS:
            listed += f" and {len(names) - NAMED_LOGINS} more"
        found.append(
            checks.Warning(
                f"{len(names)} staff login(s) carry the e-mail address of a client's contact "
                f"(database {alias}): {listed}. 'Wachtwoord vergeten' with that address mails "
                "a link to the staff login too.",
                hint="Give each of these logins an e-mail address of its own (admin, "
                "Gebruikers); a client who logs in with one of them gets a login of its own.",
                id="portal.W008",
            )
        )
    return found
