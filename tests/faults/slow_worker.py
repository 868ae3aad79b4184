"""A real Celery worker process that takes a while before starting the workflow, so a test
can kill it in the middle of processing a message (after "claimed, 20", parsing and the rule
check, before "workflow started, 30").

    python tests/faults/slow_worker.py <marker file> <seconds> [celery worker options]

Before workflow.services.finish_processing (20 -> 30) it writes the marker file (the test
then knows the worker is inside processing) and sleeps. Everything else is the project's own code.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def main() -> None:
    marker, seconds, *worker_args = sys.argv[1:]
    import django

    django.setup()
    from workflow import services

    finish_processing = services.finish_processing

    def slow_finish(*args, **kwargs):
        Path(marker).write_text(str(os.getpid()))
        time.sleep(float(seconds))
        return finish_processing(*args, **kwargs)

    services.finish_processing = slow_finish
    from celery.__main__ import main as celery_main

    sys.argv = ["celery", "-A", "config", "worker", *worker_args]
    celery_main()


if __name__ == "__main__":
    main()
