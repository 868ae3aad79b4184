"""What "Controle" on the report page says, in the page's own words.

The KvK rules (kvk.rules, with the KvK's own assertions of kvk.formulas) run on the built
instance and speak of concepts and facts: "jenv-bw2-i:Assets (2024-12-31) is 1234567,
maar de som is 120045: ...". The client fixes fields of forms, so here a problem gets

- the caption the form shows for the field: "Balans: Totaal activa (huidig boekjaar)",
  the section heading, the row caption (kvk.labels via clientside.models.caption) and the
  column heading of the figures table (templates/clientside/report_detail.html);
- amounts as the page writes them: "€ 1.234.567" (the screen's thousands separator);
- the id of the field's element, on the report page or on the page that edits it, so
  that the page links to it and marks it (``mark_fields``: a class, aria-invalid and
  aria-describedby naming the message).

The rule's code stays with the problem, as detail.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import replace
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from django import forms
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from clientside.models import caption
from kvk import labels
from kvk import taxonomy as tx
from kvk.i18n import interface_language

if TYPE_CHECKING:
    from clientside.models import AnnualReport
    from clientside.services import Problem
    from kvk.parser import Fact, ParsedInstance
    from kvk.rules import Finding

#: The parts of the figures form: FiguresForm's field prefix -> the taxonomy's part.
_PARTS = (("b", "balance"), ("p", "income"))


def _english() -> bool:
    return interface_language() == "en"


# --- amounts ------------------------------------------------------------------------------
def amount(value: object) -> str:
    """An amount as the page writes it: "€ 1.234.567" (Dutch), "€ 1,234,567" (English);
    a number that is no amount is left as it is."""
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    places = 0 if number == number.to_integral_value() else None
    text = number_format(number, decimal_pos=places, use_l10n=True, force_grouping=True)
    return f"€ {text}"


# --- the fields of the report page -----------------------------------------------------------
def _year(slot: int) -> str:
    # The column headings of the figures table: "Huidig boekjaar", "Vorig boekjaar".
    return _("huidig boekjaar") if slot == 0 else _("vorig boekjaar")


def figure_caption(prefix: str, concept: str, slot: int) -> str:
    """How the figures form names an amount: its table, its row and its column."""
    values = {"line": caption(concept), "year": _year(slot)}
    if prefix == "p":
        return _("Winst-en-verliesrekening: %(line)s (%(year)s)") % values
    return _("Balans: %(line)s (%(year)s)") % values


def figure_id(prefix: str, concept: str, slot: int) -> str:
    """The id of an amount's input (FiguresForm's field name, Django's auto_id)."""
    return f"id_{prefix}_{concept}_{slot}"


def note_caption(concept: str) -> str:
    return _("Toelichting: %(line)s") % {"line": caption(concept)}


def _report_fields(report: AnnualReport) -> dict[str, str]:
    """Problem caption -> the id of its element on the report page (an input where the
    caption names one, else the section)."""
    fields = {
        _("Boekjaar"): "id_period_start",
        _("Reden afwijkende lengte boekjaar"): "id_period_deviation_reason",
        _("Gevolgen voor de vergelijkende cijfers"): "id_period_deviation_impact",
        _("Datum opmaak jaarrekening"): "id_prepared_on",
        _("Datum ondertekening"): "id_signed_date",
        _("Plaats ondertekening"): "id_signing_place",
        _("Datum vaststelling"): "id_adoption_date",
        _("Toelichting heraanlevering"): "id_resubmission_explanation",
        _("Cijfers"): "cijfers",
        _("Toelichting"): "cijfers",
        _("Rapportagewaarden"): "rapportagewaarden",
        _("Ondertekening"): "rapportagewaarden",
    }
    variant = report.administration.kvk_report
    if variant in tx.BUILDABLE_VARIANTS:
        for prefix, part in _PARTS:
            for concept in tx.line_items(variant, part):
                for slot in (0, 1):
                    fields[figure_caption(prefix, concept, slot)] = figure_id(prefix, concept, slot)
    return fields


def _administration_fields() -> dict[str, str]:
    """Problem caption -> the id of its input on the page that edits the KvK data."""
    return {
        _("Naam"): "id_name",
        _("Rechtsvorm"): "id_legal_form",
        _("Statutaire zetel"): "id_seat",
        _("KvK-nummer"): "id_kvk_number",
        _("Straat"): "id_street",
        _("Huisnummer"): "id_house_number",
        _("Postcode"): "id_postal_code",
        _("Plaats"): "id_place",
        _("E-mailadres voor de deponering"): "id_filing_email",
        _("KvK-rapport"): "id_kvk_report",
        _("Contactpersoon"): "id_contact_person",
        _("KvK-gegevens"): "",
    }


def with_fields(problems: Sequence[Problem], report: AnnualReport) -> list[Problem]:
    """The problems with the element that holds their field: those located already keep
    theirs; the others by their caption (the captions of clientside.services)."""
    if all(p.field_id or p.url for p in problems):
        return list(problems)
    administration = report.administration
    on_report = _report_fields(report)
    on_edit = _administration_fields()
    edit_url = reverse("clientside:administration-edit", args=[administration.pk])
    signatories = _("Ondertekenaars")
    located = []
    for problem in problems:
        if problem.field_id or problem.url:
            located.append(problem)
        elif problem.field in on_report:
            located.append(replace(problem, field_id=on_report[problem.field]))
        elif problem.field in on_edit:
            located.append(replace(problem, field_id=on_edit[problem.field], url=edit_url))
        elif problem.field == signatories:
            # who signs is ticked on the report page; who may sign is the administration's
            if administration.signatories.exists():
                located.append(replace(problem, field_id="signatures"))
            else:
                url = reverse("clientside:administration", args=[administration.pk])
                located.append(replace(problem, field_id="ondertekenaars", url=url))
        else:
            located.append(problem)
    return located


# --- the findings of the KvK rules -------------------------------------------------------
def _slot(instance: ParsedInstance, fact: Fact) -> int | None:
    """0 for the current year, 1 for the previous one (kvk.parser's periods)."""
    ctx = instance.contexts.get(fact.context_ref or "")
    if ctx is None:
        return None
    if ctx.period_type == "instant":
        ends = (instance.period_end, instance.previous_end)
        return ends.index(ctx.instant) if ctx.instant is not None and ctx.instant in ends else None
    periods = [
        (instance.period_start, instance.period_end),
        (instance.previous_start, instance.previous_end),
    ]
    pair = (ctx.start, ctx.end)
    return periods.index(pair) if ctx.start is not None and pair in periods else None


def locate(
    finding: Finding, instance: ParsedInstance | None, variant: str
) -> tuple[str, str] | None:
    """(caption, element id) of the form field that holds the fact a finding stands at:
    an amount of the balance sheet or the profit and loss, or a text of the notes. None
    for a finding at no such fact (a date, the document, a context)."""
    if instance is None or finding.line is None or variant not in tx.BUILDABLE_VARIANTS:
        return None
    fact = next((f for f in instance.facts if f.line == finding.line), None)
    if fact is None:
        return None
    for prefix, part in _PARTS:
        if fact.local_name in tx.line_items(variant, part):
            slot = _slot(instance, fact)
            if slot is None:
                return None
            return (
                figure_caption(prefix, fact.local_name, slot),
                figure_id(prefix, fact.local_name, slot),
            )
    if fact.local_name in tx.line_items(variant, "notes"):
        return note_caption(fact.local_name), f"id_n_{fact.local_name}"
    return None


#: A concept as the rules write it: "jenv-bw2-i:Assets".
_QNAME = r"[a-z][\w.-]*:[A-Z]\w*"
#: kvk.formulas' closing words: "(KvK-controle in kvk-balance-sheet_u-for.xml)."
_SOURCE = re.compile(r"\s*\((?:KvK-controle|KvK check) in ([^()]+)\)\.?$")
#: kvk.formulas' summation finding (_SignedSum), in either language.
_SUM = re.compile(
    rf"^(?P<total>{_QNAME}) \([^()]*\) is (?P<value>-?\d+(?:\.\d+)?), "
    rf"(?:maar de som is|but the sum is) (?P<sum>-?\d+(?:\.\d+)?): (?P<items>.*)$"
)
_TERM = re.compile(rf"([+-]) ({_QNAME}) (-?\d+(?:\.\d+)?)")


def _caption_of(qname: str) -> str:
    """The caption of a concept the rules name; the name itself when it has none."""
    local_name = qname.partition(":")[2]
    known = labels.LABELS_EN if _english() else labels.LABELS_NL
    return known.get(local_name, qname)


def _quoted(qname: str) -> str:
    shown = _caption_of(qname)
    return qname if shown == qname else f"'{shown}'"


def _sum_text(match: re.Match[str]) -> str:
    """kvk.formulas' summation finding told at its total. Both languages here, as the rules
    give them (kvk.formulas), not from the catalogue."""
    english = _english()
    terms = _TERM.findall(match["items"])
    value, total = amount(match["value"]), amount(match["sum"])
    if len(terms) == 1 and terms[0][0] == "+":
        line = _caption_of(terms[0][1])
        if english:
            return f"Entered: {value}; the KvK check expects the same amount as {line}: {total}."
        return (
            f"Ingevuld: {value}; de KvK-controle verwacht hier hetzelfde bedrag als "
            f"{line}: {total}."
        )
    parts = []
    for index, (sign, qname, number) in enumerate(terms):
        item = f"{_caption_of(qname)} {amount(number)}"
        if sign == "-":
            parts.append(f"− {item}" if index == 0 else f" − {item}")
        else:
            parts.append(item if index == 0 else f" + {item}")
    items = "".join(parts)
    if english:
        return f"Entered: {value}; the KvK check adds up to {total} ({items})."
    return f"Ingevuld: {value}; de KvK-controle telt op tot {total} ({items})."


def finding_text(finding: Finding) -> tuple[str, str]:
    """(the finding in the screen's language and the form's words, the KvK's file that
    holds the check or "")."""
    text = finding.message_en if _english() else finding.message_nl
    source = ""
    if match := _SOURCE.search(text):
        source, text = match[1].strip(), text[: match.start()]
    if match := _SUM.match(text):
        return _sum_text(match), source
    text = re.sub(_QNAME, lambda m: _quoted(m[0]), text)
    return (text if text.endswith(".") else f"{text}."), source


# --- marking the fields ------------------------------------------------------------------
def mark_fields(
    page_forms: Iterable[forms.BaseForm],
    problems: Sequence[Problem],
    warnings: Sequence[Problem] = (),
) -> None:
    """Mark the inputs of the report page that problems (and warnings) name: a class,
    aria-invalid and aria-describedby naming each message. The messages' ids are the
    ones templates/clientside/report_detail.html gives them: problem-1.., warning-1.."""
    flagged: dict[str, tuple[str, list[str]]] = {}
    for kind, listed in (("problem", problems), ("warning", warnings)):
        for number, problem in enumerate(listed, start=1):
            if not problem.field_id or problem.url:
                continue
            _css, ids = flagged.setdefault(problem.field_id, (f"check-{kind}", []))
            ids.append(f"{kind}-{number}")
    if not flagged:
        return
    for form in page_forms:
        for name, field in form.fields.items():
            bound = form[name]
            if bound.id_for_label not in flagged:
                continue
            css, ids = flagged[bound.id_for_label]
            attrs = field.widget.attrs
            described = [*ids, *(bound.aria_describedby or "").split()]
            attrs["class"] = " ".join(filter(None, [attrs.get("class", ""), css]))
            attrs["aria-invalid"] = "true"
            attrs["aria-describedby"] = " ".join(described)
