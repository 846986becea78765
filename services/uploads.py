"""Recording upload attempts: every file a partner sends leaves an Upload row with its bytes, its outcome,
counts and problems, and an audit event, whatever the outcome."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sqlalchemy.orm import Session

from dashboard.access import Actor
from models import Partner, Upload
from rules.problems import Problem

from .audit import record_event
from .stored_files import store_file

FILENAME_CHARS = 255


def record_upload(
    session: Session,
    actor: Actor,
    content: bytes,
    filename: str,
    *,
    partner_id: int | None,
    outcome: str,
    rows: Mapping[str, int],
    issues: Sequence[Problem],
) -> Upload:
    """Keep the bytes and an Upload row for one attempt, with its "upload.received" audit event."""
    upload = Upload(
        filename=filename[:FILENAME_CHARS],
        sha256=store_file(session, content),
        size_bytes=len(content),
        partner_id=partner_id,
        uploaded_by=actor.name,
    )
    fill_upload(upload, outcome, rows, issues)
    session.add(upload)
    session.flush()
    partner_code = session.get(Partner, partner_id).code if partner_id is not None else None
    record_event(
        session, actor, "upload.received", object_type="upload", object_id=upload.id,
        label=f"#{upload.id} {upload.filename}", partner_code=partner_code,
        after={"outcome": outcome, "size_bytes": len(content), **rows},
    )  # fmt: skip
    return upload


def complete_upload(
    session: Session,
    actor: Actor,
    upload: Upload,
    *,
    outcome: str,
    rows: Mapping[str, int],
    issues: Sequence[Problem],
    partner_codes: Sequence[str],
) -> None:
    """Record what the import of ``upload`` wrote, in the transaction that wrote it."""
    fill_upload(upload, outcome, rows, issues)
    record_event(
        session, actor, "upload.imported", object_type="upload", object_id=upload.id,
        label=f"#{upload.id} {upload.filename}",
        partner_code=partner_codes[0] if len(partner_codes) == 1 else None,
        after={"outcome": outcome, **rows, "partners": list(partner_codes)},
    )  # fmt: skip


def fill_upload(
    upload: Upload, outcome: str, rows: Mapping[str, int], issues: Sequence[Problem]
) -> None:
    upload.outcome = outcome
    upload.rows_read, upload.rows_inserted = rows["read"], rows["inserted"]
    upload.rows_updated, upload.rows_unchanged = rows["updated"], rows["unchanged"]
    upload.rows_invalid = rows["invalid"]
    upload.issues = [issue.to_dict() for issue in issues]
