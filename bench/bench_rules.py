"""Time the instance-level rule check (kvk.rules.check_instance) and compare with Arelle.

    .venv/bin/python bench/bench_rules.py [--repeat 200] [--arelle-files 10] [--no-arelle]

Two instances built by kvk.builder: a typical small filing (about 150 facts) and a large
one (about 2,000 facts), each valid and with one rule broken (decimals="1" on an amount:
FR-KVK-5.01). Ours: median wall time of check_instance per instance, in process. Arelle:
the same files validated by arelle-release with its NL plugin (disclosure system NT20)
against the self-generated test taxonomy package, in one separate process for a batch of
copies; per-file time is Arelle's own "loaded in" + "validated in" figures (its start-up
excluded, which favours Arelle), and the end-to-end process time per file is shown too.
Medians are reported and, because a shared machine is noisy, the fastest run as well.
Verdicts: both must call the valid files valid and find FR-KVK-5.01 in the broken ones
(Arelle also reports dtre:noDecimalsItemType there, which our DEP-VALUE reports; see
kvk.rules.ARELLE_CODES).
Figures are printed and written to bench/results-rules.json. Nothing here asserts timings.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

from kvk import arelle  # noqa: E402
from kvk.builder import build_instance  # noqa: E402
from kvk.parser import parse_instance  # noqa: E402
from kvk.rules import ARELLE_CODES, check_instance, has_errors  # noqa: E402
from kvk.statements import Signatory, demo_statements  # noqa: E402

FILING_DATE = date(2026, 6, 1)
RESULTS = ROOT / "bench" / "results-rules.json"


def instance_with_facts(target: int) -> bytes:
    """A valid small-entity instance (klein, with profit and loss) with about `target` facts.

    The statements carry the demo's balance sheet and profit and loss for both years
    (about 90 facts); the rest are signatories (six facts each in a typed-dimension
    context of their own), which also makes the context count grow the way it does in
    real instances with many dimensional contexts.
    """
    st = demo_statements(
        kvk_number="12345678", legal_name="Bench B.V.", year=2025, size="klein", variant="klein"
    )
    # adopted after the demo's accounts were drawn up (15 May 2026), before the filing date
    st.adopted, st.adoption_date = True, date(2026, 5, 25)
    base = len(parse_instance(build_instance(st)).facts)
    st.signatories.append(Signatory("Bestuurder 0", signed_on=date(2026, 3, 15), place="Zwolle"))
    per_person = len(parse_instance(build_instance(st)).facts) - base
    extra = max(0, (target - base) // per_person)
    st.signatories = [
        Signatory(f"Bestuurder {i}", signed_on=date(2026, 3, 15), place="Zwolle")
        for i in range(1, extra + 1)
    ]
    return build_instance(st)


def broken(content: bytes) -> bytes:
    return content.replace(b'decimals="0">', b'decimals="1">', 1)


def time_ours(content: bytes, repeat: int) -> dict:
    check_instance(content, filing_date=FILING_DATE)  # warm up
    samples, cpu = [], []
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        check_instance(content, filing_date=FILING_DATE)
        cpu.append(time.process_time() - start_cpu)
        samples.append(time.perf_counter() - start)
    parse_samples = []
    for _ in range(max(10, repeat // 4)):
        start = time.perf_counter()
        parse_instance(content)
        parse_samples.append(time.perf_counter() - start)
    return {
        "median_ms": round(statistics.median(samples) * 1000, 3),
        # The fastest run estimates the cost on an idle machine (timeit's advice).
        "min_ms": round(min(samples) * 1000, 3),
        # CPU time of this process: less disturbed by other work on a shared machine.
        "cpu_median_ms": round(statistics.median(cpu) * 1000, 3),
        "p95_ms": round(sorted(samples)[int(len(samples) * 0.95) - 1] * 1000, 3),
        "parse_median_ms": round(statistics.median(parse_samples) * 1000, 3),
    }


_LOADED = re.compile(r"loaded in ([\d.]+) secs")
_VALIDATED = re.compile(r"validated in ([\d.]+) secs")


def time_arelle(content: bytes, package: str, copies: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="bench-arelle-") as tmp:
        files = []
        for i in range(copies):
            path = Path(tmp) / f"bench_{i}.xbrl"
            path.write_bytes(content)
            files.append(path)
        log = Path(tmp) / "log.json"
        command = arelle.arelle_command(Path("|".join(map(str, files))), log, [package], "NT20")
        command[command.index("--logLevel") + 1] = "info"
        env = {**os.environ, "HOME": tmp, "XDG_CONFIG_HOME": tmp, "XDG_CACHE_HOME": tmp}
        start = time.perf_counter()
        subprocess.run(command, cwd=tmp, env=env, capture_output=True, check=False, timeout=1800)
        wall = time.perf_counter() - start
        entries = json.loads(log.read_text()).get("log", [])
    loaded = [float(m.group(1)) for e in entries if (m := _LOADED.search(e["message"]["text"]))]
    validated = [
        float(m.group(1)) for e in entries if (m := _VALIDATED.search(e["message"]["text"]))
    ]
    per_file = [a + b for a, b in zip(loaded, validated, strict=False)]
    # The first file also pays for loading the taxonomy; report the steady state.
    steady = per_file[1:] or per_file
    errors = sorted(
        {
            str(e["code"]).removeprefix("NL.")
            for e in entries
            if e.get("level") in ("error", "inconsistency", "critical")
        }
    )
    return {
        "median_ms": round(statistics.median(steady) * 1000, 3) if steady else None,
        "min_ms": round(min(steady) * 1000, 3) if steady else None,
        "first_file_ms": round(per_file[0] * 1000, 3) if per_file else None,
        "process_ms_per_file": round(wall / copies * 1000, 1),
        "error_codes": errors,
        "files": copies,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--arelle-files", type=int, default=10)
    parser.add_argument("--no-arelle", action="store_true")
    args = parser.parse_args()

    use_arelle = arelle.arelle_installed() and not args.no_arelle
    results: dict = {
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "machine": platform.machine(),
        "processor": platform.processor() or platform.machine(),
        "cases": [],
    }
    with tempfile.TemporaryDirectory() as tmp:
        package = ""
        if use_arelle:
            # Imported only here: the package writer is not needed to time our own rules.
            from kvk.arelle_package import write_test_package

            package = str(write_test_package("nt20", Path(tmp) / "nt20.zip"))
        for label, target in (("typical", 150), ("large", 2000)):
            valid = instance_with_facts(target)
            for variant, content in (("valid", valid), ("broken", broken(valid))):
                facts = len(parse_instance(content).facts)
                findings = check_instance(content, filing_date=FILING_DATE)
                ours = time_ours(content, args.repeat if label == "typical" else args.repeat // 4)
                ours["error_codes"] = sorted({f.code for f in findings if f.severity == "error"})
                case = {
                    "case": f"{label}-{variant}",
                    "facts": facts,
                    "bytes": len(content),
                    "ours": ours,
                }
                if use_arelle:
                    theirs = time_arelle(content, package, args.arelle_files)
                    case["arelle"] = theirs
                    # Arelle's codes for what our concept rules call DEP-...
                    equivalent = {a for c in ours["error_codes"] for a in ARELLE_CODES.get(c, ())}
                    case["same_verdict"] = has_errors(findings) == bool(theirs["error_codes"]) and (
                        set(theirs["error_codes"]) <= set(ours["error_codes"]) | equivalent
                    )
                    if theirs["median_ms"]:
                        case["speedup"] = round(theirs["median_ms"] / ours["median_ms"], 1)
                        case["speedup_min"] = round(theirs["min_ms"] / ours["min_ms"], 1)
                results["cases"].append(case)
                line = (
                    f"{case['case']:15} {facts:5} facts  ours {ours['median_ms']:8.3f} ms "
                    f"(min {ours['min_ms']:.3f}, cpu {ours['cpu_median_ms']:.3f}) "
                    f"(parse {ours['parse_median_ms']:.3f}) errors={ours['error_codes']}"
                )
                if use_arelle:
                    t = case["arelle"]
                    line += (
                        f" | arelle {t['median_ms']} ms/file (process {t['process_ms_per_file']} "
                        f"ms/file) errors={t['error_codes']} | x{case.get('speedup')} "
                        f"(min x{case.get('speedup_min')}) "
                        f"same verdict: {case['same_verdict']}"
                    )
                print(line, flush=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    print(f"written to {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
