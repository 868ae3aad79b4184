"""Deponeer settings: one module, read from the environment.

With no variables set, the project runs on a fresh machine without services: SQLite, a
filesystem Celery broker, local-memory cache and console e-mail. Production and CI set
``DATABASE_URL``, ``CELERY_BROKER_URL`` and ``REDIS_URL``; production switches (DEBUG off,
secure cookies, allowed hosts) are variables too, never a second settings file.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TypeVar

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from kombu import Queue

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


# A wrong value stops the start naming the variable and what it expects, in Dutch and
# English like the other start-up refusals: never a bare traceback, never a silent "off".
# (Lower-case names: Django takes every upper-case name in this module for a setting.)
_switches = {"1": True, "true": True, "yes": True, "on": True}
_switches |= {"0": False, "false": False, "no": False, "off": False}
_Number = TypeVar("_Number", int, float)
# What a number of each kind is called: one, and several separated by commas.
_number_words = {
    int: ("een geheel getal", "a whole number", "gehele getallen", "whole numbers"),
    float: ("een getal", "a number", "getallen", "numbers"),
}


def _refused(name: str, dutch: str, english: str) -> ImproperlyConfigured:
    value = os.environ.get(name)
    return ImproperlyConfigured(
        f"{name}={value!r}: verwacht {dutch} ({name}={value!r}: expected {english})."
    )


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    if value.strip().lower() not in _switches:
        raise _refused(name, "true of false", "true or false (or 1/0, yes/no, on/off)")
    return _switches[value.strip().lower()]


def env_number(name: str, default: _Number) -> _Number:
    """The number in ``name``, of the type of ``default`` (int or float)."""
    kind = type(default)
    try:
        return kind(env(name, str(default)).strip())
    except ValueError:
        one, one_en = _number_words[kind][:2]
        raise _refused(
            name, f"{one}, bijvoorbeeld {default}", f"{one_en}, e.g. {default}"
        ) from None


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


def env_numbers(
    name: str, default: str, kind: type[_Number], *, required: bool = False
) -> list[_Number]:
    """The comma-separated numbers in ``name``; ``required``: at least one."""
    try:
        numbers: list[_Number] | None = [kind(item) for item in env_list(name, default)]
    except ValueError:
        numbers = None
    if numbers is None or (required and not numbers):
        several, several_en = _number_words[kind][2:]
        raise _refused(
            name,
            f"{several} met komma's ertussen, bijvoorbeeld {default}",
            f"{several_en} separated by commas, e.g. {default}",
        )
    return numbers


# Runtime state of the embedded defaults (SQLite file, broker folder, stub certificates).
VAR_DIR = Path(env("DEPONEER_VAR_DIR", str(BASE_DIR / "var")))
if env("PYTEST_XDIST_WORKER", ""):
    # Parallel test processes (pytest -n) each get their own folder, so one's filesystem
    # broker queue, beat schedule and local Digipoort files never serve another.
    VAR_DIR = VAR_DIR / f"xdist-{env('PYTEST_XDIST_WORKER', '')}"
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("DEBUG", True)
# The development key signs sessions of `make run` only: with DEBUG off the product does not
# start without a key of its own (a known key lets anyone forge a session).
DEVELOPMENT_SECRET_KEY = "insecure-development-key-change-me-" + "x" * 20
SECRET_KEY = env("SECRET_KEY", DEVELOPMENT_SECRET_KEY if DEBUG else "")
if not DEBUG and SECRET_KEY in ("", DEVELOPMENT_SECRET_KEY):
    raise ImproperlyConfigured(
        "SECRET_KEY ontbreekt of is de ontwikkelsleutel; met DEBUG=false is een eigen, "
        "geheime sleutel nodig (SECRET_KEY is missing or the development key; DEBUG=false "
        "needs a secret key of its own)."
    )
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

SECURE = env_bool("SECURE", not DEBUG)
SESSION_COOKIE_SECURE = SECURE
CSRF_COOKIE_SECURE = SECURE
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", SECURE)
# The health checks are probed over plain http by the web process's own address (the
# compose health check, a load balancer): no redirect, and no host check either
# (portal.middleware.HealthCheckMiddleware).
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^healthz/live$"]
SECURE_HSTS_SECONDS = env_number("SECURE_HSTS_SECONDS", 31536000 if SECURE else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE
SECURE_HSTS_PRELOAD = SECURE
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if SECURE else None
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env_number("SESSION_COOKIE_AGE", 8 * 3600)
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Content-Security-Policy (portal.middleware.ContentSecurityPolicyMiddleware). Scripts come
# only from the site's own static files: no page has an inline script or event handler (the
# API docs load their start-up script from a URL of their own: SpectacularSwaggerSplitView).
# Styles allow 'unsafe-inline': the rendered accounts (kvk/templates/kvk, shown in a srcdoc
# frame that inherits this policy) carry a <style> block and an indent per row, and htmx
# and Swagger UI add style elements of their own; a style cannot run code.
CONTENT_SECURITY_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:"],  # Swagger UI's icons are data: URLs
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}

INSTALLED_APPS = [
    "portal.apps.PortalAdminConfig",  # django.contrib.admin behind the portal login + 2FA
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI and ReDoc served offline
    "django_htmx",
    "django_otp",
    "portal.apps.TotpConfig",  # django_otp.plugins.otp_totp, under Dutch names in the admin
    "portal.apps.AxesConfig",  # axes, under Dutch names in the admin
    "kvk",
    "crm",
    "workflow",
    "connectors",
    "deadlines",
    "portal",
    "clientside",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy on every answer, static files included (CONTENT_SECURITY_POLICY).
    "portal.middleware.ContentSecurityPolicyMiddleware",
    # /healthz and /healthz/live answered here, before the host check of CommonMiddleware.
    "portal.middleware.HealthCheckMiddleware",
    # Static files from the web process itself, before sessions and the rest (WhiteNoise).
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Cache-Control: no-store, private on every answer to a logged-in user.
    "portal.middleware.PrivateResponsesMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # After OTPMiddleware: a session that owes its second factor reaches nothing else.
    "portal.middleware.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks: turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{VAR_DIR / 'deponeer.sqlite3'}"),
        conn_max_age=env_number("DB_CONN_MAX_AGE", 0),
        # A kept connection is checked before its first use in a request or task, so one
        # the database dropped is replaced instead of failing the work.
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web server, worker and beat share one file: wait for locks instead of failing.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    )
    # A file, not shared-cache memory: live servers and Celery worker threads in the tests
    # open their own connections to it. One per test run, so runs side by side don't collide.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")}
else:
    # One test database per test run here too, so two runs on one server don't collide.
    DATABASES["default"]["TEST"] = {"NAME": f"test_{DATABASES['default']['NAME']}_{os.getpid()}"}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    # At least 12 characters (OWASP ASVS 4.0.3 V2.1.1); the demo password has 13.
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# --- Portal login: lockout, two-factor authentication, sessions --------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses locked-out logins
    # Django's ModelBackend that finds the username without regard to capitals: a client's
    # login is its e-mail address ("Jan@Example.nl" is "jan@example.nl").
    "crm.logins.CaseInsensitiveModelBackend",
]
AXES_FAILURE_LIMIT = env_number("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_number("AXES_COOLOFF_HOURS", 1.0)  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# Failed attempts of "JAN@x.nl" and "jan@x.nl" count for one login, as they log in to one.
AXES_USERNAME_CALLABLE = "crm.logins.lockout_username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# How many proxies in front of the web server append to X-Forwarded-For (production: the TLS
# proxy, 1). The client address of throttling, django-axes and the audit trail comes from
# there (config/clientip.py); 0 trusts no header and uses the connection's address.
TRUSTED_PROXY_COUNT = env_number("TRUSTED_PROXY_COUNT", 0)
AXES_CLIENT_IP_CALLABLE = "config.clientip.client_ip"
# "Wachtwoord vergeten": mails per address and requests per client address, per hour; past
# either the page answers as always but sends nothing (portal.views.auth).
PASSWORD_RESET_RATE_PER_ADDRESS = env("PASSWORD_RESET_RATE_PER_ADDRESS", "3/hour")
PASSWORD_RESET_RATE_PER_IP = env("PASSWORD_RESET_RATE_PER_IP", "20/hour")
# Staff must pass a TOTP second factor. On by default in production (DEBUG off); the
# development default lets the demo login work without an authenticator app.
OTP_REQUIRED_FOR_STAFF = env_bool("OTP_REQUIRED_FOR_STAFF", not DEBUG)
OTP_TOTP_ISSUER = env("OTP_TOTP_ISSUER", "Deponeer")
# The admin lists the authenticator devices without their secret key or QR code: a second
# factor is linked only through the one-time link (portal.otp_enrolment, otp_reset), not
# copied by whoever reaches the admin.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# Linking an authenticator app needs the one-time link mailed to the staff member (or printed
# by `manage.py otp_reset`), valid this long (portal.otp_enrolment).
OTP_ENROLMENT_LINK_MINUTES = env_number("OTP_ENROLMENT_LINK_MINUTES", 30)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
# A form whose token no longer holds gets the house page that says nothing was done.
CSRF_FAILURE_VIEW = "portal.views.csrf_failure"
# InSite "needs attention": a message waits for the client longer than this many days.
PORTAL_CLIENT_WAITING_DAYS = env_number("PORTAL_CLIENT_WAITING_DAYS", 14)

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Nederlands")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Amsterdam"
# One date and one date-time format per language (config/formats, config/dates.py).
FORMAT_MODULE_PATH = ["config.formats"]
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# WhiteNoise serves the static files under gunicorn and `make run` alike: with DEBUG off the
# files collected into STATIC_ROOT (collectstatic runs in the Dockerfile and in
# scripts/run_all.py), with DEBUG on the app and project folders as they are, re-read on
# each request. Fixed here from DEBUG as read at start-up (the tests turn DEBUG off later).
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG

REDIS_URL = env("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            # Django's Redis cache, reusing one Redis client instead of one per operation.
            "BACKEND": "config.cache.RedisCache",
            "LOCATION": REDIS_URL,
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# EMAIL_BACKEND (the environment's) delivers; every mail first passes config.mail, which
# gives it a Message-ID on the host of PORTAL_BASE_URL instead of this machine's name.
EMAIL_DELIVERY_BACKEND = env(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if env("EMAIL_HOST")
    else "django.core.mail.backends.console.EmailBackend",
)
if EMAIL_DELIVERY_BACKEND == "config.mail.EmailBackend":
    # It would hand every mail to itself, for ever: no mail would go out.
    raise _refused(
        "EMAIL_BACKEND",
        "de backend die bezorgt (SMTP, console, file), niet config.mail.EmailBackend",
        "the backend that delivers (SMTP, console, file), not config.mail.EmailBackend",
    )
EMAIL_BACKEND = "config.mail.EmailBackend"
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = env_number("EMAIL_PORT", 25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
# Seconds a mail server may take to answer: a hung server ends the send as a failure the
# notification task retries, before the task's soft time limit (CELERY_TASK_SOFT_TIME_LIMIT).
EMAIL_TIMEOUT = env_number("EMAIL_TIMEOUT", 30)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Deponeer <noreply@deponeer.localhost>")
# Where Django's file-based backend (EMAIL_BACKEND=django.core.mail.backends.filebased.
# EmailBackend) writes each mail, one file a send: a mailbox to read on a trial set-up.
EMAIL_FILE_PATH = env("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))

# --- Celery -----------------------------------------------------------------------------
# Without CELERY_BROKER_URL the broker is Kombu's filesystem transport: a real queue in a
# folder, so `make run` has a real worker and beat without any server.
BROKER_DIR = VAR_DIR / "broker"
CELERY_BROKER_URL = env("CELERY_BROKER_URL", "filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    (BROKER_DIR / "queue").mkdir(parents=True, exist_ok=True)
    (BROKER_DIR / "processed").mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "processed_folder": str(BROKER_DIR / "processed"),
        "control_folder": str(BROKER_DIR / "control"),
        "store_processed": False,
    }
else:
    # Countdowns never exceed this; a task not acknowledged in time is redelivered. The
    # queues are read in the order of CELERY_TASK_QUEUES ("priority"), so approved filings
    # go to the KvK before new uploads are processed.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": 3600,
        "queue_order_strategy": "priority",
    }
# The KvK's work (delivering approved filings, asking their status) has its own queue, read
# first by every worker: in the filing season an approved filing does not wait behind the
# processing of new uploads and the e-mails. A worker reads every queue listed here.
CELERY_TASK_DEFAULT_QUEUE = "celery"
CELERY_TASK_QUEUES = [Queue("kvk"), Queue("celery")]
CELERY_TASK_ROUTES = {
    "workflow.tasks.submit_to_kvk": {"queue": "kvk"},
    "workflow.tasks.poll_kvk_statuses": {"queue": "kvk"},
    "workflow.tasks.poll_one": {"queue": "kvk"},
}
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = 120
CELERY_TASK_TIME_LIMIT = 180
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
# Celery closes the database connection around every task unless told to reuse it; with
# DB_CONN_MAX_AGE set, a worker keeps its connection like the web server does (a new
# PostgreSQL connection per task costs more than most of our tasks). config/celery.py
# still drops a connection that is too old or broke, before and after each task.
if DATABASES["default"].get("CONN_MAX_AGE"):
    CELERY_DB_REUSE_MAX = env_number("CELERY_DB_REUSE_MAX", 1000)
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
PROCESSING_INTERVAL_SECONDS = env_number("PROCESSING_INTERVAL_SECONDS", 30.0)
# "Externe berichten verwerken" not run for this long: beat or every worker has stopped; the
# health check answers 503 and InSite says so (connectors.schedule). Well past a busy queue.
SCHEDULED_JOBS_LATE_AFTER_SECONDS = env_number(
    "SCHEDULED_JOBS_LATE_AFTER_SECONDS", max(600.0, 3 * PROCESSING_INTERVAL_SECONDS)
)
# Uploads within this moment share one processing run (connectors.tasks.Kicker), so under
# load messages are processed in batches; 0 queues a run per upload.
PROCESSING_KICK_DELAY_SECONDS = env_number("PROCESSING_KICK_DELAY_SECONDS", 0.5)
# The status poll at 60: beat runs the poll task every KVK_POLL_INTERVAL_SECONDS; each
# message is asked KVK_POLL_SCHEDULE seconds after its delivery and each earlier poll (the
# last wait repeats: the cap). See workflow.services.poll_delay.
KVK_POLL_INTERVAL_SECONDS = env_number("KVK_POLL_INTERVAL_SECONDS", 10.0)
# At least one wait: poll_delay takes the last one after each delivery.
KVK_POLL_SCHEDULE = env_numbers(
    "KVK_POLL_SCHEDULE", "15,30,60,120,300,900,1800,3600", float, required=True
)
KVK_POLL_BATCH = env_number("KVK_POLL_BATCH", 25)  # messages claimed at once
KVK_POLL_LEASE_SECONDS = env_number("KVK_POLL_LEASE_SECONDS", 300)  # a claim's lifetime
KVK_POLL_RUN_SECONDS = env_number("KVK_POLL_RUN_SECONDS", 60.0)  # one run's time budget
# Delivered to the KvK (400) this long without its verdict: put before the staff.
KVK_NO_VERDICT_ATTENTION_HOURS = env_number("KVK_NO_VERDICT_ATTENTION_HOURS", 24.0)
CELERY_BEAT_SCHEDULE = {
    # "Externe berichten verwerken": also kicked right after each upload; this is the net.
    "externe-berichten-verwerken": {
        "task": "connectors.tasks.process_external_messages",
        "schedule": PROCESSING_INTERVAL_SECONDS,
    },
    "kvk-statussen-ophalen": {
        "task": "workflow.tasks.poll_kvk_statuses",
        "schedule": KVK_POLL_INTERVAL_SECONDS,
        # A tick not run before the next one is dropped: ticks never pile up on the queue.
        "options": {"expires": KVK_POLL_INTERVAL_SECONDS},
    },
    "vastgelopen-berichten-hervatten": {
        "task": "workflow.tasks.sweep_stuck_messages",
        "schedule": 60.0,
    },
    # E-mails whose worker died while sending them (portal.notifications.resume_dead_sends).
    "meldingen-hervatten": {
        "task": "portal.tasks.resume_stuck_notifications",
        "schedule": 300.0,
    },
    # Daily reminders to clients and escalations to staff (deadlines.reminders); idempotent.
    "herinneringen-versturen": {
        "task": "portal.tasks.send_reminders",
        "schedule": crontab(hour=7, minute=0),
    },
}
# Days a message waits for the client (status 30) before a reminder; days before the
# filing deadline at which staff are warned.
REMINDER_DAYS = env_numbers("REMINDER_DAYS", "3,7,14", int)
REMINDER_ESCALATION_DAYS = env_numbers("REMINDER_ESCALATION_DAYS", "30,14", int)

# --- REST API ---------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_THROTTLE_RATES": {
        "client_token": env("API_THROTTLE_RATE", "600/min"),
        "anon_auth": env("API_ANON_THROTTLE_RATE", "60/min"),
    },
    "UNAUTHENTICATED_USER": None,
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Deponeer CommSvc API",
    "DESCRIPTION": "Client environments register annual-accounts messages and follow their status.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "PREPROCESSING_HOOKS": ["connectors.schema.canonical_paths_only"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}
API_MAX_UPLOAD_BYTES = env_number("API_MAX_UPLOAD_BYTES", 10 * 1024 * 1024)
# base64 grows content by 4/3; leave room for the JSON around it.
DATA_UPLOAD_MAX_MEMORY_SIZE = API_MAX_UPLOAD_BYTES * 4 // 3 + 64 * 1024

# --- Digipoort --------------------------------------------------------------------------
DIGIPOORT_STUB_DIR = VAR_DIR / "digipoort"
# The local Digipoort of `make run` listens on DIGIPOORT_STUB_PORT (scripts/run_all.py).
DIGIPOORT_STUB_PORT = env_number("DIGIPOORT_STUB_PORT", 8443)
DIGIPOORT_AANLEVER_URL = env(
    "DIGIPOORT_AANLEVER_URL",
    f"https://127.0.0.1:{DIGIPOORT_STUB_PORT}/wus/2.0/aanleverservice/1.2",
)
DIGIPOORT_STATUS_URL = env(
    "DIGIPOORT_STATUS_URL",
    f"https://127.0.0.1:{DIGIPOORT_STUB_PORT}/wus/2.0/statusinformatieservice/1.2",
)
DIGIPOORT_CLIENT_CERT = env("DIGIPOORT_CLIENT_CERT", str(DIGIPOORT_STUB_DIR / "client.crt"))
DIGIPOORT_CLIENT_KEY = env("DIGIPOORT_CLIENT_KEY", str(DIGIPOORT_STUB_DIR / "client.key"))
DIGIPOORT_CA_BUNDLE = env("DIGIPOORT_CA_BUNDLE", str(DIGIPOORT_STUB_DIR / "ca.crt"))
DIGIPOORT_BERICHTSOORT = env("DIGIPOORT_BERICHTSOORT", "KVK-jaarverantwoording")
DIGIPOORT_IDENTITEIT_TYPE = env("DIGIPOORT_IDENTITEIT_TYPE", "KvK")
DIGIPOORT_ROL = env("DIGIPOORT_ROL", "Intermediair")
DIGIPOORT_AUTORISATIE_ADRES = env("DIGIPOORT_AUTORISATIE_ADRES", "http://geenausp.nl")
DIGIPOORT_SIGNATURE_ALGORITHM = env(
    "DIGIPOORT_SIGNATURE_ALGORITHM", "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
)
DIGIPOORT_DIGEST_ALGORITHM = env(
    "DIGIPOORT_DIGEST_ALGORITHM", "http://www.w3.org/2001/04/xmlenc#sha256"
)
DIGIPOORT_TIMEOUT_SECONDS = env_number("DIGIPOORT_TIMEOUT_SECONDS", 30.0)
KVK_SUBMIT_MAX_RETRIES = env_number("KVK_SUBMIT_MAX_RETRIES", 5)

# --- Full XBRL validation (optional) ----------------------------------------------------
# Comma-separated paths of official taxonomy package zips; empty = instance rules only.
KVK_TAXONOMY_PACKAGES = env_list("KVK_TAXONOMY_PACKAGES")

# The site's own address: links in e-mails and the demo clients' portal address. Without
# it, the address `make run` serves on (DEPONEER_HOST, DEPONEER_PORT).
PORTAL_BASE_URL = env(
    "PORTAL_BASE_URL",
    f"http://{env('DEPONEER_HOST', '127.0.0.1')}:{env_number('DEPONEER_PORT', 8000)}",
)
# The client side derives the portal address from the participant number (O12345AA).
PORTAL_URL_TEMPLATE = env("PORTAL_URL_TEMPLATE", "https://{participant}.deponeer.nl")
# The client side sends its token only over https to a public address; for a portal on this
# machine (development, the demo, the tests) both may be allowed.
CLIENTSIDE_ALLOW_LOCAL_PORTAL = env_bool("CLIENTSIDE_ALLOW_LOCAL_PORTAL", DEBUG)
# Client side: "Verzenden/ontvangen accountancyportal" on a schedule; 0 (default) = off.
CLIENTSIDE_SEND_RECEIVE_INTERVAL_SECONDS = env_number(
    "CLIENTSIDE_SEND_RECEIVE_INTERVAL_SECONDS", 0.0
)
if CLIENTSIDE_SEND_RECEIVE_INTERVAL_SECONDS > 0:
    CELERY_BEAT_SCHEDULE["verzenden-ontvangen-accountancyportal"] = {
        "task": "clientside.tasks.send_receive_all",
        "schedule": CLIENTSIDE_SEND_RECEIVE_INTERVAL_SECONDS,
    }

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {"django.server": {"level": "WARNING"}},
}
# How long one worker holds an approved message while it talks to Digipoort; after that a
# sweeper may take over (asking Digipoort about the delivery reference before any resend).
KVK_SUBMIT_LEASE_SECONDS = env_number("KVK_SUBMIT_LEASE_SECONDS", 300)
