"""The Digipoort client against the local Digipoort over HTTPS with two-way TLS."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
import requests

from kvk.digipoort.client import DigipoortClient, DigipoortConfig, DigipoortError
from kvk.digipoort.outcome import outcome
from kvk.status import Status

from .conftest import build_xbrl, wait_until_final


def _reference() -> str:
    return "dep-" + uuid.uuid4().hex[:20]


def _deliver(client: DigipoortClient, reference: str | None = None) -> str:
    """A delivery of the demo instance for 12345678 (under a fresh reference unless given)."""
    return client.deliver(
        reference=reference or _reference(),
        kvk_number="12345678",
        filename="jr.xbrl",
        content=build_xbrl(),
    )


def _counts(stub) -> dict[str, int]:
    response = requests.get(
        stub.url + "/stub/deliveries",
        cert=(str(stub.pki.client_cert), str(stub.pki.client_key)),
        verify=str(stub.pki.ca_cert),
        timeout=5,
    )
    response.raise_for_status()
    return response.json()["counts"]


def test_delivery_progresses_to_filed(digipoort_stub, digipoort_client):
    reference = _reference()
    kenmerk = digipoort_client.deliver(
        reference=reference,
        kvk_number="12345678",
        filename="jaarrekening.xbrl",
        content=build_xbrl("12345678"),
    )

    statuses = wait_until_final(digipoort_client, kenmerk)

    assert [s.code for s in statuses] == [100, 200, 301, 405, 400, 500]
    assert statuses == sorted(statuses, key=lambda s: s.timestamp)
    assert all(s.timestamp.tzinfo is not None for s in statuses)
    assert outcome(statuses).status == Status.FILED
    assert _counts(digipoort_stub) == {reference: 1}


def test_status_before_the_verdict_is_sent(digipoort_stub, digipoort_client):
    digipoort_stub.state.step_seconds = 60  # nothing moves during this test
    kenmerk = _deliver(digipoort_client)

    statuses = digipoort_client.statuses(kenmerk)

    assert [s.code for s in statuses] == [100]
    assert outcome(statuses).status == Status.SENT_TO_KVK


def test_kvk_number_mismatch_is_refused_with_reasons(digipoort_client):
    kenmerk = digipoort_client.deliver(
        reference=_reference(),
        kvk_number="12345678",
        filename="jr.xbrl",
        content=build_xbrl("87654321"),
    )

    result = outcome(wait_until_final(digipoort_client, kenmerk))

    assert result.status == Status.REFUSED
    assert [code for code, _ in result.reasons] == ["KVK002"]
    assert "87654321" in result.reasons[0][1]


def test_second_adopted_filing_for_the_same_year_is_refused(digipoort_client):
    first = digipoort_client.deliver(
        reference=_reference(),
        kvk_number="11112222",
        filename="jr.xbrl",
        content=build_xbrl("11112222", year=2025),
    )
    assert outcome(wait_until_final(digipoort_client, first)).status == Status.FILED

    second = digipoort_client.deliver(
        reference=_reference(),
        kvk_number="11112222",
        filename="jr.xbrl",
        content=build_xbrl("11112222", year=2025),
    )
    other_year = digipoort_client.deliver(
        reference=_reference(),
        kvk_number="11112222",
        filename="jr.xbrl",
        content=build_xbrl("11112222", year=2024),
    )

    refused = outcome(wait_until_final(digipoort_client, second))
    assert refused.status == Status.REFUSED
    assert [code for code, _ in refused.reasons] == ["KVK003"]
    assert outcome(wait_until_final(digipoort_client, other_year)).status == Status.FILED


def test_not_well_formed_xbrl_fails_digipoort_validation(digipoort_client):
    kenmerk = digipoort_client.deliver(
        reference=_reference(),
        kvk_number="12345678",
        filename="jr.xbrl",
        content=b"<xbrli:xbrl xmlns:xbrli='http://www.xbrl.org/2003/instance'>",
    )

    statuses = wait_until_final(digipoort_client, kenmerk)
    result = outcome(statuses)

    assert statuses[-1].code == 311
    assert result.status == Status.REFUSED
    assert result.reasons[0][0] == "VAS500"


def test_entity_expansion_is_not_resolved(digipoort_client):
    hostile = b"""<?xml version="1.0"?>
<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>
<xbrli:xbrl xmlns:xbrli="http://www.xbrl.org/2003/instance">&b;</xbrli:xbrl>"""
    kenmerk = digipoort_client.deliver(
        reference=_reference(), kvk_number="12345678", filename="jr.xbrl", content=hostile
    )

    result = outcome(wait_until_final(digipoort_client, kenmerk))

    assert result.status == Status.REFUSED
    assert "DOCTYPE" in result.reasons[0][1]


class _TamperingSession(requests.Session):
    """Changes the KvK number in the signed body on its way out."""

    def post(self, url, data=None, **kwargs):
        return super().post(url, data=data.replace(b"12345678", b"12345679"), **kwargs)


class _NoClientCertificateSession(requests.Session):
    """Signs as usual but offers no certificate in the TLS handshake."""

    def post(self, url, data=None, **kwargs):
        kwargs["cert"] = None
        return super().post(url, data=data, **kwargs)


@pytest.mark.parametrize(
    "session,code",
    [(_TamperingSession, "ALS100"), (_NoClientCertificateSession, "TLS")],
    ids=["tampered_request", "missing_client_certificate"],
)
def test_refused_request_is_final_and_nothing_is_stored(digipoort_stub, session, code):
    client = DigipoortClient(digipoort_stub.client_config(), session=session())

    with pytest.raises(DigipoortError) as error:
        _deliver(client)

    assert error.value.code == code
    assert error.value.retryable is False
    assert _counts(digipoort_stub) == {}


def test_unsigned_request_is_refused_with_a_digipoort_fault(digipoort_stub):
    envelope = b"""<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"
      xmlns:kv="http://logius.nl/digipoort/koppelvlakservices/1.2/"><soapenv:Body>
      <kv:getStatussenProcesRequest><kv:kenmerk>x</kv:kenmerk></kv:getStatussenProcesRequest>
      </soapenv:Body></soapenv:Envelope>"""

    response = requests.post(
        digipoort_stub.status_url,
        data=envelope,
        headers={"Content-Type": "text/xml"},
        cert=(str(digipoort_stub.pki.client_cert), str(digipoort_stub.pki.client_key)),
        verify=str(digipoort_stub.pki.ca_cert),
        timeout=5,
    )

    assert response.status_code == 500
    assert b"<kv:foutcode>STS100</kv:foutcode>" in response.content
    assert b"not signed" in response.content


class _ResponseTamperingSession(requests.Session):
    def post(self, url, data=None, **kwargs):
        response = super().post(url, data=data, **kwargs)
        response._content = response.content.replace(b"Aanleveren gelukt", b"Aanleveren gelukt!")
        return response


def test_tampered_response_is_not_trusted(digipoort_stub):
    client = DigipoortClient(digipoort_stub.client_config(), session=_ResponseTamperingSession())

    with pytest.raises(DigipoortError) as error:
        _deliver(client)

    assert error.value.code == "SECURITY"


def test_client_without_certificate_configured_fails_fast(digipoort_stub):
    client = DigipoortClient(digipoort_stub.client_config(client_cert="", client_key=""))

    with pytest.raises(DigipoortError) as error:
        client.statuses("whatever")

    assert (error.value.code, error.value.retryable) == ("CONFIG", False)


def test_untrusted_server_is_refused(digipoort_stub, other_pki):
    other = other_pki
    client = DigipoortClient(digipoort_stub.client_config(ca_bundle=str(other.ca_cert)))

    with pytest.raises(DigipoortError) as error:
        client.statuses("whatever")

    assert error.value.code == "TLS"


def test_receiver_problem_420_for_a_while_then_filed(digipoort_stub, digipoort_client):
    digipoort_stub.state.set_faults({"status_420_polls": 3})
    kenmerk = _deliver(digipoort_client)

    seen_waiting = False
    statuses = digipoort_client.statuses(kenmerk)
    for _ in range(500):
        result = outcome(statuses)
        if result.status == Status.FILED:
            break
        if result.status is None and result.reasons and result.reasons[0][0] == "420":
            seen_waiting = True
        statuses = digipoort_client.statuses(kenmerk)
    codes = [s.code for s in statuses]

    assert seen_waiting
    assert codes.count(420) == 3
    assert codes[-2:] == [400, 500]
    assert outcome(statuses).status == Status.FILED


def test_lost_answer_is_recovered_by_reference_without_resending(digipoort_stub, digipoort_client):
    reference = _reference()
    since = datetime.now(UTC) - timedelta(seconds=1)
    digipoort_stub.state.set_faults({"drop_responses": 1})

    with pytest.raises(DigipoortError) as error:
        _deliver(digipoort_client, reference)
    assert error.value.retryable is True

    kenmerk = digipoort_client.find_delivery(
        reference=reference, kvk_number="12345678", since=since
    )

    assert kenmerk is not None
    assert outcome(wait_until_final(digipoort_client, kenmerk)).status == Status.FILED
    assert _counts(digipoort_stub) == {reference: 1}


def test_find_delivery_tells_ours_from_others(digipoort_client):
    since = datetime.now(UTC) - timedelta(seconds=1)
    ours, theirs = _reference(), _reference()
    kenmerk = _deliver(digipoort_client, ours)
    _deliver(digipoort_client, theirs)

    assert digipoort_client.find_delivery(reference=ours, kvk_number="12345678", since=since) == (
        kenmerk
    )
    assert (
        digipoort_client.find_delivery(reference=_reference(), kvk_number="12345678", since=since)
        is None
    )
    assert (
        digipoort_client.find_delivery(reference=ours, kvk_number="99999999", since=since) is None
    )


def test_find_delivery_passes_over_the_known_kenmerken_without_asking(
    digipoort_stub, digipoort_client
):
    since = datetime.now(UTC) - timedelta(seconds=1)
    ours = _reference()
    known = _deliver(digipoort_client)
    kenmerk = _deliver(digipoort_client, ours)

    found = digipoort_client.find_delivery(
        reference=ours, kvk_number="12345678", since=since, known={known}
    )

    assert found == kenmerk
    assert digipoort_stub.stats()["polls"] == {kenmerk: 1}


def test_slow_answer_times_out_and_is_retryable(digipoort_stub):
    client = DigipoortClient(digipoort_stub.client_config(timeout=0.3))
    digipoort_stub.state.set_faults({"delay_seconds": 1.0, "delay_count": 1})
    reference = _reference()
    since = datetime.now(UTC) - timedelta(seconds=1)

    with pytest.raises(DigipoortError) as error:
        _deliver(client, reference)

    assert error.value.code == "TIMEOUT"
    assert error.value.retryable is True
    assert client.find_delivery(reference=reference, kvk_number="12345678", since=since)


def test_aanlever_fault_technical_is_retryable(digipoort_stub, digipoort_client):
    digipoort_stub.state.set_faults({"aanlever_faults": 1})

    with pytest.raises(DigipoortError) as error:
        _deliver(digipoort_client)

    assert (error.value.code, error.value.retryable) == ("ALS400", True)
    assert _deliver(digipoort_client)


def test_authentication_failure_is_not_retryable(digipoort_stub, digipoort_client):
    digipoort_stub.state.set_faults({"auth_failures": 1})

    with pytest.raises(DigipoortError) as error:
        digipoort_client.statuses("unknown")

    assert (error.value.code, error.value.retryable) == ("STS110", False)


def test_unknown_kenmerk_is_a_fault(digipoort_client):
    with pytest.raises(DigipoortError) as error:
        digipoort_client.statuses("no-such-kenmerk")

    assert (error.value.code, error.value.retryable) == ("STS130", False)


def test_sha1_suite_from_the_wsdl_is_also_accepted(digipoort_stub):
    client = DigipoortClient(
        digipoort_stub.client_config(
            signature_algorithm="http://www.w3.org/2000/09/xmldsig#rsa-sha1",
            digest_algorithm="http://www.w3.org/2000/09/xmldsig#sha1",
        )
    )

    assert _deliver(client)


def test_config_from_settings(digipoort_settings, digipoort_stub):
    config = DigipoortConfig.from_settings()

    assert config.aanlever_url == digipoort_stub.aanlever_url
    assert DigipoortClient().deliver(
        reference=_reference(), kvk_number="12345678", filename="jr.xbrl", content=build_xbrl()
    )


def test_signature_by_an_untrusted_certificate_is_refused(digipoort_stub, other_pki):
    other = other_pki
    stub_cert = (str(digipoort_stub.pki.client_cert), str(digipoort_stub.pki.client_key))

    class _StubTlsSession(requests.Session):
        """TLS with the stub's client certificate, WS-Security signed with another one."""

        def post(self, url, data=None, **kwargs):
            kwargs["cert"] = stub_cert
            return super().post(url, data=data, **kwargs)

    client = DigipoortClient(
        digipoort_stub.client_config(
            client_cert=str(other.client_cert), client_key=str(other.client_key)
        ),
        session=_StubTlsSession(),
    )

    with pytest.raises(DigipoortError) as error:
        client.statuses("whatever")

    assert error.value.code == "STS100"
    assert "trusted CA" in error.value.message


def test_new_statuses_are_given_once(digipoort_stub, digipoort_client):
    kenmerk = _deliver(digipoort_client)
    wait_until_final(digipoort_client, kenmerk)
    service = digipoort_client._status_service

    first = service.getNieuweStatussenProces(kenmerk=kenmerk)
    second = service.getNieuweStatussenProces(kenmerk=kenmerk)

    assert [int(s.statuscode) for s in first] == [100, 200, 301, 405, 400, 500]
    assert not second


def test_reference_longer_than_40_characters_is_not_sent(digipoort_stub, digipoort_client):
    with pytest.raises(DigipoortError) as error:
        _deliver(digipoort_client, "x" * 41)

    assert (error.value.code, error.value.retryable) == ("REQUEST", False)
    assert digipoort_stub.counts() == {}


def test_admin_endpoint_sets_faults_and_counts(digipoort_stub, digipoort_client):
    tls = {
        "cert": (str(digipoort_stub.pki.client_cert), str(digipoort_stub.pki.client_key)),
        "verify": str(digipoort_stub.pki.ca_cert),
        "timeout": 5,
    }
    answer = requests.post(digipoort_stub.url + "/stub/faults", json={"auth_failures": 1}, **tls)
    assert answer.status_code == 200
    unknown = requests.post(digipoort_stub.url + "/stub/faults", json={"nope": 1}, **tls)
    assert unknown.status_code == 400

    with pytest.raises(DigipoortError):
        _deliver(digipoort_client, "a")
    _deliver(digipoort_client, "a")
    _deliver(digipoort_client, "a")

    assert _counts(digipoort_stub) == {"a": 2}  # the stub shows a resend; it does not hide it
    assert digipoort_stub.counts() == {"a": 2}


class _RecordingSession(requests.Session):
    def __init__(self):
        super().__init__()
        self.sent: list[tuple[str, bytes, dict]] = []

    def post(self, url, data=None, **kwargs):
        self.sent.append((url, data, kwargs))
        return super().post(url, data=data, **kwargs)


def test_replayed_request_is_refused(digipoort_stub):
    session = _RecordingSession()
    client = DigipoortClient(digipoort_stub.client_config(), session=session)
    reference = _reference()
    _deliver(client, reference)
    url, data, kwargs = session.sent[-1]

    replay = requests.post(url, data=data, **kwargs)

    assert replay.status_code == 500
    assert b"<kv:foutcode>ALS100</kv:foutcode>" in replay.content
    assert b"replay" in replay.content
    assert digipoort_stub.counts() == {reference: 1}


def test_unreachable_digipoort_is_retryable(digipoort_stub):
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        free_port = probe.getsockname()[1]
    down = f"https://127.0.0.1:{free_port}/wus/2.0/aanleverservice/1.2"
    client = DigipoortClient(digipoort_stub.client_config(aanlever_url=down))

    with pytest.raises(DigipoortError) as error:
        _deliver(client)

    assert (error.value.code, error.value.retryable) == ("CONNECTION", True)


def test_find_delivery_refuses_to_guess_when_digipoort_does_not_show_references(
    digipoort_stub, digipoort_client
):
    since = datetime.now(UTC) - timedelta(seconds=1)
    kenmerk = _deliver(digipoort_client)
    delivery = digipoort_stub.state.get(kenmerk)
    delivery.timeline[0]["details"] = ""  # as if Digipoort did not echo the aanleverkenmerk
    digipoort_stub.state.save(delivery)

    with pytest.raises(DigipoortError) as error:
        digipoort_client.find_delivery(reference=_reference(), kvk_number="12345678", since=since)

    assert (error.value.code, error.value.retryable) == ("AMBIGUOUS", False)
    assert kenmerk in error.value.message
    later = datetime.now(UTC) + timedelta(minutes=1)
    assert (
        digipoort_client.find_delivery(reference=_reference(), kvk_number="12345678", since=later)
        is None
    )


def test_one_client_shared_by_threads(digipoort_stub, digipoort_client):
    from concurrent.futures import ThreadPoolExecutor

    references = [_reference() for _ in range(24)]

    def deliver(reference: str) -> str:
        return _deliver(digipoort_client, reference)

    with ThreadPoolExecutor(8) as pool:
        kenmerken = list(pool.map(deliver, references))

    assert len(set(kenmerken)) == len(references)
    assert digipoort_stub.counts() == dict.fromkeys(references, 1)
    for reference, kenmerk in zip(references, kenmerken, strict=True):
        assert digipoort_stub.state.get(kenmerk).reference == reference
