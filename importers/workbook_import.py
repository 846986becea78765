"""Importing a partner workbook: plan (read + validate + compare, writing nothing), then apply in one
transaction. Every attempt leaves an Upload row and the file's bytes, whatever the outcome.

Public API (used by ``sharing import`` and the dashboard's Upload page)::

    run_import(session_factory, content, filename, *, actor, partner_code, dry_run, max_bytes)
        -> ImportResult
    import_stored_upload(session_factory, upload_id, *, actor, max_bytes, dry_run=False)
        -> ImportResult     # confirm a dry run without sending the file again

Writing goes through the services (services.uploads, services.observations, services.policy_changes),
the same code paths as the pages' corrections and stage form, each with its audit event.

Status: "imported", "unchanged", "dry-run" (clean, nothing written), "rejected" (the data has errors,
nothing written) or "unreadable" (the file could not be read at all).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.orm import Session, sessionmaker

from dashboard.access import Actor, require_edit
from models import Partner, StoredFile, Upload
from models.database import transaction
from rules.problems import Problem, error
from services.observations import ValueWrite, stored_values, write_values
from services.policy_changes import record_sheet_changes
from services.uploads import complete_upload, record_upload

from .layout import extract
from .policy_sheet import PolicyCheck, validate_policy_rows
from .reading import UnreadableFile, read_workbook
from .validation import CleanObservation, Reference, plausibility_warnings, validate_observations

STATUSES = ("imported", "unchanged", "dry-run", "rejected", "unreadable")
EXIT_CODES = {"imported": 0, "unchanged": 0, "dry-run": 0, "rejected": 1, "unreadable": 2}
_INTERRUPTED = error("import-interrupted")


class UnknownPartnerError(ValueError):
    """``partner_code`` names no partner; a wrong call, not a problem with the file."""


class UploadNotFoundError(LookupError):
    """No stored upload has the given id."""


@dataclass(frozen=True)
class ValueChange:
    """What an import does (or would do) to one observation."""

    partner: str
    indicator: str
    period: str
    cell: str  # "Indicators!D14"
    old_value: float | None
    new_value: float | None
    is_new: bool

    def to_dict(self) -> dict:
        return {
            "partner": self.partner, "indicator": self.indicator, "period": self.period,
            "cell": self.cell, "old_value": self.old_value, "new_value": self.new_value,
            "is_new": self.is_new,
        }  # fmt: skip


@dataclass
class RowCounts:
    read: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    invalid: int = 0

    def to_dict(self) -> dict[str, int]:
        return dict(self.__dict__)


@dataclass
class ImportResult:
    status: str
    rows: RowCounts
    issues: list[Problem]
    changes: list[ValueChange] = field(default_factory=list)
    upload_id: int | None = None
    filename: str = ""

    @property
    def exit_code(self) -> int:
        """0 imported / unchanged / clean dry run, 1 the data has errors, 2 the file cannot be read."""
        return EXIT_CODES[self.status]

    @property
    def errors(self) -> list[Problem]:
        return [issue for issue in self.issues if issue.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [issue for issue in self.issues if not issue.is_error]

    def to_json(self) -> dict:
        """The object ``sharing import --json`` prints (extra keys: upload_id, changes)."""
        return {
            "status": self.status,
            "rows": self.rows.to_dict(),
            "issues": [issue.to_dict() for issue in self.issues],
            "upload_id": self.upload_id,
            "changes": [change.to_dict() for change in self.changes],
        }


@dataclass
class _Plan:
    status: str
    rows: RowCounts
    issues: list[Problem]
    records: list[CleanObservation] = field(default_factory=list)
    policy: PolicyCheck = field(default_factory=PolicyCheck)
    partner_id: int | None = None


def run_import(
    session_factory: sessionmaker[Session],
    content: bytes,
    filename: str,
    *,
    actor: Actor,
    partner_code: str | None,
    dry_run: bool,
    max_bytes: int,
    today: date | None = None,
) -> ImportResult:
    """Read, validate and (unless ``dry_run`` or the data has errors) import ``content`` for ``actor``.

    Always records an Upload row and keeps the bytes (StoredFile), in a transaction of its own, so even a
    refused or failed attempt is audited. A clean file is written in one further transaction: all of it or
    nothing. Raises UnknownPartnerError when ``partner_code`` names no partner, AccessDenied when the
    actor may not change that partner's data (or, for a file with a Partner column, one of its partners).
    """
    today = today or date.today()
    with session_factory() as session:
        plan = _plan(session, content, filename, partner_code, max_bytes, today)
        if partner_code:
            require_edit(actor, partner_code.upper())
        changes: list[ValueChange | None] = []
        if plan.status == "imported" and dry_run:
            plan.status = "dry-run"
            changes, _stored = _compare(session, plan.records)
            _count_changes(plan, changes)
    final = plan.status != "imported"
    with transaction(session_factory) as session:
        # Until the import transaction commits, the record says it did not finish: true if it never does.
        upload = record_upload(
            session, actor, content, filename, partner_id=plan.partner_id,
            outcome=plan.status if final else "rejected", rows=plan.rows.to_dict(),
            issues=plan.issues if final else [_INTERRUPTED, *plan.issues],
        )  # fmt: skip
        upload_id = upload.id
    result = ImportResult(plan.status, plan.rows, plan.issues, _real(changes), upload_id, filename)
    if final:
        return result
    with transaction(session_factory) as session:
        # Compared inside the writing transaction, so a concurrent import cannot be overwritten blindly.
        changes, stored = _compare(session, plan.records)
        _apply(session, actor, plan, changes, stored, upload_id, today)
        _count_changes(plan, changes)
        outcome = "imported" if _real(changes) or plan.policy.inserted else "unchanged"
        partners = sorted({record.partner.code for record in plan.records})
        complete_upload(
            session, actor, session.get(Upload, upload_id), outcome=outcome,
            rows=plan.rows.to_dict(), issues=plan.issues, partner_codes=partners,
        )  # fmt: skip
        result.status, result.changes = outcome, _real(changes)
    return result


def import_stored_upload(
    session_factory: sessionmaker[Session],
    upload_id: int,
    *,
    actor: Actor,
    max_bytes: int,
    dry_run: bool = False,
    today: date | None = None,
) -> ImportResult:
    """Import again the bytes of an earlier upload (typically a dry run the user now confirms).

    A new Upload row records this attempt. Raises UploadNotFoundError for an unknown id.
    """
    with session_factory() as session:
        upload = session.get(Upload, upload_id)
        if upload is None:
            raise UploadNotFoundError(f"No upload has id {upload_id}")
        content = session.get(StoredFile, upload.sha256).content
        filename = upload.filename
        partner_code = None
        if upload.partner_id is not None:
            partner_code = session.get(Partner, upload.partner_id).code
    return run_import(
        session_factory, content, filename, actor=actor, partner_code=partner_code,
        dry_run=dry_run, max_bytes=max_bytes, today=today,
    )  # fmt: skip


def _plan(
    session: Session,
    content: bytes,
    filename: str,
    partner_code: str | None,
    max_bytes: int,
    today: date,
) -> _Plan:
    reference = Reference.load(session)
    partner = reference.partner(partner_code) if partner_code else None
    if partner_code and partner is None:
        codes = ", ".join(sorted({p.code for p in reference.partners.values()}))
        raise UnknownPartnerError(f"No partner has the code {partner_code!r}; use one of {codes}")
    try:
        workbook = read_workbook(content, filename, max_bytes)
    except UnreadableFile as unreadable:
        return _Plan(
            "unreadable", RowCounts(), [unreadable.issue], partner_id=partner and partner.id
        )
    extraction = extract(workbook, reference.periods)
    check = validate_observations(
        extraction.iter_observations(),
        reference,
        partner.code if partner else None,
        extraction.has_partner_column,
    )
    policy = validate_policy_rows(
        session, extraction.policy_rows, partner.code if partner else None, today
    )
    issues = [*workbook.notes, *extraction.issues, *check.issues, *policy.issues]
    if not any(issue.is_error for issue in issues):
        issues.extend(plausibility_warnings(session, check.records, today))
    rows = RowCounts(
        read=check.read + policy.read,
        invalid=check.invalid_rows + policy.invalid,
    )
    has_errors = any(issue.is_error for issue in issues)
    if extraction.data_sheets and not check.read and not extraction.policy_rows and not has_errors:
        issues.append(error("no-values"))
        has_errors = True
    status = "rejected" if has_errors else "imported"
    return _Plan(status, rows, issues, check.records, policy, partner.id if partner else None)


def _compare(
    session: Session, records: Sequence[CleanObservation]
) -> tuple[list[ValueChange | None], dict]:
    """One entry per record (a ValueChange, or None when the stored value is the same), and the stored
    observations of the records' partners by (indicator, partner, period) id."""
    if not records:
        return [], {}
    stored = stored_values(session, {record.partner.id for record in records})
    changes: list[ValueChange | None] = []
    for record in records:
        existing = stored.get(record.key)
        if (
            existing is not None
            and _same(existing.value, record.value)
            and existing.comment == record.comment
        ):
            changes.append(None)
            continue
        changes.append(
            ValueChange(
                record.partner.code, record.indicator.code, record.period.label, record.source_cell,
                existing.value if existing else None, record.value, existing is None,
            )
        )  # fmt: skip
    return changes, stored


def _real(changes: Sequence[ValueChange | None]) -> list[ValueChange]:
    return [change for change in changes if change is not None]


def _same(old: float | None, new: float | None) -> bool:
    if old is None or new is None:
        return old is None and new is None
    return abs(old - new) <= 1e-9 * max(1.0, abs(old), abs(new))


def _count_changes(plan: _Plan, changes: Sequence[ValueChange | None]) -> None:
    for change in changes:
        if change is None:
            plan.rows.unchanged += 1
        elif change.is_new:
            plan.rows.inserted += 1
        else:
            plan.rows.updated += 1
    plan.rows.inserted += plan.policy.inserted
    plan.rows.unchanged += plan.policy.unchanged


def _apply(
    session: Session,
    actor: Actor,
    plan: _Plan,
    changes: Sequence[ValueChange | None],
    stored: dict,
    upload_id: int,
    today: date,
) -> None:
    writes = []
    for record, change in zip(plan.records, changes, strict=True):
        if change is None:
            continue
        existing = stored.get(record.key) if not change.is_new else None
        writes.append(
            ValueWrite(
                record.indicator.id, record.partner.id, record.period.id, record.value,
                record.comment, record.source_cell, existing,
                _revision_reason(record, existing) if existing else "",
            )
        )  # fmt: skip
    codes = {record.partner.id: record.partner.code for record in plan.records}
    write_values(
        session, actor, writes, partner_codes=codes, source_kind="upload", upload_id=upload_id
    )
    record_sheet_changes(
        session, actor, plan.policy.evidence, plan.policy.moves, upload_id=upload_id, today=today
    )


def _revision_reason(record: CleanObservation, existing) -> str:
    """Why a stored value changed, for the value history: the cell it came from, and the comment's old
    and new text when the comment changed (nothing about comments when neither has one)."""
    reasons = []
    if not _same(existing.value, record.value):
        reasons.append(f"upload of {record.source_cell}")
    old, new = existing.comment or "", record.comment or ""
    if old != new:
        reasons.append(f"comment: '{old}' -> '{new}'")
    return "; ".join(reasons)
