"""Wrong configuration values stop the start with the variable's name and what it expects,
instead of a bare traceback or a silent "off" (operator's report, item 6)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.config.test_startup_settings import run

pytestmark = pytest.mark.slow

PRINT = (
    "import django; django.setup(); from django.conf import settings as s; "
    "print(s.OTP_REQUIRED_FOR_STAFF, s.EMAIL_PORT, s.KVK_POLL_SCHEDULE)"
)


def start(tmp_path: Path, **env: str) -> subprocess.CompletedProcess:
    """Load the settings in a process of its own with ``env`` on a development start."""
    return run(tmp_path, PRINT, DEBUG="true", **env)


def refused(result: subprocess.CompletedProcess, *names_and_words: str) -> None:
    assert result.returncode != 0
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("django.core.exceptions.ImproperlyConfigured"), result.stderr
    for word in names_and_words:
        assert word in last, last


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("DB_CONN_MAX_AGE", "60s", "whole number"),
        ("EMAIL_PORT", "", "whole number"),
        ("AXES_COOLOFF_HOURS", "1h", "number"),
        ("REMINDER_DAYS", "3,7,x", "whole numbers"),
    ],
)
def test_a_bad_number_names_its_variable_and_what_it_expects(tmp_path, name, value, expected):
    refused(start(tmp_path, **{name: value}), name, repr(value), expected)


@pytest.mark.parametrize("value", ["ture", "", "ja"])
def test_an_unknown_switch_value_is_refused_not_taken_for_off(tmp_path, value):
    """OTP_REQUIRED_FOR_STAFF=ture turned the staff's second factor off without a word."""
    refused(start(tmp_path, OTP_REQUIRED_FOR_STAFF=value), "OTP_REQUIRED_FOR_STAFF", "true")


@pytest.mark.parametrize("value", ["", " , "])
def test_an_empty_poll_schedule_is_refused_at_start(tmp_path, value):
    """workflow.services.poll_delay takes the schedule's last wait after a delivery: an empty
    schedule would fail there, after the filing went out, instead of at start."""
    refused(start(tmp_path, KVK_POLL_SCHEDULE=value), "KVK_POLL_SCHEDULE")


@pytest.mark.parametrize(
    ("value", "shown"), [("TRUE", "True"), (" on ", "True"), ("0", "False"), ("No", "False")]
)
def test_the_known_switch_values_still_work(tmp_path, value, shown):
    result = start(tmp_path, OTP_REQUIRED_FOR_STAFF=value, EMAIL_PORT=" 587 ")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[:2] == [shown, "587"]


def test_the_site_mail_backend_is_not_the_one_that_delivers(tmp_path):
    """Every mail passes config.mail.EmailBackend, which hands it to EMAIL_BACKEND: named
    there itself it handed every mail to itself until a RecursionError (the review)."""
    refused(
        start(tmp_path, EMAIL_BACKEND="config.mail.EmailBackend"),
        "EMAIL_BACKEND",
        "not config.mail.EmailBackend",
    )


def test_the_file_mail_backend_writes_into_the_data_folder(tmp_path):
    """The file-based backend needs EMAIL_FILE_PATH; the settings never set it, so choosing
    that backend (a mailbox to read on a trial set-up) failed at the first mail."""
    send = (
        "import django; django.setup(); from django.core.mail import send_mail; "
        "send_mail('Onderwerp', 'Tekst', None, ['klant@example.nl'])"
    )
    var_dir = tmp_path / "var"
    result = run(
        tmp_path,
        send,
        DEBUG="true",
        DEPONEER_VAR_DIR=str(var_dir),
        EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
        # Not a parallel test process: that gets a folder of its own inside the data folder.
        PYTEST_XDIST_WORKER="",
    )
    assert result.returncode == 0, result.stderr
    (mail,) = (var_dir / "mail").iterdir()
    assert "Subject: Onderwerp" in mail.read_text()
