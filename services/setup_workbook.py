"""Importing the setup workbook (workbooks.setup_workbook writes it): every row checked with the same rules
as an edit on the Setup page, all of it or nothing, each change audited like an edit on the page.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from dashboard.access import Actor, require_edit
from i18n import _
from importers.headers import HEADER_SEARCH_ROWS, find_named_header, setup_sheet
from importers.layout import cell_name
from importers.reading import UnreadableFile, read_workbook
from models import Indicator, Milestone, Partner, ReportingPeriod, Target
from rules.limits import shorten
from rules.problems import Problem, error, raw_text, warning

from .audit import changed_fields, json_safe, record_event
from .catalogue import (
    EDITABLE,
    SetupError,
    clean,
    indicator_of,
    label_of,
    owner_code,
    record_problem,
    snapshot,
)
from .stored_files import store_file


@dataclass
class SetupImport:
    """What importing a setup workbook did (or would do): counts per sheet and every problem found."""

    issues: list[Problem]
    added: dict[str, int]
    updated: dict[str, int]
    applied: bool = False
    unreadable: bool = False  # the file could not be read at all (exit code 2 on the command line)
    # Nothing applied because the setup changed since the preview being confirmed (``fingerprint``).
    outdated: bool = False
    # Every change, as (table, record label, verb, before, after): what ``fingerprint`` digests.
    changes: list[tuple] = dataclass_field(default_factory=list)

    @property
    def fingerprint(self) -> str:
        """A digest of what the workbook does (or would do) to the setup: a confirmation passes the
        preview's back, and applies only when the workbook would still make exactly those changes."""
        encoded = json.dumps(self.changes, sort_keys=True, ensure_ascii=False, default=str)
        return hashlib.sha256(encoded.encode()).hexdigest()

    @property
    def has_errors(self) -> bool:
        return any(issue.is_error for issue in self.issues)

    def to_json(self) -> dict:
        """The object ``sharing setup import --json`` prints."""
        status = "rejected" if self.has_errors else ("imported" if self.applied else "dry-run")
        status = "unreadable" if self.unreadable else status
        status = "outdated" if self.outdated else status
        return {
            "status": status,
            "added": self.added,
            "updated": self.updated,
            "issues": [issue.to_dict() for issue in self.issues],
        }


# Sheet -> (key columns, table name in EDITABLE)
SETUP_SHEETS = {
    "Indicators": (("code",), "indicator"),
    "Targets": (("partner_code", "indicator_code"), "target"),
    "Milestones": (("partner_code", "indicator_code", "period"), "milestone"),
    "Partners": (("code",), "partner"),
    "Periods": (("label",), "period"),
}


def import_setup_workbook(
    session: Session,
    actor: Actor,
    content: bytes,
    *,
    dry_run: bool,
    max_bytes: int,
    filename: str = "setup.xlsx",
    expected_fingerprint: str | None = None,
) -> SetupImport:
    """Read a workbook shaped like ``setup_workbook``'s and update the setup from it, all or nothing.

    Read like a partner workbook (importers.reading: .xlsx, .xlsm, .ods, .xls, with the size and zip-bomb
    checks); sheets and column headers may be named in any of the five languages
    (importers.headers.SETUP_SHEET_NAMES / SETUP_COLUMN_NAMES), the header anywhere in the first rows.

    Rows are matched by their codes; a new indicator, target or milestone is added, an unknown partner
    or period is an error (partners and periods are not created from a workbook). Every cell is checked
    with the same rules as an edit on the page; problems name the sheet, cell and value. With errors,
    or with ``dry_run``, ``applied`` is False and nothing is changed; otherwise the caller commits. Every
    change is recorded in the audit trail, with one "setup.imported" event for the whole workbook.
    With ``expected_fingerprint`` (the preview's ``fingerprint``), nothing is changed unless the workbook
    would make exactly the changes that preview showed: otherwise ``outdated`` is True and the result is
    the new preview. Raises AccessDenied when the actor may not change the setup.
    """
    require_edit(actor, None)
    result = SetupImport([], dict.fromkeys(SETUP_SHEETS, 0), dict.fromkeys(SETUP_SHEETS, 0))
    try:
        workbook = read_workbook(content, filename, max_bytes)
    except UnreadableFile as refusal:
        result.issues.append(refusal.issue)
        result.unreadable = True
        return result
    sheets = [(setup_sheet(sheet.name), sheet) for sheet in workbook.sheets]
    sheets = [(name, sheet) for name, sheet in sheets if name]
    if not sheets:
        result.issues.append(
            error("not-a-setup-workbook", variant="no-sheet", sheets=", ".join(SETUP_SHEETS))
        )
        result.unreadable = True
        return result
    # In a savepoint: later rows are checked against earlier ones, then a dry run or a workbook with
    # errors is rolled back whole, leaving the caller's transaction as it was.
    savepoint = session.begin_nested()
    for canonical, sheet in sheets:
        keys, table = SETUP_SHEETS[canonical]
        _import_sheet(session, actor, sheet, canonical, keys, table, result)
    if (
        expected_fingerprint is not None
        and not result.has_errors
        and result.fingerprint != expected_fingerprint
    ):
        result.outdated = True
        result.issues.insert(0, warning("setup-preview-outdated"))
    result.applied = not (result.has_errors or dry_run or result.outdated)
    if not result.applied:
        savepoint.rollback()
        return result
    savepoint.commit()
    record_event(
        session, actor, "setup.imported", object_type="setup", object_id="workbook",
        label="setup workbook", after={"added": result.added, "updated": result.updated},
    )  # fmt: skip
    session.flush()
    return result


def keep_setup_workbook(session: Session, actor: Actor, content: bytes) -> str:
    """Keep a checked setup workbook's bytes until it is confirmed (any worker can then import it)."""
    require_edit(actor, None)
    return store_file(session, content)


def _import_sheet(
    session, actor, sheet, canonical: str, keys, table: str, result: SetupImport
) -> None:
    """One sheet's rows: its header found anywhere in the first rows, in any of the five languages."""
    fields = EDITABLE[table]
    rows = list(sheet.rows())
    found = find_named_header(rows, [*keys, *fields], keys)
    if found is None:
        result.issues.append(
            error(
                "missing-column", sheet.name, "A1", columns=", ".join(keys), rows=HEADER_SEARCH_ROWS
            )
        )
        return
    header_row, columns = found
    for row_index in range(header_row + 1, len(rows)):
        values = rows[row_index]
        cells = {
            name: values[position] if position < len(values) else None
            for name, position in columns.items()
        }
        if all(v is None or str(v).strip() == "" for v in cells.values()):
            continue
        key = tuple(str(_text_of(cells[k]) or "").strip() for k in keys)
        record, problem = _find_or_create(session, table, key)
        if problem:
            result.issues.append(
                error(
                    "unknown-code", sheet.name, cell_name(row_index, columns[keys[0]]), key[0],
                    detail=problem,
                )
            )  # fmt: skip
            continue
        is_new = record.id is None
        before = {} if is_new else snapshot(table, record)
        indicator = indicator_of(session, table, record)
        changed = False
        for column_name, field in fields.items():
            if column_name not in columns:
                continue
            raw = cells[column_name]
            try:
                value = clean(
                    field, _text_of(raw), indicator and indicator.value_kind,
                    indicator.code if indicator else "",
                )  # fmt: skip
            except SetupError as problem:
                result.issues.append(
                    error(
                        "invalid-value", sheet.name, cell_name(row_index, columns[column_name]),
                        shorten(raw_text(raw)), detail=str(problem),
                    )
                )  # fmt: skip
                continue
            if getattr(record, column_name) != value:
                setattr(record, column_name, value)
                changed = True
        problem = record_problem(table, record) if changed else None
        if problem:
            result.issues.append(
                error("invalid-value", sheet.name, cell_name(row_index, 0), detail=problem)
            )
        if table == "target" and changed:
            record.is_demo = False
        if is_new:
            if _add_new(session, table, record, result, sheet.name, row_index + 1, key):
                result.added[canonical] += 1
                _audit(session, actor, table, record, "added", {}, snapshot(table, record), result)
        elif changed:
            result.updated[canonical] += 1
            old, new = changed_fields(before, snapshot(table, record))
            _audit(session, actor, table, record, "updated", old, new, result)


def _audit(
    session, actor, table: str, record, verb: str, before: dict, after: dict, result: SetupImport
) -> None:
    if verb == "added":
        after = {k: v for k, v in after.items() if v not in (None, "")}
    label = label_of(session, table, record)
    result.changes.append((table, label, verb, json_safe(before), json_safe(after)))
    record_event(
        session, actor, f"{table}.{verb}", object_type=table, object_id=record.id,
        label=label, partner_code=owner_code(session, table, record),
        before=before, after=after, comment="setup workbook",
    )  # fmt: skip


def _text_of(raw: object) -> object:
    """Cells as the page's editor would send them: text, except dates and booleans kept as they are."""
    if raw is None or isinstance(raw, bool | date):
        return raw.date() if isinstance(raw, datetime) else raw
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    text = str(raw)
    # Setup workbooks exported before text cells were typed as text kept formula-like text behind an
    # apostrophe ("'=HYPERLINK(...)"); that apostrophe was ours, not the user's, so it is not stored back.
    if text.startswith("'") and text[1:].lstrip(" \t\r\n").startswith(_FORMULA_STARTS):
        return text[1:]
    return text


_FORMULA_STARTS = ("=", "+", "-", "@")


def _find_or_create(session: Session, table: str, key: tuple[str, ...]):
    """(record, None) for an existing or new record; (None, message) for an unknown code."""
    if table == "indicator":
        found = session.scalar(select(Indicator).where(Indicator.code == key[0].upper()))
        return found or Indicator(code=key[0].upper()), None
    if table == "period":
        found = session.scalar(
            select(ReportingPeriod).where(
                ReportingPeriod.is_semester(), ReportingPeriod.label == key[0]
            )
        )
        if found is None:
            return (
                None,
                f"Period: {key[0]!r} is not a reporting period (they follow from the project start)",
            )
        return found, None
    if table == "partner":
        found = session.scalar(select(Partner).where(Partner.code == key[0]))
        if found is None:
            return (
                None,
                f"Partner {key[0]!r} is not set up; partners are added by `sharing demo` or an administrator",
            )
        return found, None
    partner = session.scalar(select(Partner).where(Partner.code == key[0]))
    indicator = session.scalar(select(Indicator).where(Indicator.code == key[1]))
    if partner is None:
        return None, f"Partner: {key[0]!r} is not a known partner code"
    if indicator is None:
        return None, f"Indicator: {key[1]!r} is not in the catalogue"
    target = session.scalar(
        select(Target).where(Target.partner_id == partner.id, Target.indicator_id == indicator.id)
    )
    if table == "target":
        return target or Target(
            partner_id=partner.id, indicator_id=indicator.id, is_demo=False
        ), None
    if target is None:
        return (
            None,
            f"Indicator: {key[0]} has no target for {key[1]}; add it in the Targets sheet first",
        )
    period = session.scalar(
        select(ReportingPeriod).where(
            ReportingPeriod.is_semester(), ReportingPeriod.label == key[2]
        )
    )
    if period is None:
        return None, f"Period: {key[2]!r} is not a reporting period"
    found = session.scalar(
        select(Milestone).where(Milestone.target_id == target.id, Milestone.period_id == period.id)
    )
    return found or Milestone(target_id=target.id, period_id=period.id), None


def _add_new(session, table, record, result, sheet_name, row_number, key) -> bool:
    """Add a new record read from the workbook; False (and a problem) when required fields are empty."""
    required = [c for c, f in EDITABLE[table].items() if f.required and getattr(record, c) is None]
    if table == "indicator" and record.display_order is None:
        record.display_order = max(session.scalars(select(Indicator.display_order)), default=0) + 1
        required = [c for c in required if c != "display_order"]
    if table == "indicator" and record.higher_is_better is None:
        record.higher_is_better = True
        required = [c for c in required if c != "higher_is_better"]
    if required:
        result.issues.append(
            error(
                "missing-value", sheet_name, f"A{row_number}", variant=table, key=" · ".join(key),
                # the headers as the sheet shows them in the reader's language (a setup check is
                # read where it is made, not stored)
                columns=", ".join(_column_label(table, column) for column in required),
            )
        )  # fmt: skip
        return False
    session.add(record)
    session.flush()
    return True


def _column_label(table: str, column: str) -> str:
    """A column's label in the current language, as the Setup page and the workbook's header say it."""
    field = EDITABLE.get(table, {}).get(column)
    return _(field.label) if field is not None else column
