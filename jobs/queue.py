"""The queue of background work, kept on the rows themselves: Upload rows (a large upload) and
ReportJob rows (a report over hundreds of bodies), which share the job columns.

A web request that receives a large file records the attempt (Upload row and bytes, as every upload)
and marks it "queued" with what to do (``job_request``); a report is a new ReportJob row. A worker
claims a job ("running", attempts + 1), keeps its heartbeat fresh while it works and marks it "done" or
"failed". A running job whose heartbeat is older than STALE_SECONDS belonged to a worker that died: any
worker claims it again, up to MAX_ATTEMPTS times. Uploads go first: a partner is waiting on the page.
"""

from __future__ import annotations

import logging
from dataclasses import asdict
from datetime import timedelta

from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from dashboard.access import Actor
from models import ReportJob, Upload
from models.base import utcnow
from models.database import transaction

_log = logging.getLogger(__name__)

# A worker refreshes the heartbeat of its job this often (jobs.run), so a job silent four times longer
# than that has lost its worker (a writing transaction can hold the row for up to 30 s on PostgreSQL).
HEARTBEAT_SECONDS = 15
STALE_SECONDS = 120
MAX_ATTEMPTS = 3
# How many of a result's changes the Upload row keeps for the page (the counts are always whole).
RESULT_CHANGES = 200
PROGRESS = {
    "queued": 0, "claimed": 5, "checking": 15, "writing": 70, "reading": 15, "rendering": 40,
    "done": 100,
}  # fmt: skip
# The tables that hold jobs, in the order workers take them.
JOB_MODELS = (Upload, ReportJob)


def queue_job(
    session: Session, upload: Upload, actor: Actor, *, dry_run: bool, fingerprint: str | None
) -> None:
    """Mark ``upload`` (its attempt recorded, its bytes kept) as work for a background worker: a dry run,
    or the import of the changes whose preview had ``fingerprint``."""
    upload.job_state, upload.job_progress, upload.job_attempts = "queued", PROGRESS["queued"], 0
    upload.job_request = {"dry_run": dry_run, "expected_fingerprint": fingerprint, **who(actor)}
    upload.job_heartbeat_at = None
    session.flush()


def who(actor: Actor) -> dict:
    """Whom a job acts for: the account is looked up again when the job runs (jobs.run.job_actor); the
    rest is for the command line's actor."""
    return {
        "actor": {k: v for k, v in asdict(actor).items() if k != "language"},
        "language": actor.language,
    }


def announce(redis_url: str | None, job_id: int, kind: str) -> None:
    """Wake a worker through Redis (a Celery task) for job ``job_id``, when REDIS_URL is set. Redis away:
    logged only; the job waits on its row, and a worker's rescue sweep finds it."""
    if not redis_url:
        return
    from .celery_app import send

    try:
        send(redis_url, job_id, kind=kind)
    except Exception as failure:
        _log.warning(
            "%s job %s queued, but Redis did not take the task (%s); a worker's sweep will find it",
            kind, job_id, type(failure).__name__,
        )  # fmt: skip


def _claimable(model, stale_before):
    return or_(
        model.job_state == "queued",
        and_(model.job_state == "running", model.job_heartbeat_at < stale_before),
    )


def claim(session_factory: sessionmaker[Session], job_id: int, model=Upload) -> bool:
    """Take job ``job_id`` (a row of ``model``) for this worker: True when it was queued (or abandoned)
    and is now this worker's; False when another worker has it or it is finished. One conditional
    UPDATE, so two workers handed the same job (a Celery task delivered twice, a poll and a task) cannot
    both run it."""
    now = utcnow()
    with transaction(session_factory) as session:
        claimed = session.execute(
            update(model)
            .where(model.id == job_id, _claimable(model, now - timedelta(seconds=STALE_SECONDS)))
            .values(
                job_state="running",
                job_heartbeat_at=now,
                job_attempts=model.job_attempts + 1,
                job_progress=PROGRESS["claimed"],
            )  # fmt: skip
        ).rowcount
    return claimed == 1


def claim_next(session_factory: sessionmaker[Session]) -> tuple[type, int] | None:
    """The oldest job waiting (or abandoned), uploads first, claimed for this worker: (its model, its
    id); None when there is none."""
    stale_before = utcnow() - timedelta(seconds=STALE_SECONDS)
    for model in JOB_MODELS:
        with session_factory() as session:
            candidates = session.scalars(
                select(model.id)
                .where(_claimable(model, stale_before))
                .order_by(model.id)
                .limit(10)
            ).all()  # fmt: skip
        for job_id in candidates:
            if claim(session_factory, job_id, model):
                return model, job_id
    return None


def waiting_jobs(
    session_factory: sessionmaker[Session], older_than_seconds: float
) -> list[tuple[type, int]]:
    """Jobs queued longer than ``older_than_seconds`` or abandoned, as (model, id): what a lost Celery
    message or a dead worker left behind (jobs.worker's rescue sweep)."""
    now = utcnow()
    found = []
    for model in JOB_MODELS:
        queued_at = model.uploaded_at if model is Upload else model.requested_at
        waiting = or_(
            and_(
                model.job_state == "queued",
                queued_at < now - timedelta(seconds=older_than_seconds),
            ),
            and_(
                model.job_state == "running",
                model.job_heartbeat_at < now - timedelta(seconds=STALE_SECONDS),
            ),
        )
        with session_factory() as session:
            ids = session.scalars(select(model.id).where(waiting).order_by(model.id).limit(100))
            found += [(model, job_id) for job_id in ids]
    return found


def set_progress(
    session_factory: sessionmaker[Session], job_id: int, stage: str, model=Upload
) -> None:
    """Record that job ``job_id`` reached ``stage`` (a PROGRESS key), refreshing its heartbeat."""
    with transaction(session_factory) as session:
        session.execute(
            update(model)
            .where(model.id == job_id, model.job_state == "running")
            .values(job_progress=PROGRESS[stage], job_heartbeat_at=utcnow())
        )


def beat(session_factory: sessionmaker[Session], job_id: int, model=Upload) -> None:
    with transaction(session_factory) as session:
        session.execute(
            update(model)
            .where(model.id == job_id, model.job_state == "running")
            .values(job_heartbeat_at=utcnow())
        )


def finish(
    session_factory: sessionmaker[Session], upload_id: int, state: str, result: dict | None
) -> None:
    """Job ``upload_id`` is over: "done" with the result the page shows, or "failed"."""
    with transaction(session_factory) as session:
        session.execute(
            update(Upload)
            .where(Upload.id == upload_id)
            .values(
                job_state=state,
                job_result=result,
                job_heartbeat_at=utcnow(),
                job_progress=PROGRESS["done"] if state == "done" else Upload.job_progress,
            )  # fmt: skip
        )


def release(session_factory: sessionmaker[Session], job_id: int, model=Upload) -> None:
    """Put a claimed job back in the queue (the database was busy): another try comes later."""
    with transaction(session_factory) as session:
        session.execute(
            update(model)
            .where(model.id == job_id, model.job_state == "running")
            .values(job_state="queued", job_progress=PROGRESS["queued"])
        )
