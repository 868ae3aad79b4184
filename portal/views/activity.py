"""InSite "Activiteit": the audit trail across all messages of the staff member's accountancy
environment (who did what today, this week, in a period), filtered, paginated, and as CSV.

Each message's own page shows its "Verloop"; this list answers "who did what" across them,
which before only the admin's event list (superusers) could. Every staff member of the
environment may read it; another environment's events never show (workflow.activity)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from typing import Any, cast

from django import forms
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from config.dates import iso
from crm.models import StaffMember
from kvk.fields import DayField
from portal import activation
from portal.csv_export import csv_safe, csv_stream
from portal.views.common import staff_view
from workflow import activity
from workflow.models import Actor, StatusEvent
from workflow.selectors import ACTION_LABELS

PAGE_SIZE = 50

TODAY, THIS_WEEK = "today", "week"
#: The "who" choice of one staff member: this prefix and the user's id.
STAFF_MEMBER = "staff-"


class ActivityFilterForm(forms.Form):
    """The filters of "Activiteit"; a field with a wrong value is shown with its error and
    left out, the others still filter. A 'Tot en met' before 'Van' leaves out both dates."""

    period = forms.ChoiceField(
        label=_("Periode"),
        required=False,
        choices=[("", _("Alles")), (TODAY, _("Vandaag")), (THIS_WEEK, _("Deze week"))],
    )
    start = DayField(label=_("Van"), required=False)
    end = DayField(label=_("Tot en met"), required=False)
    organisation = forms.CharField(
        label=_("Organisatie"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Naam of KvK-nummer")}),
    )
    who = forms.ChoiceField(label=_("Wie"), required=False, choices=[])
    action = forms.ChoiceField(label=_("Actie"), required=False, choices=[])

    def __init__(self, *args, staff: QuerySet[StaffMember], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        people = [
            (f"{STAFF_MEMBER}{m.user_id}", m.user.get_full_name() or m.user.get_username())
            for m in staff
        ]
        cast(forms.ChoiceField, self.fields["who"]).choices = [
            ("", _("Iedereen")),
            (Actor.Kind.STAFF, _("Alle medewerkers")),
            *sorted(people, key=lambda choice: choice[1].casefold()),
            (Actor.Kind.CLIENT_USER, _("Cliënten")),
            (Actor.Kind.CLIENT_TOKEN, _("Boekhouding van de cliënt")),
            (Actor.Kind.SYSTEM, _("Automatische verwerking")),
        ]
        cast(forms.ChoiceField, self.fields["action"]).choices = [
            ("", _("Alle acties")),
            *ACTION_LABELS.items(),
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error(
                "end",
                _(
                    "Deze datum ligt vóór de datum bij 'Van', dus de lijst is op geen van "
                    "beide datums gefilterd. Kies een latere datum."
                ),
            )
            # Neither applies: the list from 'Van' on would read as the period asked for.
            data.pop("start", None)
        return data

    def event_filter(self, today: date) -> activity.EventFilter:
        """The valid filters, the period as moments in the current time zone: 'Vandaag' from
        midnight, 'Deze week' from Monday; with dates as well, both apply."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        starts, ends = [], []
        if data.get("period") == TODAY:
            starts.append(today)
            ends.append(today)
        elif data.get("period") == THIS_WEEK:
            monday = today - timedelta(days=today.weekday())
            starts.append(monday)
            ends.append(monday + timedelta(days=6))
        if data.get("start"):
            starts.append(data["start"])
        if data.get("end"):
            ends.append(data["end"])
        who = data.get("who") or ""
        user_id = int(who.removeprefix(STAFF_MEMBER)) if who.startswith(STAFF_MEMBER) else None
        return activity.EventFilter(
            since=_midnight(max(starts)) if starts else None,
            until=_midnight(min(ends) + timedelta(days=1)) if ends else None,
            organisation=data.get("organisation") or "",
            actor_kind=Actor.Kind.STAFF if user_id is not None else who,
            actor_user_id=user_id,
            action=data.get("action") or "",
        )


def _midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _events(request: HttpRequest) -> tuple[ActivityFilterForm, QuerySet[StatusEvent]]:
    member: StaffMember = request.staff_member  # type: ignore[attr-defined]
    staff = StaffMember.objects.filter(environment_id=member.environment_id).select_related("user")
    query = request.GET.copy()
    query.pop("page", None)
    form = ActivityFilterForm(query or None, staff=staff)
    filters = form.event_filter(timezone.localdate())
    return form, activity.environment_events(member.environment_id, filters)


@staff_view()
@activation.required
@require_GET
def activity_list(request: HttpRequest) -> HttpResponse:
    form, events = _events(request)
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "portal/insite_activity.html",
        {
            "form": form,
            "page": page,
            "rows": [activity.activity_row(event) for event in page],
            "query": query.urlencode(),
            "filtered": bool(query),
        },
    )


@staff_view()
@activation.required
@require_GET
def activity_export(request: HttpRequest) -> StreamingHttpResponse:
    """The filtered list, every page of it, as CSV (like the export of "Termijnen")."""
    _form, events = _events(request)
    header: list[object] = [
        gettext("Tijdstip"),
        gettext("Wie"),
        gettext("Rol"),
        gettext("Organisatie"),
        gettext("KvK-nummer"),
        gettext("Boekjaar"),
        gettext("Actie"),
        gettext("Van status"),
        gettext("Naar status"),
        gettext("Toelichting"),
        gettext("IP-adres"),
        gettext("Bericht"),
    ]

    def rows() -> Iterator[list[object]]:
        yield header
        for event in events.iterator(chunk_size=500):
            row = activity.activity_row(event)
            moved = row.changes_status
            yield [
                iso(event.created_at),
                csv_safe(row.actor_name),
                row.actor_role,
                csv_safe(event.organisation.name),
                event.organisation.kvk_number or "",
                event.financial_year or "",  # type: ignore[attr-defined]
                row.title,
                f"{event.from_status} {row.from_label}" if moved and row.from_label else "",
                f"{event.to_status} {row.to_label}" if moved else "",
                csv_safe(row.reason),
                event.ip_address or "",
                request.build_absolute_uri(reverse("insite-message", args=[event.message_id])),
            ]

    # Every event of the office when no filter is set: written while it is sent, never
    # held whole in memory.
    return csv_stream(f"activiteit-{timezone.localdate().isoformat()}.csv", rows())
