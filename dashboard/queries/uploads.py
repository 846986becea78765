"""Upload history, the original files, and the revision history of values."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
from sqlalchemy import exists, false, func, select
from sqlalchemy.orm import Session, aliased

from dashboard.queries.names import indicator_name, indicator_unit
from i18n import _
from models import (
    NOT_REPORTED,
    Indicator,
    Observation,
    ObservationRevision,
    Partner,
    ReportingPeriod,
    StoredFile,
    Upload,
)

UPLOAD_COLUMNS = [
    "upload_id", "uploaded_at", "uploaded_by", "partner_code", "filename", "size_bytes", "outcome",
    "rows_read", "rows_inserted", "rows_updated", "rows_unchanged", "rows_invalid", "sha256",
    "issues", "job_state", "job_progress",
]  # fmt: skip
REVISION_COLUMNS = [
    "revision_id", "changed_at", "changed_by", "partner_code", "indicator_code", "indicator_name",
    "unit", "value_kind", "period_label", "previous_value", "new_value", "upload_id", "upload_filename",
    "previous_source_kind", "previous_upload_id", "reason", "observation_id",
]  # fmt: skip


def upload_history(
    session: Session,
    partner_codes: list[str],
    *,
    include_unassigned: bool = False,
    include_dry_runs: bool = False,
    outcomes: Sequence[str] | None = None,
    limit: int = 500,
    offset: int = 0,
) -> pd.DataFrame:
    """Uploads of the visible partners, newest first, ``limit`` of them from the ``offset``-th;
    ``issue_count`` / ``error_count`` are derived from the stored problems. Uploads whose partner could
    not be told (unreadable files) only with ``include_unassigned``; dry runs only with
    ``include_dry_runs`` (previews, not imports); only the given ``outcomes`` when there are some."""
    where = _upload_conditions(partner_codes, include_unassigned, include_dry_runs, outcomes)
    query = (
        select(
            Upload.id,
            Upload.uploaded_at,
            Upload.uploaded_by,
            Partner.code,
            Upload.filename,
            Upload.size_bytes,
            Upload.outcome,
            Upload.rows_read,
            Upload.rows_inserted,
            Upload.rows_updated,
            Upload.rows_unchanged,
            Upload.rows_invalid,
            Upload.sha256,
            Upload.issues,
            Upload.job_state,
            Upload.job_progress,
        )  # fmt: skip
        .outerjoin(Partner, Partner.id == Upload.partner_id)
        .where(*where)
        .order_by(Upload.uploaded_at.desc(), Upload.id.desc())
        .limit(limit)
        .offset(offset)
    )
    frame = pd.DataFrame(session.execute(query).all(), columns=UPLOAD_COLUMNS)
    issues = frame["issues"].map(lambda items: items or [])
    frame["issue_count"] = issues.map(len).astype(int)
    frame["error_count"] = issues.map(
        lambda items: sum(1 for i in items if i.get("severity") == "error")
    ).astype(int)
    return frame


def original_file(
    session: Session, upload_id: int, partner_codes: list[str], *, include_unassigned: bool = False
) -> tuple[str, bytes | None] | None:
    """(file name, bytes as sent) of an upload of a visible partner, else None. The bytes are None when
    they are not kept (``file_not_kept`` says why, without reading any bytes)."""
    row = session.execute(
        select(Upload.filename, StoredFile.content)
        .outerjoin(StoredFile, StoredFile.sha256 == Upload.sha256)
        .outerjoin(Partner, Partner.id == Upload.partner_id)
        .where(Upload.id == upload_id, _visible(partner_codes, include_unassigned))
    ).first()
    return (row[0], row[1]) if row else None


def file_not_kept(
    session: Session, upload_id: int, partner_codes: list[str], *, include_unassigned: bool = False
) -> str | None:
    """Why the bytes of an upload of a visible partner are not kept, as the sentence a download answers
    with at once; None when they are kept (or there is no such visible upload)."""
    row = session.execute(
        select(
            Upload.file_discarded,
            Upload.issues,
            exists().where(StoredFile.sha256 == Upload.sha256),
        )
        .outerjoin(Partner, Partner.id == Upload.partner_id)
        .where(Upload.id == upload_id, _visible(partner_codes, include_unassigned))
    ).first()
    if row is None or row[2]:
        return None
    return not_kept_message(row[0], row[1] or [])


def not_kept_message(reason: str | None, issues: list[dict]) -> str:
    """The sentence for an upload whose bytes are gone, from its ``file_discarded`` reason and its stored
    problems (the too-large problem carries the file's size and the limit)."""
    if reason == "too-large":
        params = next(
            (i.get("params") or {} for i in issues if i.get("code") == "file-too-large"), {}
        )
        if "size" in params and "limit" in params:
            return _(
                "The file was not kept: it was refused as too large ({size} MB; the limit is "
                "{limit} MB). Fix the file and upload it again."
            ).format(size=params["size"], limit=params["limit"])
        return _(
            "The file was not kept: it was refused as too large. Fix the file and upload it again."
        )
    if reason == "not-a-spreadsheet":
        return _(
            "The file was not kept: it was refused as not a spreadsheet. Fix the file and upload it "
            "again."
        )
    if reason == "quota-full":
        return _(
            "The file was not kept: the file store was full when it was sent. Upload it again once a "
            "monitoring officer has made room."
        )
    if reason == "pruned":
        return _(
            "The file is no longer kept: the files of dry runs and refused uploads are removed after "
            "a while (sharing prune). Upload it again if you need it."
        )
    return _("The file is no longer kept. Upload it again if you need it.")


def _visible(partner_codes: list[str], include_unassigned: bool):
    return Partner.code.in_(partner_codes) | (
        Upload.partner_id.is_(None) if include_unassigned else false()
    )


def upload_count(
    session: Session,
    partner_codes: list[str],
    *,
    include_unassigned: bool = False,
    include_dry_runs: bool = False,
    outcomes: Sequence[str] | None = None,
) -> int:
    """How many uploads upload_history would list with no limit (for its pages)."""
    where = _upload_conditions(partner_codes, include_unassigned, include_dry_runs, outcomes)
    return session.scalar(
        select(func.count(Upload.id))
        .select_from(Upload)
        .outerjoin(Partner, Partner.id == Upload.partner_id)
        .where(*where)
    )


def _upload_conditions(partner_codes, include_unassigned, include_dry_runs, outcomes) -> list:
    conditions = [
        Partner.code.in_(partner_codes)
        | (Upload.partner_id.is_(None) if include_unassigned else false())
    ]
    if not include_dry_runs:
        # An outdated confirmation is a preview too: it wrote nothing.
        conditions.append(Upload.outcome.not_in(("dry-run", "outdated")))
    if outcomes:
        conditions.append(Upload.outcome.in_(outcomes))
    return conditions


def value_revisions(
    session: Session,
    partner_codes: list[str],
    indicator_codes: list[str] | None = None,
    period_labels: list[str] | None = None,
    upload_id: int | None = None,
    limit: int = 1000,
    offset: int = 0,
) -> pd.DataFrame:
    """Every change of a value of the visible partners, newest first: from what to what, by whom, when,
    why, and from which upload (``upload_id`` None for a correction made on the page; ``entered`` True
    for a value entered on the page where none was reported); ``limit`` of them after the newest
    ``offset``."""
    changed_by_upload = aliased(Upload)
    query = (
        select(
            ObservationRevision.id,
            ObservationRevision.changed_at,
            ObservationRevision.changed_by,
            Partner.code,
            Indicator.code,
            indicator_name(),
            indicator_unit(),
            Indicator.value_kind,
            ReportingPeriod.label,
            ObservationRevision.previous_value,
            ObservationRevision.new_value,
            ObservationRevision.upload_id,
            changed_by_upload.filename,
            ObservationRevision.previous_source_kind,
            ObservationRevision.previous_upload_id,
            ObservationRevision.reason,
            Observation.id,
        )  # fmt: skip
        .join(Observation, Observation.id == ObservationRevision.observation_id)
        .join(Partner, Partner.id == Observation.partner_id)
        .join(Indicator, Indicator.id == Observation.indicator_id)
        .join(ReportingPeriod, ReportingPeriod.id == Observation.period_id)
        .outerjoin(changed_by_upload, changed_by_upload.id == ObservationRevision.upload_id)
        .order_by(ObservationRevision.changed_at.desc(), ObservationRevision.id.desc())
        .offset(offset)
        .limit(limit)
    )
    if not _every_partner(session, partner_codes):
        # Asked for every partner (an officer, the committee), the condition is left out: with it
        # SQLite starts from the partners and sorts every revision of their 880,000 values of the
        # region data set (280 ms); without it, it reads the newest revisions first (20 ms).
        query = query.where(Partner.code.in_(partner_codes))
    if indicator_codes:
        query = query.where(Indicator.code.in_(indicator_codes))
    if period_labels:
        query = query.where(ReportingPeriod.label.in_(period_labels))
    if upload_id is not None:
        query = query.where(ObservationRevision.upload_id == upload_id)
    frame = pd.DataFrame(session.execute(query).all(), columns=REVISION_COLUMNS)
    # Entered by hand where nothing was reported: its "from" is "not reported", not "no value".
    frame["entered"] = frame["previous_source_kind"] == NOT_REPORTED
    return frame


def _every_partner(session: Session, partner_codes: list[str]) -> bool:
    wanted = set(partner_codes)
    return len(wanted) >= session.scalar(select(func.count(Partner.id))) and wanted >= set(
        session.scalars(select(Partner.code))
    )


def indicator_codes(session: Session) -> list[str]:
    return list(session.scalars(select(Indicator.code).order_by(Indicator.display_order)))


def upload_record(
    session: Session, upload_id: int, partner_codes: list[str], *, include_unassigned: bool = False
) -> dict | None:
    """An upload of a visible partner: filename, partner_code, outcome, its stored problems and size."""
    row = session.execute(
        select(Upload.filename, Partner.code, Upload.outcome, Upload.issues, Upload.size_bytes)
        .outerjoin(Partner, Partner.id == Upload.partner_id)
        .where(
            Upload.id == upload_id,
            Partner.code.in_(partner_codes)
            | (Upload.partner_id.is_(None) if include_unassigned else false()),
        )
    ).first()
    if row is None:
        return None
    return {
        "filename": row[0], "partner_code": row[1], "outcome": row[2], "issues": row[3] or [],
        "size_bytes": row[4],
    }  # fmt: skip


def upload_job(session: Session, upload_id: int, partner_codes: list[str]) -> dict | None:
    """The background job of an upload of a visible partner: state, progress and (once over) result."""
    row = session.execute(
        select(Upload.job_state, Upload.job_progress, Upload.job_result, Partner.code)
        .join(Partner, Partner.id == Upload.partner_id)
        .where(Upload.id == upload_id, Partner.code.in_(partner_codes))
    ).first()
    if row is None or row[0] is None:
        return None
    return {"state": row[0], "progress": row[1] or 0, "result": row[2], "partner_code": row[3]}
