"""The client's screens: administrations with their KvK data, "Communicatie met
accountant", the reporting cockpit and the two actions.

Every write goes through clientside.services or a plain data form; the messages each
screen shows say what to do next, so a new user is guided from an empty administration
to a sent message.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import wraps
from typing import Any

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError
from django.db.models import Q
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from clientside import activation, check_messages, services, steps
from clientside.forms import (
    AdministrationForm,
    CommunicationProfileForm,
    FiguresForm,
    NewReportForm,
    ReportingValuesForm,
    ResubmissionForm,
    SignatoryForm,
    TrialBalanceForm,
)
from clientside.models import (
    Administration,
    AnnualReport,
    CommunicationProfile,
    OutboundMessage,
    Signatory,
    caption,
)
from clientside.steps import next_step
from clientside.trial_balance import CODE_MAPS, TrialBalanceError, importable_lines
from config.dates import format_day
from kvk.render import render_html
from kvk.search import alphabetical, name_match, number_text
from kvk.views import post_else

VIEW = "clientside.view_administration"
CHANGE = "clientside.change_administration"
ADD = "clientside.add_administration"
PREPARE = "clientside.prepare_report"
SEND_RECEIVE = "clientside.send_receive"


def permission(perm: str):
    """Logged in and holding ``perm``; otherwise 403 (logged-in) or the login page."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs):
            if not request.user.has_perm(perm):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def _form_on(page: str, section: str = "") -> Callable[..., str]:
    """Where a form posts from, for ``post_else``: the page ``page`` of the address's
    ``pk`` (an administration, a report), at ``section``. ``post_else`` goes above the
    permission decorator: a GET is led to the page whoever asks, and the page answers as it
    does to anyone (the login, 403 without the right to see it, 404 for what does not
    exist), so someone who may see the page but not use its form still finds the page."""

    def url(request: HttpRequest, pk: int, **address: Any) -> str:
        return reverse(page, args=[pk]) + section

    return url


def _profile(administration: Administration) -> CommunicationProfile | None:
    return CommunicationProfile.objects.filter(administration=administration).first()


# --- administrations ----------------------------------------------------------------------


#: The list's filter on the next step (``?stap=``): what each value keeps.
STEP_FILTERS = {"actie": steps.ACT, "wachten": steps.WAIT, "klaar": steps.DONE}


@permission(VIEW)
def administration_list(request: HttpRequest) -> HttpResponse:
    """Every administration with where it stands (``steps.standings``): the newest report's
    year and state, the next step and the filing deadline; searched by name or KvK number,
    filtered on what the step asks, in the order of the names."""
    q = " ".join(request.GET.get("q", "").split())
    administrations = Administration.objects.order_by(*alphabetical(), "kvk_number", "pk")
    if q:
        administrations = administrations.filter(
            name_match(q) | Q(kvk_number__contains=number_text(q))
        )
    found = steps.standings(administrations)
    step = request.GET.get("stap", "")
    step = step if step in STEP_FILTERS else ""
    counts = {key: sum(s.asks == asks for s in found) for key, asks in STEP_FILTERS.items()}
    shown = [s for s in found if not step or s.asks == STEP_FILTERS[step]]
    return render(
        request,
        "clientside/administration_list.html",
        {
            "standings": shown,
            "q": q,
            "step": step,
            "counts": counts,
            "filtered": bool(q or step),
            "any_administration": bool(found) or Administration.objects.exists(),
            "today": timezone.localdate(),
            "can_add": request.user.has_perm(ADD),
        },
    )


@permission(ADD)
def administration_create(request: HttpRequest) -> HttpResponse:
    form = AdministrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        administration = form.save()
        flash.success(
            request,
            _("Administratie %(name)s aangemaakt. Volgende stap: %(next)s")
            % {"name": administration.name, "next": next_step(administration)[0]},
        )
        return redirect("clientside:administration", administration.pk)
    return render(request, "clientside/administration_form.html", {"form": form})


@permission(VIEW)
def administration_detail(request: HttpRequest, pk: int) -> HttpResponse:
    administration = get_object_or_404(Administration, pk=pk)
    return render(
        request,
        "clientside/administration_detail.html",
        _administration_context(request, administration),
    )


def _administration_context(
    request: HttpRequest,
    administration: Administration,
    signatory_form: BaseForm | None = None,
    resubmission_form: BaseForm | None = None,
) -> dict[str, Any]:
    """The administration page; ``signatory_form`` and ``resubmission_form`` as they were
    filled in when they were refused."""
    step_text, step_link = next_step(administration)
    outbound = services.with_versions(
        administration,
        list(administration.outbound_messages.select_related("report").defer("document")),
    )
    signatories = list(administration.signatories.all())
    under_way = services.reports_under_way(administration)
    profile = _profile(administration)
    # A new signatory signs after the ones there are (nl-cd:PresentationOrder).
    next_order = max((s.order for s in signatories), default=0) + 1
    return {
        "administration": administration,
        "signatories": signatories,
        "signatory_form": signatory_form or SignatoryForm(initial={"order": next_order}),
        "profile": profile,
        "reports": administration.annual_reports.order_by(
            "-financial_year", "resubmission", "second_filing"
        ),
        "report_form": NewReportForm(initial={"financial_year": timezone.now().year - 1}),
        "resubmission_form": resubmission_form
        or ResubmissionForm(initial={"financial_year": timezone.now().year - 1}),
        "outbound": outbound,
        "under_way": under_way,
        # A sent report is not "te bewerken": its figures are fixed (services.edit_lock).
        "under_way_ids": {report.pk for report, _message in under_way},
        "next_step": step_text,
        "next_link": step_link,
        "run_notice": steps.run_notice(profile),
        "can_change": request.user.has_perm(CHANGE),
        "can_send_receive": request.user.has_perm(SEND_RECEIVE)
        and activation.is_active(administration),
        "filing_active": activation.is_active(administration),
    }


@permission(CHANGE)
def administration_edit(request: HttpRequest, pk: int) -> HttpResponse:
    administration = get_object_or_404(Administration, pk=pk)
    form = AdministrationForm(request.POST or None, instance=administration)
    if request.method == "POST" and form.is_valid():
        form.save()
        flash.success(request, _("De KvK-gegevens zijn opgeslagen."))
        return redirect("clientside:administration", administration.pk)
    return render(
        request,
        "clientside/administration_form.html",
        {
            "form": form,
            "administration": administration,
            "under_way": services.reports_under_way(administration),
        },
    )


@post_else(_form_on("clientside:administration", "#ondertekenaars"))
@permission(CHANGE)
def signatory_add(request: HttpRequest, pk: int) -> HttpResponse:
    administration = get_object_or_404(Administration, pk=pk)
    form = SignatoryForm(request.POST)
    if form.is_valid():
        signatory = form.save(commit=False)
        signatory.administration = administration
        signatory.save()
        flash.success(
            request,
            _("%(name)s toegevoegd. Volgende stap: %(next)s")
            % {"name": signatory, "next": next_step(administration)[0]},
        )
        return redirect(reverse("clientside:administration", args=[pk]) + "#ondertekenaars")
    flash.error(request, _("De ondertekenaar is niet toegevoegd; zie de meldingen bij de velden."))
    context = _administration_context(request, administration, signatory_form=form)
    return render(request, "clientside/administration_detail.html", context, status=400)


@post_else(_form_on("clientside:administration", "#ondertekenaars"))
@permission(CHANGE)
def signatory_delete(request: HttpRequest, pk: int, signatory_pk: int) -> HttpResponse:
    signatory = get_object_or_404(Signatory, pk=signatory_pk, administration_id=pk)
    signatory.delete()
    flash.success(request, _("%(name)s verwijderd.") % {"name": signatory})
    return redirect(reverse("clientside:administration", args=[pk]) + "#ondertekenaars")


# --- communication profile ----------------------------------------------------------------


@permission(CHANGE)
@activation.required("administration")
def profile_edit(request: HttpRequest, pk: int) -> HttpResponse:
    administration = get_object_or_404(Administration, pk=pk)
    profile = _profile(administration) or CommunicationProfile(administration=administration)
    form = CommunicationProfileForm(request.POST or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        profile = form.save()
        if form.cleaned_data.get("token"):
            services.set_token(profile=profile, token=form.cleaned_data["token"])
        flash.success(
            request,
            _(
                "'Communicatie met accountant' is opgeslagen. Klik op 'Test verbinding' om te "
                "controleren of het portal bereikbaar is en het token accepteert."
            ),
        )
        return redirect("clientside:profile", administration.pk)
    # The page's "Portaladres" and last test say what is stored: a refused form has put
    # what was typed on its instance (the address it refused among it).
    stored = _profile(administration) or profile
    return render(
        request,
        "clientside/profile_form.html",
        {"form": form, "administration": administration, "profile": stored},
    )


@post_else(_form_on("clientside:profile"))
@permission(CHANGE)
@activation.required("administration")
def profile_test(request: HttpRequest, pk: int) -> HttpResponse:
    administration = get_object_or_404(Administration, pk=pk)
    profile = _profile(administration)
    if profile is None:
        flash.error(request, _("Sla eerst 'Communicatie met accountant' op."))
        return redirect("clientside:profile", pk)
    outcome = services.test_connection(profile)
    if outcome.ok:
        flash.success(
            request,
            outcome.message
            + " "
            + _("Volgende stap: %(next)s") % {"next": next_step(administration)[0]},
        )
    else:
        flash.error(request, outcome.message)
    return redirect("clientside:profile", pk)


# --- reporting cockpit --------------------------------------------------------------------


@post_else(_form_on("clientside:administration", "#jaarrapporten"))
@permission(CHANGE)
def report_create(request: HttpRequest, pk: int) -> HttpResponse:
    administration = get_object_or_404(Administration, pk=pk)
    form = NewReportForm(request.POST)
    if not form.is_valid():
        flash.error(request, str(form.errors["financial_year"][0]))
        return redirect(reverse("clientside:administration", args=[pk]) + "#jaarrapporten")
    report, created = services.create_report(
        administration=administration, financial_year=form.cleaned_data["financial_year"]
    )
    if not created:
        # One report a year (a heraanlevering apart): the one there is, as it stands.
        flash.info(
            request,
            _(
                "Er is al een jaarrapport %(year)s; dat ziet u hier, zoals het is. Er is geen "
                "nieuw jaarrapport gemaakt."
            )
            % {"year": report.financial_year},
        )
        return redirect("clientside:report", report.pk)
    flash.success(
        request,
        _(
            "Jaarrapport %(year)s staat klaar. Vul de cijfers in (of importeer een "
            "proefbalans) en de rapportagewaarden, en klik dan op 'Klaarzetten "
            "accountancyportal'."
        )
        % {"year": report.financial_year},
    )
    return redirect("clientside:report", report.pk)


def _values_form(report: AnnualReport, data=None) -> ReportingValuesForm:
    return ReportingValuesForm(
        data,
        instance=AnnualReport.objects.get(pk=report.pk),
        signatories=list(report.administration.signatories.all()),
        portal_adoption=services.portal_adoption_date(report),
    )


def _code_map(administration: Administration) -> list[tuple[str, str]]:
    """(reporting code prefix, caption of its line) for the administration's size."""
    return [(code, caption(line)) for code, line in CODE_MAPS[administration.size].items()]


def _latest_current(messages: list[OutboundMessage]) -> OutboundMessage | None:
    """The newest of ``messages`` the report page's advice follows: a refused copy that
    another message of the report overtook stays listed, but no longer counts."""
    return next((m for m in messages if m.superseded_at is None), None)


def _adoption_date(report: AnnualReport, latest: OutboundMessage | None) -> date | None:
    """The report's adoption date; adopted in the portal ("Jaarrekening vastgesteld"), the
    one the status mirror brought with the message."""
    if report.adoption_date or latest is None:
        return report.adoption_date
    return latest.adoption_date


def _lock_context(report: AnnualReport) -> dict[str, Any]:
    """What the report page says of a report that is sent or filed."""
    sent = services.sent_message(report)
    edit_lock = services.edit_lock(report)
    return {
        # What "Klaarzetten" refuses (services.prepare): a message that may have reached
        # the portal and has not ended. One never offered is replaced, so the button stays.
        "in_progress": sent is not None,
        # Filed, or sent and not yet back for a correction: read-only, and why.
        "edit_lock": edit_lock,
        # The document as sent (or filed): the figures as the portal has them.
        "sent_document": (sent or services.filed_message(report)) if edit_lock else None,
    }


def _report_context(request: HttpRequest, report: AnnualReport, **forms) -> dict:
    administration = report.administration
    check = services.check_report(report)
    size_check = services.size_class_check(report)
    lock = _lock_context(report)
    messages = services.with_versions(
        administration, list(report.messages.defer("document").order_by("-created_at"))
    )
    latest = _latest_current(messages)
    figures_form = forms.get("figures_form") or FiguresForm(report=report)
    values_form = forms.get("values_form") or _values_form(report)
    # The inputs "Controle" names are marked and point at its messages.
    check_messages.mark_fields([figures_form, values_form], check.problems, check.warnings)
    return {
        "report": report,
        "administration": administration,
        "figures_form": figures_form,
        "values_form": values_form,
        "import_form": forms.get("import_form") or TrialBalanceForm(),
        "import_errors": forms.get("import_errors") or [],
        "problems": check.problems,
        "kvk_warnings": check.warnings,
        # The period does not end on the administration's year end: a warning, no block.
        "period_warning": services.period_warning(report),
        # In the screen's language (kvk.sizeclass speaks through gettext).
        "size_check": size_check,
        "size_lines": size_check.lines() if size_check else [],
        "report_messages": messages,
        "latest": latest,
        "adoption_date": _adoption_date(report, latest),
        "new_documents": latest is not None
        and (services.needs_correction(latest) or services.stopped_for_old_number(latest)),
        "resubmission_report": AnnualReport.objects.filter(
            administration=administration, financial_year=report.financial_year, resubmission=True
        ).first(),
        # Filed as not adopted: the adopted accounts follow as the tweede aanlevering.
        "filed_not_adopted": services.filed_not_adopted(report),
        "second_filing_report": services.second_filing_of(report),
        "code_map": _code_map(administration),
        "buildable": administration.buildable,
        "line_names": [
            (name, caption(name)) for name in importable_lines(administration.kvk_report)
        ]
        if administration.buildable
        else [],
        **lock,
        "can_change": request.user.has_perm(CHANGE) and lock["edit_lock"] is None,
        "can_prepare": request.user.has_perm(PREPARE)
        and not report.locked
        and activation.is_active(administration),
        "can_send_receive": request.user.has_perm(SEND_RECEIVE)
        and activation.is_active(administration),
    }


@permission(VIEW)
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_object_or_404(AnnualReport.objects.select_related("administration"), pk=pk)
    return render(request, "clientside/report_detail.html", _report_context(request, report))


def _locked_redirect(request: HttpRequest, error: Exception, pk: int) -> HttpResponse:
    flash.error(request, str(error))
    return redirect("clientside:report", pk)


def _say_withdrawn(request: HttpRequest, waiting: OutboundMessage | None) -> None:
    """The report changed while ``waiting`` (``services.unsent_message``) waited to be sent:
    the change withdrew it (its document no longer says what the report says)."""
    if waiting is not None:
        flash.warning(
            request,
            _(
                "Het klaargezette bericht %(file)s is vervallen: het bevatte de stukken van "
                "vóór deze wijziging. Klik opnieuw op 'Klaarzetten accountancyportal' om de "
                "gewijzigde stukken klaar te zetten."
            )
            % {"file": waiting.filename},
        )


def _saved_to_checks(
    request: HttpRequest,
    report: AnnualReport,
    form: BaseForm,
    *,
    name: str,
    refused: str,
    save: Callable[[dict[str, Any]], object],
    done: str,
) -> HttpResponse:
    """A form of the report page (``name``, as the page's context names it): refused, say
    ``refused`` and show the page again with the form's errors; else ``save`` its cleaned
    data, then say ``done`` and show the checks, or say that the report is locked (it is
    on its way to the accountant). A report filed meanwhile (a page opened before) says so
    first: its page shows no form to show the form's errors in."""
    try:
        services.check_not_locked(report)
    except services.ReportLocked as error:
        return _locked_redirect(request, error, report.pk)
    if not form.is_valid():
        flash.error(request, refused)
        context = _report_context(request, report, **{name: form})
        return render(request, "clientside/report_detail.html", context, status=400)
    waiting = services.unsent_message(report)
    try:
        save(form.cleaned_data)
    except services.ReportLocked as error:
        return _locked_redirect(request, error, report.pk)
    flash.success(request, done)
    _say_withdrawn(request, waiting)
    return redirect(reverse("clientside:report", args=[report.pk]) + "#controle")


@post_else(_form_on("clientside:report", "#cijfers"))
@permission(CHANGE)
def report_figures(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_object_or_404(AnnualReport.objects.select_related("administration"), pk=pk)
    form = FiguresForm(request.POST, report=report)

    def save(data: dict[str, Any]) -> None:
        employees, net_turnover = form.size_figures()
        services.save_figures(
            report=report,
            period_start=data["period_start"],
            period_end=data["period_end"],
            previous_start=None if data["first_year"] else data["previous_start"],
            prepared_on=data["prepared_on"],
            appropriation=data["appropriation"],
            period_deviation_reason=data["period_deviation_reason"],
            period_deviation_impact=data["period_deviation_impact"],
            balance=form.amounts("b"),
            profit_loss=form.amounts("p"),
            notes=form.notes(),
            employees=employees,
            net_turnover=net_turnover,
        )

    return _saved_to_checks(
        request,
        report,
        form,
        name="figures_form",
        refused=_("De cijfers zijn niet opgeslagen; zie de meldingen bij de velden."),
        save=save,
        done=_("De cijfers zijn opgeslagen; lege totalen zijn berekend."),
    )


@post_else(_form_on("clientside:report", "#proefbalans"))
@permission(CHANGE)
def report_import(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_object_or_404(AnnualReport.objects.select_related("administration"), pk=pk)
    form = TrialBalanceForm(request.POST, request.FILES)
    try:
        # First: a report sent meanwhile shows no import form to show the form's errors in.
        services.check_not_locked(report)
    except services.ReportLocked as error:
        return _locked_redirect(request, error, pk)
    if not form.is_valid():
        flash.error(
            request,
            # A file was chosen but refused (too large): its field says why.
            _("De proefbalans is niet geïmporteerd; zie de melding bij het bestand.")
            if request.FILES.get("file")
            else _("Kies een CSV-bestand met de proefbalans."),
        )
        context = _report_context(request, report, import_form=form)
        return render(request, "clientside/report_detail.html", context, status=400)
    waiting = services.unsent_message(report)
    try:
        result = services.import_trial_balance(
            report=report, content=form.cleaned_data["file"].read()
        )
    except services.ReportLocked as error:
        return _locked_redirect(request, error, pk)
    except TrialBalanceError as error:
        count = len(error.errors)
        flash.error(
            request,
            ngettext(
                "De proefbalans is niet geïmporteerd: %(count)s probleem.",
                "De proefbalans is niet geïmporteerd: %(count)s problemen.",
                count,
            )
            % {"count": count},
        )
        context = _report_context(request, report, import_form=form, import_errors=error.errors)
        return render(request, "clientside/report_detail.html", context, status=400)
    flash.success(
        request,
        _("Proefbalans geïmporteerd: %(count)s rekeningen verwerkt. Controleer de cijfers.")
        % {"count": result.accounts},
    )
    _say_withdrawn(request, waiting)
    if result.rounded:
        flash.warning(
            request,
            _(
                "De proefbalans had centen; de KvK accepteert alleen hele euro's. Elke post "
                "is afgerond; controleer of de balans nog sluit."
            ),
        )
    return redirect(reverse("clientside:report", args=[pk]) + "#cijfers")


@post_else(_form_on("clientside:report", "#rapportagewaarden"))
@permission(CHANGE)
def report_values(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_object_or_404(AnnualReport.objects.select_related("administration"), pk=pk)
    form = _values_form(report, request.POST)
    return _saved_to_checks(
        request,
        report,
        form,
        name="values_form",
        refused=_("De rapportagewaarden zijn niet opgeslagen."),
        save=lambda data: services.save_reporting_values(
            report=report,
            adoption_date=data["adoption_date"],
            signed_by=data["signed_by"],
            signed_date=data["signed_date"],
            signing_place=data["signing_place"],
            resubmission_explanation=data.get("resubmission_explanation", ""),
            signatures=form.signatures(),
        ),
        done=_("De rapportagewaarden zijn opgeslagen."),
    )


def _not_prepared(request: HttpRequest, pk: int, error: services.PrepareError) -> HttpResponse:
    """Why "Klaarzetten" refused: the points the checks found, which the page lists under
    'Controle'; or what stands in the way that is no field (a message under way)."""
    if not error.checks:
        for problem in error.problems:
            flash.error(request, _("Niet klaargezet: %(reason)s") % {"reason": problem.message})
        return redirect(reverse("clientside:report", args=[pk]) + "#berichten")
    count = len(error.problems)
    flash.error(
        request,
        ngettext(
            "Niet klaargezet: er is %(count)s punt om te herstellen. Herstel het onder "
            "'Controle' en probeer opnieuw.",
            "Niet klaargezet: er zijn %(count)s punten om te herstellen. Herstel ze onder "
            "'Controle' en probeer opnieuw.",
            count,
        )
        % {"count": count},
    )
    for problem in error.problems:
        flash.error(request, str(problem))
    return redirect(reverse("clientside:report", args=[pk]) + "#controle")


@post_else(_form_on("clientside:report", "#controle"))
@permission(PREPARE)
@activation.required("report")
def report_prepare(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_object_or_404(AnnualReport.objects.select_related("administration"), pk=pk)
    try:
        message = services.prepare(report)
    except services.PrepareError as error:
        return _not_prepared(request, pk, error)
    flash.success(
        request,
        _(
            "Klaargezet voor verzending naar het portal (status 0): %(file)s. Volgende stap: "
            "Klik op 'Verzenden/ontvangen accountancyportal'."
        )
        % {"file": message.filename},
    )
    size_check = services.size_class_check(report)
    if size_check is not None and size_check.warning:
        # A warning, not a block: the message is prepared; the figures are on the page.
        flash.warning(
            request,
            _("Let op, grootteklasse: %(summary)s") % {"summary": size_check.summary()},
        )
    return redirect(reverse("clientside:report", args=[pk]) + "#berichten")


def _new_version(
    request: HttpRequest,
    pk: int,
    make: Callable[..., AnnualReport],
    *,
    done: Callable[[AnnualReport], str],
    section: str = "",
) -> HttpResponse:
    """A new version of the report ``pk``, made by ``make`` (a heraanlevering or a tweede
    aanlevering): its page, at ``section``, saying ``done(version)``; or the report's page
    saying why not."""
    report = get_object_or_404(AnnualReport.objects.select_related("administration"), pk=pk)
    try:
        version = make(report=report)
    except services.PrepareError as error:
        flash.error(request, str(error.problems[0]))
        return redirect("clientside:report", pk)
    except IntegrityError:  # pragma: no cover - a concurrent click made it already
        return redirect("clientside:report", pk)
    flash.success(request, done(version))
    return redirect(reverse("clientside:report", args=[version.pk]) + section)


@post_else(_form_on("clientside:report", "#heraanlevering"))
@permission(CHANGE)
def report_resubmission(request: HttpRequest, pk: int) -> HttpResponse:
    return _new_version(request, pk, services.create_resubmission, done=_resubmission_made)


def _resubmission_made(version: AnnualReport) -> str:
    """What "Heraanlevering maken" says: the adoption date is required (BR-KVK-4.16), and
    when the portal brought it back with the filed message, it is filled in from there."""
    if version.adoption_date is not None:
        return _(
            "Heraanlevering voor %(year)s aangemaakt, met de datum van vaststelling "
            "%(day)s uit het portal van uw accountant; pas die zo nodig aan bij de "
            "rapportagewaarden. Corrigeer de cijfers en klik op 'Klaarzetten "
            "accountancyportal'."
        ) % {"year": version.financial_year, "day": format_day(version.adoption_date)}
    return _(
        "Heraanlevering voor %(year)s aangemaakt. Corrigeer de cijfers, vul de datum van "
        "vaststelling in (verplicht, BR-KVK-4.16) en klik op 'Klaarzetten "
        "accountancyportal'."
    ) % {"year": version.financial_year}


@post_else(_form_on("clientside:report", "#tweede-aanlevering"))
@permission(CHANGE)
def report_second_filing(request: HttpRequest, pk: int) -> HttpResponse:
    """ "Vastgestelde jaarrekening sturen (tweede aanlevering)" after accounts filed as not
    adopted."""
    return _new_version(
        request,
        pk,
        services.create_second_filing,
        done=lambda version: (
            _(
                "Tweede aanlevering voor %(year)s aangemaakt: de vastgestelde jaarrekening. Vul "
                "bij de rapportagewaarden de datum van vaststelling in, pas zo nodig de cijfers "
                "aan en klik op 'Klaarzetten accountancyportal'."
            )
            % {"year": version.financial_year}
        ),
        section="#rapportagewaarden",
    )


@post_else(_form_on("clientside:administration", "#heraanlevering"))
@permission(CHANGE)
def resubmission_create(request: HttpRequest, pk: int) -> HttpResponse:
    """ "Heraanlevering maken" for accounts filed elsewhere (no filed report here)."""
    administration = get_object_or_404(Administration, pk=pk)
    form = ResubmissionForm(request.POST)
    if form.is_valid():
        try:
            report = services.create_resubmission_for_year(
                administration=administration,
                financial_year=form.cleaned_data["financial_year"],
                adoption_date=form.cleaned_data["adoption_date"],
            )
        except services.PrepareError as error:
            for problem in error.problems:
                form.add_error(None, problem.message)
        else:
            flash.success(
                request,
                _(
                    "Heraanlevering voor %(year)s aangemaakt. Vul de gecorrigeerde cijfers in, "
                    "leg bij de rapportagewaarden uit waarom de gedeponeerde jaarrekening "
                    "wordt vervangen en klik op 'Klaarzetten accountancyportal'."
                )
                % {"year": report.financial_year},
            )
            return redirect("clientside:report", report.pk)
    context = _administration_context(request, administration, resubmission_form=form)
    return render(request, "clientside/administration_detail.html", context, status=400)


# --- send and receive, documents ----------------------------------------------------------


@post_else(_form_on("clientside:administration", "#verzenden"))
@permission(SEND_RECEIVE)
@activation.required("administration")
def send_receive(request: HttpRequest, pk: int) -> HttpResponse:
    administration = get_object_or_404(Administration, pk=pk)
    result = services.send_receive(administration)
    if result.errors:
        flash.error(request, result.summary())
        for error in result.errors:
            flash.error(request, error)
    else:
        flash.success(request, result.summary())
    if not result.stopped:
        # With the run refused (the token, the accountant, the address) the error is the
        # next step: a message already sent says "wait", which nothing will change until
        # that is solved.
        step_text, _link = next_step(administration)
        flash.info(request, _("Volgende stap: %(next)s") % {"next": step_text})
    target = request.POST.get("next", "")
    # Back to the page it was clicked on; a path of this site only ("/\\host" is another
    # site to a browser).
    if target.startswith("/") and url_has_allowed_host_and_scheme(target, allowed_hosts=None):
        return redirect(target)
    return redirect(reverse("clientside:administration", args=[pk]) + "#verzenden")


@permission(VIEW)
@activation.required("message")
def message_document(request: HttpRequest, pk: int) -> HttpResponse:
    message = get_object_or_404(OutboundMessage.objects.select_related("administration"), pk=pk)
    return render(
        request,
        "clientside/message_document.html",
        {"message": message, "rendered": render_html(bytes(message.document))},
    )
