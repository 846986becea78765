"""Background uploads (jobs/) on SQLite and PostgreSQL: queued on the Upload row, claimed once, run as
the account that sent them, and finished (or picked up again) whatever happened to the worker."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select, update

from dashboard.access import Actor
from jobs import queue
from jobs.run import run_claimed
from jobs.submit import submit_confirmation, submit_file
from models import ObservationRevision, Partner, Upload, User
from models.base import utcnow
from models.database import transaction
from tests.factories import workbooks

OPERATOR = Actor(name="command line (tester)", role="admin", via="command-line")
ROWS = [("ESU-SERVICES", "P1", 11), ("ESU-USERS", "P2", 220), ("DSK-TRAINED", "P3", 33)]


def _submit(db, actor=OPERATOR, rows=ROWS) -> int:
    attempt = submit_file(
        db.factory, workbooks.xlsx(rows), "big.xlsx", actor=actor, partner_code="SMILTENE",
        max_bytes=db.settings.max_upload_bytes, redis_url=None,
    )  # fmt: skip
    assert attempt.refused is None
    return attempt.upload_id


def _run_next(db) -> tuple[int, str]:
    claimed = queue.claim_next(db.factory)
    assert claimed is not None and claimed[0] is Upload
    upload_id = claimed[1]
    return upload_id, run_claimed(db.factory, upload_id, max_bytes=db.settings.max_upload_bytes)


def _row(db, upload_id: int) -> Upload:
    with db.factory() as session:
        return session.get(Upload, upload_id)


def _smiltene(db) -> dict:
    return {key: value for key, value in db.values().items() if key[0] == "SMILTENE"}


def test_a_queued_preview_then_its_queued_confirmation(import_db_both):
    db = import_db_both
    before = _smiltene(db)
    preview_id = _submit(db)
    queued = _row(db, preview_id)
    # Recorded and queued before any worker looked at it: the row says so, the bytes are kept.
    assert (queued.job_state, queued.job_progress, queued.outcome) == ("queued", 0, "unreadable")
    assert queued.job_request["dry_run"] is True and queued.file_discarded is None

    assert _run_next(db) == (preview_id, "done")
    preview = _row(db, preview_id)
    assert (preview.job_state, preview.job_progress, preview.outcome) == ("done", 100, "dry-run")
    assert preview.job_result["rows"]["inserted"] == 3
    assert preview.job_result["fingerprint"] == preview.preview_fingerprint
    assert len(preview.job_result["changes"]) == preview.job_result["changes_total"] == 3
    assert _smiltene(db) == before  # a preview writes nothing
    assert queue.claim_next(db.factory) is None

    confirmation = submit_confirmation(
        db.factory, preview_id, actor=OPERATOR, max_bytes=db.settings.max_upload_bytes,
        redis_url=None,
    )  # fmt: skip
    assert _run_next(db) == (confirmation.upload_id, "done")
    imported = _row(db, confirmation.upload_id)
    assert (imported.job_state, imported.outcome, imported.rows_inserted) == ("done", "imported", 3)
    assert _smiltene(db)[("SMILTENE", "ESU-USERS", "P2")] == 220


def test_a_job_is_claimed_once(import_db_both):
    db = import_db_both
    upload_id = _submit(db)
    assert queue.claim(db.factory, upload_id) is True
    # A second delivery of the same job (a Celery message again, a poller) finds it taken.
    assert queue.claim(db.factory, upload_id) is False
    assert queue.claim_next(db.factory) is None
    assert _row(db, upload_id).job_attempts == 1


def test_a_job_whose_worker_died_is_taken_up_again(import_db_both):
    db = import_db_both
    upload_id = _submit(db)
    assert queue.claim(db.factory, upload_id)
    # The worker died: its heartbeat stops. Still fresh: nobody else takes it.
    assert queue.claim_next(db.factory) is None
    with transaction(db.factory) as session:
        session.execute(
            update(Upload)
            .where(Upload.id == upload_id)
            .values(job_heartbeat_at=utcnow() - timedelta(seconds=queue.STALE_SECONDS + 5))
        )
    assert _run_next(db) == (upload_id, "done")
    row = _row(db, upload_id)
    assert (row.job_state, row.outcome, row.job_attempts) == ("done", "dry-run", 2)


def test_an_import_written_before_its_worker_died_is_not_written_twice(import_db_both):
    db = import_db_both
    preview_id = _submit(db)
    _run_next(db)
    confirmation = submit_confirmation(
        db.factory, preview_id, actor=OPERATOR, max_bytes=db.settings.max_upload_bytes,
        redis_url=None,
    )  # fmt: skip
    _run_next(db)
    with db.factory() as session:
        revisions = session.scalar(select(func.count()).select_from(ObservationRevision))
    # As if the worker had died between the import's commit and "done".
    with transaction(db.factory) as session:
        session.execute(
            update(Upload)
            .where(Upload.id == confirmation.upload_id)
            .values(
                job_state="running",
                job_result=None,
                job_heartbeat_at=utcnow() - timedelta(seconds=queue.STALE_SECONDS + 5),
            )  # fmt: skip
        )
    assert _run_next(db) == (confirmation.upload_id, "done")
    row = _row(db, confirmation.upload_id)
    assert (row.outcome, row.job_result["status"], row.job_result["rows"]["inserted"]) == (
        "imported", "imported", 3,
    )  # fmt: skip
    with db.factory() as session:
        assert session.scalar(select(func.count()).select_from(ObservationRevision)) == revisions


def test_a_job_abandoned_too_often_is_given_up(import_db_both):
    db = import_db_both
    upload_id = _submit(db)
    with transaction(db.factory) as session:
        session.execute(
            update(Upload).where(Upload.id == upload_id).values(job_attempts=queue.MAX_ATTEMPTS)
        )
    before = _smiltene(db)
    assert _run_next(db) == (upload_id, "failed")
    row = _row(db, upload_id)
    assert (row.job_state, row.outcome, row.issues[0]["code"]) == (
        "failed", "unreadable", "job-abandoned",
    )  # fmt: skip
    assert _smiltene(db) == before


def test_the_job_runs_as_the_account_as_it_is_now(import_db):
    """An editor queues an import, then is disabled (or moved to another partner) before it runs: the
    worker refuses it with a sentence on the row, and writes nothing."""
    db = import_db
    with transaction(db.factory) as session:
        smiltene = session.scalar(select(Partner).where(Partner.code == "SMILTENE"))
        mdpwa = session.scalar(select(Partner).where(Partner.code == "MDPWA"))
        editor = User(email="e@smiltene.lv", name="Editor", role="editor", partner_id=smiltene.id)
        session.add(editor)
        session.flush()
        actor = Actor(
            name="Editor", role="editor", partner_code="SMILTENE", partner_id=smiltene.id,
            user_id=editor.id, email=editor.email,
        )  # fmt: skip
    disabled_id, moved_id = _submit(db, actor), _submit(db, actor)
    before = _smiltene(db)
    with transaction(db.factory) as session:
        session.get(User, editor.id).is_active = False
    assert _run_next(db) == (disabled_id, "failed")
    row = _row(db, disabled_id)
    assert row.issues[0]["code"] == "import-not-allowed"
    assert "e@smiltene.lv" in row.issues[0]["params"]["reason"]
    with transaction(db.factory) as session:
        user = session.get(User, editor.id)
        user.is_active, user.partner_id = True, mdpwa.id
    assert _run_next(db) == (moved_id, "failed")
    assert "SMILTENE" in _row(db, moved_id).issues[0]["params"]["reason"]
    assert _smiltene(db) == before


def test_sharing_worker_once_runs_the_queue(import_db, tmp_path):
    """The real command, as the Procfile's worker line runs it (polling, no Redis)."""
    from tests.support.processes import run_sharing, sharing_env

    db = import_db
    first, second = _submit(db), _submit(db, rows=[("ESU-SERVICES", "P4", 5)])
    done = run_sharing("worker", "--once", env=sharing_env(db.settings.database_url, tmp_path))
    assert done.returncode == 0, done.stderr
    assert [_row(db, upload_id).job_state for upload_id in (first, second)] == ["done", "done"]


def test_the_rescue_sweep_finds_jobs_no_message_announced(import_db_both):
    """With Redis, a job queued while Redis was away has no message: the sweep finds it by age."""
    db = import_db_both
    waiting, fresh = _submit(db), _submit(db)
    with transaction(db.factory) as session:
        session.execute(
            update(Upload)
            .where(Upload.id == waiting)
            .values(uploaded_at=utcnow() - timedelta(seconds=120))
        )
    assert queue.waiting_jobs(db.factory, 60) == [(Upload, waiting)]
    assert (Upload, fresh) not in queue.waiting_jobs(db.factory, 60)


def test_pruning_keeps_the_bytes_of_waiting_jobs(import_db):
    """`sharing prune` releases the bytes of old unread uploads, but not of one a worker still needs."""
    from services.storage import prune_stored_files

    db = import_db
    waiting = _submit(db)
    with transaction(db.factory) as session:
        session.execute(
            update(Upload)
            .where(Upload.id == waiting)
            .values(uploaded_at=utcnow() - timedelta(days=400))
        )
    with transaction(db.factory) as session:
        pruning = prune_stored_files(session, OPERATOR, older_than=timedelta(days=30))
    assert pruning.uploads == 0 and _row(db, waiting).file_discarded is None
    assert _run_next(db) == (waiting, "done")
    assert _row(db, waiting).outcome == "dry-run"
