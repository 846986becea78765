"""Indicator catalogue and per-partner targets (baseline, final target, period milestones)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import CheckConstraint, Date, Float, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from rules.aggregation import AGGREGATIONS

from .base import Base

CATEGORIES = (
    "policy progress",
    "e-service uptake",
    "digital skills",
    "programme output",
    "programme result",
    "context",
)
VALUE_KINDS = ("count", "percentage", "amount")


class Indicator(Base):
    __tablename__ = "indicator"
    __table_args__ = (
        CheckConstraint(f"category IN {CATEGORIES}", name="category_known"),
        CheckConstraint(f"value_kind IN {VALUE_KINDS}", name="value_kind_known"),
        CheckConstraint(f"aggregation IN {AGGREGATIONS}", name="aggregation_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(30), unique=True)
    # The English name; each other language's where an officer wrote one (None: shown in English,
    # marked for officers). dashboard/queries/names.py picks the reader's.
    name: Mapped[str] = mapped_column(String(300))
    name_fr: Mapped[str | None] = mapped_column(String(300))
    name_ro: Mapped[str | None] = mapped_column(String(300))
    name_hr: Mapped[str | None] = mapped_column(String(300))
    name_lv: Mapped[str | None] = mapped_column(String(300))
    unit: Mapped[str] = mapped_column(String(60))
    category: Mapped[str] = mapped_column(String(30))
    value_kind: Mapped[str] = mapped_column(String(20))
    # How period values combine into a project total: a sum of flows, the latest stock, or a mean rate.
    aggregation: Mapped[str] = mapped_column(String(10))
    higher_is_better: Mapped[bool] = mapped_column(default=True)
    eu_code: Mapped[str | None] = mapped_column(String(20))
    description: Mapped[str] = mapped_column(Text, default="")
    display_order: Mapped[int] = mapped_column(default=0)


class Target(Base):
    __tablename__ = "target"
    __table_args__ = (UniqueConstraint("indicator_id", "partner_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicator.id"))
    partner_id: Mapped[int] = mapped_column(ForeignKey("partner.id"), index=True)
    baseline_value: Mapped[float | None] = mapped_column(Float)
    baseline_date: Mapped[date | None] = mapped_column(Date)
    target_value: Mapped[float] = mapped_column(Float)
    is_demo: Mapped[bool] = mapped_column(default=False)

    indicator: Mapped[Indicator] = relationship()
    milestones: Mapped[list[Milestone]] = relationship(
        back_populates="target", cascade="all, delete-orphan"
    )


class Milestone(Base):
    __tablename__ = "milestone"
    __table_args__ = (UniqueConstraint("target_id", "period_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    target_id: Mapped[int] = mapped_column(ForeignKey("target.id"))
    period_id: Mapped[int] = mapped_column(ForeignKey("reporting_period.id"))
    value: Mapped[float] = mapped_column(Float)

    target: Mapped[Target] = relationship(back_populates="milestones")
