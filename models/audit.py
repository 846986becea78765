"""The audit trail: one append-only row for every change anyone makes, written in the same transaction as
the change (services.audit.record_event), so a change never exists without its event and a refused one
leaves none."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Index, String, Text, event
from sqlalchemy.orm import Mapped, Session, mapped_column

from .base import Base, utcnow


class AuditTrailError(ValueError):
    """Somebody tried to edit or delete an audit event."""


class AuditEvent(Base):
    __tablename__ = "audit_event"
    __table_args__ = (
        Index("ix_audit_event_object", "object_type", "object_id"),
        Index("ix_audit_event_partner_occurred", "partner_code", "occurred_at"),
        # The figure cache's data version: the newest event of some actions about some partners
        # (dashboard/queries/data_version.py); bench/bench_data_version.py measured it.
        Index("ix_audit_event_action_partner_id", "action", "partner_code", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_name: Mapped[str] = mapped_column(String(120))
    actor_role: Mapped[str] = mapped_column(String(20))
    actor_partner: Mapped[str | None] = mapped_column(String(20))
    # The account (app_user.id) behind actor_name; None for the command line, a share link or nobody.
    actor_user_id: Mapped[int | None]
    # A stable code such as "target.updated" (services.audit.ACTIONS lists them).
    action: Mapped[str] = mapped_column(String(60), index=True)
    object_type: Mapped[str] = mapped_column(String(30))
    object_id: Mapped[str] = mapped_column(String(64))
    object_label: Mapped[str] = mapped_column(String(300))
    # Whose data the object is (None: shared by the whole partnership, such as the catalogue).
    partner_code: Mapped[str | None] = mapped_column(String(20))
    # The changed fields before and after, JSON-safe ({} for an addition's before, a deletion's after).
    before: Mapped[dict] = mapped_column(JSON, default=dict)
    after: Mapped[dict] = mapped_column(JSON, default=dict)
    comment: Mapped[str] = mapped_column(Text, default="")


@event.listens_for(Session, "before_flush")
def _audit_trail_is_append_only(session: Session, _context, _instances) -> None:
    for obj in (*session.dirty, *session.deleted):
        if isinstance(obj, AuditEvent) and (obj in session.deleted or session.is_modified(obj)):
            raise AuditTrailError("audit events are append-only")
