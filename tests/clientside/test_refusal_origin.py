"""A refusal by Digipoort's own check is not called the KvK's in the client environment.

Source: KVK-SBR.md section 5: "301 validation succeeded, 311 failed (final)", and only
after it "405 offered to the receiving party (KvK)". The portal reports a 311 as 90 with
its reason code digipoort_validation (kvk.digipoort.outcome.DIGIPOORT_VALIDATION, read by
the client environment over the API as every reason's code).
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from clientside.views import next_step
from kvk.status import Status
from tests.clientside.conftest import mirrored

pytestmark = pytest.mark.django_db

#: What the portal's API gives for a 311 (workflow.reasons.TRANSPORT).
DIGIPOORT_REASON = {
    "code": "digipoort_validation",
    "message": "Digipoort heeft het bericht afgekeurd bij de controle. Er is een "
    "gecorrigeerde jaarrekening nodig.",
}


def test_a_311_is_called_digipoorts_refusal(env, bookkeeper):
    mirrored(env.report, Status.REFUSED, [DIGIPOORT_REASON])

    text, link = next_step(env.administration)
    assert text.startswith("Digipoort heeft de jaarrekening afgekeurd bij de controle")
    assert "De KvK heeft" not in text and link.endswith("#nieuwe-stukken")

    page = bookkeeper.get(reverse("clientside:report", args=[env.report.pk])).content.decode()
    assert "voordat de KvK haar ontving" in page
    assert "De KvK heeft de jaarrekening afgekeurd" not in page
