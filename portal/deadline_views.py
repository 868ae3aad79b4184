"""InSite "Termijnen": the clients whose filing deadline is at risk, a CSV export, and the
facts the deadlines depend on. Staff only; each staff member sees the organisations of
their own accountancy environment."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages as flash
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from config.dates import format_day
from crm import permissions
from crm.selectors import organisation_match
from deadlines import periods, selectors
from deadlines.selectors import DeadlineRow, Situation
from kvk import taxonomy as tx
from kvk.deadlines import MAX_EXTENSION_MONTHS, current_financial_year
from kvk.fields import DayField
from portal.csv_export import csv_download, csv_safe
from portal.forms import YearEndForm
from portal.views.common import sort_headers, staff_view

#: Rows a page of Termijnen shows; the export has them all.
PAGE_SIZE = 50
#: The list's sort keys, each with whether a first click on its header sorts descending
#: (none does: fewest days left, A to Z, the filing's progress).
SORTS = {key: False for key in selectors.ROW_SORTS}


class DeadlineFilterForm(forms.Form):
    year = forms.IntegerField(label=_("Boekjaar"), min_value=2000, max_value=2100, required=False)
    situation = forms.ChoiceField(
        label=_("Situatie"),
        required=False,
        choices=[
            ("", _("Alle met risico")),
            ("all", _("Alle organisaties")),
            *Situation.choices,
        ],
    )
    waiting = forms.IntegerField(
        label=_("Minstens dagen in huidige status"), min_value=0, required=False
    )
    within = forms.IntegerField(label=_("Deponeren binnen (dagen)"), required=False)
    q = forms.CharField(
        label=_("Organisatie"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Naam of KvK-nummer")}),
    )
    # The organisations the staff member is responsible for (Organisation.responsible).
    mine = forms.BooleanField(label=_("Mijn cliënten"), required=False)

    #: What "Wis filters" clears; the year shown stays.
    FILTERS = ("situation", "waiting", "within", "q", "mine")

    def filtered(self) -> bool:
        """Whether a filter of ``FILTERS`` is set; compared by identity, as
        MessageFilterForm.filters does: 0 days ("within", "waiting") equals False."""
        data = getattr(self, "cleaned_data", {})
        return any(
            value is not None and value != "" and value is not False
            for value in (data.get(name) for name in self.FILTERS)
        )


def _rows(request: HttpRequest) -> tuple[DeadlineFilterForm, int, list[DeadlineRow], dict | None]:
    """The form, the year shown, its rows (all of them, in the order ``?sort=`` asks:
    ``selectors.row_sort``), and (when the year shown is the default and the organisations
    differ in the year whose filing is due now) what the page says."""
    query = request.GET.copy()  # mutable: the year shown goes in when none was chosen
    form = DeadlineFilterForm(query or None)
    today = timezone.localdate()
    organisations = permissions.visible_organisations(request.user)
    # The valid filters apply; one with a wrong value is shown with its error and left out
    # (as on the message list and Activiteit), not the others with it.
    form.is_valid()
    data = getattr(form, "cleaned_data", {})
    chosen = data.get("year")
    filters: dict[str, Any] = {
        "situation": data.get("situation") or "",
        "min_days_in_status": data.get("waiting"),
        "max_days_left": data.get("within"),
        "sort": selectors.row_sort(request.GET.get("sort")),
    }
    if data.get("q"):
        organisations = organisations.filter(organisation_match(data["q"]))
    if data.get("mine"):
        organisations = organisations.filter(responsible=request.staff_member)  # type: ignore[attr-defined]
    year, note = (chosen, None) if chosen else _current_year(organisations, today)
    if form.is_bound and not chosen and "year" not in form.errors:
        # The year switch shows the year shown (a wrong year stays, with its error).
        query["year"] = str(year)
    else:
        form.initial.setdefault("year", year)
    rows = selectors.year_rows(organisations, year, today=today)
    # With the years an earlier year's accounts cover, as the dashboard counts them.
    return form, year, periods.shown_rows(rows, today=today, **filters), note


def _current_year(organisations, today) -> tuple[int, dict | None]:
    """The financial year whose filing is due now for most of the organisations
    (``selectors.current_years``): last year for a calendar year, the year before for a
    year ending on 30 June until that day. When the organisations differ, the page says
    so and offers the other year. There is at most one other: a year due now ended within
    the last twelve months, so it began in one of two calendar years."""
    years = selectors.current_years(organisations, today)
    if not years:
        return selectors.default_financial_year(today), None
    (year, count), *others = years.items()
    if not others:
        return year, None
    return year, {"count": count, "total": sum(years.values()), "other": others[0][0]}


# Guarded like the rest of InSite: login, staff only (others get 404), second factor.
@staff_view()
def deadline_list(request: HttpRequest) -> HttpResponse:
    """The rows a page at a time, with their number, the filters and the order kept by
    the pages, the column headers and the export (which has every row). As many queries
    for a page of 5 rows as of 50: every row of the year is computed (``_rows``), the
    filters and the order need them all."""
    form, year, rows, note = _rows(request)
    sort = selectors.row_sort(request.GET.get("sort"))
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)  # the export has every page
    return render(
        request,
        "portal/deadlines.html",
        {
            "form": form,
            "year": year,
            "year_note": note,
            "page": page,
            "rows": list(page),
            "query": query.urlencode(),
            "filtered": form.filtered(),
            "sort_kept": "" if sort == selectors.DEFAULT_ROW_SORT else sort,
            "sort_headers": sort_headers(request, sort, SORTS, selectors.DEFAULT_ROW_SORT),
        },
    )


def _extension_decision(row: DeadlineRow) -> list[str]:
    """The export's day the extension was decided, and whether that was after the draw-up
    term it extends had run out ("" without an extension or a recorded day)."""
    extension = row.extension
    if extension is None or extension.granted_on is None:
        return ["", ""]
    late = gettext("ja") if row.extension_decided_late else gettext("nee")
    return [extension.granted_on.isoformat(), late]


def _explanation(row: DeadlineRow) -> str:
    """The export's "Toelichting": what the list says beside the row's situation or
    instead of its deadlines."""
    return row.covered_note or row.predates_note or row.notice


@staff_view()
def deadline_export(request: HttpRequest) -> HttpResponse:
    _form, year, rows, _note = _rows(request)
    response, writer = csv_download(f"termijnen-{year}.csv")
    writer.writerow(
        [
            gettext("Organisatie"),
            gettext("KvK-nummer"),
            gettext("Rechtsvorm"),
            gettext("Boekjaar"),
            gettext("Begin boekjaar"),
            gettext("Einde boekjaar"),
            gettext("Verlenging (maanden)"),
            gettext("Opmaken uiterlijk"),
            gettext("Vaststellen uiterlijk"),
            gettext("Deponeren uiterlijk"),
            gettext("Dagen over"),
            gettext("Gedeponeerd op"),
            gettext("Te laat gedeponeerd"),
            gettext("Situatie"),
            gettext("Status"),
            gettext("Dagen in huidige status"),
            gettext("Termijnen volgens"),
            gettext("Toelichting"),
            # Last: a spreadsheet that reads the columns above by position still works.
            gettext("Begin periode document"),
            gettext("Einde periode document"),
            # Last, so the columns before keep their places for existing spreadsheets.
            gettext("Verlenging besloten op"),
            gettext("Verlenging besloten na afloop opmaaktermijn"),
        ]
    )
    for row in rows:
        d = row.deadlines
        if d is not None:
            dates = [
                *(day.isoformat() for day in row.year_period),
                d.extension_months,
                d.draw_up.isoformat(),
                d.adoption.isoformat(),
                d.filing.isoformat(),
                "" if row.filed_on else row.days_left,  # a filed year counts no days
            ]
        else:  # a legal form without computed deadlines: the notice says why
            dates = ["", row.year_period[1].isoformat(), "", "", "", "", ""]
        if row.days_filed_late is None:
            late = ""
        else:
            late = gettext("ja") if row.filed_late else gettext("nee")
        filed = [row.filed_on.isoformat() if row.filed_on else "", late]
        period = row.document_period  # None: no document, or it states no period
        writer.writerow(
            [
                csv_safe(row.organisation.name),
                row.organisation.kvk_number or "",
                row.organisation.get_legal_form_display(),
                row.financial_year,
                *dates,
                *filed,
                row.situation.label,
                row.message.status if row.message is not None else "",
                "" if row.days_in_status is None else row.days_in_status,
                d.articles if d is not None else "",
                _explanation(row),
                *((day.isoformat() for day in period) if period else ("", "")),
                *_extension_decision(row),
            ]
        )
    return response


class DeadlineFactsForm(YearEndForm):
    field_order = [
        "legal_form",
        "year_end_day",
        "year_end_month",
        "all_shareholders_are_directors",
        "title_9_applies",
        "extension_months",
        "extension_granted_on",
    ]

    legal_form = forms.ChoiceField(label=_("Rechtsvorm"), choices=tx.legal_form_choices())
    all_shareholders_are_directors = forms.BooleanField(
        label=_(
            "Alle aandeelhouders zijn bestuurder (bv en nv: ondertekening geldt als vaststelling)"
        ),
        required=False,
    )
    title_9_applies = forms.BooleanField(
        label=_(
            "Titel 9 Boek 2 BW is van toepassing (stichting of vereniging met een onderneming "
            "boven de omzetgrens van art. 2:360 lid 3 BW)"
        ),
        required=False,
    )
    extension_months = forms.TypedChoiceField(
        label=_("Verlenging opmaaktermijn voor dit boekjaar"),
        coerce=int,
        choices=[(0, _("Geen"))]
        + [(months, str(months)) for months in range(1, MAX_EXTENSION_MONTHS + 1)],
    )
    # Asked because an extension decided after the draw-up term ran out does not undo
    # that the term was exceeded (the pages warn about it: DeadlineRow.extension_decided_late).
    extension_granted_on = DayField(
        label=_("Datum van het besluit tot verlenging"),
        help_text=_(
            "Bij een bv of nv: de dag waarop de algemene vergadering tot de verlenging besloot."
        ),
        required=False,
    )

    def clean(self) -> dict:
        data = super().clean()  # YearEndForm: a year end that exists
        legal_form, months = data.get("legal_form"), data.get("extension_months")
        if legal_form and months is not None:
            allowed = selectors.max_extension_months(legal_form)
            if months > allowed:
                self.add_error(
                    "extension_months",
                    _("De wet staat voor deze rechtsvorm ten hoogste %(months)s maanden toe.")
                    % {"months": allowed},
                )
        granted_on = data.get("extension_granted_on")
        if not months:
            data["extension_granted_on"] = None  # no extension, no decision to keep
        elif granted_on is None and "extension_granted_on" not in self.errors:
            self.add_error(
                "extension_granted_on",
                _("Vul de datum in waarop tot de verlenging is besloten."),
            )
        elif granted_on is not None and granted_on > timezone.localdate():
            self.add_error(
                "extension_granted_on",
                _("De datum van het besluit tot verlenging kan niet in de toekomst liggen."),
            )
        return data


@staff_view()
def deadline_facts(request: HttpRequest, organisation_id: int) -> HttpResponse:
    organisation = (
        permissions.visible_organisations(request.user).filter(pk=organisation_id).first()
    )
    if organisation is None:
        raise Http404
    try:
        year = int(request.GET.get("year") or request.POST.get("year") or "")
    except ValueError:
        facts = selectors.facts_of(organisation)  # the year whose filing is due now
        year = current_financial_year(
            timezone.localdate(), facts.year_end_month, facts.year_end_day
        )
    year = min(max(year, 2000), 2100)
    organisation = selectors.with_deadline_facts(
        permissions.visible_organisations(request.user).filter(pk=organisation.pk), year
    ).get()
    facts = selectors.facts_of(organisation)
    extensions = getattr(organisation, "year_extensions", [])
    if request.method == "POST":
        form = DeadlineFactsForm(request.POST)
        if form.is_valid():
            selectors.save_deadline_facts(
                organisation=organisation, financial_year=year, **form.cleaned_data
            )
            flash.success(request, _("De termijngegevens zijn opgeslagen."))
            return redirect(f"{request.path}?year={year}")
    else:
        form = DeadlineFactsForm(
            initial={
                "legal_form": organisation.legal_form,
                "year_end_day": facts.year_end_day,
                "year_end_month": facts.year_end_month,
                "all_shareholders_are_directors": facts.all_shareholders_are_directors,
                "title_9_applies": facts.title_9_applies,
                "extension_months": extensions[0].months if extensions else 0,
                "extension_granted_on": extensions[0].granted_on if extensions else None,
            }
        )
    # As the list and its export compute it: with the adoption date the messages recorded,
    # from the period the document states.
    row = periods.year_row(organisation, year, today=timezone.localdate())
    deadlines = row.deadlines
    return render(
        request,
        "portal/deadlines_facts.html",
        {
            "organisation": organisation,
            "year": year,
            "year_start": row.year_period[0],
            "year_end": row.year_period[1],
            "row": row,
            "form": form,
            "deadlines": deadlines,
            "max_extension_months": selectors.max_extension_months(organisation.legal_form),
            "notice": selectors.notice_of(organisation),
            "filing": format_day(deadlines.filing) if deadlines else "",
        },
    )
