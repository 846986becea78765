"""Instruments, their policy changes, the stage history and the evidence of each change (new stage events
are recorded by services.policy_changes)."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import (
    ChangeType,
    EvidenceItem,
    Partner,
    PolicyChange,
    PolicyInstrument,
    StageEvent,
    StoredFile,
)

CHANGE_COLUMNS = [
    "partner_code", "partner_name", "instrument_id", "instrument_title", "instrument_kind",
    "legal_reference", "change_code", "change_title", "stage", "stage_since", "is_demo",
    "change_id", "change_type_code", "change_type_label", "change_description",
]  # fmt: skip
EVENT_COLUMNS = ["change_id", "stage", "occurred_on", "note", "recorded_by", "recorded_at"]
EVIDENCE_COLUMNS = ["change_id", "kind", "title", "url", "file_sha256", "added_by", "added_at"]


def instruments_with_changes(
    session: Session,
    partner_codes: list[str] | None = None,
    stages: list[str] | None = None,
    change_types: list[str] | None = None,
) -> pd.DataFrame:
    """One row per policy change (instruments without changes appear once, with empty change fields),
    ordered by partner then change; ``stage_since`` is the date of the latest stage event.

    ``stages`` and ``change_types`` (codes) keep only matching changes; an instrument none of whose
    changes match still appears once, so the page can say "no change matches".
    """
    latest_event = (
        select(StageEvent.change_id, func.max(StageEvent.occurred_on).label("stage_since"))
        .group_by(StageEvent.change_id)
        .subquery()
    )
    change_filter = PolicyChange.instrument_id == PolicyInstrument.id
    if stages:
        change_filter &= PolicyChange.stage.in_(stages)
    if change_types:
        change_filter &= PolicyChange.change_type_id.in_(
            select(ChangeType.id).where(ChangeType.code.in_(change_types))
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
            PolicyChange.id,
            ChangeType.code,
            ChangeType.label,
            PolicyChange.description,
        )  # fmt: skip
        .join(PolicyInstrument, PolicyInstrument.partner_id == Partner.id)
        .outerjoin(PolicyChange, change_filter)
        .outerjoin(ChangeType, ChangeType.id == PolicyChange.change_type_id)
        .outerjoin(latest_event, latest_event.c.change_id == PolicyChange.id)
        .order_by(Partner.display_order, PolicyInstrument.id, PolicyChange.id)
    )
    if partner_codes is not None:
        query = query.where(Partner.code.in_(partner_codes))
    return pd.DataFrame(session.execute(query).all(), columns=CHANGE_COLUMNS)


def stage_events(session: Session, change_ids: list[int]) -> pd.DataFrame:
    """Every stage event of the given changes, oldest first within each change."""
    if not change_ids:
        return pd.DataFrame(columns=EVENT_COLUMNS)
    query = (
        select(
            StageEvent.change_id,
            StageEvent.stage,
            StageEvent.occurred_on,
            StageEvent.note,
            StageEvent.recorded_by,
            StageEvent.recorded_at,
        )  # fmt: skip
        .where(StageEvent.change_id.in_(change_ids))
        .order_by(StageEvent.change_id, StageEvent.occurred_on, StageEvent.id)
    )
    return pd.DataFrame(session.execute(query).all(), columns=EVENT_COLUMNS)


def evidence_items(session: Session, change_ids: list[int]) -> pd.DataFrame:
    """Evidence of the given changes: a link (``url``) or a stored document (``file_sha256``)."""
    if not change_ids:
        return pd.DataFrame(columns=EVIDENCE_COLUMNS)
    query = (
        select(
            EvidenceItem.change_id,
            EvidenceItem.kind,
            EvidenceItem.title,
            EvidenceItem.url,
            EvidenceItem.file_sha256,
            EvidenceItem.added_by,
            EvidenceItem.added_at,
        )  # fmt: skip
        .where(EvidenceItem.change_id.in_(change_ids))
        .order_by(EvidenceItem.change_id, EvidenceItem.id)
    )
    return pd.DataFrame(session.execute(query).all(), columns=EVIDENCE_COLUMNS)


def change_types(session: Session) -> pd.DataFrame:
    """The configurable list of improvement types: ``code``, ``label``."""
    rows = session.execute(select(ChangeType.code, ChangeType.label).order_by(ChangeType.id)).all()
    return pd.DataFrame(rows, columns=["code", "label"])


def evidence_document(
    session: Session, sha256: str, partner_codes: list[str]
) -> tuple[str, bytes] | None:
    """(title, bytes) of a document attached as evidence to a change of a visible partner, else None."""
    row = session.execute(
        select(EvidenceItem.title, StoredFile.content)
        .join(StoredFile, StoredFile.sha256 == EvidenceItem.file_sha256)
        .join(PolicyChange, PolicyChange.id == EvidenceItem.change_id)
        .join(PolicyInstrument, PolicyInstrument.id == PolicyChange.instrument_id)
        .join(Partner, Partner.id == PolicyInstrument.partner_id)
        .where(EvidenceItem.file_sha256 == sha256, Partner.code.in_(partner_codes))
        .limit(1)
    ).first()
    return (row[0], row[1]) if row else None
