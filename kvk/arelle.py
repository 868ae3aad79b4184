"""Full XBRL validation with the Arelle processor and an installed taxonomy package.

Used when an operator names official NT taxonomy package zips in the setting
``KVK_TAXONOMY_PACKAGES``. Arelle then checks what our instance-level rules cannot:
XBRL 2.1 and Dimensions validity against the real concept definitions, plus its NL
validation plugin (the same FR-NL / FR-KVK / BR-KVK codes). Arelle allows one session per
process and keeps global state, so every validation runs in a separate process, offline,
with its own configuration directory; a crash or a hang there cannot hurt the caller.

Arelle's messages are in English; the Dutch message says so and carries the English text.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from kvk.parser import XbrlParseError, parse_instance
from kvk.rules import ERROR, WARNING, Finding

#: Taxonomy generation -> the Arelle NL plugin's disclosure system. A generation the
#: installed Arelle does not know yet (NT21 at the time of writing) is validated for XBRL
#: 2.1 and Dimensions only; our own rules still cover the filing rules.
DISCLOSURE_SYSTEMS = {"nt19": "NT19", "nt20": "NT20"}
DEFAULT_TIMEOUT_SECONDS = 300
_LEVELS = {
    "error": ERROR,
    "critical": ERROR,
    "inconsistency": ERROR,
    "assertion-unsatisfied": ERROR,
    "warning": WARNING,
}
_CODE_PREFIX = re.compile(r"^\[[^\]]*\]\s*")
_FILE_SUFFIX = re.compile(r"\s+-\s+[^\s]+(\s+\d+)?\s*$")


class FullValidationUnavailable(RuntimeError):
    """Arelle is not installed or no taxonomy package is configured."""


def arelle_installed() -> bool:
    return importlib.util.find_spec("arelle") is not None


def configured_packages() -> list[str]:
    from django.conf import settings

    return list(getattr(settings, "KVK_TAXONOMY_PACKAGES", []) or [])


def full_validation_available(packages: Sequence[str] | None = None) -> bool:
    packages = configured_packages() if packages is None else list(packages)
    return arelle_installed() and bool(packages) and all(Path(p).is_file() for p in packages)


def arelle_command(
    instance_paths: Path | Sequence[Path],
    log_path: Path,
    packages: Sequence[str],
    disclosure_system: str | None,
) -> list[str]:
    """Arelle's command line for one instance or several (validated one after another in
    the same process)."""
    paths = [instance_paths] if isinstance(instance_paths, Path) else list(instance_paths)
    command = [
        sys.executable,
        "-m",
        "arelle.CntlrCmdLine",
        "--file",
        "|".join(str(p) for p in paths),
        "--validate",
        "--internetConnectivity",
        "offline",
        "--logFile",
        str(log_path),
        "--logLevel",
        "warning",
    ]
    if packages:
        command += ["--packages", "|".join(str(p) for p in packages)]
    if disclosure_system:
        command += ["--plugins", "validate/NL", "--disclosureSystem", disclosure_system]
    return command


def validate_full(
    content: bytes,
    *,
    filename: str = "jaarrekening.xbrl",
    packages: Sequence[str] | None = None,
    timeout: float = DEFAULT_TIMEOUT_SECONDS,
) -> list[Finding]:
    """Arelle's findings for one instance (raises FullValidationUnavailable if it can't).

    An instance our parser refuses is not handed to Arelle: the parse finding already
    says what is wrong, and a hostile document should reach as little code as possible.
    """
    name = Path(filename).name or "jaarrekening.xbrl"
    return validate_full_batch({name: content}, packages=packages, timeout=timeout)[name]


def validate_full_batch(
    instances: Mapping[str, bytes],
    *,
    packages: Sequence[str] | None = None,
    timeout: float = DEFAULT_TIMEOUT_SECONDS,
) -> dict[str, list[Finding]]:
    """Arelle's findings for several instances, file name -> findings.

    Starting Arelle and loading the taxonomy is most of a validation's time, so the
    instances of one generation share one Arelle process (the tests validate every
    variant this way). Arelle names an instance by its file name, so the keys are plain
    file names. A message that names none of them (about the taxonomy or the packages) is
    given to every instance of that process.
    """
    packages = configured_packages() if packages is None else list(packages)
    if not full_validation_available(packages):
        raise FullValidationUnavailable(
            "full validation needs arelle-release and existing taxonomy package zips "
            "in KVK_TAXONOMY_PACKAGES"
        )
    result: dict[str, list[Finding]] = {name: [] for name in instances}
    by_disclosure_system: dict[str | None, dict[str, bytes]] = {}
    for name, content in instances.items():
        if not name or Path(name).name != name:
            raise ValueError(f"instances are keyed by plain file names, not {name!r}")
        try:
            generation = parse_instance(content).generation
        except XbrlParseError:
            continue
        disclosure_system = DISCLOSURE_SYSTEMS.get(generation or "")
        by_disclosure_system.setdefault(disclosure_system, {})[name] = content
    for disclosure_system, group in by_disclosure_system.items():
        result.update(_run_arelle(group, packages, disclosure_system, timeout))
    return result


def _run_arelle(
    instances: dict[str, bytes],
    packages: Sequence[str],
    disclosure_system: str | None,
    timeout: float,
) -> dict[str, list[Finding]]:
    with tempfile.TemporaryDirectory(prefix="kvk-arelle-") as tmp:
        work = Path(tmp)
        folder = work / "instances"
        folder.mkdir()
        paths = []
        for name, content in instances.items():
            paths.append(folder / name)
            paths[-1].write_bytes(content)
        log_path = work / "arelle-log.json"
        # Arelle writes its user configuration under HOME/XDG_CONFIG_HOME: keep it private.
        env = {**os.environ, "HOME": tmp, "XDG_CONFIG_HOME": tmp, "XDG_CACHE_HOME": tmp}
        try:
            completed = subprocess.run(
                arelle_command(paths, log_path, packages, disclosure_system),
                cwd=tmp,
                env=env,
                capture_output=True,
                timeout=timeout,
                check=False,
            )
        except subprocess.TimeoutExpired:
            problem = _process_problem(f"Arelle did not finish within {timeout:.0f} seconds")
            return {name: [problem] for name in instances}
        if not log_path.exists():
            stderr = completed.stderr.decode("utf-8", "replace")[-500:]
            problem = _process_problem(
                f"Arelle wrote no log (exit {completed.returncode}): {stderr}"
            )
            return {name: [problem] for name in instances}
        entries = json.loads(log_path.read_text(encoding="utf-8")).get("log", [])
    findings: dict[str, list[Finding]] = {name: [] for name in instances}
    for entry in entries:
        named = {_ref_file(ref) for ref in entry.get("refs") or []} & set(instances)
        for finding in findings_from_log([entry]):
            for name in named or instances:
                findings[name].append(finding)
    return findings


def _ref_file(ref: object) -> str:
    """The file a log reference points at ("x.xbrl#element(/1/10)" -> "x.xbrl")."""
    href = str(ref.get("href", "")) if isinstance(ref, dict) else ""
    return href.partition("#")[0].rpartition("/")[2]


def _process_problem(detail: str) -> Finding:
    return Finding(
        "DEP-FULL-VALIDATION",
        WARNING,
        f"De volledige XBRL-validatie kon niet worden uitgevoerd ({detail}); alleen de "
        "eigen controles zijn gedaan.",
        f"Full XBRL validation could not run ({detail}); only the instance-level checks were done.",
    )


def findings_from_log(entries: Iterable[dict]) -> Iterable[Finding]:  # type: ignore[type-arg]
    """Turn Arelle's JSON log entries into findings (codes without the "NL." prefix)."""
    for entry in entries:
        severity = _LEVELS.get(str(entry.get("level", "")).lower())
        if severity is None:
            continue
        # "NL." prefixes the NL plugin's rules; "message:" an unsatisfied formula
        # assertion, which our rules report under the assertion id (kvk.formulas).
        code = str(entry.get("code", "")).removeprefix("NL.").removeprefix("message:")
        text = str((entry.get("message") or {}).get("text", ""))
        text = _FILE_SUFFIX.sub("", _CODE_PREFIX.sub("", text)).strip()
        line = None
        for ref in entry.get("refs") or []:
            if isinstance(ref, dict) and isinstance(ref.get("sourceLine"), int):
                line = ref["sourceLine"]
                break
        yield Finding(
            code,
            severity,
            f"Volledige XBRL-validatie (Arelle, Engelstalige melding): {text}",
            f"Full XBRL validation (Arelle): {text}",
            line,
        )


#: The code prefixes of formula assertion ids (value, existence) in the NT.
_ASSERTION_PREFIXES = ("valueAssertion_", "existenceAssertion_")


def merge_findings(ours: Iterable[Finding], theirs: Iterable[Finding]) -> list[Finding]:
    """Ours first; Arelle's added unless we already reported the same code on that line.
    A formula assertion (kvk.formulas) is one finding per code whatever the line: Arelle
    points at the assertion's facts, we at the fact we found first."""
    result = list(ours)
    seen = {(f.code, f.line) for f in result}
    ours_formulas = {f.code for f in result if f.code.startswith(_ASSERTION_PREFIXES)}
    for finding in theirs:
        if finding.code in ours_formulas:
            continue
        if (finding.code, finding.line) not in seen:
            seen.add((finding.code, finding.line))
            result.append(finding)
    return result
