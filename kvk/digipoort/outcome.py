"""What a Digipoort timeline means for our message: stay at 60, or move to 70, 80 or 90.

``CODES`` is the status table of Digipoort for this berichtsoort, as data, so a new or
renumbered code is a one-line change. Sources, per code (``source`` on each entry):

- LOGIUS: Logius, "Statussen en foutcodes Digipoort" (version 1.6, 8 February 2022), the
  table of statuses with "einde ja/nee" per code (also Logius' "metrokaart" of the
  Digipoort statuses: 105/100/110, 301/311/321, 405/400/410/420 and the 72 hours of retries
  after which 420 stays with foutcode AFS600);
- CONFORMANCE: the answers of Digipoort's conformance environment as logged by public WUS
  sample clients: 500 "Validatie bij de uitvragende partij gelukt" ends a successful
  delivery. The refusal counterpart 510 follows the same numbering and is to be confirmed in
  the preproduction test (the KvK's own codes are not public, KVK-SBR.md section 5).

``final`` is Logius' "einde": the process at Digipoort has ended with this status.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import Enum
from typing import Any

from django.utils.translation import gettext_lazy as _

from kvk.status import Status

from .client import DigipoortStatus

LOGIUS = "Logius, Statussen en foutcodes Digipoort v1.6 (2022)"
CONFORMANCE = "Digipoort conformance environment (public WUS sample logs); 510 to confirm"

#: Digipoort retries delivery to the receiving party (status 420) for 72 hours (LOGIUS).
RETRY_420_HOURS = 72
#: The foutcode of a 420 after which Digipoort stopped retrying (LOGIUS, metrokaart).
RETRIES_ENDED_FOUTCODE = "AFS600"


class Kind(Enum):
    PROGRESS = "progress"  # still on its way: we are (still) at 60
    WAIT = "wait"  # a hitch Digipoort resolves itself (it retries for 72 hours): keep polling
    FINAL = "final"  # the end of the timeline ("einde: ja")


#: Our reason for a refusal by Digipoort's own validation (311), before the KvK received the
#: document (KVK-SBR.md section 5): no verdict of the KvK, so no reasons of the KvK's either.
DIGIPOORT_VALIDATION = "digipoort_validation"


@dataclass(frozen=True)
class CodeMeaning:
    kind: Kind
    status: int | None  # our status once this code is the decisive one
    label: str  # Digipoort's wording
    source: str
    #: Our reason code for a 70 or 90 (workflow.reasons turns it into a sentence).
    reason: str = ""
    #: For a 70: whether sending again (a new delivery) may succeed without a person acting.
    retryable: bool = False

    @property
    def final(self) -> bool:
        return self.kind is Kind.FINAL


_P, _W, _F = Kind.PROGRESS, Kind.WAIT, Kind.FINAL
_SENT, _ERR = Status.SENT_TO_KVK, Status.TRANSPORT_ERROR

#: Digipoort status code -> what it means for the approval message.
CODES: dict[int, CodeMeaning] = {
    105: CodeMeaning(_P, _SENT, "Aanleverproces gestart", LOGIUS),
    100: CodeMeaning(_P, _SENT, "Aanleveren gelukt", LOGIUS),
    110: CodeMeaning(_P, _SENT, "Aanleverproces wordt aangeboden", LOGIUS),
    200: CodeMeaning(_P, _SENT, "Authenticatie gelukt", LOGIUS),
    # The sender (our certificate) is not authorised: no verdict on the filing, and sending
    # again only helps after someone fixed the certificate or the authorisation.
    210: CodeMeaning(_F, _ERR, "Authenticatie mislukt", LOGIUS, "digipoort_authentication"),
    230: CodeMeaning(
        _F,
        _ERR,
        "Technisch probleem bij de autorisatieserviceprovider",
        LOGIUS,
        "digipoort_technical",
        retryable=True,
    ),
    301: CodeMeaning(_P, _SENT, "Validatie gelukt", LOGIUS),
    # Digipoort's validation (XBRL, taxonomy, the KvK's filing rules) refused the document:
    # only a corrected document can be filed.
    311: CodeMeaning(_F, Status.REFUSED, "Validatie mislukt", LOGIUS, DIGIPOORT_VALIDATION),
    321: CodeMeaning(
        _F, _ERR, "Technisch probleem bij validatie", LOGIUS, "digipoort_technical", True
    ),
    405: CodeMeaning(_P, _SENT, "Afleveren naar uitvragende partij bezig", LOGIUS),
    400: CodeMeaning(_P, _SENT, "Afleveren uitvragende partij gelukt", LOGIUS),
    410: CodeMeaning(
        _F, _ERR, "Afleveren uitvragende partij niet gelukt", LOGIUS, "kvk_not_delivered", True
    ),
    420: CodeMeaning(
        _W,
        None,
        "Technisch probleem bij afleveren uitvragende partij",
        LOGIUS,
        "kvk_not_delivered",
        True,
    ),
    500: CodeMeaning(_F, Status.FILED, "Validatie bij de uitvragende partij gelukt", CONFORMANCE),
    510: CodeMeaning(
        _F,
        Status.REFUSED,
        "Validatie bij de uitvragende partij niet gelukt",
        CONFORMANCE,
        "kvk_refused",
    ),
}


#: Each status code of CODES in our own words, for everyone who follows a delivery (the
#: client too: no Digipoort jargon such as "uitvragende partij", which is the KvK). What
#: Digipoort itself says stays with each status it answers (``description``); the staff read
#: it too. A code without a label here is shown as Digipoort words it.
LABELS: dict[int, Any] = {
    105: _("Verzending naar Digipoort begonnen"),
    100: _("Ontvangen door Digipoort"),
    110: _("Digipoort neemt het bericht in behandeling"),
    200: _("Afzender herkend door Digipoort"),
    210: _("Digipoort heeft de afzender niet herkend"),
    230: _("Technisch probleem bij Digipoort bij het herkennen van de afzender"),
    301: _("Goedgekeurd bij de controle door Digipoort"),
    311: _("Afgekeurd bij de controle door Digipoort"),
    321: _("Technisch probleem bij de controle door Digipoort"),
    405: _("Wordt afgeleverd bij de KvK"),
    400: _("Afgeleverd bij de KvK"),
    410: _("Afleveren bij de KvK is niet gelukt"),
    420: _("Technisch probleem bij het afleveren bij de KvK; Digipoort probeert het opnieuw"),
    500: _("Aangenomen door de KvK"),
    510: _("Afgekeurd door de KvK"),
}


def label(code: Any) -> str:
    """Our words for a Digipoort status code in the current language, or "" for a code
    without a label (the caller shows Digipoort's own words)."""
    try:
        text = LABELS.get(int(code))
    except (TypeError, ValueError):
        return ""
    return str(text) if text is not None else ""


class Attention(Enum):
    """Why a message at 60 is put before the staff while we keep polling."""

    UNKNOWN_STATUS = "unknown_status"  # a code not in CODES
    RETRIES_OVERDUE = "retries_overdue"  # 420 for longer than Digipoort's 72 hours
    NO_VERDICT = "no_verdict"  # delivered to the KvK long ago, no verdict yet


@dataclass(frozen=True)
class Outcome:
    """``status``: 60, 70, 80 or 90, or None when the timeline says nothing new yet.

    ``reasons``: (code, message) pairs explaining a 70 or 90, or the hitch behind a wait.
    ``reason``: our reason code (CodeMeaning.reason) for a 70 or 90; ``retryable``: for a
    70, whether a new delivery may be tried without a person. ``attention``: set when a
    person should look although the message stays at 60; ``raw`` then names the code(s).
    """

    status: int | None
    reasons: list[tuple[str, str]] = field(default_factory=list)
    reason: str = ""
    retryable: bool = False
    attention: Attention | None = None
    raw: str = ""


def _reasons(status: DigipoortStatus) -> list[tuple[str, str]]:
    """Reasons from one status: ``details`` lines "CODE: message", else the foutcode."""
    reasons = []
    for line in status.details.splitlines():
        code, sep, message = line.partition(": ")
        if sep and code.strip() and " " not in code.strip():
            reasons.append((code.strip(), message.strip()))
    if not reasons and (status.error_code or status.details):
        reasons.append(
            (status.error_code or str(status.code), status.details or status.description)
        )
    if not reasons:
        reasons.append((str(status.code), status.description))
    return reasons


def _raw(status: DigipoortStatus) -> str:
    text = f"{status.code} {status.description}".strip()
    return f"{text} ({status.error_code})" if status.error_code else text


def outcome(
    statuses: list[DigipoortStatus],
    *,
    now: datetime | None = None,
    no_verdict_after: timedelta | None = None,
    sent_at: datetime | None = None,
) -> Outcome:
    """Read a delivery's timeline (as returned by ``DigipoortClient.statuses``).

    The first final status decides. A 420 with foutcode AFS600 means Digipoort stopped its
    retries: the delivery failed (70). Otherwise the message stays at 60, and is put before
    the staff (``attention``) when the timeline holds a code we do not know, when a 420 has
    lasted longer than Digipoort's 72 hours (``now`` given), or when no verdict has come
    ``no_verdict_after`` the delivery (``sent_at``, else the first status), whatever the
    last status says.
    """
    timeline = sorted(statuses, key=lambda s: s.timestamp)
    decided = _decided(timeline)
    if decided is not None:
        return decided
    latest = next((s for s in reversed(timeline) if s.code in CODES), None)
    result = _pending(latest)
    if any(s.code not in CODES for s in timeline):
        return _unknown_codes(timeline, result)
    if now is None:
        return result
    if latest is not None and _retries_overdue(timeline, latest, now):
        return replace(result, status=None, attention=Attention.RETRIES_OVERDUE, raw=_raw(latest))
    if no_verdict_after is not None and _waited_longer(timeline, sent_at, now, no_verdict_after):
        raw = _raw(latest) if latest is not None else "geen status"
        return replace(result, attention=Attention.NO_VERDICT, raw=raw)
    return result


def _decided(timeline: list[DigipoortStatus]) -> Outcome | None:
    """The outcome of the first final status (or 420 whose retries ended), if any."""
    for status in timeline:
        meaning = CODES.get(status.code)
        if meaning is None:
            continue
        ended_420 = status.code == 420 and status.error_code == RETRIES_ENDED_FOUTCODE
        if meaning.final or ended_420:
            target = _ERR if ended_420 else meaning.status
            return Outcome(
                status=target,
                reasons=_reasons(status) if target != Status.FILED else [],
                reason=meaning.reason,
                retryable=meaning.retryable,
                raw=_raw(status),
            )
    return None


def _pending(latest: DigipoortStatus | None) -> Outcome:
    """Where an undecided timeline leaves us by its latest known status: the status it
    implies, or for a wait (420) no new status and the hitch as reasons."""
    if latest is None:
        return Outcome(status=None)
    meaning = CODES[latest.code]
    if meaning.kind is Kind.WAIT:
        return Outcome(status=None, reasons=_reasons(latest), reason=meaning.reason)
    return Outcome(status=meaning.status)


def _unknown_codes(timeline: list[DigipoortStatus], result: Outcome) -> Outcome:
    """``result`` put before the staff because the timeline holds codes we do not know."""
    unknown = [s for s in timeline if s.code not in CODES]
    return replace(
        result, attention=Attention.UNKNOWN_STATUS, raw=", ".join(_raw(s) for s in unknown)
    )


def _retries_overdue(
    timeline: list[DigipoortStatus], latest: DigipoortStatus, now: datetime
) -> bool:
    """Whether the timeline ends in a 420 that began longer than Digipoort's 72 hours ago."""
    if latest.code != 420:
        return False
    first_420 = next(s for s in timeline if s.code == 420)
    return now - first_420.timestamp > timedelta(hours=RETRY_420_HOURS)


def _waited_longer(
    timeline: list[DigipoortStatus], sent_at: datetime | None, now: datetime, limit: timedelta
) -> bool:
    """Whether more than ``limit`` passed since the delivery (``sent_at``, else the first
    status); False when neither is known."""
    start = sent_at or (timeline[0].timestamp if timeline else None)
    return start is not None and now - start > limit
