"""The scheduled job "Externe berichten verwerken" and its per-message variant."""

from celery import shared_task
from django.utils import timezone

from connectors import services
from portal.models import EnvironmentActivation
from workflow import services as workflow_services
from workflow.models import ApprovalMessage


@shared_task(acks_late=True)
def process_external_messages() -> dict[str, int]:
    """The periodic job: resume messages a crash left at 20, then process everything at 10."""
    # Environments with the activation off are skipped (their messages wait at 10);
    # the run is noted for the active ones, for the set-up checklist.
    EnvironmentActivation.objects.filter(active=True).update(last_processing_run_at=timezone.now())
    resumed = services.resume_stuck_processing()
    counts = services.process_external_messages()
    counts["resumed"] = resumed
    return counts


@shared_task(acks_late=True)
def process_message(message_id: int) -> None:
    """Queued right after an upload commits, so a message need not wait for the schedule."""
    if not ApprovalMessage.objects.filter(
        pk=message_id, organisation__environment__activation__active=True
    ).exists():
        return  # the activation is off: the message waits at 10 (skip inactive)
    if workflow_services.claim_for_processing(message_id):
        # An unexpected error leaves the message at 20; the periodic job resumes it.
        services.process_message(message_id)
