"""The steering committee's overview: the policy-change pipeline, validated improvements, progress to
target and who has reported the last ended period. Everything is aggregated in SQL, one query each."""

from __future__ import annotations

from datetime import date

import pandas as pd
from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from dashboard.queries.names import indicator_name, indicator_unit
from models import (
    SEMESTER,
    Indicator,
    Milestone,
    Observation,
    Partner,
    PolicyChange,
    PolicyInstrument,
    ReportingPeriod,
    Target,
)
from rules.aggregation import pick

from .values import ValueView

PIPELINE_COLUMNS = ["partner_code", "partner_label", "stage", "changes", "demo_changes"]
INSTRUMENT_COLUMNS = ["partner_code", "instrument_id", "instrument_title", "validated_changes"]
PROGRESS_COLUMNS = [
    "partner_code", "partner_label", "indicator_code", "indicator_name", "category", "unit",
    "value_kind", "aggregation", "baseline", "target", "is_demo", "milestone", "values_reported",
    "total", "mean", "latest_period", "latest_value", "demo_values",
]  # fmt: skip
FRESHNESS_COLUMNS = ["partner_code", "partner_name", "values_in_period", "last_reported_period"]
# A partner is "on track" while it has covered at least this share of the progress expected by now.
ON_TRACK_SHARE = 0.9


def change_pipeline(session: Session, partner_codes: list[str]) -> pd.DataFrame:
    """Number of policy changes per partner and current stage (only pairs that exist), in partner
    display order: partner_code, partner_label, stage, changes, demo_changes."""
    if not partner_codes:
        return pd.DataFrame(columns=PIPELINE_COLUMNS)
    rows = session.execute(
        select(
            Partner.code,
            Partner.short_name,
            PolicyChange.stage,
            func.count(PolicyChange.id),
            func.sum(case((PolicyChange.is_demo, 1), else_=0)),
        )
        .join(PolicyInstrument, PolicyInstrument.partner_id == Partner.id)
        .join(PolicyChange, PolicyChange.instrument_id == PolicyInstrument.id)
        .where(Partner.code.in_(partner_codes))
        .group_by(Partner.code, Partner.short_name, Partner.display_order, PolicyChange.stage)
        .order_by(Partner.display_order, PolicyChange.stage)
    ).all()
    return pd.DataFrame(rows, columns=PIPELINE_COLUMNS)


def instruments_improved(session: Session, partner_codes: list[str]) -> pd.DataFrame:
    """Every instrument of ``partner_codes`` with its number of validated changes: partner_code,
    instrument_id, instrument_title, validated_changes (0 when none)."""
    if not partner_codes:
        return pd.DataFrame(columns=INSTRUMENT_COLUMNS)
    rows = session.execute(
        select(
            Partner.code,
            PolicyInstrument.id,
            PolicyInstrument.title,
            func.count(PolicyChange.id),
        )
        .join(PolicyInstrument, PolicyInstrument.partner_id == Partner.id)
        .outerjoin(
            PolicyChange,
            and_(
                PolicyChange.instrument_id == PolicyInstrument.id,
                PolicyChange.stage == "validated",
            ),
        )
        .where(Partner.code.in_(partner_codes))
        .group_by(Partner.code, Partner.display_order, PolicyInstrument.id, PolicyInstrument.title)
        .order_by(Partner.display_order, PolicyInstrument.id)
    ).all()
    return pd.DataFrame(rows, columns=INSTRUMENT_COLUMNS)


def latest_ended_period(session: Session, today: date) -> ReportingPeriod | None:
    """The most recent reporting period that ended before ``today``, or None."""
    return session.scalars(
        select(ReportingPeriod)
        .where(ReportingPeriod.is_semester(), ReportingPeriod.end_date < today)
        .order_by(ReportingPeriod.number.desc())
        .limit(1)
    ).first()


def target_progress(
    session: Session, partner_codes: list[str], up_to_period: int | None, *, view: ValueView
) -> pd.DataFrame:
    """Each target of ``partner_codes`` with what was reported up to period number ``up_to_period``
    (None: nothing counts yet), as ``view`` shows the values, aggregated in SQL: the count, sum and
    mean of the reported values and the latest one, plus the milestone set for that period. Columns:
    PROGRESS_COLUMNS."""
    if not partner_codes:
        return pd.DataFrame(columns=PROGRESS_COLUMNS)
    limit = up_to_period if up_to_period is not None else -1
    value = view.value()
    reported = (
        select(
            Observation.partner_id,
            Observation.indicator_id,
            func.count(value).label("values_reported"),
            func.sum(value).label("total"),
            func.avg(value).label("mean"),
            func.max(ReportingPeriod.number).label("latest_period"),
            func.sum(case((Observation.source_kind == "demo", 1), else_=0)).label("demo_values"),
        )
        .join(ReportingPeriod, ReportingPeriod.id == Observation.period_id)
        # Only the values of the targets shown: the region's 150 indicators x 505 bodies hold 880,000
        # values, of which the targets (20 indicators a body) need a fifth.
        .join(
            Target,
            and_(
                Target.partner_id == Observation.partner_id,
                Target.indicator_id == Observation.indicator_id,
            ),
        )
        .join(Partner, Partner.id == Target.partner_id)
        .where(
            value.is_not(None),
            view.shown(),
            # The semesters up to the limit by id (not as conditions on the joined period), so the
            # observation index (indicator, partner, period) seeks them: a region target's 36
            # monthly values were read and dropped (360,000 rows of 430,000; 186 -> 130 ms, SQLite).
            Observation.period_id.in_(
                select(ReportingPeriod.id).where(
                    ReportingPeriod.is_semester(), ReportingPeriod.number <= limit
                )
            ),
            Partner.code.in_(partner_codes),
        )
        .group_by(Observation.partner_id, Observation.indicator_id)
        .subquery()
    )
    latest_observation = Observation.__table__.alias("latest_observation")
    latest_period = ReportingPeriod.__table__.alias("latest_period")
    milestone_period = ReportingPeriod.__table__.alias("milestone_period")
    rows = session.execute(
        select(
            Partner.code,
            Partner.short_name,
            Indicator.code,
            indicator_name(),
            Indicator.category,
            indicator_unit(),
            Indicator.value_kind,
            Indicator.aggregation,
            Target.baseline_value,
            Target.target_value,
            Target.is_demo,
            Milestone.value,
            func.coalesce(reported.c.values_reported, 0),
            reported.c.total,
            reported.c.mean,
            reported.c.latest_period,
            view.value(latest_observation),
            func.coalesce(reported.c.demo_values, 0),
        )
        .join(Partner, Partner.id == Target.partner_id)
        .join(Indicator, Indicator.id == Target.indicator_id)
        .outerjoin(
            reported,
            and_(
                reported.c.partner_id == Target.partner_id,
                reported.c.indicator_id == Target.indicator_id,
            ),
        )
        .outerjoin(
            latest_period,
            and_(
                latest_period.c.kind == SEMESTER,
                latest_period.c.number == reported.c.latest_period,
            ),
        )
        .outerjoin(
            latest_observation,
            and_(
                latest_observation.c.partner_id == Target.partner_id,
                latest_observation.c.indicator_id == Target.indicator_id,
                latest_observation.c.period_id == latest_period.c.id,
            ),
        )
        .outerjoin(
            milestone_period,
            and_(milestone_period.c.kind == SEMESTER, milestone_period.c.number == limit),
        )
        .outerjoin(
            Milestone,
            and_(Milestone.target_id == Target.id, Milestone.period_id == milestone_period.c.id),
        )
        .where(Partner.code.in_(partner_codes))
        .order_by(Indicator.display_order, Partner.display_order)
    ).all()
    frame = pd.DataFrame(rows, columns=PROGRESS_COLUMNS)
    for column in ("baseline", "target", "milestone", "total", "mean", "latest_value"):
        frame[column] = frame[column].astype(float)
    return frame


def classify_progress(
    progress: pd.DataFrame, periods_elapsed: int, periods_total: int
) -> pd.DataFrame:
    """Add current, progress_pct, expected_pct and status ("on track", "behind", "no data").

    current: the sum of the values ("sum" indicators), their mean ("mean") or the latest ("latest").
    progress_pct: how far current has moved from the baseline (0 when none) towards the target, in %.
    expected_pct: the milestone for the period when one is set, else a straight line from baseline to
    target over the project's periods. On track: at least ON_TRACK_SHARE of the expected progress.
    """
    frame = progress.copy()
    current = pd.Series(
        [
            pick(aggregation, total=total, mean=mean, latest=latest)
            for aggregation, total, mean, latest in zip(
                frame["aggregation"], frame["total"], frame["mean"], frame["latest_value"],
                strict=True,
            )
        ],
        index=frame.index,
        dtype=float,
    )  # fmt: skip
    frame["current"] = current.where(frame["values_reported"] > 0)
    start = frame["baseline"].fillna(0.0)
    span = (frame["target"] - start).where(lambda s: s != 0)
    frame["progress_pct"] = ((frame["current"] - start) / span * 100).round(1)
    linear = 100.0 * periods_elapsed / periods_total if periods_total else 0.0
    from_milestone = (frame["milestone"] - start) / span * 100
    frame["expected_pct"] = from_milestone.fillna(linear).round(1)
    on_track = frame["progress_pct"] >= ON_TRACK_SHARE * frame["expected_pct"]
    frame["status"] = "behind"
    frame.loc[on_track, "status"] = "on track"
    frame.loc[frame["current"].isna(), "status"] = "no data"
    return frame


def reporting_freshness(
    session: Session, partner_codes: list[str], period_number: int, *, view: ValueView
) -> pd.DataFrame:
    """Per partner (display order): how many values it reported for period ``period_number`` ("no
    value" answers count: the partner did report) and the label of the last period it reported at all.
    Columns: partner_code, partner_name, values_in_period, last_reported_period (None if never)."""
    if not partner_codes:
        return pd.DataFrame(columns=FRESHNESS_COLUMNS)
    # Probes per partner on the (partner_id, period_id) index, not a GROUP BY over every value: the
    # region's 880,000 values took 205 ms to group, the 505 x 9 probes take 13 ms (SQLite).
    period_id = (
        select(ReportingPeriod.id)
        .where(ReportingPeriod.is_semester(), ReportingPeriod.number == period_number)
        .scalar_subquery()
    )
    in_period = (
        select(func.count(Observation.id))
        .where(
            Observation.partner_id == Partner.id, Observation.period_id == period_id, view.shown()
        )
        .correlate(Partner)
        .scalar_subquery()
    )
    reported_in = (
        select(Observation.id)
        .where(
            Observation.partner_id == Partner.id,
            Observation.period_id == ReportingPeriod.id,
            view.shown(),
        )
        .correlate(Partner, ReportingPeriod)
        .exists()
    )
    last_reported = (
        select(ReportingPeriod.label)
        .where(ReportingPeriod.is_semester(), reported_in)
        .order_by(ReportingPeriod.number.desc())
        .limit(1)
        .correlate(Partner)
        .scalar_subquery()
    )
    rows = session.execute(
        select(Partner.code, Partner.short_name, in_period, last_reported)
        .where(Partner.code.in_(partner_codes))
        .order_by(Partner.display_order)
    ).all()
    return pd.DataFrame(rows, columns=FRESHNESS_COLUMNS)
