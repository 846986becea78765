"""The review of partners' values, as DHIS2 does it: what a partner editor imports or corrects is
*submitted*; an admin *approves* it (the committee then sees it) or *returns* it with a comment. A
reporting period whose report is filed can be *locked* for a partner, or for all, against any change.

An Observation keeps the value last written (``value``) and the value last approved
(``approved_value``); ``review_status`` says which one the partner's latest write is waiting for.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, utcnow
from .partner import Partner
from .period import ReportingPeriod
from .upload import Upload

SUBMISSION_KINDS = ("import", "correction")
# approved: the committee sees these values; returned: the admin sent them back with a comment.
SUBMISSION_STATUSES = ("submitted", "approved", "returned")
# Of an observation: approved (value == approved_value), submitted (awaiting review) or returned.
REVIEW_STATUSES = SUBMISSION_STATUSES


class Submission(Base):
    """One partner's values written together (an import, or one correction), reviewed together."""

    __tablename__ = "submission"
    __table_args__ = (
        CheckConstraint(f"kind IN {SUBMISSION_KINDS}", name="kind_known"),
        CheckConstraint(f"status IN {SUBMISSION_STATUSES}", name="status_known"),
        Index("ix_submission_status_partner", "status", "partner_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partner.id"))
    kind: Mapped[str] = mapped_column(String(12))
    upload_id: Mapped[int | None] = mapped_column(ForeignKey("upload.id"), index=True)
    submitted_by: Mapped[str] = mapped_column(String(120))
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)
    values_count: Mapped[int] = mapped_column(default=0)
    status: Mapped[str] = mapped_column(String(12))
    decided_by: Mapped[str | None] = mapped_column(String(120))
    decided_at: Mapped[datetime | None]
    # The admin's comment: why the values were returned (the partner reads it), or a note on approval.
    decision_comment: Mapped[str] = mapped_column(Text, default="")

    partner: Mapped[Partner] = relationship()
    upload: Mapped[Upload | None] = relationship()


class PeriodLock(Base):
    """No value of this period may change for this partner (all partners when ``partner_id`` is NULL)
    until an admin unlocks it, with a reason. Unlocking deletes the row; the audit trail keeps both."""

    __tablename__ = "period_lock"
    __table_args__ = (Index("ix_period_lock_period_partner", "period_id", "partner_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("reporting_period.id"))
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("partner.id"))
    locked_by: Mapped[str] = mapped_column(String(120))
    locked_at: Mapped[datetime] = mapped_column(default=utcnow)
    reason: Mapped[str] = mapped_column(Text, default="")

    period: Mapped[ReportingPeriod] = relationship()
    partner: Mapped[Partner | None] = relationship()
