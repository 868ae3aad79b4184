"""Findings, and the report the rules add them to."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from kvk.rules.codes import ERROR, RULES

MAX_REPEATS = 10  # findings of one code per document; the rest is summarised


@dataclass(frozen=True)
class Finding:
    code: str
    severity: str  # "error" | "warning"
    message_nl: str
    message_en: str
    line: int | None = None
    #: The technical cause (libxml2's words), for the staff only; never in the sentences.
    detail: str = ""

    @property
    def message(self) -> str:
        """The Dutch message (the product speaks Dutch first)."""
        return self.message_nl

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    def to_dict(self, language: str = "nl") -> dict[str, object]:
        return {
            "code": self.code,
            "severity": self.severity,
            "message": self.message_en if language == "en" else self.message_nl,
            "line": self.line,
        }


def has_errors(findings: Iterable[Finding]) -> bool:
    return any(f.severity == ERROR for f in findings)


class Report:
    """The findings of one check, at most MAX_REPEATS of a code (kvk.formulas adds its
    assertions' findings here too)."""

    def __init__(self) -> None:
        self.findings: list[Finding] = []
        self._counts: Counter[str] = Counter()

    def add(
        self, code: str, nl: str, en: str, line: int | None = None, severity: str | None = None
    ) -> None:
        self._counts[code] += 1
        if self._counts[code] > MAX_REPEATS:
            return
        self.findings.append(Finding(code, severity or RULES[code][0], nl, en, line))

    def emitter(self, code: str) -> Emit:
        """What a registered check of ``code`` reports through."""
        return Emit(self, code)

    def finish(self) -> list[Finding]:
        for code, count in self._counts.items():
            if count > MAX_REPEATS:
                extra = count - MAX_REPEATS
                severity = next(f.severity for f in self.findings if f.code == code)
                self.findings.append(
                    Finding(
                        code,
                        severity,
                        f"En nog {extra} meldingen van dezelfde regel {code}.",
                        f"And {extra} more findings of rule {code}.",
                    )
                )
        return self.findings


@dataclass(frozen=True)
class Emit:
    """Adds findings of one rule code to a report: a check can report only the code it is
    registered for."""

    report: Report
    code: str

    def __call__(
        self, nl: str, en: str, line: int | None = None, *, severity: str | None = None
    ) -> None:
        self.report.add(self.code, nl, en, line, severity)
