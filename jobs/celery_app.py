"""The Celery application used when REDIS_URL is set: Redis carries "run upload N" (or "run report job
N") to any worker.

The message carries only the job's id; what to do and for whom is on its row (jobs.queue), so a
message lost, delivered twice or delivered late changes nothing: the worker claims the job with a
conditional UPDATE and the rescue sweep (jobs.worker) finds jobs no message announced. Tasks are
acknowledged after they ran (``acks_late``) and given back when their worker dies, and each worker takes
one at a time: imports are long and memory-heavy, prefetching a second one would only make it wait.
"""

from __future__ import annotations

from functools import cache

from celery import Celery

TASKS = {"upload": "sharing.run_upload_job", "report": "sharing.run_report_job"}
QUEUE = "sharing-uploads"


@cache
def celery_app(redis_url: str) -> Celery:
    app = Celery("sharing", broker=redis_url)
    app.conf.update(
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_default_queue=QUEUE,
        task_ignore_result=True,
        broker_connection_retry_on_startup=True,
        broker_connection_timeout=5,
        # A message not acknowledged within this time is delivered again (a worker that vanished
        # without Redis noticing); the claim makes a second delivery of a running job a no-op.
        broker_transport_options={"visibility_timeout": 3600},
        worker_hijack_root_logger=False,
    )
    app.task(name=TASKS["upload"], bind=False)(_run_upload)
    app.task(name=TASKS["report"], bind=False)(_run_report)
    return app


def send(redis_url: str, job_id: int, kind: str = "upload") -> None:
    """Announce job ``job_id`` (an upload's, or a report job's) to the workers."""
    celery_app(redis_url).send_task(TASKS[kind], args=[job_id], queue=QUEUE)


def _run_upload(upload_id: int) -> str:
    from .worker import run_one

    return run_one(int(upload_id))


def _run_report(job_id: int) -> str:
    from models import ReportJob

    from .worker import run_one

    return run_one(int(job_id), model=ReportJob)
