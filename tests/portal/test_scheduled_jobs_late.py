"""Beat or every worker stopped (the IT operator's walk of 2026-12-07, item 1): the
scheduled job "Externe berichten verwerken" no longer runs, and with it nothing new is
processed, no filing at 60 is asked about at Digipoort and no reminder goes out, while the
web still takes uploads. The health check answers 503 naming the scheduled jobs, and the
InSite dashboard and the set-up checklist tell the staff; once a worker runs the job again
(as beat queues it), all is well again."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from config.celery import app
from crm.models import EnvironmentActivation
from tests.faults.conftest import Workers, wait_for

#: Far past any sensible lateness limit: beat died an hour ago.
LONG_AGO = timedelta(hours=1)
LATE = {"status": "unavailable", "failures": {"scheduled_jobs": "late"}}


def _last_run(environment, ago: timedelta | None, *, switched_on_ago=timedelta(days=30)) -> None:
    now = timezone.now()
    EnvironmentActivation.objects.filter(environment=environment).update(
        changed_at=now - switched_on_ago, last_processing_run_at=None if ago is None else now - ago
    )


def _processing_task() -> str:
    """The task beat queues as "Externe berichten verwerken"."""
    (task,) = {
        entry["task"]
        for entry in settings.CELERY_BEAT_SCHEDULE.values()
        if entry["task"].endswith(".process_external_messages")
    }
    return task


@pytest.mark.worker
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_health_check_names_the_scheduled_jobs_until_a_worker_runs_them(
    client, environment, tmp_path
):
    app.control.purge()
    _last_run(environment, LONG_AGO)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == LATE

    workers = Workers(tmp_path)
    workers.celery("werker")
    try:
        app.send_task(_processing_task())  # what beat queues every PROCESSING_INTERVAL_SECONDS
        wait_for(
            lambda: client.get("/healthz").status_code == 200,
            60,
            "the health check after the scheduled job ran",
            lambda: workers.log("werker"),
        )
    finally:
        workers.stop_all()
    assert client.get("/healthz").json() == {"status": "ok"}


@pytest.mark.django_db
def test_a_job_that_never_ran_since_the_activation_was_switched_on_long_ago_is_late(
    client, environment
):
    _last_run(environment, None, switched_on_ago=LONG_AGO)
    assert client.get("/healthz").json() == LATE
    _last_run(environment, None, switched_on_ago=timedelta(seconds=5))
    assert client.get("/healthz").status_code == 200


@pytest.mark.django_db
def test_a_late_beat_leaves_the_liveness_probe_at_200(client, environment):
    """Only beat died: the web processes still take uploads and approvals, so the probe a
    load balancer or orchestrator acts on (/healthz/live) keeps them in rotation, while
    /healthz tells monitoring."""
    _last_run(environment, LONG_AGO)
    assert client.get("/healthz").json() == LATE
    response = client.get("/healthz/live")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_an_environment_with_the_activation_off_is_not_waited_for(client, environment):
    """The job skips such an environment (it stamps only the active ones)."""
    _last_run(environment, LONG_AGO)
    EnvironmentActivation.objects.filter(environment=environment).update(active=False)
    assert client.get("/healthz").status_code == 200


def test_the_dashboard_tells_the_staff(staff_browser, environment):
    _last_run(environment, LONG_AGO)
    page = staff_browser.get(reverse("insite-dashboard")).content.decode()
    assert 'id="scheduled-jobs-late"' in page
    assert "Mooi zo" not in page

    _last_run(environment, timedelta(seconds=10))
    page = staff_browser.get(reverse("insite-dashboard")).content.decode()
    assert 'id="scheduled-jobs-late"' not in page
    assert "Mooi zo" in page


def test_the_set_up_checklist_does_not_call_a_stopped_job_ready(admin_browser, environment):
    _last_run(environment, LONG_AGO)
    page = admin_browser.get(reverse("insite-setup")).content.decode()
    assert 'id="check-processing_job" data-done="0"' in page
    assert "draait niet" in page

    _last_run(environment, timedelta(seconds=10))
    page = admin_browser.get(reverse("insite-setup")).content.decode()
    assert 'id="check-processing_job" data-done="1"' in page
    assert "draait niet" not in page
