"""Every upload attempt, with its outcome and problems, and the original bytes (kept once per hash)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, LargeBinary, String
from sqlalchemy.orm import Mapped, deferred, mapped_column

from .base import Base, utcnow

# "outdated": a confirmation found the stored values changed since its preview; nothing was written and
# the row holds the new preview, which can be confirmed in turn.
OUTCOMES = ("imported", "unchanged", "dry-run", "outdated", "rejected", "unreadable")
# Why an upload's bytes are not (or no longer) kept; NULL while they are. "quota-full": the file store had
# no room (SHARING_STORAGE_QUOTA_MB), so the upload was refused.
DISCARD_REASONS = ("too-large", "not-a-spreadsheet", "pruned", "quota-full")
# An upload checked or imported by a background worker (jobs/): "queued" until a worker claims it,
# "running" while one works on it (its heartbeat says it is alive), then "done" or "failed". NULL for
# an upload handled within the web request or the command that sent it.
JOB_STATES = ("queued", "running", "done", "failed")


class StoredFile(Base):
    """File bytes addressed by SHA-256, so the same workbook sent twice is stored once."""

    __tablename__ = "stored_file"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size_bytes: Mapped[int]
    content: Mapped[bytes] = deferred(mapped_column(LargeBinary))


class Upload(Base):
    __tablename__ = "upload"
    __table_args__ = (
        CheckConstraint(f"outcome IN {OUTCOMES}", name="outcome_known"),
        CheckConstraint(
            f"file_discarded IS NULL OR file_discarded IN {DISCARD_REASONS}",
            name="file_discarded_known",
        ),
        CheckConstraint(f"job_state IS NULL OR job_state IN {JOB_STATES}", name="job_state_known"),
        # The workers' question: the oldest queued (or abandoned running) upload.
        Index("ix_upload_job_state", "job_state", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    filename: Mapped[str] = mapped_column(String(255))
    # The hash of the bytes received; the bytes themselves are in StoredFile unless ``file_discarded`` says
    # why not (refused before reading, or pruned), so this is not a foreign key.
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size_bytes: Mapped[int]
    file_discarded: Mapped[str | None] = mapped_column(String(20))
    # A dry run's digest of the changes it previewed: its confirmation writes only if the same changes
    # are still what the file would do (importers.workbook_import._fingerprint).
    preview_fingerprint: Mapped[str | None] = mapped_column(String(64))
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("partner.id"), index=True)
    uploaded_by: Mapped[str] = mapped_column(String(120))
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)
    outcome: Mapped[str] = mapped_column(String(20))
    rows_read: Mapped[int] = mapped_column(default=0)
    rows_inserted: Mapped[int] = mapped_column(default=0)
    rows_updated: Mapped[int] = mapped_column(default=0)
    rows_unchanged: Mapped[int] = mapped_column(default=0)
    rows_invalid: Mapped[int] = mapped_column(default=0)
    # [{"severity", "code", "sheet", "cell", "value", "message"}], as the CLI's --json prints them.
    issues: Mapped[list] = mapped_column(JSON, default=list)
    # Background work (jobs/queue.py); all NULL (attempts 0) for an upload handled in its request.
    job_state: Mapped[str | None] = mapped_column(String(10))
    job_progress: Mapped[int | None]
    # What to do and for whom: {"dry_run", "expected_fingerprint", "actor": {...}}; the worker acts as
    # that account again, checked at run time (a disabled account's queued import is not run).
    job_request: Mapped[dict | None] = mapped_column(JSON)
    # The result the page shows (ImportResult.to_json, the list of changes cut to its first rows).
    job_result: Mapped[dict | None] = mapped_column(JSON)
    job_attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    job_heartbeat_at: Mapped[datetime | None]
