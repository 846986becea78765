"""Recording stage events and evidence of policy changes, from the stage form or the Policy changes sheet.

The stage rules are rules.stages (applied by PolicyChange.record_stage); this module adds the checks that
need the request (rights, today's date, evidence links and documents) and the audit events.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from dashboard.access import Actor, require_edit
from i18n import _
from models import EVIDENCE_KINDS, EvidenceItem, PolicyChange, PolicyChangeError, Stage, StageEvent
from rules.limits import TEXT_LIMITS, date_problem, shorten, text_problem

from .audit import record_event
from .locks import lock_partners
from .stored_files import store_file


@dataclass(frozen=True)
class NewEvidence:
    """Evidence sent with a stage event: a link, or a document (its file name and bytes)."""

    kind: str
    title: str
    url: str | None = None
    filename: str | None = None
    content: bytes | None = None


class SheetStageMove(Protocol):
    """A stage event read (and checked) from a Policy changes sheet (importers.policy_sheet.StageMove)."""

    change_code: str
    stage: Stage
    occurred_on: date
    note: str


class SheetEvidence(Protocol):
    """An evidence link read from a Policy changes sheet (importers.policy_sheet.NewEvidence)."""

    change_code: str
    url: str
    title: str


def record_stage_event(
    session: Session,
    actor: Actor,
    change_code: str,
    stage: str,
    occurred_on: date,
    note: str = "",
    evidence: NewEvidence | None = None,
    *,
    upload_id: int | None = None,
    today: date | None = None,
) -> StageEvent:
    """Record a stage event (and its evidence) for ``change_code`` on behalf of ``actor``.

    Raises AccessDenied when the actor may not edit the change's partner, and PolicyChangeError for
    anything the rules refuse (unknown change or stage, a date in the future or before
    rules.limits.EARLIEST_DATE, 'validated' without evidence, 'abandoned' or a move back without a note,
    an evidence link that is not http(s), a note, link or title longer than rules.limits.TEXT_LIMITS).
    """
    change = session.scalar(select(PolicyChange).where(PolicyChange.code == change_code))
    if change is None:
        raise PolicyChangeError(_("there is no policy change {code!r}").format(code=change_code))
    require_edit(actor, change.instrument.partner.code)
    # The stage rules depend on the current stage: read it again once the partner's data is ours.
    lock_partners(session, [change.instrument.partner_id])
    session.refresh(change)
    if stage not in {s.value for s in Stage}:
        raise PolicyChangeError(_("unknown stage {stage!r}").format(stage=stage))
    if occurred_on > (today or date.today()):
        raise PolicyChangeError(
            _("{code}: the date {day} is in the future").format(code=change.code, day=occurred_on)
        )
    out_of_range = date_problem(occurred_on, _("Date"))
    if out_of_range:
        raise PolicyChangeError(out_of_range.message, out_of_range)
    note = (note or "").strip()
    too_long = text_problem("stage_event.note", note, _("Note"))
    if too_long:
        raise PolicyChangeError(too_long.message, too_long)
    if evidence is not None:
        add_evidence(session, actor, change, evidence)
    previous = change.stage
    stage_event = change.record_stage(stage, occurred_on, actor.name, note)
    stage_event.upload_id = upload_id
    # A demo change that a partner now moves for real is no longer invented: its badge goes.
    change.is_demo = False
    session.flush()
    record_event(
        session, actor, "stage.recorded", object_type="policy_change", object_id=change.id,
        label=change.code, partner_code=change.instrument.partner.code,
        before={"stage": previous},
        after={"stage": stage_event.stage, "occurred_on": occurred_on, "upload_id": upload_id},
        comment=note,
    )  # fmt: skip
    return stage_event


def add_evidence(
    session: Session, actor: Actor, change: PolicyChange, evidence: NewEvidence
) -> EvidenceItem:
    """Attach a link or a stored document to ``change``, with its audit event."""
    require_edit(actor, change.instrument.partner.code)
    if evidence.kind not in EVIDENCE_KINDS:
        raise PolicyChangeError(_("unknown kind of evidence {kind!r}").format(kind=evidence.kind))
    url = (evidence.url or "").strip() or None
    typed_title = (evidence.title or "").strip()
    for too_long in (
        text_problem("evidence_item.url", url or "", _("Evidence link")),
        text_problem("evidence_item.title", typed_title, _("Evidence title")),
    ):
        if too_long:
            raise PolicyChangeError(too_long.message, too_long)
    if url is not None and not url.lower().startswith(("http://", "https://")):
        raise PolicyChangeError(
            _("{code}: the evidence link must start with http:// or https:// (got {url!r})").format(
                code=change.code, url=shorten(url)
            )
        )
    sha256 = store_file(session, evidence.content) if evidence.content else None
    if url is None and sha256 is None:
        raise PolicyChangeError(
            _("{code}: evidence needs a link or a document").format(code=change.code)
        )
    # Without a typed title the item is named by its file or link, shortened to fit.
    title = typed_title or shorten(
        evidence.filename or url or "", TEXT_LIMITS["evidence_item.title"]
    )
    item = EvidenceItem(
        kind=evidence.kind, title=title, url=url, file_sha256=sha256, added_by=actor.name
    )
    change.evidence.append(item)
    session.flush()
    record_event(
        session, actor, "evidence.added", object_type="policy_change", object_id=change.id,
        label=change.code, partner_code=change.instrument.partner.code,
        after={"kind": item.kind, "title": item.title, "url": url, "file_sha256": sha256},
    )  # fmt: skip
    return item


def record_sheet_changes(
    session: Session,
    actor: Actor,
    evidence: Sequence[SheetEvidence],
    moves: Sequence[SheetStageMove],
    *,
    upload_id: int,
    today: date,
) -> None:
    """Write the checked evidence and stage events of a Policy changes sheet (evidence first:
    'validated' needs it), through the same functions as the stage form."""
    codes = {item.change_code for item in evidence} | {move.change_code for move in moves}
    if not codes:
        return
    changes = {
        c.code: c for c in session.scalars(select(PolicyChange).where(PolicyChange.code.in_(codes)))
    }
    for item in evidence:
        add_evidence(
            session, actor, changes[item.change_code],
            NewEvidence(kind="other", title=item.title, url=item.url),
        )  # fmt: skip
    for move in moves:
        record_stage_event(
            session, actor, move.change_code, move.stage.value, move.occurred_on, move.note,
            upload_id=upload_id, today=today,
        )  # fmt: skip
