"""Every mail the project sends names the site's own host in its Message-ID, not this
machine's name ("...@localhost" in a container, a point against the mail at spam filters):
config.mail.EmailBackend, settings.EMAIL_BACKEND."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.mail import EmailMessage, send_mail

from config import mail as config_mail
from tests.portal.conftest import make_message

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("mail_tasks_run_here")]


@pytest.fixture
def site_backend(settings):
    """The backend of settings.py (the tests' own is Django's locmem), delivering to the
    outbox, for a site at portal.example.nl."""
    settings.EMAIL_BACKEND = config_mail.BACKEND
    settings.EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.PORTAL_BASE_URL = "https://portal.example.nl/"


def test_settings_deliver_through_the_site_backend():
    from config import settings as project_settings

    assert project_settings.EMAIL_BACKEND == config_mail.BACKEND


def test_every_mail_names_the_site_in_its_message_id(
    client_a, site_backend, django_capture_on_commit_callbacks
):
    """Django names the Message-ID after this machine ("...@localhost" in a container), a
    point against the mail at spam filters: a notification, a plain send_mail (password
    reset, the second factor's enrolment) and a mail of several all name the site."""
    with django_capture_on_commit_callbacks(execute=True):
        make_message(client_a)
    send_mail("Onderwerp", "Tekst", None, ["klant@example.nl"])
    with config_mail.EmailBackend() as connection:
        connection.send_messages(
            [
                EmailMessage("Een", "Tekst", to=["a@example.nl"]),
                EmailMessage("Twee", "", to=["b@example.nl"]),
            ]
        )
    ids = [sent.message()["Message-ID"] for sent in mail.outbox]
    assert len(ids) == 4
    assert len(set(ids)) == 4
    assert all(message_id.endswith("@portal.example.nl>") for message_id in ids), ids


def test_a_message_id_of_its_own_is_kept(site_backend):
    send = EmailMessage("Onderwerp", "Tekst", to=["a@example.nl"], headers={"message-id": "<x@y>"})
    send.send()
    assert mail.outbox[0].message()["Message-ID"] == "<x@y>"
