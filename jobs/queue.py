"""The queue of background uploads, kept on the Upload rows.

A web request that receives a large file records the attempt (Upload row and bytes, as every upload)
and marks it "queued" with what to do (``job_request``); a worker claims it ("running", attempts + 1),
keeps its heartbeat fresh while it works and marks it "done" (with the result) or "failed". A running
job whose heartbeat is older than STALE_SECONDS belonged to a worker that died: any worker claims it
again, up to MAX_ATTEMPTS times.
"""

from __future__ import annotations

import logging
from dataclasses import asdict
from datetime import timedelta

from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from dashboard.access import Actor
from models import Upload
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
PROGRESS = {"queued": 0, "claimed": 5, "checking": 15, "writing": 70, "done": 100}


def queue_job(
    session: Session, upload: Upload, actor: Actor, *, dry_run: bool, fingerprint: str | None
) -> None:
    """Mark ``upload`` (its attempt recorded, its bytes kept) as work for a background worker: a dry run,
    or the import of the changes whose preview had ``fingerprint``."""
    upload.job_state, upload.job_progress, upload.job_attempts = "queued", PROGRESS["queued"], 0
    upload.job_request = {
        "dry_run": dry_run,
        "expected_fingerprint": fingerprint,
        # The account is looked up again when the job runs; the rest is for the command line's actor.
        "actor": {k: v for k, v in asdict(actor).items() if k != "language"},
        "language": actor.language,
    }
    upload.job_heartbeat_at = None
    session.flush()


def _claimable(stale_before):
    return or_(
        Upload.job_state == "queued",
        and_(Upload.job_state == "running", Upload.job_heartbeat_at < stale_before),
    )


def claim(session_factory: sessionmaker[Session], upload_id: int) -> bool:
    """Take job ``upload_id`` for this worker: True when it was queued (or abandoned) and is now this
    worker's; False when another worker has it or it is finished. One conditional UPDATE, so two workers
    handed the same job (a Celery task delivered twice, a poll and a task) cannot both run it."""
    now = utcnow()
    with transaction(session_factory) as session:
        claimed = session.execute(
            update(Upload)
            .where(Upload.id == upload_id, _claimable(now - timedelta(seconds=STALE_SECONDS)))
            .values(
                job_state="running",
                job_heartbeat_at=now,
                job_attempts=Upload.job_attempts + 1,
                job_progress=PROGRESS["claimed"],
            )  # fmt: skip
        ).rowcount
    return claimed == 1


def claim_next(session_factory: sessionmaker[Session]) -> int | None:
    """The oldest job waiting (or abandoned), claimed for this worker; None when there is none."""
    stale_before = utcnow() - timedelta(seconds=STALE_SECONDS)
    with session_factory() as session:
        candidates = session.scalars(
            select(Upload.id)
            .where(_claimable(stale_before))
            .order_by(Upload.id)
            .limit(10)
        ).all()  # fmt: skip
    for upload_id in candidates:
        if claim(session_factory, upload_id):
            return upload_id
    return None


def waiting_jobs(session_factory: sessionmaker[Session], older_than_seconds: float) -> list[int]:
    """Jobs queued longer than ``older_than_seconds`` or abandoned: what a lost Celery message or a
    dead worker left behind (jobs.worker's rescue sweep)."""
    now = utcnow()
    with session_factory() as session:
        return list(
            session.scalars(
                select(Upload.id)
                .where(
                    or_(
                        and_(
                            Upload.job_state == "queued",
                            Upload.uploaded_at < now - timedelta(seconds=older_than_seconds),
                        ),
                        and_(
                            Upload.job_state == "running",
                            Upload.job_heartbeat_at < now - timedelta(seconds=STALE_SECONDS),
                        ),
                    )
                )
                .order_by(Upload.id)
                .limit(100)
            )
        )


def set_progress(session_factory: sessionmaker[Session], upload_id: int, stage: str) -> None:
    """Record that job ``upload_id`` reached ``stage`` (a PROGRESS key), refreshing its heartbeat."""
    with transaction(session_factory) as session:
        session.execute(
            update(Upload)
            .where(Upload.id == upload_id, Upload.job_state == "running")
            .values(job_progress=PROGRESS[stage], job_heartbeat_at=utcnow())
        )


def beat(session_factory: sessionmaker[Session], upload_id: int) -> None:
    with transaction(session_factory) as session:
        session.execute(
            update(Upload)
            .where(Upload.id == upload_id, Upload.job_state == "running")
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


def release(session_factory: sessionmaker[Session], upload_id: int) -> None:
    """Put a claimed job back in the queue (the database was busy): another try comes later."""
    with transaction(session_factory) as session:
        session.execute(
            update(Upload)
            .where(Upload.id == upload_id, Upload.job_state == "running")
            .values(job_state="queued", job_progress=PROGRESS["queued"])
        )
