"""The audit trail as officers read it: every change, filterable by partner, action, object and date."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pandas as pd
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from models import AuditEvent

EVENT_COLUMNS = [
    "id", "occurred_at", "actor_name", "actor_role", "actor_partner", "action", "object_type",
    "object_id", "object_label", "partner_code", "before", "after", "comment",
]  # fmt: skip
DEFAULT_LIMIT = 500


def audit_events(
    session: Session,
    partner_codes: list[str],
    *,
    partner: str | None = None,
    action: str | None = None,
    object_type: str | None = None,
    object_id: str | None = None,
    since: date | None = None,
    until: date | None = None,
    limit: int | None = DEFAULT_LIMIT,
) -> pd.DataFrame:
    """Audit events, newest first, of the visible partners' data and of the shared setup.

    ``partner_codes``: the partners the reader may see (events about other partners never show).
    ``partner``, ``action`` (a code such as "target.updated", or a prefix such as "target."),
    ``object_type`` / ``object_id`` and ``since`` / ``until`` (inclusive days) narrow the list.
    """
    query = select(*(getattr(AuditEvent, column) for column in EVENT_COLUMNS)).where(
        or_(AuditEvent.partner_code.in_(partner_codes), AuditEvent.partner_code.is_(None))
    )
    if partner:
        query = query.where(AuditEvent.partner_code == partner)
    if action:
        query = query.where(
            AuditEvent.action.startswith(action, autoescape=True)
            if action.endswith(".")
            else AuditEvent.action == action
        )
    if object_type:
        query = query.where(AuditEvent.object_type == object_type)
    if object_id is not None:
        query = query.where(AuditEvent.object_id == str(object_id))
    if since:
        query = query.where(AuditEvent.occurred_at >= datetime.combine(since, time.min))
    if until:
        query = query.where(
            AuditEvent.occurred_at < datetime.combine(until + timedelta(days=1), time.min)
        )
    query = query.order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
    if limit:
        query = query.limit(limit)
    return pd.DataFrame(session.execute(query).all(), columns=EVENT_COLUMNS)


def object_history(
    session: Session, partner_codes: list[str], object_type: str, object_id: object
) -> pd.DataFrame:
    """Every event of one object (a target, an indicator...), oldest first: its history."""
    events = audit_events(
        session, partner_codes, object_type=object_type, object_id=str(object_id), limit=None
    )
    return events.iloc[::-1].reset_index(drop=True)
