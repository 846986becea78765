"""What the Setup page reads: the indicator catalogue, targets and milestones, partners and periods.

Each function returns a DataFrame, one row per record, ``id`` first. Changes go through
services.catalogue; the setup workbook is written by workbooks.setup_workbook.
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from models import (
    Indicator,
    Milestone,
    Partner,
    ReportingPeriod,
    StoredFile,
    Target,
)


def indicators_frame(session: Session) -> pd.DataFrame:
    query = select(
        Indicator.id, Indicator.code, Indicator.name, Indicator.name_fr, Indicator.name_ro,
        Indicator.name_hr, Indicator.name_lv, Indicator.unit, Indicator.category,
        Indicator.value_kind, Indicator.aggregation, Indicator.higher_is_better, Indicator.eu_code,
        Indicator.display_order, Indicator.description,
    ).order_by(Indicator.display_order, Indicator.code)  # fmt: skip
    columns = [
        "id", "code", "name", "name_fr", "name_ro", "name_hr", "name_lv", "unit", "category",
        "value_kind", "aggregation", "higher_is_better",
        "eu_code", "display_order", "description",
    ]  # fmt: skip
    return pd.DataFrame(session.execute(query).all(), columns=columns)


def targets_frame(session: Session, partner_codes: list[str]) -> pd.DataFrame:
    query = (
        select(
            Target.id,
            Partner.code,
            Indicator.code,
            Indicator.unit,
            Indicator.value_kind,
            Target.baseline_value,
            Target.baseline_date,
            Target.target_value,
            Target.is_demo,
        )  # fmt: skip
        .join(Partner, Partner.id == Target.partner_id)
        .join(Indicator, Indicator.id == Target.indicator_id)
        .where(Partner.code.in_(partner_codes))
        .order_by(Partner.display_order, Indicator.display_order)
    )
    columns = [
        "id", "partner_code", "indicator_code", "unit", "value_kind", "baseline_value",
        "baseline_date", "target_value", "is_demo",
    ]  # fmt: skip
    return pd.DataFrame(session.execute(query).all(), columns=columns)


def milestones_frame(session: Session, partner_codes: list[str]) -> pd.DataFrame:
    query = (
        select(
            Milestone.id,
            Partner.code,
            Indicator.code,
            ReportingPeriod.label,
            Milestone.value,
            Indicator.unit,
        )  # fmt: skip
        .join(Target, Target.id == Milestone.target_id)
        .join(Partner, Partner.id == Target.partner_id)
        .join(Indicator, Indicator.id == Target.indicator_id)
        .join(ReportingPeriod, ReportingPeriod.id == Milestone.period_id)
        .where(Partner.code.in_(partner_codes), ReportingPeriod.is_semester())
        .order_by(Partner.display_order, Indicator.display_order, ReportingPeriod.number)
    )
    columns = ["id", "partner_code", "indicator_code", "period", "value", "unit"]
    return pd.DataFrame(session.execute(query).all(), columns=columns)


def partners_frame(session: Session, partner_codes: list[str]) -> pd.DataFrame:
    query = (
        select(
            Partner.id,
            Partner.code,
            Partner.name,
            Partner.short_name,
            Partner.country,
            Partner.nuts_code,
            Partner.level,
            Partner.role,
            Partner.display_order,
        )  # fmt: skip
        .where(Partner.code.in_(partner_codes))
        .order_by(Partner.display_order, Partner.id)
    )
    columns = [
        "id", "code", "name", "short_name", "country", "nuts_code", "level", "role", "display_order",
    ]  # fmt: skip
    return pd.DataFrame(session.execute(query).all(), columns=columns)


def periods_frame(session: Session) -> pd.DataFrame:
    query = select(
        ReportingPeriod.id, ReportingPeriod.label, ReportingPeriod.start_date,
        ReportingPeriod.end_date, ReportingPeriod.due_date, ReportingPeriod.phase,
    ).where(ReportingPeriod.is_semester()).order_by(ReportingPeriod.number)  # fmt: skip
    columns = ["id", "label", "start_date", "end_date", "due_date", "phase"]
    return pd.DataFrame(session.execute(query).all(), columns=columns)


def stored_content(session: Session, sha256: str) -> bytes | None:
    """The bytes of a file kept by ``store_file`` (a setup workbook between its check and its import)."""
    return session.scalar(select(StoredFile.content).where(StoredFile.sha256 == sha256))
