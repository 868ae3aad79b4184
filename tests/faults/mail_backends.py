"""Mail backends for the worker processes of the fault tests, named in their environment
(EMAIL_BACKEND): one that hangs in the middle of a send, as an SMTP server that never
answers, and one that writes down every mail it sends, so a test counts what left."""

from __future__ import annotations

import os
import time
from pathlib import Path

from django.core.mail.backends.base import BaseEmailBackend


class HangingBackend(BaseEmailBackend):
    """Writes the file TEST_MAIL_MARKER (the test then knows a send has begun) and hangs."""

    def send_messages(self, email_messages):
        Path(os.environ["TEST_MAIL_MARKER"]).write_text(str(os.getpid()))
        time.sleep(600)
        return 0


class RecordingBackend(BaseEmailBackend):
    """Adds a line "recipient<TAB>subject" to the file TEST_MAIL_LOG for every mail."""

    def send_messages(self, email_messages):
        with open(os.environ["TEST_MAIL_LOG"], "a", encoding="utf-8") as log:
            for message in email_messages:
                for address in message.to:
                    log.write(f"{address}\t{message.subject}\n")
        return len(email_messages)
