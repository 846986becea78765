"""What the Review page, the partner page and the upload page show of the review (reads only; the
decisions are services.review's): submissions waiting for an officer, the values each one holds, the
latest decision about a partner's values, and the locked periods."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pandas as pd
from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from dashboard.access import Actor, Permission, partner_scope
from dashboard.queries.names import indicator_name, indicator_unit
from models import (
    Indicator,
    Observation,
    Partner,
    PeriodLock,
    ReportingPeriod,
    Submission,
    Upload,
)

VALUE_COLUMNS = [
    "indicator_code", "indicator_name", "unit", "value_kind", "period_label", "approved_value",
    "has_approved", "value", "source_cell",
]  # fmt: skip


@dataclass(frozen=True)
class SubmissionRow:
    id: int
    partner_code: str
    partner_name: str
    kind: str
    upload_id: int | None
    filename: str | None
    submitted_by: str
    submitted_at: datetime
    status: str
    decided_by: str | None
    decided_at: datetime | None
    decision_comment: str
    pending_values: int


def _submissions(session: Session, *conditions, limit: int = 200) -> list[SubmissionRow]:
    # Counted per listed submission on the submission_id index: a GROUP BY over every submitted
    # value of the region data set read the whole observation table (114 ms a call).
    pending = (
        select(func.count(Observation.id))
        .where(Observation.submission_id == Submission.id, Observation.review_status == "submitted")
        .correlate(Submission)
        .scalar_subquery()
    )
    rows = session.execute(
        select(
            Submission.id, Partner.code, Partner.short_name, Submission.kind, Submission.upload_id,
            Upload.filename, Submission.submitted_by, Submission.submitted_at, Submission.status,
            Submission.decided_by, Submission.decided_at, Submission.decision_comment, pending,
        )
        .join(Partner, Partner.id == Submission.partner_id)
        .outerjoin(Upload, Upload.id == Submission.upload_id)
        .where(*conditions)
        .order_by(Submission.submitted_at.desc(), Submission.id.desc())
        .limit(limit)
    ).all()  # fmt: skip
    return [SubmissionRow(*row) for row in rows]


def waiting_submissions(session: Session, partner_codes: list[str]) -> list[SubmissionRow]:
    """Submissions of ``partner_codes`` waiting for review, newest first (with how many values each
    still holds: a later upload may have replaced some)."""
    return _submissions(session, Submission.status == "submitted", Partner.code.in_(partner_codes))


def recent_decisions(session: Session, partner_codes: list[str], limit: int = 20):
    """The latest approvals and returns of reviewed submissions (not those approved at once)."""
    return _submissions(
        session, Submission.status.in_(("approved", "returned")),
        Submission.decided_by.is_not(None), Submission.decided_by != Submission.submitted_by,
        Partner.code.in_(partner_codes), limit=limit,
    )  # fmt: skip


# The columns an officer may sort a submission's values by (the table's column ids), and the SQL
# behind each; ties fall back to the indicator's and the period's order.
VALUE_SORTS = {
    "indicator": (Indicator.display_order, Indicator.code),
    "period": (ReportingPeriod.number,),
    "approved": (Observation.approved_value,),
    "submitted": (Observation.value,),
    "cell": (Observation.source_cell,),
}


def _submission_values_query(submission_id: int, search: str):
    query = (
        select(Observation.id)
        .join(Indicator, Indicator.id == Observation.indicator_id)
        .join(ReportingPeriod, ReportingPeriod.id == Observation.period_id)
        .where(Observation.submission_id == submission_id, Observation.review_status == "submitted")
    )
    words = search.strip().lower()
    if words:
        # A code, a name, a period or a cell containing the text; % and _ are matched as typed.
        query = query.where(
            or_(
                *(
                    func.lower(column).contains(words, autoescape=True)
                    for column in (
                        Indicator.code, indicator_name(), ReportingPeriod.label,
                        Observation.source_cell,
                    )
                )
            )
        )  # fmt: skip
    return query


def submission_values(
    session: Session,
    submission_id: int,
    *,
    search: str = "",
    sort: list[tuple[str, bool]] | None = None,
    offset: int = 0,
    limit: int | None = None,
) -> pd.DataFrame:
    """The values a submission still holds: what the committee sees now and what was submitted.
    Large submissions are read a page at a time: ``search`` keeps the values whose indicator (code
    or name), period or cell contains it; ``sort`` is a list of (VALUE_SORTS key, descending)."""
    order = []
    for key, descending in sort or ():
        # Values not given ("no value") last either way, on SQLite as on PostgreSQL.
        order += [
            (column.desc() if descending else column.asc()).nulls_last()
            for column in VALUE_SORTS[key]
        ]
    filtered = _submission_values_query(submission_id, search)
    rows = session.execute(
        filtered.with_only_columns(
            Indicator.code, indicator_name(), indicator_unit(), Indicator.value_kind,
            ReportingPeriod.label, Observation.approved_value, Observation.approved_at.is_not(None),
            Observation.value, Observation.source_cell,
        )
        .order_by(*order, Indicator.display_order, Indicator.code, ReportingPeriod.number)
        .offset(offset)
        .limit(limit)
    ).all()  # fmt: skip
    return pd.DataFrame(rows, columns=VALUE_COLUMNS)


def count_submission_values(session: Session, submission_id: int, search: str = "") -> int:
    """How many of the submission's values ``submission_values`` finds with ``search``."""
    filtered = _submission_values_query(submission_id, search).subquery()
    return session.scalar(select(func.count()).select_from(filtered))


def visible_submission(session: Session, actor: Actor, submission_id: int) -> bool:
    """Whether ``submission_id`` exists and belongs to a partner whose submissions ``actor`` reviews."""
    return (
        session.scalar(
            select(Submission.id).where(
                Submission.id == submission_id,
                partner_scope(actor, Permission.REVIEW, Submission.partner_id),
            )
        )
        is not None
    )


def latest_returned(session: Session, partner_code: str) -> SubmissionRow | None:
    """The partner's most recent submission when an officer returned it (and nothing was submitted
    since): what the partner must read on its next visit."""
    latest = _submissions(
        session, Partner.code == partner_code, Submission.kind.in_(("import", "correction")),
        limit=1,
    )  # fmt: skip
    return latest[0] if latest and latest[0].status == "returned" else None


def waiting_count(session: Session, partner_code: str) -> int:
    """How many of the partner's values await review."""
    return session.scalar(
        select(func.count(Observation.id))
        .join(Partner, Partner.id == Observation.partner_id)
        .where(Partner.code == partner_code, Observation.review_status == "submitted")
    )


@dataclass(frozen=True)
class LockRow:
    period_label: str
    partner_code: str | None  # None: every partner
    locked_by: str
    locked_at: datetime
    reason: str


def period_locks(session: Session) -> list[LockRow]:
    rows = session.execute(
        select(
            ReportingPeriod.label, Partner.code, PeriodLock.locked_by, PeriodLock.locked_at,
            PeriodLock.reason,
        )
        .join(ReportingPeriod, ReportingPeriod.id == PeriodLock.period_id)
        .outerjoin(Partner, and_(Partner.id == PeriodLock.partner_id))
        .order_by(ReportingPeriod.number, Partner.display_order)
    ).all()  # fmt: skip
    return [LockRow(*row) for row in rows]
