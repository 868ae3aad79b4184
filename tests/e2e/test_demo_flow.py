import pytest
from django.core.management import call_command

from clientside.models import OutboundMessage
from kvk.status import Status
from workflow.models import ApprovalMessage

pytestmark = [pytest.mark.worker, pytest.mark.slow]


def test_demo_flow_reaches_80_through_every_real_part(
    live_server, celery_worker_thread, digipoort_settings, digipoort_stub, capsys
):
    call_command("demo_flow", portal_url=live_server.url, timeout=90)
    printed = capsys.readouterr().out
    for code in (0, 10, 30, 80):
        assert f"{code:>3}  " in printed, printed
    outbound = OutboundMessage.objects.get()
    approval = ApprovalMessage.objects.get(message_id=outbound.message_id)
    assert outbound.status == approval.status == Status.FILED
    assert outbound.report.locked is True
    # The audit trail has every step, and the filed document is the approved one.
    actions = [e.action for e in approval.events.all()]
    assert actions[:5] == ["received", "claimed", "workflow_started", "adopted", "approved"]
    assert actions[-2:] == ["delivered", "filed"]
    assert approval.approved_sha256 == approval.document_sha256
    # The client ticked "Jaarrekening vastgesteld" keeping the date the form was filled in
    # with: the cockpit's, sent with the upload (proposed_adoption_date).
    assert outbound.proposed_adoption_date is not None
    assert approval.proposed_adoption_date == outbound.proposed_adoption_date
    assert approval.adoption_date == approval.proposed_adoption_date
    references = [d.reference for d in digipoort_stub.state.all()]
    assert references == [approval.delivery_reference]
