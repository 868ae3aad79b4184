"""The Celery application; tasks live in each app's ``tasks.py``."""

import os
from typing import Any

from celery import Celery
from celery.signals import task_postrun, task_prerun

from config import broker  # noqa: F401 - registers the filesystem broker with atomic writes

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("deponeer")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@task_prerun.connect
@task_postrun.connect
def _tidy_database_connections(sender: Any = None, **kwargs: Any) -> None:
    """Close connections past DB_CONN_MAX_AGE or left unusable by an error, as Django does
    around each request (Celery reuses them when CELERY_DB_REUSE_MAX is set). Not for a task
    run eagerly inside the caller's own transaction."""
    if getattr(getattr(sender, "request", None), "is_eager", False):
        return
    from django.db import close_old_connections

    close_old_connections()
