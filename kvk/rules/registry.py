"""The registry of rule checks: one small function per rule code, registered with
``@rule(code, stage)``.

A check is given an ``Emit`` bound to its code (it can report nothing else) and what its
stage looks at. The stages run in the order of ``Stage``; within a stage, the checks run
in the order they were registered, item by item, so the findings come in the order of
the document and, for one item, of the rules.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from kvk.parser import ParsedInstance
from kvk.rules.codes import RULES
from kvk.rules.report import Emit, Report

T = TypeVar("T")
C = TypeVar("C", bound=Callable[..., None])


class Stage(enum.Enum):
    """When a check runs, and what it is given after its ``Emit``: the file
    (kvk.rules.file.RawFile) or the Subject, and for a stage that runs per item the item."""

    FILE = "file"  # the file's bytes and name, before parsing
    ROOT = "root"  # the root element, its language and its schemaRef
    ATTRIBUTE = "attribute"  # each namespaced attribute
    DOCUMENT = "document"  # the elements and namespaces of the whole document
    CHARACTER_REFERENCES = "character-references"  # the facts, when the file has "&#"
    CONTEXT = "context"  # each context
    CONTEXT_DATE = "context-date"  # each date of a dated context (contexts.ContextDate)
    DATED_CONTEXT = "dated-context"  # each context that is not 'forever'
    UNIT = "unit"  # each unit
    UNITS = "units"  # all units together
    FACT = "fact"  # each fact
    UNKNOWN_CONCEPT = "unknown-concept"  # each fact the model lacks (concepts.UnknownFact)
    CONCEPT = "concept"  # each fact of a concept of the model (concepts.ConceptFact)
    BUSINESS = "business"  # the periods, dates and flags of the filing
    CONTENTS = "contents"  # the parts of the filing


@dataclass(frozen=True)
class Rule:
    code: str
    stage: Stage
    check: Callable[..., None]


_REGISTERED: list[Rule] = []


def rule(code: str, stage: Stage) -> Callable[[C], C]:
    """Register a check of rule ``code`` (a code of kvk.rules.codes.RULES) at ``stage``."""
    if code not in RULES:
        raise KeyError(f"{code} is not in RULES")

    def register(check: C) -> C:
        _REGISTERED.append(Rule(code, stage, check))
        return check

    return register


def registered() -> tuple[Rule, ...]:
    """Every registered check, in the order of registration."""
    return tuple(_REGISTERED)


def codes() -> frozenset[str]:
    """The codes that have a registered check."""
    return frozenset(r.code for r in _REGISTERED)


Bound = tuple[tuple[Callable[..., None], Emit], ...]


def bound(report: Report, stage: Stage) -> Bound:
    """The checks of a stage, each with its emitter into ``report``."""
    return tuple((r.check, report.emitter(r.code)) for r in _REGISTERED if r.stage is stage)


def run_once(report: Report, stage: Stage, subject: Any) -> None:
    """Run the checks of a stage that looks at the whole document once."""
    for check, emit in bound(report, stage):
        check(emit, subject)


def run_each(report: Report, stage: Stage, subject: Subject, items: Iterable[Any]) -> None:
    """Run the checks of a stage on each item, all checks on one item before the next."""
    checks = bound(report, stage)
    for item in items:
        for check, emit in checks:
            check(emit, subject, item)


def run_bound(checks: Bound, subject: Subject, item: Any) -> None:
    """Run checks (``bound``) on one item, for a stage runner that picks its items."""
    for check, emit in checks:
        check(emit, subject, item)


class Subject:
    """The instance under check with the circumstances of its filing. What several checks
    need is worked out once per check run (``shared``)."""

    def __init__(
        self,
        inst: ParsedInstance,
        *,
        filing_date: date,
        expected_kvk_number: str | None,
        size_class: str | None,
    ) -> None:
        self.inst = inst
        self.filing_date = filing_date
        self.expected_kvk_number = expected_kvk_number
        self.size_class = size_class
        self._shared: dict[Callable[[Subject], Any], Any] = {}

    def shared(self, make: Callable[[Subject], T]) -> T:
        """``make(self)``, computed on the first call only."""
        try:
            result: T = self._shared[make]
        except KeyError:
            result = self._shared[make] = make(self)
        return result
