"""The filing rules issue 17 set right, each with an instance that breaks it and one that
does not, judged by Arelle's NL plugin and by kvk.rules: the verdicts must agree.

Arelle validates with the test taxonomy package generated from the NT19 extract
(kvk.arelle_package), plus two entry point schemas this module adds to it (a valid KvK
entry point the product does not build, and a name the KvK does not publish), so that
FR-KVK-2.03 is judged on a schemaRef Arelle can load. All instances of one generation go
to Arelle in one batch (kvk.arelle.validate_full_batch): starting Arelle and loading the
taxonomy is most of the time.

Every case names the file of Arelle's NL plugin that has the rule
(arelle/plugin/validate/NL/rules/...). The comparison is on codes: where Arelle warns and
we refuse (FR-NL-5.11 outside formatted explanations), the code is the same and the
severity is ours (kvk.rules.facts._formatted_text says why).
"""

from __future__ import annotations

import dataclasses
import importlib.util
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from kvk import arelle, xhtml
from kvk import taxonomy as tx
from kvk.arelle_package import package_files
from kvk.builder import build_instance
from kvk.rules import ARELLE_CODES, check_instance
from kvk.statements import FinancialStatements, demo_statements

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not arelle.arelle_installed(), reason="arelle-release missing"),
]

#: where the installed Arelle lives (kvk.arelle is our module that runs it)
ARELLE = (
    Path(importlib.util.find_spec("arelle").origin).parent  # type: ignore[arg-type, union-attr]
    if arelle.arelle_installed()
    else Path()
)
NUMBER = "12345678"
#: generation -> the financial year of its instances
YEARS = {"nt19": 2024, "nt20": 2025}
PLUGIN = "arelle/plugin/validate/NL/"
BR_KVK, FR_KVK = f"{PLUGIN}rules/br_kvk.py", f"{PLUGIN}rules/fr_kvk.py"
FR_NL, FG_NL = f"{PLUGIN}rules/fr_nl.py", f"{PLUGIN}rules/fg_nl.py"
#: a file name in the generation's entry point folder that the KvK does not publish
UNPUBLISHED = "reuze"


def statements(code: str, **changes) -> FinancialStatements:
    st = demo_statements(kvk_number=NUMBER, legal_name="Demo B.V.", year=YEARS[code])
    return dataclasses.replace(st, **changes)


def built(code: str, **changes) -> str:
    return build_instance(statements(code, **changes)).decode()


def replace(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


def rename_prefix(text: str, old: str, new: str) -> str:
    """The instance with a namespace declared and used under another prefix."""
    text = replace(text, f"xmlns:{old}=", f"xmlns:{new}=")
    return re.sub(rf"(?<=[<\"/> ]){re.escape(old)}:", f"{new}:", text)


def add_fact(text: str, xml: str) -> str:
    return replace(text, "</xbrli:xbrl>", xml + "\n</xbrli:xbrl>")


def fact_of(text: str, local_name: str) -> str:
    match = re.search(rf"<([\w-]+):{local_name} [^>]*>[^<]*</\1:{local_name}>", text)
    assert match, local_name
    return match.group()


def with_copy_of_context(text: str, context_id: str, copy_id: str) -> str:
    """A second context with the same content as another, under its own id."""
    start = text.index(f'<xbrli:context id="{context_id}">')
    end = text.index("</xbrli:context>", start) + len("</xbrli:context>")
    copy = text[start:end].replace(f'id="{context_id}"', f'id="{copy_id}"')
    return text[:end] + "\n  " + copy + text[end:]


def entry_point(text: str, code: str, name: str) -> str:
    year = YEARS[code]
    return replace(text, f"{year}-nlgaap-micro.xsd", f"{year}-nlgaap-{name}.xsd")


def _note(text: str) -> dict[str, str]:
    return {"AdditionalInformationToArticle395aDisclosure": text}


@dataclass(frozen=True)
class Case:
    """One instance: what each of the compared rules should say about it."""

    #: the Arelle file that has the rules (the first rule's)
    source: str
    #: our code -> whether the instance breaks that rule
    verdicts: dict[str, bool]
    make: Callable[[str], str]


def span(code: str, previous_start: date, end: date, reason: str = "") -> str:
    year = YEARS[code]
    return built(
        code,
        previous_start=previous_start,
        previous_end=date(year - 1, 12, 31),
        period_end=end,
        period_deviation_reason=reason,
        period_deviation_impact="Geen aanpassing van de vergelijkende cijfers." if reason else "",
    )


CASES: dict[str, Case] = {
    # BR-KVK-4.17: previous start to current end at most two years
    "br-kvk-4-17-normal-years.xbrl": Case(BR_KVK, {"BR-KVK-4.17": False}, built),
    "br-kvk-4-17-extended-first-year.xbrl": Case(
        BR_KVK,
        {"BR-KVK-4.17": True},
        lambda code: span(code, date(YEARS[code] - 2, 7, 1), date(YEARS[code], 12, 31)),
    ),
    "br-kvk-4-17-two-years-to-the-day.xbrl": Case(
        BR_KVK,
        {"BR-KVK-4.17": False},
        lambda code: span(
            code, date(YEARS[code] - 1, 1, 1), date(YEARS[code] + 1, 1, 1), "Eén dag langer."
        ),
    ),
    "br-kvk-4-17-a-day-more.xbrl": Case(
        BR_KVK,
        {"BR-KVK-4.17": True},
        lambda code: span(
            code, date(YEARS[code] - 1, 1, 1), date(YEARS[code] + 1, 1, 2), "Twee dagen langer."
        ),
    ),
    # FR-KVK-5.02: non-monetary numeric facts take decimals INF (nl-cd:PresentationOrder)
    "fr-kvk-5-02-inf.xbrl": Case(FR_KVK, {"FR-KVK-5.02": False, "FR-KVK-5.01": False}, built),
    "fr-kvk-5-02-decimals-0.xbrl": Case(
        FR_KVK,
        {"FR-KVK-5.02": True},
        lambda code: replace(
            built(code), 'unitRef="pure" decimals="INF"', 'unitRef="pure" decimals="0"'
        ),
    ),
    "fr-kvk-5-02-currency-unit.xbrl": Case(
        FR_KVK,
        {"FR-KVK-5.02": True, "FR-KVK-5.01": False},
        lambda code: replace(
            built(code), 'unitRef="pure" decimals="INF"', 'unitRef="EUR" decimals="0"'
        ),
    ),
    "fr-kvk-5-02-amount-in-pure.xbrl": Case(
        FR_KVK,
        {"FR-KVK-5.02": False, "FR-KVK-5.01": False},
        lambda code: replace(
            built(code), 'unitRef="EUR" decimals="0">53250', 'unitRef="pure" decimals="0">53250'
        ),
    ),
    # FR-NL-2.03: no xml:lang on the root, reported with the document's other findings
    "fr-nl-2-03-lang.xbrl": Case(
        FR_NL, {"FR-NL-2.03": False, "FR-KVK-2.01": False, "FR-NL-5.01": False}, built
    ),
    "fr-nl-2-03-no-lang.xbrl": Case(
        FR_NL,
        {"FR-NL-2.03": True, "FR-KVK-2.01": True, "FR-NL-5.01": True},
        lambda code: add_fact(
            replace(built(code), ' xml:lang="nl"', ""), fact_of(built(code), "LegalEntityName")
        ),
    ),
    # FG-NL-03: the prefixes the taxonomy declares
    "fg-nl-03-jenv.xbrl": Case(
        FG_NL, {"FG-NL-03": True}, lambda code: rename_prefix(built(code), "jenv-bw2-i", "jenv")
    ),
    "fg-nl-03-xlink.xbrl": Case(
        FG_NL, {"FG-NL-03": True}, lambda code: rename_prefix(built(code), "xlink", "xl")
    ),
    "fg-nl-03-iso4217.xbrl": Case(
        FG_NL, {"FG-NL-03": False}, lambda code: rename_prefix(built(code), "iso4217", "iso")
    ),
    "fg-nl-03-xbrldi.xbrl": Case(
        FG_NL, {"FG-NL-03": False}, lambda code: rename_prefix(built(code), "xbrldi", "xdi")
    ),
    # FR-NL-5.01: duplicates of every type, consistent or not, whatever their xml:lang
    "fr-nl-5-01-string-same-value.xbrl": Case(
        FR_NL,
        {"FR-NL-5.01": True},
        lambda code: add_fact(built(code), fact_of(built(code), "LegalEntityName")),
    ),
    "fr-nl-5-01-string-other-lang.xbrl": Case(
        FR_NL,
        {"FR-NL-5.01": True, "FR-KVK-2.02": True},
        lambda code: add_fact(
            built(code),
            fact_of(built(code), "LegalEntityName")
            .replace('contextRef="FY"', 'contextRef="FY" xml:lang="en"')
            .replace("Demo B.V.", "Demo Ltd"),
        ),
    ),
    "fr-nl-5-01-date-other-value.xbrl": Case(
        FR_NL,
        {"FR-NL-5.01": True},
        lambda code: add_fact(
            built(code),
            re.sub(
                r">\d{4}-\d{2}-\d{2}<",
                f">{YEARS[code] + 1}-05-16<",
                fact_of(built(code), "FinancialStatementsDateOfPreparation"),
            ),
        ),
    ),
    "fr-nl-5-01-equal-context.xbrl": Case(
        FR_NL,
        {"FR-NL-5.01": True, "FR-NL-3.04": True},
        lambda code: add_fact(
            with_copy_of_context(built(code), "FY", "FY2"),
            fact_of(built(code), "LegalEntityName").replace('contextRef="FY"', 'contextRef="FY2"'),
        ),
    ),
    # FR-NL-5.11: escaped XHTML with the SBR tag set, in formatted explanations only
    "fr-nl-5-11-plain-note.xbrl": Case(
        FR_NL,
        {"FR-NL-5.11": False},
        lambda code: built(code, notes=_note("Huur & lease < 5 jaar, R&D > 0.")),
    ),
    "fr-nl-5-11-markup-note.xbrl": Case(
        FR_NL,
        {"FR-NL-5.11": False},
        lambda code: built(code, notes=_note("<p>Grondslagen</p><ul><li>nominaal</li></ul>")),
    ),
    "fr-nl-5-11-unescaped-ampersand.xbrl": Case(
        FR_NL,
        {"FR-NL-5.11": True},
        lambda code: replace(
            built(code, notes=_note("Huur & lease")), "Huur &amp;amp; lease", "Huur &amp; lease"
        ),
    ),
    "fr-nl-5-11-style.xbrl": Case(
        FR_NL,
        {"FR-NL-5.11": True},
        lambda code: replace(
            built(code, notes=_note('<p style="color: red">Grondslagen</p>')),
            "color: red",
            "margin: 0",
        ),
    ),
    "fr-nl-5-11-markup-in-a-string.xbrl": Case(
        FR_NL,
        {"FR-NL-5.11": True},
        lambda code: replace(built(code), ">Utrecht<", ">&lt;b&gt;Utrecht&lt;/b&gt;<"),
    ),
    # FR-KVK-2.03: a loadable schemaRef that is, or is not, a published KvK entry point
    "fr-kvk-2-03-middelgroot.xbrl": Case(
        FR_KVK,
        {"FR-KVK-2.03": False},
        lambda code: entry_point(built(code), code, "middelgroot"),
    ),
    "fr-kvk-2-03-unpublished.xbrl": Case(
        FR_KVK,
        {"FR-KVK-2.03": True},
        lambda code: entry_point(built(code), code, UNPUBLISHED),
    ),
    # DEP-NAMESPACE: a concept of the other generation (Arelle: xbrl:schemaImportMissing,
    # from its XBRL 2.1 validation, ModelDocument.py)
    "dep-namespace-other-generation.xbrl": Case(
        "arelle/ModelDocument.py",
        {"DEP-NAMESPACE": True},
        lambda code: replace(
            built(code),
            f'xmlns:nl-cd="{tx.generation(code).namespaces["nl-cd"]}"',
            f'xmlns:nl-cd="{tx.generation(other_generation(code)).namespaces["nl-cd"]}"',
        ),
    ),
}


def other_generation(code: str) -> str:
    return next(other for other in YEARS if other != code)


def arelle_codes(ours: str) -> tuple[str, ...]:
    """Arelle's codes for one of our codes (kvk.rules.ARELLE_CODES; the NL plugin's own
    codes are ours)."""
    return ARELLE_CODES.get(ours, ()) if ours.startswith("DEP-") else (ours,)


def filing_date(code: str) -> date:
    return date(YEARS[code] + 1, 6, 1)


def test_every_case_changes_the_base_instance_and_names_an_arelle_file():
    for name, case in CASES.items():
        for code in YEARS:
            content = case.make(code)
            assert content.startswith("<?xml"), name
            if case.make is not built:
                assert content != built(code), name
        assert (ARELLE.parent / case.source).is_file(), case.source


@pytest.fixture(scope="module")
def packages(tmp_path_factory):
    """Per generation the test package, with two more schemas in its entry point folder:
    middelgroot (a published KvK entry point) and one the KvK does not publish. Each is
    micro's entry point schema under its own URL, so Arelle loads the instance."""
    folder = tmp_path_factory.mktemp("packages")
    paths = {}
    for code in YEARS:
        gen = tx.generation(code)
        files = package_files(gen)
        root = f"deponeer-test-{code}/"
        micro_url = gen.entry_point("micro")
        micro = files[root + micro_url.removeprefix("http://")]
        for name in ("middelgroot", UNPUBLISHED):
            url = micro_url.replace("nlgaap-micro.xsd", f"nlgaap-{name}.xsd")
            files[root + url.removeprefix("http://")] = micro.replace(
                micro_url.removesuffix(".xsd"), url.removesuffix(".xsd")
            )
        path = folder / f"{code}.zip"
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            for file_name, content in files.items():
                archive.writestr(file_name, content)
        paths[code] = str(path)
    return paths


@pytest.fixture(scope="module")
def arelle_findings(packages):
    """(generation, file name) -> Arelle's codes: one Arelle run per generation."""
    result = {}
    for code in YEARS:
        batch = {name: case.make(code).encode() for name, case in CASES.items()}
        found = arelle.validate_full_batch(batch, packages=[packages[code]])
        for name, findings in found.items():
            result[code, name] = {f.code for f in findings}
    return result


CASE_IDS = [(code, name) for code in YEARS for name in CASES]


@pytest.mark.parametrize(("code", "name"), CASE_IDS)
def test_arelle_and_our_rules_agree(arelle_findings, code, name):
    case = CASES[name]
    theirs = arelle_findings[code, name]
    ours = {f.code for f in check_instance(case.make(code).encode(), filing_date=filing_date(code))}
    for rule, breaks in case.verdicts.items():
        assert bool(theirs & set(arelle_codes(rule))) is breaks, (rule, sorted(theirs))
        assert (rule in ours) is breaks, (rule, sorted(ours))


@pytest.mark.parametrize("code", YEARS)
def test_the_middelgroot_entry_point_is_unsupported_here_not_invalid(code):
    """Arelle accepts it (fr_kvk.py: in its list); we say the product does not handle it."""
    content = CASES["fr-kvk-2-03-middelgroot.xbrl"].make(code).encode()
    ours = {f.code for f in check_instance(content, filing_date=filing_date(code))}
    assert "DEP-ENTRYPOINT-UNSUPPORTED" in ours and "FR-KVK-2.03" not in ours


# --- our data against what Arelle's NL plugin lists ------------------------------------
def arelle_disclosure_systems() -> dict[str, dict[str, object]]:
    """Per NT disclosure system of Arelle's NL plugin (ValidationPluginExtension.py): the
    namespaces and entry point folder it names, and its nlgaap entry point names."""
    path = ARELLE / "plugin/validate/NL/ValidationPluginExtension.py"
    text = path.read_text(encoding="utf-8")
    parts = re.split(r"disclosureSystem == DISCLOSURE_SYSTEM_(NT\d+):", text)[1:]
    result: dict[str, dict[str, object]] = {}
    for system, block in zip(parts[::2], parts[1::2], strict=True):
        block = block.split("elif", 1)[0]
        values: dict[str, object] = dict(
            re.findall(r'(\w+Namespace|entrypointRoot) = "([^"]+)"', block)
        )
        values["entry_points"] = set(
            re.findall(r'"kvk-rpt-jaarverantwoording-\d{4}-nlgaap-([\w-]+)\.xsd"', block)
        )
        result[system.lower()] = values
    return result


def test_arelle_lists_the_generations_we_know():
    systems = arelle_disclosure_systems()
    assert {"nt16", "nt17", "nt18", "nt19", "nt20"} <= set(systems)
    assert {g.code for g in tx.known_generations()} >= set(systems)


@pytest.mark.parametrize("system", ["nt16", "nt17", "nt18", "nt19", "nt20"])
def test_fg_nl_03_knows_each_generations_namespaces_with_their_prefixes(system):
    """Every NT disclosure system of Arelle's plugin, older ones included: its jenv, kvk
    and nl-types namespaces get the recommended prefixes, and its entry point folder is
    ours for that generation."""
    listed = arelle_disclosure_systems()[system]
    recommended = tx.recommended_prefixes()
    assert recommended[listed["jenvNamespace"]] == "jenv-bw2-i"
    assert recommended[listed["kvkINamespace"]] == "kvk-i"
    assert recommended[listed["nlTypesNamespace"]] == "nl-types"
    gen = next(g for g in tx.known_generations() if g.code == system)
    assert gen.entry_point_root == listed["entrypointRoot"]


@pytest.mark.parametrize("system", ["nt19", "nt20"])
def test_the_kvk_entry_points_are_arelles(system):
    """The supported variants and the other KvK entry points together are exactly the
    nlgaap entry points Arelle's plugin lists for the generation."""
    listed = arelle_disclosure_systems()[system]["entry_points"]
    assert set(tx.VARIANTS) | set(tx.OTHER_KVK_ENTRY_POINTS) == listed


def test_the_fr_nl_5_11_tag_set_is_the_sbr_text_formatting_schemas():
    """The elements Arelle's FR-NL-5.11 validates against (its copy of the SBR schema
    sbr-text-formatting.xsd), apart from the wrapper formattedText."""
    schema = ARELLE / "config" / "sbr-text-formatting.xsd"
    names = set(re.findall(r'<xs:element name="(\w+)"', schema.read_text(encoding="utf-8")))
    assert names - {"formattedText"} == xhtml.FORMATTED_TAGS
