"""One indicator's values, targets and milestones per partner, for the indicator pages."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from i18n import _, ngettext
from models import Indicator, Milestone, Observation, Partner, ReportingPeriod, Target
from rules.formatting import format_number

from .values import ValueView

VALUE_COLUMNS = [
    "partner_code", "period_number", "period_label", "end_date", "value", "source_kind", "upload_id",
    "pending",
]  # fmt: skip
TARGET_COLUMNS = ["partner_code", "baseline_value", "target_value", "is_demo"]
MILESTONE_COLUMNS = ["partner_code", "period_number", "end_date", "value"]
# A source line names the uploads by number up to this many; past it, it counts them.
LISTED_UPLOADS = 12


def indicator_values(
    session: Session,
    indicator_code: str,
    partner_codes: list[str],
    period_range: tuple[int, int] | None = None,
    *,
    view: ValueView,
) -> pd.DataFrame:
    """Reported values of one indicator for ``partner_codes`` (ordered by partner display order, then
    period), within ``period_range`` (first, last period number) when given, as ``view`` shows them
    (approved only, or with submitted ones). ``value`` is NaN where the partner reported "no value";
    ``pending`` is True where the value awaits review. Columns: VALUE_COLUMNS."""
    if not partner_codes:
        return pd.DataFrame(columns=VALUE_COLUMNS)
    query = (
        select(
            Partner.code,
            ReportingPeriod.number,
            ReportingPeriod.label,
            ReportingPeriod.end_date,
            view.value(),
            Observation.source_kind,
            Observation.upload_id,
            view.pending(),
        )
        .join(Indicator, Indicator.id == Observation.indicator_id)
        .join(Partner, Partner.id == Observation.partner_id)
        .join(ReportingPeriod, ReportingPeriod.id == Observation.period_id)
        .where(
            Indicator.code == indicator_code,
            Partner.code.in_(partner_codes),
            view.shown(),
            ReportingPeriod.is_semester(),
        )
        .order_by(Partner.display_order, ReportingPeriod.number)
    )
    if period_range is not None:
        query = query.where(ReportingPeriod.number.between(*period_range))
    frame = pd.DataFrame(session.execute(query).all(), columns=VALUE_COLUMNS)
    frame["value"] = frame["value"].astype(float)
    frame["pending"] = frame["pending"].astype(bool)
    return frame


def indicator_targets(
    session: Session, indicator_code: str, partner_codes: list[str]
) -> pd.DataFrame:
    """Baseline and final target of one indicator per partner: partner_code, baseline_value,
    target_value, is_demo."""
    if not partner_codes:
        return pd.DataFrame(columns=TARGET_COLUMNS)
    rows = session.execute(
        select(Partner.code, Target.baseline_value, Target.target_value, Target.is_demo)
        .join(Indicator, Indicator.id == Target.indicator_id)
        .join(Partner, Partner.id == Target.partner_id)
        .where(Indicator.code == indicator_code, Partner.code.in_(partner_codes))
        .order_by(Partner.display_order)
    ).all()
    return pd.DataFrame(rows, columns=TARGET_COLUMNS)


def indicator_milestones(
    session: Session, indicator_code: str, partner_codes: list[str]
) -> pd.DataFrame:
    """Period milestones of one indicator per partner: partner_code, period_number, end_date, value."""
    if not partner_codes:
        return pd.DataFrame(columns=MILESTONE_COLUMNS)
    rows = session.execute(
        select(Partner.code, ReportingPeriod.number, ReportingPeriod.end_date, Milestone.value)
        .join(Target, Target.id == Milestone.target_id)
        .join(Indicator, Indicator.id == Target.indicator_id)
        .join(Partner, Partner.id == Target.partner_id)
        .join(ReportingPeriod, ReportingPeriod.id == Milestone.period_id)
        .where(
            Indicator.code == indicator_code,
            Partner.code.in_(partner_codes),
            ReportingPeriod.is_semester(),
        )
        .order_by(Partner.display_order, ReportingPeriod.number)
    ).all()
    return pd.DataFrame(rows, columns=MILESTONE_COLUMNS)


def cumulative(values: pd.DataFrame) -> pd.DataFrame:
    """Running totals per partner (for indicators whose periods add up, aggregation "sum"); a period
    reported as "no value" keeps the total so far out of the chart (NaN) without resetting it."""
    result = values.copy()
    running = result.groupby("partner_code", sort=False)["value"].transform(
        lambda s: s.fillna(0).cumsum()
    )
    result["value"] = running.where(result["value"].notna())
    return result


def describe_sources(values: pd.DataFrame) -> str:
    """Where the values come from, in words: uploads by number, manual corrections, demo data."""
    if values.empty:
        return _("no values yet")
    parts = []
    uploads = sorted({int(u) for u in values["upload_id"].dropna()})
    if len(uploads) > LISTED_UPLOADS:
        # Hundreds of bodies' uploads: their number, and the Imports page lists them.
        parts.append(
            ngettext("{n} partner upload", "{n} partners' uploads", len(uploads)).format(
                n=format_number(len(uploads), decimals=0)
            )
        )
    elif uploads:
        parts.append(
            _("partners' uploads {numbers}").format(numbers=", ".join(f"#{u}" for u in uploads))
        )
    if (values["source_kind"] == "manual").any():
        parts.append(_("values corrected on the dashboard"))
    if (values["source_kind"] == "demo").any():
        parts.append(_("demo data (invented figures)"))
    return "; ".join(parts)
