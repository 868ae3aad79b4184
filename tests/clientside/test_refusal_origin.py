"""A refusal by Digipoort's own check is not called the KvK's in the client environment.

Source: KVK-SBR.md section 5: "301 validation succeeded, 311 failed (final)", and only
after it "405 offered to the receiving party (KvK)". The portal reports a 311 as 90 with
its reason code digipoort_validation (kvk.digipoort.outcome.DIGIPOORT_VALIDATION, read by
the client environment over the API as every reason's code).
"""

from __future__ import annotations

import hashlib

import pytest
from django.urls import reverse

from clientside.models import OutboundMessage
from clientside.views import next_step
from kvk.status import Status
from tests.clientside.conftest import make_environment
from tests.clientside.test_screens import ALL_PERMISSIONS, user_with

pytestmark = pytest.mark.django_db

#: What the portal's API gives for a 311 (workflow.reasons.TRANSPORT).
DIGIPOORT_REASON = {
    "code": "digipoort_validation",
    "message": "Digipoort heeft het bericht afgekeurd bij de controle. Er is een "
    "gecorrigeerde jaarrekening nodig.",
}


def test_a_311_is_called_digipoorts_refusal(client):
    env = make_environment(kvk_number="12345678", token="t", portal_url="http://127.0.0.1:9")
    document = b"<xbrl>311</xbrl>"
    OutboundMessage.objects.create(
        administration=env.administration,
        report=env.report,
        filename="jaarrekening.xbrl",
        document=document,
        document_sha256=hashlib.sha256(document).hexdigest(),
        status=Status.REFUSED,
        reasons=[DIGIPOORT_REASON],
    )

    text, link = next_step(env.administration)
    assert text.startswith("Digipoort heeft de jaarrekening afgekeurd bij de controle")
    assert "De KvK heeft" not in text and link.endswith("#nieuwe-stukken")

    client.force_login(user_with(*ALL_PERMISSIONS))
    page = client.get(reverse("clientside:report", args=[env.report.pk])).content.decode()
    assert "voordat de KvK haar ontving" in page
    assert "De KvK heeft de jaarrekening afgekeurd" not in page
