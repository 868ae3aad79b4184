"""The filing rules KvK applies to an instance, with their official codes.

``check_instance`` runs every rule of KVK-SBR.md section 4 (FR-NL, FG-NL, FR-KVK,
BR-KVK) plus this product's own business rules (codes ``DEP-...``) and returns findings
with a severity, a Dutch and an English message and the line. It never raises for bad
input: an unreadable document becomes a finding with its own ``DEP-PARSE-...`` code.

The rules need no taxonomy package, so they are fast enough to run on every upload and
on every build. What they know of the taxonomy comes from the NT19 extract (``kvk.nt``):
every fact is a concept of its entry point, in the right namespace, with the dimensions
of its role's closed hypercube, the right period type and a value its type allows
(DEP-CONCEPT, DEP-NAMESPACE, DEP-DIMENSIONS, DEP-PERIOD-TYPE, DEP-VALUE; RULES names the
Arelle code for the same fault). The KvK's own checks, the formula assertions of the
entry point as the extract records them, run too, with the assertion id as code and the
taxonomy's severity (kvk.formulas); DEP-MANDATORY, DEP-IDENTIFIER, DEP-PERIOD and
DEP-ADOPTION-DATE check only what they do not. Where the extract did not read an entry
point in full (klein), a concept or dimension it does not show is a warning; entry points
it does not model (klein-verticaal) get the other rules only. DEP-CONTENTS says when a
part the entry point requires is missing (balance sheet, klein's profit and loss and
notes), and a valid KvK entry point this product does not build (middelgroot, groot, ...)
gets DEP-ENTRYPOINT-UNSUPPORTED rather than FR-KVK-2.03.

Where Arelle's NL plugin (arelle/plugin/validate/NL/rules/) has a rule, the verdict is
Arelle's reading of it (BR-KVK-4.17, FR-KVK-5.02, FR-NL-5.01, FG-NL-03, ...;
tests/kvk/test_filing_rules_arelle.py compares the two). Full XBRL validation with a
taxonomy package is in ``kvk.arelle`` and merges its findings into the same shape.

The rules are a registry (kvk.rules.registry): one small function per rule code in the
module of what it looks at (file, document, contexts, facts, concepts, business,
contents), registered with ``@rule(code, stage)``; ``check_parsed`` runs the stages in
order.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from lxml import etree

from kvk import formulas
from kvk.parser import ParsedInstance, XbrlParseError, parse_instance
from kvk.rules import business, concepts, contents, contexts, document, facts, file
from kvk.rules.business import MANDATORY as _MANDATORY
from kvk.rules.business import required_facts as _required_facts
from kvk.rules.codes import ARELLE_CODES, ERROR, RULES, WARNING
from kvk.rules.concepts import _entry_point_model
from kvk.rules.file import RawFile
from kvk.rules.registry import Stage, Subject, run_once
from kvk.rules.report import Finding, Report, has_errors

#: The rule modules. Each registers its checks on import (kvk.rules.registry); the checks
#: of one stage are all in one module, in the order they run.
RULE_MODULES = (file, document, contexts, facts, concepts, business, contents)

__all__ = [
    "ARELLE_CODES",
    "ERROR",
    "RULES",
    "WARNING",
    "Finding",
    "check_instance",
    "check_parsed",
    "findings_by_code",
    "has_errors",
    # for the tests
    "_MANDATORY",
    "_entry_point_model",
    "_required_facts",
]


def check_parsed(
    inst: ParsedInstance,
    *,
    content: bytes = b"",
    filename: str = "jaarrekening.xbrl",
    filing_date: date | None = None,
    expected_kvk_number: str | None = None,
    size_class: str | None = None,
) -> list[Finding]:
    """The rules on an instance that is already parsed (``content`` for the byte rules)."""
    report = Report()
    s = Subject(
        inst,
        filing_date=filing_date or date.today(),
        expected_kvk_number=expected_kvk_number,
        size_class=size_class,
    )
    if content:
        file.run(report, RawFile(content, filename))
    document.run(report, s)
    if content and b"&#" in content:
        run_once(report, Stage.CHARACTER_REFERENCES, s)
    contexts.run(report, s)
    facts.run(report, s)
    concepts.run(report, s)
    formulas.check(report, inst, s.filing_date)
    run_once(report, Stage.BUSINESS, s)
    run_once(report, Stage.CONTENTS, s)
    return _ordered(report.finish())


def _ordered(findings: list[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: (f.severity != ERROR, f.line is None, f.line or 0))


def check_instance(
    content: bytes,
    *,
    filename: str = "jaarrekening.xbrl",
    filing_date: date | None = None,
    expected_kvk_number: str | None = None,
    size_class: str | None = None,
    full: bool = False,
) -> list[Finding]:
    """Every rule on one instance; never raises for bad input.

    With ``full=True`` and full validation configured (arelle-release installed and
    ``KVK_TAXONOMY_PACKAGES`` naming existing package zips), Arelle's findings are merged
    in (see kvk.arelle; seconds per call, so meant for background processing). Without
    that configuration ``full`` changes nothing.
    """
    findings = _check_instance(
        content,
        filename=filename,
        filing_date=filing_date,
        expected_kvk_number=expected_kvk_number,
        size_class=size_class,
    )
    if full and not any(f.code.startswith("DEP-PARSE") for f in findings):
        from kvk import arelle

        if arelle.full_validation_available():
            try:
                theirs = arelle.validate_full(bytes(content), filename=filename)
            except arelle.FullValidationUnavailable:
                theirs = []
            findings = _ordered(arelle.merge_findings(findings, theirs))
    return findings


def _check_instance(
    content: bytes,
    *,
    filename: str,
    filing_date: date | None,
    expected_kvk_number: str | None,
    size_class: str | None,
) -> list[Finding]:
    try:
        inst = parse_instance(content)
    except XbrlParseError as exc:
        report = Report()
        # The byte rules still explain an unreadable file (BOM, encoding, DOCTYPE), but an
        # oversized one is not scanned at all.
        if isinstance(content, bytes | bytearray) and exc.code != "DEP-PARSE-SIZE":
            file.run(report, RawFile(bytes(content), filename))
        report.findings.append(
            Finding(exc.code, ERROR, exc.message_nl, exc.message_en, exc.line, exc.detail)
        )
        return _ordered(report.finish())
    except (etree.LxmlError, ValueError, RecursionError, MemoryError) as exc:  # defensive
        return [
            Finding(
                "DEP-PARSE-XML",
                ERROR,
                "Het document kan niet worden gelezen; maak het bestand opnieuw aan met het "
                "programma waarmee het is gemaakt.",
                "The document cannot be read; create the file again with the program that made it.",
                detail=f"{type(exc).__name__}: {exc}",
            )
        ]
    return check_parsed(
        inst,
        content=content,
        filename=filename,
        filing_date=filing_date,
        expected_kvk_number=expected_kvk_number,
        size_class=size_class,
    )


def findings_by_code(findings: Iterable[Finding]) -> dict[str, list[Finding]]:
    result: dict[str, list[Finding]] = defaultdict(list)
    for f in findings:
        result[f.code].append(f)
    return dict(result)
