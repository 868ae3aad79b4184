"""Remove a staff member's authenticator devices (a lost or replaced phone).

At the next login the staff member links a new authenticator app, through the one-time link
mailed then or the one printed here (portal.otp_enrolment). Usage:
``manage.py otp_reset USERNAME``.
"""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_totp.models import TOTPDevice

from crm.logins import find_login
from portal import otp_enrolment


class Command(BaseCommand):
    help = (
        "Remove the TOTP devices of a user and print a one-time link to set up a new one "
        "(also mailed at the next login)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("username")

    def handle(self, *args, username: str, **options) -> None:
        # Found as the login finds it: capitals aside, never one of two by guess.
        user = find_login(username)
        if user is None:
            raise CommandError(_("Er is geen gebruiker '%(name)s'.") % {"name": username})
        count, _removed = TOTPDevice.objects.filter(user=user).delete()
        self.stdout.write(
            ngettext(
                "%(count)s authenticator-koppeling van %(name)s verwijderd; bij de volgende "
                "login stelt deze medewerker een nieuwe in.",
                "%(count)s authenticator-koppelingen van %(name)s verwijderd; bij de volgende "
                "login stelt deze medewerker een nieuwe in.",
                count,
            )
            % {"count": count, "name": user.get_username()}
        )
        otp_enrolment.forget_sent(user)
        self.stdout.write(
            ngettext(
                "Koppellink (werkt één keer, na het inloggen met het wachtwoord van %(name)s, "
                "%(minutes)s minuut): %(link)s",
                "Koppellink (werkt één keer, na het inloggen met het wachtwoord van %(name)s, "
                "%(minutes)s minuten): %(link)s",
                settings.OTP_ENROLMENT_LINK_MINUTES,
            )
            % {
                "name": user.get_username(),
                "minutes": settings.OTP_ENROLMENT_LINK_MINUTES,
                "link": otp_enrolment.link(user),
            }
        )
