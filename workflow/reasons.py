"""Reasons of a message, as sentences a person can act on: those of a 70 or 90 that come
from the road to the KvK, and those of a 25 that processing found.

A reason is stored as ``{"code", "message", "detail"}``: ``message`` is a plain sentence in
Dutch for everyone who sees the message; ``detail`` is the technical cause (the Digipoort
foutcode, the exception text) for the staff only. So that a reader of another language
reads it in theirs, a reason may also carry what that takes: ``key`` and ``params``, a
sentence of our own (the catalogue of workflow.errors, ``ours()``), or ``message_en``,
the English words of a source that gives both languages (the parser, the KvK checks,
``bilingual()``). ``message`` stays the Dutch sentence, so a reason stored before these
keys existed, or read by a client environment that knows none of them, still reads.

A refusal at Digipoort's validation (311) also carries ``findings``: Digipoort's foutcode
and text, which the client reads too, labelled as Digipoort's (``refused_at_validation``).

``public()`` gives what a client or its bookkeeping environment may see; ``transport()``
is what a 70 stores (the catalogue's sentence, any other text as detail); ``sentence()``
is what a person reads, in the reader's language. The code itself is shown to the staff
only, folded away with the detail (templates/workflow/_reason.html); of a 70 whose code
the catalogue does not know, the staff's sentence names the code and the detail.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from config.dates import format_day
from kvk.digipoort.outcome import DIGIPOORT_VALIDATION
from kvk.status import Status, status_label
from workflow.errors import DAY_PARAMS, SENTENCES, code_of, render

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
    DIGIPOORT_VALIDATION: _(
        "Digipoort heeft het bericht afgekeurd bij de controle. Er is een gecorrigeerde "
        "jaarrekening nodig."
    ),
    "kvk_refused": _("De KvK heeft de jaarrekening afgekeurd."),
    "document_mismatch": _(
        "Het document wijkt af van het goedgekeurde document en wordt niet verzonden."
    ),
    "kvk_number_changed": _(
        "Het KvK-nummer in de jaarrekening is niet meer het KvK-nummer van de organisatie, en "
        "de KvK neemt een jaarrekening alleen aan onder het nummer dat erin staat. Het "
        "bericht wordt daarom niet verzonden. Klopt het KvK-nummer in de jaarrekening, dan "
        "zet het accountantskantoor het KvK-nummer van de organisatie terug en verzendt het "
        "bericht opnieuw. Heeft de organisatie echt een nieuw KvK-nummer, stuur dan vanuit de "
        "administratie een nieuwe versie van de jaarrekening met dat nummer; die vervangt dit "
        "bericht."
    ),
    "retries_exhausted": _(
        "Verzenden is meerdere keren mislukt. Het accountantskantoor verzendt het bericht "
        "opnieuw zodra het probleem is opgelost."
    ),
}

#: The KvK refused a second adopted filing for a year that is no heraanlevering: a filed
#: document is never removed, and a correction of it is a heraanlevering (KVK-SBR.md §1).
#: KVK003 is the code the local Digipoort gives it (kvk/digipoort/stub/verdict.py).
SECOND_FILING = "KVK003"

#: The KvK's refusals we word ourselves, so that every reader reads them in their language
#: (the KvK words them in Dutch only).
KVK_REFUSALS: dict[str, Any] = {
    SECOND_FILING: _(
        "De KvK had over dit boekjaar al een vastgestelde jaarrekening van deze onderneming. "
        "Een tweede vastgestelde jaarrekening over hetzelfde boekjaar neemt de KvK alleen aan "
        "als heraanlevering."
    ),
}

#: Our sentences for why processing failed (25), stored by key and params (``ours``) by
#: connectors.services and workflow.services.processing; the other sentences of a 25 (a
#: correction the KvK would refuse, a copy) are workflow.errors' catalogue.
PROCESSING: dict[str, Any] = {
    "message_type_unknown": _("Berichtsoort '%(code)s' is bij het kantoor niet bekend."),
    "message_type_blocked": _(
        "Berichtsoort '%(name)s' is geblokkeerd bij het kantoor; het kantoor moet de blokkade "
        "opheffen en het bericht opnieuw laten versturen."
    ),
    "message_type_without_workflow": _(
        "Aan berichtsoort '%(name)s' is geen workflow gekoppeld; het kantoor moet eerst een "
        "workflow koppelen."
    ),
    "kvk_number_missing": _(
        "Het document bevat geen KvK-nummer (entity identifier van de contexten)."
    ),
    "kvk_number_not_yours": _(
        "KvK-nummer %(number)s in het document is niet het KvK-nummer van uw organisatie (%(own)s)."
    ),
    "kvk_number_not_yours:own_unknown": _(
        "KvK-nummer %(number)s in het document is niet het KvK-nummer van uw organisatie "
        "(onbekend)."
    ),
    # A copy taken into the workflow before copies were refused, closed afterwards
    # (workflow.services.duplicates.close_copy); the code is that of every copy's reason.
    # The message that carries the document on is named by the day it was received
    # (``received_on``); a reason stored before it did keeps its stored words.
    "duplicate_document:closed": _(
        "Dit bericht bevat precies hetzelfde document als het bericht van %(received_on)s "
        "(status %(status)s: %(status_label)s) en is daarom uit de workflow gehaald, zodat "
        "dezelfde jaarrekening niet twee keer wordt goedgekeurd of gedeponeerd. Hoe het "
        "verder gaat, ziet u bij het bericht van %(received_on)s."
    ),
    # An older version of a year closed at 30 when a newer one entered the workflow
    # (workflow.services.versions).
    # The newer version is named by the day it was received (``received_on``); its
    # ``message_id`` stays in the params for machines, a UUID says nothing to a person.
    "version_superseded": _(
        "Er is een nieuwere versie van de jaarrekening over %(year)s ontvangen, op "
        "%(received_on)s. Dit bericht is daarom uit de workflow gehaald en kan niet meer "
        "worden goedgekeurd; een vaststelling of goedkeuring van dit bericht geldt niet voor "
        "de nieuwe versie. Beoordeel de versie van %(received_on)s."
    ),
    # An approved version stopped at 70 because the organisation's KvK number changed,
    # closed when a new version of its year entered the workflow (workflow.services.versions).
    "version_superseded:kvk_number_changed": _(
        "Het KvK-nummer van de organisatie is gewijzigd en er is een nieuwe versie van de "
        "jaarrekening over %(year)s ontvangen, op %(received_on)s. Dit bericht kon onder het "
        "oude KvK-nummer niet worden verzonden; het is daarom vervangen door de nieuwe versie "
        "en wordt niet meer verzonden. De goedkeuring van dit bericht geldt niet voor de "
        "nieuwe versie. Beoordeel de versie van %(received_on)s."
    ),
    "workflow_unavailable": _("De workflow van deze berichtsoort hoort bij een ander kantoor."),
    "workflow_unavailable:missing_actions": _(
        "De workflow van deze berichtsoort mist de verplichte acties: %(actions)s."
    ),
}

#: The code of the reason of a version closed at 25 because a newer version of its year entered
#: the workflow (workflow.services.versions, both of its keys): no failure of processing,
#: although 25 is the status it ends at (the shared code list has no other, KVK-SBR.md §2).
VERSION_SUPERSEDED = "version_superseded"

#: What such a version's status is called where a person reads it (``status_words``).
SUPERSEDED_LABEL = _("Vervangen door een nieuwere versie")

#: Processing refused the message because the KvK number in its document is not the sending
#: organisation's (connectors.services): it holds another company's accounts, sent with this
#: organisation's token. Its clients must never see that document; the staff do.
KVK_NUMBER_NOT_YOURS = "kvk_number_not_yours"

#: The sentence of a transport failure whose code the catalogue does not know: what it
#: stores, and what a client reads of it (in the client's language, ``sentence``).
UNKNOWN_TRANSPORT = _(
    "Verzenden naar de KvK is niet gelukt. Het accountantskantoor bekijkt dit en verzendt het "
    "bericht opnieuw."
)

#: What the staff read of such a failure instead (``sentence``): the code, what Digipoort
#: said (the reason's detail, when there is one) and what to do at status 70 (the message's
#: page: "Opnieuw verzenden", or "Aflevering gecontroleerd bij Digipoort?").
UNKNOWN_TRANSPORT_STAFF = _(
    "Verzenden naar de KvK is mislukt met code %(code)s, die Deponeer niet kent."
)
UNKNOWN_TRANSPORT_DETAIL = _('Digipoort meldt: "%(detail)s".')
UNKNOWN_TRANSPORT_TODO = _(
    'Controleer wat Digipoort meldt en kies daarna "Opnieuw verzenden", of leg onder '
    '"Aflevering gecontroleerd bij Digipoort?" vast wat u hebt gecontroleerd.'
)

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
    """One stored reason: the catalogue's sentence (or ``message``), in Dutch whatever the
    language of the request that stores it, and the staff detail. A code the catalogue does
    not know gets a general sentence, never the code itself."""
    text = message or _stored(TRANSPORT.get(code, UNKNOWN_TRANSPORT))
    entry = {"code": code, "message": text}
    if detail:
        entry["detail"] = detail[:2000]
    return entry


def _stored(text: Any) -> str:
    """A sentence of the catalogue as a reason stores it: in Dutch, whatever the language of
    the request that stores it."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(text)


def _unknown_transport(entry: dict[str, Any], *, staff: bool) -> str | None:
    """What a person reads of a transport failure whose code the catalogue does not know
    (the reason stores UNKNOWN_TRANSPORT, ``reason``), or None for any other reason: for the
    staff the code, Digipoort's detail and what to do; for a client the general sentence.
    Both in the reader's language."""
    if entry.get("key") or entry.get("message") != _stored(UNKNOWN_TRANSPORT):
        return None
    if not staff:
        return str(UNKNOWN_TRANSPORT)
    words = [str(UNKNOWN_TRANSPORT_STAFF) % {"code": entry.get("code") or "?"}]
    if entry.get("detail"):
        words.append(str(UNKNOWN_TRANSPORT_DETAIL) % {"detail": entry["detail"]})
    return " ".join([*words, str(UNKNOWN_TRANSPORT_TODO)])


#: One finding of Digipoort's validation on a refused document (311): Digipoort's foutcode
#: and text (statusFoutcode, statusdetails; KVK-SBR.md section 5), worded as Digipoort
#: words them. The client's bookkeeping environment corrects the document from them.
DIGIPOORT_FINDING = _("Melding van Digipoort: %(text)s (code %(code)s)")


def refused_at_validation(findings: list[tuple[str, str]], detail: str) -> dict[str, Any]:
    """The reason of a 90 that Digipoort's validation refused (DIGIPOORT_VALIDATION): the
    catalogue's sentence, the staff's detail, and Digipoort's ``findings`` (code, text),
    which a client reads too (``public``), unlike the detail of any other Digipoort
    answer (a 70's stays the staff's)."""
    entry: dict[str, Any] = reason(DIGIPOORT_VALIDATION, detail=detail)
    entry["findings"] = [{"code": code, "message": text} for code, text in findings if text]
    return entry


def _digipoort_findings(entry: dict[str, Any]) -> list[dict[str, str]]:
    """Digipoort's findings of a refusal at its validation, labelled as Digipoort's, for
    every reader; none for any other reason."""
    if entry.get("code") != DIGIPOORT_VALIDATION or not isinstance(entry.get("findings"), list):
        return []
    return [
        {
            "code": str(finding.get("code", "")),
            "message": str(DIGIPOORT_FINDING)
            % {"text": finding.get("message", ""), "code": finding.get("code", "")},
        }
        for finding in entry["findings"]
        if isinstance(finding, dict)
    ]


def transport(reasons: list[dict[str, Any]] | Any) -> list[dict[str, str]]:
    """The reasons of a 70 as they are stored, on the message and in its audit events:
    each with the catalogue's sentence for its code as the message. Any other text a caller
    gave as the message (an exception's text, Digipoort's words) goes to the staff's
    detail, so no person but the staff ever reads it."""
    entries = reasons if isinstance(reasons, list) else []
    stored = []
    for entry in entries:
        if not isinstance(entry, dict):
            entry = {"message": str(entry)}
        code = str(entry.get("code") or "digipoort_technical")
        given = str(entry.get("message") or "")
        detail = str(entry.get("detail") or "")
        if given and given != reason(code)["message"] and given not in detail:
            detail = f"{given}\n{detail}" if detail else given
        stored.append(reason(code, detail=detail))
    return stored


def ours(key: str, params: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """A reason in our own words: a sentence of ``PROCESSING`` or of workflow.errors'
    catalogue with its params, read in the reader's language (``sentence``). ``message``
    holds it in Dutch whatever the language of the request that stores it. Lazy params
    (a status label) are not stored: a status label is read again from the status
    (``_readable_params``)."""
    with translation.override(settings.LANGUAGE_CODE):
        text = _render(key, _readable_params(params))
    kept = {name: value for name, value in (params or {}).items() if not isinstance(value, Promise)}
    entry: dict[str, Any] = {"code": code_of(key), "message": text, "key": key}
    if kept:
        entry["params"] = kept
    return entry


def _render(key: str, params: Mapping[str, Any] | None) -> str:
    """The sentence of ``key`` in the current language, from either catalogue."""
    if key in PROCESSING:
        return str(PROCESSING[key]) % dict(params or {})
    return render(key, params)


def bilingual(code: str, message_nl: str, message_en: str) -> dict[str, str]:
    """A reason whose source words it in both languages (the parser, the KvK checks): a
    finding of the document's own checks (``document_finding``)."""
    return {"code": code, "message": message_nl, "message_en": message_en}


def document_finding(entry: dict[str, Any] | Any) -> bool:
    """Whether a stored reason is a finding of the document's own checks (the parser, the
    KvK's filing rules and formulas, ``bilingual``): the only reasons worded in two
    languages by their source."""
    return isinstance(entry, dict) and bool(entry.get("message_en"))


#: What a client reads in the portal instead of the findings of the document's checks: those
#: speak of concepts and the KvK's formula files, for the staff and for the client's
#: bookkeeping environment, where the document is corrected (it reads them over the API).
DOCUMENT_FINDINGS = _(
    "De stukken voldoen niet aan de regels van de KvK en konden daarom niet worden verwerkt. "
    "Uw administratie corrigeert ze en stuurt een nieuwe versie; uw accountant ziet precies "
    "wat er moet veranderen."
)


#: What a reason carries for the portal's own reading, never shown as such to a client.
_INTERNAL = ("detail", "key", "params", "message_en", "findings")


def _readable_params(params: Any) -> dict[str, Any]:
    """The stored params, with the label of a status and any day in the reader's language."""
    readable = dict(params) if isinstance(params, Mapping) else {}
    if "status" in readable and "status_label" not in readable:
        readable["status_label"] = status_label(readable["status"])
    for name in DAY_PARAMS:
        if isinstance(readable.get(name), str):
            readable[name] = format_day(date.fromisoformat(readable[name]))
    return readable


def sentence(entry: dict[str, Any] | Any, *, staff: bool = False) -> str:
    """What a person reads of a stored reason, in the reader's language: the catalogue's
    sentence for a code or key it knows, the English words of a source that gave both to
    an English reader, otherwise the stored message (a client's own reason, the KvK's
    words, a reason stored before it carried more). Never the code or the technical
    detail, but to the ``staff`` of a transport failure whose code the catalogue does not
    know: they read the code and Digipoort's words, to act on them (``_unknown_transport``).
    """
    if not isinstance(entry, dict):
        return str(entry or "")
    code = entry.get("code")
    if code in TRANSPORT:
        return str(TRANSPORT[code])
    if code in KVK_REFUSALS:
        return str(KVK_REFUSALS[code])
    unknown = _unknown_transport(entry, staff=staff)
    if unknown is not None:
        return unknown
    key = entry.get("key")
    if isinstance(key, str) and (key in PROCESSING or key in SENTENCES):
        try:
            return _render(key, _readable_params(entry.get("params")))
        except (KeyError, TypeError, ValueError):
            pass  # params the sentence no longer fits: the words as they were stored
    english = (translation.get_language() or "").startswith("en")
    if english and entry.get("message_en"):
        return str(entry["message_en"])
    return str(entry.get("message") or "")


def public(reasons: list[dict[str, Any]] | Any) -> list[dict[str, Any]]:
    """The reasons without their technical detail: what a client may see, each with its
    sentence in the reader's language (``sentence``) as the message. A refusal at
    Digipoort's validation is followed by Digipoort's findings, one reason each."""
    if not isinstance(reasons, list):
        return []
    shown: list[dict[str, Any]] = []
    for entry in reasons:
        findings = []
        if isinstance(entry, dict):
            text, findings = sentence(entry), _digipoort_findings(entry)
            entry = {key: value for key, value in entry.items() if key not in _INTERNAL}
            entry["message"] = text
        shown += [entry, *findings]
    return shown


def in_plain_words(reasons: list[dict[str, Any]] | Any) -> list[dict[str, Any]]:
    """What a client reads in the portal: ``public``, with the findings of the document's
    checks (``document_finding``) in one plain sentence (DOCUMENT_FINDINGS), where the
    first of them stood."""
    if not isinstance(reasons, list):
        return []
    shown: list[dict[str, Any]] = []
    plain_given = False
    for entry in reasons:
        if not document_finding(entry):
            shown += public([entry])
        elif not plain_given:
            shown.append({"message": str(DOCUMENT_FINDINGS)})
            plain_given = True
    return shown


def second_filing(reasons: list[dict[str, Any]] | Any) -> bool:
    """Whether the KvK refused these as a second adopted filing for the year (SECOND_FILING):
    no corrected version follows, but nothing (the year is filed) or a heraanlevering."""
    return isinstance(reasons, list) and any(
        isinstance(entry, dict) and entry.get("code") == SECOND_FILING for entry in reasons
    )


def refused_by_digipoort(reasons: list[dict[str, Any]] | Any) -> bool:
    """Whether a 90 is Digipoort's own refusal at its validation (status 311,
    DIGIPOORT_VALIDATION), before the KvK received the document: not the KvK's verdict."""
    return isinstance(reasons, list) and any(
        isinstance(entry, dict) and entry.get("code") == DIGIPOORT_VALIDATION for entry in reasons
    )


def another_company(reasons: list[dict[str, Any]] | Any) -> bool:
    """Whether these reasons say the document is another company's (KVK_NUMBER_NOT_YOURS)."""
    return isinstance(reasons, list) and any(
        isinstance(entry, dict) and entry.get("code") == KVK_NUMBER_NOT_YOURS for entry in reasons
    )


def superseded(reasons: list[dict[str, Any]] | Any) -> bool:
    """Whether these reasons say a newer version of the year replaced the message
    (VERSION_SUPERSEDED): it did not fail, nothing is to be corrected."""
    return isinstance(reasons, list) and any(
        isinstance(entry, dict) and entry.get("code") == VERSION_SUPERSEDED for entry in reasons
    )


def status_words(status: int, reasons: list[dict[str, Any]] | Any) -> str:
    """The label of a status (kvk.status), in the reader's language; a 25 that a newer
    version closed (``superseded``) is called replaced, its code staying 25."""
    if status == Status.PROCESSING_FAILED and superseded(reasons):
        return str(SUPERSEDED_LABEL)
    return status_label(status)
