"""``sharing worker``: the process that runs background uploads.

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
from models.database import make_engine, make_session_factory

from . import queue
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


def run_one(upload_id: int, settings: Settings | None = None) -> str:
    """Claim and run job ``upload_id`` (the Celery task): its final state, or "not-claimed" when it
    was another worker's or finished already."""
    settings = settings or _settings()
    factory = _database(settings)
    if not queue.claim(factory, upload_id):
        return "not-claimed"
    return run_claimed(factory, upload_id, max_bytes=settings.max_upload_bytes)


def poll(
    settings: Settings, stop: threading.Event, *, idle_seconds: float = 1.0, once: bool = False
) -> int:
    """Run queued jobs one after the other until ``stop`` is set (or, ``once``, until none is left);
    returns how many ran."""
    factory = _database(settings)
    ran = 0
    while not stop.is_set():
        upload_id = queue.claim_next(factory)
        if upload_id is None:
            if once:
                break
            stop.wait(idle_seconds)
            continue
        state = run_claimed(factory, upload_id, max_bytes=settings.max_upload_bytes)
        _log.info("background upload %s: %s", upload_id, state)
        ran += 1
    return ran


def rescue(settings: Settings, stop: threading.Event) -> None:
    """Beside the Celery worker: run the jobs that waited too long for a message, or lost their
    worker."""
    factory = _database(settings)
    while not stop.wait(RESCUE_EVERY_SECONDS):
        try:
            for upload_id in queue.waiting_jobs(factory, RESCUE_AFTER_SECONDS):
                if stop.is_set():
                    return
                if queue.claim(factory, upload_id):
                    _log.warning("background upload %s had no worker; running it now", upload_id)
                    run_claimed(factory, upload_id, max_bytes=settings.max_upload_bytes)
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
