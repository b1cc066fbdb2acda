"""Work done beside the web server, by the task queue's worker.

The jobs live in the archive's own PostgreSQL (procrastinate); the worker is
`manage.py procrastinate worker`, which `make run` (scripts/serve.sh), the
Docker image and compose start beside gunicorn. procrastinate.contrib.django
finds this module by its name (PROCRASTINATE_AUTODISCOVER_MODULE_NAME).
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator

from django.conf import settings
from django.db import connection
from procrastinate import JobContext, RetryStrategy
from procrastinate.contrib.django import app
from procrastinate.contrib.django.models import ProcrastinateJob

from .download import REBUILD_LOCK, REBUILD_TASK
from .models import Subscription
from .services import alerts
from .services.dump import write_archive

logger = logging.getLogger(__name__)

# A key of PostgreSQL's advisory locks, held while the download is written.
_WRITING = 0x0A7C_4172


@contextlib.contextmanager
def _one_writer() -> Iterator[None]:
    """Hold the archive's writing lock: two workers never write the same
    files at once. A session lock, so a worker killed mid-write frees it
    with its connection (procrastinate's own job `lock` would stay taken by
    the dead job and block every rebuild after it)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [_WRITING])
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [_WRITING])


def _rebuild_waits(job_id: int | None) -> bool:
    waiting = ProcrastinateJob.objects.filter(queueing_lock=REBUILD_LOCK, status="todo")
    # A job the worker runs has its row; only one not yet deferred has no id.
    if job_id is not None:
        waiting = waiting.exclude(id=job_id)
    return waiting.exists()


@app.task(
    name=REBUILD_TASK,
    queueing_lock=REBUILD_LOCK,
    # A failed write (a full disk, a lost connection) is tried again after
    # 5 s, 25 s, 125 s and 625 s, then left failed in the admin's job list.
    retry=RetryStrategy(max_attempts=5, exponential_wait=5),
    pass_context=True,
)
def rebuild_archive(context: JobContext) -> None:
    """Write the archive download again (decisions.services.dump), as
    `manage.py dump_archive` does, into OPEN_DATA_DIR with SITE_URL's ids."""
    job = context.job
    try:
        with _one_writer():
            manifest = write_archive(settings.OPEN_DATA_DIR, settings.SITE_URL)
    except Exception:
        # A retry would put this job back in the queue beside the rebuild
        # queued since, which its queueing lock refuses (procrastinate
        # issues 1432 and 1543: the worker then cannot record the job). The
        # waiting one writes everything this one would have.
        if _rebuild_waits(job.id):
            logger.warning(
                "Archive rebuild (job %s) failed; the rebuild queued since "
                "writes it instead",
                job.id,
                exc_info=True,
            )
            return
        raise
    logger.info(
        "Archive rebuilt (job %s, attempt %s): %s paragraphs, %s bytes, sha256 %s",
        job.id,
        job.attempts + 1,
        manifest.paragraphs,
        manifest.bytes,
        manifest.sha256,
    )


@app.task(
    name="send_alert_confirmation",
    # A mail server that does not answer is tried again after 5 s, 25 s,
    # 125 s and 625 s.
    retry=RetryStrategy(max_attempts=5, exponential_wait=5),
)
def send_confirmation(subscription_id: int) -> None:
    """Send a new subscription its confirmation message, unless it was
    confirmed or has gone since (decisions.services.alerts)."""
    subscription = (
        Subscription.objects.select_related("subscriber")
        .filter(pk=subscription_id, confirmed_at=None)
        .first()
    )
    if subscription is not None:
        alerts.confirmation_message(subscription).send()
