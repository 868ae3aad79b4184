"""The scheduled job "Externe berichten verwerken" and its per-message variant."""

from celery import shared_task

from connectors import services
from workflow import services as workflow_services


@shared_task(acks_late=True)
def process_external_messages() -> dict[str, int]:
    """The periodic job: resume messages a crash left at 20, then process everything at 10."""
    resumed = services.resume_stuck_processing()
    counts = services.process_external_messages()
    counts["resumed"] = resumed
    return counts


@shared_task(acks_late=True)
def process_message(message_id: int) -> None:
    """Queued right after an upload commits, so a message need not wait for the schedule."""
    if workflow_services.claim_for_processing(message_id):
        # An unexpected error leaves the message at 20; the periodic job resumes it.
        services.process_message(message_id)
