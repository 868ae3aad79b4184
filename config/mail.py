"""How every e-mail of the project goes out (settings.EMAIL_BACKEND).

Django names each mail's Message-ID after this machine's host name (DNS_NAME): often
"localhost" in a container, which spam filters count against a mail. ``EmailBackend``
gives each mail without one a Message-ID on the host of the site's own address
(PORTAL_BASE_URL) and hands it to the backend that delivers it
(``EMAIL_DELIVERY_BACKEND``: SMTP, the console, files), so it holds for every mail the
project sends, whichever code sends it (notifications, reminders, password reset, the
second factor's enrolment).
"""

from __future__ import annotations

from collections.abc import Sequence
from email.utils import make_msgid
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.utils import DNS_NAME
from django.utils.encoding import punycode

#: EMAIL_BACKEND: this module's backend.
BACKEND = f"{__name__}.EmailBackend"


def message_id_domain() -> str:
    """The host of PORTAL_BASE_URL; Django's own (this machine's name) without one."""
    host = urlsplit(settings.PORTAL_BASE_URL).hostname
    return punycode(host) if host else str(DNS_NAME)


def delivery_backend() -> str:
    """The backend that really delivers the mail: behind ``EmailBackend`` the one it hands
    mails to, otherwise EMAIL_BACKEND itself (the tests choose their own)."""
    if settings.EMAIL_BACKEND == BACKEND:
        return str(settings.EMAIL_DELIVERY_BACKEND)
    return str(settings.EMAIL_BACKEND)


class EmailBackend(BaseEmailBackend):
    """Stamps each mail's Message-ID with the site's host, then delivers it through
    EMAIL_DELIVERY_BACKEND on one connection of that backend."""

    def __init__(self, fail_silently: bool = False, **kwargs: Any) -> None:
        super().__init__(fail_silently=fail_silently)
        self.delivery = get_connection(
            settings.EMAIL_DELIVERY_BACKEND, fail_silently=fail_silently, **kwargs
        )

    def open(self) -> Any:
        return self.delivery.open()

    def close(self) -> None:
        self.delivery.close()

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        domain = message_id_domain()
        for message in email_messages:
            if not any(name.lower() == "message-id" for name in message.extra_headers):
                message.extra_headers["Message-ID"] = make_msgid(domain=domain)
        return self.delivery.send_messages(email_messages) or 0
