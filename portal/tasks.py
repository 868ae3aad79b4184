"""Tasks of the portal: they take ids or nothing, and call a service."""

from __future__ import annotations

from celery import shared_task

from deadlines import reminders
from portal import notifications


@shared_task(acks_late=True)
def send_reminders() -> dict[str, int]:
    """The daily reminder job (beat: "herinneringen-versturen"); safe to run twice."""
    return reminders.send_reminders().as_dict()


@shared_task(acks_late=True)
def resume_stuck_notifications() -> int:
    """The sweep of e-mails whose sending run died (beat: "meldingen-hervatten"); safe to
    run twice: each recipient still gets a notification at most once."""
    return notifications.resume_dead_sends()
