"""Tasks of the portal: they take ids or nothing, and call a service."""

from __future__ import annotations

from celery import shared_task

from deadlines import reminders


@shared_task(acks_late=True)
def send_reminders() -> dict[str, int]:
    """The daily reminder job (beat: "herinneringen-versturen"); safe to run twice."""
    return reminders.send_reminders().as_dict()
