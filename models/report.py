"""Reports generated for the steering committee, kept as they were handed out: who generated which report,
when, for which period, partners, values and language, with the file's bytes (StoredFile, never
pruned), so the committee can later see exactly what it was shown."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String
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
