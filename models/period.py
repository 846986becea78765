"""Reporting periods, derived from the project start by the programme's rules.

Interreg Europe: 6-month periods, the last one 9 months; each report is due 3 months after its period ends;
the first 3 years are the core phase, the rest the follow-up phase.

Besides these semesters (P1..P8, ``kind`` "semester") a database may hold monthly periods (``kind`` "month",
label "2024-01", number 202401) for the monthly series of the region data set (seed.region). Everything
that means "the reporting periods" (pages, importer, templates, reports) filters on ``is_semester()``, so
a month is never shown as a period, offered in a template or matched by an imported cell.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import CheckConstraint, Date, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base

PERIOD_COUNT = 8
PHASES = ("core", "follow-up")
SEMESTER, MONTH = "semester", "month"
PERIOD_KINDS = (SEMESTER, MONTH)


class ReportingPeriod(Base):
    __tablename__ = "reporting_period"
    __table_args__ = (
        CheckConstraint("start_date <= end_date", name="ordered"),
        CheckConstraint(f"phase IN {PHASES}", name="phase_known"),
        CheckConstraint(f"kind IN {PERIOD_KINDS}", name="kind_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int] = mapped_column(unique=True)
    label: Mapped[str] = mapped_column(String(10), unique=True)
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    due_date: Mapped[date] = mapped_column(Date)
    phase: Mapped[str] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(10), default=SEMESTER)

    @classmethod
    def is_semester(cls):
        """The condition for the programme's reporting periods (P1..P8), not the monthly ones."""
        return cls.kind == SEMESTER

    def has_ended(self, today: date) -> bool:
        return self.end_date < today

    def __repr__(self) -> str:
        return f"<ReportingPeriod {self.label} {self.start_date}..{self.end_date}>"


@dataclass(frozen=True)
class PeriodSpec:
    number: int
    start_date: date
    end_date: date
    due_date: date
    phase: str

    @property
    def label(self) -> str:
        return f"P{self.number}"


def add_months(day: date, months: int) -> date:
    """Same day ``months`` later, clamped to the month's last day (31 Aug + 6 months = 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def period_specs(project_start: date, count: int = PERIOD_COUNT) -> list[PeriodSpec]:
    """The ``count`` reporting periods of a project starting on ``project_start``."""
    core_end = add_months(project_start, 36)
    specs = []
    for index in range(count):
        start = add_months(project_start, 6 * index)
        length = 9 if index == count - 1 else 6
        end = add_months(project_start, 6 * index + length) - timedelta(days=1)
        phase = "core" if start < core_end else "follow-up"
        specs.append(
            PeriodSpec(
                index + 1,
                start,
                end,
                add_months(end + timedelta(days=1), 3) - timedelta(days=1),
                phase,
            )
        )
    return specs
