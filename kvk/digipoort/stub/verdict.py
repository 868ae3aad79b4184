"""KvK's verdict in the local Digipoort: what an XBRL instance says, judged by simple rules.

Refused when the KvK number in the instance is missing or differs from
identiteitBelanghebbende, or when it is a second adopted filing for the same KvK number and
financial year.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from .. import validation

KVK_ID_SCHEME = "http://www.kvk.nl/kvk-id"
XBRLI = validation.XBRLI


@dataclass(frozen=True)
class Verdict:
    accepted: bool
    well_formed: bool
    reasons: list[tuple[str, str]]
    kvk_number: str = ""
    year: int | None = None
    adopted: bool = False
    resubmission: bool = False


def _fact_text(root: etree._Element, localname: str) -> str:
    for node in root.iter():
        if isinstance(node.tag, str) and etree.QName(node).localname == localname:
            return (node.text or "").strip()
    return ""


def inspect_instance(content: bytes) -> Verdict:
    """What the rules need from an XBRL instance; one that Digipoort's validation refuses
    (kvk.digipoort.validation, status 311) gives well_formed=False."""
    root, refused = validation.read_instance(content)
    if root is None:
        return Verdict(False, False, [(f.code, f.message_nl) for f in refused])
    numbers = {
        (node.text or "").strip()
        for node in root.iter(f"{{{XBRLI}}}identifier")
        if node.get("scheme") == KVK_ID_SCHEME
    }
    registered = _fact_text(root, "ChamberOfCommerceRegistrationNumber")
    if registered:
        numbers.add(registered)
    # The financial year is the year in which it begins (KVK-SBR.md section 3), so a year
    # 2025-07-01..2026-06-30 is 2025. Without the metadata fact, the latest start date of
    # a duration context is the current period's start.
    start = _fact_text(root, "FinancialReportingPeriodCurrentStartDate")
    if not start:
        starts = [(n.text or "").strip() for n in root.iter(f"{{{XBRLI}}}startDate")]
        start = max(starts) if starts else ""
    year = int(start[:4]) if len(start) >= 4 and start[:4].isdigit() else None
    yes = ("ja", "yes", "true")
    return Verdict(
        accepted=True,
        well_formed=True,
        reasons=[],
        kvk_number=",".join(sorted(numbers)),
        year=year,
        adopted=_fact_text(root, "DocumentAdoptionStatus").lower() in yes,
        resubmission=(
            _fact_text(root, "DocumentResubmissionDueToUnsurmountableInaccuracies").lower() in yes
        ),
    )


def judge(content: bytes, kvk_number: str, already_filed: set[tuple[str, int]]) -> Verdict:
    """KvK's verdict by our rules; ``already_filed`` holds (KvK number, year) of accepted
    adopted filings."""
    found = inspect_instance(content)
    if not found.well_formed:
        return found
    reasons = []
    if not found.kvk_number:
        reasons.append(("KVK001", "De instance bevat geen KvK-nummer (identifier, kvk-id)"))
    elif found.kvk_number != kvk_number:
        reasons.append(
            (
                "KVK002",
                f"KvK-nummer in de instance ({found.kvk_number}) wijkt af van de "
                f"belanghebbende ({kvk_number})",
            )
        )
    if (
        found.adopted
        and not found.resubmission
        and found.year is not None
        and (kvk_number, found.year) in already_filed
    ):
        reasons.append(
            (
                "KVK003",
                f"Voor KvK-nummer {kvk_number} is over boekjaar {found.year} al een "
                "vastgestelde jaarrekening gedeponeerd",
            )
        )
    return Verdict(
        accepted=not reasons,
        well_formed=True,
        reasons=reasons,
        kvk_number=kvk_number,
        year=found.year,
        adopted=found.adopted,
        resubmission=found.resubmission,
    )
