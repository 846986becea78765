"""Sending an upload to the background: record the attempt, queue it, and wake a worker."""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from dashboard.access import Actor
from importers.workbook_import import Attempt, open_attempt, stored_upload
from models import Upload
from models.database import transaction

from . import queue


def submit_file(
    session_factory: sessionmaker[Session],
    content: bytes,
    filename: str,
    *,
    actor: Actor,
    partner_code: str | None,
    max_bytes: int,
    redis_url: str | None,
) -> Attempt:
    """Queue the dry run of a file just received; raises what ``run_import`` raises before recording
    anything (UnknownPartnerError, AccessDenied)."""
    attempt = open_attempt(
        session_factory, content, filename, actor=actor, partner_code=partner_code,
        max_bytes=max_bytes,
    )  # fmt: skip
    if attempt.refused is None:
        _queue(session_factory, attempt.upload_id, actor, True, None, redis_url)
    return attempt


def submit_confirmation(
    session_factory: sessionmaker[Session],
    source_upload_id: int,
    *,
    actor: Actor,
    max_bytes: int,
    redis_url: str | None,
) -> Attempt:
    """Queue the import of the changes the preview ``source_upload_id`` showed (a new Upload row, as a
    confirmation in the request makes); raises UploadNotFoundError when its bytes are gone."""
    with session_factory() as session:
        source = stored_upload(session, source_upload_id)
    attempt = open_attempt(
        session_factory, source.content, source.filename, actor=actor,
        partner_code=source.partner_code, max_bytes=max_bytes,
    )  # fmt: skip
    if attempt.refused is None:
        _queue(session_factory, attempt.upload_id, actor, False, source.fingerprint, redis_url)
    return attempt


def _queue(
    session_factory: sessionmaker[Session],
    upload_id: int,
    actor: Actor,
    dry_run: bool,
    fingerprint: str | None,
    redis_url: str | None,
) -> None:
    with transaction(session_factory) as session:
        upload = session.get(Upload, upload_id)
        queue.queue_job(session, upload, actor, dry_run=dry_run, fingerprint=fingerprint)
    queue.announce(redis_url, upload_id, "upload")
