"""The Policy changes sheet: new stage events and evidence links for the partner's policy changes.

Rows are checked against the stage rules (rules.stages) before anything is written, so a file that breaks
a rule is refused with a cell reference instead of failing half-way; services.policy_changes writes them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from models import PolicyChange, PolicyInstrument, Stage
from rules.cells import CellError, fold, read_date
from rules.limits import TEXT_LIMITS, shorten, text_problem
from rules.links import read_link
from rules.problems import Problem, error, raw_text, warning
from rules.stages import parse_stage, stage_move_problems

from .layout import RawPolicyRow


@dataclass
class StageMove:
    change_code: str
    stage: Stage
    occurred_on: date
    note: str
    cell: str
    sheet: str


@dataclass
class NewEvidence:
    change_code: str
    url: str
    title: str
    cell: str = ""
    sheet: str = ""


@dataclass
class PolicyCheck:
    moves: list[StageMove] = field(default_factory=list)
    evidence: list[NewEvidence] = field(default_factory=list)
    issues: list[Problem] = field(default_factory=list)
    read: int = 0
    invalid: int = 0
    unchanged: int = 0
    inserted: int = 0


def validate_policy_rows(
    session: Session, rows: Sequence[RawPolicyRow], partner_code: str | None, today: date
) -> PolicyCheck:
    """Work out which rows add a stage event or an evidence link, checking the stage rules on the way."""
    check = PolicyCheck(read=len(rows))
    if not rows:
        return check
    changes = {
        fold(change.code): change
        for change in session.scalars(
            select(PolicyChange).options(
                selectinload(PolicyChange.events),
                selectinload(PolicyChange.evidence),
                selectinload(PolicyChange.instrument).selectinload(PolicyInstrument.partner),
            )
        )
    }
    simulated_stage: dict[str, Stage] = {}
    evidence_urls = {code: {e.url for e in change.evidence} for code, change in changes.items()}
    for row in sorted(rows, key=_row_date):
        problems: list[Problem] = []
        change = _find_change(row, changes, partner_code, problems)
        move = evidence = None
        if change is not None:
            key = fold(change.code)
            current = simulated_stage.get(key, Stage(change.stage))
            note = raw_text(row.get("comment")).strip()
            typed = raw_text(row.get("evidence_url")).strip()
            cell = row.cell("evidence_url")
            link = read_link(typed) if typed else None
            url = link.url if link else typed
            for too_long in (
                text_problem("stage_event.note", note, row.cell("comment"), row.sheet),
                text_problem("evidence_item.url", url, cell, row.sheet),
            ):
                if too_long:
                    problems.append(too_long)
            if url and not problems:
                if link is None:
                    problems.append(error("not-a-url", row.sheet, cell, typed))  # fmt: skip
                elif link.scheme_added:
                    problems.append(warning("url-scheme-added", row.sheet, cell, typed, url=url))  # fmt: skip
                if link is not None and url not in evidence_urls[key]:
                    # The note names the evidence, as far as a title can hold it.
                    title = shorten(
                        note or f"Evidence for {change.code}", TEXT_LIMITS["evidence_item.title"]
                    )
                    evidence = NewEvidence(change.code, url, title, cell, row.sheet)
            move = _stage_move(
                row, change, current, note, bool(evidence_urls[key] or evidence), today, problems
            )
        check.issues.extend(problems)
        if any(problem.is_error for problem in problems):
            check.invalid += 1
            continue
        if move:
            check.moves.append(move)
            simulated_stage[fold(move.change_code)] = move.stage
        if evidence:
            check.evidence.append(evidence)
            evidence_urls[fold(evidence.change_code)].add(evidence.url)
        if move or evidence:
            check.inserted += 1
        else:
            check.unchanged += 1
    return check


def _row_date(row: RawPolicyRow) -> tuple[date, int]:
    try:
        return read_date(row.get("date")), row.row
    except CellError:
        return date.max, row.row


def _find_change(
    row: RawPolicyRow, changes: dict, partner_code: str | None, problems: list
) -> PolicyChange | None:
    raw, cell = row.get("change"), row.cell("change")
    change = changes.get(fold(raw_text(raw)))
    if change is None:
        problems.append(error("unknown-change", row.sheet, cell, raw))  # fmt: skip
        return None
    owner = change.instrument.partner.code
    if partner_code and fold(owner) != fold(partner_code):
        problems.append(error("other-partner", row.sheet, cell, raw, variant="change", change=change.code, owner=owner, fixed=partner_code))  # fmt: skip
        return None
    return change


def _stage_move(
    row: RawPolicyRow,
    change: PolicyChange,
    current: Stage,
    note: str,
    has_evidence: bool,
    today: date,
    problems: list,
) -> StageMove | None:
    raw_stage = row.get("stage")
    if raw_stage is None or not raw_text(raw_stage).strip():
        return None
    stage_cell, date_cell = row.cell("stage"), row.cell("date")
    try:
        stage = parse_stage(raw_stage)
    except CellError as problem:
        problems.append(problem.to_problem(row.sheet, stage_cell, raw_stage))  # fmt: skip
        return None
    raw_date = row.get("date")
    if raw_date is None or not raw_text(raw_date).strip():
        if stage is current:
            return None  # the template's pre-filled current stage, left as it was
        problems.append(error("missing-date", row.sheet, date_cell or stage_cell, stage=str(stage)))  # fmt: skip
        return None
    try:
        # Its bounds are the stage rule's (not in the future, not before rules.limits.EARLIEST_DATE).
        occurred_on = read_date(raw_date)
    except CellError as problem:
        problems.append(problem.to_problem(row.sheet, date_cell, raw_date))  # fmt: skip
        return None
    if any(e.stage == stage.value and e.occurred_on == occurred_on for e in change.events):
        return None
    for problem in stage_move_problems(
        change.code, current, stage, has_evidence=has_evidence, note=note,
        occurred_on=occurred_on, today=today, variant="sheet",
    ):  # fmt: skip
        is_about_the_date = problem.code in ("date-in-future", "not-a-date")
        cell, raw = (date_cell, raw_date) if is_about_the_date else (stage_cell, raw_stage)
        problems.append(replace(problem, sheet=row.sheet, cell=cell, value=raw_text(raw)))
    return StageMove(change.code, stage, occurred_on, note, stage_cell, row.sheet)
