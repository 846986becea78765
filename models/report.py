"""Reports generated for the steering committee, kept as they were handed out: who generated which report,
when, for which period, partners, values and language, with the file's bytes (StoredFile, never
pruned), so the committee can later see exactly what it was shown."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, utcnow
from .period import ReportingPeriod

REPORT_FORMATS = ("pdf", "xlsx")


class GeneratedReport(Base):
    __tablename__ = "generated_report"
    __table_args__ = (CheckConstraint(f"file_format IN {REPORT_FORMATS}", name="format_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("reporting_period.id"), index=True)
    # The partner codes the report covers, in display order.
    partner_codes: Mapped[list] = mapped_column(JSON, default=list)
    include_submitted: Mapped[bool] = mapped_column(default=False)
    language: Mapped[str] = mapped_column(String(5))
    file_format: Mapped[str] = mapped_column(String(5))
    filename: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(ForeignKey("stored_file.sha256"))
    size_bytes: Mapped[int]
    # The newest value the report shows (None: no value yet): with the filters, which data it holds.
    data_date: Mapped[datetime | None]
    generated_by: Mapped[str] = mapped_column(String(120))
    generated_by_role: Mapped[str] = mapped_column(String(20))
    generated_at: Mapped[datetime] = mapped_column(default=utcnow)

    period: Mapped[ReportingPeriod] = relationship()


class ReportJob(Base):
    """A report asked for on a page that is too large to generate within the request (hundreds of
    bodies): a background worker renders it (jobs/) and keeps it as a GeneratedReport; the page follows
    the job and hands the file to whoever asked. The job columns are the Upload rows' (jobs.queue)."""

    __tablename__ = "report_job"
    __table_args__ = (
        CheckConstraint(f"file_format IN {REPORT_FORMATS}", name="format_known"),
        CheckConstraint(
            "job_state IN ('queued', 'running', 'done', 'failed')", name="job_state_known"
        ),
        Index("ix_report_job_state", "job_state", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Who asked, as jobs.queue records an actor: the account is looked up again when the job runs.
    job_request: Mapped[dict] = mapped_column(JSON)
    period_label: Mapped[str] = mapped_column(String(20))
    # The partners asked for; NULL: every partner the requester may see.
    partner_codes: Mapped[list | None] = mapped_column(JSON)
    include_submitted: Mapped[bool] = mapped_column(default=False)
    language: Mapped[str] = mapped_column(String(5))
    file_format: Mapped[str] = mapped_column(String(5))
    job_state: Mapped[str] = mapped_column(String(10), default="queued")
    job_progress: Mapped[int] = mapped_column(default=0)
    job_attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    job_heartbeat_at: Mapped[datetime | None]
    # Why it failed, in the requester's language (one sentence).
    job_message: Mapped[str | None] = mapped_column(String(1000))
    report_id: Mapped[int | None] = mapped_column(ForeignKey("generated_report.id"))
