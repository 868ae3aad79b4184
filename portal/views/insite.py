"""InSite: the accountant's staff work on approval messages and administer the set-up."""

from __future__ import annotations

import contextlib
import logging
import uuid
from collections.abc import Callable, Sequence
from datetime import date, datetime, time, timedelta
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages as flash
from django.contrib.auth.tokens import default_token_generator
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import (
    BooleanField,
    Case,
    Count,
    ExpressionWrapper,
    F,
    Model,
    Q,
    QuerySet,
    Value,
    When,
)
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from config import dates
from connectors import services as connector_services
from connectors.models import AppConnector, ClientToken, MessageType
from connectors.schedule import late_since
from crm import selectors as crm_selectors
from crm import services as crm_services
from crm.models import AdopterRule, ApproverRule, Contact, Identification, Organisation, StaffMember
from deadlines import periods as deadline_periods
from deadlines import selectors as deadline_selectors
from kvk.digipoort.client import DigipoortError, DigipoortStatus
from kvk.digipoort.outcome import outcome
from kvk.search import alphabetical
from kvk.status import ATTENTION_STATUSES, PORTAL_STATUSES, Status
from kvk.views import post_else
from portal import activation, new_tokens, notifications
from portal.forms import (
    LOGIN_REFUSALS,
    AttentionForm,
    CommentForm,
    ConnectorForm,
    ContactForm,
    DeliveryCheckForm,
    IdentificationForm,
    MessageFilterForm,
    MessageTypeForm,
    OrganisationApproversForm,
    OrganisationForm,
    RepairForm,
    ResponsibleForm,
    SizeClassOverrideForm,
    TokenForm,
    workflow_rules,
)
from portal.views import common
from workflow import selectors, services, submission
from workflow.approvers import (
    approver_rule,
    can_adopt,
    nobody_can_adopt,
    nobody_can_adopt_q,
    nobody_can_approve,
    nobody_can_approve_q,
    withdrawal_effects,
)
from workflow.errors import Invalid, WorkflowError
from workflow.models import ApprovalMessage, WorkflowDefinition
from workflow.reasons import SUPERSEDED_LABEL

log = logging.getLogger(__name__)

PAGE_SIZE = 25


def _environment_id(request: HttpRequest) -> int:
    return request.staff_member.environment_id  # type: ignore[attr-defined]


def _organisations(request: HttpRequest) -> QuerySet[Organisation]:
    return Organisation.objects.filter(environment_id=_environment_id(request))


def _own(model: type[Model], request: HttpRequest, pk: int) -> Any:
    """The ``model`` row ``pk`` of the staff member's environment, or 404."""
    return get_object_or_404(model._default_manager, environment_id=_environment_id(request), pk=pk)


def _saved(request: HttpRequest, form: Any, done: str, *to: Any, **to_kwargs: Any) -> Any:
    """Save a valid POSTed form, say ``done`` and redirect (``to``); None when nothing was
    saved (a GET, or a form with errors)."""
    if request.method != "POST" or not form.is_valid():
        return None
    form.save()
    flash.success(request, done)
    return redirect(*to, **to_kwargs)


def _message_type_names(request: HttpRequest) -> dict[str, str]:
    return dict(
        MessageType.objects.filter(environment_id=_environment_id(request))
        .order_by("name")
        .values_list("code", "name")
    )


def _waiting_since() -> datetime:
    return timezone.now() - timedelta(days=settings.PORTAL_CLIENT_WAITING_DAYS)


#: The values of the list's "Wacht op" filter, behind the dashboard's two tiles.
WAITING_ON_ACCOUNTANT = MessageFilterForm.WAITING_ON_ACCOUNTANT
WAITING_ON_CLIENT = MessageFilterForm.WAITING_ON_CLIENT
WAITING_ON_ANSWER = MessageFilterForm.WAITING_ON_ANSWER


def waiting_q(on: str) -> Q:
    """The messages in review that wait on the accountant's own review, or on a client who
    has been silent for longer than PORTAL_CLIENT_WAITING_DAYS: what the dashboard's tiles
    count and the list shows behind them."""
    if on == WAITING_ON_ACCOUNTANT:
        return Q(status=Status.IN_REVIEW, awaiting_accountant_review=True)
    return Q(
        status=Status.IN_REVIEW,
        awaiting_accountant_review=False,
        status_changed_at__lt=_waiting_since(),
    )


def attention_q() -> Q:
    """What asks a person to act: failed processing (25), rejected by the client (40),
    transport errors (70), refused by the KvK (90) unless a corrected version replaced the
    message or its year moved on (a newer version, or the year filed:
    ``services.year_moved_on``) or a staff member marked it handled ("Afgehandeld",
    ``attention_acknowledged_at``), the accountant's own review, messages
    that have waited for the client longer than PORTAL_CLIENT_WAITING_DAYS, and messages
    at 60 that the poll of Digipoort marked for attention (``attention_code``) until a staff
    member handled that; and at once, messages at 30 that nobody can approve
    (``nobody_can_approve_q``: no contact who can act in OutSite under the approval rule)
    or whose adoption nobody can record (``nobody_can_adopt_q``: the named adopter cannot
    act in OutSite), which would otherwise wait for nobody until the rule of the silent
    client caught them."""
    return (
        # A version that a correction replaced asks nothing more: the new one does.
        (
            Q(status__in=ATTENTION_STATUSES, attention_acknowledged_at__isnull=True)
            & services.still_open()
        )
        | Q(status=Status.IN_REVIEW, awaiting_accountant_review=True)
        | Q(status=Status.IN_REVIEW, status_changed_at__lt=_waiting_since())
        | _attention_at_60()
        | nobody_can_approve_q()
        | nobody_can_adopt_q()
    )


def _attention_at_60() -> Q:
    """A message at 60 with an attention code that no staff member has handled yet."""
    return Q(status=Status.SENT_TO_KVK, attention_acknowledged_at__isnull=True) & ~Q(
        attention_code=""
    )


def with_waiting_for_nobody(messages: QuerySet[ApprovalMessage]) -> QuerySet[ApprovalMessage]:
    """``messages``, each with ``nobody_approves`` (it waits at 30 and nobody can approve it:
    ``nobody_can_approve_q``) and ``nobody_adopts`` (its named adopter cannot record the
    adoption: ``nobody_can_adopt_q``); in the query that loads them."""
    return messages.annotate(
        nobody_approves=ExpressionWrapper(nobody_can_approve_q(), output_field=BooleanField()),
        nobody_adopts=ExpressionWrapper(nobody_can_adopt_q(), output_field=BooleanField()),
    )


#: How many of the messages asking attention the dashboard shows; "en N meer" links to the rest.
DASHBOARD_ATTENTION_ROWS = 15


def attention_severity() -> Case:
    """The dashboard's order of what asks attention, most urgent first: the road to the KvK
    (70, 90, and 60 with an attention code: the deadline is at stake and only staff can act),
    then what a person of the office must handle (40, the accountant's own review, a 30
    nobody can approve or adopt), then failed processing (25, the client's environment sends a
    correction), then clients who have been silent long."""
    return Case(
        When(
            Q(status__in=[Status.TRANSPORT_ERROR, Status.REFUSED]) | _attention_at_60(),
            then=Value(0),
        ),
        When(
            Q(status=Status.REJECTED)
            | Q(status=Status.IN_REVIEW, awaiting_accountant_review=True)
            | nobody_can_approve_q()
            | nobody_can_adopt_q(),
            then=Value(1),
        ),
        When(status=Status.PROCESSING_FAILED, then=Value(2)),
        default=Value(3),
    )


# --- dashboard and messages -----------------------------------------------------------------

#: What ordering messages by their year's filing deadline needs of each
#: (deadlines.selectors.page_deadlines); the rows shown are loaded afterwards (``_shown``).
_DEADLINE_FIELDS = ("organisation_id", "financial_year", "status", "status_changed_at")


def _by_deadline(
    messages: Sequence[ApprovalMessage],
    deadlines: dict[int, deadline_selectors.MessageDeadline],
    *,
    descending: bool = False,
) -> list[ApprovalMessage]:
    """``messages`` by their year's filing deadline (``deadlines``), earliest first
    (``descending``: latest first); those without one (no financial year yet, a legal form
    without computed deadlines) last; equal deadlines by their last change, newest first."""
    newest_first = sorted(messages, key=lambda m: (m.status_changed_at, m.pk), reverse=True)
    dated = [m for m in newest_first if m.pk in deadlines]
    undated = [m for m in newest_first if m.pk not in deadlines]
    # sorted() is stable, also in reverse: equal deadlines keep the newest first.
    return sorted(dated, key=lambda m: deadlines[m.pk].filing, reverse=descending) + undated


def _shown(
    queryset: QuerySet[ApprovalMessage],
    order: list[ApprovalMessage],
    deadlines: dict[int, deadline_selectors.MessageDeadline],
) -> list[ApprovalMessage]:
    """The messages of ``order`` loaded from ``queryset`` (as the list shows them), in that
    order, each with its ``deadline`` (None without one)."""
    loaded = queryset.in_bulk([message.pk for message in order])
    shown = [loaded[message.pk] for message in order if message.pk in loaded]
    _give_deadlines(shown, deadlines)
    return shown


def _give_deadlines(
    messages: Any, deadlines: dict[int, deadline_selectors.MessageDeadline]
) -> None:
    for message in messages:
        message.deadline = deadlines.get(message.pk)


@common.staff_view()
@activation.required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """What waits for the office; "Mijn cliënten" (``mine``): for the organisations the
    staff member is responsible for, as the message list and Termijnen count them."""
    member: StaffMember = request.staff_member  # type: ignore[attr-defined]
    mine = bool(request.GET.get("mine"))
    messages = filter_messages(common.staff_messages(request), {"mine": mine}, member=member)
    organisations = _organisations(request)
    if mine:
        organisations = organisations.filter(responsible=member)
    counts = dict(messages.values_list("status").annotate(n=Count("pk")).order_by())
    # A version a newer one replaced keeps the code 25 but did not fail: counted under the
    # words every other page reads for it, not among the processing errors.
    replaced = (
        messages.filter(selectors.superseded_q()).count()
        if counts.get(Status.PROCESSING_FAILED)
        else 0
    )
    counts[Status.PROCESSING_FAILED] = counts.get(Status.PROCESSING_FAILED, 0) - replaced
    asking = list(
        messages.filter(attention_q())
        .annotate(severity=attention_severity())
        .only(*_DEADLINE_FIELDS)
    )
    deadlines = deadline_selectors.page_deadlines(asking, today=timezone.localdate())
    # Within a severity the year's filing deadline decides, most overdue first: a refusal
    # of a year long overdue before this year's (sorted() keeps _by_deadline's order).
    urgent = sorted(
        _by_deadline(asking, deadlines),
        key=lambda m: m.severity,  # type: ignore[attr-defined]
    )
    attention = _shown(
        with_waiting_for_nobody(
            messages.defer(*common.HEAVY_FIELDS).select_related("organisation")
        ),
        urgent[:DASHBOARD_ATTENTION_ROWS],
        deadlines,
    )
    waiting = messages.filter(waiting_q(WAITING_ON_CLIENT)).count()
    questions, question_count = selectors.open_client_questions(
        messages.defer(*common.HEAVY_FIELDS)
    )
    # Overdue years have no message asking attention when nothing was sent, or one that
    # waits quietly: the dashboard counts them as Termijnen lists them.
    years_at_risk = deadline_periods.years_at_risk(organisations, timezone.localdate())
    return render(
        request,
        "portal/insite_dashboard.html",
        {
            "status_counts": [
                {"code": status, "label": status.label, "count": counts.get(status, 0)}
                for status in PORTAL_STATUSES
            ],
            "replaced": replaced,
            "replaced_label": SUPERSEDED_LABEL,
            "total": sum(counts.values()) + replaced,
            "attention": attention,
            "attention_more": len(asking) - len(attention),
            "attention_codes": sorted(ATTENTION_STATUSES),
            "questions": questions,
            "question_count": question_count,
            "waiting": waiting,
            "waiting_days": settings.PORTAL_CLIENT_WAITING_DAYS,
            "review": messages.filter(waiting_q(WAITING_ON_ACCOUNTANT)).count(),
            "years_at_risk": years_at_risk,
            "overdue_years": sum(year.overdue for year in years_at_risk),
            "due_soon_days": deadline_selectors.DUE_SOON_DAYS,
            # Beat or every worker stopped: nothing moves, whatever the lists say.
            "jobs_late": late_since(member.environment_id),
            "mine": mine,
        },
    )


def _of_organisations(text: str, *, contacts: bool = False) -> Q:
    """The messages of the organisations ``text`` finds (crm.selectors.organisation_match)."""
    return Q(
        organisation__in=Organisation.objects.filter(
            crm_selectors.organisation_match(text, contacts=contacts)
        )
    )


def filter_messages(
    queryset: QuerySet[ApprovalMessage], filters: dict, *, member: StaffMember | None = None
) -> QuerySet[ApprovalMessage]:
    """``filters`` (MessageFilterForm.filters) applied; "Mijn cliënten" (``mine``): the
    organisations ``member`` is responsible for."""
    if filters.get("mine"):
        queryset = queryset.filter(organisation__responsible=member)
    if "status" in filters:
        queryset = queryset.filter(status=filters["status"])
    if "organisation" in filters:
        queryset = queryset.filter(organisation=filters["organisation"])
    if "year" in filters:
        queryset = queryset.filter(financial_year=filters["year"])
    if "message_type" in filters:
        queryset = queryset.filter(message_type=filters["message_type"])
    if filters.get("attention"):
        queryset = queryset.filter(attention_q())
    if filters.get("waiting") == WAITING_ON_ANSWER:
        # The same rule as the dashboard's count (workflow.selectors.open_client_questions).
        queryset = queryset.filter(pk__in=selectors.unanswered(queryset).values("pk"))
    elif "waiting" in filters:
        queryset = queryset.filter(waiting_q(filters["waiting"]))
    organisation_text = filters.get("organisation_q", "").strip()
    if organisation_text:
        queryset = queryset.filter(_of_organisations(organisation_text))
    text = filters.get("q", "").strip()
    if text:
        match = Q(filename__icontains=text) | _of_organisations(text, contacts=True)
        with contextlib.suppress(ValueError):
            match |= Q(message_id=uuid.UUID(text))
        queryset = queryset.filter(match)
    return queryset


#: The list's sort keys (``?sort=KEY``, ``?sort=-KEY`` descending): the field each sorts on
#: and whether a first click on its column's header sorts descending (newest, latest first).
SORTS: dict[str, tuple[str, bool]] = {
    # By the name's key, as the organisation list: accents and case do not count.
    "organisation": ("organisation__search_name", False),
    "year": ("financial_year", True),
    "status": ("status", False),
    "changed": ("status_changed_at", True),
}
#: The order without a choice: the last change, newest first.
DEFAULT_SORT = "-changed"
#: The sort by the year's filing deadline ("Deponeren uiterlijk"), earliest first, offered
#: only on the list of what asks attention. The deadline is no column: kvk.deadlines counts
#: it from the legal form, the year end, an extension and the earliest adoption or signing
#: date of the year's versions, in calendar months capped at 12 months after year end,
#: which SQL cannot sensibly do; nor does the year end give its order (an extension, an
#: adoption or another legal form moves the deadline months). So the list computes the
#: deadline of every message it sorts, and only what asks attention is few enough for that.
DEADLINE_SORT = "deadline"


def _sorts(attention: bool) -> dict[str, bool]:
    """The sort keys the list offers, each with whether a first click on its column's
    header sorts descending."""
    offered = {key: descending_first for key, (_field, descending_first) in SORTS.items()}
    if attention:
        offered[DEADLINE_SORT] = False
    return offered


def message_sort(value: str | None, *, attention: bool = False) -> str:
    """The sort asked for when the list offers it (``_sorts``, either direction), else
    DEFAULT_SORT."""
    key = (value or "").removeprefix("-")
    return value if value and key in _sorts(attention) else DEFAULT_SORT


def _ordering(sort: str) -> list[Any]:
    """The order_by of ``sort``: rows without a value (no financial year yet) last in both
    directions; equal values by their last change, newest first; the id keeps pages apart."""
    key = sort.removeprefix("-")
    column = F(SORTS[key][0])
    first = column.desc(nulls_last=True) if sort.startswith("-") else column.asc(nulls_last=True)
    if key == "changed":
        return [first, "-pk" if sort.startswith("-") else "pk"]
    return [first, "-status_changed_at", "-pk"]


def _sort_headers(request: HttpRequest, sort: str, *, attention: bool) -> dict[str, dict[str, str]]:
    """Per sortable column (``_sorts``): its header link and ``aria-sort``."""
    return common.sort_headers(request, sort, _sorts(attention), DEFAULT_SORT)


@common.staff_view()
@activation.required
@require_GET
def message_list(request: HttpRequest) -> HttpResponse:
    """The list with filters, search, sorting (``_sorts``) and pagination. The number of
    queries is the same for 1 or 1000 rows and for every sort: organisations come with a
    join, their KvK numbers with one prefetch, message type names with one query; the
    filing deadlines take four per financial year among the rows shown (and, sorted by
    the deadline, among all that ask attention: deadline_selectors.page_deadlines)."""
    base = common.staff_messages(request)
    type_names = _message_type_names(request)
    years = (
        base.exclude(financial_year=None)
        .order_by("-financial_year")
        .values_list("financial_year", flat=True)
        .distinct()
    )
    form = MessageFilterForm(
        request.GET or None,
        organisations=_organisations(request),
        years=list(years),
        message_types=type_names,
        waiting_days=settings.PORTAL_CLIENT_WAITING_DAYS,
    )
    filters = form.filters() if request.GET else {}
    attention = bool(filters.get("attention"))
    sort = message_sort(request.GET.get("sort"), attention=attention)
    messages = filter_messages(base, filters, member=request.staff_member)  # type: ignore[attr-defined]
    shown = with_waiting_for_nobody(
        messages.defer(*common.HEAVY_FIELDS)
        .select_related("organisation")
        .prefetch_related("organisation__identifications")
    )
    today = timezone.localdate()
    if sort.removeprefix("-") == DEADLINE_SORT:
        everything = list(messages.only(*_DEADLINE_FIELDS))
        deadlines = deadline_selectors.page_deadlines(everything, today=today)
        order = _by_deadline(everything, deadlines, descending=sort.startswith("-"))
        page = Paginator(order, PAGE_SIZE).get_page(request.GET.get("page"))
        page.object_list = _shown(shown, list(page), deadlines)
    else:
        page = Paginator(shown.order_by(*_ordering(sort)), PAGE_SIZE).get_page(
            request.GET.get("page")
        )
        # The deadlines of the page's rows only.
        _give_deadlines(page, deadline_selectors.page_deadlines(page, today=today))
    for message in page:
        message.type_name = type_names.get(  # type: ignore[attr-defined]
            message.message_type, message.message_type
        )
    common.annotate_approvals(page)
    query = request.GET.copy()
    query.pop("page", None)
    template = (
        "portal/_insite_rows.html"
        if getattr(request, "htmx", False) and not request.htmx.boosted  # type: ignore[attr-defined]
        else "portal/insite_messages.html"
    )
    return render(
        request,
        template,
        {
            "page": page,
            "form": form,
            "query": query.urlencode(),
            "filtered": bool(filters),
            "chosen_organisation": filters.get("organisation"),
            "sort": sort,
            "sort_kept": "" if sort == DEFAULT_SORT else sort,
            "sort_headers": _sort_headers(request, sort, attention=attention),
        },
    )


def _size_class_context(message: ApprovalMessage, form=None) -> dict:
    """The size-class check of the document (art. 2:395a and 2:396 BW) with its figures in
    the reader's language, the accountant's override if made, and the override form."""
    check = selectors.size_class_check(message)
    override = selectors.size_class_override(message)
    return {
        "size_check": check,
        "size_lines": check.lines() if check else [],
        "size_override": override,
        "size_override_reason": override.reasons[0].get("message", "")
        if override and override.reasons
        else "",
        "can_override_size": check is not None
        and check.attention
        and override is None
        and message.status in services.SIZE_CLASS_OVERRIDE_STATUSES,
        "size_form": form or SizeClassOverrideForm(),
    }


def _detail_context(request: HttpRequest, message: ApprovalMessage, **forms) -> dict:
    versions = common.versions_context(
        message, common.staff_messages(request), get_language() or "nl", staff=True
    )
    return {
        "message": message,
        "staff": True,
        "message_type_name": _message_type_names(request).get(
            message.message_type, message.message_type
        ),
        "rendered": common.rendered_accounts(message),
        "findings": common.findings_for_display(message, get_language() or "nl"),
        # Where there are no findings: whether the rules ran and found nothing.
        "filing_rules_ran": selectors.filing_rules_ran(message),
        "formulas_ran": selectors.formulas_ran(message),
        **common.timeline_context(message, staff=True),
        **versions,
        "comment_form": forms.get("comment_form") or CommentForm(),
        "can_review": message.status == Status.IN_REVIEW and message.awaiting_accountant_review,
        "kvk_numbers": common.kvk_numbers(message),
        "period_mismatch": deadline_periods.message_mismatch(message),
        # The year's filing deadline as Termijnen counts it ("Deponeren uiterlijk").
        "filing": deadline_periods.message_row(message),
        # Other versions of the year that name another adoption date (shown with this one's).
        "year_adoption": deadline_selectors.year_adoption(
            message.organisation_id, message.financial_year
        )
        if message.adopted
        else None,
        **_repair_context(message, versions["following_version"]),
        "repair_reason": selectors.repair_reason(message),
        "rejection": next(
            (r.get("message", "") for r in message.reasons if r.get("code") == "client_rejected"),
            "",
        ),
        # Staff read each reason's sentence and, folded, its technical detail.
        "reasons": message.reasons if isinstance(message.reasons, list) else [],
        **_size_class_context(message, forms.get("size_form")),
        **_transport_error_context(message, forms.get("delivery_form")),
        "can_acknowledge": services.can_be_handled(message),
        "attention_handled": selectors.attention_handled(message),
        "attention_form": (forms.get("attention_form") or AttentionForm()).for_status(
            message.status
        ),
        **common.approvals_context(message),
        # At 30 with nobody who can approve it: it waits for nobody (workflow.approvers).
        "nobody_approves": message.status == Status.IN_REVIEW
        and nobody_can_approve(approver_rule(message), message.organisation),
        # At 30 with an adoption its named adopter cannot record: it waits for nobody too.
        "nobody_adopts": nobody_can_adopt(message),
        "sent_mails": notifications.sent_mails(message),
    }


def _repair_context(message: ApprovalMessage, following: ApprovalMessage | None) -> dict:
    """At 40: "Berichtstatus herstellen", unless a correction replaced the message or a
    newer version of its year goes on (``services.repair_refusal``); then why not, where
    the page does not say it already ("vervangen door een gecorrigeerde versie")."""
    refusal = services.repair_refusal(message) if message.status == Status.REJECTED else None
    return {
        "can_repair": message.status == Status.REJECTED and refusal is None,
        "repair_refused": refusal.message if refusal is not None and following is None else "",
    }


def _transport_error_context(message: ApprovalMessage, form=None) -> dict:
    """At 70: "Opnieuw verzenden" and the form to record what was checked at Digipoort
    (open at once when Digipoort's own answer could not tell, "delivery_uncertain")."""
    uncertain = any(
        isinstance(r, dict) and r.get("code") == "delivery_uncertain"
        for r in (message.reasons or [])
    )
    return {
        "can_resend": message.status == Status.TRANSPORT_ERROR,
        "delivery_uncertain": uncertain,
        "delivery_form": form or DeliveryCheckForm(),
        "delivery_check_open": uncertain or form is not None,
    }


#: The detail page, the status partial, the downloads and the comment, as on the other side.
shared = common.message_views(
    common.Side(
        common.staff_view(), common.staff_messages, _detail_context, "insite-message", staff=True
    )
)


def _noted(
    request: HttpRequest,
    pk: int,
    form_class: type[Any],
    form_key: str,
    service: Any,
    done: str | Callable[[ApprovalMessage], str],
    anchor: str,
) -> HttpResponse:
    """A staff action with a written note on a message: the form's errors on the message's
    page (400), else ``service`` with the cleaned form data, its outcome (``done``, or what
    ``done`` says of the message), and back to the page at ``anchor``."""
    message = common.message_or_404(common.staff_messages(request), pk)
    form = form_class(request.POST)
    if not form.is_valid():
        return common.detail_page(
            request, _detail_context(request, message, **{form_key: form}), status=400
        )
    common.perform(
        request,
        lambda: service(message_id=message.pk, actor=common.actor(request), **form.cleaned_data),
        done(message) if callable(done) else done,
    )
    return redirect(reverse("insite-message", kwargs={"pk": pk}) + anchor)


@common.staff_view()
@activation.required
@common.post_else_message("insite-message", common.staff_messages)
def message_size_class(request: HttpRequest, pk: int) -> HttpResponse:
    """The accountant overrides the size-class warning with a reason (audit event)."""
    return _noted(
        request,
        pk,
        SizeClassOverrideForm,
        "size_form",
        services.override_size_class_warning,
        _(
            "De waarschuwing over de grootteklasse is terzijde gelegd; de reden staat in "
            "het verloop."
        ),
        "#size-class",
    )


#: The actions of the staff's forms, each the last segment of its address.
ACTIONS = ("review", "repair")


def _asks_repair(request: HttpRequest, pk: int, action: str) -> bool:
    """A GET of "Berichtstatus herstellen" asks its question again (``post_else``)."""
    return action == "repair"


@common.staff_view()
@activation.required
@common.post_else_message("insite-message", common.staff_messages, asks=_asks_repair)
def message_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """The staff actions: complete the accountant review, repair the message status."""
    message = common.message_or_404(common.staff_messages(request), pk)
    if action == "repair":
        return _repair(request, message)
    try:
        if action == "review":
            services.complete_accountant_review(message_id=message.pk, actor=common.actor(request))
            flash.success(request, _("Beoordeling afgerond; de cliënt kan het bericht nu zien."))
        else:
            raise Http404
    except WorkflowError as error:
        flash.error(request, error.message)
    return redirect("insite-message", pk=pk)


# --- what asks attention (60 with an attention code, 25, 40, 90): "Afgehandeld" -----------------


def _handled(message: ApprovalMessage) -> str:
    """What the staff member reads after "Afgehandeld" (workflow.services.attention)."""
    if message.status == Status.SENT_TO_KVK:
        return _(
            "Het aandachtspunt is afgehandeld; uw notitie staat in het verloop. Deponeer "
            "blijft Digipoort vragen naar het oordeel van de KvK en meldt het als er iets "
            "anders misgaat."
        )
    return _(
        "Het bericht is als afgehandeld gemarkeerd en staat niet meer op de lijst 'Vraagt "
        "aandacht'. De status blijft %(status)s; uw notitie staat bij het bericht en in het "
        "verloop."
    ) % {"status": message.status}


@common.staff_view()
@activation.required
@common.post_else_message("insite-message", common.staff_messages)
def message_attention(request: HttpRequest, pk: int) -> HttpResponse:
    """ "Afgehandeld": the staff member notes what was checked or agreed (audit event); the
    message keeps its status and leaves the attention list (at 60 the poll goes on)."""
    return _noted(
        request,
        pk,
        AttentionForm,
        "attention_form",
        services.acknowledge_attention,
        _handled,
        "#attention",
    )


@common.staff_view()
@activation.required
@common.post_else_message("insite-message", common.staff_messages)
def message_attention_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    """ "Weer op de aandachtslijst": undo "Afgehandeld" (audit event)."""
    message = common.message_or_404(common.staff_messages(request), pk)
    common.perform(
        request,
        lambda: services.reopen_attention(message_id=message.pk, actor=common.actor(request)),
        _("Het bericht staat weer op de lijst 'Vraagt aandacht'."),
    )
    return redirect(reverse("insite-message", kwargs={"pk": pk}) + "#attention")


def _repair(request: HttpRequest, message: ApprovalMessage) -> HttpResponse:
    """ "Berichtstatus herstellen" (40 -> 30): the first POST asks "Weet u het zeker?" with
    the reason the client will read; the one with ``confirmed`` and a reason repairs."""
    if message.status != Status.REJECTED:
        if request.method == "POST":  # a GET (a reload, the history) only goes to the message
            flash.error(request, _("Alleen een afgekeurd bericht (status 40) kan worden hersteld."))
        return redirect("insite-message", pk=message.pk)
    confirmed = request.method == "POST" and request.POST.get("confirmed") == "1"
    form = RepairForm(request.POST if confirmed else None)
    if not form.is_valid():
        return render(
            request, "portal/insite_repair_confirm.html", {"message": message, "form": form}
        )
    common.perform(
        request,
        lambda: services.repair(
            message_id=message.pk, actor=common.actor(request), reason=form.cleaned_data["reason"]
        ),
        _("Het bericht is teruggezet in de workflow; de cliënt krijgt een e-mail met uw reden."),
    )
    return redirect("insite-message", pk=message.pk)


# --- a message at 70: the staff send it again or record that it arrived ------------------------

#: Digipoort's fault for a status request about a kenmerk it does not know ("Kenmerk
#: onbekend", statusinformatieservice; as the local Digipoort, kvk/digipoort/stub/, answers).
UNKNOWN_KENMERK_CODES = frozenset({"STS130"})
_UNKNOWN_WORDS = ("onbekend", "niet gevonden", "unknown", "not found")


def _kenmerk_unknown(error) -> bool:
    if error.code in UNKNOWN_KENMERK_CODES:
        return True
    text = (error.message or "").lower()
    return error.code.startswith("STS") and any(word in text for word in _UNKNOWN_WORDS)


def _ask_digipoort(kenmerk: str, kvk_number: str) -> tuple[str, list[DigipoortStatus]]:
    """Ask Digipoort about ``kenmerk`` before following it: ("", its timeline) when Digipoort
    knows the delivery and it is one for this organisation's KvK number, else what to show
    under the field (a typing error must not leave the message following someone else's
    delivery, or none)."""
    try:
        client = submission._client()
        statuses = client.statuses(kenmerk)
        ours = kenmerk in client.processes(kvk_number) if statuses else False
    except DigipoortError as error:
        if _kenmerk_unknown(error):
            return _("Digipoort kent dit kenmerk niet."), []
        log.warning("Digipoort could not check kenmerk %s: %s", kenmerk, error)
        return _(
            "Digipoort kon het kenmerk nu niet controleren (%(code)s). Er is niets gewijzigd; "
            "probeer het later opnieuw."
        ) % {"code": error.code}, []
    if not statuses:
        return _("Digipoort kent dit kenmerk niet."), []
    if not ours:
        return _("Dit kenmerk hoort niet bij een aflevering voor KvK-nummer %(kvk)s.") % {
            "kvk": kvk_number
        }, []
    return "", statuses


def _ended_undecided(statuses: list[DigipoortStatus]) -> str:
    """What to show when the delivery's timeline ends in a final status that decides
    nothing about the document (210, 230, 321, 410, or 420 after Digipoort's retries; the
    final codes of Logius' table, kvk.digipoort.outcome): that delivery is over and never
    reached the KvK, so it is no delivery to follow. "" for a timeline that is open or
    decided: refused by Digipoort's own validation (311), or the KvK's verdict (500, 510)."""
    decided = outcome(statuses)
    if decided.status != Status.TRANSPORT_ERROR:
        return ""
    text = _(
        "Digipoort meldt voor dit kenmerk de eindstatus %(status)s: die aflevering is "
        "afgesloten zonder dat de KvK het bericht heeft ontvangen, dus er valt niets te "
        "volgen. Kies 'Niet afgeleverd: opnieuw verzenden' om een nieuwe aflevering te doen."
    ) % {"status": decided.raw}
    if decided.reason == "digipoort_authentication":
        text += " " + _(
            "Laat eerst het certificaat of de machtiging bij Digipoort herstellen; anders "
            "weigert Digipoort ook de nieuwe aflevering."
        )
    return text


def _not_this_messages(message: ApprovalMessage, statuses: list[DigipoortStatus]) -> str:
    """What to show when the delivery is the organisation's but not this message's
    (workflow.submission.not_this_messages_delivery): following it would record another
    filing's outcome, e.g. 80 for a document that was never filed. "" when it is ours."""
    why = submission.not_this_messages_delivery(message, statuses)
    if not why:
        return ""
    received = dates.format_moment(min(s.timestamp for s in statuses))
    if why == submission.OTHER_REFERENCE:
        fact = _(
            "Digipoort toont bij dit kenmerk een ander aanleverkenmerk dan %(reference)s, "
            "waarmee Deponeer dit bericht aanlevert."
        ) % {"reference": message.delivery_reference}
    elif why == submission.LATER:
        fact = _(
            "Digipoort ontving die aflevering op %(received)s, ná de laatste verzendpoging "
            "van dit bericht op %(attempt)s."
        ) % {
            "received": received,
            "attempt": dates.format_moment(submission.last_attempt_at(message)),
        }
    else:
        fact = _(
            "Digipoort ontving die aflevering op %(received)s, vóórdat dit bericht op "
            "%(approved)s werd goedgekeurd en verzonden kon worden."
        ) % {
            "received": received,
            "approved": dates.format_moment(message.approved_at or message.created_at),
        }
    return " ".join(
        [
            _(
                "Dit kenmerk hoort bij een andere aflevering voor deze onderneming, niet bij "
                "dit bericht."
            ),
            fact,
            _(
                "Waarschijnlijk is het een eerdere deponering (met een ander pakket of een eerdere "
                "poging). Zoek bij Digipoort het kenmerk van de aflevering van dit bericht; "
                "is die er niet, kies dan 'Niet afgeleverd: opnieuw verzenden'."
            )
            if why != submission.LATER
            else _(
                "Waarschijnlijk heeft een ander pakket het bericht afgeleverd. Zoek bij "
                "Digipoort het kenmerk van de aflevering van dit bericht; is die er niet, "
                "kies dan 'Niet afgeleverd: opnieuw verzenden'."
            ),
        ]
    )


def _record_checked_delivery(
    request: HttpRequest, message: ApprovalMessage, kenmerk: str
) -> tuple[str, str]:
    """Record the delivery ``kenmerk`` (70 -> 60) once Digipoort confirmed it is this
    message's and still open or decided (Digipoort's own validation refused the document,
    311; or the KvK's verdict, 500 or 510); a decided timeline is recorded at once
    (60 -> 80 or 90) instead of waiting for a poll. Returns (the problem to show under the
    field, the note for the staff member): one of them is ""."""
    problem, statuses = _ask_digipoort(kenmerk, message.organisation.kvk_number or "")
    problem = problem or _ended_undecided(statuses) or _not_this_messages(message, statuses)
    if problem:
        return problem, ""
    try:
        services.record_delivery(
            message_id=message.pk, actor=common.actor(request), kenmerk=kenmerk
        )
    except Invalid as error:
        return error.message, ""
    decided = outcome(statuses)
    if decided.status not in (Status.FILED, Status.REFUSED):
        return "", _(
            "De aflevering met kenmerk %(kenmerk)s is vastgelegd; Deponeer volgt nu de "
            "statussen van Digipoort."
        ) % {"kenmerk": kenmerk}
    submission.record_timeline(message.pk, kenmerk, statuses)
    if decided.reason == submission.DIGIPOORT_VALIDATION:
        # 311 is Digipoort's own validation, before the KvK received anything
        # (KVK-SBR.md section 5): not the KvK's verdict.
        text = _(
            "De aflevering met kenmerk %(kenmerk)s is vastgelegd. Digipoort meldt al de "
            "eindstatus %(raw)s: Digipoort heeft het document bij zijn eigen validatie "
            "afgekeurd, voordat de KvK het ontving. Het bericht staat nu op %(status)s; "
            "alleen een verbeterd document kan nog worden gedeponeerd."
        )
    else:
        text = _(
            "De aflevering met kenmerk %(kenmerk)s is vastgelegd. Digipoort meldt al de "
            "eindstatus %(raw)s, het oordeel van de KvK, dus het bericht staat nu op "
            "%(status)s (%(label)s)."
        )
    return "", text % {
        "kenmerk": kenmerk,
        "raw": decided.raw,
        "status": int(decided.status),
        "label": Status(decided.status).label,
    }


def _asks_resend(request: HttpRequest, pk: int) -> bool:
    """A GET of "Opnieuw verzenden" asks its question again (``post_else``)."""
    return True


@common.staff_view()
@activation.required
@common.post_else_message("insite-message", common.staff_messages, asks=_asks_resend)
def message_resend(request: HttpRequest, pk: int) -> HttpResponse:
    """ "Opnieuw verzenden" (status 70): the first POST (or a GET, the language switch's)
    asks "Weet u het zeker?", the second one (``confirmed``) sends, with a fresh budget of
    automatic attempts."""
    message = common.message_or_404(common.staff_messages(request).defer(*common.HEAVY_FIELDS), pk)
    if request.method != "POST" or request.POST.get("confirmed") != "1":
        refusal = services.resend_refusal(message)
        if refusal is not None:  # not at 70, or a newer version replaced it
            if request.method == "POST":  # a GET (a reload, the history): the message page
                flash.error(request, refusal.message)
            return redirect("insite-message", pk=pk)
        return render(request, "portal/insite_resend_confirm.html", {"message": message})
    common.perform(
        request,
        lambda: services.resend(message_id=message.pk, actor=common.actor(request)),
        _(
            "Het bericht wordt opnieuw verzonden. Deponeer vraagt Digipoort eerst of een "
            "eerdere poging toch is aangekomen."
        ),
    )
    return redirect("insite-message", pk=pk)


@common.staff_view()
@activation.required
@common.post_else_message("insite-message", common.staff_messages)
def message_delivery_check(request: HttpRequest, pk: int) -> HttpResponse:
    """ "Aflevering gecontroleerd bij Digipoort?" (status 70): not delivered, so send again
    without asking Digipoort first; or delivered under a kenmerk of this message's that
    Digipoort knows, 70 -> 60 (and on to 80 or 90 when the timeline is decided already: the
    KvK's verdict, or Digipoort's own validation refused the document, 311). A kenmerk whose
    delivery ended without reaching the KvK is refused: nothing to follow there."""
    message = common.message_or_404(common.staff_messages(request), pk)
    form = DeliveryCheckForm(request.POST)

    def refused() -> HttpResponse:
        return common.detail_page(
            request, _detail_context(request, message, delivery_form=form), status=400
        )

    if not form.is_valid():
        return refused()
    try:
        if form.cleaned_data["outcome"] == DeliveryCheckForm.NOT_DELIVERED:
            services.resend(
                message_id=message.pk, actor=common.actor(request), checked_not_delivered=True
            )
            flash.success(
                request,
                _(
                    "Vastgelegd dat de vorige poging niet bij Digipoort is aangekomen; het "
                    "bericht wordt opnieuw verzonden."
                ),
            )
        elif message.status != Status.TRANSPORT_ERROR:
            flash.error(
                request,
                _("Alleen bij een bericht met status 70 kan een aflevering worden vastgelegd."),
            )
        else:
            problem, done = _record_checked_delivery(request, message, form.cleaned_data["kenmerk"])
            if problem:
                form.add_error("kenmerk", problem)
                return refused()
            flash.success(request, done)
    except WorkflowError as error:
        flash.error(request, error.message)
    return redirect("insite-message", pk=pk)


# --- organisations and contacts ---------------------------------------------------------------


@common.staff_view()
@require_GET
def organisation_list(request: HttpRequest) -> HttpResponse:
    """The organisations, searched by name or number; "Mijn cliënten" (``mine``): those
    the staff member is responsible for."""
    text = request.GET.get("q", "").strip()
    mine = bool(request.GET.get("mine"))
    queryset = _organisations(request).annotate(
        message_count=Count("approval_messages", distinct=True),
        contact_count=Count("contacts", filter=Q(contacts__portal_access=True), distinct=True),
    )
    if text:
        queryset = queryset.filter(crm_selectors.organisation_match(text))
    if mine:
        queryset = queryset.filter(responsible=request.staff_member)  # type: ignore[attr-defined]
    queryset = (
        queryset.select_related("responsible__user")
        .prefetch_related("identifications")
        .order_by(*alphabetical(), "pk")
    )
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "portal/insite_organisations.html",
        {"page": page, "q": text, "mine": mine, "filtered": bool(text or mine)},
    )


@common.staff_view(administrator=True)
def organisation_create(request: HttpRequest) -> HttpResponse:
    environment = request.staff_member.environment  # type: ignore[attr-defined]
    form = OrganisationForm(request.POST or None, environment=environment)
    if request.method == "POST" and form.is_valid():
        try:
            organisation = deadline_selectors.create_organisation(
                environment=environment, **form.cleaned_data
            )
        except crm_services.OnboardingError as error:  # the KvK number taken meanwhile
            form.add_error(None, str(error))
        else:
            flash.success(request, _("Organisatie aangemaakt."))
            return redirect("insite-organisation", pk=organisation.pk)
    return render(
        request,
        "portal/insite_form.html",
        {"form": form, "title": _("Nieuwe organisatie"), "back": "insite-organisations"},
    )


@common.staff_view()
@require_GET
def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = get_object_or_404(_organisations(request), pk=pk)
    return _organisation_page(request, organisation)


def _organisation_page(
    request: HttpRequest,
    organisation: Organisation,
    *,
    contact_form: ContactForm | None = None,
    approvers_form=None,
    identification_form: IdentificationForm | None = None,
    responsible_form: ResponsibleForm | None = None,
) -> HttpResponse:
    """The organisation's page; with a refused form (bound, with its errors and what was
    typed), answered 400."""
    context = {
        "organisation": organisation,
        **_identifications_context(request, organisation, identification_form),
        "contacts": _contacts_with_shared_logins(request, organisation),
        "tokens": organisation.tokens.select_related("connector").order_by("-created_at"),
        # Not "messages": that is the name of the notes (django.contrib.messages) base.html
        # shows; it hid every note of this page.
        "approval_messages": organisation.approval_messages.defer(*common.HEAVY_FIELDS).order_by(
            "-created_at"
        )[:20],
        "contact_form": contact_form or ContactForm(organisation=organisation),
        "administrator": _is_administrator(request),
        "responsible_form": responsible_form
        or ResponsibleForm(
            initial={"responsible": getattr(organisation.responsible_here, "pk", None)},
            environment_id=organisation.environment_id,
        ),
        **_approvers_context(organisation),
        **_next_steps_context(request, organisation),
        "history": crm_selectors.organisation_history(organisation),
    }
    if approvers_form is not None:
        context["approvers_form"] = approvers_form
    given = (contact_form, approvers_form, identification_form, responsible_form)
    refused = any(f is not None for f in given)
    return render(
        request, "portal/insite_organisation.html", context, status=400 if refused else 200
    )


def _next_steps_context(request: HttpRequest, organisation: Organisation) -> dict:
    """What a staff member does after creating a client: check what its deadlines depend
    on ("Termijngegevens", every staff member) and make a token for its environment (the
    connector pages: administrators, with the activation on). ``token_connectors`` is None
    when the staff member may not make tokens, else the connectors that take messages."""
    facts = deadline_selectors.facts_of(organisation)
    connectors = None
    if _is_administrator(request) and activation.request_is_active(request):
        connectors = list(
            AppConnector.objects.filter(
                environment_id=organisation.environment_id, commsvc=True, blocked=False
            ).order_by("name")
        )
    return {
        # A leap year, so that 29 February (its last day) can be shown.
        "year_end": date(2024, facts.year_end_month, facts.year_end_day),
        "deadline_notice": deadline_selectors.notice_of(organisation),
        "token_connectors": connectors,
    }


def _contacts_with_shared_logins(request: HttpRequest, organisation: Organisation) -> list[Contact]:
    """The organisation's contacts, each with ``shared_with``: the other organisations whose
    contact logs in with the same login (a DGA with a holding and an operating company), so
    the staff see that revoking access here leaves those. Only organisations of the staff
    member's own environment are named (a login never spans two; crm.services)."""
    contacts = list(organisation.contacts.select_related("user"))
    others = (
        Contact.objects.filter(
            user_id__in={c.user_id for c in contacts if c.user_id},
            organisation__in=_organisations(request),
        )
        .exclude(organisation=organisation)
        .select_related("organisation")
        .order_by("organisation__name", "organisation_id")
    )
    shared: dict[int | None, list[Contact]] = {}
    for other in others:
        shared.setdefault(other.user_id, []).append(other)
    for contact in contacts:
        contact.shared_with = shared.get(contact.user_id, [])  # type: ignore[attr-defined]
    return contacts


def _approvers_form(
    organisation: Organisation, data=None, defaults: tuple[str, str] | None = None
) -> OrganisationApproversForm:
    """The form; ``defaults`` are the workflow's rules when the caller has read them."""
    approver_rule, adopter_rule = defaults or workflow_rules(organisation.environment_id)
    return OrganisationApproversForm(
        data,
        instance=organisation,
        default_label=ApproverRule(approver_rule).label,
        default_adopter_rule=adopter_rule,
    )


def _approvers_context(organisation: Organisation) -> dict:
    """Who must approve and who records the adoption: the organisation's settings or the
    workflow's, and the form."""
    defaults = workflow_rules(organisation.environment_id)
    approver_default, adopter_default = defaults
    rule = organisation.approver_rule or approver_default
    adopter_rule = organisation.adopter_rule or adopter_default
    named = organisation.adopter if adopter_rule == AdopterRule.NAMED else None
    if not can_adopt(named, organisation.pk):
        named = None  # workflow.approvers.adopter: nobody may adopt then
    return {
        "approver_rule_label": ApproverRule(rule).label,
        "approver_rule_inherited": not organisation.approver_rule,
        "adopter_rule_label": AdopterRule(adopter_rule).label,
        "adopter_rule_inherited": not organisation.adopter_rule,
        "adopter_named": named,
        "adopter_missing": adopter_rule == AdopterRule.NAMED and named is None,
        # The same look-up as the service's (workflow.approvers): nobody can approve;
        # under one contact because no contact has portal access.
        "approvers_missing": nobody_can_approve(rule, organisation),
        "approver_rule_one": rule == ApproverRule.ONE,
        "approvers_form": _approvers_form(organisation, defaults=defaults),
    }


def _organisation_section(section: str) -> Callable[..., str]:
    """Where a form of the organisation page posts from, for ``post_else``: the page
    at ``section`` (its anchor); 404 for an organisation of another environment, or a
    contact (``contact_pk``) not of this organisation."""

    def page(request: HttpRequest, pk: int, contact_pk: int | None = None) -> str:
        organisation = get_object_or_404(_organisations(request), pk=pk)
        if contact_pk is not None:
            get_object_or_404(organisation.contacts, pk=contact_pk)
        return reverse("insite-organisation", args=[pk]) + section

    return page


@common.staff_view(administrator=True)
@post_else(_organisation_section("#approvers"))
def organisation_approvers(request: HttpRequest, pk: int) -> HttpResponse:
    """Save who must approve this organisation's messages and who records the adoption."""
    organisation = get_object_or_404(_organisations(request), pk=pk)
    form = _approvers_form(organisation, request.POST)
    if not form.is_valid():
        flash.error(request, _("Niet opgeslagen; zie de meldingen bij de velden."))
        # The form put what was typed on the organisation; the page says what is stored.
        organisation.refresh_from_db()
        return _organisation_page(request, organisation, approvers_form=form)
    form.save()
    flash.success(
        request,
        _("Opgeslagen wie de berichten van deze organisatie goedkeuren en wie vaststelt."),
    )
    return redirect("insite-organisation", pk=pk)


@common.staff_view(administrator=True)
@post_else(_organisation_section("#responsible"))
def organisation_responsible(request: HttpRequest, pk: int) -> HttpResponse:
    """Save who is responsible for this organisation (crm.services.set_responsible)."""
    organisation = get_object_or_404(_organisations(request), pk=pk)
    form = ResponsibleForm(request.POST, environment_id=organisation.environment_id)
    if form.is_valid():
        member = form.cleaned_data["responsible"]
        try:
            crm_services.set_responsible(
                organisation_id=organisation.pk,
                member_id=member.pk if member is not None else None,
                user=request.user,
            )
        except crm_services.ResponsibleError as error:
            form.add_error("responsible", error.message)
    if not form.is_valid():
        flash.error(request, _("Niet opgeslagen; zie de meldingen bij de velden."))
        return _organisation_page(request, organisation, responsible_form=form)
    flash.success(request, _("De verantwoordelijke medewerker is opgeslagen."))
    return redirect(reverse("insite-organisation", args=[pk]) + "#responsible")


# --- identification numbers ("Nieuw": Type, Identificatienummer) --------------------------------


def _identification_form(
    request: HttpRequest, organisation: Organisation, *, adding: bool, data=None, **kwargs: Any
) -> IdentificationForm:
    return IdentificationForm(
        data, organisation=organisation, user=request.user, adding=adding, **kwargs
    )


def _identifications_context(
    request: HttpRequest, organisation: Organisation, refused: IdentificationForm | None
) -> dict:
    """The numbers, each with the form that corrects it (the refused one, bound, for its
    type), and the form for a new one. A row's fields are named after its type: one page
    holds several forms."""
    rows = []
    for identification in organisation.identifications.order_by("kind"):
        form = refused
        if form is None or form.adding or form.data.get("kind") != identification.kind:
            form = _identification_form(
                request,
                organisation,
                adding=False,
                initial={"kind": identification.kind, "value": identification.value},
            )
        form.auto_id = f"id_{identification.kind}_%s"
        rows.append({"identification": identification, "form": form})
    adding = refused if refused is not None and refused.adding else None
    return {
        "identification_rows": rows,
        "identification_form": adding or _identification_form(request, organisation, adding=True),
    }


def _identification_confirmation(
    request: HttpRequest,
    organisation: Organisation,
    *,
    action: str,
    kind: str,
    value: str,
    old: str = "",
) -> HttpResponse:
    """ "Weet u het zeker?" before a KvK number is added, changed or removed (or any number
    removed): what it means for the messages already received and the uploads under way."""
    kvk = kind == Identification.Kind.KVK
    return render(
        request,
        "portal/insite_identification_confirm.html",
        {
            "organisation": organisation,
            "action": action,
            "kind": kind,
            "kind_label": Identification.Kind(kind).label,
            "value": value,
            "old": old,
            "kvk": kvk,
            "effects": crm_services.kvk_change_effects(organisation) if kvk else None,
            "post_to": f"insite-identification-{action}",
            "language_next": _identification_address(organisation, action, kind, value),
        },
    )


def _identification_address(organisation: Organisation, action: str, kind: str, value: str) -> str:
    """This confirmation by GET (``_asks_identification``), where its language switch
    leads: the action's address with the type and the number (an organisation's KvK number
    or RSIN, public in the trade register), the number left out for a removal."""
    query = {"kind": kind} if action == "remove" else {"kind": kind, "value": value}
    address = reverse(f"insite-identification-{action}", args=[organisation.pk])
    return f"{address}?{urlencode(query)}"


def _asks_identification(request: HttpRequest, pk: int) -> bool:
    """A GET with a number's type (``_identification_address``) asks its "Weet u het
    zeker?" again (``post_else``); without, the organisation's page."""
    return "kind" in request.GET


def _given(request: HttpRequest) -> QueryDict:
    """What a number's form sent: posted, or by GET in the confirmation's address."""
    return request.POST if request.method == "POST" else request.GET


def _identification_saved(request: HttpRequest, organisation: Organisation, *, adding: bool):
    """Add or correct a number from the POSTed form: the organisation's page with the form's
    errors (400), the confirmation for a KvK number, or the change and back to the page.
    A GET (the confirmation's language switch) only asks again, while the question applies;
    else it gives the page."""
    back = reverse("insite-organisation", args=[organisation.pk]) + "#identifications"
    posted = request.method == "POST"
    form = _identification_form(request, organisation, adding=adding, data=_given(request))
    if not form.is_valid():
        if not posted:  # added, changed or refused meanwhile: the page says how it stands
            return redirect(back)
        flash.error(request, _("Niet opgeslagen; zie de meldingen bij de velden."))
        return _organisation_page(request, organisation, identification_form=form)
    kind, value = form.cleaned_data["kind"], form.cleaned_data["value"]
    current = organisation.identifications.filter(kind=kind).first()
    old = current.value if current is not None else ""
    if old == value and not adding:
        if posted:
            flash.info(request, _("Het nummer is niet gewijzigd."))
        return redirect(back)
    if kind == Identification.Kind.KVK and request.POST.get("confirmed") != "1":
        action = "add" if adding else "change"
        return _identification_confirmation(
            request, organisation, action=action, kind=kind, value=value, old=old
        )
    if not posted:  # no question for another number: nothing is ever changed by a GET
        return redirect(back)
    service = crm_services.add_identification if adding else crm_services.change_identification
    try:
        service(organisation_id=organisation.pk, kind=kind, value=value, user=request.user)
    except crm_services.IdentificationError as error:
        flash.error(request, error.message)
    else:
        label = Identification.Kind(kind).label
        flash.success(
            request,
            _("%(kind)s %(value)s toegevoegd.") % {"kind": label, "value": value}
            if adding
            else _("%(kind)s gewijzigd van %(old)s in %(value)s.")
            % {"kind": label, "old": old, "value": value},
        )
    return redirect(back)


@common.staff_view(administrator=True)
@post_else(_organisation_section("#identifications"), asks=_asks_identification)
def identification_add(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = get_object_or_404(_organisations(request), pk=pk)
    return _identification_saved(request, organisation, adding=True)


@common.staff_view(administrator=True)
@post_else(_organisation_section("#identifications"), asks=_asks_identification)
def identification_change(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = get_object_or_404(_organisations(request), pk=pk)
    return _identification_saved(request, organisation, adding=False)


@common.staff_view(administrator=True)
@post_else(_organisation_section("#identifications"), asks=_asks_identification)
def identification_remove(request: HttpRequest, pk: int) -> HttpResponse:
    """Remove a number: the first POST (or a GET, the language switch's) asks "Weet u het
    zeker?", the POST with ``confirmed`` removes it."""
    organisation = get_object_or_404(_organisations(request), pk=pk)
    back = reverse("insite-organisation", args=[pk]) + "#identifications"
    posted = request.method == "POST"
    kind = _given(request).get("kind", "")
    try:
        identification = crm_services.check_removal(organisation=organisation, kind=kind)
        if not posted or request.POST.get("confirmed") != "1":
            return _identification_confirmation(
                request, organisation, action="remove", kind=kind, value=identification.value
            )
        crm_services.remove_identification(organisation_id=pk, kind=kind, user=request.user)
    except crm_services.IdentificationError as error:
        if posted:  # a GET (removed meanwhile): the page says how it stands
            flash.error(request, error.message)
        return redirect(back)
    flash.success(
        request,
        _("%(kind)s %(value)s verwijderd.")
        % {"kind": identification.get_kind_display(), "value": identification.value},
    )
    return redirect(back)


def _is_administrator(request: HttpRequest) -> bool:
    return request.staff_member.role == StaffMember.Role.ADMINISTRATOR  # type: ignore[attr-defined]


def _grant(request: HttpRequest, contact: Contact) -> bool:
    """Give a contact its portal login (crm.services.grant_portal_access) and, for a new
    login, an e-mail with a link to choose a password (Django's password reset token, valid
    for PASSWORD_RESET_TIMEOUT). Returns whether an invitation goes out: a person who
    already logs in as the contact of another organisation of this environment keeps that
    login and is not sent a second password link."""
    login = crm_services.grant_portal_access(contact_id=contact.pk, by=request.user)
    if login.shared:
        return False
    user = login.user
    # On the site's own address, as every mail (notifications.message_url), not the host
    # this request named.
    link = settings.PORTAL_BASE_URL.rstrip("/") + reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    contact.refresh_from_db()
    transaction.on_commit(lambda: notifications.send_invitation(contact, link))
    return True


#: What the staff member reads when the person already has a login (no invitation sent).
SHARED_LOGIN = _(
    "Deze persoon heeft al een login voor de klantportal, als contactpersoon van een andere "
    "organisatie van dit kantoor, en ziet daarmee nu ook de berichten van deze organisatie. "
    "Er is geen nieuwe uitnodiging verstuurd."
)


@common.staff_view(administrator=True)
@post_else(_organisation_section("#contacts"))
def contact_create(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = get_object_or_404(_organisations(request), pk=pk)
    form = ContactForm(request.POST, organisation=organisation)
    if not form.is_valid():
        flash.error(
            request, _("De contactpersoon is niet toegevoegd; zie de meldingen bij de velden.")
        )
        return _organisation_page(request, organisation, contact_form=form)
    try:
        with transaction.atomic():
            contact = form.save(commit=False)
            contact.organisation = organisation
            access = contact.portal_access
            contact.portal_access = False  # given by _grant, which records it
            contact.save()
            invited = _grant(request, contact) if access else None
    except crm_services.PortalLoginRefused as refused:  # someone else took the login meanwhile
        form.add_error("email", LOGIN_REFUSALS[refused.code])
        return _organisation_page(request, organisation, contact_form=form)
    flash.success(request, _("Contactpersoon toegevoegd."))
    if invited is False:
        flash.info(request, SHARED_LOGIN)
    return redirect("insite-organisation", pk=pk)


def _asks_withdrawal(request: HttpRequest, pk: int, contact_pk: int) -> bool:
    """A GET of "Intrekken" asks its question again (``post_else``); it changes nothing."""
    return True


@common.staff_view(administrator=True)
@post_else(_organisation_section("#contacts"), asks=_asks_withdrawal)
def contact_access(request: HttpRequest, pk: int, contact_pk: int) -> HttpResponse:
    """Grant or withdraw a contact's portal access (withdrawn access works immediately:
    every OutSite request checks it). Withdrawing first asks "Weet u het zeker?" (the first
    POST, or a GET: the language switch's), naming the messages waiting at 30 the contact
    approves or adopts; only the POST with ``confirmed`` withdraws. Withdrawing it for one
    organisation leaves the person's access to the other organisations they are a contact
    of. Both are recorded in the organisation's history."""
    organisation = get_object_or_404(_organisations(request), pk=pk)
    contact = get_object_or_404(organisation.contacts, pk=contact_pk)
    grant = request.method == "POST" and request.POST.get("grant") == "1"
    if grant and not contact.email:
        flash.error(request, _("Voor toegang tot de klantportal is een e-mailadres nodig."))
        return redirect("insite-organisation", pk=pk)
    if not grant:
        return _withdraw(request, organisation, contact)
    try:
        with transaction.atomic():
            invited = _grant(request, contact)
    except crm_services.PortalLoginRefused as refused:
        flash.error(request, LOGIN_REFUSALS[refused.code])
        return redirect("insite-organisation", pk=pk)
    if invited:
        flash.success(request, _("Toegang verleend; er is een uitnodiging verstuurd."))
    else:
        flash.success(request, SHARED_LOGIN)
    return redirect("insite-organisation", pk=pk)


def _withdraw(request: HttpRequest, organisation: Organisation, contact: Contact) -> HttpResponse:
    """ "Intrekken": the confirmation page, or with ``confirmed`` the withdrawal."""
    back = reverse("insite-organisation", args=[organisation.pk]) + "#contacts"
    if request.method != "POST" or request.POST.get("confirmed") != "1":
        if not contact.portal_access:
            if request.method == "POST":  # a GET (a reload, the history): the page only
                flash.info(
                    request, _("Deze contactpersoon heeft al geen toegang tot de klantportal.")
                )
            return redirect(back)
        effects = withdrawal_effects(contact)
        return render(
            request,
            "portal/insite_contact_withdraw_confirm.html",
            {
                "organisation": organisation,
                "contact": contact,
                "effects": effects,
                "nobody_approves": any(e.nobody_approves for e in effects),
                "nobody_adopts": any(e.adopter for e in effects),
                "back": back,
            },
        )
    try:
        withdrawn = crm_services.withdraw_portal_access(contact_id=contact.pk, user=request.user)
    except crm_services.ContactAccessError as error:
        flash.error(request, error.message)
        return redirect(back)
    if withdrawn:
        flash.success(request, _("Toegang van %(name)s ingetrokken.") % {"name": contact.name})
    return redirect(back)


# --- set-up: connectors, tokens, message types, workflows (administrators) ----------------------


def _set_up(*methods: str):
    """An administrator's set-up page, behind the activation; ``methods`` (when given) are
    the HTTP methods it answers."""

    def decorate(view):
        if methods:
            view = require_http_methods(list(methods))(view)
        return common.staff_view(administrator=True)(activation.required(view))

    return decorate


@_set_up("GET")
def connector_list(request: HttpRequest) -> HttpResponse:
    connectors = (
        AppConnector.objects.filter(environment_id=_environment_id(request))
        .annotate(active_tokens=Count("tokens", filter=Q(tokens__revoked_at__isnull=True)))
        .order_by("name")
    )
    return render(
        request,
        "portal/insite_connectors.html",
        {"connectors": connectors, "admin_url": common.admin_list_url(request, AppConnector)},
    )


@_set_up()
@never_cache
def connector_detail(request: HttpRequest, pk: int) -> HttpResponse:
    connector = _own(AppConnector, request, pk)
    form = ConnectorForm(request.POST or None, instance=connector)
    if (
        request.method == "POST"
        and _closes(connector, form)
        and request.POST.get("confirmed") != "1"
    ):
        return _connector_close_confirmation(request, connector, form)
    saved = _saved(request, form, _("Connector opgeslagen."), "insite-connector", pk=pk)
    if saved:
        return saved
    shown = new_tokens.take(request, connector) if request.method == "GET" else None
    return _connector_page(request, connector, form=form, shown=shown)


def _connector_open(connector: AppConnector) -> bool:
    """Whether client environments may call the API through ``connector`` (connectors.api:
    a blocked connector, or one without CommSvcConnector access, refuses every request)."""
    return connector.commsvc and not connector.blocked


def _closes(connector: AppConnector, form: ConnectorForm) -> bool:
    """Whether saving ``form`` (valid) would close ``connector``, open now."""
    was_open = _connector_open(connector)
    return was_open and form.is_valid() and not _connector_open(connector)  # is_valid sets them


def _connector_close_confirmation(
    request: HttpRequest, connector: AppConnector, form: ConnectorForm
) -> HttpResponse:
    """ "Weet u het zeker?" before a connector is blocked or loses its CommSvcConnector
    access: it names the organisations whose environments it cuts off; the form's values
    go along hidden, with ``confirmed``."""
    organisations = list(
        _organisations(request)
        .filter(tokens__in=connector.tokens.active())
        .distinct()
        .order_by("name")
        .values_list("name", flat=True)
    )
    return render(
        request,
        "portal/insite_connector_close_confirm.html",
        {
            "connector": connector,
            "form": form,
            "organisations": organisations,
            "language_next": _connector_close_address(connector, form),
        },
    )


def _connector_close_address(connector: AppConnector, form: ConnectorForm) -> str:
    """This confirmation by GET (``connector_close``), where its language switch leads: the
    values to save, as the form sends them (a ticked box as "on"; the name, an
    administrator's label, is no secret)."""
    values = form.cleaned_data
    query = {"name": values["name"]}
    query.update({field: "on" for field in ("blocked", "commsvc") if values[field]})
    return f"{reverse('insite-connector-close', args=[connector.pk])}?{urlencode(query)}"


@_set_up("GET", "HEAD")
def connector_close(request: HttpRequest, pk: int) -> HttpResponse:
    """The "Weet u het zeker?" of closing a connector by GET, where the language switch of
    the page the POST gave leads: it only asks; "Ja" posts to the connector's page as there.
    Once the connector is closed already, or the values given would not close it, the
    connector's page."""
    connector = _own(AppConnector, request, pk)
    form = ConnectorForm(request.GET, instance=connector)
    if not _closes(connector, form):
        return redirect("insite-connector", pk=pk)
    return _connector_close_confirmation(request, connector, form)


#: Tokens on one page of a connector: it has one per client environment, hundreds a firm.
TOKEN_PAGE_SIZE = 50


def _connector_page(
    request: HttpRequest,
    connector: AppConnector,
    *,
    form=None,
    token_form=None,
    shown: new_tokens.Shown | None = None,
    status: int = 200,
) -> HttpResponse:
    """The connector's settings, "Token aanmaken" and its tokens, TOKEN_PAGE_SIZE at a time:
    those of the organisation the page was opened for (``?organisation=``: the organisation
    page's "Token aanmaken", which also fixes the token form to it) or of the organisations
    a search finds (``?q=``: a name or KvK number). The same queries for ten tokens and
    organisations as for a thousand."""
    organisation = _chosen_organisation(request)
    text = request.GET.get("q", "").strip()
    tokens = connector.tokens.select_related("organisation", "created_by")
    if organisation is not None:
        tokens = tokens.filter(organisation=organisation)
    elif text:
        tokens = tokens.filter(
            organisation__in=Organisation.objects.filter(crm_selectors.organisation_match(text))
        )
    # The active tokens first (PostgreSQL sorts an empty revoked_at last unless told), the
    # newest first; the id keeps pages apart.
    tokens = tokens.order_by(F("revoked_at").asc(nulls_first=True), "-created_at", "-pk")
    response = render(
        request,
        "portal/insite_connector.html",
        {
            "connector": connector,
            "form": form or ConnectorForm(instance=connector),
            "token_form": token_form
            or TokenForm(organisations=_organisations(request), organisation=organisation),
            "tokens": Paginator(tokens, TOKEN_PAGE_SIZE).get_page(request.GET.get("page")),
            "token_organisation": organisation,
            "q": "" if organisation is not None else text,
            "new_tokens": shown.secrets if shown else [],
            "new_token_rows": shown.tokens if shown else [],
            "expired_tokens": shown.expired if shown else [],
            "missing_tokens": shown.missing if shown else [],
            "now": timezone.now(),
        },
        status=status,
    )
    return response


def _chosen_organisation(request: HttpRequest) -> Organisation | None:
    """The staff member's organisation that ``?organisation=`` names, None without one (or
    with one of another environment, or gone: the page then lists every token)."""
    value = request.GET.get("organisation", "")
    return _organisations(request).filter(pk=value).first() if value.isdigit() else None


def _connector_url(request: HttpRequest, pk: int) -> str:
    """The connector's page, where its tokens are issued (404 for another environment's)."""
    return reverse("insite-connector", args=[_own(AppConnector, request, pk).pk])


@_set_up()
@post_else(_connector_url)
@never_cache
def token_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Issue a token and redirect to the connector's page (POST/redirect/GET: reloading
    issues no second token). That page shows the raw token once: until then it waits in
    the cache for a short while, never in the database (portal.new_tokens); afterwards
    only its first characters are shown."""
    connector = _own(AppConnector, request, pk)
    form = TokenForm(request.POST, organisations=_organisations(request))
    if not form.is_valid():
        return _connector_page(request, connector, token_form=form, status=400)
    expires = form.cleaned_data["expires_at"]
    try:
        # One transaction: a cache that does not take the secret takes the token back with
        # it, instead of leaving an active token whose secret nobody saw.
        with transaction.atomic():
            token, raw = connector_services.issue_token(
                organisation=form.cleaned_data["organisation"],
                connector=connector,
                created_by=request.user,
                description=form.cleaned_data["description"],
                expires_at=(
                    timezone.make_aware(datetime.combine(expires, time.min)) if expires else None
                ),
            )
            new_tokens.hold(request, token, raw)
    except new_tokens.CacheUnavailable:
        log.exception("No API token issued for connector %s: the cache failed", connector.pk)
        flash.error(
            request,
            _(
                "Het token is niet aangemaakt: Deponeer kon het geheim niet klaarzetten om "
                "het u te tonen, omdat de cache (Redis) niet bereikbaar is. Er is niets "
                "gewijzigd. Probeer het over enkele minuten opnieuw; lukt het dan nog niet, "
                "vraag dan de beheerder de cache te controleren."
            ),
        )
        return _connector_page(request, connector, token_form=form, status=503)
    return redirect("insite-connector", pk=pk)


@_set_up("GET", "POST")
def token_revoke(request: HttpRequest, pk: int, token_pk: int) -> HttpResponse:
    """ "Intrekken": GET (or a POST without ``confirmed``) asks "Weet u het zeker?" naming
    the token and its organisation; only the confirming POST revokes."""
    token = get_object_or_404(
        ClientToken.objects.filter(
            connector__environment_id=_environment_id(request), connector_id=pk
        ).select_related("connector", "organisation"),
        pk=token_pk,
    )
    if not token.is_active:
        flash.info(
            request,
            _("Token %(prefix)s… is al ingetrokken of verlopen; er is niets gewijzigd.")
            % {"prefix": token.prefix},
        )
        return redirect("insite-connector", pk=pk)
    if request.method != "POST" or request.POST.get("confirmed") != "1":
        return render(request, "portal/insite_token_revoke_confirm.html", {"token": token})
    connector_services.revoke_token(token=token)
    flash.success(
        request,
        _(
            "Token %(prefix)s… van %(organisation)s is ingetrokken; de boekhouding kan er "
            "niets meer mee versturen of ophalen."
        )
        % {"prefix": token.prefix, "organisation": token.organisation.name},
    )
    return redirect("insite-connector", pk=pk)


@_set_up("GET")
def message_type_list(request: HttpRequest) -> HttpResponse:
    types = (
        MessageType.objects.filter(environment_id=_environment_id(request))
        .select_related("workflow")
        .order_by("name")
    )
    workflows = (
        WorkflowDefinition.objects.filter(environment_id=_environment_id(request))
        .prefetch_related("tasks")
        .order_by("name")
    )
    return render(
        request,
        "portal/insite_message_types.html",
        {
            "types": types,
            "workflows": workflows,
            "admin_url": common.admin_list_url(request, WorkflowDefinition, change=True),
        },
    )


@_set_up()
def message_type_edit(request: HttpRequest, pk: int) -> HttpResponse:
    message_type = _own(MessageType, request, pk)
    form = MessageTypeForm(request.POST or None, instance=message_type)
    saved = _saved(request, form, _("Berichtsoort opgeslagen."), "insite-message-types")
    return saved or render(
        request,
        "portal/insite_form.html",
        {
            "form": form,
            "title": _("Berichtsoort %(name)s") % {"name": message_type.name},
            "back": "insite-message-types",
        },
        status=400 if request.method == "POST" else 200,
    )
