"""Whether the scheduled jobs run: the moment "Externe berichten verwerken" last ran.

Beat queues that job every PROCESSING_INTERVAL_SECONDS and a worker runs it, stamping each
environment with the activation on (connectors.tasks). When that stamp is long past, beat
or every worker has stopped: nothing new is processed, no filing at 60 is asked about at
Digipoort, no reminder goes out, while the web still takes uploads. The health check, the
InSite dashboard and the set-up checklist read ``late_since`` to say so.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from crm.models import EnvironmentActivation


def late_since(
    environment_id: int | None = None, *, now: datetime | None = None
) -> datetime | None:
    """The last run of the job (or, when it never ran, the moment the activation was
    switched on), for one environment or, without ``environment_id``, the newest over all
    with the activation on: returned when it lies more than SCHEDULED_JOBS_LATE_AFTER_SECONDS
    ago, else None. None too where the activation is off: the job skips those."""
    states = EnvironmentActivation.objects.filter(active=True)
    if environment_id is not None:
        states = states.filter(environment_id=environment_id)
    moments = [
        max(moment for moment in pair if moment is not None)
        for pair in states.values_list("last_processing_run_at", "changed_at")
        if any(pair)
    ]
    if not moments:
        return None
    last = max(moments)
    limit = timedelta(seconds=settings.SCHEDULED_JOBS_LATE_AFTER_SECONDS)
    return last if last < (now or timezone.now()) - limit else None
