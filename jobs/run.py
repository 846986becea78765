"""Run one background upload: check (dry run) or import its stored bytes as the account that queued it.

The account is looked up again here, so an account disabled (or moved to another partner) after queueing
cannot have its import run with the rights it had; the importer checks the partner scope as it does for
every upload. While the import runs, a thread refreshes the job's heartbeat, so other workers know it
is alive however long one step takes.
"""

from __future__ import annotations

import logging
import threading

from sqlalchemy.orm import Session, sessionmaker

from dashboard.access import AccessDenied, Actor
from i18n import _, use_language
from importers.reading import crash_place
from importers.workbook_import import (
    ImportResult,
    RowCounts,
    UnknownPartnerError,
    UploadNotFoundError,
    run_import,
    stored_upload,
)
from models import Upload, User
from models.database import DatabaseBusy, transaction
from rules.problems import Problem, error
from services.accounts import account_actor
from services.uploads import fill_upload

from . import queue

_log = logging.getLogger(__name__)
# An upload already carrying one of these outcomes was written by an earlier attempt that died before
# it could say "done": it is not imported twice. (A dry run is simply run again.)
WRITTEN = ("imported", "unchanged", "outdated")


def run_claimed(session_factory: sessionmaker[Session], upload_id: int, *, max_bytes: int) -> str:
    """Run job ``upload_id``, claimed by this worker (queue.claim); returns its final state ("done",
    "failed", or "queued" again when the database stayed busy)."""
    with session_factory() as session:
        upload = session.get(Upload, upload_id)
        request, attempts = dict(upload.job_request or {}), upload.job_attempts
        written = _written_result(upload)
    if written is not None:
        queue.finish(session_factory, upload_id, "done", written)
        return "done"
    if attempts > queue.MAX_ATTEMPTS:
        return _fail(session_factory, upload_id, error("job-abandoned"))
    stop = threading.Event()
    heartbeat = threading.Thread(
        target=keep_alive, args=(session_factory, upload_id, stop), daemon=True
    )
    heartbeat.start()
    try:
        with use_language(request.get("language")):
            result = _import(session_factory, upload_id, request, max_bytes)
    except DatabaseBusy:
        queue.release(session_factory, upload_id)
        return "queued"
    except (AccessDenied, UnknownPartnerError, UploadNotFoundError) as refused:
        return _fail(session_factory, upload_id, error("import-not-allowed", reason=str(refused)))
    except Exception as crash:  # a bug: logged without its message (it can quote cell values)
        _log.error(
            "background upload %s failed: %s at %s", upload_id, type(crash).__name__,
            crash_place(crash),
        )  # fmt: skip
        return _fail(session_factory, upload_id, error("import-interrupted", variant="job"))
    finally:
        stop.set()
        heartbeat.join()
    if result.status == "busy":
        queue.release(session_factory, upload_id)
        return "queued"
    queue.finish(session_factory, upload_id, "done", result.to_stored_json(queue.RESULT_CHANGES))
    return "done"


def _written_result(upload: Upload) -> dict | None:
    """The result of an import an earlier attempt wrote (and died before saying "done"), from its row;
    None when nothing was written yet."""
    if upload.outcome not in WRITTEN:
        return None
    rows = RowCounts(
        upload.rows_read, upload.rows_inserted, upload.rows_updated, upload.rows_unchanged,
        upload.rows_invalid,
    )  # fmt: skip
    issues = [Problem.from_dict(item) for item in upload.issues or []]
    result = ImportResult(
        upload.outcome, rows, issues, upload_id=upload.id, filename=upload.filename
    )
    return upload.job_result or result.to_stored_json(0)


def _import(
    session_factory: sessionmaker[Session], upload_id: int, request: dict, max_bytes: int
) -> ImportResult:
    with session_factory() as session:
        actor = job_actor(session, request)
        stored = stored_upload(session, upload_id)
    return run_import(
        session_factory, stored.content, stored.filename, actor=actor,
        partner_code=stored.partner_code, dry_run=bool(request.get("dry_run")),
        max_bytes=max_bytes, expected_fingerprint=request.get("expected_fingerprint"),
        upload_id=upload_id,
        progress=lambda stage: queue.set_progress(session_factory, upload_id, stage),
    )  # fmt: skip


def job_actor(session: Session, request: dict) -> Actor:
    """Who the job acts as: the account that queued it, as it is now (AccessDenied when it was disabled
    or removed meanwhile); the command line's operator as recorded."""
    recorded = request.get("actor") or {}
    user_id = recorded.get("user_id")
    if user_id is None:
        if recorded.get("via") != "command-line":
            raise AccessDenied(_("Only accounts and the command line can send files."))
        return Actor(**recorded)
    user = session.get(User, user_id)
    if user is None or not user.is_active:
        raise AccessDenied(
            _("The account {account} that sent the file is no longer active.").format(
                account=recorded.get("email") or user_id
            )
        )
    return account_actor(user)


def _fail(session_factory: sessionmaker[Session], upload_id: int, problem) -> str:
    """The job ends without an import: the row says why, as an unreadable upload's does."""
    with transaction(session_factory) as session:
        upload = session.get(Upload, upload_id)
        fill_upload(upload, "unreadable", RowCounts().to_dict(), [problem])
        result = ImportResult(
            "unreadable", RowCounts(), [problem], upload_id=upload_id, filename=upload.filename
        )
    queue.finish(session_factory, upload_id, "failed", result.to_stored_json(0))
    return "failed"


def keep_alive(
    session_factory: sessionmaker[Session], job_id: int, stop: threading.Event, model=Upload
):
    while not stop.wait(queue.HEARTBEAT_SECONDS):
        try:
            queue.beat(session_factory, job_id, model)
        except DatabaseBusy:  # the import's own write holds the row; the next beat comes soon
            continue
        except Exception:  # the worker goes on without a heartbeat rather than dying
            _log.exception("heartbeat of background job %s %s failed", model.__name__, job_id)
