"""How fast do signed deliveries go through the client and the local Digipoort?

    .venv/bin/python bench/bench_digipoort.py [--filings 200] [--threads 8] [--size-kb 200]

Starts a local Digipoort in-process (fresh certificates in a temporary directory), delivers
``--filings`` instances from ``--threads`` worker threads (one client per thread, as the
submit tasks would), polls each to its verdict, and prints throughput, latency percentiles
and whether every reference arrived exactly once. The real Digipoort's speed is not
measured here: this shows what our side (signing, TLS, verification) costs per filing.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kvk.digipoort.client import DigipoortClient  # noqa: E402
from kvk.digipoort.outcome import outcome  # noqa: E402
from kvk.digipoort.stub import start_stub  # noqa: E402


def instance(kvk_number: str, size_kb: int) -> bytes:
    padding = "<!-- " + "x" * max(0, size_kb * 1024 - 1000) + " -->"
    return (
        '<xbrli:xbrl xmlns:xbrli="http://www.xbrl.org/2003/instance" xml:lang="nl">'
        '<xbrli:context id="c"><xbrli:entity><xbrli:identifier scheme="http://www.kvk.nl/kvk-id">'
        f"{kvk_number}</xbrli:identifier></xbrli:entity><xbrli:period>"
        "<xbrli:endDate>2025-12-31</xbrli:endDate></xbrli:period></xbrli:context>"
        f"{padding}</xbrli:xbrl>"
    ).encode()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--filings", type=int, default=200)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--size-kb", type=int, default=200)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as cert_dir:
        stub = start_stub(cert_dir, step_seconds=0.01)
        config = stub.client_config()
        clients: dict[int, DigipoortClient] = {}
        latencies: list[float] = []

        def file_one(i: int) -> int | None:
            import threading

            client = clients.setdefault(threading.get_ident(), DigipoortClient(config))
            kvk_number = f"{10000000 + i}"
            started = time.perf_counter()
            kenmerk = client.deliver(
                reference=f"bench-{i}",
                kvk_number=kvk_number,
                filename="jaarrekening.xbrl",
                content=instance(kvk_number, args.size_kb),
            )
            latencies.append(time.perf_counter() - started)
            while True:
                result = outcome(client.statuses(kenmerk))
                if result.status in (80, 90):
                    return result.status
                time.sleep(0.02)

        started = time.perf_counter()
        with ThreadPoolExecutor(args.threads) as pool:
            results = list(pool.map(file_one, range(args.filings)))
        elapsed = time.perf_counter() - started
        counts = stub.counts()
        stub.stop()

    latencies.sort()
    print(f"{args.filings} filings of {args.size_kb} kB, {args.threads} threads: {elapsed:.1f} s")
    print(f"  throughput (deliver + poll to verdict): {args.filings / elapsed:.1f} filings/s")
    print(
        f"  aanleveren latency: median {statistics.median(latencies) * 1000:.0f} ms, "
        f"p95 {latencies[int(len(latencies) * 0.95) - 1] * 1000:.0f} ms"
    )
    print(f"  filed: {results.count(80)}, refused: {results.count(90)}")
    exactly_once = len(counts) == args.filings and set(counts.values()) == {1}
    print(f"  every reference received exactly once: {exactly_once}")


if __name__ == "__main__":
    main()
