"""Policy changes pursued in an instrument, their append-only stage history and their evidence.

The programme validates an improvement only with evidence (an official decision, an amended text...), so
``PolicyChange.record_stage`` refuses ``validated`` while no evidence item exists, and a flush-time guard
refuses editing or deleting stage events.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, Date, ForeignKey, String, Text, event
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from .base import Base, utcnow

if TYPE_CHECKING:
    from .partner import PolicyInstrument


class Stage(enum.StrEnum):
    IDENTIFIED = "identified"
    PROPOSED = "proposed"
    SUBMITTED = "submitted"
    ADOPTED = "adopted"
    IMPLEMENTED = "implemented"
    VALIDATED = "validated"
    ABANDONED = "abandoned"

    @property
    def rank(self) -> int:
        """Position on the way to validation; abandoned sits outside the order (-1)."""
        return -1 if self is Stage.ABANDONED else PROGRESS_STAGES.index(self)


PROGRESS_STAGES = [s for s in Stage if s is not Stage.ABANDONED]
STAGE_VALUES = tuple(s.value for s in Stage)
EVIDENCE_KINDS = (
    "official decision",
    "amended text",
    "launched call",
    "letter from managing authority",
    "minutes",
    "other",
)


class PolicyChangeError(ValueError):
    """A stage move the rules do not allow; the message says which rule."""


class ChangeType(Base):
    """The configurable list of improvement types (the 2014-2020 classification is unverified)."""

    __tablename__ = "change_type"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    label: Mapped[str] = mapped_column(String(200))


class PolicyChange(Base):
    __tablename__ = "policy_change"
    __table_args__ = (CheckConstraint(f"stage IN {STAGE_VALUES}", name="stage_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    instrument_id: Mapped[int] = mapped_column(ForeignKey("policy_instrument.id"), index=True)
    change_type_id: Mapped[int] = mapped_column(ForeignKey("change_type.id"))
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    stage: Mapped[str] = mapped_column(String(20), default=Stage.IDENTIFIED.value)
    abandon_reason: Mapped[str | None] = mapped_column(Text)
    is_demo: Mapped[bool] = mapped_column(default=False)

    instrument: Mapped[PolicyInstrument] = relationship(back_populates="changes")
    change_type: Mapped[ChangeType] = relationship()
    events: Mapped[list[StageEvent]] = relationship(
        back_populates="change", order_by="(StageEvent.occurred_on, StageEvent.id)"
    )
    evidence: Mapped[list[EvidenceItem]] = relationship(
        back_populates="change", order_by="EvidenceItem.id"
    )

    def record_stage(
        self, stage: Stage | str, occurred_on: date, recorded_by: str, note: str = ""
    ) -> StageEvent:
        """Append a stage event and move the current stage to it.

        Raises PolicyChangeError when validating without evidence or abandoning without a reason (note).
        Moving backwards is allowed (a law can be sent back) but the caller must give a note.
        """
        stage = Stage(stage)
        if stage is Stage.VALIDATED and not self.evidence:
            raise PolicyChangeError(
                f"{self.code}: 'validated' needs at least one evidence item "
                "(an official decision, an amended text, a launched call...)"
            )
        if stage is Stage.ABANDONED and not note.strip():
            raise PolicyChangeError(f"{self.code}: say why the change was abandoned (note)")
        current = Stage(self.stage or Stage.IDENTIFIED)
        if stage is not Stage.ABANDONED and stage.rank < current.rank and not note.strip():
            raise PolicyChangeError(
                f"{self.code}: moving back from '{current}' to '{stage}' needs a note saying why"
            )
        stage_event = StageEvent(
            stage=stage.value, occurred_on=occurred_on, note=note, recorded_by=recorded_by
        )
        self.events.append(stage_event)
        self.stage = stage.value
        if stage is Stage.ABANDONED:
            self.abandon_reason = note
        return stage_event


class StageEvent(Base):
    __tablename__ = "stage_event"
    __table_args__ = (CheckConstraint(f"stage IN {STAGE_VALUES}", name="stage_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    change_id: Mapped[int] = mapped_column(ForeignKey("policy_change.id"), index=True)
    stage: Mapped[str] = mapped_column(String(20))
    occurred_on: Mapped[date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_by: Mapped[str] = mapped_column(String(120))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
    upload_id: Mapped[int | None] = mapped_column(ForeignKey("upload.id"))

    change: Mapped[PolicyChange] = relationship(back_populates="events")


class EvidenceItem(Base):
    __tablename__ = "evidence_item"
    __table_args__ = (
        CheckConstraint(f"kind IN {EVIDENCE_KINDS}", name="kind_known"),
        CheckConstraint("url IS NOT NULL OR file_sha256 IS NOT NULL", name="has_target"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    change_id: Mapped[int] = mapped_column(ForeignKey("policy_change.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(300))
    url: Mapped[str | None] = mapped_column(String(1000))
    file_sha256: Mapped[str | None] = mapped_column(ForeignKey("stored_file.sha256"))
    added_by: Mapped[str] = mapped_column(String(120))
    added_at: Mapped[datetime] = mapped_column(default=utcnow)

    change: Mapped[PolicyChange] = relationship(back_populates="evidence")


@event.listens_for(Session, "before_flush")
def _stage_history_is_append_only(session: Session, _context, _instances) -> None:
    for obj in (*session.dirty, *session.deleted):
        if isinstance(obj, StageEvent) and (obj in session.deleted or session.is_modified(obj)):
            raise PolicyChangeError("stage events are append-only: record a new event instead")
