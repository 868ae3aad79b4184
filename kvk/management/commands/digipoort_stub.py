"""Run the local Digipoort (kvk/digipoort/stub/) as its own process.

Started by ``make run`` and by CI. Certificates are (re)generated into --cert-dir at start
when missing or about to expire; point DIGIPOORT_CLIENT_CERT / _KEY / _CA_BUNDLE at them
(the defaults in config/settings.py already do).

``--default-scenario`` picks what happens to deliveries over time (see ``SCENARIOS`` in
kvk/digipoort/stub/); POST /stub/clock moves the stub's clock on, so a scenario of days
plays in seconds.
"""

from __future__ import annotations

import signal
import threading
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from kvk.digipoort.stub import SCENARIOS, start_stub


class Command(BaseCommand):
    help = "Run the local Digipoort (WUS aanlever- and statusinformatieservice) over HTTPS."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8443)
        parser.add_argument("--cert-dir", default=str(settings.DIGIPOORT_STUB_DIR))
        parser.add_argument(
            "--step-seconds",
            type=float,
            default=2.0,
            help="time between two status steps (100 -> 200 -> 301 -> 405 -> 400 -> verdict)",
        )
        parser.add_argument(
            "--berichtsoort",
            action="append",
            help="accepted berichtsoort (repeatable; default settings.DIGIPOORT_BERICHTSOORT)",
        )
        parser.add_argument("--regenerate-certs", action="store_true")
        parser.add_argument("--reset", action="store_true", help="forget earlier deliveries")
        faults = parser.add_argument_group("faults (also settable by POST /stub/faults)")
        faults.add_argument("--delay-seconds", type=float, default=0.0)
        faults.add_argument("--delay-count", type=int, default=0, help="-1: every answer")
        faults.add_argument("--status-420-polls", type=int, default=0)
        faults.add_argument("--auth-failures", type=int, default=0)
        faults.add_argument("--aanlever-faults", type=int, default=0)
        faults.add_argument("--drop-responses", type=int, default=0)
        faults.add_argument(
            "--default-scenario",
            choices=sorted(SCENARIOS),
            default="normal",
            help="what happens to each delivery over time (per KvK number: POST /stub/faults "
            '{"scenarios": {"12345678": "silent"}}): '
            + "; ".join(f"{name}: {text}" for name, text in SCENARIOS.items()),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        handle = start_stub(
            Path(options["cert_dir"]),
            host=options["host"],
            port=options["port"],
            step_seconds=options["step_seconds"],
            berichtsoorten=options["berichtsoort"] or [settings.DIGIPOORT_BERICHTSOORT],
            regenerate_certs=options["regenerate_certs"],
        )
        if options["reset"]:
            handle.state.reset()
        handle.state.set_faults(
            {
                "delay_seconds": options["delay_seconds"],
                "delay_count": options["delay_count"],
                "status_420_polls": options["status_420_polls"],
                "auth_failures": options["auth_failures"],
                "aanlever_faults": options["aanlever_faults"],
                "drop_responses": options["drop_responses"],
                "default_scenario": options["default_scenario"],
            }
        )
        self.stdout.write(
            f"Local Digipoort at {handle.url}\n"
            f"  aanleverservice:        {handle.aanlever_url}\n"
            f"  statusinformatieservice: {handle.status_url}\n"
            f"  certificates:           {handle.pki.directory}\n"
            f"  admin:                  {handle.url}/stub/deliveries, /stub/faults, /stub/stats, "
            "/stub/reset\n"
            f"  clock:                  {handle.url}/stub/clock (GET; POST "
            '{"advance_seconds": N} moves the timelines on, {"offset_seconds": N} sets)\n'
            f"  default scenario:       {options['default_scenario']}"
        )
        self.stdout.flush()  # whoever started us waits for this line
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        try:
            stop.wait()
        except KeyboardInterrupt:
            pass
        finally:
            handle.stop()
