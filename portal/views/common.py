"""What every portal page shares: the role checks, the scoped message queries, downloads."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any, NamedTuple
from urllib.parse import urlencode

from django.contrib import admin
from django.contrib import messages as flash
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import QuerySet
from django.forms import BaseForm
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.exceptions import TemplateDoesNotExist
from django.template.loader import get_template
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from django_htmx.http import HttpResponseClientRedirect
from django_otp import user_has_device

from config.celery import app
from config.clientip import client_ip
from connectors import schedule
from crm import permissions
from crm.models import Organisation, StaffMember
from kvk import compare
from kvk.render import html_to_pdf, render_html
from kvk.status import Status
from kvk.views import post_else
from portal import activation
from portal.admin_site import needs_second_factor
from portal.forms import CommentForm
from workflow import services
from workflow.approvers import (
    DECIDED_STATUSES,
    approval_progress,
    approval_progress_many,
    signatory_difference,
)
from workflow.errors import WorkflowError
from workflow.models import CLIENT_MAY_SEE, Actor, ApprovalMessage, Comment
from workflow.reasons import another_company, sentence
from workflow.selectors import STAFF_ONLY_ACTIONS, timeline

logger = logging.getLogger(__name__)

#: Large columns a list never needs; the detail page loads them.
HEAVY_FIELDS = ("document", "received_document", "findings", "digipoort_statuses")

#: While a message travels to the KvK the page asks for its status every few seconds.
IN_FLIGHT = frozenset({Status.APPROVED, Status.SENT_TO_KVK, Status.TRANSPORT_ERROR})


def liveness(request: HttpRequest) -> HttpResponse:
    """200 whenever the web process answers at all: the probe for restarting a web process
    or taking it out of a load balancer's rotation. It asks nothing else on purpose: a
    database, broker or beat that is down is not mended by restarting the web processes or
    taking all of them out of rotation, which would only stop the uploads, approvals and
    the dashboard that says what stopped (``healthz`` tells monitoring)."""
    return JsonResponse({"status": "ok"})


def healthz(request: HttpRequest) -> HttpResponse:
    """200 when the database and the broker answer and the scheduled jobs run, 503 naming
    what failed otherwise: ``database``, ``broker`` (``unavailable``) or ``scheduled_jobs``
    (``late``: "Externe berichten verwerken" has not run for too long, so beat or every
    worker has stopped; connectors.schedule).

    Anyone may ask (the load balancer, monitoring), so the answer names only the part that
    failed; the error itself (hosts, ports, users of the database and the broker) goes to
    the log."""
    failures: dict[str, str] = {}
    for part, check in (("database", _check_database), ("broker", _check_broker)):
        try:
            check()
        except Exception:  # noqa: BLE001 - any failure is reported, not raised
            logger.exception("Health check: the %s does not answer", part)
            failures[part] = "unavailable"
    if "database" not in failures:
        try:
            late = schedule.late_since()
        except Exception:  # noqa: BLE001 - e.g. tables not there yet while migrate runs
            logger.exception("Health check: the database has no schedule to read")
            failures["database"] = "unavailable"
            late = None
        if late is not None:
            logger.error(
                "Health check: 'Externe berichten verwerken' has not run since %s; "
                "are Celery beat and a worker running?",
                late.isoformat(),
            )
            failures["scheduled_jobs"] = "late"
    if failures:
        return JsonResponse({"status": "unavailable", "failures": failures}, status=503)
    return JsonResponse({"status": "ok"})


def _check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _check_broker() -> None:
    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)


def actor(request: HttpRequest) -> Actor:
    return Actor.for_user(request.user, ip_address=client_ip(request) or None)


def second_factor_url(request: HttpRequest) -> str:
    """Where a staff user without a verified second factor goes: set up or verify."""

    name = "otp-verify" if user_has_device(request.user) else "otp-setup"
    return reverse(name) + "?" + urlencode({"next": request.get_full_path()})


def admin_list_url(request: HttpRequest, model: Any, *, change: bool = False) -> str:
    """The admin's list of ``model`` when this user can open it there (the admin lets the
    user in, DeponeerAdminSite.has_permission, and shows the model: its view or change
    permission, or the change permission when ``change``); '' otherwise: a link that lands
    a logged-in user on the login page explains nothing."""
    if not admin.site.has_permission(request):
        return ""
    model_admin = admin.site.get_model_admin(model)
    if change:
        allowed = model_admin.has_change_permission(request)
    else:
        allowed = model_admin.has_view_or_change_permission(request)
    if not allowed:
        return ""
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


def no_staff_member(request: HttpRequest) -> HttpResponse | None:
    """For a user of the admin (is_staff) without a StaffMember, such as the installation's
    superuser: InSite is for staff of an accountancy environment; the page says so and how
    to become one, instead of a 404. None for anyone else (they get the 404)."""
    if not request.user.is_staff:
        return None
    may_add = admin.site.has_permission(request) and admin.site.get_model_admin(
        StaffMember
    ).has_add_permission(request)
    context = {
        "admin_url": reverse("admin:index") if admin.site.has_permission(request) else "",
        "staff_add_url": reverse("admin:crm_staffmember_add") if may_add else "",
    }
    return render(request, "portal/insite_no_staff_member.html", context, status=403)


def _to_login(request: HttpRequest) -> HttpResponse:
    """To the login, and after it back where the person was. A request of htmx (the status
    line a message page polls) sends the whole page there (HX-Redirect) and back to that
    page: a plain redirect would be followed inside the request and the login page put in
    place of the status line, with the bare status line as where to go after logging in."""
    htmx = getattr(request, "htmx", None)
    if htmx:
        page = htmx.current_url_abs_path or reverse("home")
        return HttpResponseClientRedirect(redirect_to_login(page)["Location"])
    return redirect_to_login(request.get_full_path())


def _role_view(
    view: Callable,
    *,
    role: Callable[[Any], Any],
    attribute: str,
    check: Callable[[HttpRequest, Any], HttpResponse | None] | None = None,
    without: Callable[[HttpRequest], HttpResponse | None] | None = None,
) -> Callable:
    """Guard ``view``: a logged-in user who has the ``role`` (the staff member, the contact;
    anyone else gets 404, unless ``without`` answers), kept on the request as
    ``attribute``; ``check`` may answer first or refuse."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            if request.method == "POST":
                # The session ended (it expired, or the person logged out in another
                # window) between showing a form and sending it: the login page says
                # that what was sent is not done, so no one thinks they approved.
                flash.warning(
                    request,
                    _(
                        "U was niet meer ingelogd. Wat u verstuurde is niet opgeslagen: "
                        "log opnieuw in en probeer het nog eens."
                    ),
                )
            return _to_login(request)
        holder = role(request.user)
        if holder is None:
            answer = without(request) if without is not None else None
            if answer is not None:
                return answer
            raise Http404
        answer = check(request, holder) if check is not None else None
        if answer is not None:
            return answer
        setattr(request, attribute, holder)
        return view(request, *args, **kwargs)

    return wrapped


def staff_view(*, administrator: bool = False) -> Callable:
    """Guard an InSite view: staff only (others get 404), with a verified second factor when
    required; ``administrator`` pages (the set-up) answer 403 to workers."""

    def check(request: HttpRequest, member: StaffMember) -> HttpResponse | None:
        if needs_second_factor(request.user):
            return redirect(second_factor_url(request))
        if administrator and member.role != StaffMember.Role.ADMINISTRATOR:
            raise PermissionDenied(_("Alleen beheerders van de inrichting mogen dit."))
        return None

    def decorator(view: Callable) -> Callable:
        return _role_view(
            view,
            role=permissions.staff_member,
            attribute="staff_member",
            check=check,
            without=no_staff_member,
        )

    return decorator


def _client_organisations(user: Any) -> list[Organisation] | None:
    """The organisations the client user may see, by name; None for anyone else."""
    organisations = list(permissions.client_organisations(user).order_by("name", "pk"))
    return organisations or None


def client_view(view: Callable) -> Callable:
    """Guard an OutSite view: a contact with portal access only; anyone else gets 404. The
    organisations the user is a contact of (one person, one login: a DGA may be the contact
    of a holding and an operating company) are kept on the request."""
    return _role_view(view, role=_client_organisations, attribute="client_organisations")


def perform(request: HttpRequest, action: Callable[[], object], done: str) -> None:
    """Run a workflow ``action``; say ``done`` when it worked, else why it was refused."""
    try:
        action()
    except WorkflowError as error:
        flash.error(request, error.message)
    else:
        flash.success(request, done)


def sort_headers(
    request: HttpRequest, sort: str, offered: dict[str, bool], default: str
) -> dict[str, dict[str, str]]:
    """Per sortable column of a list (``offered``: its sort keys, each with whether a first
    click on its header sorts descending): the query string of its header link (the
    filters kept, back to the first page; the current column in the other direction) and
    its ``aria-sort``. ``sort`` is the list's order ("-KEY" descending), ``default`` the
    one without a choice, which the links leave out."""
    headers = {}
    for key, descending_first in offered.items():
        if sort.removeprefix("-") == key:
            state = "descending" if sort.startswith("-") else "ascending"
            target = key if sort.startswith("-") else f"-{key}"
        else:
            state, target = "", f"-{key}" if descending_first else key
        query = request.GET.copy()
        query.pop("page", None)
        query.pop("sort", None)
        if target != default:
            query["sort"] = target
        headers[key] = {"query": query.urlencode(), "state": state}
    return headers


def staff_messages(request: HttpRequest) -> QuerySet[ApprovalMessage]:
    member: StaffMember = request.staff_member  # type: ignore[attr-defined]
    return ApprovalMessage.objects.filter(organisation__environment_id=member.environment_id)


def client_messages(request: HttpRequest) -> QuerySet[ApprovalMessage]:
    """The messages of the client's own organisations (each one it is a contact of with
    portal access); those awaiting the accountant's review are not the client's business
    yet. Another organisation's message is not among them: its pages answer 404."""
    organisations: list[Organisation] = request.client_organisations  # type: ignore[attr-defined]
    return ApprovalMessage.objects.filter(
        CLIENT_MAY_SEE, organisation_id__in=[organisation.pk for organisation in organisations]
    )


def message_or_404(queryset: QuerySet[ApprovalMessage], pk: int) -> ApprovalMessage:
    # Another organisation's message answers 404: it never reveals that it exists.
    message = queryset.select_related("organisation", "workflow").filter(pk=pk).first()
    if message is None:
        raise Http404
    return message


def create_comment(*, request: HttpRequest, message: ApprovalMessage, text: str) -> Comment:
    """Place a comment through workflow.services.add_comment when the workflow app offers it
    (it checks who may comment and announces the comment); otherwise create it here, after
    the caller checked that the user may see the message. A comment changes no status."""
    add_comment = getattr(services, "add_comment", None)
    if add_comment is not None:
        return add_comment(message_id=message.pk, actor=actor(request), text=text)
    kind = Actor.Kind.STAFF if permissions.staff_member(request.user) else Actor.Kind.CLIENT_USER
    # The view guards (staff_view, client_view) ensure a logged-in user.
    return Comment.objects.create(  # type: ignore[misc]
        message=message, author=request.user, author_kind=kind, text=text.strip()
    )


def timeline_context(message: ApprovalMessage, *, staff: bool) -> dict[str, Any]:
    """The timeline: the workflow app's (events and comments, via workflow.selectors and
    templates/workflow/_timeline.html) when present, otherwise the portal's own list.

    A client sees no staff-only events and no technical detail of a reason."""
    try:
        get_template("workflow/_timeline.html")
    except (ImportError, TemplateDoesNotExist):
        events = message.events.select_related("actor_user")
        if not staff:
            events = events.exclude(action__in=STAFF_ONLY_ACTIONS)
        return {
            "timeline_template": "portal/_timeline.html",
            "events": events,
            "comments": message.comments.select_related("author"),
            "comments_in_timeline": False,
        }
    return {
        "timeline_template": "workflow/_timeline.html",
        "entries": timeline(message, for_staff=staff),
        "comments": [],
        "comments_in_timeline": True,
    }


def download_name(message: ApprovalMessage, extension: str) -> str:
    base = slugify(message.organisation.name) or "jaarrekening"
    return f"{base}-{message.financial_year or message.pk}.{extension}"


def pdf_response(message: ApprovalMessage) -> HttpResponse:
    """The accounts as PDF; 404 for a document that cannot be read (the page offers no PDF
    of it and says it cannot be shown: ``rendered_accounts``)."""
    document = rendered_accounts(message)
    if document is None:
        raise Http404
    response = HttpResponse(html_to_pdf(document), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{download_name(message, "pdf")}"'
    return response


def xbrl_response(message: ApprovalMessage) -> HttpResponse:
    response = HttpResponse(bytes(message.document), content_type="application/xml")
    response["Content-Disposition"] = f'attachment; filename="{download_name(message, "xbrl")}"'
    return response


def document_withheld(message: ApprovalMessage, *, staff: bool) -> bool:
    """Whether the reader may not see the message's document (rendered, PDF or XBRL): a
    client never sees another company's accounts that came with its organisation's token
    (a token pasted into the wrong administration; processing refused them with
    kvk_number_not_yours). The staff keep them: they sort the mix-up out."""
    return not staff and another_company(message.reasons)


def rendered_accounts(message: ApprovalMessage) -> str | None:
    """The accounts as a self-contained HTML document, or None when they cannot be read
    (a message that failed processing may not be a valid instance)."""
    try:
        return render_html(bytes(message.document), concept=message.status != Status.FILED)
    except Exception:  # noqa: BLE001 - any unreadable document is shown as "not available"
        return None


#: The statuses at which a detail page says that the document's KvK number is no longer the
#: organisation's: before the approval (approving it is refused) and at 70 (sending it is).
KVK_NUMBER_CHECKED = frozenset({Status.IN_REVIEW, Status.REJECTED, Status.TRANSPORT_ERROR})


def kvk_numbers(message: ApprovalMessage) -> dict[str, str] | None:
    """The document's KvK number and the organisation's when they differ, read as approval
    and delivery read them (workflow.services.kvk_numbers_differ, which parses the
    document: for a detail page, never for a list); None when they agree or the status
    does not depend on it."""
    if message.status not in KVK_NUMBER_CHECKED:
        return None
    return services.kvk_numbers_differ(message)


def findings_for_display(message: ApprovalMessage, language: str) -> list[dict[str, str]]:
    """Findings in the reader's language (the checks store Dutch and English texts)."""
    rows = []
    difference = signatory_difference(message)
    for finding in [*(message.findings or []), *([difference] if difference else [])]:
        text = finding.get("message_en") if language == "en" else finding.get("message_nl")
        rows.append(
            {
                "code": finding.get("code", ""),
                "severity": finding.get("severity", ""),
                "message": text or finding.get("message_nl") or finding.get("message", ""),
            }
        )
    return rows


def versions_context(
    message: ApprovalMessage, scope: QuerySet[ApprovalMessage], language: str, *, staff: bool
) -> dict[str, Any]:
    """The versions of these accounts (a correction replaces a version that ended at 25, 40
    or 90) as far as the reader may open them, and what changed since the version this
    one replaces: the facts side by side, unless the reader may not see one of the two
    documents (``document_withheld``).

    The documents compared are the ones the client's environment sent: the portal rewrites
    a version's document when the client adopts it ("Jaarrekening vastgesteld"), and that
    workflow step is not a change the correction made. An adoption the client's own
    environment put in a document does show.

    A resubmission (heraanlevering) corrects accounts the KvK filed and made public: it is
    compared with the filing of its year (``filed_version``), the document the KvK has, so
    the client sees what changes in the public accounts before approving them."""
    previous = None
    if message.replaces_id:
        # The one heavy column compared is loaded with the row: one query, not two.
        previous = _with_column(scope, "received_document").filter(pk=message.replaces_id).first()
    filed = _filed_version(message, scope) if message.resubmission else None
    following = scope.defer(*HEAVY_FIELDS).filter(replaces_id=message.pk).first()
    compared = filed if filed is not None else previous
    changes: list[compare.Change] = []
    changes_unreadable = False
    withheld = compared is not None and (
        document_withheld(compared, staff=staff) or document_withheld(message, staff=staff)
    )
    if compared is not None and not withheld:
        try:
            changes = compare.changes(
                # The filing as the KvK has it; an earlier version as its environment sent it.
                bytes(compared.document if compared is filed else compared.received_document),
                bytes(message.received_document),
                language=language,
            )
        except ValueError:
            changes_unreadable = True
    return {
        "previous_version": previous,
        "previous_reason": _reason_sentence(previous),
        "filed_version": filed,
        "following_version": following,
        "changes": changes,
        "changes_unreadable": changes_unreadable,
        "comparison_withheld": withheld,
    }


def _with_column(scope: QuerySet[ApprovalMessage], heavy: str) -> QuerySet[ApprovalMessage]:
    """``scope`` with one of the heavy columns (HEAVY_FIELDS) loaded, the others deferred."""
    return scope.defer(*[name for name in HEAVY_FIELDS if name != heavy])


def _filed_version(
    message: ApprovalMessage, scope: QuerySet[ApprovalMessage]
) -> ApprovalMessage | None:
    """The filing a resubmission corrects: the version of its organisation and year
    received before it that the KvK filed (80) last, with its filed document."""
    return (
        _with_column(scope, "document")
        .filter(
            organisation_id=message.organisation_id,
            financial_year=message.financial_year,
            status=Status.FILED,
            pk__lt=message.pk,
        )
        .order_by("-status_changed_at", "-pk")
        .first()
    )


def _reason_sentence(message: ApprovalMessage | None) -> str:
    """The first plain sentence of why a version ended (the client's reason at 40), in the
    reader's language."""
    if message is None or not isinstance(message.reasons, list):
        return ""
    for entry in message.reasons:
        text = sentence(entry) if isinstance(entry, dict) else ""
        if text:
            return text
    return ""


#: The statuses at which a page shows where the approvals stand: from the review on.
APPROVAL_STATUSES = frozenset({Status.IN_REVIEW, *DECIDED_STATUSES})


def approvals_context(message: ApprovalMessage, user: Any = None) -> dict[str, Any]:
    """Where the approvals of several approvers stand ("2 van 3 goedgekeurd") and, for a
    client, when this user approved the current document (None when not yet); nothing to
    show when one contact approves alone."""
    progress = approval_progress(message) if message.status in APPROVAL_STATUSES else None
    mine = None
    may_approve = True  # one contact approves alone: any of the organisation's contacts
    if progress is not None and user is not None:
        mine = next((a.approved_at for a in progress.approved if a.user_id == user.pk), None)
        may_approve = any(a.user_id == user.pk for a in (*progress.approved, *progress.pending))
    names = ", ".join(a.name for a in (*progress.approved, *progress.pending)) if progress else ""
    return {
        "approvals": progress,
        "my_approval": mine,
        "may_approve": may_approve,
        "approver_names": names,
    }


def annotate_approvals(messages: Any, scope: QuerySet[ApprovalMessage] | None = None) -> None:
    """Give each listed message waiting at 30 its ``approvals`` (or None), and each one
    whether a newer version replaces it (``replaced``), as far as the reader sees that
    version in ``scope`` (by default every message: the staff see all versions of their
    organisations); in a fixed number of queries however long the list."""
    rows = list(messages)
    progress = approval_progress_many(m for m in rows if m.status == Status.IN_REVIEW)
    versions = ApprovalMessage.objects.all() if scope is None else scope
    replaced = set(
        versions.filter(replaces_id__in=[m.pk for m in rows]).values_list("replaces_id", flat=True)
    )
    for message in rows:
        message.approvals = progress.get(message.pk)
        message.replaced = message.pk in replaced


# --- the message views InSite and OutSite share ------------------------------------------------


@dataclass(frozen=True)
class Side:
    """What sets InSite and OutSite apart in the message views both have."""

    #: The guard of the side's views (``staff_view()`` or ``client_view``).
    guard: Callable[[Callable], Callable]
    #: The messages the request may see.
    messages: Callable[[HttpRequest], QuerySet[ApprovalMessage]]
    #: The detail page's context, given the forms as they were filled in.
    context: Callable[..., dict[str, Any]]
    #: The URL name of the detail page.
    detail: str
    staff: bool


def post_else_message(
    detail: str,
    messages: Callable[[HttpRequest], QuerySet[ApprovalMessage]],
    *,
    asks: Callable[..., bool] | None = None,
) -> Callable[[Callable], Callable]:
    """``post_else`` for a view a message's form posts to (an action, a comment): a GET
    answers with the message page (URL name ``detail``), or where ``asks`` says so with the
    view's question; 404 for a message not among ``messages``, as everywhere."""

    def message_page(request: HttpRequest, pk: int, *args: Any, **kwargs: Any) -> str:
        message_or_404(messages(request).defer(*HEAVY_FIELDS), pk)
        return reverse(detail, args=[pk])

    return post_else(message_page, asks=asks)


def detail_page(
    request: HttpRequest, context: dict[str, Any], *, status: int = 200
) -> HttpResponse:
    """The message page; after a refused form, with what went wrong summed up at its top
    (the form itself sits screens further down on a phone)."""
    invalid = (v for v in context.values() if isinstance(v, BaseForm) and v.errors)
    context = {**context, "invalid_form": next(invalid, None)}
    return render(request, "portal/message_detail.html", context, status=status)


class MessageViews(NamedTuple):
    detail: Callable
    status: Callable
    pdf: Callable
    xbrl: Callable
    comment: Callable


def message_views(side: Side) -> MessageViews:
    """The views both sides have, guarded for ``side`` and the activation: the detail page,
    the status partial it polls, the PDF and XBRL downloads, and placing a comment."""

    def guarded(method: Callable) -> Callable[[Callable], Callable]:
        return lambda view: side.guard(activation.required(method(view)))

    @guarded(require_GET)
    def message_detail(request: HttpRequest, pk: int) -> HttpResponse:
        message = message_or_404(side.messages(request), pk)
        return detail_page(request, side.context(request, message))

    @guarded(require_GET)
    def message_status(request: HttpRequest, pk: int) -> HttpResponse:
        """The small status partial the detail page polls (htmx) while the message travels."""
        message = message_or_404(side.messages(request).defer(*HEAVY_FIELDS), pk)
        context = {"message": message, "polling": message.status in IN_FLIGHT, "staff": side.staff}
        return render(request, "portal/_status.html", context)

    def document_or_404(request: HttpRequest, pk: int) -> ApprovalMessage:
        message = message_or_404(side.messages(request), pk)
        if document_withheld(message, staff=side.staff):
            raise Http404
        return message

    @guarded(require_GET)
    def message_pdf(request: HttpRequest, pk: int) -> HttpResponse:
        return pdf_response(document_or_404(request, pk))

    @guarded(require_GET)
    def message_xbrl(request: HttpRequest, pk: int) -> HttpResponse:
        return xbrl_response(document_or_404(request, pk))

    @guarded(post_else_message(side.detail, side.messages))
    def message_comment(request: HttpRequest, pk: int) -> HttpResponse:
        message = message_or_404(side.messages(request), pk)
        form = CommentForm(request.POST)
        if not form.is_valid():
            return detail_page(
                request, side.context(request, message, comment_form=form), status=400
            )
        perform(
            request,
            lambda: create_comment(
                request=request, message=message, text=form.cleaned_data["text"]
            ),
            _("Uw opmerking is geplaatst."),
        )
        return redirect(side.detail, pk=pk)

    return MessageViews(message_detail, message_status, message_pdf, message_xbrl, message_comment)
