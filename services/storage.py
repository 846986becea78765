"""The file store's budget: ``sharing prune`` removes the bytes of uploads that wrote nothing, once they are
older than SHARING_KEEP_DRY_RUNS_DAYS.

What is pruned: the bytes of dry runs never imported, of previews found out of date, and of rejected and
unreadable files. They serve the annotated workbook and the confirmation while the partner works on the file;
weeks later the partner has sent a corrected file, and the Upload row (hash, size, outcome, every problem)
still says what was received. The bytes of imported and unchanged uploads (the source of the stored values),
of evidence documents and of generated reports are never pruned.

A file's bytes are deleted only when nothing else refers to them: no upload that keeps its bytes (the same
file imported later, by its hash) and no evidence item. The pruned Upload rows say ``file_discarded`` =
"pruned"; a pruned dry run can no longer be confirmed, it has to be uploaded again.

Deleted rows free space inside the database, which new files reuse; on SQLite ``compact_database`` gives it
back to the disk (PostgreSQL's autovacuum makes it reusable on its own).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine, and_, delete, exists, func, or_, select, update
from sqlalchemy.orm import Session

from dashboard.access import Actor, require_edit
from models import EvidenceItem, GeneratedReport, StoredFile, Upload, utcnow

from .audit import record_event
from .stored_files import lock_file_store

# Outcomes of uploads that wrote nothing: their bytes are pruned once old enough.
PRUNED_OUTCOMES = ("dry-run", "outdated", "rejected", "unreadable")
# Rows deleted per statement: far below SQLite's and PostgreSQL's limits on bound parameters.
_CHUNK = 500


@dataclass(frozen=True)
class Pruning:
    """What ``prune_stored_files`` did (or, for a dry run, would do)."""

    sent_before: datetime  # uploads sent before this moment (UTC) were pruned
    uploads: int  # Upload rows whose bytes are no longer kept
    files: int  # StoredFile rows deleted
    bytes_freed: int
    applied: bool

    def to_dict(self) -> dict:
        return {
            "sent_before": self.sent_before.isoformat(timespec="seconds"),
            "uploads": self.uploads,
            "files": self.files,
            "bytes_freed": self.bytes_freed,
        }


def prune_stored_files(
    session: Session,
    actor: Actor,
    *,
    older_than: timedelta,
    now: datetime | None = None,
    dry_run: bool = False,
) -> Pruning:
    """Release the bytes of uploads that wrote nothing (PRUNED_OUTCOMES) sent more than ``older_than``
    before ``now`` (naive UTC, default now), deleting each file nobody else refers to.

    One "storage.pruned" audit event records the counts, when anything was pruned. With ``dry_run``
    nothing is changed and the result says what would be freed. Raises AccessDenied unless the actor may
    change the setup (a monitoring officer, or the command line).
    """
    require_edit(actor, None)
    # Taken before reading: no upload can start to refer to a file between its check and its deletion.
    lock_file_store(session.connection(), exclusive=True)
    sent_before = (now or utcnow()) - older_than
    pruned = and_(
        Upload.file_discarded.is_(None),
        Upload.outcome.in_(PRUNED_OUTCOMES),
        Upload.uploaded_at < sent_before,
        # A background upload still waiting for (or in the hands of) a worker needs its bytes.
        or_(Upload.job_state.is_(None), Upload.job_state.not_in(("queued", "running"))),
    )
    uploads = session.scalar(select(func.count()).select_from(Upload).where(pruned))
    files = session.execute(
        select(StoredFile.sha256, StoredFile.size_bytes).where(
            exists().where(pruned, Upload.sha256 == StoredFile.sha256),
            ~exists().where(
                Upload.sha256 == StoredFile.sha256, Upload.file_discarded.is_(None), ~pruned
            ),
            ~exists().where(EvidenceItem.file_sha256 == StoredFile.sha256),
            ~exists().where(GeneratedReport.sha256 == StoredFile.sha256),
        )
    ).all()
    result = Pruning(
        sent_before, uploads, len(files), sum(size for _sha, size in files), applied=not dry_run
    )
    if dry_run or not uploads:
        return result
    hashes = [sha256 for sha256, _size in files]
    for start in range(0, len(hashes), _CHUNK):
        session.execute(
            delete(StoredFile).where(StoredFile.sha256.in_(hashes[start : start + _CHUNK]))
        )
    session.execute(update(Upload).where(pruned).values(file_discarded="pruned"))
    record_event(
        session, actor, "storage.pruned", object_type="storage", object_id="files",
        label="file store", after={**result.to_dict(), "older_than_days": older_than.days},
    )  # fmt: skip
    return result


def compact_database(engine: Engine) -> None:
    """Give the space of deleted rows back to the disk: VACUUM on SQLite (it rewrites the file, so it takes
    a while for a large database and needs as much free disk again), nothing on PostgreSQL."""
    if engine.dialect.name != "sqlite":
        return
    # The driver connection directly: VACUUM cannot run inside the transaction SQLAlchemy would begin.
    connection = engine.raw_connection()
    try:
        connection.driver_connection.execute("VACUUM")
    finally:
        connection.close()
