"""OutSite: the client reviews, adopts and approves (or rejects) its own approval messages."""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages as flash
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from crm.models import Organisation
from deadlines import periods
from deadlines import selectors as deadline_selectors
from deadlines.selectors import DeadlineRow
from kvk import adoption
from kvk.deadlines import Deadlines
from kvk.status import Status
from portal import activation
from portal.forms import AdoptForm, ApproveForm, CommentForm, NotAdoptedForm, RejectForm
from portal.views import common
from workflow import reasons as reason_catalogue
from workflow import selectors, services
from workflow.approvers import adopter
from workflow.errors import Invalid, WorkflowError
from workflow.models import ApprovalMessage

#: The query parameter of the list's filter by organisation (when the user has several).
ORGANISATION_FILTER = "organisatie"


def _chosen(request: HttpRequest, organisations: list[Organisation]) -> Organisation | None:
    """The organisation the list is filtered on: one of the user's own (any other value,
    another organisation's id included, shows the whole list)."""
    wanted = request.GET.get(ORGANISATION_FILTER, "")
    return next((o for o in organisations if str(o.pk) == wanted), None)


@common.client_view
@activation.required
def message_list(request: HttpRequest) -> HttpResponse:
    """The messages of every organisation the user is a contact of, newest first, each with
    its organisation's name; with several organisations a filter by organisation."""
    organisations: list[Organisation] = request.client_organisations  # type: ignore[attr-defined]
    chosen = _chosen(request, organisations)
    queryset = common.client_messages(request)
    if chosen is not None:
        queryset = queryset.filter(organisation_id=chosen.pk)
    queryset = (
        queryset.defer(*common.HEAVY_FIELDS).select_related("organisation").order_by("-created_at")
    )
    page = Paginator(queryset, 25).get_page(request.GET.get("page"))
    # A version a newer one replaced (as far as the client sees the newer one) says so.
    common.annotate_approvals(page, scope=common.client_messages(request))
    return render(
        request,
        "portal/outsite_messages.html",
        {
            "page": page,
            "organisations": organisations,
            "organisation": organisations[0] if len(organisations) == 1 else None,
            "chosen": chosen,
            "filter_name": ORGANISATION_FILTER,
        },
    )


def _context(request: HttpRequest, message: ApprovalMessage, **forms) -> dict:
    approve_initial = {"document_sha256": message.document_sha256}
    language = get_language() or "nl"
    # Another company's accounts: neither they nor what the checks found in them.
    withheld = common.document_withheld(message, staff=False)
    # The year's filing deadline as Termijnen counts it ("Deponeren uiterlijk").
    filing = periods.message_row(message)
    return {
        "message": message,
        "staff": False,
        "document_withheld": withheld,
        "rendered": None if withheld else common.rendered_accounts(message),
        # Not for documents that could not be processed: the reasons say it in plain words.
        "findings": []
        if withheld or message.status == Status.PROCESSING_FAILED
        else common.findings_for_display(message, language),
        **common.timeline_context(message, staff=False),
        **common.versions_context(message, common.client_messages(request), language, staff=False),
        "comment_form": forms.get("comment_form") or CommentForm(),
        **_adoption_context(message, request.user, forms.get("adopt_form")),
        "filing": filing,
        "approve_form": ApproveForm(initial=approve_initial),
        # Filing the accounts as not adopted, offered once the adoption deadline passed.
        "not_adopted_deadlines": _not_adopted_deadlines(message, filing),
        "not_adopted_form": forms.get("not_adopted_form") or NotAdoptedForm(),
        "reject_form": forms.get("reject_form") or RejectForm(),
        "can_decide": message.status == Status.IN_REVIEW,
        # Accounts over another period than the year on record: asked while the client
        # can still reject them; after the decision it is the staff's (InSite shows it).
        "period_mismatch": periods.message_mismatch(message)
        if message.status == Status.IN_REVIEW and not withheld
        else None,
        # Approving a document with a KvK number no longer the organisation's is refused.
        "kvk_numbers": common.kvk_numbers(message),
        "polling": message.status in common.IN_FLIGHT,
        "rejection": _rejection(message),
        # Why the accountant put back a message the client rejected.
        "repair_reason": selectors.repair_reason(message),
        # The sentence of each reason, never its technical detail (that is for the staff),
        # and the findings of the document's checks in plain words.
        "reasons": reason_catalogue.in_plain_words(message.reasons),
        **common.approvals_context(message, request.user),
    }


def _adoption_context(
    message: ApprovalMessage, user: Any, form: AdoptForm | None
) -> dict[str, Any]:
    """Who may record the adoption (the definition names them), and the date's bounds read
    from the document, only while the adoption is still to be recorded.

    Where the signing is the adoption (all shareholders of a BV are directors: art. 2:210
    lid 5 BW, KVK-SBR.md section 1) the date is filled in with the signing date the message
    carries; another date entered is shown back with a warning (``other_adoption_date``)
    and recorded once confirmed: the client may know better (not every director signed).
    Elsewhere the date is filled in with the one the client entered in its reporting
    cockpit, sent with the upload (``proposed_adoption_date``); the client may change it,
    and services.adopt checks what is recorded."""
    if message.status != Status.IN_REVIEW or message.adopted:
        return {"adoption_bounds": None, "adopter": None, "adopt_form": form or AdoptForm()}
    signed_on = _adopted_by_signing_on(message)
    if form is None:
        form = AdoptForm(initial={"adoption_date": signed_on or message.proposed_adoption_date})
    allowed = adopter(message, user.pk)
    bounds = selectors.adoption_bounds(message) if allowed.may else None
    _describe_adoption_date(form, bounds)
    return {
        "adoption_bounds": bounds,
        "adopter": allowed,
        "adopt_form": form,
        "signed_on": signed_on,
        "other_adoption_date": _other_adoption_date(form, signed_on),
    }


def _describe_adoption_date(form: AdoptForm, bounds: Any) -> None:
    """The date field names what the form says of it, for whoever reaches it by the
    keyboard (WCAG 1.3.1, 3.3.2): how it was filled in (``adopted-by``: the signing date or
    the date from the client's administration), the dates allowed (``adoption-bounds``) and
    its errors (``<id>_error``, which Django names only when nothing else is named)."""
    field = form["adoption_date"]
    described = ["adopted-by"]
    if bounds is not None and bounds.period_end:
        described.append("adoption-bounds")
    if field.errors:
        described.append(f"{field.auto_id}_error")
    form.fields["adoption_date"].widget.attrs["aria-describedby"] = " ".join(described)


def _adopted_by_signing_on(message: ApprovalMessage) -> date | None:
    """The day every director signed, when that signing is the adoption (kvk.adoption:
    all shareholders of a BV are directors, a fact of the organisation's deadline facts);
    None otherwise, or when the message carries no such day."""
    organisation = message.organisation
    shareholders_direct = deadline_selectors.facts_of(organisation).all_shareholders_are_directors
    if not adoption.signing_is_adoption(
        organisation.legal_form, all_shareholders_are_directors=shareholders_direct
    ):
        return None
    return message.signed_on


def _other_adoption_date(form: AdoptForm, signed_on: date | None) -> date | None:
    """The adoption date entered in ``form`` when it is not ``signed_on``, the adoption
    date by law; None when it is, or nothing valid was entered."""
    if signed_on is None or not form.is_bound or not form.is_valid():
        return None
    entered = form.cleaned_data["adoption_date"]
    return entered if entered != signed_on else None


def _not_adopted_deadlines(
    message: ApprovalMessage, filing: DeadlineRow | None
) -> Deadlines | None:
    """The year's deadlines (of ``filing``, ``periods.message_row``) when the client may
    file the accounts as not adopted now (art. 2:394 lid 2 BW: the adoption deadline passed;
    services.adoption_term_problem), else None: the page then offers no such filing."""
    if message.status != Status.IN_REVIEW or message.adopted:
        return None
    deadlines = filing.deadlines if filing is not None else None
    if services.adoption_term_problem(message, deadlines) is not None:
        return None
    return deadlines


def _rejection(message: ApprovalMessage) -> str:
    if message.status != Status.REJECTED:
        return ""
    return next(
        (r.get("message", "") for r in message.reasons if r.get("code") == "client_rejected"), ""
    )


#: The detail page, the status partial, the downloads and the comment, as on the other side.
shared = common.message_views(
    common.Side(
        common.client_view, common.client_messages, _context, "outsite-message", staff=False
    )
)


#: The actions of the client's forms, each the last segment of its address.
ACTIONS = ("adopt", "approve", "not_adopted", "reject")

#: Each action's form.
FORMS = {
    "adopt": AdoptForm,
    "approve": ApproveForm,
    "not_adopted": NotAdoptedForm,
    "reject": RejectForm,
}


@common.client_view
@activation.required
@common.post_else_message("outsite-message", common.client_messages)
def message_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """ "Jaarrekening vastgesteld", "Goedkeuren bericht", "Deponeren als niet vastgestelde
    jaarrekening", "Afkeuren bericht": each calls the one workflow service for that action.
    Approving, filing as not adopted (after its own tick) and rejecting first show what
    will happen and ask to confirm, as does adopting on another day than the signing that
    is the adoption (``_asked_first``); an error is shown under its field with the input
    kept."""
    message = common.message_or_404(common.client_messages(request), pk)
    form_class = FORMS[action]
    extra = {"bounds": selectors.adoption_bounds(message)} if action == "adopt" else {}
    form = form_class(request.POST, **extra)
    if not form.is_valid():
        return _detail_with(request, message, action, form, status=400)
    asked = _asked_first(request, message, action, form)
    if asked is not None:
        return asked
    try:
        if action == "adopt":
            services.adopt(
                message_id=message.pk,
                actor=common.actor(request),
                adoption_date=form.cleaned_data["adoption_date"],
            )
            flash.success(
                request,
                _(
                    "De jaarrekening is vastgesteld. Controleer het document "
                    "en keur het bericht goed."
                ),
            )
        elif action in ("approve", "not_adopted"):
            _approve(
                request,
                message,
                form.cleaned_data["document_sha256"],
                not_adopted=action == "not_adopted",
            )
        else:
            services.reject(
                message_id=message.pk,
                actor=common.actor(request),
                reason=form.cleaned_data["reason"],
            )
            flash.success(request, _("Het bericht is afgekeurd; uw accountant is ingelicht."))
    except Invalid as error:
        if action in ("approve", "not_adopted"):
            flash.error(request, error.message)
            return redirect("outsite-message", pk=pk)
        form.add_error("adoption_date" if action == "adopt" else "reason", error.message)
        return _detail_with(request, message, action, form, status=400)
    except WorkflowError as error:
        flash.error(request, error.message)
    return redirect("outsite-message", pk=pk)


def _asked_first(
    request: HttpRequest, message: ApprovalMessage, action: str, form: Any
) -> HttpResponse | None:
    """What the client sees before the action is done, or None to do it now: the adoption
    form again, warning of a date other than the signing that is the adoption by law; the
    reason again after "Nee, reden aanpassen"; what follows, to confirm."""
    if action == "adopt" and _other_date_unconfirmed(message, form, request):
        # Another date than the signing, which is the adoption by law: warn, ask again.
        return _detail_with(request, message, action, form, status=200)
    if action == "reject" and request.POST.get("back"):
        # "Nee, reden aanpassen": straight to the reason, not to the top of a long page.
        form.fields["reason"].widget.attrs["autofocus"] = True
        return _detail_with(request, message, action, form, status=200)
    # Confirming is asked only of a message still waiting for the decision; for one that
    # moved on meanwhile (a newer version replaced it) the service says why it cannot.
    waiting = message.status == Status.IN_REVIEW
    if waiting and request.POST.get("confirmed") != "1" and _asks_confirmation(message, action):
        return _confirmation(request, message, action, form)
    return None


def _confirmation(
    request: HttpRequest, message: ApprovalMessage, action: str, form: Any
) -> HttpResponse:
    """ "Weet u het zeker?": what follows the action, to confirm. The page is the answer to a
    POST; its language switch leads to the same question by GET (``message_confirm``), not
    to the message page a GET of the action's address gives."""
    return render(
        request,
        "portal/outsite_confirm.html",
        {
            "message": message,
            "action": action,
            "form": form,
            # Approving files the accounts: whether their filing deadline has passed.
            "filing": periods.message_row(message) if action != "reject" else None,
            **common.approvals_context(message, request.user),
            "language_next": _confirmation_address(message, action, form),
        },
    )


def _confirmation_address(message: ApprovalMessage, action: str, form: Any) -> str:
    """The address of this confirmation by GET: with the fingerprint the client is asked to
    approve. A typed reason stays out of the address (it would land in the server's logs
    and the browser's history): it is typed again there."""
    query = {}
    if action == "approve":
        query = {"document_sha256": form.cleaned_data["document_sha256"]}
    elif action == "not_adopted":
        query = {"understood": "on"}
    address = reverse("outsite-confirm", args=[message.pk, action])
    return f"{address}?{urlencode(query)}" if query else address


@common.client_view
@activation.required
@require_safe
def message_confirm(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """The confirmation of approving, filing as not adopted or rejecting by GET, where the
    language switch of the page the POST gave leads: it only asks; "Ja" posts to the action
    as there. Once the message no longer waits for the decision, or without the fingerprint
    of its document, the message page."""
    message = common.message_or_404(common.client_messages(request), pk)
    if action not in FORMS:
        raise Http404
    if message.status != Status.IN_REVIEW or not _asks_confirmation(message, action):
        return redirect("outsite-message", pk=pk)  # adopting asks nothing of this kind
    form = FORMS[action](request.GET if action != "reject" else None)
    if form.is_bound and not form.is_valid():
        return redirect("outsite-message", pk=pk)
    if action == "approve" and form.cleaned_data["document_sha256"] != message.document_sha256:
        return redirect("outsite-message", pk=pk)  # the document changed: look at it again
    return _confirmation(request, message, action, form)


def _other_date_unconfirmed(message: ApprovalMessage, form: Any, request: HttpRequest) -> bool:
    """An adoption date other than the signing date that is the adoption by law, not yet
    confirmed after the warning (the warned date comes back as ``other_date_confirmed``)."""
    other = _other_adoption_date(form, _adopted_by_signing_on(message))
    return other is not None and request.POST.get("other_date_confirmed") != other.isoformat()


def _asks_confirmation(message: ApprovalMessage, action: str) -> bool:
    """Approving and rejecting first show what follows and ask to confirm; so does filing as
    not adopted, while it can be done (otherwise the service's refusal says why not)."""
    if action == "not_adopted":
        return _not_adopted_deadlines(message, periods.message_row(message)) is not None
    return action in ("approve", "reject")


def _approve(
    request: HttpRequest, message: ApprovalMessage, document_sha256: str, *, not_adopted: bool
) -> None:
    """Approve (``not_adopted``: as accounts not adopted, with the year's deadlines as
    "Termijnen" computes them); with several approvers, say whether others have yet to
    approve."""
    actor = common.actor(request)
    if not_adopted:
        approved = services.approve_not_adopted(
            message_id=message.pk,
            actor=actor,
            document_sha256=document_sha256,
            deadlines=periods.message_deadlines(message),
        )
    else:
        approved = services.approve(
            message_id=message.pk, actor=actor, document_sha256=document_sha256
        )
    if approved.status == Status.IN_REVIEW:
        flash.success(
            request,
            _(
                "Uw goedkeuring is vastgelegd. De stukken gaan naar de KvK zodra ook de "
                "anderen hebben goedgekeurd."
            ),
        )
    elif not_adopted:
        flash.success(
            request,
            _(
                "Goedgekeurd als niet vastgestelde jaarrekening. De stukken worden naar de "
                "KvK verzonden. Is de jaarrekening vastgesteld, laat uw administratie dan de "
                "vastgestelde jaarrekening sturen."
            ),
        )
    else:
        flash.success(request, _("Goedgekeurd. De stukken worden naar de KvK verzonden."))


def _detail_with(
    request: HttpRequest, message: ApprovalMessage, action: str, form: Any, *, status: int
) -> HttpResponse:
    """The message page again with this action's form as the client filled it in."""
    context = _context(request, message, **{f"{action}_form": form})
    return common.detail_page(request, context, status=status)
