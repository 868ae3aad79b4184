"""Reasons of a 70 or 90 that come from the road to the KvK, as sentences a person can act on.

A reason is stored as ``{"code", "message", "detail"}``: ``message`` is a plain sentence in
Dutch for everyone who sees the message; ``detail`` is the technical cause (the Digipoort
foutcode, the exception text) for the staff only. ``public()`` gives what a client or its
bookkeeping environment may see.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

#: Our reason code -> the sentence everyone sees.
TRANSPORT: dict[str, Any] = {
    "digipoort_unreachable": _(
        "Digipoort was even niet bereikbaar. Het bericht wordt automatisch opnieuw verzonden."
    ),
    "digipoort_technical": _(
        "Bij Digipoort trad een technisch probleem op. Het bericht wordt opnieuw verzonden."
    ),
    "digipoort_authentication": _(
        "Digipoort heeft het certificaat van het accountantskantoor niet geaccepteerd. "
        "Het kantoor lost dit op en verzendt het bericht opnieuw."
    ),
    "digipoort_refused_request": _(
        "Digipoort heeft het verzoek niet aangenomen. Het accountantskantoor bekijkt dit en "
        "verzendt het bericht opnieuw."
    ),
    "delivery_uncertain": _(
        "Het is niet zeker of het bericht bij Digipoort is aangekomen. Het accountantskantoor "
        "controleert dit voordat het opnieuw wordt verzonden."
    ),
    "kvk_not_delivered": _(
        "Digipoort kon het bericht niet afleveren bij de KvK. Het wordt opnieuw verzonden."
    ),
    "digipoort_validation": _(
        "Digipoort heeft het bericht afgekeurd bij de controle. Er is een gecorrigeerde "
        "jaarrekening nodig."
    ),
    "kvk_refused": _("De KvK heeft de jaarrekening afgekeurd."),
    "document_mismatch": _(
        "Het document wijkt af van het goedgekeurde document en wordt niet verzonden."
    ),
    "retries_exhausted": _(
        "Verzenden is meerdere keren mislukt. Het accountantskantoor verzendt het bericht "
        "opnieuw zodra het probleem is opgelost."
    ),
}

#: Why a message at 60 is before the staff (kvk.digipoort.outcome.Attention) -> explanation.
ATTENTION: dict[str, Any] = {
    "unknown_status": _(
        "Digipoort meldt een status die Deponeer niet kent. Het bericht blijft op status 60 "
        "en wordt gevolgd; controleer bij Digipoort of de KvK het heeft ontvangen."
    ),
    "retries_overdue": _(
        "Digipoort probeert het bericht al langer dan 72 uur af te leveren bij de KvK. "
        "Controleer de aflevering bij Digipoort; zodra Digipoort opgeeft, volgt status 70."
    ),
    "status_unavailable": _(
        "De status kan al enkele keren niet bij Digipoort worden opgevraagd. Het bericht "
        "blijft op status 60 en wordt opnieuw gevraagd; controleer de aflevering bij Digipoort."
    ),
    "no_verdict": _(
        "Het bericht is al lang geleden verzonden, maar er is nog geen oordeel van de KvK. "
        "Controleer bij Digipoort of de KvK of de jaarrekening is ontvangen."
    ),
}

#: DigipoortError codes (kvk.digipoort.client) -> our reason code.
_ERROR_REASONS = {
    "CONNECTION": "digipoort_unreachable",
    "TIMEOUT": "digipoort_unreachable",
    "HTTP": "digipoort_technical",
    "ALS400": "digipoort_technical",
    "STS400": "digipoort_technical",
    "AMBIGUOUS": "delivery_uncertain",
    "TLS": "digipoort_authentication",
    "SECURITY": "digipoort_authentication",
    "ALS100": "digipoort_authentication",
    "ALS110": "digipoort_authentication",
}


def for_error(code: str, *, retryable: bool) -> str:
    """Our reason code for a DigipoortError code."""
    if code in _ERROR_REASONS:
        return _ERROR_REASONS[code]
    return "digipoort_technical" if retryable else "digipoort_refused_request"


def reason(code: str, detail: str = "", message: str = "") -> dict[str, str]:
    """One stored reason: the catalogue's sentence (or ``message``) and the staff detail."""
    text = message or str(TRANSPORT.get(code, code))
    entry = {"code": code, "message": text}
    if detail:
        entry["detail"] = detail[:2000]
    return entry


def public(reasons: list[dict[str, Any]] | Any) -> list[dict[str, Any]]:
    """The reasons without their technical detail: what a client may see."""
    if not isinstance(reasons, list):
        return []
    return [
        {key: value for key, value in entry.items() if key != "detail"}
        if isinstance(entry, dict)
        else entry
        for entry in reasons
    ]
