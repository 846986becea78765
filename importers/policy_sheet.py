"""The Policy changes sheet: new stage events and evidence links for the partner's policy changes.

Rows are checked against ``PolicyChange.record_stage``'s rules before anything is written, so a file that
breaks a rule is refused with a cell reference instead of failing half-way.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from models import EvidenceItem, PolicyChange, PolicyInstrument, Stage
from rules.cells import CellError, fold, parse_date
from rules.problems import Problem, error, raw_text, warning

from .layout import RawPolicyRow

# Stage names in English, French, Romanian, Croatian and Latvian (folded when compared).
STAGE_NAMES: dict[Stage, tuple[str, ...]] = {
    Stage.IDENTIFIED: ("identified", "identifié", "identificat", "identificiran", "identificēts", "identificēta"),
    Stage.PROPOSED: ("proposed", "proposé", "propus", "propusă", "predložen", "predloženo", "ierosināts", "ierosināta", "piedāvāts"),
    Stage.SUBMITTED: ("submitted", "soumis", "déposé", "depus", "depusă", "transmis", "podnesen", "podneseno", "upućen", "iesniegts", "iesniegta"),
    Stage.ADOPTED: ("adopted", "adopté", "adoptat", "adoptată", "aprobat", "usvojen", "usvojeno", "donesen", "pieņemts", "pieņemta"),
    Stage.IMPLEMENTED: ("implemented", "mis en œuvre", "mise en œuvre", "implementat", "implementată", "aplicat", "proveden", "provedeno", "implementiran", "īstenots", "īstenota", "ieviests"),
    Stage.VALIDATED: ("validated", "validé", "validat", "validată", "potvrđen", "potvrđeno", "validiran", "apstiprināts", "apstiprināta", "validēts"),
    Stage.ABANDONED: ("abandoned", "abandonné", "abandonat", "abandonată", "odustalo", "napušten", "napušteno", "atcelts", "atcelta", "pārtraukts"),
}  # fmt: skip
_STAGE_OF_NAME = {fold(name): stage for stage, names in STAGE_NAMES.items() for name in names}
_URL = re.compile(r"https?://\S+\.\S+", re.IGNORECASE)


def parse_stage(raw: object) -> Stage:
    """A stage from its name in any of the five languages; raises CellError("unknown-stage")."""
    stage = _STAGE_OF_NAME.get(fold(raw_text(raw)))
    if stage is None:
        names = ", ".join(s.value for s in Stage)
        raise CellError("unknown-stage", f"is not a stage; write one of {names}")
    return stage


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
            url = raw_text(row.get("evidence_url")).strip()
            if url:
                if not _URL.fullmatch(url):
                    cell = row.cell("evidence_url")
                    problems.append(error("not-a-url", f"{cell}: '{url}' is not a web address; write one starting with https://", row.sheet, cell, url))  # fmt: skip
                elif url not in evidence_urls[key]:
                    evidence = NewEvidence(change.code, url, note or f"Evidence for {change.code}")
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
        return parse_date(row.get("date")), row.row
    except CellError:
        return date.max, row.row


def _find_change(
    row: RawPolicyRow, changes: dict, partner_code: str | None, problems: list
) -> PolicyChange | None:
    raw, cell = row.get("change"), row.cell("change")
    change = changes.get(fold(raw_text(raw)))
    if change is None:
        problems.append(error("unknown-change", f"{cell}: '{raw_text(raw)}' is not a policy change of the project; keep the change ids the template lists", row.sheet, cell, raw))  # fmt: skip
        return None
    owner = change.instrument.partner.code
    if partner_code and fold(owner) != fold(partner_code):
        problems.append(error("other-partner", f"{cell}: {change.code} belongs to {owner}, not {partner_code}; remove the row", row.sheet, cell, raw))  # fmt: skip
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
        problems.append(error(problem.code, f"{stage_cell}: '{raw_text(raw_stage)}' {problem.problem}", row.sheet, stage_cell, raw_stage))  # fmt: skip
        return None
    raw_date = row.get("date")
    if raw_date is None or not raw_text(raw_date).strip():
        if stage is current:
            return None  # the template's pre-filled current stage, left as it was
        problems.append(error("missing-date", f"{date_cell or stage_cell}: the date the change became '{stage}' is empty; write it, such as 31.12.2024", row.sheet, date_cell or stage_cell))  # fmt: skip
        return None
    try:
        occurred_on = parse_date(raw_date)
    except CellError as problem:
        problems.append(error(problem.code, f"{date_cell}: '{raw_text(raw_date)}' {problem.problem}", row.sheet, date_cell, raw_date))  # fmt: skip
        return None
    if any(e.stage == stage.value and e.occurred_on == occurred_on for e in change.events):
        return None
    if occurred_on > today:
        problems.append(error("date-in-future", f"{date_cell}: {occurred_on:%d.%m.%Y} is in the future; record a stage once it is reached", row.sheet, date_cell, raw_date))  # fmt: skip
    if stage is Stage.VALIDATED and not has_evidence:
        problems.append(error("validated-without-evidence", f"{stage_cell}: 'validated' needs evidence (an official decision, an amended text...); put its web address in the Evidence URL column", row.sheet, stage_cell, raw_stage))  # fmt: skip
    if stage is Stage.ABANDONED and not note:
        problems.append(error("abandoned-without-note", f"{stage_cell}: say in the Note column why {change.code} was abandoned", row.sheet, stage_cell, raw_stage))  # fmt: skip
    if (
        stage is not Stage.ABANDONED
        and current is not Stage.ABANDONED
        and stage.rank < current.rank
    ):
        if note:
            problems.append(warning("stage-moved-back", f"{stage_cell}: {change.code} moves back from '{current}' to '{stage}' ({note})", row.sheet, stage_cell, raw_stage))  # fmt: skip
        else:
            problems.append(error("stage-moved-back-without-note", f"{stage_cell}: {change.code} moves back from '{current}' to '{stage}'; say why in the Note column", row.sheet, stage_cell, raw_stage))  # fmt: skip
    return StageMove(change.code, stage, occurred_on, note, stage_cell, row.sheet)


def apply_policy_changes(
    session: Session, check: PolicyCheck, recorded_by: str, upload_id: int
) -> None:
    """Write the checked evidence and stage events (evidence first: 'validated' needs it)."""
    codes = {item.change_code for item in check.evidence} | {
        move.change_code for move in check.moves
    }
    if not codes:
        return
    changes = {
        c.code: c for c in session.scalars(select(PolicyChange).where(PolicyChange.code.in_(codes)))
    }
    for item in check.evidence:
        changes[item.change_code].evidence.append(
            EvidenceItem(kind="other", title=item.title[:300], url=item.url, added_by=recorded_by)
        )
    session.flush()
    for move in check.moves:
        stage_event = changes[move.change_code].record_stage(
            move.stage, move.occurred_on, recorded_by, move.note
        )
        stage_event.upload_id = upload_id
    session.flush()
