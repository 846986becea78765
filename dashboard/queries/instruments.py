"""Instruments, their policy changes, the stage history of each change, and recording a new stage."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from dashboard.access import Actor, require_edit
from i18n import _
from models import (
    EVIDENCE_KINDS,
    ChangeType,
    EvidenceItem,
    Partner,
    PolicyChange,
    PolicyChangeError,
    PolicyInstrument,
    Stage,
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


@dataclass(frozen=True)
class NewEvidence:
    """Evidence sent with a stage event: a link, or a document (its file name and bytes)."""

    kind: str
    title: str
    url: str | None = None
    filename: str | None = None
    content: bytes | None = None


def store_file(session: Session, content: bytes) -> str:
    """Keep ``content`` once per SHA-256 and return the hash."""
    sha256 = hashlib.sha256(content).hexdigest()
    if session.get(StoredFile, sha256) is None:
        try:
            # A savepoint: another worker may store the same bytes at the same moment.
            with session.begin_nested():
                session.add(StoredFile(sha256=sha256, size_bytes=len(content), content=content))
        except IntegrityError:
            pass
    return sha256


def record_stage_event(
    session: Session,
    actor: Actor,
    change_code: str,
    stage: str,
    occurred_on: date,
    note: str = "",
    evidence: NewEvidence | None = None,
) -> StageEvent:
    """Record a stage event (and its evidence) for ``change_code`` on behalf of ``actor``.

    The caller commits. Raises AccessDenied when the actor may not edit the change's partner, and
    PolicyChangeError for anything the rules refuse (unknown change or stage, a date in the future,
    'validated' without evidence, 'abandoned' or a move back without a note, an evidence link that is
    not http(s)).
    """
    change = session.scalar(select(PolicyChange).where(PolicyChange.code == change_code))
    if change is None:
        raise PolicyChangeError(_("there is no policy change {code!r}").format(code=change_code))
    require_edit(actor, change.instrument.partner.code)
    if stage not in {s.value for s in Stage}:
        raise PolicyChangeError(_("unknown stage {stage!r}").format(stage=stage))
    if occurred_on > date.today():
        raise PolicyChangeError(
            _("{code}: the date {day} is in the future").format(code=change.code, day=occurred_on)
        )
    if evidence is not None:
        change.evidence.append(_evidence_item(session, actor, change, evidence))
    return change.record_stage(stage, occurred_on, actor.name, note.strip())


def _evidence_item(
    session: Session, actor: Actor, change: PolicyChange, evidence: NewEvidence
) -> EvidenceItem:
    if evidence.kind not in EVIDENCE_KINDS:
        raise PolicyChangeError(_("unknown kind of evidence {kind!r}").format(kind=evidence.kind))
    url = (evidence.url or "").strip() or None
    if url is not None and not url.lower().startswith(("http://", "https://")):
        raise PolicyChangeError(
            _("{code}: the evidence link must start with http:// or https:// (got {url!r})").format(
                code=change.code, url=url
            )
        )
    sha256 = store_file(session, evidence.content) if evidence.content else None
    if url is None and sha256 is None:
        raise PolicyChangeError(
            _("{code}: evidence needs a link or a document").format(code=change.code)
        )
    title = evidence.title.strip() or evidence.filename or url or ""
    return EvidenceItem(
        kind=evidence.kind, title=title[:300], url=url, file_sha256=sha256, added_by=actor.name
    )
