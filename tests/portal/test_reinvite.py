"""An invited client who never chose a password (the link expired, the mail went to spam)
is shown as such on the organisation page, not as having access, and the administrator can
send a new invitation with a new link; a client who chose a password is not offered one."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.urls import reverse

from crm.models import Contact


def _invite(admin_browser, organisation, capture, email="eva@example.nl"):
    with capture(execute=True):
        admin_browser.post(
            reverse("insite-contact-create", args=[organisation.pk]),
            {"name": "Eva", "email": email, "language": "nl", "portal_access": "on"},
        )
    return Contact.objects.get(email=email)


def _row(page: str, email: str) -> str:
    start = page.index(email)
    return page[start : page.index("</tr>", start)]


def _link(invitation) -> str:
    return re.search(r"https?://\S+/wachtwoord/instellen/\S+/", invitation.body).group(0)


def _opens(browser, link: str) -> bool:
    """Whether the invitation's link still leads to the form to choose a password."""
    page = browser.get(urlsplit(link).path, follow=True)
    return 'name="new_password1"' in page.content.decode()


def test_an_invitee_without_a_password_is_shown_so_and_can_be_invited_again(
    admin_browser, client, client_a, django_capture_on_commit_callbacks, settings, monkeypatch
):
    organisation = client_a.organisation
    # Invited longer ago than the link lasts (PASSWORD_RESET_TIMEOUT).
    monkeypatch.setattr(
        default_token_generator,
        "_now",
        lambda: datetime.now() - timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT + 60),
    )
    contact = _invite(admin_browser, organisation, django_capture_on_commit_callbacks)
    monkeypatch.undo()
    expired = _link(mail.outbox[-1])
    assert not _opens(client, expired)
    page = admin_browser.get(reverse("insite-organisation", args=[organisation.pk]))
    row = _row(page.content.decode(), "eva@example.nl")
    assert "uitgenodigd, nog geen wachtwoord gekozen" in row
    assert "Opnieuw uitnodigen" in row

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_browser.post(
            reverse("insite-contact-access", args=[organisation.pk, contact.pk]), {"grant": "1"}
        )

    assert response.status_code == 302
    (invitation,) = mail.outbox
    assert invitation.to == ["eva@example.nl"]
    assert _link(invitation) != expired and _opens(client, _link(invitation))
    contact.refresh_from_db()
    assert contact.portal_access and Contact.objects.filter(email="eva@example.nl").count() == 1


def test_a_client_who_chose_a_password_has_access_and_no_new_invitation(
    admin_browser, client_a, django_capture_on_commit_callbacks
):
    organisation = client_a.organisation
    contact = _invite(admin_browser, organisation, django_capture_on_commit_callbacks)
    contact.user.set_password("een lang genoeg wachtwoord")
    contact.user.save()

    page = admin_browser.get(reverse("insite-organisation", args=[organisation.pk]))
    row = _row(page.content.decode(), "eva@example.nl")

    assert "toegang" in row and "nog geen wachtwoord" not in row
    assert "Opnieuw uitnodigen" not in row
