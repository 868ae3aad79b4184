"""Settings of the ingest benchmark's servers: the project's settings plus one benchmark-only
URL (bench.ingest_urls). Used only by bench/bench_ingest.py; never by the product."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.ingest_urls"
