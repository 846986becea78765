"""One partner: who they are, and each indicator in the words of the programme reports (corrections are
written by services.observations).

The words mirror Jems: baseline, target, previously reported (what earlier reports added up to) and the
current report (the value for the chosen reporting period).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd
from sqlalchemy import case, select
from sqlalchemy.orm import Session

from dashboard.access import Actor, Permission, partner_scope
from dashboard.queries.names import indicator_name, indicator_unit
from models import (
    Indicator,
    Observation,
    Partner,
    PolicyInstrument,
    ReportingPeriod,
    Target,
)
from rules.aggregation import combine

from .values import ValueView

PERIOD_COLUMNS = ["period_id", "number", "label", "start_date", "end_date", "due_date", "phase"]
REPORT_COLUMNS = [
    "indicator_code", "indicator_name", "unit", "value_kind", "aggregation", "baseline", "target",
    "target_is_demo", "previously_reported", "current", "reported", "observation_id", "source_kind",
    "source_cell", "upload_id", "updated_by", "updated_at", "review_status", "approved_value",
]  # fmt: skip


def partner_codes(session: Session) -> list[str]:
    """Every partner code, in the partnership's display order."""
    return list(session.scalars(select(Partner.code).order_by(Partner.display_order, Partner.id)))


def partner_codes_visible_to(
    session: Session, actor: Actor, permission: Permission = Permission.READ
) -> list[str]:
    """The partner codes whose data ``actor`` may ``permission`` (read, by default), in display order:
    what every page filters its reads by."""
    return list(
        session.scalars(
            select(Partner.code)
            .where(partner_scope(actor, permission, Partner.id))
            .order_by(Partner.display_order, Partner.id)
        )
    )


def partners_overview(session: Session, partner_codes: list[str]) -> pd.DataFrame:
    """The visible partners with their instrument: one row each, for the partners index."""
    query = (
        select(
            Partner.code,
            Partner.name,
            Partner.country,
            Partner.level,
            Partner.role,
            PolicyInstrument.title,
        )  # fmt: skip
        .outerjoin(PolicyInstrument, PolicyInstrument.partner_id == Partner.id)
        .where(Partner.code.in_(partner_codes))
        .order_by(Partner.display_order, Partner.id, PolicyInstrument.id)
    )
    columns = ["code", "name", "country", "level", "role", "instrument_title"]
    frame = pd.DataFrame(session.execute(query).all(), columns=columns)
    return frame.drop_duplicates("code")


@dataclass(frozen=True)
class PartnerProfile:
    code: str
    name: str
    short_name: str
    country: str
    nuts_code: str
    level: str
    role: str
    instrument_title: str | None
    instrument_kind: str | None
    managing_body: str | None
    legal_reference: str | None
    instrument_url: str | None


def partner_profile(session: Session, code: str) -> PartnerProfile | None:
    """The partner and its (first) policy instrument, or None when no partner has this code."""
    partner = session.scalar(select(Partner).where(Partner.code == code))
    if partner is None:
        return None
    instrument = partner.instruments[0] if partner.instruments else None
    return PartnerProfile(
        partner.code, partner.name, partner.short_name, partner.country, partner.nuts_code,
        partner.level, partner.role,
        instrument and instrument.title, instrument and instrument.kind,
        instrument and instrument.managing_body, instrument and instrument.legal_reference,
        instrument and instrument.url,
    )  # fmt: skip


def reporting_periods(session: Session) -> pd.DataFrame:
    query = select(
        ReportingPeriod.id, ReportingPeriod.number, ReportingPeriod.label,
        ReportingPeriod.start_date, ReportingPeriod.end_date, ReportingPeriod.due_date,
        ReportingPeriod.phase,
    ).where(ReportingPeriod.is_semester()).order_by(ReportingPeriod.number)  # fmt: skip
    return pd.DataFrame(session.execute(query).all(), columns=PERIOD_COLUMNS)


def default_report_period(periods: pd.DataFrame, today: date) -> str | None:
    """The report partners work on: the latest period that has ended (the first one before that)."""
    if periods.empty:
        return None
    ended = periods[periods["end_date"] < today]
    chosen = ended.iloc[-1] if not ended.empty else periods.iloc[0]
    return str(chosen["label"])


def indicator_report(
    session: Session, partner_code: str, period_label: str, *, view: ValueView
) -> pd.DataFrame:
    """Each indicator the partner has a target or a value for, as of ``period_label``, as ``view``
    shows the values.

    ``review_status`` is "approved", "submitted" or "returned" where the value shown awaits review
    (``approved_value`` is then what the committee sees), else "approved".
    ``current`` is the value reported for that period (NaN with ``reported`` False when nothing was
    reported; NaN with ``reported`` True when the partner reported "no value"). ``previously_reported``
    combines the earlier periods by the indicator's aggregation: the sum of flows, the latest stock, the
    mean of rates.
    """
    partner_id = session.scalar(select(Partner.id).where(Partner.code == partner_code))
    period = session.scalar(
        select(ReportingPeriod).where(
            ReportingPeriod.is_semester(), ReportingPeriod.label == period_label
        )
    )
    if partner_id is None or period is None:
        return pd.DataFrame(columns=REPORT_COLUMNS)
    targets = pd.DataFrame(
        session.execute(
            select(Target.indicator_id, Target.baseline_value, Target.target_value, Target.is_demo)
            .where(Target.partner_id == partner_id)
        ).all(),
        columns=["indicator_id", "baseline", "target", "target_is_demo"],
    )  # fmt: skip
    observations = pd.DataFrame(
        session.execute(
            select(
                Observation.id, Observation.indicator_id, ReportingPeriod.number, view.value(),
                Observation.source_kind, Observation.source_cell, Observation.upload_id,
                Observation.updated_by, Observation.updated_at,
                case((view.pending(), Observation.review_status), else_="approved"),
                Observation.approved_value,
            )
            .join(ReportingPeriod, ReportingPeriod.id == Observation.period_id)
            .where(
                Observation.partner_id == partner_id, ReportingPeriod.is_semester(),
                ReportingPeriod.number <= period.number, view.shown(),
            )
        ).all(),
        columns=[
            "observation_id", "indicator_id", "number", "value", "source_kind", "source_cell",
            "upload_id", "updated_by", "updated_at", "review_status", "approved_value",
        ],
    )  # fmt: skip
    indicator_ids = set(targets["indicator_id"]) | set(observations["indicator_id"])
    if not indicator_ids:
        return pd.DataFrame(columns=REPORT_COLUMNS)
    indicators = pd.DataFrame(
        session.execute(
            select(
                Indicator.id, Indicator.code, indicator_name(), indicator_unit(), Indicator.value_kind,
                Indicator.aggregation, Indicator.display_order,
            ).where(Indicator.id.in_(indicator_ids))
        ).all(),
        columns=[
            "indicator_id", "indicator_code", "indicator_name", "unit", "value_kind",
            "aggregation", "display_order",
        ],
    )  # fmt: skip
    return combine_report(indicators, targets, observations, period.number)


def combine_report(
    indicators: pd.DataFrame, targets: pd.DataFrame, observations: pd.DataFrame, number: int
) -> pd.DataFrame:
    """Pure pandas: the rows of ``indicator_report`` from its three small query results."""
    current = observations[observations["number"] == number].drop(columns="number")
    earlier = observations[observations["number"] < number].sort_values("number")
    previous = {
        indicator_id: combine(group["value"], aggregation)
        for (indicator_id, aggregation), group in earlier.merge(
            indicators[["indicator_id", "aggregation"]], on="indicator_id"
        ).groupby(["indicator_id", "aggregation"])
    }
    report = (
        indicators.merge(targets, on="indicator_id", how="left")
        .merge(current.rename(columns={"value": "current"}), on="indicator_id", how="left")
        .sort_values(["display_order", "indicator_code"])
    )
    report["previously_reported"] = report["indicator_id"].map(previous).astype(float)
    report["reported"] = report["observation_id"].notna()
    report["target_is_demo"] = report["target_is_demo"].fillna(False).astype(bool)
    report["review_status"] = report["review_status"].fillna("approved")
    return report[REPORT_COLUMNS].reset_index(drop=True)


@dataclass(frozen=True)
class ObservationDetail:
    observation_id: int
    partner_code: str
    indicator_code: str
    indicator_name: str
    unit: str
    value_kind: str
    period_label: str
    value: float | None
    review_status: str


def observation_detail(
    session: Session, observation_id: int, partner_codes: list[str]
) -> ObservationDetail | None:
    """One observation of a visible partner, for the correction form; None when unknown or hidden."""
    row = session.execute(
        select(
            Observation.id, Partner.code, Indicator.code, indicator_name(), indicator_unit(),
            Indicator.value_kind, ReportingPeriod.label, Observation.value,
            Observation.review_status,
        )
        .join(Partner, Partner.id == Observation.partner_id)
        .join(Indicator, Indicator.id == Observation.indicator_id)
        .join(ReportingPeriod, ReportingPeriod.id == Observation.period_id)
        .where(
            Observation.id == observation_id, Partner.code.in_(partner_codes),
            ReportingPeriod.is_semester(),
        )
    ).first()  # fmt: skip
    return ObservationDetail(*row) if row else None
