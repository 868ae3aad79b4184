"""A refusal by Digipoort's own check is not called the KvK's in the client environment.

Source: KVK-SBR.md section 5: "301 validation succeeded, 311 failed (final)", and only
after it "405 offered to the receiving party (KvK)". The portal reports a 311 as 90 with
its reason code digipoort_validation (kvk.digipoort.outcome.DIGIPOORT_VALIDATION, read by
the client environment over the API as every reason's code). What Digipoort found (the
foutcode and its text a 311 carries, statusFoutcode and statusdetails) comes with it, so
that the bookkeeper knows what to correct.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from clientside import services
from clientside.views import next_step
from connectors import services as connector_services
from kvk.status import Status
from tests.clientside.conftest import mirrored
from tests.clientside.test_against_portal import _adopt_and_approve
from workflow import submission
from workflow.models import Actor, ApprovalMessage

#: What the portal's API gives for a 311 (workflow.reasons.TRANSPORT).
DIGIPOORT_REASON = {
    "code": "digipoort_validation",
    "message": "Digipoort heeft het bericht afgekeurd bij de controle. Er is een "
    "gecorrigeerde jaarrekening nodig.",
}


@pytest.mark.django_db
def test_a_311_is_called_digipoorts_refusal(env, bookkeeper):
    mirrored(env.report, Status.REFUSED, [DIGIPOORT_REASON])

    text, link = next_step(env.administration)
    assert text.startswith("Digipoort heeft de jaarrekening afgekeurd bij de controle")
    assert "De KvK heeft" not in text and link.endswith("#nieuwe-stukken")

    page = bookkeeper.get(reverse("clientside:report", args=[env.report.pk])).content.decode()
    assert "voordat de KvK haar ontving" in page
    assert "De KvK heeft de jaarrekening afgekeurd" not in page


@pytest.mark.django_db(transaction=True)
def test_the_bookkeeper_reads_what_digipoort_found(
    env_a, client_a, bookkeeper, digipoort_settings, digipoort_stub
):
    """Through the real road: the environment sends, the client approves in the portal, the
    local Digipoort refuses at its validation (scenario validation_failed: 311 with foutcode
    VAS500), and the environment's send/receive brings Digipoort's finding, worded and
    coded as Digipoort gave it, to the report that must be corrected."""
    message = services.prepare(env_a.report)
    services.send_receive(env_a.administration)
    connector_services.process_external_messages()
    portal_message = ApprovalMessage.objects.get(message_id=message.message_id)
    _adopt_and_approve(portal_message, Actor.for_user(client_a.user))
    digipoort_stub.set_faults(scenarios={client_a.kvk_number: "validation_failed"})
    assert submission.submit(portal_message.pk) == "delivered"
    digipoort_stub.set_clock(60)
    submission.poll_due(now=timezone.now() + timedelta(seconds=60))

    services.send_receive(env_a.administration)

    message.refresh_from_db()
    assert message.status == Status.REFUSED and message.refused_by_digipoort
    page = bookkeeper.get(reverse("clientside:report", args=[env_a.report.pk])).content.decode()
    shown = re.search(r'<ul id="correction-reasons".*?</ul>', page, flags=re.S).group(0)
    assert "Digipoort heeft het bericht afgekeurd bij de controle" in shown
    assert "Melding van Digipoort: Validatie mislukt (code VAS500)" in shown
    assert "311 Validatie mislukt" not in shown  # the staff's detail stays in the portal
