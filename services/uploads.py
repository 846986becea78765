"""Recording upload attempts: every file a partner sends leaves an Upload row with its outcome, counts and
problems, and an audit event, whatever the outcome; and its bytes, unless they are not worth keeping.

The row and the bytes are written before the file is read (``open_upload``), in a transaction of their
own, so an attempt whose reading never finished is on record too; ``record_reading`` completes the row
with what the reading found, and ``complete_upload`` with what the import wrote.

Bytes are not kept for a file refused as too large or as not a spreadsheet (nobody needs them, and
two refused 26 MB files grew the database by 46 MB), nor when the file store is full: the row keeps the
hash, the size and ``file_discarded`` saying why.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sqlalchemy import delete, exists, select
from sqlalchemy.orm import Session

from dashboard.access import Actor
from models import EvidenceItem, Partner, StoredFile, Upload
from rules.problems import Problem

from .audit import record_event
from .stored_files import file_hash, lock_file_store, store_file

FILENAME_CHARS = 255
# Problem codes whose file is not kept, and the reason the Upload row gives (models.upload.DISCARD_REASONS).
# "storage-full" is the problem of services.stored_files.StorageFull, recorded by the caller that caught it.
NOT_KEPT = {
    "file-too-large": "too-large",
    "not-a-spreadsheet": "not-a-spreadsheet",
    "storage-full": "quota-full",
}
ROW_COUNTS = ("read", "inserted", "updated", "unchanged", "invalid")


def open_upload(
    session: Session,
    actor: Actor,
    content: bytes,
    filename: str,
    *,
    partner_id: int | None,
    issues: Sequence[Problem],
) -> Upload:
    """Record an attempt before the file is read: an Upload row saying it is "unreadable" with
    ``issues`` (the sentence that the reading did not finish, or why the file is refused unread), and
    the bytes (see ``discard_reason``). ``record_reading`` completes the row once the file was read;
    if nothing ever does (the process died while reading), the row says so as it is.

    Raises StorageFull (services.stored_files), writing nothing, when the bytes should be kept but the
    file store has no room for them; open the attempt again with the exception's ``problem`` among
    ``issues``: its row is then kept without the bytes (``file_discarded`` "quota-full").
    """
    discarded = discard_reason(issues)
    upload = Upload(
        filename=filename[:FILENAME_CHARS],
        sha256=file_hash(content) if discarded else store_file(session, content),
        size_bytes=len(content),
        file_discarded=discarded,
        partner_id=partner_id,
        uploaded_by=actor.name,
    )
    fill_upload(upload, "unreadable", dict.fromkeys(ROW_COUNTS, 0), issues)
    session.add(upload)
    session.flush()
    return upload


def record_reading(
    session: Session,
    actor: Actor,
    upload: Upload,
    *,
    outcome: str,
    rows: Mapping[str, int],
    issues: Sequence[Problem],
) -> None:
    """What reading the file of ``upload`` found, with the "upload.received" audit event. The bytes
    of a file the reading refused as not worth keeping (``discard_reason``) are let go here."""
    fill_upload(upload, outcome, rows, issues)
    discarded = discard_reason(issues)
    if discarded and upload.file_discarded is None:
        _release_file(session, upload, discarded)
    partner_id = upload.partner_id
    partner_code = session.get(Partner, partner_id).code if partner_id is not None else None
    record_event(
        session, actor, "upload.received", object_type="upload", object_id=upload.id,
        label=f"#{upload.id} {upload.filename}", partner_code=partner_code,
        after={
            "outcome": outcome, "size_bytes": upload.size_bytes, **rows,
            **({"file_discarded": upload.file_discarded} if upload.file_discarded else {}),
        },
    )  # fmt: skip


def _release_file(session: Session, upload: Upload, reason: str) -> None:
    """Stop keeping the bytes of ``upload`` (``file_discarded`` = ``reason``), deleting them unless
    another upload that keeps its bytes or an evidence item refers to the same file."""
    # Exclusive: no other upload can start to refer to these bytes between the check and the delete.
    lock_file_store(session.connection(), exclusive=True)
    upload.file_discarded = reason
    session.flush()
    used = exists().where(
        Upload.sha256 == upload.sha256, Upload.file_discarded.is_(None)
    ) | exists().where(EvidenceItem.file_sha256 == upload.sha256)
    if not session.scalar(select(used)):
        session.execute(delete(StoredFile).where(StoredFile.sha256 == upload.sha256))


def discard_reason(issues: Sequence[Problem]) -> str | None:
    """Why the bytes of a file with ``issues`` are not kept (a DISCARD_REASONS value), or None to keep them.

    Other unreadable files (damaged, encrypted, a zip bomb) are kept: they are within the size limit and
    their bytes help to see what went wrong; ``sharing prune`` removes them later with old dry runs.
    """
    for issue in issues:
        if issue.is_error and issue.code in NOT_KEPT:
            return NOT_KEPT[issue.code]
    return None


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
