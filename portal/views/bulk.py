"""InSite: one action on several messages chosen on the message list, after an outage of
Digipoort or a certificate ("Geselecteerde opnieuw verzenden", the 70s) or in the filing
season ("Geselecteerde markeren als afgehandeld", what asks attention, one note for all).

The list's rows carry a checkbox each, and "Alle berichten op deze pagina" (read here, so
it works without JavaScript too). The first POST shows the messages chosen and which of
them cannot take the action and why, in the single actions' own words and by their rules
(``services.resend_refusals``, ``services.can_be_handled_ids``: the same queries however
many are chosen). The second (``confirmed``) calls the single action's service once per
message; each locks, checks, audits and queues on its own, so a message that changed in
between is refused with its reason and the rest go ahead. Only the staff member's own
environment's messages count: any other id is ignored, as if it did not exist.

The confirmation's language switch leads to its address by GET with the ids chosen
(``?ids=1,2,3``: at most MAX_SELECTED message numbers, no secret), which asks again, among
the same messages and by the same rules, and never performs."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages as flash
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kvk.search import alphabetical
from kvk.views import post_else
from portal import activation
from portal.forms import AttentionForm
from portal.views import common
from workflow import services
from workflow.errors import Conflict, WorkflowError
from workflow.models import ApprovalMessage

#: The most messages one action takes at a time (the list shows 25 a page; more comes only
#: from a form made elsewhere).
MAX_SELECTED = 200


@dataclass(frozen=True)
class Action:
    """One action on several messages: its name on the page (``key``), why each message
    that cannot take it cannot (by id; in the same queries however many are chosen), and
    the single action's service, given the note when it takes one (``note``)."""

    key: str
    refusals: Callable[[list[ApprovalMessage]], dict[int, str]]
    service: Callable[..., Any]
    note: bool
    done: Callable[[int], str]


def _resend_refusals(messages: list[ApprovalMessage]) -> dict[int, str]:
    return {pk: refusal.message for pk, refusal in services.resend_refusals(messages).items()}


def _handled_refusals(messages: list[ApprovalMessage]) -> dict[int, str]:
    able = services.can_be_handled_ids(messages)
    return {
        message.pk: Conflict(
            "attention_acknowledged" if message.attention_acknowledged_at else "no_attention"
        ).message
        for message in messages
        if message.pk not in able
    }


ACTIONS = {
    "resend": Action(
        "resend",
        _resend_refusals,
        services.resend,
        note=False,
        done=lambda n: (
            ngettext(
                "%(count)d bericht wordt opnieuw verzonden.",
                "%(count)d berichten worden opnieuw verzonden.",
                n,
            )
            % {"count": n}
        ),
    ),
    "attention": Action(
        "attention",
        _handled_refusals,
        services.acknowledge_attention,
        note=True,
        done=lambda n: (
            ngettext(
                "%(count)d bericht is als afgehandeld gemarkeerd; de notitie staat in het verloop.",
                "%(count)d berichten zijn als afgehandeld gemarkeerd; de notitie staat bij elk "
                "in het verloop.",
                n,
            )
            % {"count": n}
        ),
    ),
}


#: The query parameter of the ids chosen, in the confirmation's address by GET.
IDS = "ids"


def _list_query(request: HttpRequest) -> str:
    """The list's filters, sort and page (the form posts to an address carrying them)."""
    query = request.GET.copy()
    query.pop(IDS, None)
    return query.urlencode()


def _with_query(address: str, query: str) -> str:
    return f"{address}?{query}" if query else address


def _list_url(request: HttpRequest, **_kwargs: Any) -> str:
    """The message list, with the filters, sort and page it was on."""
    return _with_query(reverse("insite-messages"), _list_query(request))


def _asks_again(request: HttpRequest) -> bool:
    """A GET with the ids chosen (the confirmation's language switch) asks again
    (``post_else``); without, the list."""
    return IDS in request.GET


#: The largest id a message can have (a 64-bit primary key): a larger number is refused by
#: the database in the query, and is no message anyway.
_MAX_ID = 2**63 - 1


def _chosen_ids(request: HttpRequest) -> list[int]:
    """The ids ticked, and those of the whole page when "Alle berichten op deze pagina" is
    ticked; each once, in the order given; anything but a number an id can be is ignored
    (digits 0-9 only: "²" is a digit to ``str.isdigit`` and not to ``int``). By GET, those
    in the address, separated by commas."""
    if request.method != "POST":
        values = request.GET.get(IDS, "").split(",")
    else:
        values = request.POST.getlist("ids")
        if request.POST.get("all") == "1":
            values += request.POST.getlist("on_page")
    numbers = (int(value) for value in values if value.isascii() and value.isdigit())
    return list(dict.fromkeys(number for number in numbers if number <= _MAX_ID))


def _named(message: ApprovalMessage) -> str:
    return f"{message.organisation.name} {message.financial_year or '–'}"


def _confirmation(
    request: HttpRequest,
    action: Action,
    messages: list[ApprovalMessage],
    form: AttentionForm | None,
    *,
    status: int = 200,
) -> HttpResponse:
    """ "Weet u het zeker?": the messages that take the action, those that cannot and why.
    By GET (its language switch) once none of them takes it any more: the list."""
    refusals = action.refusals(messages)
    if request.method != "POST" and len(refusals) == len(messages):
        return redirect(_list_url(request))
    address = reverse(f"insite-bulk-{action.key}")
    query = _list_query(request)
    ids = urlencode({IDS: ",".join(str(message.pk) for message in messages)})
    context = {
        "action": action.key,
        "able": [message for message in messages if message.pk not in refusals],
        "refused": [
            (message, refusals[message.pk]) for message in messages if message.pk in refusals
        ],
        "form": form,
        "list_url": _list_url(request),
        "post_url": _with_query(address, query),
        "language_next": _with_query(address, f"{query}&{ids}" if query else ids),
    }
    return render(request, "portal/insite_bulk_confirm.html", context, status=status)


def _perform(
    request: HttpRequest, action: Action, messages: list[ApprovalMessage], note: dict[str, str]
) -> None:
    """The single action's service per message; then how many it took and, per message it
    refused (it changed since the confirmation), why."""
    refused = []
    for message in messages:
        try:
            action.service(message_id=message.pk, actor=common.actor(request), **note)
        except WorkflowError as error:
            refused.append(f"{_named(message)}: {error.message}")
    if len(refused) < len(messages):
        flash.success(request, action.done(len(messages) - len(refused)))
    for refusal in refused:
        flash.error(request, refusal)


def _bulk(request: HttpRequest, key: str) -> HttpResponse:
    action = ACTIONS[key]
    ids = _chosen_ids(request)
    posted = request.method == "POST"
    if len(ids) > MAX_SELECTED:
        if not posted:  # a GET (the confirmation's language switch) only asks: the list
            return redirect(_list_url(request))
        flash.error(
            request,
            _(
                "U koos %(count)d berichten; dat zijn er te veel voor één keer. Kies er "
                "hooguit %(max)d, bijvoorbeeld door de lijst te filteren op status."
            )
            % {"count": len(ids), "max": MAX_SELECTED},
        )
        return redirect(_list_url(request))
    messages = list(
        common.staff_messages(request)
        .defer(*common.HEAVY_FIELDS)
        .select_related("organisation")
        # The KvK number a refusal compares (services.resend_refusals), in one query.
        .prefetch_related("organisation__identifications")
        .filter(pk__in=ids)
        .order_by(*alphabetical("organisation__"), "financial_year", "pk")
    )
    if not messages:
        if posted:
            flash.error(request, _("Kies eerst een of meer berichten op de lijst."))
        return redirect(_list_url(request))
    confirmed = posted and request.POST.get("confirmed") == "1"
    form = AttentionForm(request.POST if confirmed else None) if action.note else None
    if not confirmed:
        return _confirmation(request, action, messages, form)
    if form is not None and not form.is_valid():
        return _confirmation(request, action, messages, form, status=400)
    _perform(request, action, messages, form.cleaned_data if form is not None else {})
    return redirect(_list_url(request))


@common.staff_view()
@activation.required
@post_else(_list_url, asks=_asks_again)
def bulk_resend(request: HttpRequest) -> HttpResponse:
    """ "Geselecteerde opnieuw verzenden": "Opnieuw verzenden" (status 70) of each message
    chosen, with a fresh budget of automatic attempts (workflow.services.resend)."""
    return _bulk(request, "resend")


@common.staff_view()
@activation.required
@post_else(_list_url, asks=_asks_again)
def bulk_attention(request: HttpRequest) -> HttpResponse:
    """ "Geselecteerde markeren als afgehandeld": "Afgehandeld" of each message chosen that
    asks attention, with one note for all (workflow.services.acknowledge_attention)."""
    return _bulk(request, "attention")
