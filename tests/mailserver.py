"""A mail server that fails on cue, for the tests of notifications: Django's locmem backend
with the failures of a real SMTP server (a refused address, 550 as RFC 5321 §4.2.3 gives it;
a dropped connection; a send that hangs until Celery's soft time limit). Use the fixture
``failing_mail`` (import it into the test module) and put addresses in the lists."""

from __future__ import annotations

import smtplib

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.core.mail.backends import locmem

REFUSED: set[str] = set()
DROPS: list[str] = []  # the address whose next mail drops the connection, once per entry
HANGS: list[str] = []  # the address whose next mail hangs until the soft time limit, once


class FailingBackend(locmem.EmailBackend):
    """Django's locmem backend, with the failures of a real SMTP server."""

    def send_messages(self, messages):
        for message in messages:
            for address in message.to:
                if address in REFUSED:
                    raise smtplib.SMTPRecipientsRefused({address: (550, b"5.1.1 User unknown")})
                if address in DROPS:
                    DROPS.remove(address)
                    raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
                if address in HANGS:
                    HANGS.remove(address)
                    raise SoftTimeLimitExceeded()
        return super().send_messages(messages)


@pytest.fixture(autouse=True)
def failing_mail(settings):
    settings.EMAIL_BACKEND = f"{__name__}.FailingBackend"
    REFUSED.clear()
    DROPS.clear()
    HANGS.clear()
    yield
    REFUSED.clear()
    DROPS.clear()
    HANGS.clear()
