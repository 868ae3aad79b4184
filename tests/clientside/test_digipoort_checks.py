"""'Controle' stops what Digipoort itself refuses, with the checks of the local Digipoort.

Sources (kvk.digipoort.validation): KVK-SBR.md section 5 and Logius' metrokaart, "311
Validatie mislukt" with foutcode VAS500 (final), the local Digipoort's grounds for it (not
well-formed, a DOCTYPE, not an XBRL instance); Logius' "Statussen en foutcodes Digipoort"
(status 105: a request that does not meet the koppelvlak gets an aanleverFault) and the
koppelvlak schema digipoort-koppelvlak-1.2.xsd (berichtInhoudType: bestandsnaam at most 80
characters, inhoud at most 20971520 octets).
"""

from __future__ import annotations

import uuid

import pytest

from clientside import services
from clientside.models import Administration
from kvk.digipoort import validation
from kvk.digipoort.client import DigipoortError
from kvk.digipoort.outcome import outcome
from kvk.digipoort.stub import inspect_instance, scenario_plan
from kvk.status import Status
from tests.clientside.conftest import make_environment
from tests.kvk_digipoort.conftest import wait_until_final

pytestmark = pytest.mark.django_db

#: A document that is no XBRL instance: well-formed, so the byte rules say little of it.
NOT_AN_INSTANCE = b'<?xml version="1.0" encoding="UTF-8"?>\n<jaarrekening>2025</jaarrekening>\n'
#: 120 characters and ", B.V.": a name as registered, longer than a file name may be.
LONG_NAME = "Handelsonderneming " + "Noord" * 20 + " en Zonen B.V."


def environment(name: str = "Test B.V."):
    return make_environment(
        kvk_number="12345678", token="t", portal_url="http://127.0.0.1:9", name=name
    )


def test_a_document_the_local_digipoort_refuses_with_311_is_stopped_by_controle(monkeypatch):
    # The local Digipoort ends such a delivery at 311 with VAS500, whatever the scenario.
    verdict = inspect_instance(NOT_AN_INSTANCE)
    assert [step["code"] for step in scenario_plan("normal", verdict, 1.0)] == [200, 311]
    env = environment()
    monkeypatch.setattr(services, "build_instance", lambda statements: NOT_AN_INSTANCE)

    check = services.check_report(env.report)

    refused = [p for p in check.problems if p.code == "VAS500"]
    assert [p.message for p in refused] == [
        "Digipoort keurt het document af bij de controle (status 311): het is geen XBRL-instance."
    ]
    assert refused[0].field == "Document"
    with pytest.raises(services.PrepareError):
        services.prepare(env.report)


def test_a_valid_report_still_passes_and_digipoort_takes_it(digipoort_client):
    env = environment()
    assert services.check_report(env.report).problems == []
    message = services.prepare(env.report)

    kenmerk = digipoort_client.deliver(
        reference="dep-" + uuid.uuid4().hex[:20],
        kvk_number="12345678",
        filename=message.filename,
        content=bytes(message.document),
    )

    assert outcome(wait_until_final(digipoort_client, kenmerk)).status == Status.FILED


@pytest.mark.parametrize("resubmission", [False, True])
def test_a_long_name_gives_a_file_name_digipoort_takes(digipoort_client, resubmission):
    env = environment(LONG_NAME)
    assert len(LONG_NAME) > validation.MAX_FILENAME_CHARS
    if resubmission:
        env.report.resubmission = True
        env.report.resubmission_explanation = "De voorraad was te hoog gewaardeerd."
        env.report.adoption_date = env.report.signed_date
        env.report.save()
    assert services.check_report(env.report).problems == []
    message = services.prepare(env.report)

    assert len(message.filename) <= 80
    assert message.filename.startswith("Handelsonderneming-NoordNoord")
    assert message.filename.endswith(
        "-12345678-heraanlevering.xbrl" if resubmission else "-12345678.xbrl"
    )
    kenmerk = digipoort_client.deliver(
        reference="dep-" + uuid.uuid4().hex[:20],
        kvk_number="12345678",
        filename=message.filename,
        content=bytes(message.document),
    )
    assert wait_until_final(digipoort_client, kenmerk)[-1].code == 500


def test_the_local_digipoort_refuses_a_file_name_over_80_characters(digipoort_client, monkeypatch):
    # Our client shortens a long name (next test); a sender that does not is refused.
    monkeypatch.setattr(validation, "fitted_filename", lambda name: name)
    content = bytes(services.prepare(environment().report).document)

    with pytest.raises(DigipoortError) as error:
        digipoort_client.deliver(
            reference="dep-" + uuid.uuid4().hex[:20],
            kvk_number="12345678",
            filename="a" * 76 + ".xbrl",
            content=content,
        )

    assert "koppelvlak" in error.value.message and "81 tekens" in error.value.message
    assert not error.value.retryable


def test_our_client_delivers_a_long_file_name_shortened_before_its_extension(digipoort_client):
    """A portal takes names up to 200 characters from its API (connectors.serializers);
    Digipoort takes 80 (digipoort-koppelvlak-1.2.xsd, bestandsnaam)."""
    content = bytes(services.prepare(environment().report).document)
    long_name = "Jaarrekening " + "x" * 150 + "  2025.xbrl"

    kenmerk = digipoort_client.deliver(
        reference="dep-" + uuid.uuid4().hex[:20],
        kvk_number="12345678",
        filename=long_name,
        content=content,
    )

    assert wait_until_final(digipoort_client, kenmerk)[-1].code == 500
    assert validation.fitted_filename(long_name) == "Jaarrekening " + "x" * 62 + ".xbrl"
    assert validation.fitted_filename("jaar  rekening.xbrl") == "jaar rekening.xbrl"
    assert validation.fitted_filename("y" * 90) == "y" * 80


def test_what_the_request_may_not_be():
    assert validation.request_refusals(filename="a" * 75 + ".xbrl", size=20_971_520) == []
    too_long = validation.request_refusals(filename="a" * 76 + ".xbrl", size=1)
    assert [f.code for f in too_long] == [validation.FILENAME_REFUSED]
    too_big = validation.request_refusals(filename="jr.xbrl", size=20_971_521)
    assert [f.code for f in too_big] == [validation.CONTENT_REFUSED]
    assert "hoogstens 20 MB" in too_big[0].message_nl


@pytest.mark.parametrize(
    ("name", "stem"),
    [
        ("Coöperatie Zuivel Noord U.A.", "Cooperatie-Zuivel-Noord-U-A"),
        ("Café Één & Zoon B.V.", "Cafe-Een-Zoon-B-V"),
    ],
)
def test_letters_with_accents_keep_their_letter_in_the_file_name(name, stem):
    """FR-NL-1.06 allows only A-Z, a-z, 0-9, '-' and '_' in the file name (kvk.rules.file):
    an "ö" is written as the "o" it carries, as a person would, not dropped for a hyphen."""
    administration = Administration(name=name, kvk_number="12345678")

    filename = services._filename(administration, 2025)

    assert filename == f"{stem}-2025-12345678.xbrl"
