"""Indicator values per partner and period, with a revision for every change of value.

An observation whose value is NULL means the partner reported "no value" (n/a), which is not zero.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    event,
    inspect,
)
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from .base import Base, utcnow

SOURCE_KINDS = ("upload", "manual", "demo")
# ObservationRevision.previous_source_kind of a value entered by hand where none was reported.
NOT_REPORTED = "none"
# What the partner's latest value waits for (models.review): approved (value == approved_value),
# submitted (awaiting an admin's review) or returned (sent back with a comment).
REVIEW_STATUSES = ("approved", "submitted", "returned")


class Observation(Base):
    __tablename__ = "observation"
    __table_args__ = (
        # Leading columns match the dashboard filters (indicator, partner, period): see TECH.md.
        UniqueConstraint("indicator_id", "partner_id", "period_id"),
        Index("ix_observation_partner_period", "partner_id", "period_id"),
        CheckConstraint(f"source_kind IN {SOURCE_KINDS}", name="source_kind_known"),
        CheckConstraint(f"review_status IN {REVIEW_STATUSES}", name="review_status_known"),
        Index("ix_observation_submission", "submission_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicator.id"))
    partner_id: Mapped[int] = mapped_column(ForeignKey("partner.id"))
    period_id: Mapped[int] = mapped_column(ForeignKey("reporting_period.id"))
    value: Mapped[float | None] = mapped_column(Float)
    comment: Mapped[str] = mapped_column(Text, default="")
    source_kind: Mapped[str] = mapped_column(String(10))
    upload_id: Mapped[int | None] = mapped_column(ForeignKey("upload.id"))
    source_cell: Mapped[str | None] = mapped_column(String(80))  # e.g. "Indicators!D14"
    updated_by: Mapped[str] = mapped_column(String(120))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The review (models.review): the committee's views show ``approved_value`` (none while
    # ``approved_at`` is NULL); ``value`` is the partner's latest, from ``submission_id``.
    review_status: Mapped[str] = mapped_column(String(10), default="approved")
    approved_value: Mapped[float | None] = mapped_column(Float)
    approved_at: Mapped[datetime | None]
    submission_id: Mapped[int | None] = mapped_column(ForeignKey("submission.id"))

    revisions: Mapped[list[ObservationRevision]] = relationship(
        back_populates="observation", order_by="ObservationRevision.id"
    )


class ObservationRevision(Base):
    """The value an observation had before a change, and who changed it, when, from which upload."""

    __tablename__ = "observation_revision"
    # The value history, newest first (the Imports page): read from the newest, not sorted whole.
    __table_args__ = (Index("ix_observation_revision_changed", "changed_at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    observation_id: Mapped[int] = mapped_column(ForeignKey("observation.id"), index=True)
    previous_value: Mapped[float | None] = mapped_column(Float)
    previous_source_kind: Mapped[str] = mapped_column(String(10))
    previous_upload_id: Mapped[int | None] = mapped_column(ForeignKey("upload.id"))
    new_value: Mapped[float | None] = mapped_column(Float)
    changed_by: Mapped[str] = mapped_column(String(120))
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    upload_id: Mapped[int | None] = mapped_column(ForeignKey("upload.id"))
    reason: Mapped[str] = mapped_column(Text, default="")
    submission_id: Mapped[int | None] = mapped_column(ForeignKey("submission.id"))

    observation: Mapped[Observation] = relationship(back_populates="revisions")


class SilentOverwriteError(ValueError):
    """An observation's value changed without a revision recording the previous one."""


@event.listens_for(Session, "before_flush")
def _values_are_never_overwritten_silently(session: Session, _context, _instances) -> None:
    # Bulk paths (the importer's Core upserts) write their revisions in the same statement batch; this
    # guard covers every ORM path, such as a correction on a partner page.
    revised = {
        rev.observation_id or (rev.observation.id if rev.observation else None)
        for rev in session.new
        if isinstance(rev, ObservationRevision)
    }
    for obj in session.dirty:
        if (
            isinstance(obj, Observation)
            and inspect(obj).attrs.value.history.has_changes()
            and obj.id not in revised
        ):
            raise SilentOverwriteError(
                f"observation {obj.id}: record an ObservationRevision with the previous value first"
            )
