"""InSite (staff) and OutSite (clients): the approval messages in the two portals."""

from __future__ import annotations

from datetime import date

from django import forms
from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from kvk.status import Status
from portal import permissions
from workflow import services
from workflow.errors import WorkflowError
from workflow.models import Actor, ApprovalMessage


def healthz(request: HttpRequest) -> HttpResponse:
    """200 when the database and the broker answer, 503 with what failed otherwise."""
    failures: dict[str, str] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as error:  # noqa: BLE001 - any failure is reported, not raised
        failures["database"] = str(error)
    try:
        from config.celery import app

        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception as error:  # noqa: BLE001
        failures["broker"] = str(error)
    if failures:
        return JsonResponse({"status": "unavailable", "failures": failures}, status=503)
    return JsonResponse({"status": "ok"})


def _actor(request: HttpRequest) -> Actor:
    return Actor.for_user(request.user, ip_address=request.META.get("REMOTE_ADDR"))


@login_required
def home(request: HttpRequest) -> HttpResponse:
    if permissions.staff_member(request.user):
        return redirect("insite-messages")
    if permissions.client_contact(request.user):
        return redirect("outsite-messages")
    if request.user.is_superuser:
        return redirect("admin:index")
    raise Http404


def _visible_messages(request: HttpRequest):
    return ApprovalMessage.objects.filter(
        organisation__in=permissions.visible_organisations(request.user)
    ).select_related("organisation")


def _message_or_404(request: HttpRequest, pk: int) -> ApprovalMessage:
    # Another organisation's message answers 404: it never reveals that it exists.
    message = _visible_messages(request).filter(pk=pk).first()
    if message is None:
        raise Http404
    return message


def _staff_required(request: HttpRequest) -> None:
    if permissions.staff_member(request.user) is None:
        raise Http404


def _client_required(request: HttpRequest) -> None:
    if permissions.client_contact(request.user) is None:
        raise Http404


# --- InSite --------------------------------------------------------------------------------


@login_required
def insite_messages(request: HttpRequest) -> HttpResponse:
    _staff_required(request)
    queryset = _visible_messages(request)
    status = request.GET.get("status", "")
    if status.isdigit():
        queryset = queryset.filter(status=int(status))
    page = Paginator(queryset.order_by("-status_changed_at"), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "portal/insite_messages.html",
        {
            "page": page,
            "statuses": Status.choices,
            "status": status,
        },
    )


@login_required
def insite_message(request: HttpRequest, pk: int) -> HttpResponse:
    _staff_required(request)
    message = _message_or_404(request, pk)
    return render(request, "portal/message_detail.html", _detail_context(message, staff=True))


@login_required
@require_POST
def insite_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    _staff_required(request)
    message = _message_or_404(request, pk)
    try:
        if action == "repair":
            services.repair(message_id=message.pk, actor=_actor(request))
            flash.success(request, _("Het bericht is teruggezet in de workflow."))
        elif action == "review":
            services.complete_accountant_review(message_id=message.pk, actor=_actor(request))
            flash.success(request, _("Beoordeling afgerond; de cliënt kan het bericht nu zien."))
        else:
            raise Http404
    except WorkflowError as error:
        flash.error(request, error.message)
    return redirect("insite-message", pk=pk)


# --- OutSite -------------------------------------------------------------------------------


class AdoptForm(forms.Form):
    adopted = forms.BooleanField(label=_("Jaarrekening vastgesteld"), required=True)
    adoption_date = forms.DateField(
        label=_("Datum vaststelling"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean_adoption_date(self) -> date:
        value = self.cleaned_data["adoption_date"]
        if value > date.today():
            raise forms.ValidationError(
                _("De datum van vaststelling kan niet in de toekomst liggen.")
            )
        return value


class ApproveForm(forms.Form):
    document_sha256 = forms.CharField(widget=forms.HiddenInput, max_length=64)


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reden van afkeuren"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )


@login_required
def outsite_messages(request: HttpRequest) -> HttpResponse:
    _client_required(request)
    page = Paginator(_visible_messages(request), 50).get_page(request.GET.get("page"))
    return render(request, "portal/outsite_messages.html", {"page": page})


def _detail_context(message: ApprovalMessage, *, staff: bool) -> dict:
    from kvk.render import render_html

    return {
        "message": message,
        "staff": staff,
        "events": message.events.select_related("actor_user"),
        "rendered": render_html(bytes(message.document), concept=message.status != Status.FILED),
        "adopt_form": AdoptForm(),
        "approve_form": ApproveForm(initial={"document_sha256": message.document_sha256}),
        "reject_form": RejectForm(),
        "can_decide": message.status == Status.IN_REVIEW and not message.awaiting_accountant_review,
    }


@login_required
def outsite_message(request: HttpRequest, pk: int) -> HttpResponse:
    _client_required(request)
    message = _message_or_404(request, pk)
    if message.awaiting_accountant_review:
        raise Http404
    return render(request, "portal/message_detail.html", _detail_context(message, staff=False))


@login_required
@require_POST
def outsite_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    _client_required(request)
    message = _message_or_404(request, pk)
    form_class = {"adopt": AdoptForm, "approve": ApproveForm, "reject": RejectForm}.get(action)
    if form_class is None:
        raise Http404
    form = form_class(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                flash.error(request, error)
        return redirect("outsite-message", pk=pk)
    try:
        if action == "adopt":
            services.adopt(
                message_id=message.pk,
                actor=_actor(request),
                adoption_date=form.cleaned_data["adoption_date"],
            )
            flash.success(
                request,
                _(
                    "De jaarrekening is vastgesteld. Controleer het document "
                    "en keur het bericht goed."
                ),
            )
        elif action == "approve":
            services.approve(
                message_id=message.pk,
                actor=_actor(request),
                document_sha256=form.cleaned_data["document_sha256"],
            )
            flash.success(request, _("Goedgekeurd. De stukken worden naar de KvK verzonden."))
        else:
            services.reject(
                message_id=message.pk, actor=_actor(request), reason=form.cleaned_data["reason"]
            )
            flash.success(request, _("Het bericht is afgekeurd; uw accountant is ingelicht."))
    except WorkflowError as error:
        flash.error(request, error.message)
    return redirect("outsite-message", pk=pk)
