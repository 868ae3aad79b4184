"""The statuses of a delivery over time: Digipoort's status wording and the scenarios.

Each planned status has a wait before it ("after"); the "normal" scenario moves on one
status per ``step_seconds``. Other scenarios play what the real Digipoort does over hours
and days.
"""

from __future__ import annotations

from typing import Any

from .verdict import Verdict

#: Status codes and their wording as Digipoort answers them (Logius, "Statussen en foutcodes
#: Digipoort", v1.6, 2022). 500/510 (validation at the receiving party, here the KvK,
#: succeeded / failed) as Digipoort's conformance environment answers them. 999 is ours: a
#: code the client's table does not know, to test that it is not misread.
DESCRIPTIONS = {
    100: "Aanleveren gelukt",
    105: "Aanleverproces gestart",
    110: "Aanleverproces wordt aangeboden",
    200: "Authenticatie gelukt",
    210: "Authenticatie mislukt",
    230: "Technisch probleem bij de autorisatieserviceprovider",
    301: "Validatie gelukt",
    311: "Validatie mislukt",
    321: "Technisch probleem bij validatie",
    400: "Afleveren uitvragende partij gelukt",
    405: "Afleveren naar uitvragende partij bezig",
    410: "Afleveren uitvragende partij niet gelukt",
    420: "Technisch probleem bij afleveren uitvragende partij",
    500: "Validatie bij de uitvragende partij gelukt",
    510: "Validatie bij de uitvragende partij niet gelukt",
    999: "Onbekende status",
}

HOUR = 3600.0
#: How long Digipoort retries delivery to the receiving party after a 420 before it gives
#: up with a last 420 and foutcode AFS600 (Logius, "Statussen en foutcodes Digipoort").
RETRY_WINDOW_SECONDS = 72 * HOUR
KVK_SLOW_SECONDS = 6 * HOUR  # "kvk_slow": from 400 to the verdict
RETRY_RECOVERS_SECONDS = 10 * HOUR  # "retry_420_recovers": from 420 to 400
UNKNOWN_CODE = 999
UNKNOWN_CODE_SECONDS = 48 * HOUR  # "unknown_code": from 999 to 400

#: The scenarios a delivery can follow (``Faults.scenarios`` / ``default_scenario``). After
#: status 100 (received), with one ``step_seconds`` between statuses unless said otherwise.
#: A not-well-formed instance ends at 311/VAS500 in every scenario that gets as far as
#: validation.
SCENARIOS = {
    "normal": "200, 301, 405, 400, then the verdict (500, or 510 with reasons)",
    "kvk_slow": "as normal, but the verdict comes 6 hours after 400",
    "retry_420_recovers": "200, 301, 405, 420; 10 hours later 400 and the verdict",
    "retry_420_ends": "200, 301, 405, 420; 72 hours later a last 420 with AFS600 (final)",
    "auth_failed": "210 (authentication of the sender failed; final)",
    "ausp_problem": "230 (technical problem at the authorisation service provider; final)",
    "validation_failed": "200, 311 with VAS500 (final)",
    "validation_technical": "200, 321 with VAS400 (final)",
    "delivery_failed": "200, 301, 405, 410 with AFS400 (final)",
    "unknown_code": "200, 301, 405, 999; 48 hours later 400 and the verdict",
    "silent": "200, 301, 405, 400 and then nothing ever (the KvK never answers)",
}


def _planned(after: float, code: int, error_code: str = "", reasons=()) -> dict[str, Any]:
    entry: dict[str, Any] = {"code": code, "after": float(after)}
    if error_code:
        entry["error_code"] = error_code
    if reasons:
        entry["reasons"] = [list(reason) for reason in reasons]
        entry.setdefault("error_code", reasons[0][0])
    return entry


def scenario_plan(scenario: str, verdict: Verdict, step: float) -> list[dict[str, Any]]:
    """The statuses after 100 for a delivery in ``scenario``, each with its wait ("after")."""
    if scenario not in SCENARIOS:
        raise ValueError(f"unknown scenario {scenario!r}")
    if scenario == "auth_failed":
        return [_planned(step, 210)]
    if scenario == "ausp_problem":
        return [_planned(step, 230)]
    if scenario == "validation_failed":
        return [_planned(step, 200), _planned(step, 311, "VAS500")]
    if scenario == "validation_technical":
        return [_planned(step, 200), _planned(step, 321, "VAS400")]
    if not verdict.well_formed:
        return [_planned(step, 200), _planned(step, 311, "VAS500", verdict.reasons)]
    offered = [_planned(step, 200), _planned(step, 301), _planned(step, 405)]

    def decision(after: float) -> dict[str, Any]:
        if verdict.accepted:
            return _planned(after, 500)
        return _planned(after, 510, reasons=verdict.reasons)

    plans = {
        "normal": lambda: [_planned(step, 400), decision(step)],
        "kvk_slow": lambda: [_planned(step, 400), decision(KVK_SLOW_SECONDS)],
        "retry_420_recovers": lambda: [
            _planned(step, 420),
            _planned(RETRY_RECOVERS_SECONDS, 400),
            decision(step),
        ],
        "retry_420_ends": lambda: [
            _planned(step, 420),
            _planned(RETRY_WINDOW_SECONDS, 420, "AFS600"),
        ],
        "delivery_failed": lambda: [_planned(step, 410, "AFS400")],
        "unknown_code": lambda: [
            _planned(step, UNKNOWN_CODE),
            _planned(UNKNOWN_CODE_SECONDS, 400),
            decision(step),
        ],
        "silent": lambda: [_planned(step, 400)],
    }
    return offered + plans[scenario]()


def check_scenario(name: Any) -> str:
    if not isinstance(name, str) or name not in SCENARIOS:
        raise ValueError(f"unknown scenario {name!r}; known: {', '.join(SCENARIOS)}")
    return name
