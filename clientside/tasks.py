"""Optional schedule for "Verzenden/ontvangen accountancyportal" (off unless
CLIENTSIDE_SEND_RECEIVE_INTERVAL_SECONDS is set)."""

from celery import shared_task

from clientside import services


@shared_task(acks_late=True)
def send_receive_all() -> dict[str, str]:
    """Send and receive for every administration; safe to overlap with a manual run,
    because every upload uses the message's fixed id."""
    return {kvk: result.summary() for kvk, result in services.send_receive_all().items()}
