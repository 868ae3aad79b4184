"""The accounts as people read them: HTML and PDF from an instance.

Follows KvK's consistent-presentation wishes: a cover page with the document title, the
name, seat and period and whether the accounts were adopted (and when); the balance
sheet with both years side by side; the profit and loss account when filed; the notes.
Until the document is filed it carries a "CONCEPT" watermark.
"""

from __future__ import annotations

import re
from decimal import Decimal

from django.template.loader import render_to_string
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from kvk import taxonomy as tx
from kvk.parser import parse_instance

# Dutch captions (the filed document's language is Dutch in practice; English follows).
CAPTIONS_NL = {
    "IntangibleAssets": "Immateriële vaste activa",
    "PropertyPlantEquipment": "Materiële vaste activa",
    "FinancialAssets": "Financiële vaste activa",
    "AssetsNoncurrent": "Totaal vaste activa",
    "Inventories": "Voorraden",
    "Receivables": "Vorderingen",
    "SecuritiesCurrent": "Effecten",
    "CashAndCashEquivalents": "Liquide middelen",
    "AssetsCurrent": "Totaal vlottende activa",
    "Assets": "Totaal activa",
    "ShareCapital": "Geplaatst kapitaal",
    "SharePremium": "Agioreserve",
    "RevaluationReserve": "Herwaarderingsreserve",
    "LegalReserves": "Wettelijke reserves",
    "StatutoryReserves": "Statutaire reserves",
    "ReservesOther": "Overige reserves",
    "ResultForTheYear": "Onverdeeld resultaat",
    "Equity": "Totaal eigen vermogen",
    "Provisions": "Voorzieningen",
    "LiabilitiesNoncurrent": "Langlopende schulden",
    "LiabilitiesCurrent": "Kortlopende schulden",
    "EquityAndLiabilities": "Totaal passiva",
    "NetRevenue": "Netto-omzet",
    "GrossOperatingResult": "Brutobedrijfsresultaat",
    "EmployeeBenefitsExpenses": "Personeelskosten",
    "AmortisationDepreciationOnIntangibleAssetsPropertyPlantEquipment": "Afschrijvingen",
    "OtherOperatingExpenses": "Overige bedrijfskosten",
    "OperatingResult": "Bedrijfsresultaat",
    "FinancialIncomeAndExpense": "Financiële baten en lasten",
    "ResultBeforeTax": "Resultaat vóór belastingen",
    "IncomeTaxExpense": "Belastingen",
    "ResultAfterTax": "Resultaat na belastingen",
}
TOTALS = frozenset(
    {"AssetsNoncurrent", "AssetsCurrent", "Assets", "Equity", "EquityAndLiabilities",
     "OperatingResult", "ResultBeforeTax", "ResultAfterTax"}
)  # fmt: skip
_VARIANT_TITLES = {
    "micro": "Jaarrekening (micro)",
    "micro-publicatiestukken": "Publicatiestukken jaarrekening (micro)",
    "klein": "Jaarrekening (klein)",
    "klein-publicatiestukken": "Publicatiestukken jaarrekening (klein)",
    "klein-verticaal": "Jaarrekening (klein)",
    "klein-verticaal-publicatiestukken": "Publicatiestukken jaarrekening (klein)",
}


def _money(value: Decimal | None) -> str:
    """Dutch notation: 1.234.567 or 1.234,50; negatives in parentheses."""
    if value is None:
        return ""
    digits = f"{abs(value):,.2f}" if value != value.to_integral_value() else f"{abs(value):,.0f}"
    digits = digits.replace(",", "_").replace(".", ",").replace("_", ".")
    return f"({digits})" if value < 0 else digits


def _notes_html(text: str) -> SafeString:
    """Notes as HTML: escape everything, then re-allow the few formatting tags."""
    if not text.strip():
        return mark_safe("")  # noqa: S308 - empty string
    escaped = str(escape(text))
    restored = re.sub(
        r"&lt;(/?)(p|br|b|i|u|strong|em|ul|ol|li)\s*(/?)&gt;",
        lambda m: f"<{m.group(1)}{m.group(2).lower()}{m.group(3)}>",
        escaped,
        flags=re.IGNORECASE,
    )
    if "<p>" not in restored:
        restored = "".join(f"<p>{para}</p>" for para in restored.split("\n\n") if para.strip())
    return mark_safe(restored)  # noqa: S308 - built from escaped text and fixed tags


def _rows(amounts: dict[str, tuple[Decimal | None, Decimal | None]], order: tuple[str, ...]):  # type: ignore[no-untyped-def]
    return [
        {
            "caption": CAPTIONS_NL.get(name, name),
            "current": _money(amounts[name][0]),
            "previous": _money(amounts[name][1]),
            "total": name in TOTALS,
        }
        for name in order
        if name in amounts
    ]


def context_for(content: bytes, *, concept: bool = True) -> dict[str, object]:
    """The template context for an instance (raises XbrlParseError/ValueError)."""
    inst = parse_instance(content)
    st = inst.statements()
    return {
        "title": _VARIANT_TITLES.get(st.variant, "Jaarrekening"),
        "st": st,
        "concept": concept,
        "generation": inst.generation.upper() if inst.generation else "",
        "year_current": st.period_end.year,
        "year_previous": st.previous_end.year,
        "assets": _rows(st.balance, tx.BALANCE_ASSETS),
        "liabilities": _rows(st.balance, tx.BALANCE_EQUITY_LIABILITIES),
        "profit_loss": _rows(st.profit_loss, tx.PROFIT_LOSS_CONCEPTS),
        "notes": _notes_html(st.notes),
        "size_label": {"micro": "micro", "klein": "klein"}.get(st.size, st.size),
    }


def render_html(content: bytes, *, concept: bool = True) -> str:
    """A self-contained HTML document for people (no external resources)."""
    return render_to_string("kvk/annual_accounts.html", context_for(content, concept=concept))


def render_pdf(content: bytes, *, concept: bool = True) -> bytes:
    """The same document as PDF (WeasyPrint; no network: url_fetcher refuses everything)."""
    from weasyprint import HTML

    def refuse(url: str, *args: object, **kwargs: object) -> dict[str, object]:
        raise ValueError(f"no external resources in rendered accounts: {url}")

    html = render_html(content, concept=concept)
    return HTML(string=html, url_fetcher=refuse).write_pdf()
