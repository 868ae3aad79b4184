"""docker-compose.yml starts again what crashed (the IT operator's walk of 2026-12-07, item 1:
a beat or worker killed stayed dead, and filings stopped at 60 for good). Only the one-off
migration runs once. Docker's restart policies:
https://docs.docker.com/reference/compose-file/services/#restart"""

from __future__ import annotations

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
RESTARTS = {"always", "unless-stopped", "on-failure"}


def test_every_long_running_service_is_restarted_when_it_dies():
    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    assert {"web", "worker", "beat"} <= set(services)
    for name, service in services.items():
        policy = str(service.get("restart", "no")).split(":")[0]
        if name == "migrate":
            assert policy == "no"
        else:
            assert policy in RESTARTS, name
