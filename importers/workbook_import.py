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
nothing written), "unreadable" (the file could not be read at all), "outdated" (a confirmation found the
stored values changed since its preview: nothing written, the result is the new preview) or "busy"
(another import or correction of the same partner held the lock too long: nothing written, try again).

Concurrency: the values are compared with the stored ones inside the writing transaction, after
services.locks.lock_partners (PostgreSQL) or SQLite's ``BEGIN IMMEDIATE`` gave this import the partner's
data to itself, so every revision's "old value" is the value it replaced. A dry run keeps a fingerprint of
the changes it showed; its confirmation writes only when the file would still make exactly those changes.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from dashboard.access import AccessDenied, Actor, require_edit
from i18n import _
from models import Partner, PolicyChange, StoredFile, Upload
from models.database import DatabaseBusy, transaction
from rules.problems import Problem, error, warning
from services.audit import record_event
from services.locks import lock_partners
from services.observations import ValueWrite, stored_values, write_values
from services.policy_changes import record_sheet_changes
from services.review import locked_periods
from services.stored_files import StorageFull
from services.uploads import complete_upload, fill_upload, open_upload, record_reading

from .layout import RawPolicyRow, extract
from .policy_sheet import PolicyCheck, validate_policy_rows
from .reading import UnreadableFile, crash_place, read_workbook, too_large
from .validation import (
    CleanObservation,
    PartnerInfo,
    Reference,
    plausibility_warnings,
    validate_observations,
)

_log = logging.getLogger(__name__)

STATUSES = ("imported", "unchanged", "dry-run", "rejected", "unreadable", "outdated", "busy")
# 3: nothing was written, and nothing is wrong with the file: look at the new preview, or try again.
EXIT_CODES = {
    "imported": 0, "unchanged": 0, "dry-run": 0, "rejected": 1, "unreadable": 2, "outdated": 3,
    "busy": 3,
}  # fmt: skip
_INTERRUPTED = error("import-interrupted")
# A writer that loses a race retries this many times in all before it answers "busy".
WRITE_ATTEMPTS = 3


class UnknownPartnerError(ValueError):
    """``partner_code`` names no partner; a wrong call, not a problem with the file."""


class UploadNotFoundError(LookupError):
    """No stored upload has the given id, or its bytes are no longer kept."""


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
    # The indicator's, so the values can be shown with their unit (84.3 % -> 87.5 %).
    value_kind: str = "count"
    unit: str = ""

    def to_dict(self) -> dict:
        return {
            "partner": self.partner, "indicator": self.indicator, "period": self.period,
            "cell": self.cell, "old_value": self.old_value, "new_value": self.new_value,
            "is_new": self.is_new, "value_kind": self.value_kind, "unit": self.unit,
        }  # fmt: skip

    def digest(self) -> dict:
        """What a confirmation must find unchanged (see _fingerprint): the cell and the values."""
        return {
            "partner": self.partner, "indicator": self.indicator, "period": self.period,
            "cell": self.cell, "old_value": self.old_value, "new_value": self.new_value,
            "is_new": self.is_new,
        }  # fmt: skip


@dataclass(frozen=True)
class PolicySheetChange:
    """What a row of the Policy changes sheet adds (or would add): a stage event (``stage``, on
    ``occurred_on``, with its ``note``) or an evidence link (``url``)."""

    change: str
    cell: str  # "Policy changes!B4"
    stage: str | None = None
    occurred_on: date | None = None
    note: str = ""
    url: str | None = None

    def to_dict(self) -> dict:
        return {
            "change": self.change, "cell": self.cell, "stage": self.stage,
            "occurred_on": self.occurred_on.isoformat() if self.occurred_on else None,
            "note": self.note, "url": self.url,
        }  # fmt: skip

    @classmethod
    def from_dict(cls, data: dict) -> PolicySheetChange:
        occurred = data.get("occurred_on")
        return cls(
            data["change"], data["cell"], data.get("stage"),
            date.fromisoformat(occurred) if occurred else None, data.get("note", ""), data.get("url"),
        )  # fmt: skip


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
    # The digest of the changes a dry run showed (see _fingerprint); a confirmation passes it back.
    fingerprint: str | None = None
    # Of the values written: "approved" (an officer's import) or "submitted" (awaiting review).
    review: str | None = None
    # The stage events and evidence links of the Policy changes sheet it adds (or would add).
    policy_changes: list[PolicySheetChange] = field(default_factory=list)
    # Read back from an Upload row (from_json): how many changes there were, of which ``changes``
    # holds the first ones only.
    changes_total: int | None = None

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
        """The object ``sharing import --json`` prints (extra keys: upload_id, changes,
        policy_changes)."""
        return {
            "status": self.status,
            "rows": self.rows.to_dict(),
            "issues": [issue.to_dict() for issue in self.issues],
            "upload_id": self.upload_id,
            "review": self.review,
            "changes": [change.to_dict() for change in self.changes],
            "policy_changes": [change.to_dict() for change in self.policy_changes],
        }

    def to_stored_json(self, max_changes: int) -> dict:
        """``to_json`` for an Upload row (a background job's result, shown by the page that polls it):
        the lists of changes cut to their first ``max_changes``, with the full counts and the
        fingerprint a confirmation needs."""
        data = self.to_json()
        data["changes_total"] = len(data["changes"])
        data["changes"] = data["changes"][:max_changes]
        data["policy_changes"] = data["policy_changes"][:max_changes]
        data["filename"], data["fingerprint"] = self.filename, self.fingerprint
        return data

    @classmethod
    def from_json(cls, data: dict) -> ImportResult:
        """The result ``to_json`` or ``to_stored_json`` wrote."""
        return cls(
            status=data["status"],
            rows=RowCounts(**data["rows"]),
            issues=[Problem.from_dict(issue) for issue in data["issues"]],
            changes=[ValueChange(**change) for change in data.get("changes", [])],
            upload_id=data.get("upload_id"),
            filename=data.get("filename", ""),
            fingerprint=data.get("fingerprint"),
            review=data.get("review"),
            policy_changes=[
                PolicySheetChange.from_dict(change) for change in data.get("policy_changes", [])
            ],
            changes_total=data.get("changes_total"),
        )


@dataclass
class _Plan:
    status: str
    rows: RowCounts
    issues: list[Problem]
    records: list[CleanObservation] = field(default_factory=list)
    policy: PolicyCheck = field(default_factory=PolicyCheck)
    partner_id: int | None = None
    partner_code: str | None = None
    policy_rows: list[RawPolicyRow] = field(default_factory=list)


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
    expected_fingerprint: str | None = None,
    upload_id: int | None = None,
    progress: Callable[[str], None] | None = None,
) -> ImportResult:
    """Read, validate and (unless ``dry_run`` or the data has errors) import ``content`` for ``actor``.

    The attempt is recorded before the file is read: an Upload row and (unless refused as too large)
    the bytes, in a transaction of their own, saying the reading did not finish until it did; so even
    an attempt that crashed while reading is on record, as "unreadable". What the reading found
    completes the row in a second transaction. A clean file is written in one further transaction: all
    of it or nothing. With ``expected_fingerprint`` (the confirmation of a dry run) it is written only
    if it would make the very changes that dry run showed; otherwise the result is "outdated" with the
    new preview. Raises UnknownPartnerError when ``partner_code`` names no partner, AccessDenied when
    the actor may not change that partner's data (nothing recorded) or, for a file with a Partner
    column, one of its partners (the attempt is recorded as rejected).

    A background worker (jobs/) passes ``upload_id``: the attempt recorded when the job was queued
    (``record_attempt``), which this run completes; and ``progress``, told "checking" and "writing"
    as the import gets there.
    """
    today = today or date.today()
    with session_factory() as session:
        reference = Reference.load(session)
    partner = _sender_partner(reference, actor, partner_code)
    kept_out = None
    if upload_id is None:
        upload_id, kept_out = record_attempt(
            session_factory, actor, content, filename, partner, max_bytes
        )
    report = progress or (lambda _stage: None)
    report("checking")
    changes: list[ValueChange | None] = []
    fingerprint = None
    try:
        with session_factory() as session:
            plan = _plan(session, reference, content, filename, partner, max_bytes, today)
            for code in sorted({record.partner.code for record in plan.records}):
                require_edit(actor, code)
            if plan.status == "rejected":
                # Nothing is written, but the valid rows are counted too: the counts add up to the
                # rows read.
                _count_changes(plan, _compare(session, plan.records)[0])
            if plan.status == "imported" and dry_run:
                plan.status = "dry-run"
                changes, _stored = _compare(session, plan.records)
                _count_changes(plan, changes)
                fingerprint = _fingerprint(changes, plan.policy)
                locked = _locked_cells(session, plan.records, changes)
                if locked:
                    plan.status, plan.issues = "rejected", [*plan.issues, *locked]
    except AccessDenied as refused:
        with transaction(session_factory) as session:
            problem = error("import-not-allowed", reason=str(refused))
            _record_read(session, actor, upload_id, "rejected", RowCounts(), [problem])
        raise
    except (SQLAlchemyError, DatabaseBusy):
        raise
    except Exception as crash:
        # A bug, not the file: the reader itself turns every failure into UnreadableFile. Logged
        # without its message (messages can quote cell values); the partner gets one sentence.
        _log_crash(filename, crash)
        interrupted = error("import-interrupted", variant="reading", filename=filename)
        plan, changes = _Plan("unreadable", RowCounts(), [interrupted]), []
    if kept_out is not None:
        # The file store had no room for the bytes: the attempt is on record without them, and the
        # answer says so; nothing else is written.
        plan.status, plan.issues, changes = "unreadable", [kept_out, *plan.issues], []
    final = plan.status != "imported"
    with transaction(session_factory) as session:
        # Until the import transaction commits, the record says it did not finish: true if it never
        # does.
        upload = _record_read(
            session, actor, upload_id, plan.status if final else "rejected", plan.rows,
            plan.issues if final else [_INTERRUPTED, *plan.issues],
        )  # fmt: skip
        upload.preview_fingerprint = fingerprint
    result = ImportResult(
        plan.status, plan.rows, plan.issues, _real(changes), upload_id, filename, fingerprint
    )
    if plan.status == "dry-run":
        result.policy_changes = _policy_sheet_changes(plan.policy)
    if final:
        return result
    report("writing")
    for attempt in range(1, WRITE_ATTEMPTS + 1):
        try:
            return _write(session_factory, actor, plan, result, today, expected_fingerprint)
        except DatabaseBusy:
            # Another writer held the partner's data for LOCK_WAIT_SECONDS: nothing of this attempt was
            # written; wait a little and compare again against what it wrote.
            if attempt < WRITE_ATTEMPTS:
                time.sleep(0.2 * attempt)
    with transaction(session_factory) as session:
        result.status, result.issues = "busy", [error("write-busy"), *plan.issues]
        _record_unwritten(session, actor, session.get(Upload, upload_id), "busy", plan.rows, result)
    return result


def _sender_partner(
    reference: Reference, actor: Actor, partner_code: str | None
) -> PartnerInfo | None:
    """The partner a file is sent for (None: the file's Partner column says), checked: it exists
    (UnknownPartnerError) and the actor may change its data (AccessDenied)."""
    partner = reference.partner(partner_code) if partner_code else None
    if partner_code and partner is None:
        codes = ", ".join(sorted({p.code for p in reference.partners.values()}))
        raise UnknownPartnerError(
            _("No partner has the code {code}; use one of {codes}").format(
                code=repr(partner_code), codes=codes
            )
        )
    if partner is not None:
        require_edit(actor, partner.code)
    return partner


@dataclass(frozen=True)
class Attempt:
    """An upload recorded but not read yet (``open_attempt``): its row, and the problem that refuses
    it at once when the file store had no room for its bytes."""

    upload_id: int
    refused: Problem | None


def open_attempt(
    session_factory: sessionmaker[Session],
    content: bytes,
    filename: str,
    *,
    actor: Actor,
    partner_code: str | None,
    max_bytes: int,
) -> Attempt:
    """Check the sender as ``run_import`` does and record the attempt (row and bytes), for a background
    worker to read later (jobs). A refused attempt (no room for the bytes) is recorded as unreadable
    here and then, since no worker could read it."""
    with session_factory() as session:
        reference = Reference.load(session)
    partner = _sender_partner(reference, actor, partner_code)
    upload_id, kept_out = record_attempt(
        session_factory, actor, content, filename, partner, max_bytes
    )
    if kept_out is not None:
        with transaction(session_factory) as session:
            _record_read(session, actor, upload_id, "unreadable", RowCounts(), [kept_out])
    return Attempt(upload_id, kept_out)


def record_attempt(
    session_factory: sessionmaker[Session],
    actor: Actor,
    content: bytes,
    filename: str,
    partner: PartnerInfo | None,
    max_bytes: int,
) -> tuple[int, Problem | None]:
    """The Upload row (and the bytes) of an attempt about to be read; returns its id, and the
    ``storage-full`` problem when the file store had no room for the bytes."""
    partner_id = partner.id if partner else None
    refused = too_large(content, max_bytes)
    issues = [refused or error("import-interrupted", variant="reading", filename=filename)]
    try:
        with transaction(session_factory) as session:
            upload = open_upload(
                session, actor, content, filename, partner_id=partner_id, issues=issues
            )
            return upload.id, None
    except StorageFull as full:
        with transaction(session_factory) as session:
            upload = open_upload(
                session, actor, content, filename, partner_id=partner_id, issues=[full.problem]
            )
            return upload.id, full.problem


def _record_read(
    session: Session,
    actor: Actor,
    upload_id: int,
    outcome: str,
    rows: RowCounts,
    issues: Sequence[Problem],
) -> Upload:
    upload = session.get(Upload, upload_id)
    record_reading(session, actor, upload, outcome=outcome, rows=rows.to_dict(), issues=issues)
    return upload


def _log_crash(filename: str, crash: Exception) -> None:
    _log.error("importing %r failed: %s at %s", filename, type(crash).__name__, crash_place(crash))


def _write(
    session_factory: sessionmaker[Session],
    actor: Actor,
    plan: _Plan,
    result: ImportResult,
    today: date,
    expected_fingerprint: str | None,
) -> ImportResult:
    """The writing transaction: lock the partners, compare with what is stored now, then write (or,
    for a confirmation whose preview is out of date, record the new preview instead)."""
    with transaction(session_factory) as session:
        policy = plan.policy
        if plan.policy_rows:
            # The stage rules depend on each change's current stage: check them again under the lock.
            policy = validate_policy_rows(session, plan.policy_rows, plan.partner_code, today)
        lock_partners(session, _partner_ids(session, plan, policy))
        changes, stored = _compare(session, plan.records)
        rows = RowCounts(read=plan.rows.read, invalid=plan.rows.invalid)
        _count(rows, changes, policy)
        upload = session.get(Upload, result.upload_id)
        policy_errors = [issue for issue in policy.issues if issue.is_error]
        policy_errors += _locked_cells(session, plan.records, changes)
        fingerprint = _fingerprint(changes, policy)
        if policy_errors:
            outcome, issues = "rejected", [*plan.issues, *policy_errors]
        elif expected_fingerprint is not None and fingerprint != expected_fingerprint:
            outcome, issues = "outdated", [warning("preview-outdated"), *plan.issues]
            upload.preview_fingerprint = fingerprint
        else:
            submissions = _apply(
                session, actor, plan.records, policy, changes, stored, upload.id, today
            )
            result.review = next((submission.status for submission in submissions.values()), None)
            written = bool(_real(changes)) or policy.inserted
            outcome, issues = ("imported" if written else "unchanged"), plan.issues
        result.status, result.rows, result.issues = outcome, rows, issues
        result.changes, result.fingerprint = _real(changes), fingerprint
        # What was written, or (outdated) what the new preview would write.
        shown = outcome in ("imported", "outdated")
        result.policy_changes = _policy_sheet_changes(policy) if shown else []
        if outcome == "outdated":
            _record_unwritten(session, actor, upload, "outdated", rows, result)
        else:
            partners = sorted({record.partner.code for record in plan.records})
            complete_upload(
                session, actor, upload, outcome=outcome, rows=rows.to_dict(), issues=issues,
                partner_codes=partners,
            )  # fmt: skip
    return result


def _record_unwritten(
    session: Session, actor: Actor, upload: Upload, status: str, rows: RowCounts, result
) -> None:
    """Record an attempt that wrote nothing although the file is clean: a confirmation whose preview is
    out of date (the row is the new preview, confirmable in turn) or an import that stayed busy."""
    fill_upload(
        upload, "outdated" if status == "outdated" else "rejected", rows.to_dict(), result.issues
    )
    record_event(
        session, actor, f"upload.{status}", object_type="upload", object_id=upload.id,
        label=f"#{upload.id} {upload.filename}",
        after={"outcome": upload.outcome, "changes": len(result.changes)},
    )  # fmt: skip


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

    A new Upload row records this attempt. When the earlier upload was a preview (a dry run, or an
    outdated confirmation), only the changes it showed are written: if the stored values changed
    meanwhile, the result is "outdated" and holds the new preview. Raises UploadNotFoundError for an
    unknown id or an upload whose bytes are no longer kept.
    """
    with session_factory() as session:
        stored = stored_upload(session, upload_id)
    return run_import(
        session_factory, stored.content, stored.filename, actor=actor,
        partner_code=stored.partner_code, dry_run=dry_run, max_bytes=max_bytes, today=today,
        expected_fingerprint=stored.fingerprint if not dry_run else None,
    )  # fmt: skip


@dataclass(frozen=True)
class StoredUpload:
    """What importing an earlier upload again starts from: its bytes, its name, its partner and the
    fingerprint of the changes its preview showed."""

    content: bytes
    filename: str
    partner_code: str | None
    fingerprint: str | None


def stored_upload(session: Session, upload_id: int) -> StoredUpload:
    """The bytes and particulars of upload ``upload_id``; UploadNotFoundError for an unknown id or an
    upload whose bytes are no longer kept."""
    upload = session.get(Upload, upload_id)
    if upload is None:
        raise UploadNotFoundError(_("No upload has the number {id}").format(id=upload_id))
    stored = session.get(StoredFile, upload.sha256) if upload.file_discarded is None else None
    if stored is None:
        raise UploadNotFoundError(
            _("The file of upload {id} is no longer kept; upload it again").format(id=upload_id)
        )
    partner = session.get(Partner, upload.partner_id) if upload.partner_id is not None else None
    return StoredUpload(
        stored.content, upload.filename, partner.code if partner else None,
        upload.preview_fingerprint,
    )  # fmt: skip


def _plan(
    session: Session,
    reference: Reference,
    content: bytes,
    filename: str,
    partner: PartnerInfo | None,
    max_bytes: int,
    today: date,
) -> _Plan:
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
        extraction.partner_mentions,
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
    return _Plan(
        status, rows, issues, check.records, policy, partner.id if partner else None,
        partner.code if partner else None, list(extraction.policy_rows),
    )  # fmt: skip


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
            and existing.comment == record.comment_over(existing.comment)
            # A value the officer returned is sent again for review even when it did not change.
            and existing.review_status != "returned"
            # A partner's figure that happens to equal an invented demo one replaces it all the same:
            # the value is no longer demo data.
            and existing.source_kind != "demo"
        ):
            changes.append(None)
            continue
        changes.append(
            ValueChange(
                record.partner.code, record.indicator.code, record.period.label, record.source_cell,
                existing.value if existing else None, record.value, existing is None,
                record.indicator.value_kind, record.indicator.unit,
            )
        )  # fmt: skip
    return changes, stored


def _locked_cells(
    session: Session, records: Sequence[CleanObservation], changes: Sequence[ValueChange | None]
) -> list[Problem]:
    """A ``period-locked`` error at every cell whose value would change in a locked period."""
    locks = locked_periods(session, {record.partner.id for record in records})
    if not locks:
        return []
    problems = []
    for record, change in zip(records, changes, strict=True):
        lock = locks.get((record.partner.id, record.period.id))
        if change is not None and lock is not None:
            problems.append(
                error(
                    "period-locked", record.sheet, record.cell, change.new_value,
                    period=record.period.label, partner=record.partner.code,
                    locked_on=lock.locked_at.date().isoformat(), locked_by=lock.locked_by,
                )
            )  # fmt: skip
    return problems


def _real(changes: Sequence[ValueChange | None]) -> list[ValueChange]:
    return [change for change in changes if change is not None]


def _same(old: float | None, new: float | None) -> bool:
    if old is None or new is None:
        return old is None and new is None
    return abs(old - new) <= 1e-9 * max(1.0, abs(old), abs(new))


def _count_changes(plan: _Plan, changes: Sequence[ValueChange | None]) -> None:
    _count(plan.rows, changes, plan.policy)


def _count(rows: RowCounts, changes: Sequence[ValueChange | None], policy: PolicyCheck) -> None:
    for change in changes:
        if change is None:
            rows.unchanged += 1
        elif change.is_new:
            rows.inserted += 1
        else:
            rows.updated += 1
    rows.inserted += policy.inserted
    rows.unchanged += policy.unchanged


def _policy_sheet_changes(policy: PolicyCheck) -> list[PolicySheetChange]:
    """The evidence links and stage events of a Policy changes sheet, in the order they are written."""
    links = [
        PolicySheetChange(item.change_code, _location(item.sheet, item.cell), url=item.url)
        for item in policy.evidence
    ]
    moves = [
        PolicySheetChange(
            move.change_code,
            _location(move.sheet, move.cell),
            stage=move.stage.value,
            occurred_on=move.occurred_on,
            note=move.note,
        )  # fmt: skip
        for move in policy.moves
    ]
    return links + moves


def _location(sheet: str, cell: str) -> str:
    return f"{sheet}!{cell}" if sheet and cell else sheet or cell


def _partner_ids(session: Session, plan: _Plan, policy: PolicyCheck) -> set[int]:
    """The partners whose data this import writes: the values' partners and the policy changes'."""
    ids = {record.partner.id for record in plan.records}
    codes = {move.change_code for move in policy.moves} | {e.change_code for e in policy.evidence}
    if codes:
        changes = session.scalars(select(PolicyChange).where(PolicyChange.code.in_(codes)))
        ids |= {change.instrument.partner_id for change in changes}
    return ids


def _fingerprint(changes: Sequence[ValueChange | None], policy: PolicyCheck) -> str:
    """A digest of what an import would do: each value's cell, old and new value, and each stage move
    and evidence link. Equal digests mean a confirmation would write exactly what the preview showed."""
    described = {
        "values": [change.digest() for change in changes if change is not None],
        "moves": [
            [move.change_code, move.stage.value, move.occurred_on.isoformat(), move.note]
            for move in policy.moves
        ],
        "evidence": [[item.change_code, item.url, item.title] for item in policy.evidence],
    }
    encoded = json.dumps(described, sort_keys=True, ensure_ascii=False, default=repr)
    return hashlib.sha256(encoded.encode()).hexdigest()


def _apply(
    session: Session,
    actor: Actor,
    records: Sequence[CleanObservation],
    policy: PolicyCheck,
    changes: Sequence[ValueChange | None],
    stored: dict,
    upload_id: int,
    today: date,
) -> dict:
    """Write the values and the policy sheet's changes; returns the values' submissions by partner id
    (none when only the policy sheet changed)."""
    writes = []
    for record, change in zip(records, changes, strict=True):
        if change is None:
            continue
        existing = stored.get(record.key) if not change.is_new else None
        writes.append(
            ValueWrite(
                record.indicator.id, record.partner.id, record.period.id, record.value,
                record.comment_over(existing.comment if existing else None), record.source_cell,
                existing, _revision_reason(record, existing) if existing else "",
            )
        )  # fmt: skip
    codes = {record.partner.id: record.partner.code for record in records}
    submissions = (
        write_values(
            session, actor, writes, partner_codes=codes, source_kind="upload", upload_id=upload_id
        )
        if writes
        else {}
    )
    record_sheet_changes(
        session, actor, policy.evidence, policy.moves, upload_id=upload_id, today=today
    )
    return submissions


def _revision_reason(record: CleanObservation, existing) -> str:
    """Why a stored value changed, for the value history: the cell it came from, and the comment's old
    and new text when the comment changed (nothing about comments when neither has one)."""
    reasons = []
    if not _same(existing.value, record.value):
        reasons.append(f"upload of {record.source_cell}")
    old, new = existing.comment or "", record.comment_over(existing.comment)
    if old != new:
        reasons.append(f"comment: '{old}' -> '{new}'")
    return "; ".join(reasons)
