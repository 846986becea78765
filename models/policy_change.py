"""Policy changes pursued in an instrument, their append-only stage history and their evidence.

The programme validates an improvement only with evidence (an official decision, an amended text...), so
``PolicyChange.record_stage`` refuses ``validated`` while no evidence item exists, and a flush-time guard
refuses editing or deleting stage events.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, Date, ForeignKey, String, Text, event
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from rules.stages import STAGE_VALUES, Stage, stage_move_problems

from .base import Base, utcnow

if TYPE_CHECKING:
    from .partner import PolicyInstrument


EVIDENCE_KINDS = (
    "official decision",
    "amended text",
    "launched call",
    "letter from managing authority",
    "minutes",
    "other",
)


class PolicyChangeError(ValueError):
    """A stage move the rules do not allow; the message says which rule, ``problem`` holds its code."""

    def __init__(self, message: str, problem=None):
        super().__init__(message)
        self.problem = problem


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

        Raises PolicyChangeError for a move rules.stages refuses (validated without evidence, abandoned
        or moved back without a note). The date is checked against today by the caller, who knows it.
        """
        stage = Stage(stage)
        current = Stage(self.stage or Stage.IDENTIFIED)
        problems = stage_move_problems(
            self.code, current, stage, has_evidence=bool(self.evidence), note=note,
            occurred_on=occurred_on, today=date.max,
        )  # fmt: skip
        errors = [problem for problem in problems if problem.is_error]
        if errors:
            raise PolicyChangeError(errors[0].message, errors[0])
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
