"""Linking an authenticator app (the staff's second factor) needs a one-time link sent to the
staff member's e-mail address, not only the password: whoever learnt a password of a staff
member without a device must not be able to link an app of their own (and so hold both
factors).

After a password login without a device the set-up page sends the link (at most once per
link lifetime) and says so. The link works only in a session logged in as that staff
member, for OTP_ENROLMENT_LINK_MINUTES, once: it is signed over the staff member's devices
and password, and opening it replaces the device that waits for its confirmation, which
spends the link (and every other link sent before). Opening it grants this session the
set-up page, which shows the new key. ``manage.py otp_reset`` prints a link too.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.core.mail import send_mail
from django.db import transaction
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import Resolver404, resolve, reverse
from django.utils import translation
from django.utils.crypto import constant_time_compare, salted_hmac
from django_otp.plugins.otp_totp.models import TOTPDevice

from crm import permissions

SALT = "portal.otp_enrolment"
#: The session key of the grant: the pk of the user whose link this session opened.
GRANT = "otp_enrolment_user"
DEVICE_NAME = "Authenticator-app"


def _sent_key(user: Any) -> str:
    return f"otp-enrolment-sent:{user.pk}"


def forget_sent(user: Any) -> None:
    """The next visit of the set-up page sends a new link (the last one was spent)."""
    cache.delete(_sent_key(user))


def _minutes() -> int:
    return int(settings.OTP_ENROLMENT_LINK_MINUTES)


def _state(user: Any) -> str:
    """A fingerprint of what a link is bound to: the user's devices (their keys and whether
    they are confirmed) and password. Any change spends the links made before it."""
    devices = TOTPDevice.objects.filter(user=user).order_by("pk").values_list("key", "confirmed")
    material = f"{user.pk}|{user.password}|{list(devices)}"
    return salted_hmac(SALT, material, algorithm="sha256").hexdigest()


def link(user: Any) -> str:
    """The enrolment link of ``user`` on the site's own address."""
    token = signing.dumps({"u": user.pk, "s": _state(user)}, salt=SALT)
    path = reverse("otp-enrol", args=[token])
    return settings.PORTAL_BASE_URL.rstrip("/") + path


def is_link(url: str) -> bool:
    """Whether ``url`` (a path) is an enrolment link (the login then leads to it)."""
    try:
        return resolve(url.split("?")[0]).url_name == "otp-enrol"
    except Resolver404:
        return False


def valid(token: str, user: Any) -> bool:
    try:
        payload = signing.loads(token, salt=SALT, max_age=_minutes() * 60)
    except signing.BadSignature:  # also SignatureExpired
        return False
    return payload.get("u") == user.pk and constant_time_compare(payload.get("s"), _state(user))


@transaction.atomic
def redeem(request: HttpRequest, user: Any) -> None:
    """Spend the link: a fresh device waits for its confirmation (the key the set-up page
    shows), and this session may show it."""
    TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).delete()
    TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    request.session[GRANT] = user.pk
    forget_sent(user)


def granted(request: HttpRequest) -> bool:
    return request.session.get(GRANT) == request.user.pk


def end_grant(request: HttpRequest) -> None:
    request.session.pop(GRANT, None)


def _language(user: Any) -> str | None:
    """The language of the staff member's mail (StaffMember.language), as every staff mail:
    the mail is for the owner of the login, who may not be whoever logged in. None for a
    login without a staff member (a superuser): the language of the page then."""
    member = permissions.staff_member(user)
    return member.language if member is not None else None


def send(user: Any) -> bool:
    """Mail ``user`` a link, once per link lifetime however often the set-up page is asked
    for; False when the user has no e-mail address."""
    if not user.email:
        return False
    if cache.add(_sent_key(user), True, _minutes() * 60):
        context = {"user": user, "link": link(user), "minutes": _minutes()}
        with translation.override(_language(user) or translation.get_language()):
            subject = render_to_string("registration/otp_enrolment_subject.txt", context).strip()
            body = render_to_string("registration/otp_enrolment_email.txt", context)
        # Sent now, as Django's password reset sends its mail: nothing is written before it.
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
    return True
