"""`make bench`: every benchmark on PostgreSQL and Redis, one after the other, then
bench/results.json and the table in BENCHMARKS.md.

    .venv/bin/python bench/run_all.py [--only lists,api,journey,rules,ingest] [--quick]
                                      [--filings 200] [--keep-database]

Each benchmark runs as its own process. Ours (lists, api, journey) share a fresh database
``deponeer_bench`` on postgres://postgres@127.0.0.1:5432 and Redis database 7 on
127.0.0.1:6379: created (and migrated) before each and dropped at the end. The rule check
(bench_rules.py) and the ingest benchmark (bench_ingest.py) belong to their apps; they run
when present and their JSON files are merged in. Every child has a time limit, so the whole
run ends by itself.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common  # noqa: E402

ROOT = common.ROOT
RESULTS = ROOT / "bench" / "results.json"
BENCHMARKS = ROOT / "BENCHMARKS.md"
BEGIN = "<!-- bench:begin (written by bench/run_all.py) -->"
END = "<!-- bench:end -->"


def stop_child(child: subprocess.Popen) -> None:
    child.terminate()
    with contextlib.suppress(subprocess.TimeoutExpired):
        child.wait(60)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(child.pid, signal.SIGKILL)
    child.wait(10)


def run_child(name: str, args: list[str], *, timeout: float, env: dict | None = None) -> dict:
    """Run one benchmark script; returns what it reports (or why it failed)."""
    print(f"== {name}: {' '.join(args)}", flush=True)
    started = time.monotonic()
    # Its own process group: on the time limit the child gets SIGTERM (ours then stop their
    # servers and workers), and whatever is left of the group gets SIGKILL a minute later.
    child = subprocess.Popen([sys.executable, *args], cwd=ROOT, env=env, start_new_session=True)
    try:
        child.wait(timeout)
        ok = child.returncode == 0
        error = None if ok else f"exit status {child.returncode}"
    except subprocess.TimeoutExpired:
        ok, error = False, f"stopped after the time limit of {timeout:.0f} s"
        stop_child(child)
    except BaseException:  # Ctrl-C or SIGTERM to the run: stop the child too
        stop_child(child)
        raise
    seconds = round(time.monotonic() - started, 1)
    print(f"== {name}: {'done' if ok else error} in {seconds} s", flush=True)
    return {"ok": ok, "error": error, "seconds": seconds}


def ours(name: str, script: str, extra: list[str], timeout: float, keep: bool) -> dict:
    common.flush_redis()
    common.create_database()
    status = run_child(name, [f"bench/{script}", *extra], timeout=timeout, env=common.bench_env())
    if not keep:
        common.drop_database()
    common.flush_redis()
    out = common.OUT_DIR / f"{name}.json"
    if status["ok"] and out.exists():
        return {**json.loads(out.read_text()), "run": status}
    return {"run": status}


def theirs(name: str, script: str, results_file: str, extra: list[str], timeout: float) -> dict:
    path = ROOT / "bench" / script
    if not path.exists():
        return {"run": {"ok": False, "error": f"bench/{script} does not exist yet"}}
    # Run one after the other, every benchmark may use the run's own Redis database.
    env = {**os.environ, "BENCH_REDIS": common.BENCH_REDIS}
    status = run_child(name, [f"bench/{script}", *extra], timeout=timeout, env=env)
    results = ROOT / "bench" / results_file
    if results.exists() and results.stat().st_mtime >= time.time() - status["seconds"] - 5:
        return {**json.loads(results.read_text()), "run": status}
    return {"run": {**status, "ok": False, "error": status["error"] or "no fresh results"}}


# --- BENCHMARKS.md ----------------------------------------------------------------------------


def _fmt(value, unit: str = "") -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        value = f"{value:,.1f}" if value < 1000 else f"{value:,.0f}"
    return f"{value}{unit}"


def _percentiles(figures: dict) -> str:
    return f"p50 {_fmt(figures['p50_ms'])} ms, p99 {_fmt(figures['p99_ms'])} ms"


#: One row of the table: benchmark, figure, value.
Row = tuple[str, str, str]


def _api_rows(api: dict) -> list[Row] | None:
    if not api.get("upload"):
        return None
    bench = f"API latency, {api.get('concurrency')} concurrent clients"
    return [
        (
            bench,
            label,
            f"{_percentiles(f)} "
            f"({f['count']} requests, {_fmt(f['per_second'])}/s, errors {f['errors']})",
        )
        for f, label in (
            (api["upload"], "upload (POST /api/v1/messages/)"),
            (api["status"], "status (GET /api/v1/messages/<id>/)"),
        )
    ]


def _list_rows(lists: dict) -> list[Row] | None:
    if not lists.get("pages"):
        return None
    bench = f"Lists, {lists['messages']:,} messages"
    return [
        (bench, f"`{f['url']}`", f"{f['queries']} queries, {_percentiles(f)}")
        for f in lists["pages"].values()
        if isinstance(f, dict)
    ]


def _journey_rows(j: dict) -> list[Row] | None:
    if not j.get("filings"):
        return None
    rows = [
        (
            f"Peak season, {j['filings']} filings, {j['workers']} worker processes",
            "filings per second (client sends → 80 at KvK, mirrored)",
            f"{_fmt(j.get('filings_per_second', j['filings_per_minute'] / 60))} "
            f"({_fmt(j['seconds'])} s)",
        )
    ]
    if j.get("cpu_ms_per_filing"):
        rows.append(
            (
                "Peak season",
                "CPU ms per filing per component",
                ", ".join(f"{name} {_fmt(ms)}" for name, ms in j["cpu_ms_per_filing"].items()),
            )
        )
    if j.get("polls_per_filing") is not None:
        rows.append(("Peak season", "status polls per filing", _fmt(j["polls_per_filing"])))
    rows += [
        (
            "Peak season",
            "reached 80 / complete audit trail / delivered exactly once",
            f"{j['filed']}/{j['filings']} / {j['complete_audit_trail']}/{j['filings']} / "
            f"{j['delivered_exactly_once']}/{j['filings']}",
        ),
        (
            "Peak season",
            "seconds from upload to 30, from approval to 80 (p50 / p99)",
            f"{_fmt(j['to_30']['p50_ms'] / 1000)} / {_fmt(j['to_30']['p99_ms'] / 1000)} s, "
            f"{_fmt(j['approval_to_80']['p50_ms'] / 1000)} / "
            f"{_fmt(j['approval_to_80']['p99_ms'] / 1000)} s",
        ),
    ]
    return rows


def _rule_rows(rules: dict) -> list[Row] | None:
    if not rules.get("cases"):
        return None
    return [
        (
            "Rule check, ours vs Arelle",
            f"{case['case']} ({case.get('facts', '?')} facts)",
            f"ours {_fmt(case['ours']['median_ms'])} ms, Arelle "
            f"{_fmt((case.get('arelle') or {}).get('median_ms'))} ms, "
            f"same verdict {case.get('same_verdict')}",
        )
        for case in rules["cases"]
    ]


def _ingest_rows(ingest: dict) -> list[Row] | None:
    if not ingest.get("run", {}).get("ok") or "messages_per_second" not in ingest:
        return None
    return [
        (
            "Ingest, POST → 30 (bench_ingest.py)",
            f"messages per second, {ingest.get('clients', '?')} clients",
            f"{_fmt(ingest['messages_per_second'])} (bare framework "
            f"{_fmt(ingest.get('bare_requests_per_second'))} requests/s, ratio "
            f"{ingest.get('ratio')}; {ingest.get('reached_30')}/{ingest.get('messages')} at 30)",
        ),
        (
            "Ingest, POST → 30",
            "server CPU per message (bare request)",
            f"web {_fmt(ingest.get('cpu_ms_per_message_web'))} ms + workers "
            f"{_fmt(ingest.get('cpu_ms_per_message_workers'))} ms "
            f"({_fmt(ingest.get('cpu_ms_per_bare_request'))} ms)",
        ),
        (
            "Ingest, POST → 30",
            "the rest of the machine per message",
            f"PostgreSQL and Redis {_fmt(ingest.get('cpu_ms_per_message_postgres_redis'))} ms, "
            f"load generator {_fmt(ingest.get('cpu_ms_per_message_load_generator'))} ms",
        ),
    ]


#: The table's sections in order: the key in results.json, the benchmark's name when it was
#: not measured, and its rows (None: not measured).
SECTIONS = (
    ("api", "API latency", _api_rows),
    ("lists", "Lists", _list_rows),
    ("journey", "Peak season", _journey_rows),
    ("rules", "Rule check", _rule_rows),
    ("ingest", "Ingest (POST → 30)", _ingest_rows),
)


def table(results: dict) -> str:
    m = results["machine"]
    lines = [
        BEGIN,
        "",
        f"Measured {results['date']} on {m['cores']} cores ({m['cpu']}), "
        f"{m['memory_gb']} GB memory, {m['os']}; Python {m['python']}, Django {m['django']}, "
        f"PostgreSQL {m.get('postgresql', '?')}, Redis {m.get('redis', '?')}; one core sums "
        f"range(10**6) in {m.get('python_loop_ms', '?')} ms. "
        f"Whole run: {results['seconds'] / 60:.1f} minutes.",
        "",
        "| benchmark | figure | value |",
        "|---|---|---|",
    ]
    for key, name, rows_of in SECTIONS:
        section = results.get(key, {})
        rows = rows_of(section)
        if rows is None:
            rows = [(name, "not measured", section.get("run", {}).get("error") or "–")]
        lines += [f"| {bench} | {figure} | {value} |" for bench, figure, value in rows]
    lines += ["", END]
    return "\n".join(lines)


def write_benchmarks(results: dict) -> None:
    text = BENCHMARKS.read_text() if BENCHMARKS.exists() else ""
    block = table(results)
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        _old, tail = rest.split(END, 1)
        text = head + block + tail
    else:
        text = (text.rstrip() + "\n\n" if text else "# Benchmarks\n\n") + block + "\n"
    BENCHMARKS.write_text(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="lists,api,journey,rules,ingest")
    parser.add_argument("--quick", action="store_true", help="small sizes, to try the harness")
    parser.add_argument("--filings", type=int, default=None)
    parser.add_argument("--keep-database", action="store_true")
    args = parser.parse_args()
    only = set(args.only.split(","))
    started = time.monotonic()
    previous = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    results: dict = {
        k: v for k, v in previous.items() if k in {"lists", "api", "journey", "rules", "ingest"}
    }
    results["machine"] = common.machine()
    results["date"] = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    quick = args.quick
    with common.Children():  # stops nothing itself; makes SIGTERM end the run cleanly
        try:
            if "lists" in only:
                size = ["--messages", "1000" if quick else "10000"]
                results["lists"] = ours("lists", "bench_lists.py", size, 420, args.keep_database)
            if "api" in only:
                size = ["--requests", "200" if quick else "1000"]
                results["api"] = ours("api", "bench_api_latency.py", size, 240, args.keep_database)
            if "journey" in only:
                filings = args.filings or (20 if quick else 1000)
                results["journey"] = ours(
                    "journey",
                    "bench_journey.py",
                    ["--filings", str(filings)],
                    480,
                    args.keep_database,
                )
            if "rules" in only:
                extra = (
                    ["--repeat", "20", "--arelle-files", "3"]
                    if quick
                    else ["--repeat", "100", "--arelle-files", "5"]
                )
                results["rules"] = theirs(
                    "rules", "bench_rules.py", "results-rules.json", extra, 240
                )
            if "ingest" in only:
                # 2,000 messages: about 10 s of uploads here, long enough for a steady rate.
                size = ["--messages", "200" if quick else "2000", "--bare", "1000"]
                results["ingest"] = theirs(
                    "ingest", "bench_ingest.py", "results-ingest.json", size, 330
                )
        finally:
            if not args.keep_database:
                common.drop_database()
            common.flush_redis()
    results["seconds"] = round(time.monotonic() - started, 1)
    RESULTS.write_text(json.dumps(results, indent=2, default=str) + "\n")
    write_benchmarks(results)
    print(
        f"Written {RESULTS.relative_to(ROOT)} and {BENCHMARKS.relative_to(ROOT)} "
        f"in {results['seconds'] / 60:.1f} minutes."
    )
    failed = [
        k
        for k in ("lists", "api", "journey")
        if k in only and not results[k].get("run", {}).get("ok")
    ]
    if failed:
        sys.exit(f"failed: {', '.join(failed)}")


if __name__ == "__main__":
    main()
