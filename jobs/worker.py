"""``sharing worker``: the process that runs background uploads and reports.

Without REDIS_URL it polls the Upload rows for queued jobs (one SELECT a second when idle, on an index).
With REDIS_URL it is a Celery worker on the sharing-uploads queue, plus a rescue sweep that runs, from the
database, jobs no message announced (Redis was away when the job was queued) and jobs abandoned by a
worker that died. Either way the job's state is on its Upload row, not here.
"""

from __future__ import annotations

import logging
import threading
from functools import cache

from sqlalchemy.orm import Session, sessionmaker

from dashboard.settings import Settings
from models import ReportJob, Upload
from models.database import make_engine, make_session_factory

from . import queue
from .reports import run_report
from .run import run_claimed

_log = logging.getLogger(__name__)
# The rescue sweep's pace, and how long a queued job may wait for its Celery message before the sweep
# runs it itself.
RESCUE_EVERY_SECONDS = 30
RESCUE_AFTER_SECONDS = 60


@cache
def _database(settings: Settings) -> sessionmaker[Session]:
    """This process's sessions (one pool per worker process, shared by its threads)."""
    engine = make_engine(settings.database_url, pool_pre_ping=True)
    return make_session_factory(engine, storage_quota_bytes=settings.storage_quota_bytes)


@cache
def _settings() -> Settings:
    return Settings.from_env()


def run_one(job_id: int, settings: Settings | None = None, model=Upload) -> str:
    """Claim and run job ``job_id`` of ``model`` (the Celery tasks): its final state, or "not-claimed"
    when it was another worker's or finished already."""
    settings = settings or _settings()
    factory = _database(settings)
    if not queue.claim(factory, job_id, model):
        return "not-claimed"
    return _run(factory, settings, model, job_id)


def _run(factory: sessionmaker[Session], settings: Settings, model, job_id: int) -> str:
    if model is ReportJob:
        return run_report(factory, job_id)
    return run_claimed(factory, job_id, max_bytes=settings.max_upload_bytes)


def poll(
    settings: Settings, stop: threading.Event, *, idle_seconds: float = 1.0, once: bool = False
) -> int:
    """Run queued jobs one after the other until ``stop`` is set (or, ``once``, until none is left);
    returns how many ran."""
    factory = _database(settings)
    ran = 0
    while not stop.is_set():
        claimed = queue.claim_next(factory)
        if claimed is None:
            if once:
                break
            stop.wait(idle_seconds)
            continue
        model, job_id = claimed
        state = _run(factory, settings, model, job_id)
        _log.info("background %s %s: %s", model.__name__, job_id, state)
        ran += 1
    return ran


def rescue(settings: Settings, stop: threading.Event) -> None:
    """Beside the Celery worker: run the jobs that waited too long for a message, or lost their
    worker."""
    factory = _database(settings)
    while not stop.wait(RESCUE_EVERY_SECONDS):
        try:
            for model, job_id in queue.waiting_jobs(factory, RESCUE_AFTER_SECONDS):
                if stop.is_set():
                    return
                if queue.claim(factory, job_id, model):
                    _log.warning(
                        "background %s %s had no worker; running it now", model.__name__, job_id
                    )
                    _run(factory, settings, model, job_id)
        except Exception:  # the sweep must outlive a database hiccup
            _log.exception("the rescue sweep failed; it tries again")


def celery_worker(settings: Settings, concurrency: int) -> None:
    """Run the Celery worker (blocks until it is stopped: SIGTERM finishes the running job first)."""
    from .celery_app import QUEUE, celery_app

    stop = threading.Event()
    sweeper = threading.Thread(target=rescue, args=(settings, stop), daemon=True)
    sweeper.start()
    try:
        celery_app(settings.redis_url).worker_main(
            [
                "worker", "--pool", "threads", "--concurrency", str(concurrency), "--queues", QUEUE,
                "--loglevel", "INFO", "--without-gossip", "--without-mingle", "--hostname",
                "sharing@%h",
            ]
        )  # fmt: skip
    finally:
        stop.set()
