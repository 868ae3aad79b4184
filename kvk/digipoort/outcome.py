"""What a Digipoort timeline means for our message: the mapping to statuses 60/70/80/90.

The mapping is a data table (``CODES``) so that a new or renumbered Digipoort or KvK code is
a one-line change. Digipoort's own codes are public (KVK-SBR.md section 5); the codes of
KvK's verdict are not, so 500/510 are the ones our local Digipoort uses and are to be
confirmed against the real Digipoort during the preproduction test.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from kvk.status import Status

from .client import DigipoortStatus


class Kind(Enum):
    PROGRESS = "progress"  # still on its way: we are (still) at 60
    WAIT = "wait"  # a hitch Digipoort resolves itself (it retries for 72 hours): keep polling
    FINAL = "final"  # the end of the timeline


@dataclass(frozen=True)
class CodeMeaning:
    kind: Kind
    status: int | None
    label: str


#: Digipoort status code -> what it means for the approval message.
CODES: dict[int, CodeMeaning] = {
    105: CodeMeaning(Kind.PROGRESS, Status.SENT_TO_KVK, "Aanleverproces gestart"),
    100: CodeMeaning(Kind.PROGRESS, Status.SENT_TO_KVK, "Aanleveren gelukt"),
    110: CodeMeaning(Kind.PROGRESS, Status.SENT_TO_KVK, "Aanleverproces wordt aangeboden"),
    200: CodeMeaning(Kind.PROGRESS, Status.SENT_TO_KVK, "Authenticatie gelukt"),
    210: CodeMeaning(Kind.FINAL, Status.REFUSED, "Authenticatie mislukt"),
    301: CodeMeaning(Kind.PROGRESS, Status.SENT_TO_KVK, "Validatie gelukt"),
    311: CodeMeaning(Kind.FINAL, Status.REFUSED, "Validatie mislukt"),
    # 321 ends Digipoort's process without a verdict: the filing itself may be fine, so it
    # is a transport error (70) and a new attempt with a new aanleverkenmerk may follow.
    321: CodeMeaning(Kind.FINAL, Status.TRANSPORT_ERROR, "Technisch probleem bij validatie"),
    405: CodeMeaning(Kind.PROGRESS, Status.SENT_TO_KVK, "Aangeboden aan KvK"),
    400: CodeMeaning(Kind.PROGRESS, Status.SENT_TO_KVK, "Afgeleverd bij KvK"),
    410: CodeMeaning(Kind.FINAL, Status.TRANSPORT_ERROR, "Afleveren bij KvK mislukt"),
    420: CodeMeaning(Kind.WAIT, None, "Technisch probleem bij KvK (Digipoort probeert opnieuw)"),
    500: CodeMeaning(Kind.FINAL, Status.FILED, "Gedeponeerd bij KvK"),
    510: CodeMeaning(Kind.FINAL, Status.REFUSED, "Afgekeurd door KvK"),
}


@dataclass(frozen=True)
class Outcome:
    """``status``: 60, 70, 80 or 90, or None when the timeline says nothing new yet.

    ``reasons``: (code, message) pairs explaining a 70 or 90, or the hitch behind a wait.
    """

    status: int | None
    reasons: list[tuple[str, str]] = field(default_factory=list)


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


def outcome(statuses: list[DigipoortStatus]) -> Outcome:
    """Read a delivery's timeline (as returned by ``DigipoortClient.statuses``).

    The first final status decides; otherwise the latest known status does. A code not in
    the table counts as "nothing new" so an unexpected code never moves a message.
    """
    timeline = sorted(statuses, key=lambda s: s.timestamp)
    for status in timeline:
        meaning = CODES.get(status.code)
        if meaning is not None and meaning.kind is Kind.FINAL:
            reasons = _reasons(status) if meaning.status != Status.FILED else []
            return Outcome(status=meaning.status, reasons=reasons)
    for status in reversed(timeline):
        meaning = CODES.get(status.code)
        if meaning is None:
            continue
        if meaning.kind is Kind.WAIT:
            return Outcome(status=None, reasons=_reasons(status))
        return Outcome(status=meaning.status)
    return Outcome(status=None)
