"""The tweede aanlevering from the client's environment, against the real portal over HTTP
(live_server) and the local Digipoort.

KVK-SBR.md section 1: "A correction is a new filing: either a heraanlevering (flag
DocumentResubmissionDueToUnsurmountableInaccuracies = Ja, which requires adoption status Ja
and an adoption date) or a tweede aanlevering (the adopted accounts after an earlier
non-adopted filing)." Art. 2:394 lid 2 BW: accounts not adopted in time are filed as drawn
up; the portal files them with adoption status Nee (workflow.services.not_adopted) and
tells the environment so in its updates API ("adopted": false at 80).
"""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client as BrowserClient
from django.urls import reverse

from clientside import services
from clientside.models import AnnualReport, OutboundMessage
from clientside.views import next_step
from connectors import services as connector_services
from demo.setup import report_values
from kvk import taxonomy as tx
from kvk.parser import parse_instance
from kvk.status import Status
from tests.clientside.conftest import make_environment, mirrored, signed_by_the_director
from tests.portal.test_not_adopted_filing import _action, _file_not_adopted, _filed
from workflow.models import ApprovalMessage

#: A year whose adoption deadline (31 July of the year after, for a BV) has passed whatever
#: today is: its accounts may be filed as not adopted.
PAST = date.today().year - 2
#: The day the general meeting adopted them, after they were filed as not adopted.
ADOPTED = date(PAST + 1, 9, 1)

OFFER = "Vastgestelde jaarrekening sturen (tweede aanlevering)"


def _sent_and_processed(bookkeeper, report: AnnualReport) -> ApprovalMessage:
    """ "Klaarzetten" and "Verzenden/ontvangen" on the report's page; the portal processes
    the message and the environment mirrors its status. Returns the portal's message."""
    administration = report.administration
    bookkeeper.post(reverse("clientside:report-prepare", args=[report.pk]))
    message = services.current_messages(report).get(status=Status.PREPARED)
    bookkeeper.post(reverse("clientside:send-receive", args=[administration.pk]))
    connector_services.process_external_messages()
    bookkeeper.post(reverse("clientside:send-receive", args=[administration.pk]))
    return ApprovalMessage.objects.get(message_id=message.message_id)


@pytest.mark.django_db(transaction=True)
def test_after_a_filing_not_adopted_the_adopted_accounts_go_as_tweede_aanlevering(
    client_a, portal_url, bookkeeper, digipoort_settings, digipoort_stub
):
    env = make_environment(
        kvk_number=client_a.kvk_number, token=client_a.token, portal_url=portal_url
    )
    administration = env.administration
    report = AnnualReport.objects.create(
        administration=administration,
        financial_year=PAST,
        **report_values(administration, PAST, signing_place="Utrecht"),
    )
    outsite = BrowserClient()
    outsite.force_login(client_a.user)

    # The accounts are filed as not adopted through OutSite and reach 80 at the KvK.
    first = _sent_and_processed(bookkeeper, report)
    assert first.status == Status.IN_REVIEW
    _file_not_adopted(outsite, first)
    assert _filed(ApprovalMessage.objects.get(pk=first.pk)).status == Status.FILED
    bookkeeper.post(reverse("clientside:send-receive", args=[administration.pk]))

    # The environment learnt it from the updates API: filed, not adopted.
    filed = OutboundMessage.objects.get(message_id=first.message_id)
    assert (filed.status, filed.adopted, filed.adoption_date) == (Status.FILED, False, None)
    report.refresh_from_db()
    assert report.locked
    page = bookkeeper.get(reverse("clientside:report", args=[report.pk])).content.decode()
    assert 'id="tweede-aanlevering"' in page
    assert "Gedeponeerd als niet vastgestelde jaarrekening" in page
    assert OFFER in page and "Heraanlevering maken" not in page
    assert "Niet vastgestelde jaarrekening" in page  # at the message
    text, link = next_step(administration)
    assert OFFER in text and link.endswith(f"/jaarrapporten/{report.pk}/#tweede-aanlevering")

    # "Vastgestelde jaarrekening sturen": a new version of the year, not a heraanlevering,
    # with the filed figures; "Controle" asks for the adoption date.
    response = bookkeeper.post(
        reverse("clientside:report-second-filing", args=[report.pk]), follow=True
    )
    second_report = AnnualReport.objects.get(administration=administration, second_filing=True)
    assert (second_report.financial_year, second_report.resubmission) == (PAST, False)
    assert second_report.statements == report.statements and not second_report.locked
    page = response.content.decode()
    assert "Tweede aanlevering" in page and 'id="second-filing-note"' in page
    assert "Vul de datum in waarop de jaarrekening is vastgesteld" in page
    values = {
        **signed_by_the_director(administration.signatories.get()),
        "adoption_date": ADOPTED.isoformat(),
    }
    bookkeeper.post(reverse("clientside:report-values", args=[second_report.pk]), values)

    # Klaarzetten and verzenden as usual: the document says adopted on ADOPTED, and is no
    # heraanlevering.
    second = _sent_and_processed(bookkeeper, second_report)
    sent = OutboundMessage.objects.get(message_id=second.message_id)
    assert sent.filename.endswith(f"-{PAST}-{client_a.kvk_number}-tweede-aanlevering.xbrl")
    parsed = parse_instance(bytes(sent.document))
    assert parsed.first_value("DocumentAdoptionStatus") == tx.YES
    assert parsed.adoption_date == ADOPTED
    assert parsed.first_value("DocumentResubmissionDueToUnsurmountableInaccuracies") == tx.NO

    # The portal takes it as the tweede aanlevering: into the workflow, adopted, not
    # refused as a second filing and not a heraanlevering; the client approves it.
    assert second.status == Status.IN_REVIEW, second.reasons
    assert (second.adopted, second.adoption_date, second.resubmission) == (True, ADOPTED, False)
    assert sent.status == Status.IN_REVIEW
    _action(outsite, second, "approve", document_sha256=second.document_sha256, confirmed="1")
    approved = ApprovalMessage.objects.get(pk=second.pk)
    last = approved.events.order_by("-sequence").first()
    assert (approved.status, last.action) == (Status.APPROVED, "approved")
    assert _filed(approved).status == Status.FILED
    assert [d.verdict["adopted"] for d in digipoort_stub.state.all()] == [False, True]

    # Back in the environment: filed, adopted; a correction now is a heraanlevering.
    bookkeeper.post(reverse("clientside:send-receive", args=[administration.pk]))
    sent.refresh_from_db()
    assert (sent.status, sent.adopted, sent.adoption_date) == (Status.FILED, True, ADOPTED)
    page = bookkeeper.get(reverse("clientside:report", args=[second_report.pk])).content.decode()
    assert "Heraanlevering maken" in page and OFFER not in page
    page = bookkeeper.get(reverse("clientside:report", args=[report.pk])).content.decode()
    assert 'id="to-second-filing"' in page and OFFER not in page


@pytest.mark.django_db
def test_a_filing_the_portal_did_not_say_was_not_adopted_keeps_the_heraanlevering(bookkeeper, env):
    """A portal of an earlier release does not say whether the 80 was adopted: filed then
    were adopted accounts, so a correction is a heraanlevering, as before."""
    mirrored(env.report, Status.FILED)
    AnnualReport.objects.filter(pk=env.report.pk).update(locked=True)

    page = bookkeeper.get(reverse("clientside:report", args=[env.report.pk])).content.decode()

    assert "Heraanlevering maken" in page and OFFER not in page
    refused = bookkeeper.post(reverse("clientside:report-second-filing", args=[env.report.pk]))
    assert refused.status_code == 302
    assert not AnnualReport.objects.filter(second_filing=True).exists()


@pytest.mark.django_db
def test_after_a_filing_not_adopted_a_heraanlevering_is_refused_with_the_way_on(env):
    """A heraanlevering corrects adopted accounts (BR-KVK-4.12); what follows accounts filed
    as not adopted is the tweede aanlevering."""
    message = mirrored(env.report, Status.FILED)
    OutboundMessage.objects.filter(pk=message.pk).update(adopted=False)
    AnnualReport.objects.filter(pk=env.report.pk).update(locked=True)

    with pytest.raises(services.PrepareError) as refused:
        services.create_resubmission(report=env.report)

    assert "stuur de vastgestelde jaarrekening als tweede aanlevering" in str(refused.value)
    assert not AnnualReport.objects.filter(resubmission=True).exists()
    second = services.create_second_filing(report=env.report)
    assert (second.second_filing, second.resubmission, second.adoption_date) == (
        True,
        False,
        None,
    )
    assert services.create_second_filing(report=env.report) == second  # once a year
