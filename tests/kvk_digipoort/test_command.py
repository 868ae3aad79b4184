"""manage.py digipoort_stub: the local Digipoort as its own process, as make run and CI run it."""

from __future__ import annotations

import re
import signal

import requests

from kvk.digipoort.client import DigipoortClient, DigipoortConfig

from .conftest import build_xbrl, start_stub_command


def test_command_serves_over_two_way_tls_and_keeps_deliveries(tmp_path):
    process = start_stub_command(tmp_path, "--step-seconds", "0.01")
    try:
        seen = []
        for line in process.stdout:  # log lines of other apps may come first
            seen.append(line)
            match = re.search(r"Local Digipoort at (https://\S+)", line)
            if match:
                break
        else:
            raise AssertionError("the stub did not start:\n" + "".join(seen))
        url = match.group(1)
        assert {p.name for p in tmp_path.iterdir()} >= {
            "ca.crt",
            "client.crt",
            "client.key",
            "server.crt",
            "server.key",
        }
        assert (tmp_path / "client.key").stat().st_mode & 0o077 == 0
        config = DigipoortConfig(
            aanlever_url=url + "/wus/2.0/aanleverservice/1.2",
            status_url=url + "/wus/2.0/statusinformatieservice/1.2",
            client_cert=str(tmp_path / "client.crt"),
            client_key=str(tmp_path / "client.key"),
            ca_bundle=str(tmp_path / "ca.crt"),
            berichtsoort="KVK-jaarverantwoording",
            identiteit_type="KvK",
            rol="Intermediair",
            autorisatie_adres="http://geenausp.nl",
            signature_algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
            digest_algorithm="http://www.w3.org/2001/04/xmlenc#sha256",
            timeout=10,
        )

        DigipoortClient(config).deliver(
            reference="cmd-1", kvk_number="12345678", filename="jr.xbrl", content=build_xbrl()
        )

        deliveries = requests.get(
            url + "/stub/deliveries",
            cert=(config.client_cert, config.client_key),
            verify=config.ca_bundle,
            timeout=5,
        ).json()
        assert deliveries["counts"] == {"cmd-1": 1}
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=10)
    assert process.returncode == 0
