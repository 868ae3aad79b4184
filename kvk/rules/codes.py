"""The rule codes this package checks, with their severity and title, and the codes
Arelle gives the same faults."""

from __future__ import annotations

from kvk import xhtml

# The severities, one definition shared with kvk.xhtml's problems.
ERROR = xhtml.ERROR
WARNING = xhtml.WARNING

#: Every rule this package checks: code -> (severity, short English title). Used by the
#: documentation, the tests (each code has a breaking and a passing instance) and the
#: benchmark.
RULES: dict[str, tuple[str, str]] = {
    "FR-NL-1.01": (ERROR, "no byte-order mark"),
    "FR-NL-1.02": (ERROR, "characters only from Basic Latin, Latin-1 and Currency Symbols"),
    "FR-NL-1.03": (ERROR, "no DOCTYPE"),
    "FR-NL-1.04": (ERROR, "no disallowed character references"),
    "FR-NL-1.05": (ERROR, "UTF-8 encoding"),
    "FR-NL-1.06": (ERROR, "file name only [0-9a-zA-Z_-]"),
    "FR-NL-2.03": (ERROR, "xml:lang on the root"),
    "FR-NL-2.04": (ERROR, "exactly one schemaRef"),
    "FR-NL-2.05": (ERROR, "no linkbaseRef"),
    "FR-NL-2.06": (ERROR, "no CDATA section and no CDATA end marker"),
    "FR-NL-2.07": (ERROR, "no xsi:nil"),
    "FR-NL-3.01": (ERROR, "period dates without time"),
    "FR-NL-3.02": (ERROR, "no forever periods"),
    "FR-NL-3.03": (ERROR, "no unused contexts"),
    "FR-NL-3.04": (ERROR, "no duplicate contexts"),
    "FR-NL-4.01": (ERROR, "no duplicate units"),
    "FR-NL-4.02": (ERROR, "no unused units"),
    "FR-NL-5.01": (ERROR, "no duplicate facts"),
    "FR-NL-5.03": (ERROR, "no empty items"),
    "FR-NL-5.06": (ERROR, "no precision attribute"),
    "FR-NL-5.11": (ERROR, "escaped XHTML only in formatted explanations, restricted tags"),
    "FR-NL-6.01": (ERROR, "no footnotes"),
    "FG-NL-03": (WARNING, "recommended namespace prefixes"),
    "FG-NL-04": (WARNING, "contexts and units before facts"),
    "FG-NL-05": (WARNING, "no unused namespace declarations"),
    "FG-NL-09": (WARNING, "no id on facts"),
    "FG-NL-11": (WARNING, "standard units only"),
    "FR-KVK-1.01": (ERROR, "file extension .xbrl"),
    "FR-KVK-2.01": (ERROR, "xml:lang is nl, en, de or fr"),
    "FR-KVK-2.02": (ERROR, "one language throughout"),
    "FR-KVK-2.03": (ERROR, "schemaRef is a KvK entry point of an accepted generation"),
    # A valid KvK entry point (middelgroot, groot, ...: kvk.taxonomy.OTHER_KVK_ENTRY_POINTS)
    # that this product does not build or check: not FR-KVK-2.03, which the KvK would not
    # give it.
    "DEP-ENTRYPOINT-UNSUPPORTED": (ERROR, "KvK entry point not supported here"),
    "FR-KVK-5.01": (ERROR, "monetary decimals INF, -9, -6, -3, 0 or 2"),
    "FR-KVK-5.02": (ERROR, "non-monetary numeric decimals INF"),
    "BR-KVK-2.04": (ERROR, "contexts only for the current and previous period"),
    "BR-KVK-3.01": (ERROR, "exactly one currency"),
    "BR-KVK-4.07": (ERROR, "period end before the filing date"),
    "BR-KVK-4.10": (ERROR, "adoption date not after the filing date"),
    "BR-KVK-4.12": (ERROR, "resubmission requires adoption status Ja"),
    "BR-KVK-4.16": (ERROR, "resubmission requires adoption status and date"),
    "BR-KVK-4.17": (
        ERROR,
        "from the previous period's start to the current period's end at most two years",
    ),
    "BR-KVK-4.20": (ERROR, "dates are valid YYYY-MM-DD"),
    # Where the extract records the entry point's formulas, their existence assertions
    # and AllEqualToIdentifier(Scheme)1 check this instead (kvk.formulas).
    "DEP-MANDATORY": (ERROR, "the facts every filing has (entry points without formulas)"),
    "DEP-IDENTIFIER": (ERROR, "entity identifier is an 8-digit KvK number"),
    "DEP-KVK-NUMBER": (ERROR, "KvK number equals the sending organisation's"),
    "DEP-ENTRYPOINT-SIZE": (ERROR, "entry point fits the size class"),
    "DEP-GENERATION-YEAR": (ERROR, "taxonomy generation fits the financial year"),
    # Where kvk.formulas runs the KvK's date assertions (PrtDateEarlierDateLater2/3,
    # PrtDateEarlier24HDateLater1), only what none of them checks: a first year of two years.
    "DEP-PERIOD": (ERROR, "reporting periods consistent"),
    "DEP-CONTENTS": (
        ERROR,
        "the parts the entry point requires: balance sheet (not all zero), profit and loss "
        "(klein), notes (klein; micro: a warning)",
    ),
    "DEP-REFERENCE": (ERROR, "facts refer to existing contexts and units"),
    # The concept rules check the instance against the NT19 extract (kvk.nt) instead of a
    # loaded taxonomy; with the taxonomy package Arelle reports the same under its code.
    "DEP-CONCEPT": (
        ERROR,
        "every fact is a concept of the entry point's taxonomy "
        "(Arelle: xbrl:schemaImportMissing, xmlSchema:elementUnexpected)",
    ),
    "DEP-NAMESPACE": (
        ERROR,
        "every concept in its taxonomy namespace "
        "(Arelle: xbrl:schemaImportMissing, xmlSchema:elementUnexpected)",
    ),
    "DEP-DIMENSIONS": (
        ERROR,
        "every fact has exactly the dimensions of a closed hypercube of one of its roles "
        "(Arelle: xbrldie:PrimaryItemDimensionallyInvalidError)",
    ),
    "DEP-PERIOD-TYPE": (
        ERROR,
        "instant concepts in instant contexts, duration concepts in duration contexts "
        "(Arelle: xbrl.4.7.2:contextPeriodType)",
    ),
    "DEP-VALUE": (
        ERROR,
        "values valid for their type: enumeration, length, pattern, number, no decimals, "
        "total digits (Arelle: xmlSchema:valueError, dtre:noDecimalsItemType)",
    ),
    # Only where kvk.formulas does not run the KvK's PrtValueThnExistence3,
    # PrtValueThnNoExistence2 and PrtDateEarlierDateLater1 (and DEP-VALUE the status list).
    "DEP-ADOPTION-DATE": (
        ERROR,
        "adoption date consistent with adoption status (entry points without formulas)",
    ),
    "DEP-RESUBMISSION": (ERROR, "resubmission flag consistent"),
}

#: The codes Arelle gives the faults our concept rules find, when it validates with the
#: taxonomy (the strings as Arelle emits them: ModelDocument.py and XmlValidateParticles.py,
#: ValidateXbrlDimensions.py, ValidateXbrl.py, XmlValidate.py). For comparing findings.
ARELLE_CODES: dict[str, tuple[str, ...]] = {
    "DEP-CONCEPT": ("xbrl:schemaImportMissing", "xmlSchema:elementUnexpected"),
    "DEP-NAMESPACE": ("xbrl:schemaImportMissing", "xmlSchema:elementUnexpected"),
    "DEP-DIMENSIONS": ("xbrldie:PrimaryItemDimensionallyInvalidError",),
    "DEP-PERIOD-TYPE": ("xbrl.4.7.2:contextPeriodType",),
    "DEP-VALUE": ("xmlSchema:valueError", "dtre:noDecimalsItemType"),
    # Every NT monetary type has no decimals (DTR): decimals="1" is both FR-KVK-5.01 and
    # dtre:noDecimalsItemType to Arelle; DEP-VALUE reports only what FR-KVK-5.01 allows.
    "FR-KVK-5.01": ("FR-KVK-5.01", "dtre:noDecimalsItemType"),
    # No Arelle code: to Arelle's NL plugin the entry point is valid (it is in its list).
    "DEP-ENTRYPOINT-UNSUPPORTED": (),
    # No Arelle code: the parts of a filing are the law's and the KvK's formulas' concern,
    # not a rule of Arelle's NL plugin.
    "DEP-CONTENTS": (),
}
