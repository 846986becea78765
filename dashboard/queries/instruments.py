"""Instruments and their policy changes."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import Partner, PolicyChange, PolicyInstrument, StageEvent

CHANGE_COLUMNS = [
    "partner_code", "partner_name", "instrument_id", "instrument_title", "instrument_kind",
    "legal_reference", "change_code", "change_title", "stage", "stage_since", "is_demo",
]  # fmt: skip


def instruments_with_changes(
    session: Session, partner_codes: list[str] | None = None
) -> pd.DataFrame:
    """One row per policy change (instruments without changes appear once, with empty change fields),
    ordered by partner then change; ``stage_since`` is the date of the latest stage event."""
    latest_event = (
        select(StageEvent.change_id, func.max(StageEvent.occurred_on).label("stage_since"))
        .group_by(StageEvent.change_id)
        .subquery()
    )
    query = (
        select(
            Partner.code,
            Partner.name,
            PolicyInstrument.id,
            PolicyInstrument.title,
            PolicyInstrument.kind,
            PolicyInstrument.legal_reference,
            PolicyChange.code,
            PolicyChange.title,
            PolicyChange.stage,
            latest_event.c.stage_since,
            PolicyChange.is_demo,
        )  # fmt: skip
        .join(PolicyInstrument, PolicyInstrument.partner_id == Partner.id)
        .outerjoin(PolicyChange, PolicyChange.instrument_id == PolicyInstrument.id)
        .outerjoin(latest_event, latest_event.c.change_id == PolicyChange.id)
        .order_by(Partner.display_order, PolicyInstrument.id, PolicyChange.id)
    )
    if partner_codes:
        query = query.where(Partner.code.in_(partner_codes))
    return pd.DataFrame(session.execute(query).all(), columns=CHANGE_COLUMNS)
