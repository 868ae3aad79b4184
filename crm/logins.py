"""Logins of staff and client contacts: a username is found without regard to capitals.

A client's login is its e-mail address, and mail ignores capitals: "Jan@Example.nl" typed on
a phone is the login "jan@example.nl". Django compares usernames exactly, so the portal logs
in with ``CaseInsensitiveModelBackend`` (settings.AUTHENTICATION_BACKENDS), counts failed
attempts of all spellings of one login together (``lockout_username``, django-axes'
AXES_USERNAME_CALLABLE), and stores new logins made from an e-mail address in one form
(``login_from_email``), so no new logins differing only in capitals arise.

Older databases may hold two logins that differ only in capitals ("Jan@x.nl" and
"jan@x.nl"). Then only the one written exactly as typed is found; another spelling finds
neither: a login never goes to one of two people by guess.
"""

from __future__ import annotations

from typing import Any

from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db.models import Q, QuerySet
from django.db.models.functions import Lower

from crm.models import Contact


def login_from_email(email: str) -> str:
    """The username of a new login made from ``email``: the address in lowercase."""
    return address_key(email)


def address_key(address: str) -> str:
    """An e-mail address as one person, whatever its capitals ("Jan@x.nl" is "jan@x.nl"),
    as the database compares them (``iexact``): who gets one mail, not two."""
    return address.strip().lower()


def logins_named(username: str) -> QuerySet[Any]:
    """Every login spelt ``username`` apart from capitals (usually one; more only in old
    data)."""
    User = get_user_model()
    return User._default_manager.filter(**{f"{User.USERNAME_FIELD}__iexact": username})


def addressed_to(email: str) -> QuerySet[Any]:
    """Every login whose e-mail address is ``email`` apart from capitals: those that
    "Wachtwoord vergeten" with this address reaches."""
    User = get_user_model()
    return User._default_manager.filter(**{f"{User.get_email_field_name()}__iexact": email})


def staff_logins_with_clients_address(using: str | None = None) -> QuerySet[Any]:
    """The staff logins (crm.models.is_staff_login: a staff member, or staff or superuser in
    the admin) whose e-mail address is, capitals aside, a client's: the address of a client
    contact, or the address or name of a contact's login. "Wachtwoord vergeten" mails every
    login with the address typed (``addressed_to``), so that client would get a link to the
    staff login too. The admin refuses such an address when one is entered
    (portal.admin.LoginAdminForm); this finds those given before, or outside the admin
    (portal.checks.staff_logins_with_clients_address)."""
    User = get_user_model()
    users = User._default_manager.db_manager(using)
    email = User.get_email_field_name()
    client_logins = users.filter(client_contacts__isnull=False)
    clients = [
        Contact.objects.db_manager(using).annotate(address=Lower("email")).values("address"),
        client_logins.annotate(address=Lower(email)).values("address"),
        client_logins.annotate(address=Lower(User.USERNAME_FIELD)).values("address"),
    ]
    staff = users.filter(Q(is_staff=True) | Q(is_superuser=True) | Q(staff_member__isnull=False))
    own = staff.exclude(**{email: ""}).annotate(own_address=Lower(email))
    taken = Q()
    for addresses in clients:
        taken |= Q(own_address__in=addresses)
    return own.filter(taken).distinct().order_by(User.USERNAME_FIELD)


def find_login(username: str) -> Any | None:
    """The login ``username`` names, capitals aside: the one written exactly so, else the
    only one written otherwise. None when there is none, or when several differ only in
    capitals and none is written exactly so (never a guess)."""
    candidates = list(logins_named(username)) if username else []
    if len(candidates) == 1:
        return candidates[0]
    return next((user for user in candidates if user.get_username() == username), None)


def lockout_username(request: Any, credentials: dict[str, Any] | None = None) -> str | None:
    """The username django-axes counts failed logins under: one for all spellings, or
    trying "JAN@x.nl", "Jan@x.nl", ... would each get the full number of attempts."""
    field = getattr(settings, "AXES_USERNAME_FORM_FIELD", "username")
    source = credentials if credentials else getattr(request, "data", None) or request.POST
    username = source.get(field)
    return username.lower() if isinstance(username, str) else username


class CaseInsensitiveModelBackend(ModelBackend):
    """Django's ModelBackend (password check, inactive users refused, permissions) that
    finds the user with ``find_login``."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        User = get_user_model()
        if username is None:
            username = kwargs.get(User.USERNAME_FIELD)
        if username is None or password is None:
            return None
        user = find_login(username)
        if user is None:
            # Hash once anyway, as ModelBackend does: the time taken tells nobody whether
            # the login exists (Django ticket #20760).
            User().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None

    async def aauthenticate(self, request, username=None, password=None, **kwargs):
        return await sync_to_async(self.authenticate)(
            request, username=username, password=password, **kwargs
        )


def awaits_password(user: Any) -> bool:
    """A client's login made by InSite's invitation (``grant_portal_access``) whose owner
    has not chosen a password yet: the invitation's link may have expired, so "Wachtwoord
    vergeten" must reach such a person too. Django's reset form skips logins without a
    usable password (they may be meant for another way in); these are not."""
    return (
        user.is_active
        and not user.has_usable_password()
        and Contact.objects.filter(user=user, portal_access=True).exists()
    )
