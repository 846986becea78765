"""Every upload attempt, with its outcome and problems, and the original bytes (kept once per hash)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, deferred, mapped_column

from .base import Base, utcnow

OUTCOMES = ("imported", "unchanged", "dry-run", "rejected", "unreadable")


class StoredFile(Base):
    """File bytes addressed by SHA-256, so the same workbook sent twice is stored once."""

    __tablename__ = "stored_file"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size_bytes: Mapped[int]
    content: Mapped[bytes] = deferred(mapped_column(LargeBinary))


class Upload(Base):
    __tablename__ = "upload"
    __table_args__ = (CheckConstraint(f"outcome IN {OUTCOMES}", name="outcome_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    filename: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(ForeignKey("stored_file.sha256"), index=True)
    size_bytes: Mapped[int]
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
