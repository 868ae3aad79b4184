"""SOAP faults and transport failures become DigipoortError with the right retryable flag."""

from __future__ import annotations

import pytest
from lxml import etree
from zeep.exceptions import Fault

from kvk.digipoort.client import _fault_error

KV = "http://logius.nl/digipoort/koppelvlakservices/1.2/"


def detail(code: str, text: str = "omschrijving") -> etree._Element:
    return etree.fromstring(
        f'<detail><kv:aanleverFault xmlns:kv="{KV}"><kv:foutcode>{code}</kv:foutcode>'
        f"<kv:foutbeschrijving>{text}</kv:foutbeschrijving></kv:aanleverFault></detail>"
    )


@pytest.mark.parametrize(
    ("fault", "code", "retryable"),
    [
        (Fault("x", code="soap-env:Client", detail=detail("ALS400")), "ALS400", True),
        (Fault("x", code="soap-env:Server", detail=detail("ALS100")), "ALS100", False),
        (Fault("x", code="soap-env:Client", detail=detail("STS130")), "STS130", False),
        (Fault("gateway down", code="soap-env:Server"), "soap-env:Server", True),
        (Fault("bad request", code="soap-env:Client"), "soap-env:Client", False),
        (Fault("?"), "FAULT", False),
    ],
)
def test_fault_mapping(fault, code, retryable):
    error = _fault_error(fault)

    assert (error.code, error.retryable) == (code, retryable)


def test_fault_message_is_digipoorts_description():
    error = _fault_error(Fault("x", code="soap-env:Client", detail=detail("ALS120", "ontbreekt")))

    assert error.message == "ontbreekt"
    assert str(error) == "ALS120: ontbreekt"
