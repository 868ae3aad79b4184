"""Login for staff and clients: password (django-axes locks out after repeated failures),
then for staff a TOTP second factor (django-otp) that they set up on first login."""

from __future__ import annotations

import base64
import hashlib
import logging
from io import BytesIO
from typing import Any
from urllib.parse import urlencode

from axes import utils as axes_utils
from django.conf import settings
from django.contrib import messages as flash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from config.clientip import client_ip
from config.ratelimit import hit, parse_rate
from crm import logins, permissions
from portal import notifications, otp_enrolment
from portal.admin_site import needs_second_factor
from portal.forms import (
    LoginForm,
    OTPTokenForm,
    PasswordResetForm,
    SetPasswordForm,
    folded_address,
)

logger = logging.getLogger(__name__)


def uses_second_factor(user) -> bool:
    """Staff of the portal and users of the Django admin (is_staff) log in with TOTP."""
    return permissions.staff_member(user) is not None or bool(getattr(user, "is_staff", False))


def safe_url(request: HttpRequest, target: str) -> str:
    """``target`` when it stays on this site (no open redirect), else the home page."""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("home")


def _next_url(request: HttpRequest) -> str:
    return safe_url(request, request.POST.get("next") or request.GET.get("next") or "")


#: The language the last login in this browser set (``LoginView``): a language cookie of
#: that value is no person's own choice, and the next person's contacts decide.
LOGIN_LANGUAGE_COOKIE = "deponeer_login_language"


def client_language(request: HttpRequest, user) -> str | None:
    """The interface language a client continues in after logging in; None: leave it.

    1. The person's own choice stays: a language chosen in this browser (the language
       cookie: the switch on the login page, or earlier in this browser session) is not
       overridden. A cookie a login set (LOGIN_LANGUAGE_COOKIE) is not a choice: on a
       shared computer the next person would read the previous one's language.
    2. Otherwise the contact records decide: the language of the person's contacts with
       portal access when they all say the same.
    3. A person whom two organisations know in different languages (a DGA with a holding
       and an operating company) keeps the language the login page was shown in (the
       browser's), else Dutch; never whichever contact happens to come first.
    Staff and other users without client contacts keep theirs (None)."""
    supported = [code for code, _name in settings.LANGUAGES]
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    if chosen in supported and chosen != request.COOKIES.get(LOGIN_LANGUAGE_COOKIE):
        return None
    languages = set(permissions.client_contacts(user).values_list("language", flat=True))
    ordered = [code for code in supported if code in languages]
    if len(ordered) <= 1:
        return ordered[0] if ordered else None
    current = get_language()
    return current if current in ordered else settings.LANGUAGE_CODE


class LoginView(auth_views.LoginView):
    """Step 1: username and password (found without regard to capitals, crm.logins).
    Staff continue to the second factor; a client's interface takes the language of its
    contact records unless the person chose one (``client_language``)."""

    template_name = "registration/login.html"
    authentication_form = LoginForm

    def form_valid(self, form):
        response = super().form_valid(form)
        user = form.get_user()
        if uses_second_factor(user) and needs_second_factor(user):
            has_device = user_has_device(user)
            if has_device or not otp_enrolment.is_link(self.get_success_url()):
                # (A login on the way to an enrolment link continues to the link.)
                name = "otp-verify" if has_device else "otp-setup"
                target = reverse(name) + "?" + urlencode({"next": self.get_success_url()})
                response = redirect(target)
        language = client_language(self.request, user)
        if language:
            for name in (settings.LANGUAGE_COOKIE_NAME, LOGIN_LANGUAGE_COOKIE):
                response.set_cookie(
                    name, language, samesite="Lax", secure=settings.SESSION_COOKIE_SECURE
                )
        return response


class LogoutView(auth_views.LogoutView):
    """ "Uitloggen" is the POST of the button on every page. A GET of its address (a
    bookmark, the history) goes to the home page instead of a blank 405, and does not log
    out: a link on another site could otherwise end the session."""

    http_method_names = ["get", "post", "options"]

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return redirect("home")


def reset_mail_allowed(request: HttpRequest, email: str) -> bool:
    """Whether a "Wachtwoord vergeten" request may send its mail: at most
    PASSWORD_RESET_RATE_PER_ADDRESS requests for one address (so no one floods another's
    mailbox) and PASSWORD_RESET_RATE_PER_IP from one client address (so no one tries
    address after address), counted in the shared cache (config.ratelimit). Every request
    counts, whether the address has a login or not. A request past a limit is logged."""
    # The address as the form compares it; hashed, so neither cache nor log holds it.
    digest = hashlib.sha256(folded_address(email).encode()).hexdigest()[:16]
    ip = client_ip(request)
    limited = []
    for scope, key, rate in (
        ("address", digest, settings.PASSWORD_RESET_RATE_PER_ADDRESS),
        ("ip", ip, settings.PASSWORD_RESET_RATE_PER_IP),
    ):
        limit, window = parse_rate(rate)
        if limit and hit(f"password-reset:{scope}:{key}", window=window)[0] > limit:
            limited.append(scope)
    if limited:
        logger.warning(
            "Password reset limited (%s): no mail for address %s (sha256) from %s",
            " and ".join(limited),
            digest,
            ip,
        )
    return not limited


class PasswordResetView(auth_views.PasswordResetView):
    """ "Wachtwoord vergeten": our own mail in the reader's language, with the link on the
    site's own address (PORTAL_BASE_URL, as every other mail) rather than the host the
    request named, and for an invited client who has no password yet (PasswordResetForm)."""

    form_class = PasswordResetForm
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"
    success_url = reverse_lazy("password_reset_done")

    def form_valid(self, form: Any) -> HttpResponse:
        if not reset_mail_allowed(self.request, form.cleaned_data["email"]):
            # The answer of every request: nothing tells that a limit was reached, or
            # whether the address has a login.
            return HttpResponseRedirect(self.get_success_url())
        self.extra_email_context = {
            "base_url": settings.PORTAL_BASE_URL.rstrip("/"),
            "days": notifications.link_days(),
        }
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """The link of the "Wachtwoord vergeten" mail (and of the invitation): a new password
    also lifts the login lockout of this login (django-axes), as the lockout page promises
    ("of kies een nieuw wachtwoord"): who chose it owns the mailbox, and the failed attempts
    were against the password that is gone. Its failures in every spelling count under one
    name (crm.logins.lockout_username), so one name is reset."""

    form_class = SetPasswordForm
    success_url = reverse_lazy("password_reset_complete")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        field = getattr(settings, "AXES_USERNAME_FORM_FIELD", "username")
        username = logins.lockout_username(self.request, {field: form.user.get_username()})
        axes_utils.reset(username=username)
        return response


@never_cache
@login_required
def otp_verify(request: HttpRequest) -> HttpResponse:
    """Step 2 for staff with a device: the six-digit code from the authenticator app."""
    if not uses_second_factor(request.user):
        raise Http404
    if not user_has_device(request.user):
        return redirect(reverse("otp-setup") + "?" + urlencode({"next": _next_url(request)}))
    form = OTPTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        # TOTPDevice throttles repeated wrong codes itself (growing delays).
        for device in TOTPDevice.objects.filter(user=request.user, confirmed=True):
            if device.verify_token(form.cleaned_data["token"]):
                otp_login(request, device)
                return redirect(_next_url(request))
        form.add_error("token", _("Deze code klopt niet of is verlopen. Probeer de volgende."))
    return render(
        request, "registration/otp_verify.html", {"form": form, "next": _next_url(request)}
    )


def _qr_svg(url: str) -> str:
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = BytesIO()
    image.save(buffer)
    return buffer.getvalue().decode()


@never_cache
@login_required
def otp_setup(request: HttpRequest) -> HttpResponse:
    """First login of a staff member: link an authenticator app and prove it with a code.
    Only in a session that opened the one-time link mailed to the staff member
    (portal.otp_enrolment); before that this page sends the link and says so. The device
    the link made waits for its confirmation."""
    if not uses_second_factor(request.user):
        raise Http404
    if user_has_device(request.user) and not getattr(request.user, "is_verified", bool)():
        return redirect(reverse("otp-verify") + "?" + urlencode({"next": _next_url(request)}))
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    if not otp_enrolment.granted(request) or device is None:
        otp_enrolment.end_grant(request)
        sent = otp_enrolment.send(request.user)
        context = {"sent": sent, "minutes": settings.OTP_ENROLMENT_LINK_MINUTES}
        return render(request, "registration/otp_link_sent.html", context)
    form = OTPTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_enrolment.end_grant(request)
            otp_login(request, device)
            flash.success(request, _("Tweestapsverificatie is ingesteld."))
            return redirect(_next_url(request))
        form.add_error("token", _("Deze code klopt niet. Controleer de tijd op uw telefoon."))
    secret = base64.b32encode(device.bin_key).decode()
    return render(
        request,
        "registration/otp_setup.html",
        {
            "form": form,
            "qr_svg": _qr_svg(device.config_url),
            "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
            "next": _next_url(request),
        },
    )


@never_cache
@login_required
def otp_enrol(request: HttpRequest, token: str) -> HttpResponse:
    """The one-time link of the enrolment mail: in a session of the staff member it was sent
    to, it opens the set-up page (once, while it is valid)."""
    if not uses_second_factor(request.user):
        raise Http404
    if not otp_enrolment.valid(token, request.user):
        return render(request, "registration/otp_link_invalid.html", status=400)
    otp_enrolment.redeem(request, request.user)
    return redirect("otp-setup")
