"""The small lists every page filters by: partners the user may see, reporting periods, indicators."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from dashboard.access import Actor, Permission, partner_scope
from dashboard.queries.names import indicator_name, indicator_unit
from models import Indicator, Partner, ReportingPeriod

PARTNER_COLUMNS = ["code", "name", "short_name", "country", "county", "body_type"]
PERIOD_COLUMNS = ["number", "label", "start_date", "end_date", "due_date"]
INDICATOR_COLUMNS = ["code", "name", "unit", "category", "value_kind", "aggregation"]


def visible_partners(session: Session, actor: Actor) -> pd.DataFrame:
    """Partners ``actor`` may see, in display order: code, name, short_name, country, county (None
    for the project partners), body_type."""
    rows = session.execute(
        select(
            Partner.code,
            Partner.name,
            Partner.short_name,
            Partner.country,
            Partner.county,
            Partner.body_type,
        )  # fmt: skip
        .where(partner_scope(actor, Permission.READ, Partner.id))
        .order_by(Partner.display_order, Partner.code)
    ).all()
    return pd.DataFrame(rows, columns=PARTNER_COLUMNS)


def reporting_periods(session: Session) -> pd.DataFrame:
    """All reporting periods (the semesters, not the months of monthly series) in order: number,
    label, start_date, end_date, due_date."""
    rows = session.execute(
        select(
            ReportingPeriod.number,
            ReportingPeriod.label,
            ReportingPeriod.start_date,
            ReportingPeriod.end_date,
            ReportingPeriod.due_date,
        )
        .where(ReportingPeriod.is_semester())
        .order_by(ReportingPeriod.number)
    ).all()
    return pd.DataFrame(rows, columns=PERIOD_COLUMNS)


def indicators(
    session: Session, *, categories: list[str] | None = None, codes: list[str] | None = None
) -> pd.DataFrame:
    """Indicators in display order, those in ``categories`` or with one of ``codes`` (all when both
    are None): code, name, unit, category, value_kind, aggregation."""
    query = select(
        Indicator.code,
        indicator_name(),
        indicator_unit(),
        Indicator.category,
        Indicator.value_kind,
        Indicator.aggregation,
    ).order_by(Indicator.display_order, Indicator.code)
    if categories is not None or codes is not None:
        query = query.where(
            Indicator.category.in_(categories or []) | Indicator.code.in_(codes or [])
        )
    return pd.DataFrame(session.execute(query).all(), columns=INDICATOR_COLUMNS)
